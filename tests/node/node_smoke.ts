/**
 * Runtime smoke check of the public API, written to run unchanged in Deno
 * and, bundled by `deno bundle --platform node`, in Node.js (see
 * `node_test.ts`). It imports the library only through its package entry
 * (`@ommx-ts/experiment`, the one the HiGHS adapter imports too) and
 * uses nothing runtime-specific but `node:` built-ins and Web globals.
 *
 * {@linkcode summarize} reads every archive of the reference corpus (every
 * attachment, decoded and raw; Solve/Sampling inputs, outputs and
 * diagnostics; traces; run parameters; `verify()`), records and saves a new
 * Experiment and reopens it, solves with the HiGHS adapter (adapters/highs: its
 * WebAssembly is found beside the bundle in Node), and returns a JSON-safe
 * summary. Everything but its `runtime` part must be identical across runtimes.
 *
 * ```sh
 * node bundle.mjs tests/fixtures/reference   # prints the summary as JSON
 * ```
 *
 * @module
 */
import {
  createExperiment,
  type Experiment,
  experimentArchiveBytes,
  Function as OmmxFunction,
  Instance,
  type OmmxError,
  openExperiment,
  ParametricInstance,
  SampleSet,
  saveExperiment,
  saveExperimentLayout,
  type SealedRun,
  Solution,
  TraceResult,
} from "@ommx-ts/experiment";
import { OMMXHighsAdapter } from "../../adapters/highs/mod.ts";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Archives of the reference corpus the summary covers (the test checks the list is complete). */
export const ARCHIVES: readonly string[] = [
  "attachments",
  "empty",
  "failed-experiment",
  "fork-child",
  "fork-parent",
  "interrupted-experiment",
  "many-solves",
  "runs",
  "solves",
  "trace",
];

/** The runtime-dependent part of the summary. */
export interface RuntimeSummary {
  /** `"deno"`, `"node"` or `"other"`. */
  runtime: string;
  /** Writing a zstd-compressed attachment: the round-tripped value, or the error. */
  zstdWrite: { ok: true; value: unknown } | { ok: false; name: string; code: string };
}

/** What {@linkcode summarize} returns. */
export interface Summary {
  /** Per archive of the corpus. */
  corpus: Record<string, unknown>;
  /** The Experiment written and reopened. */
  written: unknown;
  /** Solves with the HiGHS adapter, recorded and read back (no timings). */
  highs: unknown;
  /** Runtime-dependent facts (not compared across runtimes). */
  runtime: RuntimeSummary;
}

// ---------------------------------------------------------------------------
// JSON-safe spelling of values

function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const copy = bytes.slice();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", copy));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A JSON-safe, runtime-neutral spelling of a decoded value. */
function plain(value: unknown, depth = 0): unknown {
  if (depth > 16) return "$deep";
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (value === undefined) return { $undefined: true };
  if (typeof value === "number") {
    if (Number.isFinite(value)) return Object.is(value, -0) ? { $float: "-0" } : value;
    return { $float: String(value) };
  }
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (value instanceof Uint8Array) return { $bytes: value.length, fnv1a: fnv1a(value) };
  if (ArrayBuffer.isView(value)) {
    return { $view: value.byteLength, fnv1a: fnv1a(new Uint8Array(value.buffer)) };
  }
  if (value instanceof Map) {
    return { $map: [...value].map(([k, v]) => [plain(k, depth + 1), plain(v, depth + 1)]) };
  }
  if (value instanceof Set) return { $set: [...value].map((v) => plain(v, depth + 1)) };
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (value instanceof Date) return { $date: value.toISOString() };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = plain(v, depth + 1);
    if (p !== undefined) out[k] = p;
  }
  return out;
}

/** The kind and a summary of a decoded attachment or payload. */
function describe(value: unknown): unknown {
  if (value instanceof Instance) {
    return {
      kind: "Instance",
      version: value.version,
      sense: value.sense,
      variables: value.decisionVariables.length,
      constraints: value.constraints.length,
      body: plain(value),
    };
  }
  if (value instanceof ParametricInstance) {
    return { kind: "ParametricInstance", version: value.version, body: plain(value) };
  }
  if (value instanceof Solution) {
    return {
      kind: "Solution",
      version: value.version,
      objective: plain(value.objective),
      feasible: value.feasible,
      body: plain(value),
    };
  }
  if (value instanceof SampleSet) {
    return { kind: "SampleSet", version: value.version, body: plain(value) };
  }
  if (value instanceof TraceResult) return { kind: "TraceResult", body: plain(value) };
  if (value instanceof Uint8Array) return { kind: "bytes", body: plain(value) };
  return { kind: typeof value, body: plain(value) };
}

function errorOf(e: unknown): { name: string; code: string; message: string } {
  const err = e as Partial<OmmxError>;
  return {
    name: String(err.name),
    code: String(err.code),
    message: String(err.message),
  };
}

/** Call, and describe the result or the typed error. */
async function attempt(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return describe(await fn());
  } catch (e) {
    return { error: errorOf(e) };
  }
}

// ---------------------------------------------------------------------------
// reading

async function attachmentsOf(holder: Experiment | SealedRun): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of holder.attachmentNames) {
    const info = holder.attachmentInfo(name);
    const blob = await holder.getBlob(name);
    out[name] = {
      mediaType: holder.attachmentMediaType(name),
      info: plain(info),
      size: blob.length,
      sha256: await sha256(blob),
      decoded: await attempt(() => holder.getAttachment(name)),
    };
  }
  return out;
}

async function runOf(run: SealedRun): Promise<unknown> {
  const solves = [];
  for (const solve of run.solves) {
    solves.push({
      solveId: solve.solveId,
      status: solve.status,
      adapter: solve.adapter,
      adapterOptionsJson: solve.adapterOptionsJson,
      adapterOptions: plain(solve.adapterOptions),
      diagnostics: plain(solve.getDiagnostics()),
      text: solve.toString(),
      input: await attempt(() => solve.getInput()),
      output: await attempt(() => solve.getOutput()),
    });
  }
  const samplings = [];
  for (const sampling of run.samplings) {
    samplings.push({
      samplingId: sampling.samplingId,
      status: sampling.status,
      adapter: sampling.adapter,
      adapterOptionsJson: sampling.adapterOptionsJson,
      diagnostics: plain(sampling.getDiagnostics()),
      text: sampling.toString(),
      input: await attempt(() => sampling.getInput()),
      output: await attempt(() => sampling.getOutput()),
    });
  }
  const trace = await run.getTrace();
  return {
    runId: run.runId,
    status: run.status,
    lifecycleReason: run.lifecycleReason,
    text: run.toString(),
    parameters: plain(run.parameters),
    attachments: await attachmentsOf(run),
    solves,
    samplings,
    hasTrace: run.hasTrace,
    trace: trace === null ? null : {
      text: trace.toString(),
      spans: trace.spans.length,
      roots: trace.roots().map((s) => plain(s)),
      chromeTraceSha256: await sha256(new TextEncoder().encode(trace.toChromeTraceJson())),
      otlpSha256: await sha256(trace.toOtlpProtobuf()),
    },
  };
}

async function experimentOf(exp: Experiment): Promise<unknown> {
  const runs = [];
  for (const run of exp.runs) runs.push(await runOf(run));
  return {
    imageName: exp.imageName,
    manifestDigest: exp.manifestDigest,
    status: exp.status,
    lifecycleReason: exp.lifecycleReason,
    requestedImageName: exp.requestedImageName,
    subject: plain(exp.subject),
    annotations: plain(exp.annotations),
    text: exp.toString(),
    runParameters: plain(exp.runParameters()),
    attachments: await attachmentsOf(exp),
    runs,
    verify: await exp.verify(),
  };
}

/** Open an archive, summarise it and close it. */
async function archiveOf(path: string): Promise<unknown> {
  const exp = await openExperiment(path);
  try {
    return await experimentOf(exp);
  } finally {
    await exp.close();
  }
}

// ---------------------------------------------------------------------------
// writing

async function writeAndReopen(corpusDir: string, outDir: string): Promise<unknown> {
  const source = await openExperiment(join(corpusDir, "solves.ommx"));
  const traced = await openExperiment(join(corpusDir, "trace.ommx"));
  try {
    const solve = source.runs[0]!.solves.find((s) => s.status === "finished")!;
    const input = await solve.getInput();
    const output = (await solve.getOutput())!;
    const trace = (await traced.runs[0]!.getTrace())!;

    const builder = createExperiment({ imageName: "localhost:5000/ommx-ts/node-smoke:v1" });
    builder.setAnnotation("org.example.smoke", "node");
    await builder.logJson("setup", { nan: NaN, inf: -Infinity, list: [1, 2.5], text: "値 ✓" });
    await builder.logAttachment(
      "blob",
      "application/octet-stream",
      Uint8Array.from({ length: 300 }, (_, i) => i % 251),
    );
    await builder.logInstance("instance", input);
    await builder.withRun(async (run) => {
      run.logParameter("seed", 42);
      run.logParameter("ratio", 0.5);
      run.logParameter("solver", "fixed");
      run.logParameter("flag", true);
      await run.logTrace(trace);
      await run.logSolution("best", output);
      await run.logSolve(
        {
          name: "smoke.FixedAdapter",
          solve(_instance, _options, ctx) {
            ctx.recordDiagnostic({ nodes: 7, gap: 0.25 });
            return output;
          },
        },
        input,
        { timeLimit: 10 },
        { storeDiagnostics: true },
      );
    });
    await builder.withRun(() => {
      throw new Error("boom\n  in run 1");
    }).catch(() => {});
    const committed = await builder.commit();
    const path = join(outDir, "written.ommx");
    await saveExperiment(committed, path);
    const again = await archiveOf(path);
    return {
      committedDigest: committed.manifestDigest,
      reopened: again,
      otherSources: await otherSources(committed, path, outDir),
      selfTraced: await selfTraced(input, output),
    };
  } finally {
    await source.close();
    await traced.close();
  }
}

/** The same Experiment through bytes, a `Blob`, a layout directory; an attachment to a file. */
async function otherSources(
  committed: Experiment,
  path: string,
  outDir: string,
): Promise<Record<string, unknown>> {
  const archive = new Uint8Array(await readFile(path));
  const inMemory = await experimentArchiveBytes(committed);
  const layout = await saveExperimentLayout(committed, join(outDir, "layout"));
  const out: Record<string, unknown> = {
    archiveSha256: await sha256(archive),
    inMemoryEqualsFile: inMemory.length === archive.length &&
      inMemory.every((b, i) => b === archive[i]),
  };
  const sources: [string, () => Promise<Experiment>][] = [
    ["bytes", () => openExperiment(new Uint8Array(archive))],
    ["blob", () => openExperiment(new Blob([archive]))],
    ["layout", () => openExperiment(layout)],
  ];
  for (const [name, open] of sources) {
    const exp = await open();
    try {
      out[name] = {
        manifestDigest: exp.manifestDigest,
        setup: plain(await exp.getJson("setup")),
        verify: await exp.verify(),
      };
    } finally {
      await exp.close();
    }
  }
  const exp = await openExperiment(path);
  try {
    const file = await exp.writeAttachment("blob", join(outDir, "blob.bin"));
    out["writeAttachment"] = await sha256(await readFile(file));
  } finally {
    await exp.close();
  }
  return out;
}

/** A run traced by the writer itself (timings vary: only names are kept). */
async function selfTraced(input: Instance, output: Solution): Promise<unknown> {
  const builder = createExperiment({
    imageName: "localhost:5000/ommx-ts/node-smoke-traced:v1",
    storeTrace: true,
  });
  await builder.withRun(async (run) => {
    await run.logSolve({ name: "smoke.FixedAdapter", solve: () => output }, input, {});
  });
  const exp = await builder.commit();
  const trace = await exp.runs[0]!.getTrace();
  return trace === null ? null : trace.spans.map((s) => s.name).sort();
}

async function zstdWrite(outDir: string): Promise<RuntimeSummary["zstdWrite"]> {
  const builder = createExperiment({ imageName: "localhost:5000/ommx-ts/node-smoke-zstd:v1" });
  try {
    await builder.logJson("packed", { items: [1, 2, 3], text: "x".repeat(200) }, {
      compression: "zstd",
    });
  } catch (e) {
    const { name, code } = errorOf(e);
    return { ok: false, name, code };
  }
  const path = join(outDir, "zstd.ommx");
  await saveExperiment(await builder.commit(), path);
  const exp = await openExperiment(path);
  try {
    return { ok: true, value: plain(await exp.getJson("packed")) };
  } finally {
    await exp.close();
  }
}

/**
 * Summarise the corpus and a written Experiment.
 *
 * @param corpusDir The reference corpus directory.
 * @returns The summary.
 */
export async function summarize(corpusDir: string): Promise<Summary> {
  const corpus: Record<string, unknown> = {};
  for (const name of ARCHIVES) corpus[name] = await archiveOf(join(corpusDir, `${name}.ommx`));
  const outDir = await mkdtemp(join(tmpdir(), "ommx-node-smoke-"));
  try {
    const written = await writeAndReopen(corpusDir, outDir);
    const runtime = "Deno" in globalThis
      ? "deno"
      : typeof process.versions?.node === "string"
      ? "node"
      : "other";
    return {
      corpus,
      written,
      highs: await highsSummary(),
      runtime: { runtime, zstdWrite: await zstdWrite(outDir) },
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// solving with the HiGHS adapter

function highsInstance(kind: "knapsack" | "infeasible" | "lp" | "qp"): Instance {
  const v = (id: number, k: "binary" | "integer" | "continuous", lower: number, upper: number) => ({
    id,
    kind: k,
    bound: { lower, upper },
    subscripts: [],
    parameters: {},
  });
  const c = (id: number, f: OmmxFunction) => ({
    id,
    equality: "<=" as const,
    function: f,
    subscripts: [],
    parameters: {},
  });
  const p = [10, 13, 18, 32, 7, 15];
  const w = [11, 15, 20, 35, 10, 33];
  switch (kind) {
    case "knapsack":
      return new Instance({
        sense: "maximize",
        objective: OmmxFunction.linear(p.map((x, i) => [i, x])),
        decisionVariables: p.map((_, i) => v(i, "binary", 0, 1)),
        constraints: [c(0, OmmxFunction.linear(w.map((x, i) => [i, x]), -47))],
      });
    case "infeasible":
      return new Instance({
        sense: "maximize",
        objective: OmmxFunction.linear([[0, 1]]),
        decisionVariables: [v(0, "integer", 0, 3)],
        constraints: [c(0, OmmxFunction.linear([[0, -1]], 4))],
      });
    case "lp":
      return new Instance({
        sense: "maximize",
        objective: OmmxFunction.linear([[0, 10], [1, 13]]),
        decisionVariables: [v(0, "continuous", 0, 1), v(1, "continuous", 0, 1)],
        constraints: [c(4, OmmxFunction.linear([[0, 11], [1, 15]], -15))],
      });
    case "qp":
      return new Instance({
        sense: "minimize",
        objective: OmmxFunction.quadratic([[0, 0, 1], [1, 1, 1]], [[0, -1]]),
        decisionVariables: [v(0, "continuous", -1, 1), v(1, "continuous", -1, 1)],
      });
  }
}

const round = (x: number) => Math.round(x * 1e9) / 1e9;

async function highsSummary(): Promise<unknown> {
  const builder = createExperiment({ imageName: "localhost:5000/ommx-ts/node-smoke-highs:v1" });
  let error: unknown = null;
  await builder.withRun(async (run) => {
    await run.logSolve(OMMXHighsAdapter, highsInstance("knapsack"), { timeLimit: 60 }, {
      storeDiagnostics: true,
    });
    try {
      await run.logSolve(OMMXHighsAdapter, highsInstance("infeasible"), {}, {
        storeDiagnostics: true,
      });
    } catch (e) {
      error = errorOf(e);
    }
  });
  const exp = await openExperiment(await experimentArchiveBytes(await builder.commit()));
  try {
    const solves = [];
    for (const solve of exp.runs[0]!.solves) {
      const output = await solve.getOutput();
      const diagnostics = solve.getDiagnostics() as Record<string, unknown>[];
      solves.push({
        status: solve.status,
        adapter: solve.adapter,
        options: solve.adapterOptionsJson,
        objective: output?.objective ?? null,
        optimality: output?.optimality ?? null,
        state: output === null ? null : [...output.state].map(([id, x]) => [id, Math.abs(x)]),
        termination: diagnostics.at(-1)?.status ?? null,
        diagnosticKeys: diagnostics.map((d) => Object.keys(d).length),
      });
    }
    const lp = await OMMXHighsAdapter.solve(highsInstance("lp"));
    const qp = await OMMXHighsAdapter.solve(highsInstance("qp"));
    return {
      solves,
      error,
      lp: {
        objective: round(lp.objective),
        duals: lp.constraints.map((x) => round(x.dualVariable!)),
      },
      qp: { objective: round(qp.objective), x: round(qp.state.get(0)!) },
    };
  } finally {
    await exp.close();
  }
}

function isMain(): boolean {
  if ((import.meta as { main?: boolean }).main === true) return true;
  const script = process.argv[1];
  return script !== undefined && import.meta.url.startsWith("file:") &&
    fileURLToPath(import.meta.url) === script;
}

if (isMain()) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error("usage: node_smoke <corpus dir>");
    process.exit(2);
  }
  console.log(JSON.stringify(await summarize(dir)));
}
