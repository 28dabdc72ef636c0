/**
 * Helpers for the CLI tests: run `cli/main.ts` as a real subprocess, and read
 * the reference corpus's expected files.
 *
 * @module
 */

/** The repository root. */
export const ROOT: string = new URL("../../", import.meta.url).pathname;
/** The reference corpus directory. */
export const CORPUS: string = `${ROOT}tests/fixtures/reference/`;

/** What a CLI run produced. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output as text. */
  stdout: string;
  /** Standard output bytes. */
  bytes: Uint8Array;
  /** Standard error as text. */
  stderr: string;
}

/**
 * Run `deno run -A cli/main.ts ...args` in the repository root, stdout a pipe and `COLUMNS`
 * empty (so tables are never cut unless a test sets it).
 *
 * @param args CLI arguments.
 * @returns Exit code and output.
 */
export function cli(...args: string[]): Promise<CliResult> {
  return cliEnv({}, ...args);
}

/**
 * Like {@linkcode cli}, with extra environment variables (e.g. `COLUMNS`).
 *
 * @param env Variables added to the environment.
 * @param args CLI arguments.
 * @returns Exit code and output.
 */
export async function cliEnv(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", COLUMNS: "", ...env },
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    bytes: out.stdout,
    stderr: dec.decode(out.stderr),
  };
}

/**
 * Run `cli ... --json` and parse standard output; fails with stderr on a non-zero exit.
 *
 * @param args CLI arguments (without `--json`).
 * @returns The parsed JSON.
 */
export async function cliJson(...args: string[]): Promise<unknown> {
  const r = await cli(...args, "--json");
  if (r.code !== 0) throw new Error(`ommx-ts ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * Run many jobs with at most `limit` at a time (the machine has two cores).
 *
 * @param items Inputs.
 * @param limit Concurrency.
 * @param fn The job.
 * @returns Results in input order.
 */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** Archive names of the corpus (from `corpus.json`). */
export function corpusArchives(): string[] {
  return (JSON.parse(Deno.readTextFileSync(`${CORPUS}corpus.json`)) as { archives: string[] })
    .archives;
}

/**
 * Read `<name>.expected.json` converted to the CLI's JSON conventions:
 * `{"$float": "NaN"}` becomes `"NaN"`, integers beyond 2^53 become decimal strings.
 *
 * @param archive The archive file name (`runs.ommx`).
 * @returns The expected data.
 */
// deno-lint-ignore no-explicit-any
export function expected(archive: string): any {
  const text = Deno.readTextFileSync(`${CORPUS}${archive.replace(/\.ommx$/, "")}.expected.json`);
  const parse = JSON.parse as (
    text: string,
    reviver: (key: string, value: unknown, context: { source?: string }) => unknown,
  ) => unknown;
  return parse(text, (_k, v, ctx) => {
    if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v) && ctx?.source) {
      return ctx.source;
    }
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$float") return (v as { $float: string }).$float;
    }
    return v;
  });
}
