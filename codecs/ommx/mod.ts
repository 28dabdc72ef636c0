/**
 * Typed OMMX payloads (`ommx.v1` / `ommx.v2` protobuf): friendly classes for
 * instances, parametric instances, solutions and sample sets, their
 * attachment codecs, and layer-annotation merging.
 *
 * Decoding uses hand-written wire readers for the heavy parts (functions,
 * states, per-sample tables) and enforces the reference reader rules
 * (`required_features`, reserved annotation keys, `format_version`, enum and
 * ID checks) with `DecodeError` / `UnsupportedError` from `core/errors.ts`.
 * Encoding always writes v2. The raw generated message stays reachable as
 * `.message`.
 *
 * @example Build an instance, round-trip it through its codec and evaluate it
 * ```ts
 * import { Function, Instance, ommxV2InstanceCodec, Solution } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const instance = new Instance({
 *   sense: "minimize",
 *   objective: Function.quadratic([[1, 2, 1]], [[1, -1]]), // x1*x2 - x1
 *   decisionVariables: [1, 2].map((id) => ({
 *     id, kind: "binary" as const, bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {},
 *   })),
 * });
 * const decoded = await ommxV2InstanceCodec.decode(await ommxV2InstanceCodec.encode(instance));
 * const solution = Solution.evaluate(decoded, new Map([[1, 1], [2, 0]]));
 * assert.equal(solution.objective, -1);
 * assert.equal(solution.feasible, true);
 * ```
 *
 * @module
 */

export type { AttachmentCodec } from "../codec.ts";
export * from "./annotations.ts";
export * from "./codecs.ts";
export * from "./decision_variable.ts";
export * from "./function.ts";
export * from "./instance.ts";
export type * from "./instance_data.ts";
export * from "./payload.ts";
export * from "./problem.ts";
export * from "./result.ts";
export * from "./sample_set.ts";
export * from "./sampled_values.ts";
export * from "./solution.ts";
export * from "./state.ts";
export * from "./table.ts";
export type * from "./types.ts";
