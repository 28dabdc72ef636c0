/**
 * `LocalRegistrySession`: an open, writable OMMX Local Registry (the Python
 * SDK's store) shared by the Experiments that live in it — where their
 * payload blobs are stored as they are logged, their checkpoints published
 * and replaced, their commits tagged, archives imported and remote images
 * pulled. Reference-counted: the registry (and, for a temporary registry,
 * its directory) is released when the last holder releases it.
 *
 * @module
 */
import { BlobNotFoundError, InvalidArgumentError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { sha256Hex } from "../../oci/digest.ts";
import { copyImage } from "../../oci/copy.ts";
import { ANNOTATION_REF_NAME } from "../../oci/media_types.ts";
import { parseReference, referenceKey, repositoryKey } from "../../oci/reference.ts";
import {
  defaultLocalRegistryRoot,
  type LocalRegistryTarget,
  openLocalRegistry,
} from "../../oci/backends/local_registry.ts";
import { localRepositoryKey } from "../../oci/backends/_local_registry_names.ts";
import {
  openRegistryIndex,
  type OwnBlob,
  putOwnBlob,
  type RegistryIndex,
  removeOwnBlobs,
} from "../../oci/backends/_local_registry_checkpoints.ts";
import { OMMX_EXPERIMENT_ARTIFACT_TYPE } from "../../oci/backends/_local_registry_store.ts";
import { openRegistrySource } from "../read/open.ts";
import type { AssembledExperiment } from "./_commit.ts";

/** Options of {@linkcode openLocalRegistrySession}. */
export interface OpenLocalRegistrySessionOptions {
  /** The registry root; default `OMMX_LOCAL_REGISTRY_ROOT`, else the reference's data directory. */
  root?: string;
  /** Create a new registry in a fresh temporary directory, removed on the last release. */
  temporary?: boolean;
}

/** Superseded checkpoint generations kept before their own blobs are reclaimed. */
const KEPT_GENERATIONS = 2;

/**
 * An open Local Registry. Create with {@linkcode openLocalRegistrySession};
 * every holder calls {@linkcode LocalRegistrySession.release} once.
 */
export class LocalRegistrySession {
  /** The registry root directory. */
  readonly root: string;
  /** The registry's id (its first 8 hex digits name its local repositories). */
  readonly registryId: string;
  /** Whether the registry lives in a temporary directory removed on the last release. */
  readonly temporary: boolean;
  readonly #target: LocalRegistryTarget;
  readonly #index: RegistryIndex;
  #holders = 1;
  readonly #generations = new Map<string, OwnBlob[][]>();
  readonly #checkpointNames = new Map<string, string>();

  /**
   * Use {@linkcode openLocalRegistrySession}.
   *
   * @param init The opened registry.
   */
  constructor(init: {
    root: string;
    registryId: string;
    temporary: boolean;
    target: LocalRegistryTarget;
    index: RegistryIndex;
  }) {
    this.root = init.root;
    this.registryId = init.registryId;
    this.temporary = init.temporary;
    this.#target = init.target;
    this.#index = init.index;
  }

  /** The registry as a storage target (blobs and tags); owned by the session, never close it. */
  get storage(): LocalRegistryTarget {
    return this.#target;
  }

  /** Whether the session was released by every holder. */
  get released(): boolean {
    return this.#holders === 0;
  }

  /**
   * Add a holder.
   *
   * @returns This session.
   */
  retain(): this {
    if (this.#holders === 0) throw new InvalidArgumentError(`${this.root}: session was released`);
    this.#holders++;
    return this;
  }

  /**
   * Drop a holder; the last one closes the registry (and removes a temporary one).
   *
   * @returns Nothing.
   */
  async release(): Promise<void> {
    if (this.#holders === 0) return;
    if (--this.#holders > 0) return;
    await this.#target.close();
    this.#index.close();
    if (this.temporary) {
      const fs = await import("node:fs/promises");
      await fs.rm(this.root, { recursive: true, force: true });
    }
  }

  /**
   * The manifest an image name points at here, or `null`.
   *
   * @param imageName The image name.
   * @returns The manifest descriptor (annotated with the name), or `null`.
   */
  async resolve(imageName: string): Promise<Descriptor | null> {
    try {
      return await this.#target.resolve(imageName);
    } catch (e) {
      if (e instanceof BlobNotFoundError) return null;
      throw e;
    }
  }

  /**
   * Point `imageName` at a manifest whose blobs are here; a name already
   * pointing elsewhere is refused (`ReferenceConflictError`), as the
   * reference refuses.
   *
   * @param manifest The manifest descriptor.
   * @param imageName The image name.
   * @returns The descriptor annotated with the name.
   */
  async tag(manifest: Descriptor, imageName: string): Promise<Descriptor> {
    const bare = { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size };
    await this.#target.tag(bare, imageName);
    return { ...bare, annotations: { [ANNOTATION_REF_NAME]: imageName } };
  }

  /**
   * Copy an image of a remote registry here under its own name (what the
   * reference's `Experiment.load` does for a name it does not have).
   *
   * @param imageName The remote image reference.
   * @returns The manifest descriptor here.
   */
  async pull(imageName: string): Promise<Descriptor> {
    const ref = parseReference(imageName);
    const remote = await openRegistrySource({ registry: imageName });
    try {
      const source = await remote.resolve(ref.digest ?? ref.tag);
      const copied = await copyImage(remote, this.#target, imageName, { manifest: source });
      return { ...copied, annotations: { [ANNOTATION_REF_NAME]: imageName } };
    } finally {
      await remote.close();
    }
  }

  /**
   * The checkpoint name of a requested image name in this registry:
   * `<id8>.ommx.local/checkpoint:<sha256 hex of the name>`.
   *
   * @param requestedImageName The canonical requested name.
   * @returns The checkpoint image name.
   */
  async checkpointName(requestedImageName: string): Promise<string> {
    let name = this.#checkpointNames.get(requestedImageName);
    if (name === undefined) {
      const hex = await sha256Hex(new TextEncoder().encode(requestedImageName));
      name = `${localRepositoryKey(this.registryId, "checkpoint")}:${hex}`;
      this.#checkpointNames.set(requestedImageName, name);
    }
    return name;
  }

  /**
   * Publish an assembled checkpoint under `name`, replacing its earlier
   * target (the reference's checkpoint publication: payload blobs are
   * already here; the table, config and manifest are stored, then the ref
   * and the listing caches are replaced in one transaction). The table,
   * config and manifest of checkpoints more than two generations older are
   * removed (in batches) when this session created them and nobody used
   * them since.
   *
   * Autosaves (`draft`) pass `listingCache: false`: the ref moves but the
   * manifest and config are not copied into the listing-cache rows, which
   * the reference's listings backfill from the blobs (ours read the blobs)
   * and which were the largest part of a large checkpoint's autosave
   * (docs/format-notes.md, "Experiment checkpoints"). `failed` /
   * `interrupted` checkpoints keep the rows, as the reference writes them.
   *
   * @param name The checkpoint image name.
   * @param assembled The assembled checkpoint.
   * @param options `listingCache` (default `true`): write the
   * `artifact_manifests` / `experiment_configs` rows.
   * @returns Nothing.
   */
  async publishCheckpoint(
    name: string,
    assembled: AssembledExperiment,
    options: { readonly listingCache?: boolean } = {},
  ): Promise<void> {
    // The three files are written (and fsynced) concurrently; the assembly
    // hashed them already.
    const hashed = { hashed: true };
    const outcomes = await Promise.allSettled([
      putOwnBlob(this.root, assembled.table.digest, assembled.tableBytes, hashed),
      putOwnBlob(this.root, assembled.configDescriptor.digest, assembled.configBytes, hashed),
      putOwnBlob(this.root, assembled.manifestDescriptor.digest, assembled.manifestBytes, hashed),
    ]);
    const blobs = outcomes.flatMap((o) => o.status === "fulfilled" ? [o.value] : []);
    const failed = outcomes.find((o) => o.status === "rejected");
    if (failed !== undefined) {
      // Take back what this attempt created; the ref still names the last checkpoint.
      await removeOwnBlobs(this.root, this.#index, blobs).catch(() => {});
      throw failed.reason;
    }
    const ref = parseReference(name);
    this.#index.replaceRef(repositoryKey(ref), referenceKey(ref), {
      digest: assembled.manifestDescriptor.digest,
      bytes: assembled.manifestBytes,
      artifactType: OMMX_EXPERIMENT_ARTIFACT_TYPE,
      configDigest: assembled.configDescriptor.digest,
      configJson: assembled.configBytes,
    }, { listingCache: options.listingCache !== false });
    const generations = this.#generations.get(name) ?? [];
    generations.push(blobs);
    this.#generations.set(name, generations);
    // Reclaim in batches (the locks cost more than the few unlinks).
    if (generations.length > 2 * KEPT_GENERATIONS + 1) {
      const old = generations.splice(0, generations.length - KEPT_GENERATIONS - 1);
      await removeOwnBlobs(this.root, this.#index, old.flat());
    }
  }

  /**
   * Remove a ref (blobs stay for the reference's GC).
   *
   * @param imageName The image name.
   * @returns Whether it existed.
   */
  async removeRef(imageName: string): Promise<boolean> {
    return (await this.#target.removeReference(imageName)) !== null;
  }

  /**
   * Remove the blobs of every superseded checkpoint of `name` this session
   * wrote (after a commit removed the checkpoint ref).
   *
   * @param name The checkpoint image name.
   * @returns Nothing.
   */
  async reclaimCheckpoints(name: string): Promise<void> {
    const generations = this.#generations.get(name) ?? [];
    this.#generations.delete(name);
    await removeOwnBlobs(this.root, this.#index, generations.flat());
  }
}

/**
 * Open (and create when absent, as the reference does on first use) the
 * Local Registry at `root`, or a new temporary one.
 *
 * @param options Root, or `temporary`.
 * @returns The session, with one holder.
 */
export async function openLocalRegistrySession(
  options: OpenLocalRegistrySessionOptions = {},
): Promise<LocalRegistrySession> {
  let root: string;
  const temporary = options.temporary === true;
  if (temporary) {
    const fs = await import("node:fs/promises");
    const os = await import("node:os");
    const path = await import("node:path");
    root = await fs.mkdtemp(path.join(os.tmpdir(), "ommx-local-registry-"));
  } else {
    root = options.root ?? await defaultLocalRegistryRoot();
  }
  let target: LocalRegistryTarget | undefined;
  try {
    target = await openLocalRegistry({ root, writable: true, create: true });
    const registryId = (await target.registryId({ create: true }))!;
    const index = await openRegistryIndex(target.root, true);
    return new LocalRegistrySession({
      root: target.root,
      registryId,
      temporary,
      target,
      index,
    });
  } catch (e) {
    await target?.close();
    if (temporary) {
      const fs = await import("node:fs/promises");
      await fs.rm(root, { recursive: true, force: true }).catch(() => {});
    }
    throw e;
  }
}
