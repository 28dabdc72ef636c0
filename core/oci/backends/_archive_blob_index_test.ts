// ArchiveBlobIndex against a Map of digest strings (first wins): thousands of
// digests, so the slot table is rehashed and the hex store grown several
// times, with chains of digests sharing their first 32 bits, duplicates, both
// ways of adding, refused non-hex digits and near-miss lookups.
import assert from "node:assert/strict";
import { ArchiveBlobIndex } from "./_archive_blob_index.ts";
import { mulberry32 as rng } from "../../_random_test_util.ts";

const enc = new TextEncoder();

Deno.test("ArchiveBlobIndex: same answers as a Map of digests, first member wins", () => {
  for (const seed of [1, 2, 3]) {
    const next = rng(seed);
    const hex = () =>
      Array.from({ length: 64 }, () => "0123456789abcdef"[Math.floor(next() * 16)]).join("");
    const index = new ArchiveBlobIndex();
    const ref = new Map<string, [number, number]>();
    const added: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const roll = next();
      let x = hex();
      if (roll < 0.1 && added.length > 0) x = added[Math.floor(next() * added.length)]!; // duplicate
      else if (roll < 0.15 && added.length > 0) {
        const y = added[Math.floor(next() * added.length)]!; // differs in the last digit only
        x = y.slice(0, 63) + (y.endsWith("7") ? "8" : "7");
      } else if (roll < 0.3 && added.length > 0) {
        x = added[Math.floor(next() * added.length)]!.slice(0, 8 + Math.floor(next() * 50)) + x; // same hash
        x = x.slice(0, 64);
      }
      added.push(x);
      const offset = i * 512, size = Math.floor(next() * 1000);
      if (next() < 0.5) {
        const bytes = enc.encode(`..${x}..`);
        assert.equal(index.addHex(bytes, 2, offset, size), true);
      } else index.addDigest(`sha256:${x}`, offset, size);
      if (!ref.has(`sha256:${x}`)) ref.set(`sha256:${x}`, [offset, size]);
      if (next() < 0.05) {
        // Not lowercase hex: refused, nothing added.
        const bad = x.slice(0, 63) + pick(next, ["A", "g", "/", "\0", "F"]);
        const before = index.size;
        assert.equal(index.addHex(enc.encode(bad), 0, 1, 1), false);
        assert.equal(index.size, before);
      }
    }
    assert.equal(index.size, ref.size);
    assert.deepEqual(index.digests(), [...ref.keys()]);
    for (const [digest, [offset, size]] of ref) {
      const n = index.get(digest);
      assert.notEqual(n, undefined, digest);
      assert.equal(index.offsets[n!], offset);
      assert.equal(index.sizes[n!], size);
      for (
        const near of [
          digest.toUpperCase(),
          digest.slice(0, -1),
          `${digest}0`,
          digest.slice(0, -1) + (digest.endsWith("0") ? "1" : "0"),
          digest.replace("sha256:", "sha512:"),
          digest.slice(7),
        ]
      ) {
        assert.equal(index.get(near) === undefined, !ref.has(near), near);
      }
    }
    for (let i = 0; i < 2000; i++) assert.equal(index.get(`sha256:${hex()}`), undefined);
  }
});

function pick<T>(next: () => number, xs: T[]): T {
  return xs[Math.floor(next() * xs.length)]!;
}

Deno.test("ArchiveBlobIndex: a non-hex digit anywhere, or too few bytes, is refused; lookups need hex", () => {
  const index = new ArchiveBlobIndex();
  const hex = "0123456789abcdef".repeat(4);
  for (let at = 0; at < 64; at++) {
    for (const bad of ["A", "g", "/", ":", "`", "\0"]) {
      assert.equal(
        index.addHex(enc.encode(hex.slice(0, at) + bad + hex.slice(at + 1)), 0, 1, 1),
        false,
      );
    }
  }
  // The bytes end before the 64th digit.
  for (const n of [0, 1, 8, 9, 63]) {
    assert.equal(index.addHex(enc.encode(hex.slice(0, n)), 0, 1, 1), false);
  }
  assert.equal(index.addHex(enc.encode(`..${hex}`), 3, 1, 1), false);
  assert.equal(index.size, 0);
  assert.equal(index.addHex(enc.encode(hex), 0, 7, 9), true);
  assert.equal(index.get(`sha256:${hex}`), 0);
  // A char code above 255 whose low byte is a hex digit ("\u0130": 0x30 is "0") is no digit.
  for (const at of [0, 7, 8, 63]) {
    assert.equal(index.get(`sha256:${hex.slice(0, at)}\u0130${hex.slice(at + 1)}`), undefined);
  }
});
