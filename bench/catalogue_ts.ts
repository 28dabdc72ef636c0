/**
 * The Local Registry catalogue benchmark, TypeScript side (see bench/compare_catalogue.sh): time
 * `listExperiments()` (`list ROOT`) or a dry-run `gc()` (`gc ROOT`) in this process and print
 * `{"ms", "count", "runs"}` (for gc: reachable blobs and roots).
 *
 * @module
 */
import { gc, listExperiments } from "../mod.ts";

const [job, root] = Deno.args;
if (root === undefined || (job !== "list" && job !== "gc")) {
  throw new Error("usage: catalogue_ts.ts list|gc ROOT");
}
const t0 = performance.now();
if (job === "list") {
  const refs = await listExperiments(undefined, { root });
  const ms = performance.now() - t0;
  console.log(
    JSON.stringify({ ms, count: refs.length, runs: refs.reduce((n, r) => n + r.runCount, 0) }),
  );
} else {
  const report = await gc({ root });
  const ms = performance.now() - t0;
  console.log(
    JSON.stringify({ ms, count: report.reachableBlobs.length, runs: report.roots.length }),
  );
}
