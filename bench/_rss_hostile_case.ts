/**
 * One case of `bench/rss_hostile.ts`, run in its own process: import the
 * library (from `--lib`, default this checkout, so an older tree can be
 * measured the same way), do one operation on a prepared input, print one
 * JSON line: the outcome (`ok`, the error code, or the error name), the time
 * and the peak RSS (`VmHWM`) just before and after the operation.
 *
 * Usage: deno run -A bench/_rss_hostile_case.ts CASE DATA_DIR [--lib path/to/mod.ts]
 *
 * @module
 */

const [name, data] = Deno.args;
const libAt = Deno.args.indexOf("--lib");
const lib = libAt >= 0 ? new URL(Deno.args[libAt + 1]!, `file://${Deno.cwd()}/`).href : "../mod.ts";

function hwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
  return m ? Number(m[1]) * 1024 : NaN;
}

// deno-lint-ignore no-explicit-any
const mod: any = await import(lib);
const cases: Record<string, () => Promise<unknown>> = {
  baseline: () => Promise.resolve(),
  "zstd-bomb-4gib": async () => {
    await using exp = await mod.openExperiment(`${data}/bomb`);
    return (await exp.getBlob("bomb")).length;
  },
  "zstd-near-cap": async () => {
    await using exp = await mod.openExperiment(`${data}/near-cap.ommx`);
    return (await exp.getBlob("big")).length;
  },
  "json-near-cap": async () => {
    await using exp = await mod.openExperiment(`${data}/json.ommx`);
    return ((await exp.getJson("doc")) as unknown[]).length;
  },
  "layout-index-devzero": () => mod.openExperiment(`${data}/index-devzero`),
  "layout-index-fifo": () => mod.openExperiment(`${data}/index-fifo`),
  "layout-index-216mb": () => mod.openExperiment(`${data}/index-216mb`),
  "layout-blob-sparse-3gb": async () => {
    await using exp = await mod.openExperiment(`${data}/blob-sparse-3gb`);
    return (await exp.getBlob("payload")).length;
  },
  "layout-blob-directory": async () => {
    await using exp = await mod.openExperiment(`${data}/blob-directory`);
    return (await exp.getBlob("payload")).length;
  },
};

const run = cases[name!];
if (run === undefined) throw new Error(`unknown case ${name}; one of ${Object.keys(cases)}`);
const before = hwm();
const started = performance.now();
let outcome: string;
try {
  const value = await run();
  outcome = typeof value === "number" ? `ok (${value})` : "ok";
} catch (e) {
  const err = e as { code?: unknown; name?: unknown; message?: unknown };
  outcome = e instanceof mod.OmmxError
    ? String(err.code)
    : `untyped ${String(err?.name)}${typeof err?.code === "string" ? ` (${err.code})` : ""}`;
}
console.log(JSON.stringify({
  case: name,
  outcome,
  ms: Math.round(performance.now() - started),
  hwmBefore: before,
  hwmAfter: hwm(),
}));
