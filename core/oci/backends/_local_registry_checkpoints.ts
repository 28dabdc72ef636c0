// Private: what Experiment checkpoints need from the OMMX Local Registry of
// the Python/Rust SDK (schema version 2, ommx 3.0.0b7) beyond what
// LocalRegistryTarget offers (registry id, ref removal, listing), on a
// connection of their own:
//
// - replacing a ref as the SDK's `replace_experiment_ref` does: in one
//   `BEGIN IMMEDIATE` transaction upsert `refs` (new `updated_at`), upsert
//   `artifact_manifests` and, for an Experiment, `experiment_configs`, and
//   delete cache rows no ref reaches any more (deleted before the upserts:
//   the same end state, the old rows' pages reused) — or, for a draft
//   checkpoint, the ref and the deletion only: the rows are a listing cache
//   every SDK listing backfills from the blobs (see docs/format-notes.md,
//   "Experiment checkpoints");
// - blobs written with a record of whether this process created them, and
//   removing such a blob later only while nobody touched it since (the SDK
//   refreshes the mtime of a blob it finds present, under `blobs/.lock`).
import { InvalidArgumentError, UnsupportedError } from "../../errors.ts";
import { verifyBytes } from "../digest.ts";
import {
  BLOB_LOCK_FILE,
  configureConnection,
  type Database,
  GC_EXCLUSION_LOCK_FILE,
  immediate,
  pruneListingCache,
  rfc3339Utc,
  SCHEMA_VERSION,
  sqlite,
  tempBlobName,
  userVersion,
  withFileLock,
} from "./_local_registry_store.ts";

/** Pages in the WAL before this connection's commits run a WAL checkpoint (SQLite's default: 1,000). */
export const WAL_AUTOCHECKPOINT_PAGES = 16_384;

/** Options of {@linkcode RegistryIndex.replaceRef}. */
export interface ReplaceRefOptions {
  /**
   * Write the `artifact_manifests` / `experiment_configs` rows of the new
   * target (default `true`, as the SDK's `replace_experiment_ref`). With
   * `false` only the ref changes (and unreachable rows are deleted as
   * always): the SDK's and our listings backfill a missing row from the
   * manifest and config blobs, so this skips copying a large checkpoint's
   * manifest and config into the index on every autosave.
   */
  readonly listingCache?: boolean;
}

/** What a ref replacement or removal did. */
export type RefUpdate = "inserted" | "replaced" | "unchanged";

/** The manifest to point a ref at, with the bytes the listing caches keep. */
export interface PublishedManifest {
  /** The manifest digest. */
  readonly digest: string;
  /** The manifest bytes. */
  readonly bytes: Uint8Array;
  /** Its `artifactType`. */
  readonly artifactType: string;
  /** Its config digest. */
  readonly configDigest: string;
  /** The config bytes (Experiments: cached in `experiment_configs`). */
  readonly configJson?: Uint8Array;
}

/**
 * A second connection to a Local Registry index, for checkpoint refs.
 * Open with {@linkcode openRegistryIndex}; close when done.
 */
export class RegistryIndex {
  readonly #db: Database;
  /** The index file path, for messages. */
  readonly path: string;
  /** Whether the connection may write. */
  readonly writable: boolean;

  /**
   * Use {@linkcode openRegistryIndex}.
   *
   * @param db The connection.
   * @param path The index file.
   * @param writable Whether writes are allowed.
   */
  constructor(db: Database, path: string, writable: boolean) {
    this.#db = db;
    this.path = path;
    this.writable = writable;
  }

  /**
   * The manifest digest `name:reference` points at, or `null`.
   *
   * @param name Repository key.
   * @param reference Tag or digest.
   * @returns The digest or `null`.
   */
  resolve(name: string, reference: string): string | null {
    const row = sqlite(this.path, () =>
      this.#db.prepare(
        "SELECT manifest_digest FROM refs WHERE name = ? AND reference = ?",
      ).get(name, reference)) as Record<string, unknown> | undefined;
    return typeof row?.manifest_digest === "string" ? row.manifest_digest : null;
  }

  /**
   * Whether any ref points at `digest`.
   *
   * @param digest A manifest digest.
   * @returns `true` when referenced.
   */
  isReferenced(digest: string): boolean {
    return sqlite(
      this.path,
      () =>
        this.#db.prepare("SELECT 1 AS x FROM refs WHERE manifest_digest = ? LIMIT 1").get(digest),
    ) !== undefined;
  }

  /**
   * Point `name:reference` at a manifest whose blobs are in place, replacing
   * any earlier target, as the SDK's checkpoint publication does.
   *
   * @param name Repository key.
   * @param reference Tag.
   * @param manifest The manifest and the bytes the caches keep.
   * @param options `listingCache: false` leaves the new target's cache rows out.
   * @returns What changed.
   */
  replaceRef(
    name: string,
    reference: string,
    manifest: PublishedManifest,
    options: ReplaceRefOptions = {},
  ): RefUpdate {
    return sqlite(
      this.path,
      () => this.#replaceRef(name, reference, manifest, options.listingCache !== false),
    );
  }

  #replaceRef(
    name: string,
    reference: string,
    manifest: PublishedManifest,
    listingCache: boolean,
  ): RefUpdate {
    return immediate(this.#db, () => {
      const previous = this.resolve(name, reference);
      let update: RefUpdate = "unchanged";
      if (previous !== manifest.digest) {
        this.#db.prepare(
          `INSERT INTO refs (name, reference, manifest_digest, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(name, reference) DO UPDATE SET
             manifest_digest = excluded.manifest_digest, updated_at = excluded.updated_at`,
        ).run(name, reference, manifest.digest, rfc3339Utc(new Date()));
        update = previous === null ? "inserted" : "replaced";
      }
      // The rows the ref no longer reaches go first, so that the new rows
      // reuse their pages (a checkpoint's manifest and config are as large as
      // the Experiment) instead of growing the file; the end state is the
      // SDK's (upsert, then delete unreachable cache rows).
      pruneListingCache(this.#db);
      if (!listingCache) return update;
      this.#db.prepare(
        `INSERT INTO artifact_manifests (manifest_digest, manifest_json, artifact_type, config_digest)
         VALUES (?, ?, ?, ?)
         ON CONFLICT(manifest_digest) DO UPDATE SET
           manifest_json = excluded.manifest_json,
           artifact_type = excluded.artifact_type,
           config_digest = excluded.config_digest`,
      ).run(manifest.digest, manifest.bytes, manifest.artifactType, manifest.configDigest);
      if (manifest.configJson !== undefined) {
        this.#db.prepare(
          `INSERT INTO experiment_configs (config_digest, config_json) VALUES (?, ?)
           ON CONFLICT(config_digest) DO UPDATE SET config_json = excluded.config_json`,
        ).run(manifest.configDigest, manifest.configJson);
      }
      return update;
    });
  }

  /** Close the connection. */
  close(): void {
    this.#db.close();
  }
}

/**
 * Open a second connection to the index of the Local Registry at `root`
 * (which must exist: open it with `openLocalRegistry` first).
 *
 * @param root The registry root.
 * @param writable Open for writing (busy timeout and WAL as the SDK).
 * @returns The connection.
 * @throws {UnsupportedError} When `node:sqlite` is missing or the schema version is not 2.
 */
export async function openRegistryIndex(root: string, writable: boolean): Promise<RegistryIndex> {
  let sqlite: typeof import("node:sqlite");
  try {
    sqlite = await import("node:sqlite");
  } catch {
    throw new UnsupportedError("the OMMX local registry needs node:sqlite (Deno 2.2+, Node 22.5+)");
  }
  const path = `${root}/index.sqlite3`;
  let db: Database;
  try {
    db = new sqlite.DatabaseSync(path, { readOnly: !writable });
  } catch (cause) {
    throw new InvalidArgumentError(
      `cannot open ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  try {
    if (writable) {
      configureConnection(db);
      // This connection's own settings (nothing in the file changes): a page
      // cache that holds a large checkpoint's manifest and config rows (the
      // default 2 MiB does not, so replacing them re-read their overflow
      // pages every time), and a WAL checkpoint every 16,384 pages (64 MiB
      // at 4 KiB pages) instead of every 1,000, which a multi-MB checkpoint
      // row crossed on nearly every commit.
      db.exec("PRAGMA cache_size = -32768");
      db.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    } else db.exec("PRAGMA busy_timeout = 30000");
    const version = userVersion(db);
    if (version !== SCHEMA_VERSION) {
      throw new UnsupportedError(
        `${path}: local registry schema version ${version} is not supported (expected ${SCHEMA_VERSION})`,
      );
    }
  } catch (e) {
    db.close();
    throw e;
  }
  return new RegistryIndex(db, path, writable);
}

/** A blob this process wrote, as {@linkcode putOwnBlob} reports it. */
export interface OwnBlob {
  /** The digest. */
  readonly digest: string;
  /** The mtime (ms) set when this process created the file; absent when it was already there. */
  readonly mark?: number;
}

function blobFile(root: string, digest: string): string {
  return `${root}/blobs/sha256/${digest.slice("sha256:".length)}`;
}

/**
 * Store a blob as the SDK does (temporary file, fsync, move into place under
 * `blobs/.lock`; a blob already present is re-hashed and its mtime
 * refreshed) and report whether this call created it. A created file's
 * mtime is set one second into the past, to a value no later touch can
 * produce: {@linkcode removeOwnBlob} deletes it only while it still has it.
 *
 * @param root The registry root.
 * @param digest The blob's digest.
 * @param bytes The content.
 * @param options `hashed`: the caller computed `digest` from these very bytes
 * (a checkpoint's table, config and manifest are hashed while assembled), so
 * they are not hashed a second time; a blob found already present is still
 * verified.
 * @returns The digest, with the mark when created here.
 */
export async function putOwnBlob(
  root: string,
  digest: string,
  bytes: Uint8Array,
  options: { readonly hashed?: boolean } = {},
): Promise<OwnBlob> {
  if (options.hashed !== true) await verifyBytes(bytes, { digest, size: bytes.length });
  const fs = await import("node:fs/promises");
  const dir = `${root}/blobs/sha256`;
  const final = blobFile(root, digest);
  const lock = `${root}/${BLOB_LOCK_FILE}`;
  const confirm = async (): Promise<boolean> => {
    const present = await fs.readFile(final).then((b) => b, () => undefined);
    if (present === undefined) return false;
    await verifyBytes(new Uint8Array(present.buffer, present.byteOffset, present.byteLength), {
      digest,
      size: bytes.length,
    });
    const now = new Date();
    await fs.utimes(final, now, now);
    return true;
  };
  const present = await fs.stat(final).then(() => true, () => false);
  if (present && await withFileLock(lock, confirm)) return { digest };
  if (!present) await fs.mkdir(dir, { recursive: true });
  const tmp = `${dir}/${tempBlobName()}`;
  const handle = await fs.open(tmp, "wx");
  let placed = false;
  try {
    let off = 0;
    while (off < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, off, bytes.length - off);
      off += bytesWritten;
    }
    await handle.sync();
    await handle.close();
    return await withFileLock(lock, async () => {
      if (await confirm()) return { digest };
      await fs.rename(tmp, final);
      placed = true;
      const mark = Math.floor(Date.now() / 1000) * 1000 - 1000;
      await fs.utimes(final, new Date(mark), new Date(mark));
      return { digest, mark };
    });
  } finally {
    await handle.close().catch(() => {});
    if (!placed) await fs.rm(tmp, { force: true }).catch(() => {});
  }
}

/**
 * Delete blobs this process created with {@linkcode putOwnBlob}, each only
 * while its mtime still carries the mark (nobody stored or confirmed it
 * since) and, for a manifest, while no ref points at it. Holds the SDK's GC
 * exclusion lock and blob lock, as its deleting GC does.
 *
 * @param root The registry root.
 * @param index The registry index (to check refs).
 * @param blobs The blobs.
 * @returns How many were deleted.
 */
export async function removeOwnBlobs(
  root: string,
  index: RegistryIndex,
  blobs: readonly OwnBlob[],
): Promise<number> {
  // One entry per digest (the latest), as they are unlinked concurrently.
  const mine = [
    ...new Map(blobs.filter((b) => b.mark !== undefined).map((b) => [b.digest, b])).values(),
  ];
  if (mine.length === 0) return 0;
  const fs = await import("node:fs/promises");
  return await withFileLock(
    `${root}/${GC_EXCLUSION_LOCK_FILE}`,
    () =>
      withFileLock(`${root}/${BLOB_LOCK_FILE}`, async () => {
        // Each blob is checked and unlinked on its own (concurrently: the
        // unlinks of large files wait on the file system, not on each other).
        const outcomes = await Promise.allSettled(mine.map(async (blob) => {
          const path = blobFile(root, blob.digest);
          const st = await fs.stat(path).catch(() => undefined);
          if (st === undefined || st.mtime.getTime() !== blob.mark) return 0;
          if (index.isReferenced(blob.digest)) return 0;
          await fs.rm(path, { force: true });
          return 1;
        }));
        let removed = 0;
        for (const outcome of outcomes) {
          if (outcome.status === "rejected") throw outcome.reason;
          removed += outcome.value;
        }
        return removed;
      }),
  );
}
