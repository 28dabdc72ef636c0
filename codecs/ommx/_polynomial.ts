/**
 * The canonical polynomial form behind `Function`'s algebra, as the reference SDK keeps it: a map
 * from monomial (variable IDs sorted ascending, repeats are powers) to a finite non-zero
 * coefficient. Adding terms of one monomial sums their coefficients in the order given and drops
 * the monomial when the sum is exactly zero; a non-finite coefficient is refused.
 *
 * Internal: `Function` wraps it; not part of the published API.
 *
 * @module
 */

import { InvalidArgumentError } from "../../core/errors.ts";

/** One canonical term: sorted IDs and a finite non-zero coefficient. */
export interface Term {
  /** Variable IDs, ascending (repeats are powers; empty for the constant). */
  readonly ids: readonly number[];
  /** Coefficient. */
  coefficient: number;
}

const PAIR = 2 ** 26;

/**
 * Monomial key of sorted IDs: a number for the constant (`-0.5`), a variable (its ID) and a pair
 * of IDs below 2^26 (negative), else the IDs joined by commas.
 */
export function monomialKey(sortedIds: readonly number[]): number | string {
  switch (sortedIds.length) {
    case 0:
      return -0.5;
    case 1:
      return sortedIds[0]!;
    case 2:
      if (sortedIds[1]! < PAIR) return -1 - (sortedIds[0]! * PAIR + sortedIds[1]!);
      return sortedIds.join(",");
    default:
      return sortedIds.join(",");
  }
}

/**
 * A polynomial: monomial key → term. Insertion order is kept (Map), so iteration follows the
 * order terms were first added.
 */
export class Polynomial {
  /** Key → term. */
  readonly terms: Map<number | string, Term> = new Map();

  /**
   * Add `coefficient` to the monomial `ids` (sorted here when `sorted` is false).
   *
   * @param ids Variable IDs.
   * @param coefficient The coefficient to add (0 adds nothing).
   * @param sorted Whether `ids` is already ascending.
   * @throws {InvalidArgumentError} when the coefficient or the sum is not finite.
   */
  add(ids: readonly number[], coefficient: number, sorted = false): void {
    if (!Number.isFinite(coefficient)) {
      throw new InvalidArgumentError(
        `coefficient ${coefficient} of monomial [${ids.join(", ")}] is not finite`,
      );
    }
    if (coefficient === 0) return;
    const s = sorted || ids.length < 2
      ? ids
      : ids.length === 2
      ? (ids[0]! <= ids[1]! ? ids : [ids[1]!, ids[0]!])
      : [...ids].sort((a, b) => a - b);
    const key = monomialKey(s);
    const prev = this.terms.get(key);
    if (prev === undefined) {
      this.terms.set(key, { ids: s, coefficient });
      return;
    }
    const sum = prev.coefficient + coefficient;
    if (!Number.isFinite(sum)) {
      throw new InvalidArgumentError(
        `coefficient of monomial [${s.join(", ")}] overflows to ${sum}`,
      );
    }
    if (sum === 0) this.terms.delete(key);
    else prev.coefficient = sum;
  }

  /** Number of terms. */
  get size(): number {
    return this.terms.size;
  }

  /** Highest monomial degree (0 for a constant or zero polynomial). */
  degree(): number {
    let d = 0;
    for (const t of this.terms.values()) if (t.ids.length > d) d = t.ids.length;
    return d;
  }

  /** The constant term (0 when absent). */
  constantTerm(): number {
    return this.terms.get(-0.5)?.coefficient ?? 0;
  }

  /**
   * A copy with every coefficient multiplied by `s` (empty for `s = 0`).
   *
   * @param s The scalar.
   * @returns The scaled polynomial.
   */
  scaled(s: number): Polynomial {
    const out = new Polynomial();
    if (!Number.isFinite(s)) throw new InvalidArgumentError(`scalar ${s} is not finite`);
    if (s === 0) return out;
    for (const t of this.terms.values()) {
      const c = t.coefficient * s;
      if (!Number.isFinite(c)) {
        throw new InvalidArgumentError(
          `coefficient of monomial [${t.ids.join(", ")}] overflows to ${c}`,
        );
      }
      if (c !== 0) out.terms.set(monomialKey(t.ids), { ids: t.ids, coefficient: c });
    }
    return out;
  }

  /**
   * The sum of this and `other`.
   *
   * @param other The other polynomial.
   * @returns A new polynomial.
   */
  plus(other: Polynomial): Polynomial {
    const out = this.clone();
    for (const t of other.terms.values()) out.add(t.ids, t.coefficient, true);
    return out;
  }

  /**
   * The product of this and `other`.
   *
   * @param other The other polynomial.
   * @returns A new polynomial.
   */
  times(other: Polynomial): Polynomial {
    const out = new Polynomial();
    for (const a of this.terms.values()) {
      for (const b of other.terms.values()) {
        const c = a.coefficient * b.coefficient;
        if (!Number.isFinite(c)) {
          throw new InvalidArgumentError(`product coefficient overflows to ${c}`);
        }
        out.add(mergeSorted(a.ids, b.ids), c, true);
      }
    }
    return out;
  }

  /**
   * A copy.
   *
   * @returns The copy.
   */
  clone(): Polynomial {
    const out = new Polynomial();
    for (const [k, t] of this.terms) out.terms.set(k, { ids: t.ids, coefficient: t.coefficient });
    return out;
  }

  /**
   * Terms in a stable order: by degree, then IDs lexicographically.
   *
   * @returns The terms (copies).
   */
  sortedTerms(): Term[] {
    return [...this.terms.values()].map((t) => ({ ids: t.ids, coefficient: t.coefficient }))
      .sort(compareTerms);
  }
}

/**
 * Order of terms: by degree, then IDs lexicographically.
 *
 * @param a A term.
 * @param b Another term.
 * @returns Negative, zero or positive.
 */
export function compareTerms(a: { ids: readonly number[] }, b: { ids: readonly number[] }): number {
  if (a.ids.length !== b.ids.length) return a.ids.length - b.ids.length;
  for (let i = 0; i < a.ids.length; i++) {
    const d = a.ids[i]! - b.ids[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Merge two ascending ID lists into one ascending list.
 *
 * @param a Ascending IDs.
 * @param b Ascending IDs.
 * @returns The merged list.
 */
export function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0) return b as number[];
  if (b.length === 0) return a as number[];
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
