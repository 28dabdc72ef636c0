import assert from "node:assert/strict";
import { jsonSafe, toBase64, toJsonText } from "./json.ts";
import { pyFloat } from "../codecs/json/mod.ts";

Deno.test("jsonSafe: non-finite numbers and bigints become strings, Maps objects, bytes base64", () => {
  assert.deepEqual(
    jsonSafe({
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      big: -(2n ** 63n),
      map: new Map([[1, NaN]]),
      bytes: new Uint8Array([0, 255]),
      skipped: undefined,
    }),
    {
      nan: "NaN",
      inf: "Infinity",
      ninf: "-Infinity",
      big: "-9223372036854775808",
      map: { 1: "NaN" },
      bytes: "AP8=",
    },
  );
});

Deno.test("toJsonText round-trips through JSON.parse", () => {
  const value = { a: [1, 2.5, null, true], b: "日本" };
  assert.deepEqual(JSON.parse(toJsonText(value)), value);
  assert.ok(toJsonText(value).endsWith("}\n"));
});

Deno.test("jsonSafe: a PyFloat is written as its number (NaN as a string)", () => {
  assert.deepEqual(jsonSafe({ t: pyFloat(10), n: pyFloat(NaN) }), { t: 10, n: "NaN" });
  assert.equal(toJsonText([pyFloat(1.5)]), "[\n  1.5\n]\n");
});

Deno.test("toJsonText writes what JSON.stringify writes for the jsonSafe copy (values passed through or copied)", async () => {
  const fc = (await import("npm:fast-check@4.11.0")).default;
  const { jsonTerminalSafe } = await import("./safe_text.ts");
  const reference = (v: unknown) => jsonTerminalSafe(JSON.stringify(jsonSafe(v), null, 2)) + "\n";
  class Point {
    constructor(readonly x: number, readonly y: number) {}
    get sum(): number {
      return this.x + this.y;
    }
  }
  const nullProto = Object.assign(Object.create(null), { b: 1, a: [NaN] });
  // deno-lint-ignore no-sparse-arrays
  const sparse = [1, , 3];
  const special: unknown[] = [
    { runs: [{ a: 1, b: null, c: "x\u001b\u202e", d: undefined, e: [undefined, () => 1] }] },
    { deep: { deeper: [{ x: NaN }, { y: -Infinity }, { z: 2n ** 70n }] } },
    JSON.parse('{"__proto__": {"a": 1}, "b": 2}'),
    { when: new Date(0), p: new Point(1, 2), m: new Map<unknown, unknown>([[2, NaN], [1, "a"]]) },
    { toJSON: () => "replaced", a: 1 },
    Object.assign([1, 2], { toJSON: () => "arr" }),
    { bytes: new Uint8Array([1, 2, 3]), f: pyFloat(2), g: pyFloat(NaN), s: Symbol("s") },
    nullProto,
    sparse,
    { "2": 1, "1": 2, b: 3, a: 4, [Symbol("k")]: 5 },
    -0,
    [[], {}, [[{}]]],
  ];
  special.forEach((v, i) => assert.equal(toJsonText(v), reference(v), `value ${i}`));
  fc.assert(
    fc.property(fc.anything({ withMap: true, withBigInt: true, withNullPrototype: true }), (v) => {
      let expected: string;
      try {
        expected = reference(v);
      } catch (e) {
        assert.throws(() => toJsonText(v), (e as Error).constructor as typeof Error);
        return;
      }
      assert.equal(toJsonText(v), expected);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("jsonSafe: bytes are standard padded base64 of the view only (as node:buffer writes them)", async () => {
  const { Buffer } = await import("node:buffer");
  const all = new Uint8Array(300).map((_, i) => (i * 37 + 11) & 255);
  for (const [start, end] of [[0, 0], [1, 2], [3, 5], [7, 10], [0, 300], [13, 200]]) {
    const view = all.subarray(start, end);
    assert.equal(
      jsonSafe(view),
      Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("base64"),
    );
  }
});

Deno.test("toBase64: the btoa fallback (a runtime without Uint8Array.prototype.toBase64) writes the same text", async () => {
  const { Buffer } = await import("node:buffer");
  const bytes = new Uint8Array(300).map((_, i) => (i * 37) & 255);
  for (const n of [0, 1, 2, 3, 299, 300]) {
    const view = bytes.subarray(0, n);
    const withoutNative = Object.assign(view.slice(), { toBase64: undefined });
    assert.equal(toBase64(withoutNative), toBase64(view));
    assert.equal(toBase64(withoutNative), Buffer.from(view).toString("base64"));
  }
});
