/**
 * The Local Registry catalogue benchmark, TypeScript side (see bench/compare_catalogue.sh): time
 * `listExperiments()` in this process and print `{"ms", "count", "runs"}`.
 *
 * @module
 */
import { listExperiments } from "../mod.ts";

const root = Deno.args[0];
if (root === undefined) throw new Error("usage: catalogue_ts.ts ROOT");
const t0 = performance.now();
const refs = await listExperiments(undefined, { root });
const ms = performance.now() - t0;
console.log(
  JSON.stringify({ ms, count: refs.length, runs: refs.reduce((n, r) => n + r.runCount, 0) }),
);
