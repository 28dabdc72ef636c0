/**
 * A Run's trace (see `docs/glossary.md#run-trace`): an OTLP `ExportTraceServiceRequest` with a
 * friendly flattened view of its spans, a span tree, a text rendering like
 * Python's `repr(TraceResult)` and Chrome Trace Event JSON.
 *
 * @module
 */

import { create, fromBinary, toBinary } from "../../core/_protobuf.ts";
import { hexOf } from "../../core/_hex.ts";
import { DecodeError, InvalidArgumentError } from "../../core/errors.ts";
import { PyFloat } from "../py_float.ts";
import { stringifyPythonJson } from "../json/stringify.ts";
import type { ExportTraceServiceRequest } from "./gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { ExportTraceServiceRequestSchema } from "./gen/opentelemetry/proto/collector/trace/v1/package_static.ts";
import type { AnyValue, KeyValue } from "./gen/opentelemetry/proto/common/v1/common_pb.ts";
import type { Span } from "./gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import {
  Span_SpanKind,
  Status_StatusCode,
} from "./gen/opentelemetry/proto/trace/v1/package_static.ts";
import { pyFixed, pyRepr, type PyValue, reprBytes } from "../_py_repr.ts";
import { escapeHtml, headingHtml, type HtmlCell, jupyterBundle, tableHtml } from "../_display.ts";

/**
 * An attribute value unwrapped from OTLP `AnyValue`: strings, booleans,
 * integers (`number`, or `bigint` outside ±(2^53−1)), doubles (`number`),
 * bytes, arrays, nested key-value lists (plain objects) and `null` for an
 * empty value.
 */
export type AttributeValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** The kind of a span, as in OTLP `Span.SpanKind`. */
export type SpanKind = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";

/** A span's status, as in OTLP `Status`. */
export interface SpanStatus {
  /** `"unset"`, `"ok"` or `"error"`. */
  readonly code: "unset" | "ok" | "error";
  /** The status message (empty when none). */
  readonly message: string;
}

/** A timestamped event recorded on a span (e.g. an exception). */
export interface SpanEvent {
  /** Event name, e.g. `exception`. */
  readonly name: string;
  /** Event time, nanoseconds since the Unix epoch. */
  readonly timeUnixNano: bigint;
  /** Event attributes. */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** One span of a trace, flattened out of resource and scope groups. */
export interface TraceSpan {
  /** Span name, e.g. `Run` or `Solve`. */
  readonly name: string;
  /** Trace id, lowercase hex (32 chars; empty if absent). */
  readonly traceId: string;
  /** Span id, lowercase hex (16 chars). */
  readonly spanId: string;
  /** Parent span id in hex, or `null` for a root span. */
  readonly parentSpanId: string | null;
  /** Span kind. */
  readonly kind: SpanKind;
  /** Start, nanoseconds since the Unix epoch (0 when unknown). */
  readonly startTimeUnixNano: bigint;
  /** End, nanoseconds since the Unix epoch (0 when unknown). */
  readonly endTimeUnixNano: bigint;
  /** Duration in milliseconds; 0 when start or end is unknown. */
  readonly durationMs: number;
  /** Span attributes (later duplicates win). */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Span status. */
  readonly status: SpanStatus;
  /** Span events. */
  readonly events: readonly SpanEvent[];
  /** Name of the instrumentation scope (tracer) that made the span, or `null`. */
  readonly scopeName: string | null;
  /** Attributes of the resource that produced the span. */
  readonly resourceAttributes: Readonly<Record<string, AttributeValue>>;
}

/** The OTLP message behind each flattened span (for rendering with Python's int/float distinction). */
const PROTO = new WeakMap<TraceSpan, Span>();

function protoOf(span: TraceSpan): Span {
  const proto = PROTO.get(span);
  if (proto === undefined) throw new InvalidArgumentError("span does not belong to a TraceResult");
  return proto;
}

const KINDS: Record<number, SpanKind> = {
  [Span_SpanKind.UNSPECIFIED]: "unspecified",
  [Span_SpanKind.INTERNAL]: "internal",
  [Span_SpanKind.SERVER]: "server",
  [Span_SpanKind.CLIENT]: "client",
  [Span_SpanKind.PRODUCER]: "producer",
  [Span_SpanKind.CONSUMER]: "consumer",
};

function narrowInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v;
}

function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function unwrap(value: AnyValue | undefined): AttributeValue {
  const v = value?.value;
  switch (v?.case) {
    case "stringValue":
    case "boolValue":
    case "doubleValue":
    case "bytesValue":
      return v.value;
    case "intValue":
      return narrowInt(v.value);
    case "arrayValue":
      return v.value.values.map(unwrap);
    case "kvlistValue":
      return attributesOf(v.value.values);
    default:
      return null;
  }
}

function attributesOf(kvs: readonly KeyValue[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of kvs) setOwn(out, kv.key, unwrap(kv.value));
  return out;
}

function pyValue(value: AnyValue | undefined): PyValue {
  const v = value?.value;
  switch (v?.case) {
    case "stringValue":
      return { kind: "str", value: v.value };
    case "boolValue":
      return { kind: "bool", value: v.value };
    case "intValue":
      return { kind: "int", value: v.value };
    case "doubleValue":
      return { kind: "float", value: v.value };
    case "bytesValue":
      return { kind: "bytes", value: v.value };
    case "arrayValue":
      return { kind: "list", value: v.value.values.map(pyValue) };
    case "kvlistValue":
      return { kind: "dict", value: pyEntries(v.value.values) };
    default:
      return { kind: "none" };
  }
}

/** Entries in Python dict semantics: later duplicates replace the value at the first position. */
function pyEntries(kvs: readonly KeyValue[]): [string, PyValue][] {
  const index = new Map<string, number>();
  const out: [string, PyValue][] = [];
  for (const kv of kvs) {
    const v = pyValue(kv.value);
    const i = index.get(kv.key);
    if (i === undefined) {
      index.set(kv.key, out.length);
      out.push([kv.key, v]);
    } else {
      out[i] = [kv.key, v];
    }
  }
  return out;
}

/** What Python's Chrome-trace writer makes of an attribute value. */
function chromeArg(v: PyValue): unknown {
  switch (v.kind) {
    case "str":
    case "bool":
      return v.value;
    case "int":
      return narrowInt(v.value);
    case "float":
      return new PyFloat(v.value);
    case "none":
      return null;
    case "list":
      return v.value.map(chromeArg);
    case "bytes":
      return reprBytes(v.value);
    case "dict":
      return pyRepr(v);
  }
}

function durationMs(start: bigint, end: bigint): number {
  if (start === 0n || end === 0n) return 0;
  return Number(end - start) / 1_000_000;
}

function formatDuration(ms: number): string {
  if (ms >= 1000) return `${pyFixed(ms / 1000, 2)} s`;
  if (ms >= 1) return `${pyFixed(ms, 2)} ms`;
  return `${pyFixed(ms * 1000, 1)} µs`;
}

const HIDDEN_ATTRIBUTES = new Set(["busy_ns", "idle_ns", "target", "thread.id"]);

/**
 * A Run's trace: the OTLP request plus derived views.
 *
 * @example Read a stored trace
 * ```ts
 * import { create, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
 * import { TraceResult } from "./trace_result.ts";
 * import { ExportTraceServiceRequestSchema } from "./gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = toBinary(ExportTraceServiceRequestSchema, create(ExportTraceServiceRequestSchema, {
 *   resourceSpans: [{ scopeSpans: [{ scope: { name: "ommx.experiment" }, spans: [{
 *     name: "Run", spanId: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
 *     startTimeUnixNano: 1_000_000n, endTimeUnixNano: 3_500_000n,
 *   }] }] }],
 * }));
 * const trace = TraceResult.fromOtlpProtobuf(bytes);
 * assert.equal(trace.spans[0]?.durationMs, 2.5);
 * assert.equal(trace.toString(), "└── Run (2.50 ms) {scope=ommx.experiment}");
 * assert.deepEqual(trace.toOtlpProtobuf(), bytes);
 * ```
 */
export class TraceResult {
  readonly #request: ExportTraceServiceRequest;
  #spans: TraceSpan[] | undefined;
  #children: Map<string, TraceSpan[]> | undefined;
  #roots: TraceSpan[] | undefined;

  /**
   * Parse OTLP protobuf bytes (same as {@linkcode TraceResult.fromOtlpProtobuf}).
   *
   * @param otlpProtobuf `ExportTraceServiceRequest` bytes; an empty trace when omitted.
   * @throws {DecodeError} When the bytes are not a valid protobuf message.
   */
  constructor(otlpProtobuf?: Uint8Array) {
    if (otlpProtobuf === undefined) {
      this.#request = create(ExportTraceServiceRequestSchema);
      return;
    }
    try {
      this.#request = fromBinary(ExportTraceServiceRequestSchema, otlpProtobuf);
    } catch (e) {
      throw new DecodeError(
        `application/org.ommx.trace.otlp+protobuf: invalid OTLP protobuf (${(e as Error).message})`,
        { cause: e },
      );
    }
  }

  /**
   * Parse the stored OTLP protobuf bytes.
   *
   * @param bytes `ExportTraceServiceRequest` bytes.
   * @returns The trace.
   * @throws {DecodeError} When the bytes are not a valid protobuf message.
   */
  static fromOtlpProtobuf(bytes: Uint8Array): TraceResult {
    return new TraceResult(bytes);
  }

  /**
   * Serialise the request to OTLP protobuf bytes (re-encoded; unknown fields kept).
   *
   * @returns The bytes.
   */
  toOtlpProtobuf(): Uint8Array {
    return toBinary(ExportTraceServiceRequestSchema, this.#request);
  }

  /** All spans, flattened across resource spans → scope spans → spans, in stored order. */
  get spans(): readonly TraceSpan[] {
    if (this.#spans === undefined) {
      const spans: TraceSpan[] = [];
      for (const rs of this.#request.resourceSpans) {
        const resourceAttributes = attributesOf(rs.resource?.attributes ?? []);
        for (const ss of rs.scopeSpans) {
          const scopeName = ss.scope?.name ? ss.scope.name : null;
          for (const span of ss.spans) {
            const flat: TraceSpan = {
              name: span.name,
              traceId: hexOf(span.traceId),
              spanId: hexOf(span.spanId),
              parentSpanId: span.parentSpanId.length > 0 ? hexOf(span.parentSpanId) : null,
              kind: KINDS[span.kind] ?? "unspecified",
              startTimeUnixNano: span.startTimeUnixNano,
              endTimeUnixNano: span.endTimeUnixNano,
              durationMs: durationMs(span.startTimeUnixNano, span.endTimeUnixNano),
              attributes: attributesOf(span.attributes),
              status: {
                code: span.status?.code === Status_StatusCode.ERROR
                  ? "error"
                  : span.status?.code === Status_StatusCode.OK
                  ? "ok"
                  : "unset",
                message: span.status?.message ?? "",
              },
              events: span.events.map((e) => ({
                name: e.name,
                timeUnixNano: e.timeUnixNano,
                attributes: attributesOf(e.attributes),
              })),
              scopeName,
              resourceAttributes,
            };
            PROTO.set(flat, span);
            spans.push(flat);
          }
        }
      }
      this.#spans = spans;
    }
    return this.#spans;
  }

  #tree(): void {
    if (this.#children !== undefined) return;
    const ids = new Set(this.spans.map((s) => s.spanId));
    // group by parent in order of first appearance, as the reference renderer does
    const groups = new Map<string | null, TraceSpan[]>();
    for (const span of this.spans) {
      const list = groups.get(span.parentSpanId);
      if (list === undefined) groups.set(span.parentSpanId, [span]);
      else list.push(span);
    }
    const byStart = (a: TraceSpan, b: TraceSpan) =>
      a.startTimeUnixNano < b.startTimeUnixNano
        ? -1
        : a.startTimeUnixNano > b.startTimeUnixNano
        ? 1
        : 0;
    const roots: TraceSpan[] = [];
    const children = new Map<string, TraceSpan[]>();
    for (const [parent, kids] of groups) {
      if (parent === null || !ids.has(parent)) {
        for (const k of kids) roots.push(k);
      }
      if (parent !== null) children.set(parent, [...kids].sort(byStart));
    }
    this.#roots = roots.sort(byStart);
    this.#children = children;
  }

  /**
   * The top-level spans: those without a parent, or whose parent is not in
   * this trace, sorted by start time.
   *
   * @returns The root spans.
   */
  roots(): TraceSpan[] {
    this.#tree();
    return [...this.#roots!];
  }

  /**
   * The direct children of a span, sorted by start time.
   *
   * @param span A span of this trace.
   * @returns Its children.
   */
  children(span: TraceSpan): TraceSpan[] {
    this.#tree();
    return [...(this.#children!.get(span.spanId) ?? [])];
  }

  /**
   * The spans with a given name, in stored order.
   *
   * @param name A span name, e.g. `Solve`.
   * @returns The matching spans.
   */
  spansNamed(name: string): TraceSpan[] {
    return this.spans.filter((s) => s.name === name);
  }

  /**
   * The text tree Python prints for `repr(TraceResult)`: one line per span
   * with its duration, scope, `[ERROR]` marker and attributes (without the
   * `tracing` crate's bookkeeping keys), or `(no spans)`. Every span is
   * printed once at most, so a hostile trace (span ids reused to form a cycle
   * or a lattice) cannot make the text endless or exponential.
   *
   * @returns The tree.
   */
  toString(): string {
    if (this.spans.length === 0) return "(no spans)";
    this.#tree();
    const lines: string[] = [];
    const line = (span: TraceSpan, prefix: string, last: boolean) => {
      const attrs = pyEntries(protoOf(span).attributes)
        .filter(([k]) => !HIDDEN_ATTRIBUTES.has(k) && !k.startsWith("code."))
        .map(([k, v]) => `${k}=${pyRepr(v)}`);
      lines.push(
        `${prefix}${last ? "└── " : "├── "}${span.name} (${formatDuration(span.durationMs)})` +
          (span.scopeName ? ` {scope=${span.scopeName}}` : "") +
          (span.status.code === "error" ? " [ERROR]" : "") +
          (attrs.length > 0 ? ` [${attrs.join(", ")}]` : ""),
      );
    };
    // Depth first with an explicit stack (a chain of 150,000 spans must not
    // overflow the call stack); each span is printed once, so spans that
    // share an id cannot make a cycle.
    const printed = new Set<TraceSpan>();
    const stack: { span: TraceSpan; prefix: string; last: boolean }[] = [];
    const pushAll = (kids: readonly TraceSpan[], prefix: string) => {
      for (let i = kids.length - 1; i >= 0; i--) {
        stack.push({ span: kids[i]!, prefix, last: i === kids.length - 1 });
      }
    };
    pushAll(this.#roots!, "");
    while (stack.length > 0) {
      const { span, prefix, last } = stack.pop()!;
      if (printed.has(span)) continue;
      printed.add(span);
      line(span, prefix, last);
      const kids = this.#children!.get(span.spanId) ?? [];
      pushAll(kids, prefix + (last ? "    " : "│   "));
    }
    return lines.join("\n");
  }

  /**
   * The notebook display: one row per span in tree order (name, duration,
   * status, scope) and the text tree (HTML, escaped), and the text tree as
   * plain text.
   *
   * @returns The MIME bundle (`text/html`, `text/plain`).
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    const rows: HtmlCell[][] = [];
    const walk = (span: TraceSpan, depth: number) => {
      rows.push([
        `${"\u00a0\u00a0".repeat(depth)}${span.name}`,
        { text: span.durationMs.toFixed(3), class: "num" },
        span.status.code === "error" ? { text: "error", class: "status failed" } : span.status.code,
        span.scopeName ?? "",
      ]);
      for (const kid of this.children(span)) walk(kid, depth + 1);
    };
    for (const root of this.roots()) walk(root, 0);
    const html = headingHtml(`Trace (${this.spans.length} spans)`) +
      tableHtml(["span", "duration (ms)", "status", "scope"], rows) +
      `<pre>${escapeHtml(this.toString())}</pre>`;
    return jupyterBundle(html, this.toString());
  }

  /**
   * The trace as a Chrome Trace Event Format object (complete events,
   * microsecond `ts`/`dur`, one process and thread), as Python's
   * `ommx.tracing` builds it. Spans without start or end are skipped.
   *
   * @returns `{ traceEvents, displayTimeUnit: "ms" }`.
   */
  toChromeTrace(): { traceEvents: Record<string, unknown>[]; displayTimeUnit: "ms" } {
    const events: { ts: bigint; dur: bigint; event: Record<string, unknown> }[] = [];
    for (const span of this.spans) {
      const start = span.startTimeUnixNano;
      const end = span.endTimeUnixNano;
      if (start === 0n || end === 0n) continue;
      const ts = start / 1000n;
      const diff = end - start;
      // Python floor division
      const floor = diff >= 0n ? diff / 1000n : -((-diff + 999n) / 1000n);
      const dur = floor > 1n ? floor : 1n;
      const args: Record<string, unknown> = {};
      for (const [k, v] of pyEntries(protoOf(span).attributes)) setOwn(args, k, chromeArg(v));
      if (span.scopeName !== null) setOwn(args, "otel.scope.name", span.scopeName);
      events.push({
        ts,
        dur,
        event: {
          name: span.name,
          cat: span.scopeName ?? "ommx",
          ph: "X",
          ts: narrowInt(ts),
          dur: narrowInt(dur),
          pid: 1,
          tid: 1,
          args,
        },
      });
    }
    events.sort((
      a,
      b,
    ) => (a.ts !== b.ts ? (a.ts < b.ts ? -1 : 1) : a.dur > b.dur ? -1 : a.dur < b.dur ? 1 : 0));
    return { traceEvents: events.map((e) => e.event), displayTimeUnit: "ms" };
  }

  /**
   * {@linkcode TraceResult.toChromeTrace} as JSON text, byte-identical to
   * Python's `chrome_trace_json` (open it in Perfetto or `chrome://tracing`).
   *
   * @returns The JSON text.
   */
  toChromeTraceJson(): string {
    return stringifyPythonJson(this.toChromeTrace());
  }
}
