import assert from "node:assert/strict";
import { StringPool } from "./_string_pool.ts";

Deno.test("StringPool: equal values in, equal values out, past the pool's bound too", () => {
  const pool = new StringPool();
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 1000; i++) {
      const value = `value-${i}`;
      assert.equal(pool.intern(value), value);
    }
  }
  assert.equal(pool.intern(""), "");
});
