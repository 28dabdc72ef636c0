// An Instance built from data keeps its unlabelled rows small: the bench's 4–8-variable knapsack
// (binary `[0, 1]` variables, one `<=` row, no labels) was kept at ~2.5 KB on the JS heap, half
// of it each row's own empty `subscripts` array, empty `parameters` object and `[0, 1]` bound,
// plus an empty dependency `Map` and an empty annotations object per Instance, and each
// function's own `[0, …, n - 1]` ID list. Now those are shared frozen values (~1.2 KB), and each
// `Function` keeps its derived forms in one lazily created object instead of three private slots
// (16 bytes less a function). Checked in a child Deno with `--expose-gc` by `heapUsed` after a
// full GC (the base keeps ~2,490 bytes, shared rows alone ~1,390, with shared ID lists ~1,200,
// with one cache slot a function ~1,168).
import assert from "node:assert/strict";
import { runHeapChild } from "../../core/_heap_child_test_util.ts";

const CHILD = `
import { Function } from ${JSON.stringify(new URL("./function.ts", import.meta.url).href)};
import { Instance } from ${JSON.stringify(new URL("./instance.ts", import.meta.url).href)};

function knapsack(i) {
  const k = 4 + i % 5;
  const p = Array.from({ length: k }, (_, j) => 10 + (i * 7 + j * 13) % 31);
  const w = Array.from({ length: k }, (_, j) => 11 + (i * 5 + j * 17) % 29);
  return new Instance({
    sense: "maximize",
    objective: Function.linear(p.map((v, j) => [j, v])),
    decisionVariables: p.map((_, id) => ({
      id, kind: "binary", bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {},
    })),
    constraints: [{
      id: 0, function: Function.linear(w.map((v, j) => [j, v]), -40 - i % 50),
      equality: "<=", subscripts: [], parameters: {},
    }],
  });
}
const { bytes, first } = heapPerItem(knapsack, 2000);
console.log(JSON.stringify({
  small: bytes < 1185,
  bytes: Math.round(bytes),
  bytesOut: Array.from(first.toBytes()).length,
  row: first.decisionVariables[0],
}));
`;

Deno.test("Instance: a small unlabelled knapsack is kept in under 1.3 KB (shared empty labels, bound and ID lists)", async () => {
  const result = await runHeapChild("ommx-instance-rows-", CHILD) as Record<string, unknown>;
  assert.equal(result.small, true, `kept ${result.bytes} bytes an Instance`);
  assert.deepEqual(result.row, {
    id: 0,
    kind: "binary",
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  });
});
