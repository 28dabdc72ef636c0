/**
 * Unicode code-point order: the order in which the reference writer sorts
 * every map key and name (UTF-8 byte order), which differs from JavaScript's
 * default UTF-16 code-unit order for astral characters.
 *
 * @module
 */

/**
 * Compare two strings by Unicode code point (equivalently, by UTF-8 bytes).
 * Unlike the default `Array.prototype.sort()` order (UTF-16 code units),
 * astral characters sort after U+E000–U+FFFF.
 *
 * @example Astral after U+FFFD
 * ```ts
 * import { compareCodePoints } from "./_code_points.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(compareCodePoints("\u{1F600}", "\uFFFD") > 0);
 * assert.ok(["\u{1F600}", "\uFFFD"].sort()[0] === "\u{1F600}"); // the UTF-16 trap
 * ```
 *
 * @param a First string.
 * @param b Second string.
 * @returns Negative, zero or positive.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points ≥ 0x10000: they must sort
    // after every BMP unit above them (E000–FFFF).
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? (y >= 0xe000 ? 1 : x - y) : (x >= 0xe000 ? -1 : x - y);
  }
  return a.length - b.length;
}

/**
 * Sort strings by Unicode code point (the order the reference writes maps in).
 *
 * @example
 * ```ts
 * import { sortByCodePoint } from "./_code_points.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(sortByCodePoint(["\u{1F600}", "\uFF5E", "a"]), ["a", "\uFF5E", "\u{1F600}"]);
 * ```
 *
 * @param names The strings to sort.
 * @returns A new sorted array.
 */
export function sortByCodePoint(names: Iterable<string>): string[] {
  return [...names].sort(compareCodePoints);
}

/**
 * A map's keys in code point order, as {@linkcode sortByCodePoint} sorts them; a map of one
 * key or none gives its own key iterator, without a sorted copy (the usual run's tables).
 *
 * @example
 * ```ts
 * import { keysByCodePoint } from "./_code_points.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...keysByCodePoint(new Map([["b", 1], ["a", 2]]))], ["a", "b"]);
 * assert.deepEqual([...keysByCodePoint(new Map([["b", 1]]))], ["b"]);
 * ```
 *
 * @param map The map.
 * @returns Its keys, in code point order.
 */
export function keysByCodePoint(map: ReadonlyMap<string, unknown>): Iterable<string> {
  return map.size <= 1 ? map.keys() : sortByCodePoint(map.keys());
}
