/**
 * {@linkcode NumberList}: a growable list of numbers kept in a `Float64Array`
 * whose size doubles, for the per-run columns a writer keeps while an
 * Experiment is recorded (run ids, byte offsets, type codes). A JS array of
 * numbers keeps its elements on V8's heap: each time it grows, its new
 * backing store is a young object that survives a scavenge or two before it is
 * promoted, and those surviving bytes make V8 grow the young generation (a
 * few MiB of resident memory). A typed array's elements live outside V8's
 * heap (above 64 bytes), so growing one leaves only its small wrapper objects
 * there.
 *
 * @module
 */

/** The first capacity: 16 numbers (128 bytes, already outside V8's heap). */
const INITIAL = 16;

/**
 * A growable list of numbers (each stored as a float64: integers up to
 * 2^53 exactly).
 *
 * @example
 * ```ts
 * import { NumberList } from "./_number_list.ts";
 * import assert from "node:assert/strict";
 *
 * const list = new NumberList();
 * for (let i = 0; i < 20; i++) list.push(i * 3);
 * list.truncate(5);
 * assert.equal(list.length, 5);
 * assert.equal(list.at(4), 12);
 * assert.equal(list.last(), 12);
 * ```
 */
export class NumberList {
  #items = new Float64Array(INITIAL);
  #length = 0;

  /** How many numbers the list holds. */
  get length(): number {
    return this.#length;
  }

  /**
   * Append a number.
   *
   * @param value The number.
   */
  push(value: number): void {
    if (this.#length === this.#items.length) {
      const grown = new Float64Array(this.#items.length * 2);
      grown.set(this.#items);
      this.#items = grown;
    }
    this.#items[this.#length++] = value;
  }

  /**
   * The number at `index`.
   *
   * @param index Its index, from 0 to `length - 1`.
   * @returns The number, or `undefined` outside the list.
   */
  at(index: number): number | undefined {
    return index >= 0 && index < this.#length ? this.#items[index] : undefined;
  }

  /**
   * The last number.
   *
   * @returns It, or `undefined` when the list is empty.
   */
  last(): number | undefined {
    return this.#length > 0 ? this.#items[this.#length - 1] : undefined;
  }

  /**
   * Keep only the first `length` numbers (no-op when the list is not longer).
   *
   * @param length How many to keep.
   */
  truncate(length: number): void {
    if (length < this.#length) this.#length = Math.max(0, length);
  }
}
