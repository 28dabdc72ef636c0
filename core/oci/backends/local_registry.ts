/**
 * A read-only {@linkcode ReadOnlyTarget} over the OMMX Local Registry of the
 * Python/Rust SDK: an SQLite index (`index.sqlite3`, table `refs`) mapping
 * image names to manifest digests, and a blob store `blobs/sha256/<hex>`.
 *
 * The registry is the SDK's private store and its layout may change, so the
 * schema version (`PRAGMA user_version`) is checked on open. Every blob read
 * is verified against its size and digest. Deno/Node only: `node:sqlite`,
 * `node:fs/promises`, `node:os` and `node:process` are imported lazily, so a
 * browser bundle that never calls {@linkcode openLocalRegistry} is unaffected.
 *
 * @module
 */
import {
  BlobNotFoundError,
  InvalidArgumentError,
  InvalidArtifactError,
  UnsupportedError,
} from "../../errors.ts";
import type { Descriptor } from "../descriptor.ts";
import { isDigest, verifyBytes } from "../digest.ts";
import { encodeOciLayout, parseOciLayout } from "../layout.ts";
import {
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_ARTIFACT_MANIFEST,
  MEDIA_TYPE_IMAGE_INDEX,
  MEDIA_TYPE_IMAGE_MANIFEST,
} from "../media_types.ts";
import { formatReference, parseReference, referenceKey, repositoryKey } from "../reference.ts";
import type { FetchOptions, ReadOnlyTarget } from "../storage.ts";
import { LayoutDirTarget } from "./layout_dir.ts";

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

/** Options of {@linkcode openLocalRegistry}. */
export interface OpenLocalRegistryOptions {
  /** Registry root; default: `OMMX_LOCAL_REGISTRY_ROOT`, else the OS data directory. */
  root?: string;
  /** Chunk size for streaming reads (default 1 MiB). */
  chunkSize?: number;
  /** Largest manifest accepted by {@linkcode LocalRegistryTarget.resolve} (default 4 MiB). */
  maxManifestSize?: number;
  /** The image name `resolve()` uses when called without one. */
  imageName?: string;
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
 * The registry root of this process (reads the environment, platform and home
 * directory through `node:process` / `node:os`).
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
type Database = InstanceType<Sqlite["DatabaseSync"]>;

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
 * The OMMX Local Registry, read-only. Create with {@linkcode openLocalRegistry}.
 */
export class LocalRegistryTarget implements ReadOnlyTarget {
  /** `local registry <root>`, for messages. */
  readonly location: string;
  /** The registry root directory. */
  readonly root: string;
  /** The schema version found (`PRAGMA user_version`). */
  readonly schemaVersion: number;
  #db: Database | undefined;
  #blobs: LayoutDirTarget;
  #maxManifestSize: number;
  #defaultName: string | undefined;

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
    maxManifestSize: number;
    imageName?: string | undefined;
  }) {
    this.root = init.root;
    this.location = `local registry ${init.root}`;
    this.#db = init.db;
    this.schemaVersion = init.schemaVersion;
    this.#blobs = init.blobs;
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
      const rows = this.#database()
        .prepare(
          "SELECT name, reference, manifest_digest, updated_at FROM refs ORDER BY name, reference",
        )
        .all() as Record<string, unknown>[];
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
    const row = db
      .prepare("SELECT manifest_digest FROM refs WHERE name = ? AND reference = ?")
      .get(name, key) as Record<string, unknown> | undefined;
    const display = formatReference(ref);
    if (row) return { digest: text(row, "manifest_digest", `${this.location} refs`), display };
    if (ref.digest !== undefined) {
      // A digest reference also resolves when any tag of the repository points at it.
      const byDigest = db
        .prepare("SELECT manifest_digest FROM refs WHERE name = ? AND manifest_digest = ? LIMIT 1")
        .get(name, ref.digest) as Record<string, unknown> | undefined;
      if (byDigest) return { digest: ref.digest, display };
    }
    throw new BlobNotFoundError(display, this.location);
  }

  /**
   * Resolve an image name through the `refs` table, then read and verify the
   * manifest blob to learn its media type and size. With no name, the one
   * given to {@linkcode openLocalRegistry} as `imageName`; without that, the
   * registry must hold exactly one ref.
   *
   * @param imageName An image name, canonicalised as the SDK does (§1.1).
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
    const fs = await import("node:fs/promises");
    const path = `${this.root}/blobs/sha256/${digest.slice(7)}`;
    let bytes: Uint8Array;
    try {
      const st = await fs.stat(path);
      if (st.size > this.#maxManifestSize) {
        throw new InvalidArtifactError(
          `${this.location}: manifest ${digest} is ${st.size} bytes (limit ${this.#maxManifestSize})`,
        );
      }
      const buf = await fs.readFile(path);
      bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
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
 * Open the OMMX Local Registry read-only. The SQLite index is opened with
 * `readOnly: true`; the schema version must be
 * {@linkcode LOCAL_REGISTRY_SCHEMA_VERSION}.
 *
 * @example Open a registry written by the SDK and list what it holds
 * ```ts ignore
 * import { openLocalRegistry } from "./local_registry.ts";
 *
 * await using registry = await openLocalRegistry();
 * for (const entry of await registry.listReferences()) console.log(entry.imageName);
 * ```
 *
 * @example A directory without an index is rejected
 * ```ts
 * import { openLocalRegistry } from "./local_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * await assert.rejects(openLocalRegistry({ root }), { code: "INVALID_ARGUMENT" });
 * await Deno.remove(root);
 * ```
 *
 * @param options Root directory (default: as the SDK), default image name, chunk size, manifest size limit.
 * @returns The target; close it to release the database.
 * @throws {InvalidArgumentError} When the root holds no `index.sqlite3`.
 * @throws {UnsupportedError} When the schema version is not 2, or `node:sqlite` is unavailable.
 */
export async function openLocalRegistry(
  options: OpenLocalRegistryOptions = {},
): Promise<LocalRegistryTarget> {
  const root = (options.root ?? await defaultLocalRegistryRoot()).replace(/\/+$/, "") || "/";
  const fs = await import("node:fs/promises");
  const indexPath = `${root}/${LOCAL_REGISTRY_INDEX_FILE}`;
  try {
    const st = await fs.stat(indexPath);
    if (!st.isFile()) throw new InvalidArgumentError(`${indexPath} is not a file`);
  } catch (e) {
    if (isNotFound(e)) {
      throw new InvalidArgumentError(
        `no OMMX local registry at ${root} (no ${LOCAL_REGISTRY_INDEX_FILE})`,
      );
    }
    throw e;
  }
  let sqlite: Sqlite;
  try {
    sqlite = await import("node:sqlite");
  } catch {
    throw new UnsupportedError(
      "reading the OMMX local registry needs node:sqlite (Deno 2.2+, Node 22.5+)",
    );
  }
  let db: Database;
  try {
    db = new sqlite.DatabaseSync(indexPath, { readOnly: true });
  } catch (cause) {
    throw new InvalidArgumentError(
      `cannot open ${indexPath}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  try {
    db.exec("PRAGMA busy_timeout = 30000");
    const row = db.prepare("PRAGMA user_version").get() as Record<string, unknown> | undefined;
    const version = Number(row?.user_version);
    if (version !== LOCAL_REGISTRY_SCHEMA_VERSION) {
      throw new UnsupportedError(
        `${indexPath}: local registry schema version ${version} is not supported (expected ${LOCAL_REGISTRY_SCHEMA_VERSION})`,
      );
    }
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
      maxManifestSize: options.maxManifestSize ?? 4 << 20,
      imageName: options.imageName,
    });
  } catch (e) {
    db.close();
    throw e;
  }
}
