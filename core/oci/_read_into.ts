/**
 * Internal: sources that can read into a buffer the caller owns. The tar walk
 * reads an archive's headers through a read-ahead window; with a fresh window
 * per read, indexing a 20,000-run archive (84 MB) allocated 84 MB of buffers
 * only to read 60,005 headers. A file source registers here a synchronous
 * read into the caller's array (the same reads and errors as its `read`), and
 * the walk refills one window instead. Kept off the public
 * `RandomAccessSource` interface.
 *
 * @module
 */
import type { RandomAccessSource } from "./random_access.ts";

/**
 * Fill all of `target` with the source's bytes from `offset`, with the errors
 * of the source's `read`; `false` when it cannot (the caller then uses `read`).
 */
export type ReadInto = (offset: number, target: Uint8Array) => boolean;

const readers = new WeakMap<RandomAccessSource, ReadInto>();

/**
 * Register `source`'s read into a caller's buffer.
 *
 * @param source The source.
 * @param readInto Its read into a buffer.
 */
export function registerReadInto(source: RandomAccessSource, readInto: ReadInto): void {
  readers.set(source, readInto);
}

/**
 * The read into a caller's buffer `source` registered, if any.
 *
 * @param source The source.
 * @returns Its read into a buffer, or `undefined`.
 */
export function readIntoOf(source: RandomAccessSource): ReadInto | undefined {
  return readers.get(source);
}
