/**
 * A fast membership set for non-negative integer IDs (a bitmap when the IDs
 * are small, a `Set` otherwise). Used by the decoders' ID-consistency checks.
 *
 * @module
 */

const BITMAP_LIMIT = 1 << 26;

/**
 * An immutable set of IDs.
 *
 * @example
 * ```ts
 * import { IdSet } from "./_id_set.ts";
 * import assert from "node:assert/strict";
 * const s = new IdSet([1, 5, 2 ** 40]);
 * assert.ok(s.has(5) && s.has(2 ** 40) && !s.has(3));
 * ```
 */
export class IdSet {
  readonly #bits: Uint8Array | undefined;
  readonly #set: Set<number> | undefined;

  /** @param ids The members. */
  constructor(ids: Iterable<number>) {
    const arr = [...ids];
    let max = -1;
    for (const id of arr) if (id > max) max = id;
    if (max < BITMAP_LIMIT && arr.every((id) => Number.isInteger(id) && id >= 0)) {
      const bits = new Uint8Array((max >> 3) + 1);
      for (const id of arr) bits[id >> 3]! |= 1 << (id & 7);
      this.#bits = bits;
    } else this.#set = new Set(arr);
  }

  /**
   * Membership test.
   *
   * @param id The ID.
   * @returns Whether `id` is a member.
   */
  has(id: number): boolean {
    const bits = this.#bits;
    if (bits !== undefined) {
      const byte = bits[id >> 3];
      return byte !== undefined && id >= 0 && id < BITMAP_LIMIT && (byte & (1 << (id & 7))) !== 0;
    }
    return this.#set!.has(id);
  }
}
