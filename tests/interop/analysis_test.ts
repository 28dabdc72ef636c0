/**
 * Differential tests of the analysis layer (issue 12) against the reference
 * Python SDK: every Solution / SampleSet method and every `*Df()` table of
 * Instance, ParametricInstance, Solution and SampleSet, and
 * `Experiment.runParametersDf()`, answer the same questions with the same
 * results (columns, order, index, dtypes, values, `to_csv()` bytes; errors as
 * the same kind: `NotFoundError` ↔ `KeyError`, `InvalidArgumentError` /
 * `UnsupportedError` / `NoFeasibleSampleError` ↔ `ValueError`).
 *
 * Data: every OMMX payload of the committed reference corpus, of the QOBLIB
 * archives in `../shared/fixtures/` (skipped with one line when absent) and
 * payloads the reference SDK writes here with every constraint family,
 * labels, parameters, removed reasons, named functions, duals, fixed and
 * dependent variables and ties (`analysis_report.py generate`). The Python
 * side chooses the questions (`analysis_report.py report`); this side answers
 * each one. Needs the reference SDK venv; skipped with one printed line
 * without it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPythonJson } from "./_python_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";
import { OmmxError } from "../../core/errors.ts";
import { openArtifact, openExperiment } from "../../mod.ts";
import {
  Instance,
  ParametricInstance,
  SampleSet,
  Solution,
  type Table,
  type TableCell,
  type TableColumn,
  type TableInclude,
} from "../../codecs/ommx/mod.ts";
import type { Function } from "../../codecs/ommx/function.ts";
import { functionRepr } from "../../codecs/ommx/_py_text.ts";
import type { Descriptor } from "../../core/oci/descriptor.ts";

const python = referencePython("the analysis differential tests (tests/interop/analysis_test.ts)");

const CORPUS = fileURLToPath(new URL("../fixtures/reference/", import.meta.url));
const QOBLIB = fileURLToPath(new URL("../../../shared/fixtures/qoblib-labs/", import.meta.url));

type Kind = "instance" | "parametric_instance" | "solution" | "sample_set";
interface Entry {
  name: string;
  kind: Kind;
  version: "v1" | "v2";
  path: string;
}
interface Answer {
  q: string;
  args: unknown[];
  r?: unknown;
  error?: string;
}
type Payload = Instance | ParametricInstance | Solution | SampleSet;

const KIND_OF: Record<string, Kind> = {
  instance: "instance",
  "parametric-instance": "parametric_instance",
  solution: "solution",
  "sample-set": "sample_set",
};

function payloadKind(mediaType: string): { kind: Kind; version: "v1" | "v2" } | undefined {
  const m = /^application\/org\.ommx\.(v[12])\.(instance|parametric-instance|solution|sample-set)$/
    .exec(mediaType);
  return m ? { kind: KIND_OF[m[2]!]!, version: m[1] as "v1" | "v2" } : undefined;
}

function decode(e: Entry, bytes: Uint8Array): Payload {
  switch (e.kind) {
    case "instance":
      return Instance.decode(bytes, e.version);
    case "parametric_instance":
      return ParametricInstance.decode(bytes, e.version);
    case "solution":
      return Solution.decode(bytes, e.version);
    case "sample_set":
      return SampleSet.decode(bytes, e.version);
  }
}

// ---------------------------------------------------------------- answers in the report's JSON

function fl(x: number): unknown {
  if (Number.isNaN(x)) return { $float: "nan" };
  if (x === Infinity) return { $float: "inf" };
  if (x === -Infinity) return { $float: "-inf" };
  if (Object.is(x, -0)) return { $float: "-0" };
  return x;
}

function cellJson(c: TableColumn, v: TableCell): unknown {
  if (v === null) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return fl(v);
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (Array.isArray(v)) return c.type === "set" ? { $set: [...v] } : [...v];
  return { $function: functionRepr(v as Function) };
}

function dfJson(t: Table): unknown {
  return {
    columns: t.columnNames,
    dtypes: t.columns.map((c) => c.dtype),
    index: {
      name: t.index.name,
      dtype: t.index.dtype,
      values: t.index.values.map((v) => cellJson(t.index, v)),
    },
    values: t.columns.map((c) => c.values.map((v) => cellJson(c, v))),
    csv: t.toCsv(),
  };
}

function keyOf(k: string): number[] {
  return k === "" ? [] : k.split(",").map(Number);
}

function items(m: Map<string, number>): unknown {
  return [...m].map(([k, v]) => [keyOf(k), fl(v)]);
}

function nested(m: Map<string, Map<string, number>>): unknown {
  return [...m].map(([name, inner]) => [name, items(inner)]);
}

function pairs<V>(m: ReadonlyMap<number, V>, f: (v: V) => unknown): unknown {
  return [...m].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, f(v)]);
}

type Opts = { include?: readonly TableInclude[] };
function opts(include: unknown): Opts {
  return include === null ? {} : { include: include as TableInclude[] };
}

function dfAnswer(p: Payload, q: string, args: unknown[]): Table | undefined {
  const o = opts(q === "constraints_df" ? args[1] : args[0]);
  switch (q) {
    case "decision_variables_df":
      return p.decisionVariablesDf(o);
    case "named_functions_df":
      return p.namedFunctionsDf(o);
    case "parameters_df":
      return (p as ParametricInstance).parametersDf(o);
    case "constraints_df": {
      const kind = args[0] as "regular";
      if (args.length === 3) {
        return (p as Instance).constraintsDf({ ...o, kind, removed: !!args[2] });
      }
      return (p as Solution).constraintsDf({ ...o, kind });
    }
  }
  return undefined;
}

function solutionAnswer(s: Solution, q: string, args: unknown[]): unknown {
  const [a0, a1] = args as [number & string, string];
  switch (q) {
    case "objective":
      return fl(s.objective);
    case "feasible":
    case "feasible_unrelaxed":
      return q === "feasible" ? s.feasible : s.feasibleUnrelaxed;
    case "feasible_relaxed":
      return s.feasibleRelaxed;
    case "total_violation":
      return fl(s.totalViolation());
    case "decision_variable_ids":
      return [...s.decisionVariableIds];
    case "constraint_ids":
      return [...s.constraintIds];
    case "named_function_ids":
      return [...s.namedFunctionIds];
    case "decision_variable_names":
      return [...s.decisionVariableNames];
    case "named_function_names":
      return [...s.namedFunctionNames];
    case "constraint_violation":
      return fl(s.constraintViolation(a0, { kind: a1 as "regular" }));
    case "get_constraint_value":
      return fl(s.getConstraintValue(a0));
    case "get_dual_variable": {
      const d = s.getDualVariable(a0);
      return d === undefined ? null : fl(d);
    }
    case "get_constraint_by_id":
      return fl(s.getConstraintById(a0).value);
    case "get_decision_variable_by_id":
      return fl(s.getDecisionVariableById(a0).value);
    case "get_named_function_by_id":
      return fl(s.getNamedFunctionById(a0).value);
    case "extract_decision_variables":
      return items(s.extractDecisionVariables(a0));
    case "extract_all_decision_variables":
      return nested(s.extractAllDecisionVariables());
    case "extract_constraints":
      return items(s.extractConstraints(a0));
    case "extract_named_functions":
      return items(s.extractNamedFunctions(a0));
    case "extract_all_named_functions":
      return nested(s.extractAllNamedFunctions());
  }
  const t = dfAnswer(s, q, args);
  if (t) return dfJson(t);
  throw new Error(`no TS answer for Solution question ${q}`);
}

function sampleSetAnswer(ss: SampleSet, q: string, args: unknown[]): unknown {
  const [a0, a1] = args as [number & string, number];
  switch (q) {
    case "num_samples":
      return ss.numSamples();
    case "sample_ids":
      return [...ss.sampleIds()];
    case "sample_ids_list":
      return ss.sampleIdsList;
    case "feasible_ids":
      return [...ss.feasibleIds()];
    case "feasible_relaxed_ids":
      return [...ss.feasibleRelaxedIds()];
    case "feasible_unrelaxed_ids":
      return [...ss.feasibleUnrelaxedIds()];
    case "objectives":
      return pairs(ss.objectives, fl);
    case "feasible":
      return pairs(ss.feasible, (b) => b);
    case "feasible_relaxed":
      return pairs(ss.feasibleRelaxed, (b) => b);
    case "feasible_unrelaxed":
      return pairs(ss.feasibleUnrelaxed, (b) => b);
    case "best_feasible_id":
      return ss.bestFeasibleId;
    case "best_feasible_relaxed_id":
      return ss.bestFeasibleRelaxedId;
    case "best_feasible":
      return fl(ss.bestFeasible.objective);
    case "best_feasible_relaxed":
      return fl(ss.bestFeasibleRelaxed.objective);
    case "best_feasible_unrelaxed":
      return fl(ss.bestFeasibleUnrelaxed.objective);
    case "decision_variable_names":
      return [...ss.decisionVariableNames];
    case "named_function_names":
      return [...ss.namedFunctionNames];
    case "summary":
      return { ...dfJson(ss.summary) as object, ties_only: true };
    case "summary_with_constraints":
      return { ...dfJson(ss.summaryWithConstraints) as object, ties_only: true };
    case "get":
      return fl(ss.get(a0).objective);
    case "get_sample_by_id":
      return fl(Number(ss.getSampleById(a0).feasible));
    case "extract_decision_variables":
      return items(ss.extractDecisionVariables(a0, a1));
    case "extract_all_decision_variables":
      return nested(ss.extractAllDecisionVariables(a0));
    case "extract_constraints":
      return items(ss.extractConstraints(a0, a1));
    case "extract_named_functions":
      return items(ss.extractNamedFunctions(a0, a1));
    case "extract_all_named_functions":
      return nested(ss.extractAllNamedFunctions(a0));
    case "get_decision_variable_by_id":
      return pairs(ss.getDecisionVariableById(a0).samples.toMap(), fl);
    case "get_constraint_by_id":
      return pairs(ss.getConstraintById(a0).values.toMap(), fl);
    case "get_named_function_by_id":
      return pairs(ss.getNamedFunctionById(a0).values.toMap(), fl);
  }
  const t = dfAnswer(ss, q, args);
  if (t) return dfJson(t);
  throw new Error(`no TS answer for SampleSet question ${q}`);
}

function pythonError(e: unknown): string {
  if (!(e instanceof OmmxError)) throw e;
  if (e.name === "NoFeasibleSampleError") return "ValueError";
  if (e.code === "NOT_FOUND") return "KeyError";
  if (e.code === "INVALID_ARGUMENT" || e.code === "UNSUPPORTED") return "ValueError";
  throw e;
}

function check(name: string, p: Payload, expected: Answer[]): void {
  for (const a of expected) {
    const where = `${name}: ${a.q}(${JSON.stringify(a.args)})`;
    if (a.q === "get_solution_report") {
      check(
        `${name} sample ${a.args[0]}`,
        (p as SampleSet).get(a.args[0] as number),
        a.r as Answer[],
      );
      continue;
    }
    let got: { r?: unknown; error?: string };
    try {
      const r = p instanceof Solution
        ? solutionAnswer(p, a.q, a.args)
        : p instanceof SampleSet
        ? sampleSetAnswer(p, a.q, a.args)
        : (() => {
          const t = dfAnswer(p, a.q, a.args);
          if (!t) throw new Error(`no TS answer for ${a.q}`);
          return dfJson(t);
        })();
      got = { r };
    } catch (e) {
      got = { error: pythonError(e) };
    }
    if (a.error !== undefined) {
      assert.deepEqual(got, { error: a.error }, where);
    } else {
      assert.deepEqual(JSON.parse(JSON.stringify(got)), { r: a.r }, where);
    }
  }
}

// ---------------------------------------------------------------- collecting payloads

async function writePayload(
  dir: string,
  entries: Entry[],
  name: string,
  d: Descriptor,
  bytes: Uint8Array,
) {
  const k = payloadKind(d.mediaType);
  if (!k) return;
  const path = join(dir, `${entries.length}.bin`);
  await Deno.writeFile(path, bytes);
  entries.push({ name, ...k, path });
}

async function corpusPayloads(dir: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  for (
    const f of [...Deno.readDirSync(CORPUS)].map((e) => e.name).filter((n) => n.endsWith(".ommx"))
      .sort()
  ) {
    await using exp = await openExperiment(join(CORPUS, f));
    for (const d of exp.layers) {
      if (seen.has(d.digest) || !payloadKind(d.mediaType)) continue;
      seen.add(d.digest);
      await writePayload(
        dir,
        entries,
        `${f} ${d.digest.slice(7, 19)}`,
        d,
        await exp.storage.fetch(d),
      );
    }
  }
  return entries;
}

async function qoblibPayloads(dir: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let files: string[];
  try {
    files = [...Deno.readDirSync(QOBLIB)].map((e) => e.name).filter((n) => n.endsWith(".ommx"))
      .sort();
  } catch {
    return entries;
  }
  for (const f of files) {
    await using art = await openArtifact(join(QOBLIB, f));
    for (const d of art.layers) {
      if (payloadKind(d.mediaType)) {
        await writePayload(dir, entries, `${f} ${d.mediaType}`, d, await art.getBlob(d));
      }
    }
  }
  return entries;
}

async function compareAll(entries: Entry[], dir: string): Promise<void> {
  const manifest = join(dir, "manifest.json");
  await Deno.writeTextFile(manifest, JSON.stringify(entries));
  const reference = await runPythonJson<Record<string, Answer[]>>(
    python!,
    "analysis_report.py",
    ["report", manifest],
    {},
  );
  for (const e of entries) {
    const p = decode(e, await Deno.readFile(e.path));
    const answers = reference[e.name];
    assert.ok(answers && answers.length > 0, `${e.name}: no reference answers`);
    check(e.name, p, answers);
  }
}

Deno.test({
  name: "analysis: payloads the reference SDK writes with every feature answer as Python does",
  ignore: python === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-analysis-" });
    try {
      const entries = await runPythonJson<Entry[]>(
        python!,
        "analysis_report.py",
        ["generate", dir],
        {},
      );
      assert.ok(entries.length >= 8);
      await compareAll(entries, dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "analysis: every payload of the reference corpus answers as Python does",
  ignore: python === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-analysis-" });
    try {
      const entries = await corpusPayloads(dir);
      assert.ok(
        entries.some((e) => e.kind === "sample_set") && entries.some((e) => e.kind === "solution"),
      );
      await compareAll(entries, dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

let qoblibMissing = false;
try {
  Deno.statSync(QOBLIB);
} catch {
  qoblibMissing = true;
  if (python !== undefined) {
    console.log(
      `skip: ../shared/fixtures/qoblib-labs not found — the QOBLIB analysis differential test needs the workplace's shared fixtures (tests/interop/analysis_test.ts)`,
    );
  }
}

Deno.test({
  name: "analysis: the QOBLIB archives (v1 instances and solutions) answer as Python does",
  ignore: python === undefined || qoblibMissing,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-analysis-" });
    try {
      const entries = await qoblibPayloads(dir);
      assert.equal(entries.length, 16);
      await compareAll(entries, dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "analysis: Experiment.runParametersDf() equals run_parameters_df() on the reference corpus",
  ignore: python === undefined,
  fn: async () => {
    const paths = [...Deno.readDirSync(CORPUS)].map((e) => e.name).filter((n) =>
      n.endsWith(".ommx")
    )
      .sort().map((n) => join(CORPUS, n));
    const reference = await runPythonJson<Record<string, unknown>>(
      python!,
      "analysis_report.py",
      ["params", ...paths],
      {},
    );
    for (const p of paths) {
      await using exp = await openExperiment(p);
      assert.deepEqual(JSON.parse(JSON.stringify(dfJson(exp.runParametersDf()))), reference[p], p);
    }
  },
});
