/**
 * What the Local Registry commands (`ls`, `rm`, `restore-ref`, `gc`, `prune`,
 * `import`, `rename`) share: the `--root` option, the status lines they
 * print (labels right-aligned as the SDK's `ommx` CLI prints them, names
 * from the registry with control characters escaped) and the rollback
 * command a removal prints.
 *
 * @module
 */
import { type ParsedArgs, UsageError } from "../args.ts";
import { messageLine } from "../safe_text.ts";

/** The `--root` option every registry command takes. */
export const ROOT_OPTION = { root: { type: "string" } } as const;

/**
 * The `root` option for the library calls: `--root` when given, else
 * nothing (the library then uses `OMMX_LOCAL_REGISTRY_ROOT` or the SDK's
 * data directory).
 *
 * @param args The parsed arguments.
 * @returns `{ root }` or `{}`.
 */
export function rootOption(args: ParsedArgs): { root?: string } {
  const root = args.values.root;
  return typeof root === "string" ? { root } : {};
}

/**
 * One status line: the label right-aligned in 12 columns, then the message,
 * control characters escaped.
 *
 * @param label E.g. `Removed`.
 * @param message The text.
 * @returns The line, with a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statusLine } from "./_registry.ts";
 * assert.equal(statusLine("Removed", "a\u001b:v1"), "     Removed a\\x1b:v1\n");
 * ```
 */
export function statusLine(label: string, message: string): string {
  return `${label.padStart(12)} ${messageLine(message)}\n`;
}

/**
 * Quote a word for a POSIX shell (single quotes), as the SDK's rollback hint does.
 *
 * @param value The word.
 * @returns The quoted word.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shellQuote } from "./_registry.ts";
 * assert.equal(shellQuote("it's"), `'it'"'"'s'`);
 * ```
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/**
 * The command that puts a removed name back.
 *
 * @param imageName The removed name.
 * @param digest Its manifest digest.
 * @param args The parsed arguments (for `--root`).
 * @returns `ommx-ts restore-ref '<name>' '<digest>' [--root '<dir>']`.
 */
export function rollbackCommand(imageName: string, digest: string, args: ParsedArgs): string {
  let command = `ommx-ts restore-ref ${shellQuote(imageName)} ${shellQuote(digest)}`;
  const { root } = rootOption(args);
  if (root !== undefined) command += ` --root ${shellQuote(root)}`;
  return command;
}

/**
 * `--delete` (true) or a dry run (false, the default; `--dry-run` says so explicitly), as the
 * SDK's `gc` and `prune-anonymous` take them.
 *
 * @param args The parsed arguments.
 * @param usage The command's usage line.
 * @returns Whether to delete.
 * @throws {UsageError} When both are given.
 */
export function deleteMode(args: ParsedArgs, usage: string): boolean {
  if (args.values["dry-run"] === true && args.values.delete === true) {
    throw new UsageError("--dry-run and --delete cannot be used together", usage);
  }
  return args.values.delete === true;
}

/**
 * A duration option (`--grace-period`, `--older-than`): digits with an optional `s`, `m`, `h`
 * or `d` suffix, as the SDK's CLI.
 *
 * @param args The parsed arguments.
 * @param option The option name.
 * @param usage The command's usage line.
 * @returns The text, or `undefined` when not given.
 * @throws {UsageError} On any other text.
 */
export function durationOption(
  args: ParsedArgs,
  option: string,
  usage: string,
): string | undefined {
  const value = args.values[option];
  if (typeof value === "string" && !/^[0-9]+[smhd]?$/.test(value)) {
    throw new UsageError(
      `--${option} must be digits with an s, m, h or d suffix, got ${JSON.stringify(value)}`,
      usage,
    );
  }
  return typeof value === "string" ? value : undefined;
}
