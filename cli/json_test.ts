import assert from "node:assert/strict";
import { jsonSafe, toJsonText } from "./json.ts";

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
