import assert from "node:assert/strict";
import { decodeMsgpack, encodeMsgpack, MsgpackExt } from "./msgpack.ts";
import { pyFloat } from "../py_float.ts";
import { DecodeError, EncodeError } from "../../core/errors.ts";

const hexOf = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

Deno.test("encodeMsgpack: minimal-width headers", () => {
  const cases: [unknown, string][] = [
    [null, "c0"],
    [true, "c3"],
    [127, "7f"],
    [128, "cc 80"],
    [-32, "e0"],
    [-33, "d0 df"],
    [-129, "d1 ff 7f"],
    [-32769, "d2 ff ff 7f ff"],
    [-(2 ** 31) - 1, "d3 ff ff ff ff 7f ff ff ff"],
    [2 ** 32, "cf 00 00 00 01 00 00 00 00"],
    [2n ** 64n - 1n, "cf ff ff ff ff ff ff ff ff"],
    [1.5, "cb 3f f8 00 00 00 00 00 00"],
    [-0, "cb 80 00 00 00 00 00 00 00"],
    [pyFloat(0), "cb 00 00 00 00 00 00 00 00"],
    ["a".repeat(31), "bf" + " 61".repeat(31)],
    ["", "a0"],
    [new Uint8Array([9]), "c4 01 09"],
    [new MsgpackExt(5, new Uint8Array([1, 2])), "d5 05 01 02"],
    [new MsgpackExt(-1, new Uint8Array(3)), "c7 03 ff 00 00 00"],
    [{}, "80"],
    [new Map([[1, 2]]), "81 01 02"],
  ];
  for (const [value, expected] of cases) {
    assert.equal(hexOf(encodeMsgpack(value)), expected, String(value));
  }
  assert.equal(hexOf(encodeMsgpack("a".repeat(32))).slice(0, 5), "d9 20");
  assert.equal(hexOf(encodeMsgpack("a".repeat(256))).slice(0, 8), "da 01 00");
  assert.equal(hexOf(encodeMsgpack(new Array(16).fill(0))).slice(0, 8), "dc 00 10");
  assert.equal(hexOf(encodeMsgpack(new Array(70000).fill(0))).slice(0, 14), "dd 00 01 11 70");
  const bigMap = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i]));
  assert.equal(hexOf(encodeMsgpack(bigMap)).slice(0, 8), "de 00 10");
  assert.equal(hexOf(encodeMsgpack(new Uint8Array(256))).slice(0, 8), "c5 01 00");
});

Deno.test("decodeMsgpack/encodeMsgpack: round trip", () => {
  const value = {
    s: "héllo 😀",
    n: [0, -1, 1.25, 2n ** 60n, -(2n ** 60n)],
    nested: JSON.parse('{"a": [[], {}], "__proto__": 1}'),
    bin: new Uint8Array([0, 255]),
    ext: new MsgpackExt(1, new Uint8Array(16)),
  };
  const back = decodeMsgpack(encodeMsgpack(value)) as Record<string, unknown>;
  assert.deepEqual(back.s, value.s);
  assert.deepEqual(back.n, value.n);
  assert.deepEqual(back.bin, value.bin);
  assert.deepEqual(back.ext, value.ext);
  assert.equal(Object.getPrototypeOf(back.nested), Object.prototype);
  assert.deepEqual(Object.keys(back.nested as object), ["a", "__proto__"]);
});

Deno.test("decodeMsgpack: depth limit, errors", () => {
  const deep = new Uint8Array([...new Array(2000).fill(0x91), 0x01]);
  assert.throws(
    () => decodeMsgpack(deep),
    (e) => e instanceof DecodeError && e.code === "DECODE_ERROR" && /nesting/.test(e.message),
  );
  assert.deepEqual(decodeMsgpack(new Uint8Array([0x91, 0x91, 0x01]), { maxDepth: 2 }), [[1]]);
  assert.throws(() => decodeMsgpack(new Uint8Array([0xd4, 0x01])), /truncated/);
});

Deno.test("encodeMsgpack: errors", () => {
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  for (
    const v of [
      undefined,
      () => 1,
      Symbol("x"),
      cyclic,
      new Date(),
      2n ** 64n,
      -(2n ** 63n) - 1n,
    ]
  ) {
    assert.throws(
      () => encodeMsgpack([v]),
      (e) => e instanceof EncodeError && e.code === "ENCODE_ERROR",
      String(typeof v),
    );
  }
  assert.throws(() => new MsgpackExt(200, new Uint8Array()), { code: "INVALID_ARGUMENT" });
});
