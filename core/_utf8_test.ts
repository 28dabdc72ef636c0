import assert from "node:assert/strict";
import { decodeUtf8Fatal } from "./_utf8.ts";

const fatal = new TextDecoder("utf-8", { fatal: true });
const enc = (s: string) => new TextEncoder().encode(s);

/** The fatal decoder's answer: its text, or its error's type and message. */
function reference(bytes: Uint8Array): string | { error: string } {
  try {
    return fatal.decode(bytes);
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

function ours(bytes: Uint8Array): string | { error: string } {
  try {
    return decodeUtf8Fatal(bytes);
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

Deno.test("decodeUtf8Fatal: the fatal decoder's text and errors", () => {
  const cases: Uint8Array[] = [
    new Uint8Array(0),
    enc('{"a":"plain ascii"}'),
    enc("h\u00e9llo \u4e16\u754c \u{1f600}"),
    enc("\ufeff{}"), // BOM dropped
    enc("\ufeff\ufeff{}"), // only the first
    enc("a real \ufffd stays"),
    new Uint8Array([0x7b, 0xff, 0x7d]), // invalid byte
    new Uint8Array([0x61, 0xe4, 0xb8]), // truncated sequence at the end
    new Uint8Array([0xc0, 0x80]), // overlong
    new Uint8Array([0xed, 0xa0, 0x80]), // surrogate
    new Uint8Array([...enc("\ufffd"), 0xff]), // a real U+FFFD and an invalid byte
  ];
  for (const bytes of cases) assert.deepEqual(ours(bytes), reference(bytes), `${bytes}`);
  assert.equal(typeof ours(new Uint8Array([0xff])), "object");
});

Deno.test("decodeUtf8Fatal: random bytes agree with the fatal decoder", () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  let errors = 0;
  for (let n = 0; n < 2000; n++) {
    const bytes = new Uint8Array(n % 17);
    // Mostly ASCII, with lead and continuation bytes mixed in.
    for (let i = 0; i < bytes.length; i++) {
      const r = next();
      bytes[i] = r < 160 ? r & 0x7f : r;
    }
    const want = reference(bytes);
    if (typeof want !== "string") errors++;
    assert.deepEqual(ours(bytes), want, `${bytes}`);
  }
  assert.ok(errors > 100, `only ${errors} invalid samples`);
});
