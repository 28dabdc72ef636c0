/**
 * Text the Python SDK shows inside its DataFrames, reproduced exactly: a
 * Python `float` (`repr`), a `list` of ints, a `set` of ints in the order
 * CPython 3.11 iterates it, and an `ommx.Function` repr (`Function(2*x1 + 3)`,
 * the Rust core's `Display` with Rust's `f64` formatting). Used by the
 * tables (`table.ts`) for CSV and display.
 *
 * @module
 */

import { _shortestDigits, pythonFloatRepr } from "../py_float.ts";
import type { Function } from "./function.ts";

/**
 * Python's `str(float)`: `1.0`, `1e-05`, `nan`, `inf`, `-inf`.
 *
 * @param x The number.
 * @returns The text.
 */
export function pyFloatText(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return pythonFloatRepr(x);
}

/**
 * Python's `str(list_of_ints)`: `[]`, `[3]`, `[1, 2]`.
 *
 * @param xs The integers.
 * @returns The text.
 */
export function pyIntListText(xs: readonly number[]): string {
  return `[${xs.join(", ")}]`;
}

const LINEAR_PROBES = 9;
const PERTURB_SHIFT = 5;
const MOD_2_61 = 2n ** 61n - 1n;

/** `hash(int)` of CPython for a non-negative integer, as an unsigned 64-bit value. */
function intHash(n: number): bigint {
  const h = BigInt(n) % MOD_2_61;
  return h;
}

/**
 * The order in which CPython 3.11 iterates a `set` of non-negative ints
 * built by adding the elements one by one in the given order (as PyO3's
 * `PySet::new` does): the slot order of its open-addressing table
 * (`set_add_entry`, linear probes of 9, perturbation, resize to 4× the used
 * count when 3/5 full).
 *
 * @param elements The elements in insertion order (duplicates ignored).
 * @returns The elements in iteration order.
 *
 * @example
 * ```ts
 * import { pySetOrder } from "./_py_text.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(pySetOrder([3, 11]), [11, 3]); // {11, 3}
 * assert.deepEqual(pySetOrder([0, 1, 2]), [0, 1, 2]);
 * ```
 */
export function pySetOrder(elements: Iterable<number>): number[] {
  let mask = 7;
  let table: (number | undefined)[] = new Array(8);
  let hashes: bigint[] = new Array(8);
  let used = 0;
  const insertClean = (
    t: (number | undefined)[],
    hs: bigint[],
    m: number,
    key: number,
    hash: bigint,
  ) => {
    let perturb = hash;
    let i = Number(hash & BigInt(m));
    for (;;) {
      if (t[i] === undefined) break;
      let found = false;
      if (i + LINEAR_PROBES <= m) {
        for (let j = 1; j <= LINEAR_PROBES; j++) {
          if (t[i + j] === undefined) {
            i += j;
            found = true;
            break;
          }
        }
      }
      if (found) break;
      perturb >>= BigInt(PERTURB_SHIFT);
      i = Number((BigInt(i) * 5n + 1n + perturb) & BigInt(m));
    }
    t[i] = key;
    hs[i] = hash;
  };
  for (const key of elements) {
    const hash = intHash(key);
    let perturb = hash;
    let i = Number(hash & BigInt(mask));
    let slot = -1;
    search: for (;;) {
      const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
      for (let j = 0; j <= probes; j++) {
        const e = table[i + j];
        if (e === undefined) {
          slot = i + j;
          break search;
        }
        if (e === key) break search; // already present
      }
      perturb >>= BigInt(PERTURB_SHIFT);
      i = Number((BigInt(i) * 5n + 1n + perturb) & BigInt(mask));
    }
    if (slot < 0) continue;
    table[slot] = key;
    hashes[slot] = hash;
    used++;
    // No deletions: fill == used.
    if (used * 5 >= mask * 3) {
      const minUsed = used > 50000 ? used * 2 : used * 4;
      let size = 8;
      while (size <= minUsed) size *= 2;
      const t: (number | undefined)[] = new Array(size);
      const hs: bigint[] = new Array(size);
      for (let k = 0; k <= mask; k++) {
        if (table[k] !== undefined) insertClean(t, hs, size - 1, table[k]!, hashes[k]!);
      }
      table = t;
      hashes = hs;
      mask = size - 1;
    }
  }
  const out: number[] = [];
  for (const e of table) if (e !== undefined) out.push(e);
  return out;
}

/**
 * Python's `str(set_of_ints)` for a set built from ascending IDs (as the
 * reference builds `used_ids` and `variables`): `set()`, `{0, 1}`, `{11, 3}`.
 *
 * @param ascending The elements in insertion order.
 * @returns The text.
 */
export function pyIntSetText(ascending: readonly number[]): string {
  if (ascending.length === 0) return "set()";
  return `{${pySetOrder(ascending).join(", ")}}`;
}

/**
 * Rust's `Display` of an `f64` (`{}`): the shortest round-trip digits, never
 * an exponent, no `.0` on integral values (`2`, `0.5`, `0.0000001`,
 * `100000000000000000000`, `NaN`, `inf`, `-0`).
 *
 * @param x The number.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { rustF64Text } from "./_py_text.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rustF64Text(2), "2");
 * assert.equal(rustF64Text(-1.5), "-1.5");
 * assert.equal(rustF64Text(1e-7), "0.0000001");
 * assert.equal(rustF64Text(1e21), "1000000000000000000000");
 * ```
 */
export function rustF64Text(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const sign = x < 0 ? "-" : "";
  const { digits, decpt } = _shortestDigits(x);
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** One term of a normalised function: sorted variable IDs (empty: the constant) and a non-zero coefficient. */
export type Term = readonly [ids: readonly number[], coefficient: number];

/**
 * The terms of a function as the reference core holds them after parsing:
 * monomials with their IDs sorted, equal monomials summed, zero
 * coefficients (and sums that cancel) dropped.
 *
 * @param f The function.
 * @returns The terms, in first-seen order (linear before quadratic before the rest).
 */
export function normalizedTerms(f: Function): Term[] {
  const out: Term[] = [];
  for (const [id, c] of mergedLinear(f)) if (c !== 0) out.push([[id], c]);
  const q = mergedQuadratic(f);
  for (const [key, c] of q.terms) if (c !== 0) out.push([q.ids(key), c]);
  if (f.monomials.length > 0) {
    const merged = new Map<string, [number[], number]>();
    for (const m of f.monomials) {
      if (m.coefficient === 0) continue;
      const ids = [...m.ids].sort((a, b) => a - b);
      const key = ids.join(",");
      const prev = merged.get(key);
      if (prev) prev[1] += m.coefficient;
      else merged.set(key, [ids, m.coefficient]);
    }
    // A degree-0..2 monomial equal to a linear / quadratic term adds to it.
    for (const [ids, c] of merged.values()) {
      const same = ids.length <= 2 ? out.find(([o]) => o.join(",") === ids.join(",")) : undefined;
      if (same) (same as [readonly number[], number])[1] += c;
      else out.push([ids, c]);
    }
  }
  if (f.constant !== 0) {
    const same = out.find(([ids]) => ids.length === 0);
    if (same) (same as [readonly number[], number])[1] += f.constant;
    else out.push([[], f.constant]);
  }
  return out.filter(([, c]) => c !== 0);
}

function mergedLinear(f: Function): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < f.linearIds.length; i++) {
    const c = f.linearCoefficients[i]!;
    if (c === 0) continue;
    const id = f.linearIds[i]!;
    m.set(id, (m.get(id) ?? 0) + c);
  }
  return m;
}

/**
 * The quadratic terms merged by their (sorted) pair: numeric keys `a * K + b` when the IDs allow
 * it exactly (the usual case: fast), else string keys.
 */
function mergedQuadratic(
  f: Function,
): { terms: Map<number | string, number>; ids: (key: number | string) => number[] } {
  const rows = f.quadraticRows;
  const cols = f.quadraticColumns;
  const vals = f.quadraticValues;
  let max = 0;
  for (let k = 0; k < rows.length; k++) max = Math.max(max, rows[k]!, cols[k]!);
  const K = max + 1;
  const numeric = K * K <= Number.MAX_SAFE_INTEGER;
  const terms = new Map<number | string, number>();
  for (let k = 0; k < rows.length; k++) {
    const c = vals[k]!;
    if (c === 0) continue;
    const a = Math.min(rows[k]!, cols[k]!);
    const b = Math.max(rows[k]!, cols[k]!);
    const key = numeric ? a * K + b : `${a},${b}`;
    terms.set(key, (terms.get(key) ?? 0) + c);
  }
  return {
    terms,
    ids: (key) => {
      if (typeof key === "string") return key.split(",").map(Number);
      const a = Math.floor(key / K);
      return [a, key - a * K];
    },
  };
}

/**
 * The IDs a function uses as the reference reports them (`required_ids`):
 * those of its non-zero normalised terms, ascending (`Function.requiredIds()`,
 * computed once per function).
 *
 * @param f The function.
 * @returns The IDs, ascending.
 */
export function requiredIds(f: Function): readonly number[] {
  return f.requiredIds();
}

/**
 * The function's type as the reference names it in the `type` column
 * (`Zero`, `Constant`, `Linear`, `Quadratic`, `Polynomial`): the stored form,
 * a zero constant being `Zero`.
 *
 * @param f The function.
 * @returns The type name.
 */
export function functionTypeName(f: Function): string {
  switch (f.kind) {
    case "constant":
      return f.constant === 0 ? "Zero" : "Constant";
    case "linear":
      return "Linear";
    case "quadratic":
      return "Quadratic";
    case "polynomial":
      return "Polynomial";
  }
}

function compareIds(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return b.length - a.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function termText(ids: readonly number[], c: number): string {
  if (ids.length === 0) return rustF64Text(c);
  let out = c === -1 ? "-" : c !== 1 ? rustF64Text(c) : "";
  if (Math.abs(c) !== 1) out += "*";
  return out + ids.map((id) => `x${id}`).join("*");
}

/**
 * The text of `str(ommx.Function)` / `repr`: `Function(<terms>)`, terms by
 * degree (highest first) then by IDs, `x<id>` for variables, coefficients 1
 * and −1 left out, ` - ` before negative terms.
 *
 * @param f The function.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { functionRepr } from "./_py_text.ts";
 * import { Function } from "./function.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(functionRepr(Function.quadratic([[1, 2, 2]], [[3, -1]], 0.5)), "Function(2*x1*x2 - x3 + 0.5)");
 * assert.equal(functionRepr(Function.constant(0)), "Function(0)");
 * ```
 */
export function functionRepr(f: Function): string {
  const terms = normalizedTerms(f).sort((a, b) => compareIds(a[0], b[0]));
  if (terms.length === 0) return "Function(0)";
  let out = "";
  terms.forEach(([ids, c], i) => {
    if (i === 0) out += termText(ids, c);
    else if (c < 0) out += ` - ${termText(ids, -c)}`;
    else out += ` + ${termText(ids, c)}`;
  });
  return `Function(${out})`;
}
