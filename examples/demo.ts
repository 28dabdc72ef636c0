/**
 * The read API on the bundled example (`deno task demo` shows the same
 * through the CLI): find the best run of the knapsack capacity sweep.
 *
 * ```sh
 * deno run --allow-read examples/demo.ts
 * ```
 *
 * `examples/demo.ommx` was written by the reference Python SDK with
 * `examples/make_demo.py`.
 *
 * @module
 */
import { openExperiment } from "../mod.ts";

await using exp = await openExperiment(new URL("./demo.ommx", import.meta.url));
let best: { runId: number; objective: number } | null = null;
for (const run of exp.runs) {
  for (const solve of run.solves) {
    const solution = await solve.getOutput();
    if (solution === null || !solution.feasible) continue;
    if (best === null || solution.objective > best.objective) {
      best = { runId: run.runId, objective: solution.objective };
    }
  }
}
console.log(`${exp.imageName}: ${exp.runs.length} runs`);
if (best !== null) {
  const run = exp.run(best.runId);
  console.log(
    `best: run ${best.runId} (${run.status}), objective ${best.objective}`,
    run.parameters,
  );
}
