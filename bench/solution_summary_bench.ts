/**
 * The cost of `Solution.decodeSummary` on the Solve outputs `runs` reads:
 * `deno run -A bench/solution_summary_bench.ts <archive> [tree]`, where `tree`
 * is a checkout of this repository (default: this one) — run it alternately
 * against two trees for an A/B, one fresh process per sample.
 *
 * It summarises the archive's runs as `runs` does (`summarizeRuns`), timing
 * each `decodeSummary` call in place ("in the CLI": cold JIT, interleaved with
 * the reads and hashes), keeps the payloads, then decodes them all again five
 * times in a row ("warm"). Prints µs per Solution.
 *
 * @module
 */
const root = Deno.args[1] ?? new URL("..", import.meta.url).pathname;
const { openExperiment } = await import(`${root}/mod.ts`);
const { Solution } = await import(`${root}/codecs/ommx/solution.ts`);
const { summarizeRuns } = await import(`${root}/cli/summary.ts`);

type Decode = (bytes: Uint8Array, version: "v1" | "v2") => unknown;
const decode: Decode = Solution.decodeSummary;
const payloads: Uint8Array[] = [];
let inCli = 0;
Solution.decodeSummary = (bytes: Uint8Array, version: "v1" | "v2") => {
  payloads.push(bytes);
  const t = performance.now();
  const s = decode(bytes, version);
  inCli += performance.now() - t;
  return s;
};
const exp = await openExperiment(Deno.args[0]!);
await summarizeRuns(exp.runs);
await exp.close();
Solution.decodeSummary = decode;

const warm: string[] = [];
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  for (const b of payloads) decode(b, "v2");
  warm.push(((performance.now() - t) * 1000 / payloads.length).toFixed(2));
}
console.log(
  `${payloads.length} Solutions: in the CLI ${
    (inCli * 1000 / payloads.length).toFixed(2)
  } µs each; warm ${warm.join(" ")} µs`,
);
