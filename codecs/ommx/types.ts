/**
 * Plain-data types shared by the friendly OMMX classes, and the mapping
 * between their string forms and protobuf enum numbers.
 *
 * @module
 */

/** Which OMMX protobuf package a payload uses. */
export type OmmxVersion = "v1" | "v2";

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

/**
 * Human-facing label of a row (name, subscripts, parameters, description).
 *
 * The rows an `Instance` (or `ParametricInstance`) holds are its own data, not copies: where they
 * are empty, `subscripts` and `parameters` are one shared frozen array / object (and a `[0, 1]`
 * bound one shared frozen bound), so changing them in place throws a `TypeError`. Python's
 * `subscripts` / `parameters` hand out fresh lists and dicts; copy (`[...v.subscripts]`) before
 * changing, and build a new Instance for changed rows.
 */
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
