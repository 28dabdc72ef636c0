/**
 * Internal pieces shared by the hand-written OMMX root readers/writers
 * (instance, sample set, solution): empty labels, bounds, and the v2
 * `map<uint64, …>` tables with their label / removed-reason / context sidecars.
 *
 * @module
 */

import { DecodeError } from "../../core/errors.ts";
import type { ConstraintBase, Provenance } from "./instance_data.ts";
import type { Bound, Label, RemovedReason } from "./types.ts";
import {
  assignLabel,
  featuresFor,
  hasLabel,
  labelToMessage,
  readContext,
  readLabel,
  readRemovedReason,
  readU64MsgEntry,
  removedReasonToMessage,
} from "./_wire_common.ts";
import { WireReader } from "./_wire.ts";

/**
 * A label with no name, subscripts, parameters or description.
 *
 * @returns A fresh empty label.
 */
export function emptyLabel(): Label {
  return { subscripts: [], parameters: {} };
}

/**
 * Wrap the remaining bytes of a bounded reader so generic readers that expect
 * a length prefix can consume a map value body.
 *
 * @param r A reader bounded to a message body.
 * @returns A reader positioned at a synthetic length prefix.
 */
export function sub(r: WireReader): WireReader {
  const body = r.buf.subarray(r.pos, r.end);
  r.pos = r.end;
  const prefixed = new Uint8Array(body.length + 10);
  let n = body.length;
  let i = 0;
  while (n >= 0x80) {
    prefixed[i++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  prefixed[i++] = n;
  prefixed.set(body, i);
  return new WireReader(prefixed, 0, i + body.length);
}

/**
 * Read a `Bound` message (`lower` = field 1, `upper` = field 2; absent fields are 0).
 *
 * @param r Reader at the length prefix.
 * @returns The bound.
 */
export function readBound(r: WireReader): Bound {
  const s = r.enter();
  const b = { lower: 0, upper: 0 };
  while (!r.done()) {
    const t = r.tag();
    if (t === 0x09) b.lower = r.double();
    else if (t === 0x11) b.upper = r.double();
    else r.skip(t & 7);
  }
  r.leave(s);
  return b;
}

/**
 * Read one `map<uint64, ModelingLabel>` entry into `labels`.
 *
 * @param r Reader at the entry's length prefix.
 * @param labels Target map (ID → label).
 */
export function readLabelEntry(r: WireReader, labels: Map<number, Label>): void {
  const [id, l] = readU64MsgEntry(r, (rr) => readLabel(sub(rr)));
  labels.set(id, l);
}

/**
 * Copy sidecar labels onto their rows.
 *
 * @param rows ID → row.
 * @param labels ID → label.
 * @param unknown The error message for a label whose ID has no row.
 * @throws {DecodeError} when a label names an unknown ID.
 */
export function applyLabels(
  rows: ReadonlyMap<number, Label>,
  labels: ReadonlyMap<number, Label>,
  unknown: (id: number) => string,
): void {
  for (const [id, l] of labels) {
    const v = rows.get(id);
    if (!v) throw new DecodeError(unknown(id));
    assignLabel(v, l);
  }
}

/**
 * Copy `ConstraintContext` sidecars (label and provenance) onto their constraints.
 *
 * @param rows ID → constraint.
 * @param contexts ID → context.
 * @throws {DecodeError} when a context names an unknown constraint.
 */
export function applyContexts(
  rows: ReadonlyMap<number, ConstraintBase>,
  contexts: ReadonlyMap<number, { label: Label; provenance: Provenance[] }>,
): void {
  for (const [id, ctx] of contexts) {
    const row = rows.get(id);
    if (!row) throw new DecodeError(`contexts references unknown constraint ${id}`);
    assignLabel(row, ctx.label);
    if (ctx.provenance.length > 0) row.provenance = ctx.provenance;
  }
}

/**
 * A `map<uint64, T>` init record, keys in ascending numeric order.
 *
 * @param entries `[id, value]` pairs.
 * @returns The record.
 */
export function u64Record<T>(entries: Iterable<[number, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort((a, b) => a[0] - b[0])) out[String(k)] = v;
  return out;
}

/**
 * The `removed_reasons` and `contexts` (label only) sidecars of an evaluated or
 * sampled v2 constraint collection.
 *
 * @param rows The collection's constraints.
 * @returns The two sidecar records.
 */
export function sidecars(rows: readonly ConstraintBase[]): {
  removedReasons: Record<string, ReturnType<typeof removedReasonToMessage>>;
  contexts: Record<string, { label: ReturnType<typeof labelToMessage> }>;
} {
  return {
    removedReasons: u64Record(
      rows.filter((c) => c.removedReason).map((c) => [
        c.id,
        removedReasonToMessage(c.removedReason!),
      ]),
    ),
    contexts: u64Record(rows.filter(hasLabel).map((c) => [c.id, { label: labelToMessage(c) }])),
  };
}

/**
 * One evaluated or sampled v2 constraint collection: its `entries` plus the
 * `removed_reasons` / `contexts` sidecars.
 *
 * @param rows The collection's constraints.
 * @param entry The entry message init of one constraint.
 * @returns The collection message init.
 */
export function collection<C extends ConstraintBase, E>(
  rows: readonly C[],
  entry: (c: C) => E,
): { entries: Record<string, E> } & ReturnType<typeof sidecars> {
  return { entries: u64Record(rows.map((c) => [c.id, entry(c)])), ...sidecars(rows) };
}

/**
 * Evaluated / sampled constraints split by collection, with the required features the
 * non-regular collections imply.
 *
 * @param rows All constraints.
 * @returns The four collections and the feature list.
 */
export function byKind<C extends { kind: "regular" | "indicator" | "one-hot" | "sos1" }>(
  rows: readonly C[],
): { reg: C[]; ind: C[]; oh: C[]; sos: C[]; requiredFeatures: number[] } {
  const of = (k: C["kind"]) => rows.filter((c) => c.kind === k);
  const reg = of("regular");
  const ind = of("indicator");
  const oh = of("one-hot");
  const sos = of("sos1");
  const requiredFeatures = featuresFor({
    indicator: ind.length > 0,
    "one-hot": oh.length > 0,
    sos1: sos.length > 0,
  });
  return { reg, ind, oh, sos, requiredFeatures };
}

/**
 * IDs as the `uint64` values of a message init.
 *
 * @param xs IDs (absent = none).
 * @returns The bigints.
 */
export function bigIds(xs: readonly number[] | undefined): bigint[] {
  return (xs ?? []).map(BigInt);
}

/**
 * The `labels` table (`map<uint64, ModelingLabel>`) of rows that carry a label.
 *
 * @param rows Rows with IDs.
 * @returns The table init.
 */
export function labelRecord(
  rows: readonly (Label & { id: number })[],
): Record<string, ReturnType<typeof labelToMessage>> {
  return u64Record(rows.filter(hasLabel).map((r) => [r.id, labelToMessage(r)]));
}

/**
 * The v2 named-function table of evaluated or sampled named functions
 * (`entries` by ID with their used variables, `labels`), or nothing when
 * there are none.
 *
 * @param field The message field: `evaluatedNamedFunctions` or `sampledNamedFunctions`.
 * @param rows The named functions.
 * @param value The value part of one entry.
 * @returns `{ [field]: table }`, or `{}` without rows.
 */
export function namedFunctionTable<
  K extends string,
  N extends Label & { id: number; usedDecisionVariableIds: readonly number[] },
  V extends object,
>(
  field: K,
  rows: readonly N[],
  value: (row: N) => V,
): {
  [P in K]?: {
    entries: Record<string, V & { usedDecisionVariableIds: bigint[] }>;
    labels: ReturnType<typeof labelRecord>;
  };
} {
  if (rows.length === 0) return {};
  const entries = u64Record(rows.map((n) => [n.id, {
    ...value(n),
    usedDecisionVariableIds: bigIds(n.usedDecisionVariableIds),
  }]));
  return { [field]: { entries, labels: labelRecord(rows) } } as {
    [P in K]?: { entries: typeof entries; labels: ReturnType<typeof labelRecord> };
  };
}

/**
 * Read a v2 table of labelled rows: `map<uint64, Row> entries = 1;
 * map<uint64, ModelingLabel> labels = 2;` (decision variables, named
 * functions, sampled decision variables), labels applied to their rows.
 *
 * @param r A reader at the table's length prefix.
 * @param readRow Reads one row's body (its `id` is set from the key).
 * @param unknownLabel The message for a label of an unknown ID.
 * @param other Reads any other field of the table; returns `false` to skip it.
 * @returns ID → row.
 * @throws {DecodeError} On malformed bytes or a label for an unknown ID.
 */
export function readLabelledTable<R extends Label & { id: number }>(
  r: WireReader,
  readRow: (r: WireReader) => R,
  unknownLabel: (id: number) => string,
  other: (r: WireReader, field: number) => boolean = () => false,
): Map<number, R> {
  const saved = r.enter();
  const rows = new Map<number, R>();
  const labels = new Map<number, Label>();
  while (!r.done()) {
    const t = r.tag();
    const field = t >>> 3;
    if (field === 1) {
      const [id, row] = readU64MsgEntry(r, readRow);
      row.id = id;
      rows.set(id, row);
    } else if (field === 2) readLabelEntry(r, labels);
    else if (!other(r, field)) r.skip(t & 7);
  }
  r.leave(saved);
  applyLabels(rows, labels, unknownLabel);
  return rows;
}

/** The `removed_reasons` and `contexts` sidecars of a v2 constraint collection, by ID. */
export interface ConstraintSidecars {
  /** ID → why the constraint was removed. */
  readonly reasons: Map<number, RemovedReason>;
  /** ID → label and provenance. */
  readonly contexts: Map<number, { label: Label; provenance: Provenance[] }>;
}

/**
 * Read one sidecar entry of a v2 constraint collection when `field` is its
 * `removed_reasons` or `contexts` map.
 *
 * @param r The reader, after the field's tag.
 * @param field The field number.
 * @param numbers The field numbers of `removed_reasons` and `contexts` in this collection.
 * @param into Where the entries go.
 * @returns Whether the field was a sidecar (else the caller handles or skips it).
 */
export function readSidecarEntry(
  r: WireReader,
  field: number,
  numbers: { reasons: number; contexts: number },
  into: ConstraintSidecars,
): boolean {
  if (field === numbers.reasons) {
    const [id, reason] = readU64MsgEntry(r, (rr) => readRemovedReason(sub(rr)));
    into.reasons.set(id, reason);
  } else if (field === numbers.contexts) {
    const [id, context] = readU64MsgEntry(r, (rr) => readContext(sub(rr)));
    into.contexts.set(id, context);
  } else return false;
  return true;
}
