/**
 * Internal: read a source chunk by chunk into two buffers, the read of the
 * next chunk already issued while the caller processes the current one — the
 * reader of {@linkcode hashRange} (`_hash_range.ts`, `verify`'s lanes) and of
 * `copyHashing` (`backends/_copy_hashing.ts`) and `hashGrowingCopy`
 * (`backends/_hash_growing_copy.ts`), `LocalRegistryTarget.pushFile`'s.
 * In Deno both `node:fs/promises` `read` and `Deno.FsFile.read` copy the
 * bytes in the runtime's thread pool (hashing 512 MiB this way, the process
 * spends ~80–110 ms more CPU than the calling thread), so with a second core
 * free the reads overlap the caller's work; without one the caller waits for
 * them.
 *
 * @module
 */

/**
 * Read into `buf` the bytes from `at` (counted from the start of the source);
 * the count read, `0` or `null` at the end of the source.
 */
export type ReadSome = (buf: Uint8Array, at: number) => Promise<number | null>;

/**
 * The source's bytes in order, in chunks of the buffers' length (shorter only
 * at the end): chunk `k` is read into `buffers[k % 2]` while the caller holds
 * chunk `k − 1`. A chunk is valid until the next one is asked for. Ends after
 * `limit` bytes, or at the first chunk that comes short (the source ended).
 * Leaving early (`break`, a throw in the caller's loop) waits for the read in
 * flight, so nothing writes into the buffers afterwards.
 *
 * @param readSome One read of the source (called until a chunk is full or the source ends).
 * @param buffers Two buffers of the same length.
 * @param limit Most bytes to read (default: to the end of the source).
 * @returns The chunks.
 */
export async function* readAhead(
  readSome: ReadSome,
  buffers: readonly [Uint8Array, Uint8Array],
  limit = Infinity,
): AsyncGenerator<Uint8Array, void, undefined> {
  const chunk = buffers[0].length;
  const fill = async (buf: Uint8Array, at: number): Promise<number> => {
    let n = 0;
    while (n < buf.length) {
      const got = await readSome(buf.subarray(n), at + n);
      if (got === null || got === 0) break;
      n += got;
    }
    return n;
  };
  let done = 0;
  let which = 0;
  let want = Math.min(chunk, limit);
  let pending = want > 0 ? fill(buffers[0].subarray(0, want), 0) : undefined;
  try {
    while (pending !== undefined) {
      const n = await pending;
      pending = undefined;
      if (n === 0) return;
      const current = buffers[which]!.subarray(0, n);
      done += n;
      which ^= 1;
      // A short chunk only at the end of the source: nothing more to read then.
      const next = n < want ? 0 : Math.min(chunk, limit - done);
      if (next > 0) {
        pending = fill(buffers[which]!.subarray(0, next), done);
        pending.catch(() => {}); // awaited on the next turn, or below
      }
      want = next;
      yield current;
    }
  } finally {
    await pending?.catch(() => {});
  }
}
