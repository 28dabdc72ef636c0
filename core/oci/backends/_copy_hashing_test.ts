import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createHasher } from "../digest.ts";
import { copyHashing, type CopySink, type CopySource } from "./_copy_hashing.ts";
import { mulberry32 } from "../../_random_test_util.ts";

function blobBytes(length: number, seed: number): Uint8Array {
  const next = mulberry32(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

/** A source over `bytes`, reads of at most `most` bytes, that may fail at read number `failAt`. */
function memorySource(
  bytes: Uint8Array,
  most = Infinity,
  failAt = -1,
): CopySource & { reads: number } {
  let at = 0;
  const src = {
    reads: 0,
    read(p: Uint8Array): Promise<number | null> {
      if (src.reads++ === failAt) {
        return Promise.reject(Object.assign(new Error("boom"), { code: "EIO" }));
      }
      if (at === bytes.length) return Promise.resolve(null);
      const n = Math.min(p.length, most, bytes.length - at);
      p.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
  };
  return src;
}

/** A sink collecting what it is given, slowly, partial writes, optionally failing at write `failAt`. */
function memorySink(
  failAt = -1,
): CopySink & { out: number[][]; inFlight: number; events: string[] } {
  const sink = {
    out: [] as number[][],
    inFlight: 0,
    events: [] as string[],
    writes: 0,
    async write(p: Uint8Array): Promise<number> {
      sink.inFlight++;
      await new Promise((r) => setTimeout(r, 1));
      sink.inFlight--;
      if (sink.writes++ === failAt) throw Object.assign(new Error("full"), { code: "ENOSPC" });
      const n = Math.max(1, p.length >> 1); // partial writes: the caller must loop
      sink.out.push([...p.subarray(0, n)]);
      sink.events.push(`w${n}`);
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
    buffers: 2,
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
  assert.equal(sink.inFlight, 0);
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

Deno.test("copyHashing: a failing read names the source, a failing write or flush the copy; nothing runs after", async () => {
  const bytes = blobBytes(10 * 4096, 5);
  const opts = { sourcePath: "/the/source", sinkPath: "/the/copy", chunkSize: 4096, buffers: 3 };
  let sink = memorySink();
  await assert.rejects(
    copyHashing(memorySource(bytes, Infinity, 4), sink, await createHasher(), opts),
    (e: Error & { code?: string; path?: string }) => {
      assert.equal(e.code, "IO");
      assert.equal(e.path, "/the/source");
      return true;
    },
  );
  assert.equal(sink.inFlight, 0);
  sink = memorySink(3);
  await assert.rejects(
    copyHashing(memorySource(bytes), sink, await createHasher(), opts),
    (e: Error & { code?: string; path?: string; osCode?: string }) => {
      assert.equal(e.code, "IO");
      assert.equal(e.path, "/the/copy");
      assert.equal(e.osCode, "ENOSPC");
      return true;
    },
  );
  assert.equal(sink.inFlight, 0);
  sink = memorySink();
  await assert.rejects(
    copyHashing(memorySource(bytes), sink, await createHasher(), {
      ...opts,
      syncEvery: 4096,
      syncData: () => Promise.reject(Object.assign(new Error("eio"), { code: "EIO" })),
    }),
    (e: Error & { code?: string; path?: string }) => e.code === "IO" && e.path === "/the/copy",
  );
  assert.equal(sink.inFlight, 0);
});
