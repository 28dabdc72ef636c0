// What the run-parameter table writer and the assembly cache keep on V8's heap per closed run
// while an Experiment is recorded. Their per-run numbers (run ids, cell type codes, cell ends,
// the cache's layer / config / manifest ends) are kept in typed arrays outside the heap: as
// growing JS arrays, each new backing store survived a scavenge or two, and those surviving
// bytes are what makes V8 double its young generation. Checked in a child Deno with
// `--expose-gc` by `heapUsed` after a full GC: the writer keeps only its value slots (two
// parameters: 16–24 bytes a run against 72–108 with the numbers in arrays), the cache its run
// and layer slots besides (~50–70 against ~130–190).
import assert from "node:assert/strict";
import { runHeapChild } from "../../_heap_child_test_util.ts";

const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);

const CHILD = `
import { RunParameterTableWriter } from ${
  url("../../../codecs/msgpack/_run_parameter_table_writer.ts")
};
import { closedRun } from ${url("./_closed_run.ts")};
import { processState } from ${url("./_run_state.ts")};
import { encodeRunsAhead, newAssemblyCache } from ${url("./_commit.ts")};

const N = 5000;
const solvers = Array.from({ length: 7 }, (_, k) => "fixed-" + k);

/**
 * Heap bytes a run that \`fill\` keeps in \`held.value\` (after one warm-up round, dropped; what
 * \`fill\` keeps is not returned, so that no suspended \`await\` holds the warm-up's copy).
 */
const held = { value: undefined };
async function perRun(fill) {
  await fill();
  held.value = undefined;
  globalThis.gc();
  const before = Deno.memoryUsage().heapUsed;
  await fill();
  globalThis.gc();
  const bytes = (Deno.memoryUsage().heapUsed - before) / N;
  held.value = undefined;
  return bytes;
}

// The writer bench's two parameters a run: an int and one of seven strings.
const writer = await perRun(() => {
  const w = held.value = new RunParameterTableWriter(() => []);
  for (let i = 0; i < N; i++) w.append({ runId: i, params: { seed: i, solver: solvers[i % 7] } });
});

// The bench's closed runs (an attachment, two parameters, a Solve), made before measuring.
const layer = (i, m) => ({ mediaType: m, digest: "sha256:" + String(i % 10).repeat(64), size: i, annotations: {} });
const runs = Array.from({ length: N }, (_, i) => closedRun({
  runId: i,
  status: "finished",
  reason: null,
  attachments: new Map([["config", { descriptor: layer(i, "application/json") }]]),
  trace: undefined,
  solves: [processState(0, "finished", layer(i, "i"), "a", "{}", layer(i, "o"), undefined)],
  samplings: [],
  parameters: new Map([["seed", i], ["solver", solvers[i % 7]]]),
}));
const cache = await perRun(async () => {
  await encodeRunsAhead(held.value = newAssemblyCache(), 0, runs);
});

console.log(JSON.stringify({
  writer: writer < 40 ? "small" : writer,
  cache: cache < 100 ? "small" : cache,
}));
`;

Deno.test("run-parameter writer and assembly cache: the per-run numbers are off V8's heap", async () => {
  const result = await runHeapChild("ommx-assembly-cache-memory-", CHILD);
  assert.deepEqual(result, { writer: "small", cache: "small" });
});
