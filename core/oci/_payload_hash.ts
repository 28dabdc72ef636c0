/**
 * Internal: hashing the payloads a writer holds in memory (the blobs it
 * encodes, the configs and manifests it builds, their checks on push).
 * Under Deno they never go through `node:crypto`: loading that loads Node's
 * compatibility layer, and a process that writes an Experiment into the
 * Local Registry needs nothing else from it (1,000 runs: peak RSS −6 to
 * −9 MiB, BENCHMARKS.md, branch i13n). Payloads up to 64 KiB are hashed by
 * the synchronous {@linkcode sha256HexOf} (WebCrypto's `digest` costs a round
 * trip to a pool thread, ~40 µs a call), larger ones by WebCrypto. Streams
 * of unknown length (a file logged as an attachment) keep
 * {@linkcode createHasher}: `node:crypto` hashes them several times faster.
 * Elsewhere these are the functions of `digest.ts`. A payload the writer
 * queues is hashed once: {@linkcode hashedCopy} copies and hashes it, and the
 * push checks only that copy's size ({@linkcode verifyVouchedPayload}).
 *
 * @module
 */
import { DigestMismatchError } from "../errors.ts";
import {
  createHasher,
  type ExpectedContent,
  type Hasher,
  sha256Hex,
  verifyBytes,
} from "./digest.ts";
import { isDeno, webCryptoHex } from "./_web_hash.ts";
import { Sha256, sha256HexOf } from "./_sha256.ts";
import { SyncHasher } from "./_sync_hasher.ts";

/** Above this, one WebCrypto call costs less than hashing in JavaScript. */
const SMALL_PAYLOAD = 64 * 1024;

/**
 * SHA-256 of an in-memory payload as 64 lowercase hex characters.
 *
 * @example
 * ```ts
 * import { payloadSha256Hex } from "./_payload_hash.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   await payloadSha256Hex(new TextEncoder().encode("{}")),
 *   "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
 * );
 * ```
 *
 * @param bytes The content.
 * @returns The hex digest.
 */
export function payloadSha256Hex(bytes: Uint8Array): Promise<string> {
  if (!isDeno()) return sha256Hex(bytes);
  if (bytes.length > SMALL_PAYLOAD) return webCryptoHex(bytes);
  return Promise.resolve(sha256HexOf(bytes));
}

/**
 * The OCI digest `sha256:<hex>` of an in-memory payload.
 *
 * @example
 * ```ts
 * import { payloadDigestOf } from "./_payload_hash.ts";
 * import { digestOf } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([1, 2, 3]);
 * assert.equal(await payloadDigestOf(bytes), await digestOf(bytes));
 * ```
 *
 * @param bytes The content.
 * @returns The digest string.
 */
export async function payloadDigestOf(bytes: Uint8Array): Promise<string> {
  return payloadDigestNow(bytes) ?? `sha256:${await payloadSha256Hex(bytes)}`;
}

/**
 * The OCI digest of an in-memory payload when it is hashed synchronously (under Deno, up to 64
 * KiB: {@linkcode sha256HexOf}), else `undefined` ({@linkcode payloadDigestOf} then): a writer's
 * small blob gets its digest without an awaited promise.
 *
 * @example
 * ```ts
 * import { payloadDigestNow, payloadDigestOf } from "./_payload_hash.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([1, 2, 3]);
 * const now = payloadDigestNow(bytes);
 * assert.ok(now === undefined || now === await payloadDigestOf(bytes));
 * ```
 *
 * @param bytes The content.
 * @returns The digest string, or `undefined`.
 */
export function payloadDigestNow(bytes: Uint8Array): string | undefined {
  return bytes.length <= SMALL_PAYLOAD && isDeno() ? `sha256:${sha256HexOf(bytes)}` : undefined;
}

/**
 * {@linkcode verifyBytes} for an in-memory payload: the same checks and errors.
 *
 * @example
 * ```ts
 * import { payloadDigestOf, verifyPayload } from "./_payload_hash.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([1, 2, 3]);
 * const digest = await payloadDigestOf(bytes);
 * await verifyPayload(bytes, { digest, size: 3 });
 * await assert.rejects(verifyPayload(bytes, { digest, size: 4 }));
 * await assert.rejects(verifyPayload(new Uint8Array([1, 2, 4]), { digest, size: 3 }));
 * ```
 *
 * @param bytes The content.
 * @param expected The digest and size it must have.
 * @returns Nothing; resolves when the content matches.
 * @throws {SizeMismatchError} When the length differs (checked first, before hashing).
 * @throws {DigestMismatchError} When the hash differs.
 */
export function verifyPayload(bytes: Uint8Array, expected: ExpectedContent): Promise<void> {
  if (!isDeno() || bytes.length !== expected.size) return verifyBytes(bytes, expected);
  // A small payload is checked at once: a settled promise, not an async function's awaits.
  const now = payloadDigestNow(bytes);
  if (now === undefined) return verifyDigest(payloadDigestOf(bytes), expected.digest);
  return now === expected.digest
    ? Promise.resolve()
    : Promise.reject(new DigestMismatchError(expected.digest, now));
}

/**
 * The private copies {@linkcode hashedCopy} made and hashed, with their
 * digests: module-private, so nothing else can vouch for an array, and weak,
 * so a copy is not kept.
 */
const vouched = new WeakMap<Uint8Array, string>();

/** A private copy of a payload and its digest ({@linkcode hashedCopy}). */
export interface HashedCopy {
  /** The copy: a fresh plain `Uint8Array` nobody else holds. */
  readonly bytes: Uint8Array;
  /** The OCI digest of exactly these bytes. */
  readonly digest: string;
}

/**
 * A private copy of a small payload, hashed synchronously (under Deno, up to
 * 64 KiB, as {@linkcode payloadDigestNow}), else `undefined`. The copy is
 * made first and the hash is of the copy, so no caller's code (a subclass's
 * `slice` or `length`, a getter) stands between the bytes hashed and the
 * bytes stored: the copy is vouched for, and its one
 * {@linkcode verifyVouchedPayload} only checks the size. Whoever receives
 * it must not copy it again (the writer's push queue takes it as is).
 *
 * @example
 * ```ts
 * import { hashedCopy, payloadDigestOf } from "./_payload_hash.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([1, 2, 3]);
 * const copy = hashedCopy(bytes);
 * if (copy !== undefined) {
 *   assert.notEqual(copy.bytes, bytes);
 *   assert.equal(copy.digest, await payloadDigestOf(bytes));
 * }
 * ```
 *
 * @param bytes The payload (not kept).
 * @returns The copy and its digest, or `undefined`.
 */
export function hashedCopy(bytes: Uint8Array): HashedCopy | undefined {
  if (!isDeno() || !(bytes instanceof Uint8Array) || bytes.length > SMALL_PAYLOAD) return undefined;
  const copy = new Uint8Array(bytes); // a plain copy of the internal bytes, no species or getters
  const digest = `sha256:${sha256HexOf(copy)}`;
  vouched.set(copy, digest);
  return { bytes: copy, digest };
}

/**
 * {@linkcode verifyPayload}, except that an array vouched for under the
 * expected digest (a {@linkcode hashedCopy}) is not hashed again: only its
 * size is checked (the same `SizeMismatchError`). A vouch serves one check; a
 * different digest, or any array not vouched for, is hashed as before (a wrong
 * digest: `DigestMismatchError`).
 *
 * @example
 * ```ts
 * import { hashedCopy, payloadDigestOf, verifyVouchedPayload } from "./_payload_hash.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([1, 2, 3]);
 * const digest = await payloadDigestOf(bytes);
 * const copy = hashedCopy(bytes);
 * if (copy !== undefined) await verifyVouchedPayload(copy.bytes, { digest, size: 3 });
 * await verifyVouchedPayload(bytes, { digest, size: 3 });
 * await assert.rejects(verifyVouchedPayload(new Uint8Array([1, 2, 4]), { digest, size: 3 }));
 * ```
 *
 * @param bytes The content.
 * @param expected The digest and size it must have.
 * @returns Nothing; resolves when the content matches.
 * @throws {SizeMismatchError} When the length differs.
 * @throws {DigestMismatchError} When the hash differs (never for a vouched array).
 */
export function verifyVouchedPayload(bytes: Uint8Array, expected: ExpectedContent): Promise<void> {
  const digest = vouched.get(bytes);
  if (digest === undefined) return verifyPayload(bytes, expected);
  vouched.delete(bytes);
  return digest === expected.digest && bytes.length === expected.size
    ? Promise.resolve()
    : verifyPayload(bytes, expected);
}

async function verifyDigest(actual: Promise<string>, expected: string): Promise<void> {
  const digest = await actual;
  if (digest !== expected) throw new DigestMismatchError(expected, digest);
}

/**
 * An incremental hasher for a payload built in memory piece by piece (under
 * Deno the synchronous {@linkcode Sha256}).
 *
 * @example
 * ```ts
 * import { createPayloadHasher, payloadSha256Hex } from "./_payload_hash.ts";
 * import assert from "node:assert/strict";
 *
 * const h = await createPayloadHasher();
 * h.update(new TextEncoder().encode("ab"));
 * const c = h.copy();
 * c.update(new TextEncoder().encode("c"));
 * assert.equal(await c.digestHex(), await payloadSha256Hex(new TextEncoder().encode("abc")));
 * ```
 *
 * @returns A fresh hasher.
 */
export async function createPayloadHasher(): Promise<Hasher> {
  return isDeno() ? new SyncHasher(new Sha256()) : await createHasher();
}
