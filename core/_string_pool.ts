/**
 * A bounded pool of equal strings: one copy kept for each distinct value a
 * parser sees many times (a media type on every layer, an adapter name on
 * every Solve), so a parsed document with thousands of records retains one
 * string instead of thousands (`JSON.parse` does not share long values).
 *
 * @module
 */

/** The most distinct strings a pool keeps; later new values are returned as they are. */
const MAX_POOLED = 256;

/** One pool, for the values of one parse. */
export class StringPool {
  readonly #seen = new Map<string, string>();

  /**
   * The pooled copy of `value` (equal to it), pooling it when new and the
   * pool is not full.
   *
   * @param value The string.
   * @returns An equal string, shared with earlier equal values.
   *
   * @example
   * ```ts
   * import { StringPool } from "./_string_pool.ts";
   * import assert from "node:assert/strict";
   *
   * const pool = new StringPool();
   * const a = pool.intern(["applic", "ation/x"].join(""));
   * assert.equal(pool.intern("application/x"), a);
   * ```
   */
  intern(value: string): string {
    const seen = this.#seen.get(value);
    if (seen !== undefined) return seen;
    if (this.#seen.size < MAX_POOLED) this.#seen.set(value, value);
    return value;
  }
}
