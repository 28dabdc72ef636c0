import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { parseSimpleArgs } from "./_simple_args.ts";

const options = {
  json: { type: "boolean" as const },
  wide: { type: "boolean" as const },
  run: { type: "string" as const },
  output: { type: "string" as const, short: "o" },
  quiet: { type: "boolean" as const, short: "q" },
};

function node(args: string[]) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    return { error: (e as Error).message };
  }
}

Deno.test("parseSimpleArgs: what it parses, parseArgs parses the same (order, prototype)", () => {
  for (
    const args of [
      [],
      ["a.ommx"],
      ["a.ommx", "--json"],
      ["--json", "a.ommx", "x"],
      ["a", "-o", "out", "--run", "3", "--json"],
      ["a", "--run=3", "--output=", "-q", "-"],
      ["a", "--run", "3", "--run", "4", "--json", "--json"],
      ["a", "--output", "x y", "b"],
    ]
  ) {
    const simple = parseSimpleArgs(args, options);
    assert.ok(simple !== undefined, JSON.stringify(args));
    const expected = node(args) as { values: object; positionals: string[] };
    assert.deepEqual(simple.positionals, expected.positionals);
    assert.deepEqual(Object.entries(simple.values), Object.entries(expected.values));
    assert.equal(Object.getPrototypeOf(simple.values), Object.getPrototypeOf(expected.values));
  }
});

Deno.test("parseSimpleArgs: anything else is left to parseArgs", () => {
  for (
    const args of [
      ["a", "--nope"],
      ["a", "--json=yes"],
      ["a", "--run"],
      ["a", "--run", "--json"],
      ["a", "-o", "-"],
      ["a", "-x"],
      ["a", "-qo", "x"],
      ["a", "--", "--json"],
      ["-1"],
      ["a", "--=x"],
      ["a", "--__proto__"],
    ]
  ) {
    assert.equal(parseSimpleArgs(args, options), undefined, JSON.stringify(args));
  }
});
