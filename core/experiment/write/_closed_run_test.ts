// `closedRun`: the compact state reads back as the RunState literal it replaced — attachments
// (with and without filenames), parameters in first-logged order (a few, and more than a small
// map holds), Solves and Samplings ascending by id with every output / diagnostics case,
// unicode names — and encodes to the same config record and layer order; `withTrace` adds the
// trace and keeps the rest.
import assert from "node:assert/strict";
import { encodeRunRecord } from "../read/config.ts";
import { closedRun, type ClosedRunInput, withTrace } from "./_closed_run.ts";
import { runRecord } from "./_commit.ts";
import { processState, type RunState, sortedProcesses } from "./_run_state.ts";
import { SMALL_MAP_LIMIT } from "./_small_map.ts";
import type { LayerDescriptor } from "./_staging.ts";

const layer = (n: number): LayerDescriptor => ({
  mediaType: `application/x-${n}`,
  digest: `sha256:${(n % 10).toString().repeat(64)}`,
  size: n,
  annotations: {},
});

/** A run with `a` attachments, `p` parameters, Solves and Samplings in mixed order. */
function input(a: number, p: number, processes: boolean): ClosedRunInput {
  const attachments = new Map(
    Array.from({ length: a }, (_, i) => [
      i % 2 === 0 ? `添付-${i}` : `a${i}`,
      i % 3 === 0
        ? { descriptor: layer(100 + i) }
        : { descriptor: layer(100 + i), filename: `f${i}.txt` },
    ]),
  );
  const parameters = new Map<string, string | number | boolean | bigint>(
    Array.from({ length: p }, (_, i) => [
      i % 2 === 0 ? `パラメータ${i}` : `p${i}`,
      [i, `v-${i}-é`, i % 3 === 0, BigInt(i)][i % 4]!,
    ]),
  );
  const solves = processes
    ? [3, 0, 2].map((id) =>
      processState(
        id,
        id === 2 ? "failed" : "finished",
        layer(id),
        "ad",
        `{"k":${id}}`,
        id === 2 ? undefined : layer(10 + id),
        id === 3 ? layer(20 + id) : undefined,
      )
    )
    : [];
  const samplings = processes
    ? [1, 0].map((id) =>
      processState(
        id,
        "finished",
        layer(30 + id),
        "sm",
        "{}",
        layer(40 + id),
        id === 0 ? layer(50) : undefined,
      )
    )
    : [];
  return {
    runId: 7,
    status: "failed",
    reason: "boom ✗",
    attachments,
    trace: undefined,
    solves,
    samplings,
    parameters,
  };
}

/** The RunState literal the builder kept before (maps copied, records sorted). */
function literal(run: ClosedRunInput): RunState {
  return {
    runId: run.runId,
    status: run.status,
    reason: run.reason,
    attachments: new Map(run.attachments),
    ...(run.trace === undefined ? {} : { trace: run.trace }),
    solves: sortedProcesses(run.solves),
    samplings: sortedProcesses(run.samplings),
    parameters: new Map(run.parameters),
  };
}

function assertSame(actual: RunState, expected: RunState): void {
  assert.equal(actual.runId, expected.runId);
  assert.equal(actual.status, expected.status);
  assert.equal(actual.reason, expected.reason);
  assert.equal(actual.trace, expected.trace);
  assert.deepEqual([...actual.attachments], [...expected.attachments]);
  for (const [name, entry] of expected.attachments) {
    assert.deepEqual(Object.keys(actual.attachments.get(name)!), Object.keys(entry));
    assert.equal(actual.attachments.get(name)!.descriptor, entry.descriptor);
  }
  assert.deepEqual([...actual.parameters], [...expected.parameters]);
  assert.deepEqual(actual.solves, expected.solves);
  assert.deepEqual(actual.samplings, expected.samplings);
  for (const [a, e] of [[actual.solves, expected.solves], [actual.samplings, expected.samplings]]) {
    a!.forEach((r, i) => assert.deepEqual(Object.keys(r), Object.keys(e![i]!)));
  }
  const layersOf = (run: RunState) => {
    const layers: LayerDescriptor[] = [];
    const text = encodeRunRecord(runRecord(run, (d) => layers.push(d) - 1));
    return { text, layers };
  };
  const a = layersOf(actual), e = layersOf(expected);
  assert.equal(a.text, e.text);
  assert.equal(a.layers.length, e.layers.length);
  a.layers.forEach((l, i) => assert.equal(l, e.layers[i]));
}

Deno.test("closedRun: reads back as the state literal, at every shape", () => {
  for (const a of [0, 1, 3, SMALL_MAP_LIMIT + 2]) {
    for (const p of [0, 2, SMALL_MAP_LIMIT, SMALL_MAP_LIMIT + 3]) {
      for (const processes of [false, true]) {
        const given = input(a, p, processes);
        assertSame(closedRun(given), literal(given));
      }
    }
  }
});

Deno.test("closedRun: a copy of what the run held; no processes is the shared empty array", () => {
  const given = input(2, 2, false);
  const run = closedRun(given);
  (given.parameters as Map<string, unknown>).set("late", 1);
  (given.attachments as Map<string, unknown>).clear();
  assert.equal(run.parameters.size, 2);
  assert.equal(run.attachments.size, 2);
  assert.equal(run.solves, sortedProcesses([]));
  assert.equal(run.samplings, sortedProcesses([]));
  const runWith = closedRun(input(1, 1, true));
  assert.deepEqual(runWith.solves.map((s) => s.id), [0, 2, 3]);
  assert.deepEqual(runWith.samplings.map((s) => s.id), [0, 1]);
});

Deno.test("closedRun: equal short string values are one string; long ones kept as given", () => {
  const long = "x".repeat(65);
  const a = closedRun({
    ...input(0, 0, false),
    parameters: new Map([["s", ["fix", "ed"].join("")], ["l", long]]),
  });
  const b = closedRun({
    ...input(0, 0, false),
    parameters: new Map([["s", ["fi", "xed"].join("")], ["l", long]]),
  });
  assert.equal(a.parameters.get("s"), "fixed");
  assert.equal(b.parameters.get("s"), "fixed");
  assert.equal(a.parameters.get("l"), long);
});

Deno.test("withTrace: a new state with the trace and the same rest (a literal too)", () => {
  const given = input(2, 3, true);
  const run = closedRun(given);
  const trace = layer(99);
  const traced = withTrace(run, trace);
  assert.notEqual(traced, run);
  assert.equal(run.trace, undefined);
  assertSame(traced, literal({ ...given, trace }));
  const lit = withTrace(literal(given), trace);
  assertSame(lit, literal({ ...given, trace }));
});
