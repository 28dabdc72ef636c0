/**
 * The friendly `Instance` class: an optimisation problem decoded from
 * `ommx.v1.Instance` or `ommx.v2.Instance`, evaluable at a state and
 * encodable as v2 bytes.
 *
 * @module
 */

import type { OmmxMessage } from "./types.ts";
import { instanceAnnotationView } from "./annotations.ts";
import { sourceOf, withLayerDescription } from "./_layer.ts";
import { fromBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { InvalidArgumentError } from "../../core/errors.ts";
import type { Function } from "./function.ts";
import {
  type Instance as V1Instance,
  InstanceSchema as V1InstanceSchema,
} from "./gen/ommx/v1/instance_pb.ts";
import type { Instance as V2Instance } from "./gen/ommx/v2/instance_pb.ts";
import type {
  Constraint,
  DecisionVariable,
  IndicatorConstraint,
  InstanceData,
  NamedFunction,
  OutputObjective,
  VariableSetConstraint,
} from "./instance_data.ts";
import { encodeInstanceData, instanceToV2Message, readInstanceData } from "./_instance_wire.ts";
import type { Equality, InstanceDescription, OmmxVersion, Sense, StateLike } from "./types.ts";
import { stateGet } from "./_conversions.ts";

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
export class Instance {
  /** Protobuf package the instance was decoded from (`v2` when built from data). */
  readonly version: OmmxVersion;
  /** Descriptive metadata. */
  readonly description: InstanceDescription | undefined;
  /** Optimisation direction. */
  readonly sense: Sense;
  /** Objective. */
  readonly objective: Function;
  /** Decision variables, ascending by ID. */
  readonly decisionVariables: readonly DecisionVariable[];
  /** Active regular constraints. */
  readonly constraints: readonly Constraint[];
  /** Removed regular constraints (each has `removedReason`). */
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
  /** Parameter values the instance was built with, if recorded. */
  readonly parameterValues: ReadonlyMap<number, number> | undefined;
  /** Extension annotations stored in the message (keys never start with `org.ommx.v1.`). */
  readonly extensionAnnotations: Readonly<Record<string, string>>;
  /**
   * The objective {@linkcode Instance.evaluate} reports, when one has been captured (v2
   * field 14, written by ommx 3.0.0b7 e.g. after a sense conversion or a penalty method);
   * `sense`/`objective` above are then the active (solver-facing) pair.
   */
  readonly outputObjective: OutputObjective | undefined;
  readonly #bytes: Uint8Array | undefined;
  #message: V1Instance | V2Instance | undefined;

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
    this.version = source?.version ?? "v2";
    this.#bytes = source?.bytes;
    this.description = data.description;
    this.sense = data.sense ?? "minimize";
    this.objective = data.objective;
    this.decisionVariables = [...(data.decisionVariables ?? [])].sort((a, b) => a.id - b.id);
    const cons = data.constraints ?? [];
    this.constraints = cons.filter((c) => !c.removedReason);
    this.removedConstraints = cons.filter((c) => c.removedReason);
    this.indicatorConstraints = data.indicatorConstraints ?? [];
    this.oneHotConstraints = data.oneHotConstraints ?? [];
    this.sos1Constraints = data.sos1Constraints ?? [];
    this.namedFunctions = data.namedFunctions ?? [];
    this.decisionVariableDependency = data.decisionVariableDependency ?? new Map();
    this.parameterValues = data.parameterValues;
    this.extensionAnnotations = { ...(data.annotations ?? {}) };
    this.outputObjective = data.outputObjective;
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
    const d: InstanceData = {
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
    if (this.parameterValues) d.parameterValues = new Map(this.parameterValues);
    if (this.outputObjective) d.outputObjective = this.outputObjective;
    return d;
  }

  /**
   * A copy with layer-descriptor annotations merged in (message wins; see {@linkcode mergeAnnotations}).
   *
   * @param layerAnnotations The layer's annotations.
   * @returns The merged copy.
   */
  mergeLayerAnnotations(layerAnnotations: Readonly<Record<string, string>>): Instance {
    return new Instance(
      withLayerDescription(this.toData(), layerAnnotations, "org.ommx.v1.instance"),
      sourceOf(this.version, this.#bytes),
    );
  }

  /**
   * Encode as `ommx.v2.Instance` bytes.
   *
   * @returns The bytes.
   */
  toBytes(): Uint8Array {
    return encodeInstanceData(this.toData());
  }

  /**
   * The protobuf message: the decoded v1/v2 message (decoded lazily with the
   * generic runtime), or a v2 message built from the data.
   */
  get message(): OmmxMessage {
    if (!this.#message) {
      this.#message = this.version === "v1" && this.#bytes
        ? fromBinary(V1InstanceSchema, this.#bytes)
        : instanceToV2Message(this.toData());
    }
    return this.#message;
  }

  /**
   * Annotations as Python's `annotations` shows them: the
   * `org.ommx.v1.instance.*` projection of the description and counts (spec §6.3)
   * plus the extension annotations.
   */
  get annotations(): Record<string, string> {
    return instanceAnnotationView(
      "org.ommx.v1.instance",
      this.description,
      this.numVariables,
      this.numConstraints,
      this.extensionAnnotations,
    );
  }

  /** Number of decision variables. */
  get numVariables(): number {
    return this.decisionVariables.length;
  }

  /** Number of active constraints of all kinds (regular + indicator + one-hot + SOS1). */
  get numConstraints(): number {
    const active = (cs: readonly { removedReason?: unknown }[]) =>
      cs.filter((c) => !c.removedReason).length;
    return this.constraints.length + active(this.indicatorConstraints) +
      active(this.oneHotConstraints) + active(this.sos1Constraints);
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
}
