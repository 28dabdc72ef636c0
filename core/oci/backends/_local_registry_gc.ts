// Private: the OMMX Local Registry's garbage collection (mark from every ref,
// sweep unreferenced blobs past a grace period), as ommx 3.0.0b7 does it, so
// both SDKs can collect one registry while the other writes into it.
//
// Reproduced (rust/ommx/src/artifact/local_registry/registry/gc.rs + blob.rs):
// - Roots: every `refs` row (name, reference order). Each root manifest is read
//   from the CAS (digest verified) and parsed; its config and layers are
//   marked, its `subject` visited as another manifest. A ref or subject
//   manifest that cannot be read or parsed is an "invalid manifest" (its
//   digest stays reachable); a marked digest without a blob file is "missing".
// - Blob listing: `blobs/<algorithm>/<encoded>` regular files whose name forms
//   a valid digest (temporary `.blob-*.tmp` files of a writer never qualify).
// - An unreachable blob is an orphan candidate when its mtime is at least the
//   grace period old, else it is deferred (no mtime: deferred).
// - Deleting: the whole pass (mark and sweep) holds the GC exclusion lock; each
//   candidate is re-checked and unlinked while holding the blob lock, and only
//   when its mtime is still older than `now - grace` — a writer that re-put
//   the blob refreshed the mtime under the same lock, so it is kept
//   ("skipped").
import { readRegularFileSync } from "../_regular_file.ts";
import { InvalidArtifactError } from "../../errors.ts";
import { isDigest, verifyBytes } from "../digest.ts";
import { parseManifest } from "../manifest.ts";
import { BLOB_LOCK_FILE, type Database, withFileLock } from "./_local_registry_store.ts";
import { denoFs } from "../../_deno_fs.ts";

type Fs = typeof import("node:fs/promises");

/** One blob file of the registry. */
export interface GcBlobRecord {
  /** `sha256:<hex>`. */
  readonly digest: string;
  /** File size in bytes. */
  readonly size: number;
  /** Modification time as Unix seconds (fractional), or `null` when unavailable. */
  readonly modifiedAtUnixSeconds: number | null;
}

/** How a digest was reached. */
export type GcReferenceKind = "ref_manifest" | "config" | "layer" | "subject" | "protected_digest";

/** A root of the mark phase. */
export interface GcRootRecord {
  /** `ref` (a `refs` row); `protected_digest` is never produced here. */
  readonly kind: "ref" | "protected_digest";
  /** Repository key of the ref. */
  readonly name: string | null;
  /** Tag or digest of the ref. */
  readonly reference: string | null;
  /** Manifest digest the ref points at. */
  readonly digest: string;
  /** `name:reference`, or `null` for a protected digest. */
  readonly imageName: string | null;
}

/** A reachable digest without a blob file. */
export interface GcMissingRecord {
  /** The missing digest. */
  readonly digest: string;
  /** The manifest that referenced it, or `null` for a root. */
  readonly referencedBy: string | null;
  /** How it was reached. */
  readonly kind: GcReferenceKind;
}

/** A reachable manifest blob that could not be read or parsed. */
export interface GcInvalidRecord {
  /** The manifest digest. */
  readonly digest: string;
  /** The manifest that referenced it, or `null` for a root. */
  readonly referencedBy: string | null;
  /** How it was reached. */
  readonly kind: GcReferenceKind;
  /** Why it is invalid. */
  readonly error: string;
}

/** What one collection pass found (and, when deleting, did). */
export interface GcPassResult {
  /** Every ref, in `(name, reference)` order. */
  readonly roots: GcRootRecord[];
  /** Reachable blobs present in the store, by digest. */
  readonly reachableBlobs: GcBlobRecord[];
  /** Unreachable blobs past the grace period, by digest. */
  readonly orphanCandidates: GcBlobRecord[];
  /** Unreachable blobs younger than the grace period (or without mtime), by digest. */
  readonly deferredBlobs: GcBlobRecord[];
  /** Reachable digests without a blob, in visit order. */
  readonly missingBlobs: GcMissingRecord[];
  /** Reachable manifests that could not be read or parsed, in visit order. */
  readonly invalidManifests: GcInvalidRecord[];
  /** Blobs unlinked (delete mode only). */
  readonly deletedBlobs: GcBlobRecord[];
  /** Candidates kept because they became too new before deletion (delete mode only). */
  readonly skippedBlobs: GcBlobRecord[];
}

/** Inputs of {@linkcode collectGarbage}. */
export interface GcPassInput {
  /** Registry root. */
  readonly root: string;
  /** The open index. */
  readonly db: Database;
  /** `node:fs/promises`. */
  readonly fs: Fs;
  /** Unlink orphan candidates. */
  readonly delete: boolean;
  /** Grace period in seconds. */
  readonly graceSeconds: number;
  /** Largest manifest read (bytes). */
  readonly maxManifestSize: number;
  /** Clock (ms since the epoch); default `Date.now`. */
  readonly now?: () => number;
}

function isNotFound(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ENOENT";
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface FileStat {
  isFile: boolean;
  size: number;
  mtimeMs: number | null;
}

/** A synchronous stat: `Deno.statSync` where present (fastest), else `node:fs` `statSync`; `undefined` for a missing file. */
async function statSyncFunction(): Promise<(path: string) => FileStat | undefined> {
  const deno = denoFs();
  if (deno !== undefined) {
    const statSync = deno.statSync;
    return (path) => {
      try {
        const st = statSync(path);
        return { isFile: st.isFile, size: st.size, mtimeMs: st.mtime?.getTime() ?? null };
      } catch (e) {
        if (e instanceof Error && e.name === "NotFound") return undefined;
        throw e;
      }
    };
  }
  const { statSync } = await import("node:fs");
  return (path) => {
    try {
      const st = statSync(path);
      return { isFile: st.isFile(), size: st.size, mtimeMs: st.mtimeMs };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };
}

/**
 * A synchronous, size-capped read of a manifest blob: only a regular file (a
 * link only when it stays inside the registry), opened non-blocking and
 * checked again on the handle, read in exactly its size (`_regular_file.ts`).
 */
async function readFileSyncFunction(): Promise<
  (path: string, limit: number, what: string, root: string) => Uint8Array
> {
  const fs = await import("node:fs");
  return (path, limit, what, root) =>
    readRegularFileSync(fs, path, { what: `manifest ${what}`, root, maxSize: limit });
}

/** A directory's entry names: `Deno.readDirSync` where present (node:fs `readdir` sorts and re-checks names, slowly). */
async function readNames(fs: Fs, dir: string): Promise<string[]> {
  const deno = denoFs();
  if (deno !== undefined) {
    return Array.from(deno.readDirSync(dir), (e) => e.name);
  }
  return await fs.readdir(dir);
}

/** The store's blob files, sorted by digest (as the SDK lists them). */
export async function listBlobRecords(fs: Fs, root: string): Promise<GcBlobRecord[]> {
  const blobs = `${root}/blobs`;
  const out: GcBlobRecord[] = [];
  let algorithms: import("node:fs").Dirent[];
  try {
    algorithms = await fs.readdir(blobs, { withFileTypes: true });
  } catch (e) {
    if (isNotFound(e)) return out;
    throw e;
  }
  for (const algorithm of algorithms) {
    if (!algorithm.isDirectory()) continue;
    let entries: string[];
    try {
      entries = await readNames(fs, `${blobs}/${algorithm.name}`);
    } catch (e) {
      if (isNotFound(e) || (e instanceof Error && e.name === "NotFound")) continue;
      throw e;
    }
    const digests = entries.map((name) => `${algorithm.name}:${name}`).filter(isDigest);
    // Thousands of small stats: synchronous ones are ~10x faster than awaited ones here (the SDK
    // lists synchronously too); they only read metadata.
    const stat = await statSyncFunction();
    const records = digests.map((digest) => {
      const st = stat(`${blobs}/${algorithm.name}/${digest.slice(algorithm.name.length + 1)}`);
      return st === undefined || !st.isFile ? undefined : {
        digest,
        size: st.size,
        modifiedAtUnixSeconds: st.mtimeMs === null ? null : st.mtimeMs / 1000,
      };
    });
    for (const r of records) if (r !== undefined) out.push(r);
  }
  out.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  return out;
}

interface Visit {
  digest: string;
  referencedBy: string | null;
  kind: GcReferenceKind;
}

function rowText(row: Record<string, unknown>, column: string): string {
  const value = row[column];
  if (typeof value !== "string") {
    throw new InvalidArtifactError(`local registry refs: column ${column} is not text`);
  }
  return value;
}

/**
 * One mark (and optionally sweep) pass. The caller holds the GC exclusion
 * lock when `delete` is set.
 */
export async function collectGarbage(input: GcPassInput): Promise<GcPassResult> {
  const { root, db, fs } = input;
  const now = input.now ?? Date.now;
  const allBlobs = await listBlobRecords(fs, root);
  const present = new Map(allBlobs.map((b) => [b.digest, b]));
  const startedMs = now();

  const roots: GcRootRecord[] = [];
  const toVisit: Visit[] = [];
  const rows = db.prepare(
    "SELECT name, reference, manifest_digest FROM refs ORDER BY name, reference",
  ).all() as Record<string, unknown>[];
  for (const row of rows) {
    const name = rowText(row, "name");
    const reference = rowText(row, "reference");
    const digest = rowText(row, "manifest_digest");
    if (!isDigest(digest)) {
      throw new InvalidArtifactError(
        `local registry ref ${name}:${reference} points at invalid digest ${
          JSON.stringify(digest)
        }`,
      );
    }
    roots.push({ kind: "ref", name, reference, digest, imageName: `${name}:${reference}` });
    toVisit.push({ digest, referencedBy: null, kind: "ref_manifest" });
  }

  const reachable = new Set<string>();
  const parsed = new Set<string>();
  const missingBlobs: GcMissingRecord[] = [];
  const invalidManifests: GcInvalidRecord[] = [];
  const mark = (digest: string, referencedBy: string | null, kind: GcReferenceKind) => {
    if (reachable.has(digest)) return;
    reachable.add(digest);
    if (!present.has(digest)) missingBlobs.push({ digest, referencedBy, kind });
  };

  // Small manifest files, read synchronously like the blob listing (and the SDK).
  const readFile = await readFileSyncFunction();
  const readManifest = async (digest: string) => {
    try {
      const bytes = readFile(
        `${root}/blobs/sha256/${digest.slice("sha256:".length)}`,
        input.maxManifestSize,
        digest,
        root,
      );
      await verifyBytes(bytes, { digest, size: bytes.length });
      return { manifest: parseManifest(bytes).manifest };
    } catch (e) {
      return { error: messageOf(e) };
    }
  };
  for (let i = 0; i < toVisit.length; i++) {
    const item = toVisit[i]!;
    mark(item.digest, item.referencedBy, item.kind);
    if (parsed.has(item.digest)) continue;
    parsed.add(item.digest);
    if (!present.has(item.digest)) continue;
    const read = await readManifest(item.digest);
    if (read.manifest === undefined) {
      invalidManifests.push({ ...item, error: read.error! });
      continue;
    }
    const manifest = read.manifest;
    mark(manifest.config.digest, item.digest, "config");
    for (const layer of manifest.layers) mark(layer.digest, item.digest, "layer");
    if (manifest.subject !== undefined) {
      toVisit.push({ digest: manifest.subject.digest, referencedBy: item.digest, kind: "subject" });
    }
  }

  const reachableBlobs = [...reachable].sort().flatMap((d) => {
    const b = present.get(d);
    return b === undefined ? [] : [b];
  });
  const orphanCandidates: GcBlobRecord[] = [];
  const deferredBlobs: GcBlobRecord[] = [];
  for (const blob of allBlobs) {
    if (reachable.has(blob.digest)) continue;
    const m = blob.modifiedAtUnixSeconds;
    const pastGrace = m !== null && startedMs / 1000 - m >= input.graceSeconds;
    (pastGrace ? orphanCandidates : deferredBlobs).push(blob);
  }

  const deletedBlobs: GcBlobRecord[] = [];
  const skippedBlobs: GcBlobRecord[] = [];
  if (input.delete) {
    const cutoffSeconds = now() / 1000 - input.graceSeconds;
    const lock = `${root}/${BLOB_LOCK_FILE}`;
    for (const candidate of orphanCandidates) {
      const path = `${root}/blobs/sha256/${candidate.digest.slice("sha256:".length)}`;
      await withFileLock(lock, async () => {
        let st: import("node:fs").Stats;
        try {
          st = await fs.stat(path);
        } catch (e) {
          if (isNotFound(e)) return;
          throw e;
        }
        if (!st.isFile()) {
          throw new InvalidArtifactError(
            `blob path is not a file for ${candidate.digest}: ${path}`,
          );
        }
        const record: GcBlobRecord = {
          digest: candidate.digest,
          size: st.size,
          modifiedAtUnixSeconds: st.mtimeMs / 1000,
        };
        if (!(st.mtimeMs / 1000 < cutoffSeconds)) {
          skippedBlobs.push(record);
          return;
        }
        try {
          await fs.unlink(path);
        } catch (e) {
          if (isNotFound(e)) return;
          throw e;
        }
        deletedBlobs.push(record);
      });
    }
  }
  return {
    roots,
    reachableBlobs,
    orphanCandidates,
    deferredBlobs,
    missingBlobs,
    invalidManifests,
    deletedBlobs,
    skippedBlobs,
  };
}
