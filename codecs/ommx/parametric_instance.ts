/**
 * The friendly `ParametricInstance` class: an instance whose functions may
 * reference parameters, turned into an {@linkcode Instance} by
 * {@linkcode ParametricInstance.withParameters}.
 *
 * @module
 */

import { problemKind } from "./_layer.ts";
import { fromBinary, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { InvalidArgumentError } from "../../core/errors.ts";
import type { Function } from "./function.ts";
import { ParametricInstanceSchema as V1ParametricInstanceSchema } from "./gen/ommx/v1/parametric_instance_pb.ts";
import { ParametricInstanceSchema as V2ParametricInstanceSchema } from "./gen/ommx/v2/parametric_instance_pb.ts";
import { Instance } from "./instance.ts";
import type { Parameter, ParametricInstanceData } from "./instance_data.ts";
import { parametricToV2Message, readParametricInstanceData } from "./_instance_wire.ts";
import type { OmmxVersion } from "./types.ts";
import { ProblemPayload } from "./problem.ts";
import type { DfOptions, Table } from "./table.ts";
import { parametersDf, problemDecisionVariablesDf } from "./_tables.ts";

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
   * The content as plain data.
   *
   * @returns The data.
   */
  toData(): ParametricInstanceData {
    const { sense, objective, decisionVariables, ...rest } = this.problemData();
    return { sense, objective, decisionVariables, parameters: [...this.parameters], ...rest };
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
