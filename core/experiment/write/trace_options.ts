/**
 * How a traced Experiment (`createExperiment({ storeTrace: true })`) stamps
 * and identifies its spans: the clock and id-source option types, their
 * defaults, and a deterministic id source for reproducible archives.
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";

/** A clock for span timestamps: nanoseconds since the Unix epoch. */
export type TraceClock = () => bigint;

/** A source of trace ids (16 bytes) and span ids (8 bytes). */
export type TraceIdSource = (byteLength: 8 | 16) => Uint8Array;

/**
 * The default trace clock: wall-clock Unix nanoseconds with
 * `performance.now()` resolution.
 *
 * @returns Now, in Unix nanoseconds.
 *
 * @example
 * ```ts
 * import { highResolutionClock } from "./trace_options.ts";
 * import assert from "node:assert/strict";
 *
 * const t = highResolutionClock();
 * assert.ok(t > 1_600_000_000_000_000_000n);
 * assert.ok(highResolutionClock() >= t);
 * ```
 */
export function highResolutionClock(): bigint {
  const origin = BigInt(Math.round(performance.timeOrigin * 1000)) * 1000n;
  return origin + BigInt(Math.round(performance.now() * 1_000_000));
}

/**
 * The default id source: cryptographically random bytes.
 *
 * @param byteLength 16 for a trace id, 8 for a span id.
 * @returns Random bytes (never all zero).
 *
 * @example
 * ```ts
 * import { randomTraceId } from "./trace_options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(randomTraceId(16).length, 16);
 * assert.notDeepEqual(randomTraceId(8), randomTraceId(8));
 * ```
 */
export function randomTraceId(byteLength: 8 | 16): Uint8Array {
  const bytes = new Uint8Array(byteLength);
  do crypto.getRandomValues(bytes); while (bytes.every((b) => b === 0));
  return bytes;
}

/**
 * A deterministic {@linkcode TraceIdSource} for tests and reproducible
 * archives: ids are the big-endian counter 1, 2, 3, … (left-padded with zeros).
 *
 * @param start The first counter value (default 1; must be positive).
 * @returns The id source.
 *
 * @example
 * ```ts
 * import { sequentialTraceIds } from "./trace_options.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = sequentialTraceIds();
 * assert.deepEqual(ids(8), new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1]));
 * assert.equal(ids(16)[15], 2);
 * ```
 */
export function sequentialTraceIds(start = 1): TraceIdSource {
  let next = BigInt(start);
  if (next <= 0n) throw new InvalidArgumentError("sequentialTraceIds: start must be positive");
  return (byteLength) => {
    const out = new Uint8Array(byteLength);
    let v = next++;
    for (let i = byteLength - 1; i >= 0 && v > 0n; i--) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  };
}
