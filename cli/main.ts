/**
 * `ommx-ts`: look at an OMMX Experiment from the command line, or in the
 * browser viewer (`serve`).
 *
 * ```sh
 * deno run -A jsr:@ommx-ts/experiment/cli runs experiment.ommx
 * deno install -g -A -n ommx-ts jsr:@ommx-ts/experiment/cli   # then: ommx-ts runs experiment.ommx
 * ```
 *
 * Every command takes `--json` for machine-readable output: camelCase field
 * names; `NaN`/`Infinity`/`-Infinity` written as the strings `"NaN"`,
 * `"Infinity"`, `"-Infinity"`; int64 values beyond ±2^53−1 as decimal strings.
 * Exit codes: 0 success, 1 error (one line `error: <CODE>: <message>` on
 * stderr, the code being the {@linkcode OmmxError} code or `INTERNAL`),
 * 2 bad arguments (with the usage line).
 *
 * @example Run a command in-process
 * ```ts ignore
 * import { main } from "@ommx-ts/experiment/cli";
 * const code = await main(["inspect", "experiment.ommx", "--json"]);
 * ```
 *
 * @module
 */
import { OmmxError } from "../mod.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import { type Command, denoIo, type Io } from "./command.ts";
import { messageLine } from "./safe_text.ts";

export type { Io };

/**
 * The commands in help order, each loaded on first use: a process loads the one command it runs
 * (every module Deno loads costs start-up time; `--help` loads them all).
 * `tests/cli/cli_test.ts` checks that every name in the help runs its command.
 */
const COMMANDS: ReadonlyMap<string, () => Promise<Command>> = new Map([
  ["inspect", async () => (await import("./commands/inspect.ts")).inspect],
  ["runs", async () => (await import("./commands/runs.ts")).runs],
  ["params", async () => (await import("./commands/params.ts")).params],
  ["solves", async () => (await import("./commands/solves.ts")).solves],
  ["get", async () => (await import("./commands/get.ts")).get],
  ["verify", async () => (await import("./commands/verify.ts")).verify],
  ["diff", async () => (await import("./commands/diff.ts")).diff],
  ["push", async () => (await import("./commands/push.ts")).push],
  ["restore", async () => (await import("./commands/restore.ts")).restore],
  ["serve", async () => (await import("./commands/serve.ts")).serve],
  ["report", async () => (await import("./commands/report.ts")).report],
  // the OMMX Local Registry as a catalogue
  ["ls", async () => (await import("./commands/ls.ts")).ls],
  ["rm", async () => (await import("./commands/rm.ts")).rm],
  ["restore-ref", async () => (await import("./commands/restore_ref.ts")).restoreRef],
  ["gc", async () => (await import("./commands/gc.ts")).gc],
  ["prune", async () => (await import("./commands/prune.ts")).prune],
  ["import", async () => (await import("./commands/import.ts")).importCommand],
  ["rename", async () => (await import("./commands/rename.ts")).rename],
]);

/** Every command, loaded, in help order. */
async function allCommands(): Promise<Command[]> {
  return await Promise.all([...COMMANDS.values()].map((load) => load()));
}

const USAGE = "usage: ommx-ts <command> <source> [options]   (ommx-ts --help for commands)";

async function helpText(): Promise<string> {
  const commands = await allCommands();
  const w = commands.reduce((m, c) => Math.max(m, c.name.length), 0);
  return [
    "ommx-ts — look at OMMX Experiments",
    "",
    "usage: ommx-ts <command> <source> [options]",
    "  <source>: a .ommx archive, an OCI layout directory, an http(s):// or file:// URL, - (stdin),",
    "            oci://<registry>/<repository>:<tag> (remote registry), local:<image name> (Local Registry)",
    "",
    "commands:",
    ...commands.map((c) =>
      `  ${c.name.padEnd(w)}  ${c.summary}\n  ${" ".repeat(w)}  ${c.spec.usage}`
    ),
    "",
    "every command takes --json (NaN/Infinity as strings, large int64 as decimal strings)",
    "  and --timeout <seconds> (else $OMMX_TS_TIMEOUT, else 30) for registries and http(s) sources",
    "Local Registry commands (ls, rm, restore-ref, gc, prune, import, rename, restore) use --root, else",
    "  $OMMX_LOCAL_REGISTRY_ROOT, else the Python SDK's data directory (~/.local/share/ommx on Linux)",
    "tables fit $COLUMNS if set, else the terminal width when stdout is a terminal (long cells end",
    "  in …); piped output without $COLUMNS is never cut; --wide shows every cell in full",
    "numbers print as the Python SDK prints them (27.0, 1e-05, nan, True); ✗ marks a run, solve",
    "  or sampling that did not finish; best objective: finished, feasible, non-relaxed solves only",
    "exit codes: 0 ok, 1 error (error: <CODE>: <message>), 2 bad arguments",
    "",
  ].join("\n");
}

/**
 * Format an error as the CLI's single stderr line.
 *
 * @param error Anything thrown.
 * @returns `error: <CODE>: <message>` without newlines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InvalidArgumentError } from "../mod.ts";
 * import { errorLine } from "./main.ts";
 * assert.equal(errorLine(new InvalidArgumentError("bad")), "error: INVALID_ARGUMENT: bad");
 * assert.equal(errorLine(new TypeError("x\ny")), "error: INTERNAL: TypeError: x y");
 * assert.equal(errorLine(new InvalidArgumentError("\u001b]0;t\u0007")), "error: INVALID_ARGUMENT: \\x1b]0;t\\x07");
 * ```
 */
export function errorLine(error: unknown): string {
  let code = "INTERNAL";
  let message: string;
  if (error instanceof OmmxError) {
    code = error.code;
    message = error.message;
  } else if (
    error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied
  ) {
    code = error instanceof Deno.errors.NotFound ? "NOT_FOUND" : "PERMISSION_DENIED";
    message = error.message;
  } else if (error instanceof Error) {
    message = `${error.name}: ${error.message}`;
  } else {
    message = String(error);
  }
  // Messages quote archive content (names, media types, reasons): never raw on a terminal.
  return `error: ${code}: ${messageLine(message)}`;
}

/**
 * Run the CLI.
 *
 * @param argv Arguments after the program name.
 * @param io Where to write (default: the process's stdout/stderr).
 * @returns The exit code: 0 ok, 1 error, 2 bad arguments.
 */
export async function main(argv: readonly string[], io: Io = denoIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    await io.err(`error: missing command\n${USAGE}\n`);
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    await io.out(await helpText());
    return 0;
  }
  const command = await COMMANDS.get(name)?.();
  if (command === undefined) {
    await io.err(`error: unknown command ${JSON.stringify(name)}\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    await io.out(`usage: ${command.spec.usage}\n  ${command.summary}\n`);
    return 0;
  }
  try {
    const parsed = await parseCommandArgs(command.spec, rest);
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof UsageError) {
      await io.err(`error: ${error.message}\nusage: ${error.usage}\n`);
      return 2;
    }
    if (error instanceof Deno.errors.BrokenPipe) return 0;
    await io.err(errorLine(error) + "\n");
    return 1;
  }
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
