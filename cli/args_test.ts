import assert from "node:assert/strict";
import { parseCommandArgs, parseNonNegativeInt, UsageError } from "./args.ts";

const spec = {
  usage: "ommx-ts get <source> <name> [--run N] [-o path]",
  positionals: ["source", "name"],
  options: { run: { type: "string" as const }, output: { type: "string" as const, short: "o" } },
};

Deno.test("parseCommandArgs: positionals by name, options, --json everywhere", async () => {
  const p = await parseCommandArgs(spec, ["a.ommx", "x", "-o", "out", "--run", "3", "--json"]);
  assert.deepEqual(p.positionals, { source: "a.ommx", name: "x" });
  assert.equal(p.values.output, "out");
  assert.equal(p.values.run, "3");
  assert.equal(p.values.json, true);
});

Deno.test("parseCommandArgs: unknown flags, missing and extra positionals are UsageErrors with the usage", async () => {
  for (
    const [args, message] of [
      [["a", "x", "--nope"], "unknown option '--nope'"],
      [["a"], "missing argument <name>"],
      [["a", "x", "y"], 'unexpected argument "y"'],
      [["a", "x", "--run"], "option '--run <value>' argument missing"],
    ] as const
  ) {
    await assert.rejects(parseCommandArgs(spec, args), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, message);
      assert.equal(e.usage, spec.usage);
      return true;
    });
  }
});

Deno.test("parseNonNegativeInt rejects signs, fractions and huge values", () => {
  assert.equal(parseNonNegativeInt("0", "x", "u"), 0);
  for (const bad of ["-1", "1.5", "", "1e3", "99999999999999999999"]) {
    assert.throws(() => parseNonNegativeInt(bad, "x", "u"), UsageError);
  }
});

Deno.test("parseCommandArgs: --wide is for tables (not with --json or --csv), and takes no value", async () => {
  const table = {
    usage: "ommx-ts params <source> [--csv | --wide | --json]",
    positionals: ["source"],
    options: { csv: { type: "boolean" as const }, wide: { type: "boolean" as const } },
  };
  assert.equal((await parseCommandArgs(table, ["a", "--wide"])).values.wide, true);
  for (
    const [args, message] of [
      [
        ["a", "--wide", "--json"],
        "--wide applies to table output; it cannot be combined with --json",
      ],
      [
        ["a", "--csv", "--wide"],
        "--wide applies to table output; it cannot be combined with --csv",
      ],
      [["a", "--csv", "--json"], "--csv and --json cannot be combined"],
      [["a", "--wide=yes"], "option '--wide' does not take an argument"],
    ] as const
  ) {
    await assert.rejects(parseCommandArgs(table, args), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, message);
      assert.equal(e.usage, table.usage);
      return true;
    });
  }
});
