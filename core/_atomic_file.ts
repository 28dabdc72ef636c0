/**
 * Internal: writing files so that a crash, a kill or a full disk never leaves
 * a partial file under the final name, and cleaning up after writes that were
 * interrupted.
 *
 * Every temporary file this library writes is named
 * `.ommx-ts-tmp-<pid>-<16 hex>` and lives in the directory of its final name.
 * Before the first write into a directory, a process removes the temporary
 * files there that are ours by name and stale: a regular file, last modified
 * before this process started, whose writing process is gone (or, when that
 * cannot be checked, older than an hour). Nothing else is ever removed.
 *
 * @module
 */
import { AlreadyExistsError } from "./errors.ts";
import { ioError } from "./_io_error.ts";
import { randomHex } from "./_hex.ts";

type Fs = typeof import("node:fs/promises");
/** An open `node:fs/promises` file. */
export type FileHandle = Awaited<ReturnType<Fs["open"]>>;

/** The name prefix of every temporary file ommx-ts writes. */
export const TEMP_PREFIX = ".ommx-ts-tmp-";

const TEMP_NAME = /^\.ommx-ts-tmp-(\d+)-[0-9a-f]{16}$/;

/** Left alone when the writer's liveness is unknown and it is younger than this. */
const UNKNOWN_OWNER_GRACE_MS = 60 * 60 * 1000;

function currentPid(): number {
  const p = (globalThis as { process?: { pid?: unknown } }).process?.pid;
  if (typeof p === "number") return p;
  const d = (globalThis as { Deno?: { pid?: unknown } }).Deno?.pid;
  return typeof d === "number" ? d : 0;
}

/**
 * A fresh temporary file name for a directory: `.ommx-ts-tmp-<pid>-<16 hex>`.
 *
 * @example
 * ```ts
 * import { tempFileName } from "./_atomic_file.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(tempFileName(), /^\.ommx-ts-tmp-\d+-[0-9a-f]{16}$/);
 * ```
 *
 * @returns The name (no directory).
 */
export function tempFileName(): string {
  return `${TEMP_PREFIX}${currentPid()}-${randomHex(8)}`;
}

/** `true` alive, `false` gone, `undefined` unknown (no permission, no API). */
async function processAlive(pid: number): Promise<boolean | undefined> {
  try {
    const { default: process } = await import("node:process");
    process.kill(pid, 0);
    return true;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ESRCH") return false;
    if (code === "EPERM") return true;
    return undefined;
  }
}

const swept = new Set<string>();

/**
 * Remove stale temporary files of ours from `dir` (the rule is in the module
 * doc). Runs once per directory per process; never throws.
 *
 * @example
 * ```ts
 * import { sweepStaleTempFiles } from "./_atomic_file.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const stale = `${dir}/.ommx-ts-tmp-999999999-0123456789abcdef`;
 * await Deno.writeFile(stale, new Uint8Array(3));
 * await Deno.utime(stale, 0, 0);
 * await Deno.writeFile(`${dir}/.ommx-ts-tmp-other`, new Uint8Array(1)); // not ours by name
 * assert.equal(await sweepStaleTempFiles(dir), 1);
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [".ommx-ts-tmp-other"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param dir The directory about to be written into.
 * @returns How many files were removed.
 */
export async function sweepStaleTempFiles(dir: string): Promise<number> {
  if (swept.has(dir)) return 0;
  swept.add(dir);
  let removed = 0;
  try {
    const fs: Fs = await import("node:fs/promises");
    const started = performance.timeOrigin;
    const me = currentPid();
    for (const name of await fs.readdir(dir)) {
      const m = TEMP_NAME.exec(name);
      if (m === null) continue;
      const path = `${dir}/${name}`;
      try {
        const st = await fs.lstat(path);
        if (!st.isFile() || st.mtimeMs >= started) continue;
        const pid = Number(m[1]);
        if (pid === me) continue;
        const alive = await processAlive(pid);
        if (alive === true) continue;
        if (alive === undefined && Date.now() - st.mtimeMs < UNKNOWN_OWNER_GRACE_MS) continue;
        await fs.unlink(path);
        removed++;
      } catch { /* gone already, or not ours to remove */ }
    }
  } catch { /* the directory cannot be listed: nothing to clean */ }
  return removed;
}

/**
 * Write all of `bytes` at the handle's position.
 *
 * @param handle The open file.
 * @param bytes The bytes.
 * @returns Nothing.
 */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, off, bytes.length - off);
    off += bytesWritten;
  }
}

/** Options of {@linkcode writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Replace an existing file. Default `false` (then {@linkcode AlreadyExistsError}). */
  overwrite?: boolean;
  /** Skip the fsyncs (tests only). Default `false`. */
  noSync?: boolean;
}

function isCode(e: unknown, code: string): boolean {
  return (e as { code?: unknown } | null)?.code === code;
}

/**
 * Write a file atomically: `write` fills a temporary file in the final
 * name's directory, which is fsynced and then renamed into place (or, without
 * `overwrite`, hard-linked, so an existing file is never replaced); the
 * directory is fsynced last. On any failure the temporary file is removed and
 * nothing appears under the final name; OS failures are {@linkcode IoError}s.
 *
 * @example
 * ```ts
 * import { writeAll, writeFileAtomic } from "./_atomic_file.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.bin`, (fh) => writeAll(fh, new Uint8Array([1, 2])));
 * assert.deepEqual(await Deno.readFile(`${dir}/a.bin`), new Uint8Array([1, 2]));
 * await assert.rejects(writeFileAtomic(`${dir}/a.bin`, async () => {}), { code: "ALREADY_EXISTS" });
 * await assert.rejects(writeFileAtomic(`${dir}/missing/b.bin`, async () => {}), { code: "IO" });
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.bin"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param final The destination path (absolute or relative).
 * @param write Fills the open temporary file.
 * @param options `overwrite`, `noSync`.
 * @returns The absolute destination path.
 * @throws {AlreadyExistsError} When the destination exists and `overwrite` is not set.
 * @throws {IoError} On an OS failure (missing directory, no permission, full disk, …).
 */
export async function writeFileAtomic(
  final: string,
  write: (handle: FileHandle) => Promise<void>,
  options: AtomicWriteOptions = {},
): Promise<string> {
  const fs: Fs = await import("node:fs/promises");
  const nodePath = await import("node:path");
  const target = nodePath.resolve(final);
  const dir = nodePath.dirname(target);
  if (!options.overwrite) {
    const exists = await fs.lstat(target).then(() => true, (e) => {
      if (isCode(e, "ENOENT")) return false;
      throw ioError(e, "write", target);
    });
    if (exists) throw new AlreadyExistsError(target);
  }
  await sweepStaleTempFiles(dir);
  const tmp = nodePath.join(dir, tempFileName());
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(tmp, "wx", 0o644);
  } catch (e) {
    throw ioError(e, "write", target);
  }
  try {
    await write(handle);
    if (!options.noSync) await handle.sync();
    await handle.close();
    handle = undefined;
    if (options.overwrite) {
      await fs.rename(tmp, target);
    } else {
      try {
        await fs.link(tmp, target);
      } catch (e) {
        if (isCode(e, "EEXIST")) throw new AlreadyExistsError(target);
        if (!isCode(e, "EPERM") && !isCode(e, "ENOTSUP") && !isCode(e, "EXDEV")) throw e;
        // No hard links here: fall back to check-then-rename.
        if (await fs.lstat(target).then(() => true, () => false)) {
          throw new AlreadyExistsError(target);
        }
        await fs.rename(tmp, target);
      }
      await fs.rm(tmp, { force: true });
    }
    if (!options.noSync) {
      const dh = await fs.open(dir, "r").catch(() => undefined);
      await dh?.sync().catch(() => {});
      await dh?.close();
    }
    return target;
  } catch (e) {
    await handle?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw ioError(e, "write", target);
  }
}
