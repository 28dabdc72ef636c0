/**
 * A {@linkcode RandomAccessSource} over a local file (Deno, Node, Bun), read
 * with positioned reads: Deno's own file API under Deno, `node:fs` (loaded
 * lazily) in Node and Bun (`openPortFile`), so that importing this module in
 * a browser does not fail; calling it there does.
 *
 * @module
 */
import { CorruptArchiveError, InvalidArgumentError } from "../errors.ts";
import { ioError } from "../_io_error.ts";
import { checkRange, type RandomAccessSource } from "./random_access.ts";
import { openPortFile } from "./_regular_file.ts";
import { registerReadInto } from "./_read_into.ts";

/**
 * Reads up to this size are made with a synchronous positioned read: for the
 * small payloads of a many-run archive, one awaited read costs ~20 µs of
 * promise and event-loop round trips against ~4 µs for `readSync`, and a page
 * cache hit does not block. Larger reads stay asynchronous.
 */
const SYNC_READ_MAX = 256 * 1024;

/** A file-backed source; call `close()` when done. */
export interface FileSource extends RandomAccessSource {
  /** The path it was opened from. */
  readonly path: string;
  /** Close the file handle. */
  close(): Promise<void>;
}

/**
 * Open `path` for positioned reads. Only a regular file is opened (checked
 * before opening and on the open handle: a FIFO or a device is an
 * {@linkcode InvalidArgumentError}, never a hang; `core/_file_port.ts` names
 * the one race Deno's own `open` leaves).
 *
 * @example Read a temp file
 * ```ts
 * import { openFileSource } from "./random_access_file.ts";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([5, 6, 7]));
 * const src = await openFileSource(path);
 * try {
 *   assert.equal(src.size, 3);
 *   assert.deepEqual(await src.read(1, 2), new Uint8Array([6, 7]));
 * } finally {
 *   await src.close();
 *   await Deno.remove(path);
 * }
 * ```
 *
 * @param path The file path.
 * @returns An open source.
 * @throws {InvalidArgumentError} When `path` is not a regular file.
 * @throws {IoError} When it cannot be opened (missing, no permission).
 */
export async function openFileSource(path: string): Promise<FileSource> {
  let file;
  try {
    file = await openPortFile(path, {
      what: "archive",
      reject: (message) => new InvalidArgumentError(message),
    });
  } catch (e) {
    throw ioError(e, "open", path);
  }
  const { size } = file;
  let closed = false;
  const shrank = (length: number, offset: number) =>
    new CorruptArchiveError(
      `${path}: file shrank while reading (wanted ${length} bytes at offset ${offset})`,
    );
  /** Fill `buf` from `offset` with synchronous positioned reads. */
  const fillSync = (buf: Uint8Array, offset: number): void => {
    const length = buf.length;
    let done = 0;
    while (done < length) {
      let bytesRead: number;
      try {
        bytesRead = file.readSync(buf, done, length - done, offset + done);
      } catch (e) {
        throw ioError(e, "read", path);
      }
      if (bytesRead === 0) throw shrank(length, offset);
      done += bytesRead;
    }
  };
  const check = (offset: number, length: number): void => {
    checkRange(size, offset, length);
    if (closed) {
      throw ioError(Object.assign(new Error("file is closed"), { code: "EBADF" }), "read", path);
    }
  };
  const source: FileSource = {
    path,
    size,
    ownsReads: true,
    async read(offset: number, length: number): Promise<Uint8Array> {
      check(offset, length);
      const buf = new Uint8Array(length);
      if (length <= SYNC_READ_MAX) {
        fillSync(buf, offset);
        return buf;
      }
      let done = 0;
      while (done < length) {
        let bytesRead: number;
        try {
          bytesRead = await file.read(buf, done, length - done, offset + done);
        } catch (e) {
          throw ioError(e, "read", path);
        }
        if (bytesRead === 0) throw shrank(length, offset);
        done += bytesRead;
      }
      return buf;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await file.close();
    },
  };
  // What `read` does for a small read, into the caller's buffer (see `_read_into.ts`).
  registerReadInto(source, (offset, target) => {
    if (target.length > SYNC_READ_MAX) return false;
    check(offset, target.length);
    fillSync(target, offset);
    return true;
  });
  return source;
}
