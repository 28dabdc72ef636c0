/**
 * The shape of one CLI command, and the process I/O it writes to.
 *
 * @module
 */
import type { CommandSpec, ParsedArgs } from "./args.ts";
import type { ArtifactSource } from "../mod.ts";

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
};

async function writeAll(
  w: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await w.write(bytes.subarray(off));
}

/**
 * Turn a `<source>` argument into what `openExperiment` accepts: `http(s)://`
 * and `file://` become URLs, `-` reads the archive from standard input,
 * `oci://<host>/<repo>:<tag>` names an image in a remote OCI registry,
 * `local:<image name>` one in the Python SDK's Local Registry, anything else
 * is a path (`.ommx` file or OCI layout directory).
 *
 * @param text The argument.
 * @returns The source.
 */
export async function sourceFromArg(text: string): Promise<ArtifactSource> {
  if (/^(https?|file):\/\//i.test(text)) return new URL(text);
  if (text.startsWith("oci://")) return { registry: text.slice("oci://".length) };
  if (text.startsWith("local:")) return { localRegistry: text.slice("local:".length) };
  if (text === "-") return new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
  return text;
}
