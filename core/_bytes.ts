/**
 * Byte helpers shared by the writers: {@linkcode concatBytes} joins byte
 * arrays into one, {@linkcode ByteBuffer} is an append-only (and
 * truncatable) growable byte buffer, so a writer that keeps encoded text
 * between assemblies copies bytes instead of joining and re-encoding
 * strings.
 *
 * @module
 */

/**
 * Join byte arrays into one new array.
 *
 * @example Join three parts
 * ```ts
 * import { concatBytes } from "./_bytes.ts";
 * import assert from "node:assert/strict";
 *
 * const out = concatBytes([Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)]);
 * assert.deepEqual([...out], [1, 2, 3]);
 * ```
 *
 * @param parts The arrays, in order.
 * @returns A new array holding every part's bytes.
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Whether two byte arrays hold the same bytes.
 *
 * @example
 * ```ts
 * import { equalBytes } from "./_bytes.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
 * assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1)), false);
 * ```
 *
 * @param a One array.
 * @param b The other.
 * @returns `true` when their lengths and every byte are equal.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * An append-only growable byte buffer (capacity doubles), which can be cut
 * back to an earlier length.
 *
 * @example Append, view, truncate
 * ```ts
 * import { ByteBuffer } from "./_bytes.ts";
 * import assert from "node:assert/strict";
 *
 * const b = new ByteBuffer();
 * b.append(Uint8Array.of(1, 2));
 * b.append(Uint8Array.of(3));
 * assert.deepEqual([...b.view()], [1, 2, 3]);
 * b.truncate(1);
 * assert.deepEqual([...b.view()], [1]);
 * ```
 */
export class ByteBuffer {
  #buf: Uint8Array;
  #len = 0;

  /**
   * An empty buffer.
   *
   * @param capacity The initial capacity in bytes.
   */
  constructor(capacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, capacity));
  }

  /** The number of bytes held. */
  get length(): number {
    return this.#len;
  }

  /**
   * Append bytes (copied).
   *
   * @param bytes The bytes.
   */
  append(bytes: Uint8Array): void {
    const need = this.#len + bytes.length;
    if (need > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(bytes, this.#len);
    this.#len = need;
  }

  /**
   * Cut the buffer back to `length` bytes (no-op when it holds fewer).
   *
   * @param length The new length.
   */
  truncate(length: number): void {
    if (length < this.#len) this.#len = Math.max(0, length);
  }

  /**
   * The bytes held, as a view into the buffer: valid until the next
   * {@linkcode ByteBuffer.append} or {@linkcode ByteBuffer.truncate}; copy
   * it to keep it.
   *
   * @param from The first byte of the view (default 0).
   * @returns The view.
   */
  view(from = 0): Uint8Array {
    return this.#buf.subarray(from, this.#len);
  }
}
