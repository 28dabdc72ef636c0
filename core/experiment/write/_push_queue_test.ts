import assert from "node:assert/strict";
import type { Descriptor } from "../../oci/descriptor.ts";
import { digestOf } from "../../oci/digest.ts";
import { canPushFiles, type Pusher } from "../../oci/storage.ts";
import { DigestMismatchError, IoError } from "../../errors.ts";
import { hashedCopy } from "../../oci/_payload_hash.ts";
import { stageBytes } from "./_staging.ts";
import { openLocalRegistry } from "../../oci/backends/local_registry.ts";
import { PUSH_QUEUE_LIMIT, PUSH_QUEUE_MAX_BYTES, PushQueue } from "./_push_queue.ts";

const enc = new TextEncoder();

async function desc(bytes: Uint8Array): Promise<Descriptor> {
  return {
    mediaType: "application/octet-stream",
    digest: await digestOf(bytes),
    size: bytes.length,
  };
}

/** A store whose pushes wait until released; records what it received. */
function gatedStore() {
  const waiting: (() => void)[] = [];
  const received = new Map<string, Uint8Array>();
  let inFlight = 0;
  let most = 0;
  const store: Pusher = {
    async push(d, content) {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((r) => waiting.push(r));
      inFlight--;
      const bytes = content instanceof Uint8Array
        ? content
        : new Uint8Array(await new Response(content).arrayBuffer());
      received.set(d.digest, bytes.slice());
    },
  };
  const release = () => {
    for (const r of waiting.splice(0)) r();
  };
  return { store, received, release, most: () => most, waiting: () => waiting.length };
}

Deno.test("PushQueue: at most 8 pushes in flight by default (each holds a blocking thread)", () => {
  // 16 is faster on a quiet disk but keeps more threads and young objects
  // alive (peak RSS +~1 MiB at 1,000 runs; BENCHMARKS.md, branch i13wt).
  assert.equal(PUSH_QUEUE_LIMIT, 8);
});

Deno.test("PushQueue: small pushes return before they finish, at most PUSH_QUEUE_LIMIT in flight", async () => {
  const g = gatedStore();
  const q = new PushQueue(g.store);
  const items = await Promise.all(
    Array.from({ length: PUSH_QUEUE_LIMIT }, async (_, i) => {
      const bytes = enc.encode(`payload ${i}`);
      return { d: await desc(bytes), bytes };
    }),
  );
  for (const { d, bytes } of items) await q.push(d, bytes); // none waits for the store
  assert.equal(g.waiting(), PUSH_QUEUE_LIMIT);
  // The caller's buffer is copied: changing it afterwards changes nothing stored.
  items[0]!.bytes.fill(0);
  // One more must wait for a free slot.
  const extra = enc.encode("one more");
  let queued = false;
  const more = q.push(await desc(extra), extra).then(() => queued = true);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(queued, false);
  const draining = q.drain();
  while (!queued || g.waiting() > 0) {
    g.release();
    await new Promise((r) => setTimeout(r, 1));
  }
  await more;
  await draining;
  g.release();
  await q.drain();
  assert.equal(g.most(), PUSH_QUEUE_LIMIT);
  assert.equal(g.received.size, PUSH_QUEUE_LIMIT + 1);
  assert.deepEqual(g.received.get(items[0]!.d.digest), enc.encode("payload 0"));
});

Deno.test("PushQueue: a failed push is re-thrown by the next push and by every drain", async () => {
  const failing: Pusher = {
    push: (d) => Promise.reject(new Error(`disk full for ${d.digest}`)),
  };
  const q = new PushQueue(failing);
  const a = enc.encode("a");
  await q.push(await desc(a), a); // queued: no error yet
  await assert.rejects(q.drain(), /disk full/);
  const b = enc.encode("b");
  await assert.rejects(q.push(await desc(b), b), /disk full/);
  await assert.rejects(q.drain(), /disk full/);
  await q.settle(); // giving up ignores it
});

Deno.test("PushQueue over a Local Registry: a failed fsync is re-thrown by the next push and the drain; nothing is left behind", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-push-queue-fsync-" });
  const sync = Deno.FsFile.prototype.sync;
  try {
    const registry = await openLocalRegistry({ root, writable: true, create: true });
    const q = new PushQueue(registry);
    const ok = enc.encode("stored");
    await q.push(await desc(ok), ok);
    await q.drain();
    Deno.FsFile.prototype.sync = () =>
      Promise.reject(Object.assign(new Error("the disk went away"), { code: "EIO" }));
    const bad = enc.encode("not stored");
    await q.push(await desc(bad), bad); // queued: no error yet
    await q.settle();
    Deno.FsFile.prototype.sync = sync;
    const next = enc.encode("next");
    await assert.rejects(
      q.push(await desc(next), next),
      (e) => e instanceof IoError && e.osCode === "EIO",
    );
    await assert.rejects(q.drain(), IoError);
    // The stored blob only: the failed one's temporary file was removed, the next one never written.
    const names = [...Deno.readDirSync(`${root}/blobs/sha256`)].map((e) => e.name);
    assert.deepEqual(names, [(await desc(ok)).digest.slice("sha256:".length)]);
  } finally {
    Deno.FsFile.prototype.sync = sync;
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("PushQueue: streams and large blobs are pushed in turn; pushFile only when the store has it", async () => {
  const seen: string[] = [];
  const store: Pusher = {
    async push(d, content) {
      if (content instanceof ReadableStream) await new Response(content).arrayBuffer();
      seen.push(d.digest);
    },
  };
  const q = new PushQueue(store);
  const big = new Uint8Array(PUSH_QUEUE_MAX_BYTES + 1);
  const bigD = await desc(big);
  await q.push(bigD, big);
  assert.deepEqual(seen, [bigD.digest], "stored before push returned");
  const s = enc.encode("streamed");
  const sD = await desc(s);
  await q.push(sD, new Blob([s]).stream());
  assert.deepEqual(seen, [bigD.digest, sD.digest]);
  assert.equal(canPushFiles(q), false);
  const withFiles = new PushQueue({
    push: () => Promise.resolve(),
    pushFile: (path: string) => Promise.resolve({ digest: `sha256:${path}`, size: 1 }),
  } as Pusher);
  assert.equal(canPushFiles(withFiles), true);
  assert.deepEqual(await withFiles.pushFile!("x"), { digest: "sha256:x", size: 1 });
});

Deno.test("PushQueue.pushHashed: the hashed copy is pushed as is (not copied again); push still copies", async () => {
  const g = gatedStore();
  const seen: Uint8Array[] = [];
  const inner: Pusher = {
    push(d, content) {
      seen.push(content as Uint8Array);
      return g.store.push(d, content);
    },
  };
  const q = new PushQueue(inner);
  const copy = hashedCopy(enc.encode("hashed"))!;
  await q.pushHashed(await desc(copy.bytes), copy);
  const user = enc.encode("user bytes");
  await q.push(await desc(user), user);
  const draining = q.drain();
  g.release();
  await draining;
  assert.equal(seen[0], copy.bytes);
  assert.notEqual(seen[1], user);
});

Deno.test("stageBytes through a PushQueue into a Local Registry: the same blobs; a wrong digest by a push is still refused", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-push-queue-hashed-" });
  try {
    const registry = await openLocalRegistry({ root, writable: true, create: true });
    const q = new PushQueue(registry);
    const bytes = enc.encode("a staged payload");
    const d = await stageBytes(q, "application/octet-stream", bytes);
    bytes.fill(0); // the caller's buffer, changed after the push: the original is stored
    await q.drain();
    assert.deepEqual(d, { ...(await desc(enc.encode("a staged payload"))), annotations: {} });
    assert.deepEqual(await registry.fetch(d), enc.encode("a staged payload"));
    // An ordinary push with a wrong digest: refused by the store, as before.
    const other = enc.encode("other");
    await q.push({ ...(await desc(other)), digest: d.digest }, other);
    await assert.rejects(q.drain(), DigestMismatchError);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
