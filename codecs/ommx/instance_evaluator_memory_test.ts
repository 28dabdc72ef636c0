// An Instance does not keep its compiled evaluator alive: after evaluation, once the job has ended
// and the heap is collected, no `Evaluator` object is left (a writer that keeps its instances kept
// ~5 KB per instance before). Checked in a child Deno with `--expose-gc`, counting `Evaluator`
// objects in V8 heap snapshots (`node:v8`'s `writeHeapSnapshot`).
import assert from "node:assert/strict";
import { runHeapChild } from "../../core/_heap_child_test_util.ts";

const CHILD = `
import { DecisionVariable } from ${
  JSON.stringify(new URL("./decision_variable.ts", import.meta.url).href)
};
import { Instance } from ${JSON.stringify(new URL("./instance.ts", import.meta.url).href)};

const evaluators = (label) => countObjects(label, "Evaluator");

const x = [0, 1, 2].map((i) => DecisionVariable.binary(i));
const inst = Instance.fromComponents({
  decisionVariables: x,
  objective: x[0].add(x[1].mul(2)).add(x[2].mul(3)),
  constraints: { 0: x[0].add(x[1]).add(x[2]).le(2) },
  sense: "maximize",
});
const state = new Map([[0, 1], [1, 1], [2, 0]]);
const first = inst.evaluate(state).objective;
globalThis.gc();
const during = evaluators("during");
await new Promise((resolve) => setTimeout(resolve, 0));
globalThis.gc();
const after = evaluators("after");
const again = inst.evaluate(state).objective;
console.log(JSON.stringify({ first, again, during, after }));
`;

Deno.test("Instance: the compiled evaluator is released once the job ends and the heap is collected", async () => {
  const result = await runHeapChild("ommx-evaluator-", CHILD);
  // The same job still holds it (so the count can see one), the next job after a GC does not,
  // and evaluating again builds a new one with the same result.
  assert.deepEqual(result, { first: 3, again: 3, during: 1, after: 0 });
});
