/**
 * `ommx.v1.SampledValues`: per-sample scalar values, with a fast wire reader
 * and writer.
 *
 * @module
 */

import { DecodeError, InvalidArgumentError } from "../../core/errors.ts";
import { WIRE_I64, WireReader, WireWriter } from "./_wire.ts";

/**
 * Values indexed by sample ID (the decompressed form of `ommx.v1.SampledValues`).
 *
 * @example
 * ```ts
 * import { SampledValues } from "./sampled_values.ts";
 * import assert from "node:assert/strict";
 * const v = SampledValues.fromMap(new Map([[0, 1.5], [1, 1.5], [2, -1]]));
 * const back = SampledValues.decode(v.encode());
 * assert.equal(back.get(1), 1.5);
 * assert.equal(back.size, 3);
 * ```
 */
export class SampledValues {
  #map: Map<number, number> | undefined;
  #ids: number[] | undefined;
  #values: number[] | undefined;

  /**
   * Wrap a map (not copied).
   *
   * @param map Sample ID → value.
   */
  constructor(map: Map<number, number>) {
    this.#map = map;
  }

  /**
   * Wrap parallel arrays (not copied; later duplicates win). The lookup map
   * is built lazily, so decoding large tables stays cheap.
   *
   * @param ids Sample IDs.
   * @param values Values, same length as `ids`.
   * @returns The sampled values.
   */
  static fromArrays(ids: number[], values: number[]): SampledValues {
    const v = new SampledValues(new Map());
    v.#map = undefined;
    v.#ids = ids;
    v.#values = values;
    return v;
  }

  #m(): Map<number, number> {
    if (this.#map === undefined) {
      const m = new Map<number, number>();
      const ids = this.#ids!;
      const vals = this.#values!;
      for (let i = 0; i < ids.length; i++) m.set(ids[i]!, vals[i]!);
      this.#map = m;
      this.#ids = undefined;
      this.#values = undefined;
    }
    return this.#map;
  }

  /**
   * Build from a map or plain object.
   *
   * @param values Sample ID → value.
   * @returns The sampled values.
   */
  static fromMap(
    values: ReadonlyMap<number, number> | Readonly<Record<number, number>>,
  ): SampledValues {
    if (values instanceof Map) {
      return new SampledValues(new Map(values as ReadonlyMap<number, number>));
    }
    const m = new Map<number, number>();
    for (const [k, v] of Object.entries(values)) m.set(Number(k), v as number);
    return new SampledValues(m);
  }

  /** Number of samples. */
  get size(): number {
    return this.#m().size;
  }

  /**
   * Value of one sample.
   *
   * @param sampleId The sample ID.
   * @returns The value, or undefined.
   */
  get(sampleId: number): number | undefined {
    return this.#m().get(sampleId);
  }

  /**
   * Sample IDs in ascending order.
   *
   * @returns The IDs.
   */
  ids(): number[] {
    return [...this.#m().keys()].sort((a, b) => a - b);
  }

  /**
   * The values of the given samples, in their order, without building a lookup map.
   *
   * Internal: used by the package's tables; not part of the documented API.
   *
   * @ignore
   * @param position Sample ID → position in the result.
   * @param size Length of the result.
   * @returns The values by position (`undefined` where this has no value).
   */
  valuesAt(position: ReadonlyMap<number, number>, size: number): (number | undefined)[] {
    const out: (number | undefined)[] = new Array(size).fill(undefined);
    if (this.#map !== undefined) {
      for (const [id, v] of this.#map) {
        const p = position.get(id);
        if (p !== undefined) out[p] = v;
      }
      return out;
    }
    const ids = this.#ids!;
    const vals = this.#values!;
    for (let i = 0; i < ids.length; i++) {
      const p = position.get(ids[i]!);
      if (p !== undefined) out[p] = vals[i]!; // later duplicates win, as in the map
    }
    return out;
  }

  /**
   * A copy as a map.
   *
   * @returns Sample ID → value.
   */
  toMap(): Map<number, number> {
    return new Map(this.#m());
  }

  /**
   * Read a `SampledValues` body (fast path).
   *
   * Internal: used by the package's own readers; not part of the documented API.
   *
   * @ignore
   * @param r A reader bounded to the message.
   * @returns The values.
   */
  static read(r: WireReader): SampledValues {
    const allIds: number[] = [];
    const allValues: number[] = [];
    const ids: number[] = [];
    while (!r.done()) {
      const tag = r.tag();
      if (tag !== 0x0a) {
        r.skip(tag & 7);
        continue;
      }
      const saved = r.enter();
      let value = 0;
      ids.length = 0;
      while (!r.done()) {
        const t = r.tag();
        const field = t >>> 3;
        if (field === 1) {
          if ((t & 7) !== WIRE_I64) throw new DecodeError("bad wire type for SampledValues value");
          value = r.double();
        } else if (field === 2) r.packedUints(t & 7, ids);
        else r.skip(t & 7);
      }
      r.leave(saved);
      for (let i = 0; i < ids.length; i++) {
        allIds.push(ids[i]!);
        allValues.push(value);
      }
    }
    return SampledValues.fromArrays(allIds, allValues);
  }

  /**
   * Decode `ommx.v1.SampledValues` bytes.
   *
   * @param bytes The message bytes.
   * @returns The values.
   */
  static decode(bytes: Uint8Array): SampledValues {
    return SampledValues.read(new WireReader(bytes));
  }

  /**
   * Encode as `ommx.v1.SampledValues` bytes, grouping equal values (groups in
   * order of first appearance by ascending sample ID).
   *
   * @returns The message bytes.
   */
  encode(): Uint8Array {
    const groups = new Map<number, number[]>();
    for (const id of this.ids()) {
      const v = this.#m().get(id)!;
      if (Number.isNaN(v)) throw new InvalidArgumentError("NaN in sampled values");
      const key = Object.is(v, -0) ? 0 : v;
      let g = groups.get(key);
      if (!g) groups.set(key, g = []);
      g.push(id);
    }
    const w = new WireWriter(this.size * 4 + 64);
    for (const [value, ids] of groups) {
      const body = new WireWriter(ids.length * 3 + 16);
      body.byte(0x09);
      body.double(value);
      const packed = new WireWriter(ids.length * 3 + 8);
      for (const id of ids) packed.varint(id);
      const p = packed.finish();
      body.byte(0x12);
      body.varint(p.length);
      body.raw(p);
      const b = body.finish();
      w.byte(0x0a);
      w.varint(b.length);
      w.raw(b);
    }
    return w.finish();
  }
}
