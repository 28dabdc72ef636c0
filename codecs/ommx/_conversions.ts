/**
 * Conversions of the plain-data types of `types.ts`: enum strings to and from
 * protobuf enum numbers, and lookups in a {@linkcode StateLike}.
 *
 * @module
 */

import { DecodeError } from "../../core/errors.ts";
import type { Equality, Kind, Optimality, Relaxation, Sense, StateLike } from "./types.ts";

const KINDS: readonly Kind[] = [
  "binary",
  "integer",
  "continuous",
  "semi-integer",
  "semi-continuous",
];

/**
 * Convert a protobuf `Kind` number to its string form.
 *
 * @param n The enum number.
 * @returns The kind.
 */
export function kindFromNumber(n: number): Kind {
  const k = KINDS[n - 1];
  if (k === undefined) throw new DecodeError(`invalid DecisionVariable.Kind ${n}`);
  return k;
}

/**
 * Convert a kind to its protobuf enum number.
 *
 * @param k The kind.
 * @returns The enum number.
 */
export function kindToNumber(k: Kind): number {
  return KINDS.indexOf(k) + 1;
}

/**
 * Convert a protobuf `Equality` number (1 or 2) to its string form.
 *
 * @param n The enum number.
 * @returns The equality.
 */
export function equalityFromNumber(n: number): Equality {
  if (n === 1) return "=";
  if (n === 2) return "<=";
  throw new DecodeError(`invalid Equality ${n}`);
}

/**
 * Convert an equality to its protobuf enum number.
 *
 * @param e The equality.
 * @returns The enum number.
 */
export function equalityToNumber(e: Equality): number {
  return e === "=" ? 1 : 2;
}

/**
 * Convert a sense to its protobuf enum number.
 *
 * @param s The sense (undefined = unspecified).
 * @returns The enum number.
 */
export function senseToNumber(s: Sense | undefined): number {
  return s === undefined ? 0 : s === "minimize" ? 1 : 2;
}

/**
 * Read a `Sense` number under the policy of a given root.
 *
 * @param n The enum number.
 * @param policy `strict`: only 1/2; `unspecified-ok`: 0 → undefined, unknown rejected;
 *   `default-min`: 0 → minimize, unknown rejected; `lenient`: 0 and unknown → minimize.
 * @returns The sense, or undefined for "unknown sense".
 */
export function senseFromNumber(
  n: number,
  policy: "strict" | "unspecified-ok" | "default-min" | "lenient",
): Sense | undefined {
  if (n === 1) return "minimize";
  if (n === 2) return "maximize";
  if (policy === "lenient") return "minimize";
  if (n === 0 && policy === "default-min") return "minimize";
  if (n === 0 && policy === "unspecified-ok") return undefined;
  throw new DecodeError(`invalid Instance.Sense ${n}`);
}

/**
 * Convert an optimality number to its string form (unknown numbers → unspecified).
 *
 * @param n The enum number.
 * @returns The optimality.
 */
export function optimalityFromNumber(n: number): Optimality {
  return n === 1 ? "optimal" : n === 2 ? "not-optimal" : "unspecified";
}

/**
 * Convert an optimality to its enum number.
 *
 * @param o The optimality.
 * @returns The enum number.
 */
export function optimalityToNumber(o: Optimality): number {
  return o === "optimal" ? 1 : o === "not-optimal" ? 2 : 0;
}

/**
 * Convert a relaxation number to its string form (unknown numbers → unspecified).
 *
 * @param n The enum number.
 * @returns The relaxation.
 */
export function relaxationFromNumber(n: number): Relaxation {
  return n === 1 ? "lp-relaxed" : "unspecified";
}

/**
 * Convert a relaxation to its enum number.
 *
 * @param r The relaxation.
 * @returns The enum number.
 */
export function relaxationToNumber(r: Relaxation): number {
  return r === "lp-relaxed" ? 1 : 0;
}

/**
 * Look up a variable in a {@linkcode StateLike}.
 *
 * @param state The state.
 * @param id The variable ID.
 * @returns The value, or undefined when absent.
 */
export function stateGet(state: StateLike, id: number): number | undefined {
  if (state instanceof Map) return (state as ReadonlyMap<number, number>).get(id);
  return (state as Readonly<Record<number, number>>)[id];
}

/**
 * Convert a {@linkcode StateLike} to a `Map`.
 *
 * @param state The state.
 * @returns A map (the same object when already a Map).
 */
export function toStateMap(state: StateLike): ReadonlyMap<number, number> {
  if (state instanceof Map) return state as ReadonlyMap<number, number>;
  const m = new Map<number, number>();
  for (const [k, v] of Object.entries(state)) m.set(Number(k), v as number);
  return m;
}
