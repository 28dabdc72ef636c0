/**
 * A small read-only map over one flat array (key, value, key, value, …): how a closed
 * run's attachments and parameters are read back from its cells (`_closed_run.ts`). A `Map`
 * of one or two entries takes ~200–270 bytes of heap (its hash table 170–235), this ~120;
 * lookups scan the array, so maps of more than {@link SMALL_MAP_LIMIT} entries are `Map`s.
 *
 * @module
 */

/** The most entries kept flat; a larger map is copied into a `Map`. */
export const SMALL_MAP_LIMIT = 8;

/**
 * Where `key` is in a flat key/value array (SameValueZero, as `Map`), or -1. A function, not a
 * private method: a class with a private method gives each instance a brand slot (8 bytes a
 * map, two maps a closed run).
 */
function indexOfKey(flat: readonly unknown[], key: unknown): number {
  for (let i = 0; i < flat.length; i += 2) {
    const k = flat[i];
    if (k === key || (k !== k && key !== key)) return i;
  }
  return -1;
}

/** The keys (`from` 0) or the values (`from` 1) of a flat array, by a loop (no callback a cell). */
function everyOther(flat: readonly unknown[], from: number): unknown[] {
  const out = new Array<unknown>(flat.length >> 1);
  for (let i = from, j = 0; i < flat.length; i += 2, j++) out[j] = flat[i];
  return out;
}

/** A read-only map over a flat array of keys and values, in insertion order. */
class SmallMap<K, V> implements ReadonlyMap<K, V> {
  readonly #flat: unknown[];

  constructor(flat: unknown[]) {
    this.#flat = flat;
  }

  /** The number of entries. */
  get size(): number {
    return this.#flat.length >> 1;
  }

  /**
   * The value of a key.
   *
   * @param key The key.
   * @returns Its value, or `undefined`.
   */
  get(key: K): V | undefined {
    const i = indexOfKey(this.#flat, key);
    return i < 0 ? undefined : this.#flat[i + 1] as V;
  }

  /**
   * Whether a key is present.
   *
   * @param key The key.
   * @returns `true` when present.
   */
  has(key: K): boolean {
    return indexOfKey(this.#flat, key) >= 0;
  }

  /**
   * Call `callback` for every entry, in insertion order (as `Map.prototype.forEach`).
   *
   * @param callback Called with the value, the key and this map.
   * @param thisArg `this` of the calls.
   */
  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) {
      callback.call(thisArg, flat[i + 1] as V, flat[i] as K, this);
    }
  }

  /** @returns The entries, in insertion order. */
  entries(): MapIterator<[K, V]> {
    const flat = this.#flat;
    const out = new Array<[K, V]>(flat.length >> 1);
    for (let i = 0, j = 0; i < flat.length; i += 2, j++) out[j] = [flat[i] as K, flat[i + 1] as V];
    return out.values();
  }

  /** @returns The keys, in insertion order. */
  keys(): MapIterator<K> {
    return (everyOther(this.#flat, 0) as K[]).values();
  }

  /** @returns The values, in insertion order. */
  values(): MapIterator<V> {
    return (everyOther(this.#flat, 1) as V[]).values();
  }

  /** @returns The entries, in insertion order. */
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

/**
 * A read-only map over a flat array of distinct keys and their values (key, value, key, …),
 * taken as it is when it has at most {@link SMALL_MAP_LIMIT} entries, copied into a `Map`
 * otherwise.
 *
 * @param flat Keys and values, alternating (not changed afterwards).
 * @returns The map, in the array's order.
 *
 * @example
 * ```ts
 * import { smallMapOfFlat } from "./_small_map.ts";
 * import assert from "node:assert/strict";
 *
 * const m = smallMapOfFlat(["seed", 1, "solver", 2]);
 * assert.equal(m.get("seed"), 1);
 * assert.deepEqual([...m.keys()], ["seed", "solver"]);
 * ```
 */
export function smallMapOfFlat<K, V>(flat: unknown[]): ReadonlyMap<K, V> {
  if (flat.length <= SMALL_MAP_LIMIT * 2) return new SmallMap<K, V>(flat);
  const map = new Map<K, V>();
  for (let i = 0; i < flat.length; i += 2) map.set(flat[i] as K, flat[i + 1] as V);
  return map;
}
