/**
 * Writes TypeScript-recorded Experiment archives covering every write-side
 * feature into a directory, each `<name>.ommx` with a `<name>.logged.json`
 * stating exactly what was logged (read by `check_ts_archives.py`).
 *
 * Usage: deno run -A tests/interop/write_corpus.ts <out-dir>
 *
 * @module
 */
import { create, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import {
  createExperimentBuilder,
  forkExperimentBuilder,
} from "../../core/experiment/write/experiment_builder.ts";
import { sequentialTraceIds } from "../../core/experiment/write/trace_options.ts";
import { saveExperiment } from "../../core/experiment/write/save.ts";
import { openSealedExperiment } from "../../core/experiment/read/open.ts";
import type { SealedExperiment } from "../../core/experiment/read/sealed_experiment.ts";
import { Function, Instance, Solution } from "../../codecs/ommx/mod.ts";
import { pyFloat } from "../../codecs/py_float.ts";
import { stringifyPythonJson } from "../../codecs/json/stringify.ts";
import { sha256Hex } from "../../core/oci/digest.ts";
import { ExportTraceServiceRequestSchema } from "../../codecs/trace/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";

/** Adapter diagnostics are opt-in (as the reference's `store_diagnostics=True`); the corpus keeps them. */
const store = { storeDiagnostics: true };
const out = Deno.args[0];
if (!out) {
  console.error("usage: write_corpus.ts <out-dir>");
  Deno.exit(2);
}
await Deno.mkdir(out, { recursive: true });
const fixtures = new URL("../fixtures/reference/", import.meta.url);
const enc = new TextEncoder();

class RuntimeError extends Error {
  override name = "RuntimeError";
}

// ---------------------------------------------------------------- payloads
function knapsack(capacity: number): Instance {
  const w = [11, 15, 20, 35];
  const p = [10, 13, 18, 32];
  return new Instance({
    sense: "maximize",
    description: { name: "ts-knapsack", authors: ["ommx-ts", "tester"], description: "toy" },
    annotations: { "org.ommx.user.capacity": String(capacity) },
    objective: Function.linear(p.map((c, i) => [i, c] as [number, number])),
    decisionVariables: w.map((_, i) => ({
      id: i,
      kind: "binary" as const,
      bound: { lower: 0, upper: 1 },
      subscripts: [],
      parameters: {},
    })),
    constraints: [{
      id: 0,
      equality: "<=" as const,
      function: Function.linear(w.map((c, i) => [i, c] as [number, number]), -capacity),
      subscripts: [],
      parameters: {},
    }],
  });
}

/** A toy brute-force adapter for binary instances. */
const bruteForce = {
  name: "ommx_ts.examples.BruteForceAdapter",
  solve(
    instance: Instance,
    options: { fail?: boolean; time_limit?: unknown; verbose?: boolean },
    ctx: { recordDiagnostic(r: unknown): void },
  ) {
    if (options.fail) throw new RuntimeError("brute force refused the instance");
    const ids = instance.variableIds;
    let best: { state: Map<number, number>; objective: number } | undefined;
    for (let mask = 0; mask < 1 << ids.length; mask++) {
      const state = new Map(ids.map((id, k) => [id, (mask >> k) & 1]));
      const ev = instance.evaluate(state);
      if (!ev.feasible) continue;
      const better = best === undefined ||
        (instance.sense === "maximize"
          ? ev.objective > best.objective
          : ev.objective < best.objective);
      if (better) best = { state, objective: ev.objective };
    }
    ctx.recordDiagnostic({
      kind: "enumerated",
      count: 1 << ids.length,
      gap: Infinity,
      ratio: pyFloat(1),
    });
    if (!best) throw new RuntimeError("infeasible");
    return new Solution({
      state: best.state,
      objective: best.objective,
      feasible: true,
      optimality: "optimal",
    });
  },
};

function traceBytes(runId: number): Uint8Array {
  const req = create(ExportTraceServiceRequestSchema, {
    resourceSpans: [{
      scopeSpans: [{
        scope: { name: "ommx-ts" },
        spans: [
          {
            traceId: new Uint8Array(16).fill(7),
            spanId: new Uint8Array(8).fill(2),
            parentSpanId: new Uint8Array(8).fill(1),
            name: "solve",
            startTimeUnixNano: 1000n,
            endTimeUnixNano: 2000n,
            attributes: [{
              key: "adapter",
              value: { value: { case: "stringValue", value: bruteForce.name } },
            }],
          },
          {
            traceId: new Uint8Array(16).fill(7),
            spanId: new Uint8Array(8).fill(1),
            name: "Run",
            startTimeUnixNano: 500n,
            endTimeUnixNano: 3000n,
            attributes: [{
              key: "ommx.run.id",
              value: { value: { case: "intValue", value: BigInt(runId) } },
            }],
          },
        ],
      }],
    }],
  });
  return toBinary(ExportTraceServiceRequestSchema, req);
}

// ---------------------------------------------------------------- expectations
type Att = {
  media_type: string;
  sha256: string;
  filename: string | null;
  compressed: boolean;
  json?: unknown;
};
type Expect = Record<string, unknown>;

async function att(
  logical: Uint8Array,
  mediaType: string,
  opts: { filename?: string; compressed?: boolean; json?: unknown } = {},
): Promise<Att> {
  const a: Att = {
    media_type: mediaType,
    sha256: await sha256Hex(logical),
    filename: opts.filename ?? null,
    compressed: opts.compressed ?? false,
  };
  if ("json" in opts) a.json = opts.json;
  return a;
}

async function write(name: string, exp: SealedExperiment, expect: Expect): Promise<void> {
  await saveExperiment(exp, `${out}/${name}.ommx`, { overwrite: true });
  const full = {
    archive: `${name}.ommx`,
    image_name: exp.imageName,
    manifest_digest: exp.manifestDigest,
    status: exp.status,
    reason: exp.lifecycleReason,
    requested_image_name: exp.requestedImageName,
    subject: exp.subject?.digest ?? null,
    ...expect,
  };
  await Deno.writeTextFile(`${out}/${name}.logged.json`, stringifyPythonJson(full));
  console.log(`wrote ${name}.ommx (${exp.layers.length} layers)`);
}

// ---------------------------------------------------------------- ts-all
const ref = await openSealedExperiment(new URL("attachments.ommx", fixtures).pathname);
// Real reference payload bytes, passed through the structural writer interfaces.
const parametricBytes = await ref.getBlob("parametric-instance");
const sampleSetBytes = await ref.getBlob("sample-set");
await ref.close();
const refParametric = {
  toBytes: () => parametricBytes,
  numVariables: 6,
  numConstraints: 0,
  description: { name: "knapsack" },
  annotations: { "org.ommx.user.capacity": "47" },
};
const refSampleSet = { toBytes: () => sampleSetBytes };

const tmp = await Deno.makeTempDir();
await Deno.writeFile(
  `${tmp}/pixel.png`,
  Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
);
const lpText = "Maximize\n obj: x + y\nSubject To\n c1: x + y <= 1\nEnd\n";
await Deno.writeTextFile(`${tmp}/problem.lp`, lpText);
const csvCodec = {
  mediaType: "text/csv",
  encode: (rows: string[][]) => enc.encode(rows.map((r) => r.join(",")).join("\n") + "\n"),
  decode: (b: Uint8Array) =>
    new TextDecoder().decode(b).trimEnd().split("\n").map((l) => l.split(",")),
};
const rows = [["item", "weight"], ["a", "11"]];
const csvBytes = csvCodec.encode(rows);

async function logAll(target: {
  logJson: (n: string, v: unknown, o?: { compression?: "zstd" }) => Promise<void>;
  logAttachment: (
    n: string,
    m: string,
    b: Uint8Array,
    o?: { compression?: "zstd" },
  ) => Promise<void>;
  logFile: (
    n: string,
    p: string,
    o?: { mediaType?: string; filename?: string; compression?: "zstd" },
  ) => Promise<void>;
  logWithCodec: <T>(
    c: { mediaType: string; encode(v: T): Uint8Array; decode(b: Uint8Array): T },
    n: string,
    v: T,
    o?: { compression?: "zstd" },
  ) => Promise<void>;
  logInstance: (n: string, i: Instance) => Promise<void>;
  logParametricInstance: (n: string, i: typeof refParametric) => Promise<void>;
  logSolution: (n: string, s: Solution) => Promise<void>;
  logSampleSet: (n: string, s: typeof refSampleSet) => Promise<void>;
}, prefix: string): Promise<Record<string, Att>> {
  const json = {
    name: prefix,
    weights: [11, 15, 20],
    unicode: "日本語 ✓",
    nested: { none: null, flag: true },
    f: pyFloat(2),
  };
  const nonfinite = { nan: NaN, inf: Infinity, ninf: -Infinity, list: [1.5, NaN] };
  const notes = enc.encode(`${prefix} notes\nline 2\n`);
  const big = enc.encode(`${prefix} compressible log line\n`.repeat(50));
  const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
  await target.logJson("json", json);
  await target.logJson("json-nonfinite", nonfinite);
  await target.logJson("json-zstd", { compressed: true, values: [...Array(20).keys()] }, {
    compression: "zstd",
  });
  await target.logJson("json-scalar", 42);
  await target.logAttachment("notes", "text/plain", notes);
  await target.logAttachment("notes-zstd", "text/plain", big, { compression: "zstd" });
  await target.logAttachment("binary", "application/octet-stream", binary);
  await target.logAttachment(
    "vendor-plus-zstd",
    "application/vnd.example+zstd",
    enc.encode("not zstd"),
  );
  await target.logAttachment(
    "vendor-plus-zstd-compressed",
    "application/vnd.example+zstd",
    enc.encode("double"),
    {
      compression: "zstd",
    },
  );
  await target.logFile("file", `${tmp}/problem.lp`, { filename: "model.lp" });
  await target.logFile("file-sniffed", `${tmp}/pixel.png`);
  await target.logFile("file-zstd", `${tmp}/problem.lp`, {
    mediaType: "text/plain",
    compression: "zstd",
  });
  await target.logWithCodec(csvCodec, "codec", rows);
  await target.logWithCodec(csvCodec, "codec-zstd", rows, { compression: "zstd" });
  const inst = knapsack(47);
  await target.logInstance("instance", inst);
  await target.logParametricInstance("parametric-instance", refParametric);
  const sol = bruteForce.solve(inst, {}, { recordDiagnostic: () => {} });
  await target.logSolution("solution", sol);
  await target.logSampleSet("sample-set", refSampleSet);
  const j = (v: unknown) =>
    JSON.parse(
      JSON.stringify(
        v,
        (
          _k,
          x,
        ) => (x instanceof Object && "value" in x && Object.keys(x).length === 1 ? x.value : x),
      ),
    );
  return {
    "json": await att(enc.encode(stringifyPythonJson(json)), "application/json", {
      json: { ...j(json), f: pyFloat(2) },
    }),
    "json-nonfinite": await att(enc.encode(stringifyPythonJson(nonfinite)), "application/json", {
      json: nonfinite,
    }),
    "json-zstd": await att(
      enc.encode(stringifyPythonJson({ compressed: true, values: [...Array(20).keys()] })),
      "application/json",
      { compressed: true, json: { compressed: true, values: [...Array(20).keys()] } },
    ),
    "json-scalar": await att(enc.encode("42"), "application/json", { json: 42 }),
    "notes": await att(notes, "text/plain"),
    "notes-zstd": await att(big, "text/plain", { compressed: true }),
    "binary": await att(binary, "application/octet-stream"),
    "vendor-plus-zstd": await att(enc.encode("not zstd"), "application/vnd.example+zstd"),
    "vendor-plus-zstd-compressed": await att(enc.encode("double"), "application/vnd.example+zstd", {
      compressed: true,
    }),
    "file": await att(enc.encode(lpText), "application/octet-stream", { filename: "model.lp" }),
    "file-sniffed": await att(await Deno.readFile(`${tmp}/pixel.png`), "image/png", {
      filename: "pixel.png",
    }),
    "file-zstd": await att(enc.encode(lpText), "text/plain", {
      filename: "problem.lp",
      compressed: true,
    }),
    "codec": await att(csvBytes, "text/csv"),
    "codec-zstd": await att(csvBytes, "text/csv", { compressed: true }),
    "instance": await att(inst.toBytes(), "application/org.ommx.v2.instance"),
    "parametric-instance": await att(
      refParametric.toBytes(),
      "application/org.ommx.v2.parametric-instance",
    ),
    "solution": await att(sol.toBytes(), "application/org.ommx.v2.solution"),
    "sample-set": await att(refSampleSet.toBytes(), "application/org.ommx.v2.sample-set"),
  };
}

const all = createExperimentBuilder({ imageName: "localhost:5000/ommx-ts/interop/all:v1" });
all.setAnnotation("org.example.scenario", "ts-all");
all.setAnnotation("org.example.unicode", "値 ✓");
const expAtts = await logAll(all, "experiment");
const runs: Expect[] = [];

// run 0: every attachment kind, every parameter type, trace, solves and samplings
await all.withRun(async (run) => {
  run.logParameter("solver", "brute-force 日本");
  run.logParameter("presolve", true);
  run.logParameter("capacity", 10);
  run.logParameter("time_limit", 0.5);
  run.logParameter("nan_param", NaN);
  run.logParameter("int_max", 2n ** 63n - 1n);
  run.logParameter("int_min", -(2n ** 63n));
  run.logParameter("offset", -5);
  run.logParameter("whole_float", pyFloat(3));
  const runAtts = await logAll(run, "run0");
  await run.logTrace(traceBytes(0));
  await run.logSolve(bruteForce, knapsack(47), { time_limit: pyFloat(10), verbose: false }, store);
  await run.logSolve(bruteForce, knapsack(47), { fail: true }, store).catch(() => {});
  await run.logFailedSolve({ input: knapsack(5), adapter: "ext.Solver", status: "interrupted" });
  await run.logFinishedSolve({
    input: knapsack(30),
    output: bruteForce.solve(knapsack(30), {}, { recordDiagnostic: () => {} }),
    adapter: "ext.Solver",
    adapterOptions: { threads: 4, tol: 1e-6 },
    diagnostics: [{ node: 12, objective: 3.5 }, { node: -1, bound: -Infinity }],
  });
  await run.logFinishedSampling({
    input: knapsack(47),
    output: refSampleSet,
    adapter: "ext.Sampler",
    adapterOptions: { num_reads: 3 },
  });
  await run.logFailedSampling({ input: knapsack(47), adapter: "ext.Sampler" });
  runs.push({
    run_id: 0,
    status: "finished",
    reason: null,
    attachments: runAtts,
    parameters: {
      solver: "brute-force 日本",
      presolve: true,
      capacity: pyFloat(10),
      time_limit: 0.5,
      nan_param: NaN,
      int_max: 2n ** 63n - 1n,
      int_min: -(2n ** 63n),
      offset: -5,
      whole_float: pyFloat(3),
    },
    trace_spans: ["solve", "Run"],
    solves: [
      {
        id: 0,
        status: "finished",
        adapter: bruteForce.name,
        adapter_options: { time_limit: pyFloat(10), verbose: false },
        has_output: true,
        diagnostics: [{ kind: "enumerated", count: 16, gap: Infinity, ratio: pyFloat(1) }],
      },
      {
        id: 1,
        status: "failed",
        adapter: bruteForce.name,
        adapter_options: { fail: true },
        has_output: false,
        diagnostics: [],
      },
      {
        id: 2,
        status: "interrupted",
        adapter: "ext.Solver",
        adapter_options: {},
        has_output: false,
        diagnostics: [],
      },
      {
        id: 3,
        status: "finished",
        adapter: "ext.Solver",
        adapter_options: { threads: 4, tol: 1e-6 },
        has_output: true,
        diagnostics: [{ node: 12, objective: 3.5 }, { node: -1, bound: -Infinity }],
      },
    ],
    samplings: [
      {
        id: 0,
        status: "finished",
        adapter: "ext.Sampler",
        adapter_options: { num_reads: 3 },
        has_output: true,
        diagnostics: [],
      },
      {
        id: 1,
        status: "failed",
        adapter: "ext.Sampler",
        adapter_options: {},
        has_output: false,
        diagnostics: [],
      },
    ],
  });
});
// run 1: failed with a long multi-line message, int->float promotion
await all.withRun(async (run) => {
  run.logParameter("capacity", 12.5);
  run.logParameter("nan_param", Infinity);
  run.logParameter("inf_param", -Infinity);
  await run.logJson("partial", { step: 1 });
  throw new RuntimeError("first line\n\tsecond   line " + "é".repeat(600));
}).catch(() => {});
runs.push({
  run_id: 1,
  status: "failed",
  reason: "RuntimeError: first line second line " + "é".repeat(512 - 37 - 1) + "…",
  attachments: {
    partial: await att(enc.encode('{"step": 1}'), "application/json", { json: { step: 1 } }),
  },
  parameters: { capacity: 12.5, nan_param: Infinity, inf_param: -Infinity },
  trace_spans: null,
  solves: [],
  samplings: [],
});
// run 2: interrupted (abort), 3: finished, nothing logged
await all.withRun(() => {
  throw new DOMException("user pressed stop", "AbortError");
}).catch(() => {});
runs.push({
  run_id: 2,
  status: "interrupted",
  reason: "AbortError: user pressed stop",
  attachments: {},
  parameters: {},
  trace_spans: null,
  solves: [],
  samplings: [],
});
await all.withRun(() => {});
runs.push({
  run_id: 3,
  status: "finished",
  reason: null,
  attachments: {},
  parameters: {},
  trace_spans: null,
  solves: [],
  samplings: [],
});

const allExp = await all.commit();
await write("ts-all", allExp, {
  annotations: { "org.example.scenario": "ts-all", "org.example.unicode": "値 ✓" },
  attachments: expAtts,
  runs,
});

// ---------------------------------------------------------------- ts-empty (anonymous name)
const empty = await createExperimentBuilder().commit();
await write("ts-empty", empty, { annotations: {}, attachments: {}, runs: [] });

// ---------------------------------------------------------------- ts-fork-child
const child = await forkExperimentBuilder(allExp, {
  imageName: "localhost:5000/ommx-ts/interop/child:v1",
});
child.setAnnotation("org.example.role", "child");
await child.withRun((run) => {
  run.logParameter("capacity", 56);
  run.logParameter("note", "forked");
});
const childExp = await child.commit();
const childRuns = runs.map((r) =>
  r.run_id === 0 ? { ...r, parameters: { ...(r.parameters as object) } } : r
);
childRuns.push({
  run_id: 4,
  status: "finished",
  reason: null,
  attachments: {},
  parameters: { capacity: pyFloat(56), note: "forked" },
  trace_spans: null,
  solves: [],
  samplings: [],
});
await write("ts-fork-child", childExp, {
  annotations: { "org.example.role": "child" },
  attachments: expAtts,
  runs: childRuns,
});

// ---------------------------------------------------------------- ts-failed / ts-interrupted (checkpoints)
const failing = createExperimentBuilder({ imageName: "localhost:5000/ommx-ts/interop/failed:v1" });
failing.setAnnotation("org.example.scenario", "ts-failed");
await failing.logJson("dataset", { rows: 3 });
await failing.withRun((run) => run.logParameter("capacity", 47));
const failedExp = await failing.fail(new TypeError("dataset   missing\ncolumn 'weight'"));
await write("ts-failed", failedExp, {
  annotations: { "org.example.scenario": "ts-failed" },
  attachments: {
    dataset: await att(enc.encode('{"rows": 3}'), "application/json", { json: { rows: 3 } }),
  },
  runs: [{
    run_id: 0,
    status: "finished",
    reason: null,
    attachments: {},
    parameters: { capacity: 47 },
    trace_spans: null,
    solves: [],
    samplings: [],
  }],
});
const interrupting = createExperimentBuilder({
  imageName: "localhost:5000/ommx-ts/interop/interrupted:v1",
});
const interruptedExp = await interrupting.interrupt(new DOMException("", "AbortError"));
await write("ts-interrupted", interruptedExp, { annotations: {}, attachments: {}, runs: [] });

// ---------------------------------------------------------------- ts-traced (storeTrace)
// Deterministic clock (+1 ms per reading) and sequential ids: the expected
// spans below are exact.
let clockNs = 1_790_000_000_000_000_000n;
const traced = createExperimentBuilder({
  imageName: "localhost:5000/ommx-ts/interop/traced:v1",
  storeTrace: true,
  traceClock: () => (clockNs += 1_000_000n),
  traceIds: sequentialTraceIds(),
});
const toySampler = { name: "ommx_ts.examples.ToySampler", sample: () => refSampleSet };
const tracedRuns: Expect[] = [];
const span = (
  name: string,
  parent: string | null,
  attributes: Record<string, unknown>,
  durationMs: number,
  status: [number, string] = [0, ""],
) => ({
  name,
  parent,
  attributes,
  duration_ns: durationMs * 1_000_000,
  status_code: status[0],
  status_message: status[1],
  scope: "ommx.experiment",
});
// run 0: a solve, a failing solve and a sampling
await traced.withRun(async (run) => {
  run.logParameter("traced", true);
  await run.logSolve(bruteForce, knapsack(47), { time_limit: pyFloat(10) }, store);
  await run.logSolve(bruteForce, knapsack(47), { fail: true }, store).catch(() => {});
  await run.logSample(toySampler, knapsack(47), { num_reads: 2 }, store);
});
const solveRecord = (id: number, status: string, options: unknown, hasOutput: boolean) => ({
  id,
  status,
  adapter: bruteForce.name,
  adapter_options: options,
  has_output: hasOutput,
  diagnostics: [{ kind: "enumerated", count: 16, gap: Infinity, ratio: pyFloat(1) }],
});
tracedRuns.push({
  run_id: 0,
  status: "finished",
  reason: null,
  attachments: {},
  parameters: { traced: true },
  trace_spans: ["solve", "solve", "sample", "Run"],
  trace: [
    span("solve", "Run", { adapter: bruteForce.name }, 1),
    span("solve", "Run", { adapter: bruteForce.name }, 1, [
      2,
      "RuntimeError: brute force refused the instance",
    ]),
    span("sample", "Run", { adapter: toySampler.name }, 1),
    span("Run", null, { "ommx.run.id": 0 }, 7),
  ],
  solves: [
    solveRecord(0, "finished", { time_limit: pyFloat(10) }, true),
    { ...solveRecord(1, "failed", { fail: true }, false), diagnostics: [] },
  ],
  samplings: [{
    id: 0,
    status: "finished",
    adapter: toySampler.name,
    adapter_options: { num_reads: 2 },
    has_output: true,
    diagnostics: [],
  }],
});
// run 1: a failed run (ERROR root)
await traced.withRun((run) => {
  run.logParameter("traced", true);
  throw new RuntimeError("traced failure");
}).catch(() => {});
tracedRuns.push({
  run_id: 1,
  status: "failed",
  reason: "RuntimeError: traced failure",
  attachments: {},
  parameters: { traced: true },
  trace_spans: ["Run"],
  trace: [span("Run", null, { "ommx.run.id": 1 }, 1, [2, "RuntimeError: traced failure"])],
  solves: [],
  samplings: [],
});
// run 2: a trace logged explicitly wins over the recorded one
await traced.withRun(async (run) => {
  await run.logSolve(bruteForce, knapsack(47), {}, store);
  await run.logTrace(traceBytes(2));
});
tracedRuns.push({
  run_id: 2,
  status: "finished",
  reason: null,
  attachments: {},
  parameters: {},
  trace_spans: ["solve", "Run"],
  trace: [
    { ...span("solve", "Run", { adapter: bruteForce.name }, 0.001), scope: "ommx-ts" },
    { ...span("Run", null, { "ommx.run.id": 2 }, 0.0025), scope: "ommx-ts" },
  ],
  solves: [solveRecord(0, "finished", {}, true)],
  samplings: [],
});
const tracedExp = await traced.commit();
// Python's repr(TraceResult) must match TraceResult.toString() of the stored trace
for (const r of tracedRuns) {
  const t = await tracedExp.runs[r.run_id as number]!.getTrace();
  r.trace_repr = t === null ? null : t.toString();
}
await write("ts-traced", tracedExp, { annotations: {}, attachments: {}, runs: tracedRuns });

await Deno.remove(tmp, { recursive: true });
