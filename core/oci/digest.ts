/**
 * SHA-256 digests: parsing, hashing and verification while reading.
 *
 * Hashing uses `node:crypto` when the runtime has it (Deno, Node, Bun) and
 * falls back to WebCrypto in browsers. The module is loaded lazily, and only
 * in a runtime that has Node's built-ins, so a browser never tries to load it.
 *
 * @module
 */
import { DigestMismatchError, InvalidDigestError, SizeMismatchError } from "../errors.ts";
import { hasNodeBuiltins } from "../_runtime.ts";
import { BufferingHasher, isDeno, webCryptoHex } from "./_web_hash.ts";
import { type HashEngine, SyncHasher } from "./_sync_hasher.ts";
import { registerSha256HexNow, verifyBytesNow } from "./_verify_now.ts";

/** The only digest algorithm supported: `sha256`. */
export const SHA256_ALGORITHM = "sha256";

/** A digest split into its parts. */
export interface ParsedDigest {
  /** Always `sha256`. */
  readonly algorithm: "sha256";
  /** 64 lowercase hex characters. */
  readonly hex: string;
}

/**
 * What a blob must match: its digest and its size (any descriptor is one;
 * declared here so that digests do not depend on descriptors).
 */
export interface ExpectedContent {
  /** The blob's digest, `sha256:<64 lowercase hex>`. */
  readonly digest: string;
  /** The blob's size in bytes. */
  readonly size: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Parse `sha256:<64 lowercase hex>`.
 *
 * @example Split a digest
 * ```ts
 * import { parseDigest } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * const d = parseDigest("sha256:" + "ab".repeat(32));
 * assert.equal(d.hex, "ab".repeat(32));
 * ```
 *
 * @param text The digest text.
 * @returns The algorithm and hex parts.
 * @throws {InvalidDigestError} When `text` is not a valid sha256 digest.
 */
export function parseDigest(text: string): ParsedDigest {
  if (typeof text !== "string") throw new InvalidDigestError(String(text), "not a string");
  const colon = text.indexOf(":");
  if (colon <= 0) throw new InvalidDigestError(text, "expected '<algorithm>:<hex>'");
  const algorithm = text.slice(0, colon);
  if (algorithm !== SHA256_ALGORITHM) {
    throw new InvalidDigestError(text, `unsupported algorithm '${algorithm}' (only sha256)`);
  }
  const hex = text.slice(colon + 1);
  if (!HEX64.test(hex)) {
    throw new InvalidDigestError(text, "encoded part must be 64 lowercase hex characters");
  }
  return { algorithm: "sha256", hex };
}

/**
 * Check a digest and return it unchanged.
 *
 * @example Validate
 * ```ts
 * import { validateDigest } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => validateDigest("sha256:ABC"));
 * ```
 *
 * @param text The digest text.
 * @returns `text`, when valid.
 * @throws {InvalidDigestError} When invalid.
 */
export function validateDigest(text: string): string {
  parseDigest(text);
  return text;
}

/**
 * Whether `value` is a valid `sha256:` digest string.
 *
 * @example Test
 * ```ts
 * import { isDigest } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isDigest("sha256:" + "0".repeat(64)), true);
 * assert.equal(isDigest("sha512:00"), false);
 * ```
 *
 * @param value Anything.
 * @returns `true` for a valid digest.
 */
export function isDigest(value: unknown): value is string {
  return typeof value === "string" && value.length === 71 && value.startsWith("sha256:") &&
    HEX64.test(value.slice(7));
}

/** An incremental SHA-256 hasher. */
export interface Hasher {
  /**
   * Feed more bytes.
   *
   * @param chunk The next bytes.
   */
  update(chunk: Uint8Array): void;
  /**
   * A new hasher in the same state (the bytes fed so far), independent of
   * this one: hash a common prefix once, then finish several copies with
   * different endings.
   *
   * @returns The copy.
   */
  copy(): Hasher;
  /**
   * Finish and return the 64-char lowercase hex digest. Call once.
   *
   * @returns The hex digest.
   */
  digestHex(): Promise<string>;
}

/** Node's `Hash`: a {@linkcode HashEngine} whose `update` returns itself. */
interface NodeHash extends HashEngine {
  update(data: Uint8Array): NodeHash;
  copy(): NodeHash;
}
interface NodeCryptoLike {
  createHash(algorithm: string): NodeHash;
}

let nodeCrypto: Promise<NodeCryptoLike | null> | undefined;
/** `node:crypto` once {@linkcode loadNodeCrypto} has loaded it (`undefined` before). */
let loadedNodeCrypto: NodeCryptoLike | undefined;

function loadNodeCrypto(): Promise<NodeCryptoLike | null> {
  nodeCrypto ??= (async () => {
    // A browser has no node:crypto; even a caught import() of it logs a console error.
    if (!hasNodeBuiltins()) return null;
    try {
      const mod = (await import("node:crypto")) as unknown as NodeCryptoLike;
      if (typeof mod.createHash !== "function") return null;
      loadedNodeCrypto = mod;
      registerSha256HexNow((bytes) => loadedSha256Hex(mod, bytes));
      return mod;
    } catch {
      return null;
    }
  })();
  return nodeCrypto;
}

/**
 * Under Deno, the first one-shot hashes go through WebCrypto: loading
 * `node:crypto` costs ~15 ms, an awaited `crypto.subtle.digest` of a small
 * payload ~15 µs against ~2 µs for `createHash`, so opening an Experiment
 * (a manifest, a config, a run table) never loads it, and a command that
 * hashes thousands of payloads loads it after these few.
 */
const WEB_HASHES = 32;
let webHashesLeft = WEB_HASHES;

/**
 * Create an incremental SHA-256 hasher: native `node:crypto` when available,
 * otherwise a WebCrypto-backed hasher that buffers until {@linkcode Hasher.digestHex}.
 *
 * @example Hash in pieces
 * ```ts
 * import { createHasher, sha256Hex } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * const h = await createHasher();
 * h.update(new TextEncoder().encode("ab"));
 * h.update(new TextEncoder().encode("c"));
 * assert.equal(await h.digestHex(), await sha256Hex(new TextEncoder().encode("abc")));
 * ```
 *
 * @returns A fresh hasher.
 */
export async function createHasher(): Promise<Hasher> {
  const node = await loadNodeCrypto();
  return node ? new SyncHasher(node.createHash("sha256")) : new BufferingHasher();
}

/**
 * SHA-256 of `bytes` as 64 lowercase hex characters.
 *
 * @example Known vector
 * ```ts
 * import { sha256Hex } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   await sha256Hex(new TextEncoder().encode("{}")),
 *   "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
 * );
 * ```
 *
 * @param bytes The content.
 * @returns The hex digest.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  if (loadedNodeCrypto !== undefined) return loadedSha256Hex(loadedNodeCrypto, bytes);
  if (nodeCrypto === undefined && webHashesLeft > 0 && isDeno()) {
    webHashesLeft--;
    return await webCryptoHex(bytes);
  }
  const node = await loadNodeCrypto();
  if (node) return loadedSha256Hex(node, bytes);
  return await webCryptoHex(bytes);
}

/** The hex SHA-256 of `bytes` by a loaded `node:crypto`, synchronously. */
function loadedSha256Hex(node: NodeCryptoLike, bytes: Uint8Array): string {
  return node.createHash("sha256").update(bytes).digest("hex");
}

/**
 * The OCI digest `sha256:<hex>` of `bytes`.
 *
 * @example Digest of the empty JSON object
 * ```ts
 * import { digestOf } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * const d = await digestOf(new TextEncoder().encode("{}"));
 * assert.ok(d.startsWith("sha256:44136fa3"));
 * ```
 *
 * @param bytes The content.
 * @returns The digest string.
 */
export async function digestOf(bytes: Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(bytes)}`;
}

/**
 * Check that `bytes` has the expected size and digest.
 *
 * @example Accept matching content
 * ```ts
 * import { digestOf, verifyBytes } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([1, 2, 3]);
 * await verifyBytes(bytes, { digest: await digestOf(bytes), size: 3 });
 * await assert.rejects(verifyBytes(bytes, { digest: await digestOf(bytes), size: 4 }));
 * ```
 *
 * @param bytes The content.
 * @param expected The digest and size it must have.
 * @returns Nothing; resolves when the content matches.
 * @throws {SizeMismatchError} When the length differs (checked first, before hashing).
 * @throws {DigestMismatchError} When the hash differs.
 */
export async function verifyBytes(bytes: Uint8Array, expected: ExpectedContent): Promise<void> {
  // Once node:crypto is loaded, checked without an await (a read of thousands of
  // small blobs pays for each); before, the size here and the digest by `digestOf`.
  if (verifyBytesNow(bytes, expected)) return;
  const actual = await digestOf(bytes);
  if (actual !== expected.digest) throw new DigestMismatchError(expected.digest, actual);
}

/**
 * A hasher that also counts bytes and fails as soon as more than the expected
 * size arrives. Building block for verifying readers and writers.
 *
 * @example Verify piecewise
 * ```ts
 * import { createVerifier, digestOf } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([9, 9]);
 * const v = await createVerifier({ digest: await digestOf(bytes), size: 2 });
 * v.update(bytes.subarray(0, 1));
 * v.update(bytes.subarray(1));
 * await v.finish();
 * assert.equal(v.received, 2);
 * ```
 *
 * @param expected The digest and size.
 * @returns A {@linkcode Verifier}.
 */
export async function createVerifier(expected: ExpectedContent): Promise<Verifier> {
  return new Verifier(expected, await createHasher());
}

/** Counts and hashes bytes against an expected descriptor; see {@linkcode createVerifier}. */
export class Verifier {
  /** What the content must match. */
  readonly expected: ExpectedContent;
  #hasher: Hasher;
  #received = 0;

  /**
   * Create a verifier; prefer {@linkcode createVerifier}.
   *
   * @param expected The digest and size.
   * @param hasher A fresh hasher.
   */
  constructor(expected: ExpectedContent, hasher: Hasher) {
    this.expected = expected;
    this.#hasher = hasher;
  }

  /** Bytes received so far. */
  get received(): number {
    return this.#received;
  }

  /**
   * Feed the next chunk.
   *
   * @param chunk The next bytes.
   * @throws {SizeMismatchError} When the total exceeds the expected size.
   */
  update(chunk: Uint8Array): void {
    this.#received += chunk.length;
    if (this.#received > this.expected.size) {
      throw new SizeMismatchError(this.expected.digest, this.expected.size, this.#received);
    }
    this.#hasher.update(chunk);
  }

  /**
   * Check the final size and digest.
   *
   * @returns Nothing; resolves when everything matched.
   * @throws {SizeMismatchError} When fewer bytes arrived than expected.
   * @throws {DigestMismatchError} When the hash differs.
   */
  async finish(): Promise<void> {
    if (this.#received !== this.expected.size) {
      throw new SizeMismatchError(this.expected.digest, this.expected.size, this.#received);
    }
    const actual = `sha256:${await this.#hasher.digestHex()}`;
    if (actual !== this.expected.digest) {
      throw new DigestMismatchError(this.expected.digest, actual);
    }
  }
}

/**
 * A pass-through stream that verifies size and digest of what flows through.
 * It errors as soon as the size is exceeded, and at the end on a short read or
 * a digest mismatch. The last chunk is held back until size and digest have
 * matched, so a stream that closes cleanly always delivered verified content
 * (earlier chunks pass through as they arrive, one chunk behind).
 *
 * @example Pipe through
 * ```ts
 * import { createVerifyingStream, digestOf } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([1, 2, 3]);
 * const out = ReadableStream.from([bytes]).pipeThrough(
 *   createVerifyingStream({ digest: await digestOf(bytes), size: 3 }),
 * );
 * const got = await Array.fromAsync(out);
 * assert.equal(got.length, 1);
 * ```
 *
 * @param expected The digest and size.
 * @returns A TransformStream of bytes.
 */
export function createVerifyingStream(
  expected: ExpectedContent,
): TransformStream<Uint8Array, Uint8Array> {
  let verifier: Verifier;
  let held: Uint8Array | undefined;
  return new TransformStream<Uint8Array, Uint8Array>({
    async start() {
      verifier = await createVerifier(expected);
    },
    transform(chunk, controller) {
      if (chunk.length === 0) return;
      verifier.update(chunk);
      if (held !== undefined) controller.enqueue(held);
      held = chunk;
    },
    async flush(controller) {
      await verifier.finish();
      if (held !== undefined) controller.enqueue(held);
      held = undefined;
    },
  });
}

/**
 * A verified blob stream over a backend's raw chunks: what every storage
 * backend's `fetchStream` returns. Nothing is opened until the first read;
 * the raw stream then flows through {@linkcode createVerifyingStream}, so a
 * clean end always means the size and digest matched, and a mismatch is a
 * typed error on the read that reaches it. Cancelling cancels the raw stream.
 *
 * @example Verify a backend's raw chunks
 * ```ts
 * import { digestOf, verifiedStream } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("hello");
 * const expected = { digest: await digestOf(bytes), size: 5 };
 * const ok = verifiedStream(expected, () => ReadableStream.from([bytes.subarray(0, 2), bytes.subarray(2)]));
 * assert.equal((await Array.fromAsync(ok)).length, 2);
 * const short = verifiedStream(expected, () => ReadableStream.from([bytes.subarray(0, 4)]));
 * await assert.rejects(Array.fromAsync(short), { code: "SIZE_MISMATCH" });
 * ```
 *
 * @param expected The digest and size the content must match.
 * @param open Opens the raw chunk stream (called on the first read).
 * @returns The verifying stream.
 */
export function verifiedStream(
  expected: ExpectedContent,
  open: () => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>,
): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      reader ??= (await open()).pipeThrough(createVerifyingStream(expected)).getReader();
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: async (reason) => {
      await reader?.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}

/**
 * Read a whole stream (or iterable of chunks) and verify its size and digest,
 * without keeping the bytes.
 *
 * @example Verify a stream
 * ```ts
 * import { digestOf, verify } from "./digest.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("hello");
 * const expected = { digest: await digestOf(bytes), size: 5 };
 * await verify(ReadableStream.from([bytes]), expected);
 * await assert.rejects(verify([bytes, bytes], expected), { code: "SIZE_MISMATCH" });
 * ```
 *
 * @param source A stream or (async) iterable of chunks.
 * @param expected The digest and size.
 * @returns Nothing; resolves when the content matches.
 * @throws {SizeMismatchError} On too many or too few bytes.
 * @throws {DigestMismatchError} On a hash mismatch.
 */
export async function verify(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  expected: ExpectedContent,
): Promise<void> {
  const verifier = await createVerifier(expected);
  if (source instanceof ReadableStream) {
    const reader = source.getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        verifier.update(value);
      }
    } catch (e) {
      await reader.cancel().catch(() => {});
      throw e;
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of source) verifier.update(chunk);
  }
  await verifier.finish();
}
