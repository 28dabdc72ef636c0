import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import {
  DecodeError,
  InvalidArgumentError,
  MissingIdError,
  UnsupportedError,
} from "../../core/errors.ts";
import { Function } from "./function.ts";
import { functionToMessage } from "./_wire_common.ts";
import { FunctionSchema } from "./gen/ommx/v1/function_pb.ts";

const cases: [string, Function, number][] = [
  ["constant", Function.constant(-2.5), -2.5],
  ["linear", Function.linear([[1, 2], [3, -1]], 0.5), 2 * 2 - 4 + 0.5],
  ["quadratic", Function.quadratic([[1, 3, 2], [3, 3, 1]], [[1, 1]], 1), 2 * 2 * 4 + 16 + 2 + 1],
  [
    "polynomial",
    Function.polynomial([{ ids: [1, 1, 3], coefficient: 0.5 }, { ids: [], coefficient: 3 }]),
    0.5 * 4 * 4 + 3,
  ],
];

for (const [kind, f, expected] of cases) {
  Deno.test(`Function ${kind}: evaluate, fast decode == generic decode, message round trip`, () => {
    const state = new Map([[1, 2], [3, 4]]);
    assert.equal(f.kind, kind);
    assert.equal(f.evaluate(state), expected);
    const bytes = toBinary(FunctionSchema, functionToMessage(f));
    const fast = Function.decode(bytes);
    const generic = Function.fromMessage(fromBinary(FunctionSchema, bytes));
    assert.deepEqual(fast, generic);
    assert.equal(fast.evaluate(state), expected);
    assert.equal(fast.kind, kind);
  });
}

Deno.test("Function: zero constant is written explicitly (09 + 8 zero bytes)", () => {
  const bytes = toBinary(FunctionSchema, functionToMessage(Function.constant(0)));
  assert.deepEqual([...bytes], [0x09, 0, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("Function: unpacked repeated IDs are accepted", () => {
  // Quadratic{rows: 1 (unpacked), columns: 2 (unpacked), values: [3] (unpacked)}
  const q = [0x08, 0x01, 0x10, 0x02, 0x19, ...new Uint8Array(new Float64Array([3]).buffer)];
  const bytes = new Uint8Array([0x1a, q.length, ...q]);
  assert.equal(Function.decode(bytes).evaluate({ 1: 2, 2: 5 }), 30);
});

Deno.test("Function: unset oneof, non-finite coefficient, truncation and huge IDs are typed errors", () => {
  assert.throws(
    () => Function.decode(new Uint8Array()),
    (e: unknown) => e instanceof DecodeError && /unset/.test(e.message),
  );
  assert.throws(() => Function.fromMessage(create(FunctionSchema)), DecodeError);
  const inf = toBinary(FunctionSchema, functionToMessage(Function.linear([[1, Infinity]])));
  assert.throws(
    () => Function.decode(inf),
    (e: unknown) => e instanceof DecodeError && e.code === "DECODE_ERROR",
  );
  assert.throws(() => Function.decode(new Uint8Array([0x12, 0x05, 0x0a])), DecodeError);
  const big = toBinary(
    FunctionSchema,
    create(FunctionSchema, {
      function: { case: "linear", value: { terms: [{ id: 2n ** 60n, coefficient: 1 }] } },
    }),
  );
  assert.throws(
    () => Function.decode(big),
    (e: unknown) => e instanceof UnsupportedError && e.code === "UNSUPPORTED",
  );
});

Deno.test("Function.substitute collapses degrees and sums like terms", () => {
  const f = Function.polynomial([
    { ids: [1, 2, 9], coefficient: 2 },
    { ids: [2, 1], coefficient: 1 },
    { ids: [9], coefficient: 4 },
  ]);
  const g = f.substitute(new Map([[9, 3]]));
  assert.equal(g.kind, "quadratic");
  assert.equal(g.constant, 12);
  assert.deepEqual(g.quadraticValues, [7]);
  assert.equal(g.evaluate({ 1: 1, 2: 2 }), 12 + 14);
  assert.equal(Function.linear([[9, 2]]).substitute(new Map([[9, 1]])).kind, "constant");
  assert.equal(f.degree(), 3);
  assert.deepEqual([...f.usedIds()].sort(), [1, 2, 9]);
});

Deno.test("Function algebra: canonical terms, zero sums drop, kinds follow the degree", () => {
  const x = Function.from({ id: 1 });
  const y = Function.from({ id: 2 });
  const f = x.mul(y).add(x.mulScalar(2)).add(y.mul(x)).sub(3); // 2xy + 2x - 3
  assert.deepEqual(f.terms, [
    { ids: [], coefficient: -3 },
    { ids: [1], coefficient: 2 },
    { ids: [1, 2], coefficient: 2 },
  ]);
  assert.equal(f.kind, "quadratic");
  assert.deepEqual([f.degree(), f.numTerms(), f.constantTerm], [2, 3, -3]);
  assert.deepEqual([...f.linearTerms], [[1, 2]]);
  assert.deepEqual(f.quadraticTerms, [[1, 2, 2]]);
  assert.deepEqual(f.requiredIds(), [1, 2]);
  const zero = x.sub(x);
  assert.deepEqual([zero.terms, zero.degree(), zero.numTerms(), zero.kind], [[], 0, 0, "constant"]);
  assert.equal(x.mul(x).mul(x).kind, "polynomial");
  assert.deepEqual(Function.sum([]).terms, []);
  assert.deepEqual(Function.sum([x, 2, { id: 1 }]).terms, [
    { ids: [], coefficient: 2 },
    { ids: [1], coefficient: 2 },
  ]);
  assert.deepEqual(f.neg().addScalar(-3).terms, [
    { ids: [1], coefficient: -2 },
    { ids: [1, 2], coefficient: -2 },
  ]);
  // raw forms with duplicates and zero coefficients read as the reference reads them
  const raw = Function.linear([[1, 2], [1, -2], [3, 0]], 0);
  assert.deepEqual([raw.terms, raw.degree(), raw.requiredIds()], [[], 0, []]);
  assert.deepEqual(Function.quadratic([[2, 1, 1], [1, 2, 1]]).quadraticTerms, [[1, 2, 2]]);
});

Deno.test("Function algebra refuses non-finite numbers and overflow", () => {
  const x = Function.from({ id: 1 });
  const bad = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message));
  bad(() => x.mulScalar(Infinity), /scalar Infinity is not finite/);
  bad(() => x.add(NaN), /constant NaN is not finite/);
  bad(() => x.mulScalar(1e308).mulScalar(1e308), /overflows/);
  bad(() => Function.from({ id: -1 }), /variable ID -1/);
  // IDs beyond the safe integer range (or not integers) are refused by every builder, named
  bad(() => Function.linear([[2 ** 60, 1]]), /variable ID 1152921504606847000 is not/);
  bad(() => Function.quadratic([[1, 2.5, 1]]), /variable ID 2.5 is not/);
  bad(() => Function.quadratic([], [[-3, 1]]), /variable ID -3 is not/);
  bad(() => Function.polynomial([{ ids: [1, 2, 2 ** 53], coefficient: 1 }]), /ID 9007199254740992/);
  bad(() => x.partialEvaluate({ 1: NaN }), /non-finite coefficient NaN/);
  bad(() => x.evaluate({ 1: Infinity }), /evaluates to Infinity/);
  assert.throws(
    () => x.add({ id: 2 }).evaluate({}),
    (e: unknown) =>
      e instanceof MissingIdError && e.code === "INVALID_ARGUMENT" &&
      JSON.stringify(e.ids) === "[1,2]" &&
      /missing required decision variable IDs 1, 2/.test(e.message),
  );
});

Deno.test("Function.evaluate / partialEvaluate / almostEqual / evaluateBound", () => {
  const f = Function.polynomial([
    { ids: [1, 2], coefficient: 2 },
    { ids: [3], coefficient: 3 },
    { ids: [], coefficient: -1 },
  ]);
  assert.equal(f.evaluate({ 1: 1, 2: 1, 3: 1, 99: 5 }), 4); // unused IDs are fine
  assert.deepEqual(f.partialEvaluate({ 1: 0.5, 3: 2 }).terms, [
    { ids: [], coefficient: 5 },
    { ids: [2], coefficient: 1 },
  ]);
  assert.ok(f.almostEqual(f.add(1e-7)));
  assert.ok(!f.almostEqual(f.add(1e-5)));
  assert.ok(f.almostEqual(f.add(1e-5), 1e-4));
  const b = (lower: number, upper: number) => ({ lower, upper });
  assert.deepEqual(f.evaluateBound({ 1: b(0, 1), 2: b(-1, 2), 3: b(0, 3) }), b(-3, 12));
  assert.deepEqual(f.evaluateBound({ 1: b(0, 1) }), b(-Infinity, Infinity)); // x2, x3 unbounded
  const sq = Function.quadratic([[1, 1, 1]]);
  assert.deepEqual(sq.evaluateBound({ 1: b(-2, 3) }), b(0, 9)); // an even power, not [-6, 9]
  // 0 × ∞ has no value: the product is unbounded, but an exact zero factor is zero
  const xy = Function.quadratic([[1, 2, 1]]);
  assert.deepEqual(xy.evaluateBound({ 1: b(0, Infinity), 2: b(-1, 0) }), b(-Infinity, Infinity));
  assert.deepEqual(xy.evaluateBound({ 1: b(0, 0) }), b(0, 0));
  assert.deepEqual(Function.constant(5).evaluateBound({}), b(5, 5));
});

Deno.test("Function: the term arrays a form leaves empty are one frozen array shared by all functions", () => {
  const f = Function.linear([[1, 2]], 3);
  const g = Function.constant(4);
  const p = Function.polynomial([{ ids: [1, 2, 3], coefficient: 1 }]);
  const empties = [
    f.quadraticRows,
    f.quadraticColumns,
    f.quadraticValues,
    f.monomials,
    g.linearIds,
    g.linearCoefficients,
    g.monomials,
    p.linearIds,
    p.quadraticValues,
  ];
  for (const a of empties) {
    assert.equal(a, f.quadraticRows);
    assert.equal(a.length, 0);
    assert.ok(Object.isFrozen(a));
  }
  // Nothing done with a function writes into them.
  const h = f.add(g).mul(Function.linear([[2, 1]]));
  assert.deepEqual(h.quadraticTerms, [[1, 2, 2]]);
  assert.deepEqual([f.quadraticRows.length, g.linearIds.length, f.monomials.length], [0, 0, 0]);
});
