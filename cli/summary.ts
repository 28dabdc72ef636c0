/**
 * Summaries of Runs, Solves and Samplings shared by the CLI commands and the
 * browser viewer: outcome (objective, feasibility), best objective per run,
 * a short diagnostics summary. Runtime-neutral (no `Deno.*`).
 *
 * @module
 */
import type { SampleSet, Sampling, SealedRun, Solution, Solve } from "../mod.ts";
import type { ParameterValue } from "../mod.ts";

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
  /** Parsed adapter options. */
  adapterOptions: Record<string, unknown>;
  /** Solve: the solution's objective. Sampling: the best feasible sample's objective (best of all when none is feasible). `null` without output. */
  objective: number | null;
  /** Solve: the solution's feasibility. Sampling: whether any sample is feasible. `null` without output. */
  feasible: boolean | null;
  /** Solve: the optimality claim (`optimal`, `not-optimal`, `unspecified`); else `null`. */
  optimality: string | null;
  /** Sampling: number of samples; else `null`. */
  sampleCount: number | null;
  /** Sampling: number of feasible samples; else `null`. */
  feasibleCount: number | null;
  /** Objective sense of the problem (from the output, else the input), `null` when unknown. */
  sense: SenseName | null;
  /** Diagnostics: number of entries and the last entry's `status` or `event` text. */
  diagnostics: { count: number; last: string | null };
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
  /** Best feasible objective over the run's solves and samplings that share the first output's objective sense, or `null`. */
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

/**
 * Summarise a Solve or a Sampling (reads and decodes its output, and its input when the output has no sense).
 *
 * @param process The Solve or Sampling.
 * @returns The summary.
 */
export async function summarizeProcess(process: Solve | Sampling): Promise<ProcessSummary> {
  const isSolve = "solveId" in process;
  const base: ProcessSummary = {
    kind: isSolve ? "solve" : "sampling",
    runId: process.runId,
    id: isSolve ? (process as Solve).solveId : (process as Sampling).samplingId,
    status: process.status,
    adapter: process.adapter,
    adapterOptions: process.adapterOptions,
    objective: null,
    feasible: null,
    optimality: null,
    sampleCount: null,
    feasibleCount: null,
    sense: null,
    diagnostics: diagnosticsSummary(process.getDiagnostics()),
  };
  const output = await process.getOutput();
  if (output === null) return base;
  let sense: SenseName | null = output.sense ?? null;
  if (sense === null) sense = (await process.getInput()).sense;
  base.sense = sense;
  if (isSolve) {
    const s = output as Solution;
    base.objective = s.objective;
    base.feasible = s.feasible;
    base.optimality = s.optimality;
    return base;
  }
  const ss = output as SampleSet;
  const ids = ss.sampleIds;
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
  return Promise.all([...run.solves, ...run.samplings].map(summarizeProcess));
}

/**
 * Summarise a run: counts, and the best feasible objective over its processes.
 *
 * @param run The run.
 * @param processes Its process summaries (from {@linkcode summarizeProcesses}).
 * @returns The summary.
 */
export function summarizeRun(run: SealedRun, processes: readonly ProcessSummary[]): RunSummary {
  let best: ProcessSummary | null = null;
  const sense = processes.find((p) => p.sense !== null)?.sense ?? null;
  for (const p of processes) {
    if (p.objective === null || p.feasible !== true || p.sense !== sense) continue;
    if (best === null || better(best.objective!, p.objective, sense)) best = p;
  }
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
