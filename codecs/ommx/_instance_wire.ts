/**
 * Hand-written readers for `ommx.v1`/`ommx.v2` `Instance` and
 * `ParametricInstance`, plus the v2 encoder (via the generated messages; the
 * usual instance is written directly by `_instance_wire_writer.ts`).
 *
 * @module
 */

import { create, type MessageShape, toBinary } from "../../core/_protobuf.ts";
import { DecodeError, OmmxError, UnsupportedError } from "../../core/errors.ts";
import { Function } from "./function.ts";
import {
  ParameterSchema as V1ParameterSchema,
  ParametersSchema,
} from "./gen/ommx/v1/package_static.ts";
import {
  ConstraintContextSchema,
  DecisionVariableTableSchema,
  IndicatorConstraintCollectionSchema,
  InstanceSchema as V2InstanceSchema,
  NamedFunctionTableSchema,
  OneHotConstraintCollectionSchema,
  OutputObjectiveSchema,
  ParameterTableSchema,
  ParametricInstanceSchema as V2ParametricInstanceSchema,
  RegularConstraintCollectionSchema,
  Sos1ConstraintCollectionSchema,
} from "./gen/ommx/v2/package_static.ts";
import type {
  Constraint,
  ConstraintBase,
  DecisionVariable,
  IndicatorConstraint,
  InstanceData,
  NamedFunction,
  OutputObjective,
  Parameter,
  ParametricInstanceData,
  VariableSetConstraint,
} from "./instance_data.ts";
import { IdSet } from "./_id_set.ts";
import type { Label, OmmxVersion, RemovedReason } from "./types.ts";
import {
  equalityFromNumber,
  equalityToNumber,
  kindFromNumber,
  kindToNumber,
  senseFromNumber,
  senseToNumber,
} from "./_conversions.ts";
import {
  assignLabel,
  checkAnnotations,
  checkFeatures,
  checkFormatVersion,
  descriptionToMessage,
  featuresFor,
  functionToMessage,
  hasLabel,
  labelFromMessage,
  labelToMessage,
  readDescription,
  readGeneric,
  readStateBody,
  readStringEntry,
  readU64DoubleEntry,
  readU64MsgEntry,
  readV1Row,
  removedReasonToMessage,
  safe,
  V1_LABEL_FIELDS,
} from "./_wire_common.ts";
import { WIRE_LEN, WireReader } from "./_wire.ts";
import { writeUsualInstance } from "./_instance_wire_writer.ts";
import {
  applyContexts,
  type ConstraintSidecars,
  emptyLabel,
  labelRecord,
  readBound,
  readLabelledTable,
  readSidecarEntry,
  u64Record,
} from "./_wire_tables.ts";

/**
 * Run a decoder, making sure every failure is a typed error naming the media type.
 *
 * @param what The media type being decoded.
 * @param fn The decoder.
 * @returns What `fn` returns.
 */
export function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const named = msg.startsWith(what) ? msg : `${what}: ${msg}`;
    if (e instanceof UnsupportedError) throw new UnsupportedError(named);
    if (e instanceof DecodeError) throw new DecodeError(named, { cause: e.cause });
    if (e instanceof OmmxError) throw e;
    throw new DecodeError(`${what}: malformed protobuf (${msg})`, { cause: e });
  }
}

function readFunctionField(r: WireReader): Function {
  const saved = r.enter();
  const f = Function.read(r);
  r.leave(saved);
  return f;
}

// ---------- v1 ----------

function readV1Constraint(r: WireReader): Constraint {
  let id = 0;
  let equality = 0;
  let fn: Function | undefined;
  const c: Partial<Constraint> & Label = emptyLabel();
  readV1Row(r, c, V1_LABEL_FIELDS.constraint, (field) => {
    if (field === 1) id = r.uint();
    else if (field === 2) equality = r.uint();
    else if (field === 3) fn = readFunctionField(r);
    else return false;
    return true;
  });
  if (!fn) throw new DecodeError(`constraint ${id} has no function`);
  return { ...c, id, equality: equalityFromNumber(equality), function: fn };
}

function readV1RemovedConstraint(r: WireReader): Constraint {
  const saved = r.enter();
  let c: Constraint | undefined;
  const reason: RemovedReason = { reason: "", parameters: {} };
  while (!r.done()) {
    const t = r.tag();
    if (t === 0x0a) c = readV1Constraint(r);
    else if (t === 0x12) reason.reason = r.string();
    else if (t === 0x1a) readStringEntry(r, reason.parameters);
    else r.skip(t & 7);
  }
  r.leave(saved);
  if (!c) throw new DecodeError("RemovedConstraint has no constraint");
  c.removedReason = reason;
  return c;
}

function readV1NamedFunction(r: WireReader): NamedFunction {
  let id = 0;
  let fn: Function | undefined;
  const l = emptyLabel();
  readV1Row(r, l, V1_LABEL_FIELDS.namedFunction, (field) => {
    if (field === 1) id = r.uint();
    else if (field === 2) fn = readFunctionField(r);
    else return false;
    return true;
  });
  if (!fn) throw new DecodeError(`named function ${id} has no function`);
  return { ...l, id, function: fn };
}

/**
 * Read a v1 decision variable (generic decode; these rows are small).
 *
 * @param r Reader at the length prefix.
 * @returns The variable.
 */
export function readV1DecisionVariable(r: WireReader): DecisionVariable {
  const v: DecisionVariable = {
    id: 0,
    kind: "continuous",
    // An absent `bound` is the protobuf default `Bound { lower: 0, upper: 0 }` for the
    // reference (not unbounded): see docs/format-notes.md.
    bound: { lower: 0, upper: 0 },
    subscripts: [],
    parameters: {},
  };
  let kind = 0;
  readV1Row(r, v, V1_LABEL_FIELDS.decisionVariable, (field) => {
    if (field === 1) v.id = r.uint();
    else if (field === 2) kind = r.uint();
    else if (field === 3) v.bound = readBound(r);
    else if (field === 8) v.substitutedValue = r.double();
    else return false;
    return true;
  });
  v.kind = kindFromNumber(kind);
  return v;
}

function emptyData(): ParametricInstanceData & { parameterValues?: Map<number, number> } {
  return {
    sense: "minimize",
    objective: Function.constant(0),
    decisionVariables: [],
    constraints: [],
    indicatorConstraints: [],
    oneHotConstraints: [],
    sos1Constraints: [],
    namedFunctions: [],
    decisionVariableDependency: new Map(),
    annotations: {},
    parameters: [],
  };
}

function readV1(
  bytes: Uint8Array,
  parametric: boolean,
  what: string,
): ParametricInstanceData & { parameterValues?: Map<number, number> } {
  const r = new WireReader(bytes);
  const d = emptyData();
  let objective: Function | undefined;
  let sense = 0;
  let formatVersion = 0;
  // Field numbers differ between Instance and ParametricInstance after field 2.
  const F = parametric
    ? { params: 3, obj: 4, cons: 5, sense: 6, pv: -1 }
    : { params: -1, obj: 3, cons: 4, sense: 5, pv: 6 };
  while (!r.done()) {
    const t = r.tag();
    const wt = t & 7;
    const field = t >>> 3;
    if (field === 1) d.description = readDescription(r);
    else if (field === 2) d.decisionVariables.push(readV1DecisionVariable(r));
    else if (field === F.params) {
      const m = readGeneric(r, V1ParameterSchema);
      d.parameters.push({ ...labelFromMessage(m), id: safe(m.id) });
    } else if (field === F.obj) objective = readFunctionField(r);
    else if (field === F.cons) d.constraints.push(readV1Constraint(r));
    else if (field === F.sense) sense = r.uint();
    else if (field === F.pv) {
      const saved = r.enter();
      d.parameterValues = readStateBody(r);
      r.leave(saved);
    } else if (field === 7) r.skip(wt); // constraint_hints: ignored on read
    else if (field === 8) d.constraints.push(readV1RemovedConstraint(r));
    else if (field === 9) {
      const [k, f] = readU64MsgEntry(r, (rr) => Function.read(rr));
      d.decisionVariableDependency.set(k, f);
    } else if (field === 10) d.namedFunctions.push(readV1NamedFunction(r));
    else if (field === 11) readStringEntry(r, d.annotations);
    else if (field === 100) formatVersion = r.uint();
    else r.skip(wt);
  }
  checkFormatVersion(formatVersion, what);
  checkAnnotations(d.annotations, what);
  if (!objective) throw new DecodeError(`${what}: objective is missing`);
  d.objective = objective;
  d.sense = senseFromNumber(sense, "lenient")!;
  return d;
}

// ---------- v2 ----------

function readCollection<T extends ConstraintBase>(
  r: WireReader,
  readRow: (r: WireReader, id: number) => T,
): T[] {
  const saved = r.enter();
  const active = new Map<number, T>();
  const removed = new Map<number, T>();
  const sidecars: ConstraintSidecars = { reasons: new Map(), contexts: new Map() };
  const { reasons, contexts } = sidecars;
  while (!r.done()) {
    const t = r.tag();
    const field = t >>> 3;
    if ((t & 7) !== WIRE_LEN) {
      r.skip(t & 7);
      continue;
    }
    if (field === 1 || field === 2) {
      const [k, v] = readU64MsgEntry(r, (rr) => readRow(rr, 0));
      v.id = k;
      (field === 1 ? active : removed).set(k, v);
    } else if (!readSidecarEntry(r, field, { reasons: 3, contexts: 4 }, sidecars)) r.skip(t & 7);
  }
  r.leave(saved);
  for (const id of removed.keys()) {
    if (active.has(id)) throw new DecodeError(`constraint ${id} is both active and removed`);
  }
  const out: T[] = [];
  for (const row of active.values()) out.push(row);
  for (const [id, row] of removed) {
    row.removedReason = reasons.get(id) ?? { reason: "", parameters: {} };
    out.push(row);
  }
  for (const id of reasons.keys()) {
    if (!removed.has(id)) {
      throw new DecodeError(`removed_reasons references unknown constraint ${id}`);
    }
  }
  applyContexts(new Map(out.map((c) => [c.id, c])), contexts);
  out.sort((a, b) => a.id - b.id);
  return out;
}

/**
 * Read the body of a v2 `Function`-bearing row (equality + function at given fields).
 *
 * @param r Bounded reader.
 * @param fields Field numbers.
 * @returns Parsed parts.
 */
function readFnRow(
  r: WireReader,
  fields: { equality: number; fn: number; indicator?: number },
): { equality: number; fn?: Function; indicator: number } {
  let equality = 0;
  let fn: Function | undefined;
  let indicator = 0;
  while (!r.done()) {
    const t = r.tag();
    const f = t >>> 3;
    if (f === fields.equality) equality = r.uint();
    else if (f === fields.fn) fn = readFunctionField(r);
    else if (f === fields.indicator) indicator = r.uint();
    else r.skip(t & 7);
  }
  return fn ? { equality, fn, indicator } : { equality, indicator };
}

function readRegular(r: WireReader): Constraint {
  const p = readFnRow(r, { equality: 1, fn: 2 });
  if (!p.fn) throw new DecodeError("regular constraint has no function");
  return { ...emptyLabel(), id: 0, equality: equalityFromNumber(p.equality), function: p.fn };
}

function readIndicator(r: WireReader): IndicatorConstraint {
  const p = readFnRow(r, { indicator: 1, equality: 2, fn: 3 });
  if (!p.fn) throw new DecodeError("indicator constraint has no function");
  return {
    ...emptyLabel(),
    id: 0,
    indicatorVariable: p.indicator,
    equality: equalityFromNumber(p.equality),
    function: p.fn,
  };
}

function readVarSet(r: WireReader): VariableSetConstraint {
  const variables: number[] = [];
  while (!r.done()) {
    const t = r.tag();
    if (t >>> 3 === 1) r.packedUints(t & 7, variables);
    else r.skip(t & 7);
  }
  return { ...emptyLabel(), id: 0, variables };
}

function readDecisionVariableTable(r: WireReader): DecisionVariable[] {
  const fixed = new Map<number, number>();
  const rows = readLabelledTable(
    r,
    (rr): DecisionVariable => {
      let kind = 0;
      let bound: { lower: number; upper: number } | undefined;
      while (!rr.done()) {
        const tt = rr.tag();
        if (tt === 0x08) kind = rr.uint();
        else if (tt === 0x12) bound = readBound(rr);
        else rr.skip(tt & 7);
      }
      if (!bound) throw new DecodeError("decision variable has no bound");
      return { ...emptyLabel(), id: 0, kind: kindFromNumber(kind), bound };
    },
    (id) => `decision-variable label for unknown ID ${id}`,
    (rr, field) => field === 3 && (readU64DoubleEntry(rr, fixed), true),
  );
  for (const [id, x] of fixed) {
    const v = rows.get(id);
    if (!v) throw new DecodeError(`fixed value for unknown decision variable ${id}`);
    v.substitutedValue = x;
  }
  return [...rows.values()].sort((a, b) => a.id - b.id);
}

function readNamedFunctionTable(r: WireReader): NamedFunction[] {
  const rows = readLabelledTable(
    r,
    (rr): NamedFunction => {
      let fn: Function | undefined;
      while (!rr.done()) {
        const tt = rr.tag();
        if (tt === 0x0a) fn = readFunctionField(rr);
        else rr.skip(tt & 7);
      }
      if (!fn) throw new DecodeError("named function has no function");
      return { ...emptyLabel(), id: 0, function: fn };
    },
    (id) => `named-function label for unknown ID ${id}`,
  );
  return [...rows.values()].sort((a, b) => a.id - b.id);
}

function readParameterTable(r: WireReader): Parameter[] {
  const m = readGeneric(r, ParameterTableSchema);
  const ids = [...new Set(m.ids.map(safe))].sort((a, b) => a - b);
  const rows = new Map<number, Parameter>(ids.map((id) => [id, { ...emptyLabel(), id }]));
  for (const [k, l] of Object.entries(m.labels)) {
    const p = rows.get(Number(k));
    if (!p) throw new DecodeError(`parameter label for unknown ID ${k}`);
    assignLabel(p, labelFromMessage(l));
  }
  return [...rows.values()];
}

/**
 * Read `output_objective` (field 14 of v2 Instance / ParametricInstance): sense must be
 * MINIMIZE or MAXIMIZE and the function must be present, as the reference requires.
 */
function readOutputObjective(r: WireReader): OutputObjective {
  const saved = r.enter();
  let sense = 0;
  let fn: Function | undefined;
  let preservesOptimality = false;
  while (!r.done()) {
    const t = r.tag();
    const f = t >>> 3;
    if (f === 1) sense = r.uint();
    else if (f === 2) fn = readFunctionField(r);
    else if (f === 3) preservesOptimality = r.uint() !== 0;
    else r.skip(t & 7);
  }
  r.leave(saved);
  if (sense !== 1 && sense !== 2) {
    throw new DecodeError(`output_objective: invalid Instance.Sense ${sense}`);
  }
  if (!fn) throw new DecodeError("output_objective.function is missing");
  return { sense: senseFromNumber(sense, "strict")!, function: fn, preservesOptimality };
}

function readV2(
  bytes: Uint8Array,
  parametric: boolean,
  what: string,
): ParametricInstanceData & { parameterValues?: Map<number, number> } {
  const r = new WireReader(bytes);
  const d = emptyData();
  const features: number[] = [];
  let objective: Function | undefined;
  let dvSeen = false;
  let sense = 0;
  const F = parametric
    ? { params: 4, obj: 5, regular: 6, sense: 7, pv: -1 }
    : { params: -1, obj: 4, regular: 5, sense: 6, pv: 7 };
  while (!r.done()) {
    const t = r.tag();
    const wt = t & 7;
    const field = t >>> 3;
    if (field === 1) r.packedUints(wt, features);
    else if (field === 2) d.description = readDescription(r);
    else if (field === 3) {
      d.decisionVariables = readDecisionVariableTable(r);
      dvSeen = true;
    } else if (field === F.params) d.parameters = readParameterTable(r);
    else if (field === F.obj) objective = readFunctionField(r);
    else if (field === F.regular) d.constraints = readCollection(r, readRegular);
    else if (field === F.sense) sense = r.uint();
    else if (field === F.pv) {
      const saved = r.enter();
      d.parameterValues = readStateBody(r);
      r.leave(saved);
    } else if (field === 8) d.indicatorConstraints = readCollection(r, readIndicator);
    else if (field === 9) d.oneHotConstraints = readCollection(r, readVarSet);
    else if (field === 10) d.sos1Constraints = readCollection(r, readVarSet);
    else if (field === 11) {
      const [k, f] = readU64MsgEntry(r, (rr) => Function.read(rr));
      d.decisionVariableDependency.set(k, f);
    } else if (field === 12) d.namedFunctions = readNamedFunctionTable(r);
    else if (field === 13) readStringEntry(r, d.annotations);
    else if (field === 14) d.outputObjective = readOutputObjective(r);
    else r.skip(wt);
  }
  checkAnnotations(d.annotations, what);
  if (!dvSeen) throw new DecodeError(`${what}: decision_variables is missing`);
  if (!objective) throw new DecodeError(`${what}: objective is missing`);
  d.objective = objective;
  d.sense = senseFromNumber(sense, "strict")!;
  checkFeatures(features, {
    indicator: d.indicatorConstraints.length > 0,
    "one-hot": d.oneHotConstraints.length > 0,
    sos1: d.sos1Constraints.length > 0,
  }, what);
  return d;
}

/**
 * Check ID consistency (variables used by functions exist, no duplicate IDs,
 * parameters disjoint from variables).
 *
 * @param d The data.
 * @param parameterIds Parameter IDs (parametric instances).
 * @param what The root being checked.
 */
export function checkIds(
  d: Omit<InstanceData, "parameterValues">,
  parameterIds: readonly number[],
  what: string,
): void {
  const vars = new Set<number>();
  for (const v of d.decisionVariables) {
    if (vars.has(v.id)) throw new DecodeError(`${what}: duplicate decision variable ID ${v.id}`);
    vars.add(v.id);
  }
  for (const p of parameterIds) {
    if (vars.has(p)) throw new DecodeError(`${what}: parameter ID ${p} is also a variable ID`);
  }
  const known = new IdSet([...vars, ...parameterIds]);
  const check = (ids: Iterable<number>, where: string) => {
    for (const id of ids) {
      if (!known.has(id)) throw new DecodeError(`${what}: ${where} uses undefined variable ${id}`);
    }
  };
  const checkFn = (f: Function, where: string) => {
    const bad = f.firstUnknownId(known);
    if (bad !== undefined) {
      throw new DecodeError(`${what}: ${where} uses undefined variable ${bad}`);
    }
  };
  checkFn(d.objective, "objective");
  if (d.outputObjective) checkFn(d.outputObjective.function, "output objective");
  const seen = new Set<number>();
  for (const c of d.constraints) {
    if (seen.has(c.id)) throw new DecodeError(`${what}: duplicate constraint ID ${c.id}`);
    seen.add(c.id);
    checkFn(c.function, `constraint ${c.id}`);
  }
  for (const c of d.indicatorConstraints) {
    check([c.indicatorVariable], `indicator constraint ${c.id}`);
    checkFn(c.function, `indicator constraint ${c.id}`);
  }
  for (const c of d.oneHotConstraints) check(c.variables, `one-hot constraint ${c.id}`);
  for (const c of d.sos1Constraints) check(c.variables, `SOS1 constraint ${c.id}`);
  for (const n of d.namedFunctions) checkFn(n.function, `named function ${n.id}`);
  for (const [id, f] of d.decisionVariableDependency) {
    check([id], `dependency of ${id}`);
    checkFn(f, `dependency of ${id}`);
  }
}

/**
 * Decode an `Instance` payload.
 *
 * @param bytes The payload.
 * @param version `v1` or `v2`.
 * @returns The instance data.
 */
export function readInstanceData(bytes: Uint8Array, version: OmmxVersion): InstanceData {
  const what = `application/org.ommx.${version}.instance`;
  return wrap(what, () => {
    const d = version === "v1" ? readV1(bytes, false, what) : readV2(bytes, false, what);
    const { parameters: _p, ...rest } = d;
    checkIds(rest, [], what);
    return rest;
  });
}

/**
 * Decode a `ParametricInstance` payload.
 *
 * @param bytes The payload.
 * @param version `v1` or `v2`.
 * @returns The data.
 */
export function readParametricInstanceData(
  bytes: Uint8Array,
  version: OmmxVersion,
): ParametricInstanceData {
  const what = `application/org.ommx.${version}.parametric-instance`;
  return wrap(what, () => {
    const d = version === "v1" ? readV1(bytes, true, what) : readV2(bytes, true, what);
    const { parameterValues: _pv, ...rest } = d;
    checkIds(rest, rest.parameters.map((p) => p.id), what);
    return rest;
  });
}

// ---------- v2 encode ----------

/** `ommx.v2.Feature` number listed when `output_objective` is set (name ours, number observed). */
const FEATURE_OUTPUT_OBJECTIVE = 4;

function collectionInit<T extends ConstraintBase>(
  rows: readonly T[],
  toRow: (c: T) => object,
) {
  const active: [number, object][] = [];
  const removed: [number, object][] = [];
  const reasons: [number, ReturnType<typeof removedReasonToMessage>][] = [];
  const contexts: [number, MessageShape<typeof ConstraintContextSchema>][] = [];
  for (const c of rows) {
    if (c.removedReason) {
      removed.push([c.id, toRow(c)]);
      reasons.push([c.id, removedReasonToMessage(c.removedReason)]);
    } else active.push([c.id, toRow(c)]);
    if (hasLabel(c) || (c.provenance?.length ?? 0) > 0) {
      contexts.push([
        c.id,
        create(ConstraintContextSchema, {
          ...(hasLabel(c) ? { label: labelToMessage(c) } : {}),
          provenance: (c.provenance ?? []).map((p) => ({
            source: {
              case: p.kind === "indicator"
                ? "indicatorConstraintId" as const
                : p.kind === "one-hot"
                ? "oneHotConstraintId" as const
                : "sos1ConstraintId" as const,
              value: BigInt(p.id),
            },
          })),
        }),
      ]);
    }
  }
  return {
    active: u64Record(active),
    removed: u64Record(removed),
    removedReasons: u64Record(reasons),
    contexts: u64Record(contexts),
  };
}

function commonV2(d: Omit<InstanceData, "parameterValues">) {
  const labels: [number, ReturnType<typeof labelToMessage>][] = [];
  const fixed: [number, number][] = [];
  for (const v of d.decisionVariables) {
    if (hasLabel(v)) labels.push([v.id, labelToMessage(v)]);
    if (v.substitutedValue !== undefined) fixed.push([v.id, v.substitutedValue]);
  }
  const nfLabels: [number, ReturnType<typeof labelToMessage>][] = d.namedFunctions
    .filter(hasLabel).map((n) => [n.id, labelToMessage(n)]);
  const requiredFeatures = featuresFor({
    indicator: d.indicatorConstraints.length > 0,
    "one-hot": d.oneHotConstraints.length > 0,
    sos1: d.sos1Constraints.length > 0,
  });
  if (d.outputObjective) requiredFeatures.push(FEATURE_OUTPUT_OBJECTIVE);
  return {
    requiredFeatures,
    ...(d.description ? { description: descriptionToMessage(d.description) } : {}),
    decisionVariables: create(DecisionVariableTableSchema, {
      entries: u64Record(d.decisionVariables.map((v) => [v.id, {
        kind: kindToNumber(v.kind),
        bound: { lower: v.bound.lower, upper: v.bound.upper },
      }])),
      labels: u64Record(labels),
      fixedValues: u64Record(fixed),
    }),
    objective: functionToMessage(d.objective),
    regularConstraints: create(
      RegularConstraintCollectionSchema,
      collectionInit(d.constraints, (c) => ({
        equality: equalityToNumber(c.equality),
        function: functionToMessage(c.function),
      })),
    ),
    sense: senseToNumber(d.sense),
    ...(d.indicatorConstraints.length > 0
      ? {
        indicatorConstraints: create(
          IndicatorConstraintCollectionSchema,
          collectionInit(d.indicatorConstraints, (c) => ({
            indicatorVariable: BigInt(c.indicatorVariable),
            equality: equalityToNumber(c.equality),
            function: functionToMessage(c.function),
          })),
        ),
      }
      : {}),
    ...(d.oneHotConstraints.length > 0
      ? {
        oneHotConstraints: create(
          OneHotConstraintCollectionSchema,
          collectionInit(d.oneHotConstraints, (c) => ({ variables: c.variables.map(BigInt) })),
        ),
      }
      : {}),
    ...(d.sos1Constraints.length > 0
      ? {
        sos1Constraints: create(
          Sos1ConstraintCollectionSchema,
          collectionInit(d.sos1Constraints, (c) => ({ variables: c.variables.map(BigInt) })),
        ),
      }
      : {}),
    decisionVariableDependency: u64Record(
      [...d.decisionVariableDependency].map(([k, f]) => [k, functionToMessage(f)]),
    ),
    ...(d.namedFunctions.length > 0
      ? {
        namedFunctions: create(NamedFunctionTableSchema, {
          entries: u64Record(
            d.namedFunctions.map((n) => [n.id, { function: functionToMessage(n.function) }]),
          ),
          labels: u64Record(nfLabels),
        }),
      }
      : {}),
    annotations: { ...d.annotations },
    ...(d.outputObjective
      ? {
        outputObjective: create(OutputObjectiveSchema, {
          sense: senseToNumber(d.outputObjective.sense),
          function: functionToMessage(d.outputObjective.function),
          preservesOptimality: d.outputObjective.preservesOptimality,
        }),
      }
      : {}),
  };
}

/**
 * Build the `ommx.v2.Instance` message for instance data.
 *
 * @param d The data.
 * @returns The message.
 */
export function instanceToV2Message(
  d: InstanceData,
): MessageShape<typeof V2InstanceSchema> {
  return create(V2InstanceSchema, {
    ...commonV2(d),
    ...(d.parameterValues
      ? {
        parameters: create(ParametersSchema, {
          entries: u64Record([...d.parameterValues].map(([k, v]) => [k, v])),
        }),
      }
      : {}),
  });
}

/**
 * Encode instance data as `ommx.v2.Instance` bytes.
 *
 * @param d The data.
 * @returns The bytes.
 */
export function encodeInstanceData(d: InstanceData): Uint8Array {
  return writeUsualInstance(d) ?? toBinary(V2InstanceSchema, instanceToV2Message(d));
}

/**
 * Build the `ommx.v2.ParametricInstance` message.
 *
 * @param d The data.
 * @returns The message.
 */
export function parametricToV2Message(
  d: ParametricInstanceData,
): MessageShape<typeof V2ParametricInstanceSchema> {
  return create(V2ParametricInstanceSchema, {
    ...commonV2(d),
    parameters: create(ParameterTableSchema, {
      ids: d.parameters.map((p) => BigInt(p.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      labels: labelRecord(d.parameters),
    }),
  });
}

/**
 * Encode parametric instance data as `ommx.v2.ParametricInstance` bytes.
 *
 * @param d The data.
 * @returns The bytes.
 */
export function encodeParametricInstanceData(d: ParametricInstanceData): Uint8Array {
  return toBinary(V2ParametricInstanceSchema, parametricToV2Message(d));
}
