/**
 * Internal: targets that index their blobs by digest (the archive's tar
 * index) and can say of a manifest layer's digest string that it is exactly
 * the digest of a blob they indexed. Such a string is a well-formed
 * `sha256:<64 lowercase hex>` digest — the target checked those 64 bytes when
 * it indexed them — so the manifest reader skips its own check of it (about
 * a third of a microsecond a layer, 60,000 layers at 20,000 runs), and the
 * target keeps the blob it found for its `existsAll` over the same layers
 * (no second lookup). A digest the target does not know is checked by the
 * reader as before. Kept off the public `ReadOnlyTarget` interface (and keyed by
 * any object: this file is imported by `_descriptor_json.ts`, below `storage.ts`).
 *
 * @module
 */

/**
 * Whether `digest`, read as the digest of the manifest layer at `position`
 * (the layers are checked in order, from 0), is a string the target indexed
 * exactly. `true` only for a well-formed digest; the target may keep what it
 * found for a later `existsAll` whose descriptor at `position` has that digest.
 */
export type IndexedLayerDigest = (digest: unknown, position: number) => digest is string;

const checks = new WeakMap<object, IndexedLayerDigest>();

/**
 * Register `target`'s check of layer digests.
 *
 * @param target The target.
 * @param check Its check.
 */
export function registerIndexedLayerDigest(target: object, check: IndexedLayerDigest): void {
  checks.set(target, check);
}

/**
 * The check of layer digests `target` registered, if any.
 *
 * @param target The target.
 * @returns Its check, or `undefined` (then every digest is checked by the reader).
 */
export function indexedLayerDigestOf(target: object): IndexedLayerDigest | undefined {
  return checks.get(target);
}
