import assert from "node:assert/strict";
import { stringifyPythonJson } from "./stringify.ts";
import { parsePythonJson } from "./parse.ts";
import { pyFloat } from "../py_float.ts";
import { EncodeError } from "../../core/errors.ts";

// Each line is what CPython 3.11 `json.dumps(value)` printed (generated once, kept verbatim).
const PYTHON_OUTPUTS = [
  '{"b": [1, 2.0, NaN], "a": "\\u00e9"}',
  '["\\u2028 \\ud83d\\ude00 \\u007f \\u0000 \\u001f \\" \\\\ / \\b\\f\\n\\r\\t", "NaN", "Infinity"]',
  '{"nested": {"x": [Infinity, -Infinity, {"y": null, "z": true, "w": false}]}, "": []}',
  "[0.1, 1e+16, 1e-05, 0.0001, 1.2345678901234568e+17, -0.0, 1e+300, 5e-324, 1.5, 100.0]",
  "[12345678901234567890, -9007199254740993, 0, -1]",
  "{}",
  "[]",
  '"plain"',
  '{"k": {}, "l": [[]]}',
];

Deno.test("stringifyPythonJson: python style reproduces json.dumps byte for byte", () => {
  for (const text of PYTHON_OUTPUTS) {
    const value = parsePythonJson(text, { preserveFloats: true });
    assert.equal(stringifyPythonJson(value), text);
    assert.equal(stringifyPythonJson(value, { style: "python" }), text);
  }
});

Deno.test("stringifyPythonJson: int vs float rule", () => {
  assert.equal(
    stringifyPythonJson([1, 1.5, pyFloat(1), -0, 0, 2 ** 60, 10n ** 30n]),
    "[1, 1.5, 1.0, -0.0, 0, 1152921504606846976, 1000000000000000000000000000000]",
  );
  assert.equal(stringifyPythonJson(1e21), "1000000000000000000000");
  assert.equal(stringifyPythonJson(pyFloat(1e21)), "1e+21");
  assert.equal(stringifyPythonJson([pyFloat(NaN), -Infinity]), "[NaN, -Infinity]");
});

Deno.test("stringifyPythonJson: Maps, insertion order, astral and lone surrogates", () => {
  assert.equal(
    stringifyPythonJson(new Map<string, unknown>([["z", 1], ["a", new Map([["y", [2]]])]])),
    '{"z": 1, "a": {"y": [2]}}',
  );
  assert.equal(stringifyPythonJson({ "😀": "\ud800x" }), '{"\\ud83d\\ude00": "\\ud800x"}');
  const nullProto = Object.create(null) as Record<string, number>;
  nullProto.k = 1;
  assert.equal(stringifyPythonJson(nullProto), '{"k": 1}');
});

Deno.test("stringifyPythonJson: compact-sorted (sorted JSON)", () => {
  const value = {
    b: [1, pyFloat(2), 0.1, pyFloat(1e16), 1e-7, 0.00001, pyFloat(1e15)],
    a: { "\ue000": 1, "😀": 2, "Z": 3, "é": "é\u2028\u0001" },
    "": null,
  };
  assert.equal(
    stringifyPythonJson(value, { style: "compact-sorted" }),
    '{"":null,"a":{"Z":3,"é":"é\u2028\\u0001","\ue000":1,"😀":2},' +
      '"b":[1,2.0,0.1,1e16,1e-7,0.00001,1000000000000000.0]}',
  );
  for (const bad of [NaN, Infinity, pyFloat(-Infinity)]) {
    assert.throws(
      () => stringifyPythonJson({ x: [bad] }, { style: "compact-sorted" }),
      (e) => e instanceof EncodeError && e.code === "ENCODE_ERROR" && e.message.includes("$.x[0]"),
    );
  }
});

Deno.test("stringifyPythonJson: unserialisable values", () => {
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  const cases: [unknown, RegExp][] = [
    [undefined, /undefined/],
    [{ f: () => 1 }, /function/],
    [[Symbol("s")], /symbol/],
    [new Date(0), /Date/],
    [new Uint8Array(1), /Uint8Array/],
    [cyclic, /Circular/],
    [new Map([[1, 2]]), /Map key/],
  ];
  for (const [value, pattern] of cases) {
    assert.throws(
      () => stringifyPythonJson(value),
      (e) => e instanceof EncodeError && e.code === "ENCODE_ERROR" && pattern.test(e.message),
      String(pattern),
    );
  }
  assert.throws(
    () => stringifyPythonJson(1, { style: "pretty" as "python" }),
    EncodeError,
  );
  // shared (non-cyclic) references are fine
  const shared = { x: 1 };
  assert.equal(stringifyPythonJson([shared, shared]), '[{"x": 1}, {"x": 1}]');
});
