/**
 * The friendly `SampleSet` class: many samples (states) of one instance with
 * their objectives and feasibility, decoded from `ommx.v1.SampleSet` /
 * `ommx.v2.SampleSet` (fast paths for the per-sample value tables).
 *
 * @module
 */

import {
  create,
  fromBinary,
  LENGTH_DELIMITED,
  type Message,
  type MessageSchema,
  toBinary,
  type UnknownField,
} from "../../core/_protobuf.ts";
import { DecodeError, EncodeError, NotFoundError } from "../../core/errors.ts";
import type { SampledValues as SampledValuesMessage } from "./gen/ommx/v1/sample_set_pb.ts";
import {
  SampledValuesSchema,
  SampleSetSchema as V1SampleSetSchema,
} from "./gen/ommx/v1/package_static.ts";
import {
  SampledIndicatorConstraintCollectionSchema,
  SampledOneHotConstraintCollectionSchema,
  SampledSos1ConstraintCollectionSchema,
  SampleSetSchema as V2SampleSetSchema,
} from "./gen/ommx/v2/package_static.ts";
import type { SampleSet as V2SampleSet } from "./gen/ommx/v2/sample_set_pb.ts";
import type { ConstraintBase, DecisionVariable } from "./instance_data.ts";
import { readV1DecisionVariable, wrap } from "./_instance_wire.ts";
import type { OmmxVersion } from "./types.ts";
import { SampledValues } from "./sampled_values.ts";
import { compareCodePoints } from "../../core/_code_points.ts";
import { type EvaluatedConstraint, Solution } from "./solution.ts";
import type { Equality, Label, RemovedReason, Sense } from "./types.ts";
import {
  equalityFromNumber,
  equalityToNumber,
  kindFromNumber,
  kindToNumber,
  senseFromNumber,
  senseToNumber,
} from "./_conversions.ts";
import {
  checkAnnotations,
  checkAtol,
  checkFeatures,
  labelFromMessage,
  readMetadata,
  readStringEntry,
  readU64MsgEntry,
  readV1Row,
  safe,
  V1_LABEL_FIELDS,
  V1ResultFields,
} from "./_wire_common.ts";
import { varintLength, WireReader, WireWriter } from "./_wire.ts";
import { resultKind } from "./_layer.ts";
import { type ResultData, ResultPayload } from "./result.ts";
import type { ConstraintsDfOptions, DfOptions, Table } from "./table.ts";
import {
  sampleSetConstraintsDf,
  sampleSetDecisionVariablesDf,
  sampleSetNamedFunctionsDf,
  sampleSetSummary,
} from "./_tables.ts";
import { bestFeasibleId, byIdOrThrow, extractAll, extractByName } from "./_analysis.ts";
import { sampleSetDisplay } from "./_payload_display.ts";
import {
  checkV1Bound,
  constraintFeasible,
  constraintLabel,
  constraintStage,
  DEFAULT_FEASIBILITY_ATOL,
  variableValueValid,
} from "./_feasibility.ts";
import {
  applyContexts,
  bigIds,
  byKind,
  collection,
  type ConstraintSidecars,
  emptyLabel,
  labelRecord,
  namedFunctionTable,
  readBound,
  readLabelledTable,
  readSidecarEntry,
  u64Record,
} from "./_wire_tables.ts";

/** A decision variable with its value in every sample. */
export interface SampledDecisionVariable extends DecisionVariable {
  /** Sample ID → value. */
  samples: SampledValues;
}

/** A constraint evaluated in every sample. */
export interface SampledConstraint extends ConstraintBase {
  /** Which collection. */
  kind: "regular" | "indicator" | "one-hot" | "sos1";
  /** Relation to zero (regular / indicator). */
  equality?: Equality;
  /** Sample ID → function value (empty for one-hot / SOS1). */
  values: SampledValues;
  /**
   * Sample ID → feasibility of this constraint at the set's `feasibilityAtol` (samples
   * missing here are computed by the v2 writer).
   */
  feasible: Map<number, boolean>;
  /** Variables used. */
  usedDecisionVariableIds: number[];
  /** Dual values per sample (regular, v2). */
  dualVariables?: SampledValues;
  /** Indicator variable (indicator constraints). */
  indicatorVariable?: number;
  /** Variables (one-hot / SOS1). */
  variables?: number[];
}

/** A named function evaluated in every sample. */
export interface SampledNamedFunction extends Label {
  /** ID. */
  id: number;
  /** Sample ID → value. */
  values: SampledValues;
  /** Variables used. */
  usedDecisionVariableIds: number[];
}

/** Everything a sample set holds. */
export interface SampleSetData extends ResultData {
  /** Sample ID → objective. */
  objectives: SampledValues;
  /** Sample ID → feasibility (including removed constraints). */
  feasible: Map<number, boolean>;
  /** Sample ID → feasibility of active constraints only. */
  feasibleRelaxed: Map<number, boolean>;
  /** Direction. */
  sense: Sense;
  /** Decision variables with per-sample values. */
  decisionVariables: SampledDecisionVariable[];
  /** Sampled constraints. */
  constraints: SampledConstraint[];
  /** Sampled named functions. */
  namedFunctions: SampledNamedFunction[];
}

/** What a `SampleSet` tells its base class. */
const SAMPLE_SET = resultKind<SampleSetData, SampleSet>("org.ommx.v1.sample-set", {
  v1Message: (bytes) => fromBinary(V1SampleSetSchema, bytes),
  // A decoded v2 payload's message is its bytes, parsed; a built one's, its encoding.
  v2Message: (data, bytes) => fromBinary(V2SampleSetSchema, bytes ?? encodeSampleSet(data)),
  encode: (data) => encodeSampleSet(data),
  create: (data, source) => new SampleSet(data, source),
});

function encodeSampleSet(data: SampleSetData): Uint8Array {
  return toBinary(V2SampleSetSchema, sampleSetToV2Message(data));
}

/**
 * Samples of one instance.
 *
 * @example
 * ```ts
 * import { SampleSet, SampledValues } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const ss = new SampleSet({
 *   sense: "minimize",
 *   objectives: SampledValues.fromMap({ 0: 3, 1: 1, 2: 0 }),
 *   decisionVariables: [{
 *     id: 7, kind: "integer", bound: { lower: 0, upper: 9 }, subscripts: [], parameters: {},
 *     samples: SampledValues.fromMap({ 0: 3, 1: 1, 2: 12 }), // sample 2 is out of bounds
 *   }],
 * });
 * assert.deepEqual([...ss.feasible], [[0, true], [1, true], [2, false]]); // computed
 * const back = SampleSet.decode(ss.toBytes(), "v2");
 * assert.deepEqual(back.sampleIdsList, [0, 1, 2]);
 * assert.equal(back.bestFeasibleId, 1);
 * assert.equal(back.bestFeasible.objective, 1);
 * assert.equal(back.get(2).state.get(7), 12);
 * assert.deepEqual(back.summary.column("objective").values, [1, 3, 0]); // feasible first
 * ```
 */
export class SampleSet extends ResultPayload<SampleSetData> {
  /** Direction. */
  readonly sense: Sense;
  /** Sample ID → objective value. */
  readonly objectives: ReadonlyMap<number, number>;
  /** Sample ID → feasibility (including removed constraints). */
  readonly feasible: ReadonlyMap<number, boolean>;
  /** Sample ID → feasibility of active constraints only. */
  readonly feasibleRelaxed: ReadonlyMap<number, boolean>;
  /** Decision variables with per-sample values. */
  readonly decisionVariables: readonly SampledDecisionVariable[];
  /** Sampled constraints. */
  readonly constraints: readonly SampledConstraint[];
  /** Sampled named functions. */
  readonly namedFunctions: readonly SampledNamedFunction[];
  readonly #objectives: SampledValues;

  /**
   * Build from plain data.
   *
   * @param data The content (collections default to empty; samples missing from `feasible` /
   *   `feasibleRelaxed` get the values the reference computes, when the data allows it).
   * @param source Internal: decoded version and bytes.
   */
  constructor(
    data: Partial<SampleSetData> & Pick<SampleSetData, "objectives" | "sense">,
    source?: { version: OmmxVersion; bytes?: Uint8Array },
  ) {
    super(SAMPLE_SET, data, source);
    this.sense = data.sense;
    this.#objectives = data.objectives;
    this.objectives = data.objectives.toMap();
    this.decisionVariables = [...(data.decisionVariables ?? [])].sort((a, b) => a.id - b.id);
    this.constraints = data.constraints ?? [];
    const flags = completeFlags({
      objectives: data.objectives,
      sense: data.sense,
      feasible: data.feasible ?? new Map(),
      feasibleRelaxed: data.feasibleRelaxed ??
        (this.constraints.some((c) => c.removedReason !== undefined)
          ? new Map()
          : data.feasible ?? new Map()),
      decisionVariables: this.decisionVariables as SampledDecisionVariable[],
      constraints: this.constraints as SampledConstraint[],
      namedFunctions: [],
      annotations: {},
      ...(data.feasibilityAtol !== undefined ? { feasibilityAtol: data.feasibilityAtol } : {}),
    });
    this.feasible = flags.feasible;
    this.feasibleRelaxed = flags.feasibleRelaxed;
    this.namedFunctions = data.namedFunctions ?? [];
  }

  /** Sample IDs, ascending (Python's `sample_ids_list`). */
  get sampleIdsList(): number[] {
    return this.#objectives.ids();
  }

  /**
   * The sample IDs (Python's `sample_ids()`), iterating in ascending order.
   *
   * @returns The IDs.
   */
  sampleIds(): Set<number> {
    return new Set(this.#objectives.ids());
  }

  /**
   * The number of samples.
   *
   * @returns The count.
   */
  numSamples(): number {
    return this.#objectives.size;
  }

  /**
   * The IDs of the feasible samples (all constraints, removed ones
   * included), ascending.
   *
   * @returns The IDs.
   */
  feasibleIds(): Set<number> {
    return new Set(this.sampleIdsList.filter((id) => this.feasible.get(id) === true));
  }

  /**
   * The IDs of the samples feasible in the relaxed problem (removed
   * constraints ignored), ascending.
   *
   * @returns The IDs.
   */
  feasibleRelaxedIds(): Set<number> {
    return new Set(this.sampleIdsList.filter((id) => this.feasibleRelaxed.get(id) === true));
  }

  /**
   * Same as {@linkcode SampleSet.feasibleIds}.
   *
   * @returns The IDs.
   */
  feasibleUnrelaxedIds(): Set<number> {
    return this.feasibleIds();
  }

  /** Sample ID → feasibility including removed constraints (same as {@linkcode SampleSet.feasible}). */
  get feasibleUnrelaxed(): ReadonlyMap<number, boolean> {
    return this.feasible;
  }

  /**
   * The ID of the best feasible sample: the smallest objective when
   * minimizing (ties: the smallest ID), the largest when maximizing (ties:
   * the largest ID), as the reference picks it.
   *
   * @throws {NoFeasibleSampleError} when no sample is feasible.
   */
  get bestFeasibleId(): number {
    return bestFeasibleId(this, false);
  }

  /**
   * Like {@linkcode SampleSet.bestFeasibleId}, among the samples feasible in the relaxed problem.
   *
   * @throws {NoFeasibleSampleError} when no sample is feasible in the relaxed problem.
   */
  get bestFeasibleRelaxedId(): number {
    return bestFeasibleId(this, true);
  }

  /**
   * The best feasible sample as a {@linkcode Solution}.
   *
   * @throws {NoFeasibleSampleError} when no sample is feasible.
   */
  get bestFeasible(): Solution {
    return this.get(this.bestFeasibleId);
  }

  /**
   * The best sample feasible in the relaxed problem, as a {@linkcode Solution}.
   *
   * @throws {NoFeasibleSampleError} when no sample is feasible in the relaxed problem.
   */
  get bestFeasibleRelaxed(): Solution {
    return this.get(this.bestFeasibleRelaxedId);
  }

  /**
   * Same as {@linkcode SampleSet.bestFeasible}.
   *
   * @throws {NoFeasibleSampleError} when no sample is feasible.
   */
  get bestFeasibleUnrelaxed(): Solution {
    return this.bestFeasible;
  }

  /** The distinct decision-variable names, in code-point order. */
  get decisionVariableNames(): Set<string> {
    return namesOf(this.decisionVariables);
  }

  /** The distinct named-function names, in code-point order. */
  get namedFunctionNames(): Set<string> {
    return namesOf(this.namedFunctions);
  }

  /**
   * One sample as a {@linkcode Solution} (same as {@linkcode SampleSet.get}).
   *
   * @param sampleId The sample ID.
   * @returns The solution.
   * @throws {NotFoundError} when the sample does not exist.
   */
  getSampleById(sampleId: number): Solution {
    return this.get(sampleId);
  }

  /**
   * A sampled decision variable by ID.
   *
   * @param variableId The ID.
   * @returns The variable with its value in every sample.
   * @throws {NotFoundError} when there is no such variable.
   */
  getDecisionVariableById(variableId: number): SampledDecisionVariable {
    return byIdOrThrow(this.decisionVariables, variableId, "decision variable");
  }

  /**
   * A sampled regular constraint by ID.
   *
   * @param constraintId The ID.
   * @returns The constraint with its values in every sample.
   * @throws {NotFoundError} when there is no such regular constraint.
   */
  getConstraintById(constraintId: number): SampledConstraint {
    return byIdOrThrow(
      this.constraints.filter((c) => c.kind === "regular"),
      constraintId,
      "constraint",
    );
  }

  /**
   * A sampled named function by ID.
   *
   * @param namedFunctionId The ID.
   * @returns The named function with its values in every sample.
   * @throws {NotFoundError} when there is no such named function.
   */
  getNamedFunctionById(namedFunctionId: number): SampledNamedFunction {
    return byIdOrThrow(this.namedFunctions, namedFunctionId, "named function");
  }

  /**
   * The values of the decision variables named `name` in one sample, keyed
   * by their subscripts joined with `,` (Python's tuple `(1, 2)` is `"1,2"`,
   * `()` is `""`), ordered by subscripts.
   *
   * @param name The name.
   * @param sampleId The sample.
   * @returns Subscripts → value.
   * @throws {NotFoundError} when no variable has the name, or the sample does not exist.
   * @throws {InvalidArgumentError} when two such variables have the same subscripts.
   */
  extractDecisionVariables(name: string, sampleId: number): Map<string, number> {
    return extractByName(this.#variableSpec(sampleId), name);
  }

  /**
   * {@linkcode SampleSet.extractDecisionVariables} for every name at once
   * (variables without a name are left out).
   *
   * @param sampleId The sample.
   * @returns Name → subscripts → value, names in code-point order.
   * @throws {NotFoundError} when the sample does not exist.
   * @throws {InvalidArgumentError} when a name and subscripts occur twice.
   */
  extractAllDecisionVariables(sampleId: number): Map<string, Map<string, number>> {
    this.#sample(sampleId);
    return extractAll(this.#variableSpec(sampleId));
  }

  /**
   * The values of the regular constraints named `name` in one sample, keyed
   * by subscripts (see {@linkcode SampleSet.extractDecisionVariables}).
   *
   * @param name The name.
   * @param sampleId The sample.
   * @returns Subscripts → value.
   * @throws {NotFoundError} when no constraint has the name, or the sample does not exist.
   * @throws {UnsupportedError} when such a constraint has parameters.
   * @throws {InvalidArgumentError} when two such constraints have the same subscripts.
   */
  extractConstraints(name: string, sampleId: number): Map<string, number> {
    return extractByName({
      rows: [...this.constraints].filter((c) => c.kind === "regular").sort((a, b) => a.id - b.id),
      what: "constraint",
      value: (c) => c.values.get(sampleId),
      noParameters: true,
      sampleId,
    }, name);
  }

  /**
   * The values of the named functions named `name` in one sample, keyed by
   * subscripts (see {@linkcode SampleSet.extractDecisionVariables}).
   *
   * @param name The name.
   * @param sampleId The sample.
   * @returns Subscripts → value.
   * @throws {NotFoundError} when no named function has the name, or the sample does not exist.
   * @throws {InvalidArgumentError} when two such functions have the same subscripts.
   */
  extractNamedFunctions(name: string, sampleId: number): Map<string, number> {
    return extractByName(this.#namedFunctionSpec(sampleId), name);
  }

  /**
   * {@linkcode SampleSet.extractNamedFunctions} for every name at once.
   *
   * @param sampleId The sample.
   * @returns Name → subscripts → value, names in code-point order.
   * @throws {NotFoundError} when the sample does not exist.
   * @throws {InvalidArgumentError} when a name and subscripts occur twice.
   */
  extractAllNamedFunctions(sampleId: number): Map<string, Map<string, number>> {
    this.#sample(sampleId);
    return extractAll(this.#namedFunctionSpec(sampleId));
  }

  #sample(sampleId: number): number {
    const objective = this.objectives.get(sampleId);
    if (objective === undefined) throw new NotFoundError("sample", sampleId);
    return objective;
  }

  #variableSpec(sampleId: number) {
    return {
      rows: this.decisionVariables,
      what: "decision variables",
      value: (v: SampledDecisionVariable) => v.samples.get(sampleId),
      sampleId,
    };
  }

  #namedFunctionSpec(sampleId: number) {
    return {
      rows: [...this.namedFunctions].sort((a, b) => a.id - b.id),
      what: "named function",
      value: (n: SampledNamedFunction) => n.values.get(sampleId),
      sampleId,
    };
  }

  /**
   * Objective and feasibility per sample (Python's `summary`): index
   * `sample_id`, columns `objective`, `feasible`; feasible samples first,
   * then by objective (ascending when minimizing, descending when
   * maximizing). Samples that tie are in ascending ID; the reference leaves
   * them in its hash-map order, which is not specified.
   */
  get summary(): Table {
    return sampleSetSummary(this, false);
  }

  /**
   * {@linkcode SampleSet.summary} plus one boolean column per regular
   * constraint (removed ones included): its feasibility in the sample, named
   * `name[s1, s2]` (or `name`, or the ID when unnamed), as Python's
   * `summary_with_constraints`.
   */
  get summaryWithConstraints(): Table {
    return sampleSetSummary(this, true);
  }

  /**
   * The decision variables as a table (Python's `decision_variables_df`):
   * index `id`; `kind`, `lower`, `upper`, the label columns, `parameters.<key>`,
   * then one column per sample ID holding the variable's value.
   *
   * @param options Column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown column family.
   */
  decisionVariablesDf(options: DfOptions = {}): Table {
    return sampleSetDecisionVariablesDf(this, options);
  }

  /**
   * The constraints of one family as a table (Python's `constraints_df`):
   * index `<kind>_constraint_id`; the family's columns, the label columns,
   * `parameters.<key>`, then per sample `value.<id>`, `feasible.<id>` (and
   * `indicator_active.<id>` / `active_variable.<id>` for the special
   * families); `removed_reason` columns on request.
   *
   * @param options Family and column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown family or column family.
   */
  constraintsDf(options: ConstraintsDfOptions = {}): Table {
    return sampleSetConstraintsDf(this, options);
  }

  /**
   * The named functions as a table (Python's `named_functions_df`): index
   * `id`; `used_ids`, the label columns, `parameters.<key>`, then one column
   * per sample ID.
   *
   * @param options Column families.
   * @returns The table.
   * @throws {InvalidArgumentError} for an unknown column family.
   */
  namedFunctionsDf(options: DfOptions = {}): Table {
    return sampleSetNamedFunctionsDf(this, options);
  }

  /**
   * The notebook display: the summary and sizes (HTML, escaped) and the plain text.
   *
   * @returns The MIME bundle (`text/html`, `text/plain`).
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return sampleSetDisplay(this);
  }

  /**
   * Decode an `ommx.v1.SampleSet` or `ommx.v2.SampleSet` payload. For v1, the derived fields
   * are checked and completed as the reference does (see `docs/format-notes.md`).
   *
   * @param bytes The payload.
   * @param version Which package (from the media type).
   * @returns The sample set.
   * @throws {DecodeError} for malformed bytes, or v1 data the reference refuses (flags that
   *   contradict the values, a constraint without its per-sample `feasible` map).
   */
  static decode(bytes: Uint8Array, version: OmmxVersion): SampleSet {
    const what = `application/org.ommx.${version}.sample-set`;
    const data = wrap(what, () => version === "v1" ? readV1(bytes, what) : readV2(bytes, what));
    return new SampleSet(data, { version, bytes });
  }

  /**
   * One sample as a {@linkcode Solution}.
   *
   * @param sampleId The sample ID.
   * @returns The solution.
   * @throws {NotFoundError} when the sample does not exist.
   */
  get(sampleId: number): Solution {
    const objective = this.#sample(sampleId);
    const state = new Map<number, number>();
    const dvs = this.decisionVariables.map((v) => {
      const value = v.samples.get(sampleId) ?? v.substitutedValue ?? 0;
      state.set(v.id, value);
      const { samples: _s, ...rest } = v;
      return { ...rest, value };
    });
    const constraints: EvaluatedConstraint[] = this.constraints.map((c) => {
      const { values: _v, feasible: _f, dualVariables, ...rest } = c;
      const e: EvaluatedConstraint = { ...rest, value: c.values.get(sampleId) ?? 0 };
      const feasible = c.feasible.get(sampleId);
      if (feasible !== undefined) e.feasible = feasible;
      const dual = dualVariables?.get(sampleId);
      if (dual !== undefined) e.dualVariable = dual;
      return e;
    });
    return new Solution({
      state,
      objective,
      feasible: this.feasible.get(sampleId) ?? false,
      feasibleRelaxed: this.feasibleRelaxed.get(sampleId) ?? false,
      sense: this.sense,
      decisionVariables: dvs,
      constraints,
      namedFunctions: this.namedFunctions.map((n) => {
        const { values: _v, ...rest } = n;
        return { ...rest, value: n.values.get(sampleId) ?? 0 };
      }),
      ...(this.metadata ? { metadata: this.metadata } : {}),
      ...(this.feasibilityAtol !== undefined ? { feasibilityAtol: this.feasibilityAtol } : {}),
    });
  }

  /**
   * The best feasible sample (see {@linkcode SampleSet.bestFeasibleId}), or
   * undefined when no sample is feasible.
   *
   * @returns The best sample, or undefined.
   */
  best(): Solution | undefined {
    return this.feasibleIds().size === 0 ? undefined : this.bestFeasible;
  }

  /**
   * The content as plain data.
   *
   * @returns The data.
   */
  toData(): SampleSetData {
    const d: SampleSetData = {
      objectives: this.#objectives,
      feasible: new Map(this.feasible),
      feasibleRelaxed: new Map(this.feasibleRelaxed),
      sense: this.sense,
      decisionVariables: [...this.decisionVariables],
      constraints: [...this.constraints],
      namedFunctions: [...this.namedFunctions],
      ...this.resultData(),
    };
    return d;
  }
}

function namesOf(rows: readonly Label[]): Set<string> {
  const names = new Set<string>();
  for (const r of rows) if (r.name !== undefined && r.name !== "") names.add(r.name);
  return new Set([...names].sort(compareCodePoints));
}

// ---------- readers ----------

function readValues(r: WireReader): SampledValues {
  const s = r.enter();
  const v = SampledValues.read(r);
  r.leave(s);
  return v;
}

function readBoolEntry(r: WireReader, out: Map<number, boolean>): void {
  const s = r.enter();
  let k = 0;
  let v = false;
  while (!r.done()) {
    const t = r.tag();
    if (t === 0x08) k = r.uint();
    else if (t === 0x10) v = r.uint() !== 0;
    else r.skip(t & 7);
  }
  r.leave(s);
  out.set(k, v);
}

function emptyData(): SampleSetData {
  return {
    objectives: new SampledValues(new Map()),
    feasible: new Map(),
    feasibleRelaxed: new Map(),
    sense: "minimize",
    decisionVariables: [],
    constraints: [],
    namedFunctions: [],
    annotations: {},
  };
}

function readV1(bytes: Uint8Array, what: string): SampleSetData {
  const r = new WireReader(bytes);
  const d = emptyData();
  const shared = new V1ResultFields({ sense: 5, metadata: 9, annotations: 10 }, d);
  let objectivesSeen = false;
  let relaxedSeen = false;
  while (!r.done()) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        d.objectives = readValues(r);
        objectivesSeen = true;
        break;
      case 2: {
        const s = r.enter();
        let dv: DecisionVariable | undefined;
        let samples = new SampledValues(new Map());
        while (!r.done()) {
          const tt = r.tag();
          if (tt === 0x0a) dv = readV1DecisionVariable(r);
          else if (tt === 0x12) samples = readValues(r);
          else r.skip(tt & 7);
        }
        r.leave(s);
        if (!dv) throw new DecodeError("SampledDecisionVariable has no decision_variable");
        d.decisionVariables.push({ ...dv, samples });
        break;
      }
      case 3:
        d.constraints.push(readV1SampledConstraint(r));
        break;
      case 8:
        d.namedFunctions.push(readV1SampledNamedFunction(r));
        break;
      case 4:
        readBoolEntry(r, d.feasible);
        break;
      case 7:
        readBoolEntry(r, d.feasibleRelaxed);
        relaxedSeen = true;
        break;
      default:
        if (!shared.read(r, t >>> 3)) r.skip(wt);
    }
  }
  shared.finish(what);
  if (!objectivesSeen) throw new DecodeError(`${what}: objectives is missing`);
  d.sense = senseFromNumber(shared.sense, "default-min")!;
  checkV1(d, relaxedSeen, what);
  return d;
}

/**
 * Check v1 sample-set data as the reference does when it reads it, and complete its derived
 * fields: every decision variable has a finite value for every sample (agreeing with its
 * `substituted_value`) and a kind its bound admits; every constraint has a value and a
 * `feasible` entry for exactly the samples, each equal to what the value gives; the given
 * `feasible` / `feasible_relaxed` entries equal what constraints and variables give (the
 * deprecated `feasible_unrelaxed` is ignored, as by the reference). The maps then hold every
 * sample, and `feasibilityAtol` is the reference's 1e-6.
 *
 * @param d The data read from the message (completed in place).
 * @param relaxedSeen Whether the message had `feasible_relaxed` entries.
 * @param what The media type, for messages.
 * @throws {DecodeError} on anything the reference refuses.
 */
function checkV1(d: SampleSetData, relaxedSeen: boolean, what: string): void {
  const atol = DEFAULT_FEASIBILITY_ATOL;
  const ids = d.objectives.ids();
  for (const v of d.decisionVariables) {
    const name = `${what}: decision variable ${v.id}`;
    checkV1Bound(v, name);
    for (const id of ids) {
      const x = v.samples.get(id);
      if (x === undefined) throw new DecodeError(`${name} has no value for sample ${id}`);
      if (!Number.isFinite(x)) {
        throw new DecodeError(`${name}: value ${x} of sample ${id} is not finite`);
      }
      if (v.substitutedValue !== undefined && Math.abs(x - v.substitutedValue) > atol) {
        throw new DecodeError(
          `${name}: value ${x} of sample ${id} overwrites substituted_value ${v.substitutedValue}`,
        );
      }
    }
    if (v.samples.size !== ids.length) {
      throw new DecodeError(`${name} has values for samples the objectives do not have`);
    }
  }
  for (const c of d.constraints) {
    const name = `${what}: constraint ${c.id}`;
    if (c.values.size !== ids.length || ids.some((id) => c.values.get(id) === undefined)) {
      throw new DecodeError(`${name}: evaluated values are not given for exactly the samples`);
    }
    if (c.feasible.size !== ids.length || ids.some((id) => !c.feasible.has(id))) {
      throw new DecodeError(`${name}: feasible sample IDs must match evaluated values`);
    }
    for (const id of ids) {
      const computed = constraintFeasible(c.equality ?? "=", c.values.get(id)!, atol);
      if (c.feasible.get(id) !== computed) {
        throw new DecodeError(
          `${name}: inconsistent constraint feasibility for sample ${id}: provided=${
            c.feasible.get(id)
          }, computed=${computed}`,
        );
      }
    }
  }
  const derived = deriveSampleSet(d, atol, (m) => new DecodeError(`${what}: ${m}`));
  for (
    const [flags, computed, name] of [
      [d.feasible, derived.feasible, "feasibility"],
      [
        relaxedSeen ? d.feasibleRelaxed : new Map(),
        derived.feasibleRelaxed,
        "feasibility (relaxed)",
      ],
    ] as const
  ) {
    for (const [id, provided] of flags) {
      const c = computed.get(id);
      if (c !== undefined && c !== provided) {
        throw new DecodeError(
          `${what}: inconsistent ${name} for sample ${id}: provided=${provided}, computed=${c}`,
        );
      }
    }
  }
  d.feasible = derived.feasible;
  d.feasibleRelaxed = derived.feasibleRelaxed;
  d.feasibilityAtol = atol;
}

/** A sample set's derived fields, as the reference computes them (maps keyed by sample ID). */
interface DerivedSampleSet {
  /** Per constraint (same order as the data): sample → feasible. */
  constraintFeasible: Map<number, boolean>[];
  /** Per constraint: sample → indicator on (indicator constraints only). */
  indicatorActive: (Map<number, boolean> | undefined)[];
  /** Per constraint: sample → active variable or undefined (one-hot / SOS1 only). */
  activeVariable: (Map<number, number | undefined> | undefined)[];
  /** Sample → all constraints feasible and all decision variables valid. */
  feasible: Map<number, boolean>;
  /** Sample → all non-removed constraints feasible and all decision variables valid. */
  feasibleRelaxed: Map<number, boolean>;
}

/**
 * Compute what the reference re-checks in an `ommx.v2.SampleSet` from the values it depends
 * on, for every sample of `objectives`: per-constraint `feasible`, `indicator_active`,
 * `active_variable`, and the per-sample `feasible` / `feasible_relaxed` (constraints and
 * decision-variable kinds and bounds). A variable's value is its sample's, else its
 * `substitutedValue`.
 *
 * @param d The data.
 * @param atol The tolerance.
 * @param fail Builds the error for data the reference refuses (a missing value, an indicator
 *   variable neither 0 nor 1).
 * @returns The derived fields.
 */
function deriveSampleSet(
  d: SampleSetData,
  atol: number,
  fail: (message: string) => Error,
): DerivedSampleSet {
  const ids = d.objectives.ids();
  const byId = new Map(d.decisionVariables.map((v) => [v.id, v]));
  const value = (varId: number, sampleId: number): number | undefined => {
    const v = byId.get(varId);
    return v === undefined ? undefined : v.samples.get(sampleId) ?? v.substitutedValue;
  };
  const valid = new Map(ids.map((id) => [id, true]));
  for (const v of d.decisionVariables) {
    for (const id of ids) {
      const x = v.samples.get(id) ?? v.substitutedValue;
      if (x === undefined) throw fail(`decision variable ${v.id} has no value for sample ${id}`);
      if (!variableValueValid(v.kind, v.bound, x, atol)) valid.set(id, false);
    }
  }
  const out: DerivedSampleSet = {
    constraintFeasible: [],
    indicatorActive: [],
    activeVariable: [],
    feasible: new Map(valid),
    feasibleRelaxed: new Map(valid),
  };
  for (const c of d.constraints) {
    const feasible = new Map<number, boolean>();
    let active: Map<number, boolean> | undefined;
    let chosen: Map<number, number | undefined> | undefined;
    if (c.kind === "indicator") active = new Map();
    if (c.kind === "one-hot" || c.kind === "sos1") chosen = new Map();
    for (const id of ids) {
      const x = c.values.get(id);
      if (x === undefined && (c.kind === "regular" || c.kind === "indicator")) {
        throw fail(`${constraintLabel(c)} has no value for sample ${id}`);
      }
      const stage = constraintStage(
        c,
        x ?? 0,
        (v) => value(v, id),
        atol,
        (m) => fail(`${m} (sample ${id})`),
      );
      feasible.set(id, stage.feasible);
      active?.set(id, stage.indicatorActive!);
      chosen?.set(id, stage.activeVariable);
    }
    for (const id of ids) {
      if (feasible.get(id)) continue;
      out.feasible.set(id, false);
      if (c.removedReason === undefined) out.feasibleRelaxed.set(id, false);
    }
    out.constraintFeasible.push(feasible);
    out.indicatorActive.push(active);
    out.activeVariable.push(chosen);
  }
  return out;
}

/**
 * The sample-level flags of data, with the samples they miss filled in from the values when
 * the data allows it (otherwise as given; the v2 writer reports what is wrong).
 *
 * @param d The data.
 * @returns Sample → feasible, sample → feasible (relaxed).
 */
function completeFlags(
  d: SampleSetData,
): { feasible: Map<number, boolean>; feasibleRelaxed: Map<number, boolean> } {
  const n = d.objectives.size;
  if (d.feasible.size >= n && d.feasibleRelaxed.size >= n) {
    return { feasible: d.feasible, feasibleRelaxed: d.feasibleRelaxed };
  }
  let derived: DerivedSampleSet;
  try {
    derived = deriveSampleSet(
      d,
      d.feasibilityAtol ?? DEFAULT_FEASIBILITY_ATOL,
      (m) => new Error(m),
    );
  } catch {
    return { feasible: d.feasible, feasibleRelaxed: d.feasibleRelaxed };
  }
  const fill = (given: Map<number, boolean>, computed: Map<number, boolean>) => {
    const out = new Map(given);
    for (const [id, b] of computed) if (!out.has(id)) out.set(id, b);
    return out;
  };
  return {
    feasible: fill(d.feasible, derived.feasible),
    feasibleRelaxed: fill(d.feasibleRelaxed, derived.feasibleRelaxed),
  };
}

/**
 * Check that data can be written as an `ommx.v2.SampleSet` the reference accepts, and return
 * its derived fields: every number finite, and every derived entry the data states (for a
 * sample of `objectives`) equal to what the values give.
 *
 * @param d The data.
 * @param atol The tolerance.
 * @returns The derived fields.
 * @throws {EncodeError} naming the value or flag at fault.
 */
function checkedForV2(d: SampleSetData, atol: number): DerivedSampleSet {
  const what = "application/org.ommx.v2.sample-set";
  const fail = (m: string) => new EncodeError(`${what}: ${m}`);
  if (!(atol > 0 && atol < Infinity)) {
    throw fail(`feasibility_atol ${atol} must be finite and positive`);
  }
  const finite = (values: SampledValues, name: string) => {
    for (const id of values.ids()) {
      const x = values.get(id)!;
      if (!Number.isFinite(x)) {
        throw fail(`${name} is ${x} in sample ${id}; ommx.v2 requires finite values`);
      }
    }
  };
  finite(d.objectives, "the objective");
  for (const v of d.decisionVariables) finite(v.samples, `decision variable ${v.id}`);
  for (const c of d.constraints) {
    finite(c.values, `the value of ${constraintLabel(c)}`);
    if (c.dualVariables) finite(c.dualVariables, `the dual variable of ${constraintLabel(c)}`);
  }
  for (const n of d.namedFunctions) finite(n.values, `the value of named function ${n.id}`);
  const derived = deriveSampleSet(d, atol, fail);
  const check = (
    given: ReadonlyMap<number, boolean>,
    computed: Map<number, boolean>,
    name: string,
  ) => {
    for (const [id, b] of given) {
      const c = computed.get(id);
      if (c !== undefined && c !== b) {
        throw fail(
          `${name} is ${b} for sample ${id}, but the values give ${c} at feasibility_atol ${atol} (the reference SDK would refuse this sample set)`,
        );
      }
    }
  };
  d.constraints.forEach((c, i) => {
    check(c.feasible, derived.constraintFeasible[i]!, `feasible of ${constraintLabel(c)}`);
  });
  check(d.feasible, derived.feasible, "feasible");
  check(d.feasibleRelaxed, derived.feasibleRelaxed, "feasible_relaxed");
  return derived;
}

/** A regular sampled constraint with no values yet (ID 0, empty label). */
function emptySampledConstraint(): SampledConstraint {
  return {
    ...emptyLabel(),
    id: 0,
    kind: "regular",
    values: new SampledValues(new Map()),
    feasible: new Map(),
    usedDecisionVariableIds: [],
  };
}

function readV1SampledConstraint(r: WireReader): SampledConstraint {
  const c = emptySampledConstraint();
  let equality = 0;
  let reason: RemovedReason | undefined;
  const reasonParams: Record<string, string> = {};
  readV1Row(r, c, V1_LABEL_FIELDS.sampledConstraint, (field, wt) => {
    if (field === 1) c.id = r.uint();
    else if (field === 2) equality = r.uint();
    else if (field === 7) reason = { reason: r.string(), parameters: reasonParams };
    else if (field === 8) readStringEntry(r, reasonParams);
    else if (field === 9) c.values = readValues(r);
    else if (field === 10) r.packedUints(wt, c.usedDecisionVariableIds);
    else if (field === 11) readBoolEntry(r, c.feasible);
    else return false;
    return true;
  });
  c.equality = equalityFromNumber(equality);
  if (reason) c.removedReason = reason;
  return c;
}

function readV1SampledNamedFunction(r: WireReader): SampledNamedFunction {
  const n: SampledNamedFunction = {
    ...emptyLabel(),
    id: 0,
    values: new SampledValues(new Map()),
    usedDecisionVariableIds: [],
  };
  readV1Row(r, n, V1_LABEL_FIELDS.sampledNamedFunction, (field, wt) => {
    if (field === 1) n.id = r.uint();
    else if (field === 6) n.values = readValues(r);
    else if (field === 7) r.packedUints(wt, n.usedDecisionVariableIds);
    else return false;
    return true;
  });
  return n;
}

function readV2DecisionVariables(r: WireReader): SampledDecisionVariable[] {
  const rows = readLabelledTable(
    r,
    (rr): SampledDecisionVariable => {
      let kind = 0;
      let bound: { lower: number; upper: number } | undefined;
      let samples: SampledValues | undefined;
      while (!rr.done()) {
        const tt = rr.tag();
        if (tt === 0x08) kind = rr.uint();
        else if (tt === 0x12) bound = readBound(rr);
        else if (tt === 0x1a) samples = readValues(rr);
        else rr.skip(tt & 7);
      }
      if (!bound) throw new DecodeError("sampled decision variable has no bound");
      if (!samples) throw new DecodeError("sampled decision variable has no samples");
      return { ...emptyLabel(), id: 0, kind: kindFromNumber(kind), bound, samples };
    },
    (id) => `label for unknown decision variable ${id}`,
  );
  return [...rows.values()];
}

function readV2Regular(r: WireReader): SampledConstraint[] {
  const saved = r.enter();
  const rows = new Map<number, SampledConstraint>();
  const sidecars: ConstraintSidecars = { reasons: new Map(), contexts: new Map() };
  const { reasons, contexts } = sidecars;
  while (!r.done()) {
    const t = r.tag();
    const f = t >>> 3;
    if (f === 1) {
      const [id, c] = readU64MsgEntry(r, (rr) => {
        const c = emptySampledConstraint();
        let equality = 0;
        let valuesSeen = false;
        while (!rr.done()) {
          const tt = rr.tag();
          const ff = tt >>> 3;
          if (ff === 1) equality = rr.uint();
          else if (ff === 2) {
            c.values = readValues(rr);
            valuesSeen = true;
          } else if (ff === 3) readBoolEntry(rr, c.feasible);
          else if (ff === 4) rr.packedUints(tt & 7, c.usedDecisionVariableIds);
          else if (ff === 5) c.dualVariables = readValues(rr);
          else rr.skip(tt & 7);
        }
        if (!valuesSeen) throw new DecodeError("sampled constraint has no evaluated_values");
        c.equality = equalityFromNumber(equality);
        return c;
      });
      c.id = id;
      rows.set(id, c);
    } else if (!readSidecarEntry(r, f, { reasons: 2, contexts: 3 }, sidecars)) r.skip(t & 7);
  }
  r.leave(saved);
  for (const [id, rr] of reasons) {
    const c = rows.get(id);
    if (!c) throw new DecodeError(`removed_reasons references unknown constraint ${id}`);
    c.removedReason = rr;
  }
  applyContexts(rows, contexts);
  return [...rows.values()].sort((a, b) => a.id - b.id);
}

/** Sample ID → value from a generically decoded `SampledValues.entries`. */
function valuesFromMessage(entries: readonly { value: number; ids: bigint[] }[]): SampledValues {
  const values = new Map<number, number>();
  for (const en of entries) {
    for (const id of en.ids) values.set(safe(id), en.value);
  }
  return new SampledValues(values);
}

type GenericSpecial = {
  entries: Record<string, {
    evaluatedValues?: { entries: { value: number; ids: bigint[] }[] };
    feasible: Record<string, boolean>;
    usedDecisionVariableIds: bigint[];
    indicatorVariable?: bigint;
    equality?: number;
    variables?: bigint[];
  }>;
  removedReasons: Record<string, { reason: string; parameters: Record<string, string> }>;
  contexts: Record<string, { label?: Parameters<typeof labelFromMessage>[0] }>;
};

function convertSpecial(col: GenericSpecial, kind: SampledConstraint["kind"]): SampledConstraint[] {
  const out: SampledConstraint[] = [];
  for (const [k, e] of Object.entries(col.entries)) {
    const c: SampledConstraint = {
      ...labelFromMessage(col.contexts[k]?.label),
      id: Number(k),
      kind,
      values: valuesFromMessage(e.evaluatedValues?.entries ?? []),
      feasible: new Map(Object.entries(e.feasible).map(([s, b]) => [Number(s), b])),
      usedDecisionVariableIds: e.usedDecisionVariableIds.map(safe),
    };
    if (e.equality !== undefined) c.equality = equalityFromNumber(e.equality);
    if (e.indicatorVariable !== undefined) c.indicatorVariable = safe(e.indicatorVariable);
    if (e.variables) c.variables = e.variables.map(safe);
    const rr = col.removedReasons[k];
    if (rr) c.removedReason = { reason: rr.reason, parameters: { ...rr.parameters } };
    out.push(c);
  }
  for (const k of [...Object.keys(col.removedReasons), ...Object.keys(col.contexts)]) {
    if (!(k in col.entries)) {
      throw new DecodeError(`sidecar references unknown ${kind} constraint ${k}`);
    }
  }
  return out;
}

function readV2(bytes: Uint8Array, what: string): SampleSetData {
  const r = new WireReader(bytes);
  const d = emptyData();
  const features: number[] = [];
  let objectivesSeen = false;
  let dvSeen = false;
  let sense = 0;
  const specials: ["indicator" | "one-hot" | "sos1", Uint8Array][] = [];
  while (!r.done()) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.packedUints(wt, features);
        break;
      case 2:
        d.objectives = readValues(r);
        objectivesSeen = true;
        break;
      case 3:
        d.decisionVariables = readV2DecisionVariables(r);
        dvSeen = true;
        break;
      case 4:
        for (const c of readV2Regular(r)) d.constraints.push(c);
        break;
      case 5:
        readBoolEntry(r, d.feasible);
        break;
      case 6:
        sense = r.uint();
        break;
      case 7:
        readBoolEntry(r, d.feasibleRelaxed);
        break;
      case 8: {
        const m = fromBinary(V2SampleSetSchema, wrapField(8, r.bytes())).sampledNamedFunctions!;
        for (const [k, e] of Object.entries(m.entries)) {
          if (!e.evaluatedValues) {
            throw new DecodeError(`named function ${k} has no evaluated_values`);
          }
          d.namedFunctions.push({
            ...labelFromMessage(m.labels[k]),
            id: Number(k),
            values: valuesFromMessage(e.evaluatedValues.entries),
            usedDecisionVariableIds: e.usedDecisionVariableIds.map(safe),
          });
        }
        break;
      }
      case 9:
        d.metadata = readMetadata(r);
        break;
      case 10:
        readStringEntry(r, d.annotations);
        break;
      case 11:
        specials.push(["indicator", r.bytes()]);
        break;
      case 12:
        specials.push(["one-hot", r.bytes()]);
        break;
      case 13:
        specials.push(["sos1", r.bytes()]);
        break;
      case 14:
        d.feasibilityAtol = r.double();
        break;
      default:
        r.skip(wt);
    }
  }
  checkAnnotations(d.annotations, what);
  if (!objectivesSeen) throw new DecodeError(`${what}: objectives is missing`);
  if (!dvSeen) throw new DecodeError(`${what}: decision_variables is missing`);
  d.sense = senseFromNumber(sense, "strict")!;
  if (d.feasibilityAtol !== undefined) checkAtol(d.feasibilityAtol, what);
  const present = { indicator: false, "one-hot": false, sos1: false };
  for (const [kind, b] of specials) {
    const schema = kind === "indicator"
      ? SampledIndicatorConstraintCollectionSchema
      : kind === "one-hot"
      ? SampledOneHotConstraintCollectionSchema
      : SampledSos1ConstraintCollectionSchema;
    const rows = convertSpecial(
      fromBinary(schema as MessageSchema<Message>, b) as unknown as GenericSpecial,
      kind,
    );
    if (rows.length > 0) present[kind] = true;
    for (const row of rows) d.constraints.push(row);
  }
  checkFeatures(features, present, what);
  return d;
}

function wrapField(no: number, body: Uint8Array): Uint8Array {
  const w = new WireWriter(body.length + 12);
  w.varint((no << 3) | 2);
  w.varint(body.length);
  w.raw(body);
  return w.finish();
}

// ---------- v2 encode ----------

function raw(no: number, body: Uint8Array): UnknownField {
  const w = new WireWriter(body.length + varintLength(body.length));
  w.varint(body.length);
  w.raw(body);
  return { no, wireType: LENGTH_DELIMITED, data: w.finish() };
}

function boolRec(m: ReadonlyMap<number, boolean>): Record<string, boolean> {
  return u64Record([...m]);
}

/**
 * A `SampledValues` message whose entries are pre-encoded by the fast writer
 * and carried as unknown fields (wire-identical, avoids per-ID bigints).
 */
function valuesInit(v: SampledValues): SampledValuesMessage {
  const m = create(SampledValuesSchema);
  m.$unknown = rawEntries(v);
  return m;
}

function rawEntries(v: SampledValues): UnknownField[] {
  // Re-read the fast encoding's entries so each becomes one unknown field 1.
  const out: UnknownField[] = [];
  const r = new WireReader(v.encode());
  while (!r.done()) {
    r.tag();
    out.push(raw(1, r.bytes()));
  }
  return out;
}

/**
 * Build the `ommx.v2.SampleSet` message for sample-set data, with the derived fields the reference
 * re-checks computed from the values (see {@linkcode SampleSet.toBytes}).
 *
 * @param d The data.
 * @returns The message.
 * @throws {EncodeError} when the reference would refuse the message.
 */
function sampleSetToV2Message(d: SampleSetData): V2SampleSet {
  const atol = d.feasibilityAtol ?? DEFAULT_FEASIBILITY_ATOL;
  const derived = checkedForV2(d, atol);
  const index = new Map(d.constraints.map((c, i) => [c, i]));
  const feasibleOf = (c: SampledConstraint) => boolRec(derived.constraintFeasible[index.get(c)!]!);
  const { reg, ind, oh, sos, requiredFeatures } = byKind(d.constraints);
  const setRow = (c: SampledConstraint) => ({
    variables: bigIds(c.variables),
    feasible: feasibleOf(c),
    activeVariable: u64Record(
      [...derived.activeVariable[index.get(c)!]!].map(([id, v]) => [id, {
        ...(v !== undefined ? { variableId: BigInt(v) } : {}),
      }]),
    ),
    usedDecisionVariableIds: bigIds(c.usedDecisionVariableIds),
  });
  return create(V2SampleSetSchema, {
    requiredFeatures,
    objectives: valuesInit(d.objectives),
    decisionVariables: {
      entries: u64Record(d.decisionVariables.map((v) => [v.id, {
        kind: kindToNumber(v.kind),
        bound: { lower: v.bound.lower, upper: v.bound.upper },
        samples: valuesInit(v.samples),
      }])),
      labels: labelRecord(d.decisionVariables),
    },
    sampledRegularConstraints: collection(reg, (c) => ({
      equality: equalityToNumber(c.equality ?? "="),
      evaluatedValues: valuesInit(c.values),
      feasible: feasibleOf(c),
      usedDecisionVariableIds: bigIds(c.usedDecisionVariableIds),
      ...(c.dualVariables ? { dualVariables: valuesInit(c.dualVariables) } : {}),
    })),
    feasible: boolRec(derived.feasible),
    sense: senseToNumber(d.sense),
    feasibleRelaxed: boolRec(derived.feasibleRelaxed),
    ...namedFunctionTable(
      "sampledNamedFunctions",
      d.namedFunctions,
      (n) => ({ evaluatedValues: valuesInit(n.values) }),
    ),
    ...(d.metadata ? { metadata: { ...d.metadata } } : {}),
    annotations: { ...d.annotations },
    ...(ind.length > 0
      ? {
        sampledIndicatorConstraints: collection(ind, (c) => ({
          indicatorVariable: BigInt(c.indicatorVariable ?? 0),
          equality: equalityToNumber(c.equality ?? "="),
          evaluatedValues: valuesInit(c.values),
          feasible: feasibleOf(c),
          indicatorActive: boolRec(derived.indicatorActive[index.get(c)!]!),
          usedDecisionVariableIds: bigIds(c.usedDecisionVariableIds),
        })),
      }
      : {}),
    ...(oh.length > 0
      ? {
        sampledOneHotConstraints: collection(oh, setRow),
      }
      : {}),
    ...(sos.length > 0
      ? {
        sampledSos1Constraints: collection(sos, setRow),
      }
      : {}),
    feasibilityAtol: atol,
  });
}
