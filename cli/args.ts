/**
 * Strict command-line argument parsing for the `ommx-ts` CLI, on top of
 * `node:util` `parseArgs`: unknown flags, missing or extra positionals and
 * malformed numbers become a {@linkcode UsageError} (exit code 2).
 *
 * @module
 */
import { parseSimpleArgs } from "./_simple_args.ts";

/** A command-line mistake: reported with the command's usage line, exit code 2. */
export class UsageError extends Error {
  /** The usage line of the command that was misused. */
  readonly usage: string;
  /**
   * @param message What is wrong with the arguments.
   * @param usage The command's usage line.
   */
  constructor(message: string, usage: string) {
    super(message);
    this.name = "UsageError";
    this.usage = usage;
  }
}

/** One option of a command: a boolean flag or a string value. */
export interface OptionSpec {
  /** `boolean` for flags, `string` for options taking a value. */
  type: "boolean" | "string";
  /** One-letter alias (e.g. `o` for `--output`). */
  short?: string;
}

/** What a command accepts. */
export interface CommandSpec {
  /** Usage line, e.g. `ommx-ts runs <source> [--json]`. */
  usage: string;
  /** Names of the required positionals, in order. */
  positionals: readonly string[];
  /** Names of optional positionals after the required ones, in order (absent when not given). */
  optionalPositionals?: readonly string[];
  /** Name of a repeatable last positional: every argument after the others (`ParsedArgs.rest`). */
  rest?: string;
  /** Options by long name (`json` is added to every command). */
  options: Readonly<Record<string, OptionSpec>>;
}

/** Parsed arguments. */
export interface ParsedArgs {
  /** The usage line of the command (for usage errors found later). */
  usage?: string;
  /** Positionals by name. */
  positionals: Record<string, string>;
  /** The arguments after the named positionals, when the command takes a repeatable one. */
  rest?: string[];
  /** Option values (`true` for flags present, the string for value options). */
  values: Record<string, string | boolean | undefined>;
}

/**
 * Parse a command's arguments strictly. Every command accepts `--json` and
 * `--timeout <seconds>` (see `network_options.ts`).
 *
 * @param spec The command's positionals and options.
 * @param args The arguments after the command name.
 * @returns Positionals by name and option values.
 * @throws {UsageError} On unknown flags, missing or extra positionals, and
 * `--wide` with `--json` or `--csv` (or `--csv` with `--json`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCommandArgs } from "./args.ts";
 * const spec = { usage: "x <source>", positionals: ["source"], options: {} };
 * const parsed = await parseCommandArgs(spec, ["a.ommx", "--json"]);
 * assert.equal(parsed.positionals.source, "a.ommx");
 * assert.equal(parsed.values.json, true);
 * ```
 */
export async function parseCommandArgs(
  spec: CommandSpec,
  args: readonly string[],
): Promise<ParsedArgs> {
  const options: Record<string, OptionSpec> = {
    json: { type: "boolean" },
    timeout: { type: "string" },
    ...spec.options,
  };
  const parsed = parseSimpleArgs(args, options) ?? await parseWithNode(args, options, spec.usage);
  const names = spec.positionals;
  if (parsed.positionals.length < names.length) {
    const missing = names.slice(parsed.positionals.length).map((n) => `<${n}>`).join(" ");
    throw new UsageError(`missing argument ${missing}`, spec.usage);
  }
  const allNames = [...names, ...(spec.optionalPositionals ?? [])];
  if (spec.rest === undefined && parsed.positionals.length > allNames.length) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[allNames.length])}`,
      spec.usage,
    );
  }
  const v = parsed.values as Record<string, unknown>;
  for (const other of ["json", "csv"]) {
    if (v.wide === true && v[other] === true) {
      throw new UsageError(
        `--wide applies to table output; it cannot be combined with --${other}`,
        spec.usage,
      );
    }
  }
  if (v.csv === true && v.json === true) {
    throw new UsageError("--csv and --json cannot be combined", spec.usage);
  }
  const positionals: Record<string, string> = {};
  allNames.forEach((n, i) => {
    if (i < parsed.positionals.length) positionals[n] = parsed.positionals[i]!;
  });
  const rest = spec.rest === undefined ? {} : { rest: parsed.positionals.slice(allNames.length) };
  return {
    usage: spec.usage,
    positionals,
    ...rest,
    values: parsed.values as ParsedArgs["values"],
  };
}

/** The lines `parseSimpleArgs` leaves: `node:util`'s `parseArgs`, loaded on first use. */
async function parseWithNode(
  args: readonly string[],
  options: Record<string, OptionSpec>,
  usage: string,
): Promise<{ values: Record<string, unknown>; positionals: string[] }> {
  const { parseArgs } = await import("node:util");
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(cleanMessage((e as Error).message), usage);
  }
}

function cleanMessage(message: string): string {
  // node:util messages are multi-sentence; keep the first line, lower-cased start.
  const first = message.split("\n")[0]!.replace(/\. To specify a positional.*$/, "");
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/**
 * Parse a non-negative integer argument (run ids, ports).
 *
 * @param text The argument text.
 * @param what What the argument is, for the message.
 * @param usage The usage line.
 * @returns The integer.
 * @throws {UsageError} When the text is not a non-negative integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNonNegativeInt } from "./args.ts";
 * assert.equal(parseNonNegativeInt("42", "run id", "x"), 42);
 * assert.throws(() => parseNonNegativeInt("4x", "run id", "x"));
 * ```
 */
export function parseNonNegativeInt(text: string, what: string, usage: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(
      `${what} must be a non-negative integer, got ${JSON.stringify(text)}`,
      usage,
    );
  }
  return Number(text);
}
