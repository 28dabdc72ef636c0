/**
 * `SealedRun`: the immutable view of a closed Run of a sealed Experiment.
 *
 * @module
 */
import { InvalidArtifactError } from "../../errors.ts";
import { MEDIA_TYPE_TRACE } from "../../../codecs/media_types.ts";
import { TraceResult } from "../../../codecs/trace/mod.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import type { RunRecord, RunStatus } from "./config.ts";
import { fetchPayload, type ReadContext } from "./_read_context.ts";
import { AttachmentNamespace, layerAt } from "./_attachments.ts";
import { AttachmentHolder } from "./attachment_holder.ts";
import {
  loadSampling,
  loadSolve,
  type Sampling,
  samplingWithoutRead,
  type Solve,
  solveWithoutRead,
} from "./process.ts";
import type { ParameterValue } from "./run_parameters.ts";
import { reprStr } from "../../../codecs/_py_repr.ts";
import { sealedRunDisplay } from "./_display.ts";

let construct: (
  ctx: ReadContext,
  record: RunRecord,
  attachments: AttachmentNamespace,
  trace: Descriptor | null,
  solves: readonly Solve[],
  samplings: readonly Sampling[],
  parameters: Readonly<Record<string, ParameterValue>>,
) => SealedRun;

/** The frozen empty list every run without Samplings (or Solves) shares. */
const NONE: readonly never[] = Object.freeze([]);

/** `f` over `items`, or the shared {@linkcode NONE} when there are none. */
function mapOrNone<T, U>(items: readonly T[], f: (item: T) => U): readonly U[] {
  return items.length === 0 ? NONE : items.map(f);
}

/** Immutable view of a closed Run in an Experiment. */
export class SealedRun extends AttachmentHolder {
  readonly #ctx: ReadContext;
  readonly #record: RunRecord;
  readonly #trace: Descriptor | null;
  readonly #solves: readonly Solve[];
  readonly #samplings: readonly Sampling[];
  readonly #parameters: Readonly<Record<string, ParameterValue>>;

  private constructor(
    ctx: ReadContext,
    record: RunRecord,
    attachments: AttachmentNamespace,
    trace: Descriptor | null,
    solves: readonly Solve[],
    samplings: readonly Sampling[],
    parameters: Readonly<Record<string, ParameterValue>>,
  ) {
    super(attachments);
    this.#ctx = ctx;
    this.#record = record;
    this.#trace = trace;
    this.#solves = Object.freeze(solves);
    this.#samplings = Object.freeze(samplings);
    this.#parameters = Object.freeze(parameters);
  }

  static {
    construct = (ctx, record, attachments, trace, solves, samplings, parameters) =>
      new SealedRun(ctx, record, attachments, trace, solves, samplings, parameters);
  }

  /** Integer identifier of this run within its Experiment. */
  get runId(): number {
    return this.#record.runId;
  }

  /** How the run closed: `finished`, `failed` or `interrupted`. */
  get status(): RunStatus {
    return this.#record.status;
  }

  /** The failure or interruption reason, or `null`. */
  get lifecycleReason(): string | null {
    return this.#record.reason;
  }

  /** Solve records, ascending by solve id. */
  get solves(): readonly Solve[] {
    return this.#solves;
  }

  /** Sampling records, ascending by sampling id. */
  get samplings(): readonly Sampling[] {
    return this.#samplings;
  }

  /** This run's cells of the run-parameter table (missing parameters are absent keys). */
  get parameters(): Readonly<Record<string, ParameterValue>> {
    return this.#parameters;
  }

  /** Whether a trace was stored for this run. */
  get hasTrace(): boolean {
    return this.#trace !== null;
  }

  /**
   * The stored trace, or `null` when the run was recorded without trace storage.
   *
   * @returns The trace.
   */
  async getTrace(): Promise<TraceResult | null> {
    if (this.#trace === null) return null;
    return TraceResult.fromOtlpProtobuf(
      await fetchPayload(this.#ctx, this.#trace, `run ${this.runId} trace`),
    );
  }

  /**
   * The same text as the reference's `SealedRun.__repr__`.
   *
   * @returns The same text as the reference's `SealedRun.__repr__`.
   */
  override toString(): string {
    return `SealedRun(run_id=${this.runId}, status=${
      reprStr(this.status)
    }, attachments=${this.attachmentNames.length}, solves=${this.#solves.length}, samplings=${this.#samplings.length})`;
  }

  /**
   * The notebook display: status, parameters, Solves and Samplings (HTML,
   * escaped), and the plain text.
   *
   * @returns The MIME bundle (`text/html`, `text/plain`).
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return sealedRunDisplay(this);
  }

  /** Deno's `console.log` rendering. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Node's `util.inspect` (and so `console.log`) rendering. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Validate a run record and build its view (the run's attachments, trace
 * layer, Solve and Sampling records).
 *
 * @param ctx The artifact context.
 * @param record The config's run record.
 * @param parameters This run's cells of the run-parameter table.
 * @returns The view.
 * @throws {InvalidArtifactError} When a layer index or media type is wrong.
 */
export async function loadSealedRun(
  ctx: ReadContext,
  record: RunRecord,
  parameters: Readonly<Record<string, ParameterValue>>,
): Promise<SealedRun> {
  const attachments = runAttachments(ctx, record);
  const trace = runTrace(ctx, record);
  const solves = await Promise.all(record.solves.map((s) => loadSolve(ctx, record.runId, s)));
  const samplings = await Promise.all(
    record.samplings.map((s) => loadSampling(ctx, record.runId, s)),
  );
  return construct(ctx, record, attachments, trace, solves, samplings, parameters);
}

/** A run's Solves and Samplings, as far as {@linkcode nothingToRead} looks at them. */
export interface RunProcesses {
  /** The Solves (their diagnostics layer, if any). */
  readonly solves: readonly { readonly diagnostics?: unknown }[];
  /** The Samplings (their diagnostics layer, if any). */
  readonly samplings: readonly { readonly diagnostics?: unknown }[];
}

/**
 * Whether a run's view needs no read: none of its Solves and Samplings has a
 * diagnostics layer (then {@linkcode sealedRunWithoutRead} builds it). The
 * config's run records and a builder's run states both answer it.
 *
 * @param run The run's Solves and Samplings.
 * @returns `true` when nothing is to be fetched.
 */
export function nothingToRead(run: RunProcesses): boolean {
  return run.solves.every((s) => s.diagnostics === undefined) &&
    run.samplings.every((s) => s.diagnostics === undefined);
}

/**
 * {@linkcode loadSealedRun} without a read: the same checks and view for a
 * run none of whose Solves and Samplings has a diagnostics layer (nothing to
 * fetch); `undefined` for one with (use {@linkcode loadSealedRun}).
 *
 * @param ctx The artifact context.
 * @param record The config's run record.
 * @param parameters This run's cells of the run-parameter table.
 * @returns The view, or `undefined`.
 * @throws {InvalidArtifactError} When a layer index or media type is wrong.
 */
export function sealedRunWithoutRead(
  ctx: ReadContext,
  record: RunRecord,
  parameters: Readonly<Record<string, ParameterValue>>,
): SealedRun | undefined {
  if (!nothingToRead(record)) return undefined;
  const attachments = runAttachments(ctx, record);
  const trace = runTrace(ctx, record);
  const solves = mapOrNone(record.solves, (s) => solveWithoutRead(ctx, record.runId, s)!);
  const samplings = mapOrNone(
    record.samplings,
    (s) => samplingWithoutRead(ctx, record.runId, s)!,
  );
  return construct(ctx, record, attachments, trace, solves, samplings, parameters);
}

/** A run's attachment namespace, checked (its "run N" text built only for a message). */
function runAttachments(ctx: ReadContext, record: RunRecord): AttachmentNamespace {
  return new AttachmentNamespace(ctx, record.attachments, record.runId);
}

/** A run's trace layer, checked (after its attachments), or `null` when none is stored. */
function runTrace(ctx: ReadContext, record: RunRecord): Descriptor | null {
  if (record.trace === undefined) return null;
  const trace = layerAt(ctx, record.trace, `Run ${record.runId} trace`);
  if (trace.mediaType !== MEDIA_TYPE_TRACE) {
    throw new InvalidArtifactError(
      `Invalid Run ${record.runId} trace: media type is ${trace.mediaType}, expected ${MEDIA_TYPE_TRACE}`,
    );
  }
  return trace;
}
