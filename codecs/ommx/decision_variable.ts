/**
 * Decision variables: the plain-data {@linkcode DecisionVariable} every instance, solution and
 * sample set holds, and the modelling surface that builds them — `DecisionVariable.binary(id)`,
 * `integer`, `continuous`, `semiInteger`, `semiContinuous` (Python's static constructors of the
 * same names) return a {@linkcode ModelVariable}: the same data plus expression methods, since
 * TypeScript has no operator overloading (`x.mul(3).add(y)` for Python's `3 * x + y`,
 * `x.add(y).le(1)` for `x + y <= 1`).
 *
 * @example Model a knapsack and evaluate it
 * ```ts
 * import { DecisionVariable, Function, Instance } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const w = [2, 3, 4];
 * const x = w.map((_, i) => DecisionVariable.binary(i, { name: "x", subscripts: [i] }));
 * const instance = Instance.fromComponents({
 *   sense: "maximize",
 *   objective: Function.sum(x.map((xi, i) => xi.mul(i + 1))),
 *   decisionVariables: x,
 *   constraints: { 0: Function.sum(x.map((xi, i) => xi.mul(w[i]!))).le(5) },
 * });
 * const solution = instance.evaluate({ 0: 1, 1: 1, 2: 0 });
 * assert.equal(solution.objective, 3);
 * assert.equal(solution.feasible, true);
 * ```
 *
 * @module
 */

import { InvalidArgumentError } from "../../core/errors.ts";
import { type ConstraintSpec, Function, type FunctionLike } from "./function.ts";
import type { Bound, Kind, Label } from "./types.ts";
import { consistentBound, DEFAULT_FEASIBILITY_ATOL } from "./_feasibility.ts";

/** A decision variable (plain data). */
export interface DecisionVariable extends Label {
  /** Variable ID. */
  id: number;
  /** Domain. */
  kind: Kind;
  /** Bounds (±Infinity allowed; `[0, 0]` when absent in v1, as the reference reads it). */
  bound: Bound;
  /** Fixed value, if the variable was substituted. */
  substitutedValue?: number;
}

/** Labels of a new decision variable (Python's keyword arguments). */
export interface VariableLabelOptions {
  /** Name, e.g. `x` for `x[1, 2]`. */
  name?: string;
  /** Subscripts, e.g. `[1, 2]`. */
  subscripts?: readonly number[];
  /** Free-form string parameters. */
  parameters?: Readonly<Record<string, string>>;
  /** Description. */
  description?: string;
}

/** Bounds and labels of a new non-binary decision variable. */
export interface VariableOptions extends VariableLabelOptions {
  /** Lower bound (default `-Infinity`). */
  lower?: number;
  /** Upper bound (default `Infinity`). */
  upper?: number;
}

/**
 * A decision variable for modelling: the {@linkcode DecisionVariable} data (use it wherever that
 * is asked for, e.g. in `Instance.fromComponents`) plus expression methods that stand in for
 * Python's operators on `ommx.DecisionVariable`. Build one with `DecisionVariable.binary(id)` and
 * its siblings.
 */
export class ModelVariable implements DecisionVariable {
  /** Variable ID. */
  readonly id: number;
  /** Domain. */
  readonly kind: Kind;
  /** Bounds, normalised for the kind as the reference does (integer kinds rounded inwards). */
  readonly bound: Bound;
  /** Name. */
  readonly name?: string;
  /** Subscripts. */
  readonly subscripts: number[];
  /** Free-form string parameters. */
  readonly parameters: Record<string, string>;
  /** Description. */
  readonly description?: string;

  /**
   * Build a variable (Python's `DecisionVariable(id, kind, bound, …)`); the bound is checked and
   * normalised for the kind at the reference's tolerance 1e-6.
   *
   * @param id Variable ID (a non-negative safe integer).
   * @param kind Domain.
   * @param bound Bounds.
   * @param labels Name, subscripts, parameters, description.
   * @throws {InvalidArgumentError} for a bad ID, a NaN or inverted bound, `lower = +Infinity`,
   *   `upper = -Infinity`, or a bound that holds no value of the kind.
   */
  constructor(id: number, kind: Kind, bound: Bound, labels: VariableLabelOptions = {}) {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new InvalidArgumentError(
        `decision variable ID ${id} is not a non-negative safe integer`,
      );
    }
    this.id = id;
    this.kind = kind;
    this.bound = checkedBound(id, kind, bound);
    if (labels.name !== undefined) this.name = labels.name;
    this.subscripts = [...(labels.subscripts ?? [])];
    this.parameters = { ...(labels.parameters ?? {}) };
    if (labels.description !== undefined) this.description = labels.description;
  }

  /**
   * This variable as a function (`1 * x[id]`).
   *
   * @returns The function.
   */
  toFunction(): Function {
    return Function.from(this);
  }

  /**
   * `x + other` (Python's `+`).
   *
   * @param other A function, variable or number.
   * @returns The sum.
   */
  add(other: FunctionLike): Function {
    return this.toFunction().add(other);
  }

  /**
   * `x - other` (Python's `-`).
   *
   * @param other A function, variable or number.
   * @returns The difference.
   */
  sub(other: FunctionLike): Function {
    return this.toFunction().sub(other);
  }

  /**
   * `x * other` (Python's `*`).
   *
   * @param other A function, variable or number.
   * @returns The product.
   */
  mul(other: FunctionLike): Function {
    return this.toFunction().mul(other);
  }

  /**
   * `-x` (Python's unary `-`).
   *
   * @returns The negation.
   */
  neg(): Function {
    return this.toFunction().neg();
  }

  /**
   * The constraint `x <= rhs` (normalised to `x - rhs <= 0`).
   *
   * @param rhs A function, variable or number.
   * @returns The constraint.
   */
  le(rhs: FunctionLike): ConstraintSpec {
    return this.toFunction().le(rhs);
  }

  /**
   * The constraint `x >= rhs` (normalised to `rhs - x <= 0`).
   *
   * @param rhs A function, variable or number.
   * @returns The constraint.
   */
  ge(rhs: FunctionLike): ConstraintSpec {
    return this.toFunction().ge(rhs);
  }

  /**
   * The constraint `x == rhs` (Python's `==` on a variable; normalised to `x - rhs = 0`).
   *
   * @param rhs A function, variable or number.
   * @returns The constraint.
   */
  eq(rhs: FunctionLike): ConstraintSpec {
    return this.toFunction().eq(rhs);
  }

  /**
   * Whether another variable has the same ID, kind, bound and labels (Python's `equals_to`).
   *
   * @param other The other variable.
   * @returns The comparison.
   */
  equalsTo(other: DecisionVariable): boolean {
    return this.id === other.id && this.kind === other.kind &&
      this.bound.lower === other.bound.lower && this.bound.upper === other.bound.upper &&
      this.name === other.name && this.description === other.description &&
      this.subscripts.length === other.subscripts.length &&
      this.subscripts.every((s, i) => s === other.subscripts[i]) &&
      JSON.stringify(Object.entries(this.parameters).sort()) ===
        JSON.stringify(Object.entries(other.parameters).sort());
  }

  /** `DecisionVariable(id=…, kind=…, …)`. */
  toString(): string {
    return `DecisionVariable(id=${this.id}, kind=${this.kind}, name=${
      JSON.stringify(this.name ?? "")
    }, bound=[${this.bound.lower}, ${this.bound.upper}])`;
  }
}

/**
 * Check a bound as the reference's `Bound::new` does, then normalise it for the kind
 * (`Kind::consistent_bound` at 1e-6).
 */
function checkedBound(id: number, kind: Kind, bound: Bound): Bound {
  const { lower, upper } = bound;
  const name = `decision variable ${id}`;
  if (Number.isNaN(lower) || Number.isNaN(upper)) {
    throw new InvalidArgumentError(`${name}: bound [${lower}, ${upper}] has NaN`);
  }
  if (lower === Infinity || upper === -Infinity) {
    throw new InvalidArgumentError(
      `${name}: lower bound +Infinity or upper bound -Infinity is not allowed ([${lower}, ${upper}])`,
    );
  }
  if (lower > upper) {
    throw new InvalidArgumentError(`${name}: lower bound ${lower} > upper bound ${upper}`);
  }
  const b = consistentBound(kind, { lower, upper }, DEFAULT_FEASIBILITY_ATOL);
  if (b === undefined) {
    throw new InvalidArgumentError(`${name}: bound [${lower}, ${upper}] holds no ${kind} value`);
  }
  return { lower: b.lower, upper: b.upper };
}

function withBounds(
  kind: Kind,
): (id: number, options?: VariableOptions) => ModelVariable {
  return (id, options = {}) =>
    new ModelVariable(id, kind, {
      lower: options.lower ?? -Infinity,
      upper: options.upper ?? Infinity,
    }, options);
}

/**
 * The static constructors of Python's `ommx.DecisionVariable`, camelCased; each returns a
 * {@linkcode ModelVariable}.
 */
export const DecisionVariable: {
  /**
   * A binary variable (bound `[0, 1]`).
   *
   * @param id Variable ID.
   * @param options Labels.
   * @returns The variable.
   */
  binary(id: number, options?: VariableLabelOptions): ModelVariable;
  /**
   * An integer variable (bounds default to unbounded; rounded inwards to integers).
   *
   * @param id Variable ID.
   * @param options Bounds and labels.
   * @returns The variable.
   */
  integer(id: number, options?: VariableOptions): ModelVariable;
  /**
   * A continuous variable (bounds default to unbounded).
   *
   * @param id Variable ID.
   * @param options Bounds and labels.
   * @returns The variable.
   */
  continuous(id: number, options?: VariableOptions): ModelVariable;
  /**
   * A semi-integer variable: 0 or an integer in the bound.
   *
   * @param id Variable ID.
   * @param options Bounds and labels.
   * @returns The variable.
   */
  semiInteger(id: number, options?: VariableOptions): ModelVariable;
  /**
   * A semi-continuous variable: 0 or a value in the bound.
   *
   * @param id Variable ID.
   * @param options Bounds and labels.
   * @returns The variable.
   */
  semiContinuous(id: number, options?: VariableOptions): ModelVariable;
} = {
  binary: (id, options = {}) => new ModelVariable(id, "binary", { lower: 0, upper: 1 }, options),
  integer: withBounds("integer"),
  continuous: withBounds("continuous"),
  semiInteger: withBounds("semi-integer"),
  semiContinuous: withBounds("semi-continuous"),
};
