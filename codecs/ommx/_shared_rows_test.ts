import assert from "node:assert/strict";
import { DecisionVariable } from "./decision_variable.ts";
import { Function } from "./function.ts";
import { Instance } from "./instance.ts";
import {
  BINARY_BOUND,
  compactVariable,
  EMPTY_DEPENDENCY,
  EMPTY_PARAMETERS,
  EMPTY_SUBSCRIPTS,
  sharedBound,
} from "./_shared_rows.ts";

const row = (id: number, lower = 0, upper = 1) => ({
  id,
  kind: "binary" as const,
  bound: { lower, upper },
  subscripts: [] as number[],
  parameters: {} as Record<string, string>,
});

function knapsack(): Instance {
  return new Instance({
    objective: Function.linear([[0, 1], [1, 2]]),
    decisionVariables: [row(0), row(1)],
    constraints: [{
      id: 0,
      function: Function.linear([[0, 1], [1, 1]], -1),
      equality: "<=",
      subscripts: [],
      parameters: {},
    }],
  });
}

Deno.test("shared rows: unlabelled [0, 1] rows share frozen labels and bound; the same data and bytes", () => {
  const a = knapsack();
  const [x, y] = a.decisionVariables;
  assert.equal(x!.subscripts, EMPTY_SUBSCRIPTS);
  assert.equal(y!.parameters, EMPTY_PARAMETERS);
  assert.equal(x!.bound, BINARY_BOUND);
  assert.equal(a.constraints[0]!.subscripts, EMPTY_SUBSCRIPTS);
  assert.equal(a.decisionVariableDependency, EMPTY_DEPENDENCY);
  assert.equal(a.extensionAnnotations, EMPTY_PARAMETERS);
  assert.deepEqual(x, row(0));
  assert.deepEqual(Object.keys(x!), Object.keys(row(0)));
  const back = Instance.decode(a.toBytes(), "v2");
  assert.deepEqual(back.toBytes(), a.toBytes());
  assert.deepEqual(back.decisionVariables, a.decisionVariables);
});

Deno.test("shared rows: changing a shared value throws and leaks into no other row or Instance", () => {
  const a = knapsack();
  const b = knapsack();
  const [x] = a.decisionVariables;
  assert.throws(() => x!.subscripts.push(1), TypeError);
  assert.throws(() => {
    x!.parameters.k = "v";
  }, TypeError);
  assert.throws(() => {
    x!.bound.upper = 5;
  }, TypeError);
  assert.throws(() => {
    a.constraints[0]!.parameters.k = "v";
  }, TypeError);
  const deps = a.decisionVariableDependency as Map<number, Function>;
  assert.throws(() => deps.set(0, Function.constant(1)), TypeError);
  assert.throws(() => deps.delete(0), TypeError);
  assert.throws(() => deps.clear(), TypeError);
  for (const inst of [a, b]) {
    for (const v of inst.decisionVariables) assert.deepEqual(v, row(v.id));
    assert.equal(inst.decisionVariableDependency.size, 0);
    assert.deepEqual(inst.constraints[0]!.parameters, {});
  }
  assert.deepEqual(EMPTY_SUBSCRIPTS, []);
  assert.deepEqual(EMPTY_PARAMETERS, {});
  assert.deepEqual(BINARY_BOUND, { lower: 0, upper: 1 });
});

Deno.test("shared rows: labelled rows, other bounds, -0 and class instances keep their own values", () => {
  const labelled = { ...row(0, 0, 2), subscripts: [1], parameters: { a: "b" } };
  assert.equal(compactVariable(labelled), labelled);
  const other = row(1, 0, 2);
  const kept = compactVariable(other);
  assert.equal(kept.bound, other.bound);
  assert.equal(kept.subscripts, EMPTY_SUBSCRIPTS);
  const negZero = { lower: -0, upper: 1 };
  assert.equal(sharedBound(negZero), negZero);
  const extra = { lower: 0, upper: 1, note: 1 };
  assert.equal(sharedBound(extra), extra);
  const mv = DecisionVariable.binary(3);
  assert.equal(compactVariable(mv), mv);
  const inst = new Instance({ objective: Function.constant(0), decisionVariables: [mv] });
  assert.equal(inst.decisionVariables[0], mv);
});

Deno.test("shared rows: an unlabelled row is copied, not changed; later changes to the caller's row do not reach the Instance", () => {
  const input = row(0);
  const inst = new Instance({ objective: Function.constant(0), decisionVariables: [input] });
  input.subscripts.push(7);
  input.bound.upper = 3;
  assert.deepEqual(inst.decisionVariables[0], row(0));
  assert.deepEqual(input, { ...row(0), subscripts: [7], bound: { lower: 0, upper: 3 } });
});

Deno.test("shared rows: fromComponents shares empty labels, copies given ones", () => {
  const subs = [1, 2];
  const inst = Instance.fromComponents({
    sense: "minimize",
    objective: Function.linear([[0, 1], [1, 1]]),
    decisionVariables: [
      DecisionVariable.binary(0),
      DecisionVariable.binary(1, { subscripts: subs, parameters: { p: "q" } }),
    ],
    constraints: { 0: Function.linear([[0, 1]]).le(1) },
  });
  const [x, y] = inst.decisionVariables;
  assert.equal(x!.subscripts, EMPTY_SUBSCRIPTS);
  assert.equal(x!.bound, BINARY_BOUND);
  assert.deepEqual(y!.subscripts, [1, 2]);
  assert.deepEqual(y!.parameters, { p: "q" });
  y!.subscripts.push(3);
  assert.deepEqual(x!.subscripts, []);
  assert.equal(inst.constraints[0]!.parameters, EMPTY_PARAMETERS);
});
