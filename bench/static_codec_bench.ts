/**
 * Speed of the static protobuf codecs (`codecs/*\/gen/**\/package_static.ts` on
 * `core/_protobuf.ts`) and of the public payload paths that use them, for A/B
 * runs against another checkout (BENCHMARKS.md, issue 13, seventh session).
 *
 * Usage: `deno run -A bench/static_codec_bench.ts [ROOT [CASE]]` — ROOT is the
 * checkout whose modules are timed (default: this one), CASE a part of the case
 * names to run (default: all). Prints one JSON line: per case,
 * the median milliseconds of one call over 15 timed rounds (after 5 warm-up
 * rounds). The v1 Solution cases decode a Solution of 5,000 evaluated
 * constraints built here; the v1 Instance case reads `.cache/bench/labs079.instance.v1.pb`
 * (skipped when absent).
 *
 * @module
 */
const root = Deno.args[0] === undefined
  ? new URL("..", import.meta.url)
  : new URL(`file://${Deno.args[0].replace(/\/?$/, "/")}`);
const at = (path: string) => import(new URL(path, root).href);

const pb = await at("core/_protobuf.ts");
const v1 = await at("codecs/ommx/gen/ommx/v1/package_static.ts");
const v2 = await at("codecs/ommx/gen/ommx/v2/package_static.ts");
const ommx = await at("codecs/ommx/mod.ts");

let seed = 1;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

// A SampleSet of 50 variables x 2,000 samples, through the public class.
const SAMPLES = 2_000;
const sampleSetData = {
  sense: "minimize",
  objectives: new ommx.SampledValues(
    new Map(Array.from({ length: SAMPLES }, (_, i) => [i, rand() * 100])),
  ),
  feasible: new Map(Array.from({ length: SAMPLES }, (_, i) => [i, true])),
  decisionVariables: Array.from({ length: 50 }, (_, v) => ({
    id: v,
    kind: "continuous" as const,
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
    samples: new ommx.SampledValues(
      new Map(Array.from({ length: SAMPLES }, (_, i) => [i, rand()])),
    ),
  })),
};
const sampleSetBytes: Uint8Array = new ommx.SampleSet(sampleSetData).toBytes();

// A knapsack of 300 items and its evaluated Solution.
const N = 300;
const instanceData = {
  sense: "maximize",
  decisionVariables: Array.from({ length: N }, (_, id) => ({
    id,
    kind: "binary" as const,
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  })),
  objective: ommx.Function.linear(Array.from({ length: N }, (_, j) => [j, 10 + j % 31])),
  constraints: [{
    id: 0,
    function: ommx.Function.linear(Array.from({ length: N }, (_, j) => [j, 11 + j % 29]), -4000),
    equality: "<=" as const,
    subscripts: [],
    parameters: {},
  }],
};
const instance = new ommx.Instance(instanceData);
const solution = ommx.Solution.evaluate(
  instance,
  new Map(Array.from({ length: N }, (_, j) => [j, j % 2])),
);
const solutionBytes: Uint8Array = solution.toBytes();

// A v1 Solution of 2,000 variables, 5,000 evaluated constraints and 500 evaluated named
// functions (its rows are decoded by the generic decode of each row message).
const V1_VARS = 2_000;
const v1Row = (id: number) => ({
  id: BigInt(id),
  evaluatedValue: -(id % 7),
  usedDecisionVariableIds: Array.from({ length: 5 }, (_, k) => BigInt((id * 5 + k) % V1_VARS)),
});
const v1SolutionBytes: Uint8Array = pb.toBinary(
  v1.SolutionSchema,
  v1.SolutionSchema.create({
    state: { entries: Object.fromEntries(Array.from({ length: V1_VARS }, (_, j) => [j, j % 2])) },
    objective: 12.5,
    decisionVariables: Array.from({ length: V1_VARS }, (_, id) => ({
      id: BigInt(id),
      kind: 1,
      bound: { lower: 0, upper: 1 },
    })),
    evaluatedConstraints: Array.from({ length: 5_000 }, (_, id) => ({ ...v1Row(id), equality: 2 })),
    evaluatedNamedFunctions: Array.from({ length: 500 }, (_, id) => v1Row(id)),
    feasible: true,
    feasibleRelaxed: true,
    feasibleUnrelaxed: true,
  }),
);

let v1InstanceBytes: Uint8Array | undefined;
try {
  v1InstanceBytes = await Deno.readFile(
    new URL(".cache/bench/labs079.instance.v1.pb", new URL("..", import.meta.url)),
  );
} catch {
  // optional
}

const cases: [string, () => unknown][] = [
  ["fromBinary v2.SampleSet", () => pb.fromBinary(v2.SampleSetSchema, sampleSetBytes)],
  ["toBinary v2.SampleSet", () => pb.toBinary(v2.SampleSetSchema, sampleSetMessage)],
  ["SampleSet.decode v2", () => ommx.SampleSet.decode(sampleSetBytes, "v2")],
  ["Solution.decode v2", () => ommx.Solution.decode(solutionBytes, "v2")],
  ["fromBinary v2.Solution", () => pb.fromBinary(v2.SolutionSchema, solutionBytes)],
  ["toBinary v2.Solution", () => pb.toBinary(v2.SolutionSchema, solutionMessage)],
  [
    "Solution.evaluate+toBytes",
    () =>
      ommx.Solution.evaluate(instance, new Map(Array.from({ length: N }, (_, j) => [j, 1])))
        .toBytes(),
  ],
  ["Instance.toBytes", () => new ommx.Instance(instanceData).toBytes()],
  ["Solution.toBytes", () => solution.toBytes()],
  ["Solution.decode v1", () => ommx.Solution.decode(v1SolutionBytes, "v1")],
  ["fromBinary v1.Solution", () => pb.fromBinary(v1.SolutionSchema, v1SolutionBytes)],
];
const sampleSetMessage = pb.fromBinary(v2.SampleSetSchema, sampleSetBytes);
const solutionMessage = pb.fromBinary(v2.SolutionSchema, solutionBytes);
if (v1InstanceBytes !== undefined) {
  const b = v1InstanceBytes;
  const m = pb.fromBinary(v1.InstanceSchema, b);
  cases.push(["fromBinary v1.Instance (labs079)", () => pb.fromBinary(v1.InstanceSchema, b)]);
  cases.push(["toBinary v1.Instance (labs079)", () => pb.toBinary(v1.InstanceSchema, m)]);
  cases.push(["Instance.decode v1 (labs079)", () => ommx.Instance.decode(b, "v1")]);
}

const out: Record<string, number> = {};
for (const [name, f] of cases) {
  if (Deno.args[1] !== undefined && !name.includes(Deno.args[1])) continue;
  for (let i = 0; i < 5; i++) f();
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  out[name] = Number(times[7]!.toFixed(3));
}
console.log(JSON.stringify(out));
