/**
 * Internal: copy one open file into another while hashing it, the body of
 * `LocalRegistryTarget.pushFile`. Three stages overlap: the next chunk is
 * read and earlier chunks are written in the runtime's thread pool while this
 * thread hashes the current one, so a large file costs about its hashing time
 * when a second core is free (before, read, hash and write ran one after
 * another on this thread). A ring of a few buffers bounds memory (4 × 8 MiB by
 * default) and every byte is read once, hashed once and written from the same
 * buffer, so the copy holds exactly the bytes hashed even when the source
 * changes meanwhile. While copying, the written data is flushed to the disk
 * now and then (`syncData` after every `syncEvery` bytes, one at a time, in
 * the thread pool), so the caller's final fsync — still required before the
 * copy is moved into place — waits for the last part only.
 *
 * @module
 */
import { ioError } from "../../_io_error.ts";
import type { Hasher } from "../digest.ts";

/** The reading end (Deno's `FsFile` has this shape). */
export interface CopySource {
  /** Read into `p`; `null` at the end of the file. */
  read(p: Uint8Array): Promise<number | null>;
}

/** The writing end (Deno's `FsFile` has this shape). */
export interface CopySink {
  /** Write from `p`; the count written. */
  write(p: Uint8Array): Promise<number>;
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
  /** Buffers in the ring, at least 2 (default 4). */
  buffers?: number;
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
  const ring = Array.from(
    { length: Math.max(2, options.buffers ?? 4) },
    () => new Uint8Array(chunk),
  );
  const syncEvery = options.syncEvery ?? 64 << 20;
  /** The write that last used each buffer (it may be refilled once this settles). */
  const writing: (Promise<void> | undefined)[] = ring.map(() => undefined);
  let writes: Promise<void> = Promise.resolve();
  let syncing: Promise<void> | undefined;
  let reading: Promise<number> | undefined;
  let sinceSync = 0;
  let size = 0;

  const readFull = async (buf: Uint8Array): Promise<number> => {
    let n = 0;
    try {
      while (n < buf.length) {
        const got = await source.read(buf.subarray(n));
        if (got === null || got === 0) break;
        n += got;
      }
    } catch (e) {
      throw ioError(e, "read", options.sourcePath);
    }
    return n;
  };
  const writeAll = async (bytes: Uint8Array): Promise<void> => {
    try {
      for (let off = 0; off < bytes.length;) off += await sink.write(bytes.subarray(off));
    } catch (e) {
      throw ioError(e, "write", options.sinkPath);
    }
  };
  const syncData = options.syncData;
  const flush = (): Promise<void> =>
    syncData!().catch((e) => {
      throw ioError(e, "write", options.sinkPath);
    });

  try {
    let i = 0;
    let nextRead = readFull(ring[0]!);
    reading = nextRead;
    for (;;) {
      const n = await nextRead;
      reading = undefined;
      if (n === 0) break;
      const current = ring[i % ring.length]!.subarray(0, n);
      const next = (i + 1) % ring.length;
      await writing[next]; // that buffer's bytes are on their way to the disk
      // A short read only at the end of the file: nothing more to read then.
      if (n === chunk) {
        nextRead = readFull(ring[next]!);
        nextRead.catch(() => {}); // awaited on the next turn (or in `finally`)
        reading = nextRead;
      }
      hasher.update(current);
      writes = writes.then(() => writeAll(current));
      writes.catch(() => {}); // awaited below
      writing[i % ring.length] = writes;
      size += n;
      sinceSync += n;
      if (syncData !== undefined && sinceSync >= syncEvery && syncing === undefined) {
        sinceSync = 0;
        // After the writes so far, while the next ones go on.
        const s: Promise<void> = writes.then(flush).finally(() => {
          if (syncing === s) syncing = undefined;
        });
        s.catch(() => {}); // awaited below
        syncing = s;
      }
      if (n < chunk) break;
      i++;
    }
    await writes;
    await syncing;
    return size;
  } finally {
    // On a failure, nothing may still use the buffers or the files when this returns.
    await Promise.allSettled([reading, writes, syncing]);
  }
}
