/**
 * Run traces: OTLP `ExportTraceServiceRequest` payloads as a
 * {@linkcode TraceResult} with flattened spans, a span tree, a text tree like
 * Python's `repr(TraceResult)` and Chrome Trace Event JSON.
 *
 * @example
 * ```ts
 * import { TraceResult, traceCodec } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const trace: TraceResult = await traceCodec.decode(new Uint8Array());
 * assert.equal(trace.spans.length, 0);
 * assert.equal(trace.roots().length, 0);
 * assert.equal(trace.toChromeTraceJson(), '{"traceEvents": [], "displayTimeUnit": "ms"}');
 * ```
 *
 * @module
 */

export * from "./trace_result.ts";
export * from "./trace_codec.ts";
export type { AttachmentCodec } from "../codec.ts";
