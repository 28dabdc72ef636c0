// A builder keeps no view object per closed run until one is asked for: closing runs whose
// Solves and Samplings have no diagnostics (nothing to read) stores only the run's state; the
// `SealedRun` views are built on the first `closedRuns` (they were built at every close before,
// ~2 KB a run of heap: ~11 MiB of peak RSS at 5,000 runs). Checked in a child Deno with
// `--expose-gc`, counting `SealedRun` objects in V8 heap snapshots (`node:v8`).
import assert from "node:assert/strict";
import { runHeapChild, sealedRunViewsChild } from "../../_heap_child_test_util.ts";

const CHILD = `${
  sealedRunViewsChild(new URL("./experiment_builder.ts", import.meta.url).href)
}const b = createExperimentBuilder({ imageName: "example.com/t/views:v1" });
for (let i = 0; i < 10; i++) {
  await b.withRun(async (run) => {
    run.logParameter("i", i);
    await run.logSolve(solver, { toBytes: () => bytes("instance " + i), numVariables: 0, numConstraints: 0 });
  });
}
await b.settled();
const closed = count("closed");
const views = b.closedRuns;
const asked = count("asked");
const again = b.closedRuns;
const exp = await b.commit();
console.log(JSON.stringify({
  closed,
  asked,
  runIds: views.map((r) => r.runId),
  same: again.every((r, i) => r === views[i]),
  solves: views.map((r) => r.solves.length),
  committed: exp.runs.length,
}));
`;

Deno.test("builder: no SealedRun view is kept per closed run until closedRuns asks for them", async () => {
  const result = await runHeapChild("ommx-run-views-", CHILD);
  assert.deepEqual(result, {
    closed: 0,
    asked: 10,
    runIds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    same: true,
    solves: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    committed: 10,
  });
});
