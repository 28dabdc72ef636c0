import assert from "node:assert/strict";
import { type ProcessState, sortedProcesses } from "./_run_state.ts";

function record(id: number): ProcessState {
  const input = { mediaType: "m", digest: `sha256:${"0".repeat(64)}`, size: 1, annotations: {} };
  return { id, status: "finished", input, adapter: "a", adapterOptions: "{}" };
}

Deno.test("sortedProcesses: none is one shared frozen array; some are a sorted copy", () => {
  const none = sortedProcesses([]);
  assert.equal(sortedProcesses([]), none);
  assert.ok(Object.isFrozen(none));
  assert.equal(none.length, 0);
  const given = [record(2), record(0), record(1)];
  const sorted = sortedProcesses(given);
  assert.deepEqual(sorted.map((r) => r.id), [0, 1, 2]);
  assert.deepEqual(given.map((r) => r.id), [2, 0, 1]);
  assert.notEqual(sortedProcesses(given), sorted);
  assert.ok(!Object.isFrozen(sorted));
});
