import assert from "node:assert/strict";
import { AutosavePolicy } from "./autosave_policy.ts";
import { AutosaveSchedule } from "./_autosave_schedule.ts";

/** A clock that counts its reads and returns the times given, in turn. */
function countingClock(times: number[]): { clock: () => number; reads: () => number } {
  let reads = 0;
  return { clock: () => times[reads++] ?? Infinity, reads: () => reads };
}

Deno.test("AutosaveSchedule: only minInterval reads the clock; the others decide by run count", () => {
  const cases: [AutosavePolicy, boolean[]][] = [
    [AutosavePolicy.disabled(), [false, false, false]],
    [AutosavePolicy.everyRunClose(), [true, true, true]],
    [AutosavePolicy.everyNRuns(2), [false, true, true]],
  ];
  for (const [policy, due] of cases) {
    const schedule = new AutosaveSchedule(0);
    schedule.set(policy, 0);
    const { clock, reads } = countingClock([]);
    assert.deepEqual([1, 2, 3].map((n) => schedule.begin(clock, n)), due, policy.kind);
    assert.equal(reads(), 0, policy.kind);
  }
  const schedule = new AutosaveSchedule(0);
  schedule.set(AutosavePolicy.minInterval(1), 0);
  const { clock, reads } = countingClock([0, 500, 999, 1_000, 1_500]);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => schedule.begin(clock, n)),
    [true, false, false, true, false],
  );
  assert.equal(reads(), 5);
});
