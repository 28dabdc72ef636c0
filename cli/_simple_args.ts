/**
 * Internal: the common command lines parsed without `node:util` (whose
 * `parseArgs` loads Deno's Node compatibility layer, ~10 ms of a command's
 * start-up). Only lines whose meaning is plain are parsed here — positionals,
 * known `--flag`, `--option value`, `--option=value`, known one-letter `-x`;
 * anything else (an unknown or repeated-letter option, `--`, a value that
 * starts with `-`, `--flag=…`) returns `undefined`, and the caller asks
 * `parseArgs`, which gives the same result, or the same error, as always.
 *
 * @module
 */

/** One option, as `parseArgs` takes it. */
export interface SimpleOption {
  /** `boolean` for flags, `string` for options taking a value. */
  type: "boolean" | "string";
  /** One-letter alias. */
  short?: string;
}

/** What `parseArgs` returns for the lines handled here. */
export interface SimpleParsed {
  /** Option values by long name, in the order given (a null-prototype object, as `parseArgs`'s). */
  values: Record<string, string | boolean>;
  /** The positionals in order. */
  positionals: string[];
}

/**
 * Parse `args` as `parseArgs({ args, options, strict: true, allowPositionals: true })`
 * does, when the line is plain.
 *
 * @example
 * ```ts
 * import { parseSimpleArgs } from "./_simple_args.ts";
 * import assert from "node:assert/strict";
 *
 * const options = { json: { type: "boolean" as const }, out: { type: "string" as const, short: "o" } };
 * const r = parseSimpleArgs(["a.ommx", "--json", "-o", "x"], options);
 * assert.deepEqual(r?.positionals, ["a.ommx"]);
 * assert.deepEqual({ ...r?.values }, { json: true, out: "x" });
 * assert.equal(parseSimpleArgs(["--nope"], options), undefined);
 * ```
 *
 * @param args The arguments after the command name.
 * @param options The options by long name.
 * @returns The parse, or `undefined` to ask `parseArgs`.
 */
export function parseSimpleArgs(
  args: readonly string[],
  options: Readonly<Record<string, SimpleOption>>,
): SimpleParsed | undefined {
  const values: Record<string, string | boolean> = Object.create(null);
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) inline = arg.slice(eq + 1);
      if (!Object.hasOwn(options, name)) return undefined;
    } else if (arg.length === 2) {
      name = Object.keys(options).find((k) => options[k]!.short === arg[1]);
      if (name === undefined) return undefined;
    } else {
      return undefined;
    }
    const option = options[name]!;
    if (option.type === "boolean") {
      if (inline !== undefined) return undefined;
      values[name] = true;
      continue;
    }
    if (inline === undefined) {
      const next = args[i + 1];
      if (next === undefined || next.startsWith("-")) return undefined;
      inline = next;
      i++;
    }
    values[name] = inline;
  }
  return { values, positionals };
}
