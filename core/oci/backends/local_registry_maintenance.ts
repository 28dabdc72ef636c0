/**
 * Managing the OMMX Local Registry as the Python SDK's `ommx.artifact`
 * module does: {@linkcode removeImage} (drop one name, keep the blobs),
 * {@linkcode restoreImage} (put a removed name back), {@linkcode
 * pruneAnonymous} (drop the synthesised `<id8>.ommx.local/anonymous:…` names)
 * and {@linkcode gc} (report or delete blobs no name reaches). Same
 * semantics, reports and locks as ommx 3.0.0b7, so both SDKs can manage one
 * registry at the same time: deleting passes hold the SDK's GC exclusion
 * lock, blobs are re-checked under its blob lock before they are unlinked,
 * and refs are deleted in `BEGIN IMMEDIATE` transactions.
 *
 * Reports (`dry run` by default, as the SDK) only read; `delete: true`,
 * {@linkcode removeImage} and {@linkcode restoreImage} write, which needs
 * Deno (`Deno.FsFile.lock` for the SDK's `flock` locks). A root holding no
 * registry yields empty reports and `null` instead of creating one.
 *
 * @example Remove a name, see what a collection would reclaim, restore the name
 * ```ts ignore
 * import { gc, removeImage, restoreImage } from "@ommx-ts/experiment";
 *
 * const digest = await removeImage("example.com/team/exp:v1");
 * const report = await gc({ gracePeriod: "0s" }); // dry run
 * console.log(report.orphanCandidates.length, "blobs would be deleted");
 * if (digest !== null) await restoreImage("example.com/team/exp:v1", digest);
 * ```
 *
 * @module
 */
import type { LocalRegistryTarget } from "./local_registry.ts";
import type {
  GcOptions,
  GcReport,
  LocalRegistryRootOption,
  PruneAnonymousOptions,
  PruneAnonymousReport,
} from "./_local_registry_maintenance_impl.ts";

export type {
  AnonymousArtifactRef,
  GcBlob,
  GcInvalidManifest,
  GcMissingBlob,
  GcOptions,
  GcReport,
  GcRoot,
  LocalRegistryRootOption,
  PruneAnonymousOptions,
  PruneAnonymousReport,
} from "./_local_registry_maintenance_impl.ts";

/**
 * The registry root the functions here use by default (Python
 * `get_local_registry_root()`): `OMMX_LOCAL_REGISTRY_ROOT` when set, else
 * the SDK's data directory (`$XDG_DATA_HOME/ommx`, `~/.local/share/ommx`,
 * `~/Library/Application Support/org.ommx.ommx`, `%APPDATA%\ommx\ommx\data`).
 *
 * @example
 * ```ts
 * import { getLocalRegistryRoot } from "./local_registry_maintenance.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof (await getLocalRegistryRoot()), "string");
 * ```
 *
 * @returns The root directory (not created).
 */
export async function getLocalRegistryRoot(): Promise<string> {
  return await (await maintenance()).getLocalRegistryRoot();
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
  return await (await maintenance()).openExistingLocalRegistry(root, writable);
}

/**
 * Report, or with `delete: true` delete, Local Registry blobs no ref reaches
 * (Python `ommx.artifact.gc`, CLI `ommx gc`). Every ref is a root —
 * Experiment checkpoints included —, so only blobs nothing names are
 * candidates, and only once their mtime is older than the grace period
 * (default 24 h: the blobs of a Run still being recorded are unnamed until
 * its commit). A deleting pass holds the SDK's GC exclusion lock, and each
 * blob is re-checked under the blob lock right before it is unlinked, so a
 * writer re-using it meanwhile keeps it (reported in `skippedBlobs`).
 *
 * @example A dry run lists what a deleting pass would remove
 * ```ts
 * import { gc } from "./local_registry_maintenance.ts";
 * import { openLocalRegistry } from "./local_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * await (await openLocalRegistry({ root, writable: true, create: true })).close();
 * const report = await gc({ root });
 * assert.equal(report.deleteApplied, false);
 * assert.deepEqual(report.orphanCandidates, []);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param options Root, `delete`, `gracePeriod`.
 * @returns The report.
 * @throws {InvalidArgumentError} When the grace period is not a duration.
 * @throws {UnsupportedError} With `delete`, when the runtime cannot take file locks.
 */
export async function gc(options: GcOptions = {}): Promise<GcReport> {
  return await (await maintenance()).gc(options);
}

/**
 * Report, or with `delete: true` remove, the refs the SDK synthesised for
 * anonymous Artifacts (`<id8>.ommx.local/anonymous:<YYYYMMDDTHHMMSS>-<nonce>`,
 * from any registry id) and, with `experiments: true`, anonymous Experiments
 * (`…/experiment:…`) (Python `ommx.artifact.prune_anonymous`, CLI `ommx
 * prune-anonymous`). Both the repository and the tag must have the
 * synthesised shape. Only refs are removed — each only if it has not changed
 * since it was listed —; blobs are left for {@linkcode gc}.
 *
 * @example
 * ```ts
 * import { pruneAnonymous } from "./local_registry_maintenance.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * const report = await pruneAnonymous({ root }); // no registry there: nothing to prune
 * assert.equal(report.count, 0);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param options Root, `delete`, `experiments`, `olderThan`.
 * @returns The candidates, or the refs removed.
 * @throws {InvalidArgumentError} When `olderThan` is not a duration, or a candidate's `updated_at` is not RFC 3339.
 */
export async function pruneAnonymous(
  options: PruneAnonymousOptions = {},
): Promise<PruneAnonymousReport> {
  return await (await maintenance()).pruneAnonymous(options);
}

/**
 * Remove one image name from the Local Registry (Python
 * `ommx.artifact.remove_image`, CLI `ommx rm`). Only the name goes: the
 * manifest and its blobs stay for other names and for {@linkcode
 * restoreImage}, until a {@linkcode gc} pass finds them unreachable.
 *
 * @example
 * ```ts
 * import { removeImage } from "./local_registry_maintenance.ts";
 * import { openLocalRegistry } from "./local_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * await (await openLocalRegistry({ root, writable: true, create: true })).close();
 * assert.equal(await removeImage("example.com/none:v1", { root }), null);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param imageName The image name (canonicalised as the SDK does).
 * @param options Root.
 * @returns The removed name's manifest digest, or `null` when the name was not there.
 * @throws {InvalidReferenceError} When the name does not parse.
 * @throws {UnsupportedError} When the runtime cannot take file locks.
 */
export async function removeImage(
  imageName: string,
  options: LocalRegistryRootOption = {},
): Promise<string | null> {
  return await (await maintenance()).removeImage(imageName, options);
}

/**
 * Put a removed image name back (Python `ommx.artifact.restore_image`, CLI
 * `ommx restore-ref`): the manifest and its whole closure must still be in
 * the store — they are re-hashed —, and the check and the insert hold the
 * GC exclusion lock, so a concurrent deleting {@linkcode gc} cannot remove
 * them in between. A name already pointing at this manifest is left as is;
 * one pointing elsewhere is never moved.
 *
 * @param imageName The image name.
 * @param manifestDigest The digest {@linkcode removeImage} returned (or a prune report listed).
 * @param options Root.
 * @returns `true` when the name was inserted, `false` when it already pointed there.
 * @throws {InvalidReferenceError} When the name does not parse.
 * @throws {InvalidArgumentError} When the digest is malformed, or there is no registry at the root.
 * @throws {ReferenceConflictError} When the name points at another manifest.
 * @throws {BlobNotFoundError} When the manifest or a blob of its closure is gone.
 */
export async function restoreImage(
  imageName: string,
  manifestDigest: string,
  options: LocalRegistryRootOption = {},
): Promise<boolean> {
  return await (await maintenance()).restoreImage(imageName, manifestDigest, options);
}

/**
 * The maintenance functions, loaded on first use: importing the package does not load them
 * (`tests/import_cost_test.ts`).
 */
async function maintenance(): Promise<typeof import("./_local_registry_maintenance_impl.ts")> {
  return await import("./_local_registry_maintenance_impl.ts");
}
