/**
 * Writing OTLP traces from plain span data: the `ExportTraceServiceRequest`
 * bytes of one resource and one instrumentation scope. The only place outside
 * the generated code that builds OTLP messages, so the recording side (the
 * write room's run trace) never touches `gen/`.
 *
 * @module
 */
import { create, toBinary } from "../../core/_protobuf.ts";
import { ExportTraceServiceRequestSchema } from "./gen/opentelemetry/proto/collector/trace/v1/package_static.ts";
import type { AnyValue, KeyValue } from "./gen/opentelemetry/proto/common/v1/common_pb.ts";
import {
  AnyValueSchema,
  KeyValueSchema,
} from "./gen/opentelemetry/proto/common/v1/package_static.ts";
import {
  Span_EventSchema,
  Span_SpanKind,
  SpanSchema,
  Status_StatusCode,
  StatusSchema,
} from "./gen/opentelemetry/proto/trace/v1/package_static.ts";

/** An attribute: a string, or an integer (`bigint`, OTLP `intValue`). */
export type SpanAttribute = readonly [key: string, value: string | bigint];

/** A span event (e.g. `exception`). */
export interface SpanEventData {
  /** Event name. */
  readonly name: string;
  /** When, in Unix nanoseconds. */
  readonly timeUnixNano: bigint;
  /** Attributes, in order. */
  readonly attributes: readonly SpanAttribute[];
}

/** One finished span, kind INTERNAL. */
export interface SpanData {
  /** 16 bytes. */
  readonly traceId: Uint8Array;
  /** 8 bytes. */
  readonly spanId: Uint8Array;
  /** 8 bytes; absent for a root span. */
  readonly parentSpanId?: Uint8Array | undefined;
  /** Span name. */
  readonly name: string;
  /** Start, in Unix nanoseconds. */
  readonly startTimeUnixNano: bigint;
  /** End, in Unix nanoseconds. */
  readonly endTimeUnixNano: bigint;
  /** Attributes, in order. */
  readonly attributes: readonly SpanAttribute[];
  /** Status ERROR with this message; status UNSET when absent. */
  readonly errorMessage?: string | undefined;
  /** Events, in order. */
  readonly events: readonly SpanEventData[];
  /** OTLP span flags. */
  readonly flags: number;
}

function value(v: string | bigint): AnyValue {
  return create(AnyValueSchema, {
    value: typeof v === "bigint"
      ? { case: "intValue", value: v }
      : { case: "stringValue", value: v },
  });
}

function attributes(list: readonly SpanAttribute[]): KeyValue[] {
  return list.map(([key, v]) => create(KeyValueSchema, { key, value: value(v) }));
}

/**
 * Encode spans as an OTLP `ExportTraceServiceRequest` with one resource and
 * one scope, spans in the given order.
 *
 * @param resource The resource attributes.
 * @param scope The instrumentation scope name.
 * @param spans The spans.
 * @returns The protobuf bytes.
 *
 * @example
 * ```ts
 * import { encodeOtlpTrace } from "./_otlp_writer.ts";
 * import { TraceResult } from "./trace_result.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeOtlpTrace([["service.name", "demo"]], "demo.scope", [{
 *   traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), name: "solve",
 *   startTimeUnixNano: 1_000_000n, endTimeUnixNano: 3_000_000n,
 *   attributes: [["adapter", "toy"]], events: [], flags: 0x100,
 * }]);
 * const trace = new TraceResult(bytes);
 * assert.equal(trace.spans[0]?.name, "solve");
 * assert.equal(trace.spans[0]?.durationMs, 2);
 * ```
 */
export function encodeOtlpTrace(
  resource: readonly SpanAttribute[],
  scope: string,
  spans: readonly SpanData[],
): Uint8Array {
  const messages = spans.map((s) =>
    create(SpanSchema, {
      traceId: s.traceId,
      spanId: s.spanId,
      ...(s.parentSpanId === undefined ? {} : { parentSpanId: s.parentSpanId }),
      name: s.name,
      kind: Span_SpanKind.INTERNAL,
      startTimeUnixNano: s.startTimeUnixNano,
      endTimeUnixNano: s.endTimeUnixNano,
      attributes: attributes(s.attributes),
      events: s.events.map((e) =>
        create(Span_EventSchema, {
          timeUnixNano: e.timeUnixNano,
          name: e.name,
          attributes: attributes(e.attributes),
        })
      ),
      ...(s.errorMessage === undefined ? {} : {
        status: create(StatusSchema, { code: Status_StatusCode.ERROR, message: s.errorMessage }),
      }),
      flags: s.flags,
    })
  );
  return toBinary(
    ExportTraceServiceRequestSchema,
    create(ExportTraceServiceRequestSchema, {
      resourceSpans: [{
        resource: { attributes: attributes(resource) },
        scopeSpans: [{ scope: { name: scope }, spans: messages }],
      }],
    }),
  );
}
