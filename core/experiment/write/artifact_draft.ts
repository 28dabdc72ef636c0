/**
 * `ArtifactDraft`: build a plain OMMX artifact (`application/org.ommx.v1.artifact`)
 * — Instances, ParametricInstances, Solutions, SampleSets, JSON and any bytes
 * as layers, with annotations — and commit it into the OMMX Local Registry,
 * as the Python SDK's `ommx.artifact.ArtifactDraft` does. The manifest is the
 * SDK's byte for byte: the OCI empty config, layers in the order added (each
 * with its `annotations`, `{}` when none), the manifest annotations, keys
 * sorted, no `mediaType` field. Save the committed {@linkcode Artifact} as a
 * `.ommx` archive with `saveArtifact`, publish it with `pushArtifact`; the
 * Python `Artifact` API reads either.
 *
 * @example Publish an Instance with a JSON layer, read it back
 * ```ts
 * import { ArtifactDraft } from "./artifact_draft.ts";
 * import { MemoryTarget } from "../../oci/backends/memory.ts";
 * import assert from "node:assert/strict";
 *
 * const draft = ArtifactDraft.new("example.com/demo/data:v1", { store: new MemoryTarget() });
 * const d = await draft.addJson({ rows: 3 }, { title: "meta" });
 * assert.deepEqual(d.annotations, { "org.ommx.user.title": "meta" });
 * draft.addAnnotation("org.opencontainers.image.description", "demo");
 * await using artifact = await draft.commit();
 * assert.equal(artifact.imageName, "example.com/demo/data:v1");
 * assert.deepEqual(await artifact.getJson(artifact.layers[0]!), { rows: 3 });
 * ```
 *
 * @module
 */
import { InvalidArgumentError, InvalidStateError } from "../../errors.ts";
import { type Descriptor, EMPTY_JSON_DESCRIPTOR } from "../../oci/descriptor.ts";
import { payloadDigestOf } from "../../oci/_payload_hash.ts";
import { encodeManifest, type ImageManifest } from "../../oci/manifest.ts";
import { ANNOTATION_REF_NAME, MEDIA_TYPE_IMAGE_MANIFEST } from "../../oci/media_types.ts";
import { canonicalizeReference } from "../../oci/reference.ts";
import type { Target } from "../../oci/storage.ts";
import type { LocalRegistryTarget } from "../../oci/backends/local_registry.ts";
import { anonymousLocalName } from "../../oci/backends/_local_registry_names.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import { stringifyPythonJson } from "../../../codecs/json/stringify.ts";
import {
  ARTIFACT_TYPE_GENERIC,
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_V2_INSTANCE,
  MEDIA_TYPE_V2_PARAMETRIC_INSTANCE,
  MEDIA_TYPE_V2_SAMPLE_SET,
  MEDIA_TYPE_V2_SOLUTION,
} from "../../../codecs/media_types.ts";
import { type Artifact, loadArtifact } from "../read/artifact.ts";
import type { InstanceLike, ResultLike } from "./payload_like.ts";
import { instanceAnnotations, resultAnnotations } from "./_layer_annotations.ts";
import { type LayerDescriptor, stageBytes } from "./_staging.ts";

/** Where a draft's blobs go (every factory of {@linkcode ArtifactDraft} takes these). */
export interface ArtifactDraftOptions {
  /**
   * Registry root of the OMMX Local Registry the draft commits into (created
   * when absent, as the SDK does); default: `OMMX_LOCAL_REGISTRY_ROOT`, else
   * the SDK's data directory.
   */
  root?: string;
  /**
   * Commit into this store instead of the Local Registry (a `MemoryTarget`,
   * a layout directory, …; needed where there is no file system). The
   * committed artifact reads from it.
   */
  store?: Target;
  /** Codecs of the committed artifact's typed getters; default every built-in codec. */
  codecs?: CodecRegistry;
}

/** Options of {@linkcode ArtifactDraft.addJson} (Python `add_json(obj, *, annotation_namespace, **annotations)`). */
export interface AddJsonOptions {
  /** Prefix of the annotation keys; a `.` is appended when missing. Default `org.ommx.user.`. */
  annotationNamespace?: string;
}

const RESERVED_PREFIX = "org.ommx.v1.";
const EMPTY_CONFIG_BYTES = new TextEncoder().encode("{}");

function randomUuid(): string {
  return crypto.randomUUID();
}

let construct: (imageName: string | null, options: ArtifactDraftOptions) => ArtifactDraft;

/**
 * A mutable draft of a plain OMMX artifact (Python `ArtifactDraft`). Create
 * one with {@linkcode ArtifactDraft.new}, {@linkcode ArtifactDraft.newAnonymous},
 * {@linkcode ArtifactDraft.temp} or {@linkcode ArtifactDraft.forGithub}; add
 * layers and annotations; {@linkcode ArtifactDraft.commit} once. Each layer
 * blob is stored as it is added (in the Local Registry unless a `store` was
 * given), as the SDK does.
 */
export class ArtifactDraft implements AsyncDisposable {
  #imageName: string | null;
  readonly #options: ArtifactDraftOptions;
  #store: Target | undefined;
  #ownsStore = false;
  readonly #layers: LayerDescriptor[] = [];
  readonly #annotations = new Map<string, string>();
  #state: "open" | "committing" | "committed" | "closed" = "open";

  private constructor(imageName: string | null, options: ArtifactDraftOptions) {
    this.#imageName = imageName;
    this.#options = options;
    this.#store = options.store;
  }

  static {
    construct = (imageName, options) => new ArtifactDraft(imageName, options);
  }

  /**
   * A draft committed under `imageName` (Python `ArtifactDraft.new`).
   *
   * @param imageName The image name, canonicalised as the SDK does.
   * @param options Registry root, or another store.
   * @returns The draft.
   * @throws {InvalidReferenceError} When the name does not parse.
   */
  // The Python name (`ArtifactDraft.new`); a static method, not a constructor signature.
  // deno-lint-ignore no-misused-new
  static new(imageName: string, options: ArtifactDraftOptions = {}): ArtifactDraft {
    return construct(canonicalizeReference(imageName), options);
  }

  /**
   * A draft under a synthesised name `<id8>.ommx.local/anonymous:<local
   * YYYYMMDDTHHMMSS>-<nonce12>`, `<id8>` from the Local Registry's id (written
   * into the registry when it has none, as the SDK does) — Python
   * `ArtifactDraft.new_anonymous`. `pruneAnonymous` removes such names. With
   * a `store`, `<id8>` is random.
   *
   * @param options Registry root, or another store.
   * @returns The draft; read the name from {@linkcode ArtifactDraft.imageName}.
   */
  static async newAnonymous(options: ArtifactDraftOptions = {}): Promise<ArtifactDraft> {
    const draft = construct(null, options);
    let registryId: string;
    if (options.store !== undefined) {
      registryId = randomUuid().replaceAll("-", "");
    } else {
      const registry = await draft.#openStore() as LocalRegistryTarget;
      registryId = (await registry.registryId({ create: true }))!;
    }
    draft.#imageName = anonymousLocalName(registryId, "anonymous");
    return draft;
  }

  /**
   * A draft under a random `ttl.sh/<uuid>:1h` name, for tests (Python
   * `ArtifactDraft.temp`; ttl.sh is a public registry that forgets images
   * after an hour).
   *
   * @param options Registry root, or another store.
   * @returns The draft.
   */
  static temp(options: ArtifactDraftOptions = {}): ArtifactDraft {
    return construct(`ttl.sh/${randomUuid()}:1h`, options);
  }

  /**
   * A draft named `ghcr.io/<org>/<repo>/<name>:<tag>` (lowercased except the
   * tag) with the `org.opencontainers.image.source` annotation
   * `https://github.com/<org>/<repo>` (Python `ArtifactDraft.for_github`).
   *
   * @param org GitHub organisation or user.
   * @param repo Repository.
   * @param name Image name inside the repository.
   * @param tag Tag.
   * @param options Registry root, or another store.
   * @returns The draft.
   */
  static forGithub(
    org: string,
    repo: string,
    name: string,
    tag: string,
    options: ArtifactDraftOptions = {},
  ): ArtifactDraft {
    const draft = ArtifactDraft.new(
      `ghcr.io/${org.toLowerCase()}/${repo.toLowerCase()}/${name.toLowerCase()}:${tag}`,
      options,
    );
    draft.addAnnotation(
      "org.opencontainers.image.source",
      new URL(`https://github.com/${org}/${repo}`).href,
    );
    return draft;
  }

  /** The image name the draft commits under. */
  get imageName(): string {
    return this.#imageName!;
  }

  async #openStore(): Promise<Target> {
    if (this.#store !== undefined) return this.#store;
    const { openLocalRegistry } = await import("../../oci/backends/local_registry.ts");
    const registry = await openLocalRegistry({
      writable: true,
      create: true,
      ...(this.#options.root === undefined ? {} : { root: this.#options.root }),
    });
    if (this.#store !== undefined) {
      await registry.close();
      return this.#store;
    }
    this.#store = registry;
    this.#ownsStore = true;
    return registry;
  }

  #assertOpen(what: string): void {
    if (this.#state !== "open") {
      throw new InvalidStateError(`ArtifactDraft.${what}: the draft was already ${this.#state}`);
    }
  }

  async #add(
    what: string,
    mediaType: string,
    bytes: Uint8Array,
    annotations: Readonly<Record<string, string>>,
  ): Promise<Descriptor> {
    this.#assertOpen(what);
    const store = await this.#openStore();
    const d = await stageBytes(store, mediaType, bytes, annotations);
    this.#assertOpen(what);
    this.#layers.push(d);
    return { ...d, annotations: { ...d.annotations } };
  }

  /**
   * Add an Instance layer (`application/org.ommx.v2.instance`) annotated
   * with its title, counts and extension annotations (Python `add_instance`).
   *
   * @param instance An `Instance` (or anything with its bytes and counts).
   * @returns The layer descriptor.
   */
  addInstance(instance: InstanceLike): Promise<Descriptor> {
    return this.#add(
      "addInstance",
      MEDIA_TYPE_V2_INSTANCE,
      instance.toBytes(),
      instanceAnnotations(instance, "instance"),
    );
  }

  /**
   * Add a ParametricInstance layer (Python `add_parametric_instance`).
   *
   * @param instance A `ParametricInstance`.
   * @returns The layer descriptor.
   */
  addParametricInstance(instance: InstanceLike): Promise<Descriptor> {
    return this.#add(
      "addParametricInstance",
      MEDIA_TYPE_V2_PARAMETRIC_INSTANCE,
      instance.toBytes(),
      instanceAnnotations(instance, "parametric-instance"),
    );
  }

  /**
   * Add a Solution layer (Python `add_solution`).
   *
   * @param solution A `Solution`.
   * @returns The layer descriptor.
   */
  addSolution(solution: ResultLike): Promise<Descriptor> {
    return this.#add(
      "addSolution",
      MEDIA_TYPE_V2_SOLUTION,
      solution.toBytes(),
      resultAnnotations(solution, "solution"),
    );
  }

  /**
   * Add a SampleSet layer (Python `add_sample_set`).
   *
   * @param sampleSet A `SampleSet`.
   * @returns The layer descriptor.
   */
  addSampleSet(sampleSet: ResultLike): Promise<Descriptor> {
    return this.#add(
      "addSampleSet",
      MEDIA_TYPE_V2_SAMPLE_SET,
      sampleSet.toBytes(),
      resultAnnotations(sampleSet, "sample-set"),
    );
  }

  /**
   * Add a JSON layer (`application/json`) written as Python's
   * `json.dumps(value)` writes it (Python `add_json(obj, **annotations)`;
   * Python's keyword arguments are the `annotations` object here). Each
   * annotation key is prefixed with the namespace; keys under
   * `org.ommx.v1.` are refused, as by the SDK.
   *
   * @param value A JSON value (`pyFloat` keeps `1.0` a float).
   * @param annotations Annotation names (without namespace) and values.
   * @param options `annotationNamespace` (default `org.ommx.user.`).
   * @returns The layer descriptor.
   * @throws {InvalidArgumentError} On a reserved key or a non-string value.
   * @throws {EncodeError} When the value is not JSON.
   */
  addJson(
    value: unknown,
    annotations: Readonly<Record<string, string>> = {},
    options: AddJsonOptions = {},
  ): Promise<Descriptor> {
    try {
      let ns = options.annotationNamespace ?? "org.ommx.user.";
      if (!ns.endsWith(".")) ns += ".";
      const full: Record<string, string> = {};
      for (const [k, v] of Object.entries(annotations)) {
        if (typeof v !== "string") {
          throw new InvalidArgumentError(
            `addJson: annotation ${JSON.stringify(k)} must be a string, got ${typeof v}`,
          );
        }
        const key = `${ns}${k}`;
        if (key.startsWith(RESERVED_PREFIX)) {
          throw new InvalidArgumentError(
            `User annotation key \`${key}\` is reserved for OMMX metadata`,
          );
        }
        full[key] = v;
      }
      const bytes = new TextEncoder().encode(stringifyPythonJson(value));
      return this.#add("addJson", MEDIA_TYPE_JSON, bytes, full);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Add a layer of any media type with its annotations, unchanged (Python
   * `add_layer(media_type, blob, annotations)`).
   *
   * @param mediaType The layer media type.
   * @param blob The bytes.
   * @param annotations Layer annotations.
   * @returns The layer descriptor.
   * @throws {InvalidArgumentError} On an empty media type or non-string annotation values.
   */
  addLayer(
    mediaType: string,
    blob: Uint8Array,
    annotations: Readonly<Record<string, string>> = {},
  ): Promise<Descriptor> {
    if (typeof mediaType !== "string" || mediaType === "") {
      return Promise.reject(new InvalidArgumentError("addLayer: a media type is required"));
    }
    if (!(blob instanceof Uint8Array)) {
      return Promise.reject(new InvalidArgumentError("addLayer: the blob must be a Uint8Array"));
    }
    for (const [k, v] of Object.entries(annotations)) {
      if (typeof v !== "string") {
        return Promise.reject(
          new InvalidArgumentError(`addLayer: annotation ${JSON.stringify(k)} must be a string`),
        );
      }
    }
    return this.#add("addLayer", mediaType, blob, annotations);
  }

  /**
   * Set a manifest annotation (Python `add_annotation`); a later call with
   * the same key replaces the value.
   *
   * @param key The annotation key.
   * @param value The value.
   * @throws {InvalidArgumentError} When either is not a string.
   * @throws {InvalidStateError} After commit.
   */
  addAnnotation(key: string, value: string): void {
    this.#assertOpen("addAnnotation");
    if (typeof key !== "string" || typeof value !== "string") {
      throw new InvalidArgumentError("addAnnotation: key and value must be strings");
    }
    this.#annotations.set(key, value);
  }

  /**
   * Seal the draft (Python `commit`): store the OCI empty config and the
   * manifest, then point the image name at it — in the Local Registry with
   * the SDK's locks; a name already pointing at another manifest is refused
   * and nothing is published under it. A draft commits once; after a failed
   * commit it is closed too (the SDK's commit consumes the draft).
   *
   * @returns The committed artifact, reading from the draft's store (close it when done).
   * @throws {ReferenceConflictError} When the name points at another manifest (code `ALREADY_EXISTS`).
   * @throws {InvalidStateError} When already committed.
   */
  async commit(): Promise<Artifact> {
    this.#assertOpen("commit");
    this.#state = "committing";
    try {
      const store = await this.#openStore();
      await store.push(EMPTY_JSON_DESCRIPTOR, EMPTY_CONFIG_BYTES);
      const manifest: {
        schemaVersion: 2;
        artifactType: string;
        config: Descriptor;
        layers: Descriptor[];
        annotations?: Record<string, string>;
      } = {
        schemaVersion: 2,
        artifactType: ARTIFACT_TYPE_GENERIC,
        config: { ...EMPTY_JSON_DESCRIPTOR },
        layers: this.#layers.map((l) => ({
          mediaType: l.mediaType,
          digest: l.digest,
          size: l.size,
          annotations: { ...l.annotations },
        })),
      };
      if (this.#annotations.size > 0) manifest.annotations = Object.fromEntries(this.#annotations);
      const bytes = encodeManifest(manifest as ImageManifest);
      const bare: Descriptor = {
        mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
        digest: await payloadDigestOf(bytes),
        size: bytes.length,
      };
      await store.push(bare, bytes);
      await store.tag(bare, this.imageName);
      const artifact = await loadArtifact(
        store,
        { ...bare, annotations: { [ANNOTATION_REF_NAME]: this.imageName } },
        manifest as ImageManifest,
        { codecs: this.#options.codecs ?? defaultCodecs, imageName: this.imageName },
      );
      this.#state = "committed";
      this.#ownsStore = false; // the artifact closes it now
      return artifact;
    } catch (e) {
      // As in the SDK, a commit consumes the draft, whether it succeeded or not.
      this.#state = "closed";
      await this.close();
      throw e;
    }
  }

  /**
   * Release the Local Registry connection of a draft that will not be
   * committed (a committed draft's artifact owns it). Idempotent.
   *
   * @returns Nothing.
   */
  async close(): Promise<void> {
    if (this.#state === "open") this.#state = "closed";
    const store = this.#ownsStore ? this.#store : undefined;
    this.#ownsStore = false;
    await store?.close();
  }

  /**
   * Same as {@linkcode ArtifactDraft.close}, for `await using`.
   *
   * @returns Nothing.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
