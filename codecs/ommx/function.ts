/**
 * OMMX functions (`ommx.v1.Function`: constant, linear, quadratic or
 * polynomial): evaluation, substitution, a fast wire decoder and conversion
 * to/from the generated protobuf message.
 *
 * @module
 */

import { DecodeError, InvalidArgumentError, MissingIdError } from "../../core/errors.ts";
import type { Function as FunctionMessage } from "./gen/ommx/v1/function_pb.ts";
import type { Bound, Equality, Label, StateLike } from "./types.ts";
import { stateGet } from "./_conversions.ts";
import { WIRE_I64, WIRE_LEN, WireReader } from "./_wire.ts";
import { Polynomial } from "./_polynomial.ts";
import { forEachTermWithoutMerging, requiredIdsWithoutMerging } from "./_required_ids.ts";
import { sharedIdentityIds } from "./_identity_ids.ts";

/** Which member of the `ommx.v1.Function` oneof a function uses. */
export type FunctionKind = "constant" | "linear" | "quadratic" | "polynomial";

/** One monomial: `coefficient * prod(x[id] for id of ids)`. */
export interface Monomial {
  /** Variable IDs (repeats are powers). */
  ids: number[];
  /** Coefficient. */
  coefficient: number;
}

/**
 * What the algebra of {@linkcode Function} accepts: a function, a finite number (a constant),
 * or anything with a variable ID — a decision variable, a parameter, `{ id: 3 }` — standing for
 * that variable with coefficient 1 (Python's `ToFunction`).
 */
export type FunctionLike = Function | number | { readonly id: number };

/**
 * A constraint before it has an ID (what Python's `f <= g`, `f == g` and `f >= g` build): a
 * function related to zero, and its label. {@linkcode Instance.fromComponents} takes them by ID.
 */
export interface ConstraintSpec extends Label {
  /** The constraint function (`f - g` for `f <= g` and `f == g`, `g - f` for `f >= g`). */
  function: Function;
  /** Relation to zero. */
  equality: Equality;
}

/**
 * The term arrays a function's form leaves empty (every constant and linear function's quadratic
 * and monomial arrays): one frozen array shared by all, instead of four fresh `[]` a function
 * (~128 bytes, kept for as long as the function: an Instance keeps two).
 */
const NO_TERMS: readonly never[] = Object.freeze([]);

/**
 * A term array built by `push`, as the function keeps it: an exact-length copy (a pushed array
 * keeps room to spare: ~150 bytes for a handful of terms against ~60), or the shared empty one.
 */
function exactTerms(a: number[]): readonly number[] {
  return a.length === 0 ? NO_TERMS : a.slice();
}

/**
 * The fewest linear and quadratic terms for which `Function.requiredIds()` keeps its answer: a
 * smaller function's IDs are found again at each call.
 */
const REQUIRED_IDS_CACHE_MIN_TERMS = 64;

/** Canonical terms flattened for evaluation (the constant apart). */
interface FlatTerms {
  constant: number;
  ids: number[];
  offsets: number[];
  coefficients: number[];
}

/** A function's derived forms, computed on first use and kept (never mutated once set). */
interface FunctionCache {
  /** The canonical polynomial. */
  poly: Polynomial | undefined;
  /** Flattened canonical terms for evaluation. */
  flat: FlatTerms | undefined;
  /**
   * `requiredIds()`, cached for a function of at least `REQUIRED_IDS_CACHE_MIN_TERMS` linear and
   * quadratic terms or with a canonical polynomial: a plain array (copied by `slice`, far cheaper
   * than a typed array's).
   */
  required: readonly number[] | undefined;
}

/**
 * A real-valued function of decision variables.
 *
 * The form is kept as read (`kind`); all forms share the fields below:
 * `constant + sum(linearCoefficients[i] * x[linearIds[i]])
 *  + sum(quadraticValues[k] * x[quadraticRows[k]] * x[quadraticColumns[k]])
 *  + sum(monomials)`.
 *
 * @example Build and evaluate
 * ```ts
 * import { Function } from "./function.ts";
 * import assert from "node:assert/strict";
 *
 * const f = Function.quadratic([[1, 2, 3]], [[1, 2]], 0.5); // 3*x1*x2 + 2*x1 + 0.5
 * assert.equal(f.evaluate(new Map([[1, 2], [2, 1]])), 6 + 4 + 0.5);
 * assert.deepEqual([...f.usedIds()].sort(), [1, 2]);
 * ```
 */
export class Function {
  /** The oneof member this function is stored as. */
  readonly kind: FunctionKind;
  /** Constant term. */
  readonly constant: number;
  /** IDs of the linear terms. */
  readonly linearIds: readonly number[];
  /** Coefficients of the linear terms. */
  readonly linearCoefficients: readonly number[];
  /** Row IDs of the quadratic terms. */
  readonly quadraticRows: readonly number[];
  /** Column IDs of the quadratic terms. */
  readonly quadraticColumns: readonly number[];
  /** Values of the quadratic terms. */
  readonly quadraticValues: readonly number[];
  /** Monomials (polynomial form only; constant/linear parts of a polynomial stay here too). */
  readonly monomials: readonly Monomial[];
  /**
   * The derived forms, one object created on first use: most functions (a writer's kept
   * Instances') never need one, and one slot instead of three saves 16 bytes a function.
   */
  #cache: FunctionCache | undefined;

  /**
   * Low-level constructor; prefer the static builders.
   *
   * @param kind The form.
   * @param constant Constant term.
   * @param linearIds Linear IDs.
   * @param linearCoefficients Linear coefficients.
   * @param quadraticRows Quadratic rows.
   * @param quadraticColumns Quadratic columns.
   * @param quadraticValues Quadratic values.
   * @param monomials Polynomial monomials.
   */
  constructor(
    kind: FunctionKind,
    constant: number,
    linearIds: readonly number[] = NO_TERMS,
    linearCoefficients: readonly number[] = NO_TERMS,
    quadraticRows: readonly number[] = NO_TERMS,
    quadraticColumns: readonly number[] = NO_TERMS,
    quadraticValues: readonly number[] = NO_TERMS,
    monomials: readonly Monomial[] = NO_TERMS,
  ) {
    if (linearIds.length !== linearCoefficients.length) {
      throw new InvalidArgumentError("linear ids and coefficients differ in length");
    }
    if (
      quadraticRows.length !== quadraticColumns.length ||
      quadraticRows.length !== quadraticValues.length
    ) {
      throw new InvalidArgumentError("quadratic rows, columns and values differ in length");
    }
    this.kind = kind;
    this.constant = constant;
    this.linearIds = linearIds;
    this.linearCoefficients = linearCoefficients;
    this.quadraticRows = quadraticRows;
    this.quadraticColumns = quadraticColumns;
    this.quadraticValues = quadraticValues;
    this.monomials = monomials;
  }

  /**
   * A constant function.
   *
   * @param value The constant.
   * @returns The function.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * assert.equal(Function.constant(3).evaluate({}), 3);
   * ```
   */
  static constant(value: number): Function {
    return new Function("constant", value);
  }

  /**
   * An affine function `sum(c * x[id]) + constant`.
   *
   * @param terms `[id, coefficient]` pairs.
   * @param constant The constant term.
   * @returns The function.
   * @throws {InvalidArgumentError} naming an ID that is not a non-negative safe integer.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * assert.equal(Function.linear([[1, 2], [2, -1]], 1).evaluate({ 1: 3, 2: 4 }), 3);
   * ```
   */
  static linear(terms: Iterable<readonly [number, number]>, constant = 0): Function {
    const ids: number[] = [];
    const cs: number[] = [];
    for (const [id, c] of terms) {
      checkId(id);
      ids.push(id);
      cs.push(c);
    }
    return new Function(
      "linear",
      constant,
      sharedIdentityIds(ids) ?? exactTerms(ids),
      exactTerms(cs),
    );
  }

  /**
   * A quadratic function.
   *
   * @param quadTerms `[row, column, value]` triples.
   * @param linearTerms `[id, coefficient]` pairs.
   * @param constant The constant term.
   * @returns The function.
   * @throws {InvalidArgumentError} naming an ID that is not a non-negative safe integer.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * assert.equal(Function.quadratic([[1, 1, 2]]).evaluate({ 1: 3 }), 18);
   * ```
   */
  static quadratic(
    quadTerms: Iterable<readonly [number, number, number]>,
    linearTerms: Iterable<readonly [number, number]> = [],
    constant = 0,
  ): Function {
    const rows: number[] = [];
    const cols: number[] = [];
    const vals: number[] = [];
    for (const [r, c, v] of quadTerms) {
      checkId(r);
      checkId(c);
      rows.push(r);
      cols.push(c);
      vals.push(v);
    }
    const lin = Function.linear(linearTerms, constant);
    return new Function(
      "quadratic",
      constant,
      lin.linearIds,
      lin.linearCoefficients,
      exactTerms(rows),
      exactTerms(cols),
      exactTerms(vals),
    );
  }

  /**
   * A polynomial (sum of monomials).
   *
   * @param terms The monomials.
   * @returns The function.
   * @throws {InvalidArgumentError} naming an ID that is not a non-negative safe integer.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * const f = Function.polynomial([{ ids: [1, 1, 2], coefficient: 2 }, { ids: [], coefficient: 1 }]);
   * assert.equal(f.evaluate({ 1: 2, 2: 3 }), 25);
   * ```
   */
  static polynomial(terms: Iterable<Monomial>): Function {
    const monomials = [...terms];
    for (const m of monomials) for (const id of m.ids) checkId(id);
    return new Function(
      "polynomial",
      0,
      NO_TERMS,
      NO_TERMS,
      NO_TERMS,
      NO_TERMS,
      NO_TERMS,
      monomials,
    );
  }

  /**
   * Evaluate at a state (the reference's `evaluate`): the canonical terms (see
   * {@linkcode Function.terms}) summed at the state's values. IDs the function does not use
   * may be in the state.
   *
   * @param state Variable values by ID.
   * @returns The value.
   * @throws {MissingIdError} naming every used variable missing from `state`.
   * @throws {InvalidArgumentError} when the value is not finite (e.g. a state value is NaN).
   */
  evaluate(state: StateLike): number {
    const { constant, ids, offsets, coefficients } = this.#flat();
    let sum = constant;
    const n = coefficients.length;
    for (let t = 0; t < n; t++) {
      let p = coefficients[t]!;
      for (let k = offsets[t]!; k < offsets[t + 1]!; k++) {
        const v = stateGet(state, ids[k]!);
        if (v === undefined) throw missingFrom(this, state);
        p *= v;
      }
      sum += p;
    }
    if (!Number.isFinite(sum)) {
      throw new InvalidArgumentError(`the function evaluates to ${sum}, not a finite value`);
    }
    return sum;
  }

  /**
   * IDs of all variables (or parameters) the function mentions.
   *
   * @returns The set of IDs.
   */
  usedIds(): Set<number> {
    const s = new Set<number>(this.linearIds);
    for (const id of this.quadraticRows) s.add(id);
    for (const id of this.quadraticColumns) s.add(id);
    for (const m of this.monomials) for (const id of m.ids) s.add(id);
    return s;
  }

  /**
   * Find the first used ID that is not in `known`.
   *
   * @param known The allowed IDs.
   * @returns A missing ID, or undefined when all are known.
   */
  firstUnknownId(known: { has(id: number): boolean }): number | undefined {
    for (const ids of [this.linearIds, this.quadraticRows, this.quadraticColumns]) {
      for (let i = 0; i < ids.length; i++) if (!known.has(ids[i]!)) return ids[i]!;
    }
    for (const m of this.monomials) for (const id of m.ids) if (!known.has(id)) return id;
    return undefined;
  }

  /**
   * All terms as monomials (constant first when non-zero).
   *
   * @returns The monomials.
   */
  toMonomials(): Monomial[] {
    const out: Monomial[] = [];
    if (this.constant !== 0) out.push({ ids: [], coefficient: this.constant });
    for (let i = 0; i < this.linearIds.length; i++) {
      out.push({ ids: [this.linearIds[i]!], coefficient: this.linearCoefficients[i]! });
    }
    for (let k = 0; k < this.quadraticRows.length; k++) {
      out.push({
        ids: [this.quadraticRows[k]!, this.quadraticColumns[k]!],
        coefficient: this.quadraticValues[k]!,
      });
    }
    for (const m of this.monomials) out.push({ ids: [...m.ids], coefficient: m.coefficient });
    return out;
  }

  // ---------- the canonical polynomial and its algebra ----------

  /** The canonical polynomial of this function (cached; never mutated). */
  #polynomial(): Polynomial {
    const cached = this.#cache?.poly;
    if (cached !== undefined) return cached;
    const p = new Polynomial();
    const li = this.linearIds;
    const lc = this.linearCoefficients;
    const qr = this.quadraticRows;
    const qc = this.quadraticColumns;
    const qv = this.quadraticValues;
    for (let k = 0; k < qr.length; k++) {
      const r = qr[k]!;
      const c = qc[k]!;
      p.add(r <= c ? [r, c] : [c, r], qv[k]!, true);
    }
    for (let i = 0; i < li.length; i++) p.add([li[i]!], lc[i]!, true);
    for (const m of this.monomials) p.add(m.ids, m.coefficient);
    p.add([], this.constant, true);
    this.#caches().poly = p;
    return p;
  }

  /** Flattened canonical terms for evaluation (cached). */
  #flat(): FlatTerms {
    const cached = this.#cache?.flat;
    if (cached !== undefined) return cached;
    const ids: number[] = [];
    const offsets: number[] = [0];
    const coefficients: number[] = [];
    let constant = 0;
    for (const t of this.#polynomial().terms.values()) {
      if (t.ids.length === 0) {
        constant = t.coefficient;
        continue;
      }
      for (const id of t.ids) ids.push(id);
      offsets.push(ids.length);
      coefficients.push(t.coefficient);
    }
    return this.#caches().flat = { constant, ids, offsets, coefficients };
  }

  /** The derived-forms object, created on first use (all three slots, one shape). */
  #caches(): FunctionCache {
    return this.#cache ??= { poly: undefined, flat: undefined, required: undefined };
  }

  /** The function of a canonical polynomial, in the simplest form that fits its degree. */
  static #of(p: Polynomial): Function {
    const f = Function.fromMonomials([...p.terms.values()] as Monomial[]);
    f.#caches().poly = p;
    return f;
  }

  /**
   * Turn a {@linkcode FunctionLike} into a function: a number is a constant, an object with an
   * `id` (a decision variable, a parameter) is that variable with coefficient 1.
   *
   * @param value The value.
   * @returns The function (the same object for a `Function`).
   * @throws {InvalidArgumentError} for a non-finite number or an ID that is not a safe
   *   non-negative integer.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * assert.equal(Function.from({ id: 3 }).evaluate({ 3: 2 }), 2);
   * assert.equal(Function.from(1.5).constantTerm, 1.5);
   * ```
   */
  static from(value: FunctionLike): Function {
    if (value instanceof Function) return value;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) {
        throw new InvalidArgumentError(`constant ${value} is not finite`);
      }
      return Function.constant(value);
    }
    checkId(value.id);
    return Function.linear([[value.id, 1]]);
  }

  /**
   * The sum of functions, variables and numbers (Python's built-in `sum`; `0` when empty).
   *
   * @param items What to add up.
   * @returns The sum, in canonical form.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * const f = Function.sum([{ id: 1 }, { id: 2 }, 3]); // x1 + x2 + 3
   * assert.equal(f.evaluate({ 1: 1, 2: 1 }), 5);
   * ```
   */
  static sum(items: Iterable<FunctionLike>): Function {
    const p = new Polynomial();
    for (const item of items) {
      for (const t of Function.from(item).#polynomial().terms.values()) {
        p.add(t.ids, t.coefficient, true);
      }
    }
    return Function.#of(p);
  }

  /**
   * `this + other` (Python's `+`). Terms of one monomial are summed; a sum of exactly zero drops
   * the term, as the reference does.
   *
   * @param other A function, variable or number.
   * @returns The sum.
   * @throws {InvalidArgumentError} when a coefficient overflows.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * const f = Function.from({ id: 1 }).mulScalar(3).add({ id: 2 }); // 3*x1 + x2
   * assert.deepEqual([...f.linearTerms], [[1, 3], [2, 1]]);
   * ```
   */
  add(other: FunctionLike): Function {
    return Function.#of(this.#polynomial().plus(Function.from(other).#polynomial()));
  }

  /**
   * `this - other` (Python's `-`).
   *
   * @param other A function, variable or number.
   * @returns The difference.
   */
  sub(other: FunctionLike): Function {
    return Function.#of(this.#polynomial().plus(Function.from(other).#polynomial().scaled(-1)));
  }

  /**
   * `this * other` (Python's `*`): every pair of terms multiplied, monomials merged.
   *
   * @param other A function, variable or number.
   * @returns The product.
   * @throws {InvalidArgumentError} when a coefficient overflows.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * const x = Function.from({ id: 1 });
   * assert.deepEqual(x.add(1).mul(x).terms, [
   *   { ids: [1], coefficient: 1 },
   *   { ids: [1, 1], coefficient: 1 },
   * ]);
   * ```
   */
  mul(other: FunctionLike): Function {
    if (typeof other === "number") return this.mulScalar(other);
    return Function.#of(this.#polynomial().times(Function.from(other).#polynomial()));
  }

  /**
   * `this * scalar` (Python's `mul_scalar`; `0` gives the zero function).
   *
   * @param scalar A finite number.
   * @returns The scaled function.
   * @throws {InvalidArgumentError} when `scalar` is not finite or a coefficient overflows.
   */
  mulScalar(scalar: number): Function {
    return Function.#of(this.#polynomial().scaled(scalar));
  }

  /**
   * `this + scalar` (Python's `add_scalar`).
   *
   * @param scalar A finite number.
   * @returns The shifted function.
   * @throws {InvalidArgumentError} when `scalar` is not finite.
   */
  addScalar(scalar: number): Function {
    return this.add(scalar);
  }

  /**
   * `-this` (Python's unary `-`).
   *
   * @returns The negated function.
   */
  neg(): Function {
    return Function.#of(this.#polynomial().scaled(-1));
  }

  /**
   * The constraint `this <= rhs`, normalised as the reference does: `this - rhs <= 0`.
   *
   * @param rhs A function, variable or number.
   * @returns The constraint (give it an ID in {@linkcode Instance.fromComponents}).
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * const c = Function.from({ id: 1 }).le(3);
   * assert.equal(c.equality, "<=");
   * assert.equal(c.function.constantTerm, -3);
   * ```
   */
  le(rhs: FunctionLike): ConstraintSpec {
    return { function: this.sub(rhs), equality: "<=", subscripts: [], parameters: {} };
  }

  /**
   * The constraint `this >= rhs`, normalised as the reference does: `rhs - this <= 0`.
   *
   * @param rhs A function, variable or number.
   * @returns The constraint.
   */
  ge(rhs: FunctionLike): ConstraintSpec {
    return {
      function: Function.from(rhs).sub(this),
      equality: "<=",
      subscripts: [],
      parameters: {},
    };
  }

  /**
   * The constraint `this == rhs` (Python's `==` on a function), normalised as the reference
   * does: `this - rhs = 0`.
   *
   * @param rhs A function, variable or number.
   * @returns The constraint.
   */
  eq(rhs: FunctionLike): ConstraintSpec {
    return { function: this.sub(rhs), equality: "=", subscripts: [], parameters: {} };
  }

  /**
   * Visit every canonical term once, in no particular order (cheaper than
   * {@linkcode Function.terms}, which sorts and copies).
   *
   * @param visit Called with the term's IDs (ascending; do not modify) and coefficient.
   */
  forEachTerm(visit: (ids: readonly number[], coefficient: number) => void): void {
    if (this.#cache?.poly === undefined && forEachTermWithoutMerging(this, visit)) return;
    for (const t of this.#polynomial().terms.values()) visit(t.ids, t.coefficient);
  }

  /**
   * The canonical terms (Python's `terms`, a dict there): one per monomial, IDs ascending,
   * coefficients summed and non-zero; ordered by degree, then by IDs.
   */
  get terms(): Monomial[] {
    return this.#polynomial().sortedTerms().map((t) => ({
      ids: [...t.ids],
      coefficient: t.coefficient,
    }));
  }

  /**
   * The degree-1 terms (Python's `linear_terms`): variable ID → coefficient, ascending by ID.
   * A `Map` of `[id, coefficient]` entries, as {@linkcode Function.linear} takes them.
   */
  get linearTerms(): Map<number, number> {
    const out: [number, number][] = [];
    for (const t of this.#polynomial().terms.values()) {
      if (t.ids.length === 1) out.push([t.ids[0]!, t.coefficient]);
    }
    return new Map(out.sort((a, b) => a[0] - b[0]));
  }

  /**
   * The degree-2 terms (Python's `quadratic_terms`, a dict keyed by `(row, column)` there):
   * `[row, column, coefficient]` with `row <= column`, ascending, as
   * {@linkcode Function.quadratic} takes them.
   */
  get quadraticTerms(): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (const t of this.#polynomial().terms.values()) {
      if (t.ids.length === 2) out.push([t.ids[0]!, t.ids[1]!, t.coefficient]);
    }
    return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  /** The constant term (Python's `constant_term`; 0 when absent). */
  get constantTerm(): number {
    return this.#polynomial().constantTerm();
  }

  /**
   * The degree (Python's `degree()`): the largest number of variables in a canonical term; 0 for
   * constants and the zero function.
   *
   * @returns The degree.
   */
  degree(): number {
    return this.#polynomial().degree();
  }

  /**
   * The number of canonical terms (Python's `num_terms()`): 0 for the zero function, 1 for a
   * non-zero constant.
   *
   * @returns The count.
   */
  numTerms(): number {
    return this.#polynomial().size;
  }

  /**
   * IDs of the variables of the canonical terms (Python's `required_ids()`), ascending.
   *
   * @returns The IDs.
   */
  requiredIds(): number[] {
    let required = this.#cache?.required;
    if (required === undefined) {
      const fast = this.#cache?.poly === undefined ? requiredIdsWithoutMerging(this) : undefined;
      if (fast !== undefined) {
        // A small function's IDs are found again at each call (well under a microsecond): a
        // cached array stayed on every evaluated Instance's two functions (~190 bytes an
        // Instance, kept by a writer's caller for as long as it keeps the Instance).
        if (this.linearIds.length + this.quadraticRows.length < REQUIRED_IDS_CACHE_MIN_TERMS) {
          return fast;
        }
        // A copy of exactly its length (`fast` grew by push and has room to spare).
        required = this.#caches().required = fast.slice();
      } else {
        const s = new Set<number>();
        for (const t of this.#polynomial().terms.values()) for (const id of t.ids) s.add(id);
        required = this.#caches().required = [...s].sort((a, b) => a - b);
      }
    }
    return required.slice();
  }

  /**
   * Whether `this - other` has no coefficient larger than `atol` in absolute value (Python's
   * `almost_equal`).
   *
   * @param other A function, variable or number.
   * @param atol Absolute tolerance (default 1e-6, the reference's).
   * @returns The comparison.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * const f = Function.linear([[1, 2]], 1);
   * assert.ok(f.almostEqual(f.add(1e-7)));
   * assert.ok(!f.almostEqual(f.add(1e-5)));
   * ```
   */
  almostEqual(other: FunctionLike, atol = 1e-6): boolean {
    let residual: Polynomial;
    try {
      residual = this.#polynomial().plus(Function.from(other).#polynomial().scaled(-1));
    } catch {
      return false;
    }
    for (const t of residual.terms.values()) if (!(Math.abs(t.coefficient) <= atol)) return false;
    return true;
  }

  /**
   * Replace some variables by values (Python's `partial_evaluate`): each term's coefficient is
   * multiplied by the values of its substituted variables and the terms are merged again.
   * IDs the function does not use may be in the state.
   *
   * @param state Values by ID; IDs not present stay symbolic.
   * @returns The partially evaluated function, in canonical form.
   * @throws {InvalidArgumentError} when a resulting coefficient is not finite (e.g. a NaN value).
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * const f = Function.quadratic([[1, 10, 2]]).partialEvaluate({ 10: 3 }); // 2*x1*x10, x10 = 3
   * assert.equal(f.kind, "linear");
   * assert.equal(f.evaluate({ 1: 1 }), 6);
   * ```
   */
  partialEvaluate(state: StateLike): Function {
    const p = new Polynomial();
    for (const t of this.#polynomial().terms.values()) {
      let c = t.coefficient;
      let rest: number[] | undefined;
      for (let i = 0; i < t.ids.length; i++) {
        const v = stateGet(state, t.ids[i]!);
        if (v === undefined) {
          rest?.push(t.ids[i]!);
          continue;
        }
        rest ??= t.ids.slice(0, i);
        c *= v;
      }
      if (!Number.isFinite(c)) {
        throw new InvalidArgumentError(
          `partial evaluation yields the non-finite coefficient ${c} (monomial [${
            t.ids.join(", ")
          }])`,
        );
      }
      p.add(rest ?? t.ids, c, true);
    }
    return Function.#of(p);
  }

  /**
   * Substitute values for some IDs (e.g. parameters): {@linkcode Function.partialEvaluate}.
   *
   * @param values Values by ID; IDs not present stay symbolic.
   * @returns The partially evaluated function.
   */
  substitute(values: ReadonlyMap<number, number>): Function {
    return this.partialEvaluate(values);
  }

  /**
   * An interval containing every value of the function when each variable lies in its bound
   * (Python's `evaluate_bound`): the terms are bounded one by one (a repeated variable as a
   * power) and the intervals added, so the result is sound but not always tight. IDs missing
   * from `bounds` are unbounded.
   *
   * @param bounds Variable ID → bound.
   * @returns The bound.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * const f = Function.linear([[1, 2]], 3); // 2*x1 + 3
   * assert.deepEqual(f.evaluateBound({ 1: { lower: 0, upper: 2 } }), { lower: 3, upper: 7 });
   * ```
   */
  evaluateBound(bounds: ReadonlyMap<number, Bound> | Readonly<Record<number, Bound>>): Bound {
    const get = (id: number): Bound | undefined =>
      bounds instanceof Map
        ? (bounds as ReadonlyMap<number, Bound>).get(id)
        : (bounds as Readonly<Record<number, Bound>>)[id];
    let lower = 0;
    let upper = 0;
    for (const t of this.#polynomial().terms.values()) {
      if (t.ids.length === 0) {
        lower += t.coefficient;
        upper += t.coefficient;
        continue;
      }
      let cur: Bound = { lower: 1, upper: 1 };
      let i = 0;
      while (i < t.ids.length) {
        const id = t.ids[i]!;
        let exp = 0;
        while (i < t.ids.length && t.ids[i] === id) {
          exp++;
          i++;
        }
        const b = get(id) ?? { lower: -Infinity, upper: Infinity };
        cur = boundMul(cur, boundPow(b, exp));
      }
      const c = t.coefficient;
      lower += c >= 0 ? cur.lower * c : cur.upper * c;
      upper += c >= 0 ? cur.upper * c : cur.lower * c;
    }
    return { lower, upper };
  }

  /**
   * Build the simplest function form holding the given monomials.
   *
   * @param terms The monomials.
   * @returns The function.
   */
  static fromMonomials(terms: readonly Monomial[]): Function {
    let degree = 0;
    for (const m of terms) degree = Math.max(degree, m.ids.length);
    if (degree > 2) return Function.polynomial(terms);
    let constant = 0;
    const lin: [number, number][] = [];
    const quad: [number, number, number][] = [];
    for (const m of terms) {
      if (m.ids.length === 0) constant += m.coefficient;
      else if (m.ids.length === 1) lin.push([m.ids[0]!, m.coefficient]);
      else quad.push([m.ids[0]!, m.ids[1]!, m.coefficient]);
    }
    if (degree === 2) return Function.quadratic(quad, lin, constant);
    if (degree === 1) return Function.linear(lin, constant);
    return Function.constant(constant);
  }

  /**
   * Convert from the generated `ommx.v1.Function` message.
   *
   * @param msg The message.
   * @returns The function.
   * @throws {DecodeError} when the oneof is unset or a coefficient is not finite.
   */
  static fromMessage(msg: FunctionMessage): Function {
    const f = msg.function;
    switch (f.case) {
      case "constant":
        return checked(Function.constant(f.value));
      case "linear":
        return checked(
          Function.linear(
            f.value.terms.map((t) => [safeId(t.id), t.coefficient]),
            f.value.constant,
          ),
        );
      case "quadratic": {
        const q = f.value;
        const lin = q.linear;
        return checked(
          new Function(
            "quadratic",
            lin?.constant ?? 0,
            lin?.terms.map((t) => safeId(t.id)) ?? [],
            lin?.terms.map((t) => t.coefficient) ?? [],
            q.rows.map(safeId),
            q.columns.map(safeId),
            [...q.values],
          ),
        );
      }
      case "polynomial":
        return checked(
          Function.polynomial(
            f.value.terms.map((m) => ({ ids: m.ids.map(safeId), coefficient: m.coefficient })),
          ),
        );
      default:
        throw new DecodeError("unsupported v1 Function: the function oneof is unset");
    }
  }

  /**
   * Fast path: decode an `ommx.v1.Function` message body from a wire reader
   * positioned at its first field (the reader's `end` bounds the message).
   *
   * Internal: used by the package's own readers; not part of the documented API.
   *
   * @ignore
   * @param r The reader.
   * @returns The function.
   * @throws {DecodeError} on malformed bytes, an unset oneof or non-finite coefficients.
   */
  static read(r: WireReader): Function {
    let f: Function | undefined;
    while (!r.done()) {
      const tag = r.tag();
      const wt = tag & 7;
      switch (tag >>> 3) {
        case 1:
          expect(wt, WIRE_I64);
          f = Function.constant(r.double());
          break;
        case 2: {
          expect(wt, WIRE_LEN);
          const saved = r.enter();
          const lin = readLinear(r);
          r.leave(saved);
          f = new Function("linear", lin.constant, lin.ids, lin.coefficients);
          break;
        }
        case 3: {
          expect(wt, WIRE_LEN);
          const saved = r.enter();
          f = readQuadratic(r);
          r.leave(saved);
          break;
        }
        case 4: {
          expect(wt, WIRE_LEN);
          const saved = r.enter();
          f = readPolynomial(r);
          r.leave(saved);
          break;
        }
        default:
          r.skip(wt);
      }
    }
    if (f === undefined) {
      throw new DecodeError("unsupported v1 Function: the function oneof is unset");
    }
    return checked(f);
  }

  /**
   * Decode standalone `ommx.v1.Function` bytes (fast path).
   *
   * @param bytes The message bytes.
   * @returns The function.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import { functionToMessage } from "./_wire_common.ts";
   * import { toBinary } from "npm:@bufbuild/protobuf@2.17.0";
   * import { FunctionSchema } from "./gen/ommx/v1/function_pb.ts";
   * import assert from "node:assert/strict";
   * const bytes = toBinary(FunctionSchema, functionToMessage(Function.linear([[1, 2]], 1)));
   * assert.equal(Function.decode(bytes).evaluate({ 1: 1 }), 3);
   * ```
   */
  static decode(bytes: Uint8Array): Function {
    return Function.read(new WireReader(bytes));
  }
}

function missingFrom(f: Function, state: StateLike): MissingIdError {
  return new MissingIdError(
    "decision variable",
    f.requiredIds().filter((id) => stateGet(state, id) === undefined),
    "the state",
  );
}

function checkId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new InvalidArgumentError(`variable ID ${id} is not a non-negative safe integer`);
  }
}

function boundMul(a: Bound, b: Bound): Bound {
  const zero = (x: Bound) => x.lower === 0 && x.upper === 0;
  if (zero(a) || zero(b)) return { lower: 0, upper: 0 };
  const p = a.lower * b.lower;
  const q = a.lower * b.upper;
  const r = a.upper * b.lower;
  const s = a.upper * b.upper;
  // 0 × ∞ has no value: the reference then knows nothing of the product.
  if (Number.isNaN(p) || Number.isNaN(q) || Number.isNaN(r) || Number.isNaN(s)) {
    return { lower: -Infinity, upper: Infinity };
  }
  return { lower: Math.min(p, q, r, s), upper: Math.max(p, q, r, s) };
}

function boundPow(b: Bound, exp: number): Bound {
  if (exp === 1) return b;
  if (exp % 2 === 0) {
    if (b.lower >= 0) return { lower: b.lower ** exp, upper: b.upper ** exp };
    if (b.upper <= 0) return { lower: b.upper ** exp, upper: b.lower ** exp };
    return { lower: 0, upper: Math.max(Math.abs(b.upper) ** exp, Math.abs(b.lower) ** exp) };
  }
  return { lower: b.lower ** exp, upper: b.upper ** exp };
}

function expect(actual: number, expected: number): void {
  if (actual !== expected) throw new DecodeError(`unexpected wire type ${actual} in Function`);
}

function safeId(id: bigint): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n)) throw new DecodeError(`ID ${id} exceeds 2^53-1`);
  return n;
}

function checked(f: Function): Function {
  let acc = f.constant * 0;
  const lc = f.linearCoefficients;
  for (let i = 0; i < lc.length; i++) acc += lc[i]! * 0;
  const qv = f.quadraticValues;
  for (let i = 0; i < qv.length; i++) acc += qv[i]! * 0;
  for (const m of f.monomials) acc += m.coefficient * 0;
  // x * 0 is NaN exactly when x is ±Infinity or NaN.
  if (acc !== 0) throw new DecodeError("non-finite coefficient in Function");
  return f;
}

interface LinearParts {
  ids: number[];
  coefficients: number[];
  constant: number;
}

function readLinear(r: WireReader): LinearParts {
  const ids: number[] = [];
  const coefficients: number[] = [];
  let constant = 0;
  while (!r.done()) {
    const tag = r.tag();
    const wt = tag & 7;
    const field = tag >>> 3;
    if (field === 1) {
      expect(wt, WIRE_LEN);
      const saved = r.enter();
      let id = 0;
      let c = 0;
      while (!r.done()) {
        const t = r.tag();
        if (t === 0x08) id = r.uint();
        else if (t === 0x11) c = r.double();
        else r.skip(t & 7);
      }
      r.leave(saved);
      ids.push(id);
      coefficients.push(c);
    } else if (field === 2) {
      expect(wt, WIRE_I64);
      constant = r.double();
    } else r.skip(wt);
  }
  return { ids, coefficients, constant };
}

function readQuadratic(r: WireReader): Function {
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  let lin: LinearParts = { ids: [], coefficients: [], constant: 0 };
  while (!r.done()) {
    const tag = r.tag();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        r.packedUints(wt, rows);
        break;
      case 2:
        r.packedUints(wt, cols);
        break;
      case 3:
        r.packedDoubles(wt, vals);
        break;
      case 4: {
        expect(wt, WIRE_LEN);
        const saved = r.enter();
        lin = readLinear(r);
        r.leave(saved);
        break;
      }
      default:
        r.skip(wt);
    }
  }
  if (rows.length !== cols.length || rows.length !== vals.length) {
    throw new DecodeError("Quadratic rows, columns and values differ in length");
  }
  return new Function("quadratic", lin.constant, lin.ids, lin.coefficients, rows, cols, vals);
}

function readPolynomial(r: WireReader): Function {
  const terms: Monomial[] = [];
  while (!r.done()) {
    const tag = r.tag();
    const wt = tag & 7;
    if (tag >>> 3 === 1) {
      expect(wt, WIRE_LEN);
      const saved = r.enter();
      const ids: number[] = [];
      let coefficient = 0;
      while (!r.done()) {
        const t = r.tag();
        const w = t & 7;
        if (t >>> 3 === 1) r.packedUints(w, ids);
        else if (t === 0x11) coefficient = r.double();
        else r.skip(w);
      }
      r.leave(saved);
      terms.push({ ids, coefficient });
    } else r.skip(wt);
  }
  return Function.polynomial(terms);
}
