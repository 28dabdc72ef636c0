// What a small blob push keeps on the JS heap while it waits on its fsync: the writer keeps
// up to PUSH_QUEUE_LIMIT of them in flight, and what they hold survives the scavenges that
// run meanwhile (young survivors, which grow V8's new space: BENCHMARKS.md, issue 13,
// branch i13wf). Under Deno a push of bytes is one async frame that does not keep its bytes
// (~1,270 bytes measured with the gated fsync below, ~1,460 when the frame keeps the pushed
// copy's bytes); the three frames before kept ~2,660.
// Checked in a child Deno with `--expose-gc` by `heapUsed` after a full GC, with every
// fsync held at a gate so that all the pushes are in flight when measured.
import assert from "node:assert/strict";
import { runHeapChild } from "../../_heap_child_test_util.ts";

const CHILD = `
import { openLocalRegistry } from ${
  JSON.stringify(new URL("./local_registry.ts", import.meta.url).href)
};
import { digestOf } from ${JSON.stringify(new URL("../digest.ts", import.meta.url).href)};

const registry = await openLocalRegistry({ root: dir + "/registry", writable: true, create: true });
const blobs = [];
for (let i = 0; i < 400; i++) {
  const bytes = new TextEncoder().encode(("blob " + i + " ").repeat(40));
  blobs.push({ d: { mediaType: "application/octet-stream", digest: await digestOf(bytes), size: bytes.length }, bytes });
}
// Every fsync waits at the gate until it opens (one shared promise; the wrapper's frame
// is counted too, the same for every push).
let open;
const gate = new Promise((r) => (open = r));
const sync = Deno.FsFile.prototype.sync;
Deno.FsFile.prototype.sync = async function () {
  await gate;
  return await sync.call(this);
};
const pushes = [];
const start = (from, to) => {
  for (let i = from; i < to; i++) pushes.push(registry.push(blobs[i].d, blobs[i].bytes.slice())); // a copy, as the PushQueue pushes
};
start(0, 50); // warm-up: code and feedback, not counted
await new Promise((r) => setTimeout(r, 10));
globalThis.gc();
const before = Deno.memoryUsage().heapUsed;
start(50, 400);
await new Promise((r) => setTimeout(r, 10));
globalThis.gc();
const perPush = (Deno.memoryUsage().heapUsed - before) / 350 - 8; // less its slot in \`pushes\`
open();
await Promise.all(pushes);
let files = 0;
for (const _ of Deno.readDirSync(dir + "/registry/blobs/sha256")) files++;
console.log(JSON.stringify({ perPush: perPush < 1400 ? "small" : Math.round(perPush), files }));
`;

Deno.test("LocalRegistryTarget.push: a blob waiting on its fsync keeps one small frame, not its bytes", async () => {
  const result = await runHeapChild("ommx-lr-push-memory-", CHILD);
  assert.deepEqual(result, { perPush: "small", files: 400 });
});
