/**
 * Lowercase hex text of bytes: {@linkcode HEX_BYTE} (the two digits of each
 * byte value), {@linkcode hexOf} (a byte array's text) and
 * {@linkcode randomHex} (random bytes' text, for temporary names and nonces).
 *
 * @example
 * ```ts
 * import { hexOf, randomHex } from "./_hex.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hexOf(Uint8Array.of(0, 10, 255)), "000aff");
 * assert.match(randomHex(4), /^[0-9a-f]{8}$/);
 * ```
 *
 * @module
 */

/** The two lowercase hex digits of each byte value, by value. */
export const HEX_BYTE: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => (b < 16 ? "0" : "") + b.toString(16),
);

/**
 * The bytes as lowercase hex, two digits a byte.
 *
 * @param bytes The bytes.
 * @returns Their hex text.
 */
export function hexOf(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTE[bytes[i]!]!;
  return out;
}

/**
 * `byteCount` random bytes (`crypto.getRandomValues`) as lowercase hex.
 *
 * @param byteCount How many bytes (the text has twice as many digits).
 * @returns The hex text.
 */
export function randomHex(byteCount: number): string {
  const b = new Uint8Array(byteCount);
  crypto.getRandomValues(b);
  return hexOf(b);
}
