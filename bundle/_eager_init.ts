/**
 * Internal: make the module initialisers of a minified `deno bundle` output
 * compile eagerly, so that V8's code cache holds them.
 *
 * Deno keeps a V8 code cache per module, produced right after the module is
 * compiled, before it runs: it holds the bytecode of what V8 compiled
 * eagerly (the top-level code) and nothing that V8 compiled lazily on first
 * call. In a `deno bundle` output every source module's top-level code is
 * a lazy initialiser, `var init_x = __esm(() => { … })` (minified:
 * `X=y(()=>{…})`), so a process that starts the CLI compiles every
 * initialiser it runs from source, every time (BENCHMARKS.md, issue 13,
 * "tenth session, branch i13ci"). V8 compiles a function expression that
 * follows a `(` eagerly (it guesses it is called at once), so
 * `X=y((function(){…}))` is compiled with the module and lands in the cache.
 *
 * Which spans are initialisers is not guessed from the text: V8 reports the
 * exact source range of every function it compiles lazily
 * (`--log-function-events`); {@linkcode lazyCompiledSpans} reads that log,
 * {@linkcode eagerInitialisers} rewrites the spans that are initialisers.
 * An initialiser body is module top-level code: it uses neither `this`
 * (`undefined` at a module's top level and in a strict-mode plain call
 * alike) nor `arguments`, so the arrow function and the function
 * expression behave the same.
 *
 * @module
 */

/** A function's source range: UTF-16 offsets, as V8 reports them and JS strings index. */
export interface Span {
  /** Offset of the parameter list's `(`. */
  start: number;
  /** Offset just past the function's end. */
  end: number;
}

/**
 * The functions V8 compiled lazily in one script, from a
 * `--log-function-events` log.
 *
 * @example
 * ```ts
 * import { lazyCompiledSpans } from "./_eager_init.ts";
 * import assert from "node:assert/strict";
 *
 * const log = "script-details,7,file:///a.js,0,0,\n" +
 *   "function,parse-function,7,10,20,0.1,5,f\n" +
 *   "function,parse-function,8,1,2,0.1,5,g\n";
 * assert.deepEqual(lazyCompiledSpans(log, "file:///a.js"), [{ start: 10, end: 20 }]);
 * ```
 *
 * @param log The V8 log's text.
 * @param scriptUrl The script's URL as the log names it (`file:///…`).
 * @returns Each lazily compiled function's range once, in source order.
 */
export function lazyCompiledSpans(log: string, scriptUrl: string): Span[] {
  const lines = log.split("\n");
  const ids = new Set<string>();
  for (const line of lines) {
    const f = line.split(",");
    if (f[0] === "script-details" && f[2] === scriptUrl) ids.add(f[1]!);
  }
  const seen = new Set<string>();
  const spans: Span[] = [];
  for (const line of lines) {
    const f = line.split(",");
    if (f[0] !== "function" || f[1] !== "parse-function" || !ids.has(f[2]!)) continue;
    const key = `${f[3]},${f[4]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    spans.push({ start: Number(f[3]), end: Number(f[4]) });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * The name of the minified `__esm` helper of a `deno bundle` output
 * (`var y=(t,e)=>()=>(t&&(e=t(t=0)),e)`), if it has one.
 *
 * @example
 * ```ts
 * import { esmHelperName } from "./_eager_init.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(esmHelperName("var a=1;var y=(t,e)=>()=>(t&&(e=t(t=0)),e);"), "y");
 * assert.equal(esmHelperName("var y=1;"), undefined);
 * ```
 *
 * @param code The bundle's text.
 * @returns The helper's name, or `undefined`.
 */
export function esmHelperName(code: string): string | undefined {
  const m = /(?:^|[^\w$])([\w$]+)=\(([\w$]+),([\w$]+)\)=>\(\)=>\(\2&&\(\3=\2\(\2=0\)\),\3\)/
    .exec(code);
  return m?.[1];
}

/**
 * Rewrite the lazily compiled module initialisers `X=y(()=>{…})` among
 * `spans` as `X=y((function(){…}))`, which V8 compiles eagerly.
 * A span that is not exactly an initialiser of the bundle's `__esm` helper
 * (its `()=>{` right after `<name>=<helper>(`, its `}` right before the
 * call's `)`) is left alone, and so is every span when the bundle has no
 * such helper.
 *
 * @example
 * ```ts
 * import { eagerInitialisers } from "./_eager_init.ts";
 * import assert from "node:assert/strict";
 *
 * const code = "var y=(t,e)=>()=>(t&&(e=t(t=0)),e);var a,b=y(()=>{a=1});b();";
 * const start = code.indexOf("()=>{a");
 * const out = eagerInitialisers(code, [{ start, end: code.indexOf("});b") + 1 }]);
 * assert.equal(out.count, 1);
 * assert.equal(out.code, "var y=(t,e)=>()=>(t&&(e=t(t=0)),e);var a,b=y((function(){a=1}));b();");
 * ```
 *
 * @param code The bundle's text.
 * @param spans Functions V8 compiled lazily ({@linkcode lazyCompiledSpans}), in source order.
 * @returns The rewritten text and how many initialisers it rewrote.
 */
export function eagerInitialisers(
  code: string,
  spans: readonly Span[],
): { code: string; count: number } {
  const helper = esmHelperName(code);
  if (helper === undefined) return { code, count: 0 };
  const call = `=${helper}(`;
  const parts: string[] = [];
  let last = 0;
  for (const { start, end } of spans) {
    if (start < last) continue; // inside a span already rewritten
    const isInit = code.startsWith("()=>{", start) &&
      code.slice(start - call.length, start) === call &&
      /[\w$]/.test(code[start - call.length - 1] ?? "") &&
      code[end - 1] === "}" && code[end] === ")";
    if (!isInit) continue;
    parts.push(code.slice(last, start), "(function(){", code.slice(start + 5, end), ")");
    last = end;
  }
  parts.push(code.slice(last));
  return { code: parts.join(""), count: (parts.length - 1) / 4 };
}

/** What {@linkcode eagerBundle} found. */
export interface EagerBundle {
  /** The bundle's text, its initialisers rewritten. */
  code: string;
  /** How many initialisers were rewritten. */
  count: number;
  /** What the logged run printed on stdout. */
  stdout: string;
}

/**
 * Run a bundle once under V8's `--log-function-events` (`deno run -A
 * --no-code-cache`) and rewrite the module initialisers that run compiled
 * lazily ({@linkcode eagerInitialisers}). The file itself is not changed.
 *
 * @param path The bundle's path (absolute, or relative to `cwd`).
 * @param args Its arguments for the logged run.
 * @param cwd The working directory of the run.
 * @returns The rewritten text, the count, the run's stdout.
 * @throws {Error} When the run fails.
 */
export async function eagerBundle(
  path: string,
  args: readonly string[],
  cwd: string,
): Promise<EagerBundle> {
  const log = await Deno.makeTempFile({ suffix: ".log" });
  try {
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-code-cache",
        `--v8-flags=--log-function-events,--logfile=${log},--no-logfile-per-isolate`,
        path,
        ...args,
      ],
      cwd,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!result.success) {
      throw new Error(`deno run ${path} failed:\n${new TextDecoder().decode(result.stderr)}`);
    }
    const url = new URL(path, new URL(`file://${cwd.endsWith("/") ? cwd : cwd + "/"}`));
    const code = await Deno.readTextFile(url);
    const eager = eagerInitialisers(
      code,
      lazyCompiledSpans(await Deno.readTextFile(log), url.href),
    );
    return { ...eager, stdout: new TextDecoder().decode(result.stdout) };
  } finally {
    await Deno.remove(log);
  }
}
