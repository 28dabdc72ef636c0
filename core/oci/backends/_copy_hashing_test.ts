import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createHasher } from "../digest.ts";
import { copyHashing, type CopySink, type CopySource } from "./_copy_hashing.ts";
import { mulberry32 } from "../../_random_test_util.ts";

function blobBytes(length: number, seed: number): Uint8Array {
  const next = mulberry32(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

/** A source over `bytes`, reads of at most `most` bytes (each a little later), failing at read `failAt`. */
function memorySource(
  bytes: Uint8Array,
  most = Infinity,
  failAt = -1,
): CopySource & { reads: number; inFlight: number } {
  let at = 0;
  const src = {
    reads: 0,
    inFlight: 0,
    async read(p: Uint8Array): Promise<number | null> {
      src.inFlight++;
      await new Promise((r) => setTimeout(r, 1));
      src.inFlight--;
      if (src.reads++ === failAt) throw Object.assign(new Error("boom"), { code: "EIO" });
      if (at === bytes.length) return null;
      const n = Math.min(p.length, most, bytes.length - at);
      p.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    },
  };
  return src;
}

/** A sink collecting what it is given, with partial writes, failing at write `failAt`. */
function memorySink(failAt = -1): CopySink & { out: number[][]; sizes: number[] } {
  let writes = 0;
  const sink = {
    out: [] as number[][],
    sizes: [] as number[],
    writeSync(p: Uint8Array): number {
      if (writes++ === failAt) throw Object.assign(new Error("full"), { code: "ENOSPC" });
      sink.sizes.push(p.length);
      const n = Math.max(1, p.length >> 1); // partial writes: the caller must loop
      sink.out.push([...p.subarray(0, n)]);
      return n;
    },
  };
  return sink;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

Deno.test("copyHashing: the copy and the digest are the source's, through a small ring, with flushes on the way", async () => {
  const bytes = blobBytes(5 * 4096 + 123, 7);
  const sink = memorySink();
  const hasher = await createHasher();
  let flushes = 0;
  let writtenAtFlush = 0;
  const size = await copyHashing(memorySource(bytes, 1000), sink, hasher, {
    sourcePath: "src",
    sinkPath: "dst",
    chunkSize: 4096,
    writeSize: 1024,
    syncEvery: 8192,
    syncData: () => {
      flushes++;
      writtenAtFlush = sink.out.reduce((n, c) => n + c.length, 0);
      return Promise.resolve();
    },
  });
  assert.equal(size, bytes.length);
  assert.deepEqual(new Uint8Array(sink.out.flat()), bytes);
  assert.equal(await hasher.digestHex(), sha256(bytes));
  assert.ok(flushes >= 2, `flushes on the way: ${flushes}`);
  assert.ok(writtenAtFlush >= 8192, "a flush follows the writes before it");
  assert.ok(Math.max(...sink.sizes) <= 1024, "writes of at most writeSize bytes");
});

Deno.test("copyHashing: an empty source, a source of exactly one chunk", async () => {
  for (const length of [0, 4096, 8192]) {
    const bytes = blobBytes(length, 3);
    const sink = memorySink();
    const hasher = await createHasher();
    const n = await copyHashing(memorySource(bytes), sink, hasher, {
      sourcePath: "src",
      sinkPath: "dst",
      chunkSize: 4096,
    });
    assert.equal(n, length);
    assert.deepEqual(new Uint8Array(sink.out.flat()), bytes);
    assert.equal(await hasher.digestHex(), sha256(bytes));
  }
});

Deno.test("copyHashing: a failing read names the source, a failing write or flush the copy; no read runs after", async () => {
  const bytes = blobBytes(10 * 4096, 5);
  const opts = { sourcePath: "/the/source", sinkPath: "/the/copy", chunkSize: 4096 };
  let source = memorySource(bytes, Infinity, 4);
  await assert.rejects(
    copyHashing(source, memorySink(), await createHasher(), opts),
    (e: Error & { code?: string; path?: string }) => {
      assert.equal(e.code, "IO");
      assert.equal(e.path, "/the/source");
      return true;
    },
  );
  assert.equal(source.inFlight, 0);
  source = memorySource(bytes);
  await assert.rejects(
    copyHashing(source, memorySink(3), await createHasher(), opts),
    (e: Error & { code?: string; path?: string; osCode?: string }) => {
      assert.equal(e.code, "IO");
      assert.equal(e.path, "/the/copy");
      assert.equal(e.osCode, "ENOSPC");
      return true;
    },
  );
  assert.equal(source.inFlight, 0, "the read ahead ended before the rejection");
  source = memorySource(bytes);
  let flushes = 0;
  await assert.rejects(
    copyHashing(source, memorySink(), await createHasher(), {
      ...opts,
      syncEvery: 4096,
      syncData: async () => {
        flushes++;
        await new Promise((r) => setTimeout(r, 1));
        throw Object.assign(new Error("eio"), { code: "EIO" });
      },
    }),
    (e: Error & { code?: string; path?: string }) => e.code === "IO" && e.path === "/the/copy",
  );
  assert.equal(source.inFlight, 0);
  assert.ok(flushes >= 1);
});
