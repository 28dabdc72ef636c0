/**
 * Shared pieces of the hand-written OMMX root readers/writers: string maps,
 * labels, removed reasons, descriptions, metadata and feature checks.
 *
 * @module
 */

import {
  create,
  fromBinary,
  type Message,
  type MessageInit,
  type MessageSchema,
} from "../../core/_protobuf.ts";
import type { Function } from "./function.ts";
import type { Function as FunctionMessage } from "./gen/ommx/v1/function_pb.ts";
import {
  FunctionSchema,
  Instance_DescriptionSchema,
  LinearSchema,
  MonomialSchema,
  PolynomialSchema,
  ProcessMetadataSchema,
  QuadraticSchema,
} from "./gen/ommx/v1/package_static.ts";
import { DecodeError, UnsupportedError } from "../../core/errors.ts";
import type { Instance_Description } from "./gen/ommx/v1/instance_pb.ts";
import type { ModelingLabel } from "./gen/ommx/v2/common_pb.ts";
import {
  ConstraintContextSchema,
  ModelingLabelSchema,
  RemovedReasonSchema,
} from "./gen/ommx/v2/package_static.ts";
import type { RemovedReason as RemovedReasonMessage } from "./gen/ommx/v2/constraint_pb.ts";
import type { Provenance } from "./instance_data.ts";
import type { InstanceDescription, Label, ProcessMetadata, RemovedReason } from "./types.ts";
import { WIRE_I64, WIRE_VARINT, WireReader } from "./_wire.ts";

const EMPTY = new Uint8Array(0);

/**
 * Read one `map<string, string>` entry.
 *
 * @param r Reader at the entry's length prefix.
 * @param out Target record.
 */
export function readStringEntry(r: WireReader, out: Record<string, string>): void {
  const saved = r.enter();
  let k = "";
  let v = "";
  while (!r.done()) {
    const t = r.tag();
    if (t === 0x0a) k = r.string();
    else if (t === 0x12) v = r.string();
    else r.skip(t & 7);
  }
  r.leave(saved);
  out[k] = v;
}

/** Field numbers of the inline label fields of a v1 row message (they differ per message). */
export interface V1LabelFields {
  /** `optional string name`. */
  name: number;
  /** `repeated int64 subscripts`. */
  subscripts: number;
  /** `map<string, string> parameters`. */
  parameters: number;
  /** `optional string description`. */
  description: number;
}

/** Where each `ommx.v1` message with a label keeps its label fields. */
export const V1_LABEL_FIELDS = {
  constraint: { name: 6, subscripts: 8, parameters: 5, description: 7 },
  namedFunction: { name: 5, subscripts: 3, parameters: 4, description: 6 },
  decisionVariable: { name: 4, subscripts: 5, parameters: 6, description: 7 },
  sampledConstraint: { name: 3, subscripts: 4, parameters: 5, description: 6 },
  sampledNamedFunction: { name: 2, subscripts: 3, parameters: 4, description: 5 },
} as const satisfies Record<string, V1LabelFields>;

/**
 * Read one field of a v1 row into its label, if the field is one of the label fields.
 *
 * @param r Reader just after the field's tag.
 * @param field The field number.
 * @param wt The wire type.
 * @param l Target label.
 * @param fields The message's label field numbers.
 * @returns Whether the field was a label field (and was read).
 */
export function readV1LabelField(
  r: WireReader,
  field: number,
  wt: number,
  l: Label,
  fields: V1LabelFields,
): boolean {
  if (field === fields.name) l.name = r.string();
  else if (field === fields.subscripts) r.packedInts(wt, l.subscripts);
  else if (field === fields.parameters) readStringEntry(r, l.parameters);
  else if (field === fields.description) l.description = r.string();
  else return false;
  return true;
}

/**
 * Read a length-prefixed v1 row message: each field goes to `onField` first, then to the
 * row's inline label fields, and is skipped when neither takes it.
 *
 * @param r Reader at the row's length prefix.
 * @param label The row's label (filled in place).
 * @param fields The label's field numbers in this message.
 * @param onField Reads a non-label field; returns false when it does not know the field.
 */
export function readV1Row(
  r: WireReader,
  label: Label,
  fields: V1LabelFields,
  onField: (field: number, wt: number) => boolean,
): void {
  const saved = r.enter();
  while (!r.done()) {
    const t = r.tag();
    const wt = t & 7;
    const field = t >>> 3;
    if (!onField(field, wt) && !readV1LabelField(r, field, wt, label, fields)) r.skip(wt);
  }
  r.leave(saved);
}

/**
 * Read one `map<uint64, Message>` entry; a missing value is read as the empty message.
 *
 * @param r Reader at the entry's length prefix.
 * @param readValue Reads a value body from a bounded reader.
 * @returns `[key, value]`.
 */
export function readU64MsgEntry<T>(r: WireReader, readValue: (r: WireReader) => T): [number, T] {
  const saved = r.enter();
  let key = 0;
  let value: T | undefined;
  let seen = false;
  while (!r.done()) {
    const t = r.tag();
    if (t === 0x08) key = r.uint();
    else if (t === 0x12) {
      const s = r.enter();
      value = readValue(r);
      r.leave(s);
      seen = true;
    } else r.skip(t & 7);
  }
  r.leave(saved);
  if (!seen) value = readValue(new WireReader(EMPTY));
  return [key, value as T];
}

/**
 * Decode a small sub-message with its generated static codec (`package_static.ts`).
 *
 * @param r Reader at the sub-message's length prefix.
 * @param schema Generated schema.
 * @returns The message.
 */
export function readGeneric<T extends Message>(r: WireReader, schema: MessageSchema<T>): T {
  return fromBinary(schema, r.bytes());
}

/**
 * Convert a `ModelingLabel` message to a label.
 *
 * @param m The message (undefined → empty label).
 * @returns The label.
 */
export function labelFromMessage(
  m: Pick<ModelingLabel, "name" | "subscripts" | "parameters" | "description"> | undefined,
): Label {
  const l: Label = { subscripts: [], parameters: {} };
  if (!m) return l;
  if (m.name !== undefined) l.name = m.name;
  l.subscripts = m.subscripts.map((s) => safe(s));
  l.parameters = { ...m.parameters };
  if (m.description !== undefined) l.description = m.description;
  return l;
}

/**
 * Whether a label carries anything.
 *
 * @param l The label.
 * @returns `true` when any field is set.
 */
export function hasLabel(l: Label): boolean {
  return l.name !== undefined || l.description !== undefined || l.subscripts.length > 0 ||
    Object.keys(l.parameters).length > 0;
}

/**
 * Convert a label to a `ModelingLabel` message init.
 *
 * @param l The label.
 * @returns The message.
 */
export function labelToMessage(l: Label): ModelingLabel {
  return create(ModelingLabelSchema, {
    ...(l.name !== undefined ? { name: l.name } : {}),
    subscripts: l.subscripts.map(BigInt),
    parameters: { ...l.parameters },
    ...(l.description !== undefined ? { description: l.description } : {}),
  });
}

/**
 * Copy label fields from `src` into `dst`.
 *
 * @param dst Target.
 * @param src Source.
 */
export function assignLabel(dst: Label, src: Label): void {
  if (src.name !== undefined) dst.name = src.name;
  dst.subscripts = src.subscripts;
  dst.parameters = src.parameters;
  if (src.description !== undefined) dst.description = src.description;
}

/**
 * Read a v2 `ModelingLabel`.
 *
 * @param r Reader at the length prefix.
 * @returns The label.
 */
export function readLabel(r: WireReader): Label {
  return labelFromMessage(readGeneric(r, ModelingLabelSchema));
}

/**
 * Read a v2 `ConstraintContext`.
 *
 * @param r Reader at the length prefix.
 * @returns Label and provenance.
 */
export function readContext(r: WireReader): { label: Label; provenance: Provenance[] } {
  const m = readGeneric(r, ConstraintContextSchema);
  const provenance: Provenance[] = m.provenance.map((p) => {
    switch (p.source.case) {
      case "indicatorConstraintId":
        return { kind: "indicator", id: safe(p.source.value) };
      case "oneHotConstraintId":
        return { kind: "one-hot", id: safe(p.source.value) };
      case "sos1ConstraintId":
        return { kind: "sos1", id: safe(p.source.value) };
      default:
        throw new DecodeError("Provenance.source is unset");
    }
  });
  return { label: labelFromMessage(m.label), provenance };
}

/**
 * Read a v2 `RemovedReason`.
 *
 * @param r Reader at the length prefix.
 * @returns The reason.
 */
export function readRemovedReason(r: WireReader): RemovedReason {
  const m = readGeneric(r, RemovedReasonSchema);
  return { reason: m.reason, parameters: { ...m.parameters } };
}

/**
 * Convert a removed reason to its message.
 *
 * @param r The reason.
 * @returns The message.
 */
export function removedReasonToMessage(r: RemovedReason): RemovedReasonMessage {
  return create(RemovedReasonSchema, { reason: r.reason, parameters: { ...r.parameters } });
}

/**
 * Read an `Instance.Description`.
 *
 * @param r Reader at the length prefix.
 * @returns The description.
 */
export function readDescription(r: WireReader): InstanceDescription {
  const m = readGeneric(r, Instance_DescriptionSchema);
  const d: InstanceDescription = { authors: [...m.authors] };
  for (const k of ["name", "description", "createdBy", "created", "license", "dataset"] as const) {
    const v = m[k];
    if (v !== undefined) d[k] = v;
  }
  return d;
}

/**
 * Convert a description to its message.
 *
 * @param d The description.
 * @returns The message.
 */
export function descriptionToMessage(d: InstanceDescription): Instance_Description {
  return create(
    Instance_DescriptionSchema,
    d as MessageInit<Instance_Description>,
  );
}

/**
 * Read a `ProcessMetadata`.
 *
 * @param r Reader at the length prefix.
 * @returns The metadata.
 */
export function readMetadata(r: WireReader): ProcessMetadata {
  const m = readGeneric(r, ProcessMetadataSchema);
  const out: ProcessMetadata = {};
  for (const k of ["instance", "solver", "parameters", "start", "end"] as const) {
    const v = m[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Reject reserved annotation keys (reader rule: keys starting `org.ommx.v1.`).
 *
 * @param annotations The message's annotations.
 * @param what The root being read.
 */
export function checkAnnotations(annotations: Record<string, string>, what: string): void {
  for (const k of Object.keys(annotations)) {
    if (k.startsWith("org.ommx.v1.")) {
      throw new DecodeError(`${what}: reserved annotation key ${JSON.stringify(k)} in message`);
    }
  }
}

/**
 * Reader rule for v1 roots: `format_version` must be ≤ 0.
 *
 * @param v The field value.
 * @param what The root being read.
 */
export function checkFormatVersion(v: number, what: string): void {
  if (v > 0) {
    throw new UnsupportedError(
      `${what}: format_version ${v} is newer than supported (0); upgrade the SDK`,
    );
  }
}

/** Names of the special-constraint features. */
export type FeatureName = "indicator" | "one-hot" | "sos1";

/**
 * Validate `required_features` against the non-empty special collections. Feature 4
 * (`FEATURE_OUTPUT_OBJECTIVE`) is accepted anywhere and never required; numbers above 4 are
 * unknown.
 *
 * @param features The raw feature numbers read.
 * @param present Which special collections are non-empty.
 * @param what The root being read.
 */
export function checkFeatures(
  features: readonly number[],
  present: Record<FeatureName, boolean>,
  what: string,
): void {
  const set = new Set<FeatureName>();
  for (const f of features) {
    if (f === 0) throw new DecodeError(`${what}: FEATURE_UNSPECIFIED in required_features`);
    if (f === 1) set.add("indicator");
    else if (f === 2) set.add("one-hot");
    else if (f === 3) set.add("sos1");
    // FEATURE_OUTPUT_OBJECTIVE: known, but with no presence rule (ommx 3.0.0b7 accepts it with
    // or without the output_objective field, and on Solution/SampleSet too).
    else if (f === 4) continue;
    else {
      throw new UnsupportedError(
        `${what}: unknown required feature ${f}; this payload needs a newer reader`,
      );
    }
  }
  for (const name of ["indicator", "one-hot", "sos1"] as const) {
    if (set.has(name) !== present[name]) {
      throw new DecodeError(
        `${what}: required_features ${set.has(name) ? "lists" : "omits"} ${name} but the ` +
          `collection is ${present[name] ? "non-empty" : "empty"}`,
      );
    }
  }
}

/**
 * The `required_features` numbers for the given non-empty collections.
 *
 * @param present Which special collections are non-empty.
 * @returns Feature numbers, ascending.
 */
export function featuresFor(present: Record<FeatureName, boolean>): number[] {
  const out: number[] = [];
  if (present.indicator) out.push(1);
  if (present["one-hot"]) out.push(2);
  if (present.sos1) out.push(3);
  return out;
}

/**
 * Convert a bigint/ID to a safe number.
 *
 * @param v The value.
 * @returns The number.
 */
export function safe(v: bigint): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new UnsupportedError(`integer ${v} exceeds 2^53-1`);
  return n;
}

/**
 * Check a tolerance field (`feasibility_atol`).
 *
 * @param v The value.
 * @param what The root.
 */
export function checkAtol(v: number, what: string): void {
  if (!Number.isFinite(v) || v <= 0) {
    throw new DecodeError(`${what}: feasibility_atol ${v} must be finite and positive`);
  }
}

/**
 * Read the body of a `State`/`Parameters` message (fast path). Missing entry
 * keys/values default to 0; the last duplicate key wins.
 *
 * @param r A reader bounded to the message.
 * @param out The map to fill.
 * @returns `out`.
 */
export function readStateBody(
  r: WireReader,
  out: Map<number, number> = new Map(),
): Map<number, number> {
  while (!r.done()) {
    const tag = r.tag();
    if (tag === 0x0a) readU64DoubleEntry(r, out);
    else r.skip(tag & 7);
  }
  return out;
}

/**
 * Read one length-delimited `map<uint64, double>` entry into `out`.
 *
 * @param r A reader positioned at the entry's length prefix.
 * @param out The map to fill.
 */
export function readU64DoubleEntry(r: WireReader, out: Map<number, number>): void {
  const saved = r.enter();
  let key = 0;
  let value = 0;
  while (!r.done()) {
    const t = r.tag();
    if (t === 0x08) key = r.uint();
    else if (t === 0x11) value = r.double();
    else if (
      (t >>> 3 === 1 && (t & 7) !== WIRE_VARINT) || (t >>> 3 === 2 && (t & 7) !== WIRE_I64)
    ) {
      throw new DecodeError(`bad wire type in map<uint64, double> entry`);
    } else r.skip(t & 7);
  }
  r.leave(saved);
  out.set(key, value);
}

/**
 * Convert a function to the generated `ommx.v1.Function` message.
 *
 * @param f The function.
 * @returns The message.
 */
export function functionToMessage(f: Function): FunctionMessage {
  const linear = () =>
    create(LinearSchema, {
      terms: f.linearIds.map((id, i) => ({
        id: BigInt(id),
        coefficient: f.linearCoefficients[i]!,
      })),
      constant: f.constant,
    });
  switch (f.kind) {
    case "constant":
      return create(FunctionSchema, { function: { case: "constant", value: f.constant } });
    case "linear":
      return create(FunctionSchema, { function: { case: "linear", value: linear() } });
    case "quadratic": {
      const hasLinear = f.linearIds.length > 0 || f.constant !== 0;
      return create(FunctionSchema, {
        function: {
          case: "quadratic",
          value: create(QuadraticSchema, {
            rows: f.quadraticRows.map(BigInt),
            columns: f.quadraticColumns.map(BigInt),
            values: [...f.quadraticValues],
            ...(hasLinear ? { linear: linear() } : {}),
          }),
        },
      });
    }
    case "polynomial":
      return create(FunctionSchema, {
        function: {
          case: "polynomial",
          value: create(PolynomialSchema, {
            terms: f.toMonomials().map((m) =>
              create(MonomialSchema, { ids: m.ids.map(BigInt), coefficient: m.coefficient })
            ),
          }),
        },
      });
  }
}

/**
 * The fields the `ommx.v1` Solution and SampleSet messages share (under
 * different numbers): sense, process metadata, annotations and format
 * version. A root reader hands every field it does not handle itself to
 * {@linkcode V1ResultFields.read}, then calls {@linkcode V1ResultFields.finish}.
 */
export class V1ResultFields {
  /** The raw `sense` enum number (0 when absent). */
  sense = 0;
  #formatVersion = 0;
  readonly #numbers: { sense: number; metadata: number; annotations: number };
  readonly #into: { metadata?: ProcessMetadata; annotations: Record<string, string> };

  /**
   * @param numbers The field numbers of sense, metadata and annotations.
   * @param into The data receiving metadata and annotations.
   */
  constructor(
    numbers: { sense: number; metadata: number; annotations: number },
    into: { metadata?: ProcessMetadata; annotations: Record<string, string> },
  ) {
    this.#numbers = numbers;
    this.#into = into;
  }

  /**
   * Read field `no` when it is one of the shared fields.
   *
   * @param r The reader, positioned after the field's tag.
   * @param no The field number.
   * @returns Whether the field was read (else the caller skips it).
   */
  read(r: WireReader, no: number): boolean {
    if (no === this.#numbers.sense) this.sense = r.uint();
    else if (no === this.#numbers.metadata) this.#into.metadata = readMetadata(r);
    else if (no === this.#numbers.annotations) readStringEntry(r, this.#into.annotations);
    else if (no === 100) this.#formatVersion = r.uint();
    else return false;
    return true;
  }

  /**
   * Apply the reference's checks of the format version and the annotations.
   *
   * @param what The media type, for messages.
   */
  finish(what: string): void {
    checkFormatVersion(this.#formatVersion, what);
    checkAnnotations(this.#into.annotations, what);
  }
}
