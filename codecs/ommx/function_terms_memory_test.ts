// `Function.linear` and `Function.quadratic` keep exact-length term arrays (arrays built by
// `push` keep room to spare: ~150 bytes for a handful of terms against ~60), and an Instance
// keeps no fresh empty array for the collections it leaves empty. Checked in a child Deno with
// `--expose-gc` by `heapUsed` after a full GC, and by identity.
import assert from "node:assert/strict";
import { runHeapChild } from "../../core/_heap_child_test_util.ts";
import { Function } from "./function.ts";
import { Instance } from "./instance.ts";

const CHILD = `
import { Function } from ${JSON.stringify(new URL("./function.ts", import.meta.url).href)};

const six = (i) => Array.from({ length: 6 }, (_, j) => [i + j, j + 0.5]);
const linear = heapPerItem((i) => Function.linear(six(i)));
const quadratic = heapPerItem((i) => Function.quadratic(six(i).map(([a, b]) => [a, a + 1, b])));
console.log(JSON.stringify({
  // A Function object is ~120 bytes, its array objects 32 each, 6 numbers 64 bytes of elements.
  linearSmall: linear.bytes < 400,
  quadraticSmall: quadratic.bytes < 500,
  linear: [...linear.first.linearTerms],
  quadratic: quadratic.first.quadraticTerms,
}));
`;

Deno.test("Function.linear / quadratic: term arrays of exact length", async () => {
  const result = await runHeapChild("ommx-function-terms-", CHILD);
  assert.deepEqual(result, {
    linearSmall: true,
    quadraticSmall: true,
    linear: [[0, 0.5], [1, 1.5], [2, 2.5], [3, 3.5], [4, 4.5], [5, 5.5]],
    quadratic: [[0, 1, 0.5], [1, 2, 1.5], [2, 3, 2.5], [3, 4, 3.5], [4, 5, 4.5], [5, 6, 5.5]],
  });
});

Deno.test("Instance: the collections left empty are one shared frozen array; constraints are copied", () => {
  const make = (removed: boolean) => {
    const constraints = [{
      id: 0,
      function: Function.linear([[0, 1]], -1),
      equality: "<=" as const,
      subscripts: [],
      parameters: {},
      ...(removed ? { removedReason: { reason: "r", parameters: {} } } : {}),
    }];
    const inst = new Instance({
      objective: Function.linear([[0, 2]]),
      decisionVariables: [{
        id: 0,
        kind: "binary",
        bound: { lower: 0, upper: 1 },
        subscripts: [],
        parameters: {},
      }],
      constraints,
    });
    return { inst, constraints };
  };
  const a = make(false);
  const b = make(false);
  const empty = a.inst.removedConstraints;
  assert.equal(empty.length, 0);
  assert.ok(Object.isFrozen(empty));
  for (const inst of [a.inst, b.inst]) {
    for (
      const list of [
        inst.removedConstraints,
        inst.indicatorConstraints,
        inst.oneHotConstraints,
        inst.sos1Constraints,
        inst.namedFunctions,
      ]
    ) assert.equal(list, empty);
  }
  // The active constraints are a copy of what was given, in order.
  assert.notEqual(a.inst.constraints, a.constraints);
  assert.deepEqual(a.inst.constraints, a.constraints);
  // With a removed one: split as before.
  const c = make(true);
  assert.deepEqual([c.inst.constraints.length, c.inst.removedConstraints.length], [0, 1]);
  // (An unlabelled row is kept as a copy with the shared empty labels: `_shared_rows.ts`.)
  assert.deepEqual(c.inst.removedConstraints[0], c.constraints[0]);
  assert.equal(new Instance({ objective: Function.constant(1) }).constraints, empty);
});
