import assert from "node:assert/strict";
import { EncodeError } from "../errors.ts";
import { canonicalJson, canonicalJsonBytes, compareCodePoints } from "./canonical_json.ts";

Deno.test("canonical JSON: sorting by code point, recursively, compact", () => {
  const keys = ["b", "a", "\uFFFD", "\u{1F600}", "\uE000", "Z", "aa", ""];
  const sorted = [...keys].sort(compareCodePoints);
  assert.deepEqual(sorted, ["", "Z", "a", "aa", "b", "\uE000", "\uFFFD", "\u{1F600}"]);
  // Same as sorting by UTF-8 bytes.
  const enc = new TextEncoder();
  const byBytes = [...keys].sort((x, y) => {
    const a = enc.encode(x), b = enc.encode(y);
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  assert.deepEqual(sorted, byBytes);
  const obj = Object.fromEntries(keys.map((k, i) => [k, i]));
  assert.equal(
    canonicalJson(obj),
    '{"":7,"Z":5,"a":1,"aa":6,"b":0,"\uE000":4,"\uFFFD":2,"\u{1F600}":3}',
  );
  assert.equal(
    canonicalJson({ z: [{ y: 1, x: { b: true, a: null } }], a: 'q"\n\u0001/', u: undefined }),
    '{"a":"q\\"\\n\\u0001/","z":[{"x":{"a":null,"b":true},"y":1}]}',
  );
  assert.equal(canonicalJson(2n ** 64n), "18446744073709551616");
  assert.deepEqual(canonicalJsonBytes({ b: "é", a: 1 }), enc.encode('{"a":1,"b":"é"}'));
});

Deno.test("canonical JSON: non-encodable values throw EncodeError", () => {
  for (const v of [NaN, Infinity, { a: () => 1 }, [Symbol("x")]]) {
    assert.throws(
      () => canonicalJson(v),
      (e: unknown) => e instanceof EncodeError && e.code === "ENCODE_ERROR",
    );
  }
});
