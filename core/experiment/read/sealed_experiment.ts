/**
 * `SealedExperiment`: the sealed, read-only view of an Experiment artifact
 * (the Rust SDK's `SealedExperiment`; the public `Experiment` of the package
 * root wraps it).
 *
 * @module
 */
import { InvalidArtifactError, InvalidStateError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { ANNOTATION_REF_NAME } from "../../oci/media_types.ts";
import type { ImageManifest } from "../../oci/manifest.ts";
import { existsEach, type ReadOnlyTarget } from "../../oci/storage.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  MEDIA_TYPE_EXPERIMENT_CONFIG,
  MEDIA_TYPE_RUN_PARAMETERS,
} from "../../../codecs/media_types.ts";
import { decodeRunParameterTable } from "../../../codecs/msgpack/mod.ts";
import {
  type ExperimentConfig,
  type ExperimentStatus,
  parseExperimentConfig,
  type RunRecord,
} from "./config.ts";
import {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  fetchPayload,
  MAX_CONFIG_SIZE,
  type ReadContext,
} from "./_read_context.ts";
import { AttachmentNamespace, layerAt } from "./_attachments.ts";
import { AttachmentHolder } from "./attachment_holder.ts";
import {
  loadSealedRun,
  nothingToRead,
  type SealedRun,
  sealedRunWithoutRead,
} from "./sealed_run.ts";
import { reprStr } from "../../../codecs/_py_repr.ts";
import {
  type ParameterValue,
  runParametersDataFrame,
  type RunParametersTable,
  runParametersView,
} from "./run_parameters.ts";
import type { Table } from "../../../codecs/ommx/table.ts";
import { experimentDisplay } from "./_display.ts";

/** Options for loading an Experiment from a target. */
export interface LoadSealedExperimentOptions {
  /** Codec registry for typed decoding. */
  codecs: CodecRegistry;
  /** Accept `draft` checkpoints (the reference refuses them on load). Default `false`. */
  allowDraft?: boolean;
  /** Cap on decompressed attachment size in bytes. Default 1 GiB. */
  maxDecompressedBytes?: number;
  /** The image name to report; default: the manifest descriptor's ref-name annotation. */
  imageName?: string;
}

/** Progress callback of {@linkcode SealedExperiment.verify}. */
export type VerifyProgress = (done: { bytes: number; totalBytes: number; blobs: number }) => void;

/** Everything a loaded Experiment holds (built by {@linkcode loadSealedExperiment}). */
interface LoadedExperiment {
  readonly ctx: ReadContext;
  readonly manifestDescriptor: Descriptor;
  readonly manifest: ImageManifest;
  readonly config: ExperimentConfig;
  readonly attachments: AttachmentNamespace;
  /** The run views, or how to build them on first use. */
  readonly runs: SealedRun[] | (() => SealedRun[]);
  readonly parameters: RunParametersTable;
  readonly imageName: string | null;
}

let construct: (loaded: LoadedExperiment) => SealedExperiment;

/**
 * The sealed, read-only view of an Experiment: what `openSealedExperiment`
 * and `ExperimentBuilder.commit()` return, and what the package root's
 * `Experiment` shows once committed or loaded.
 */
export class SealedExperiment extends AttachmentHolder implements AsyncDisposable {
  readonly #ctx: ReadContext;
  readonly #manifestDescriptor: Descriptor;
  readonly #manifest: ImageManifest;
  readonly #config: ExperimentConfig;
  #runs: readonly SealedRun[] | (() => SealedRun[]);
  readonly #parameters: RunParametersTable;
  readonly #imageName: string | null;

  private constructor(loaded: LoadedExperiment) {
    super(loaded.attachments);
    this.#ctx = loaded.ctx;
    this.#manifestDescriptor = loaded.manifestDescriptor;
    this.#manifest = loaded.manifest;
    this.#config = loaded.config;
    this.#runs = typeof loaded.runs === "function" ? loaded.runs : Object.freeze(loaded.runs);
    this.#parameters = loaded.parameters;
    this.#imageName = loaded.imageName;
  }

  static {
    construct = (loaded) => new SealedExperiment(loaded);
  }

  /**
   * The storage this Experiment reads its blobs from: the archive, layout
   * directory, registry or in-memory store it was opened from or committed
   * into. Every blob of the Experiment (the manifest at
   * {@linkcode SealedExperiment.manifestDescriptor}, the config, each of
   * {@linkcode SealedExperiment.layers}) can be fetched from it by descriptor,
   * verified against its digest; saving, pushing and forking copy from here.
   * The storage belongs to the Experiment: close the Experiment, not the
   * storage.
   */
  get storage(): ReadOnlyTarget {
    return this.#ctx.target;
  }

  /** The image reference the Experiment was stored under, or `null` when unnamed. */
  get imageName(): string | null {
    return this.#imageName;
  }

  /** The manifest digest: the Experiment's content address. */
  get manifestDigest(): string {
    return this.#manifestDescriptor.digest;
  }

  /** The manifest descriptor (with the index annotations). */
  get manifestDescriptor(): Descriptor {
    return this.#manifestDescriptor;
  }

  /** The parsed manifest. */
  get manifest(): ImageManifest {
    return this.#manifest;
  }

  /** The manifest's layers, in order. */
  get layers(): readonly Descriptor[] {
    return this.#manifest.layers;
  }

  /** Manifest annotations (`{}` when none). */
  get annotations(): Readonly<Record<string, string>> {
    return this.#manifest.annotations ?? {};
  }

  /** `finished`, `failed`, `interrupted` (or `draft` when allowed). */
  get status(): ExperimentStatus {
    return this.#config.status;
  }

  /** The failure or interruption reason, or `null`. */
  get lifecycleReason(): string | null {
    return this.#config.reason;
  }

  /** For checkpoints: the name the user asked for; else `null`. */
  get requestedImageName(): string | null {
    return this.#config.requestedImageName;
  }

  /** The OCI `subject` (parent manifest of a fork), or `null`. */
  get subject(): Descriptor | null {
    return this.#manifest.subject ?? null;
  }

  /** The logical config. */
  get config(): ExperimentConfig {
    return this.#config;
  }

  /** Runs in ascending run id. */
  get runs(): readonly SealedRun[] {
    if (typeof this.#runs === "function") this.#runs = Object.freeze(this.#runs());
    return this.#runs;
  }

  /**
   * The run with `runId` (a lookup the reference does not have; its
   * `runs` is the list, as {@linkcode SealedExperiment.runs}).
   *
   * @param runId The run id.
   * @returns The run.
   * @throws {InvalidStateError} When no run has that id.
   */
  runById(runId: number): SealedRun {
    const run = this.runs.find((r) => r.runId === runId);
    if (run === undefined) {
      throw new InvalidStateError(
        `Experiment has no Run ${runId} (runs: ${
          this.runs.map((r) => r.runId).join(", ") || "none"
        })`,
      );
    }
    return run;
  }

  /**
   * The run-parameter table: typed columns, one row per run, missing cells absent.
   *
   * @returns The table.
   */
  runParameters(): RunParametersTable {
    return this.#parameters;
  }

  /**
   * The run-parameter table as a {@linkcode Table}, as Python's
   * `run_parameters_df()`: index `run_id` (every run, ascending), one column
   * per parameter in the same order, pandas' nullable dtypes (`boolean`,
   * `Int64`, `Float64`, `string`); a missing cell is `null`, a NaN parameter
   * `NaN`, an int64 beyond ±(2^53−1) a `bigint`. `toCsv()` writes what
   * `run_parameters_df().to_csv()` writes.
   *
   * @returns The table.
   */
  runParametersDf(): Table {
    return runParametersDataFrame(this.#parameters);
  }

  /**
   * Read every blob (config and all layers), checking size and digest.
   *
   * @param onProgress Called after each blob.
   * @returns Blob and byte counts.
   */
  async verify(onProgress?: VerifyProgress): Promise<{ blobs: number; bytes: number }> {
    // Loaded on first use: the parallel hashing is not part of importing the package.
    const { verifyBlobs } = await import("../../oci/_parallel_verify.ts");
    return await verifyBlobs(
      this.#ctx.target,
      [this.#manifest.config, ...this.#manifest.layers],
      onProgress === undefined ? {} : { onProgress },
    );
  }

  /** Release the underlying storage (file handles). */
  close(): Promise<void> {
    return this.#ctx.target.close();
  }

  /** `await using` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The same text as the reference's `Experiment.__repr__` of a sealed Experiment.
   *
   * @returns The same text as the reference's `Experiment.__repr__` of a sealed Experiment.
   */
  override toString(): string {
    const name = this.imageName === null ? "None" : reprStr(this.imageName);
    return `Experiment(image_name=${name}, state='sealed', open_runs=0)`;
  }

  /**
   * The notebook display: name, status, annotations and one row per run
   * (status, parameters, Solves, Samplings) in the viewer's look (HTML,
   * escaped), and the plain text.
   *
   * @returns The MIME bundle (`text/html`, `text/plain`).
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return experimentDisplay(this);
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
 * Load and validate an Experiment from any target, as the reference does on
 * import: every layer must exist, every index and media type is checked,
 * diagnostics and the run-parameter table are decoded; typed payloads are
 * decoded later, on access. The read room's entry for `openSealedExperiment` and
 * for the write room (commit, fork).
 *
 * @param target The storage target; the Experiment reads from it (see {@linkcode SealedExperiment.storage}).
 * @param manifestDescriptor The manifest's descriptor (from `target.resolve()`).
 * @param manifest The parsed manifest.
 * @param options Load options.
 * @returns The Experiment.
 * @throws {InvalidArtifactError} When the artifact breaks a rule of the format.
 */
export async function loadSealedExperiment(
  target: ReadOnlyTarget,
  manifestDescriptor: Descriptor,
  manifest: ImageManifest,
  options: LoadSealedExperimentOptions,
): Promise<SealedExperiment> {
  checkManifest(manifest);
  const config = parseExperimentConfig(await target.fetch(manifest.config));
  return await build(target, manifestDescriptor, manifest, config, undefined, options);
}

/**
 * What the writer that just stored an Experiment already holds: its config
 * as a record (what {@linkcode parseExperimentConfig} gives on the config
 * blob) and the run-parameter table's bytes.
 */
export interface WrittenExperiment {
  /** The config, as the parser would give it on the stored bytes. */
  readonly config: ExperimentConfig;
  /** The run-parameter table's MessagePack bytes (the blob at `config.runParameters`). */
  readonly tableBytes: Uint8Array;
  /**
   * Whether the writer has just checked that every layer is present in
   * `target` with its size (a Local Registry's `tag` does, under its GC
   * exclusion lock); then they are not checked again.
   */
  readonly layersPresent?: boolean;
}

/**
 * The sealed view of an Experiment the caller has just written into `target`,
 * built from what the writer holds ({@linkcode WrittenExperiment}) instead of
 * fetching, hashing and parsing its config and table again. Every other check
 * of {@linkcode loadSealedExperiment} is made the same way: the manifest's
 * artifact and config media types, the config size limit, the draft rule,
 * every layer present in `target` (unless the writer has just checked it,
 * `layersPresent`), every index and media type of the runs,
 * Solves and Samplings, the table decoded. When no run has anything to read
 * (no diagnostics layer), the run views are built on the first
 * {@linkcode SealedExperiment.runs}, with their checks: the records are
 * the writer's own, each layer index already checked against the manifest
 * (a commit's caller rarely reads 5,000 runs back; built at once they took
 * ~6 MiB of peak RSS). The result is the one
 * {@linkcode loadSealedExperiment} gives on the stored bytes (the writer's
 * differential test compares the two).
 *
 * @param target The storage target the Experiment was written into.
 * @param manifestDescriptor The manifest's descriptor (with the ref-name annotation).
 * @param manifest The manifest.
 * @param written The config and the table bytes the writer stored.
 * @param options Load options.
 * @returns The Experiment.
 * @throws {InvalidArtifactError} When the artifact breaks a rule of the format.
 */
export async function sealWrittenExperiment(
  target: ReadOnlyTarget,
  manifestDescriptor: Descriptor,
  manifest: ImageManifest,
  written: WrittenExperiment,
  options: LoadSealedExperimentOptions,
): Promise<SealedExperiment> {
  checkManifest(manifest);
  return await build(
    target,
    manifestDescriptor,
    manifest,
    written.config,
    written.tableBytes,
    options,
    { layersPresent: written.layersPresent === true },
  );
}

function checkManifest(manifest: ImageManifest): void {
  if (manifest.artifactType !== ARTIFACT_TYPE_EXPERIMENT) {
    throw new InvalidArtifactError(
      `Experiment artifact type is ${
        manifest.artifactType ?? "(none)"
      }, expected ${ARTIFACT_TYPE_EXPERIMENT}`,
    );
  }
  if (manifest.config.mediaType !== MEDIA_TYPE_EXPERIMENT_CONFIG) {
    throw new InvalidArtifactError(
      `Experiment config media type is ${manifest.config.mediaType}, expected ${MEDIA_TYPE_EXPERIMENT_CONFIG}`,
    );
  }
  if (manifest.config.size > MAX_CONFIG_SIZE) {
    throw new InvalidArtifactError(
      `Experiment config (${manifest.config.digest}) is ${manifest.config.size} bytes, more than the limit of ${MAX_CONFIG_SIZE}`,
    );
  }
}

/**
 * Every run's view when none has a layer to read (no diagnostics) and every
 * check passes: the views {@linkcode loadSealedRun} builds, without its three
 * or more promises a run. `undefined` otherwise, and the caller loads the runs
 * the ordinary way — so a run with diagnostics is read, and an invalid
 * artifact fails with the error the ordinary way reports first.
 */
function runsWithoutRead(
  ctx: ReadContext,
  records: readonly RunRecord[],
  cells: (r: RunRecord, i: number) => Readonly<Record<string, ParameterValue>>,
): SealedRun[] | undefined {
  const runs: SealedRun[] = [];
  try {
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const run = sealedRunWithoutRead(ctx, r, cells(r, i));
      if (run === undefined) return undefined;
      runs.push(run);
    }
  } catch {
    return undefined;
  }
  return runs;
}

/**
 * Run `runId`'s frozen cells in `table`: the row at `i` when the runs are in
 * the table's (ascending) order, as the config's are; a search otherwise.
 */
function rowCells(
  table: RunParametersTable,
  runId: number,
  i: number,
): Readonly<Record<string, ParameterValue>> {
  const row = table.rows[i];
  if (row?.runId === runId) return row.values;
  return table.rows.find((x) => x.runId === runId)?.values ?? {};
}

/** Every layer present with its size, or the error naming those that are not. */
async function checkLayersPresent(
  target: ReadOnlyTarget,
  layers: readonly Descriptor[],
): Promise<void> {
  const missing: string[] = [];
  // One call for an indexed store; bounded per-blob checks otherwise (thousands of layers).
  const present = await existsEach(target, layers);
  present.forEach((ok, i) => {
    const d = layers[i]!;
    if (!ok) missing.push(`layer ${i} (${d.digest}, ${d.size} bytes)`);
  });
  if (missing.length > 0) {
    throw new InvalidArtifactError(
      `Missing or truncated blobs in ${target.location}: ${missing.join(", ")}`,
    );
  }
}

/**
 * The checks and views after the config: `tableBytes` given, the table is not
 * fetched; `written` (the writer's own records) as {@linkcode sealWrittenExperiment} says.
 */
async function build(
  target: ReadOnlyTarget,
  manifestDescriptor: Descriptor,
  manifest: ImageManifest,
  config: ExperimentConfig,
  tableBytes: Uint8Array | undefined,
  options: LoadSealedExperimentOptions,
  written?: { readonly layersPresent: boolean },
): Promise<SealedExperiment> {
  if (config.status === "draft" && !options.allowDraft) {
    throw new InvalidArtifactError(
      "Experiment config status is draft, expected finished or failed or interrupted (pass allowDraft to read checkpoints)",
    );
  }
  if (written?.layersPresent !== true) await checkLayersPresent(target, manifest.layers);
  const ctx: ReadContext = {
    target,
    layers: manifest.layers,
    codecs: options.codecs,
    maxDecompressedBytes: options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
  };
  const attachments = new AttachmentNamespace(ctx, config.attachments, "experiment");

  const paramLayer = layerAt(ctx, config.runParameters, "run-parameter table");
  if (paramLayer.mediaType !== MEDIA_TYPE_RUN_PARAMETERS) {
    throw new InvalidArtifactError(
      `Run-parameter descriptor media type is ${paramLayer.mediaType}, expected ${MEDIA_TYPE_RUN_PARAMETERS}`,
    );
  }
  let table;
  try {
    // Bytes in hand within the size cap are used as they are; otherwise the fetch (and its cap error).
    table = decodeRunParameterTable(
      tableBytes !== undefined && paramLayer.size <= ctx.maxDecompressedBytes
        ? tableBytes
        : await fetchPayload(ctx, paramLayer, "run-parameter table"),
    );
  } catch (cause) {
    throw new InvalidArtifactError(
      `Invalid run-parameter table: ${(cause as Error).message}`,
      { cause },
    );
  }
  const parameters = runParametersView(table, config.runs.map((r) => r.runId));
  // Each run's view shares its frozen row of the table (no copy a run).
  const cells = (r: RunRecord, i: number) => rowCells(parameters, r.runId, i);
  // The writer's own records: their views are built on first use when nothing is to be read.
  const runs = written !== undefined && config.runs.every(nothingToRead)
    ? () => config.runs.map((r, i) => sealedRunWithoutRead(ctx, r, cells(r, i))!)
    : runsWithoutRead(ctx, config.runs, cells) ??
      await Promise.all(config.runs.map((r, i) => loadSealedRun(ctx, r, cells(r, i))));
  const imageName = options.imageName ??
    manifestDescriptor.annotations?.[ANNOTATION_REF_NAME] ?? null;
  return construct({
    ctx,
    manifestDescriptor,
    manifest,
    config,
    attachments,
    runs,
    parameters,
    imageName,
  });
}
