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
// The best objective counts only Solves that finished with a feasible solution that is not an LP
// relaxation, compared in the Instance's sense (the same rule as `ommx-ts runs` and the viewer).
let best: { runId: number; objective: number } | null = null;
for (const run of exp.runs) {
  for (const solve of run.solves) {
    const solution = await solve.getOutput();
    if (solve.status !== "finished" || solution === null) continue;
    if (!solution.feasible || solution.relaxation === "lp-relaxed") continue;
    const sense = solution.sense ?? (await solve.getInput()).sense;
    const better = best === null ||
      (sense === "maximize"
        ? solution.objective > best.objective
        : solution.objective < best.objective);
    if (better) best = { runId: run.runId, objective: solution.objective };
  }
}
console.log(`${exp.imageName}: ${exp.runs.length} runs`);
if (best !== null) {
  const run = exp.runById(best.runId);
  const marked = run.status === "finished"
    ? ""
    : ` — ✗ the run ${run.status}: ${run.lifecycleReason}`;
  console.log(`best: run ${best.runId}, objective ${best.objective}${marked}`, run.parameters);
}
