/**
 * The OMMX Local Registry maintenance behind `local_registry_maintenance.ts`
 * ({@linkcode gc}, {@linkcode pruneAnonymous}, {@linkcode removeImage},
 * {@linkcode restoreImage}) and the registry opening the catalogue shares,
 * with the types of their options and reports. Loaded on first use.
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import { isDigest } from "../digest.ts";
import { parseReference } from "../reference.ts";
import type { LocalRegistryEntry, LocalRegistryTarget } from "./local_registry.ts";
import type {
  GcBlobRecord,
  GcInvalidRecord,
  GcMissingRecord,
  GcPassResult,
  GcRootRecord,
} from "./_local_registry_gc.ts";
import {
  isAnonymousArtifactRepository,
  isAnonymousExperimentRepository,
  isAnonymousTag,
  parseDurationSeconds,
  rfc3339Nanos,
} from "./_local_registry_names.ts";

/** A blob in a {@linkcode GcReport} (Python `GcBlob`). */
export type GcBlob = GcBlobRecord;
/** A mark-phase root in a {@linkcode GcReport} (Python `GcRoot`). */
export type GcRoot = GcRootRecord;
/** A reachable digest without a blob (Python `GcMissingBlob`). */
export type GcMissingBlob = GcMissingRecord;
/** A reachable manifest that could not be read or parsed (Python `GcInvalidManifest`). */
export type GcInvalidManifest = GcInvalidRecord;

/** The registry root option every function here takes. */
export interface LocalRegistryRootOption {
  /** Registry root; default: `OMMX_LOCAL_REGISTRY_ROOT`, else the SDK's data directory. */
  root?: string;
}

/** Options of {@linkcode gc} (Python `gc(*, root, delete, grace_period)`). */
export interface GcOptions extends LocalRegistryRootOption {
  /** Unlink the orphan candidates. Default `false` (report only). */
  delete?: boolean;
  /**
   * Keep unreferenced blobs younger than this: digits with an `s`, `m`, `h`
   * or `d` suffix (none: seconds). Default `"24h"`, as the SDK.
   */
  gracePeriod?: string;
}

/** What {@linkcode gc} found and did (Python `GcReport`). */
export interface GcReport {
  /** The registry root inspected. */
  readonly root: string;
  /** Whether blobs were deleted (`delete: true`). */
  readonly deleteApplied: boolean;
  /** Every ref (all are roots, checkpoints included). */
  readonly roots: readonly GcRoot[];
  /** Blobs reachable from a root, by digest. */
  readonly reachableBlobs: readonly GcBlob[];
  /** Unreachable blobs past the grace period, by digest. */
  readonly orphanCandidates: readonly GcBlob[];
  /** Unreachable blobs still within the grace period, by digest. */
  readonly deferredBlobs: readonly GcBlob[];
  /** Digests a reachable manifest names that the store lacks. */
  readonly missingBlobs: readonly GcMissingBlob[];
  /** Reachable manifests that could not be read or parsed. */
  readonly invalidManifests: readonly GcInvalidManifest[];
  /** Blobs unlinked; empty in a dry run. */
  readonly deletedBlobs: readonly GcBlob[];
  /** Candidates kept because they became too new before deletion (a writer re-put them). */
  readonly skippedBlobs: readonly GcBlob[];
  /** Total bytes of `reachableBlobs`. */
  readonly reachableSize: number;
  /** Total bytes of `orphanCandidates`. */
  readonly orphanCandidateSize: number;
  /** Total bytes of `deferredBlobs`. */
  readonly deferredSize: number;
  /** Total bytes of `deletedBlobs`. */
  readonly deletedSize: number;
}

/** Options of {@linkcode pruneAnonymous} (Python `prune_anonymous(*, root, delete, experiments, older_than)`). */
export interface PruneAnonymousOptions extends LocalRegistryRootOption {
  /** Delete the matching refs. Default `false` (report only). */
  delete?: boolean;
  /** Also match anonymous Experiment refs (`<id8>.ommx.local/experiment:…`). Default `false`. */
  experiments?: boolean;
  /** Only refs whose `updatedAt` is at least this old (`s`, `m`, `h`, `d` suffixes). */
  olderThan?: string;
}

/** An anonymous ref matched by {@linkcode pruneAnonymous} (Python `AnonymousArtifactRef`). */
export interface AnonymousArtifactRef {
  /** `name:reference`. */
  readonly imageName: string;
  /** `artifact` or `experiment` (by repository). */
  readonly kind: "artifact" | "experiment";
  /** The repository key, `<id8>.ommx.local/anonymous` or `…/experiment`. */
  readonly name: string;
  /** The tag, `YYYYMMDDTHHMMSS-<nonce12>`. */
  readonly reference: string;
  /** The manifest digest the ref points at (restores it with {@linkcode restoreImage}). */
  readonly digest: string;
  /** When the ref was last written (RFC 3339, as stored). */
  readonly updatedAt: string;
}

/** What {@linkcode pruneAnonymous} matched or removed (Python `PruneAnonymousReport`). */
export interface PruneAnonymousReport {
  /** The registry root inspected. */
  readonly root: string;
  /** Whether the refs were deleted. */
  readonly deleteApplied: boolean;
  /** Candidates (dry run) or the refs actually removed. */
  readonly refs: readonly AnonymousArtifactRef[];
  /** `refs.length`. */
  readonly count: number;
}

/**
 * The body of `local_registry_maintenance.ts`'s `getLocalRegistryRoot` (documented there).
 *
 * @returns The root directory (not created).
 */
export async function getLocalRegistryRoot(): Promise<string> {
  return await (await localRegistryBackend()).defaultLocalRegistryRoot();
}

/**
 * Open the registry under `root` (default root when absent), or `null` when
 * the directory holds no registry: maintenance never creates one.
 *
 * @param root The root, or `undefined` for the default.
 * @param writable Open for writing.
 * @returns The registry and its root, or `null` for no registry.
 */
export async function openExistingLocalRegistry(
  root: string | undefined,
  writable: boolean,
): Promise<{ registry: LocalRegistryTarget | null; root: string }> {
  const { defaultLocalRegistryRoot, LOCAL_REGISTRY_INDEX_FILE, openLocalRegistry } =
    await localRegistryBackend();
  const dir = (root ?? await defaultLocalRegistryRoot()).replace(/\/+$/, "") || "/";
  const fs = await import("node:fs/promises");
  try {
    await fs.stat(`${dir}/${LOCAL_REGISTRY_INDEX_FILE}`);
  } catch (e) {
    if ((e as { code?: unknown }).code === "ENOENT") return { registry: null, root: dir };
    throw e;
  }
  return { registry: await openLocalRegistry({ root: dir, writable }), root: dir };
}

function total(blobs: readonly GcBlob[]): number {
  return blobs.reduce((n, b) => n + b.size, 0);
}

function report(root: string, deleteApplied: boolean, pass: GcPassResult | null): GcReport {
  const r = pass ?? {
    roots: [],
    reachableBlobs: [],
    orphanCandidates: [],
    deferredBlobs: [],
    missingBlobs: [],
    invalidManifests: [],
    deletedBlobs: [],
    skippedBlobs: [],
  };
  return {
    root,
    deleteApplied,
    roots: r.roots,
    reachableBlobs: r.reachableBlobs,
    orphanCandidates: r.orphanCandidates,
    deferredBlobs: r.deferredBlobs,
    missingBlobs: r.missingBlobs,
    invalidManifests: r.invalidManifests,
    deletedBlobs: r.deletedBlobs,
    skippedBlobs: r.skippedBlobs,
    reachableSize: total(r.reachableBlobs),
    orphanCandidateSize: total(r.orphanCandidates),
    deferredSize: total(r.deferredBlobs),
    deletedSize: total(r.deletedBlobs),
  };
}

/**
 * The body of `local_registry_maintenance.ts`'s `gc` (documented there).
 *
 * @param options Root, `delete`, `gracePeriod`.
 * @returns The report.
 */
export async function gc(options: GcOptions = {}): Promise<GcReport> {
  const graceSeconds = parseDurationSeconds(options.gracePeriod ?? "24h", "gracePeriod");
  const remove = options.delete === true;
  const { registry, root } = await openExistingLocalRegistry(options.root, remove);
  if (registry === null) return report(root, remove, null);
  try {
    return report(root, remove, await registry.collectGarbage({ delete: remove, graceSeconds }));
  } finally {
    await registry.close();
  }
}

function anonymousRef(entry: LocalRegistryEntry): AnonymousArtifactRef {
  return {
    imageName: `${entry.repository}:${entry.reference}`,
    kind: isAnonymousExperimentRepository(entry.repository) ? "experiment" : "artifact",
    name: entry.repository,
    reference: entry.reference,
    digest: entry.manifestDigest,
    updatedAt: entry.updatedAt,
  };
}

/**
 * The refs {@linkcode pruneAnonymous} would match now.
 *
 * @param registry The open registry.
 * @param options `experiments` and `olderThan`.
 * @param nowMs The clock.
 * @returns Matching rows in `(name, reference)` order.
 */
async function anonymousCandidates(
  registry: LocalRegistryTarget,
  options: PruneAnonymousOptions,
  nowMs: number,
): Promise<LocalRegistryEntry[]> {
  const cutoff = options.olderThan === undefined
    ? undefined
    : (BigInt(nowMs) - BigInt(parseDurationSeconds(options.olderThan, "olderThan")) * 1000n) *
      1_000_000n;
  const out: LocalRegistryEntry[] = [];
  for (const entry of await registry.listReferences()) {
    const artifact = isAnonymousArtifactRepository(entry.repository);
    const experiment = options.experiments === true &&
      isAnonymousExperimentRepository(entry.repository);
    if (!(artifact || experiment) || !isAnonymousTag(entry.reference)) continue;
    if (cutoff !== undefined) {
      const updated = rfc3339Nanos(
        entry.updatedAt,
        `local registry ref ${entry.repository}:${entry.reference} updated_at`,
      );
      if (updated > cutoff) continue;
    }
    out.push(entry);
  }
  return out;
}

/**
 * The body of `local_registry_maintenance.ts`'s `pruneAnonymous` (documented there).
 *
 * @param options Root, `delete`, `experiments`, `olderThan`.
 * @returns The candidates, or the refs removed.
 */
export async function pruneAnonymous(
  options: PruneAnonymousOptions = {},
): Promise<PruneAnonymousReport> {
  if (options.olderThan !== undefined) parseDurationSeconds(options.olderThan, "olderThan");
  const remove = options.delete === true;
  const { registry, root } = await openExistingLocalRegistry(options.root, remove);
  let entries: LocalRegistryEntry[] = [];
  if (registry !== null) {
    try {
      entries = await anonymousCandidates(registry, options, Date.now());
      if (remove) entries = await registry.pruneReferences(entries);
    } finally {
      await registry.close();
    }
  }
  const refs = entries.map(anonymousRef);
  return { root, deleteApplied: remove, refs, count: refs.length };
}

/**
 * The body of `local_registry_maintenance.ts`'s `removeImage` (documented there).
 *
 * @param imageName The image name (canonicalised as the SDK does).
 * @param options Root.
 * @returns The removed name's manifest digest, or `null` when the name was not there.
 */
export async function removeImage(
  imageName: string,
  options: LocalRegistryRootOption = {},
): Promise<string | null> {
  parseReference(imageName);
  const { registry } = await openExistingLocalRegistry(options.root, true);
  if (registry === null) return null;
  try {
    return (await registry.removeReference(imageName))?.manifestDigest ?? null;
  } finally {
    await registry.close();
  }
}

/**
 * The body of `local_registry_maintenance.ts`'s `restoreImage` (documented there).
 *
 * @param imageName The image name.
 * @param manifestDigest The manifest digest.
 * @param options Root.
 * @returns `true` when the name was inserted, `false` when it already pointed there.
 */
export async function restoreImage(
  imageName: string,
  manifestDigest: string,
  options: LocalRegistryRootOption = {},
): Promise<boolean> {
  parseReference(imageName);
  if (!isDigest(manifestDigest)) {
    throw new InvalidArgumentError(
      `invalid manifest digest ${
        JSON.stringify(manifestDigest)
      } (expected sha256:<64 lowercase hex>)`,
    );
  }
  const { registry, root } = await openExistingLocalRegistry(options.root, true);
  if (registry === null) throw new InvalidArgumentError(`no OMMX local registry at ${root}`);
  try {
    return (await registry.restoreReference(imageName, manifestDigest)) === "inserted";
  } finally {
    await registry.close();
  }
}

/**
 * The Local Registry backend, loaded on first use: importing the package does not load it
 * (`tests/import_cost_test.ts`).
 */
async function localRegistryBackend(): Promise<typeof import("./local_registry.ts")> {
  return await import("./local_registry.ts");
}
