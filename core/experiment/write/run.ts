/**
 * `Run`: one Run being recorded (the reference's `Run`, what
 * `Experiment.run()` starts) — parameters, attachments, trace, solve and
 * sampling records — until it ends with `finish()`, `fail()` or
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
  AdapterInstance,
  AdapterOptionsInput,
  SamplerAdapter,
  SolverAdapter,
} from "./adapter.ts";
import { type OpenSolve, startOpenSolve } from "./open_solve.ts";
import { adapterOptionsText } from "./_adapter_options.ts";
import { type ProcessState, processState, type RunState } from "./_run_state.ts";
import { closedRun } from "./_closed_run.ts";
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

/** Options of {@linkcode Run.logSolve} and {@linkcode Run.logSample}. */
export interface LogSolveOptions {
  /**
   * Store the diagnostics reports the adapter records with the record
   * (Python `store_diagnostics=True`). Default `false`, as the reference:
   * the adapter's `recordDiagnostic` is then a no-op.
   */
  storeDiagnostics?: boolean;
  /** Abort signal passed to the adapter context. */
  signal?: AbortSignal;
}

function checkStoreDiagnostics(value: unknown): boolean {
  if (value !== undefined && typeof value !== "boolean") {
    throw new InvalidArgumentError("storeDiagnostics must be a boolean");
  }
  return value === true;
}

/** A stored OTLP trace: raw bytes, or anything that serialises itself. */
export type TraceInput =
  | Uint8Array
  | { toOtlpProtobuf(): Uint8Array }
  | { otlpProtobuf(): Uint8Array }
  | { toBytes(): Uint8Array };

/** What a {@linkcode Run} needs from its Experiment. */
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
   * Called once when the run ends; the promise settles when the closed run is
   * in place (trace staged, read view loaded, autosave attempted) and never
   * rejects.
   *
   * @param run The closed run.
   * @param trace The recorded trace (`storeTrace`), to be staged as the run's trace layer.
   * @returns When the close is complete.
   */
  closeRun(run: RunState, trace?: Uint8Array): Promise<void>;
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

let construct: (runId: number, owner: RunOwner) => Run;

/**
 * One Run being recorded (the reference's `Run`). Start it with
 * `Experiment.run()` (or `ExperimentBuilder.run()`); it ends with
 * {@linkcode Run.finish}, {@linkcode Run.fail} or {@linkcode Run.interrupt}
 * and is then immutable (its read view is a `SealedRun`).
 *
 * @example Record and finish a run
 * ```ts
 * import { createExperimentBuilder } from "./experiment_builder.ts";
 * import assert from "node:assert/strict";
 *
 * const builder = createExperimentBuilder({ imageName: "example.com/demo/exp:v1" });
 * const run = builder.run();
 * run.logParameter("solver", "toy");
 * await run.logJson("notes", { ok: true });
 * run.finish();
 * const exp = await builder.commit();
 * assert.equal(exp.runs[0]?.status, "finished");
 * ```
 */
export class Run extends AttachmentWriter implements AsyncDisposable {
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
  readonly #openSolves = new Set<
    { end(status: "failed" | "interrupted", cause: unknown): Promise<void> }
  >();
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
    construct = (runId, owner) => new Run(runId, owner);
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

  /** Stage a process's layers and keep its record; `options` is the checked adapter-options text. */
  async #record(
    kind: Kind,
    id: number,
    status: RunStatus,
    base: ProcessRecordInput,
    options: string,
    inputLayer: LayerDescriptor | undefined,
    output: ResultLike | undefined,
  ): Promise<void> {
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
    const outputLayer = output === undefined ? undefined : kind === "solve"
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
    const diagnostics = base.diagnostics !== undefined && base.diagnostics.length > 0
      ? await stageBytes(store, MEDIA_TYPE_DIAGNOSTICS, encodeDiagnostics([...base.diagnostics]))
      : undefined;
    const rec = processState(id, status, input, base.adapter, options, outputLayer, diagnostics);
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
    const options = adapterOptionsText(record.adapterOptions);
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
      await this.#record(kind, id, status, record, options, undefined, output);
      return id;
    });
  }

  async #call<S extends ResultLike>(
    kind: Kind,
    adapterName: string,
    instance: InstanceLike,
    options: Record<string, unknown>,
    callOptions: LogSolveOptions,
    invoke: (context: AdapterContext) => S | Promise<S>,
  ): Promise<S> {
    this.#assertWritable(kind === "solve" ? "logSolve" : "logSample");
    const storeDiagnostics = checkStoreDiagnostics(callOptions.storeDiagnostics);
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
      const context = this.#context(span, diagnostics, storeDiagnostics, callOptions.signal);
      try {
        result = await invoke(context);
      } catch (error) {
        span?.end(error);
        const status = isInterruption(error) ? "interrupted" : "failed";
        await this.#record(kind, id, status, base, optionsText, input, undefined);
        throw error;
      }
      if (result === null || typeof result !== "object" || typeof result.toBytes !== "function") {
        const error = new InvalidArgumentError(
          `Adapter ${adapterName} returned no encodable ${
            kind === "solve" ? "Solution" : "SampleSet"
          }`,
        );
        span?.end(error);
        await this.#record(kind, id, "failed", base, optionsText, input, undefined);
        throw error;
      }
      span?.end();
      await this.#record(kind, id, "finished", base, optionsText, input, result);
      return result;
    });
  }

  #context(
    parent: OpenSpan | undefined,
    diagnostics: unknown[],
    storeDiagnostics: boolean,
    signal: AbortSignal | undefined,
  ): AdapterContext {
    return {
      recordDiagnostic: (report) => {
        if (storeDiagnostics) diagnostics.push(report);
      },
      storeDiagnostics,
      signal,
      span: async (name, fn, attributes = {}) => {
        const child = parent?.child(name, attributes);
        try {
          const value = await fn(this.#context(child, diagnostics, storeDiagnostics, signal));
          child?.end();
          return value;
        } catch (error) {
          child?.end(error);
          throw error;
        }
      },
    };
  }

  /**
   * Solve with a TypeScript adapter and record the Solve (the reference's
   * `Run.log_solve`): the input as given, the output, `options` as the
   * adapter options (Python `json.dumps` text), and a failed (or, for an
   * abort, interrupted) record when the adapter throws — the error is
   * re-thrown. Diagnostics the adapter records are stored only with
   * `storeDiagnostics: true` (default off, as the reference). In an
   * Experiment created with `storeTrace: true`, the call is also a `solve`
   * span (attribute `adapter`; status ERROR when it throws) in the run's
   * trace: that is where its duration is kept.
   *
   * Python passes adapter options as keyword arguments next to
   * `store_diagnostics`; here they are two objects, so no option name is
   * reserved.
   *
   * @param adapter The adapter.
   * @param instance The instance.
   * @param options Adapter options (must be JSON-serialisable).
   * @param callOptions `storeDiagnostics`, and an abort signal passed to the adapter context.
   * @returns The solution.
   */
  logSolve<I extends InstanceLike, S extends ResultLike, O extends Record<string, unknown>>(
    adapter: SolverAdapter<I, S, O>,
    instance: I,
    options: O = {} as O,
    callOptions: LogSolveOptions = {},
  ): Promise<S> {
    return this.#call(
      "solve",
      adapter.name,
      instance,
      options,
      callOptions,
      (ctx) => adapter.solve(instance, options, ctx),
    );
  }

  /**
   * Sample with a TypeScript adapter and record the Sampling (the
   * reference's `Run.log_sample`; see {@linkcode Run.logSolve}).
   *
   * @param adapter The adapter.
   * @param instance The instance.
   * @param options Adapter options.
   * @param callOptions `storeDiagnostics`, and an abort signal passed to the adapter context.
   * @returns The sample set.
   */
  logSample<I extends InstanceLike, S extends ResultLike, O extends Record<string, unknown>>(
    adapter: SamplerAdapter<I, S, O>,
    instance: I,
    options: O = {} as O,
    callOptions: LogSolveOptions = {},
  ): Promise<S> {
    return this.#call(
      "sampling",
      adapter.name,
      instance,
      options,
      callOptions,
      (ctx) => adapter.sample(instance, options, ctx),
    );
  }

  /**
   * Open a Solve whose solver the caller runs (the reference's
   * `Run.open_solve`): the solve id is reserved now; the record is written
   * when the returned {@linkcode OpenSolve} ends (`finish`, `fail`,
   * `interrupt`, or `await using`). Pass an adapter that can build a
   * backend model ({@linkcode SolverAdapter.instantiate}) to use
   * `solverInput` / `decode(data)` as in Python, or a plain adapter name for
   * an external solver (then `finish(output)` records the Solution you
   * built). With `storeTrace`, the Solve is a span `Solve` (attributes
   * `ommx.solve.id`, `adapter`) of the run's trace, as the reference writes.
   *
   * The backend model `instantiate` built belongs to the open Solve: once
   * the record is written (any outcome) its `[Symbol.dispose]()` runs when it
   * has one — e.g. the HiGHS adapter's WebAssembly memory is freed at the
   * scope's end, not whenever the garbage collector gets to it (the reference
   * leaves the Python object to its garbage collector). Read `solverInput`
   * and call `decode` inside the scope.
   *
   * @param adapter An adapter (its `name` is recorded) or an adapter name.
   * @param instance The input Instance (stored as given).
   * @param options Adapter options (JSON-serialisable); `logAdapterOption` adds more.
   * @param openOptions `storeDiagnostics` (default `false`).
   * @returns The open Solve; with an adapter that has `instantiate`, once its backend model is built.
   * @throws {InvalidArgumentError} When options do not serialise or the adapter name is empty.
   * @throws {InvalidStateError} After the run ended.
   */
  async openSolve<I extends InstanceLike, O extends Record<string, unknown>>(
    adapter: SolverAdapter<I, ResultLike, O> | string,
    instance: I,
    options: O = {} as O,
    openOptions: { storeDiagnostics?: boolean } = {},
  ): Promise<OpenSolve> {
    this.#assertWritable("openSolve");
    const storeDiagnostics = checkStoreDiagnostics(openOptions.storeDiagnostics);
    const adapterName = typeof adapter === "string" ? adapter : adapter?.name;
    if (typeof adapterName !== "string" || adapterName === "") {
      throw new InvalidArgumentError("openSolve: adapter must be an adapter or a non-empty name");
    }
    if (
      instance === null || typeof instance !== "object" || typeof instance.toBytes !== "function"
    ) {
      throw new InvalidArgumentError("openSolve: instance must be an Instance");
    }
    adapterOptionsText(options);
    const id = this.#allocate("solve");
    const span = this.#recorder?.startSpan("Solve", {
      "ommx.solve.id": BigInt(id),
      adapter: adapterName,
    });
    const diagnosticsSink: unknown[] = [];
    let backend: AdapterInstance | undefined;
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.#pending++;
    let recorded = false;
    const record = async (
      status: RunStatus,
      output: ResultLike | undefined,
      optionsText: string,
      diagnostics: readonly unknown[],
      spanError: unknown,
    ): Promise<void> => {
      if (recorded) throw new InvalidStateError(`Solve ${id} has already been recorded`);
      recorded = true;
      this.#openSolves.delete(handle);
      try {
        if (status === "finished") span?.end(spanError);
        else span?.end(spanError ?? status);
        await this.#record(
          "solve",
          id,
          status,
          {
            input: instance,
            adapter: adapterName,
            adapterOptions: optionsText,
            diagnostics: [...diagnostics],
          },
          adapterOptionsText(optionsText),
          undefined,
          output,
        );
      } finally {
        this.#pending--;
        releaseBackend(backend);
        settle();
      }
    };
    const opened: { solve?: OpenSolve } = {};
    const handle = {
      end: async (status: "failed" | "interrupted", cause: unknown) => {
        if (recorded) return await done;
        const solve = opened.solve;
        if (solve !== undefined) {
          await (status === "failed" ? solve.fail(cause) : solve.interrupt(cause));
        } else {
          await record(status, undefined, adapterOptionsText(options), diagnosticsSink, cause);
        }
      },
    };
    this.#openSolves.add(handle);
    if (typeof adapter !== "string" && typeof adapter.instantiate === "function") {
      try {
        backend = await adapter.instantiate(
          instance,
          options,
          this.#context(span, diagnosticsSink, storeDiagnostics, undefined),
        );
      } catch (error) {
        await record(
          isInterruption(error) ? "interrupted" : "failed",
          undefined,
          adapterOptionsText(options),
          diagnosticsSink,
          error,
        );
        throw error;
      }
    }
    const solve = startOpenSolve({
      solveId: id,
      adapterName,
      options,
      storeDiagnostics,
      instance: backend,
      record: (status, output, optionsText, diagnostics, spanError) =>
        record(status, output, optionsText, [...diagnosticsSink, ...diagnostics], spanError),
    });
    opened.solve = solve;
    return solve;
  }

  #end(status: RunStatus, reason: string | null, cause?: unknown): Promise<void> {
    this.#assertWritable(
      status === "finished" ? "finish" : status === "failed" ? "fail" : "interrupt",
    );
    if (status === "finished" && this.#openSolves.size > 0) {
      throw new InvalidStateError(
        `Run ${this.runId} still has ${this.#openSolves.size} open Solve(s); finish, fail or interrupt them before finishing the run`,
      );
    }
    if (this.#pending > this.#openSolves.size) {
      throw new InvalidStateError(
        `Run ${this.runId} still has ${
          this.#pending - this.#openSolves.size
        } solve/sampling record(s) in progress; await them before ending the run`,
      );
    }
    this.#status = status;
    const close = (): Promise<void> => {
      // the run's own trace, unless the user logged one (theirs wins)
      const trace = this.#recorder === undefined || this.#trace !== undefined
        ? undefined
        : this.#recorder.finish(
          status === "finished" ? null : { message: reason ?? "", error: cause },
        );
      return this.#owner.closeRun(
        closedRun({
          runId: this.runId,
          status,
          reason,
          attachments: attachmentEntries(this),
          trace: this.#trace,
          solves: this.#solves,
          samplings: this.#samplings,
          parameters: this.#parameters,
        }),
        trace,
      );
    };
    if (this.#openSolves.size === 0) return close();
    // Solves left open by a failing run are recorded first, with its status and cause.
    const solveStatus = status === "interrupted" ? "interrupted" : "failed";
    const why = cause ?? reason ?? status;
    return Promise.all([...this.#openSolves].map((s) => s.end(solveStatus, why))).then(
      close,
      close,
    );
  }

  /**
   * End the run as finished (the reference's `Run.finish`). The run is
   * closed at once; the promise settles when its Experiment has taken it in
   * (and, in a Local Registry, after the autosave checkpoint it triggers).
   *
   * @returns When the close is complete.
   * @throws {InvalidStateError} When the run already ended, or Solves are still open or in progress.
   */
  finish(): Promise<void> {
    return this.#ending("finished", null);
  }

  #ending(status: RunStatus, reason: string | null, cause?: unknown): Promise<void> {
    try {
      return this.#end(status, reason, cause);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * End the run as failed; the reason is formatted as the reference does
   * (`"<ErrorName>: <message>"`, ≤ 512 chars). Solves still open are
   * recorded `failed` with the same cause.
   *
   * @param error The error (or a reason text).
   * @returns When the close is complete.
   */
  fail(error: unknown): Promise<void> {
    return this.#ending("failed", formatReason(error), error);
  }

  /**
   * End the run as interrupted. Solves still open are recorded `interrupted`.
   *
   * @param reason Optional reason (an error or a text).
   * @returns When the close is complete.
   */
  interrupt(reason?: unknown): Promise<void> {
    return this.#ending(
      "interrupted",
      reason === undefined ? null : formatReason(reason),
      reason,
    );
  }

  /**
   * `await using` support: a run still open when its scope ends is finished
   * (as Python's `with exp.run()` on normal exit). A disposer cannot see a
   * thrown error; use `Experiment.withRun` or call `fail()` in a `catch` to
   * record failures.
   *
   * @returns Nothing.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#status !== null) return;
    try {
      this.#owner.assertOpen("finish");
    } catch {
      // A run left open when its Experiment was sealed stays out of it, as in the reference.
      return;
    }
    await this.finish();
  }

  /**
   * The same text as the reference's `Run.__repr__`.
   *
   * @returns `Run(run_id=N)` while open, `Run(finished=True)` after.
   */
  override toString(): string {
    return this.#status === null ? `Run(run_id=${this.runId})` : "Run(finished=True)";
  }
}

/**
 * Open a Run of an Experiment being recorded (what `ExperimentBuilder.run()` calls).
 *
 * @param runId The allocated run id.
 * @param owner The Experiment's store, writability check, run-closing hook and trace settings.
 * @returns The open run.
 */
export function startRun(runId: number, owner: RunOwner): Run {
  return construct(runId, owner);
}

/** Dispose an open Solve's backend model (when it is `Disposable`) once its record is written. */
function releaseBackend(backend: AdapterInstance | undefined): void {
  const dispose = (backend as Partial<Disposable> | undefined)?.[Symbol.dispose];
  if (typeof dispose !== "function") return;
  try {
    dispose.call(backend);
  } catch {
    // The record is written; a backend that fails to free itself has nothing left to report to.
  }
}
