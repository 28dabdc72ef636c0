/**
 * The MessagePack payloads of an Experiment: the run-parameter table
 * (strict, byte-exact with the reference writer) and adapter diagnostics,
 * plus the general strict decoder and minimal-width encoder they use.
 *
 * @example
 * ```ts
 * import {
 *   buildRunParameterTable,
 *   decodeRunParameterTable,
 *   diagnosticsCodec,
 *   encodeRunParameterTable,
 *   pyFloat,
 * } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const table = buildRunParameterTable([
 *   { runId: 0, params: { solver: "scip", time_limit: pyFloat(20) } },
 *   { runId: 1, params: { solver: "highs", presolve: true } },
 * ]);
 * const bytes = encodeRunParameterTable(table);
 * assert.equal(bytes.length, 124);
 * assert.equal(decodeRunParameterTable(bytes).columns.get("time_limit")?.type, "float64");
 *
 * const reports = await diagnosticsCodec.decode(await diagnosticsCodec.encode([{ node: 12 }]));
 * assert.deepEqual(reports, [{ node: 12 }]);
 * ```
 *
 * @module
 */

export * from "./run_parameter_table.ts";
export * from "./diagnostics.ts";
export * from "./msgpack.ts";
export * from "../py_float.ts";
export type { AttachmentCodec } from "../codec.ts";
