/**
 * The HiGHS adapter (adapters/highs) on a 10,000-variable knapsack built here (every item fits,
 * so HiGHS's own part is small): one whole `OMMXHighsAdapter.solve` per iteration. The comparison with the reference Python adapter is
 * `bench/highs_compare.sh` (BENCHMARKS.md, "HiGHS adapter").
 *
 * Run: `deno bench -A bench/highs_bench.ts`.
 *
 * @module
 */
import { Function, Instance } from "../mod.ts";
import { OMMXHighsAdapter } from "../adapters/highs/mod.ts";

const N = 10_000;
let seed = 20260913;
const next = () => 1 + ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % 100);
const weight = Array.from({ length: N }, next);
const profit = Array.from({ length: N }, next);
const total = weight.reduce((a, b) => a + b, 0);
const knapsack = new Instance({
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
    equality: "<=",
    function: Function.linear(weight.map((w, i) => [i, w]), -total),
    subscripts: [],
    parameters: {},
  }],
});
await OMMXHighsAdapter.load();

Deno.bench({
  name: "highs: solve a 10,000-variable knapsack (translate, HiGHS, decode)",
  async fn() {
    const solution = await OMMXHighsAdapter.solve(knapsack);
    if (solution.objective !== profit.reduce((a, b) => a + b, 0)) throw new Error("wrong optimum");
  },
});
