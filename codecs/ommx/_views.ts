/**
 * What the analysis helpers (`_analysis.ts`, `_tables.ts`, `_payload_display.ts`) read of an
 * Instance, Solution or SampleSet: structural views, so the helpers never import the payload
 * classes that call them (no import cycle; `tests/architecture_test.ts`). The classes satisfy
 * them as they are.
 *
 * @module
 */

import type { Function } from "./function.ts";
import type {
  Constraint,
  ConstraintBase,
  DecisionVariable,
  IndicatorConstraint,
  NamedFunction,
  VariableSetConstraint,
} from "./instance_data.ts";
import type { SampledValues } from "./sampled_values.ts";
import type { Equality, Label, Sense } from "./types.ts";

/** A constraint family as our payloads name it. */
export type OurConstraintKind = "regular" | "indicator" | "one-hot" | "sos1";

/** The problem of an Instance or ParametricInstance. */
export interface ProblemView {
  /** Objective. */
  readonly objective: Function;
  /** Decision variables. */
  readonly decisionVariables: readonly DecisionVariable[];
  /** Active regular constraints. */
  readonly constraints: readonly Constraint[];
  /** Removed regular constraints. */
  readonly removedConstraints: readonly Constraint[];
  /** Indicator constraints. */
  readonly indicatorConstraints: readonly IndicatorConstraint[];
  /** One-hot constraints. */
  readonly oneHotConstraints: readonly VariableSetConstraint[];
  /** SOS1 constraints. */
  readonly sos1Constraints: readonly VariableSetConstraint[];
  /** Named functions. */
  readonly namedFunctions: readonly NamedFunction[];
  /** Dependent variables. */
  readonly decisionVariableDependency: ReadonlyMap<number, Function>;
}

/** One evaluated constraint of a Solution (`EvaluatedConstraint`). */
export interface EvaluatedRow extends ConstraintBase {
  /** Family. */
  readonly kind: OurConstraintKind;
  /** Relation to zero. */
  readonly equality?: Equality;
  /** Evaluated value. */
  readonly value: number;
  /** Feasibility, when stated. */
  readonly feasible?: boolean;
  /** Variables used. */
  readonly usedDecisionVariableIds: readonly number[];
  /** Dual value. */
  readonly dualVariable?: number;
  /** Indicator variable. */
  readonly indicatorVariable?: number;
  /** Indicator state, when stated. */
  readonly indicatorActive?: boolean;
  /** Structural variables (one-hot / SOS1). */
  readonly variables?: number[];
  /** Active variable, when stated. */
  readonly activeVariable?: number;
}

/** One evaluated named function of a Solution. */
export interface EvaluatedNamedRow extends Label {
  /** ID. */
  readonly id: number;
  /** Value. */
  readonly value: number;
  /** Variables used. */
  readonly usedDecisionVariableIds: readonly number[];
}

/** The data of a Solution. */
export interface SolutionView {
  /** Variable values. */
  readonly state: ReadonlyMap<number, number>;
  /** Decision variables with values. */
  readonly decisionVariables: readonly (DecisionVariable & { readonly value: number })[];
  /** Evaluated constraints. */
  readonly constraints: readonly EvaluatedRow[];
  /** Evaluated named functions. */
  readonly namedFunctions: readonly EvaluatedNamedRow[];
  /** Feasibility tolerance. */
  readonly feasibilityAtol: number | undefined;
}

/** One sampled constraint of a SampleSet (`SampledConstraint`). */
export interface SampledRow extends ConstraintBase {
  /** Family. */
  readonly kind: OurConstraintKind;
  /** Relation to zero. */
  readonly equality?: Equality;
  /** Values per sample. */
  readonly values: SampledValues;
  /** Feasibility per sample. */
  readonly feasible: ReadonlyMap<number, boolean>;
  /** Variables used. */
  readonly usedDecisionVariableIds: readonly number[];
  /** Indicator variable. */
  readonly indicatorVariable?: number;
  /** Structural variables (one-hot / SOS1). */
  readonly variables?: number[];
}

/** One sampled named function of a SampleSet. */
export interface SampledNamedRow extends Label {
  /** ID. */
  readonly id: number;
  /** Values per sample. */
  readonly values: SampledValues;
  /** Variables used. */
  readonly usedDecisionVariableIds: readonly number[];
}

/** The data of a SampleSet. */
export interface SampleSetView {
  /** Direction. */
  readonly sense: Sense;
  /** Objective per sample. */
  readonly objectives: ReadonlyMap<number, number>;
  /** Feasibility per sample. */
  readonly feasible: ReadonlyMap<number, boolean>;
  /** Relaxed feasibility per sample. */
  readonly feasibleRelaxed: ReadonlyMap<number, boolean>;
  /** Decision variables with their samples. */
  readonly decisionVariables: readonly (DecisionVariable & { readonly samples: SampledValues })[];
  /** Sampled constraints. */
  readonly constraints: readonly SampledRow[];
  /** Sampled named functions. */
  readonly namedFunctions: readonly SampledNamedRow[];
  /** Feasibility tolerance. */
  readonly feasibilityAtol: number | undefined;
  /** Sample IDs, ascending. */
  readonly sampleIdsList: number[];
}
