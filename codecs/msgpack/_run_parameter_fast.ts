/**
 * A fast path for decoding the run-parameter table: the common encodings
 * (what the reference writer and ours write) read straight from the bytes
 * into the result, without the generic tree of MessagePack nodes that the
 * strict decoder builds (a node and an entry pair per cell). Anything else —
 * an unusual header, a wrong type, a duplicate, trailing bytes, invalid
 * UTF-8 — returns `null`, and the strict decoder then decodes (or refuses)
 * the bytes with its messages, so the result and every error are the same
 * as the strict decoder's.
 *
 * @module
 */

/** One decoded column (structurally a `RunParameterColumn`; no import, to avoid a cycle). */
export interface FastColumn {
  /** The column type. */
  readonly type: "bool" | "int64" | "float64" | "string";
  /** Run id → value. */
  readonly values: Map<number, boolean | number | bigint | string>;
}

/** A decoded table (structurally a `RunParameterTable`). */
export interface FastTable {
  /** Parameter name → column. */
  readonly columns: Map<string, FastColumn>;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Test hook: with `enabled` false the fast path always declines. */
export const fastPathSwitch = { enabled: true };

/** Thrown inside the reader to decline; never escapes. */
const DECLINE = Symbol("decline");

class Bytes {
  pos = 0;
  readonly view: DataView;
  constructor(readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  need(n: number): void {
    if (this.pos + n > this.b.length) throw DECLINE;
  }
  u8(): number {
    this.need(1);
    return this.b[this.pos++]!;
  }
  mapHeader(): number {
    const h = this.u8();
    if (h >= 0x80 && h <= 0x8f) return h & 0x0f;
    if (h === 0xde) {
      this.need(2);
      const n = this.view.getUint16(this.pos);
      this.pos += 2;
      return n;
    }
    if (h === 0xdf) {
      this.need(4);
      const n = this.view.getUint32(this.pos);
      this.pos += 4;
      return n;
    }
    throw DECLINE;
  }
  str(): string {
    const h = this.u8();
    let n: number;
    if (h >= 0xa0 && h <= 0xbf) n = h & 0x1f;
    else if (h === 0xd9) n = this.u8();
    else if (h === 0xda) {
      this.need(2);
      n = this.view.getUint16(this.pos);
      this.pos += 2;
    } else if (h === 0xdb) {
      this.need(4);
      n = this.view.getUint32(this.pos);
      this.pos += 4;
    } else throw DECLINE;
    this.need(n);
    const start = this.pos;
    this.pos += n;
    if (n <= 64) {
      let text = "";
      for (let i = start; i < start + n; i++) {
        const c = this.b[i]!;
        if (c >= 0x80) break;
        text += String.fromCharCode(c);
      }
      if (text.length === n) return text;
    }
    try {
      return utf8.decode(this.b.subarray(start, start + n));
    } catch {
      throw DECLINE;
    }
  }
  /** An integer of any MessagePack int encoding, as the strict reader gives it (number when safe). */
  int(): number | bigint {
    const h = this.u8();
    if (h <= 0x7f) return h;
    if (h >= 0xe0) return h - 0x100;
    const v = this.view;
    let x: number | bigint;
    switch (h) {
      case 0xcc:
        return this.u8();
      case 0xcd:
        this.need(2);
        x = v.getUint16(this.pos);
        this.pos += 2;
        return x;
      case 0xce:
        this.need(4);
        x = v.getUint32(this.pos);
        this.pos += 4;
        return x;
      case 0xcf: {
        this.need(8);
        const big = v.getBigUint64(this.pos);
        this.pos += 8;
        return big <= MAX_SAFE ? Number(big) : big;
      }
      case 0xd0:
        this.need(1);
        return v.getInt8(this.pos++);
      case 0xd1:
        this.need(2);
        x = v.getInt16(this.pos);
        this.pos += 2;
        return x;
      case 0xd2:
        this.need(4);
        x = v.getInt32(this.pos);
        this.pos += 4;
        return x;
      case 0xd3: {
        this.need(8);
        const big = v.getBigInt64(this.pos);
        this.pos += 8;
        return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
      }
      default:
        throw DECLINE;
    }
  }
}

/**
 * Decode a run-parameter table when its bytes use only the common encodings and satisfy every
 * rule of the strict decoder; otherwise `null` (the caller then runs the strict decoder).
 *
 * @param bytes The layer bytes.
 * @returns The table (as the strict decoder gives it), or `null`.
 */
export function readRunParameterTableFast(bytes: Uint8Array): FastTable | null {
  if (!fastPathSwitch.enabled) return null;
  try {
    return read(new Bytes(bytes));
  } catch (e) {
    if (e === DECLINE) return null;
    throw e;
  }
}

function read(r: Bytes): FastTable {
  if (r.mapHeader() !== 1 || r.str() !== "columns") throw DECLINE;
  const n = r.mapHeader();
  const columns = new Map<string, FastColumn>();
  for (let i = 0; i < n; i++) {
    const name = r.str();
    if (columns.has(name)) throw DECLINE;
    if (r.mapHeader() !== 2) throw DECLINE;
    // "type" first (both writers), then "values".
    if (r.str() !== "type") throw DECLINE;
    const type = r.str();
    if (type !== "bool" && type !== "float64" && type !== "string" && type !== "int64") {
      throw DECLINE;
    }
    if (r.str() !== "values") throw DECLINE;
    const m = r.mapHeader();
    const values = new Map<number, boolean | number | bigint | string>();
    for (let j = 0; j < m; j++) {
      const runId = r.int();
      if (typeof runId !== "number" || runId < 0 || values.has(runId)) throw DECLINE;
      switch (type) {
        case "bool": {
          const h = r.u8();
          if (h !== 0xc2 && h !== 0xc3) throw DECLINE;
          values.set(runId, h === 0xc3);
          break;
        }
        case "float64": {
          if (r.u8() !== 0xcb) throw DECLINE;
          r.need(8);
          values.set(runId, r.view.getFloat64(r.pos));
          r.pos += 8;
          break;
        }
        case "string":
          values.set(runId, r.str());
          break;
        case "int64":
          values.set(runId, r.int()); // uint64 above int64 comes back as a bigint > 2^63-1
          break;
        default:
          throw DECLINE;
      }
    }
    if (type === "int64") {
      for (const v of values.values()) if (typeof v === "bigint" && v > I64_MAX) throw DECLINE;
    }
    columns.set(name, { type, values });
  }
  if (r.pos !== r.b.length) throw DECLINE;
  return { columns };
}

const I64_MAX = (1n << 63n) - 1n;
