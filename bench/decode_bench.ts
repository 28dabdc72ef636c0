/**
 * Decode throughput of the OMMX protobuf codecs: hand-written fast paths
 * (friendly classes) vs the generic protobuf-es decoder.
 *
 * Run: `deno bench -A bench/decode_bench.ts`. MB/s figures are printed once
 * from a short warm measurement; `deno bench` reports time per iteration.
 * The qoblib fixture is optional (skipped with a printed reason when absent).
 *
 * @module
 */

import { fromBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { readFile } from "node:fs/promises";
import { ommxLayers } from "../codecs/ommx/_tar_scan_test_util.ts";
import { InstanceSchema as V1InstanceSchema } from "../codecs/ommx/gen/ommx/v1/instance_pb.ts";
import { SampleSetSchema as V2SampleSetSchema } from "../codecs/ommx/gen/ommx/v2/sample_set_pb.ts";
import { Instance, SampledValues, SampleSet } from "../codecs/ommx/mod.ts";

const FIXTURE = new URL(
  "../../shared/fixtures/qoblib-labs/labs079__02_labs_models_quadratic_unconstrained.ommx",
  import.meta.url,
);

function mbps(bytes: number, fn: () => unknown): string {
  for (let i = 0; i < 3; i++) fn();
  const n = 5;
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  const ms = (performance.now() - t) / n;
  return `${(bytes / 1e6 / (ms / 1e3)).toFixed(0)} MB/s (${ms.toFixed(1)} ms)`;
}

let instanceBytes: Uint8Array | undefined;
try {
  const layers = ommxLayers(new Uint8Array(await readFile(FIXTURE)));
  instanceBytes = layers.find((l) => l.mediaType === "application/org.ommx.v1.instance")?.bytes;
} catch (e) {
  console.log(`skip instance bench: ${FIXTURE.pathname} not readable (${(e as Error).message})`);
}

// A generated SampleSet with 10^6 (variable, sample) values: 100 variables x 10^4 samples.
const SAMPLES = 10_000;
const VARS = 100;
let seed = 1;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const sampleSetBytes = new SampleSet({
  sense: "minimize",
  objectives: new SampledValues(
    new Map(Array.from({ length: SAMPLES }, (_, i) => [i, rand() * 100])),
  ),
  feasible: new Map(Array.from({ length: SAMPLES }, (_, i) => [i, true])),
  decisionVariables: Array.from({ length: VARS }, (_, v) => ({
    id: v,
    kind: "continuous" as const,
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
    samples: new SampledValues(new Map(Array.from({ length: SAMPLES }, (_, i) => [i, rand()]))),
  })),
}).toBytes();

if (instanceBytes) {
  const b = instanceBytes;
  console.log(`instance layer ${b.length} bytes`);
  console.log(`  fast Instance.decode(v1): ${mbps(b.length, () => Instance.decode(b, "v1"))}`);
  console.log(
    `  generic fromBinary(v1.Instance): ${mbps(b.length, () => fromBinary(V1InstanceSchema, b))}`,
  );
  Deno.bench(
    "Instance.decode v1 (labs079, fast path)",
    { group: "instance", baseline: true },
    () => {
      Instance.decode(b, "v1");
    },
  );
  Deno.bench("fromBinary v1.Instance (labs079, generic)", { group: "instance" }, () => {
    fromBinary(V1InstanceSchema, b);
  });
}

{
  const b = sampleSetBytes;
  console.log(`sample set ${b.length} bytes (${VARS} vars x ${SAMPLES} samples)`);
  console.log(`  fast SampleSet.decode(v2): ${mbps(b.length, () => SampleSet.decode(b, "v2"))}`);
  console.log(
    `  generic fromBinary(v2.SampleSet): ${mbps(b.length, () => fromBinary(V2SampleSetSchema, b))}`,
  );
  Deno.bench("SampleSet.decode v2 (10^6 values, fast path)", {
    group: "sample-set",
    baseline: true,
  }, () => {
    SampleSet.decode(b, "v2");
  });
  Deno.bench("fromBinary v2.SampleSet (10^6 values, generic)", { group: "sample-set" }, () => {
    fromBinary(V2SampleSetSchema, b);
  });
}
