/**
 * Shared frozen ID lists `[0, 1, …, n - 1]` (n ≤ {@linkcode MAX_IDENTITY_IDS}) for the linear
 * terms of a function over variables numbered from 0 — the common case (a knapsack's objective and
 * capacity row both use `[0, …, n - 1]`): one list per length for the process instead of one a
 * function (~100 bytes for a handful of terms; BENCHMARKS.md, issue 13, branch i13in).
 * `Function.linearIds` is `readonly`, and the shared lists are frozen, so a change throws.
 *
 * @module
 */

/** The longest list shared (longer ones are ordinary copies; the cache stays under ~17 KB). */
export const MAX_IDENTITY_IDS = 64;

const LISTS: (readonly number[] | undefined)[] = [];

/**
 * The shared list for `ids` when it is exactly `[0, 1, …, n - 1]` with `1 ≤ n ≤ 64` (the first
 * ID `+0`, not `-0`), else `undefined`.
 *
 * @param ids The IDs, in term order.
 * @returns The shared frozen list equal to `ids`, or `undefined`.
 */
export function sharedIdentityIds(ids: readonly number[]): readonly number[] | undefined {
  const n = ids.length;
  if (n === 0 || n > MAX_IDENTITY_IDS || !Object.is(ids[0], 0)) return undefined;
  for (let j = 1; j < n; j++) if (ids[j] !== j) return undefined;
  return LISTS[n] ??= Object.freeze(Array.from({ length: n }, (_, j) => j));
}
