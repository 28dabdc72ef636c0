/**
 * Internal: {@linkcode verifyBytesNow}, the size and digest check of
 * `digest.ts`'s `verifyBytes` without an await, for readers that serve
 * thousands of small blobs already in memory (a many-run archive's Solve
 * outputs from one read-ahead window). It can hash only once `digest.ts`
 * has loaded `node:crypto` (it registers its synchronous hash here); before
 * that it answers "not now" and the caller awaits `verifyBytes`. Kept off
 * `digest.ts`, which `./core` re-exports whole.
 *
 * @module
 */
import { DigestMismatchError, SizeMismatchError } from "../errors.ts";

/** The loaded synchronous SHA-256 (lowercase hex), once registered. */
let sha256HexNow: ((bytes: Uint8Array) => string) | undefined;

/**
 * Register the synchronous SHA-256 `digest.ts` has once `node:crypto` is loaded.
 *
 * @param hex Lowercase hex SHA-256 of its argument.
 */
export function registerSha256HexNow(hex: (bytes: Uint8Array) => string): void {
  sha256HexNow = hex;
}

/**
 * `verifyBytes` of `digest.ts`, synchronously when it can: the size is checked
 * first (a {@linkcode SizeMismatchError} thrown whether or not it can hash),
 * then, when a synchronous hash is registered, the digest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyBytesNow } from "./_verify_now.ts";
 * import { SizeMismatchError } from "../errors.ts";
 * assert.throws(() => verifyBytesNow(new Uint8Array(2), { digest: "sha256:00", size: 3 }), SizeMismatchError);
 * ```
 *
 * @param bytes The content.
 * @param expected The digest and size it must have (`digest.ts`'s `ExpectedContent`).
 * @returns `true` when verified; `false` when the digest needs an await (nothing hashed).
 * @throws {SizeMismatchError} When the length differs.
 * @throws {DigestMismatchError} When the hash differs.
 */
export function verifyBytesNow(
  bytes: Uint8Array,
  expected: { readonly digest: string; readonly size: number },
): boolean {
  if (bytes.length !== expected.size) {
    throw new SizeMismatchError(expected.digest, expected.size, bytes.length);
  }
  if (sha256HexNow === undefined) return false;
  const hex = sha256HexNow(bytes);
  const digest = expected.digest;
  // `digest === "sha256:" + hex`, without building that string for every blob.
  if (digest.length !== 71 || !digest.startsWith("sha256:") || !digest.endsWith(hex)) {
    throw new DigestMismatchError(digest, `sha256:${hex}`);
  }
  return true;
}
