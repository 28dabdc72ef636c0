/**
 * A {@linkcode Target} over the OMMX Local Registry of the Python/Rust SDK:
 * an SQLite index (`index.sqlite3`, table `refs`) mapping image names to
 * manifest digests, and a blob store `blobs/sha256/<hex>`. Read-only by
 * default; opened with `writable: true` it publishes into the registry the
 * way the SDK does (blobs atomically under the SDK's blob lock, then the ref
 * and the listing caches in one `BEGIN IMMEDIATE` transaction), so the
 * Python SDK's `Experiment.load(name)` reads what was written.
 *
 * The registry is the SDK's private store and its layout may change, so the
 * schema version (`PRAGMA user_version`) is checked on open. Every blob read
 * is verified against its size and digest. Deno/Node only: `node:sqlite`,
 * `node:fs/promises`, `node:os` and `node:process` are imported lazily, so a
 * browser bundle that never calls {@linkcode openLocalRegistry} is unaffected.
 * Writing also needs `Deno.FsFile.lock` (the SDK's `flock` locks).
 *
 * @module
 */
import {
  BlobNotFoundError,
  InvalidArgumentError,
  InvalidArtifactError,
  InvalidStateError,
  IoError,
  OmmxError,
  ReferenceConflictError,
  SizeMismatchError,
  UnsupportedError,
} from "../../errors.ts";
import { type Descriptor, parseDescriptor } from "../descriptor.ts";
import { createHasher, createVerifier, type Hasher, isDigest, verifyBytes } from "../digest.ts";
import { verifyPayload, verifyVouchedPayload } from "../_payload_hash.ts";
import { copyHashing } from "./_copy_hashing.ts";
import { hashGrowingCopy } from "./_hash_growing_copy.ts";
import { type ImageManifest, MAX_MANIFEST_SIZE, parseManifest } from "../manifest.ts";
import { encodeOciLayout, parseOciLayout } from "../layout.ts";
import {
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_ARTIFACT_MANIFEST,
  MEDIA_TYPE_IMAGE_INDEX,
  MEDIA_TYPE_IMAGE_MANIFEST,
} from "../media_types.ts";
import { formatReference, parseReference, referenceKey, repositoryKey } from "../reference.ts";
import type { DigestedBlob, FetchOptions, FilePusher, Target } from "../storage.ts";
import { LayoutDirTarget } from "./layout_dir.ts";
import { readRegularFile } from "../_regular_file.ts";
import { ioError } from "../../_io_error.ts";
import { type DenoFs, denoFs, type DenoFsFile } from "../../_deno_fs.ts";
import { lazyNodeFs } from "../../_lazy_node_fs.ts";
import { EXISTS_CONCURRENCY, mapBounded } from "../../_each_bounded.ts";
import { writeAll } from "../../_atomic_file.ts";
import { localRegistryRootOverride } from "./local_registry_root.ts";
import {
  BLOB_LOCK_FILE,
  canLockFiles,
  checkSchemaColumns,
  configureConnection,
  type Database,
  databaseError,
  GC_EXCLUSION_LOCK_FILE,
  immediate,
  initializeSchema,
  OMMX_ARTIFACT_TYPE,
  OMMX_EXPERIMENT_ARTIFACT_TYPE,
  OMMX_EXPERIMENT_CONFIG_MEDIA_TYPE,
  pruneListingCache,
  rfc3339Utc,
  sqlite,
  tempBlobName,
  userVersion,
  withFileLock,
} from "./_local_registry_store.ts";
import { collectGarbage, type GcPassResult } from "./_local_registry_gc.ts";
import { newRegistryId } from "./_local_registry_names.ts";

export type {
  GcBlobRecord,
  GcInvalidRecord,
  GcMissingRecord,
  GcPassResult,
  GcReferenceKind,
  GcRootRecord,
} from "./_local_registry_gc.ts";

/** The `PRAGMA user_version` this reader understands. */
export const LOCAL_REGISTRY_SCHEMA_VERSION = 2;

/** File name of the SQLite index inside the registry root. */
export const LOCAL_REGISTRY_INDEX_FILE = "index.sqlite3";

/** Inputs of {@linkcode localRegistryRootFor}; each defaults to nothing. */
export interface LocalRegistryRootInputs {
  /** Environment variables (`OMMX_LOCAL_REGISTRY_ROOT`, `XDG_DATA_HOME`, `APPDATA`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** `process.platform` value: `linux`, `darwin`, `win32`, … */
  platform?: string;
  /** The home directory. */
  home?: string;
}

/** One row of the registry's `refs` table. */
export interface LocalRegistryEntry {
  /** Display form of the image name (`host/repo:tag` or `host/repo@digest`). */
  readonly imageName: string;
  /** Repository key `host[:port]/repository`. */
  readonly repository: string;
  /** The tag, or a `sha256:` digest for digest references. */
  readonly reference: string;
  /** The manifest digest the name points at. */
  readonly manifestDigest: string;
  /** When the ref was last written (RFC 3339, as stored). */
  readonly updatedAt: string;
}

/**
 * One ref with the listing-cache rows the SDK keeps for it, as stored
 * (unchecked: a corrupted index may hold anything). See
 * {@linkcode LocalRegistryTarget.catalogueRows}.
 */
export interface LocalRegistryCatalogueRow {
  /** `refs.name` (text for a sound row). */
  readonly name: unknown;
  /** `refs.reference`. */
  readonly reference: unknown;
  /** `refs.manifest_digest`. */
  readonly manifestDigest: unknown;
  /** `refs.updated_at`. */
  readonly updatedAt: unknown;
  /** Whether `artifact_manifests` has a row for the ref's digest. */
  readonly cached: boolean;
  /** `artifact_manifests.manifest_json` (bytes for a sound row). */
  readonly manifestJson: unknown;
  /** `artifact_manifests.artifact_type`. */
  readonly artifactType: unknown;
  /** `artifact_manifests.config_digest`. */
  readonly configDigest: unknown;
  /** `experiment_configs.config_json` for that config digest, or `null` when not cached. */
  readonly configJson: unknown;
}

/** Options of {@linkcode openLocalRegistry}. */
export interface OpenLocalRegistryOptions {
  /** Registry root; default: `OMMX_LOCAL_REGISTRY_ROOT`, else the OS data directory. */
  root?: string;
  /** Chunk size for streaming reads (default 1 MiB). */
  chunkSize?: number;
  /** Largest manifest accepted by {@linkcode LocalRegistryTarget.resolve} (default {@linkcode MAX_MANIFEST_SIZE}, 64 MiB). */
  maxManifestSize?: number;
  /** The image name `resolve()` uses when called without one. */
  imageName?: string;
  /** Open for writing (`push` and `tag`). Default `false`: read-only. */
  writable?: boolean;
  /**
   * With `writable`: create the registry (directories, `index.sqlite3` with
   * the SDK's schema version 2) when the root holds none, as the SDK does on
   * first use. Default `false`.
   */
  create?: boolean;
}

/**
 * The registry root the reference SDK would use, computed from explicit
 * inputs (no environment access): `OMMX_LOCAL_REGISTRY_ROOT` when set; else
 * Linux and other Unix `$XDG_DATA_HOME/ommx` (only an absolute
 * `XDG_DATA_HOME` counts) or `~/.local/share/ommx`; macOS
 * `~/Library/Application Support/org.ommx.ommx`; Windows
 * `%APPDATA%\ommx\ommx\data`.
 *
 * @example The XDG default
 * ```ts
 * import { localRegistryRootFor } from "./local_registry.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(localRegistryRootFor({ platform: "linux", home: "/home/u" }), "/home/u/.local/share/ommx");
 * assert.equal(
 *   localRegistryRootFor({ env: { OMMX_LOCAL_REGISTRY_ROOT: "/r" }, platform: "linux", home: "/h" }),
 *   "/r",
 * );
 * ```
 *
 * @param inputs Environment, platform and home directory.
 * @returns The root directory.
 * @throws {InvalidArgumentError} When no home directory (or `APPDATA` on Windows) is known.
 */
export function localRegistryRootFor(inputs: LocalRegistryRootInputs): string {
  const env = inputs.env ?? {};
  const explicit = env.OMMX_LOCAL_REGISTRY_ROOT;
  if (explicit) return explicit;
  const platform = inputs.platform ?? "linux";
  if (platform === "win32") {
    const appData = env.APPDATA;
    if (!appData) {
      throw new InvalidArgumentError("cannot locate the OMMX local registry: APPDATA is not set");
    }
    return `${appData.replace(/[\\/]+$/, "")}\\ommx\\ommx\\data`;
  }
  const home = inputs.home?.replace(/\/+$/, "");
  if (platform === "darwin") {
    if (!home) {
      throw new InvalidArgumentError("cannot locate the OMMX local registry: no home directory");
    }
    return `${home}/Library/Application Support/org.ommx.ommx`;
  }
  const xdg = env.XDG_DATA_HOME;
  if (xdg && xdg.startsWith("/")) return `${xdg.replace(/\/+$/, "")}/ommx`;
  if (!home) {
    throw new InvalidArgumentError("cannot locate the OMMX local registry: no home directory");
  }
  return `${home}/.local/share/ommx`;
}

/**
 * The registry root of this process (the reference's `get_local_registry_root()`):
 * the root given to `setLocalRegistryRoot`, else computed from the environment,
 * platform and home directory (through `node:process` / `node:os`).
 *
 * @example Honour the override
 * ```ts
 * import { defaultLocalRegistryRoot } from "./local_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await defaultLocalRegistryRoot();
 * assert.equal(typeof root, "string");
 * ```
 *
 * @returns The root directory.
 */
export async function defaultLocalRegistryRoot(): Promise<string> {
  const override = localRegistryRootOverride();
  if (override !== undefined) return override;
  const process = await import("node:process");
  const os = await import("node:os");
  return localRegistryRootFor({
    env: {
      OMMX_LOCAL_REGISTRY_ROOT: process.env.OMMX_LOCAL_REGISTRY_ROOT,
      XDG_DATA_HOME: process.env.XDG_DATA_HOME,
      APPDATA: process.env.APPDATA,
    },
    platform: process.platform,
    home: os.homedir(),
  });
}

type Sqlite = typeof import("node:sqlite");
type Fs = typeof import("node:fs/promises");

/** How a temporary blob file is opened under Deno: created, never an existing file. */
const CREATE_NEW = { write: true, createNew: true } as const;

/** A temporary blob file being written. */
interface TempFile {
  write(chunk: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Create `path` (it must not exist) for writing. Under Deno a small blob's
 * file is created, written, linked ({@linkcode linkFile}) and its temporary
 * name removed ({@linkcode removeFile}) by Deno's synchronous calls (each a
 * few tens of µs on a local disk); only the fsync, which waits for the disk,
 * goes to the runtime's thread pool. An awaited call costs a hand-off to a
 * pool thread and back on top of the syscall (3,000 small files created,
 * written, linked and removed: 0.39 s of CPU awaited, 0.17 s synchronous),
 * and 16 at a time kept ~30 pool threads alive (BENCHMARKS.md, branch i13y).
 */
async function openTemp(fs: Fs, path: string): Promise<TempFile> {
  const deno = denoFs();
  if (deno !== undefined) {
    const file = deno.openSync(path, CREATE_NEW);
    let closed = false;
    return {
      write(chunk) {
        try {
          let off = 0;
          while (off < chunk.length) off += file.writeSync(chunk.subarray(off));
          return Promise.resolve();
        } catch (e) {
          return Promise.reject(e);
        }
      },
      sync: () => file.sync(),
      close() {
        if (!closed) {
          closed = true;
          file.close();
        }
        return Promise.resolve();
      },
    };
  }
  const handle = await fs.open(path, "wx");
  return {
    write: (chunk) => writeAll(handle, chunk),
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
}

/** Hard-link `from` as `to`; fails (`EEXIST`) when `to` exists. */
async function linkFile(fs: Fs, from: string, to: string): Promise<void> {
  const deno = denoFs();
  if (deno !== undefined) deno.linkSync(from, to);
  else await fs.link(from, to);
}

/** Remove a file, ignoring failures (a leftover temporary file is the GC's). */
async function removeFile(fs: Fs, path: string): Promise<void> {
  const deno = denoFs();
  if (deno === undefined) {
    await fs.rm(path, { force: true }).catch(() => {});
    return;
  }
  try {
    deno.removeSync(path);
  } catch { /* left for the GC */ }
}

/**
 * Whether a failed hard link says "not this way" rather than failing the
 * push: the name exists (`EEXIST`), or the file system has no hard links.
 */
function isLinkRefusal(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === "EEXIST" || code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" ||
    code === "ENOSYS";
}

/** A placement's failure as the push throws it. */
function placementError(e: unknown, item: PendingPlacement): unknown {
  return e instanceof OmmxError ? e : ioError(e, "write", item.final);
}

/** A pushed blob waiting to be moved into place under the blob lock. */
interface PendingPlacement {
  tmp: string;
  final: string;
  d: Descriptor;
  resolve(placed: boolean): void;
  reject(error: unknown): void;
}

/**
 * Whether the index exists, by Deno's `lstat`: `true` for a regular file,
 * `false` when missing, `undefined` for anything else (a link, another kind,
 * another error, no Deno), which {@linkcode indexPresent} then decides. The
 * ordinary open of a Local Registry (its index a regular file or missing,
 * the blob directory made by {@linkcode makeDirectory}) needs no `node:fs`,
 * whose load brings Node's compatibility layer (~10 MiB).
 */
async function denoIndexPresent(indexPath: string): Promise<boolean | undefined> {
  const deno = denoFs();
  if (deno === undefined) return undefined;
  try {
    return (await deno.lstat(indexPath)).isFile ? true : undefined;
  } catch (e) {
    return isNotFound(e) ? false : undefined;
  }
}

/**
 * Whether the index exists (`false` when missing); a link is followed only
 * within the root.
 *
 * @throws {InvalidArgumentError} For a link out of the root or an index that is not a file.
 * @throws {IoError} For any other failure.
 */
async function indexPresent(fs: Fs, root: string, indexPath: string): Promise<boolean> {
  try {
    let st = await fs.lstat(indexPath);
    if (st.isSymbolicLink()) {
      const nodePath = await import("node:path");
      const real = await fs.realpath(indexPath);
      const rel = nodePath.relative(await fs.realpath(root), real);
      if (rel.startsWith("..") || nodePath.isAbsolute(rel)) {
        throw new InvalidArgumentError(`${indexPath} is a symbolic link out of ${root}`);
      }
      st = await fs.stat(real);
    }
    if (!st.isFile()) throw new InvalidArgumentError(`${indexPath} is not a file`);
    return true;
  } catch (e) {
    if (!isNotFound(e)) throw ioError(e, "open", indexPath);
    return false;
  }
}

/** `mkdir -p` by Deno's call; on any failure (or without Deno) by `node:fs`, which gives the error. */
async function makeDirectory(fs: Fs, dir: string): Promise<void> {
  try {
    const deno = denoFs();
    if (deno !== undefined) return await deno.mkdir(dir, { recursive: true });
  } catch { /* node:fs decides, with its error */ }
  await fs.mkdir(dir, { recursive: true });
}

function isNotFound(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ENOENT";
}

function text(row: Record<string, unknown>, column: string, where: string): string {
  const value = row[column];
  if (typeof value !== "string") {
    throw new InvalidArtifactError(`${where}: column ${column} is not text`);
  }
  return value;
}

/**
 * What a caller of {@linkcode LocalRegistryTarget.tag} already holds of a
 * manifest it pushed to the same target with
 * {@linkcode LocalRegistryTarget.push}: the tag then neither reads the
 * manifest (and config) back from disk nor parses it again. Used only when
 * `bytes` is the very array this target pushed (and hashed) under the
 * tagged digest, and `configBytes` the very array it pushed under the
 * config's digest; anything else is read and checked as without it. The
 * arrays must not have been modified since they were pushed, and `manifest`
 * must be what `bytes` parse to (the caller built both).
 */
export interface KnownManifest {
  /** The manifest bytes, the same array passed to `push`. */
  readonly bytes: Uint8Array;
  /** The parsed manifest of those bytes. */
  readonly manifest: ImageManifest;
  /** The config bytes, the same array passed to `push` (an Experiment's listing cache keeps them). */
  readonly configBytes?: Uint8Array;
}

/**
 * The OMMX Local Registry. Create with {@linkcode openLocalRegistry}; `push`
 * and `tag` need `writable: true`.
 */
export class LocalRegistryTarget implements Target, FilePusher {
  /** `local registry <root>`, for messages. */
  readonly location: string;
  /** The registry root directory. */
  readonly root: string;
  /** The schema version found (`PRAGMA user_version`). */
  readonly schemaVersion: number;
  /** Whether `push` and `tag` are allowed. */
  readonly writable: boolean;
  #db: Database | undefined;
  #blobs: LayoutDirTarget;
  #fs: Fs;
  #maxManifestSize: number;
  #defaultName: string | undefined;
  #indexPath: string;
  #blobDirReady = false;
  #canLink = true;
  /** Digests this target stored or confirmed (a hint only: checked again on use). */
  #placedHere = new Set<string>();
  /** Arrays this target pushed, with the digest it hashed them to (see {@linkcode KnownManifest}). */
  #pushedBytes = new WeakMap<Uint8Array, string>();
  #placing: PendingPlacement[] = [];
  #placer: Promise<void> | undefined;

  /**
   * Use {@linkcode openLocalRegistry} instead.
   *
   * @param init Internal state.
   */
  constructor(init: {
    root: string;
    db: Database;
    schemaVersion: number;
    blobs: LayoutDirTarget;
    fs: Fs;
    maxManifestSize: number;
    imageName?: string | undefined;
    writable?: boolean | undefined;
  }) {
    this.root = init.root;
    this.location = `local registry ${init.root}`;
    this.#indexPath = `${init.root}/${LOCAL_REGISTRY_INDEX_FILE}`;
    this.#db = init.db;
    this.schemaVersion = init.schemaVersion;
    this.writable = init.writable === true;
    this.#blobs = init.blobs;
    this.#fs = init.fs;
    this.#maxManifestSize = init.maxManifestSize;
    this.#defaultName = init.imageName;
  }

  #database(): Database {
    if (!this.#db) throw new InvalidArgumentError(`${this.location} is closed`);
    return this.#db;
  }

  /**
   * Every ref in the registry, sorted by image name.
   *
   * @returns One entry per `refs` row.
   */
  listReferences(): Promise<LocalRegistryEntry[]> {
    try {
      const db = this.#database();
      const rows = sqlite(this.#indexPath, () =>
        db
          .prepare(
            "SELECT name, reference, manifest_digest, updated_at FROM refs ORDER BY name, reference",
          )
          .all() as Record<string, unknown>[]);
      const where = `${this.location} refs`;
      return Promise.resolve(rows.map((row) => {
        const repository = text(row, "name", where);
        const reference = text(row, "reference", where);
        return {
          imageName: isDigest(reference)
            ? `${repository}@${reference}`
            : `${repository}:${reference}`,
          repository,
          reference,
          manifestDigest: text(row, "manifest_digest", where),
          updatedAt: text(row, "updated_at", where),
        };
      }));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #lookup(imageName: string): { digest: string; display: string } {
    const ref = parseReference(imageName);
    const name = repositoryKey(ref);
    const key = referenceKey(ref);
    const db = this.#database();
    const row = sqlite(this.#indexPath, () =>
      db
        .prepare("SELECT manifest_digest FROM refs WHERE name = ? AND reference = ?")
        .get(name, key) as Record<string, unknown> | undefined);
    const display = formatReference(ref);
    if (row) return { digest: text(row, "manifest_digest", `${this.location} refs`), display };
    const digest = ref.digest;
    if (digest !== undefined) {
      // A digest reference also resolves when any tag of the repository points at it.
      const byDigest = sqlite(this.#indexPath, () =>
        db
          .prepare(
            "SELECT manifest_digest FROM refs WHERE name = ? AND manifest_digest = ? LIMIT 1",
          )
          .get(name, digest) as Record<string, unknown> | undefined);
      if (byDigest) return { digest, display };
    }
    throw new BlobNotFoundError(display, this.location);
  }

  /**
   * Resolve an image name through the `refs` table, then read and verify the
   * manifest blob to learn its media type and size. With no name, the one
   * given to {@linkcode openLocalRegistry} as `imageName`; without that, the
   * registry must hold exactly one ref.
   *
   * @param imageName An image name, canonicalised as the SDK does (`docs/glossary.md#canonical-image-name`).
   * @returns The manifest descriptor, annotated with the canonical image name.
   * @throws {BlobNotFoundError} When the name is not in the registry or its manifest blob is missing.
   * @throws {InvalidReferenceError} When the name does not parse.
   * @throws {InvalidArgumentError} When omitted and the registry does not hold exactly one ref.
   * @throws {DigestMismatchError} When the manifest blob was altered.
   * @throws {InvalidArtifactError} When the blob is not an OCI image manifest.
   */
  async resolve(imageName: string | undefined = this.#defaultName): Promise<Descriptor> {
    let found: { digest: string; display: string };
    if (imageName === undefined) {
      const all = await this.listReferences();
      if (all.length !== 1) {
        throw new InvalidArgumentError(
          `${this.location}: an image name is required (${all.length} refs present)`,
        );
      }
      const only = all[0] as LocalRegistryEntry;
      found = { digest: only.manifestDigest, display: only.imageName };
    } else {
      found = this.#lookup(imageName);
    }
    if (!isDigest(found.digest)) {
      throw new InvalidArtifactError(
        `${this.location}: ${found.display} points at invalid digest ${
          JSON.stringify(found.digest)
        }`,
      );
    }
    const bytes = await this.#readManifest(found.digest);
    const mediaType = manifestMediaType(bytes, found.digest, this.location);
    return {
      mediaType,
      digest: found.digest,
      size: bytes.length,
      annotations: { [ANNOTATION_REF_NAME]: found.display },
    };
  }

  async #readManifest(digest: string): Promise<Uint8Array> {
    const path = `${this.root}/blobs/sha256/${digest.slice(7)}`;
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(path, {
        what: `manifest ${digest} of ${this.location}`,
        root: this.root,
        maxSize: this.#maxManifestSize,
      });
    } catch (e) {
      if (isNotFound(e)) throw new BlobNotFoundError(digest, this.location);
      throw e;
    }
    await verifyBytes(bytes, { digest, size: bytes.length });
    return bytes;
  }

  /**
   * Whether a blob file exists with the descriptor's size (not hashed).
   *
   * @param descriptor The blob's descriptor.
   * @returns `true` when present with a matching size.
   */
  exists(descriptor: Descriptor): Promise<boolean> {
    return this.#blobs.exists(descriptor);
  }

  /**
   * Read and verify a whole blob from `blobs/sha256/<hex>`.
   *
   * @param descriptor The blob's descriptor.
   * @param options Abort signal.
   * @returns The verified bytes.
   * @throws {BlobNotFoundError} When the blob file is missing.
   * @throws {SizeMismatchError} When its size differs.
   * @throws {DigestMismatchError} When its bytes do not hash to the digest.
   */
  fetch(descriptor: Descriptor, options?: FetchOptions): Promise<Uint8Array> {
    return this.#blobs.fetch(descriptor, options);
  }

  /**
   * Stream a blob; the last chunk is delivered only after verification.
   *
   * @param descriptor The blob's descriptor.
   * @param options Abort signal.
   * @returns A verifying stream.
   */
  fetchStream(descriptor: Descriptor, options?: FetchOptions): ReadableStream<Uint8Array> {
    return this.#blobs.fetchStream(descriptor, options);
  }

  #requireWritable(operation: string): Database {
    const db = this.#database();
    if (!this.writable) {
      throw new InvalidStateError(
        `${operation}: ${this.location} was opened read-only (pass writable: true)`,
      );
    }
    return db;
  }

  /** Re-hash an existing blob file and refresh its mtime (the SDK's GC grace clock). */
  async #confirmExisting(descriptor: Descriptor, path: string): Promise<void> {
    const reader = this.#blobs.fetchStream(descriptor).getReader();
    try {
      while (!(await reader.read()).done) { /* the stream verifies size and digest */ }
    } finally {
      reader.releaseLock();
    }
    try {
      const st = await this.#fs.stat(path);
      await this.#fs.utimes(path, st.atime, new Date());
    } catch (e) {
      throw ioError(e, "touch", path);
    }
  }

  /** Create the blob directory `dir` once; a failure is the push's I/O error. */
  async #blobDir(dir: string): Promise<void> {
    if (this.#blobDirReady) return;
    try {
      await makeDirectory(this.#fs, dir);
    } catch (e) {
      throw ioError(e, "create the directory", dir);
    }
    this.#blobDirReady = true;
  }

  /**
   * Move fsynced temporary files into place under the SDK's blob lock. Pushes
   * finishing while the lock is held wait for the next round, so concurrent
   * pushes share one lock acquisition (each item still re-checks for an
   * existing blob under the lock, as the SDK does).
   */
  #place(tmp: string, final: string, d: Descriptor): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#placing.push({ tmp, final, d, resolve, reject });
      this.#placer ??= this.#runPlacer();
    });
  }

  async #runPlacer(): Promise<void> {
    const lock = `${this.root}/${BLOB_LOCK_FILE}`;
    try {
      while (this.#placing.length > 0) {
        const batch = this.#placing.splice(0);
        try {
          await withFileLock(lock, async () => {
            // The usual move (a new blob linked under Deno) settles here and
            // now; the others go the awaited way, all under this one lock.
            const rest: PendingPlacement[] = [];
            for (const item of batch) {
              try {
                if (this.#linkNow(item)) item.resolve(true);
                else rest.push(item);
              } catch (e) {
                item.reject(placementError(e, item));
              }
            }
            await Promise.all(rest.map(async (item) => {
              try {
                item.resolve(await this.#moveIntoPlace(item));
              } catch (e) {
                item.reject(placementError(e, item));
              }
            }));
          });
        } catch (e) {
          for (const item of batch) item.reject(e); // no effect on the settled ones
        }
      }
    } finally {
      this.#placer = undefined;
    }
  }

  /**
   * The usual case of `#moveIntoPlace` done synchronously, without a
   * promise an item: under Deno, where hard links work, the temporary file
   * linked under its digest and its temporary name removed. `false` when
   * that is not what happened (no Deno, the name exists, links unsupported):
   * nothing was changed and the caller moves it the awaited way. Called with
   * the blob lock held.
   */
  #linkNow(item: PendingPlacement): boolean {
    const deno = denoFs();
    if (deno === undefined || !this.#canLink) return false;
    try {
      deno.linkSync(item.tmp, item.final);
    } catch (e) {
      if (!isLinkRefusal(e)) throw e;
      if ((e as { code?: unknown }).code !== "EEXIST") this.#canLink = false;
      return false;
    }
    try {
      deno.removeSync(item.tmp);
    } catch { /* left for the GC */ }
    return true;
  }

  /**
   * Move one temporary blob file into place without replacing a blob that
   * is there (the SDK renames with `RENAME_NOREPLACE`): a hard link that
   * fails when the name exists, then the temporary name removed. An existing
   * blob is kept (re-hashed, mtime refreshed); one of the wrong size is
   * replaced, as before. Where hard links are not supported, check and
   * rename. Called with the blob lock held.
   *
   * @returns Whether this push placed the blob.
   */
  async #moveIntoPlace(item: PendingPlacement): Promise<boolean> {
    const fs = this.#fs;
    if (this.#canLink) {
      try {
        await linkFile(fs, item.tmp, item.final);
        await removeFile(fs, item.tmp);
        return true;
      } catch (e) {
        if (!isLinkRefusal(e)) throw e;
        if ((e as { code?: unknown }).code !== "EEXIST") this.#canLink = false;
      }
    }
    if (await this.#blobs.exists(item.d)) {
      await this.#confirmExisting(item.d, item.final);
      return false;
    }
    await fs.rename(item.tmp, item.final);
    return true;
  }

  /**
   * Write a blob into `blobs/sha256/<hex>` as the SDK does: the content goes
   * to `blobs/sha256/.blob-XXXXXX.tmp` while its size and digest are
   * verified, is fsynced, then moved into place while the SDK's blob lock
   * (`blobs/.lock`) is held. A blob already present is kept (re-hashed, its
   * mtime refreshed) and the temporary file removed. Nothing is left behind
   * on failure. Concurrent pushes share the lock: the moves of the pushes
   * ready at the same time happen in one lock acquisition.
   *
   * @param expected The descriptor the content must match.
   * @param content Bytes or a stream.
   * @returns Nothing.
   * @throws {InvalidStateError} When opened read-only or closed.
   * @throws {SizeMismatchError} When the content's size differs.
   * @throws {DigestMismatchError} When the content's digest differs, or a present blob was altered.
   * @throws {UnsupportedError} When the runtime cannot take file locks.
   */
  push(
    expected: Descriptor,
    content: Uint8Array | ReadableStream<Uint8Array>,
  ): Promise<void> {
    const deno = content instanceof Uint8Array ? denoFs() : undefined;
    return deno === undefined
      ? this.#pushContent(expected, content)
      : this.#pushBytes(deno, expected, content as Uint8Array);
  }

  /**
   * `push` of bytes under Deno, in one async frame: verified (a writer's
   * `hashedCopy` by its size only, it was hashed as it was made), written to a
   * temporary file by synchronous calls, fsynced (the one call that goes to
   * the thread pool), then placed. While the blob waits on its fsync, this
   * frame, Deno's `sync` and the op's promise are all it keeps alive, and
   * not its bytes: ~1.3 KB of the JS heap a blob in flight, against ~2.7 KB
   * for the three frames before (BENCHMARKS.md, issue 13, branch i13wf).
   */
  async #pushBytes(deno: DenoFs, expected: Descriptor, content: Uint8Array): Promise<void> {
    this.#requireWritable("push");
    const d = parseDescriptor(expected, "push descriptor");
    const dir = `${this.root}/blobs/sha256`;
    await this.#blobDir(dir);
    await verifyVouchedPayload(content, d); // the push queue's private copy is not hashed twice
    if (await this.#keptHere(d, dir, content)) return;
    const tmp = `${dir}/${tempBlobName()}`;
    let file: DenoFsFile | undefined;
    try {
      file = deno.openSync(tmp, CREATE_NEW);
    } catch (e) {
      file = await this.#retryTemp(dir, tmp, e, () => deno.openSync(tmp, CREATE_NEW));
    }
    let placed = false;
    try {
      try {
        let off = 0;
        while (off < content.length) off += file.writeSync(content.subarray(off));
      } catch (e) {
        throw ioError(e, "write", tmp);
      }
      if (content.length !== d.size) throw new SizeMismatchError(d.digest, d.size, content.length);
      this.#pushedBytes.set(content, d.digest); // counts once placed (`#pushedHere`)
      content = undefined!; // the bytes are not kept while the fsync runs
      try {
        await file.sync();
      } catch (e) {
        throw ioError(e, "write", tmp);
      }
      file.close();
      file = undefined;
      this.#placedHere.delete(d.digest);
      placed = await this.#place(tmp, `${dir}/${d.digest.slice("sha256:".length)}`, d);
      this.#placedHere.add(d.digest);
    } finally {
      if (file !== undefined) {
        try {
          file.close();
        } catch { /* closed */ }
      }
      if (!placed) await removeFile(this.#fs, tmp);
    }
  }

  /**
   * Whether `content` (verified bytes for `d`) need not be written: this
   * target stored the blob before and it is still there, confirmed (re-hashed,
   * mtime refreshed) under the blob lock. A new blob is written without
   * looking first (the move into place refuses to replace one that appeared
   * meanwhile).
   */
  async #keptHere(d: Descriptor, dir: string, content: Uint8Array): Promise<boolean> {
    if (!this.#placedHere.has(d.digest) || !(await this.#blobs.exists(d))) return false;
    const final = `${dir}/${d.digest.slice("sha256:".length)}`;
    const kept = await withFileLock(`${this.root}/${BLOB_LOCK_FILE}`, async () => {
      if (!(await this.#blobs.exists(d))) return false;
      await this.#confirmExisting(d, final);
      return true;
    });
    if (kept) this.#pushedBytes.set(content, d.digest);
    return kept;
  }

  /** `push` of a stream, or of bytes outside Deno. */
  async #pushContent(
    expected: Descriptor,
    content: Uint8Array | ReadableStream<Uint8Array>,
  ): Promise<void> {
    try {
      this.#requireWritable("push");
    } catch (e) {
      if (content instanceof ReadableStream) await content.cancel().catch(() => {});
      throw e;
    }
    const d = parseDescriptor(expected, "push descriptor");
    const dir = `${this.root}/blobs/sha256`;
    try {
      await this.#blobDir(dir);
    } catch (e) {
      if (content instanceof ReadableStream) await content.cancel().catch(() => {});
      throw e;
    }
    if (content instanceof Uint8Array) {
      await verifyPayload(content, d);
      if (await this.#keptHere(d, dir, content)) return;
      await this.#writeTemp(dir, { bytes: content, d });
      this.#pushedBytes.set(content, d.digest);
      return;
    }
    const reader = content.getReader();
    try {
      await this.#writeTemp(dir, async (write) => {
        const verifier = await createVerifier(d);
        while (true) {
          const { done, value } = await reader.read();
          if (done) break;
          verifier.update(value); // throws before writing past the expected size
          await write(value);
        }
        await verifier.finish();
        return d;
      });
    } catch (e) {
      await reader.cancel().catch(() => {});
      throw e;
    } finally {
      reader.releaseLock();
    }
  }

  /**
   * Store a file's bytes, hashing them once: they are copied to a temporary
   * file in `blobs/sha256/`, which is fsynced and moved into place under the
   * digest found, as {@linkcode LocalRegistryTarget.push} does.
   *
   * A regular file is copied by the kernel (`Deno.copyFile`, in the
   * runtime's thread pool) while this thread hashes the staged copy as it
   * grows (`_hash_growing_copy.ts`; on Linux, elsewhere once it is complete):
   * the digest is of the bytes stored, also when the file changes meanwhile,
   * and the fsync starts as soon as the copy ends. The staged copy gets the
   * permissions a new blob has (the kernel copy gives it the source's). When
   * the kernel copy or the hash of the staged copy fails, or the file is not a
   * regular one, the copy is made again by the pipeline
   * (`_copy_hashing.ts`): the next 8 MiB are read in the runtime's thread
   * pool while this thread hashes and writes the current ones (64 KiB
   * writes), two buffers whatever the size, the data flushed every 64 MiB on
   * the way; its failures are the errors thrown.
   *
   * @param path The file.
   * @returns The digest and size stored under.
   * @throws {InvalidStateError} When opened read-only or closed.
   * @throws {IoError} When the file cannot be read or the copy written.
   */
  async pushFile(path: string): Promise<DigestedBlob> {
    this.#requireWritable("push");
    const dir = `${this.root}/blobs/sha256`;
    await this.#blobDir(dir);
    // Writable only where the runtime has file locks, that is under Deno.
    const deno = denoFs(false)!;
    let src: DenoFsFile;
    try {
      src = await deno.open(path, { read: true });
    } catch (e) {
      throw ioError(e, "read", path);
    }
    try {
      const regular = await src.stat().then((st) => st.isFile, () => false);
      const byKernel = regular
        ? await this.#stageFile(deno, dir, (tmp, out) => this.#copyByKernel(deno, path, tmp, out))
        : undefined;
      return byKernel ??
        (await this.#stageFile(
          deno,
          dir,
          (tmp, out) => this.#copyByPipeline(deno, src, path, tmp, out),
        ))!;
    } finally {
      src.close();
    }
  }

  /**
   * Copy `path` into the new temporary file `tmp` by the kernel, hashing the
   * staged copy; give it a new blob's permissions and fsync it. `undefined`
   * when the copy or its hash failed (the caller copies again by the
   * pipeline); a failed `chmod` or fsync throws.
   */
  async #copyByKernel(
    deno: DenoFs,
    path: string,
    tmp: string,
    out: DenoFsFile,
  ): Promise<{ hasher: Hasher; size: number } | undefined> {
    const mode = (await out.stat().catch((e) => {
      throw ioError(e, "write", tmp);
    })).mode;
    const hasher = await createHasher();
    const copying = deno.copyFile(path, tmp);
    // When the copy ends, while the hash catches up: the mode back, then the fsync (of both).
    const synced = copying.then(async () => {
      try {
        if (mode != null) await deno.chmod(tmp, mode & 0o7777);
        await out.sync();
      } catch (e) {
        throw ioError(e, "write", tmp);
      }
    });
    synced.catch(() => {}); // awaited below
    let size: number;
    try {
      size = await hashGrowingCopy(copying, out, hasher, { follow: deno.build.os === "linux" });
    } catch {
      await synced.catch(() => {}); // nothing may still use the copy
      return undefined;
    }
    try {
      await synced;
    } catch (e) {
      if (e instanceof IoError) throw e; // the chmod's or fsync's, not the copy's
      return undefined;
    }
    return { hasher, size };
  }

  /**
   * Copy `src` into the new temporary file `tmp` by the pipeline
   * (`_copy_hashing.ts`), hashing it, and fsync it.
   */
  async #copyByPipeline(
    deno: DenoFs,
    src: DenoFsFile,
    path: string,
    tmp: string,
    out: DenoFsFile,
  ): Promise<{ hasher: Hasher; size: number }> {
    // A second handle for the flushes on the way, so that they never queue behind the writes.
    let flusher: DenoFsFile | undefined;
    try {
      try {
        flusher = await deno.open(tmp, { write: true });
      } catch (e) {
        throw ioError(e, "write", tmp);
      }
      const hasher = await createHasher();
      const syncer = flusher;
      const size = await copyHashing(src, out, hasher, {
        sourcePath: path,
        sinkPath: tmp,
        syncData: () => syncer.syncData(),
      });
      await out.sync().catch((e) => {
        throw ioError(e, "write", tmp);
      });
      return { hasher, size };
    } finally {
      flusher?.close();
    }
  }

  /**
   * Create a temporary file in `dir`, fill, hash and fsync it by `fill`, and
   * move it into place under the digest found. `undefined` when `fill` gives
   * up; the temporary file is removed unless placed.
   */
  async #stageFile(
    deno: DenoFs,
    dir: string,
    fill: (tmp: string, out: DenoFsFile) => Promise<{ hasher: Hasher; size: number } | undefined>,
  ): Promise<DigestedBlob | undefined> {
    const tmp = `${dir}/${tempBlobName()}`;
    let out: DenoFsFile | undefined;
    let placed = false;
    try {
      try {
        out = await deno.open(tmp, { read: true, write: true, createNew: true });
      } catch (e) {
        throw ioError(e, "write", tmp);
      }
      const filled = await fill(tmp, out);
      if (filled === undefined) return undefined;
      out.close();
      out = undefined;
      const digest = `sha256:${await filled.hasher.digestHex()}`;
      const final = `${dir}/${digest.slice("sha256:".length)}`;
      const d = { mediaType: "application/octet-stream", digest, size: filled.size };
      this.#placedHere.delete(digest);
      placed = await this.#place(tmp, final, d);
      this.#placedHere.add(digest);
      return { digest, size: filled.size };
    } finally {
      out?.close();
      if (!placed) await removeFile(this.#fs, tmp);
    }
  }

  /**
   * After creating the temporary file `tmp` failed with `error`: when the
   * blob directory `dir` went away (removed by hand), create it again and
   * `open` once more; otherwise throw the failure as the write's I/O error.
   */
  async #retryTemp<T>(
    dir: string,
    tmp: string,
    error: unknown,
    open: () => T | Promise<T>,
  ): Promise<T> {
    if (!isNotFound(error)) throw ioError(error, "write", tmp);
    this.#blobDirReady = false;
    await this.#blobDir(dir);
    try {
      return await open();
    } catch (e) {
      throw ioError(e, "write", tmp);
    }
  }

  /**
   * Write a temporary blob file (a stream through `fill`, or verified bytes
   * and their descriptor outside Deno; see {@linkcode #pushBytes}), fsync
   * it, check its size and move it into place (or drop it when the blob
   * appeared meanwhile).
   */
  async #writeTemp(
    dir: string,
    fill:
      | { bytes: Uint8Array; d: Descriptor }
      | ((write: (chunk: Uint8Array) => Promise<void>) => Promise<Descriptor>),
  ): Promise<void> {
    const fs = this.#fs;
    const tmp = `${dir}/${tempBlobName()}`;
    const open = () => openTemp(fs, tmp);
    let handle: TempFile | undefined;
    try {
      handle = await open();
    } catch (e) {
      handle = await this.#retryTemp(dir, tmp, e, open);
    }
    let placed = false;
    try {
      let written = 0;
      const write = async (chunk: Uint8Array) => {
        try {
          await handle!.write(chunk);
        } catch (e) {
          throw ioError(e, "write", tmp);
        }
        written += chunk.length;
      };
      let d: Descriptor;
      if (typeof fill === "function") {
        d = await fill(write);
      } else {
        await write(fill.bytes);
        d = fill.d;
      }
      const final = `${dir}/${d.digest.slice("sha256:".length)}`;
      await handle.sync().catch((e) => {
        throw ioError(e, "write", tmp);
      });
      await handle.close();
      handle = undefined;
      if (written !== d.size) throw new SizeMismatchError(d.digest, d.size, written);
      this.#placedHere.delete(d.digest);
      placed = await this.#place(tmp, final, d);
      this.#placedHere.add(d.digest);
    } finally {
      await handle?.close().catch(() => {});
      if (!placed) await removeFile(fs, tmp);
    }
  }

  /**
   * Point an image name at a manifest already pushed, as the SDK's commit
   * and import publish: the manifest and every blob it names must be
   * present; then, in one `BEGIN IMMEDIATE` transaction, the `refs` row is
   * inserted and the `artifact_manifests` row (plus `experiment_configs` for
   * an Experiment) filled. A name already pointing at this digest is left
   * as is; one pointing elsewhere is refused, never moved (the SDK refuses
   * too). The whole check-and-publish holds the SDK's GC exclusion lock, so
   * a concurrent `ommx gc` cannot delete blobs between the check and the ref.
   *
   * With `known` (the manifest and config bytes this target pushed a moment
   * before, see {@linkcode KnownManifest}) the manifest and config are not
   * read back and the manifest is not parsed again; the rows written are the
   * same bytes. Every blob's presence is still checked.
   *
   * @param descriptor The manifest descriptor (image manifest media type).
   * @param reference The full image name, canonicalised as the SDK does (`docs/glossary.md#canonical-image-name`).
   * @param known What the caller holds of a manifest it pushed here (optional).
   * @returns Nothing.
   * @throws {InvalidStateError} When opened read-only or closed.
   * @throws {ReferenceConflictError} When the name points at another manifest (code `ALREADY_EXISTS`).
   * @throws {BlobNotFoundError} When the manifest or one of its blobs is missing.
   * @throws {InvalidArgumentError} When the descriptor is not an image manifest, or a digest reference names another digest.
   * @throws {UnsupportedError} When the manifest's `artifactType` is not an OMMX one.
   * @throws {InvalidReferenceError} When the name does not parse.
   */
  async tag(descriptor: Descriptor, reference: string, known?: KnownManifest): Promise<void> {
    this.#requireWritable("tag");
    const d = parseDescriptor(descriptor, "tag descriptor");
    if (d.mediaType !== MEDIA_TYPE_IMAGE_MANIFEST) {
      throw new InvalidArgumentError(
        `tag: ${d.digest} has media type ${
          JSON.stringify(d.mediaType)
        }; the local registry names only '${MEDIA_TYPE_IMAGE_MANIFEST}'`,
      );
    }
    await this.#publishExisting("tag", d.digest, d.size, reference, false, known);
  }

  /** Whether `bytes` is an array this target pushed under `digest`. */
  #pushedHere(bytes: Uint8Array | undefined, digest: string): bytes is Uint8Array {
    return bytes !== undefined && this.#pushedBytes.get(bytes) === digest &&
      this.#placedHere.has(digest);
  }

  /**
   * Publish an existing manifest closure under a name, holding the GC
   * exclusion lock from the check to the insert: the SDK's
   * `publish_existing_manifest_ref`. With `verify`, every config, layer and
   * subject blob is re-hashed (and the subject's closure walked), as the SDK's
   * `restore_image` / `tag_as` do; without, their presence with the declared
   * size is enough (the blobs were just pushed and verified).
   */
  async #publishExisting(
    operation: string,
    digest: string,
    size: number | undefined,
    reference: string,
    verify: boolean,
    known?: KnownManifest,
  ): Promise<"inserted" | "unchanged"> {
    const ref = parseReference(reference);
    const name = repositoryKey(ref);
    const key = referenceKey(ref);
    const display = formatReference(ref);
    if (ref.digest !== undefined && ref.digest !== digest) {
      throw new InvalidArgumentError(
        `${operation}: ${display} names a digest other than ${digest}`,
      );
    }
    return await withFileLock(`${this.root}/${GC_EXCLUSION_LOCK_FILE}`, async () => {
      // Bytes this target pushed and hashed itself under this digest are
      // not read back; any other manifest is read, hashed and parsed.
      const own = known !== undefined && this.#pushedHere(known.bytes, digest) ? known : undefined;
      const bytes = own?.bytes ?? await this.#readManifest(digest);
      if (size !== undefined && bytes.length !== size) {
        throw new SizeMismatchError(digest, size, bytes.length);
      }
      const manifest = own?.manifest ?? parseManifest(bytes).manifest;
      const artifactType = manifest.artifactType;
      if (artifactType !== OMMX_ARTIFACT_TYPE && artifactType !== OMMX_EXPERIMENT_ARTIFACT_TYPE) {
        throw new UnsupportedError(
          `${operation}: ${digest} has artifactType ${
            JSON.stringify(artifactType ?? null)
          }; the OMMX local registry holds only '${OMMX_ARTIFACT_TYPE}' and '${OMMX_EXPERIMENT_ARTIFACT_TYPE}'`,
        );
      }
      if (verify) {
        await this.#verifyClosure(manifest, new Set([digest]));
      } else {
        const blobs = [manifest.config, ...manifest.layers];
        const present = await mapBounded(blobs, EXISTS_CONCURRENCY, (b) => this.#blobs.exists(b));
        const missing = present.indexOf(false);
        // The first missing blob in manifest order, as the one-by-one check named it.
        if (missing >= 0) throw new BlobNotFoundError(blobs[missing]!.digest, this.location);
      }
      let configJson: Uint8Array | undefined;
      if (artifactType === OMMX_EXPERIMENT_ARTIFACT_TYPE) {
        if (manifest.config.mediaType !== OMMX_EXPERIMENT_CONFIG_MEDIA_TYPE) {
          throw new InvalidArtifactError(
            `${operation}: Experiment ${digest} has config media type ${
              JSON.stringify(manifest.config.mediaType)
            }, expected '${OMMX_EXPERIMENT_CONFIG_MEDIA_TYPE}'`,
          );
        }
        configJson = this.#pushedHere(own?.configBytes, manifest.config.digest) &&
            own.configBytes.length === manifest.config.size
          ? own.configBytes
          : await this.#blobs.fetch(manifest.config);
      }
      const db = this.#requireWritable(operation);
      return sqlite(this.#indexPath, () =>
        immediate(db, () => {
          let outcome: "inserted" | "unchanged" = "unchanged";
          const row = db
            .prepare("SELECT manifest_digest FROM refs WHERE name = ? AND reference = ?")
            .get(name, key) as Record<string, unknown> | undefined;
          if (row) {
            const existing = text(row, "manifest_digest", `${this.location} refs`);
            if (existing !== digest) {
              throw new ReferenceConflictError(display, existing, digest, this.location);
            }
          } else {
            db.prepare(
              "INSERT INTO refs (name, reference, manifest_digest, updated_at) VALUES (?, ?, ?, ?)",
            ).run(name, key, digest, rfc3339Utc(new Date()));
            outcome = "inserted";
          }
          db.prepare(
            `INSERT INTO artifact_manifests (manifest_digest, manifest_json, artifact_type, config_digest)
           VALUES (?, ?, ?, ?)
           ON CONFLICT(manifest_digest) DO UPDATE SET
             manifest_json = excluded.manifest_json,
             artifact_type = excluded.artifact_type,
             config_digest = excluded.config_digest`,
          ).run(digest, bytes, artifactType, manifest.config.digest);
          if (configJson !== undefined) {
            db.prepare(
              `INSERT INTO experiment_configs (config_digest, config_json) VALUES (?, ?)
             ON CONFLICT(config_digest) DO UPDATE SET config_json = excluded.config_json`,
            ).run(manifest.config.digest, configJson);
          }
          return outcome;
        }));
    });
  }

  /** Re-hash every config and layer blob, and walk the subject's closure. */
  async #verifyClosure(manifest: ImageManifest, visited: Set<string>): Promise<void> {
    for (const blob of [manifest.config, ...manifest.layers]) {
      const reader = this.#blobs.fetchStream(blob).getReader();
      try {
        while (!(await reader.read()).done) { /* the stream verifies size and digest */ }
      } finally {
        reader.releaseLock();
      }
    }
    const subject = manifest.subject;
    if (subject === undefined || visited.has(subject.digest)) return;
    visited.add(subject.digest);
    const bytes = await this.#readManifest(subject.digest);
    if (bytes.length !== subject.size) {
      throw new SizeMismatchError(subject.digest, subject.size, bytes.length);
    }
    await this.#verifyClosure(parseManifest(bytes).manifest, visited);
  }

  // ---- catalogue and maintenance (the SDK's list/rm/restore/prune/gc) ----

  /**
   * The registry's id (`ommx_local_registry_metadata.registry_id`, 32
   * lowercase hex characters), from which the SDK derives the
   * `<id8>.ommx.local/…` names of anonymous Artifacts and checkpoints. The SDK
   * inserts it the first time it needs such a name; with `create` (and a
   * writable registry) this does the same (`INSERT OR IGNORE` of a random
   * UUID v4).
   *
   * @param options `create`: insert an id when there is none.
   * @returns The id, or `null` when there is none (and `create` is not set).
   * @throws {InvalidStateError} When `create` is set on a read-only registry.
   */
  registryId(options: { create?: boolean } = {}): Promise<string | null> {
    try {
      const db = options.create === true ? this.#requireWritable("registryId") : this.#database();
      const read = () => {
        const row = db.prepare(
          "SELECT value FROM ommx_local_registry_metadata WHERE key = 'registry_id'",
        ).get() as Record<string, unknown> | undefined;
        return row === undefined ? null : text(row, "value", `${this.location} metadata`);
      };
      const found = sqlite(this.#indexPath, read);
      if (found !== null || options.create !== true) return Promise.resolve(found);
      sqlite(this.#indexPath, () =>
        db.prepare(
          "INSERT OR IGNORE INTO ommx_local_registry_metadata (key, value) VALUES ('registry_id', ?)",
        ).run(newRegistryId()));
      return Promise.resolve(sqlite(this.#indexPath, read));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Remove one ref (the SDK's `remove_image`): in one `BEGIN IMMEDIATE`
   * transaction the row is read and deleted, and the listing-cache rows no
   * ref uses any more are dropped. Blobs are left for {@linkcode
   * LocalRegistryTarget.collectGarbage}.
   *
   * @param imageName The image name (canonicalised).
   * @returns The removed row (its digest restores it), or `null` when the name was not present.
   * @throws {InvalidReferenceError} When the name does not parse.
   * @throws {InvalidStateError} When opened read-only or closed.
   */
  removeReference(imageName: string): Promise<LocalRegistryEntry | null> {
    try {
      const ref = parseReference(imageName);
      const name = repositoryKey(ref);
      const key = referenceKey(ref);
      const db = this.#requireWritable("removeReference");
      return Promise.resolve(sqlite(this.#indexPath, () =>
        immediate(db, () => {
          const row = db.prepare(
            "SELECT name, reference, manifest_digest, updated_at FROM refs WHERE name = ? AND reference = ?",
          ).get(name, key) as Record<string, unknown> | undefined;
          let removed: LocalRegistryEntry | null = null;
          if (row !== undefined) {
            removed = this.#entry(row);
            db.prepare("DELETE FROM refs WHERE name = ? AND reference = ?").run(name, key);
          }
          pruneListingCache(db);
          return removed;
        })));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Point a name at a manifest still present in the store (the SDK's
   * `restore_image`, also what its `tag_as` does): the manifest, its config
   * and layers and its subject's closure are re-hashed, then the ref is
   * inserted, all while holding the GC exclusion lock. A name already
   * pointing at this digest is left as is; one pointing elsewhere is never
   * moved.
   *
   * @param imageName The image name (canonicalised).
   * @param manifestDigest The manifest digest, e.g. from {@linkcode LocalRegistryTarget.removeReference}.
   * @returns `inserted`, or `unchanged` when the name already pointed there.
   * @throws {InvalidArgumentError} When the digest is malformed.
   * @throws {ReferenceConflictError} When the name points at another manifest.
   * @throws {BlobNotFoundError} When the manifest or a blob of its closure is missing.
   * @throws {DigestMismatchError} When a blob of the closure was altered.
   * @throws {UnsupportedError} When the manifest is not an OMMX artifact.
   */
  async restoreReference(
    imageName: string,
    manifestDigest: string,
  ): Promise<"inserted" | "unchanged"> {
    if (!isDigest(manifestDigest)) {
      throw new InvalidArgumentError(
        `invalid manifest digest ${
          JSON.stringify(manifestDigest)
        } (expected sha256:<64 lowercase hex>)`,
      );
    }
    this.#requireWritable("restoreReference");
    return await this.#publishExisting("restore", manifestDigest, undefined, imageName, true);
  }

  /**
   * Delete refs only while they still match the given rows (name, reference,
   * digest and `updated_at`), in one `BEGIN IMMEDIATE` transaction that also
   * drops unused listing-cache rows: the SDK's compare-and-delete for
   * `prune_anonymous`, so a ref replaced in the meantime survives.
   *
   * @param entries Rows from {@linkcode LocalRegistryTarget.listReferences}.
   * @returns The rows actually deleted.
   * @throws {InvalidStateError} When opened read-only or closed.
   */
  pruneReferences(entries: readonly LocalRegistryEntry[]): Promise<LocalRegistryEntry[]> {
    try {
      const db = this.#requireWritable("pruneReferences");
      return Promise.resolve(sqlite(this.#indexPath, () =>
        immediate(db, () => {
          const removed: LocalRegistryEntry[] = [];
          const del = db.prepare(
            "DELETE FROM refs WHERE name = ? AND reference = ? AND manifest_digest = ? AND updated_at = ?",
          );
          for (const e of entries) {
            const result = del.run(e.repository, e.reference, e.manifestDigest, e.updatedAt);
            if (Number(result.changes) > 0) removed.push(e);
          }
          pruneListingCache(db);
          return removed;
        })));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * One garbage-collection pass, as the SDK's `gc`: every ref is a root, the
   * closure of its manifest (config, layers, subject) is reachable; every
   * other blob is an orphan candidate once its mtime is `graceSeconds` old.
   * With `delete`, the pass holds the GC exclusion lock throughout and each
   * candidate is re-checked under the blob lock just before it is unlinked
   * (a writer that re-put it meanwhile refreshed its mtime, so it is kept).
   *
   * @param options `delete` (default `false`: report only) and `graceSeconds` (default 24 h).
   * @returns What was reachable, missing, invalid, deferred, deleted and skipped.
   * @throws {InvalidStateError} When `delete` is set on a read-only registry.
   */
  async collectGarbage(
    options: { delete?: boolean; graceSeconds?: number; now?: () => number } = {},
  ): Promise<GcPassResult> {
    const remove = options.delete === true;
    const db = remove ? this.#requireWritable("collectGarbage") : this.#database();
    const input = {
      root: this.root,
      db,
      fs: this.#fs,
      delete: remove,
      graceSeconds: options.graceSeconds ?? 24 * 3600,
      maxManifestSize: this.#maxManifestSize,
      ...(options.now === undefined ? {} : { now: options.now }),
    };
    try {
      if (!remove) return await collectGarbage(input);
      return await withFileLock(
        `${this.root}/${GC_EXCLUSION_LOCK_FILE}`,
        () => collectGarbage(input),
      );
    } catch (e) {
      throw databaseError(e, this.#indexPath);
    }
  }

  /**
   * The listing rows of every ref whose image name (`name:reference`, or
   * `name@digest`) starts with `prefix`: the ref and, when cached, the
   * manifest bytes, artifact type and config digest the SDK keeps in
   * `artifact_manifests` and the config bytes of `experiment_configs`. Values
   * are returned as stored (unchecked); the catalogue verifies them.
   *
   * @param prefix Image-name prefix (none: every ref).
   * @returns One row per ref, in `(name, reference)` order.
   */
  catalogueRows(prefix?: string): Promise<LocalRegistryCatalogueRow[]> {
    try {
      const db = this.#database();
      const select = `SELECT refs.name AS name, refs.reference AS reference,
          refs.manifest_digest AS manifest_digest, refs.updated_at AS updated_at,
          artifact_manifests.manifest_digest AS cached_digest,
          artifact_manifests.manifest_json AS manifest_json,
          artifact_manifests.artifact_type AS artifact_type,
          artifact_manifests.config_digest AS config_digest,
          experiment_configs.config_json AS config_json
        FROM refs
        LEFT JOIN artifact_manifests ON refs.manifest_digest = artifact_manifests.manifest_digest
        LEFT JOIN experiment_configs ON artifact_manifests.config_digest = experiment_configs.config_digest`;
      const order = " ORDER BY refs.name, refs.reference";
      const rows = sqlite(
        this.#indexPath,
        () =>
          prefix === undefined ? db.prepare(select + order).all() : db.prepare(
            `${select} WHERE substr(refs.name || CASE WHEN instr(refs.reference, ':') > 0 THEN '@' ELSE ':' END || refs.reference, 1, ?) = ?${order}`,
          ).all([...prefix].length, prefix),
      ) as Record<string, unknown>[];
      return Promise.resolve(rows.map((r) => ({
        name: r.name,
        reference: r.reference,
        manifestDigest: r.manifest_digest,
        updatedAt: r.updated_at,
        cached: r.cached_digest !== null && r.cached_digest !== undefined,
        manifestJson: r.manifest_json,
        artifactType: r.artifact_type,
        configDigest: r.config_digest,
        configJson: r.config_json ?? null,
      })));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Read a manifest blob by digest, verified (size-limited as `resolve`).
   *
   * @param digest The manifest digest.
   * @returns The verified bytes.
   * @throws {BlobNotFoundError} When the blob is missing.
   * @throws {DigestMismatchError} When it was altered.
   */
  async fetchManifestBytes(digest: string): Promise<Uint8Array> {
    if (!isDigest(digest)) {
      throw new InvalidArgumentError(`invalid manifest digest ${JSON.stringify(digest)}`);
    }
    return await this.#readManifest(digest);
  }

  #entry(row: Record<string, unknown>): LocalRegistryEntry {
    const where = `${this.location} refs`;
    const repository = text(row, "name", where);
    const reference = text(row, "reference", where);
    return {
      imageName: isDigest(reference) ? `${repository}@${reference}` : `${repository}:${reference}`,
      repository,
      reference,
      manifestDigest: text(row, "manifest_digest", where),
      updatedAt: text(row, "updated_at", where),
    };
  }

  /**
   * Close the SQLite connection. Idempotent.
   *
   * @returns Nothing.
   */
  close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    db?.close();
    return Promise.resolve();
  }

  /**
   * Same as {@linkcode LocalRegistryTarget.close}, for `await using`.
   *
   * @returns Nothing.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function manifestMediaType(bytes: Uint8Array, digest: string, location: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new InvalidArtifactError(`${location}: manifest ${digest} is not JSON`, { cause });
  }
  const mediaType = typeof doc === "object" && doc !== null
    ? (doc as { mediaType?: unknown }).mediaType
    : undefined;
  if (mediaType === MEDIA_TYPE_ARTIFACT_MANIFEST) {
    throw new InvalidArtifactError(
      `${location}: manifest ${digest} uses the deprecated OCI artifact manifest media type`,
    );
  }
  if (mediaType === MEDIA_TYPE_IMAGE_INDEX) {
    throw new InvalidArtifactError(
      `${location}: ${digest} is an image index, expected an image manifest`,
    );
  }
  if (mediaType !== undefined && mediaType !== MEDIA_TYPE_IMAGE_MANIFEST) {
    throw new InvalidArtifactError(
      `${location}: manifest ${digest} has media type ${
        JSON.stringify(mediaType)
      }, expected '${MEDIA_TYPE_IMAGE_MANIFEST}'`,
    );
  }
  return MEDIA_TYPE_IMAGE_MANIFEST;
}

/**
 * Open the OMMX Local Registry. Read-only by default: the SQLite index is
 * opened with `readOnly: true` and the schema version must be
 * {@linkcode LOCAL_REGISTRY_SCHEMA_VERSION}. With `writable: true` the index
 * is opened for writing as the SDK opens it (30 s busy timeout, WAL) and its
 * tables are checked column by column; with `create: true` as well, a root
 * without an index becomes a new, empty registry (the SDK's schema version 2).
 *
 * @example Open a registry written by the SDK and list what it holds
 * ```ts ignore
 * import { openLocalRegistry } from "./local_registry.ts";
 *
 * await using registry = await openLocalRegistry();
 * for (const entry of await registry.listReferences()) console.log(entry.imageName);
 * ```
 *
 * @example A directory without an index is rejected, unless asked to create one
 * ```ts
 * import { openLocalRegistry } from "./local_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * await assert.rejects(openLocalRegistry({ root }), { code: "INVALID_ARGUMENT" });
 * const created = await openLocalRegistry({ root, writable: true, create: true });
 * assert.equal(created.schemaVersion, 2);
 * assert.deepEqual(await created.listReferences(), []);
 * await created.close();
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param options Root directory (default: as the SDK), default image name, chunk size, manifest size limit, `writable`, `create`.
 * @returns The target; close it to release the database.
 * @throws {InvalidArgumentError} When the root holds no `index.sqlite3` (and `create` is not set), or `create` is given without `writable`.
 * @throws {UnsupportedError} When the schema version is not 2, or `node:sqlite` (or, for writing, file locking) is unavailable.
 */
export async function openLocalRegistry(
  options: OpenLocalRegistryOptions = {},
): Promise<LocalRegistryTarget> {
  const writable = options.writable === true;
  if (options.create === true && !writable) {
    throw new InvalidArgumentError("openLocalRegistry: create needs writable: true");
  }
  if (writable && !canLockFiles()) {
    throw new UnsupportedError(
      "writing the OMMX local registry needs file locks (Deno.FsFile.lock); this runtime has none",
    );
  }
  const root = (options.root ?? await defaultLocalRegistryRoot()).replace(/\/+$/, "") || "/";
  const fs = lazyNodeFs();
  const indexPath = `${root}/${LOCAL_REGISTRY_INDEX_FILE}`;
  const creating = !(await denoIndexPresent(indexPath) ?? await indexPresent(fs, root, indexPath));
  if (creating && options.create !== true) {
    throw new InvalidArgumentError(
      `no OMMX local registry at ${root} (no ${LOCAL_REGISTRY_INDEX_FILE})`,
    );
  }
  let sqliteModule: Sqlite;
  try {
    sqliteModule = await import("node:sqlite");
  } catch {
    throw new UnsupportedError(
      "reading the OMMX local registry needs node:sqlite (Deno 2.2+, Node 22.5+)",
    );
  }
  if (creating) await makeDirectory(fs, `${root}/blobs`);
  let db: Database;
  try {
    db = new sqliteModule.DatabaseSync(indexPath, { readOnly: !writable });
  } catch (cause) {
    throw databaseError(cause, indexPath);
  }
  try {
    const version = sqlite(indexPath, () => {
      if (writable) {
        configureConnection(db);
        // Also right for an index the SDK created a moment ago and has not filled yet.
        return initializeSchema(db, indexPath);
      }
      db.exec("PRAGMA busy_timeout = 30000");
      return userVersion(db);
    });
    if (version !== LOCAL_REGISTRY_SCHEMA_VERSION) {
      throw new UnsupportedError(
        `${indexPath}: local registry schema version ${version} is not supported (expected ${LOCAL_REGISTRY_SCHEMA_VERSION})`,
      );
    }
    if (writable) sqlite(indexPath, () => checkSchemaColumns(db, indexPath));
    const blobs = new LayoutDirTarget(
      root,
      parseOciLayout(encodeOciLayout()),
      fs,
      options.chunkSize ?? 1 << 20,
    );
    return new LocalRegistryTarget({
      root,
      db,
      schemaVersion: version,
      blobs,
      fs,
      maxManifestSize: options.maxManifestSize ?? MAX_MANIFEST_SIZE,
      imageName: options.imageName,
      writable,
    });
  } catch (e) {
    db.close();
    throw e;
  }
}
