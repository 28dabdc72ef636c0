/**
 * Summaries of Runs, Solves and Samplings shared by the CLI commands and the
 * browser viewer: outcome (objective, feasibility), best objective per run,
 * a short diagnostics summary. Runtime-neutral (no `Deno.*`).
 *
 * **Best objective of a run** ({@linkcode summarizeRun}): taken only over the
 * run's *finished* Solves whose Solution is feasible (`feasible`, i.e. every
 * constraint including removed ones) and not an LP relaxation (`relaxation`
 * is not `lp-relaxed`), and its finished Samplings' best feasible sample; a
 * `NaN` objective never counts. "Best" is in the Instance's sense (minimise →
 * smallest, maximise → largest; the sense recorded in the output, else the
 * input Instance's). When a run's eligible records disagree on the sense, the
 * first one's (Solves before Samplings, by id) wins and records of the other
 * sense are ignored. A run without an eligible record has none (`null`, shown
 * as `—`). A failed or interrupted *run* keeps the best objective of the
 * Solves that finished before it stopped; the CLI and viewer mark such runs.
 *
 * **Best objective of an Experiment** ({@linkcode summarizeExperiment}): the
 * same rule over every record of every run, runs in id order (Solves before
 * Samplings within a run): the best of its runs' best objectives, in the sense
 * of the first eligible record. The viewer's listing and comparison show it.
 *
 * @module
 */
import type { Experiment, SampleSet, Sampling, SealedRun, Solve } from "../mod.ts";
import type { ParameterValue } from "../mod.ts";
import { parsePythonJson } from "../codecs/json/mod.ts";
import { InvalidArtifactError, PyFloat } from "../mod.ts";

/** Objective sense. */
export type SenseName = "minimize" | "maximize";

/** One Solve or Sampling, summarised. */
export interface ProcessSummary {
  /** `solve` or `sampling`. */
  kind: "solve" | "sampling";
  /** The owning run. */
  runId: number;
  /** Solve id or sampling id. */
  id: number;
  /** `finished`, `failed` or `interrupted`. */
  status: string;
  /** Adapter name. */
  adapter: string;
  /** Parsed adapter options (floats kept as `PyFloat`, so `10.0` prints as `10.0`). */
  adapterOptions: Record<string, unknown>;
  /** Solve: the solution's objective. Sampling: the best feasible sample's objective (best of all when none is feasible). `null` without output. */
  objective: number | null;
  /** Solve: the solution's feasibility. Sampling: whether any sample is feasible. `null` without output. */
  feasible: boolean | null;
  /** Solve: the optimality claim (`optimal`, `not-optimal`, `unspecified`); else `null`. */
  optimality: string | null;
  /** Solve: the relaxation status (`lp-relaxed` or `unspecified`); else `null`. */
  relaxation: string | null;
  /** Sampling: number of samples; else `null`. */
  sampleCount: number | null;
  /** Sampling: number of feasible samples; else `null`. */
  feasibleCount: number | null;
  /** Objective sense of the problem (from the output, else the input), `null` when unknown. */
  sense: SenseName | null;
  /** Diagnostics: number of entries and the last entry's `status` or `event` text. */
  diagnostics: { count: number; last: string | null };
  /**
   * Why a failed or interrupted record stopped, as far as the archive tells
   * (the format stores no per-record reason): the last adapter diagnostic's
   * `status`/`event` text, and the run's own lifecycle reason when the run did
   * not finish either; `"not recorded"` when neither exists. `null` when finished.
   */
  reason: string | null;
}

/** One Run, summarised. */
export interface RunSummary {
  /** Run id. */
  runId: number;
  /** `finished`, `failed` or `interrupted`. */
  status: string;
  /** Failure or interruption reason. */
  lifecycleReason: string | null;
  /** Parameter cells (missing parameters absent). */
  parameters: Readonly<Record<string, ParameterValue>>;
  /** Number of Solves. */
  solves: number;
  /** Number of Samplings. */
  samplings: number;
  /** Run-level attachment names. */
  attachments: string[];
  /** Whether a trace is stored. */
  hasTrace: boolean;
  /** The run's best objective (rule in the module doc), or `null` when no record is eligible. */
  bestObjective: number | null;
  /** Which process gave {@linkcode RunSummary.bestObjective}. */
  best: { kind: "solve" | "sampling"; id: number } | null;
}

function better(a: number, b: number, sense: SenseName | null): boolean {
  if (Number.isNaN(b)) return false;
  if (Number.isNaN(a)) return true;
  return sense === "maximize" ? b > a : b < a;
}

function diagnosticsSummary(list: unknown[]): { count: number; last: string | null } {
  const last = list.at(-1);
  let text: string | null = null;
  if (last instanceof Map) {
    const v = last.get("status") ?? last.get("event");
    text = typeof v === "string" ? v : null;
  } else if (last !== null && typeof last === "object") {
    const r = last as Record<string, unknown>;
    const v = r.status ?? r.event;
    text = typeof v === "string" ? v : null;
  }
  return { count: list.length, last: text };
}

function processReason(
  status: string,
  diagnostics: { last: string | null },
  run: SealedRun | undefined,
): string | null {
  if (status === "finished") return null;
  const parts: string[] = [];
  if (diagnostics.last !== null) parts.push(`${diagnostics.last} (last diagnostic)`);
  if (run !== undefined && run.status !== "finished") {
    parts.push(`run ${run.status}: ${run.lifecycleReason ?? "no reason recorded"}`);
  }
  return parts.length === 0 ? "not recorded" : parts.join("; ");
}

/**
 * Adapter options already parsed, by their text: flat objects only (every value a string,
 * number, boolean, `null` or bigint; no `__proto__` key), so a shallow copy of one equals a
 * fresh parse. The records of an Experiment share a few option texts (`{}` most of all).
 * Bounded: once full, further texts are parsed each time.
 */
const FLAT_OPTIONS = new Map<string, Readonly<Record<string, unknown>>>();
const FLAT_OPTIONS_MAX = 256;

function isFlat(value: Record<string, unknown>): boolean {
  if (Object.hasOwn(value, "__proto__")) return false;
  for (const k in value) {
    const v = value[k];
    if (v !== null && typeof v === "object") return false;
  }
  return true;
}

/**
 * A record's adapter options parsed once, Python floats kept as `PyFloat`. Whatever the
 * `adapterOptions` getter refuses (not JSON, not a JSON object) it still refuses, with its error.
 * A text parsed before into a flat object is answered with a fresh copy of that object.
 */
function adapterOptionsOf(process: Solve | Sampling): Record<string, unknown> {
  const known = FLAT_OPTIONS.get(process.adapterOptionsJson);
  return known !== undefined ? { ...known } : parseAdapterOptions(process);
}

/** {@linkcode adapterOptionsOf}'s checks alone: throws what it throws, builds no copy. */
function checkAdapterOptions(process: Solve | Sampling): void {
  if (!FLAT_OPTIONS.has(process.adapterOptionsJson)) parseAdapterOptions(process);
}

/** {@linkcode adapterOptionsOf} of a text not known yet: parsed, checked, kept when flat. */
function parseAdapterOptions(process: Solve | Sampling): Record<string, unknown> {
  const text = process.adapterOptionsJson;
  let value: unknown;
  try {
    value = parsePythonJson(text, { preserveFloats: true });
  } catch (e) {
    void process.adapterOptions; // throws the getter's error
    throw e;
  }
  if (
    typeof value !== "object" || value === null || Array.isArray(value) || value instanceof PyFloat
  ) {
    void process.adapterOptions; // throws InvalidArtifactError naming the record
    throw new InvalidArtifactError(`adapter_options is not a JSON object`);
  }
  const options = value as Record<string, unknown>;
  if (FLAT_OPTIONS.size < FLAT_OPTIONS_MAX && isFlat(options)) {
    FLAT_OPTIONS.set(text, { ...options });
  }
  return options;
}

/**
 * Summarise a Solve or a Sampling (reads and decodes its output, and its input when the output has no sense).
 *
 * @param process The Solve or Sampling.
 * @param run Its run, when known (for the reason of a failed record).
 * @returns The summary.
 */
export async function summarizeProcess(
  process: Solve | Sampling,
  run?: SealedRun,
): Promise<ProcessSummary> {
  const isSolve = "solveId" in process;
  const diagnostics = diagnosticsSummary(process.getDiagnostics());
  const adapterOptions = adapterOptionsOf(process);
  const base: ProcessSummary = {
    kind: isSolve ? "solve" : "sampling",
    runId: process.runId,
    id: isSolve ? (process as Solve).solveId : (process as Sampling).samplingId,
    status: process.status,
    adapter: process.adapter,
    adapterOptions,
    objective: null,
    feasible: null,
    optimality: null,
    relaxation: null,
    sampleCount: null,
    feasibleCount: null,
    sense: null,
    diagnostics,
    reason: processReason(process.status, diagnostics, run),
  };
  if (isSolve) {
    // Only the summary fields are printed: the v2 reader skips building the rest.
    const s = await (process as Solve).getOutputSummary();
    if (s === null) return base;
    base.sense = s.sense ?? (await process.getInput()).sense;
    base.objective = s.objective;
    base.feasible = s.feasible;
    base.optimality = s.optimality;
    base.relaxation = s.relaxation;
    return base;
  }
  const output = await process.getOutput();
  if (output === null) return base;
  let sense: SenseName | null = output.sense ?? null;
  if (sense === null) sense = (await process.getInput()).sense;
  base.sense = sense;
  const ss = output as SampleSet;
  const ids = ss.sampleIdsList;
  let bestFeasible: number | null = null;
  let bestAny: number | null = null;
  let feasibleCount = 0;
  for (const id of ids) {
    const obj = ss.objectives.get(id);
    if (obj === undefined) continue;
    const feas = ss.feasible.get(id) === true;
    if (feas) feasibleCount++;
    if (bestAny === null || better(bestAny, obj, sense)) bestAny = obj;
    if (feas && (bestFeasible === null || better(bestFeasible, obj, sense))) bestFeasible = obj;
  }
  base.sampleCount = ids.length;
  base.feasibleCount = feasibleCount;
  base.feasible = feasibleCount > 0;
  base.objective = bestFeasible ?? bestAny;
  return base;
}

/**
 * Summarise every Solve and Sampling of a run, solves first.
 *
 * @param run The run.
 * @returns The summaries.
 */
export function summarizeProcesses(run: SealedRun): Promise<ProcessSummary[]> {
  return mapProcesses(run, summarizeProcess, summarizeProcess);
}

/**
 * `solve` of each Solve and `sampling` of each Sampling of `run`, solves first, all
 * started before any is awaited (module functions taking the run: no closure a run).
 */
function mapProcesses<T>(
  run: SealedRun,
  solve: (p: Solve, run: SealedRun) => Promise<T>,
  sampling: (p: Sampling, run: SealedRun) => Promise<T>,
): Promise<T[]> {
  const { solves, samplings } = run;
  const out: Promise<T>[] = new Array(solves.length + samplings.length);
  let i = 0;
  for (const p of solves) out[i++] = solve(p, run);
  for (const p of samplings) out[i++] = sampling(p, run);
  return Promise.all(out);
}

/**
 * What the best-objective rule (the module doc) reads of a record's
 * {@linkcode ProcessSummary}: a run's summary needs no more.
 */
export type BestCandidate = Pick<
  ProcessSummary,
  "kind" | "id" | "status" | "objective" | "feasible" | "relaxation" | "sense"
>;

/**
 * {@linkcode summarizeProcesses} as far as {@linkcode summarizeRun} reads it:
 * the same reads, checks and errors in the same order, and the same values of
 * the {@linkcode BestCandidate} fields; a Solve's other fields (options,
 * diagnostics, reason) are checked, not built. Samplings are summarised whole.
 */
function bestCandidates(run: SealedRun): Promise<BestCandidate[]> {
  return mapProcesses<BestCandidate>(run, solveCandidate, summarizeProcess);
}

/** A Solve's {@linkcode BestCandidate}: {@linkcode summarizeProcess}'s checks and values. */
async function solveCandidate(solve: Solve): Promise<BestCandidate> {
  checkAdapterOptions(solve);
  const s = await solve.getOutputSummary();
  return {
    kind: "solve",
    id: solve.solveId,
    status: solve.status,
    objective: s === null ? null : s.objective,
    feasible: s === null ? null : s.feasible,
    relaxation: s === null ? null : s.relaxation,
    sense: s === null ? null : s.sense ?? (await solve.getInput()).sense,
  };
}

/**
 * Summarise many runs, at most `concurrency` at a time, in input order. A
 * bounded number in flight keeps memory flat (each run's payloads are decoded
 * and dropped before the next runs start) while a remote source still reads
 * several payloads at once.
 *
 * @example
 * ```ts ignore
 * const summaries = await summarizeRuns(experiment.runs);
 * ```
 *
 * @param runs The runs.
 * @param concurrency How many runs are summarised at once (default 8).
 * @returns One summary per run, in order.
 */
export function summarizeRuns(
  runs: readonly SealedRun[],
  concurrency = 8,
): Promise<RunSummary[]> {
  return mapBounded(
    runs,
    concurrency,
    async (run) => summarizeRun(run, await bestCandidates(run)),
  );
}

/**
 * Map over items with at most `limit` calls in flight, results in input order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapBounded } from "./summary.ts";
 * let active = 0;
 * let most = 0;
 * const out = await mapBounded([1, 2, 3, 4, 5], 2, async (x) => {
 *   most = Math.max(most, ++active);
 *   await new Promise((r) => setTimeout(r, 1));
 *   active--;
 *   return x * 10;
 * });
 * assert.deepEqual(out, [10, 20, 30, 40, 50]);
 * assert.equal(most, 2);
 * ```
 *
 * @param items The inputs.
 * @param limit Most calls at once.
 * @param fn The call.
 * @returns The results.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Whether a record counts for its run's best objective (see the module doc):
 * finished, a feasible output, not an LP relaxation, a number objective.
 *
 * @param p The record's summary.
 * @returns Whether it is eligible.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countsForBest, type ProcessSummary } from "./summary.ts";
 * const solve = { status: "finished", objective: 3, feasible: true, relaxation: "unspecified" };
 * assert.equal(countsForBest(solve as ProcessSummary), true);
 * assert.equal(countsForBest({ ...solve, relaxation: "lp-relaxed" } as ProcessSummary), false);
 * assert.equal(countsForBest({ ...solve, feasible: false } as ProcessSummary), false);
 * ```
 */
export function countsForBest(p: BestCandidate): boolean {
  return p.status === "finished" && p.objective !== null && !Number.isNaN(p.objective) &&
    p.feasible === true && p.relaxation !== "lp-relaxed";
}

/**
 * Summarise a run: counts, and its best objective (the rule is in the module doc).
 *
 * @param run The run.
 * @param processes Its process summaries (from {@linkcode summarizeProcesses}), or as much
 * of them as the rule reads.
 * @returns The summary.
 */
export function summarizeRun(run: SealedRun, processes: readonly BestCandidate[]): RunSummary {
  const best = bestRecord(processes);
  return {
    runId: run.runId,
    status: run.status,
    lifecycleReason: run.lifecycleReason,
    parameters: run.parameters,
    solves: run.solves.length,
    samplings: run.samplings.length,
    attachments: run.attachmentNames,
    hasTrace: run.hasTrace,
    bestObjective: best?.objective ?? null,
    best: best === null ? null : { kind: best.kind, id: best.id },
  };
}

/**
 * The record that gives the best objective among `processes` (the rule in
 * the module doc): eligible records only ({@linkcode countsForBest}), in the
 * sense of the first one, the best objective in that sense.
 *
 * @param processes Records in order (a run's: Solves before Samplings).
 * @returns The best record, or `null` when none is eligible.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestRecord, type ProcessSummary } from "./summary.ts";
 * const rec = (id: number, objective: number, sense: string) =>
 *   ({ id, objective, sense, status: "finished", feasible: true, relaxation: null }) as unknown as ProcessSummary;
 * assert.equal(bestRecord([rec(0, 5, "minimize"), rec(1, 3, "minimize"), rec(2, 1, "maximize")])?.id, 1);
 * assert.equal(bestRecord([]), null);
 * ```
 */
export function bestRecord<P extends BestCandidate>(processes: readonly P[]): P | null {
  let best: P | null = null;
  let first = true;
  let sense: SenseName | null = null; // the first eligible record's
  for (const p of processes) {
    if (!countsForBest(p)) continue;
    if (first) {
      first = false;
      sense = p.sense ?? null;
    }
    if (p.sense !== sense) continue;
    if (best === null || better(best.objective!, p.objective!, sense)) best = p;
  }
  return best;
}

/** An Experiment's runs summarised, and its best objective. */
export interface ExperimentSummary {
  /** Each run's summary, in run-id order. */
  runs: RunSummary[];
  /** Each run's record summaries, by run id. */
  processes: Map<number, ProcessSummary[]>;
  /** The Experiment's best objective (rule in the module doc), or `null`. */
  bestObjective: number | null;
  /** Which record gave it. */
  best: { runId: number; kind: "solve" | "sampling"; id: number } | null;
  /** The sense the best objective is taken in, when known. */
  sense: SenseName | null;
}

/**
 * Summarise every run of an Experiment and take its best objective (the rule
 * is in the module doc). Reads and decodes every Solve and Sampling output.
 *
 * @param exp The Experiment.
 * @returns Runs, records and the best objective.
 */
export async function summarizeExperiment(exp: Experiment): Promise<ExperimentSummary> {
  const runs: RunSummary[] = [];
  const processes = new Map<number, ProcessSummary[]>();
  const all: ProcessSummary[] = [];
  for (const run of [...exp.runs].sort((a, b) => a.runId - b.runId)) {
    const p = await summarizeProcesses(run);
    processes.set(run.runId, p);
    runs.push(summarizeRun(run, p));
    for (const x of p) all.push(x);
  }
  const best = bestRecord(all);
  return {
    runs,
    processes,
    bestObjective: best?.objective ?? null,
    best: best === null ? null : { runId: best.runId, kind: best.kind, id: best.id },
    sense: best?.sense ?? null,
  };
}

/**
 * Count items by their `status`.
 *
 * @param items Anything with a status.
 * @returns Counts by status, keys in first-seen order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countByStatus } from "./summary.ts";
 * assert.deepEqual(countByStatus([{ status: "finished" }, { status: "failed" }, { status: "finished" }]), {
 *   finished: 2, failed: 1,
 * });
 * ```
 */
export function countByStatus(items: Iterable<{ status: string }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { status } of items) out[status] = (out[status] ?? 0) + 1;
  return out;
}
