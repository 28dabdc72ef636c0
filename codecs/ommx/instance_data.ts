/**
 * Plain-data shapes of an OMMX (parametric) instance, independent of the
 * v1/v2 wire layout.
 *
 * @module
 */

import type { Function } from "./function.ts";
import type { DecisionVariable } from "./decision_variable.ts";
import type { Equality, InstanceDescription, Label, RemovedReason, Sense } from "./types.ts";

export type { DecisionVariable } from "./decision_variable.ts";

/** One lineage step of a derived constraint. */
export interface Provenance {
  /** Kind of the source special constraint. */
  kind: "indicator" | "one-hot" | "sos1";
  /** ID of the source special constraint. */
  id: number;
}

/** Fields shared by every constraint row. */
export interface ConstraintBase extends Label {
  /** Constraint ID (unique within its kind). */
  id: number;
  /** Set when the constraint was removed (e.g. by preprocessing). */
  removedReason?: RemovedReason;
  /** Lineage (v2 contexts). */
  provenance?: Provenance[];
}

/** A regular constraint `f(x) = 0` or `f(x) <= 0`. */
export interface Constraint extends ConstraintBase {
  /** Relation to zero. */
  equality: Equality;
  /** The constraint function. */
  function: Function;
}

/** `x[indicatorVariable] = 1 ⇒ f(x) {=,<=} 0`. */
export interface IndicatorConstraint extends ConstraintBase {
  /** The binary indicator variable. */
  indicatorVariable: number;
  /** Relation to zero. */
  equality: Equality;
  /** The constraint function. */
  function: Function;
}

/** Exactly one of `variables` equals 1 (one-hot), or at most one is non-zero (SOS1). */
export interface VariableSetConstraint extends ConstraintBase {
  /** Variable IDs. */
  variables: number[];
}

/** A named auxiliary function. */
export interface NamedFunction extends Label {
  /** ID. */
  id: number;
  /** The function. */
  function: Function;
}

/** A parameter of a parametric instance. */
export interface Parameter extends Label {
  /** Parameter ID (disjoint from decision-variable IDs). */
  id: number;
}

/**
 * The objective evaluation reports (`ommx.v2` field 14, written by ommx 3.0.0b7; see docs/format-notes.md): kept
 * when the active objective was rewritten for a solver (sense flip, penalty terms).
 */
export interface OutputObjective {
  /** Direction of the output objective. */
  sense: Sense;
  /** The output objective function. */
  function: Function;
  /** Whether optimality for the active objective carries over to this one. */
  preservesOptimality: boolean;
}

/**
 * The problem both an instance and a parametric instance hold (everything but
 * parameter values and parameter definitions).
 */
export interface ProblemData {
  /** Descriptive metadata. */
  description?: InstanceDescription;
  /** Optimisation direction. */
  sense: Sense;
  /** Objective function. */
  objective: Function;
  /** Decision variables. */
  decisionVariables: DecisionVariable[];
  /** Regular constraints (active and removed; removed ones carry `removedReason`). */
  constraints: Constraint[];
  /** Indicator constraints (active and removed). */
  indicatorConstraints: IndicatorConstraint[];
  /** One-hot constraints (active and removed). */
  oneHotConstraints: VariableSetConstraint[];
  /** SOS1 constraints (active and removed). */
  sos1Constraints: VariableSetConstraint[];
  /** Named functions. */
  namedFunctions: NamedFunction[];
  /** Dependent variables: ID → defining function. */
  decisionVariableDependency: Map<number, Function>;
  /** Extension annotations (keys never start with `org.ommx.v1.`). */
  annotations: Record<string, string>;
  /** Output objective, if one was captured (v2 only; v1 cannot carry it). */
  outputObjective?: OutputObjective;
}

/** Everything an instance holds. */
export interface InstanceData extends ProblemData {
  /** Parameter values the instance was built with (`ommx.v1.Parameters`). */
  parameterValues?: Map<number, number>;
}

/** Instance data plus parameter definitions. */
export interface ParametricInstanceData extends ProblemData {
  /** Parameters. */
  parameters: Parameter[];
}
