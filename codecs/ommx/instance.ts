/**
 * The problem classes: `Instance` (an optimisation problem decoded from `ommx.v1.Instance` or
 * `ommx.v2.Instance`, or modelled with {@linkcode Instance.fromComponents}) and
 * `ParametricInstance` (an instance whose functions may mention parameters). They live in one
 * file because each converts into the other (`Instance.penaltyMethod` returns a
 * `ParametricInstance`, `ParametricInstance.withParameters` an `Instance`) and the package allows
 * no import cycle.
 *
 * Python mutates an `ommx.Instance` in place (`log_encode`, `to_qubo`, …); these classes are
 * immutable, so every such method returns a new object instead (documented on each method).
 *
 * @module
 */

import { problemKind } from "./_layer.ts";
import { fromBinary, toBinary } from "../../core/_protobuf.ts";
import { InvalidArgumentError, UnknownIdError } from "../../core/errors.ts";
import { type ConstraintSpec, Function, type FunctionLike, type Monomial } from "./function.ts";
import {
  InstanceSchema as V1InstanceSchema,
  ParametricInstanceSchema as V1ParametricInstanceSchema,
} from "./gen/ommx/v1/package_static.ts";
import { ParametricInstanceSchema as V2ParametricInstanceSchema } from "./gen/ommx/v2/package_static.ts";
import type {
  Constraint,
  DecisionVariable,
  IndicatorConstraint,
  InstanceData,
  NamedFunction,
  Parameter,
  ParametricInstanceData,
  ProblemData,
  VariableSetConstraint,
} from "./instance_data.ts";
import {
  encodeInstanceData,
  instanceToV2Message,
  parametricToV2Message,
  readInstanceData,
  readParametricInstanceData,
} from "./_instance_wire.ts";
import type {
  Equality,
  InstanceDescription,
  Label,
  OmmxVersion,
  Sense,
  StateLike,
} from "./types.ts";
import { ProblemPayload } from "./problem.ts";
import type { DfOptions, Table } from "./table.ts";
import { parametersDf, problemDecisionVariablesDf } from "./_tables.ts";
import { Solution } from "./solution.ts";
import { SampleSet } from "./sample_set.ts";
import { Evaluator } from "./_evaluate.ts";
import { type InstanceStats, instanceStats, requiredIdsOf, usedIdsOf } from "./_usage.ts";
import {
  asMaximizationProblem,
  asMinimizationProblem,
  convertActiveObjective,
  logEncode,
  partialEvaluate,
  penaltyMethod,
  reduceBinaryPower,
  uniformPenaltyMethod,
  withParameterValues,
} from "./_transform.ts";
import { asHuboFormat, asQuboFormat, prepareFor, type QuboConversionOptions } from "./_qubo.ts";
import type { SaveMpsOptions } from "./_mps.ts";
import { constraintFeasible, DEFAULT_FEASIBILITY_ATOL } from "./_feasibility.ts";
import { byIdOrThrow } from "./_analysis.ts";
import { sharedBound, sharedLabels } from "./_shared_rows.ts";

export type { InstanceStats, QuboConversionOptions, SaveMpsOptions };

/** Options of the evaluation methods (Python's keyword argument `atol`). */
export interface EvaluateOptions {
  /**
   * Absolute tolerance for feasibility and for canonicalising near-integer values (default
   * 1e-6, the reference's).
   */
  atol?: number;
  /** @deprecated The former name of {@linkcode EvaluateOptions.atol}. */
  tolerance?: number;
}

/** One constraint in an {@linkcode Evaluation}. */
export interface ConstraintEvaluation {
  /** Constraint ID (unique within its `kind`). */
  id: number;
  /** Which collection the constraint belongs to. */
  kind: "regular" | "indicator" | "one-hot" | "sos1";
  /** Value of the constraint function (one-hot: sum − 1; SOS1: non-zero count − 1). */
  value: number;
  /** Relation to zero. */
  equality: Equality;
  /** Amount of violation (0 when satisfied exactly). */
  violation: number;
  /** Whether the constraint holds at the tolerance (as in the reference's `Solution`). */
  feasible: boolean;
  /** Whether the constraint had been removed from the instance. */
  removed: boolean;
}

/**
 * Result of {@linkcode Instance.evaluateSummary}: the objective and feasibility flags of the
 * {@linkcode Solution} that {@linkcode Instance.evaluate} returns, without building it.
 */
export interface Evaluation {
  /** Objective value (of the output objective when one is captured, as the reference does). */
  objective: number;
  /** Direction of the reported objective. */
  sense: Sense;
  /** Every constraint (active and removed, all kinds), evaluated. */
  constraints: ConstraintEvaluation[];
  /**
   * Whether every constraint, including removed ones, holds and every decision variable's value
   * fits its kind and bound (the reference's `Solution.feasible`).
   */
  feasible: boolean;
  /** Like `feasible`, ignoring removed constraints (the reference's `feasible_relaxed`). */
  feasibleRelaxed: boolean;
}

/**
 * Samples for {@linkcode Instance.evaluateSamples} (Python's `ToSamples`): sample ID → state, or
 * an array of states (sample IDs 0, 1, …).
 */
export type SamplesLike = ReadonlyMap<number, StateLike> | readonly StateLike[];

/**
 * What {@linkcode Instance.fromComponents} takes (Python's `Instance.from_components` keyword
 * arguments); constraints are keyed by their IDs.
 */
export interface InstanceComponents {
  /** Optimisation direction. */
  sense: Sense;
  /** Objective: a function, a variable or a number. */
  objective: FunctionLike;
  /** Decision variables (e.g. from `DecisionVariable.binary(id)`). */
  decisionVariables: readonly DecisionVariable[];
  /** Regular constraints by ID (e.g. `{ 0: x.add(y).le(1) }`). */
  constraints?:
    | ReadonlyMap<number, ConstraintSpec>
    | Readonly<Record<number, ConstraintSpec>>;
  /** Indicator constraints by ID. */
  indicatorConstraints?:
    | ReadonlyMap<number, Omit<IndicatorConstraint, "id">>
    | Readonly<Record<number, Omit<IndicatorConstraint, "id">>>;
  /** One-hot constraints by ID. */
  oneHotConstraints?:
    | ReadonlyMap<number, Omit<VariableSetConstraint, "id">>
    | Readonly<Record<number, Omit<VariableSetConstraint, "id">>>;
  /** SOS1 constraints by ID. */
  sos1Constraints?:
    | ReadonlyMap<number, Omit<VariableSetConstraint, "id">>
    | Readonly<Record<number, Omit<VariableSetConstraint, "id">>>;
  /** Named functions. */
  namedFunctions?: readonly NamedFunction[];
  /** Description. */
  description?: InstanceDescription;
}

/** A parameter of {@linkcode ParametricInstance.fromComponents} (Python's `Parameter(id, …)`). */
export type ParameterSpec = Pick<Parameter, "id"> & Partial<Label>;

/**
 * What {@linkcode ParametricInstance.fromComponents} takes (Python's
 * `ParametricInstance.from_components` keyword arguments): those of an instance plus the
 * parameters, whose IDs the functions may use like variables (a parameter is a
 * {@linkcode FunctionLike}: `x.mul(p)`).
 */
export interface ParametricInstanceComponents extends InstanceComponents {
  /** Parameters (IDs distinct from each other and from the decision variables). */
  parameters: readonly ParameterSpec[];
}

/** QUBO coefficients: `[i, j, value]` with `i <= j`, ascending (Python's `{(i, j): value}`). */
export type QuboTerms = [number, number, number][];

/** Result of {@linkcode Instance.asQuboFormat}. */
export interface QuboFormat {
  /** The quadratic (and, on the diagonal, linear) coefficients. */
  qubo: QuboTerms;
  /** The constant term. */
  offset: number;
}

/** Result of {@linkcode Instance.asHuboFormat}. */
export interface HuboFormat {
  /** Terms with distinct binary variable IDs, ascending (Python's `{(i, j, …): value}`). */
  hubo: Monomial[];
  /** The constant term. */
  offset: number;
}

/**
 * Result of {@linkcode Instance.toQubo}: the QUBO and the prepared instance (Python changes
 * the instance in place; evaluate the sampler's states with `instance`).
 */
export interface QuboConversion extends QuboFormat {
  /** The prepared instance. */
  instance: Instance;
}

/** Result of {@linkcode Instance.toHubo}. */
export interface HuboConversion extends HuboFormat {
  /** The prepared instance. */
  instance: Instance;
}

/** What an `Instance` tells its base class. */
const INSTANCE = problemKind<InstanceData, Instance>("org.ommx.v1.instance", {
  v1Message: (bytes) => fromBinary(V1InstanceSchema, bytes),
  v2Message: (data) => instanceToV2Message(data),
  encode: encodeInstanceData,
  create: (data, source) => new Instance(data, source),
});

function atolOf(options: EvaluateOptions): number {
  const atol = options.atol ?? options.tolerance ?? DEFAULT_FEASIBILITY_ATOL;
  if (!(atol > 0 && atol < Infinity)) {
    throw new InvalidArgumentError(`atol ${atol} must be finite and positive`);
  }
  return atol;
}

function entriesOf<T>(
  m: ReadonlyMap<number, T> | Readonly<Record<number, T>> | undefined,
  what: string,
): [number, T][] {
  if (m === undefined) return [];
  const out: [number, T][] = m instanceof Map
    ? [...(m as ReadonlyMap<number, T>)]
    : Object.entries(m as Record<string, T>).map(([k, v]) => [Number(k), v]);
  if (!(m instanceof Map)) {
    for (const k of Object.keys(m)) {
      if (String(Number(k)) !== k) {
        throw new InvalidArgumentError(
          `${what} ID ${JSON.stringify(k)} is not a non-negative safe integer`,
        );
      }
    }
  }
  for (const [id] of out) {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new InvalidArgumentError(`${what} ID ${id} is not a non-negative safe integer`);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function labelOf(l: Partial<Label>): Label {
  const out: Label = sharedLabels(l.subscripts, l.parameters);
  if (l.name !== undefined) out.name = l.name;
  if (l.description !== undefined) out.description = l.description;
  return out;
}

/**
 * An optimisation problem.
 *
 * @example Model, evaluate, encode and decode
 * ```ts
 * import { DecisionVariable, Function, Instance } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const [x, y] = [DecisionVariable.binary(1), DecisionVariable.binary(2)];
 * const inst = Instance.fromComponents({
 *   sense: "maximize",
 *   objective: x.add(y.mul(2)),
 *   decisionVariables: [x, y],
 *   constraints: { 0: x.add(y).le(1) },
 * });
 * const back = Instance.decode(inst.toBytes(), "v2");
 * assert.equal(back.numVariables, 2);
 * const solution = back.evaluate({ 1: 0, 2: 1 });
 * assert.equal(solution.objective, 2);
 * assert.equal(solution.feasible, true);
 * assert.equal(back.evaluateSummary({ 1: 1, 2: 1 }).feasible, false);
 * ```
 */
export class Instance extends ProblemPayload<InstanceData> {
  /** Parameter values the instance was built with, if recorded. */
  readonly parameterValues: ReadonlyMap<number, number> | undefined;
  /**
   * The compiled evaluator, held weakly: reused while anything still uses it (every call in one
   * synchronous job, a running `evaluateSamples`), rebuilt after a collection. Held strongly, it
   * kept ~5 KB of typed arrays alive per Instance for as long as the Instance lived (the writer
   * benchmark's 4,500 kept instances: 24 MiB of a 78 MiB live heap).
   */
  #evaluator: WeakRef<Evaluator> | undefined;

  /**
   * Build an instance from plain data (missing collections default to empty). Prefer
   * {@linkcode Instance.fromComponents}, which checks the data as the reference does.
   *
   * @param data The instance content.
   * @param source Internal: the version and bytes it was decoded from.
   */
  constructor(
    data: Partial<InstanceData> & Pick<InstanceData, "objective">,
    source?: { version: OmmxVersion; bytes?: Uint8Array },
  ) {
    super(INSTANCE, data, source);
    this.parameterValues = data.parameterValues;
  }

  /**
   * Decode an `ommx.v1.Instance` or `ommx.v2.Instance` payload, enforcing the reference reader rules.
   *
   * @param bytes The payload.
   * @param version Which package the bytes use (from the media type).
   * @returns The instance.
   * @throws {DecodeError} on malformed bytes or rule violations.
   * @throws {UnsupportedError} on unknown required features or a newer format version.
   */
  static decode(bytes: Uint8Array, version: OmmxVersion): Instance {
    return new Instance(readInstanceData(bytes, version), { version, bytes });
  }

  /**
   * Build an instance from its components (Python's `Instance.from_components`), checking what
   * the reference checks: decision-variable IDs are distinct, every ID a function or constraint
   * uses is a decision variable, and bounds suit their kinds.
   *
   * @param components Sense, objective, decision variables, constraints by ID, …
   * @returns The instance.
   * @throws {InvalidArgumentError} for duplicate IDs, invalid bounds or IDs.
   * @throws {UnknownIdError} for a function or constraint that uses an undefined variable.
   *
   * @example
   * ```ts
   * import { DecisionVariable, Instance } from "./mod.ts";
   * import assert from "node:assert/strict";
   * const x = DecisionVariable.integer(0, { lower: 0, upper: 5, name: "x" });
   * const inst = Instance.fromComponents({
   *   sense: "minimize",
   *   objective: x.mul(2),
   *   decisionVariables: [x],
   *   constraints: { 3: x.ge(1) },
   * });
   * assert.deepEqual(inst.constraintIds, [3]);
   * assert.equal(inst.evaluate({ 0: 1 }).objective, 2);
   * ```
   */
  static fromComponents(components: InstanceComponents): Instance {
    return new Instance(problemFromComponents(components));
  }

  /**
   * The content as plain data (constraints of every state in one list per kind).
   *
   * @returns The data.
   */
  toData(): InstanceData {
    const { outputObjective, ...problem } = this.problemData();
    const d: InstanceData = problem;
    if (this.parameterValues) d.parameterValues = new Map(this.parameterValues);
    if (outputObjective) d.outputObjective = outputObjective;
    return d;
  }

  /** Decision-variable IDs, ascending. */
  get variableIds(): number[] {
    return this.decisionVariables.map((v) => v.id);
  }

  /** IDs of the active regular constraints, ascending. */
  get constraintIds(): number[] {
    return this.constraints.map((c) => c.id).sort((a, b) => a - b);
  }

  #eval(): Evaluator {
    let ev = this.#evaluator?.deref();
    if (ev === undefined) {
      ev = new Evaluator(this.toData());
      this.#evaluator = new WeakRef(ev);
    }
    return ev;
  }

  /**
   * Evaluate at a state, as Python's `Instance.evaluate` does: the state is checked and
   * populated (fixed, dependent and irrelevant variables filled in; binary and integer values
   * within `atol` of an integer made exact), then the objective (the output objective when one
   * is captured), every constraint (removed ones too), every named function and every variable's
   * kind and bound are evaluated.
   *
   * @param state Variable values by ID (every variable the objective or an active constraint
   *   uses; others are optional).
   * @param options `atol` (default 1e-6).
   * @returns The solution (`feasible`: all constraints and variables; `feasibleRelaxed`:
   *   removed constraints ignored).
   * @throws {UnknownIdError} when the state names an ID that is not a decision variable.
   * @throws {MissingIdError} when a used variable has no value.
   * @throws {InvalidArgumentError} for a non-finite value, a value that contradicts a fixed or
   *   dependent variable, or an indicator variable that is neither 0 nor 1.
   */
  evaluate(state: StateLike, options: EvaluateOptions = {}): Solution {
    return new Solution(this.#eval().solution(state, atolOf(options)));
  }

  /**
   * The cheap path of {@linkcode Instance.evaluate}: the same checks, objective and feasibility
   * flags, and each constraint's value and violation, without building a {@linkcode Solution}
   * (for adapters that search many states).
   *
   * @param state Variable values by ID.
   * @param options `atol` (default 1e-6).
   * @returns Objective, per-constraint results and feasibility.
   * @throws {UnknownIdError} / {MissingIdError} / {InvalidArgumentError} as `evaluate`.
   */
  evaluateSummary(state: StateLike, options: EvaluateOptions = {}): Evaluation {
    const atol = atolOf(options);
    const ev = this.#eval();
    const row = new Float64Array(ev.ids.length);
    const where = "the state";
    ev.populate(state, atol, where, row);
    const constraints: ConstraintEvaluation[] = [];
    let feasible = ev.variablesValid(row, atol);
    let feasibleRelaxed = feasible;
    const push = (e: ConstraintEvaluation) => {
      constraints.push(e);
      if (e.feasible) return;
      feasible = false;
      if (!e.removed) feasibleRelaxed = false;
    };
    for (const r of ev.regular) {
      const value = ev.value(r.f, row, `regular constraint ${r.c.id}`, where);
      push({
        id: r.c.id,
        kind: "regular",
        value,
        equality: r.c.equality,
        violation: r.c.equality === "=" ? Math.abs(value) : Math.max(0, value),
        feasible: constraintFeasible(r.c.equality, value, atol),
        removed: r.removed,
      });
    }
    for (const r of ev.indicator) {
      const value = ev.value(r.f, row, `indicator constraint ${r.c.id}`, where);
      const on = ev.indicatorOn(r, row, atol, where);
      push({
        id: r.c.id,
        kind: "indicator",
        value,
        equality: r.c.equality,
        violation: on ? (r.c.equality === "=" ? Math.abs(value) : Math.max(0, value)) : 0,
        feasible: !on || constraintFeasible(r.c.equality, value, atol),
        removed: r.removed,
      });
    }
    for (const s of ev.sets) {
      const stage = ev.setStage(s, row, atol);
      let sum = 0;
      let nonZero = 0;
      for (const c of s.cols) {
        sum += row[c]!;
        if (!(Math.abs(row[c]!) <= atol)) nonZero++;
      }
      const value = s.kind === "one-hot" ? sum - 1 : nonZero - 1;
      push({
        id: s.c.id,
        kind: s.kind,
        value,
        equality: s.kind === "one-hot" ? "=" : "<=",
        violation: stage.feasible ? 0 : s.kind === "one-hot" ? Math.abs(value) || 1 : value,
        feasible: stage.feasible,
        removed: s.removed,
      });
    }
    return {
      objective: ev.value(ev.objective, row, "the objective", where),
      sense: ev.sense,
      constraints,
      feasible,
      feasibleRelaxed,
    };
  }

  /**
   * Evaluate many samples at once (Python's `evaluate_samples`); each sample is checked,
   * populated and evaluated as in {@linkcode Instance.evaluate}.
   *
   * @param samples Sample ID → state, or an array of states (IDs 0, 1, …).
   * @param options `atol` (default 1e-6).
   * @returns The sample set.
   * @throws {UnknownIdError} / {MissingIdError} / {InvalidArgumentError} as `evaluate`, naming
   *   the sample; {InvalidArgumentError} for a sample ID that is not a non-negative safe integer.
   */
  evaluateSamples(samples: SamplesLike, options: EvaluateOptions = {}): SampleSet {
    const map: ReadonlyMap<number, StateLike> = samples instanceof Map
      ? samples as ReadonlyMap<number, StateLike>
      : new Map((samples as readonly StateLike[]).map((s, i) => [i, s]));
    return new SampleSet(this.#eval().sampleSet(map, atolOf(options)));
  }

  /**
   * The populated state (Python's `populate_state`): the state checked, canonicalised and
   * completed with every decision variable, as {@linkcode Instance.evaluate} uses it.
   *
   * @param state Variable values by ID.
   * @param options `atol` (default 1e-6).
   * @returns Variable ID → value, for every decision variable, ascending.
   */
  populateState(state: StateLike, options: EvaluateOptions = {}): Map<number, number> {
    const ev = this.#eval();
    const row = new Float64Array(ev.ids.length);
    ev.populate(state, atolOf(options), "the state", row);
    return new Map(ev.ids.map((id, c) => [id, row[c]!]));
  }

  /**
   * Fix some decision variables (Python's `partial_evaluate`): the values are checked against
   * kind and bound and canonicalised, special constraints are propagated (a one-hot constraint
   * with a variable at 1 fixes the others to 0, …), the objective, active constraints and named
   * functions are rewritten, and the variables keep their fixed values (`substitutedValue`) for
   * output evaluation. Returns a new instance (Python changes the instance in place).
   *
   * @param state Values of the variables to fix.
   * @param options `atol` (default 1e-6).
   * @returns The new instance.
   * @throws {UnknownIdError} for an ID that is not a decision variable.
   * @throws {InvalidArgumentError} for a value outside the variable's kind or bound, a non-finite
   *   value, or a propagation conflict.
   */
  partialEvaluate(state: StateLike, options: EvaluateOptions = {}): Instance {
    return new Instance(partialEvaluate(this.toData(), state, atolOf(options)));
  }

  /**
   * Counts of decision variables by kind and by usage, and of regular constraints (Python's
   * `stats()`, with the same keys).
   *
   * @returns The statistics.
   */
  stats(): InstanceStats {
    return instanceStats(this.toData());
  }

  /**
   * The decision variables the objective and the active constraints use (Python's
   * `used_decision_variables`), ascending by ID.
   */
  get usedDecisionVariables(): DecisionVariable[] {
    const used = new Set(usedIdsOf(this));
    return this.decisionVariables.filter((v) => used.has(v.id));
  }

  /**
   * The decision-variable IDs a state must give (Python's `required_ids()`): those the objective
   * and active constraints use; IDs only the output objective uses are not required.
   *
   * @returns The IDs, ascending.
   */
  requiredIds(): number[] {
    return requiredIdsOf(this);
  }

  /**
   * This instance as a parametric instance without parameters (Python's
   * `as_parametric_instance`).
   *
   * @returns The parametric instance.
   */
  asParametricInstance(): ParametricInstance {
    const { parameterValues: _p, ...d } = this.toData();
    return new ParametricInstance({ ...d, parameters: [] });
  }

  /**
   * Move every active regular constraint `f(x) {=, <=} 0` into the objective as `λ_i f(x)²`
   * with one new parameter `λ_i` per constraint (Python's `penalty_method`). Parameter IDs
   * follow the largest decision-variable (or recorded parameter) ID, one per constraint in
   * ascending constraint order, named `penalty_weight` with subscript `[constraint ID]`; the
   * constraints become removed (reason `ommx.Instance.penalty_method`, parameter
   * `parameter_id`). The active objective before the penalty is kept as the output objective
   * when none is captured yet. Inequalities get `f(x)²` too, as in the reference.
   *
   * @returns The parametric instance.
   * @throws {InvalidArgumentError} when active indicator, one-hot or SOS1 constraints remain.
   */
  penaltyMethod(): ParametricInstance {
    return new ParametricInstance(penaltyMethod(this.toData()));
  }

  /**
   * Like {@linkcode Instance.penaltyMethod} with one parameter `λ` (named
   * `uniform_penalty_weight`) for all constraints: `f(x) + λ Σ f_i(x)²` (Python's
   * `uniform_penalty_method`). Without active constraints no parameter is added.
   *
   * @returns The parametric instance.
   * @throws {InvalidArgumentError} when active indicator, one-hot or SOS1 constraints remain.
   */
  uniformPenaltyMethod(): ParametricInstance {
    return new ParametricInstance(uniformPenaltyMethod(this.toData()));
  }

  /**
   * Log-encode integer decision variables into new binary ones (Python's `log_encode`): an
   * integer `x ∈ [l, u]` becomes `l + Σ_{i<m-1} 2^i b_i + (u - l - 2^{m-1} + 1) b_{m-1}` with
   * `m` bits, new IDs after the largest variable ID (named `ommx.log_encode`, subscripts
   * `[x, i]`); `x` becomes a dependent variable and the objective, active constraints and named
   * functions are rewritten. Returns a new instance (Python changes the instance in place).
   *
   * @param ids Variables to encode; empty (the default) encodes every used integer variable.
   * @param options `atol` for rounding bounds to integers (default 1e-6).
   * @returns The new instance.
   * @throws {UnknownIdError} for an unknown ID; {InvalidArgumentError} for a non-integer or fixed
   *   variable, an infinite bound, or a range needing more than 53 bits.
   */
  logEncode(ids: Iterable<number> = [], options: EvaluateOptions = {}): Instance {
    return new Instance(logEncode(this.toData(), [...ids], atolOf(options)));
  }

  /**
   * Replace `x^n` of binary variables by `x` (Python's `reduce_binary_power`). Returns the new
   * instance and whether anything changed (Python returns the flag and changes in place).
   *
   * @returns The new instance and the flag.
   */
  reduceBinaryPower(): { instance: Instance; reduced: boolean } {
    const d = this.toData();
    const reduced = reduceBinaryPower(d);
    return { instance: reduced ? new Instance(d) : this, reduced };
  }

  /**
   * Make the active objective have `target` sense, keeping what evaluation reports (Python's
   * `convert_active_objective`): the objective is negated and the former pair is captured as
   * the output objective. Returns the new instance and whether it changed.
   *
   * @param target The sense.
   * @returns The new instance and the flag.
   */
  convertActiveObjective(target: Sense): { instance: Instance; converted: boolean } {
    const d = this.toData();
    const converted = convertActiveObjective(d, target);
    return { instance: converted ? new Instance(d) : this, converted };
  }

  /**
   * Turn the problem into a minimisation (Python's `as_minimization_problem`): the active and
   * the output objective are negated where they maximise.
   *
   * @returns The new instance and whether anything changed.
   */
  asMinimizationProblem(): { instance: Instance; converted: boolean } {
    const d = this.toData();
    const converted = asMinimizationProblem(d);
    return { instance: converted ? new Instance(d) : this, converted };
  }

  /**
   * Turn the problem into a maximisation (Python's `as_maximization_problem`).
   *
   * @returns The new instance and whether anything changed.
   */
  asMaximizationProblem(): { instance: Instance; converted: boolean } {
    const d = this.toData();
    const converted = asMaximizationProblem(d);
    return { instance: converted ? new Instance(d) : this, converted };
  }

  /**
   * The active objective as QUBO coefficients (Python's `as_qubo_format`): a linear term `x_i`
   * goes to `(i, i)`, products to `(i, j)` with `i <= j`; coefficients of magnitude at most
   * machine epsilon are dropped.
   *
   * @returns The coefficients and the offset.
   * @throws {InvalidArgumentError} unless the instance minimises, has no active constraints,
   *   and its objective has degree ≤ 2 in binary variables only.
   */
  asQuboFormat(): QuboFormat {
    return asQuboFormat(this.toData());
  }

  /**
   * The active objective as HUBO coefficients (Python's `as_hubo_format`): each term keyed by
   * its distinct binary variable IDs (`x_i^2 = x_i`).
   *
   * @returns The terms and the offset.
   * @throws {InvalidArgumentError} unless the instance minimises, has no active constraints,
   *   and its objective uses binary variables only.
   */
  asHuboFormat(): HuboFormat {
    return asHuboFormat(this.toData());
  }

  /**
   * Prepare the instance for a QUBO sampler and return the QUBO (Python's `to_qubo`): indicator,
   * one-hot and SOS1 constraints lowered (Big-M), the active objective turned to minimisation
   * (the original kept as the output objective), inequalities given integer slack (exact when the
   * range is at most `inequalityIntegerSlackMaxRange`, else an inequality slack), constraints
   * penalised with fixed weights (uniform 1 by default), used integers log-encoded and binary
   * powers reduced — each step only while the instance is not yet a QUBO, in that order. Python changes the
   * instance in place; here the prepared instance is returned with the QUBO: evaluate the
   * sampler's states with it.
   *
   * @param options Penalty weights and the slack range.
   * @returns The QUBO, its offset and the prepared instance.
   * @throws {InvalidArgumentError} when both penalty options are given, the weights do not cover
   *   exactly the constraints ({UnknownIdError} / {MissingIdError}), a bound proves a constraint
   *   infeasible, or the instance cannot become a QUBO (e.g. continuous variables).
   */
  toQubo(options: QuboConversionOptions = {}): QuboConversion {
    const d = prepareFor(this.toData(), "qubo", options);
    return { ...asQuboFormat(d), instance: new Instance(d) };
  }

  /**
   * Like {@linkcode Instance.toQubo} for a HUBO (Python's `to_hubo`): any degree, no binary power
   * reduction.
   *
   * @param options Penalty weights and the slack range.
   * @returns The HUBO, its offset and the prepared instance.
   */
  toHubo(options: QuboConversionOptions = {}): HuboConversion {
    const d = prepareFor(this.toData(), "hubo", options);
    return { ...asHuboFormat(d), instance: new Instance(d) };
  }

  /**
   * Read an MPS file as the reference does (`Instance.load_mps`): free or fixed format, gzip
   * detected from the bytes; `OBJSENSE`, `RANGES`, `BOUNDS` (`LO UP FX MI PL BV FR UI LI`),
   * `MARKER` integer blocks, `QUADOBJ` and `QCMATRIX`; variables get IDs 0, 1, … in column order
   * and constraints in row order, named after them — or the IDs of a file this SDK (or the
   * reference) wrote, from its `OMMX_VAR_<id>` / `OMMX_CONSTR_<id>` names.
   *
   * @param pathOrBytes A file path (Deno/Node) or the file's bytes.
   * @returns The instance.
   * @throws {DecodeError} for malformed MPS data.
   */
  static async loadMps(pathOrBytes: string | URL | Uint8Array): Promise<Instance> {
    const bytes = typeof pathOrBytes === "string" || pathOrBytes instanceof URL
      ? await readFileBytes(pathOrBytes)
      : pathOrBytes;
    const { readMps } = await mpsCodec();
    return new Instance(await readMps(bytes));
  }

  /**
   * Write the instance as an MPS file (Python's `save_mps`; gzip-compressed unless
   * `compress: false`, as the reference): the objective, the active regular constraints (degree
   * ≤ 2) and the variables they use, named `OMMX_VAR_<id>` / `OMMX_CONSTR_<id>`. The text is
   * the reference's byte for byte; names, removed and special constraints are not kept.
   *
   * @param path The file path (Deno/Node).
   * @param options `compress` (default true).
   * @throws {UnsupportedError} for a function of degree > 2.
   */
  async saveMps(path: string | URL, options: SaveMpsOptions = {}): Promise<void> {
    await writeFileBytes(path, await this.toMpsBytes(options));
  }

  /**
   * The bytes {@linkcode Instance.saveMps} writes (for browsers and streams).
   *
   * @param options `compress` (default true).
   * @returns The MPS file, gzip-compressed unless `compress: false`.
   */
  async toMpsBytes(options: SaveMpsOptions = {}): Promise<Uint8Array> {
    const { writeMps } = await mpsCodec();
    return await writeMps(this.toData(), options);
  }

  /**
   * The decision variables as a table (Python's `decision_variables_df`):
   * index `id`; `kind`, `lower`, `upper`, `name`, `subscripts`,
   * `description`, `parameters.<key>`, `substituted_value`, `state_role`
   * (`used`, `fixed`, `dependent` or `irrelevant`).
   *
   * @param options Column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown column family.
   */
  decisionVariablesDf(options: DfOptions = {}): Table {
    return problemDecisionVariablesDf(this, options, true);
  }
}

async function readFileBytes(path: string | URL): Promise<Uint8Array> {
  const { readFile } = await import("node:fs/promises");
  return new Uint8Array(await readFile(path));
}

async function writeFileBytes(path: string | URL, bytes: Uint8Array): Promise<void> {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(path, bytes);
}

/**
 * The problem of `Instance.fromComponents` / `ParametricInstance.fromComponents`, checked as the
 * reference checks it.
 *
 * @param components The components.
 * @param parameters The parameters (ParametricInstance): functions may use their IDs too.
 * @returns The problem data.
 */
function problemFromComponents(
  components: InstanceComponents,
  parameters?: readonly ParameterSpec[],
): ProblemData {
  const ids = new Set<number>();
  const decisionVariables = components.decisionVariables.map((v) => {
    if (!Number.isSafeInteger(v.id) || v.id < 0) {
      throw new InvalidArgumentError(
        `decision variable ID ${v.id} is not a non-negative safe integer`,
      );
    }
    if (ids.has(v.id)) {
      throw new InvalidArgumentError(`duplicate decision variable ID ${v.id}`);
    }
    ids.add(v.id);
    const out: DecisionVariable = {
      ...labelOf(v),
      id: v.id,
      kind: v.kind,
      bound: sharedBound({ lower: v.bound.lower, upper: v.bound.upper }),
    };
    if (v.substitutedValue !== undefined) out.substitutedValue = v.substitutedValue;
    return out;
  });
  const known = new Set(ids);
  for (const p of parameters ?? []) {
    if (!Number.isSafeInteger(p.id) || p.id < 0) {
      throw new InvalidArgumentError(`parameter ID ${p.id} is not a non-negative safe integer`);
    }
    if (ids.has(p.id)) {
      throw new InvalidArgumentError(
        `decision variable ID ${p.id} collides with a parameter ID`,
      );
    }
    if (known.has(p.id)) throw new InvalidArgumentError(`duplicate parameter ID ${p.id}`);
    known.add(p.id);
  }
  const check = (f: Function, where: string) => {
    const unknown = f.requiredIds().filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UnknownIdError("decision variable", unknown, where);
  };
  const checkVars = (vs: readonly number[], where: string) => {
    const unknown = vs.filter((id) => !ids.has(id));
    if (unknown.length > 0) throw new UnknownIdError("decision variable", unknown, where);
  };
  const objective = Function.from(components.objective);
  check(objective, "the objective");
  const constraints: Constraint[] = entriesOf(components.constraints, "constraint").map(
    ([id, c]) => {
      check(c.function, `regular constraint ${id}`);
      return { ...labelOf(c), id, equality: c.equality, function: c.function };
    },
  );
  const indicatorConstraints: IndicatorConstraint[] = entriesOf(
    components.indicatorConstraints,
    "indicator constraint",
  ).map(([id, c]) => {
    check(c.function, `indicator constraint ${id}`);
    checkVars([c.indicatorVariable], `indicator constraint ${id}`);
    return {
      ...labelOf(c),
      id,
      indicatorVariable: c.indicatorVariable,
      equality: c.equality,
      function: c.function,
    };
  });
  const sets = (
    m: InstanceComponents["oneHotConstraints"],
    what: string,
  ): VariableSetConstraint[] =>
    entriesOf(m, what).map(([id, c]) => {
      checkVars(c.variables, `${what} ${id}`);
      return { ...labelOf(c), id, variables: [...c.variables] };
    });
  const namedFunctions = (components.namedFunctions ?? []).map((n) => {
    check(n.function, `named function ${n.id}`);
    return { ...labelOf(n), id: n.id, function: n.function };
  });
  const data: ProblemData = {
    sense: components.sense,
    objective,
    decisionVariables,
    constraints,
    indicatorConstraints,
    oneHotConstraints: sets(components.oneHotConstraints, "one-hot constraint"),
    sos1Constraints: sets(components.sos1Constraints, "SOS1 constraint"),
    namedFunctions,
    decisionVariableDependency: new Map(),
    annotations: {},
  };
  if (components.description) data.description = components.description;
  return data;
}

/** What a `ParametricInstance` tells its base class. */
const PARAMETRIC_INSTANCE = problemKind<ParametricInstanceData, ParametricInstance>(
  "org.ommx.v1.parametric-instance",
  {
    v1Message: (bytes) => fromBinary(V1ParametricInstanceSchema, bytes),
    v2Message: (data) => parametricToV2Message(data),
    encode: (data) => toBinary(V2ParametricInstanceSchema, parametricToV2Message(data)),
    create: (data, source) => new ParametricInstance(data, source),
  },
);

/**
 * An instance with parameters.
 *
 * @example
 * ```ts
 * import { Function, ParametricInstance } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const pi = new ParametricInstance({
 *   objective: Function.quadratic([[1, 100, 1]]), // x1 * p100
 *   decisionVariables: [{ id: 1, kind: "continuous", bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {} }],
 *   parameters: [{ id: 100, subscripts: [], parameters: {} }],
 * });
 * const back = ParametricInstance.decode(pi.toBytes(), "v2");
 * assert.deepEqual(back.parameterIds, [100]);
 * const inst = back.withParameters({ 100: 4 });
 * assert.equal(inst.evaluate({ 1: 0.5 }).objective, 2);
 * ```
 */
export class ParametricInstance extends ProblemPayload<ParametricInstanceData> {
  /** Parameters, ascending by ID. */
  readonly parameters: readonly Parameter[];

  /**
   * Build from plain data.
   *
   * @param data The content (collections default to empty).
   * @param source Internal: decoded version and bytes.
   */
  constructor(
    data: Partial<ParametricInstanceData> & Pick<ParametricInstanceData, "objective">,
    source?: { version: OmmxVersion; bytes?: Uint8Array },
  ) {
    super(PARAMETRIC_INSTANCE, data, source);
    this.parameters = [...(data.parameters ?? [])].sort((a, b) => a.id - b.id);
  }

  /**
   * Decode an `ommx.v1`/`ommx.v2` `ParametricInstance` payload.
   *
   * @param bytes The payload.
   * @param version Which package (from the media type).
   * @returns The parametric instance.
   */
  static decode(bytes: Uint8Array, version: OmmxVersion): ParametricInstance {
    return new ParametricInstance(readParametricInstanceData(bytes, version), { version, bytes });
  }

  /** Parameter IDs, ascending. */
  get parameterIds(): number[] {
    return this.parameters.map((p) => p.id);
  }

  /**
   * Build a parametric instance from its components (Python's
   * `ParametricInstance.from_components`), with the checks of {@linkcode Instance.fromComponents}
   * and the parameters' own: parameter IDs are distinct and no decision variable has one.
   *
   * @param components Sense, objective, decision variables, parameters, constraints by ID, …
   * @returns The parametric instance.
   * @throws {InvalidArgumentError} for duplicate or colliding IDs, invalid bounds or IDs.
   * @throws {UnknownIdError} for a function that uses an ID that is neither a decision variable
   *   nor a parameter.
   *
   * @example
   * ```ts
   * import { DecisionVariable, ParametricInstance } from "./mod.ts";
   * import assert from "node:assert/strict";
   * const x = DecisionVariable.continuous(0, { lower: 0, upper: 10 });
   * const p = { id: 100, name: "capacity" };
   * const pi = ParametricInstance.fromComponents({
   *   sense: "maximize",
   *   objective: x,
   *   decisionVariables: [x],
   *   parameters: [p],
   *   constraints: { 0: x.le(p) }, // x - p <= 0
   * });
   * assert.deepEqual(pi.parameterIds, [100]);
   * assert.equal(pi.withParameters({ 100: 4 }).evaluate({ 0: 5 }).feasible, false);
   * ```
   */
  static fromComponents(components: ParametricInstanceComponents): ParametricInstance {
    const problem = problemFromComponents(components, components.parameters);
    const parameters: Parameter[] = components.parameters.map((p) => ({ ...labelOf(p), id: p.id }));
    return new ParametricInstance({ ...problem, parameters });
  }

  /**
   * A parameter by ID (Python's `get_parameter_by_id`).
   *
   * @param id The parameter ID.
   * @returns The parameter.
   * @throws {NotFoundError} when there is none (Python's `KeyError`).
   */
  getParameterById(id: number): Parameter {
    return byIdOrThrow(this.parameters, id, "parameter", `Parameter with ID ${id} not found`);
  }

  /**
   * The content as plain data.
   *
   * @returns The data.
   */
  toData(): ParametricInstanceData {
    const { sense, objective, decisionVariables, ...rest } = this.problemData();
    return { sense, objective, decisionVariables, parameters: [...this.parameters], ...rest };
  }

  /**
   * Substitute parameter values into every function, giving an {@linkcode Instance} (Python's
   * `with_parameters`): the objective, constraints (removed ones too), named functions,
   * dependencies and the output objective. The instance records the values as its
   * `parameterValues`.
   *
   * @param values Parameter ID → value. Every parameter must be given; as in the reference, a
   *   value for another ID is substituted too where a function uses that ID (a decision
   *   variable's ID) and otherwise ignored.
   * @returns The instance.
   * @throws {MissingIdError} when a parameter has no value.
   * @throws {InvalidArgumentError} when a value is not finite or a key is not a safe ID.
   */
  withParameters(values: ReadonlyMap<number, number> | Readonly<Record<number, number>>): Instance {
    return new Instance(withParameterValues(this.toData(), values));
  }

  /**
   * The decision variables as a table (Python's `decision_variables_df`):
   * index `id`; `kind`, `lower`, `upper`, the label columns,
   * `parameters.<key>`, `substituted_value`.
   *
   * @param options Column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown column family.
   */
  decisionVariablesDf(options: DfOptions = {}): Table {
    return problemDecisionVariablesDf(this, options, false);
  }

  /**
   * The parameters as a table (Python's `parameters_df`): index `id`;
   * `name`, `subscripts`, `description`, `parameters.<key>`.
   *
   * @param options Column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown column family.
   */
  parametersDf(options: DfOptions = {}): Table {
    return parametersDf(this.parameters, options);
  }
}

/** The MPS reader and writer, loaded on first use: importing the package does not load them. */
async function mpsCodec(): Promise<typeof import("./_mps.ts")> {
  return await import("./_mps.ts");
}
