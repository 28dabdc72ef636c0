import assert from "node:assert/strict";
import { denoFsSettings } from "./_deno_fs.ts";
import { outcome } from "./_outcome_test_util.ts";
import { findOnPath } from "./_tools_test_util.ts";
import { openFileSource } from "./oci/random_access_file.ts";
import { openSource } from "./experiment/read/open.ts";

/** The outcome with Deno's file API, then through node:fs; both must match. */
async function both(what: string, f: () => Promise<unknown>): Promise<unknown> {
  const deno = await outcome(f);
  denoFsSettings.enabled = false;
  try {
    assert.deepEqual(await outcome(f), deno, what);
  } finally {
    denoFsSettings.enabled = true;
  }
  return deno;
}

/** Read `length` bytes at `offset` through every read path of a file source. */
async function readAll(path: string, offset: number, length: number): Promise<number[][]> {
  const src = await openFileSource(path);
  try {
    const small = await src.read(offset, length);
    const large = await src.read(0, src.size); // > 256 KiB: the awaited reads
    return [[...small], [...large.subarray(offset, offset + length)], [src.size]];
  } finally {
    await src.close();
  }
}

Deno.test("file port: the same bytes and the same errors as node:fs, case by case", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const big = new Uint8Array(300 * 1024).map((_, i) => i * 7);
    await Deno.writeFile(`${dir}/f`, big);
    await Deno.mkdir(`${dir}/d`);
    await Deno.symlink(`${dir}/f`, `${dir}/link`);
    await Deno.symlink(`${dir}/d`, `${dir}/link-dir`);
    await Deno.symlink(`${dir}/missing`, `${dir}/dangling`);
    const fifo = findOnPath("mkfifo") !== undefined &&
      new Deno.Command("mkfifo", { args: [`${dir}/p`] }).outputSync().success;

    const read = await both("read", () => readAll(`${dir}/f`, 5000, 100));
    assert.deepEqual(read, {
      value: [[...big.subarray(5000, 5100)], [...big.subarray(5000, 5100)], [big.length]],
    });
    assert.deepEqual(await both("link", () => readAll(`${dir}/link`, 1, 3)), {
      value: [[...big.subarray(1, 4)], [...big.subarray(1, 4)], [big.length]],
    });
    for (
      const [what, path, code] of [
        ["missing", `${dir}/missing`, "IO"],
        ["not a directory", `${dir}/f/x`, "IO"],
        ["dangling link", `${dir}/dangling`, "IO"],
        ["directory", `${dir}/d`, "INVALID_ARGUMENT"],
        ["link to a directory", `${dir}/link-dir`, "INVALID_ARGUMENT"],
        ...(fifo ? [["FIFO", `${dir}/p`, "INVALID_ARGUMENT"]] : []),
      ]
    ) {
      const e = await both(what!, () => readAll(path!, 0, 1)) as { code: string };
      assert.equal(e.code, code, what);
    }
    // past the end, closed, shrunk while open
    assert.equal(
      (await both("range", async () => {
        const src = await openFileSource(`${dir}/f`);
        await src.close();
        return await src.read(0, 1);
      }) as { osCode: string }).osCode,
      "EBADF",
    );
    const shrank = await both("shrank", async () => {
      await Deno.writeFile(`${dir}/s`, big);
      const src = await openFileSource(`${dir}/s`);
      try {
        await Deno.truncate(`${dir}/s`, 10);
        return await Promise.all([src.read(100, 10), src.read(0, src.size)]);
      } finally {
        await src.close();
      }
    }) as { code: string; message: string };
    assert.equal(shrank.code, "CORRUPT_ARCHIVE");
    assert.match(shrank.message, /file shrank while reading/);
    // opening a source: the stat before choosing archive or layout directory
    for (const path of [`${dir}/missing`, `${dir}/f/x`, `${dir}/dangling`]) {
      const e = await both(path, () => openSource(path)) as { code: string; message: string };
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.match(e.message, /^Cannot open /);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
