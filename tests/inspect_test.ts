/** `console.log` of Experiment and SealedRun shows the reference's repr, in Deno and in Node. */
import assert from "node:assert/strict";
import { openExperiment } from "../mod.ts";
import { archivePath, COMMITTED_CORPUS } from "./conformance/_corpus_test_util.ts";

Deno.test("console rendering of Experiment and SealedRun is their repr (Deno and Node hooks)", async () => {
  await using exp = await openExperiment(archivePath("runs", COMMITTED_CORPUS));
  assert.equal(Deno.inspect(exp), exp.toString());
  assert.equal(Deno.inspect(exp.runs[0]), exp.runs[0]!.toString());
  const { inspect } = await import("node:util");
  assert.equal(inspect(exp.runs[1]), exp.runs[1]!.toString());
  assert.match(exp.runs[1]!.toString(), /^SealedRun\(run_id=1, status='failed'/);
});

Deno.test("Solve and Sampling render as one-line reprs", async () => {
  await using exp = await openExperiment(archivePath("solves", COMMITTED_CORPUS));
  const run = exp.runs[0]!;
  assert.equal(
    `${run.solves[0]}`,
    "Solve(run_id=0, solve_id=0, status='finished', adapter='ommx_highs_adapter.adapter.OMMXHighsAdapter')",
  );
  assert.equal(
    `${run.samplings[0]}`,
    "Sampling(run_id=0, sampling_id=0, status='finished', adapter='ommx_openjij_adapter.OMMXOpenJijSAAdapter')",
  );
  assert.equal(run.solves[1]!.solveId, 1);
  assert.equal(run.samplings[0]!.runId, 0);
});
