/**
 * The registry of every built-in codec.
 *
 * @module
 */

import { type CodecRegistry, createCodecRegistry } from "./registry.ts";
import { jsonCodec } from "./json/json_codec.ts";
import { runParameterTableCodec } from "./msgpack/run_parameter_table.ts";
import { diagnosticsCodec } from "./msgpack/diagnostics.ts";
import { traceCodec } from "./trace/trace_codec.ts";
import { OMMX_CODECS } from "./ommx/codecs.ts";

/**
 * Every built-in codec: `application/json` (Python-compatible), the
 * run-parameter table, diagnostics, Run traces, and the eight OMMX v1/v2
 * protobuf payloads (Instance, ParametricInstance, Solution, SampleSet).
 * Extend it with {@linkcode CodecRegistry.with} or
 * {@linkcode createCodecRegistry}`(defaultCodecs, myCodec)`.
 *
 * @example
 * ```ts
 * import { defaultCodecs } from "./default_codecs.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(defaultCodecs.size, 12);
 * assert.ok(defaultCodecs.has("application/org.ommx.v2.instance"));
 * assert.deepEqual(await defaultCodecs.decode("application/json", new TextEncoder().encode("[NaN]")), [NaN]);
 * ```
 */
export const defaultCodecs: CodecRegistry = createCodecRegistry(
  jsonCodec,
  runParameterTableCodec,
  diagnosticsCodec,
  traceCodec,
  ...OMMX_CODECS,
);
