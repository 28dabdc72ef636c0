/**
 * The IDs and the canonical terms of a linear or quadratic function, found without building its
 * canonical polynomial when no monomial occurs twice (then no coefficients can cancel, and every
 * term with a non-zero coefficient keeps its IDs): a bitmap over the IDs, far cheaper than a `Map`
 * for the 10^5–10^6 terms of a QUBO objective. `Function.requiredIds()` and
 * `Function.forEachTerm()` use them and fall back to the canonical polynomial otherwise (which
 * `forEachTerm` would otherwise build and keep for as long as the function lives: ~1 KiB for a
 * knapsack row, kept by every Instance evaluated once).
 *
 * Internal: not part of the published API.
 *
 * @module
 */

/** The term arrays of a function (a structural view of `Function`). */
export interface TermArrays {
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
  /** Higher-degree monomials. */
  readonly monomials: readonly unknown[];
}

/** The term arrays and the constant term of a function. */
export interface TermArraysWithConstant extends TermArrays {
  /** Constant term. */
  readonly constant: number;
}

/**
 * Visit the canonical terms in the order the canonical polynomial holds them (quadratic terms
 * with their IDs ascending, then linear terms, each in the given order, then the constant;
 * zero coefficients skipped), so that sums over the visits are the same numbers — or do nothing
 * and return `false` when the function has monomials, a linear or quadratic monomial occurs more
 * than once, or a coefficient is not finite (the polynomial then merges the terms or throws).
 *
 * @param f The term arrays and constant.
 * @param visit Called with fresh term IDs and the coefficient.
 * @returns Whether the terms were visited.
 */
export function forEachTermWithoutMerging(
  f: TermArraysWithConstant,
  visit: (ids: readonly number[], coefficient: number) => void,
): boolean {
  if (f.monomials.length > 0 || !Number.isFinite(f.constant)) return false;
  const lin = f.linearIds;
  const lc = f.linearCoefficients;
  const rows = f.quadraticRows;
  const cols = f.quadraticColumns;
  const vals = f.quadraticValues;
  for (let i = 0; i < lc.length; i++) if (!Number.isFinite(lc[i]!)) return false;
  for (let k = 0; k < vals.length; k++) if (!Number.isFinite(vals[k]!)) return false;
  if (hasDuplicates(f)) return false;
  for (let k = 0; k < rows.length; k++) {
    const v = vals[k]!;
    if (v === 0) continue;
    const r = rows[k]!;
    const c = cols[k]!;
    visit(r <= c ? [r, c] : [c, r], v);
  }
  for (let i = 0; i < lin.length; i++) {
    const v = lc[i]!;
    if (v !== 0) visit([lin[i]!], v);
  }
  if (f.constant !== 0) visit([], f.constant);
  return true;
}

/**
 * The IDs of the terms with a non-zero coefficient, ascending — or `undefined` when the function
 * has monomials or a linear or quadratic monomial occurs more than once (equal monomials must be
 * summed first: a sum of zero drops the term).
 *
 * @param f The term arrays.
 * @returns The IDs, or `undefined`.
 */
export function requiredIdsWithoutMerging(f: TermArrays): number[] | undefined {
  if (f.monomials.length > 0 || hasDuplicates(f)) return undefined;
  // No monomial occurs twice: every term with a non-zero coefficient stays as it is.
  const lin = f.linearIds;
  const rows = f.quadraticRows;
  const cols = f.quadraticColumns;
  const vals = f.quadraticValues;
  let max = 0;
  for (let i = 0; i < lin.length; i++) if (lin[i]! > max) max = lin[i]!;
  for (let k = 0; k < rows.length; k++) max = Math.max(max, rows[k]!, cols[k]!);
  if (max < 1 << 24) {
    const marks = new Uint8Array(max + 1);
    for (let i = 0; i < lin.length; i++) if (f.linearCoefficients[i] !== 0) marks[lin[i]!] = 1;
    for (let k = 0; k < rows.length; k++) {
      if (vals[k] !== 0) marks[rows[k]!] = marks[cols[k]!] = 1;
    }
    const out: number[] = [];
    for (let id = 0; id <= max; id++) if (marks[id]) out.push(id);
    return out;
  }
  const s = new Set<number>();
  for (let i = 0; i < lin.length; i++) if (f.linearCoefficients[i] !== 0) s.add(lin[i]!);
  for (let k = 0; k < rows.length; k++) {
    if (vals[k] !== 0) {
      s.add(rows[k]!);
      s.add(cols[k]!);
    }
  }
  return [...s].sort((a, b) => a - b);
}

/**
 * Whether a linear or quadratic monomial occurs more than once (an open-addressing set over
 * numeric keys; far cheaper than a `Map` for the 10^5–10^6 terms of a QUBO objective).
 */
function hasDuplicates(f: TermArrays): boolean {
  const linear = new Set<number>();
  for (let i = 0; i < f.linearIds.length; i++) {
    const id = f.linearIds[i]!;
    if (linear.has(id)) return true;
    linear.add(id);
  }
  const rows = f.quadraticRows;
  const cols = f.quadraticColumns;
  const n = rows.length;
  if (n < 2) return false;
  let max = 0;
  for (let k = 0; k < n; k++) max = Math.max(max, rows[k]!, cols[k]!);
  const K = max + 1;
  const span = K * K;
  if (span > Number.MAX_SAFE_INTEGER) return true; // cannot key exactly: take the exact path
  if (span <= 1 << 26) {
    // A bitmap of every (a, b) pair: at most 8 MiB.
    const seen = new Uint8Array(Math.ceil(span / 8));
    for (let k = 0; k < n; k++) {
      const a = rows[k]!;
      const b = cols[k]!;
      const key = a <= b ? a * K + b : b * K + a;
      const bit = 1 << (key & 7);
      const i = key >>> 3;
      if (seen[i]! & bit) return true;
      seen[i] = seen[i]! | bit;
    }
    return false;
  }
  let size = 1;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const table = new Float64Array(size).fill(-1);
  for (let k = 0; k < n; k++) {
    const a = rows[k]!;
    const b = cols[k]!;
    const key = a <= b ? a * K + b : b * K + a;
    let h = Math.imul((key % 4294967296) ^ Math.floor(key / 4294967296), 0x9e3779b1) >>> 0;
    h &= mask;
    for (;;) {
      const t = table[h]!;
      if (t === -1) {
        table[h] = key;
        break;
      }
      if (t === key) return true;
      h = (h + 1) & mask;
    }
  }
  return false;
}
