/**
 * Moving OMMX artifacts in and out of the Local Registry, as the Python
 * SDK's `Artifact.save`, `Artifact.push` and `Artifact.import_archive` do:
 * {@linkcode saveArtifact} writes a `.ommx` archive, {@linkcode pushArtifact}
 * publishes to a remote registry (by default under the artifact's own name),
 * {@linkcode importArchive} copies a `.ommx` archive or OCI layout directory
 * into the Local Registry — an Experiment or any other OMMX artifact. The
 * manifest is copied byte for byte everywhere, so its digest never changes.
 *
 * These are functions rather than `Artifact` methods because the read room's
 * `Artifact` never writes (docs/architecture.md); they take the artifact as
 * their first argument.
 *
 * @example Save a committed draft as an archive the Python SDK imports
 * ```ts
 * import { ArtifactDraft } from "./artifact_draft.ts";
 * import { saveArtifact } from "./artifact_io.ts";
 * import { MemoryTarget } from "../../oci/backends/memory.ts";
 * import assert from "node:assert/strict";
 *
 * const draft = ArtifactDraft.new("example.com/demo/blob:v1", { store: new MemoryTarget() });
 * await draft.addLayer("application/octet-stream", new Uint8Array([1, 2, 3]), { k: "v" });
 * await using artifact = await draft.commit();
 * const dir = await Deno.makeTempDir();
 * const path = await saveArtifact(artifact, `${dir}/blob.ommx`);
 * assert.ok((await Deno.stat(path)).size > 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { InvalidArgumentError, UnsupportedError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { parseManifest } from "../../oci/manifest.ts";
import { ANNOTATION_REF_NAME } from "../../oci/media_types.ts";
import { canonicalizeReference } from "../../oci/reference.ts";
import type { Target } from "../../oci/storage.ts";
import { anonymousLocalName } from "../../oci/backends/_local_registry_names.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import { ARTIFACT_TYPE_EXPERIMENT, ARTIFACT_TYPE_GENERIC } from "../../../codecs/media_types.ts";
import { type Artifact, loadArtifact } from "../read/artifact.ts";
import { loadSealedExperiment } from "../read/sealed_experiment.ts";
import { type LocalRegistrySource, openSource, type RegistrySource } from "../read/open.ts";
import { pushExperiment, type PushExperimentOptions } from "./push.ts";
import { saveExperiment, type SaveOptions } from "./save.ts";

/**
 * Save an artifact as a `.ommx` archive (Python `Artifact.save(path)`),
 * atomically; the archive members and headers are the SDK's, and importing
 * it back gives the same manifest digest under the same name.
 *
 * @param artifact The artifact (committed from a draft, or opened from anywhere).
 * @param path The archive path.
 * @param options `overwrite` (default `false`: an existing file is an error).
 * @returns The absolute path written.
 * @throws {AlreadyExistsError} When the file exists and `overwrite` is not set.
 */
export async function saveArtifact(
  artifact: Artifact,
  path: string,
  options: SaveOptions = {},
): Promise<string> {
  return await saveExperiment(
    { target: artifact.storage, descriptor: artifact.manifestDescriptor },
    path,
    options,
  );
}

/**
 * Publish an artifact (Python `Artifact.push()`): by default to the remote
 * registry its image name names; or to `{ registry }`, into a Local
 * Registry (`{ localRegistry, root? }`) or any writable target under `tag`.
 * Credentials as for `openArtifact` (the SDK's `OMMX_BASIC_AUTH_*`).
 *
 * @param artifact The artifact.
 * @param destination Where to; default `{ registry: artifact.imageName }`.
 * @param tag With a target: the reference to tag (default the image name).
 * @param options Progress callback.
 * @returns The manifest descriptor at the destination.
 * @throws {InvalidArgumentError} When no destination is given and the artifact has no name.
 */
export async function pushArtifact(
  artifact: Artifact,
  destination?: RegistrySource | LocalRegistrySource | Target,
  tag?: string,
  options: PushExperimentOptions = {},
): Promise<Descriptor> {
  let to = destination;
  if (to === undefined) {
    if (artifact.imageName === null) {
      throw new InvalidArgumentError("pushArtifact: the artifact has no image name to push to");
    }
    to = { registry: artifact.imageName };
  }
  return await pushExperiment(artifact, to, tag, options);
}

/** Options of {@linkcode importArchive}. */
export interface ImportArchiveOptions {
  /** Registry root (created when absent, as the SDK does); default as the SDK. */
  root?: string;
  /** Codecs of the returned artifact's typed getters; default every built-in codec. */
  codecs?: CodecRegistry;
}

/**
 * Import a `.ommx` archive or an OCI layout directory into the Local
 * Registry (Python `Artifact.import_archive` / `Experiment.import_archive`,
 * CLI `ommx import`), streaming its blobs. As the SDK: the source must hold
 * exactly one OCI image manifest with an OMMX `artifactType` (an Experiment
 * is checked as a whole first); it is published under its
 * `org.opencontainers.image.ref.name`, or — for an unnamed archive — under a
 * synthesised `<id8>.ommx.local/anonymous:…` name; a name already pointing
 * at another manifest is refused. The manifest digest is kept.
 *
 * @param path The archive file or layout directory.
 * @param options Registry root, codecs.
 * @returns The imported artifact, read from the Local Registry (close it when done).
 * @throws {InvalidArtifactError} When the source is not a single OMMX image manifest.
 * @throws {UnsupportedError} When its `artifactType` is not OMMX's.
 * @throws {ReferenceConflictError} When the name points at another manifest.
 */
export async function importArchive(
  path: string,
  options: ImportArchiveOptions = {},
): Promise<Artifact> {
  if (typeof path !== "string" || path === "") {
    throw new InvalidArgumentError("importArchive: a path is required");
  }
  const codecs = options.codecs ?? defaultCodecs;
  const source = await openSource(path);
  try {
    const descriptor = await source.resolve();
    const { manifest } = parseManifest(await source.fetch(descriptor));
    const type = manifest.artifactType;
    if (type !== ARTIFACT_TYPE_GENERIC && type !== ARTIFACT_TYPE_EXPERIMENT) {
      throw new UnsupportedError(
        `importArchive: ${path} has artifactType ${
          JSON.stringify(type ?? null)
        }; the OMMX local registry holds only '${ARTIFACT_TYPE_GENERIC}' and '${ARTIFACT_TYPE_EXPERIMENT}'`,
      );
    }
    if (type === ARTIFACT_TYPE_EXPERIMENT) {
      // The SDK validates an Experiment before publishing it (every status is accepted).
      await loadSealedExperiment(source, descriptor, manifest, { codecs, allowDraft: true });
    }
    const { openLocalRegistry } = await import("../../oci/backends/local_registry.ts");
    const registry = await openLocalRegistry({
      writable: true,
      create: true,
      ...(options.root === undefined ? {} : { root: options.root }),
    });
    try {
      const named = descriptor.annotations?.[ANNOTATION_REF_NAME];
      const imageName = named !== undefined
        ? canonicalizeReference(named)
        : anonymousLocalName((await registry.registryId({ create: true }))!, "anonymous");
      const { copyImage } = await import("../../oci/copy.ts");
      const bare = await copyImage(source, registry, imageName, { manifest: descriptor });
      return await loadArtifact(
        registry,
        { ...bare, annotations: { [ANNOTATION_REF_NAME]: imageName } },
        manifest,
        { codecs, imageName },
      );
    } catch (e) {
      await registry.close();
      throw e;
    }
  } finally {
    await source.close();
  }
}
