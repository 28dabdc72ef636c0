import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Sha256, sha256HexOf } from "./_sha256.ts";
import { mulberry32, randomBytes } from "../_random_test_util.ts";

Deno.test("Sha256: node:crypto's digest for every length 0-300 and random splits of longer inputs", () => {
  const next = mulberry32(12345);
  const lengths = [...Array(301).keys(), 1000, 4095, 4096, 4097, 65_536, 200_003];
  for (const n of lengths) {
    const bytes = randomBytes(n, n + 1);
    const expected = createHash("sha256").update(bytes).digest("hex");
    const whole = new Sha256();
    whole.update(bytes);
    assert.equal(whole.digest("hex"), expected, `length ${n}`);
    const pieces = new Sha256();
    let at = 0;
    while (at < n) {
      const step = Math.min(n - at, Math.floor(next() * 150));
      pieces.update(bytes.subarray(at, at + step));
      at += step;
    }
    const copy = pieces.copy();
    assert.equal(pieces.digest("hex"), expected, `length ${n} in pieces`);
    copy.update(new Uint8Array([7]));
    const more = createHash("sha256").update(bytes).update(new Uint8Array([7])).digest("hex");
    assert.equal(copy.digest("hex"), more, `copy of length ${n}`);
  }
});

Deno.test("sha256HexOf: node:crypto's digest for every length 0-300, longer inputs and views at an offset", () => {
  const lengths = [...Array(301).keys(), 1000, 4095, 4096, 4097, 65_536, 200_003];
  for (const n of lengths) {
    const bytes = randomBytes(n, 7 * n + 3);
    const expected = createHash("sha256").update(bytes).digest("hex");
    assert.equal(sha256HexOf(bytes), expected, `length ${n}`);
    // A view into a larger buffer, between two one-shot and incremental hashes of others.
    const padded = new Uint8Array(n + 11);
    padded.set(bytes, 5);
    const other = new Sha256();
    other.update(padded);
    assert.equal(sha256HexOf(padded.subarray(5, 5 + n)), expected, `view of length ${n}`);
    assert.equal(other.digest("hex"), createHash("sha256").update(padded).digest("hex"));
  }
});
