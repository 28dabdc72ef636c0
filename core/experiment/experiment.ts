/**
 * `Experiment`: the sealed, read-only view of an Experiment artifact (spec §7).
 *
 * @module
 */
import { InvalidArtifactError, InvalidStateError } from "../errors.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import type { ImageManifest } from "../oci/manifest.ts";
import type { ReadOnlyTarget } from "../oci/storage.ts";
import type { AttachmentCodec } from "../../codecs/codec.ts";
import type { CodecRegistry } from "../../codecs/registry.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  MEDIA_TYPE_EXPERIMENT_CONFIG,
  MEDIA_TYPE_RUN_PARAMETERS,
} from "../../codecs/media_types.ts";
import { decodeRunParameterTable } from "../../codecs/msgpack/mod.ts";
import type { Instance, ParametricInstance, SampleSet, Solution } from "../../codecs/ommx/mod.ts";
import { type ExperimentConfig, type ExperimentStatus, parseExperimentConfig } from "./config.ts";
import { DEFAULT_MAX_DECOMPRESSED_BYTES, type ReadContext } from "./read_context.ts";
import { type AttachmentInfo, AttachmentNamespace, layerAt } from "./attachments.ts";
import { SealedRun } from "./sealed_run.ts";
import { registerExperimentTarget } from "./experiment_source.ts";
import { pyRepr } from "./py_repr.ts";
import {
  type ParameterValue,
  type RunParametersTable,
  runParametersView,
} from "./run_parameters.ts";

/** Options for loading an Experiment from a target. */
export interface LoadExperimentOptions {
  /** Codec registry for typed decoding. */
  codecs: CodecRegistry;
  /** Accept `draft` checkpoints (the reference refuses them on load). Default `false`. */
  allowDraft?: boolean;
  /** Cap on decompressed attachment size in bytes. Default 1 GiB. */
  maxDecompressedBytes?: number;
  /** The image name to report; default: the manifest descriptor's ref-name annotation. */
  imageName?: string;
}

/** Progress callback of {@linkcode Experiment.verify}. */
export type VerifyProgress = (done: { bytes: number; totalBytes: number; blobs: number }) => void;

/** The sealed, read-only view of an Experiment. */
export class Experiment implements AsyncDisposable {
  readonly #ctx: ReadContext;
  readonly #manifestDescriptor: Descriptor;
  readonly #manifest: ImageManifest;
  readonly #config: ExperimentConfig;
  readonly #attachments: AttachmentNamespace;
  readonly #runs: readonly SealedRun[];
  readonly #parameters: RunParametersTable;
  readonly #imageName: string | null;

  private constructor(
    ctx: ReadContext,
    manifestDescriptor: Descriptor,
    manifest: ImageManifest,
    config: ExperimentConfig,
    attachments: AttachmentNamespace,
    runs: SealedRun[],
    parameters: RunParametersTable,
    imageName: string | null,
  ) {
    this.#ctx = ctx;
    this.#manifestDescriptor = manifestDescriptor;
    this.#manifest = manifest;
    this.#config = config;
    this.#attachments = attachments;
    this.#runs = Object.freeze(runs);
    this.#parameters = parameters;
    this.#imageName = imageName;
  }

  /**
   * Load and validate an Experiment from any target, as the reference does on
   * import (spec §7.1): every layer must exist, every index and media type is
   * checked, diagnostics and the run-parameter table are decoded; typed
   * payloads are decoded later, on access.
   *
   * @param target The storage target.
   * @param manifestDescriptor The manifest's descriptor (from `target.resolve()`).
   * @param manifest The parsed manifest.
   * @param options Load options.
   * @returns The Experiment.
   */
  static async load(
    target: ReadOnlyTarget,
    manifestDescriptor: Descriptor,
    manifest: ImageManifest,
    options: LoadExperimentOptions,
  ): Promise<Experiment> {
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
    const config = parseExperimentConfig(await target.fetch(manifest.config));
    if (config.status === "draft" && !options.allowDraft) {
      throw new InvalidArtifactError(
        "Experiment config status is draft, expected finished or failed or interrupted (pass allowDraft to read checkpoints)",
      );
    }
    const missing: string[] = [];
    await Promise.all(manifest.layers.map(async (d, i) => {
      if (!(await target.exists(d))) missing.push(`layer ${i} (${d.digest}, ${d.size} bytes)`);
    }));
    if (missing.length > 0) {
      throw new InvalidArtifactError(
        `Missing or truncated blobs in ${target.location}: ${missing.join(", ")}`,
      );
    }
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
      table = decodeRunParameterTable(await target.fetch(paramLayer));
    } catch (cause) {
      throw new InvalidArtifactError(
        `Invalid run-parameter table: ${(cause as Error).message}`,
        { cause },
      );
    }
    const parameters = runParametersView(table, config.runs.map((r) => r.runId));
    const cells = new Map(parameters.rows.map((r) => [r.runId, r.values]));
    const runs = await Promise.all(
      config.runs.map((r) => SealedRun.load(ctx, r, { ...cells.get(r.runId) })),
    );
    const imageName = options.imageName ??
      manifestDescriptor.annotations?.["org.opencontainers.image.ref.name"] ?? null;
    const experiment = new Experiment(
      ctx,
      manifestDescriptor,
      manifest,
      config,
      attachments,
      runs,
      parameters,
      imageName,
    );
    // The write side (save, fork) reaches the blobs of any loaded Experiment through this.
    registerExperimentTarget(experiment, target);
    return experiment;
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

  /** Experiment-level attachment names, ascending. */
  get attachmentNames(): string[] {
    return this.#attachments.names;
  }

  /** Runs in ascending run id. */
  get runs(): readonly SealedRun[] {
    return this.#runs;
  }

  /**
   * The run with `runId`.
   *
   * @param runId The run id.
   * @returns The run.
   */
  run(runId: number): SealedRun {
    const run = this.#runs.find((r) => r.runId === runId);
    if (run === undefined) {
      throw new InvalidStateError(
        `Experiment has no Run ${runId} (runs: ${
          this.#runs.map((r) => r.runId).join(", ") || "none"
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
   * Read every blob (config and all layers), checking size and digest.
   *
   * @param onProgress Called after each blob.
   * @returns Blob and byte counts.
   */
  async verify(onProgress?: VerifyProgress): Promise<{ blobs: number; bytes: number }> {
    const all = [this.#manifest.config, ...this.#manifest.layers];
    const seen = new Set<string>();
    const unique = all.filter((d) => !seen.has(d.digest) && seen.add(d.digest));
    const totalBytes = unique.reduce((n, d) => n + d.size, 0);
    let bytes = 0;
    let blobs = 0;
    for (const d of unique) {
      const reader = this.#ctx.target.fetchStream(d).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
      }
      blobs++;
      onProgress?.({ bytes, totalBytes, blobs });
    }
    return { blobs, bytes };
  }

  /**
   * Everything known about an attachment without reading it.
   *
   * @param name The attachment name.
   * @returns The info.
   */
  attachmentInfo(name: string): AttachmentInfo {
    return this.#attachments.info(name);
  }

  /**
   * Logical media type of an experiment attachment.
   *
   * @param name The attachment name.
   * @returns The media type.
   */
  attachmentMediaType(name: string): string {
    return this.#attachments.info(name).mediaType;
  }

  /**
   * Read an attachment decoded by its media type (bytes for unknown types).
   *
   * @param name The attachment name.
   * @returns The value.
   */
  getAttachment(name: string): Promise<unknown> {
    return this.#attachments.getAttachment(name);
  }

  /**
   * Read an attachment's (decompressed) bytes.
   *
   * @param name The attachment name.
   * @returns The bytes.
   */
  getBlob(name: string): Promise<Uint8Array> {
    return this.#attachments.getBlob(name);
  }

  /**
   * Read a JSON attachment.
   *
   * @param name The attachment name.
   * @returns The value.
   */
  getJson(name: string): Promise<unknown> {
    return this.#attachments.getJson(name);
  }

  /**
   * Read an Instance attachment.
   *
   * @param name The attachment name.
   * @returns The Instance.
   */
  getInstance(name: string): Promise<Instance> {
    return this.#attachments.getTyped("instance", name);
  }

  /**
   * Read a ParametricInstance attachment.
   *
   * @param name The attachment name.
   * @returns The ParametricInstance.
   */
  getParametricInstance(name: string): Promise<ParametricInstance> {
    return this.#attachments.getTyped("parametric_instance", name);
  }

  /**
   * Read a Solution attachment.
   *
   * @param name The attachment name.
   * @returns The Solution.
   */
  getSolution(name: string): Promise<Solution> {
    return this.#attachments.getTyped("solution", name);
  }

  /**
   * Read a SampleSet attachment.
   *
   * @param name The attachment name.
   * @returns The SampleSet.
   */
  getSampleSet(name: string): Promise<SampleSet> {
    return this.#attachments.getTyped("sample_set", name);
  }

  /**
   * Decode an attachment with a codec after an exact media-type check.
   *
   * @param codec The codec.
   * @param name The attachment name.
   * @returns The decoded value.
   */
  getWithCodec<T>(codec: AttachmentCodec<T>, name: string): Promise<T> {
    return this.#attachments.getWithCodec(codec, name);
  }

  /**
   * Write an attachment to a file (into a directory under its stored filename).
   *
   * @param name The attachment name.
   * @param path A directory or file path.
   * @param options `overwrite: true` to replace an existing file.
   * @returns The path written.
   */
  writeAttachment(
    name: string,
    path: string | URL,
    options: { overwrite?: boolean } = {},
  ): Promise<string> {
    return this.#attachments.writeAttachment(name, path, options);
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
  toString(): string {
    const name = this.imageName === null ? "None" : pyRepr(this.imageName);
    return `Experiment(image_name=${name}, state='sealed', open_runs=0)`;
  }

  /** Deno's `console.log` rendering. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

export type { ParameterValue };
