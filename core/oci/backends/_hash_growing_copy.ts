/**
 * Internal: hash a staged copy while the kernel writes it — the fast body of
 * `LocalRegistryTarget.pushFile`. The copy itself is `Deno.copyFile`
 * (`copy_file_range` on Linux: the kernel moves the bytes from page cache to
 * page cache in the runtime's thread pool, nothing passes through this
 * thread); this thread meanwhile reads the _staged copy_ from its start and
 * hashes it, following its size as it grows, so that the copy and the hash
 * use two cores and every byte is hashed once. The digest is of the bytes
 * actually stored, never of the source: a source that changes during the
 * copy changes what is stored and what is hashed alike.
 *
 * Following the growth relies on the copy writing in order with the file's
 * size growing only behind the data written, which holds for Linux's
 * `copy_file_range`, `sendfile` and read/write loops (`std::fs::copy`); the
 * caller asks for it only there ({@linkcode HashGrowingCopyOptions.follow}),
 * and elsewhere the staged copy is hashed once it is complete.
 *
 * @module
 */
import type { Hasher } from "../digest.ts";
import { readAhead } from "../_read_ahead.ts";
import type { CopySource } from "./_copy_hashing.ts";

/** Options of {@linkcode hashGrowingCopy}. */
export interface HashGrowingCopyOptions {
  /** Hash while the copy runs (only where the copy grows the file in order behind its data). */
  follow: boolean;
  /** Bytes per read of the staged copy (default 4 MiB). */
  chunkSize?: number;
  /** Milliseconds to wait when the hash has caught up with the copy (default 1). */
  pollMs?: number;
}

/**
 * Hash the file `staged` reads, which `copying` is writing: from its start
 * to its end once `copying` has fulfilled. Returns only when no read is
 * running any more, also when it rejects.
 *
 * @param copying The copy into the staged file, running.
 * @param staged A handle of the staged file, positioned at its start.
 * @param hasher Fed every byte of the staged file, in order.
 * @param options Whether to follow the copy; buffer size.
 * @returns The staged file's size, every byte of it hashed.
 * @throws The copy's error when it rejects, or a read's error (both as thrown, for the caller to name).
 */
export async function hashGrowingCopy(
  copying: Promise<void>,
  staged: CopySource,
  hasher: Hasher,
  options: HashGrowingCopyOptions,
): Promise<number> {
  const chunk = options.chunkSize ?? 4 << 20;
  const pollMs = options.pollMs ?? 1;
  let copied = false;
  const settled = copying.then(() => {
    copied = true;
  });
  settled.catch(() => {}); // awaited below, or by the reads
  if (!options.follow) await settled;
  const readSome = async (buf: Uint8Array): Promise<number | null> => {
    while (true) {
      // Complete before this read started: an empty read is the end.
      const complete = copied;
      const n = await staged.read(buf);
      if (n !== null && n > 0) return n;
      if (complete) return null;
      // Caught up with the copy: wait for it to write more, or to end (a failed copy throws here).
      await Promise.race([settled, new Promise((r) => setTimeout(r, pollMs))]);
    }
  };
  let size = 0;
  for await (const current of readAhead(readSome, [new Uint8Array(chunk), new Uint8Array(chunk)])) {
    hasher.update(current);
    size += current.length;
  }
  return size;
}
