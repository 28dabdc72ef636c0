import assert from "node:assert/strict";
import { parsePythonJson } from "./parse.ts";
import { PyFloat } from "../py_float.ts";
import { DecodeError } from "../../core/errors.ts";
import fc from "npm:fast-check@4.11.0";

function rejects(input: string | Uint8Array, pattern: RegExp, label = String(input)) {
  assert.throws(
    () => parsePythonJson(input),
    (e) => e instanceof DecodeError && e.code === "DECODE_ERROR" && pattern.test(e.message),
    label,
  );
}

Deno.test("parsePythonJson: standard JSON like JSON.parse", () => {
  const samples = [
    '{"a": [1, 2.5, -3e2, true, false, null], "b": {"c": "d"}}',
    "[]",
    "{}",
    '  \n\t"x"\r\n ',
    "0",
    "-0.0",
    "1E+2",
    '"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\"\\\\"',
    '[[[[{"deep": [1]}]]]]',
    '{"a": 1, "a": 2}',
  ];
  for (const s of samples) assert.deepEqual(parsePythonJson(s), JSON.parse(s), s);
});

Deno.test("parsePythonJson: NaN and Infinity tokens outside strings only", () => {
  assert.deepEqual(parsePythonJson("[NaN, Infinity, -Infinity]"), [NaN, Infinity, -Infinity]);
  assert.deepEqual(parsePythonJson('{"x": {"y": [1, NaN]}, "z": -Infinity}'), {
    x: { y: [1, NaN] },
    z: -Infinity,
  });
  assert.deepEqual(
    parsePythonJson('["NaN", "Infinity", "-Infinity", "a NaN b", "[NaN]"]'),
    ["NaN", "Infinity", "-Infinity", "a NaN b", "[NaN]"],
  );
  assert.deepEqual(parsePythonJson('{"NaN": NaN}'), { NaN: NaN });
  assert.ok(Number.isNaN(parsePythonJson("NaN")));
  for (const bad of ["nan", "+Infinity", "-NaN", "Inf", "infinity", "NaNa", "[NaN1]"]) {
    rejects(bad, /Expecting value|Extra data|Expecting ','/);
  }
});

Deno.test("parsePythonJson: integers beyond 2^53 are bigint; -0 int is 0", () => {
  assert.deepEqual(
    parsePythonJson(
      "[9007199254740991, 9007199254740992, -9007199254740993, 123456789012345678901234567890]",
    ),
    [9007199254740991, 9007199254740992n, -9007199254740993n, 123456789012345678901234567890n],
  );
  assert.ok(Object.is(parsePythonJson("-0"), 0));
  assert.ok(Object.is(parsePythonJson("-0.0"), -0));
  assert.equal(parsePythonJson("1e400"), Infinity);
  assert.equal(parsePythonJson("9007199254740993.0"), 9007199254740992);
});

Deno.test("parsePythonJson: preserveFloats wraps float literals", () => {
  const v = parsePythonJson("[1, 1.0, 2e3, NaN, -Infinity, 12345678901234567890]", {
    preserveFloats: true,
  }) as unknown[];
  assert.equal(v[0], 1);
  assert.ok(v[1] instanceof PyFloat && v[1].value === 1);
  assert.ok(v[2] instanceof PyFloat && v[2].value === 2000);
  assert.ok(v[3] instanceof PyFloat && Number.isNaN(v[3].value));
  assert.ok(v[4] instanceof PyFloat && v[4].value === -Infinity);
  assert.equal(v[5], 12345678901234567890n);
});

Deno.test("parsePythonJson: bytes input, BOM and invalid UTF-8", () => {
  const enc = new TextEncoder();
  assert.deepEqual(parsePythonJson(enc.encode('{"é": "😀"}')), { "é": "😀" });
  assert.deepEqual(parsePythonJson(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("[1]")])), [1]);
  rejects("\ufeff[1]", /BOM/);
  rejects(new Uint8Array([0x22, 0xff, 0x22]), /invalid UTF-8/, "bad utf8");
});

Deno.test("parsePythonJson: __proto__ is an own key, not a prototype", () => {
  const v = parsePythonJson('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ["__proto__", "a"]);
  assert.deepEqual(v["__proto__"], { polluted: true });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("parsePythonJson: errors carry Python-style positions", () => {
  assert.throws(
    () => parsePythonJson('{\n  "a": 1,\n  "b" 2\n}', { subject: 'attachment "cfg"' }),
    (e) =>
      e instanceof DecodeError && e.code === "DECODE_ERROR" &&
      e.message === "attachment \"cfg\": Expecting ':' delimiter: line 3 column 7 (char 18)",
  );
  rejects("", /Expecting value: line 1 column 1 \(char 0\)/);
  rejects("   ", /Expecting value/);
  rejects("[1,]", /trailing comma/);
  rejects('{"a": 1,}', /trailing comma/);
  rejects("[1 2]", /Expecting ','/);
  rejects("{'a': 1}", /property name enclosed in double quotes/);
  rejects('{"a": 1', /Unterminated object|Expecting ','/);
  rejects('"abc', /Unterminated string starting at: line 1 column 1 \(char 0\)/);
  rejects('"a\\', /Unterminated string/);
  rejects('"tab\there"', /Invalid control character/);
  rejects('"\\x41"', /Invalid \\escape/);
  rejects('"\\u12"', /Invalid \\uXXXX escape/);
  rejects('"\\u12G4"', /Invalid \\uXXXX escape/);
  rejects("01", /Extra data/);
  rejects("1.", /Extra data/);
  rejects(".5", /Expecting value/);
  rejects("-", /Expecting value/);
  rejects("tru", /Expecting value/);
  rejects("[1] [2]", /Extra data: line 1 column 5 \(char 4\)/);
  rejects("{} x", /Extra data/);
});

Deno.test("parsePythonJson: depth limit", () => {
  const deep = "[".repeat(1001) + "]".repeat(1001);
  rejects(deep, /Nesting deeper than 1000/, "deep");
  assert.equal(
    (parsePythonJson("[".repeat(1000) + "]".repeat(1000)) as unknown[]).length,
    1,
  );
  assert.deepEqual(parsePythonJson("[[1]]", { maxDepth: 2 }), [[1]]);
  assert.throws(() => parsePythonJson("[[1]]", { maxDepth: 1 }), DecodeError);
});

Deno.test("parsePythonJson: bytes are parsed without a string of the whole document", () => {
  const enc = new TextEncoder();
  // short and long string runs, ASCII and not, escapes between them
  const long = "é".repeat(100) + "x".repeat(100) + "😀";
  const doc = JSON.stringify({ a: long, b: `q\n${long}\t"`, "ké": ["\ufeffbom kept", "𝄞"] });
  assert.deepEqual(parsePythonJson(enc.encode(doc)), JSON.parse(doc));
  // invalid UTF-8 inside short and long strings, overlong forms, encoded surrogates
  for (
    const bad of [
      [0x22, 0xc0, 0xaf, 0x22],
      [0x22, 0xe0, 0x80, 0xaf, 0x22],
      [0x22, 0xed, 0xa0, 0x80, 0x22],
      [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22],
      [0x22, 0xc3, 0x22],
      [0x22, ...enc.encode("x".repeat(100)), 0xff, 0x22],
      [0x5b, 0x31, 0x5d, 0x20, 0xff], // after the value: still "invalid UTF-8", as Python decodes first
    ]
  ) {
    rejects(new Uint8Array(bad), /invalid UTF-8/, JSON.stringify(bad));
  }
  // positions count UTF-16 units of the decoded text
  rejects(enc.encode('["😀", x]'), /Expecting value: line 1 column 8 \(char 7\)/);
});

Deno.test("parsePythonJson: an integer of more than 4300 digits is refused, as Python's int", () => {
  assert.equal(typeof parsePythonJson("9".repeat(4300)), "bigint");
  rejects("9".repeat(4301), /Exceeds the limit \(4300 digits\)/);
  rejects("-" + "9".repeat(4301), /Exceeds the limit/);
  assert.equal(parsePythonJson("9".repeat(5000) + ".0"), Infinity); // a float, not an int
});

/** Our bigints as the numbers JSON.parse gives. */
function asNumbers(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(asNumbers);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, { value: asNumbers(x), enumerable: true, writable: true });
    }
    return out;
  }
  return v;
}

Deno.test("parsePythonJson: agrees with JSON.parse on random documents and random damage", () => {
  const enc = new TextEncoder();
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.nat(255), (value, at, byte) => {
      const text = JSON.stringify(value);
      const ok = JSON.parse(text);
      assert.deepEqual(asNumbers(parsePythonJson(enc.encode(text))), ok);
      assert.deepEqual(asNumbers(parsePythonJson(text)), ok);
      // one byte changed: both parse to the same value, or ours refuses with a DecodeError
      const bytes = enc.encode(text);
      bytes[at % bytes.length] = byte;
      let expected: unknown;
      let valid = true;
      try {
        expected = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
      } catch {
        valid = false;
      }
      try {
        const got = parsePythonJson(bytes);
        if (valid) assert.deepEqual(asNumbers(got), expected);
        else {
          // only Python's extensions may parse where JSON.parse does not
          assert.match(new TextDecoder().decode(bytes), /NaN|Infinity|\d{16}/);
        }
      } catch (e) {
        assert.ok(e instanceof DecodeError, String(e));
        if (valid) {
          // JSON.parse accepted it: only the big-int limit or a BOM can make us refuse
          assert.match(e.message, /Exceeds the limit|BOM/);
        }
      }
    }),
    { numRuns: 2000, seed: 20261127 },
  );
});
