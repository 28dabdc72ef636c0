// What a closed run keeps until the commit, object by object: a Solve / Sampling record built
// in one literal (no out-of-object property store: 72 bytes with an output layer against
// ~150 when `output` was added after the literal), and a closed run of the writer bench's
// shape (one attachment, two parameters, one Solve) as one object and one exactly sized
// array of cells (~270 bytes; the state object, two small maps, a `solves` array, the
// Solve record, the attachment entry and the "fixed-…" value it replaced kept ~480). Checked in a child Deno with
// `--expose-gc` by `heapUsed` after a full GC, plus the records' keys and order.
import assert from "node:assert/strict";
import { runHeapChild } from "../../_heap_child_test_util.ts";
import { processState } from "./_run_state.ts";
import type { LayerDescriptor } from "./_staging.ts";

const CHILD = `
import { processState } from ${JSON.stringify(new URL("./_run_state.ts", import.meta.url).href)};
import { closedRun } from ${JSON.stringify(new URL("./_closed_run.ts", import.meta.url).href)};

const layer = { mediaType: "m", digest: "sha256:" + "0".repeat(64), size: 1, annotations: {} };
const record = heapPerItem((i) => processState(i, "finished", layer, "a", "{}", layer, undefined)).bytes;
// The writer bench's run: a JSON attachment, "seed" and "solver" (a value built per run), a Solve.
const run = heapPerItem((i) => closedRun({
  runId: i,
  status: "finished",
  reason: null,
  attachments: new Map([["config", { descriptor: layer }]]),
  trace: undefined,
  // A fresh options text a run, as the writer builds it (pooled when closed).
  solves: [processState(0, "finished", layer, "a", ["{", "}"].join(""), layer, undefined)],
  samplings: [],
  parameters: new Map([["seed", i], ["solver", "fixed-" + (i % 7)]]),
})).bytes;
console.log(JSON.stringify({
  // 24 bytes of header and 6 fields of 8 (~74 measured; ~106 with output added after).
  record: record < 90 ? "small" : record,
  // The object 64, its array 32, the cells 16 + 17 × 8 (~251 measured; ~480 the old form;
  // ~280 with each run's own 24-byte "{}" options text, before adapter options were pooled).
  run: run < 265 ? "small" : run,
}));
`;

Deno.test("closed run: records and closed runs keep no spare slots", async () => {
  const result = await runHeapChild("ommx-closed-run-state-", CHILD);
  assert.deepEqual(result, { record: "small", run: "small" });
});
Deno.test("processState: exactly the keys given, in the record's order", () => {
  const layer = (n: number): LayerDescriptor => ({
    mediaType: "m",
    digest: `sha256:${String(n).repeat(64)}`,
    size: n,
    annotations: {},
  });
  const [input, output, diagnostics] = [layer(1), layer(2), layer(3)];
  const base = ["id", "status", "input", "adapter", "adapterOptions"];
  const cases = [
    [undefined, undefined, base],
    [output, undefined, [...base, "output"]],
    [undefined, diagnostics, [...base, "diagnostics"]],
    [output, diagnostics, [...base, "output", "diagnostics"]],
  ] as const;
  for (const [out, diag, keys] of cases) {
    const rec = processState(7, "failed", input, "solver.X", '{"a":1}', out, diag);
    assert.deepEqual(Object.keys(rec), keys);
    assert.deepEqual(rec, {
      id: 7,
      status: "failed",
      input,
      adapter: "solver.X",
      adapterOptions: '{"a":1}',
      ...(out === undefined ? {} : { output: out }),
      ...(diag === undefined ? {} : { diagnostics: diag }),
    });
  }
});
