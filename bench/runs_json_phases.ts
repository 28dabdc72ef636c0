/**
 * In-process phase timing of `runs --json` (open, summarise, JSON), the import
 * of `mod.ts` excluded: `deno run -A bench/runs_json_phases.ts <archive> [tree]`,
 * where `tree` is a checkout of this repository (default: this one) — run it
 * alternately against two trees for an A/B, one fresh process per sample.
 *
 * @module
 */
const root = Deno.args[1] ?? new URL("..", import.meta.url).pathname;
const { openExperiment } = await import(`${root}/mod.ts`);
const { summarizeRuns } = await import(`${root}/cli/summary.ts`);
const { toJsonText } = await import(`${root}/cli/json.ts`);
const cpu = () => {
  const u = Deno.cpuUsage();
  return (u.user + u.system) / 1000;
};
let t = performance.now();
let c = cpu();
const exp = await openExperiment(Deno.args[0]!);
const tOpen = performance.now() - t, cOpen = cpu() - c;
t = performance.now();
c = cpu();
const columns = exp.runParameters().columns;
const runs = await summarizeRuns(exp.runs);
const tSum = performance.now() - t, cSum = cpu() - c;
t = performance.now();
c = cpu();
const text = toJsonText({ columns, runs });
const tJson = performance.now() - t, cJson = cpu() - c;
console.log(
  `open ${tOpen.toFixed(0)} (cpu ${cOpen.toFixed(0)}) summarize ${tSum.toFixed(0)} (cpu ${
    cSum.toFixed(0)
  }) json ${tJson.toFixed(0)} (cpu ${cJson.toFixed(0)}) ms, ${text.length}`,
);
await exp.close();
