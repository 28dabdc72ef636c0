/**
 * Writes an Experiment whose runs exercise each rule of the "best objective"
 * (cli/summary.ts) with the ommx-ts writer, for the CLI and viewer tests:
 *
 * | run | status      | records                                                          | best |
 * | --- | ----------- | ---------------------------------------------------------------- | ---- |
 * | 0   | finished    | maximise: feasible 10, 15; infeasible 35; LP-relaxed 25; failed  | 15.0 |
 * | 1   | finished    | minimise: feasible 10 (options `time_limit=10.0`), 25; infeasible 0 | 10.0 |
 * | 2   | finished    | maximise: infeasible 35; LP-relaxed 25; failed                   | —    |
 * | 3   | failed      | maximise: feasible 25 before the run failed                      | 25.0 |
 * | 4   | finished    | no records (a `note` parameter holding terminal escapes)        | —    |
 * | 5   | interrupted | maximise: a failed solve only                                    | —    |
 *
 * Solutions are evaluated from their Instance (`Solution.evaluate`, integral
 * states), so every derived field is what the reference computes; the relaxed
 * one only gets `relaxation: "lp-relaxed"` on top.
 *
 * ```sh
 * deno run -A tests/cli/_best_objective_archive_test_util.ts <out.ommx>
 * ```
 *
 * @module
 */
import { createExperimentBuilder } from "../../core/experiment/write/experiment_builder.ts";
import { saveExperiment } from "../../core/experiment/write/save.ts";
import { Function, Instance, Solution } from "../../codecs/ommx/mod.ts";
import { pyFloat } from "../../codecs/py_float.ts";

/** The best objective each run must show, in the CLI's text (`—` for none). */
export const EXPECTED_BEST: readonly string[] = ["15.0", "10.0", "—", "25.0", "—", "—"];
/** Each run's status. */
export const EXPECTED_STATUS: readonly string[] = [
  "finished",
  "finished",
  "finished",
  "failed",
  "finished",
  "interrupted",
];
/** The failed run's reason. */
export const FAILED_REASON =
  "RuntimeError: the solver licence expired while post-processing the third candidate solution, " +
  "after 2 of 3 solves had finished; see the run attachments for the solver log";

const ADAPTER = "tests.RulesAdapter";
/** A terminal escape, in run 4's `note` parameter: the CLI must show it escaped. */
export const ESC = "\u001b";

/** 10 x0 + 20 x1 + 5 x2 over binaries, with 2 x0 + 2 x1 <= 3 (max) or x0 + x1 >= 1 (min). */
function instance(sense: "minimize" | "maximize"): Instance {
  return new Instance({
    sense,
    objective: Function.linear([[0, 10], [1, 20], [2, 5]]),
    decisionVariables: [0, 1, 2].map((id) => ({
      id,
      kind: "binary" as const,
      bound: { lower: 0, upper: 1 },
      subscripts: [],
      parameters: {},
    })),
    constraints: [{
      id: 0,
      equality: "<=" as const,
      function: sense === "maximize"
        ? Function.linear([[0, 2], [1, 2]], -3)
        : Function.linear([[0, -1], [1, -1]], 1),
      subscripts: [],
      parameters: {},
    }],
  });
}

function solution(inst: Instance, state: Record<number, number>, relaxed = false): Solution {
  const s = Solution.evaluate(inst, new Map(Object.entries(state).map(([k, v]) => [+k, v])));
  return relaxed ? new Solution({ ...s.toData(), relaxation: "lp-relaxed" }) : s;
}

/**
 * Write the archive.
 *
 * @param path Where to save it.
 * @returns The path.
 */
export async function writeBestObjectiveArchive(path: string): Promise<string> {
  const max = instance("maximize");
  const min = instance("minimize");
  const finished = (input: Instance, output: Solution) => ({ input, output, adapter: ADAPTER });
  const failed = (input: Instance) => ({ input, adapter: ADAPTER });
  const exp = createExperimentBuilder({
    imageName: "localhost:5000/ommx-ts/tests/best-objective:v1",
  });
  await exp.withRun(async (run) => {
    run.logParameter("case", "maximise");
    run.logParameter("x", pyFloat(0));
    await run.logFinishedSolve(finished(max, solution(max, { 0: 1, 1: 0, 2: 0 }))); // 10
    await run.logFinishedSolve(finished(max, solution(max, { 0: 1, 1: 0, 2: 1 }))); // 15
    await run.logFinishedSolve(finished(max, solution(max, { 0: 1, 1: 1, 2: 1 }))); // 35 infeasible
    await run.logFinishedSolve(finished(max, solution(max, { 0: 0, 1: 1, 2: 1 }, true))); // 25 relaxed
    await run.logFailedSolve(failed(max));
  });
  await exp.withRun(async (run) => {
    run.logParameter("case", "minimise");
    run.logParameter("x", pyFloat(1));
    await run.logFinishedSolve({
      ...finished(min, solution(min, { 0: 1, 1: 0, 2: 0 })), // 10
      adapterOptions: { time_limit: pyFloat(10), threads: 2 },
    });
    await run.logFinishedSolve(finished(min, solution(min, { 0: 0, 1: 1, 2: 1 }))); // 25
    await run.logFinishedSolve(finished(min, solution(min, { 0: 0, 1: 0, 2: 0 }))); // 0 infeasible
  });
  await exp.withRun(async (run) => {
    run.logParameter("case", "nothing eligible");
    run.logParameter("x", pyFloat(2));
    await run.logFinishedSolve(finished(max, solution(max, { 0: 1, 1: 1, 2: 1 })));
    await run.logFinishedSolve(finished(max, solution(max, { 0: 0, 1: 1, 2: 1 }, true)));
    await run.logFailedSolve(failed(max));
  });
  await exp.withRun(async (run) => {
    run.logParameter("case", "failed run");
    run.logParameter("x", pyFloat(3));
    await run.logFinishedSolve(finished(max, solution(max, { 0: 0, 1: 1, 2: 1 })));
    const error = new Error(FAILED_REASON.slice("RuntimeError: ".length));
    error.name = "RuntimeError";
    run.fail(error);
  });
  await exp.withRun((run) => {
    run.logParameter("case", "no records");
    run.logParameter("x", pyFloat(4));
    run.logParameter("note", `${ESC}[31mred${ESC}[0m`);
  });
  await exp.withRun(async (run) => {
    run.logParameter("case", "interrupted");
    run.logParameter("x", pyFloat(5));
    await run.logFailedSolve({ ...failed(max), status: "interrupted" });
    run.interrupt("KeyboardInterrupt");
  });
  return await saveExperiment(await exp.commit(), path, { overwrite: true });
}

if (import.meta.main) {
  const path = Deno.args[0];
  if (!path) {
    console.error("usage: _best_objective_archive_test_util.ts <out.ommx>");
    Deno.exit(2);
  }
  console.log(await writeBestObjectiveArchive(path));
}
