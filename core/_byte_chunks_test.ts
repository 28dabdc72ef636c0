import assert from "node:assert/strict";
import { ByteChunks } from "./_byte_chunks.ts";
import { mulberry32 } from "./_random_test_util.ts";

const encoder = new TextEncoder();

function bytesOf(chunks: ByteChunks): Uint8Array {
  const out = new Uint8Array(chunks.length);
  assert.equal(chunks.copyTo(out, 0), chunks.length);
  return out;
}

function joined(pieces: Iterable<Uint8Array>): number[] {
  return [...pieces].flatMap((p) => [...p]);
}

Deno.test("ByteChunks: texts and bytes across chunk ends (1–4-byte characters) equal TextEncoder's bytes", () => {
  const rnd = mulberry32(13);
  const alphabet = ["a", "é", "日", "😀", ",", "\ud800"]; // a lone surrogate becomes U+FFFD
  for (const size of [16, 17, 31, 64]) {
    const chunks = new ByteChunks(size);
    let expected = "";
    const raw: number[] = [];
    for (let i = 0; i < 200; i++) {
      if (rnd() < 0.2) {
        const b = Uint8Array.from({ length: Math.floor(rnd() * 40) }, () => 0x30);
        chunks.append(b);
        expected += "0".repeat(b.length);
        raw.push(...b);
        continue;
      }
      let text = "";
      for (let n = Math.floor(rnd() * 30); n > 0; n--) {
        text += alphabet[Math.floor(rnd() * alphabet.length)];
      }
      chunks.appendText(text);
      expected += text;
      raw.push(...encoder.encode(text));
    }
    const want = encoder.encode(expected);
    assert.deepEqual([...want], raw);
    assert.equal(chunks.length, want.length);
    assert.deepEqual(bytesOf(chunks), want);
    assert.deepEqual(joined(chunks.pieces()), [...want]);
    for (const from of [0, 1, size - 1, size, size + 3, want.length - 1, want.length]) {
      assert.deepEqual(joined(chunks.pieces(from)), [...want.subarray(from)], `from ${from}`);
    }
  }
});

Deno.test("ByteChunks: truncate cuts back (inside a chunk, at a chunk end, to 0) and appending continues after the cut", () => {
  const chunks = new ByteChunks(16);
  const text = "0123456789abcdef日本語😀xyz".repeat(5);
  const full = encoder.encode(text);
  chunks.appendText(text);
  for (const cut of [full.length - 1, 40, 32, 16, 5, 0]) {
    chunks.truncate(cut);
    assert.equal(chunks.length, cut);
    assert.deepEqual(bytesOf(chunks), full.subarray(0, cut));
  }
  chunks.truncate(10); // no-op: holds fewer
  assert.equal(chunks.length, 0);
  chunks.appendText("日本");
  chunks.append(encoder.encode("-tail"));
  assert.deepEqual(bytesOf(chunks), encoder.encode("日本-tail"));
  chunks.truncate(3);
  chunks.appendText("x".repeat(40));
  assert.deepEqual(bytesOf(chunks), encoder.encode("日" + "x".repeat(40)));
});
