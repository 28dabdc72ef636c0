/**
 * Solve and Sampling records of a sealed Run.
 *
 * @module
 */
import { InvalidArtifactError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import {
  MEDIA_TYPE_DIAGNOSTICS,
  MEDIA_TYPE_V1_INSTANCE,
  MEDIA_TYPE_V1_SAMPLE_SET,
  MEDIA_TYPE_V1_SOLUTION,
  MEDIA_TYPE_V2_INSTANCE,
  MEDIA_TYPE_V2_SAMPLE_SET,
  MEDIA_TYPE_V2_SOLUTION,
} from "../../../codecs/media_types.ts";
import { decodeDiagnostics } from "../../../codecs/msgpack/mod.ts";
import { parsePythonJson } from "../../../codecs/json/mod.ts";
import type { Instance, SampleSet, SolutionSummary } from "../../../codecs/ommx/mod.ts";
import { Solution } from "../../../codecs/ommx/solution.ts";
import { summaryFields } from "../../../codecs/ommx/_solution_summary.ts";
import { ommxV1SolutionCodec, ommxV2SolutionCodec } from "../../../codecs/ommx/codecs.ts";
import type { AttachmentCodec } from "../../../codecs/codec.ts";
import type { ProcessRecord, RunStatus } from "./config.ts";
import { fetchPayload, fetchPayloadNow, type ReadContext } from "./_read_context.ts";
import { layerAt } from "./_attachments.ts";
import { decodeTyped } from "./_typed.ts";
import { reprStr } from "../../../codecs/_py_repr.ts";
import { processDisplay } from "./_display.ts";
import { hasNoKeys } from "../../_no_keys.ts";

function checkMediaType(
  d: Descriptor,
  accepted: readonly string[],
  what: string,
): void {
  if (!accepted.includes(d.mediaType)) {
    throw new InvalidArtifactError(
      `Invalid ${what}: media type is ${d.mediaType}, expected ${accepted.join(" or ")}`,
    );
  }
}

/** Shared shape of {@linkcode Solve} and {@linkcode Sampling}. */
export abstract class ProcessView<Output> {
  readonly #ctx: ReadContext;
  readonly #record: ProcessRecord;
  readonly #input: Descriptor;
  readonly #output: Descriptor | null;
  /** The decoded diagnostics; `undefined` until first asked for when none are stored. */
  #diagnostics: unknown[] | undefined;
  readonly #kind: ProcessKind;
  /** The Run this record belongs to. */
  readonly runId: number;

  /**
   * Views are built by the read room's loaders, never directly (with the
   * record's layers checked by {@linkcode checkProcess}).
   *
   * @param ctx The artifact context.
   * @param runId The owning run.
   * @param record The validated record.
   * @param kind Solve or Sampling.
   * @param diagnostics The decoded diagnostics, or `undefined` when none are stored.
   */
  protected constructor(
    ctx: ReadContext,
    runId: number,
    record: ProcessRecord,
    kind: ProcessKind,
    diagnostics: unknown[] | undefined,
  ) {
    this.#ctx = ctx;
    this.runId = runId;
    this.#record = record;
    // Checked present by `checkProcess`.
    this.#input = ctx.layers[record.input]!;
    this.#output = record.output === undefined ? null : ctx.layers[record.output]!;
    this.#diagnostics = diagnostics;
    this.#kind = kind;
  }

  /** The record id (`solve_id` or `sampling_id`), unique within its Run. */
  protected get id(): number {
    return this.#record.id;
  }

  get #what(): string {
    return `Run ${this.runId} ${this.#kind.label} ${this.#record.id}`;
  }

  /** `finished`, `failed` or `interrupted`. */
  get status(): RunStatus {
    return this.#record.status;
  }

  /** The adapter's name as recorded. */
  get adapter(): string {
    return this.#record.adapter;
  }

  /** The raw `adapter_options` string as stored. */
  get adapterOptionsJson(): string {
    return this.#record.adapterOptions;
  }

  /**
   * The adapter options, parsed with Python `json` semantics (NaN, Infinity).
   *
   * @throws {InvalidArtifactError} When the options are not a JSON object.
   */
  get adapterOptions(): Record<string, unknown> {
    const value = parsePythonJson(this.#record.adapterOptions);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InvalidArtifactError(
        `${this.#what} adapter_options is not a JSON object: ${this.#record.adapterOptions}`,
      );
    }
    return value as Record<string, unknown>;
  }

  /** The input layer's descriptor. */
  get inputDescriptor(): Descriptor {
    return this.#input;
  }

  /** The output layer's descriptor, or `null` unless finished. */
  get outputDescriptor(): Descriptor | null {
    return this.#output;
  }

  /**
   * The adapter diagnostics (decoded MessagePack list; `[]` when none stored).
   *
   * @returns The diagnostics list.
   */
  getDiagnostics(): unknown[] {
    // Built on first use (most records store none): the same array every call.
    return this.#diagnostics ??= [];
  }

  /**
   * Decode the input Instance.
   *
   * @returns The Instance given to the adapter.
   */
  async getInput(): Promise<Instance> {
    const bytes = await fetchPayload(this.#ctx, this.#input, `${this.#what} input`);
    return decodeTyped(
      this.#ctx,
      "instance",
      this.#input.mediaType,
      bytes,
      this.#input.annotations ?? {},
    );
  }

  /**
   * Decode the output, or `null` unless finished.
   *
   * @returns The output.
   */
  async getOutput(): Promise<Output | null> {
    if (this.#output === null) return null;
    const bytes = await fetchPayload(this.#ctx, this.#output, `${this.#what} output`);
    return await decodeTyped(
      this.#ctx,
      this.#kind.outputKind,
      this.#output.mediaType,
      bytes,
      this.#output.annotations ?? {},
    ) as Output;
  }

  /**
   * The output read through `fast` (a summary decoder of the codec `codec`) when the
   * registry decodes its media type with that very codec and the layer has no annotations
   * to merge; otherwise `pick` of {@linkcode ProcessView.getOutput}. The same fetch, limit
   * and errors as `getOutput` either way.
   *
   * @param codec The built-in codec `fast` stands for.
   * @param fast Its summary decoder (refusing what the codec refuses, with its errors); it
   * must keep no reference to the bytes it is given (they may be a view, see `fetchPayload`).
   * @param pick The summary of a decoded output.
   * @returns The summary, or `null` unless finished.
   */
  protected async outputSummary<R>(
    codec: AttachmentCodec<unknown>,
    fast: (bytes: Uint8Array) => R,
    pick: (output: Output) => R,
  ): Promise<R | null> {
    const d = this.#output;
    if (d === null) return null;
    if (
      d.mediaType !== codec.mediaType || this.#ctx.codecs.get(d.mediaType) !== codec ||
      (d.annotations !== undefined && !hasNoKeys(d.annotations))
    ) {
      return pick((await this.getOutput())!);
    }
    // `fast` keeps nothing of the bytes (a summary is a few fields): no copy of them needed.
    // Bytes the target holds already are read without an await (a listing of thousands).
    const layer = this.#record.output;
    return fast(
      fetchPayloadNow(this.#ctx, d, layer) ??
        await fetchPayload(this.#ctx, d, `${this.#what} output`, true, layer),
    );
  }

  /**
   * A one-line summary in the spirit of Python's `repr`.
   *
   * @returns E.g. `Solve(run_id=0, solve_id=1, status='finished', adapter='…')`.
   */
  toString(): string {
    return `${this.#kind.label}(run_id=${this.runId}, ${this.#kind.idKey}=${this.#record.id}, status=${
      reprStr(this.status)
    }, adapter=${reprStr(this.adapter)})`;
  }

  /**
   * The notebook display: status, adapter, options and the output's tables
   * (HTML, escaped), and the plain text; reads the output.
   *
   * @returns The MIME bundle (`text/html`, `text/plain`).
   */
  [Symbol.for("Jupyter.display")](): Promise<Record<string, string>> {
    return processDisplay(this, this.#kind.label);
  }
}

/** What differs between Solves and Samplings. */
interface ProcessKind {
  label: "Solve" | "Sampling";
  idKey: "solve_id" | "sampling_id";
  outputKind: "solution" | "sample_set";
  outputTypes: readonly string[];
}

const SOLVE: ProcessKind = {
  label: "Solve",
  idKey: "solve_id",
  outputKind: "solution",
  outputTypes: [MEDIA_TYPE_V1_SOLUTION, MEDIA_TYPE_V2_SOLUTION],
};

const SAMPLING: ProcessKind = {
  label: "Sampling",
  idKey: "sampling_id",
  outputKind: "sample_set",
  outputTypes: [MEDIA_TYPE_V1_SAMPLE_SET, MEDIA_TYPE_V2_SAMPLE_SET],
};

/**
 * A record's diagnostics layer checked, read and decoded, or `undefined` when it
 * stores none ({@linkcode checkProcess} has checked its other layers).
 */
async function loadDiagnostics(
  ctx: ReadContext,
  runId: number,
  record: ProcessRecord,
  kind: ProcessKind,
): Promise<unknown[] | undefined> {
  if (record.diagnostics === undefined) return undefined;
  const what = `Run ${runId} ${kind.label} ${record.id}`;
  const d = layerAt(ctx, record.diagnostics, `${what} diagnostics`);
  checkMediaType(d, [MEDIA_TYPE_DIAGNOSTICS], `${what} diagnostics`);
  try {
    return decodeDiagnostics(await fetchPayload(ctx, d, `${what} diagnostics`));
  } catch (cause) {
    throw new InvalidArtifactError(
      `Invalid ${what} diagnostics: ${(cause as Error).message}`,
      { cause },
    );
  }
}

const INPUT_TYPES: readonly string[] = [MEDIA_TYPE_V1_INSTANCE, MEDIA_TYPE_V2_INSTANCE];

/** The checks that need no read: input and output layers (the diagnostics are not looked at). */
function checkProcess(
  ctx: ReadContext,
  runId: number,
  record: ProcessRecord,
  kind: ProcessKind,
): void {
  // Layers in range with accepted media types (every record of a valid artifact) pass
  // without the messages' texts; anything else is checked below, with them.
  const input = ctx.layers[record.input];
  const output = record.output === undefined ? null : ctx.layers[record.output];
  if (
    input === undefined || !INPUT_TYPES.includes(input.mediaType) || output === undefined ||
    (output !== null && !kind.outputTypes.includes(output.mediaType))
  ) {
    checkLayers(ctx, runId, record, kind);
  }
}

/** {@linkcode checkProcess}'s checks with their messages: throws on the first that fails. */
function checkLayers(ctx: ReadContext, runId: number, record: ProcessRecord, kind: ProcessKind) {
  const what = `Run ${runId} ${kind.label} ${record.id}`;
  const input = layerAt(ctx, record.input, `${what} input`);
  checkMediaType(input, INPUT_TYPES, `${what} input`);
  if (record.output !== undefined) {
    const output = layerAt(ctx, record.output, `${what} output`);
    checkMediaType(output, kind.outputTypes, `${what} output`);
  }
}

/** Builds a view (the private constructor's door for this file's loaders). */
type ConstructProcess<V> = (
  ctx: ReadContext,
  runId: number,
  record: ProcessRecord,
  kind: ProcessKind,
  diagnostics: unknown[] | undefined,
) => V;

let constructSolve: ConstructProcess<Solve>;
let constructSampling: ConstructProcess<Sampling>;

/** `Solution.decodeSummary` of a v1 payload. */
const v1Summary = (bytes: Uint8Array) => Solution.decodeSummary(bytes, "v1");
/** `Solution.decodeSummary` of a v2 payload. */
const v2Summary = (bytes: Uint8Array) => Solution.decodeSummary(bytes, "v2");

/** One Solve record: an Instance given to a solver adapter, and its Solution. */
export class Solve extends ProcessView<Solution> {
  private constructor(
    ctx: ReadContext,
    runId: number,
    record: ProcessRecord,
    kind: ProcessKind,
    diagnostics: unknown[] | undefined,
  ) {
    super(ctx, runId, record, kind, diagnostics);
  }

  static {
    constructSolve = (ctx, runId, record, kind, diagnostics) =>
      new Solve(ctx, runId, record, kind, diagnostics);
  }

  /** The solve id, unique within its Run. */
  get solveId(): number {
    return this.id;
  }

  /**
   * The output's summary (objective, feasibility, optimality, relaxation, sense), or
   * `null` unless finished: the same values, fetch and errors as reading them from
   * {@linkcode ProcessView.getOutput}, but the built-in `ommx.v2` Solution reader builds
   * no variable, constraint or named-function objects for it (see
   * `Solution.decodeSummary`). A registry with its own Solution codec, or an output layer
   * with annotations to merge, is read through `getOutput`. A TypeScript addition (the
   * Python SDK has only `Solve.output`), for listings that print only these fields.
   *
   * @returns The summary, or `null`.
   */
  getOutputSummary(): Promise<SolutionSummary | null> {
    return this.outputDescriptor?.mediaType === MEDIA_TYPE_V1_SOLUTION
      ? this.outputSummary(ommxV1SolutionCodec, v1Summary, summaryFields)
      : this.outputSummary(ommxV2SolutionCodec, v2Summary, summaryFields);
  }
}

/** One Sampling record: an Instance given to a sampler adapter, and its SampleSet. */
export class Sampling extends ProcessView<SampleSet> {
  private constructor(
    ctx: ReadContext,
    runId: number,
    record: ProcessRecord,
    kind: ProcessKind,
    diagnostics: unknown[] | undefined,
  ) {
    super(ctx, runId, record, kind, diagnostics);
  }

  static {
    constructSampling = (ctx, runId, record, kind, diagnostics) =>
      new Sampling(ctx, runId, record, kind, diagnostics);
  }

  /** The sampling id, unique within its Run. */
  get samplingId(): number {
    return this.id;
  }
}

/**
 * Validate a Solve record and build its view (reads the diagnostics layer, if any).
 *
 * @param ctx The artifact context.
 * @param runId The owning run.
 * @param record The config record.
 * @returns The view.
 * @throws {InvalidArtifactError} When a layer index, media type or the diagnostics are invalid.
 */
export async function loadSolve(
  ctx: ReadContext,
  runId: number,
  record: ProcessRecord,
): Promise<Solve> {
  checkProcess(ctx, runId, record, SOLVE);
  const diagnostics = await loadDiagnostics(ctx, runId, record, SOLVE);
  return constructSolve(ctx, runId, record, SOLVE, diagnostics);
}

/**
 * Validate a Sampling record and build its view (reads the diagnostics layer, if any).
 *
 * @param ctx The artifact context.
 * @param runId The owning run.
 * @param record The config record.
 * @returns The view.
 * @throws {InvalidArtifactError} When a layer index, media type or the diagnostics are invalid.
 */
export async function loadSampling(
  ctx: ReadContext,
  runId: number,
  record: ProcessRecord,
): Promise<Sampling> {
  checkProcess(ctx, runId, record, SAMPLING);
  const diagnostics = await loadDiagnostics(ctx, runId, record, SAMPLING);
  return constructSampling(ctx, runId, record, SAMPLING, diagnostics);
}

/**
 * {@linkcode loadSolve} without a read: the same checks and view for a record
 * with no diagnostics layer; `undefined` for one with (its diagnostics must
 * be fetched: use {@linkcode loadSolve}).
 *
 * @param ctx The artifact context.
 * @param runId The owning run.
 * @param record The Solve record.
 * @returns The view, or `undefined`.
 * @throws {InvalidArtifactError} When a layer index or media type is wrong.
 */
export function solveWithoutRead(
  ctx: ReadContext,
  runId: number,
  record: ProcessRecord,
): Solve | undefined {
  if (record.diagnostics !== undefined) return undefined;
  checkProcess(ctx, runId, record, SOLVE);
  return constructSolve(ctx, runId, record, SOLVE, undefined);
}

/**
 * {@linkcode loadSampling} without a read: the same checks and view for a
 * record with no diagnostics layer; `undefined` for one with.
 *
 * @param ctx The artifact context.
 * @param runId The owning run.
 * @param record The Sampling record.
 * @returns The view, or `undefined`.
 * @throws {InvalidArtifactError} When a layer index or media type is wrong.
 */
export function samplingWithoutRead(
  ctx: ReadContext,
  runId: number,
  record: ProcessRecord,
): Sampling | undefined {
  if (record.diagnostics !== undefined) return undefined;
  checkProcess(ctx, runId, record, SAMPLING);
  return constructSampling(ctx, runId, record, SAMPLING, undefined);
}
