import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { packTar, unpackTar } from "npm:modern-tar@0.8.6";
import { CorruptArchiveError, LimitExceededError } from "../../errors.ts";
import { bytesSource } from "../random_access.ts";
import { indexTar, type TarEntry } from "./reader.ts";
import { buildTar, encodeTarHeader } from "./writer.ts";
import { headerChecksum } from "./_header.ts";
import { printSkip, requireTool, TOOLS } from "../../_tools_test_util.ts";

const enc = new TextEncoder();

async function contents(tar: Uint8Array): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const e of await indexTar(bytesSource(tar))) {
    out.set(e.name, tar.slice(e.offset, e.offset + e.size));
  }
  return out;
}

function setChecksum(h: Uint8Array): void {
  const s = headerChecksum(h).unsigned.toString(8).padStart(7, "0");
  for (let i = 0; i < 7; i++) h[148 + i] = s.charCodeAt(i);
  h[155] = 0;
}

function isCorrupt(e: unknown): boolean {
  return e instanceof CorruptArchiveError && e.code === "CORRUPT_ARCHIVE";
}

Deno.test("reader: offsets, sizes, mode and mtime from a modern-tar archive (oracle)", async () => {
  const tar = await packTar([
    { header: { name: "dir/", type: "directory", size: 0 } },
    {
      header: { name: "dir/a.txt", size: 5, mode: 0o600, mtime: new Date(1_700_000_000_000) },
      body: "hello",
    },
    { header: { name: "link", type: "symlink", size: 0, linkname: "dir/a.txt" } },
    { header: { name: "./dotted", size: 1 }, body: "x" },
    { header: { name: "long/" + "n".repeat(150) + "/file", size: 2 }, body: "ab" },
    { header: { name: "empty", size: 0 }, body: "" },
  ]);
  const entries = await indexTar(bytesSource(tar));
  assert.deepEqual(entries.map((e) => e.name), [
    "dir/a.txt",
    "dotted",
    "long/" + "n".repeat(150) + "/file",
    "empty",
  ]);
  const a = entries[0] as TarEntry;
  assert.equal(a.mode, 0o600);
  assert.equal(a.mtime, 1_700_000_000);
  assert.equal(a.type, "0");
  const oracle = await unpackTar(tar, { strict: true });
  for (const e of entries) {
    const o = oracle.find((x) => x.header.name.replace(/^\.\//, "") === e.name);
    assert.ok(o, e.name);
    assert.deepEqual(tar.subarray(e.offset, e.offset + e.size), o.data);
  }
});

const GNU_TAR_PURPOSE = "the GNU tar format tests (core/oci/tar/reader_test.ts)";

/** GNU tar on PATH (another tar lacks `--format=gnu|oldgnu`), or undefined after the skip line. */
async function findGnuTar(): Promise<string | undefined> {
  const tar = requireTool(TOOLS.tar, GNU_TAR_PURPOSE);
  if (tar === undefined) return undefined;
  const out = await new Deno.Command(tar, { args: ["--version"], stdout: "piped" }).output();
  if (new TextDecoder().decode(out.stdout).includes("GNU tar")) return tar;
  printSkip("GNU tar", `${TOOLS.tar.install} (${tar} is another tar)`, GNU_TAR_PURPOSE);
  return undefined;
}
const GNU_TAR = await findGnuTar();

async function gnuTar(format: string, dir: string, out: string, extra: string[] = []) {
  const { code, stderr } = await new Deno.Command(GNU_TAR!, {
    args: [`--format=${format}`, "-cf", out, "-C", dir, ...extra, "."],
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
}

Deno.test({
  name: "reader: GNU tar pax, gnu (long names) and ustar archives with ./ prefixes",
  ignore: GNU_TAR === undefined,
  fn: async (t) => {
    const dir = await Deno.makeTempDir();
    try {
      const src = `${dir}/src`;
      const long = "d".repeat(120);
      await Deno.mkdir(`${src}/blobs/sha256/${long}`, { recursive: true });
      const files: Record<string, Uint8Array> = {
        "oci-layout": enc.encode('{"imageLayoutVersion":"1.0.0"}'),
        ["blobs/sha256/" + "f".repeat(64)]: new Uint8Array(1500).map((_, i) => i % 251),
        [`blobs/sha256/${long}/` + "x".repeat(110)]: enc.encode("long name"),
        "ünïcödé.txt": enc.encode("utf8"),
        "zero": new Uint8Array(),
      };
      for (const [name, data] of Object.entries(files)) {
        await Deno.writeFile(`${src}/${name}`, data);
      }
      await Deno.symlink("oci-layout", `${src}/sym`);
      for (const format of ["pax", "gnu", "posix", "oldgnu"]) {
        await t.step(format, async () => {
          const out = `${dir}/${format}.tar`;
          await gnuTar(format, src, out);
          const tar = await Deno.readFile(out);
          const got = await contents(tar);
          assert.deepEqual(new Set(got.keys()), new Set(Object.keys(files)));
          for (const [name, data] of Object.entries(files)) {
            assert.deepEqual(got.get(name), data, name);
          }
        });
      }
      await t.step("ustar with prefix field", async () => {
        // ustar can store paths up to 255 bytes via the prefix field (but no name part > 100).
        const s2 = `${dir}/src2`;
        const deep = "p".repeat(90) + "/" + "q".repeat(60);
        await Deno.mkdir(`${s2}/${deep}`, { recursive: true });
        await Deno.writeFile(`${s2}/${deep}/file.bin`, enc.encode("prefixed"));
        const out = `${dir}/ustar.tar`;
        await gnuTar("ustar", s2, out);
        const got = await contents(await Deno.readFile(out));
        assert.deepEqual([...got.keys()], [`${deep}/file.bin`]);
        assert.equal(new TextDecoder().decode(got.get(`${deep}/file.bin`)), "prefixed");
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("reader: end of archive at EOF without zero blocks, and trailing junk after the marker", async () => {
  const tar = await buildTar([{ name: "a", size: 3, body: enc.encode("abc") }]);
  const noMarker = tar.subarray(0, 1024);
  assert.deepEqual((await indexTar(bytesSource(noMarker))).map((e) => e.name), ["a"]);
  const junk = new Uint8Array(tar.length + 512);
  junk.set(tar);
  junk.fill(0x41, tar.length);
  assert.equal((await indexTar(bytesSource(junk))).length, 1);
  assert.deepEqual(await indexTar(bytesSource(new Uint8Array())), []);
});

Deno.test("reader: bad header checksum is CorruptArchiveError naming the offset", async () => {
  const tar = await buildTar([
    { name: "a", size: 1, body: enc.encode("a") },
    { name: "b", size: 1, body: enc.encode("b") },
  ]);
  tar[1024 + 1] = 0x7a; // name byte of the second header
  await assert.rejects(
    indexTar(bytesSource(tar)),
    (e: unknown) => isCorrupt(e) && /offset 1024/.test((e as Error).message),
  );
  const tar2 = await buildTar([{ name: "a", size: 1, body: enc.encode("a") }]);
  tar2[148] = 0x39; // non-octal checksum field
  await assert.rejects(indexTar(bytesSource(tar2)), isCorrupt);
});

Deno.test("reader: truncated archives", async () => {
  const tar = await buildTar([{ name: "a", size: 1000, body: new Uint8Array(1000) }]);
  // Cut inside the header.
  await assert.rejects(indexTar(bytesSource(tar.subarray(0, 300))), isCorrupt);
  // Cut inside the data.
  await assert.rejects(
    indexTar(bytesSource(tar.subarray(0, 900))),
    (e: unknown) => isCorrupt(e) && /offset 0 declares 1000 bytes/.test((e as Error).message),
  );
  // Cut inside the padding: data complete, accepted.
  assert.equal((await indexTar(bytesSource(tar.subarray(0, 512 + 1000)))).length, 1);
  // Cut inside a following header.
  const two = await buildTar([
    { name: "a", size: 1, body: enc.encode("a") },
    { name: "b", size: 1, body: enc.encode("b") },
  ]);
  await assert.rejects(indexTar(bytesSource(two.subarray(0, 1024 + 100))), isCorrupt);
});

Deno.test("reader: a 10 GB declared size in a 1 KB file fails without allocating", async () => {
  const h = encodeTarHeader("blobs/sha256/" + "0".repeat(64), 10 * 1e9);
  const tar = new Uint8Array(1024);
  tar.set(h);
  await assert.rejects(
    indexTar(bytesSource(tar)),
    (e: unknown) => isCorrupt(e) && /10000000000 bytes/.test((e as Error).message),
  );
  // Same through base-256 (> 8 GiB) — also a lie.
  const h2 = encodeTarHeader("x", 2 ** 40);
  tar.set(h2);
  await assert.rejects(indexTar(bytesSource(tar)), isCorrupt);
  // Base-256 value beyond 2^53-1 is a LimitExceededError.
  const h3 = encodeTarHeader("x", 0);
  h3.fill(0xff, 125, 136);
  h3[124] = 0x80;
  setChecksum(h3);
  tar.set(h3);
  await assert.rejects(
    indexTar(bytesSource(tar)),
    (e: unknown) => e instanceof LimitExceededError && e.code === "LIMIT_EXCEEDED",
  );
});

function paxArchive(records: string, memberSize: number): Uint8Array {
  const body = enc.encode(records);
  const xh = encodeTarHeader("PaxHeaders/x", body.length);
  xh[156] = 0x78; // 'x'
  setChecksum(xh);
  const mh = encodeTarHeader("member", memberSize);
  const pad = (n: number) => Math.ceil(n / 512) * 512;
  const out = new Uint8Array(512 + pad(body.length) + 512 + 1024);
  out.set(xh, 0);
  out.set(body, 512);
  out.set(mh, 512 + pad(body.length));
  return out;
}

function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
  return `${len}${rest}`;
}

Deno.test("reader: pax size override past EOF, malformed pax, oversized pax", async () => {
  const ok = paxArchive(paxRecord("path", "renamed") + paxRecord("size", "0"), 0);
  assert.deepEqual((await indexTar(bytesSource(ok))).map((e) => [e.name, e.size]), [[
    "renamed",
    0,
  ]]);
  const lying = paxArchive(paxRecord("size", "99999999999"), 0);
  await assert.rejects(indexTar(bytesSource(lying)), isCorrupt);
  const huge = paxArchive(paxRecord("size", "99999999999999999999"), 0);
  await assert.rejects(indexTar(bytesSource(huge)), LimitExceededError);
  await assert.rejects(indexTar(bytesSource(paxArchive("5 a=b\n", 0))), isCorrupt);
  await assert.rejects(indexTar(bytesSource(paxArchive("garbage", 0))), isCorrupt);
  const big = paxArchive(paxRecord("comment", "c".repeat(3000)), 0);
  await assert.rejects(
    indexTar(bytesSource(big), { maxMetadataSize: 1024 }),
    (e: unknown) => e instanceof LimitExceededError && e.code === "LIMIT_EXCEEDED",
  );
});

Deno.test("reader: property — writer output round-trips through indexTar and modern-tar", async () => {
  const nameArb = fc.stringMatching(/^[a-z0-9._-]{1,20}(\/[a-z0-9._-]{1,20}){0,3}$/)
    .filter((n) => !n.startsWith("./") && n !== "." && !n.split("/").includes(".."));
  const entryArb = fc.record({ name: nameArb, data: fc.uint8Array({ maxLength: 1500 }) });
  await fc.assert(
    fc.asyncProperty(fc.array(entryArb, { maxLength: 8 }), async (entries) => {
      const tar = await buildTar(
        entries.map((e) => ({ name: e.name, size: e.data.length, body: e.data })),
      );
      const index = await indexTar(bytesSource(tar));
      assert.deepEqual(index.map((e) => e.name), entries.map((e) => e.name));
      index.forEach((e, i) =>
        assert.deepEqual(tar.subarray(e.offset, e.offset + e.size), entries[i]?.data)
      );
      const oracle = await unpackTar(tar, { strict: true });
      assert.deepEqual(oracle.map((e) => e.header.name), entries.map((e) => e.name));
      oracle.forEach((e, i) => assert.deepEqual(e.data, entries[i]?.data));
    }),
    { numRuns: 60 },
  );
});

Deno.test("reader: reference .ommx fixtures agree with modern-tar", async () => {
  const roots = ["../shared/fixtures/ommx-repo", "../shared/fixtures/qoblib-labs"];
  const files: string[] = [];
  for (const root of roots) {
    try {
      for await (const e of Deno.readDir(root)) {
        if (e.name.endsWith(".ommx")) files.push(`${root}/${e.name}`);
      }
    } catch {
      console.log(`skipped ${root}: fixtures folder absent`);
    }
  }
  if (files.length === 0) return;
  for (const f of files) {
    const tar = await Deno.readFile(f);
    const index = await indexTar(bytesSource(tar));
    const oracle = (await unpackTar(tar, { strict: true })).filter((e) =>
      (e.header.type ?? "file") === "file"
    );
    assert.deepEqual(
      index.map((e) => e.name),
      oracle.map((e) => e.header.name.replace(/^\.\//, "")),
      f,
    );
    index.forEach((e, i) =>
      assert.deepEqual(tar.subarray(e.offset, e.offset + e.size), oracle[i]?.data)
    );
    assert.ok(index.some((e) => e.name === "index.json"), f);
  }
});
