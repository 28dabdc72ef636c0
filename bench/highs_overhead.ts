/**
 * TypeScript side of `bench/highs_compare.sh`: the per-solve overhead of the HiGHS adapter
 * (adapters/highs), on the same bytes as the Python side.
 *
 * ```sh
 * deno run -A bench/highs_overhead.ts FILE ITERS
 * ```
 *
 * Decodes FILE once (not timed), then ITERS times (after one warm-up call) calls
 * `OMMXHighsAdapter.solve` with a recording context and reports per call the overhead — the whole
 * call minus HiGHS's own run time (`run_time_sec` of the termination report) — HiGHS's time, and
 * the `convert` and `decode` phases (spans) on their own.
 * Prints one JSON line.
 *
 * @module
 */
import { type AdapterContext, Instance } from "@ommx-ts/experiment";
import { type HighsTerminationReport, OMMXHighsAdapter } from "../adapters/highs/mod.ts";

const [file, iterations] = Deno.args;
if (file === undefined) {
  console.error("usage: deno run -A bench/highs_overhead.ts FILE ITERS");
  Deno.exit(2);
}
const instance = Instance.decode(await Deno.readFile(file), "v2");
await OMMXHighsAdapter.load();
const overhead: number[] = [];
const solver: number[] = [];
const convert: number[] = [];
const decode: number[] = [];
let objective = NaN;
for (let i = 0; i <= Number(iterations ?? 5); i++) {
  let report: HighsTerminationReport | undefined;
  const phases: Record<string, number> = {};
  const context: AdapterContext = {
    storeDiagnostics: true,
    recordDiagnostic: (r) => {
      const record = r as Record<string, unknown>;
      if ("run_time_sec" in record) report = { run_time_sec: Number(record.run_time_sec) } as never;
    },
    span: async (name, fn) => {
      const t = performance.now();
      try {
        return await fn(context);
      } finally {
        phases[name] = (phases[name] ?? 0) + performance.now() - t;
      }
    },
  };
  const t0 = performance.now();
  const solution = await OMMXHighsAdapter.solve(instance, {}, context);
  const total = performance.now() - t0;
  objective = solution.objective;
  const highs = report!.run_time_sec * 1000;
  if (i > 0) {
    overhead.push(total - highs);
    solver.push(highs);
    convert.push(phases.convert ?? NaN);
    decode.push(phases.decode ?? NaN);
  }
}
console.log(JSON.stringify({
  job: "highs-overhead",
  impl: "ts",
  variables: instance.decisionVariables.length,
  overhead_ms: overhead,
  solver_ms: solver,
  convert_ms: convert,
  decode_ms: decode,
  objective,
}));
