/**
 * OMMX functions (`ommx.v1.Function`: constant, linear, quadratic or
 * polynomial): evaluation, substitution, a fast wire decoder and conversion
 * to/from the generated protobuf message.
 *
 * @module
 */

import { DecodeError, InvalidArgumentError } from "../../core/errors.ts";
import type { Function as FunctionMessage } from "./gen/ommx/v1/function_pb.ts";
import type { StateLike } from "./types.ts";
import { stateGet } from "./_conversions.ts";
import { WIRE_I64, WIRE_LEN, WireReader } from "./_wire.ts";

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
    linearIds: readonly number[] = [],
    linearCoefficients: readonly number[] = [],
    quadraticRows: readonly number[] = [],
    quadraticColumns: readonly number[] = [],
    quadraticValues: readonly number[] = [],
    monomials: readonly Monomial[] = [],
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
      ids.push(id);
      cs.push(c);
    }
    return new Function("linear", constant, ids, cs);
  }

  /**
   * A quadratic function.
   *
   * @param quadTerms `[row, column, value]` triples.
   * @param linearTerms `[id, coefficient]` pairs.
   * @param constant The constant term.
   * @returns The function.
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
      rows,
      cols,
      vals,
    );
  }

  /**
   * A polynomial (sum of monomials).
   *
   * @param terms The monomials.
   * @returns The function.
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
    return new Function("polynomial", 0, [], [], [], [], [], [...terms]);
  }

  /**
   * Evaluate at a state.
   *
   * @param state Variable values by ID.
   * @returns The value.
   * @throws {InvalidArgumentError} when a used variable is missing from `state`.
   */
  evaluate(state: StateLike): number {
    const get = (id: number): number => {
      const v = stateGet(state, id);
      if (v === undefined) {
        throw new InvalidArgumentError(`variable ${id} is missing from the state`);
      }
      return v;
    };
    let sum = this.constant;
    const li = this.linearIds;
    const lc = this.linearCoefficients;
    for (let i = 0; i < li.length; i++) sum += lc[i]! * get(li[i]!);
    const qr = this.quadraticRows;
    const qc = this.quadraticColumns;
    const qv = this.quadraticValues;
    for (let k = 0; k < qr.length; k++) sum += qv[k]! * get(qr[k]!) * get(qc[k]!);
    for (const m of this.monomials) {
      let p = m.coefficient;
      for (const id of m.ids) p *= get(id);
      sum += p;
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
   * Degree of the function as stored (0 constant, 1 linear, 2 quadratic, or the largest monomial).
   *
   * @returns The degree.
   */
  degree(): number {
    let d = this.linearIds.length > 0 ? 1 : 0;
    if (this.quadraticRows.length > 0) d = 2;
    for (const m of this.monomials) d = Math.max(d, m.ids.length);
    return d;
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

  /**
   * Replace some variables (e.g. parameters) by values; the result uses the
   * simplest form that fits its degree (constant, linear, quadratic or polynomial).
   *
   * @param values Values by ID; IDs not present stay symbolic.
   * @returns The partially evaluated function.
   *
   * @example
   * ```ts
   * import { Function } from "./function.ts";
   * import assert from "node:assert/strict";
   * const f = Function.quadratic([[1, 10, 2]]).substitute(new Map([[10, 3]])); // 2*x1*p10, p10=3
   * assert.equal(f.kind, "linear");
   * assert.equal(f.evaluate({ 1: 1 }), 6);
   * ```
   */
  substitute(values: ReadonlyMap<number, number>): Function {
    const merged = new Map<string, Monomial>();
    for (const m of this.toMonomials()) {
      let c = m.coefficient;
      const rest: number[] = [];
      for (const id of m.ids) {
        const v = values.get(id);
        if (v === undefined) rest.push(id);
        else c *= v;
      }
      rest.sort((a, b) => a - b);
      const key = rest.join(",");
      const prev = merged.get(key);
      if (prev) prev.coefficient += c;
      else merged.set(key, { ids: rest, coefficient: c });
    }
    const terms = [...merged.values()].filter((m) => m.coefficient !== 0 || m.ids.length === 0);
    return Function.fromMonomials(terms);
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
