/**
 * Writing an output file of the CLI (`report -o`) atomically: the bytes go
 * to a temporary file beside the target, are flushed, and the temporary
 * file then takes the target's name in one step, so a reader never sees a
 * half-written file and a failed write leaves the target as it was. Without
 * `overwrite` an existing target is an error (`ALREADY_EXISTS`), checked
 * atomically by a hard link where the file system has them.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { AlreadyExistsError } from "../mod.ts";

/** Options of {@linkcode writeFileAtomic}. */
export interface WriteFileOptions {
  /** Replace an existing file. Default `false` (an existing file is an error). */
  overwrite?: boolean;
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
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.html"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The target file.
 * @param bytes The content.
 * @param options `overwrite`.
 * @returns The absolute path written.
 * @throws {AlreadyExistsError} When the target exists and `overwrite` is not set.
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  options: WriteFileOptions = {},
): Promise<string> {
  const target = resolve(path);
  const temp = await Deno.makeTempFile({
    dir: dirname(target),
    prefix: ".ommx-ts-",
    suffix: ".tmp",
  });
  try {
    using file = await Deno.open(temp, { write: true, truncate: true });
    let at = 0;
    while (at < bytes.length) at += await file.write(bytes.subarray(at));
    await file.sync();
    await Deno.chmod(temp, 0o644).catch(() => {});
    if (options.overwrite) {
      await Deno.rename(temp, target);
      return target;
    }
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
    return target;
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}
