import assert from "node:assert/strict";
import { Function } from "./function.ts";
import { MAX_IDENTITY_IDS, sharedIdentityIds } from "./_identity_ids.ts";

Deno.test("identity IDs: [0, …, n - 1] is one shared frozen list a length; anything else is not shared", () => {
  const a = sharedIdentityIds([0, 1, 2]);
  assert.deepEqual(a, [0, 1, 2]);
  assert.equal(sharedIdentityIds([0, 1, 2]), a);
  assert.ok(Object.isFrozen(a));
  assert.equal(sharedIdentityIds([]), undefined);
  assert.equal(sharedIdentityIds([-0, 1]), undefined);
  assert.equal(sharedIdentityIds([1, 2]), undefined);
  assert.equal(sharedIdentityIds([0, 2]), undefined);
  assert.equal(sharedIdentityIds([0, 1, 1]), undefined);
  const long = Array.from({ length: MAX_IDENTITY_IDS + 1 }, (_, j) => j);
  assert.equal(sharedIdentityIds(long), undefined);
  assert.deepEqual(sharedIdentityIds(long.slice(0, -1)), long.slice(0, -1));
});

Deno.test("identity IDs: Function.linear shares them between functions; a change throws and leaks nowhere", () => {
  const f = Function.linear([[0, 2], [1, 3]]);
  const g = Function.linear([[0, 5], [1, 7]], -1);
  assert.equal(f.linearIds, g.linearIds);
  assert.throws(() => (f.linearIds as number[]).push(2), TypeError);
  assert.throws(() => {
    (f.linearIds as number[])[0] = 9;
  }, TypeError);
  assert.deepEqual([...g.linearTerms], [[0, 5], [1, 7]]);
  assert.equal(g.evaluate({ 0: 1, 1: 1 }), 11);
  assert.deepEqual(Function.linear([[0, 1], [1, 1]]).add(g).linearIds, [0, 1]);
  const h = Function.linear([[1, 2], [0, 3]]);
  assert.notEqual(h.linearIds, f.linearIds);
  assert.deepEqual(h.linearIds, [1, 0]);
});
