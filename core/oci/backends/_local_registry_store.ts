// Private: the on-disk write protocol of the OMMX Local Registry (schema
// version 2, as written by ommx 3.0.0b7), shared by LocalRegistryTarget.
//
// Facts reproduced (observed with the real SDK, see docs/format-notes.md):
// - SQLite `index.sqlite3`, busy timeout 30 s, WAL attempted, every write in
//   `BEGIN IMMEDIATE`; schema created (tables, two indexes, user_version 2)
//   in one transaction when the file is new and empty.
// - Blobs `blobs/sha256/<hex>`, written to `blobs/sha256/.blob-XXXXXX.tmp`,
//   fsynced, then moved into place while holding an exclusive `flock` on
//   `blobs/.lock`; an existing blob is re-hashed and its mtime refreshed (the
//   SDK's GC keeps unreferenced blobs younger than its grace period).
// - Publishing an existing manifest closure holds an exclusive `flock` on
//   `<root>/.gc-exclusion.lock`, the lock the SDK's deleting GC also holds.
import { DatabaseError, InvalidArtifactError, OmmxError, UnsupportedError } from "../../errors.ts";
import { ioError } from "../../_io_error.ts";
import { denoFs, type DenoFsFile } from "../../_deno_fs.ts";

type Sqlite = typeof import("node:sqlite");
/** A `node:sqlite` connection. */
export type Database = InstanceType<Sqlite["DatabaseSync"]>;

/** The `PRAGMA user_version` written and understood. */
export const SCHEMA_VERSION = 2;

/** Busy timeout the SDK configures, in milliseconds. */
export const BUSY_TIMEOUT_MS = 30_000;

/** `blobs/.lock`, relative to the root. */
export const BLOB_LOCK_FILE = "blobs/.lock";

/** `.gc-exclusion.lock`, relative to the root. */
export const GC_EXCLUSION_LOCK_FILE = ".gc-exclusion.lock";

/** The artifact types the SDK lists (`artifact_manifests.artifact_type`). */
export const OMMX_ARTIFACT_TYPE = "application/org.ommx.v1.artifact";
/** The Experiment artifact type; such manifests also fill `experiment_configs`. */
export const OMMX_EXPERIMENT_ARTIFACT_TYPE = "application/org.ommx.v1.experiment";
/** The config media type an Experiment manifest must carry. */
export const OMMX_EXPERIMENT_CONFIG_MEDIA_TYPE = "application/org.ommx.v1.experiment.config+json";

// The DDL of schema version 2, table by table, in the order the SDK creates
// them (the SDK checks the column lists in this order on open).
const SCHEMA_DDL = `
CREATE TABLE IF NOT EXISTS ommx_local_registry_metadata (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refs (
    name TEXT NOT NULL,
    reference TEXT NOT NULL,
    manifest_digest TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY(name, reference)
);
CREATE INDEX IF NOT EXISTS idx_refs_manifest_digest
    ON refs(manifest_digest);
CREATE TABLE IF NOT EXISTS artifact_manifests (
    manifest_digest TEXT PRIMARY KEY,
    manifest_json BLOB NOT NULL,
    artifact_type TEXT NOT NULL,
    config_digest TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_artifact_manifests_config_digest
    ON artifact_manifests(config_digest);
CREATE TABLE IF NOT EXISTS experiment_configs (
    config_digest TEXT PRIMARY KEY,
    config_json BLOB NOT NULL
);
`;

const EXPECTED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  ommx_local_registry_metadata: ["key", "value"],
  refs: ["name", "reference", "manifest_digest", "updated_at"],
  artifact_manifests: ["manifest_digest", "manifest_json", "artifact_type", "config_digest"],
  experiment_configs: ["config_digest", "config_json"],
};

/**
 * A SQLite failure (`node:sqlite` throws errors with code `ERR_SQLITE_ERROR`:
 * not a database, malformed image, locked, I/O) as a {@linkcode DatabaseError}
 * naming the index file; anything else passes through unchanged.
 */
export function databaseError(error: unknown, where: string): unknown {
  if (error instanceof OmmxError) return error;
  const e = error as { code?: unknown; errstr?: unknown; errcode?: unknown; message?: unknown };
  if (e?.code === "ERR_SQLITE_ERROR" || /sqlite|database/i.test(String(e?.message ?? ""))) {
    const detail = typeof e.errstr === "string" ? e.errstr : String(e.message);
    const code = typeof e.errcode === "number" ? ` (SQLite error ${e.errcode})` : "";
    return new DatabaseError(`${where}: ${detail}${code}`, { cause: error });
  }
  return error;
}

/** Run SQLite work, turning its failures into {@linkcode DatabaseError}s. */
export function sqlite<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw databaseError(e, where);
  }
}

/** Drop listing-cache rows no ref uses any more (as the SDK does after deleting refs). */
export function pruneListingCache(db: Database): void {
  db.exec(
    `DELETE FROM artifact_manifests WHERE NOT EXISTS (
       SELECT 1 FROM refs WHERE refs.manifest_digest = artifact_manifests.manifest_digest)`,
  );
  db.exec(
    `DELETE FROM experiment_configs WHERE NOT EXISTS (
       SELECT 1 FROM artifact_manifests
       WHERE artifact_manifests.config_digest = experiment_configs.config_digest)`,
  );
}

/** Read `PRAGMA user_version`. */
export function userVersion(db: Database): number {
  const row = db.prepare("PRAGMA user_version").get() as Record<string, unknown> | undefined;
  return Number(row?.user_version);
}

/** Throw unless every table has exactly the version-2 columns, in order. */
export function checkSchemaColumns(db: Database, where: string): void {
  for (const [table, want] of Object.entries(EXPECTED_COLUMNS)) {
    const rows = db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid").all(
      table,
    ) as Record<string, unknown>[];
    const got = rows.map((r) => String(r.name));
    if (got.join(",") !== want.join(",")) {
      throw new UnsupportedError(
        `${where}: table ${table} has columns [${got.join(", ")}], expected [${
          want.join(", ")
        }] (local registry schema ${SCHEMA_VERSION})`,
      );
    }
  }
}

/** Run `fn` inside `BEGIN IMMEDIATE`; commit on success, roll back on any error. */
export function immediate<T>(db: Database, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  let result: T;
  try {
    result = fn();
  } catch (e) {
    try {
      db.exec("ROLLBACK");
    } catch { /* the transaction may already be gone */ }
    throw e;
  }
  db.exec("COMMIT");
  return result;
}

/**
 * Create the version-2 schema in a new, empty index (as the SDK does on first
 * open), or check an existing one. Runs in one `BEGIN IMMEDIATE` transaction,
 * so two processes creating the same registry at once do not collide.
 */
export function initializeSchema(db: Database, where: string): number {
  return immediate(db, () => {
    const version = userVersion(db);
    if (version === 0) {
      const tables = db.prepare(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      ).get() as Record<string, unknown>;
      if (Number(tables.n) !== 0) {
        throw new UnsupportedError(
          `${where}: schema version 0 with existing tables is not an OMMX local registry`,
        );
      }
      db.exec(SCHEMA_DDL);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      return SCHEMA_VERSION;
    }
    return version;
  });
}

/** Configure a connection as the SDK does: busy timeout, then WAL (best effort). */
export function configureConnection(db: Database): void {
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  try {
    db.exec("PRAGMA journal_mode = WAL");
  } catch {
    // Another opener may hold the lock at this instant; once any connection
    // switched the file to WAL, every later one inherits it.
  }
}

/**
 * `updated_at` as the SDK writes it: RFC 3339 in UTC with a `+00:00` offset
 * and as many fractional digits as needed in groups of three (none, 3, 6 or
 * 9). A JS clock has millisecond resolution, so this gives none or three.
 */
export function rfc3339Utc(date: Date): string {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const base = iso.slice(0, 19);
  const millis = iso.slice(20, 23);
  return `${base}${millis === "000" ? "" : `.${millis}`}+00:00`;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random bytes for {@linkcode tempBlobName}, refilled once used up (one call per 64 names). */
const nameBytes = new Uint8Array(6 * 64);
let nameBytesUsed = nameBytes.length;

/** A temporary blob file name like the SDK's: `.blob-` + 6 random alphanumerics + `.tmp`. */
export function tempBlobName(): string {
  if (nameBytesUsed === nameBytes.length) {
    crypto.getRandomValues(nameBytes);
    nameBytesUsed = 0;
  }
  const i = nameBytesUsed;
  nameBytesUsed += 6;
  const at = (k: number) => ALNUM[nameBytes[i + k]! % ALNUM.length];
  return `.blob-${at(0)}${at(1)}${at(2)}${at(3)}${at(4)}${at(5)}.tmp`;
}

/** Whether this runtime can take the SDK's advisory file locks (`flock`). */
export function canLockFiles(): boolean {
  return denoFs(false) !== undefined;
}

/**
 * Hold an exclusive advisory lock (`flock`, the kind the SDK takes) on `path`
 * while `fn` runs. The file is created when absent and never truncated.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  // No node:fs path: the switch of the fast paths leaves the locks on.
  const files = denoFs(false);
  if (!files) {
    throw new UnsupportedError(
      "writing the OMMX local registry needs file locks (Deno.FsFile.lock); this runtime has none",
    );
  }
  // The check and the open are synchronous (a few µs each on a local disk;
  // the writer takes this lock once per round of blob moves); only waiting
  // for the lock itself is awaited.
  let isFile: boolean | undefined;
  try {
    isFile = files.lstatSync(path).isFile;
  } catch (e) {
    if ((e as { code?: unknown }).code !== "ENOENT") throw ioError(e, "lock", path);
  }
  if (isFile === false) {
    throw new InvalidArtifactError(`${path}: the lock file is not a regular file`);
  }
  let file: DenoFsFile;
  try {
    file = files.openSync(path, { read: true, write: true, create: true, truncate: false });
  } catch (e) {
    throw ioError(e, "lock", path);
  }
  // Uncontended (the usual case) the lock is taken by a non-blocking
  // `flock` on this thread; only a lock held elsewhere (another process, or
  // another holder in this one: each open file is its own lock) is waited
  // for in the thread pool. Closing the file releases the lock (`flock`
  // locks belong to the open file, which has no other descriptor), so there
  // is no separate unlock call: two awaited calls fewer per lock round
  // (BENCHMARKS.md, branch i13z).
  try {
    if (file.tryLockSync?.(true) !== true) await file.lock(true);
    return await fn();
  } finally {
    file.close();
  }
}
