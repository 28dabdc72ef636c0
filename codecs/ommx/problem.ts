/**
 * `ProblemPayload`: the problem fields `Instance` and `ParametricInstance`
 * share (description, sense, objective, decision variables, the constraints
 * of every kind, named functions, dependent variables, output objective), their
 * counts, and the shared part of their plain data.
 *
 * @module
 */

import type { Function } from "./function.ts";
import type {
  Constraint,
  DecisionVariable,
  IndicatorConstraint,
  NamedFunction,
  OutputObjective,
  ProblemData,
  VariableSetConstraint,
} from "./instance_data.ts";
import type { InstanceDescription, Sense } from "./types.ts";
import { ProtobufPayload } from "./payload.ts";
import type { PayloadKind, Source } from "./_layer.ts";
import type { DfOptions, InstanceConstraintsDfOptions, Table } from "./table.ts";
import { problemConstraintsDf, problemNamedFunctionsDf } from "./_tables.ts";
import { problemDisplay } from "./_payload_display.ts";
import { byIdOrThrow } from "./_analysis.ts";
import { compactLabelled, compactVariable, EMPTY_DEPENDENCY } from "./_shared_rows.ts";

/**
 * The collections a problem leaves empty: one frozen empty array shared by all problems instead
 * of a fresh `[]` each (five a typical Instance: ~160 bytes kept for as long as the Instance).
 */
const NONE: readonly never[] = Object.freeze([]);

/** How many constraints of a list are active (no `removedReason`), counted without a copy. */
function activeCount(constraints: readonly { removedReason?: unknown }[]): number {
  let n = 0;
  for (let i = 0; i < constraints.length; i++) if (!constraints[i]!.removedReason) n++;
  return n;
}

/**
 * The base of `Instance` and `ParametricInstance`: an optimisation problem
 * (whose functions may mention parameters in a `ParametricInstance`).
 */
export abstract class ProblemPayload<Data extends ProblemData> extends ProtobufPayload<Data> {
  /** Descriptive metadata. */
  readonly description: InstanceDescription | undefined;
  /** Optimisation direction. */
  readonly sense: Sense;
  /** Objective (in a `ParametricInstance` it may mention parameters). */
  readonly objective: Function;
  /** Decision variables, ascending by ID. */
  readonly decisionVariables: readonly DecisionVariable[];
  /** Active regular constraints (as Python's `constraints`). */
  readonly constraints: readonly Constraint[];
  /** Removed regular constraints (each has `removedReason`; e.g. after a penalty method). */
  readonly removedConstraints: readonly Constraint[];
  /** Indicator constraints (removed ones have `removedReason`). */
  readonly indicatorConstraints: readonly IndicatorConstraint[];
  /** One-hot constraints (removed ones have `removedReason`). */
  readonly oneHotConstraints: readonly VariableSetConstraint[];
  /** SOS1 constraints (removed ones have `removedReason`). */
  readonly sos1Constraints: readonly VariableSetConstraint[];
  /** Named functions. */
  readonly namedFunctions: readonly NamedFunction[];
  /** Dependent variables: ID → defining function. */
  readonly decisionVariableDependency: ReadonlyMap<number, Function>;
  /**
   * The objective evaluation reports, when one has been captured (v2 field 14,
   * written by ommx 3.0.0b7 e.g. after a sense conversion, or the original
   * objective kept by the reference's penalty methods); `sense`/`objective`
   * above are then the active (solver-facing) pair. `Instance.evaluate`
   * reports it instead of the active objective (as the reference does);
   * `ParametricInstance.withParameters` keeps it, parameters substituted.
   */
  readonly outputObjective: OutputObjective | undefined;

  /**
   * Only `Instance` and `ParametricInstance` extend this base.
   *
   * @param kind What differs between the payload classes.
   * @param data The problem (missing collections default to empty).
   * @param source The decoded version and bytes (absent when built from data).
   */
  protected constructor(
    kind: PayloadKind<Data, ProtobufPayload<Data>>,
    data: Partial<ProblemData> & Pick<ProblemData, "objective">,
    source: Source | undefined,
  ) {
    super(kind, data.annotations, source);
    this.description = data.description;
    this.sense = data.sense ?? "minimize";
    this.objective = data.objective;
    // Built from data (not decoded): rows with empty labels or a `[0, 1]` bound keep the shared
    // frozen ones (`_shared_rows.ts`; ~1 KB less a small knapsack). `map` copies like the spread did.
    const built = source === undefined;
    const vars: readonly DecisionVariable[] = data.decisionVariables ?? NONE;
    this.decisionVariables = (built ? vars.map((v) => compactVariable(v)) : [...vars]).sort((
      a,
      b,
    ) => a.id - b.id);
    const given: readonly Constraint[] = data.constraints ?? NONE;
    const cons = built ? given.map((c) => compactLabelled(c)) : given;
    if (cons.some((c) => c.removedReason)) {
      this.constraints = cons.filter((c) => !c.removedReason);
      this.removedConstraints = cons.filter((c) => c.removedReason);
    } else {
      // An exact-length copy (a filtered array keeps room to spare) and no fresh empty array.
      this.constraints = cons.length === 0 ? NONE : cons.slice();
      this.removedConstraints = NONE;
    }
    this.indicatorConstraints = data.indicatorConstraints ?? NONE;
    this.oneHotConstraints = data.oneHotConstraints ?? NONE;
    this.sos1Constraints = data.sos1Constraints ?? NONE;
    this.namedFunctions = data.namedFunctions ?? NONE;
    const deps = data.decisionVariableDependency;
    this.decisionVariableDependency = deps === undefined || deps.size === 0
      ? EMPTY_DEPENDENCY
      : deps;
    this.outputObjective = data.outputObjective;
  }

  /** Number of decision variables. */
  get numVariables(): number {
    return this.decisionVariables.length;
  }

  /** Number of active constraints of all kinds (regular + indicator + one-hot + SOS1). */
  get numConstraints(): number {
    return this.constraints.length + activeCount(this.indicatorConstraints) +
      activeCount(this.oneHotConstraints) + activeCount(this.sos1Constraints);
  }

  /**
   * A decision variable by ID (Python's `get_decision_variable_by_id`).
   *
   * @param id The variable ID.
   * @returns The variable.
   * @throws {NotFoundError} when there is none (Python's `KeyError`).
   */
  getDecisionVariableById(id: number): DecisionVariable {
    return byIdOrThrow(
      this.decisionVariables,
      id,
      "decision variable",
      `Decision variable with ID ${id} not found`,
    );
  }

  /**
   * An active regular constraint by ID (Python's `get_constraint_by_id`).
   *
   * @param id The constraint ID.
   * @returns The constraint.
   * @throws {NotFoundError} when there is none (a removed one: see
   *   {@linkcode ProblemPayload.getRemovedConstraintById}).
   */
  getConstraintById(id: number): Constraint {
    return byIdOrThrow(this.constraints, id, "constraint", `Constraint with ID ${id} not found`);
  }

  /**
   * A removed regular constraint by ID (Python's `get_removed_constraint_by_id`).
   *
   * @param id The constraint ID.
   * @returns The constraint (with `removedReason`).
   * @throws {NotFoundError} when there is none.
   */
  getRemovedConstraintById(id: number): Constraint {
    return byIdOrThrow(
      this.removedConstraints,
      id,
      "removed constraint",
      `Removed constraint with ID ${id} not found`,
    );
  }

  /**
   * A named function by ID (Python's `get_named_function_by_id`).
   *
   * @param id The named-function ID.
   * @returns The named function.
   * @throws {NotFoundError} when there is none.
   */
  getNamedFunctionById(id: number): NamedFunction {
    return byIdOrThrow(
      this.namedFunctions,
      id,
      "named function",
      `Named function with ID ${id} not found`,
    );
  }

  /**
   * The decision variables as a table (Python's `decision_variables_df`).
   *
   * @param options Column families.
   * @returns The table.
   */
  abstract decisionVariablesDf(options?: DfOptions): Table;

  /**
   * The constraints of one family as a table (Python's `constraints_df`):
   * index `<kind>_constraint_id`; regular: `equality` (`=0` / `<=0`), `type`
   * (`Linear`, …), `used_ids`; indicator: `indicator_variable_id` first;
   * one-hot / SOS1: `variables`, `num_variables`, `used_ids`; then `name`,
   * `subscripts`, `description`, `parameters.<key>`; with `removed: true`
   * removed constraints too and `removed_reason`, `removed_reason.<key>`.
   *
   * @param options Family, column families, removed rows.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown family or column family.
   */
  constraintsDf(options: InstanceConstraintsDfOptions = {}): Table {
    return problemConstraintsDf(this, options);
  }

  /**
   * The named functions as a table (Python's `named_functions_df`): index
   * `id`; `type`, `function` (the {@linkcode Function}; CSV `Function(...)`),
   * `used_ids`, the label columns, `parameters.<key>`.
   *
   * @param options Column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown column family.
   */
  namedFunctionsDf(options: DfOptions = {}): Table {
    return problemNamedFunctionsDf(this, options);
  }

  /**
   * The notebook display: sizes, objective and the decision-variable and
   * constraint tables (HTML, escaped) and the plain text.
   *
   * @returns The MIME bundle (`text/html`, `text/plain`).
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return problemDisplay(this);
  }

  /**
   * The problem as plain data (constraints of every state in one list per
   * kind); the payload classes add their own fields.
   *
   * @returns The shared part of the data.
   */
  protected problemData(): ProblemData {
    const d: ProblemData = {
      sense: this.sense,
      objective: this.objective,
      decisionVariables: [...this.decisionVariables],
      constraints: [...this.constraints, ...this.removedConstraints],
      indicatorConstraints: [...this.indicatorConstraints],
      oneHotConstraints: [...this.oneHotConstraints],
      sos1Constraints: [...this.sos1Constraints],
      namedFunctions: [...this.namedFunctions],
      decisionVariableDependency: new Map(this.decisionVariableDependency),
      annotations: { ...this.extensionAnnotations },
    };
    if (this.description) d.description = this.description;
    if (this.outputObjective) d.outputObjective = this.outputObjective;
    return d;
  }
}
