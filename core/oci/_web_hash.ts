/**
 * Internal: SHA-256 through WebCrypto (`crypto.subtle.digest`), which every
 * runtime has without loading anything: the browser's only hash, and under
 * Deno the one that does not load `node:crypto` (and with it Node's
 * compatibility layer, ~10 MiB of resident memory).
 *
 * @module
 */
import { concatBytes } from "../_bytes.ts";
import { hexOf } from "../_hex.ts";

/**
 * Whether the runtime is Deno with WebCrypto's digest.
 *
 * @example
 * ```ts
 * import { isDeno } from "./_web_hash.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isDeno(), true); // under Deno
 * ```
 *
 * @returns `true` under Deno.
 */
export function isDeno(): boolean {
  return (globalThis as { Deno?: unknown }).Deno !== undefined &&
    typeof globalThis.crypto?.subtle?.digest === "function";
}

/**
 * SHA-256 of `bytes` by WebCrypto, as 64 lowercase hex characters.
 *
 * @example
 * ```ts
 * import { webCryptoHex } from "./_web_hash.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   await webCryptoHex(new TextEncoder().encode("{}")),
 *   "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
 * );
 * ```
 *
 * @param bytes The content.
 * @returns The hex digest.
 */
export async function webCryptoHex(bytes: Uint8Array): Promise<string> {
  const view = bytes.buffer instanceof ArrayBuffer
    ? bytes as Uint8Array<ArrayBuffer>
    : bytes.slice();
  return hexOf(new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", view)));
}

/**
 * A hasher over WebCrypto, which hashes only whole payloads: it keeps the
 * chunks and hashes them at the end (`createHasher`'s where there is no
 * `node:crypto`, e.g. a browser).
 *
 * @example
 * ```ts
 * import { BufferingHasher, webCryptoHex } from "./_web_hash.ts";
 * import assert from "node:assert/strict";
 *
 * const h = new BufferingHasher();
 * h.update(new Uint8Array([1]));
 * const c = h.copy();
 * c.update(new Uint8Array([2]));
 * assert.equal(await c.digestHex(), await webCryptoHex(new Uint8Array([1, 2])));
 * assert.equal(await h.digestHex(), await webCryptoHex(new Uint8Array([1])));
 * ```
 */
export class BufferingHasher {
  #chunks: Uint8Array[] = [];
  /**
   * Feed bytes (copied: callers may reuse their buffers).
   *
   * @param chunk The next bytes.
   */
  update(chunk: Uint8Array): void {
    this.#chunks.push(chunk.slice());
  }
  /**
   * An independent hasher in the same state.
   *
   * @returns The copy.
   */
  copy(): BufferingHasher {
    // The chunks are private copies and never mutated: share them.
    const other = new BufferingHasher();
    other.#chunks = [...this.#chunks];
    return other;
  }
  /**
   * Finish and return the hex digest. Call once.
   *
   * @returns The hex digest.
   */
  digestHex(): Promise<string> {
    const all = concatBytes(this.#chunks);
    this.#chunks = [];
    return webCryptoHex(all);
  }
}
