/**
 * `RunTraceRecorder`: the OTLP trace an Experiment created with
 * `storeTrace: true` records for each Run (see `docs/glossary.md#run-trace`), shaped like the
 * reference SDK's (`Experiment(store_trace=True)`): one trace per Run, a root
 * span `Run` (scope `ommx.experiment`, attribute `ommx.run.id`), one child
 * span `solve` / `sample` per adapter call (attribute `adapter`), status
 * ERROR with the reason text on failure, spans listed in the order they
 * ended (children before the root, as an OTLP exporter writes them).
 *
 * @module
 */
import { InvalidArgumentError, InvalidStateError } from "../../errors.ts";
import {
  encodeOtlpTrace,
  type SpanAttribute,
  type SpanData,
  type SpanEventData,
} from "../../../codecs/trace/_otlp_writer.ts";
import { formatReason } from "./_reason.ts";
import type { TraceClock, TraceIdSource } from "./trace_options.ts";

/** Instrumentation scope of every span ommx-ts records (the reference's Run scope). */
export const TRACE_SCOPE = "ommx.experiment";

/** `SpanFlags.CONTEXT_HAS_IS_REMOTE` (is_remote = false), as the reference's spans carry. */
const SPAN_FLAGS = 0x100;

/** Resource attributes of the traces ommx-ts writes (no random instance id, for determinism). */
const RESOURCE_ATTRIBUTES: readonly SpanAttribute[] = [
  ["service.name", "ommx-ts"],
  ["telemetry.sdk.name", "ommx-ts"],
];

/** How a traced Run gets its timestamps and ids. */
export interface TraceSettings {
  /** Span timestamps (Unix nanoseconds). */
  readonly clock: TraceClock;
  /** Trace and span ids. */
  readonly ids: TraceIdSource;
}

/** Why a span ended with status ERROR. */
export interface Failure {
  /** The status message (the reason text). */
  readonly message: string;
  /** The cause; an `Error` adds an `exception` event (type and message). */
  readonly error?: unknown;
}

/** A span in progress; end it exactly once. */
export interface OpenSpan {
  /**
   * End the span: status UNSET, or ERROR with the reason text of `error` (and
   * an `exception` event) when given.
   *
   * @param error The error the span failed with, if any.
   * @param endTimeUnixNano An explicit end time (default: the clock).
   */
  end(error?: unknown, endTimeUnixNano?: bigint): void;
  /**
   * Start a child of this span (adapters' own phases, e.g. `convert`, `call`).
   *
   * @param name Span name.
   * @param attributes String attributes.
   * @returns The open child span.
   */
  child(name: string, attributes?: Readonly<Record<string, string>>): OpenSpan;
}

/** A span being recorded (its end fields filled when it ends). */
interface RecordingSpan {
  readonly traceId: Uint8Array;
  readonly spanId: Uint8Array;
  readonly parentSpanId?: Uint8Array;
  readonly name: string;
  readonly startTimeUnixNano: bigint;
  readonly attributes: readonly SpanAttribute[];
}

function exceptionEvent(error: unknown, time: bigint): SpanEventData | undefined {
  if (!(error instanceof Error)) return undefined;
  const type = typeof error.name === "string" && error.name.trim() !== ""
    ? error.name
    : error.constructor?.name || "Error";
  return {
    timeUnixNano: time,
    name: "exception",
    attributes: [
      ["exception.type", type],
      ["exception.message", String(error.message ?? "")],
    ],
  };
}

/**
 * Records one Run's trace. Created when a Run of a traced Experiment opens;
 * {@linkcode RunTraceRecorder.finish} ends the root span and returns the
 * `ExportTraceServiceRequest` bytes.
 *
 * @example
 * ```ts
 * import { RunTraceRecorder } from "./_run_trace.ts";
 * import { sequentialTraceIds } from "./trace_options.ts";
 * import { TraceResult } from "../../../codecs/trace/trace_result.ts";
 * import assert from "node:assert/strict";
 *
 * let t = 1_000_000_000n;
 * const rec = new RunTraceRecorder(0, { clock: () => (t += 1_000_000n), ids: sequentialTraceIds() });
 * rec.startSpan("solve", { adapter: "toy.Adapter" }).end();
 * const trace = new TraceResult(rec.finish(null));
 * assert.equal(trace.spans[0]?.parentSpanId, trace.spans[1]?.spanId);
 * assert.deepEqual(trace.spans.map((s) => s.name), ["solve", "Run"]);
 * assert.equal(trace.spans[0]?.durationMs, 1);
 * assert.equal(trace.spans[1]?.attributes["ommx.run.id"], 0);
 * ```
 */
export class RunTraceRecorder {
  readonly #settings: TraceSettings;
  readonly #traceId: Uint8Array;
  readonly #root: RecordingSpan;
  readonly #ended: SpanData[] = [];
  #finished = false;

  /**
   * Start the root span `Run` now.
   *
   * @param runId The run id (attribute `ommx.run.id`, an int).
   * @param settings Clock and id source.
   * @throws {InvalidArgumentError} When the id source returns a wrong-sized or all-zero id.
   */
  constructor(runId: number, settings: TraceSettings) {
    this.#settings = settings;
    this.#traceId = this.#id(16);
    this.#root = {
      traceId: this.#traceId,
      spanId: this.#id(8),
      name: "Run",
      startTimeUnixNano: this.#now(),
      attributes: [["ommx.run.id", BigInt(runId)]],
    };
  }

  #id(byteLength: 8 | 16): Uint8Array {
    const id = this.#settings.ids(byteLength);
    if (!(id instanceof Uint8Array) || id.length !== byteLength || id.every((b) => b === 0)) {
      throw new InvalidArgumentError(
        `trace id source must return ${byteLength} bytes, not all zero`,
      );
    }
    return Uint8Array.from(id);
  }

  #now(): bigint {
    const t = this.#settings.clock();
    if (typeof t !== "bigint" || t < 0n) {
      throw new InvalidArgumentError("trace clock must return Unix nanoseconds as a bigint ≥ 0");
    }
    return t;
  }

  #close(span: RecordingSpan, failure: Failure | undefined, end: bigint): void {
    const event = failure === undefined ? undefined : exceptionEvent(failure.error, end);
    this.#ended.push({
      ...span,
      endTimeUnixNano: end,
      errorMessage: failure?.message,
      events: event === undefined ? [] : [event],
      flags: SPAN_FLAGS,
    });
  }

  /**
   * Start a child span of the root.
   *
   * @param name Span name (`solve` or `sample`).
   * @param attributes String (or, as `bigint`, int) attributes (e.g. `adapter`, `ommx.solve.id`).
   * @param startTimeUnixNano An explicit start time (default: the clock).
   * @param parentSpanId The parent span (default: the root `Run` span).
   * @returns The open span.
   */
  startSpan(
    name: string,
    attributes: Readonly<Record<string, string | bigint>>,
    startTimeUnixNano?: bigint,
    parentSpanId?: Uint8Array,
  ): OpenSpan {
    const span: RecordingSpan = {
      traceId: this.#traceId,
      spanId: this.#id(8),
      parentSpanId: parentSpanId ?? this.#root.spanId,
      name,
      startTimeUnixNano: startTimeUnixNano ?? this.#now(),
      attributes: Object.entries(attributes),
    };
    let done = false;
    return {
      end: (error?: unknown, endTimeUnixNano?: bigint) => {
        if (done || this.#finished) return;
        done = true;
        const failure = error === undefined ? undefined : { message: formatReason(error), error };
        this.#close(span, failure, endTimeUnixNano ?? this.#now());
      },
      child: (childName, childAttributes = {}) =>
        this.startSpan(childName, childAttributes, undefined, span.spanId),
    };
  }

  /**
   * End the root span and serialise the trace. A failed or interrupted run
   * (`failure` given) gets status ERROR with the reason text as message, and
   * an `exception` event when the cause is an `Error`.
   *
   * @param failure `null` for a finished run; else the reason text (empty when none) and the cause.
   * @returns `ExportTraceServiceRequest` bytes.
   */
  finish(failure: Failure | null): Uint8Array {
    if (this.#finished) throw new InvalidStateError("Run trace already finished");
    this.#close(this.#root, failure ?? undefined, this.#now());
    this.#finished = true;
    return encodeOtlpTrace(RESOURCE_ATTRIBUTES, TRACE_SCOPE, this.#ended);
  }
}
