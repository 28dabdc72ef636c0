/**
 * Internal: the summary of a Solution (what `Solution.decodeSummary` and
 * `Solve.getOutputSummary` return), and its one mapping from a decoded
 * Solution.
 *
 * @module
 */
import type { Optimality, Relaxation, Sense } from "./types.ts";

/** The fields of a solution that a listing shows (`Solution.decodeSummary`). */
export interface SolutionSummary {
  /** Objective value. */
  readonly objective: number;
  /** Feasibility including removed constraints. */
  readonly feasible: boolean;
  /** Optimality claim. */
  readonly optimality: Optimality;
  /** Relaxation status. */
  readonly relaxation: Relaxation;
  /** Direction (undefined = unknown). */
  readonly sense: Sense | undefined;
}

/**
 * The summary fields of a decoded Solution, copied into a plain object.
 *
 * @param s The Solution (anything with its summary fields).
 * @returns Its summary.
 */
export function summaryFields(s: SolutionSummary): SolutionSummary {
  return {
    objective: s.objective,
    feasible: s.feasible,
    optimality: s.optimality,
    relaxation: s.relaxation,
    sense: s.sense,
  };
}
