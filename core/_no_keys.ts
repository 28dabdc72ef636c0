/**
 * Whether an object has no enumerable keys, without building the list of
 * its keys (`Object.keys(o).length === 0` allocates one).
 *
 * @module
 */

/**
 * Whether `record` has no enumerable keys.
 *
 * @param record The object.
 * @returns `true` when it has none.
 *
 * @example
 * ```ts
 * import { hasNoKeys } from "./_no_keys.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hasNoKeys({}), true);
 * assert.equal(hasNoKeys({ a: 1 }), false);
 * ```
 */
export function hasNoKeys(record: object): boolean {
  for (const _ in record) return false;
  return true;
}
