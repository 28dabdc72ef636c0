import assert from "node:assert/strict";
import { mulberry32 } from "../../core/_random_test_util.ts";
import { Function, type Monomial } from "./function.ts";
import { forEachTermWithoutMerging } from "./_required_ids.ts";

type Visit = [number[], number];

function visits(f: Function): Visit[] | Error {
  const out: Visit[] = [];
  try {
    f.forEachTerm((ids, c) => out.push([[...ids], c]));
  } catch (e) {
    return e as Error;
  }
  return out;
}

Deno.test("Function.forEachTerm without the polynomial: the polynomial's terms, in its order", () => {
  const rand = mulberry32(0x2a);
  const pick = (n: number) => Math.floor(rand() * n);
  const coefficient = () => {
    const r = rand();
    if (r < 0.1) return 0;
    if (r < 0.13) return -0;
    if (r < 0.15) return [Infinity, -Infinity, NaN][pick(3)]!;
    return Math.round((rand() - 0.5) * 1e4) / 7;
  };
  let fast = 0;
  for (let n = 0; n < 2000; n++) {
    const span = 1 + pick(n % 3 === 0 ? 4 : 40);
    const lin = Array.from({ length: pick(8) }, () => pick(span));
    const rows = Array.from({ length: pick(6) }, () => pick(span));
    const cols = rows.map(() => pick(span));
    const monomials: Monomial[] = rand() < 0.1
      ? [{ ids: [pick(span), pick(span), pick(span)], coefficient: coefficient() }]
      : [];
    const args = [
      rand() < 0.5 ? 0 : coefficient(),
      lin,
      lin.map(coefficient),
      rows,
      cols,
      rows.map(coefficient),
      monomials,
    ] as const;
    const kind = monomials.length ? "polynomial" : rows.length ? "quadratic" : "linear";
    const make = () =>
      new Function(kind, args[0], args[1], args[2], args[3], args[4], args[5], args[6]);
    // `degree()` builds the canonical polynomial, which `forEachTerm` then walks.
    const viaPolynomial = make();
    let built: Error | undefined;
    try {
      viaPolynomial.degree();
    } catch (e) {
      built = e as Error;
    }
    const expected = built ?? visits(viaPolynomial);
    const fresh = make();
    if (forEachTermWithoutMerging(fresh, () => {})) fast++;
    const got = visits(fresh);
    if (expected instanceof Error) {
      assert.ok(got instanceof Error, `case ${n}: should throw`);
      assert.equal(got.constructor, expected.constructor);
      assert.equal(got.message, expected.message);
    } else assert.deepEqual(got, expected, `case ${n}`);
  }
  assert.ok(fast > 500, `the direct path was taken ${fast} times`);
});

Deno.test("forEachTermWithoutMerging declines monomials, repeated monomials and non-finite coefficients", () => {
  const declines = (f: Function) => {
    let called = false;
    assert.equal(forEachTermWithoutMerging(f, () => (called = true)), false);
    assert.equal(called, false);
  };
  declines(Function.fromMonomials([{ ids: [1, 2, 3], coefficient: 1 }]));
  declines(new Function("linear", 0, [1, 2, 1], [1, 1, 1]));
  declines(new Function("quadratic", 0, [], [], [1, 2], [2, 1], [1, 1]));
  declines(new Function("linear", 0, [1], [Infinity]));
  declines(new Function("linear", NaN, [1], [1]));
  const seen: Visit[] = [];
  assert.ok(
    forEachTermWithoutMerging(
      new Function("quadratic", 5, [3, 1], [2, 0], [4, 2], [2, 2], [1.5, 2.5]),
      (ids, c) => seen.push([[...ids], c]),
    ),
  );
  assert.deepEqual(seen, [[[2, 4], 1.5], [[2, 2], 2.5], [[3], 2], [[], 5]]);
});
