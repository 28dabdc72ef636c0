/**
 * Plain-data types shared by the friendly OMMX classes, and the mapping
 * between their string forms and protobuf enum numbers.
 *
 * @module
 */

import { DecodeError } from "../../core/errors.ts";

/** Decision-variable domain (`ommx.v1.DecisionVariable.Kind`). */
export type Kind = "binary" | "integer" | "continuous" | "semi-integer" | "semi-continuous";
/** Constraint relation to zero: `f(x) = 0` or `f(x) <= 0` (`ommx.v1.Equality`). */
export type Equality = "=" | "<=";
/** Optimisation direction (`ommx.v1.Instance.Sense`). */
export type Sense = "minimize" | "maximize";
/** Optimality claim of a solution (`ommx.v1.Optimality`). */
export type Optimality = "unspecified" | "optimal" | "not-optimal";
/** Relaxation status of a solution (`ommx.v1.Relaxation`). */
export type Relaxation = "unspecified" | "lp-relaxed";

/**
 * A decoded protobuf-es message of the `ommx.v1` / `ommx.v2` packages, as
 * returned by `.message`. Narrow it with `$typeName` (e.g.
 * `"ommx.v1.Instance"`) and the generated types under `codecs/ommx/gen/`.
 */
export interface OmmxMessage {
  /** Fully-qualified protobuf type name, e.g. `ommx.v2.Instance`. */
  readonly $typeName: string;
}

/** Variable assignment: ID → value, as a `Map` or a plain object. */
export type StateLike = ReadonlyMap<number, number> | Readonly<Record<number, number>>;

/** Inclusive bounds (±Infinity allowed). */
export interface Bound {
  /** Lower bound. */
  lower: number;
  /** Upper bound. */
  upper: number;
}

/** Human-facing label of a row (name, subscripts, parameters, description). */
export interface Label {
  /** Name, e.g. `x` for `x[1,2]`. */
  name?: string;
  /** Subscripts, e.g. `[1, 2]`. */
  subscripts: number[];
  /** Free-form string parameters. */
  parameters: Record<string, string>;
  /** Description. */
  description?: string;
}

/** Descriptive metadata of an instance (`ommx.v1.Instance.Description`). */
export interface InstanceDescription {
  /** Title (`name` in protobuf; annotation `.title`). */
  name?: string;
  /** Description. */
  description?: string;
  /** Authors. */
  authors: string[];
  /** Producing software. */
  createdBy?: string;
  /** Creation time (RFC 3339). */
  created?: string;
  /** Licence. */
  license?: string;
  /** Data set name. */
  dataset?: string;
}

/** Who produced a solution or sample set, and when (`ommx.v1.ProcessMetadata`). */
export interface ProcessMetadata {
  /** Digest of the input instance layer. */
  instance?: string;
  /** Solver information (JSON text). */
  solver?: string;
  /** Solver parameters (JSON text). */
  parameters?: string;
  /** Start time (RFC 3339). */
  start?: string;
  /** End time (RFC 3339). */
  end?: string;
}

/** Why a constraint was removed. */
export interface RemovedReason {
  /** Reason text. */
  reason: string;
  /** Reason parameters. */
  parameters: Record<string, string>;
}

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
