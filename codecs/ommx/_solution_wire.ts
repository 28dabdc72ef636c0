/**
 * A hand-written reader for `ommx.v2.Solution` bytes that builds the same
 * message object as the reflective `fromBinary(SolutionSchema, bytes)` of
 * protobuf-es (with `readUnknownFields: false`): the generated types'
 * shape, `$typeName` included, `uint64`/`int64` as `bigint`, maps as records
 * keyed by the decimal key, the last value of a map key kept at the key's
 * first position, a singular message field given twice merged, repeated
 * scalars packed or not. Unknown fields are skipped (groups included).
 *
 * Where the two differ it is on malformed bytes only, and this reader is the
 * stricter: a known field with the wrong wire type, a length past the end of
 * its message, a varint that overflows 64 bits are a {@linkcode DecodeError}
 * (protobuf-es reads some of these as other values); the reference SDK
 * (3.0.0b7) refuses them too. One rule is protobuf-es' and stricter than the
 * reference: a tag takes at most 5 bytes (the reference accepts redundant
 * longer encodings; see `docs/format-notes.md`).
 *
 * {@linkcode readSolutionSummary} walks the same bytes by the same wire rules
 * without building the message, for the summary a listing shows: it vouches
 * only for payloads that pass every check of the full read, and leaves the
 * rest (and every error message) to it.
 *
 * @module
 */

import { DecodeError, OmmxError } from "../../core/errors.ts";
import {
  equalityFromNumber,
  kindFromNumber,
  optimalityFromNumber,
  relaxationFromNumber,
  senseFromNumber,
} from "./_conversions.ts";
import type { SolutionSummary } from "./_solution_summary.ts";
import { checkAnnotations, checkAtol, checkFeatures, labelFromMessage } from "./_wire_common.ts";
import type { ModelingLabel } from "./gen/ommx/v2/common_pb.ts";
import type {
  ConstraintContext,
  EvaluatedIndicatorConstraint,
  EvaluatedIndicatorConstraintCollection,
  EvaluatedOneHotConstraint,
  EvaluatedOneHotConstraintCollection,
  EvaluatedRegularConstraint,
  EvaluatedRegularConstraintCollection,
  EvaluatedSos1Constraint,
  EvaluatedSos1ConstraintCollection,
  Provenance,
  RemovedReason,
} from "./gen/ommx/v2/constraint_pb.ts";
import type {
  EvaluatedDecisionVariable,
  EvaluatedDecisionVariableTable,
} from "./gen/ommx/v2/decision_variable_pb.ts";
import type {
  EvaluatedNamedFunction,
  EvaluatedNamedFunctionTable,
} from "./gen/ommx/v2/named_function_pb.ts";
import type { Bound } from "./gen/ommx/v1/decision_variables_pb.ts";
import type { ProcessMetadata } from "./gen/ommx/v1/solution_pb.ts";
import type { Solution } from "./gen/ommx/v2/solution_pb.ts";

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const I32 = 5;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Strings as protobuf-es reads proto3 strings: invalid UTF-8 refused, a leading BOM kept. */
const TEXT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** Nesting of unknown groups skipped, as protobuf-es' default recursion limit. */
const GROUP_LIMIT = 100;

/** The bytes and the bounds of the message being read. */
class Reader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  end: number;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.end = buf.length;
  }

  fail(what: string): never {
    throw new DecodeError(`${what} at offset ${this.pos}`);
  }

  /**
   * A varint as a number when it is at most 2^53-1, else as a bigint (its low 64 bits).
   */
  varint(): number | bigint {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    if (pos >= end) this.fail("truncated varint");
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let v = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; i < 10; i++) {
      if (pos >= end) this.fail("truncated varint");
      b = buf[pos++]!;
      // As the reference (prost): a tenth byte above 1 overflows 64 bits (protobuf-es truncates).
      if (i === 9 && b > 1) this.fail("varint overflows 64 bits");
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = pos;
        // Every term is exact and rounding is monotone: v ≤ 2^53-1 only when the sum is.
        return v <= MAX_SAFE ? v : wide(buf, start, pos);
      }
      mul *= 0x80;
    }
    return this.fail("varint longer than 10 bytes");
  }

  /** A varint that must fit a JS number (lengths, tags). */
  small(): number {
    // Fast path: one byte (most tags, lengths, enums and flags).
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    const v = this.varint();
    if (typeof v !== "number") this.fail(`varint ${v} too large here`);
    return v;
  }

  /** A `uint64` as protobuf-es gives it. */
  u64(): bigint {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return BigInt(b);
      }
    }
    return BigInt(this.varint());
  }

  /** An `int64` as protobuf-es gives it. */
  i64(): bigint {
    const v = this.varint();
    return typeof v === "number" ? BigInt(v) : BigInt.asIntN(64, v);
  }

  /** An `int32` / enum as protobuf-es gives it: the low 32 bits, signed. */
  i32(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    const v = this.varint();
    return typeof v === "number" ? (v % 4294967296) | 0 : Number(BigInt.asIntN(32, v));
  }

  bool(): boolean {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b !== 0;
      }
    }
    const v = this.varint();
    return typeof v === "number" ? v !== 0 : v !== 0n;
  }

  double(): number {
    if (this.pos + 8 > this.end) this.fail("truncated double");
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length prefix; returns the end of the delimited bytes. */
  delimited(): number {
    const len = this.small();
    const end = this.pos + len;
    if (end > this.end) this.fail(`length ${len} past the end of the message`);
    return end;
  }

  string(): string {
    const end = this.delimited();
    const buf = this.buf;
    const start = this.pos;
    this.pos = end;
    if (end - start <= 32) {
      let s = "";
      for (let i = start; i < end; i++) {
        const c = buf[i]!;
        if (c > 0x7f) return utf8(buf, start, end);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8(buf, start, end);
  }

  /** A tag: `[fieldNo, wireType]` packed as `fieldNo * 8 + wireType`. */
  tag(): number {
    const start = this.pos;
    const t = this.small();
    // As protobuf-es: at most 5 bytes, within uint32.
    if (this.pos - start > 5 || t > 0xffffffff) this.fail(`invalid tag ${t}`);
    if (t >>> 3 === 0) this.fail(`invalid tag ${t} (field 0)`);
    return t;
  }

  /** Enter a length-delimited message; returns the outer end to pass to {@linkcode leave}. */
  enter(): number {
    const end = this.delimited();
    const outer = this.end;
    this.end = end;
    return outer;
  }

  leave(outer: number): void {
    this.end = outer;
  }

  expect(wt: number, want: number, field: string): void {
    if (wt !== want) this.fail(`${field} has wire type ${wt}, expected ${want}`);
  }

  /** Skip an unknown field's value. */
  skip(wt: number, fieldNo: number, depth = 0): void {
    switch (wt) {
      case VARINT:
        this.varint();
        return;
      case I64:
        if (this.pos + 8 > this.end) this.fail("truncated fixed64");
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.delimited();
        return;
      case I32:
        if (this.pos + 4 > this.end) this.fail("truncated fixed32");
        this.pos += 4;
        return;
      case START_GROUP:
        if (depth >= GROUP_LIMIT) this.fail("groups nested too deeply");
        for (;;) {
          const t = this.tag();
          if ((t & 7) === END_GROUP) {
            if (t >>> 3 !== fieldNo) this.fail("invalid end group tag");
            return;
          }
          this.skip(t & 7, t >>> 3, depth + 1);
        }
      default:
        this.fail(`unexpected wire type ${wt}`);
    }
  }

  /** A repeated `uint64` field, packed or not. */
  u64s(wt: number, out: bigint[], field: string): void {
    if (wt === VARINT) {
      out.push(this.u64());
      return;
    }
    this.expect(wt, LEN, field);
    const outer = this.enter();
    while (this.pos < this.end) out.push(this.u64());
    this.leave(outer);
  }
}

/** The low 64 bits of the varint at `buf[start, end)`. */
function wide(buf: Uint8Array, start: number, end: number): bigint {
  let v = 0n;
  let shift = 0n;
  for (let i = start; i < end; i++) {
    v |= BigInt(buf[i]! & 0x7f) << shift;
    shift += 7n;
  }
  return BigInt.asUintN(64, v);
}

function utf8(buf: Uint8Array, start: number, end: number): string {
  try {
    return TEXT.decode(buf.subarray(start, end));
  } catch (e) {
    throw new DecodeError(`invalid UTF-8 in a string field`, { cause: e });
  }
}

// ---------- leaf messages ----------

function newLabel(): ModelingLabel {
  return { $typeName: "ommx.v2.ModelingLabel", subscripts: [], parameters: {} };
}

function readStringEntry(r: Reader, out: Record<string, string>): void {
  const outer = r.enter();
  let k = "";
  let v = "";
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 0x0a) k = r.string();
    else if (t === 0x12) v = r.string();
    else if (t >>> 3 === 1 || t >>> 3 === 2) r.expect(t & 7, LEN, "map entry");
    else r.skip(t & 7, t >>> 3);
  }
  r.leave(outer);
  out[k] = v;
}

function readLabel(r: Reader, l: ModelingLabel): ModelingLabel {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, LEN, "ModelingLabel.name");
        l.name = r.string();
        break;
      case 2:
        if (wt === VARINT) l.subscripts.push(r.i64());
        else {
          r.expect(wt, LEN, "ModelingLabel.subscripts");
          const o = r.enter();
          while (r.pos < r.end) l.subscripts.push(r.i64());
          r.leave(o);
        }
        break;
      case 3:
        r.expect(wt, LEN, "ModelingLabel.parameters");
        readStringEntry(r, l.parameters);
        break;
      case 4:
        r.expect(wt, LEN, "ModelingLabel.description");
        l.description = r.string();
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return l;
}

function newRemovedReason(): RemovedReason {
  return { $typeName: "ommx.v2.RemovedReason", reason: "", parameters: {} };
}

function readRemovedReason(r: Reader, m: RemovedReason): RemovedReason {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, LEN, "RemovedReason.reason");
        m.reason = r.string();
        break;
      case 2:
        r.expect(wt, LEN, "RemovedReason.parameters");
        readStringEntry(r, m.parameters);
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return m;
}

const PROVENANCE_CASES = [
  undefined,
  "indicatorConstraintId",
  "oneHotConstraintId",
  "sos1ConstraintId",
] as const;

function readProvenance(r: Reader): Provenance {
  const m: Provenance = { $typeName: "ommx.v2.Provenance", source: { case: undefined } };
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const f = t >>> 3;
    if (f >= 1 && f <= 3) {
      r.expect(t & 7, VARINT, "Provenance.source");
      m.source = { case: PROVENANCE_CASES[f]!, value: r.u64() };
    } else r.skip(t & 7, f);
  }
  r.leave(outer);
  return m;
}

function newContext(): ConstraintContext {
  return { $typeName: "ommx.v2.ConstraintContext", provenance: [] };
}

function readContext(r: Reader, m: ConstraintContext): ConstraintContext {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, LEN, "ConstraintContext.label");
        m.label = readLabel(r, m.label ?? newLabel());
        break;
      case 2:
        r.expect(wt, LEN, "ConstraintContext.provenance");
        m.provenance.push(readProvenance(r));
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return m;
}

function readBound(r: Reader, b: Bound): Bound {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, I64, "Bound.lower");
        b.lower = r.double();
        break;
      case 2:
        r.expect(wt, I64, "Bound.upper");
        b.upper = r.double();
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return b;
}

function readMetadata(r: Reader, m: ProcessMetadata): ProcessMetadata {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    const f = t >>> 3;
    if (f >= 1 && f <= 5) {
      r.expect(wt, LEN, "ProcessMetadata field");
      const v = r.string();
      if (f === 1) m.instance = v;
      else if (f === 2) m.solver = v;
      else if (f === 3) m.parameters = v;
      else if (f === 4) m.start = v;
      else m.end = v;
    } else r.skip(wt, f);
  }
  r.leave(outer);
  return m;
}

// ---------- map<uint64, Message> ----------

/**
 * Read one `map<uint64, M>` entry into `out`: key field 1, value field 2 (a value given twice
 * within the entry is merged; a missing key is 0, a missing value the empty message).
 */
function readU64Entry<M>(
  r: Reader,
  out: Record<string, M>,
  fresh: () => M,
  read: (r: Reader, into: M) => M,
): void {
  const outer = r.enter();
  let key: number | bigint = 0;
  let val: M | undefined;
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, VARINT, "map key");
        key = r.varint();
        break;
      case 2:
        r.expect(wt, LEN, "map value");
        val = read(r, val ?? fresh());
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  out[String(key)] = val ?? fresh();
}

/** The fields common to every evaluated constraint collection. */
interface Collection<E> {
  entries: { [key: string]: E };
  removedReasons: { [key: string]: RemovedReason };
  contexts: { [key: string]: ConstraintContext };
}

function readCollection<E, C extends Collection<E>>(
  r: Reader,
  c: C,
  fresh: () => E,
  read: (r: Reader, into: E) => E,
): C {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, LEN, "entries");
        readU64Entry(r, c.entries, fresh, read);
        break;
      case 2:
        r.expect(wt, LEN, "removed_reasons");
        readU64Entry(r, c.removedReasons, newRemovedReason, readRemovedReason);
        break;
      case 3:
        r.expect(wt, LEN, "contexts");
        readU64Entry(r, c.contexts, newContext, readContext);
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return c;
}

// ---------- evaluated rows ----------

function newRegular(): EvaluatedRegularConstraint {
  return {
    $typeName: "ommx.v2.EvaluatedRegularConstraint",
    equality: 0,
    evaluatedValue: 0,
    feasible: false,
    usedDecisionVariableIds: [],
  };
}

function readRegular(r: Reader, m: EvaluatedRegularConstraint): EvaluatedRegularConstraint {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, VARINT, "EvaluatedRegularConstraint.equality");
        m.equality = r.i32();
        break;
      case 2:
        r.expect(wt, I64, "EvaluatedRegularConstraint.evaluated_value");
        m.evaluatedValue = r.double();
        break;
      case 3:
        r.expect(wt, VARINT, "EvaluatedRegularConstraint.feasible");
        m.feasible = r.bool();
        break;
      case 4:
        r.u64s(wt, m.usedDecisionVariableIds, "used_decision_variable_ids");
        break;
      case 5:
        r.expect(wt, I64, "EvaluatedRegularConstraint.dual_variable");
        m.dualVariable = r.double();
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return m;
}

function newIndicator(): EvaluatedIndicatorConstraint {
  return {
    $typeName: "ommx.v2.EvaluatedIndicatorConstraint",
    indicatorVariable: 0n,
    equality: 0,
    evaluatedValue: 0,
    feasible: false,
    indicatorActive: false,
    usedDecisionVariableIds: [],
  };
}

function readIndicator(r: Reader, m: EvaluatedIndicatorConstraint): EvaluatedIndicatorConstraint {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, VARINT, "EvaluatedIndicatorConstraint.indicator_variable");
        m.indicatorVariable = r.u64();
        break;
      case 2:
        r.expect(wt, VARINT, "EvaluatedIndicatorConstraint.equality");
        m.equality = r.i32();
        break;
      case 3:
        r.expect(wt, I64, "EvaluatedIndicatorConstraint.evaluated_value");
        m.evaluatedValue = r.double();
        break;
      case 4:
        r.expect(wt, VARINT, "EvaluatedIndicatorConstraint.feasible");
        m.feasible = r.bool();
        break;
      case 5:
        r.expect(wt, VARINT, "EvaluatedIndicatorConstraint.indicator_active");
        m.indicatorActive = r.bool();
        break;
      case 6:
        r.u64s(wt, m.usedDecisionVariableIds, "used_decision_variable_ids");
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return m;
}

type SetRow = EvaluatedOneHotConstraint | EvaluatedSos1Constraint;

function newOneHot(): EvaluatedOneHotConstraint {
  return {
    $typeName: "ommx.v2.EvaluatedOneHotConstraint",
    variables: [],
    feasible: false,
    usedDecisionVariableIds: [],
  };
}

function newSos1(): EvaluatedSos1Constraint {
  return {
    $typeName: "ommx.v2.EvaluatedSos1Constraint",
    variables: [],
    feasible: false,
    usedDecisionVariableIds: [],
  };
}

function readSetRow<M extends SetRow>(r: Reader, m: M): M {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.u64s(wt, m.variables, "variables");
        break;
      case 2:
        r.expect(wt, VARINT, "feasible");
        m.feasible = r.bool();
        break;
      case 3:
        r.expect(wt, VARINT, "active_variable");
        m.activeVariable = r.u64();
        break;
      case 4:
        r.u64s(wt, m.usedDecisionVariableIds, "used_decision_variable_ids");
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return m;
}

function newDecisionVariable(): EvaluatedDecisionVariable {
  return { $typeName: "ommx.v2.EvaluatedDecisionVariable", kind: 0, value: 0 };
}

function readDecisionVariable(r: Reader, m: EvaluatedDecisionVariable): EvaluatedDecisionVariable {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, VARINT, "EvaluatedDecisionVariable.kind");
        m.kind = r.i32();
        break;
      case 2:
        r.expect(wt, LEN, "EvaluatedDecisionVariable.bound");
        m.bound = readBound(r, m.bound ?? { $typeName: "ommx.v1.Bound", lower: 0, upper: 0 });
        break;
      case 3:
        r.expect(wt, I64, "EvaluatedDecisionVariable.value");
        m.value = r.double();
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return m;
}

function newNamedFunction(): EvaluatedNamedFunction {
  return {
    $typeName: "ommx.v2.EvaluatedNamedFunction",
    evaluatedValue: 0,
    usedDecisionVariableIds: [],
  };
}

function readNamedFunction(r: Reader, m: EvaluatedNamedFunction): EvaluatedNamedFunction {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, I64, "EvaluatedNamedFunction.evaluated_value");
        m.evaluatedValue = r.double();
        break;
      case 2:
        r.u64s(wt, m.usedDecisionVariableIds, "used_decision_variable_ids");
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return m;
}

/** A `{ entries = 1; labels = 2 }` table (decision variables, named functions). */
function readTable<
  E,
  T extends { entries: { [key: string]: E }; labels: { [key: string]: ModelingLabel } },
>(
  r: Reader,
  table: T,
  fresh: () => E,
  read: (r: Reader, into: E) => E,
): T {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, LEN, "entries");
        readU64Entry(r, table.entries, fresh, read);
        break;
      case 2:
        r.expect(wt, LEN, "labels");
        readU64Entry(r, table.labels, newLabel, readLabel);
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
  return table;
}

// ---------- the root ----------

/**
 * Decode `ommx.v2.Solution` bytes into the message protobuf-es' `fromBinary(SolutionSchema,
 * bytes, { readUnknownFields: false })` gives, without its reflection.
 *
 * @param bytes The payload.
 * @returns The message.
 * @throws {DecodeError} for malformed bytes (never a raw `RangeError`).
 */
export function readSolutionMessage(bytes: Uint8Array): Solution {
  const r = new Reader(bytes);
  const m: Solution = {
    $typeName: "ommx.v2.Solution",
    requiredFeatures: [],
    objective: 0,
    feasible: false,
    optimality: 0,
    relaxation: 0,
    sense: 0,
    annotations: {},
  };
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        if (wt === VARINT) m.requiredFeatures.push(r.i32());
        else {
          r.expect(wt, LEN, "Solution.required_features");
          const o = r.enter();
          while (r.pos < r.end) m.requiredFeatures.push(r.i32());
          r.leave(o);
        }
        break;
      case 2:
        r.expect(wt, I64, "Solution.objective");
        m.objective = r.double();
        break;
      case 3:
        r.expect(wt, LEN, "Solution.decision_variables");
        m.decisionVariables = readTable(
          r,
          m.decisionVariables ??
            ({
              $typeName: "ommx.v2.EvaluatedDecisionVariableTable",
              entries: {},
              labels: {},
            } as EvaluatedDecisionVariableTable),
          newDecisionVariable,
          readDecisionVariable,
        );
        break;
      case 4:
        r.expect(wt, LEN, "Solution.evaluated_regular_constraints");
        m.evaluatedRegularConstraints = readCollection(
          r,
          m.evaluatedRegularConstraints ?? {
            $typeName: "ommx.v2.EvaluatedRegularConstraintCollection",
            entries: {},
            removedReasons: {},
            contexts: {},
          } as EvaluatedRegularConstraintCollection,
          newRegular,
          readRegular,
        );
        break;
      case 5:
        r.expect(wt, VARINT, "Solution.feasible");
        m.feasible = r.bool();
        break;
      case 6:
        r.expect(wt, VARINT, "Solution.optimality");
        m.optimality = r.i32();
        break;
      case 7:
        r.expect(wt, VARINT, "Solution.relaxation");
        m.relaxation = r.i32();
        break;
      case 8:
        r.expect(wt, VARINT, "Solution.feasible_relaxed");
        m.feasibleRelaxed = r.bool();
        break;
      case 9:
        r.expect(wt, VARINT, "Solution.sense");
        m.sense = r.i32();
        break;
      case 10:
        r.expect(wt, LEN, "Solution.evaluated_named_functions");
        m.evaluatedNamedFunctions = readTable(
          r,
          m.evaluatedNamedFunctions ??
            ({
              $typeName: "ommx.v2.EvaluatedNamedFunctionTable",
              entries: {},
              labels: {},
            } as EvaluatedNamedFunctionTable),
          newNamedFunction,
          readNamedFunction,
        );
        break;
      case 11:
        r.expect(wt, LEN, "Solution.metadata");
        m.metadata = readMetadata(r, m.metadata ?? { $typeName: "ommx.v1.ProcessMetadata" });
        break;
      case 12:
        r.expect(wt, LEN, "Solution.annotations");
        readStringEntry(r, m.annotations);
        break;
      case 13:
        r.expect(wt, LEN, "Solution.evaluated_indicator_constraints");
        m.evaluatedIndicatorConstraints = readCollection(
          r,
          m.evaluatedIndicatorConstraints ?? {
            $typeName: "ommx.v2.EvaluatedIndicatorConstraintCollection",
            entries: {},
            removedReasons: {},
            contexts: {},
          } as EvaluatedIndicatorConstraintCollection,
          newIndicator,
          readIndicator,
        );
        break;
      case 14:
        r.expect(wt, LEN, "Solution.evaluated_one_hot_constraints");
        m.evaluatedOneHotConstraints = readCollection(
          r,
          m.evaluatedOneHotConstraints ?? {
            $typeName: "ommx.v2.EvaluatedOneHotConstraintCollection",
            entries: {},
            removedReasons: {},
            contexts: {},
          } as EvaluatedOneHotConstraintCollection,
          newOneHot,
          readSetRow,
        );
        break;
      case 15:
        r.expect(wt, LEN, "Solution.evaluated_sos1_constraints");
        m.evaluatedSos1Constraints = readCollection(
          r,
          m.evaluatedSos1Constraints ?? {
            $typeName: "ommx.v2.EvaluatedSos1ConstraintCollection",
            entries: {},
            removedReasons: {},
            contexts: {},
          } as EvaluatedSos1ConstraintCollection,
          newSos1,
          readSetRow,
        );
        break;
      case 16:
        r.expect(wt, I64, "Solution.feasibility_atol");
        m.feasibilityAtol = r.double();
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  return m;
}

// ---------- the summary walk ----------

/**
 * Thrown inside {@linkcode readSolutionSummary} where the walk does not vouch for the payload
 * (the full read then decides, with its own error).
 */
const UNSURE = new DecodeError("not vouched for by the summary walk");

/** A bound read only to check its wire (the values are not kept). */
const SCRATCH_BOUND: Bound = { $typeName: "ommx.v1.Bound", lower: 0, upper: 0 };

/**
 * What one map entry's value gave, as the full reader merges a value given twice in one entry:
 * reset for each entry by {@linkcode walkEntry}, set by the value walkers.
 */
const entry = { kind: 0, bound: false, equality: 0 };

/**
 * What the walk keeps of a table or collection: its keys (the first `n` of `keys`), and its
 * labels or sidecars (rare).
 */
interface Keyed {
  n: number;
  keys: number[];
  labels: Record<string, ModelingLabel> | undefined;
  removedReasons: Record<string, RemovedReason> | undefined;
  contexts: Record<string, ConstraintContext> | undefined;
}

/** Key arrays longer than this are dropped after a walk rather than kept for the next. */
const KEPT_KEYS_MAX = 4096;

/**
 * The walk's six tables and collections, reused from walk to walk (a listing walks thousands of
 * small Solutions; the walk is synchronous and never re-entered), emptied by {@linkcode keyed}.
 */
const KEYED: readonly Keyed[] = Array.from({ length: 6 }, () => ({
  n: 0,
  keys: [],
  labels: undefined,
  removedReasons: undefined,
  contexts: undefined,
}));

/** `KEYED[i]`, emptied for a new walk. */
function keyed(i: number): Keyed {
  const c = KEYED[i]!;
  c.n = 0;
  if (c.keys.length > KEPT_KEYS_MAX) c.keys = [];
  c.labels = undefined;
  c.removedReasons = undefined;
  c.contexts = undefined;
  return c;
}

/** A varint that must be at most 2^53-1 (what `safe` accepts of a `uint64`). */
function safeVarint(r: Reader): void {
  if (typeof r.varint() !== "number") throw UNSURE;
}

/** A repeated `uint64` field, packed or not, whose values must all be at most 2^53-1. */
function walkSafeIds(r: Reader, wt: number, field: string): void {
  if (wt === VARINT) return safeVarint(r);
  r.expect(wt, LEN, field);
  const outer = r.enter();
  while (r.pos < r.end) safeVarint(r);
  r.leave(outer);
}

/**
 * One `map<uint64, M>` entry, as {@linkcode readU64Entry}: `value` walks each occurrence of the
 * value (its state in {@linkcode entry}, reset here). Returns the key (one above 2^53-1 is
 * {@linkcode UNSURE}).
 */
function walkEntry(r: Reader, value: (r: Reader) => void): number {
  const outer = r.enter();
  let key: number | bigint = 0;
  entry.kind = 0;
  entry.bound = false;
  entry.equality = 0;
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    if (t >>> 3 === 1) {
      r.expect(wt, VARINT, "map key");
      key = r.varint();
    } else if (t >>> 3 === 2) {
      r.expect(wt, LEN, "map value");
      const o = r.enter();
      value(r);
      r.leave(o);
    } else r.skip(wt, t >>> 3);
  }
  r.leave(outer);
  if (typeof key !== "number") throw UNSURE;
  return key;
}

/** An `EvaluatedDecisionVariable`'s fields, as {@linkcode readDecisionVariable}. */
function walkVariable(r: Reader): void {
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, VARINT, "EvaluatedDecisionVariable.kind");
        entry.kind = r.i32();
        break;
      case 2:
        r.expect(wt, LEN, "EvaluatedDecisionVariable.bound");
        readBound(r, SCRATCH_BOUND);
        entry.bound = true;
        break;
      case 3:
        r.expect(wt, I64, "EvaluatedDecisionVariable.value");
        r.double();
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
}

/** An `EvaluatedRegularConstraint`'s fields, as {@linkcode readRegular}. */
function walkRegular(r: Reader): void {
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, VARINT, "EvaluatedRegularConstraint.equality");
        entry.equality = r.i32();
        break;
      case 2:
        r.expect(wt, I64, "EvaluatedRegularConstraint.evaluated_value");
        r.double();
        break;
      case 3:
        r.expect(wt, VARINT, "EvaluatedRegularConstraint.feasible");
        r.bool();
        break;
      case 4:
        walkSafeIds(r, wt, "used_decision_variable_ids");
        break;
      case 5:
        r.expect(wt, I64, "EvaluatedRegularConstraint.dual_variable");
        r.double();
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
}

/** An `EvaluatedIndicatorConstraint`'s fields, as {@linkcode readIndicator}. */
function walkIndicator(r: Reader): void {
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, VARINT, "EvaluatedIndicatorConstraint.indicator_variable");
        safeVarint(r);
        break;
      case 2:
        r.expect(wt, VARINT, "EvaluatedIndicatorConstraint.equality");
        entry.equality = r.i32();
        break;
      case 3:
        r.expect(wt, I64, "EvaluatedIndicatorConstraint.evaluated_value");
        r.double();
        break;
      case 4:
        r.expect(wt, VARINT, "EvaluatedIndicatorConstraint.feasible");
        r.bool();
        break;
      case 5:
        r.expect(wt, VARINT, "EvaluatedIndicatorConstraint.indicator_active");
        r.bool();
        break;
      case 6:
        walkSafeIds(r, wt, "used_decision_variable_ids");
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
}

/** A one-hot or SOS1 row's fields, as {@linkcode readSetRow}. */
function walkSetRow(r: Reader): void {
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        walkSafeIds(r, wt, "variables");
        break;
      case 2:
        r.expect(wt, VARINT, "feasible");
        r.bool();
        break;
      case 3:
        r.expect(wt, VARINT, "active_variable");
        safeVarint(r);
        break;
      case 4:
        walkSafeIds(r, wt, "used_decision_variable_ids");
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
}

/** An `EvaluatedNamedFunction`'s fields, as {@linkcode readNamedFunction}. */
function walkNamedFunction(r: Reader): void {
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, I64, "EvaluatedNamedFunction.evaluated_value");
        r.double();
        break;
      case 2:
        walkSafeIds(r, wt, "used_decision_variable_ids");
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
}

/** A constraint entry's value with an equality: it must be known (`equalityFromNumber`). */
function withEquality(value: (r: Reader) => void): (r: Reader) => number {
  return (r) => {
    const key = walkEntry(r, value);
    equalityFromNumber(entry.equality);
    return key;
  };
}

const regularEntry = withEquality(walkRegular);
const indicatorEntry = withEquality(walkIndicator);
const setRowEntry = (r: Reader) => walkEntry(r, walkSetRow);
const namedFunctionEntry = (r: Reader) => walkEntry(r, walkNamedFunction);

/** A decision-variable entry: it must have a bound and a known kind. */
function variableEntry(r: Reader): number {
  const key = walkEntry(r, walkVariable);
  if (!entry.bound) throw UNSURE;
  kindFromNumber(entry.kind);
  return key;
}

/**
 * A `{ entries = 1; labels = 2 }` table (decision variables, named functions), as
 * {@linkcode readTable}: entries walked, labels read to check afterwards.
 */
function walkTable(r: Reader, into: Keyed, entryOf: (r: Reader) => number): void {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    if (t >>> 3 === 1) {
      r.expect(wt, LEN, "entries");
      into.keys[into.n++] = entryOf(r);
    } else if (t >>> 3 === 2) {
      r.expect(wt, LEN, "labels");
      readU64Entry(r, into.labels ??= {}, newLabel, readLabel);
    } else r.skip(wt, t >>> 3);
  }
  r.leave(outer);
}

/**
 * A constraint collection, as {@linkcode readCollection}: entries walked, sidecars read to check
 * afterwards.
 */
function walkCollection(r: Reader, into: Keyed, entryOf: (r: Reader) => number): void {
  const outer = r.enter();
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        r.expect(wt, LEN, "entries");
        into.keys[into.n++] = entryOf(r);
        break;
      case 2:
        r.expect(wt, LEN, "removed_reasons");
        readU64Entry(r, into.removedReasons ??= {}, newRemovedReason, readRemovedReason);
        break;
      case 3:
        r.expect(wt, LEN, "contexts");
        readU64Entry(r, into.contexts ??= {}, newContext, readContext);
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  r.leave(outer);
}

/** Every key of `record` is one of the keys of `c`. */
function keysAmong(record: Record<string, unknown> | undefined, c: Keyed): void {
  if (record === undefined) return;
  const known = new Set(c.keys.slice(0, c.n).map(String));
  for (const k of Object.keys(record)) if (!known.has(k)) throw UNSURE;
}

/** Labels and sidecars name existing keys, and their labels' subscripts are safe. */
function checkKeyed(c: Keyed): void {
  keysAmong(c.labels, c);
  for (const k in c.labels) labelFromMessage(c.labels[k]);
  keysAmong(c.removedReasons, c);
  keysAmong(c.contexts, c);
  for (const k in c.contexts) {
    const label = c.contexts[k]!.label;
    if (label) labelFromMessage(label);
  }
}

/**
 * The summary of `ommx.v2.Solution` bytes, read without building the message, when the bytes
 * certainly pass every check the full read (`readSolutionMessage` and `Solution.decode`'s
 * v2 checks) makes: the same wire rules, annotations, decision variables present with a bound
 * and a known kind, a finite objective, the tolerance, required features, labels and sidecars
 * naming existing ids (every label checked, where the full read checks a named function's only
 * when the function exists), equalities, ids within 2^53-1, the sense. A payload that fails a
 * check, or has a map key above 2^53-1, gives `undefined`, and the caller reads it whole (for
 * the value or the exact error).
 *
 * @param bytes The payload.
 * @returns The summary, or `undefined` when the full read must decide.
 */
export function readSolutionSummary(bytes: Uint8Array): SolutionSummary | undefined {
  try {
    return walkSolution(bytes);
  } catch (e) {
    if (e instanceof OmmxError) return undefined;
    throw e;
  }
}

function walkSolution(bytes: Uint8Array): SolutionSummary {
  const r = new Reader(bytes);
  const variables = keyed(0);
  const regular = keyed(1);
  const indicator = keyed(2);
  const oneHot = keyed(3);
  const sos1 = keyed(4);
  const named = keyed(5);
  const features: number[] = [];
  let objective = 0;
  let feasible = false;
  let optimality = 0;
  let relaxation = 0;
  let sense = 0;
  let hasVariables = false;
  let atol: number | undefined;
  while (r.pos < r.end) {
    const t = r.tag();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        if (wt === VARINT) features.push(r.i32());
        else {
          r.expect(wt, LEN, "Solution.required_features");
          const o = r.enter();
          while (r.pos < r.end) features.push(r.i32());
          r.leave(o);
        }
        break;
      case 2:
        r.expect(wt, I64, "Solution.objective");
        objective = r.double();
        break;
      case 3:
        r.expect(wt, LEN, "Solution.decision_variables");
        walkTable(r, variables, variableEntry);
        hasVariables = true;
        break;
      case 4:
        r.expect(wt, LEN, "Solution.evaluated_regular_constraints");
        walkCollection(r, regular, regularEntry);
        break;
      case 5:
        r.expect(wt, VARINT, "Solution.feasible");
        feasible = r.bool();
        break;
      case 6:
        r.expect(wt, VARINT, "Solution.optimality");
        optimality = r.i32();
        break;
      case 7:
        r.expect(wt, VARINT, "Solution.relaxation");
        relaxation = r.i32();
        break;
      case 8:
        r.expect(wt, VARINT, "Solution.feasible_relaxed");
        r.bool();
        break;
      case 9:
        r.expect(wt, VARINT, "Solution.sense");
        sense = r.i32();
        break;
      case 10:
        r.expect(wt, LEN, "Solution.evaluated_named_functions");
        walkTable(r, named, namedFunctionEntry);
        break;
      case 11:
        r.expect(wt, LEN, "Solution.metadata");
        readMetadata(r, { $typeName: "ommx.v1.ProcessMetadata" });
        break;
      case 12: {
        r.expect(wt, LEN, "Solution.annotations");
        const annotation: Record<string, string> = {};
        readStringEntry(r, annotation);
        checkAnnotations(annotation, "");
        break;
      }
      case 13:
        r.expect(wt, LEN, "Solution.evaluated_indicator_constraints");
        walkCollection(r, indicator, indicatorEntry);
        break;
      case 14:
        r.expect(wt, LEN, "Solution.evaluated_one_hot_constraints");
        walkCollection(r, oneHot, setRowEntry);
        break;
      case 15:
        r.expect(wt, LEN, "Solution.evaluated_sos1_constraints");
        walkCollection(r, sos1, setRowEntry);
        break;
      case 16:
        r.expect(wt, I64, "Solution.feasibility_atol");
        atol = r.double();
        break;
      default:
        r.skip(wt, t >>> 3);
    }
  }
  if (!hasVariables || !Number.isFinite(objective)) throw UNSURE;
  if (atol !== undefined) checkAtol(atol, "");
  if (
    features.length > 0 || indicator.n > 0 || oneHot.n > 0 || sos1.n > 0
  ) {
    checkFeatures(features, {
      indicator: indicator.n > 0,
      "one-hot": oneHot.n > 0,
      sos1: sos1.n > 0,
    }, "");
  }
  checkKeyed(variables);
  checkKeyed(regular);
  checkKeyed(indicator);
  checkKeyed(oneHot);
  checkKeyed(sos1);
  for (const k in named.labels) labelFromMessage(named.labels[k]);
  return {
    objective,
    feasible,
    optimality: optimalityFromNumber(optimality),
    relaxation: relaxationFromNumber(relaxation),
    sense: senseFromNumber(sense, "unspecified-ok"),
  };
}
