import assert from "node:assert/strict";
import {
  functionRepr,
  functionTypeName,
  normalizedTerms,
  pyIntSetText,
  pySetOrder,
  requiredIds,
  rustF64Text,
} from "./_py_text.ts";
import { Function } from "./function.ts";

Deno.test("pySetOrder: CPython 3.11's iteration order of int sets (collisions, resizes)", () => {
  // Values measured with CPython 3.11 (set built by adding ascending ints one by one).
  assert.deepEqual(pySetOrder([3, 11]), [11, 3]);
  assert.deepEqual(pySetOrder([2, 10]), [2, 10]);
  assert.deepEqual(pySetOrder([0, 8, 16]), [0, 8, 16]);
  assert.deepEqual(pySetOrder([1, 9, 17, 25, 33]), [1, 33, 9, 17, 25]);
  assert.deepEqual(pySetOrder([5, 5, 5]), [5]);
  assert.deepEqual(pySetOrder([100, 200, 300]), [200, 100, 300]);
  assert.deepEqual(pySetOrder(Array.from({ length: 20 }, (_, i) => i)), [
    ...Array.from({ length: 20 }, (_, i) => i),
  ]);
  assert.equal(pyIntSetText([]), "set()");
  assert.equal(pyIntSetText([2, 10]), "{2, 10}");
});

Deno.test("rustF64Text: Rust's Display of f64", () => {
  const cases: [number, string][] = [
    [2, "2"],
    [-1.5, "-1.5"],
    [0.1, "0.1"],
    [1e-7, "0.0000001"],
    [1.5e-10, "0.00000000015"],
    [1e21, "1000000000000000000000"],
    [123456.789, "123456.789"],
    [-0, "-0"],
    [0, "0"],
    [NaN, "NaN"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
  ];
  for (const [x, s] of cases) assert.equal(rustF64Text(x), s, String(x));
});

Deno.test("functionRepr: terms by degree then IDs, merged, zeros dropped", () => {
  assert.equal(functionRepr(Function.constant(0)), "Function(0)");
  assert.equal(functionRepr(Function.constant(-2.5)), "Function(-2.5)");
  assert.equal(functionRepr(Function.linear([])), "Function(0)");
  assert.equal(functionRepr(Function.linear([[3, -1], [1, 1]], 2)), "Function(x1 - x3 + 2)");
  assert.equal(functionRepr(Function.linear([[3, -1]], -2)), "Function(-x3 - 2)");
  assert.equal(functionRepr(Function.linear([[3, -2], [3, 2]])), "Function(0)");
  assert.equal(
    functionRepr(Function.quadratic([[2, 1, 3], [1, 2, 1]], [[5, 0.5]], -1)),
    "Function(4*x1*x2 + 0.5*x5 - 1)",
  );
  assert.equal(
    functionRepr(Function.polynomial([{ ids: [3, 1, 2], coefficient: -1 }, {
      ids: [4],
      coefficient: 1e-7,
    }])),
    "Function(-x1*x2*x3 + 0.0000001*x4)",
  );
  assert.deepEqual(normalizedTerms(Function.linear([[1, 0], [2, 3]], 0)), [[[2], 3]]);
  assert.deepEqual(requiredIds(Function.quadratic([[9, 4, 1]], [[7, 0], [2, 1]])), [2, 4, 9]);
  // Equal monomials are summed first: (x1*x2 - x2*x1) cancels, so 1 and 2 are not used.
  assert.deepEqual(
    requiredIds(Function.quadratic([[1, 2, 3], [2, 1, -3], [5, 5, 1]], [[1, 1], [1, -1]])),
    [5],
  );
  assert.equal(
    functionRepr(Function.quadratic([[1, 2, 3], [2, 1, -3], [5, 5, 1]])),
    "Function(x5*x5)",
  );
  // Mid-size IDs (hashed keys) and large IDs (string keys): the same answers.
  assert.deepEqual(requiredIds(Function.quadratic([[1e5, 3, 1], [3, 1e5, -1], [5, 6, 1]])), [5, 6]);
  assert.deepEqual(requiredIds(Function.quadratic([[1e5, 3, 1], [4, 1e5, 1]])), [3, 4, 1e5]);
  const big = 2 ** 40;
  assert.deepEqual(
    requiredIds(Function.quadratic([[big, 3, 1], [3, big, -1], [big, big + 1, 2]])),
    [big, big + 1],
  );
  assert.deepEqual(requiredIds(Function.quadratic([[big, 3, 1], [4, big, 2]])), [3, 4, big]);
  assert.equal(functionTypeName(Function.constant(0)), "Zero");
  assert.equal(functionTypeName(Function.constant(1)), "Constant");
  assert.equal(functionTypeName(Function.linear([])), "Linear");
});
