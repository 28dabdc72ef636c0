/**
 * Record a small Experiment from TypeScript with a toy brute-force adapter,
 * save it as a `.ommx` archive, reopen it and print what is inside —
 * including each solve's duration, kept in the run's trace (`storeTrace`).
 *
 * Run: deno run -A examples/record_experiment.ts
 *
 * @module
 */
import { createExperiment, openExperiment } from "../mod.ts";
import { DecisionVariable, Function, Instance, Solution } from "../codecs/ommx/mod.ts";

function knapsack(capacity: number): Instance {
  const weights = [11, 15, 20, 35];
  const profits = [10, 13, 18, 32];
  const x = weights.map((_, i) => DecisionVariable.binary(i, { name: "x", subscripts: [i] }));
  return Instance.fromComponents({
    sense: "maximize",
    description: { name: `knapsack-${capacity}`, authors: ["example"] },
    objective: Function.sum(x.map((xi, i) => xi.mul(profits[i]!))),
    decisionVariables: x,
    constraints: { 0: Function.sum(x.map((xi, i) => xi.mul(weights[i]!))).le(capacity) },
  });
}

/** A toy adapter: enumerate every binary assignment. */
const bruteForce = {
  name: "examples.BruteForceAdapter",
  solve(
    instance: Instance,
    _options: Record<string, unknown>,
    ctx: { recordDiagnostic(r: unknown): void },
  ) {
    let best: Map<number, number> | undefined;
    let bestObjective = -Infinity;
    const ids = instance.variableIds;
    for (let mask = 0; mask < 1 << ids.length; mask++) {
      const state = new Map(ids.map((id, k) => [id, (mask >> k) & 1]));
      const { objective, feasible } = instance.evaluateSummary(state); // the cheap path
      if (feasible && objective > bestObjective) {
        best = state;
        bestObjective = objective;
      }
    }
    ctx.recordDiagnostic({ enumerated: 1 << ids.length });
    if (!best) throw new Error("infeasible");
    // every state was tried: the evaluated Solution is optimal
    return new Solution({ ...instance.evaluate(best).toData(), optimality: "optimal" });
  },
};

// storeTrace: each run stores an OTLP trace (root span `Run`, one `solve`
// span per run.logSolve() call): the only place the format keeps durations.
const experiment = createExperiment({
  imageName: "localhost:5000/examples/knapsack-sweep:v1",
  storeTrace: true,
});
experiment.setAnnotation("org.example.purpose", "capacity sweep");
await experiment.logJson("setup", { capacities: [20, 40, 60] });
for (const capacity of [20, 40, 60]) {
  await experiment.withRun(async (run) => {
    run.logParameter("capacity", capacity);
    run.logParameter("solver", bruteForce.name);
    const solution = await run.logSolve(bruteForce, knapsack(capacity), { exhaustive: true });
    run.logParameter("objective", solution.objective);
  });
}
await experiment.commit();

const dir = await Deno.makeTempDir({ prefix: "ommx-example-" });
const path = `${dir}/knapsack-sweep.ommx`;
await experiment.save(path);
console.log(
  `saved ${path} (${(await Deno.stat(path)).size} bytes, manifest ${experiment.manifestDigest})`,
);

await using reopened = await openExperiment(path);
console.log(String(reopened));
console.log("annotations:", reopened.annotations);
console.log("setup:", await reopened.getJson("setup"));
for (const run of reopened.runs) {
  const solve = reopened.config.runs.find((r) => r.runId === run.runId)!.solves[0]!;
  const trace = await run.getTrace();
  const durations = (trace?.spansNamed("solve") ?? []).map((s) => `${s.durationMs.toFixed(3)} ms`);
  console.log(
    `run ${run.runId}: ${run.status}, solve ${solve.status} by ${solve.adapter} ${solve.adapterOptions}` +
      `, solve took ${durations.join(", ")}`,
  );
}
console.log(`trace of run 0:\n${await reopened.runs[0]!.getTrace()}`);
const table = reopened.runParameters();
console.log("run parameters:", table.columns.map((c) => `${c.name}:${c.type}`).join(", "));
await Deno.remove(dir, { recursive: true });
