/**
 * The HiGHS adapter (adapters/highs) on a 10,000-variable knapsack built here (every item fits,
 * so HiGHS's own part is small): one whole `OMMXHighsAdapter.solve` per iteration. The comparison with the reference Python adapter is
 * `bench/highs_compare.sh` (BENCHMARKS.md, "HiGHS adapter").
 *
 * Run: `deno bench -A bench/highs_bench.ts`.
 *
 * @module
 */
import { knapsack } from "./_knapsack.ts";
import { OMMXHighsAdapter } from "../adapters/highs/mod.ts";

const N = 10_000;
let seed = 20260913;
const next = () => 1 + ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % 100);
const weight = Array.from({ length: N }, next);
const profit = Array.from({ length: N }, next);
const total = weight.reduce((a, b) => a + b, 0);
const instance = knapsack(profit, weight, total);
await OMMXHighsAdapter.load();

Deno.bench({
  name: "highs: solve a 10,000-variable knapsack (translate, HiGHS, decode)",
  async fn() {
    const solution = await OMMXHighsAdapter.solve(instance);
    if (solution.objective !== profit.reduce((a, b) => a + b, 0)) throw new Error("wrong optimum");
  },
});
