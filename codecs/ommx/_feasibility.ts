/**
 * The feasibility rules of the reference SDK (ommx 3.0.0b7), which its readers
 * re-check on every `ommx.v2.Solution` / `ommx.v2.SampleSet` they parse and
 * compute when they convert `ommx.v1` data: per-constraint `feasible`, the
 * special-constraint stage fields (`indicator_active`, `active_variable`) and
 * decision-variable validity (kind and bound), all under one absolute
 * tolerance. "Within tolerance" is `residual <= atol` everywhere (NaN never is).
 *
 * Measured against the installed wheel, not only read from the Rust sources:
 * see `docs/format-notes.md` ("Derived fields the reference re-checks").
 *
 * @module
 */

import type { Bound, Equality, Kind } from "./types.ts";
import { DecodeError } from "../../core/errors.ts";

/** The reference's default absolute tolerance (`ATol::default()`, also used for all v1 data). */
export const DEFAULT_FEASIBILITY_ATOL = 1e-6;

/**
 * Whether a regular (or active indicator) constraint value satisfies its relation.
 *
 * @param equality `=` (|f| ≤ atol) or `<=` (f ≤ atol).
 * @param value The evaluated function value.
 * @param atol The absolute tolerance.
 * @returns The feasibility; false for NaN.
 */
export function constraintFeasible(equality: Equality, value: number, atol: number): boolean {
  return (equality === "=" ? Math.abs(value) : value) <= atol;
}

function integerBound(bound: Bound, atol: number): Bound | undefined {
  const lower = Number.isFinite(bound.lower) ? Math.ceil(bound.lower - atol) + 0 : bound.lower;
  const upper = Number.isFinite(bound.upper) ? Math.floor(bound.upper + atol) : bound.upper;
  return upper < lower ? undefined : { lower, upper };
}

/**
 * The bound the reference keeps for a decision variable of a kind
 * (`Kind::consistent_bound`): integer kinds round inwards, binary collapses to
 * `[0, 1]`, `[0, 0]` or `[1, 1]`.
 *
 * @param kind The variable kind.
 * @param bound The stored bound.
 * @param atol The absolute tolerance.
 * @returns The normalised bound, or undefined when the kind admits no value in it.
 */
export function consistentBound(kind: Kind, bound: Bound, atol: number): Bound | undefined {
  switch (kind) {
    case "continuous":
    case "semi-continuous":
      return bound;
    case "integer":
      return integerBound(bound, atol);
    case "semi-integer":
      return integerBound(bound, atol) ?? { lower: 0, upper: 0 };
    case "binary":
      if (bound.lower > 1 + atol || bound.upper < -atol) return undefined;
      if (bound.lower > atol) return { lower: 1, upper: 1 };
      if (bound.upper < 1 - atol) return { lower: 0, upper: 0 };
      return { lower: 0, upper: 1 };
  }
}

/**
 * Whether a value satisfies a decision variable's kind and bound
 * (`EvaluatedDecisionVariable::is_valid`): finite, `lower - v <= atol`,
 * `v - upper <= atol` (an infinite end is open), and integral within `atol` for
 * binary, integer and semi-integer variables. Semi-continuous/semi-integer
 * variables get no exception for 0: the reference checks the bound only.
 *
 * @param kind The variable kind.
 * @param bound The stored bound (normalised here with {@linkcode consistentBound}).
 * @param value The value.
 * @param atol The absolute tolerance.
 * @returns The validity; false when the kind admits no value in the bound.
 */
export function variableValueValid(kind: Kind, bound: Bound, value: number, atol: number): boolean {
  if (!Number.isFinite(value)) return false;
  const b = consistentBound(kind, bound, atol);
  if (b === undefined) return false;
  if (!(b.lower - value <= atol || b.lower === -Infinity)) return false;
  if (!(value - b.upper <= atol || b.upper === Infinity)) return false;
  if (kind === "continuous" || kind === "semi-continuous") return true;
  return Math.abs(Math.round(value) - value) <= atol;
}

/**
 * Whether a binary structural variable (an indicator) is on.
 *
 * @param value Its value.
 * @param atol The absolute tolerance.
 * @returns true within atol of 1, false within atol of 0, undefined otherwise (the reference rejects that).
 */
export function binaryActivity(value: number, atol: number): boolean | undefined {
  if (Math.abs(value - 1) <= atol) return true;
  if (Math.abs(value) <= atol) return false;
  return undefined;
}

/** Stage of a one-hot or SOS1 constraint at one state. */
export interface SetStage {
  /** Whether the constraint holds. */
  feasible: boolean;
  /** The variable that is on (1 for one-hot, non-zero for SOS1), when the constraint holds with one. */
  activeVariable?: number;
}

/**
 * One-hot stage: feasible exactly when one variable is within atol of 1 and
 * every other within atol of 0; that variable is the active one.
 *
 * @param variables The constraint's variables.
 * @param value Value of a variable (undefined when it has none).
 * @param atol The absolute tolerance.
 * @returns The stage, or undefined when a variable has no value.
 */
export function oneHotStage(
  variables: readonly number[],
  value: (id: number) => number | undefined,
  atol: number,
): SetStage | undefined {
  let active: number | undefined;
  let feasible = true;
  for (const id of variables) {
    const v = value(id);
    if (v === undefined) return undefined;
    if (Math.abs(v - 1) <= atol) {
      if (active !== undefined) feasible = false;
      active = id;
    } else if (!(Math.abs(v) <= atol)) feasible = false;
  }
  return feasible && active !== undefined
    ? { feasible, activeVariable: active }
    : { feasible: false };
}

/**
 * SOS1 stage: feasible when at most one variable is farther than atol from 0;
 * that variable (if any) is the active one.
 *
 * @param variables The constraint's variables.
 * @param value Value of a variable (undefined when it has none).
 * @param atol The absolute tolerance.
 * @returns The stage, or undefined when a variable has no value.
 */
export function sos1Stage(
  variables: readonly number[],
  value: (id: number) => number | undefined,
  atol: number,
): SetStage | undefined {
  let active: number | undefined;
  let count = 0;
  for (const id of variables) {
    const v = value(id);
    if (v === undefined) return undefined;
    if (!(Math.abs(v) <= atol)) {
      count++;
      active = id;
    }
  }
  if (count > 1) return { feasible: false };
  return active === undefined ? { feasible: true } : { feasible: true, activeVariable: active };
}

/** What a constraint of any kind looks like to {@linkcode constraintStage}. */
export interface StagedConstraint {
  /** Which collection. */
  kind: "regular" | "indicator" | "one-hot" | "sos1";
  /** Constraint ID. */
  id: number;
  /** Relation to zero (regular / indicator; `=` when absent). */
  equality?: "=" | "<=";
  /** The indicator variable (indicator). */
  indicatorVariable?: number;
  /** The variables (one-hot / SOS1). */
  variables?: number[];
}

/** Derived fields of one constraint at one state. */
export interface ConstraintStage {
  /** Whether the constraint holds. */
  feasible: boolean;
  /** Whether the indicator is on (indicator constraints only). */
  indicatorActive?: boolean;
  /** The active variable (one-hot / SOS1, when there is one). */
  activeVariable?: number;
}

/**
 * `regular constraint 3`, `one-hot constraint 7`, … (for messages).
 *
 * @param c The constraint.
 * @returns The label.
 */
export function constraintLabel(c: { kind: string; id: number }): string {
  return `${c.kind} constraint ${c.id}`;
}

/**
 * The derived fields of one constraint at one state, as the reference computes them.
 *
 * @param c The constraint.
 * @param value Its evaluated function value (regular / indicator).
 * @param variable Value of a decision variable at this state (undefined when it is none).
 * @param atol The absolute tolerance.
 * @param fail Builds the error for what the reference refuses: an indicator variable neither 0
 *   nor 1, a structural variable that is not a decision variable.
 * @returns The stage.
 */
export function constraintStage(
  c: StagedConstraint,
  value: number,
  variable: (id: number) => number | undefined,
  atol: number,
  fail: (message: string) => Error,
): ConstraintStage {
  if (c.kind === "regular") return { feasible: constraintFeasible(c.equality ?? "=", value, atol) };
  if (c.kind === "indicator") {
    const x = variable(c.indicatorVariable ?? -1);
    const on = x === undefined ? undefined : binaryActivity(x, atol);
    if (on === undefined) {
      throw fail(
        `${constraintLabel(c)}: indicator variable ${c.indicatorVariable} ${
          x === undefined ? "is not a decision variable" : `has value ${x}`
        }, neither 0 nor 1 within ${atol}`,
      );
    }
    return {
      feasible: !on || constraintFeasible(c.equality ?? "=", value, atol),
      indicatorActive: on,
    };
  }
  const stage = (c.kind === "one-hot" ? oneHotStage : sos1Stage)(c.variables ?? [], variable, atol);
  if (stage === undefined) {
    throw fail(`${constraintLabel(c)} uses a variable that is not a decision variable`);
  }
  return stage;
}

/**
 * Refuse a v1 decision variable whose bound admits no value of its kind, as
 * the reference reader does.
 *
 * @param v The variable.
 * @param name The variable, for the message.
 * @throws {DecodeError} When the bound is empty for the kind.
 */
export function checkV1Bound(v: { kind: Kind; bound: Bound }, name: string): void {
  if (consistentBound(v.kind, v.bound, DEFAULT_FEASIBILITY_ATOL) === undefined) {
    throw new DecodeError(
      `${name}: bound [${v.bound.lower}, ${v.bound.upper}] admits no ${v.kind} value`,
    );
  }
}
