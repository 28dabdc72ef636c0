/**
 * `@ommx-ts/highs-adapter`: solve OMMX instances with HiGHS (WebAssembly, `npm:highs`) from
 * Deno, Node and browsers, and record the solves with `@ommx-ts/experiment` — the TypeScript
 * counterpart of the Python `ommx-highs-adapter`.
 *
 * @example Record a solve in a run
 * ```ts
 * import { OMMXHighsAdapter } from "./mod.ts";
 * import { createExperiment, Function, Instance } from "@ommx-ts/experiment";
 * import assert from "node:assert/strict";
 *
 * const instance = new Instance({
 *   sense: "maximize",
 *   objective: Function.linear([[0, 2], [1, 3]]),
 *   decisionVariables: [
 *     { id: 0, kind: "binary", bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {} },
 *     { id: 1, kind: "integer", bound: { lower: 0, upper: 10 }, subscripts: [], parameters: {} },
 *   ],
 *   constraints: [{
 *     id: 0, equality: "<=", function: Function.linear([[0, 1], [1, 1]], -5),
 *     subscripts: [], parameters: {},
 *   }],
 * });
 * const builder = createExperiment({ imageName: "example.com/highs/demo:v1" });
 * await builder.withRun(async (run) => {
 *   const solution = await run.logSolve(OMMXHighsAdapter, instance, { timeLimit: 10 });
 *   assert.equal(solution.objective, 15);
 * });
 * const exp = await builder.commit();
 * const solve = exp.runs[0]!.solves[0]!;
 * assert.equal(solve.adapter, "@ommx-ts/highs-adapter.OMMXHighsAdapter");
 * assert.equal(solve.adapterOptionsJson, '{"timeLimit": 10}');
 * ```
 *
 * @module
 */
export * from "./adapter.ts";
export * from "./diagnostics.ts";
export * from "./errors.ts";
export * from "./options.ts";

// The types of `@ommx-ts/experiment` this package's signatures name (`Instance`, `Solution`,
// `AdapterContext`, … and what they name in turn), so that the package documents on its own.
export type * from "@ommx-ts/experiment";
