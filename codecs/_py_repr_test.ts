import assert from "node:assert/strict";
import { pyFixed, pyRepr, reprBytes, reprStr } from "./_py_repr.ts";
import { requireTool, TOOLS } from "../core/_tools_test_util.ts";

/** Inputs and what CPython 3.11's `repr()` prints for them. */
const CASES: readonly [string, string][] = [
  ["finished", "'finished'"],
  ["it's", `"it's"`],
  ['say "hi"', `'say "hi"'`],
  [`both ' and "`, `'both \\' and "'`],
  ["back\\slash", "'back\\\\slash'"],
  ["tab\tnl\ncr\r", "'tab\\tnl\\ncr\\r'"],
  ["\x00\x07\x1b\x7f", "'\\x00\\x07\\x1b\\x7f'"],
  ["\x80\x9f", "'\\x80\\x9f'"],
  ["nb\u00a0sp", "'nb\\xa0sp'"],
  ["\u00ad", "'\\xad'"],
  ["zw\u200bsp", "'zw\\u200bsp'"],
  ["\u2028\u2029", "'\\u2028\\u2029'"],
  ["\u3000", "'\\u3000'"],
  ["\ue000", "'\\ue000'"],
  ["\u{f0000}", "'\\U000f0000'"],
  ["\ud800", "'\\ud800'"],
  ["\u{10ffff}", "'\\U0010ffff'"],
  ["\u0378", "'\\u0378'"],
  ["emoji \u{1f600}", "'emoji \u{1f600}'"],
  ["値 ✓", "'値 ✓'"],
  ["café", "'café'"],
  ["\u202e", "'\\u202e'"],
  ["\ufeff", "'\\ufeff'"],
  ["", "''"],
  ["'", `"'"`],
  ['"', `'"'`],
];

Deno.test("reprStr: CPython's repr(str), non-printable non-ASCII escaped", () => {
  for (const [input, expected] of CASES) {
    assert.equal(reprStr(input), expected, JSON.stringify(input));
  }
});

Deno.test("reprStr: the same text as python3's repr() on the same strings", async () => {
  const python = requireTool(TOOLS.python3, "the repr cross-check (codecs/_py_repr_test.ts)");
  if (python === undefined) return;
  const inputs = CASES.map(([input]) => input);
  const out = await new Deno.Command(python, {
    args: ["-c", "import json,sys; print(json.dumps([repr(s) for s in json.load(sys.stdin)]))"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = out.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(inputs)));
  await writer.close();
  const { stdout, success } = await out.output();
  assert.ok(success);
  const expected = JSON.parse(new TextDecoder().decode(stdout)) as string[];
  assert.deepEqual(inputs.map(reprStr), expected);
});

Deno.test("reprBytes, pyRepr and pyFixed: Python's bytes repr, values and f-string rounding", () => {
  assert.equal(reprBytes(new Uint8Array([0x61, 0x27, 0x00, 0xff])), `b"a'\\x00\\xff"`);
  assert.equal(reprBytes(new Uint8Array([0x27, 0x22])), `b'\\'"'`);
  assert.equal(
    pyRepr({
      kind: "dict",
      value: [
        ["n", { kind: "int", value: 3n }],
        ["x", { kind: "float", value: 1 }],
        ["l", { kind: "list", value: [{ kind: "bool", value: true }, { kind: "none" }] }],
        ["s", { kind: "str", value: "a\u200b" }],
        ["f", { kind: "float", value: -Infinity }],
      ],
    }),
    "{'n': 3, 'x': 1.0, 'l': [True, None], 's': 'a\\u200b', 'f': -inf}",
  );
  assert.equal(pyFixed(0.125, 2), "0.12");
  assert.equal(pyFixed(0.375, 2), "0.38");
  assert.equal(pyFixed(2.5, 0), "2");
});
