/**
 * The friendly `Solution` class: a state with its evaluation, decoded from
 * `ommx.v1.Solution` / `ommx.v2.Solution` or built from an instance and a state.
 *
 * @module
 */

import { create, fromBinary, toBinary } from "../../core/_protobuf.ts";
import {
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  NotFoundError,
} from "../../core/errors.ts";
import {
  EvaluatedConstraintSchema,
  EvaluatedNamedFunctionSchema,
  SolutionSchema as V1SolutionSchema,
} from "./gen/ommx/v1/package_static.ts";
import type { Solution as V2Solution } from "./gen/ommx/v2/solution_pb.ts";
import { SolutionSchema as V2SolutionSchema } from "./gen/ommx/v2/package_static.ts";
import type { ConstraintBase, DecisionVariable } from "./instance_data.ts";
import { readV1DecisionVariable, wrap } from "./_instance_wire.ts";
import type { OmmxVersion } from "./types.ts";
import type { Equality, Label, Optimality, ProcessMetadata, Relaxation, Sense } from "./types.ts";
import {
  equalityFromNumber,
  equalityToNumber,
  kindFromNumber,
  kindToNumber,
  optimalityFromNumber,
  optimalityToNumber,
  relaxationFromNumber,
  relaxationToNumber,
  senseFromNumber,
  senseToNumber,
} from "./_conversions.ts";
import {
  checkAnnotations,
  checkAtol,
  checkFeatures,
  labelFromMessage,
  readStateBody,
  safe,
  V1ResultFields,
} from "./_wire_common.ts";
import { WireReader } from "./_wire.ts";
import { readSolutionMessage, readSolutionSummary } from "./_solution_wire.ts";
import { writeUsualSolution } from "./_solution_wire_writer.ts";
import { type SolutionSummary, summaryFields } from "./_solution_summary.ts";
import { resultKind } from "./_layer.ts";
import { type ResultData, ResultPayload } from "./result.ts";
import type { ConstraintKindName, ConstraintsDfOptions, DfOptions, Table } from "./table.ts";
import {
  constraintKind,
  ourKind,
  solutionConstraintsDf,
  solutionDecisionVariablesDf,
  solutionNamedFunctionsDf,
} from "./_tables.ts";
import {
  byIdOrThrow,
  constraintViolation,
  extractAll,
  extractByName,
  solutionValue,
  totalViolation,
} from "./_analysis.ts";
import { solutionDisplay } from "./_payload_display.ts";
import { compareCodePoints } from "../../core/_code_points.ts";
import {
  checkV1Bound,
  constraintFeasible,
  constraintLabel,
  constraintStage,
  DEFAULT_FEASIBILITY_ATOL,
  variableValueValid,
} from "./_feasibility.ts";
import {
  bigIds,
  byKind,
  collection,
  labelRecord,
  namedFunctionTable,
  u64Record,
} from "./_wire_tables.ts";

/** A decision variable with its value in the solution. */
export interface EvaluatedDecisionVariable extends DecisionVariable {
  /** The value. */
  value: number;
}

/** A constraint evaluated in a solution. */
export interface EvaluatedConstraint extends ConstraintBase {
  /** Which collection. */
  kind: "regular" | "indicator" | "one-hot" | "sos1";
  /** Relation to zero (regular and indicator constraints). */
  equality?: Equality;
  /** Evaluated function value (regular/indicator; 0 for one-hot/SOS1). */
  value: number;
  /**
   * Per-constraint feasibility at the solution's `feasibilityAtol` (computed from `value` for
   * v1 data, as the reference does; when undefined, the v2 writer computes it).
   */
  feasible?: boolean;
  /** Variables the constraint uses. */
  usedDecisionVariableIds: number[];
  /** Dual value, if any. */
  dualVariable?: number;
  /** Indicator variable (indicator constraints). */
  indicatorVariable?: number;
  /** Whether the indicator was on (indicator constraints; computed by the v2 writer when undefined). */
  indicatorActive?: boolean;
  /** Variables (one-hot / SOS1). */
  variables?: number[];
  /** The non-zero variable (one-hot / SOS1; computed by the v2 writer when undefined). */
  activeVariable?: number;
}

/** A named function evaluated in a solution. */
export interface EvaluatedNamedFunction extends Label {
  /** ID. */
  id: number;
  /** Value. */
  value: number;
  /** Variables used. */
  usedDecisionVariableIds: number[];
}

/** Everything a solution holds. */
export interface SolutionData extends ResultData {
  /** Variable values. */
  state: Map<number, number>;
  /** Objective value. */
  objective: number;
  /** Feasibility including removed constraints. */
  feasible: boolean;
  /** Feasibility of the active constraints only (undefined if not given; the v2 writer computes it). */
  feasibleRelaxed?: boolean;
  /** Optimality claim. */
  optimality: Optimality;
  /** Relaxation status. */
  relaxation: Relaxation;
  /** Direction (undefined = unknown). */
  sense?: Sense;
  /** Decision variables with values. */
  decisionVariables: EvaluatedDecisionVariable[];
  /** Evaluated constraints (all kinds). */
  constraints: EvaluatedConstraint[];
  /** Evaluated named functions. */
  namedFunctions: EvaluatedNamedFunction[];
}

export type { SolutionSummary };

/** What a `Solution` tells its base class. */
const SOLUTION = resultKind<SolutionData, Solution>("org.ommx.v1.solution", {
  v1Message: (bytes) => fromBinary(V1SolutionSchema, bytes),
  v2Message: (data) => solutionToV2Message(data),
  encode: (data) => encodeV2Solution(data),
  create: (data, source) => new Solution(data, source),
});

/**
 * A solution: a state plus its evaluation.
 *
 * @example
 * ```ts
 * import { Function, Instance, Solution } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const inst = new Instance({
 *   objective: Function.linear([[1, 3]]),
 *   decisionVariables: [{ id: 1, kind: "integer", bound: { lower: 0, upper: 5 }, subscripts: [], parameters: {} }],
 * });
 * const sol = Solution.evaluate(inst, new Map([[1, 2]]));
 * const back = Solution.decode(sol.toBytes(), "v2");
 * assert.equal(back.objective, 6);
 * assert.equal(back.feasible, true);
 * assert.equal(back.state.get(1), 2);
 * assert.ok(back.totalViolation() === 0); // -0: no constraints (Rust sums from -0.0)
 * assert.deepEqual(back.decisionVariablesDf().column("value").values, [2]);
 * ```
 */
export class Solution extends ResultPayload<SolutionData> {
  /** Variable values. */
  readonly state: ReadonlyMap<number, number>;
  /** Objective value. */
  readonly objective: number;
  /** Feasibility including removed constraints. */
  readonly feasible: boolean;
  /** Feasibility of active constraints only. */
  readonly feasibleRelaxed: boolean | undefined;
  /** Optimality claim. */
  readonly optimality: Optimality;
  /** Relaxation status. */
  readonly relaxation: Relaxation;
  /** Direction (undefined = unknown). */
  readonly sense: Sense | undefined;
  /** Decision variables with values. */
  readonly decisionVariables: readonly EvaluatedDecisionVariable[];
  /** Evaluated constraints. */
  readonly constraints: readonly EvaluatedConstraint[];
  /** Evaluated named functions. */
  readonly namedFunctions: readonly EvaluatedNamedFunction[];
  readonly #constraints: EvaluatedConstraint[];

  /**
   * Build from plain data.
   *
   * @param data The content (collections default to empty).
   * @param source Internal: decoded version and bytes.
   */
  constructor(
    data: Partial<SolutionData> & Pick<SolutionData, "state" | "objective" | "feasible">,
    source?: { version: OmmxVersion; bytes?: Uint8Array },
  ) {
    super(SOLUTION, data, source);
    this.state = data.state;
    this.objective = data.objective;
    this.feasible = data.feasible;
    this.feasibleRelaxed = data.feasibleRelaxed;
    this.optimality = data.optimality ?? "unspecified";
    this.relaxation = data.relaxation ?? "unspecified";
    this.sense = data.sense;
    this.decisionVariables = data.decisionVariables ??
      [...data.state].sort((a, b) => a[0] - b[0]).map(([id, value]) => ({
        id,
        kind: "continuous" as const,
        bound: { lower: -Infinity, upper: Infinity },
        subscripts: [],
        parameters: {},
        value,
      }));
    this.#constraints = [...(data.constraints ?? [])];
    this.constraints = this.#constraints;
    this.namedFunctions = data.namedFunctions ?? [];
  }

  /**
   * Evaluate an instance at a state: the same as `instance.evaluate(state, options)` (see
   * `Instance.evaluate`), kept for code written before that returned a solution.
   *
   * @param instance The instance.
   * @param state Variable values.
   * @param options Tolerance (`atol`).
   * @returns The solution.
   */
  static evaluate<O>(
    instance: { evaluate(state: ReadonlyMap<number, number>, options?: O): Solution },
    state: ReadonlyMap<number, number>,
    options?: O,
  ): Solution {
    return instance.evaluate(state, options);
  }

  /** Feasibility including removed constraints (same as {@linkcode Solution.feasible}). */
  get feasibleUnrelaxed(): boolean {
    return this.feasible;
  }

  /** The decision-variable IDs, iterating in ascending order. */
  get decisionVariableIds(): Set<number> {
    return new Set(this.decisionVariables.map((v) => v.id).sort((a, b) => a - b));
  }

  /** The regular constraint IDs (removed ones included), iterating in ascending order. */
  get constraintIds(): Set<number> {
    return new Set(this.#regular().map((c) => c.id));
  }

  /** The named-function IDs, iterating in ascending order. */
  get namedFunctionIds(): Set<number> {
    return new Set(this.namedFunctions.map((n) => n.id).sort((a, b) => a - b));
  }

  /** The distinct decision-variable names, in code-point order. */
  get decisionVariableNames(): Set<string> {
    return namesOf(this.decisionVariables);
  }

  /** The distinct named-function names, in code-point order. */
  get namedFunctionNames(): Set<string> {
    return namesOf(this.namedFunctions);
  }

  #regular(): EvaluatedConstraint[] {
    return this.#constraints.filter((c) => c.kind === "regular").sort((a, b) => a.id - b.id);
  }

  /**
   * The sum of every constraint's violation (see
   * {@linkcode Solution.constraintViolation}), removed constraints
   * included; decision-variable bounds and kinds are not counted. Zero
   * means every constraint holds exactly.
   *
   * @returns The total violation.
   */
  totalViolation(): number {
    return totalViolation(this);
  }

  /**
   * One constraint's non-negative violation: `|f(x)|` for an equality,
   * `max(0, f(x))` for an inequality, the inner violation of an active
   * indicator constraint (0 when inactive), `min_i (|x_i − 1| + Σ_{j≠i} |x_j|)`
   * for one-hot and `min_i Σ_{j≠i} |x_j|` for SOS1.
   *
   * @param constraintId The constraint ID (IDs are per family).
   * @param options The family (default `regular`).
   * @returns The violation.
   * @throws {NotFoundError} when the family has no such ID.
   */
  constraintViolation(constraintId: number, options: { kind?: ConstraintKindName } = {}): number {
    const kind = constraintKind(options.kind);
    const ours = ourKind(kind);
    const c = this.#constraints.find((c) => c.kind === ours && c.id === constraintId);
    if (c === undefined) {
      throw new NotFoundError(`${kind === "one_hot" ? "one-hot" : kind} constraint`, constraintId);
    }
    return constraintViolation(this, c);
  }

  /**
   * A regular constraint's evaluated value.
   *
   * @param constraintId The ID.
   * @returns `f(x)`.
   * @throws {NotFoundError} when there is no such regular constraint.
   */
  getConstraintValue(constraintId: number): number {
    return this.getConstraintById(constraintId).value;
  }

  /**
   * A regular constraint's dual value.
   *
   * @param constraintId The ID.
   * @returns The dual value, or undefined when none is recorded.
   * @throws {NotFoundError} when there is no such regular constraint.
   */
  getDualVariable(constraintId: number): number | undefined {
    return this.getConstraintById(constraintId).dualVariable;
  }

  /**
   * Set (or, with `undefined`, clear) a regular constraint's dual value, in
   * place as Python's `set_dual_variable` does. Unlike Python, a value that
   * is not finite is refused (it could not be written as `ommx.v2`).
   *
   * @param constraintId The ID.
   * @param value The dual value, or undefined.
   * @throws {NotFoundError} when there is no such regular constraint.
   * @throws {InvalidArgumentError} when the value is not a finite number.
   */
  setDualVariable(constraintId: number, value: number | undefined): void {
    const i = this.#constraints.findIndex((c) => c.kind === "regular" && c.id === constraintId);
    if (i < 0) throw new NotFoundError("constraint", constraintId);
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value))) {
      throw new InvalidArgumentError(
        `dual variable of regular constraint ${constraintId} must be a finite number, got ${
          String(value)
        }`,
      );
    }
    const row: EvaluatedConstraint = { ...this.#constraints[i]! };
    if (value === undefined) delete row.dualVariable;
    else row.dualVariable = value;
    this.#constraints[i] = row;
    this.contentChanged();
  }

  /**
   * A decision variable with its value, by ID.
   *
   * @param variableId The ID.
   * @returns The variable.
   * @throws {NotFoundError} when there is no such variable.
   */
  getDecisionVariableById(variableId: number): EvaluatedDecisionVariable {
    return byIdOrThrow(this.decisionVariables, variableId, "decision variable");
  }

  /**
   * An evaluated regular constraint, by ID.
   *
   * @param constraintId The ID.
   * @returns The constraint.
   * @throws {NotFoundError} when there is no such regular constraint.
   */
  getConstraintById(constraintId: number): EvaluatedConstraint {
    return byIdOrThrow(this.#regular(), constraintId, "constraint");
  }

  /**
   * An evaluated named function, by ID.
   *
   * @param namedFunctionId The ID.
   * @returns The named function.
   * @throws {NotFoundError} when there is no such named function.
   */
  getNamedFunctionById(namedFunctionId: number): EvaluatedNamedFunction {
    return byIdOrThrow(this.namedFunctions, namedFunctionId, "named function");
  }

  /**
   * The values of the decision variables named `name`, keyed by their
   * subscripts joined with `,` (Python's tuple key `(1, 2)` is `"1,2"`,
   * `(0,)` is `"0"`, `()` is `""`), ordered by subscripts.
   *
   * @param name The name.
   * @returns Subscripts → value.
   * @throws {NotFoundError} when no variable has the name.
   * @throws {InvalidArgumentError} when two such variables have the same subscripts.
   *
   * @example
   * ```ts
   * import { Function, Instance, Solution } from "./mod.ts";
   * import assert from "node:assert/strict";
   *
   * const x = (id: number, i: number, j: number) => ({
   *   id, kind: "binary" as const, bound: { lower: 0, upper: 1 }, name: "x", subscripts: [i, j], parameters: {},
   * });
   * const inst = new Instance({ objective: Function.linear([[1, 1]]), decisionVariables: [x(1, 0, 1), x(2, 1, 0)] });
   * const sol = Solution.evaluate(inst, new Map([[1, 1], [2, 0]]));
   * assert.deepEqual([...sol.extractDecisionVariables("x")], [["0,1", 1], ["1,0", 0]]);
   * ```
   */
  extractDecisionVariables(name: string): Map<string, number> {
    return extractByName(this.#variableSpec(), name);
  }

  /**
   * {@linkcode Solution.extractDecisionVariables} for every name at once
   * (variables without a name are left out).
   *
   * @returns Name → subscripts → value, names in code-point order.
   * @throws {InvalidArgumentError} when a name and subscripts occur twice.
   */
  extractAllDecisionVariables(): Map<string, Map<string, number>> {
    return extractAll(this.#variableSpec());
  }

  /**
   * The values of the regular constraints (removed ones included) named
   * `name`, keyed by subscripts (see {@linkcode Solution.extractDecisionVariables}).
   *
   * @param name The name.
   * @returns Subscripts → value.
   * @throws {NotFoundError} when no regular constraint has the name.
   * @throws {UnsupportedError} when such a constraint has parameters (as in Python).
   * @throws {InvalidArgumentError} when two such constraints have the same subscripts.
   */
  extractConstraints(name: string): Map<string, number> {
    return extractByName({
      rows: this.#regular(),
      what: "constraint",
      value: (c) => c.value,
      noParameters: true,
    }, name);
  }

  /**
   * The values of the named functions named `name`, keyed by subscripts (see
   * {@linkcode Solution.extractDecisionVariables}).
   *
   * @param name The name.
   * @returns Subscripts → value.
   * @throws {NotFoundError} when no named function has the name.
   * @throws {InvalidArgumentError} when two such functions have the same subscripts.
   */
  extractNamedFunctions(name: string): Map<string, number> {
    return extractByName(this.#namedFunctionSpec(), name);
  }

  /**
   * {@linkcode Solution.extractNamedFunctions} for every name at once.
   *
   * @returns Name → subscripts → value, names in code-point order.
   * @throws {InvalidArgumentError} when a name and subscripts occur twice.
   */
  extractAllNamedFunctions(): Map<string, Map<string, number>> {
    return extractAll(this.#namedFunctionSpec());
  }

  #variableSpec() {
    return {
      rows: [...this.decisionVariables].sort((a, b) => a.id - b.id),
      what: "decision variables",
      value: (v: EvaluatedDecisionVariable) => solutionValue(this, v.id),
    };
  }

  #namedFunctionSpec() {
    return {
      rows: [...this.namedFunctions].sort((a, b) => a.id - b.id),
      what: "named function",
      value: (n: EvaluatedNamedFunction) => n.value,
    };
  }

  /**
   * The decision variables as a table (Python's `decision_variables_df`):
   * index `id`; `kind`, `lower`, `upper`, `name`, `subscripts`,
   * `description`, `parameters.<key>`, `substituted_value` (always missing),
   * `value`.
   *
   * @param options Column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown column family.
   */
  decisionVariablesDf(options: DfOptions = {}): Table {
    return solutionDecisionVariablesDf(this, options);
  }

  /**
   * The constraints of one family as a table (Python's `constraints_df`):
   * index `<kind>_constraint_id`; regular: `equality`, `value`, `feasible`,
   * `used_ids`, the label columns, `parameters.<key>`, `dual_variable`,
   * `violation`; indicator: `indicator_variable_id`, `equality`, `value`,
   * `feasible`, `indicator_active`, …, `violation`; one-hot / SOS1:
   * `feasible`, `active_variable`, …, `violation`; `removed_reason` columns on
   * request.
   *
   * @param options Family and column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown family or column family.
   */
  constraintsDf(options: ConstraintsDfOptions = {}): Table {
    return solutionConstraintsDf(this, options);
  }

  /**
   * The named functions as a table (Python's `named_functions_df`): index
   * `id`; `value`, `used_ids`, the label columns, `parameters.<key>`.
   *
   * @param options Column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown column family.
   */
  namedFunctionsDf(options: DfOptions = {}): Table {
    return solutionNamedFunctionsDf(this, options);
  }

  /**
   * The notebook display: objective, feasibility and the tables (HTML,
   * escaped) and the plain text.
   *
   * @returns The MIME bundle (`text/html`, `text/plain`).
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return solutionDisplay(this);
  }

  /**
   * Decode an `ommx.v1.Solution` or `ommx.v2.Solution` payload. For v1, the derived fields are
   * computed as the reference computes them (each constraint's `feasible`, `feasibleRelaxed`,
   * `feasibilityAtol` 1e-6) and the stored flags must agree with them.
   *
   * @param bytes The payload.
   * @param version Which package (from the media type).
   * @returns The solution.
   * @throws {DecodeError} for malformed bytes, or v1 data the reference refuses (flags that
   *   contradict the values, a variable without a value).
   */
  static decode(bytes: Uint8Array, version: OmmxVersion): Solution {
    const what = `application/org.ommx.${version}.solution`;
    const data = wrap(what, () => version === "v1" ? readV1(bytes, what) : readV2(bytes, what));
    return new Solution(data, { version, bytes });
  }

  /**
   * Decode only the summary of a payload: objective, feasibility, optimality, relaxation
   * and sense. The bytes pass every check {@linkcode Solution.decode} makes, in the same
   * order, so a payload `decode` refuses is refused here with the same error; for
   * `ommx.v2` the variable, constraint and named-function objects are not built
   * (`ommx.v1` payloads are decoded whole: their feasibility is derived from the values).
   * A TypeScript addition (the Python SDK always builds the whole `Solution`): listings
   * such as the CLI's `runs` read thousands of outputs and print only these fields.
   *
   * @example
   * ```ts
   * import { Function, Instance, Solution } from "./mod.ts";
   * import assert from "node:assert/strict";
   *
   * const inst = new Instance({
   *   objective: Function.linear([[1, 3]]),
   *   decisionVariables: [{ id: 1, kind: "integer", bound: { lower: 0, upper: 5 }, subscripts: [], parameters: {} }],
   *   sense: "maximize",
   * });
   * const bytes = Solution.evaluate(inst, new Map([[1, 2]])).toBytes();
   * const s = Solution.decodeSummary(bytes, "v2");
   * assert.deepEqual({ ...s }, {
   *   objective: 6, feasible: true, optimality: "unspecified", relaxation: "unspecified", sense: "maximize",
   * });
   * ```
   *
   * @param bytes The payload.
   * @param version Which package (from the media type).
   * @returns The summary.
   * @throws {DecodeError} for every payload {@linkcode Solution.decode} refuses, with its message.
   */
  static decodeSummary(bytes: Uint8Array, version: OmmxVersion): SolutionSummary {
    if (version === "v1") return summaryFields(Solution.decode(bytes, version));
    // The walk vouches for most payloads without building the message; the full read
    // decides the rest (and gives every refusal its error).
    const walked = readSolutionSummary(bytes);
    if (walked !== undefined) return walked;
    const what = `application/org.ommx.${version}.solution`;
    return wrap(what, () => readV2Summary(bytes, what));
  }

  /**
   * The content as plain data.
   *
   * @returns The data.
   */
  toData(): SolutionData {
    const d: SolutionData = {
      state: new Map(this.state),
      objective: this.objective,
      feasible: this.feasible,
      optimality: this.optimality,
      relaxation: this.relaxation,
      decisionVariables: [...this.decisionVariables],
      constraints: [...this.#constraints],
      namedFunctions: [...this.namedFunctions],
      ...this.resultData(),
    };
    if (this.feasibleRelaxed !== undefined) d.feasibleRelaxed = this.feasibleRelaxed;
    if (this.sense !== undefined) d.sense = this.sense;
    return d;
  }
}

function namesOf(rows: readonly { name?: string }[]): Set<string> {
  const names = new Set<string>();
  for (const r of rows) if (r.name !== undefined && r.name !== "") names.add(r.name);
  return new Set([...names].sort(compareCodePoints));
}

function readV1(bytes: Uint8Array, what: string): SolutionData {
  const r = new WireReader(bytes);
  const d: SolutionData = {
    state: new Map(),
    objective: 0,
    feasible: false,
    optimality: "unspecified",
    relaxation: "unspecified",
    decisionVariables: [],
    constraints: [],
    namedFunctions: [],
    annotations: {},
  };
  const shared = new V1ResultFields({ sense: 10, metadata: 12, annotations: 13 }, d);
  const rows: Uint8Array[] = [];
  const nfs: Uint8Array[] = [];
  let feasibleUnrelaxed = false;
  const dvs: DecisionVariable[] = [];
  while (!r.done()) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1: {
        const s = r.enter();
        readStateBody(r, d.state);
        r.leave(s);
        break;
      }
      case 2:
        d.objective = r.double();
        break;
      case 3:
        dvs.push(readV1DecisionVariable(r));
        break;
      case 4:
        rows.push(r.bytes());
        break;
      case 11:
        nfs.push(r.bytes());
        break;
      case 5:
        d.feasible = r.uint() !== 0;
        break;
      case 8:
        feasibleUnrelaxed = r.uint() !== 0;
        break;
      case 9:
        d.feasibleRelaxed = r.uint() !== 0;
        break;
      case 6:
        d.optimality = optimalityFromNumber(r.uint());
        break;
      case 7:
        d.relaxation = relaxationFromNumber(r.uint());
        break;
      default:
        if (!shared.read(r, t >>> 3)) r.skip(wt);
    }
  }
  shared.finish(what);
  const s = senseFromNumber(shared.sense, "unspecified-ok");
  if (s) d.sense = s;
  const atol = DEFAULT_FEASIBILITY_ATOL;
  d.decisionVariables = dvs.map((v) => ({ ...v, value: v1VariableValue(v, d.state, what) }))
    .sort((a, b) => a.id - b.id);
  for (const b of rows) {
    const m = fromBinary(EvaluatedConstraintSchema, b);
    const c: EvaluatedConstraint = {
      ...labelFromMessage(m),
      id: safe(m.id),
      kind: "regular",
      equality: equalityFromNumber(m.equality),
      value: m.evaluatedValue,
      feasible: constraintFeasible(equalityFromNumber(m.equality), m.evaluatedValue, atol),
      usedDecisionVariableIds: m.usedDecisionVariableIds.map(safe),
    };
    if (m.dualVariable !== undefined) c.dualVariable = m.dualVariable;
    if (m.removedReason !== undefined) {
      c.removedReason = { reason: m.removedReason, parameters: { ...m.removedReasonParameters } };
    }
    d.constraints.push(c);
  }
  for (const b of nfs) {
    const m = fromBinary(EvaluatedNamedFunctionSchema, b);
    d.namedFunctions.push({
      ...labelFromMessage(m),
      id: safe(m.id),
      value: m.evaluatedValue,
      usedDecisionVariableIds: m.usedDecisionVariableIds.map(safe),
    });
  }
  // As the reference reads v1: `feasible` meant "relaxed" before `feasible_relaxed` existed,
  // the unrelaxed flag then being the deprecated `feasible_unrelaxed`; both must equal what the
  // constraints and decision variables give.
  const provided = d.feasibleRelaxed === undefined ? feasibleUnrelaxed : d.feasible;
  const providedRelaxed = d.feasibleRelaxed ?? d.feasible;
  const derived = deriveSolution(d, atol, (m) => new DecodeError(`${what}: ${m}`));
  if (provided !== derived.feasible) {
    throw new DecodeError(
      `${what}: inconsistent feasibility for solution: provided=${provided}, computed=${derived.feasible}`,
    );
  }
  if (providedRelaxed !== derived.feasibleRelaxed) {
    throw new DecodeError(
      `${what}: inconsistent feasibility (relaxed) for solution: provided=${providedRelaxed}, computed=${derived.feasibleRelaxed}`,
    );
  }
  d.feasible = derived.feasible;
  d.feasibleRelaxed = derived.feasibleRelaxed;
  d.feasibilityAtol = atol;
  return d;
}

/**
 * The value of a v1 decision variable in a solution, taken as the reference takes it: the
 * state's, else `substituted_value` (both present must agree within 1e-6); it must be finite and
 * the kind must admit a value in the bound.
 */
function v1VariableValue(
  v: DecisionVariable,
  state: ReadonlyMap<number, number>,
  what: string,
): number {
  const atol = DEFAULT_FEASIBILITY_ATOL;
  const name = `${what}: decision variable ${v.id}`;
  checkV1Bound(v, name);
  const fromState = state.get(v.id);
  const fixed = v.substitutedValue;
  if (fromState === undefined && fixed === undefined) {
    throw new DecodeError(`${name} has no value: not in state and no substituted_value`);
  }
  if (fromState !== undefined && fixed !== undefined && Math.abs(fromState - fixed) > atol) {
    throw new DecodeError(
      `${name}: state value ${fromState} overwrites substituted_value ${fixed}`,
    );
  }
  const value = (fromState ?? fixed)!;
  if (!Number.isFinite(value)) throw new DecodeError(`${name}: value ${value} is not finite`);
  return value;
}

/** A solution's derived fields, as the reference computes them. */
interface DerivedSolution {
  /** The constraints with `feasible` and the stage fields computed. */
  constraints: EvaluatedConstraint[];
  /** All constraints feasible and all decision variables valid. */
  feasible: boolean;
  /** All non-removed constraints feasible and all decision variables valid. */
  feasibleRelaxed: boolean;
}

/**
 * Compute what the reference re-checks in an `ommx.v2.Solution` from the values it depends on:
 * per-constraint `feasible`, `indicator_active`, `active_variable`, and the solution-level
 * `feasible` / `feasible_relaxed` (constraints and decision-variable kinds and bounds).
 * Decision-variable values are `state` (else the variable's `value`), as the writer writes them.
 *
 * @param d The solution data.
 * @param atol The tolerance.
 * @param fail Builds the error for data the reference refuses (an indicator variable that is
 *   neither 0 nor 1, a structural variable that is not a decision variable).
 * @returns The derived fields.
 */
function deriveSolution(
  d: SolutionData,
  atol: number,
  fail: (message: string) => Error,
): DerivedSolution {
  const values = new Map<number, number>();
  let variablesValid = true;
  for (const v of d.decisionVariables) {
    const x = d.state.get(v.id) ?? v.value;
    values.set(v.id, x);
    if (variablesValid && !variableValueValid(v.kind, v.bound, x, atol)) variablesValid = false;
  }
  const constraints = d.constraints.map((c) => {
    const stage = constraintStage(c, c.value, (id) => values.get(id), atol, fail);
    const row: EvaluatedConstraint = { ...c, feasible: stage.feasible };
    if (c.kind === "indicator") row.indicatorActive = stage.indicatorActive!;
    if (c.kind === "one-hot" || c.kind === "sos1") {
      if (stage.activeVariable === undefined) delete row.activeVariable;
      else row.activeVariable = stage.activeVariable;
    }
    return row;
  });
  return {
    constraints,
    feasible: variablesValid && constraints.every((c) => c.feasible),
    feasibleRelaxed: variablesValid &&
      constraints.every((c) => c.feasible || c.removedReason !== undefined),
  };
}

/**
 * Check that data can be written as an `ommx.v2.Solution` the reference accepts, and return its
 * derived fields: every number finite, and every derived field that the data states equal to
 * what its values give (undefined ones are filled in).
 *
 * @param d The data.
 * @param atol The tolerance.
 * @returns The derived fields.
 * @throws {EncodeError} naming the value or flag at fault.
 */
function checkedForV2(d: SolutionData, atol: number): DerivedSolution {
  const what = "application/org.ommx.v2.solution";
  const fail = (m: string) => new EncodeError(`${what}: ${m}`);
  if (!(atol > 0 && atol < Infinity)) {
    throw fail(`feasibility_atol ${atol} must be finite and positive`);
  }
  const finite = (x: number, name: string) => {
    if (!Number.isFinite(x)) throw fail(`${name} is ${x}; ommx.v2 requires finite values`);
  };
  finite(d.objective, "objective");
  for (const v of d.decisionVariables) {
    finite(d.state.get(v.id) ?? v.value, `the value of decision variable ${v.id}`);
  }
  for (const c of d.constraints) {
    if (c.kind === "regular" || c.kind === "indicator") {
      finite(c.value, `the value of ${constraintLabel(c)}`);
    }
    if (c.dualVariable !== undefined) {
      finite(c.dualVariable, `the dual variable of ${constraintLabel(c)}`);
    }
  }
  for (const n of d.namedFunctions) finite(n.value, `the value of named function ${n.id}`);
  const derived = deriveSolution(d, atol, fail);
  const contradicts = (name: string, given: unknown, computed: unknown) =>
    fail(
      `${name} is ${given}, but the values give ${computed} at feasibility_atol ${atol} (the reference SDK would refuse this solution)`,
    );
  d.constraints.forEach((c, i) => {
    const r = derived.constraints[i]!;
    const name = constraintLabel(c);
    if (c.feasible !== undefined && c.feasible !== r.feasible) {
      throw contradicts(`feasible of ${name} (value ${c.value})`, c.feasible, r.feasible);
    }
    if (c.indicatorActive !== undefined && c.indicatorActive !== r.indicatorActive) {
      throw contradicts(`indicator_active of ${name}`, c.indicatorActive, r.indicatorActive);
    }
    if (c.activeVariable !== undefined && c.activeVariable !== r.activeVariable) {
      throw contradicts(`active_variable of ${name}`, c.activeVariable, r.activeVariable);
    }
  });
  if (d.feasible !== derived.feasible) {
    throw contradicts("feasible", d.feasible, derived.feasible);
  }
  if (d.feasibleRelaxed !== undefined && d.feasibleRelaxed !== derived.feasibleRelaxed) {
    throw contradicts("feasible_relaxed", d.feasibleRelaxed, derived.feasibleRelaxed);
  }
  return derived;
}

type Ctx = {
  removedReasons: Record<string, { reason: string; parameters: Record<string, string> }>;
  contexts: Record<string, { label?: Parameters<typeof labelFromMessage>[0] }>;
};

function decorate(c: EvaluatedConstraint, col: Ctx): EvaluatedConstraint {
  const rr = col.removedReasons[String(c.id)];
  if (rr) c.removedReason = { reason: rr.reason, parameters: { ...rr.parameters } };
  const ctx = col.contexts[String(c.id)];
  if (ctx?.label) Object.assign(c, labelFromMessage(ctx.label));
  return c;
}

function checkSidecars(col: Ctx & { entries: Record<string, unknown> }, what: string): void {
  for (const side of [col.removedReasons, col.contexts]) {
    for (const k of Object.keys(side)) {
      if (!(k in col.entries)) {
        throw new DecodeError(`${what}: sidecar references unknown constraint ${k}`);
      }
    }
  }
}

/** An absent constraint collection (read only). */
const NO_CONSTRAINTS: {
  readonly entries: Readonly<Record<string, never>>;
  readonly removedReasons: Readonly<Record<string, never>>;
  readonly contexts: Readonly<Record<string, never>>;
} = Object.freeze({
  entries: Object.freeze({}),
  removedReasons: Object.freeze({}),
  contexts: Object.freeze({}),
});
/** An absent named-function table (read only). */
const NO_NAMED_FUNCTIONS: {
  readonly entries: Readonly<Record<string, never>>;
  readonly labels: Readonly<Record<string, never>>;
} = Object.freeze({ entries: Object.freeze({}), labels: Object.freeze({}) });

/**
 * The first checks of {@linkcode readV2} and {@linkcode readV2Summary}, in their order: the
 * wire message, annotations, decision variables present, a finite objective, the tolerance,
 * required features and the constraint sidecars.
 */
function readV2Head(bytes: Uint8Array, what: string) {
  const m = readSolutionMessage(bytes);
  checkAnnotations(m.annotations, what);
  if (!m.decisionVariables) throw new DecodeError(`${what}: decision_variables is missing`);
  if (!Number.isFinite(m.objective)) throw new DecodeError(`${what}: objective is not finite`);
  if (m.feasibilityAtol !== undefined) checkAtol(m.feasibilityAtol, what);
  const reg = m.evaluatedRegularConstraints ?? NO_CONSTRAINTS;
  const ind = m.evaluatedIndicatorConstraints ?? NO_CONSTRAINTS;
  const oh = m.evaluatedOneHotConstraints ?? NO_CONSTRAINTS;
  const sos = m.evaluatedSos1Constraints ?? NO_CONSTRAINTS;
  checkFeatures(m.requiredFeatures, {
    indicator: Object.keys(ind.entries).length > 0,
    "one-hot": Object.keys(oh.entries).length > 0,
    sos1: Object.keys(sos.entries).length > 0,
  }, what);
  for (const col of [reg, ind, oh, sos]) checkSidecars(col, what);
  return { m, dvs: m.decisionVariables, reg, ind, oh, sos };
}

/**
 * {@linkcode readV2}'s checks, in its order and with its errors, without building the
 * variables, constraints and named functions: what `Solution.decodeSummary` reads when
 * `readSolutionSummary`'s walk does not vouch for the payload. Keep the three in step
 * (`solution_summary_test.ts` compares them on valid and refused payloads).
 */
function readV2Summary(bytes: Uint8Array, what: string): SolutionSummary {
  const { m, dvs: dvTable, reg, ind, oh, sos } = readV2Head(bytes, what);
  const dvEntries = dvTable.entries;
  for (const k of Object.keys(dvEntries)) {
    const v = dvEntries[k]!;
    if (!v.bound) throw new DecodeError(`${what}: decision variable ${Number(k)} has no bound`);
    kindFromNumber(v.kind);
  }
  let ids: Set<number> | undefined; // built only when labels exist, as readV2's map
  const labels = dvTable.labels;
  for (const k of Object.keys(labels)) {
    ids ??= new Set(Object.keys(dvEntries).map(Number));
    if (!ids.has(Number(k))) {
      throw new DecodeError(`${what}: label for unknown decision variable ${k}`);
    }
    labelFromMessage(labels[k]);
  }
  for (const k of Object.keys(reg.entries)) {
    const e = reg.entries[k]!;
    equalityFromNumber(e.equality);
    for (const x of e.usedDecisionVariableIds) safe(x);
    checkDecoration(Number(k), reg);
  }
  for (const k of Object.keys(ind.entries)) {
    const e = ind.entries[k]!;
    equalityFromNumber(e.equality);
    safe(e.indicatorVariable);
    for (const x of e.usedDecisionVariableIds) safe(x);
    checkDecoration(Number(k), ind);
  }
  for (const col of [oh, sos]) {
    for (const k of Object.keys(col.entries)) {
      const e = col.entries[k]!;
      for (const x of e.variables) safe(x);
      for (const x of e.usedDecisionVariableIds) safe(x);
      if (e.activeVariable !== undefined) safe(e.activeVariable);
      checkDecoration(Number(k), col);
    }
  }
  const nft = m.evaluatedNamedFunctions ?? NO_NAMED_FUNCTIONS;
  for (const k of Object.keys(nft.entries)) {
    labelFromMessage(nft.labels[k]);
    for (const x of nft.entries[k]!.usedDecisionVariableIds) safe(x);
  }
  return {
    objective: m.objective,
    feasible: m.feasible,
    optimality: optimalityFromNumber(m.optimality),
    relaxation: relaxationFromNumber(m.relaxation),
    sense: senseFromNumber(m.sense, "unspecified-ok"),
  };
}

/** {@linkcode decorate}'s checks (a context label's subscripts), without the copy. */
function checkDecoration(id: number, col: Ctx): void {
  const ctx = col.contexts[String(id)];
  if (ctx?.label) labelFromMessage(ctx.label);
}

function readV2(bytes: Uint8Array, what: string): SolutionData {
  const { m, dvs: dvTable, reg, ind, oh, sos } = readV2Head(bytes, what);
  const state = new Map<number, number>();
  const dvs: EvaluatedDecisionVariable[] = [];
  for (const [k, v] of Object.entries(dvTable.entries)) {
    const id = Number(k);
    if (!v.bound) throw new DecodeError(`${what}: decision variable ${id} has no bound`);
    state.set(id, v.value);
    dvs.push({
      id,
      kind: kindFromNumber(v.kind),
      bound: { lower: v.bound.lower, upper: v.bound.upper },
      subscripts: [],
      parameters: {},
      value: v.value,
    });
  }
  let byId: Map<number, EvaluatedDecisionVariable> | undefined; // built only when labels exist
  for (const [k, l] of Object.entries(dvTable.labels)) {
    byId ??= new Map(dvs.map((v) => [v.id, v]));
    const v = byId.get(Number(k));
    if (!v) throw new DecodeError(`${what}: label for unknown decision variable ${k}`);
    Object.assign(v, labelFromMessage(l));
  }
  const constraints: EvaluatedConstraint[] = [];
  for (const [k, e] of Object.entries(reg.entries)) {
    const c: EvaluatedConstraint = {
      id: Number(k),
      kind: "regular",
      equality: equalityFromNumber(e.equality),
      value: e.evaluatedValue,
      feasible: e.feasible,
      usedDecisionVariableIds: e.usedDecisionVariableIds.map(safe),
      subscripts: [],
      parameters: {},
    };
    if (e.dualVariable !== undefined) c.dualVariable = e.dualVariable;
    constraints.push(decorate(c, reg));
  }
  for (const [k, e] of Object.entries(ind.entries)) {
    constraints.push(decorate({
      id: Number(k),
      kind: "indicator",
      equality: equalityFromNumber(e.equality),
      value: e.evaluatedValue,
      feasible: e.feasible,
      indicatorVariable: safe(e.indicatorVariable),
      indicatorActive: e.indicatorActive,
      usedDecisionVariableIds: e.usedDecisionVariableIds.map(safe),
      subscripts: [],
      parameters: {},
    }, ind));
  }
  for (const [kind, col] of [["one-hot", oh], ["sos1", sos]] as const) {
    for (const [k, e] of Object.entries(col.entries)) {
      const c: EvaluatedConstraint = {
        id: Number(k),
        kind,
        value: 0,
        feasible: e.feasible,
        variables: e.variables.map(safe),
        usedDecisionVariableIds: e.usedDecisionVariableIds.map(safe),
        subscripts: [],
        parameters: {},
      };
      if (e.activeVariable !== undefined) c.activeVariable = safe(e.activeVariable);
      constraints.push(decorate(c, col));
    }
  }
  const nft = m.evaluatedNamedFunctions ?? NO_NAMED_FUNCTIONS;
  const namedFunctions: EvaluatedNamedFunction[] = Object.entries(nft.entries).map(([k, e]) => ({
    ...labelFromMessage(nft.labels[k]),
    id: Number(k),
    value: e.evaluatedValue,
    usedDecisionVariableIds: e.usedDecisionVariableIds.map(safe),
  }));
  const d: SolutionData = {
    state,
    objective: m.objective,
    feasible: m.feasible,
    optimality: optimalityFromNumber(m.optimality),
    relaxation: relaxationFromNumber(m.relaxation),
    decisionVariables: dvs.sort((a, b) => a.id - b.id),
    constraints,
    namedFunctions,
    annotations: { ...m.annotations },
  };
  if (m.feasibleRelaxed !== undefined) d.feasibleRelaxed = m.feasibleRelaxed;
  const s = senseFromNumber(m.sense, "unspecified-ok");
  if (s) d.sense = s;
  if (m.metadata) {
    const md: ProcessMetadata = {};
    for (const k of ["instance", "solver", "parameters", "start", "end"] as const) {
      const v = m.metadata[k];
      if (v !== undefined) md[k] = v;
    }
    d.metadata = md;
  }
  if (m.feasibilityAtol !== undefined) d.feasibilityAtol = m.feasibilityAtol;
  return d;
}

/**
 * Encode solution data as `ommx.v2.Solution` bytes (see {@linkcode Solution.toBytes}): checked
 * and derived first, then the usual solution written directly (`_solution_wire_writer.ts`),
 * anything else through the message.
 *
 * @param d The data.
 * @returns The bytes.
 * @throws {EncodeError} when the reference would refuse the message.
 */
function encodeV2Solution(d: SolutionData): Uint8Array {
  const atol = d.feasibilityAtol ?? DEFAULT_FEASIBILITY_ATOL;
  const derived = checkedForV2(d, atol);
  return writeUsualSolution(d, derived.constraints, derived.feasibleRelaxed, atol) ??
    toBinary(V2SolutionSchema, solutionToV2Message(d, atol, derived));
}

/**
 * Build the `ommx.v2.Solution` message for solution data, with the derived fields the reference
 * re-checks computed from the values (see {@linkcode Solution.toBytes}).
 *
 * @param d The data.
 * @returns The message.
 * @throws {EncodeError} when the reference would refuse the message.
 */
function solutionToV2Message(
  d: SolutionData,
  atol = d.feasibilityAtol ?? DEFAULT_FEASIBILITY_ATOL,
  derived = checkedForV2(d, atol),
): V2Solution {
  const { reg, ind, oh, sos, requiredFeatures } = byKind(derived.constraints);
  const setRow = (c: EvaluatedConstraint) => ({
    variables: bigIds(c.variables),
    feasible: c.feasible ?? false,
    ...(c.activeVariable !== undefined ? { activeVariable: BigInt(c.activeVariable) } : {}),
    usedDecisionVariableIds: bigIds(c.usedDecisionVariableIds),
  });
  return create(V2SolutionSchema, {
    requiredFeatures,
    objective: d.objective,
    decisionVariables: {
      entries: u64Record(d.decisionVariables.map((v) => [v.id, {
        kind: kindToNumber(v.kind),
        bound: { lower: v.bound.lower, upper: v.bound.upper },
        value: d.state.get(v.id) ?? v.value,
      }])),
      labels: labelRecord(d.decisionVariables),
    },
    evaluatedRegularConstraints: collection(reg, (c) => ({
      equality: equalityToNumber(c.equality ?? "="),
      evaluatedValue: c.value,
      feasible: c.feasible ?? false,
      usedDecisionVariableIds: bigIds(c.usedDecisionVariableIds),
      ...(c.dualVariable !== undefined ? { dualVariable: c.dualVariable } : {}),
    })),
    feasible: d.feasible,
    optimality: optimalityToNumber(d.optimality),
    relaxation: relaxationToNumber(d.relaxation),
    feasibleRelaxed: derived.feasibleRelaxed,
    sense: senseToNumber(d.sense),
    ...namedFunctionTable(
      "evaluatedNamedFunctions",
      d.namedFunctions,
      (n) => ({ evaluatedValue: n.value }),
    ),
    ...(d.metadata ? { metadata: { ...d.metadata } } : {}),
    annotations: { ...d.annotations },
    ...(ind.length > 0
      ? {
        evaluatedIndicatorConstraints: collection(ind, (c) => ({
          indicatorVariable: BigInt(c.indicatorVariable ?? 0),
          equality: equalityToNumber(c.equality ?? "="),
          evaluatedValue: c.value,
          feasible: c.feasible ?? false,
          indicatorActive: c.indicatorActive ?? false,
          usedDecisionVariableIds: bigIds(c.usedDecisionVariableIds),
        })),
      }
      : {}),
    ...(oh.length > 0
      ? {
        evaluatedOneHotConstraints: collection(oh, setRow),
      }
      : {}),
    ...(sos.length > 0
      ? {
        evaluatedSos1Constraints: collection(sos, setRow),
      }
      : {}),
    feasibilityAtol: atol,
  });
}
