import assert from "node:assert/strict";
import { jsonSafe, toJsonText } from "./json.ts";
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
