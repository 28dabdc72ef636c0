/**
 * The codec for Run traces (`application/org.ommx.trace.otlp+protobuf`).
 *
 * @module
 */

import { MEDIA_TYPE_TRACE } from "../media_types.ts";
import type { AttachmentCodec } from "../codec.ts";
import { TraceResult } from "./trace_result.ts";

/**
 * Decodes OTLP `ExportTraceServiceRequest` bytes to a {@linkcode TraceResult}
 * and encodes one back.
 *
 * @example
 * ```ts
 * import { traceCodec } from "./trace_codec.ts";
 * import { TraceResult } from "./trace_result.ts";
 * import assert from "node:assert/strict";
 *
 * const empty = await traceCodec.decode(await traceCodec.encode(new TraceResult()));
 * assert.equal(empty.spans.length, 0);
 * assert.equal(String(empty), "(no spans)");
 * ```
 */
export const traceCodec: AttachmentCodec<TraceResult> = {
  mediaType: MEDIA_TYPE_TRACE,
  encode: (trace: TraceResult): Uint8Array => trace.toOtlpProtobuf(),
  decode: (bytes: Uint8Array): TraceResult => TraceResult.fromOtlpProtobuf(bytes),
};
