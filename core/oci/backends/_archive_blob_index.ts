/**
 * The archive's blob index: digest → member number, data offset and size,
 * first member wins. Tens of thousands of blobs are indexed on every open, so
 * the digests are kept as their 64 hex bytes in one growing byte array under
 * an open-addressing table keyed by the first 32 bits of the digest (digests
 * are uniformly distributed), instead of a `Map` of digest strings: hashing a
 * fresh 71-character string for a `Map` costs more than the rest of a tar
 * header. Strings are built only when {@linkcode ArchiveBlobIndex.digests}
 * asks for them.
 *
 * @module
 */

const HEX = 64;
const latin1 = new TextDecoder("latin1");

/**
 * Value of a lowercase hex digit by its char code (below 256), or -1: a table
 * read rather than a call, as the index is built by code that is still cold.
 */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) HEX_VALUE["0123456789abcdef".charCodeAt(d)] = d;

/** Blobs of an archive, in member order; lookups by `sha256:<hex>` digest. */
export class ArchiveBlobIndex {
  /** Data offsets, by blob number. */
  readonly offsets: number[] = [];
  /** Data sizes, by blob number. */
  readonly sizes: number[] = [];
  /** Lowercase hex digits of blob `n` at `n * 64`. */
  #hex = new Uint8Array(HEX * 64);
  /** Open addressing: blob number + 1, or 0 for an empty slot. */
  #slots = new Int32Array(128);
  #count = 0;

  /** Number of blobs. */
  get size(): number {
    return this.#count;
  }

  /**
   * Add a blob whose digest's hex digits are `bytes[start..start+64)`, unless
   * its digest is already indexed (the first member wins).
   *
   * @param bytes Holds the hex digits.
   * @param start Where they start.
   * @param offset The member's data offset.
   * @param size The member's data size.
   * @returns `false`, adding nothing, when those 64 bytes are not all lowercase hex digits.
   */
  addHex(bytes: Uint8Array, start: number, offset: number, size: number): boolean {
    const n = this.#count;
    if ((n + 1) * HEX > this.#hex.length) this.#growHex();
    // Copied to the next free place while checked; kept only if new.
    const hex = this.#hex;
    const at = n * HEX;
    // The first 8 digits give the slot hash; the rest are only checked.
    let h = 0;
    for (let i = 0; i < 8; i++) {
      const c = bytes[start + i]!;
      const d = HEX_VALUE[c]!;
      if (!(d >= 0)) return false; // also past the end of `bytes` (undefined)
      h = (h << 4) | d;
      hex[at + i] = c;
    }
    for (let i = 8; i < HEX; i++) {
      const c = bytes[start + i]!;
      if (!(HEX_VALUE[c]! >= 0)) return false;
      hex[at + i] = c;
    }
    const mask = this.#slots.length - 1;
    for (let s = h & mask;; s = (s + 1) & mask) {
      const v = this.#slots[s] as number;
      if (v === 0) {
        this.#slots[s] = n + 1;
        this.offsets.push(offset);
        this.sizes.push(size);
        this.#count = n + 1;
        if (this.#count * 2 > this.#slots.length) this.#rehash();
        return true;
      }
      const base = (v - 1) * HEX;
      let i = 0;
      while (i < HEX && hex[base + i] === hex[at + i]) i++;
      if (i === HEX) return true; // duplicate: the first member wins
    }
  }

  /**
   * Add a blob by its `sha256:<64 lowercase hex>` digest (already checked),
   * unless it is already indexed.
   *
   * @param digest The digest.
   * @param offset The member's data offset.
   * @param size The member's data size.
   */
  addDigest(digest: string, offset: number, size: number): void {
    const bytes = new Uint8Array(HEX);
    for (let i = 0; i < HEX; i++) bytes[i] = digest.charCodeAt(7 + i);
    this.addHex(bytes, 0, offset, size);
  }

  /**
   * The blob number of `digest`.
   *
   * @param digest Any string.
   * @returns The number, or `undefined` when no blob has that digest.
   */
  get(digest: string): number | undefined {
    if (typeof digest !== "string" || digest.length !== 7 + HEX || !digest.startsWith("sha256:")) {
      return undefined;
    }
    let h = 0;
    for (let i = 0; i < 8; i++) {
      const c = digest.charCodeAt(7 + i);
      const d = c < 256 ? HEX_VALUE[c]! : -1;
      if (d < 0) return undefined;
      h = (h << 4) | d;
    }
    const mask = this.#slots.length - 1;
    const hex = this.#hex;
    for (let s = h & mask;; s = (s + 1) & mask) {
      const v = this.#slots[s] as number;
      if (v === 0) return undefined;
      const base = (v - 1) * HEX;
      let i = 0;
      while (i < HEX && hex[base + i] === digest.charCodeAt(7 + i)) i++;
      if (i === HEX) return v - 1;
    }
  }

  /**
   * Every digest, in blob number (archive) order.
   *
   * @returns Fresh `sha256:<hex>` strings.
   */
  digests(): string[] {
    const out: string[] = new Array(this.#count);
    for (let n = 0; n < this.#count; n++) {
      out[n] = `sha256:${latin1.decode(this.#hex.subarray(n * HEX, (n + 1) * HEX))}`;
    }
    return out;
  }

  #growHex(): void {
    const next = new Uint8Array(this.#hex.length * 2);
    next.set(this.#hex);
    this.#hex = next;
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    const hex = this.#hex;
    for (let n = 0; n < this.#count; n++) {
      let h = 0;
      for (let i = 0; i < 8; i++) h = (h << 4) | HEX_VALUE[hex[n * HEX + i]!]!;
      let s = h & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = n + 1;
    }
    this.#slots = slots;
  }
}
