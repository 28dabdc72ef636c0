/**
 * Build the fast-start CLI (`deno task bundle`): `cli/main.ts` bundled into
 * one module, `dist/ommx-ts.js`, with the `verify` hash worker beside it
 * (`dist/_hash_worker.js`), both minified by `deno bundle`.
 *
 * Then the module initialisers the CLI runs are made to compile eagerly
 * (`_eager_init.ts`): the bundle is run once with `--help` (which loads
 * every command) under V8's `--log-function-events`, and each initialiser V8
 * compiled lazily is rewritten as a parenthesised function expression, so
 * that Deno's code cache holds its bytecode and later starts skip compiling
 * it (BENCHMARKS.md, issue 13, "tenth session, branch i13ci"). The rewritten
 * bundle must print the same help text; a bundle without the expected
 * initialiser shape is written as `deno bundle` wrote it, with a warning.
 *
 * ```sh
 * deno task bundle                        # = deno run -A bundle/build_cli.ts
 * deno run -A bundle/build_cli.ts OUT_DIR # the same two files into OUT_DIR
 * ```
 *
 * @module
 */
import { eagerBundle } from "./_eager_init.ts";

const ROOT = new URL("../", import.meta.url);
/** The default output directory, relative to the repository root. */
export const CLI_DIR = "dist";
/** The CLI bundle's file name. */
export const CLI_BUNDLE = "ommx-ts.js";
/** The hash worker's file name, beside it. */
export const CLI_WORKER = "_hash_worker.js";

async function deno(args: string[], stdout: "piped" | "null" = "null"): Promise<string> {
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT.pathname,
    stdout,
    stderr: "piped",
  }).output();
  if (!result.success) {
    throw new Error(`deno ${args.join(" ")} failed:\n${new TextDecoder().decode(result.stderr)}`);
  }
  return stdout === "piped" ? new TextDecoder().decode(result.stdout) : "";
}

/** `deno bundle --minify` of one module into `output`. */
async function bundle(input: string, output: string): Promise<void> {
  await deno(["bundle", "--quiet", "--minify", "--platform", "deno", "-o", output, input]);
}

/**
 * Bundle the CLI and its worker into `outDir`, initialisers compiled eagerly.
 *
 * @param outDir The output directory: absolute, or relative to the repository root.
 * @returns How many initialisers were rewritten (0: the bundle as `deno bundle` wrote it).
 */
export async function buildCli(outDir: string = CLI_DIR): Promise<number> {
  const cliBundle = `${outDir}/${CLI_BUNDLE}`;
  await bundle("cli/main.ts", cliBundle);
  await bundle("core/oci/_hash_worker.ts", `${outDir}/${CLI_WORKER}`);
  const eager = await eagerBundle(cliBundle, ["--help"], ROOT.pathname);
  if (eager.count === 0) {
    console.error(`warning: ${cliBundle}: no module initialiser to compile eagerly found`);
    return 0;
  }
  const path = new URL(cliBundle, ROOT);
  const code = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, eager.code);
  if (await deno(["run", "-A", cliBundle, "--help"], "piped") !== eager.stdout) {
    await Deno.writeTextFile(path, code);
    throw new Error(`${cliBundle}: the rewritten bundle prints another help text`);
  }
  return eager.count;
}

if (import.meta.main) {
  const outDir = Deno.args[0] ?? CLI_DIR;
  const count = await buildCli(outDir);
  console.error(
    `wrote ${outDir}/${CLI_BUNDLE} (${count} initialisers compiled eagerly), ${outDir}/${CLI_WORKER}`,
  );
}
