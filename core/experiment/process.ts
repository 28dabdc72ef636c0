/**
 * Solve and Sampling records of a sealed Run (spec §7.4).
 *
 * @module
 */
import { InvalidArtifactError } from "../errors.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import {
  MEDIA_TYPE_DIAGNOSTICS,
  MEDIA_TYPE_V1_INSTANCE,
  MEDIA_TYPE_V1_SAMPLE_SET,
  MEDIA_TYPE_V1_SOLUTION,
  MEDIA_TYPE_V2_INSTANCE,
  MEDIA_TYPE_V2_SAMPLE_SET,
  MEDIA_TYPE_V2_SOLUTION,
} from "../../codecs/media_types.ts";
import { decodeDiagnostics } from "../../codecs/msgpack/mod.ts";
import { parsePythonJson } from "../../codecs/json/mod.ts";
import type { Instance, SampleSet, Solution } from "../../codecs/ommx/mod.ts";
import type { ProcessRecord, RunStatus } from "./config.ts";
import type { ReadContext } from "./read_context.ts";
import { layerAt } from "./attachments.ts";
import { decodeTyped } from "./typed.ts";

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
  readonly #diagnostics: unknown[];
  readonly #what: string;

  /**
   * Subclasses build views through their `load`.
   *
   * @param ctx The artifact context.
   * @param record The config record.
   * @param diagnostics Decoded diagnostics.
   * @param input The input layer.
   * @param output The output layer, or `null`.
   * @param what A label for messages.
   */
  protected constructor(
    ctx: ReadContext,
    record: ProcessRecord,
    diagnostics: unknown[],
    input: Descriptor,
    output: Descriptor | null,
    what: string,
  ) {
    this.#ctx = ctx;
    this.#record = record;
    this.#input = input;
    this.#output = output;
    this.#diagnostics = diagnostics;
    this.#what = what;
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
    return this.#diagnostics;
  }

  /**
   * Decode the input Instance.
   *
   * @returns The Instance given to the adapter.
   */
  async getInput(): Promise<Instance> {
    const bytes = await this.#ctx.target.fetch(this.#input);
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
    const bytes = await this.#ctx.target.fetch(this.#output);
    return await decodeTyped(
      this.#ctx,
      this.outputKind,
      this.#output.mediaType,
      bytes,
      this.#output.annotations ?? {},
    ) as Output;
  }

  /** The output payload kind. */
  protected abstract get outputKind(): "solution" | "sample_set";
}

/** What {@linkcode loadProcess} needs to build a view. */
interface Loaded {
  record: ProcessRecord;
  input: Descriptor;
  output: Descriptor | null;
  diagnostics: unknown[];
}

async function loadProcess(
  ctx: ReadContext,
  record: ProcessRecord,
  what: string,
  outputTypes: readonly string[],
): Promise<Loaded> {
  const input = layerAt(ctx, record.input, `${what} input`);
  checkMediaType(input, [MEDIA_TYPE_V1_INSTANCE, MEDIA_TYPE_V2_INSTANCE], `${what} input`);
  let output: Descriptor | null = null;
  if (record.output !== undefined) {
    output = layerAt(ctx, record.output, `${what} output`);
    checkMediaType(output, outputTypes, `${what} output`);
  }
  let diagnostics: unknown[] = [];
  if (record.diagnostics !== undefined) {
    const d = layerAt(ctx, record.diagnostics, `${what} diagnostics`);
    checkMediaType(d, [MEDIA_TYPE_DIAGNOSTICS], `${what} diagnostics`);
    try {
      diagnostics = decodeDiagnostics(await ctx.target.fetch(d));
    } catch (cause) {
      throw new InvalidArtifactError(
        `Invalid ${what} diagnostics: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
  return { record, input, output, diagnostics };
}

/** One Solve record: an Instance given to a solver adapter, and its Solution. */
export class Solve extends ProcessView<Solution> {
  /** The Run this Solve belongs to. */
  readonly runId: number;

  private constructor(ctx: ReadContext, runId: number, loaded: Loaded) {
    super(
      ctx,
      loaded.record,
      loaded.diagnostics,
      loaded.input,
      loaded.output,
      `Run ${runId} Solve ${loaded.record.id}`,
    );
    this.runId = runId;
    this.solveId = loaded.record.id;
  }

  /** The solve id, unique within its Run. */
  readonly solveId: number;

  /**
   * Validate a record and build its view (reads the diagnostics layer, if any).
   *
   * @param ctx The artifact context.
   * @param runId The owning run.
   * @param record The config record.
   * @returns The view.
   */
  static async load(ctx: ReadContext, runId: number, record: ProcessRecord): Promise<Solve> {
    const loaded = await loadProcess(
      ctx,
      record,
      `Run ${runId} Solve ${record.id}`,
      [MEDIA_TYPE_V1_SOLUTION, MEDIA_TYPE_V2_SOLUTION],
    );
    return new Solve(ctx, runId, loaded);
  }

  /** The output payload kind: a Solution. */
  protected override get outputKind(): "solution" {
    return "solution";
  }

  /**
   * A one-line summary in the spirit of Python's `repr`.
   *
   * @returns A one-line summary in the spirit of Python's `repr`.
   */
  override toString(): string {
    return `Solve(run_id=${this.runId}, solve_id=${this.solveId}, status=${
      JSON.stringify(this.status)
    }, adapter=${JSON.stringify(this.adapter)})`;
  }
}

/** One Sampling record: an Instance given to a sampler adapter, and its SampleSet. */
export class Sampling extends ProcessView<SampleSet> {
  /** The Run this Sampling belongs to. */
  readonly runId: number;
  /** The sampling id, unique within its Run. */
  readonly samplingId: number;

  private constructor(ctx: ReadContext, runId: number, loaded: Loaded) {
    super(
      ctx,
      loaded.record,
      loaded.diagnostics,
      loaded.input,
      loaded.output,
      `Run ${runId} Sampling ${loaded.record.id}`,
    );
    this.runId = runId;
    this.samplingId = loaded.record.id;
  }

  /**
   * Validate a record and build its view (reads the diagnostics layer, if any).
   *
   * @param ctx The artifact context.
   * @param runId The owning run.
   * @param record The config record.
   * @returns The view.
   */
  static async load(ctx: ReadContext, runId: number, record: ProcessRecord): Promise<Sampling> {
    const loaded = await loadProcess(
      ctx,
      record,
      `Run ${runId} Sampling ${record.id}`,
      [MEDIA_TYPE_V1_SAMPLE_SET, MEDIA_TYPE_V2_SAMPLE_SET],
    );
    return new Sampling(ctx, runId, loaded);
  }

  /** The output payload kind: a SampleSet. */
  protected override get outputKind(): "sample_set" {
    return "sample_set";
  }

  /**
   * A one-line summary in the spirit of Python's `repr`.
   *
   * @returns A one-line summary in the spirit of Python's `repr`.
   */
  override toString(): string {
    return `Sampling(run_id=${this.runId}, sampling_id=${this.samplingId}, status=${
      JSON.stringify(this.status)
    }, adapter=${JSON.stringify(this.adapter)})`;
  }
}
