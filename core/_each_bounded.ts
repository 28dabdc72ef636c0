/**
 * Internal: run an async function over many items with a bounded number in
 * flight (existence checks of thousands of layers, without thousands of
 * concurrent file-system operations).
 *
 * @module
 */

/**
 * How many blob existence checks run at once when a manifest's blobs are
 * checked (a store's `exists` is a file-system call or a request each).
 */
export const EXISTS_CONCURRENCY = 32;

/**
 * Call `fn` on every item, at most `limit` calls at a time; results in input
 * order. The first failure rejects once the calls already started have
 * settled; no new call starts after it.
 *
 * @example
 * ```ts
 * import { mapBounded } from "./_each_bounded.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await mapBounded([1, 2, 3], 2, async (x) => x * 10), [10, 20, 30]);
 * ```
 *
 * @param items The items.
 * @param limit The most calls in flight (≥ 1).
 * @param fn The function.
 * @returns The results, in input order.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        if (!failed) {
          failed = true;
          failure = e;
        }
      }
    }
  };
  const n = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failed) throw failure;
  return out;
}
