/**
 * The friendly `Instance` class: an optimisation problem decoded from
 * `ommx.v1.Instance` or `ommx.v2.Instance`, evaluable at a state and
 * encodable as v2 bytes.
 *
 * @module
 */

import { problemKind } from "./_layer.ts";
import { fromBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { InvalidArgumentError } from "../../core/errors.ts";
import { InstanceSchema as V1InstanceSchema } from "./gen/ommx/v1/instance_pb.ts";
import type { InstanceData } from "./instance_data.ts";
import { encodeInstanceData, instanceToV2Message, readInstanceData } from "./_instance_wire.ts";
import type { Equality, OmmxVersion, Sense, StateLike } from "./types.ts";
import { stateGet } from "./_conversions.ts";
import { ProblemPayload } from "./problem.ts";
import type { DfOptions, Table } from "./table.ts";
import { problemDecisionVariablesDf } from "./_tables.ts";

/** Options of {@linkcode Instance.evaluate}. */
export interface EvaluateOptions {
  /** Absolute feasibility tolerance: `|f| <= tol` for `=`, `f <= tol` for `<=` (default 1e-6). */
  tolerance?: number;
}

/** One constraint evaluated at a state. */
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
  /** Whether the violation is within tolerance. */
  feasible: boolean;
  /** Whether the constraint had been removed from the instance. */
  removed: boolean;
}

/** Result of {@linkcode Instance.evaluate}. */
export interface Evaluation {
  /**
   * Objective value: of {@linkcode Instance.outputObjective} when one is captured (as the
   * reference does), else of {@linkcode Instance.objective}.
   */
  objective: number;
  /** Direction of the reported objective (the output objective's sense when captured). */
  sense: Sense;
  /** Every constraint (active and removed, all kinds), evaluated. */
  constraints: ConstraintEvaluation[];
  /** Whether every constraint, including removed ones, is satisfied. */
  feasible: boolean;
  /** Whether every active (not removed) constraint is satisfied. */
  feasibleRelaxed: boolean;
}

/** What an `Instance` tells its base class. */
const INSTANCE = problemKind<InstanceData, Instance>("org.ommx.v1.instance", {
  v1Message: (bytes) => fromBinary(V1InstanceSchema, bytes),
  v2Message: (data) => instanceToV2Message(data),
  encode: encodeInstanceData,
  create: (data, source) => new Instance(data, source),
});

/**
 * An optimisation problem.
 *
 * @example Build, evaluate, encode and decode
 * ```ts
 * import { Instance, Function } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const inst = new Instance({
 *   sense: "maximize",
 *   objective: Function.linear([[1, 1], [2, 2]]),
 *   decisionVariables: [
 *     { id: 1, kind: "binary", bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {} },
 *     { id: 2, kind: "binary", bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {} },
 *   ],
 *   constraints: [{
 *     id: 0, equality: "<=", function: Function.linear([[1, 1], [2, 1]], -1),
 *     subscripts: [], parameters: {},
 *   }],
 * });
 * const back = Instance.decode(inst.toBytes(), "v2");
 * assert.equal(back.numVariables, 2);
 * const ev = back.evaluate({ 1: 0, 2: 1 });
 * assert.equal(ev.objective, 2);
 * assert.equal(ev.feasible, true);
 * assert.equal(back.evaluate({ 1: 1, 2: 1 }).feasible, false);
 * ```
 */
export class Instance extends ProblemPayload<InstanceData> {
  /** Parameter values the instance was built with, if recorded. */
  readonly parameterValues: ReadonlyMap<number, number> | undefined;

  /**
   * Build an instance from plain data (missing collections default to empty).
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

  /**
   * Evaluate the objective and every constraint at a state. Dependent
   * variables missing from the state are computed from
   * {@linkcode Instance.decisionVariableDependency}. When an
   * {@linkcode Instance.outputObjective} is captured, its function and sense are reported
   * instead of the active objective (as the reference SDK does).
   *
   * @param state Variable values by ID.
   * @param options Tolerance.
   * @returns Objective, per-constraint results and feasibility.
   * @throws {InvalidArgumentError} when a needed variable is missing from the state.
   */
  evaluate(state: StateLike, options: EvaluateOptions = {}): Evaluation {
    const tol = options.tolerance ?? 1e-6;
    const full = this.#withDependencies(state);
    const out: ConstraintEvaluation[] = [];
    const push = (
      c: { id: number; removedReason?: unknown },
      kind: ConstraintEvaluation["kind"],
      value: number,
      equality: Equality,
      violation: number,
    ) =>
      out.push({
        id: c.id,
        kind,
        value,
        equality,
        violation,
        feasible: violation <= tol,
        removed: c.removedReason !== undefined,
      });
    for (const c of [...this.constraints, ...this.removedConstraints]) {
      const v = c.function.evaluate(full);
      push(c, "regular", v, c.equality, c.equality === "=" ? Math.abs(v) : Math.max(0, v));
    }
    const get = (id: number) => {
      const v = stateGet(full, id);
      if (v === undefined) {
        throw new InvalidArgumentError(`variable ${id} is missing from the state`);
      }
      return v;
    };
    for (const c of this.indicatorConstraints) {
      const v = c.function.evaluate(full);
      const on = Math.abs(get(c.indicatorVariable) - 1) <= tol;
      const viol = on ? (c.equality === "=" ? Math.abs(v) : Math.max(0, v)) : 0;
      push(c, "indicator", v, c.equality, viol);
    }
    for (const c of this.oneHotConstraints) {
      let sum = 0;
      let offBinary = 0;
      for (const id of c.variables) {
        const x = get(id);
        sum += x;
        offBinary = Math.max(offBinary, Math.min(Math.abs(x), Math.abs(x - 1)));
      }
      push(c, "one-hot", sum - 1, "=", Math.max(Math.abs(sum - 1), offBinary));
    }
    for (const c of this.sos1Constraints) {
      let nonZero = 0;
      for (const id of c.variables) if (Math.abs(get(id)) > tol) nonZero++;
      push(c, "sos1", nonZero - 1, "<=", Math.max(0, nonZero - 1));
    }
    const reported = this.outputObjective ?? { function: this.objective, sense: this.sense };
    return {
      objective: reported.function.evaluate(full),
      sense: reported.sense,
      constraints: out,
      feasible: out.every((c) => c.feasible),
      feasibleRelaxed: out.every((c) => c.feasible || c.removed),
    };
  }

  #withDependencies(state: StateLike): StateLike {
    if (this.decisionVariableDependency.size === 0) return state;
    const m = new Map<number, number>();
    if (state instanceof Map) { for (const [k, v] of state) m.set(k, v); }
    else for (const [k, v] of Object.entries(state)) m.set(Number(k), v as number);
    let pending = [...this.decisionVariableDependency].filter(([id]) => !m.has(id));
    while (pending.length > 0) {
      const next = pending.filter(([id, f]) => {
        if ([...f.usedIds()].some((u) => !m.has(u))) return true;
        m.set(id, f.evaluate(m));
        return false;
      });
      if (next.length === pending.length) break;
      pending = next;
    }
    return m;
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
