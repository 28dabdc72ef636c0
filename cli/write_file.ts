/**
 * Writing an output file of the CLI (`report -o`) atomically, by the same
 * rules as the library's own writes (`save`, `get -o`): the bytes go to a
 * temporary file `.ommx-ts-tmp-<pid>-<16 hex>` beside the target (the name
 * the library's stale-file sweep knows), are flushed, and the file then takes
 * the target's name in one step, so a reader never sees a half-written file
 * and a failed write leaves the target as it was. Without `overwrite` an
 * existing target is an error (`ALREADY_EXISTS`), checked atomically by a
 * hard link where the file system has them. OS failures are `IO` errors
 * naming the path. (The library's helper is internal to `core/`; the CLI sits
 * on the public API, hence this small twin.)
 *
 * @module
 */
import { AlreadyExistsError, IoError } from "../mod.ts";

/** Options of {@linkcode writeFileAtomic}. */
export interface WriteFileOptions {
  /** Replace an existing file. Default `false` (an existing file is an error). */
  overwrite?: boolean;
}

function tempName(): string {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return `.ommx-ts-tmp-${Deno.pid}-${
    Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")
  }`;
}

function ioError(e: unknown, target: string): unknown {
  if (e instanceof AlreadyExistsError || e instanceof IoError) return e;
  if (!(e instanceof Error) || !(e.name in Deno.errors || "code" in e)) return e;
  const os = (e as { code?: unknown }).code;
  return new IoError(`cannot write ${target}: ${e.message}`, {
    path: target,
    osCode: typeof os === "string" ? os : e.name,
    cause: e,
  });
}

/**
 * Write `bytes` to `path` atomically (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "./write_file.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.html`, new TextEncoder().encode("one"));
 * await assert.rejects(writeFileAtomic(`${dir}/a.html`, new Uint8Array()), { code: "ALREADY_EXISTS" });
 * await writeFileAtomic(`${dir}/a.html`, new TextEncoder().encode("two"), { overwrite: true });
 * assert.equal(await Deno.readTextFile(`${dir}/a.html`), "two");
 * await assert.rejects(writeFileAtomic(`${dir}/no/b.html`, new Uint8Array()), { code: "IO" });
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.html"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The target file.
 * @param bytes The content.
 * @param options `overwrite`.
 * @returns The absolute path written.
 * @throws {AlreadyExistsError} When the target exists and `overwrite` is not set.
 * @throws {IoError} On an OS failure (missing directory, no permission, full disk, …).
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  options: WriteFileOptions = {},
): Promise<string> {
  // Loaded here: the commands that write no file never load node:path.
  const { dirname, join, resolve } = await import("node:path");
  const target = resolve(path);
  const temp = join(dirname(target), tempName());
  let created = false;
  try {
    if (!options.overwrite && await Deno.lstat(target).then(() => true, () => false)) {
      throw new AlreadyExistsError(target);
    }
    {
      using file = await Deno.open(temp, { write: true, createNew: true, mode: 0o644 });
      created = true;
      let at = 0;
      while (at < bytes.length) at += await file.write(bytes.subarray(at));
      await file.sync();
    }
    if (options.overwrite) await Deno.rename(temp, target);
    else {
      try {
        await Deno.link(temp, target);
      } catch (e) {
        if (e instanceof Deno.errors.AlreadyExists) throw new AlreadyExistsError(target);
        // No hard links here: check, then rename.
        if (await Deno.lstat(target).then(() => true, () => false)) {
          throw new AlreadyExistsError(target);
        }
        await Deno.rename(temp, target);
      }
    }
    return target;
  } catch (e) {
    throw ioError(e, target);
  } finally {
    if (created) await Deno.remove(temp).catch(() => {});
  }
}
