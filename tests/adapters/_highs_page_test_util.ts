/// <reference lib="dom" />
/**
 * The page of the HiGHS browser test (highs_browser_test.ts): bundled for the browser, it solves
 * a small MIP with the HiGHS adapter (its `highs.wasm` served beside the bundle), records the
 * solve in an Experiment, reads the archive back, and publishes what it saw on `document.body`
 * (`data-state` `done` or `error`, `data-result` as JSON).
 *
 * @module
 */
import { HighsAdapter, OMMXHighsAdapter } from "../../adapters/highs/mod.ts";
import {
  createExperiment,
  experimentArchiveBytes,
  Function,
  Instance,
  openExperiment,
} from "@ommx-ts/experiment";

const profit = [10, 13, 18, 32, 7, 15];
const weight = [11, 15, 20, 35, 10, 33];

async function main(): Promise<unknown> {
  const instance = new Instance({
    sense: "maximize",
    objective: Function.linear(profit.map((p, i) => [i, p])),
    decisionVariables: profit.map((_, id) => ({
      id,
      kind: "binary" as const,
      bound: { lower: 0, upper: 1 },
      subscripts: [],
      parameters: {},
    })),
    constraints: [{
      id: 0,
      equality: "<=" as const,
      function: Function.linear(weight.map((w, i) => [i, w]), -47),
      subscripts: [],
      parameters: {},
    }],
  });
  const log: string[] = [];
  const direct = await new HighsAdapter({ log: (line) => log.push(line) }).solve(instance, {
    timeLimit: 30,
  });
  const builder = createExperiment({ imageName: "localhost:5000/ommx-ts/browser-highs:v1" });
  await builder.withRun(async (run) => {
    run.logParameter("capacity", 47);
    await run.logSolve(OMMXHighsAdapter, instance, { timeLimit: 30 }, { storeDiagnostics: true });
  });
  await using exp = await openExperiment(await experimentArchiveBytes(await builder.commit()));
  const solve = exp.runs[0]!.solves[0]!;
  const recorded = await solve.getOutput();
  return {
    userAgent: navigator.userAgent,
    objective: direct.objective,
    optimality: direct.optimality,
    chosen: [...direct.state].filter(([, x]) => x > 0.5).map(([id]) => id),
    recorded: {
      status: solve.status,
      adapter: solve.adapter,
      objective: recorded?.objective ?? null,
      termination: (solve.getDiagnostics().at(-1) as { status?: string } | undefined)?.status ??
        null,
    },
    logged: log.some((line) => /^Running HiGHS/.test(line)) &&
      log.some((l) => /MIP has 1 row/.test(l)),
  };
}

main().then(
  (result) => {
    document.body.dataset.result = JSON.stringify(result);
    document.body.dataset.state = "done";
  },
  (error: unknown) => {
    document.body.dataset.error = error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);
    document.body.dataset.state = "error";
  },
);
