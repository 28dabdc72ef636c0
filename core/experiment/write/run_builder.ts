/**
 * `RunBuilder`: one Run being recorded — parameters, attachments, trace,
 * solve and sampling records — until it ends with `finish()`, `fail()` or
 * `interrupt()` (see `docs/glossary.md#experiment-config`).
 *
 * @module
 */
import { InvalidArgumentError, InvalidStateError } from "../../errors.ts";
import type { Pusher } from "../../oci/storage.ts";
import { encodeDiagnostics } from "../../../codecs/msgpack/diagnostics.ts";
import {
  MEDIA_TYPE_DIAGNOSTICS,
  MEDIA_TYPE_TRACE,
  MEDIA_TYPE_V2_INSTANCE,
  MEDIA_TYPE_V2_SAMPLE_SET,
  MEDIA_TYPE_V2_SOLUTION,
} from "../../../codecs/media_types.ts";
import type { RunStatus } from "../read/config.ts";
import { checkParameterValue, type ParameterInput } from "../read/run_parameters.ts";
import { attachmentEntries, AttachmentWriter, bindStaging } from "./attachment_writer.ts";
import { type LayerDescriptor, stageBytes } from "./_staging.ts";
import type {
  AdapterContext,
  AdapterOptionsInput,
  SamplerAdapter,
  SolverAdapter,
} from "./adapter.ts";
import { adapterOptionsText } from "./_adapter_options.ts";
import type { ProcessState, RunState } from "./_run_state.ts";
import { formatReason, isInterruption } from "./_reason.ts";
import { type OpenSpan, RunTraceRecorder, type TraceSettings } from "./_run_trace.ts";
import { instanceAnnotations, resultAnnotations } from "./_layer_annotations.ts";
import type { InstanceLike, ResultLike } from "./payload_like.ts";

/** Fields shared by the solve/sampling record APIs. */
export interface ProcessRecordInput {
  /** The input Instance (stored as given). */
  input: InstanceLike;
  /** The adapter name (Python: `<module>.<qualname>`). */
  adapter: string;
  /** Adapter options; default `{}`. */
  adapterOptions?: AdapterOptionsInput;
  /** Adapter diagnostics reports (a MessagePack array layer when non-empty). */
  diagnostics?: readonly unknown[];
  /**
   * When the call started (a `Date`, or Unix nanoseconds). With `endedAt`, a
   * traced Experiment (`storeTrace: true`) records a `solve`/`sample` span for
   * this record; the format keeps no timing anywhere else.
   */
  startedAt?: Date | bigint;
  /** When the call ended (see `startedAt`). */
  endedAt?: Date | bigint;
}

/** A finished Solve or Sampling. */
export interface FinishedRecordInput<T extends ResultLike = ResultLike> extends ProcessRecordInput {
  /** The output (Solution for solves, SampleSet for samplings). */
  output: T;
}

/** A failed or interrupted Solve or Sampling (no output). */
export interface FailedRecordInput extends ProcessRecordInput {
  /** `failed` (default) or `interrupted`. */
  status?: "failed" | "interrupted";
  /** The cause; only used for the ERROR message of the span recorded with `startedAt`/`endedAt` (default: the status). */
  error?: unknown;
}

/** A stored OTLP trace: raw bytes, or anything that serialises itself. */
export type TraceInput =
  | Uint8Array
  | { toOtlpProtobuf(): Uint8Array }
  | { otlpProtobuf(): Uint8Array }
  | { toBytes(): Uint8Array };

/** What a {@linkcode RunBuilder} needs from its Experiment. */
interface RunOwner {
  /** The blob store. */
  readonly store: Pusher;
  /**
   * Throw when the Experiment is sealed.
   *
   * @param what The attempted operation.
   */
  assertOpen(what: string): void;
  /**
   * Called once when the run ends.
   *
   * @param run The closed run.
   * @param trace The recorded trace (`storeTrace`), to be staged as the run's trace layer.
   */
  closeRun(run: RunState, trace?: Uint8Array): void;
  /** Clock and ids when the Experiment stores traces (`storeTrace: true`). */
  readonly tracing?: TraceSettings | undefined;
}

function unixNanos(t: Date | bigint, what: string): bigint {
  if (typeof t === "bigint" && t >= 0n) return t;
  if (t instanceof Date && !Number.isNaN(t.getTime()) && t.getTime() >= 0) {
    return BigInt(t.getTime()) * 1_000_000n;
  }
  throw new InvalidArgumentError(`${what} must be a valid Date or Unix nanoseconds (bigint ≥ 0)`);
}

function traceBytes(trace: TraceInput): Uint8Array {
  if (trace instanceof Uint8Array) return trace;
  if (trace && typeof (trace as { toOtlpProtobuf?: unknown }).toOtlpProtobuf === "function") {
    return (trace as { toOtlpProtobuf(): Uint8Array }).toOtlpProtobuf();
  }
  if (trace && typeof (trace as { otlpProtobuf?: unknown }).otlpProtobuf === "function") {
    return (trace as { otlpProtobuf(): Uint8Array }).otlpProtobuf();
  }
  if (trace && typeof (trace as { toBytes?: unknown }).toBytes === "function") {
    return (trace as { toBytes(): Uint8Array }).toBytes();
  }
  throw new InvalidArgumentError("logTrace needs OTLP bytes or a TraceResult");
}

type Kind = "solve" | "sampling";

/** The reference adapters' span names: `solve` and `sample`. */
function spanName(kind: Kind): string {
  return kind === "solve" ? "solve" : "sample";
}

let construct: (runId: number, owner: RunOwner) => RunBuilder;

/**
 * One Run being recorded. Create it with `ExperimentBuilder.run()`.
 *
 * @example Record and finish a run
 * ```ts
 * import { createExperiment } from "./experiment_builder.ts";
 * import assert from "node:assert/strict";
 *
 * const builder = createExperiment({ imageName: "example.com/demo/exp:v1" });
 * const run = builder.run();
 * run.logParameter("solver", "toy");
 * await run.logJson("notes", { ok: true });
 * run.finish();
 * const exp = await builder.commit();
 * assert.equal(exp.runs[0]?.status, "finished");
 * ```
 */
export class RunBuilder extends AttachmentWriter implements AsyncDisposable {
  /** The run id. */
  readonly runId: number;
  readonly #owner: RunOwner;
  readonly #parameters = new Map<string, ParameterInput>();
  readonly #solves: ProcessState[] = [];
  readonly #samplings: ProcessState[] = [];
  #nextSolve = 0;
  #nextSampling = 0;
  #trace: LayerDescriptor | undefined;
  #tracePending = false;
  #status: RunStatus | null = null;
  #pending = 0;
  readonly #recorder: RunTraceRecorder | undefined;

  private constructor(runId: number, owner: RunOwner) {
    super(`run ${runId}`);
    this.runId = runId;
    this.#owner = owner;
    bindStaging(this, {
      store: owner.store,
      assertWritable: (what) => this.#assertWritable(what),
    });
    this.#recorder = owner.tracing === undefined
      ? undefined
      : new RunTraceRecorder(runId, owner.tracing);
  }

  static {
    construct = (runId, owner) => new RunBuilder(runId, owner);
  }

  /** `null` while open, else the final status. */
  get status(): RunStatus | null {
    return this.#status;
  }

  #assertWritable(what: string): void {
    this.#owner.assertOpen(what);
    if (this.#status !== null) {
      throw new InvalidStateError(
        `Run ${this.runId} has already been ${
          this.#status === "finished" ? "finished" : this.#status
        }; cannot ${what}`,
      );
    }
  }

  /**
   * Record a parameter (last write wins within a run).
   *
   * @param name The parameter name.
   * @param value `boolean`, int64 integer, float, `string` or `pyFloat(x)`.
   * @throws {InvalidArgumentError} On an unsupported value.
   * @throws {InvalidStateError} After the run ended.
   */
  logParameter(name: string, value: ParameterInput): void {
    this.#assertWritable("logParameter");
    this.#parameters.set(name, checkParameterValue(name, value));
  }

  /**
   * Store the run's OTLP trace (at most one per run). In an Experiment
   * created with `storeTrace: true`, a trace logged here replaces the one the
   * run records itself (which is then discarded).
   *
   * @param trace `ExportTraceServiceRequest` bytes or a TraceResult.
   * @returns Nothing.
   */
  async logTrace(trace: TraceInput): Promise<void> {
    this.#assertWritable("logTrace");
    if (this.#trace !== undefined || this.#tracePending) {
      throw new InvalidStateError(`Run ${this.runId} already has a trace`);
    }
    this.#tracePending = true;
    try {
      const d = await stageBytes(this.#owner.store, MEDIA_TYPE_TRACE, traceBytes(trace));
      this.#assertWritable("logTrace");
      this.#trace = d;
    } finally {
      this.#tracePending = false;
    }
  }

  async #track<T>(fn: () => Promise<T>): Promise<T> {
    this.#pending++;
    try {
      return await fn();
    } finally {
      this.#pending--;
    }
  }

  async #record(
    kind: Kind,
    id: number,
    status: RunStatus,
    base: ProcessRecordInput,
    inputLayer: LayerDescriptor | undefined,
    output: ResultLike | undefined,
  ): Promise<void> {
    const options = adapterOptionsText(base.adapterOptions);
    if (typeof base.adapter !== "string" || base.adapter === "") {
      throw new InvalidArgumentError("adapter must be a non-empty string");
    }
    const store = this.#owner.store;
    const input = inputLayer ??
      await stageBytes(
        store,
        MEDIA_TYPE_V2_INSTANCE,
        base.input.toBytes(),
        instanceAnnotations(base.input),
      );
    const rec: {
      id: number;
      status: RunStatus;
      input: LayerDescriptor;
      output?: LayerDescriptor;
      adapter: string;
      adapterOptions: string;
      diagnostics?: LayerDescriptor;
    } = { id, status, input, adapter: base.adapter, adapterOptions: options };
    if (output !== undefined) {
      rec.output = kind === "solve"
        ? await stageBytes(
          store,
          MEDIA_TYPE_V2_SOLUTION,
          output.toBytes(),
          resultAnnotations(output, "solution"),
        )
        : await stageBytes(
          store,
          MEDIA_TYPE_V2_SAMPLE_SET,
          output.toBytes(),
          resultAnnotations(output, "sample-set"),
        );
    }
    if (base.diagnostics !== undefined && base.diagnostics.length > 0) {
      rec.diagnostics = await stageBytes(
        store,
        MEDIA_TYPE_DIAGNOSTICS,
        encodeDiagnostics([...base.diagnostics]),
      );
    }
    (kind === "solve" ? this.#solves : this.#samplings).push(rec);
  }

  #allocate(kind: Kind): number {
    return kind === "solve" ? this.#nextSolve++ : this.#nextSampling++;
  }

  /**
   * Record a finished Solve (input, output Solution, adapter, options, diagnostics).
   *
   * @param record The record.
   * @returns The solve id.
   */
  logFinishedSolve(record: FinishedRecordInput): Promise<number> {
    return this.#logRecord("solve", "finished", record, record.output);
  }

  /**
   * Record a failed or interrupted Solve (no output).
   *
   * @param record The record.
   * @returns The solve id.
   */
  logFailedSolve(record: FailedRecordInput): Promise<number> {
    return this.#logRecord("solve", record.status ?? "failed", record, undefined);
  }

  /**
   * Record a finished Sampling (output SampleSet).
   *
   * @param record The record.
   * @returns The sampling id.
   */
  logFinishedSampling(record: FinishedRecordInput): Promise<number> {
    return this.#logRecord("sampling", "finished", record, record.output);
  }

  /**
   * Record a failed or interrupted Sampling.
   *
   * @param record The record.
   * @returns The sampling id.
   */
  logFailedSampling(record: FailedRecordInput): Promise<number> {
    return this.#logRecord("sampling", record.status ?? "failed", record, undefined);
  }

  async #logRecord(
    kind: Kind,
    status: RunStatus,
    record: ProcessRecordInput,
    output: ResultLike | undefined,
  ): Promise<number> {
    const what = kind === "solve" ? "log a Solve" : "log a Sampling";
    this.#assertWritable(what);
    if (status !== "finished" && status !== "failed" && status !== "interrupted") {
      return Promise.reject(
        new InvalidArgumentError(`Unknown ${kind} status ${JSON.stringify(status)}`),
      );
    }
    if (status === "finished" && (output === undefined || typeof output.toBytes !== "function")) {
      throw new InvalidArgumentError(`A finished ${kind} needs an output`);
    }
    adapterOptionsText(record.adapterOptions);
    let timing: [bigint, bigint] | undefined;
    if (record.startedAt !== undefined || record.endedAt !== undefined) {
      if (record.startedAt === undefined || record.endedAt === undefined) {
        throw new InvalidArgumentError("startedAt and endedAt must be given together");
      }
      timing = [unixNanos(record.startedAt, "startedAt"), unixNanos(record.endedAt, "endedAt")];
      if (timing[1] < timing[0]) throw new InvalidArgumentError("endedAt is before startedAt");
    }
    if (timing !== undefined && this.#recorder !== undefined) {
      const cause = (record as FailedRecordInput).error;
      this.#recorder.startSpan(spanName(kind), { adapter: record.adapter }, timing[0]).end(
        status === "finished" ? undefined : cause === undefined ? status : cause,
        timing[1],
      );
    }
    const id = this.#allocate(kind);
    return await this.#track(async () => {
      await this.#record(kind, id, status, record, undefined, output);
      return id;
    });
  }

  async #call<S extends ResultLike>(
    kind: Kind,
    adapterName: string,
    instance: InstanceLike,
    options: Record<string, unknown>,
    signal: AbortSignal | undefined,
    invoke: (context: AdapterContext) => S | Promise<S>,
  ): Promise<S> {
    this.#assertWritable(kind === "solve" ? "solve" : "sample");
    const optionsText = adapterOptionsText(options);
    const id = this.#allocate(kind);
    return await this.#track(async () => {
      const input = await stageBytes(
        this.#owner.store,
        MEDIA_TYPE_V2_INSTANCE,
        instance.toBytes(),
        instanceAnnotations(instance),
      );
      const diagnostics: unknown[] = [];
      const base = {
        input: instance,
        adapter: adapterName,
        adapterOptions: optionsText,
        diagnostics,
      };
      let result: S;
      const span: OpenSpan | undefined = this.#recorder?.startSpan(spanName(kind), {
        adapter: adapterName,
      });
      const contextFor = (parent: OpenSpan | undefined): AdapterContext => ({
        recordDiagnostic: (report) => void diagnostics.push(report),
        signal,
        span: async (name, fn, attributes = {}) => {
          const child = parent?.child(name, attributes);
          try {
            const value = await fn(contextFor(child));
            child?.end();
            return value;
          } catch (error) {
            child?.end(error);
            throw error;
          }
        },
      });
      const context = contextFor(span);
      try {
        result = await invoke(context);
      } catch (error) {
        span?.end(error);
        const status = isInterruption(error) ? "interrupted" : "failed";
        await this.#record(kind, id, status, base, input, undefined);
        throw error;
      }
      if (result === null || typeof result !== "object" || typeof result.toBytes !== "function") {
        const error = new InvalidArgumentError(
          `Adapter ${adapterName} returned no encodable ${
            kind === "solve" ? "Solution" : "SampleSet"
          }`,
        );
        span?.end(error);
        await this.#record(kind, id, "failed", base, input, undefined);
        throw error;
      }
      span?.end();
      await this.#record(kind, id, "finished", base, input, result);
      return result;
    });
  }

  /**
   * Solve with a TypeScript adapter and record the Solve: the input as given,
   * the output, `options` as the adapter options (Python `json.dumps` text),
   * diagnostics the adapter recorded, and a failed (or, for an abort,
   * interrupted) record when it throws — the error is re-thrown. In an
   * Experiment created with `storeTrace: true`, the call is also a `solve`
   * span (attribute `adapter`; status ERROR when it throws) in the run's trace:
   * that is where its duration is kept.
   *
   * @param adapter The adapter.
   * @param instance The instance.
   * @param options Adapter options (must be JSON-serialisable).
   * @param callOptions An abort signal passed to the adapter context.
   * @returns The solution.
   */
  solve<I extends InstanceLike, S extends ResultLike, O extends Record<string, unknown>>(
    adapter: SolverAdapter<I, S, O>,
    instance: I,
    options: O = {} as O,
    callOptions: { signal?: AbortSignal } = {},
  ): Promise<S> {
    return this.#call(
      "solve",
      adapter.name,
      instance,
      options,
      callOptions.signal,
      (ctx) => adapter.solve(instance, options, ctx),
    );
  }

  /**
   * Sample with a TypeScript adapter and record the Sampling (see {@linkcode RunBuilder.solve}).
   *
   * @param adapter The adapter.
   * @param instance The instance.
   * @param options Adapter options.
   * @param callOptions An abort signal passed to the adapter context.
   * @returns The sample set.
   */
  sample<I extends InstanceLike, S extends ResultLike, O extends Record<string, unknown>>(
    adapter: SamplerAdapter<I, S, O>,
    instance: I,
    options: O = {} as O,
    callOptions: { signal?: AbortSignal } = {},
  ): Promise<S> {
    return this.#call(
      "sampling",
      adapter.name,
      instance,
      options,
      callOptions.signal,
      (ctx) => adapter.sample(instance, options, ctx),
    );
  }

  #end(status: RunStatus, reason: string | null, cause?: unknown): void {
    this.#assertWritable(
      status === "finished" ? "finish" : status === "failed" ? "fail" : "interrupt",
    );
    if (this.#pending > 0) {
      throw new InvalidStateError(
        `Run ${this.runId} still has ${this.#pending} solve/sampling record(s) in progress; await them before ending the run`,
      );
    }
    // the run's own trace, unless the user logged one (theirs wins)
    const trace = this.#recorder === undefined || this.#trace !== undefined
      ? undefined
      : this.#recorder.finish(
        status === "finished" ? null : { message: reason ?? "", error: cause },
      );
    this.#status = status;
    this.#owner.closeRun({
      runId: this.runId,
      status,
      reason,
      attachments: new Map(attachmentEntries(this)),
      ...(this.#trace === undefined ? {} : { trace: this.#trace }),
      solves: [...this.#solves].sort((a, b) => a.id - b.id),
      samplings: [...this.#samplings].sort((a, b) => a.id - b.id),
      parameters: new Map(this.#parameters),
    }, trace);
  }

  /** End the run as finished. */
  finish(): void {
    this.#end("finished", null);
  }

  /**
   * End the run as failed; the reason is formatted as the reference does
   * (`"<ErrorName>: <message>"`, ≤ 512 chars).
   *
   * @param error The error (or a reason text).
   */
  fail(error: unknown): void {
    this.#end("failed", formatReason(error), error);
  }

  /**
   * End the run as interrupted.
   *
   * @param reason Optional reason (an error or a text).
   */
  interrupt(reason?: unknown): void {
    this.#end("interrupted", reason === undefined ? null : formatReason(reason), reason);
  }

  /**
   * `await using` support: a run still open when its scope ends is finished
   * (as Python's `with exp.run()` on normal exit). A disposer cannot see a
   * thrown error; use `ExperimentBuilder.withRun` or call `fail()` in a
   * `catch` to record failures.
   *
   * @returns Nothing.
   */
  [Symbol.asyncDispose](): Promise<void> {
    if (this.#status === null) {
      try {
        this.finish();
      } catch (e) {
        // A run left open when its Experiment was sealed is dropped, as in the reference.
        if (!(e instanceof InvalidStateError)) return Promise.reject(e);
      }
    }
    return Promise.resolve();
  }
}

/**
 * Open a Run of an Experiment being recorded (what `ExperimentBuilder.run()` calls).
 *
 * @param runId The allocated run id.
 * @param owner The Experiment's store, writability check, run-closing hook and trace settings.
 * @returns The open run.
 */
export function startRun(runId: number, owner: RunOwner): RunBuilder {
  return construct(runId, owner);
}
