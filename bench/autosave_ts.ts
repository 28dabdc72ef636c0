/**
 * One sample of the autosave benchmark, ommx-ts side (see bench/autosave_compare.ts).
 *
 * Usage: deno run -A bench/autosave_ts.ts N ROOT
 *
 * In a fresh Local Registry at ROOT: `Experiment.create`, N runs under the default
 * `AutosavePolicy.everyRunClose()` — each logs two parameters, a JSON attachment (a new blob
 * per run) and one Solve of one of four knapsack instances by a fixed adapter (no solver time) —
 * then `commit()`. Prints one JSON line: total seconds (module load excluded), seconds of the
 * last 10% of the runs, final registry size in bytes and blob count.
 *
 * @module
 */
import { Experiment, type Instance, Solution } from "@ommx-ts/experiment";
import { knapsack } from "./_knapsack.ts";

const n = Number(Deno.args[0]);
const root = Deno.args[1]!;

const instances = [20, 35, 47, 60].map((c) => knapsack([10, 13, 18, 32], [11, 15, 20, 35], c));
const fixed = {
  name: "bench.Fixed",
  solve: (i: Instance) => Solution.evaluate(i, new Map([[0, 1], [1, 0], [2, 0], [3, 0]])),
};

const t0 = performance.now();
const exp = await Experiment.create(`ghcr.io/ommx-ts/bench/autosave:n${n}`, { root });
let tail = 0;
for (let i = 0; i < n; i++) {
  const t = performance.now();
  await exp.withRun(async (run) => {
    run.logParameter("seed", i);
    run.logParameter("solver", `fixed-${i % 7}`);
    await run.logJson("config", { i, capacity: [20, 35, 47, 60][i % 4] });
    await run.logSolve(fixed, instances[i % 4]!);
  });
  if (i >= n - Math.ceil(n / 10)) tail += performance.now() - t;
}
await exp.commit();
const seconds = (performance.now() - t0) / 1000;
await exp.close();
let bytes = 0;
let blobs = 0;
for (const e of Deno.readDirSync(`${root}/blobs/sha256`)) {
  if (e.name.startsWith(".")) continue;
  blobs++;
  bytes += Deno.statSync(`${root}/blobs/sha256/${e.name}`).size;
}
const index = Deno.statSync(`${root}/index.sqlite3`).size;
console.log(
  JSON.stringify({
    n,
    seconds,
    tailSeconds: tail / 1000,
    blobBytes: bytes,
    blobs,
    indexBytes: index,
  }),
);
