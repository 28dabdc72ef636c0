/**
 * Instance → HiGHS model data (internal): the checks that run before the solver is called and
 * the column/row layout both directions of the id mapping rest on.
 *
 * The rules follow `ommx_highs_adapter` 3.0.0b7 (see README.md, "Translation"): the columns are
 * the used decision variables (those with a non-zero term in the objective or an active regular
 * constraint) in ascending id order; every active regular constraint of degree 1 is one row, in
 * ascending id order; constant constraints are skipped within 1e-10 or refused. Variable bounds
 * are first normalised for their kind as the reference SDK does when it builds a decision
 * variable (integers rounded inwards with atol 1e-6; binaries to `[0, 0]`, `[0, 1]` or `[1, 1]`).
 *
 * @module
 */
import {
  AdapterNotApplicableError,
  type DecisionVariable,
  type Function as OmmxFunction,
  type Instance,
  InvalidArgumentError,
  type Kind,
} from "@ommx-ts/experiment";
import { OMMXHighsAdapterError } from "./errors.ts";
import { checkConvexity } from "./_convexity.ts";

/** Tolerance of the reference adapter for constant constraints. */
export const CONSTANT_CONSTRAINT_TOLERANCE = 1e-10;
/** Tolerance of the reference SDK when it normalises integer bounds. */
export const BOUND_ATOL = 1e-6;

/** HiGHS column types (`highs.constants.variableType`). */
export const COLUMN_TYPE: Readonly<Record<Kind, number>> = {
  continuous: 0,
  binary: 1,
  integer: 1,
  "semi-continuous": 2,
  "semi-integer": 3,
};

/** A HiGHS model as plain typed arrays (the adapter turns it into `highs` ModelData). */
export interface HighsModelArrays {
  /** Columns. */
  readonly numCols: number;
  /** Rows. */
  readonly numRows: number;
  /** Whether HiGHS maximises. */
  readonly maximize: boolean;
  /** Objective constant. */
  readonly offset: number;
  /** Linear objective, one per column. */
  readonly colCost: Float64Array;
  /** Column lower bounds. */
  readonly colLower: Float64Array;
  /** Column upper bounds. */
  readonly colUpper: Float64Array;
  /** Row lower bounds (`-Infinity` for `<=` rows). */
  readonly rowLower: Float64Array;
  /** Row upper bounds. */
  readonly rowUpper: Float64Array;
  /** CSR row starts (`numRows + 1`). */
  readonly starts: Int32Array;
  /** CSR column indices. */
  readonly indices: Int32Array;
  /** CSR values. */
  readonly values: Float64Array;
  /** HiGHS column types, or undefined when every column is continuous. */
  readonly integrality: Int32Array | undefined;
  /** Lower-triangular CSC Hessian of `0.5 xᵀQx`, when the objective is quadratic. */
  readonly hessian:
    | { readonly starts: Int32Array; readonly indices: Int32Array; readonly values: Float64Array }
    | undefined;
}

/** The model and both directions of the id mapping. */
export interface Translation {
  /** The model. */
  readonly model: HighsModelArrays;
  /** Decision-variable id of each column. */
  readonly columnIds: readonly number[];
  /** Constraint id of each row. */
  readonly rowIds: readonly number[];
  /** Row of each constraint id that became a row. */
  readonly rowOf: ReadonlyMap<number, number>;
  /**
   * Lower bound of each decision variable (by position in `instance.decisionVariables`) after
   * the reference SDK's normalisation for its kind.
   */
  readonly lower: Float64Array;
  /** Upper bound of each decision variable, likewise. */
  readonly upper: Float64Array;
  /** Whether some column is integer, binary or semi-continuous/-integer. */
  readonly integral: boolean;
}

/** Terms of one function after merging duplicates and dropping zeros. */
interface Terms {
  constant: number;
  /** Variable positions (in `instance.decisionVariables`) of the non-zero linear terms. */
  linear: number[];
  /** Their coefficients. */
  coefficients: number[];
  /** Non-zero quadratic terms keyed `lo * n + hi` by variable position. */
  quadratic: Map<number, number> | undefined;
  /** Degree after merging. */
  degree: number;
}

/** A number as text; integers beyond 2^53 in full (`2 ** 60` is 1152921504606846976). */
const describeNumber = (x: number) =>
  Number.isInteger(x) && !Number.isSafeInteger(x) ? BigInt(x).toString() : String(x);

/**
 * Position of a variable id in `instance.decisionVariables` (sorted by id): the id itself when
 * the ids are exactly `0..n-1` (the common case, no map), else a map.
 */
type PositionOf = (id: number) => number | undefined;

/** Merges the terms of functions, with one dense accumulator for all of them. */
class TermCollector {
  readonly #position: PositionOf;
  readonly #n: number;
  readonly #acc: Float64Array;
  readonly #stamp: Uint32Array;
  #epoch = 0;

  constructor(position: PositionOf, n: number) {
    this.#position = position;
    this.#n = n;
    this.#acc = new Float64Array(n);
    this.#stamp = new Uint32Array(n);
  }

  #positionOf(id: number, where: string): number {
    const p = this.#position(id);
    if (p !== undefined) return p;
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new InvalidArgumentError(
        `${where} names variable id ${describeNumber(id)}, which is not an integer in [0, 2^53-1]`,
      );
    }
    throw new InvalidArgumentError(
      `${where} uses variable ${id}, which is not a decision variable of the instance`,
    );
  }

  collect(f: OmmxFunction, where: string): Terms {
    const epoch = ++this.#epoch;
    const acc = this.#acc;
    const stamp = this.#stamp;
    const touched: number[] = [];
    const finite = (c: number, what: string) => {
      if (!Number.isFinite(c)) {
        throw new InvalidArgumentError(`${where} has a non-finite ${what}: ${describeNumber(c)}`);
      }
    };
    let constant = f.constant;
    finite(constant, "constant term");
    const addLinear = (id: number, c: number) => {
      finite(c, `coefficient on variable ${id}`);
      const p = this.#positionOf(id, where);
      if (stamp[p] !== epoch) {
        stamp[p] = epoch;
        acc[p] = c;
        touched.push(p);
      } else acc[p]! += c;
    };
    let quadratic: Map<number, number> | undefined;
    const addQuadratic = (a: number, b: number, c: number) => {
      finite(c, `coefficient on variables ${a}·${b}`);
      const pa = this.#positionOf(a, where);
      const pb = this.#positionOf(b, where);
      const key = pa <= pb ? pa * this.#n + pb : pb * this.#n + pa;
      quadratic ??= new Map();
      quadratic.set(key, (quadratic.get(key) ?? 0) + c);
    };
    let higher: Map<string, number> | undefined;
    const ids = f.linearIds;
    const cs = f.linearCoefficients;
    for (let i = 0; i < ids.length; i++) addLinear(ids[i]!, cs[i]!);
    const rows = f.quadraticRows;
    const cols = f.quadraticColumns;
    const vals = f.quadraticValues;
    for (let k = 0; k < rows.length; k++) addQuadratic(rows[k]!, cols[k]!, vals[k]!);
    for (const m of f.monomials) {
      const c = m.coefficient;
      if (m.ids.length === 0) {
        finite(c, "constant term");
        constant += c;
      } else if (m.ids.length === 1) addLinear(m.ids[0]!, c);
      else if (m.ids.length === 2) addQuadratic(m.ids[0]!, m.ids[1]!, c);
      else {
        finite(c, `coefficient on variables ${m.ids.join("·")}`);
        const key = m.ids.map((id) => this.#positionOf(id, where)).sort((a, b) => a - b).join(",");
        higher ??= new Map();
        higher.set(key, (higher.get(key) ?? 0) + c);
      }
    }
    finite(constant, "constant term");
    const linear: number[] = [];
    const coefficients: number[] = [];
    for (const p of touched) {
      const c = acc[p]!;
      if (c !== 0) {
        linear.push(p);
        coefficients.push(c);
      }
    }
    let degree = linear.length > 0 ? 1 : 0;
    if (quadratic !== undefined) {
      for (const [key, c] of quadratic) if (c === 0) quadratic.delete(key);
      if (quadratic.size > 0) degree = 2;
      else quadratic = undefined;
    }
    if (higher !== undefined) {
      for (const [key, c] of higher) {
        if (c !== 0) degree = Math.max(degree, key.split(",").length);
      }
    }
    return { constant, linear, coefficients, quadratic, degree };
  }
}

/**
 * The bound the reference SDK keeps for a variable of this kind (`Kind::consistent_bound`), or
 * undefined when the kind admits no value in it.
 */
export function consistentBound(
  kind: Kind,
  lower: number,
  upper: number,
): { lower: number; upper: number } | undefined {
  const integer = () => {
    const lo = Number.isFinite(lower) ? Math.ceil(lower - BOUND_ATOL) || 0 : lower;
    const up = Number.isFinite(upper) ? Math.floor(upper + BOUND_ATOL) : upper;
    return up < lo ? undefined : { lower: lo, upper: up };
  };
  switch (kind) {
    case "continuous":
    case "semi-continuous":
      return { lower, upper };
    case "integer":
      return integer();
    case "semi-integer":
      return integer() ?? { lower: 0, upper: 0 };
    case "binary":
      if (lower > 1 + BOUND_ATOL || upper < -BOUND_ATOL) return undefined;
      if (lower > BOUND_ATOL) return { lower: 1, upper: 1 };
      if (upper < 1 - BOUND_ATOL) return { lower: 0, upper: 0 };
      return { lower: 0, upper: 1 };
  }
}

function checkVariable(v: DecisionVariable): { lower: number; upper: number } {
  const { id, kind } = v;
  const { lower, upper } = v.bound;
  if (!(kind in COLUMN_TYPE)) {
    throw new InvalidArgumentError(`variable ${id} has an unknown kind ${JSON.stringify(kind)}`);
  }
  if (Number.isNaN(lower) || Number.isNaN(upper) || lower === Infinity || upper === -Infinity) {
    throw new InvalidArgumentError(
      `variable ${id} has an invalid bound [${describeNumber(lower)}, ${describeNumber(upper)}]`,
    );
  }
  if (lower > upper) {
    throw new InvalidArgumentError(`variable ${id} has an inverted bound [${lower}, ${upper}]`);
  }
  const bound = consistentBound(kind, lower, upper);
  if (bound === undefined) {
    throw new InvalidArgumentError(
      `variable ${id} (${kind}) has no admissible value in its bound [${lower}, ${upper}]`,
    );
  }
  if (v.substitutedValue !== undefined && !Number.isFinite(v.substitutedValue)) {
    throw new InvalidArgumentError(
      `variable ${id} has a non-finite substituted value ${describeNumber(v.substitutedValue)}`,
    );
  }
  return bound;
}

/**
 * Translate an instance, or throw before anything reaches HiGHS: `InvalidArgumentError` for bad
 * input (non-finite numbers, inverted bounds, ids outside `[0, 2^53-1]`, unknown or duplicate
 * variables), {@linkcode AdapterNotApplicableError} for what this adapter does not solve (every
 * violated requirement listed), {@linkcode OMMXHighsAdapterError} for a constant constraint that
 * cannot hold.
 *
 * @param instance The instance.
 * @param adapter The adapter name (for the not-applicable error).
 * @returns The model and the id mappings.
 */
export function translate(instance: Instance, adapter: string): Translation {
  const variables = instance.decisionVariables;
  const n = variables.length;
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  let dense = true;
  for (let p = 0; p < n; p++) {
    const v = variables[p]!;
    if (!Number.isSafeInteger(v.id) || v.id < 0) {
      throw new InvalidArgumentError(
        `decision variable id ${describeNumber(v.id)} is not an integer in [0, 2^53-1]`,
      );
    }
    // Sorted by id: a repeated id is next to its twin.
    if (p > 0 && variables[p - 1]!.id === v.id) {
      throw new InvalidArgumentError(`decision variable id ${v.id} is defined twice`);
    }
    if (v.id !== p) dense = false;
    const b = checkVariable(v);
    lower[p] = b.lower;
    upper[p] = b.upper;
  }
  let position: PositionOf;
  if (dense) position = (id) => (id < n && variables[id]?.id === id ? id : undefined);
  else {
    const map = new Map<number, number>();
    for (let p = 0; p < n; p++) map.set(variables[p]!.id, p);
    position = (id) => map.get(id);
  }

  const reasons: string[] = [];
  for (
    const [kind, list] of [
      ["indicator", instance.indicatorConstraints],
      ["one-hot", instance.oneHotConstraints],
      ["SOS1", instance.sos1Constraints],
    ] as const
  ) {
    const active = list.filter((c) => c.removedReason === undefined).map((c) => c.id);
    if (active.length > 0) {
      reasons.push(
        `${kind} constraints ${
          formatIds(active)
        } are not supported (HiGHS takes regular constraints only)`,
      );
    }
  }

  const collector = new TermCollector(position, n);
  const objective = collector.collect(instance.objective, "the objective");
  const constraints = [...instance.constraints].sort((a, b) => a.id - b.id);
  const rowTerms: { id: number; equality: "=" | "<="; terms: Terms }[] = [];
  const nonLinear: number[] = [];
  let constantFailure: OMMXHighsAdapterError | undefined;
  for (let i = 0; i < constraints.length; i++) {
    const c = constraints[i]!;
    if (!Number.isSafeInteger(c.id) || c.id < 0) {
      throw new InvalidArgumentError(
        `constraint id ${describeNumber(c.id)} is not an integer in [0, 2^53-1]`,
      );
    }
    if (i > 0 && constraints[i - 1]!.id === c.id) {
      throw new InvalidArgumentError(`constraint id ${c.id} is defined twice`);
    }
    if (c.equality !== "=" && c.equality !== "<=") {
      throw new InvalidArgumentError(
        `constraint ${c.id} has an unknown equality ${JSON.stringify(c.equality)}`,
      );
    }
    const terms = collector.collect(c.function, `constraint ${c.id}`);
    if (terms.degree >= 2) nonLinear.push(c.id);
    else if (terms.degree === 1) rowTerms.push({ id: c.id, equality: c.equality, terms });
    else if (constantFailure === undefined) {
      const value = terms.constant;
      if (c.equality === "=" && Math.abs(value) > CONSTANT_CONSTRAINT_TOLERANCE) {
        constantFailure = new OMMXHighsAdapterError(
          `Infeasible constant equality constraint (constraint ${c.id}: ${value} = 0)`,
        );
      } else if (c.equality === "<=" && value > CONSTANT_CONSTRAINT_TOLERANCE) {
        constantFailure = new OMMXHighsAdapterError(
          `Infeasible constant inequality constraint (constraint ${c.id}: ${value} <= 0)`,
        );
      }
    }
  }
  if (nonLinear.length > 0) {
    reasons.push(
      `regular constraints ${
        formatIds(nonLinear)
      } have degree 2 or more (HiGHS takes linear constraints only)`,
    );
  }
  if (objective.degree > 2) {
    reasons.push(
      `the objective has degree ${objective.degree} (HiGHS takes linear and convex quadratic objectives)`,
    );
  }

  // Columns: the used variables, ascending id (= ascending position).
  const used = new Uint8Array(n);
  for (const p of objective.linear) used[p] = 1;
  if (objective.quadratic !== undefined) {
    for (const key of objective.quadratic.keys()) {
      used[Math.floor(key / n)] = 1;
      used[key % n] = 1;
    }
  }
  for (const r of rowTerms) for (const p of r.terms.linear) used[p] = 1;
  const columnOfPosition = new Int32Array(n).fill(-1);
  const columnIds: number[] = [];
  const columnPositions: number[] = [];
  for (let p = 0; p < n; p++) {
    if (used[p] === 0) continue;
    columnOfPosition[p] = columnIds.length;
    columnIds.push(variables[p]!.id);
    columnPositions.push(p);
  }
  const numCols = columnIds.length;
  const dependent = columnIds.filter((id) => instance.decisionVariableDependency.has(id));
  if (dependent.length > 0) {
    reasons.push(
      `variables ${
        formatIds(dependent)
      } are dependent variables (decisionVariableDependency) but appear in the objective or a constraint`,
    );
  }

  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const types = new Int32Array(numCols);
  let integral = false;
  const discrete: number[] = [];
  for (let col = 0; col < numCols; col++) {
    const p = columnPositions[col]!;
    const v = variables[p]!;
    if (v.substitutedValue !== undefined) {
      colLower[col] = v.substitutedValue;
      colUpper[col] = v.substitutedValue;
    } else {
      colLower[col] = lower[p]!;
      colUpper[col] = upper[p]!;
    }
    const t = COLUMN_TYPE[v.kind];
    types[col] = t;
    if (t !== 0) {
      integral = true;
      discrete.push(v.id);
    }
  }

  let hessian: HighsModelArrays["hessian"];
  if (objective.degree === 2 && objective.quadratic !== undefined) {
    if (discrete.length > 0) {
      reasons.push(
        `the objective is quadratic and variables ${
          formatIds(discrete)
        } are not continuous (HiGHS solves quadratic objectives of continuous problems only)`,
      );
    } else {
      hessian = buildHessian(objective.quadratic, n, columnOfPosition, numCols);
      const verdict = checkConvexity(
        numCols,
        hessian,
        instance.sense === "maximize" ? "concave" : "convex",
      );
      if (verdict !== undefined) reasons.push(`the quadratic objective ${verdict}`);
    }
  }
  if (reasons.length > 0) throw new AdapterNotApplicableError(adapter, reasons);
  if (constantFailure !== undefined) throw constantFailure;

  const colCost = new Float64Array(numCols);
  for (let i = 0; i < objective.linear.length; i++) {
    colCost[columnOfPosition[objective.linear[i]!]!] = objective.coefficients[i]!;
  }

  const numRows = rowTerms.length;
  const starts = new Int32Array(numRows + 1);
  let nnz = 0;
  for (let r = 0; r < numRows; r++) {
    nnz += rowTerms[r]!.terms.linear.length;
    starts[r + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  const rowIds: number[] = new Array(numRows);
  const rowOf = new Map<number, number>();
  for (let r = 0; r < numRows; r++) {
    const { id, equality, terms } = rowTerms[r]!;
    let k = starts[r]!;
    for (let i = 0; i < terms.linear.length; i++, k++) {
      indices[k] = columnOfPosition[terms.linear[i]!]!;
      values[k] = terms.coefficients[i]!;
    }
    // a·x + c (= or <=) 0  ⇔  a·x (= or <=) -c; negation is exact.
    const rhs = -terms.constant;
    rowUpper[r] = rhs;
    rowLower[r] = equality === "=" ? rhs : -Infinity;
    rowIds[r] = id;
    rowOf.set(id, r);
  }

  return {
    model: {
      numCols,
      numRows,
      maximize: instance.sense === "maximize",
      offset: objective.constant,
      colCost,
      colLower,
      colUpper,
      rowLower,
      rowUpper,
      starts,
      indices,
      values,
      integrality: integral ? types : undefined,
      hessian,
    },
    columnIds,
    rowIds,
    rowOf,
    lower,
    upper,
    integral,
  };
}

/**
 * The lower triangle of `Q` in `0.5 xᵀQx`, column-compressed: `c·xᵢ²` is `Qᵢᵢ = 2c`, `c·xᵢxⱼ`
 * is `Qᵢⱼ = Qⱼᵢ = c` (doubling is exact).
 */
function buildHessian(
  quadratic: ReadonlyMap<number, number>,
  n: number,
  columnOfPosition: Int32Array,
  numCols: number,
): NonNullable<HighsModelArrays["hessian"]> {
  const entries: { col: number; row: number; value: number }[] = [];
  for (const [key, c] of quadratic) {
    const a = columnOfPosition[Math.floor(key / n)]!;
    const b = columnOfPosition[key % n]!;
    const col = Math.min(a, b);
    const row = Math.max(a, b);
    entries.push({ col, row, value: a === b ? 2 * c : c });
  }
  entries.sort((x, y) => x.col - y.col || x.row - y.row);
  const starts = new Int32Array(numCols + 1);
  const indices = new Int32Array(entries.length);
  const values = new Float64Array(entries.length);
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k]!;
    starts[e.col + 1]!++;
    indices[k] = e.row;
    values[k] = e.value;
  }
  for (let c = 0; c < numCols; c++) starts[c + 1]! += starts[c]!;
  return { starts, indices, values };
}

/** `1, 2, 3` — at most 10 ids, then `… (N in all)`. */
export function formatIds(ids: readonly number[]): string {
  const shown = ids.slice(0, 10).join(", ");
  return ids.length > 10 ? `${shown}, … (${ids.length} in all)` : shown;
}
