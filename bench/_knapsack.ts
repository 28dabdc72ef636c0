/**
 * The knapsack Instance the benchmarks record and solve: binary items, maximise the profit, one
 * `weights · x ≤ capacity` row (id 0).
 *
 * ```ts
 * import { knapsack } from "./_knapsack.ts";
 *
 * const instance = knapsack([10, 13], [11, 15], 20);
 * console.log(instance.decisionVariables.length); // 2
 * ```
 *
 * @module
 */
import { Function, Instance } from "@ommx-ts/experiment";

/**
 * A 0-1 knapsack: item `i` (decision variable `i`) has `profits[i]` and `weights[i]`.
 *
 * @param profits The objective's coefficients, one per item.
 * @param weights The capacity row's coefficients, one per item.
 * @param capacity The right-hand side of the capacity row.
 * @returns The Instance (maximise).
 */
export function knapsack(
  profits: readonly number[],
  weights: readonly number[],
  capacity: number,
): Instance {
  return new Instance({
    sense: "maximize",
    objective: Function.linear(profits.map((v, i) => [i, v])),
    decisionVariables: profits.map((_, id) => ({
      id,
      kind: "binary" as const,
      bound: { lower: 0, upper: 1 },
      subscripts: [],
      parameters: {},
    })),
    constraints: [{
      id: 0,
      function: Function.linear(weights.map((v, i) => [i, v]), -capacity),
      equality: "<=" as const,
      subscripts: [],
      parameters: {},
    }],
  });
}
