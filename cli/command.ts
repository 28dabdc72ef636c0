/**
 * The shape of one CLI command, and the process I/O it writes to.
 *
 * @module
 */
import type { CommandSpec, ParsedArgs } from "./args.ts";
import type { ArtifactSource } from "../mod.ts";
import { networkOptions } from "./network_options.ts";

/** Where a command writes. */
export interface Io {
  /** Write text to standard output. */
  out(text: string): Promise<void>;
  /** Write bytes to standard output. */
  outBytes(bytes: Uint8Array): Promise<void>;
  /** Write text to standard error. */
  err(text: string): Promise<void>;
  /** Whether standard error is a terminal (progress bars only then). */
  errIsTerminal: boolean;
  /**
   * The width tables are fitted to (see {@linkcode outputWidth}); absent or
   * `undefined`: tables are never cut.
   */
  outWidth?: () => number | undefined;
  /** Whether standard output is a terminal (control characters in CSV are escaped then). */
  outIsTerminal?: boolean;
}

/** One command of the CLI. */
export interface Command {
  /** Name as typed, e.g. `runs`. */
  name: string;
  /** One-line description for the help text. */
  summary: string;
  /** Arguments it accepts. */
  spec: CommandSpec;
  /** Run it; resolves to the exit code. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** Standard process I/O (Deno). */
export const denoIo: Io = {
  out: (text) => writeAll(Deno.stdout, new TextEncoder().encode(text)),
  outBytes: (bytes) => writeAll(Deno.stdout, bytes),
  err: (text) => writeAll(Deno.stderr, new TextEncoder().encode(text)),
  get errIsTerminal(): boolean {
    return Deno.stderr.isTerminal();
  },
  get outIsTerminal(): boolean {
    return Deno.stdout.isTerminal();
  },
  outWidth: () => {
    const isTerminal = Deno.stdout.isTerminal();
    let consoleColumns: number | undefined;
    if (isTerminal) {
      try {
        consoleColumns = Deno.consoleSize().columns;
      } catch {
        consoleColumns = undefined;
      }
    }
    return outputWidth({ columnsEnv: readColumnsEnv(), isTerminal, consoleColumns });
  },
};

/** `COLUMNS`, read only when the env permission for it is already granted (never prompts). */
function readColumnsEnv(): string | undefined {
  try {
    const granted = Deno.permissions.querySync({ name: "env", variable: "COLUMNS" });
    return granted.state === "granted" ? Deno.env.get("COLUMNS") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The width the CLI fits its tables to: `COLUMNS` when it is set to a
 * positive integer; else the terminal's width when standard output is a
 * terminal; else none (`undefined`: piped or redirected output keeps every
 * cell whole, so scripts and files see full values).
 *
 * @param env `COLUMNS`, whether stdout is a terminal, and the terminal's width.
 * @returns The width, or `undefined` for no limit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputWidth } from "./command.ts";
 * assert.equal(outputWidth({ columnsEnv: "100", isTerminal: false, consoleColumns: undefined }), 100);
 * assert.equal(outputWidth({ columnsEnv: undefined, isTerminal: true, consoleColumns: 80 }), 80);
 * assert.equal(outputWidth({ columnsEnv: undefined, isTerminal: false, consoleColumns: undefined }), undefined);
 * assert.equal(outputWidth({ columnsEnv: "wide", isTerminal: false, consoleColumns: undefined }), undefined);
 * ```
 */
export function outputWidth(env: {
  columnsEnv: string | undefined;
  isTerminal: boolean;
  consoleColumns: number | undefined;
}): number | undefined {
  if (env.columnsEnv !== undefined && /^\d+$/.test(env.columnsEnv.trim())) {
    const n = Number(env.columnsEnv.trim());
    if (Number.isSafeInteger(n) && n > 0) return n;
  }
  if (env.isTerminal && env.consoleColumns !== undefined && env.consoleColumns > 0) {
    return env.consoleColumns;
  }
  return undefined;
}

/**
 * The table width for a command's output: none with `--wide`, else
 * {@linkcode Io.outWidth}.
 *
 * @param args The parsed arguments.
 * @param io Where the command writes.
 * @returns The width, or `undefined` for no limit.
 */
export function tableWidth(args: ParsedArgs, io: Io): number | undefined {
  if (args.values.wide === true) return undefined;
  return io.outWidth?.();
}

async function writeAll(
  w: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await w.write(bytes.subarray(off));
}

/**
 * Turn a `<source>` argument into what `openExperiment` accepts: `http(s)://`
 * becomes a URL source and `oci://<host>/<repo>:<tag>` a remote registry
 * image, both with the command's network options (`--timeout`,
 * `OMMX_TS_TIMEOUT`); `file://` becomes a URL, `-` reads the archive from
 * standard input, `local:<image name>` names an image in the Python SDK's
 * Local Registry, anything else is a path (`.ommx` file or OCI layout
 * directory).
 *
 * @param text The argument.
 * @param args The command's parsed arguments (for the network options).
 * @returns The source.
 * @throws {UsageError} When `--timeout` or `OMMX_TS_TIMEOUT` is not a positive number of seconds.
 */
export async function sourceFromArg(text: string, args?: ParsedArgs): Promise<ArtifactSource> {
  const network = args === undefined ? {} : networkOptions(args);
  if (/^https?:\/\//i.test(text)) return { url: text, ...network };
  if (/^file:\/\//i.test(text)) return new URL(text);
  if (text.startsWith("oci://")) return { registry: text.slice("oci://".length), ...network };
  if (text.startsWith("local:")) return { localRegistry: text.slice("local:".length) };
  if (text === "-") return await stdinArchive();
  return text;
}

/**
 * Standard input as an archive file: streamed into a private temporary file
 * (`ommx-ts-stdin-*` in the system temp directory, mode 0600), never held in
 * memory, removed when the process exits.
 */
async function stdinArchive(): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "ommx-ts-stdin-", suffix: ".ommx" });
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(path);
    } catch { /* already gone */ }
  });
  await Deno.chmod(path, 0o600).catch(() => {});
  const file = await Deno.open(path, { write: true, truncate: true });
  await Deno.stdin.readable.pipeTo(file.writable);
  return path;
}
