import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createHasher } from "../digest.ts";
import { hashGrowingCopy } from "./_hash_growing_copy.ts";
import { randomBytes } from "../../_random_test_util.ts";

/**
 * A staged file growing in `pieces` (one every few ms), its reads counted;
 * `copying` fulfils after the last piece, or rejects after `failAfter` pieces.
 */
function growingFile(bytes: Uint8Array, pieces: number, failAfter = Infinity) {
  let size = 0;
  let at = 0;
  const file = {
    reads: 0,
    readsBeforeEnd: 0,
    inFlight: 0,
    ended: false,
    async read(p: Uint8Array): Promise<number | null> {
      file.reads++;
      if (!file.ended) file.readsBeforeEnd++;
      file.inFlight++;
      await Promise.resolve();
      file.inFlight--;
      const n = Math.min(p.length, size - at);
      if (n === 0) return null;
      p.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    },
  };
  const step = Math.ceil(bytes.length / pieces);
  const copying = (async () => {
    for (let k = 0; k < pieces; k++) {
      await new Promise((r) => setTimeout(r, 3));
      if (k === failAfter) {
        file.ended = true;
        throw Object.assign(new Error("copy failed"), { code: "EIO" });
      }
      size = Math.min(bytes.length, size + step);
    }
    file.ended = true;
  })();
  return { file, copying };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

Deno.test("hashGrowingCopy: following the copy, every byte of the staged file is hashed once, also what arrives after the reader caught up", async () => {
  const bytes = randomBytes(100_000, 3);
  const { file, copying } = growingFile(bytes, 7);
  const hasher = await createHasher();
  const size = await hashGrowingCopy(copying, file, hasher, { follow: true, chunkSize: 4096 });
  assert.equal(size, bytes.length);
  assert.equal(await hasher.digestHex(), sha256(bytes));
  assert.ok(file.readsBeforeEnd > 0, "hashed while the copy ran");
  assert.equal(file.inFlight, 0);
});

Deno.test("hashGrowingCopy: without follow, the staged file is read only once the copy has ended", async () => {
  const bytes = randomBytes(50_000, 5);
  const { file, copying } = growingFile(bytes, 4);
  const hasher = await createHasher();
  assert.equal(
    await hashGrowingCopy(copying, file, hasher, { follow: false, chunkSize: 4096 }),
    bytes.length,
  );
  assert.equal(await hasher.digestHex(), sha256(bytes));
  assert.equal(file.readsBeforeEnd, 0);
});

Deno.test("hashGrowingCopy: a failing copy rejects with its own error, with no read left running", async () => {
  for (const follow of [true, false]) {
    const { file, copying } = growingFile(randomBytes(50_000, 9), 5, 2);
    await assert.rejects(
      hashGrowingCopy(copying, file, await createHasher(), { follow, chunkSize: 4096 }),
      /copy failed/,
    );
    assert.equal(file.inFlight, 0);
  }
});

Deno.test("hashGrowingCopy: a failing read of the staged file rejects with its error", async () => {
  const staged = {
    read: () => Promise.reject(Object.assign(new Error("bad read"), { code: "EIO" })),
  };
  await assert.rejects(
    hashGrowingCopy(Promise.resolve(), staged, await createHasher(), { follow: true }),
    /bad read/,
  );
});
