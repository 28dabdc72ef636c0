/**
 * Internal: copy one open file into another while hashing it, the pipeline
 * of `LocalRegistryTarget.pushFile` where the kernel copy
 * (`_hash_growing_copy.ts`) fails or the source is not a regular file. The source is read by `readAhead`
 * (`../_read_ahead.ts`): the next chunk (8 MiB) is read in the runtime's
 * thread pool while this thread hashes the current one and writes it, so
 * reading costs little time on this thread (before, read, hash and write ran
 * one after another). Writes go in 64 KiB pieces, synchronously: larger
 * writes into a new file made the kernel build large page-cache folios, and
 * under memory pressure each 8 MiB write then cost up to 25 ms of system time
 * (`strace -c`: a 500 MB copy took 1.4–4 s of system time instead of 0.4 s;
 * the reference SDK writes 64 KiB pieces too). Two buffers bound memory;
 * every byte is read once, hashed once and written from the same buffer, so
 * the copy holds exactly the bytes hashed even when the source changes
 * meanwhile. While copying, the written data is flushed to the disk now and
 * then (`syncData` after every `syncEvery` bytes, one at a time, in the
 * thread pool), so the caller's final fsync — still required before the copy
 * is moved into place — waits for the last part only.
 *
 * @module
 */
import { ioError } from "../../_io_error.ts";
import type { Hasher } from "../digest.ts";
import { readAhead } from "../_read_ahead.ts";

/** The reading end (Deno's `FsFile` has this shape). */
export interface CopySource {
  /** Read into `p`; `null` at the end of the file. */
  read(p: Uint8Array): Promise<number | null>;
}

/** The writing end (Deno's `FsFile` has this shape). */
export interface CopySink {
  /** Write from `p`; the count written. */
  writeSync(p: Uint8Array): number;
}

/** Options of {@linkcode copyHashing}. */
export interface CopyHashingOptions {
  /** The source's path, named by read errors. */
  sourcePath: string;
  /** The copy's path, named by write and sync errors. */
  sinkPath: string;
  /** Flush the written data to the disk (e.g. `fdatasync` on a second handle of the copy). */
  syncData?: () => Promise<void>;
  /** Bytes between two `syncData` calls (default 64 MiB). */
  syncEvery?: number;
  /** Bytes per read (default 8 MiB). */
  chunkSize?: number;
  /** Bytes per write (default 64 KiB). */
  writeSize?: number;
}

/**
 * Copy `source` to its end into `sink`, feeding every byte to `hasher`.
 * Returns only when no read, write or sync is running any more, also when it
 * rejects.
 *
 * @param source Where the bytes come from.
 * @param sink Where they go.
 * @param hasher Fed the same bytes, in order.
 * @param options Paths for errors, syncing, buffer sizes.
 * @returns The number of bytes copied.
 * @throws {IoError} When a read (naming the source) or a write or sync (naming the copy) fails.
 */
export async function copyHashing(
  source: CopySource,
  sink: CopySink,
  hasher: Hasher,
  options: CopyHashingOptions,
): Promise<number> {
  const chunk = options.chunkSize ?? 8 << 20;
  const piece = options.writeSize ?? 64 << 10;
  const syncEvery = options.syncEvery ?? 64 << 20;
  const syncData = options.syncData;
  let syncing: Promise<void> | undefined;
  let flushed = true;
  let sinceSync = 0;
  let size = 0;

  const read = async (p: Uint8Array): Promise<number | null> => {
    try {
      return await source.read(p);
    } catch (e) {
      throw ioError(e, "read", options.sourcePath);
    }
  };
  const writeAll = (bytes: Uint8Array): void => {
    try {
      for (let off = 0; off < bytes.length;) {
        off += sink.writeSync(bytes.subarray(off, Math.min(bytes.length, off + piece)));
      }
    } catch (e) {
      throw ioError(e, "write", options.sinkPath);
    }
  };
  const flush = (): Promise<void> =>
    syncData!().catch((e) => {
      throw ioError(e, "write", options.sinkPath);
    });

  try {
    // Leaving the loop early (a failed write or flush) waits for the read in flight.
    for await (const current of readAhead(read, [new Uint8Array(chunk), new Uint8Array(chunk)])) {
      hasher.update(current);
      writeAll(current);
      size += current.length;
      sinceSync += current.length;
      if (syncData !== undefined && sinceSync >= syncEvery && flushed) {
        await syncing; // settled: throws when the last flush failed
        sinceSync = 0;
        flushed = false;
        // The writes so far are done; the next ones go on meanwhile.
        syncing = flush().finally(() => flushed = true);
        syncing.catch(() => {}); // awaited before the next one, or below
      }
    }
    await syncing;
    return size;
  } finally {
    // On a failure, nothing may still use the copy when this returns.
    await syncing?.catch(() => {});
  }
}
