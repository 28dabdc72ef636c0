/**
 * `Artifact`: a generic OMMX artifact (`application/org.ommx.v1.artifact`,
 * with the OCI empty config or the legacy v1 config): a list of typed layers.
 *
 * @module
 */
import {
  BlobNotFoundError,
  InvalidArgumentError,
  InvalidArtifactError,
  MediaTypeMismatchError,
} from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { validateDigest } from "../../oci/digest.ts";
import { ANNOTATION_REF_NAME } from "../../oci/media_types.ts";
import type { ImageManifest } from "../../oci/manifest.ts";
import { existsEach, type ReadOnlyTarget } from "../../oci/storage.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  ARTIFACT_TYPE_GENERIC,
  MEDIA_TYPE_JSON,
  OMMX_MEDIA_TYPES,
  type OmmxPayloadKind,
} from "../../../codecs/media_types.ts";
import type {
  Instance,
  ParametricInstance,
  SampleSet,
  Solution,
} from "../../../codecs/ommx/mod.ts";
import { DEFAULT_MAX_DECOMPRESSED_BYTES, fetchPayload, type ReadContext } from "./_read_context.ts";
import type { SealedExperiment } from "./sealed_experiment.ts";
import { decodeLayer, decodeTyped, type TypedPayloads } from "./_typed.ts";

/** Options for loading a generic artifact. */
export interface LoadArtifactOptions {
  /** Codec registry for typed decoding. */
  codecs: CodecRegistry;
  /** The image name to report; default: the ref-name annotation. */
  imageName?: string;
}

let construct: (
  ctx: ReadContext,
  manifestDescriptor: Descriptor,
  manifest: ImageManifest,
  imageName: string | null,
) => Artifact;

/** A generic OMMX artifact: manifest annotations and typed layers. Open one with `openArtifact`. */
export class Artifact implements AsyncDisposable {
  readonly #ctx: ReadContext;
  readonly #manifestDescriptor: Descriptor;
  readonly #manifest: ImageManifest;
  readonly #imageName: string | null;

  private constructor(
    ctx: ReadContext,
    manifestDescriptor: Descriptor,
    manifest: ImageManifest,
    imageName: string | null,
  ) {
    this.#ctx = ctx;
    this.#manifestDescriptor = manifestDescriptor;
    this.#manifest = manifest;
    this.#imageName = imageName;
  }

  static {
    construct = (...args) => new Artifact(...args);
  }

  /** The image reference, or `null` when the archive names none. */
  get imageName(): string | null {
    return this.#imageName;
  }

  /** The manifest digest. */
  get manifestDigest(): string {
    return this.#manifestDescriptor.digest;
  }

  /** The manifest descriptor (with the ref-name annotation when the artifact has a name). */
  get manifestDescriptor(): Descriptor {
    return this.#manifestDescriptor;
  }

  /**
   * The storage the artifact was opened from or committed into: what
   * `saveArtifact` and `pushArtifact` copy its blobs from.
   */
  get storage(): ReadOnlyTarget {
    return this.#ctx.target;
  }

  /** The manifest's `artifactType`. */
  get artifactType(): string | undefined {
    return this.#manifest.artifactType;
  }

  /** Manifest annotations. */
  get annotations(): Readonly<Record<string, string>> {
    return this.#manifest.annotations ?? {};
  }

  /** The config descriptor. */
  get config(): Descriptor {
    return this.#manifest.config;
  }

  /** The layer descriptors in manifest order. */
  get layers(): readonly Descriptor[] {
    return this.#manifest.layers;
  }

  /** The parsed manifest. */
  get manifest(): ImageManifest {
    return this.#manifest;
  }

  #own(descriptor: Descriptor): Descriptor {
    const d = this.#manifest.layers.find((l) =>
      l.digest === descriptor.digest && l.mediaType === descriptor.mediaType
    );
    if (d === undefined) {
      throw new InvalidArgumentError(
        `Descriptor ${descriptor.digest} (${descriptor.mediaType}) is not a layer of this artifact`,
      );
    }
    return d;
  }

  /**
   * Read a layer's verified bytes.
   *
   * @param descriptor One of {@linkcode Artifact.layers}.
   * @returns The bytes.
   */
  async getBlob(descriptor: Descriptor): Promise<Uint8Array> {
    return await fetchPayload(this.#ctx, this.#own(descriptor), "layer");
  }

  /**
   * Decode a layer through the codec registry (raw bytes for unknown media types).
   *
   * @param descriptor One of {@linkcode Artifact.layers}.
   * @returns The decoded value.
   */
  async getLayer(descriptor: Descriptor): Promise<unknown> {
    const d = this.#own(descriptor);
    return decodeLayer(
      this.#ctx,
      d.mediaType,
      await fetchPayload(this.#ctx, d, "layer"),
      d.annotations ?? {},
    );
  }

  async #typed<K extends OmmxPayloadKind>(
    kind: K,
    descriptor: Descriptor | undefined,
  ): Promise<TypedPayloads[K]> {
    const accepted = OMMX_MEDIA_TYPES[kind];
    let d: Descriptor | undefined;
    if (descriptor === undefined) {
      d = this.#manifest.layers.find((l) => accepted.includes(l.mediaType));
      if (d === undefined) {
        throw new InvalidArgumentError(
          `Artifact has no ${kind} layer (looked for ${accepted.join(" or ")})`,
        );
      }
    } else {
      d = this.#own(descriptor);
      if (!accepted.includes(d.mediaType)) {
        throw new MediaTypeMismatchError(accepted.join(" or "), d.mediaType);
      }
    }
    return decodeTyped(
      this.#ctx,
      kind,
      d.mediaType,
      await fetchPayload(this.#ctx, d, `${kind} layer`),
      d.annotations ?? {},
    );
  }

  /**
   * The layer with this digest (Python `get_layer_descriptor`).
   *
   * @param digest A `sha256:` digest.
   * @returns The layer descriptor.
   * @throws {InvalidDigestError} When the digest is malformed.
   * @throws {BlobNotFoundError} When no layer has it.
   */
  getLayerDescriptor(digest: string): Descriptor {
    validateDigest(digest);
    const d = this.#manifest.layers.find((l) => l.digest === digest);
    if (d === undefined) throw new BlobNotFoundError(digest, "the artifact's layers");
    return d;
  }

  /**
   * An Instance layer, decoded (Python `get_instance`): the given layer, or
   * the first Instance layer.
   *
   * @param descriptor One of {@linkcode Artifact.layers}; default the first Instance layer.
   * @returns The Instance, with the layer annotations merged.
   * @throws {InvalidArgumentError} When there is no Instance layer, or the descriptor is not a layer.
   * @throws {MediaTypeMismatchError} When the descriptor's layer is not an Instance.
   */
  getInstance(descriptor?: Descriptor): Promise<Instance> {
    return this.#typed("instance", descriptor);
  }

  /**
   * A ParametricInstance layer, decoded (Python `get_parametric_instance`).
   *
   * @param descriptor One of {@linkcode Artifact.layers}; default the first ParametricInstance layer.
   * @returns The ParametricInstance.
   */
  getParametricInstance(descriptor?: Descriptor): Promise<ParametricInstance> {
    return this.#typed("parametric_instance", descriptor);
  }

  /**
   * A Solution layer, decoded (Python `get_solution`).
   *
   * @param descriptor One of {@linkcode Artifact.layers}; default the first Solution layer.
   * @returns The Solution.
   */
  getSolution(descriptor?: Descriptor): Promise<Solution> {
    return this.#typed("solution", descriptor);
  }

  /**
   * A SampleSet layer, decoded (Python `get_sample_set`).
   *
   * @param descriptor One of {@linkcode Artifact.layers}; default the first SampleSet layer.
   * @returns The SampleSet.
   */
  getSampleSet(descriptor?: Descriptor): Promise<SampleSet> {
    return this.#typed("sample_set", descriptor);
  }

  /**
   * The first Instance layer (Python property `instance`; a promise here,
   * since reading is I/O: `await artifact.instance`).
   *
   * @returns The first Instance layer, decoded.
   */
  get instance(): Promise<Instance> {
    return this.getInstance();
  }

  /**
   * The first ParametricInstance layer (Python property `parametric_instance`).
   *
   * @returns The first ParametricInstance layer, decoded.
   */
  get parametricInstance(): Promise<ParametricInstance> {
    return this.getParametricInstance();
  }

  /**
   * The first Solution layer (Python property `solution`).
   *
   * @returns The first Solution layer, decoded.
   */
  get solution(): Promise<Solution> {
    return this.getSolution();
  }

  /**
   * The first SampleSet layer (Python property `sample_set`).
   *
   * @returns The first SampleSet layer, decoded.
   */
  get sampleSet(): Promise<SampleSet> {
    return this.getSampleSet();
  }

  /**
   * A JSON layer (`application/json`), parsed as Python's `json.loads` does
   * (Python `get_json`).
   *
   * @param descriptor One of {@linkcode Artifact.layers}.
   * @returns The value.
   * @throws {MediaTypeMismatchError} When the layer is not `application/json`.
   */
  async getJson(descriptor: Descriptor): Promise<unknown> {
    const d = this.#own(descriptor);
    if (d.mediaType !== MEDIA_TYPE_JSON) {
      throw new MediaTypeMismatchError(MEDIA_TYPE_JSON, d.mediaType);
    }
    return await this.#ctx.codecs.decode(
      MEDIA_TYPE_JSON,
      await fetchPayload(this.#ctx, d, "layer"),
    );
  }

  /** Release the underlying storage. */
  close(): Promise<void> {
    return this.#ctx.target.close();
  }

  /** `await using` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * A summary.
   *
   * @returns A summary.
   */
  toString(): string {
    return `Artifact(image_name=${JSON.stringify(this.imageName)}, layers=${this.layers.length})`;
  }
}

/**
 * Load a generic (or Experiment) artifact: checks the artifact type and that
 * every layer exists with its size.
 *
 * @param target The storage target.
 * @param manifestDescriptor The manifest descriptor.
 * @param manifest The parsed manifest.
 * @param options Load options.
 * @returns The artifact.
 * @throws {InvalidArtifactError} When the artifact type is not OMMX's or a layer is missing.
 */
export async function loadArtifact(
  target: ReadOnlyTarget,
  manifestDescriptor: Descriptor,
  manifest: ImageManifest,
  options: LoadArtifactOptions,
): Promise<Artifact> {
  const type = manifest.artifactType;
  if (type !== ARTIFACT_TYPE_GENERIC && type !== ARTIFACT_TYPE_EXPERIMENT) {
    throw new InvalidArtifactError(
      `Not an OMMX artifact: artifactType is ${
        type ?? "(none)"
      }, expected ${ARTIFACT_TYPE_GENERIC} or ${ARTIFACT_TYPE_EXPERIMENT}`,
    );
  }
  const missing = (await existsEach(target, manifest.layers)).indexOf(false);
  if (missing >= 0) {
    const d = manifest.layers[missing]!;
    throw new InvalidArtifactError(
      `Layer ${missing} (${d.digest}, ${d.size} bytes) is missing from ${target.location}`,
    );
  }
  return artifactOver(target, manifestDescriptor, manifest, options);
}

/**
 * The generic-artifact view of a sealed Experiment: the same storage, manifest
 * and layers. Its layers are not asked of the storage again — a
 * {@linkcode SealedExperiment} exists only once its loader found every one of
 * them there.
 *
 * @example
 * ```ts
 * import { artifactOfSealedExperiment, openSealedExperiment } from "./mod.ts";
 * import { defaultCodecs } from "../../../codecs/mod.ts";
 * import { createExperimentBuilder, experimentArchiveBytes } from "../write/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const builder = createExperimentBuilder({ imageName: "example.com/demo/view:v1" });
 * await builder.withRun((run) => run.logParameter("seed", 7));
 * await using sealed = await openSealedExperiment(await experimentArchiveBytes(await builder.commit()));
 * const artifact = artifactOfSealedExperiment(sealed, { codecs: defaultCodecs });
 * assert.equal(artifact.imageName, "example.com/demo/view:v1");
 * ```
 *
 * @param sealed The sealed Experiment.
 * @param options Codecs, and the image name to report (default: the ref-name annotation).
 * @returns The artifact view.
 */
export function artifactOfSealedExperiment(
  sealed: SealedExperiment,
  options: LoadArtifactOptions,
): Artifact {
  return artifactOver(sealed.storage, sealed.manifestDescriptor, sealed.manifest, options);
}

function artifactOver(
  target: ReadOnlyTarget,
  manifestDescriptor: Descriptor,
  manifest: ImageManifest,
  options: LoadArtifactOptions,
): Artifact {
  const ctx: ReadContext = {
    target,
    layers: manifest.layers,
    codecs: options.codecs,
    maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
  };
  const imageName = options.imageName ??
    manifestDescriptor.annotations?.[ANNOTATION_REF_NAME] ?? null;
  return construct(ctx, manifestDescriptor, manifest, imageName);
}
