// The Experiment a commit returns builds its run views on first use when no run has anything to
// read: a commit after thousands of runs keeps no `SealedRun` per run until `runs` is asked for
// (built at once they took ~6 MiB of peak RSS at 5,000 runs). A run with a diagnostics layer
// (something to read) makes the views load at commit, as before. Checked in a child Deno with
// `--expose-gc`, counting `SealedRun` objects in V8 heap snapshots (`node:v8`).
import assert from "node:assert/strict";
import { runHeapChild, sealedRunViewsChild } from "../../_heap_child_test_util.ts";

const CHILD = `${
  sealedRunViewsChild(new URL("./experiment_builder.ts", import.meta.url).href)
}const instance = (i) => ({ toBytes: () => bytes("instance " + i), numVariables: 0, numConstraints: 0 });

const b = createExperimentBuilder({ imageName: "example.com/t/commit-views:v1" });
for (let i = 0; i < 10; i++) {
  await b.withRun(async (run) => {
    run.logParameter("i", i);
    await run.logSolve(solver, instance(i));
  });
}
const exp = await b.commit();
const committed = count("committed");
const runs = exp.runs;
const asked = count("asked");

const d = createExperimentBuilder({ imageName: "example.com/t/commit-views:v2" });
for (let i = 0; i < 3; i++) {
  await d.withRun(async (run) => {
    await run.logFinishedSolve({
      input: instance(i),
      output: { toBytes: () => bytes("solution") },
      adapter: "toy.Solver",
      diagnostics: [{ status: "ok" }],
    });
  });
}
const withDiagnostics = await d.commit();
// The builder loaded its 3 closed runs' views (diagnostics to read) and so did the commit.
const loaded = count("diagnostics") - asked;
console.log(JSON.stringify({
  committed,
  asked,
  runIds: runs.map((r) => r.runId),
  same: exp.runs === runs,
  solves: runs.map((r) => r.solves.length),
  byId: exp.runById(4) === runs[4],
  loaded,
  diagnosticsRuns: withDiagnostics.runs.length,
}));
`;

Deno.test("commit: the Experiment returned keeps no SealedRun view until runs is asked for", async () => {
  const result = await runHeapChild("ommx-commit-views-", CHILD);
  assert.deepEqual(result, {
    committed: 0,
    asked: 10,
    runIds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    same: true,
    solves: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    byId: true,
    loaded: 6,
    diagnosticsRuns: 3,
  });
});
