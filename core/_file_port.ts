/**
 * Internal: the read side of the file system through Deno's own API, where
 * the library runs under Deno. Deno implements `node:fs` as a compatibility
 * layer that costs ~20 ms to load on first use, more than a CLI command on a
 * 1,000-run archive spends reading it; `Deno.lstat`, `Deno.open` and
 * `FsFile.readSync` need nothing loaded.
 *
 * Each function is a fast path that answers only the ordinary case and
 * returns `undefined` for everything else (no Deno, any OS error, a file that
 * changed between the check and the open); the caller then takes its
 * `node:fs` path, which gives the same result as before for the same input,
 * including the very same error (code and message). Node and Bun never take
 * these paths, nor Deno when `denoFsSettings` (`_deno_fs.ts`) turns them off.
 *
 * One difference remains: Deno's `open` takes no `O_NONBLOCK`/`O_NOFOLLOW`,
 * so the fast path is only used for a path the user named (links followed
 * anywhere, no storage root to confine them to: a `.ommx` archive), never for
 * the files of a layout directory or the Local Registry; and a regular file
 * swapped for a FIFO in the microseconds between the `lstat` and the `open`
 * would make the open wait for a writer, where `node:fs` fails at once.
 *
 * @module
 */
import { type DenoFs, denoFs, type DenoFsFile } from "./_deno_fs.ts";

/** What {@linkcode denoRegularFile} learnt from `lstat` when the path is not a regular file. */
export interface NotRegularFile {
  /** `a directory`, `a FIFO (named pipe)`, … as in the messages. */
  readonly kind: string;
}

/** A regular file open for reading with positioned reads. */
export interface PortFile {
  /** Its size when it was opened. */
  readonly size: number;
  /**
   * Read up to `length` bytes at `position` into `buffer` from `offset`, synchronously.
   *
   * @param buffer The target.
   * @param offset Start in `buffer`.
   * @param length How many bytes at most.
   * @param position Where in the file.
   * @returns The bytes read (0 at the end of the file).
   */
  readSync(buffer: Uint8Array, offset: number, length: number, position: number): number;
  /**
   * Read up to `length` bytes at `position` into `buffer` from `offset`;
   * concurrent calls run one after another.
   *
   * @param buffer The target.
   * @param offset Start in `buffer`.
   * @param length How many bytes at most.
   * @param position Where in the file.
   * @returns The bytes read (0 at the end of the file).
   */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /**
   * Close the file.
   *
   * @returns Nothing.
   */
  close(): Promise<void>;
}

/**
 * What a file is, in the flags `lstat` gives: Deno's `FileInfo` has them;
 * `_regular_file.ts` reads Node's `Stats` into them.
 */
export interface FileKindFlags {
  /** A directory. */
  readonly isDirectory: boolean;
  /** A FIFO (named pipe). */
  readonly isFifo?: boolean | null;
  /** A socket. */
  readonly isSocket?: boolean | null;
  /** A character device. */
  readonly isCharDevice?: boolean | null;
  /** A block device. */
  readonly isBlockDevice?: boolean | null;
  /** A symbolic link. */
  readonly isSymlink: boolean;
}

/**
 * The words the messages use for a file that is not a regular file, the same
 * for the Deno and the `node:fs` paths.
 *
 * @param st The file's flags.
 * @returns `a directory`, `a FIFO (named pipe)`, ….
 */
export function fileKind(st: FileKindFlags): string {
  if (st.isDirectory) return "a directory";
  if (st.isFifo) return "a FIFO (named pipe)";
  if (st.isSocket) return "a socket";
  if (st.isCharDevice) return "a character device";
  if (st.isBlockDevice) return "a block device";
  if (st.isSymlink) return "a symbolic link";
  return "not a regular file";
}

/**
 * Whether `path` (links followed) is a directory, by `Deno.stat`; `undefined`
 * outside Deno or on any error (the caller's `node:fs` `stat` then reports it).
 *
 * @example
 * ```ts
 * import { denoIsDirectory } from "./_file_port.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await denoIsDirectory("core"), true);
 * assert.equal(await denoIsDirectory("deno.json"), false);
 * assert.equal(await denoIsDirectory("no/such/path"), undefined);
 * ```
 *
 * @param path The path.
 * @returns `true`, `false`, or `undefined` (ask `node:fs`).
 */
export async function denoIsDirectory(path: string): Promise<boolean | undefined> {
  const deno = denoFs();
  if (deno === undefined) return undefined;
  try {
    return (await deno.stat(path)).isDirectory;
  } catch {
    return undefined;
  }
}

/**
 * Open a path the user named (links followed anywhere) for reading, when it
 * is a regular file, through Deno's API: `lstat`, a link resolved with
 * `realPath`, the open, then `fstat` on the handle, which must be the very
 * file that was checked (same device and inode) — a file swapped meanwhile
 * returns `undefined`, as does any OS error, so that the caller's `node:fs`
 * path (non-blocking, no last-moment link) decides and reports.
 *
 * @example
 * ```ts
 * import { denoRegularFile, type PortFile } from "./_file_port.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "abcdef");
 * const file = await denoRegularFile(`${dir}/a`) as PortFile;
 * const buf = new Uint8Array(3);
 * assert.equal(file.readSync(buf, 0, 3, 2), 3);
 * assert.equal(new TextDecoder().decode(buf), "cde");
 * assert.equal(await file.read(buf, 1, 2, 5), 1);
 * await file.close();
 * assert.deepEqual(await denoRegularFile(dir), { kind: "a directory" });
 * assert.equal(await denoRegularFile(`${dir}/missing`), undefined);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The file.
 * @returns The open file; what it is when not a regular file; `undefined` to ask `node:fs`.
 */
export async function denoRegularFile(
  path: string,
): Promise<PortFile | NotRegularFile | undefined> {
  const deno = denoFs();
  if (deno === undefined) return undefined;
  const opened: DenoFsFile[] = [];
  try {
    let st = await deno.lstat(path);
    let target = path;
    if (st.isSymlink) {
      target = await deno.realPath(path);
      st = await deno.lstat(target);
    }
    if (!st.isFile) return { kind: fileKind(st) };
    if (st.ino === null) return undefined;
    // Two handles, each with its own file position: synchronous reads on one,
    // awaited reads (a seek, then a read) one after another on the other.
    let size = 0;
    for (let i = 0; i < 2; i++) {
      const file = await deno.open(target, { read: true });
      opened.push(file);
      const fst = await file.stat();
      if (!fst.isFile || fst.dev !== st.dev || fst.ino !== st.ino) throw new Error("changed");
      if (i === 0) size = fst.size;
    }
    return portFile(deno, opened[0]!, opened[1]!, size);
  } catch {
    for (const file of opened) {
      try {
        file.close();
      } catch {
        // already closed
      }
    }
    return undefined;
  }
}

function portFile(
  deno: DenoFs,
  syncFile: DenoFsFile,
  asyncFile: DenoFsFile,
  size: number,
): PortFile {
  const start = deno.SeekMode.Start;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    size,
    readSync(buffer, offset, length, position) {
      syncFile.seekSync(position, start);
      return syncFile.readSync(buffer.subarray(offset, offset + length)) ?? 0;
    },
    read(buffer, offset, length, position) {
      const next = queue.then(async () => {
        await asyncFile.seek(position, start);
        return (await asyncFile.read(buffer.subarray(offset, offset + length))) ?? 0;
      });
      queue = next.catch(() => {});
      return next;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      syncFile.close();
      asyncFile.close();
    },
  };
}
