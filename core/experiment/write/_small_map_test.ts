// `smallMapOfFlat`: a read-only map over a flat key/value array with a `Map`'s answers (order,
// SameValueZero keys, forEach's arguments), flat up to SMALL_MAP_LIMIT entries and a `Map` above.
import assert from "node:assert/strict";
import { SMALL_MAP_LIMIT, smallMapOfFlat } from "./_small_map.ts";

/** A map's entries as the flat array the closed runs keep. */
function smallMapOf<K, V>(map: ReadonlyMap<K, V>): ReadonlyMap<K, V> {
  return smallMapOfFlat([...map].flat());
}

function entries(n: number): Map<unknown, number> {
  const m = new Map<unknown, number>();
  for (let i = 0; i < n; i++) m.set(i % 3 === 0 ? `k${i}` : i % 3 === 1 ? i : NaN, i);
  m.set(-0, 99);
  return m;
}

Deno.test("smallMapOfFlat: answers as the Map it copies, at every size", () => {
  for (let n = 0; n <= SMALL_MAP_LIMIT + 2; n++) {
    const source = entries(n);
    const copy = smallMapOf(source);
    assert.equal(copy.size, source.size);
    assert.deepEqual([...copy], [...source]);
    assert.deepEqual([...copy.entries()], [...source.entries()]);
    assert.deepEqual([...copy.keys()], [...source.keys()]);
    assert.deepEqual([...copy.values()], [...source.values()]);
    for (const key of [...source.keys(), "absent", 0, +0, NaN, undefined]) {
      assert.equal(copy.get(key), source.get(key));
      assert.equal(copy.has(key), source.has(key));
    }
    const seen: unknown[] = [];
    const self = {};
    copy.forEach(function (this: unknown, v, k, m) {
      seen.push([v, k, m === copy, this === self]);
    }, self);
    assert.deepEqual(seen, [...source].map(([k, v]) => [v, k, true, true]));
    assert.equal(copy instanceof Map, source.size > SMALL_MAP_LIMIT);
  }
});

Deno.test("smallMapOfFlat: over a copy, not a view", () => {
  const source = new Map([["a", 1]]);
  const copy = smallMapOf(source);
  source.set("b", 2);
  source.set("a", 3);
  assert.deepEqual([...copy], [["a", 1]]);
});
