import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../core/errors.ts";
import { DecisionVariable, ModelVariable } from "./decision_variable.ts";
import { Function } from "./function.ts";

Deno.test("DecisionVariable factories: kinds, default bounds, labels", () => {
  const x = DecisionVariable.binary(3, { name: "x", subscripts: [1, 2], parameters: { k: "v" } });
  assert.ok(x instanceof ModelVariable);
  assert.deepEqual([x.id, x.kind, x.bound], [3, "binary", { lower: 0, upper: 1 }]);
  assert.deepEqual([x.name, x.subscripts, x.parameters, x.description], [
    "x",
    [1, 2],
    { k: "v" },
    undefined,
  ]);
  assert.deepEqual(DecisionVariable.integer(1).bound, { lower: -Infinity, upper: Infinity });
  assert.deepEqual(DecisionVariable.continuous(1, { lower: -2.5 }).bound, {
    lower: -2.5,
    upper: Infinity,
  });
  assert.equal(DecisionVariable.semiInteger(1, { lower: 2, upper: 4 }).kind, "semi-integer");
  assert.equal(DecisionVariable.semiContinuous(1, { upper: 4 }).kind, "semi-continuous");
  assert.equal(String(x), 'DecisionVariable(id=3, kind=binary, name="x", bound=[0, 1])');
});

Deno.test("DecisionVariable bounds are normalised for the kind as the reference does", () => {
  assert.deepEqual(DecisionVariable.integer(0, { lower: 0.5, upper: 2.5 }).bound, {
    lower: 1,
    upper: 2,
  });
  assert.deepEqual(
    DecisionVariable.integer(0, { lower: 0.9999999, upper: 2.0000001 }).bound,
    { lower: 1, upper: 2 },
  );
  assert.deepEqual(DecisionVariable.semiInteger(0, { lower: 0.2, upper: 0.8 }).bound, {
    lower: 0,
    upper: 0,
  });
});

Deno.test("DecisionVariable refuses bad IDs and bounds with InvalidArgumentError", () => {
  const bad = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message));
  bad(
    () => DecisionVariable.binary(-1),
    /decision variable ID -1 is not a non-negative safe integer/,
  );
  bad(() => DecisionVariable.binary(2 ** 53), /ID 9007199254740992 is not/);
  bad(() => DecisionVariable.binary(1.5), /ID 1.5/);
  bad(
    () => DecisionVariable.integer(4, { lower: 3, upper: 1 }),
    /decision variable 4: lower bound 3 > upper bound 1/,
  );
  bad(() => DecisionVariable.continuous(4, { lower: NaN }), /has NaN/);
  bad(() => DecisionVariable.continuous(4, { lower: Infinity }), /not allowed/);
  bad(() => DecisionVariable.integer(4, { lower: 0.2, upper: 0.8 }), /holds no integer value/);
});

Deno.test("ModelVariable: expressions without operator overloading", () => {
  const [x, y] = [DecisionVariable.binary(0), DecisionVariable.integer(1, { lower: 0, upper: 5 })];
  const f = x.mul(3).add(y).sub(1); // 3x + y - 1
  assert.deepEqual(f.terms, [
    { ids: [], coefficient: -1 },
    { ids: [0], coefficient: 3 },
    { ids: [1], coefficient: 1 },
  ]);
  assert.deepEqual(x.mul(y).terms, [{ ids: [0, 1], coefficient: 1 }]);
  assert.deepEqual(x.neg().terms, [{ ids: [0], coefficient: -1 }]);
  assert.deepEqual(x.toFunction().terms, Function.from(x).terms);
  const le = x.add(y).le(4);
  assert.deepEqual([le.equality, le.function.constantTerm], ["<=", -4]);
  const ge = x.ge(y); // y - x <= 0
  assert.deepEqual([ge.equality, [...ge.function.linearTerms]], ["<=", [[0, -1], [1, 1]]]);
  assert.equal(x.eq(1).equality, "=");
  assert.ok(x.equalsTo(DecisionVariable.binary(0)));
  assert.ok(!x.equalsTo(DecisionVariable.binary(0, { name: "x" })));
});
