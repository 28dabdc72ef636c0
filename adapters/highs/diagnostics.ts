/**
 * The diagnostics the HiGHS adapter records (when the Solve stores diagnostics): one
 * {@linkcode HighsProgressSnapshot} per HiGHS "MIP logging" callback, then one
 * {@linkcode HighsTerminationReport} per HiGHS run — with the keys and value types of the
 * reference's `HighsProgressSnapshot` / `HighsTerminationReport` dataclasses, so that the
 * reference's `HighsDiagnosticsAnalyzer` reads them, and {@linkcode HighsDiagnosticsAnalyzer}
 * here reads the reference's.
 *
 * @module
 */
import { PyFloat, pyFloat } from "@ommx-ts/experiment";

/** HiGHS MIP progress observed in one logging callback (the reference's keys). */
export interface HighsProgressSnapshot {
  /** The callback's message, `"MIP logging"`. */
  event: string;
  /** HiGHS run time at the callback, in seconds. */
  solving_time_sec: number;
  /** Branch-and-bound nodes processed. */
  mip_node_count: number;
  /** Simplex iterations (`-1`: HiGHS does not report them in this callback). */
  simplex_iteration_count: number;
  /** Interior-point iterations (`-1` when not reported). */
  ipm_iteration_count: number;
  /** PDLP iterations (`-1` when not reported). */
  pdlp_iteration_count: number;
  /** Objective value reported at the callback. */
  objective_value: number;
  /** MIP primal bound. */
  primal_bound: number;
  /** MIP dual bound. */
  dual_bound: number;
  /** MIP relative gap. */
  gap: number;
}

/** HiGHS's summary after a run (the reference's keys). */
export interface HighsTerminationReport {
  /** HiGHS model status text, e.g. `"Optimal"`, `"Infeasible"`, `"Time limit reached"`. */
  status: string;
  /** Objective value, or `null` when the status carries none (infeasible, unbounded, errors). */
  objective_value: number | null;
  /** MIP dual bound. */
  mip_dual_bound: number;
  /** MIP relative gap. */
  mip_gap: number;
  /** Branch-and-bound nodes (`-1` for an LP). */
  mip_node_count: number;
  /** Simplex iterations. */
  simplex_iteration_count: number;
  /** Interior-point iterations. */
  ipm_iteration_count: number;
  /** Crossover iterations. */
  crossover_iteration_count: number;
  /** PDLP iterations. */
  pdlp_iteration_count: number;
  /** Primal-dual integral. */
  primal_dual_integral: number;
  /** Primal solution status (0 none, 1 infeasible, 2 feasible). */
  primal_solution_status: number;
  /** Dual solution status (0 none, 1 infeasible, 2 feasible). */
  dual_solution_status: number;
  /** Largest integrality violation of the final solution. */
  max_integrality_violation: number;
  /** Largest primal infeasibility of the final solution. */
  max_primal_infeasibility: number;
  /** Largest dual infeasibility of the final solution. */
  max_dual_infeasibility: number;
  /** HiGHS run time in seconds. */
  run_time_sec: number;
  /** HiGHS version (of the WebAssembly build). */
  highs_version: string;
  /** HiGHS git hash. */
  highs_githash: string;
}

/**
 * What {@linkcode progressSnapshotFromCallbackEvent} reads of a `npm:highs` MIP logging
 * callback event (`Model.run({ 5: (event) => … })`).
 */
export interface HighsMipLoggingEvent {
  /** The callback's message. */
  readonly message: string;
  /** The callback's data (`npm:highs` `CallbackData`). */
  readonly data: {
    /** Run time in seconds. */
    readonly running_time?: number;
    /** Branch-and-bound nodes (a `bigint` in `npm:highs`). */
    readonly mip_node_count?: bigint | number;
    /** Objective value. */
    readonly objective_function_value?: number;
    /** MIP primal bound. */
    readonly mip_primal_bound?: number;
    /** MIP dual bound. */
    readonly mip_dual_bound?: number;
    /** MIP relative gap. */
    readonly mip_gap?: number;
  };
}

/**
 * The snapshot of one HiGHS MIP logging callback — the reference's
 * `HighsProgressSnapshot.from_callback_event(event)` (a function here: the snapshot is a plain
 * record type). Values HiGHS does not report in this callback are `-1` (counts) or `NaN`.
 *
 * @param event The `npm:highs` callback event.
 * @returns The snapshot (pass it through {@linkcode diagnosticRecord} to record it).
 *
 * @example
 * ```ts
 * import { progressSnapshotFromCallbackEvent } from "./diagnostics.ts";
 * import assert from "node:assert/strict";
 *
 * const s = progressSnapshotFromCallbackEvent({
 *   message: "MIP logging",
 *   data: { running_time: 0.25, mip_node_count: 7n, mip_dual_bound: 50, mip_gap: 0.1 },
 * });
 * assert.equal(s.mip_node_count, 7);
 * assert.equal(s.simplex_iteration_count, -1);
 * assert.ok(Number.isNaN(s.objective_value));
 * ```
 */
export function progressSnapshotFromCallbackEvent(
  event: HighsMipLoggingEvent,
): HighsProgressSnapshot {
  const d = event.data;
  return {
    event: event.message,
    solving_time_sec: d.running_time ?? Number.NaN,
    mip_node_count: Number(d.mip_node_count ?? -1),
    simplex_iteration_count: -1,
    ipm_iteration_count: -1,
    pdlp_iteration_count: -1,
    objective_value: d.objective_function_value ?? Number.NaN,
    primal_bound: d.mip_primal_bound ?? Number.NaN,
    dual_bound: d.mip_dual_bound ?? Number.NaN,
    gap: d.mip_gap ?? Number.NaN,
  };
}

/** The snapshot's keys, in the reference dataclass's order. */
export const HIGHS_PROGRESS_SNAPSHOT_KEYS: readonly (keyof HighsProgressSnapshot)[] = [
  "event",
  "solving_time_sec",
  "mip_node_count",
  "simplex_iteration_count",
  "ipm_iteration_count",
  "pdlp_iteration_count",
  "objective_value",
  "primal_bound",
  "dual_bound",
  "gap",
];

/** The report's keys, in the reference dataclass's order. */
export const HIGHS_TERMINATION_REPORT_KEYS: readonly (keyof HighsTerminationReport)[] = [
  "status",
  "objective_value",
  "mip_dual_bound",
  "mip_gap",
  "mip_node_count",
  "simplex_iteration_count",
  "ipm_iteration_count",
  "crossover_iteration_count",
  "pdlp_iteration_count",
  "primal_dual_integral",
  "primal_solution_status",
  "dual_solution_status",
  "max_integrality_violation",
  "max_primal_infeasibility",
  "max_dual_infeasibility",
  "run_time_sec",
  "highs_version",
  "highs_githash",
];

/** Keys whose values are Python floats (recorded as MessagePack float64 even when integral). */
const FLOAT_KEYS = new Set<string>([
  "solving_time_sec",
  "objective_value",
  "primal_bound",
  "dual_bound",
  "gap",
  "mip_dual_bound",
  "mip_gap",
  "primal_dual_integral",
  "max_integrality_violation",
  "max_primal_infeasibility",
  "max_dual_infeasibility",
  "run_time_sec",
]);

/**
 * The record to hand to `AdapterContext.recordDiagnostic`: the keys in the reference's order,
 * floats wrapped in {@linkcode PyFloat} so that `42.0` stays a float in the MessagePack layer.
 *
 * @param report A snapshot or a termination report.
 * @returns The record.
 *
 * @example
 * ```ts
 * import { diagnosticRecord } from "./diagnostics.ts";
 * import { PyFloat } from "@ommx-ts/experiment";
 * import assert from "node:assert/strict";
 *
 * const r = diagnosticRecord({
 *   event: "MIP logging", solving_time_sec: 0.5, mip_node_count: 3, simplex_iteration_count: -1,
 *   ipm_iteration_count: -1, pdlp_iteration_count: -1, objective_value: 42, primal_bound: 42,
 *   dual_bound: 50, gap: 0.16,
 * });
 * assert.ok(r.objective_value instanceof PyFloat);
 * assert.equal(r.mip_node_count, 3);
 * ```
 */
export function diagnosticRecord(
  report: HighsProgressSnapshot | HighsTerminationReport,
): Record<string, unknown> {
  const keys = "event" in report ? HIGHS_PROGRESS_SNAPSHOT_KEYS : HIGHS_TERMINATION_REPORT_KEYS;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (report as unknown as Record<string, unknown>)[key];
    out[key] = FLOAT_KEYS.has(key) && typeof value === "number" ? pyFloat(value) : value;
  }
  return out;
}

function plainValue(value: unknown): unknown {
  return value instanceof PyFloat ? value.value : value;
}

function select<T>(diagnostic: unknown, keys: readonly (keyof T)[]): T | undefined {
  if (diagnostic === null || typeof diagnostic !== "object") return undefined;
  const get = diagnostic instanceof Map
    ? (k: string) => diagnostic.get(k)
    : (k: string) => (diagnostic as Record<string, unknown>)[k];
  const has = diagnostic instanceof Map
    ? (k: string) => diagnostic.has(k)
    : (k: string) => Object.hasOwn(diagnostic, k);
  if (!keys.every((k) => has(k as string))) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k as string] = plainValue(get(k as string));
  return out as T;
}

/**
 * Reads HiGHS diagnostics — the reports this adapter records or the reference's, as
 * `Solve.getDiagnostics()` returns them — like the reference's `HighsDiagnosticsAnalyzer`
 * (its pandas views aside): a report counts when it has every key of its kind.
 *
 * @example
 * ```ts
 * import { HighsDiagnosticsAnalyzer } from "./diagnostics.ts";
 * import assert from "node:assert/strict";
 *
 * const a = new HighsDiagnosticsAnalyzer([{ status: "Optimal" }]);
 * assert.equal(a.terminationResult, null);
 * assert.deepEqual(a.progressHistoryRecords, []);
 * ```
 */
export class HighsDiagnosticsAnalyzer {
  readonly #progress: readonly HighsProgressSnapshot[];
  readonly #termination: HighsTerminationReport | null;

  /**
   * Sort diagnostics into progress snapshots and termination reports.
   *
   * @param diagnostics Reports in record order (other reports are ignored).
   */
  constructor(diagnostics: Iterable<unknown>) {
    const progress: HighsProgressSnapshot[] = [];
    let termination: HighsTerminationReport | null = null;
    for (const d of diagnostics) {
      const p = select<HighsProgressSnapshot>(d, HIGHS_PROGRESS_SNAPSHOT_KEYS);
      if (p !== undefined) progress.push(p);
      const t = select<HighsTerminationReport>(d, HIGHS_TERMINATION_REPORT_KEYS);
      if (t !== undefined) termination = t;
    }
    this.#progress = progress;
    this.#termination = termination;
  }

  /** One record per MIP logging callback, in record order (copies). */
  get progressHistoryRecords(): HighsProgressSnapshot[] {
    return this.#progress.map((p) => ({ ...p }));
  }

  /** The last termination report (a copy), or `null`. */
  get terminationResult(): HighsTerminationReport | null {
    return this.#termination === null ? null : { ...this.#termination };
  }

  /** The last HiGHS status text, or `null`. */
  get terminationStatus(): string | null {
    return this.#termination?.status ?? null;
  }

  /** The last objective value, or `null`. */
  get terminationObjectiveValue(): number | null {
    return this.#termination?.objective_value ?? null;
  }

  /** The last MIP dual bound, or `null`. */
  get terminationMipDualBound(): number | null {
    return this.#termination?.mip_dual_bound ?? null;
  }

  /** The last MIP gap, or `null`. */
  get terminationMipGap(): number | null {
    return this.#termination?.mip_gap ?? null;
  }

  /** The last MIP node count, or `null`. */
  get terminationMipNodeCount(): number | null {
    return this.#termination?.mip_node_count ?? null;
  }
}
