/**
 * TypeScript side of `bench/compare_evaluate_samples.sh`; prints one JSON line.
 *
 * Usage: deno run -A bench/evaluate_samples_ts.ts OUTDIR KIND ITERS
 *
 * Loads the data `bench/evaluate_samples_py.py gen` wrote, builds the samples as
 * `Map<sampleId, Map<variableId, value>>` (not timed), then times `Instance.evaluateSamples`:
 * the first call (`cold`, JIT included) and ITERS more (`ms`).
 *
 * @module
 */
import { Instance } from "../codecs/ommx/mod.ts";

const [dir, kind, iters] = [Deno.args[0]!, Deno.args[1]!, Number(Deno.args[2] ?? 5)];
const inst = Instance.decode(await Deno.readFile(`${dir}/${kind}.instance.v2.pb`), "v2");
const raw = await Deno.readFile(`${dir}/${kind}.samples.f64`);
const values = new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8);
const nVars = inst.numVariables;
const nSamples = values.length / nVars;
const samples = new Map<number, Map<number, number>>();
for (let s = 0; s < nSamples; s++) {
  const state = new Map<number, number>();
  for (let i = 0; i < nVars; i++) state.set(i, values[s * nVars + i]!);
  samples.set(s, state);
}
let t0 = performance.now();
let ss = inst.evaluateSamples(samples);
const cold = performance.now() - t0;
const ms: number[] = [];
for (let k = 0; k < iters; k++) {
  t0 = performance.now();
  ss = inst.evaluateSamples(samples);
  ms.push(performance.now() - t0);
}
const feasible = ss.sampleIdsList.filter((s) => ss.feasible.get(s)).length;
console.log(
  JSON.stringify({ impl: "ts", kind, cold, ms, samples: nSamples, vars: nVars, feasible }),
);
