/**
 * Open an archive and list its runs, solves, samplings and parameters, then exit: the program
 * `bench/compare_python.sh` runs under `/usr/bin/time -v` for the peak-RSS figure.
 *
 * Usage: deno run -A bench/rss_open_list.ts ARCHIVE   (no argument: measures the runtime alone)
 *
 * @module
 */
import { openExperiment } from "@ommx-ts/experiment";

const path = Deno.args[0];
if (path !== undefined) {
  await using exp = await openExperiment(path);
  let solves = 0;
  let samplings = 0;
  for (const run of exp.runs) {
    solves += run.solves.length;
    samplings += run.samplings.length;
    void run.parameters;
  }
  const table = exp.runParameters();
  console.log(
    `runs=${exp.runs.length} solves=${solves} samplings=${samplings} ` +
      `parameters=${table.rows.length}x${table.columns.length} layers=${exp.layers.length}`,
  );
}
