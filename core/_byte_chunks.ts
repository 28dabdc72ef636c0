/**
 * {@linkcode ByteChunks}: an append-only byte sequence kept as fixed-size
 * chunks, for text assembled piece by piece into a large blob (the commit's
 * config and manifest). Unlike a doubling buffer it never copies what it
 * holds to grow, leaves at most one chunk of slack, and encodes text
 * straight into its chunks (no temporary array per piece); the whole is
 * copied once, into an exactly sized array, by the caller
 * ({@linkcode ByteChunks.copyTo}).
 *
 * @module
 */

const encoder = new TextEncoder();

/** Default chunk size: 64 KiB. */
const CHUNK = 1 << 16;

interface Chunk {
  readonly buf: Uint8Array;
  /** Bytes used (a chunk may end a few bytes short when a character did not fit). */
  len: number;
}

/** An append-only byte sequence in fixed-size chunks (see the module doc). */
export class ByteChunks {
  readonly #chunkSize: number;
  readonly #chunks: Chunk[] = [];
  #len = 0;

  /**
   * An empty sequence.
   *
   * @param chunkSize The size of each chunk in bytes (at least 16); default 64 KiB.
   */
  constructor(chunkSize = CHUNK) {
    this.#chunkSize = Math.max(16, chunkSize);
  }

  /** The number of bytes held. */
  get length(): number {
    return this.#len;
  }

  #room(): Chunk {
    const last = this.#chunks[this.#chunks.length - 1];
    if (last !== undefined && last.len < last.buf.length) return last;
    const chunk = { buf: new Uint8Array(this.#chunkSize), len: 0 };
    this.#chunks.push(chunk);
    return chunk;
  }

  /**
   * Append bytes (copied).
   *
   * @param bytes The bytes.
   */
  append(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) {
      const chunk = this.#room();
      const n = Math.min(chunk.buf.length - chunk.len, bytes.length - off);
      chunk.buf.set(bytes.subarray(off, off + n), chunk.len);
      chunk.len += n;
      off += n;
    }
    this.#len += bytes.length;
  }

  /**
   * Append a text as UTF-8, encoded into the chunks directly.
   *
   * @param text The text.
   */
  appendText(text: string): void {
    let rest = text;
    while (rest.length > 0) {
      const chunk = this.#room();
      const { read, written } = encoder.encodeInto(rest, chunk.buf.subarray(chunk.len));
      chunk.len += written;
      this.#len += written;
      if (read === rest.length) return;
      // Full up to a character that did not fit: the chunk ends there.
      this.#chunks[this.#chunks.length - 1] = {
        buf: chunk.buf.subarray(0, chunk.len),
        len: chunk.len,
      };
      rest = rest.slice(read);
    }
  }

  /**
   * Cut the sequence back to `length` bytes (no-op when it holds fewer).
   *
   * @param length The new length.
   */
  truncate(length: number): void {
    if (length >= this.#len) return;
    let left = Math.max(0, length);
    let keep = 0;
    while (keep < this.#chunks.length && left > 0) {
      const chunk = this.#chunks[keep]!;
      if (chunk.len >= left) {
        chunk.len = left;
        left = 0;
      } else {
        left -= chunk.len;
      }
      keep++;
    }
    this.#chunks.length = keep;
    this.#len = Math.max(0, length);
  }

  /**
   * The bytes from `from` on, as views into the chunks: valid until the next
   * change.
   *
   * @param from The first byte (default 0).
   * @returns The views, in order.
   */
  *pieces(from = 0): Generator<Uint8Array> {
    let skip = from;
    for (const chunk of this.#chunks) {
      if (skip >= chunk.len) {
        skip -= chunk.len;
        continue;
      }
      yield chunk.buf.subarray(skip, chunk.len);
      skip = 0;
    }
  }

  /**
   * Copy every byte into `target` at `offset`.
   *
   * @param target The destination (room for {@linkcode ByteChunks.length} bytes from `offset`).
   * @param offset Where the first byte goes.
   * @returns The offset after the last byte.
   */
  copyTo(target: Uint8Array, offset: number): number {
    let at = offset;
    for (const piece of this.pieces()) {
      target.set(piece, at);
      at += piece.length;
    }
    return at;
  }
}
