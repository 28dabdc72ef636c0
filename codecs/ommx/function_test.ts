import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { DecodeError, UnsupportedError } from "../../core/errors.ts";
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
