/**
 * One sample of the writer benchmark, ommx-ts side (see `bench/compare_python.sh`,
 * `JOBS="writer logfile"`; the Python side is `bench/writer_py.py`).
 *
 * Usage:
 *   deno run -A bench/writer_ts.ts writer N ROOT     # N runs into a fresh Local Registry, commit
 *   deno run -A bench/writer_ts.ts logfile FILE ROOT # one Experiment logging FILE, commit
 *
 * `Experiment.create` in the Local Registry at ROOT with autosave disabled; every run logs two
 * parameters, a JSON attachment and one Solve of its own small knapsack (distinct per run) by a
 * fixed adapter (no solver time), then `commit()`. Prints one JSON line: seconds from the
 * Experiment's creation to the end of commit (module load and instance building excluded).
 *
 * @module
 */
import { AutosavePolicy, Experiment, type Instance, Solution } from "@ommx-ts/experiment";
import { knapsack } from "./_knapsack.ts";

const [job, arg, root] = Deno.args as [string, string, string];

if (job === "logfile") {
  const t0 = performance.now();
  const exp = await Experiment.create("ghcr.io/ommx-ts/bench/logfile:ts", { root });
  exp.setAutosavePolicy(AutosavePolicy.disabled());
  await exp.logFile("big", arg);
  await exp.commit();
  const seconds = (performance.now() - t0) / 1000;
  await exp.close();
  console.log(JSON.stringify({ job: "logfile", impl: "ts", seconds }));
  Deno.exit(0);
}

const n = Number(arg);

function runKnapsack(i: number): Instance {
  const k = 4 + i % 5;
  const p = Array.from({ length: k }, (_, j) => 10 + (i * 7 + j * 13) % 31);
  const w = Array.from({ length: k }, (_, j) => 11 + (i * 5 + j * 17) % 29);
  return knapsack(p, w, 40 + i % 50);
}

const instances = Array.from({ length: n }, (_, i) => runKnapsack(i));
const fixed = {
  name: "bench.Fixed",
  solve: (inst: Instance) =>
    Solution.evaluate(
      inst,
      new Map(inst.decisionVariables.map((v) => [v.id, v.id === 0 ? 1 : 0])),
    ),
};

const t0 = performance.now();
const exp = await Experiment.create(`ghcr.io/ommx-ts/bench/writer:n${n}`, { root });
exp.setAutosavePolicy(AutosavePolicy.disabled());
for (let i = 0; i < n; i++) {
  await exp.withRun(async (run) => {
    run.logParameter("seed", i);
    run.logParameter("solver", `fixed-${i % 7}`);
    await run.logJson("config", { i, capacity: 40 + i % 50 });
    await run.logSolve(fixed, instances[i]!);
  });
}
await exp.commit();
const seconds = (performance.now() - t0) / 1000;
await exp.close();
let blobs = 0;
for (const e of Deno.readDirSync(`${root}/blobs/sha256`)) if (!e.name.startsWith(".")) blobs++;
console.log(JSON.stringify({ job: "writer", impl: "ts", n, seconds, blobs }));
