import assert from "node:assert/strict";
import { headerChecksum } from "./_header.ts";

function byteByByte(h: Uint8Array): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b >= 0x80 ? b - 256 : b;
  }
  return { unsigned, signed };
}

Deno.test("headerChecksum: word-at-a-time sums equal byte-by-byte sums, aligned or not", () => {
  for (let t = 0; t < 500; t++) {
    const buf = new Uint8Array(1028);
    crypto.getRandomValues(buf);
    if (t % 3 === 0) buf.fill(0xff);
    if (t % 5 === 0) buf.fill(0);
    for (const offset of [0, 1, 2, 4, 512]) {
      const h = buf.subarray(offset, offset + 512);
      assert.deepEqual(headerChecksum(h), byteByByte(h), `trial ${t} offset ${offset}`);
    }
  }
});

Deno.test("headerChecksum: a header inside a larger buffer, by base, with or without its words", () => {
  for (let t = 0; t < 200; t++) {
    const buf = new Uint8Array(2048);
    crypto.getRandomValues(buf);
    const words = new Uint32Array(buf.buffer);
    for (const base of [0, 4, 512, 1024, 1536]) {
      const expected = byteByByte(buf.subarray(base, base + 512));
      assert.deepEqual(headerChecksum(buf, base, words), expected, `trial ${t} base ${base}`);
      assert.deepEqual(headerChecksum(buf, base), expected, `trial ${t} base ${base}, no words`);
    }
    // Unaligned bytes: the byte loop.
    const odd = buf.subarray(1);
    for (const base of [0, 3, 511]) {
      assert.deepEqual(headerChecksum(odd, base), byteByByte(odd.subarray(base, base + 512)));
    }
  }
});
