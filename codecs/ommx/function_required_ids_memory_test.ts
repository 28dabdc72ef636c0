// `Function.requiredIds()` keeps its answer only for a large function: a small one (under 64
// linear and quadratic terms) finds its IDs again at each call, so evaluating an Instance leaves
// no array on its functions (~190 bytes an Instance before, kept for as long as a writer's caller
// keeps the Instance). Checked in a child Deno with `--expose-gc` by `heapUsed` after a full GC.
import assert from "node:assert/strict";
import { runHeapChild } from "../../core/_heap_child_test_util.ts";

const CHILD = `
import { Function } from ${JSON.stringify(new URL("./function.ts", import.meta.url).href)};

function kept(fs) {
  globalThis.gc();
  const before = Deno.memoryUsage().heapUsed;
  // A caller may change what it was given: the next answer is unchanged.
  for (const f of fs) f.requiredIds().push(-1);
  let first, last;
  for (const f of fs) {
    const ids = f.requiredIds();
    first ??= ids;
    last = ids;
  }
  globalThis.gc();
  const bytes = Deno.memoryUsage().heapUsed - before;
  return { bytes, first, last };
}
const small = Array.from({ length: 5000 }, (_, i) =>
  Function.linear([[i + 3, 1], [i + 1, 2], [i + 2, -1]], 0.5)
);
const large = Array.from({ length: 300 }, (_, i) =>
  Function.linear(Array.from({ length: 200 }, (_, j) => [i + 199 - j, j + 1]))
);
const s = kept(small);
const l = kept(large);
console.log(JSON.stringify({
  smallKeptLittle: s.bytes < 100_000,
  largeKeptMuch: l.bytes > 300 * 200 * 8,
  small: [s.first, s.last],
  large: [l.first.length, l.first[0], l.first.at(-1), l.last.length, l.last[0]],
}));
`;

Deno.test("Function.requiredIds: a small function keeps no cached answer, a large one does", async () => {
  const result = await runHeapChild("ommx-required-ids-", CHILD);
  assert.deepEqual(result, {
    smallKeptLittle: true,
    largeKeptMuch: true,
    small: [[1, 2, 3], [5000, 5001, 5002]],
    large: [200, 0, 199, 200, 299],
  });
});
