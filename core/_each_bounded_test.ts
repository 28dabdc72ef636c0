import assert from "node:assert/strict";
import { mapBounded } from "./_each_bounded.ts";

Deno.test("mapBounded keeps at most `limit` calls in flight and the input order", async () => {
  let inFlight = 0;
  let most = 0;
  const out = await mapBounded(Array.from({ length: 50 }, (_, i) => i), 4, async (x) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, x % 3));
    inFlight--;
    return x * 2;
  });
  assert.equal(most, 4);
  assert.deepEqual(out, Array.from({ length: 50 }, (_, i) => i * 2));
});

Deno.test("mapBounded rejects with the first failure and starts nothing after it", async () => {
  const started: number[] = [];
  await assert.rejects(
    mapBounded([0, 1, 2, 3, 4, 5], 1, (x) => {
      started.push(x);
      if (x === 2) return Promise.reject(new Error("boom 2"));
      if (x === 3) return Promise.reject(new Error("boom 3"));
      return Promise.resolve(x);
    }),
    /boom 2/,
  );
  assert.deepEqual(started, [0, 1, 2]);
  assert.deepEqual(await mapBounded([], 8, () => Promise.resolve(1)), []);
});
