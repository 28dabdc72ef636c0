/**
 * HiGHS solution → Solution (internal): the state of every decision variable, evaluated on the
 * Instance, with the optimality and relaxation flags and the dual values.
 *
 * The state is completed as the reference SDK completes a solver's state before evaluating it
 * (`Instance::populate_state`): columns from HiGHS; variables with a substituted value get it;
 * variables no objective or active constraint uses get the value of their (kind-normalised) bound
 * nearest to zero (0 for semi-continuous/-integer ones); dependent variables are computed from
 * their defining functions.
 *
 * @module
 */
import {
  type EvaluatedConstraint,
  type Instance,
  InvalidArgumentError,
  type Relaxation,
  Solution,
} from "@ommx-ts/experiment";
import type { Translation } from "./_translate.ts";

/** The value of `[lower, upper]` nearest to zero (Rust `Bound::nearest_to_zero`). */
export function nearestToZero(lower: number, upper: number): number {
  if (lower >= 0) return lower;
  if (upper <= 0) return upper;
  return 0;
}

/**
 * The full state: HiGHS's column values plus every other decision variable.
 *
 * @param instance The instance.
 * @param translation Its translation.
 * @param colValue HiGHS's column values.
 * @returns Value by variable id, for every decision variable.
 * @throws {InvalidArgumentError} when dependent variables cannot be ordered (a cycle) or one
 *   evaluates to a non-finite value.
 */
export function completeState(
  instance: Instance,
  translation: Translation,
  colValue: ArrayLike<number>,
): Map<number, number> {
  const state = new Map<number, number>();
  const ids = translation.columnIds;
  for (let col = 0; col < ids.length; col++) state.set(ids[col]!, colValue[col]!);
  const dependency = instance.decisionVariableDependency;
  const variables = instance.decisionVariables;
  if (state.size === variables.length) return state;
  for (let p = 0; p < variables.length; p++) {
    const v = variables[p]!;
    if (state.has(v.id)) continue;
    if (v.substitutedValue !== undefined) state.set(v.id, v.substitutedValue);
    else if (!dependency.has(v.id)) {
      state.set(
        v.id,
        v.kind === "semi-continuous" || v.kind === "semi-integer"
          ? 0
          : nearestToZero(translation.lower[p]!, translation.upper[p]!),
      );
    }
  }
  let pending = [...dependency].filter(([id]) => !state.has(id));
  while (pending.length > 0) {
    const next = pending.filter(([id, f]) => {
      if (f.firstUnknownId(state) !== undefined) return true;
      const value = f.evaluate(state);
      if (!Number.isFinite(value)) {
        throw new InvalidArgumentError(`dependent variable ${id} evaluates to ${value}`);
      }
      state.set(id, value);
      return false;
    });
    if (next.length === pending.length) {
      throw new InvalidArgumentError(
        `dependent variables ${
          next.map(([id]) => id).join(", ")
        } cannot be evaluated (they depend on each other or on unknown variables)`,
      );
    }
    pending = next;
  }
  return state;
}

/** What HiGHS says about the solution beyond the column values. */
export interface SolveOutcome {
  /** HiGHS proved optimality (model status Optimal). */
  readonly optimal: boolean;
  /** HiGHS solved a MIP as its LP relaxation (integrality ignored). */
  readonly relaxed: boolean;
  /** Row duals, when HiGHS has them. */
  readonly rowDual: ArrayLike<number> | undefined;
}

/**
 * Evaluate the state on the instance and set the flags and duals: optimality is `optimal` when
 * HiGHS proved it and the instance's output objective (if any) preserves optimality; duals are
 * HiGHS's row duals, by row ↔ constraint id, when the instance has no output objective (as the
 * reference: OMMX defines no mapping of duals to a projected objective).
 *
 * @param instance The instance.
 * @param translation Its translation.
 * @param state The complete state.
 * @param outcome What HiGHS reported.
 * @returns The solution.
 */
export function buildSolution(
  instance: Instance,
  translation: Translation,
  state: Map<number, number>,
  outcome: SolveOutcome,
): Solution {
  const evaluated = Solution.evaluate(instance, state);
  const output = instance.outputObjective;
  const optimal = outcome.optimal && (output === undefined || output.preservesOptimality);
  const relaxation: Relaxation = outcome.relaxed ? "lp-relaxed" : "unspecified";
  const rowDual = output === undefined ? outcome.rowDual : undefined;
  let constraints: readonly EvaluatedConstraint[] = evaluated.constraints;
  if (rowDual !== undefined && translation.rowOf.size > 0) {
    constraints = constraints.map((c) => {
      if (c.kind !== "regular" || c.removedReason !== undefined) return c;
      const row = translation.rowOf.get(c.id);
      return row === undefined ? c : { ...c, dualVariable: rowDual[row]! };
    });
  }
  if (!optimal && relaxation === "unspecified" && constraints === evaluated.constraints) {
    return evaluated;
  }
  return new Solution({
    ...evaluated.toData(),
    constraints: [...constraints],
    optimality: optimal ? "optimal" : "unspecified",
    relaxation,
  });
}
