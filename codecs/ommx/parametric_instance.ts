/**
 * The friendly `ParametricInstance` class: an instance whose functions may
 * reference parameters, turned into an {@linkcode Instance} by
 * {@linkcode ParametricInstance.withParameters}.
 *
 * @module
 */

import type { OmmxMessage } from "./types.ts";
import { instanceAnnotationView } from "./annotations.ts";
import { sourceOf, withLayerDescription } from "./_layer.ts";
import { fromBinary, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { InvalidArgumentError } from "../../core/errors.ts";
import type { Function } from "./function.ts";
import {
  type ParametricInstance as V1ParametricInstance,
  ParametricInstanceSchema as V1ParametricInstanceSchema,
} from "./gen/ommx/v1/parametric_instance_pb.ts";
import {
  type ParametricInstance as V2ParametricInstance,
  ParametricInstanceSchema as V2ParametricInstanceSchema,
} from "./gen/ommx/v2/parametric_instance_pb.ts";
import { Instance } from "./instance.ts";
import type {
  Constraint,
  DecisionVariable,
  IndicatorConstraint,
  NamedFunction,
  OutputObjective,
  Parameter,
  ParametricInstanceData,
  VariableSetConstraint,
} from "./instance_data.ts";
import { parametricToV2Message, readParametricInstanceData } from "./_instance_wire.ts";
import type { InstanceDescription, OmmxVersion, Sense } from "./types.ts";

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
export class ParametricInstance {
  /** Protobuf package the payload was decoded from (`v2` when built). */
  readonly version: OmmxVersion;
  /** Descriptive metadata. */
  readonly description: InstanceDescription | undefined;
  /** Optimisation direction. */
  readonly sense: Sense;
  /** Objective (may mention parameters). */
  readonly objective: Function;
  /** Decision variables. */
  readonly decisionVariables: readonly DecisionVariable[];
  /** Parameters, ascending by ID. */
  readonly parameters: readonly Parameter[];
  /** Active regular constraints (as Python's `constraints`). */
  readonly constraints: readonly Constraint[];
  /** Removed regular constraints (each has `removedReason`; e.g. after a penalty method). */
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
  /** Extension annotations stored in the message (keys never start with `org.ommx.v1.`). */
  readonly extensionAnnotations: Readonly<Record<string, string>>;
  /**
   * The objective evaluation reports after {@linkcode ParametricInstance.withParameters}, when
   * one has been captured (v2 field 14; e.g. the original objective kept by the reference's
   * penalty methods). May mention parameters.
   */
  readonly outputObjective: OutputObjective | undefined;
  readonly #bytes: Uint8Array | undefined;
  #message: V1ParametricInstance | V2ParametricInstance | undefined;

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
    this.version = source?.version ?? "v2";
    this.#bytes = source?.bytes;
    this.description = data.description;
    this.sense = data.sense ?? "minimize";
    this.objective = data.objective;
    this.decisionVariables = [...(data.decisionVariables ?? [])].sort((a, b) => a.id - b.id);
    this.parameters = [...(data.parameters ?? [])].sort((a, b) => a.id - b.id);
    const cons = data.constraints ?? [];
    this.constraints = cons.filter((c) => !c.removedReason);
    this.removedConstraints = cons.filter((c) => c.removedReason);
    this.indicatorConstraints = data.indicatorConstraints ?? [];
    this.oneHotConstraints = data.oneHotConstraints ?? [];
    this.sos1Constraints = data.sos1Constraints ?? [];
    this.namedFunctions = data.namedFunctions ?? [];
    this.decisionVariableDependency = data.decisionVariableDependency ?? new Map();
    this.extensionAnnotations = { ...(data.annotations ?? {}) };
    this.outputObjective = data.outputObjective;
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
   * Annotations as Python's `annotations` shows them: the
   * `org.ommx.v1.parametric-instance.*` projection of the description and counts (spec §6.3)
   * plus the extension annotations.
   */
  get annotations(): Record<string, string> {
    return instanceAnnotationView(
      "org.ommx.v1.parametric-instance",
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

  /** Number of active constraints of all kinds. */
  get numConstraints(): number {
    const active = (cs: readonly { removedReason?: unknown }[]) =>
      cs.filter((c) => !c.removedReason).length;
    return this.constraints.length + active(this.indicatorConstraints) +
      active(this.oneHotConstraints) + active(this.sos1Constraints);
  }

  /**
   * The content as plain data.
   *
   * @returns The data.
   */
  toData(): ParametricInstanceData {
    const d: ParametricInstanceData = {
      sense: this.sense,
      objective: this.objective,
      decisionVariables: [...this.decisionVariables],
      parameters: [...this.parameters],
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

  /**
   * A copy with layer-descriptor annotations merged in (message wins).
   *
   * @param layerAnnotations The layer's annotations.
   * @returns The merged copy.
   */
  mergeLayerAnnotations(layerAnnotations: Readonly<Record<string, string>>): ParametricInstance {
    return new ParametricInstance(
      withLayerDescription(this.toData(), layerAnnotations, "org.ommx.v1.parametric-instance"),
      sourceOf(this.version, this.#bytes),
    );
  }

  /**
   * Encode as `ommx.v2.ParametricInstance` bytes.
   *
   * @returns The bytes.
   */
  toBytes(): Uint8Array {
    return toBinary(V2ParametricInstanceSchema, parametricToV2Message(this.toData()));
  }

  /** The protobuf message (decoded v1/v2, or v2 built from the data). */
  get message(): OmmxMessage {
    if (!this.#message) {
      this.#message = this.version === "v1" && this.#bytes
        ? fromBinary(V1ParametricInstanceSchema, this.#bytes)
        : parametricToV2Message(this.toData());
    }
    return this.#message;
  }

  /**
   * Substitute parameter values into every function, giving an {@linkcode Instance}. The
   * output objective is kept (parameters substituted in it too, as the reference does).
   *
   * @param values Parameter ID → value (every parameter must be given).
   * @returns The instance (its `parameterValues` records `values`).
   * @throws {InvalidArgumentError} when a parameter value is missing or not finite.
   */
  withParameters(values: ReadonlyMap<number, number> | Readonly<Record<number, number>>): Instance {
    const map = new Map<number, number>();
    const get = (id: number) =>
      values instanceof Map
        ? (values as ReadonlyMap<number, number>).get(id)
        : (values as Readonly<Record<number, number>>)[id];
    for (const p of this.parameters) {
      const v = get(p.id);
      if (v === undefined) throw new InvalidArgumentError(`missing value for parameter ${p.id}`);
      if (!Number.isFinite(v)) {
        throw new InvalidArgumentError(`parameter ${p.id} value ${v} is not finite`);
      }
      map.set(p.id, v);
    }
    const sub = (f: Function) => f.substitute(map);
    return new Instance({
      ...(this.description ? { description: this.description } : {}),
      sense: this.sense,
      objective: sub(this.objective),
      decisionVariables: [...this.decisionVariables],
      constraints: [...this.constraints, ...this.removedConstraints].map((c) => ({
        ...c,
        function: sub(c.function),
      })),
      indicatorConstraints: this.indicatorConstraints.map((c) => ({
        ...c,
        function: sub(c.function),
      })),
      oneHotConstraints: [...this.oneHotConstraints],
      sos1Constraints: [...this.sos1Constraints],
      namedFunctions: this.namedFunctions.map((n) => ({ ...n, function: sub(n.function) })),
      decisionVariableDependency: new Map(
        [...this.decisionVariableDependency].map(([k, f]) => [k, sub(f)]),
      ),
      parameterValues: map,
      annotations: { ...this.extensionAnnotations },
      ...(this.outputObjective
        ? {
          outputObjective: {
            ...this.outputObjective,
            function: sub(this.outputObjective.function),
          },
        }
        : {}),
    });
  }
}
