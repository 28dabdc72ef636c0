/**
 * Seeded randomness for tests that generate their inputs: the same seed gives
 * the same sequence on every machine, so a failing case can be replayed.
 *
 * @module
 */

/**
 * mulberry32: a small, fast, reproducible 32-bit generator.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "./_random_test_util.ts";
 * import assert from "node:assert/strict";
 *
 * const a = mulberry32(7), b = mulberry32(7);
 * assert.equal(a(), b());
 * assert.ok(a() < 1);
 * ```
 *
 * @param seed Any integer; only its low 32 bits count.
 * @returns A function giving the next number in `[0, 1)`.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` seeded pseudo-random bytes (from {@linkcode mulberry32}).
 *
 * @example
 * ```ts
 * import { randomBytes } from "./_random_test_util.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(randomBytes(16, 3), randomBytes(16, 3));
 * assert.notDeepEqual(randomBytes(16, 3), randomBytes(16, 4));
 * ```
 *
 * @param n How many bytes.
 * @param seed Any integer; only its low 32 bits count.
 * @returns A new array of `n` bytes.
 */
export function randomBytes(n: number, seed: number): Uint8Array {
  const next = mulberry32(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}
