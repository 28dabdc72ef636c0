import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { InvalidArgumentError } from "../../core/errors.ts";
import { pyFloat } from "../py_float.ts";
import { RunParameterTableWriter } from "./_run_parameter_table_writer.ts";
import {
  buildRunParameterTable,
  encodeRunParameterTable,
  type RunParameterInput,
  type RunParameters,
} from "./run_parameter_table.ts";

/** What the writer must reproduce: a full build and encode, or the error of one. */
function rebuild(runs: readonly RunParameters[]): Uint8Array | Error {
  try {
    return encodeRunParameterTable(buildRunParameterTable(runs));
  } catch (e) {
    return e as Error;
  }
}

// Few names, so that columns meet values of other types (int64 → float64, and conflicts).
const name = fc.constantFrom("a", "b", "c", "\u{1F600}", "\uFFFD", "long name ".repeat(4));
const value: fc.Arbitrary<RunParameterInput> = fc.oneof(
  fc.integer({ min: -70_000, max: 70_000 }),
  fc.constantFrom(0, 2 ** 40, -(2 ** 53) + 1, 2 ** 60),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  fc.double(),
  fc.double().map(pyFloat),
  fc.boolean(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(2n ** 64n, 2 ** 70), // int64 overflow
);
/** A `ReadonlyMap` that is not a `Map` and may list a name twice (as no `Map` can). */
class MapLike implements ReadonlyMap<string, RunParameterInput> {
  readonly #entries: [string, RunParameterInput][];
  readonly #map: Map<string, RunParameterInput>;
  constructor(entries: [string, RunParameterInput][]) {
    this.#entries = entries;
    this.#map = new Map(entries);
  }
  get size(): number {
    return this.#entries.length;
  }
  get(k: string): RunParameterInput | undefined {
    return this.#map.get(k);
  }
  has(k: string): boolean {
    return this.#map.has(k);
  }
  forEach(f: (v: RunParameterInput, k: string, m: ReadonlyMap<string, RunParameterInput>) => void) {
    this.#map.forEach(f);
  }
  entries(): MapIterator<[string, RunParameterInput]> {
    return this.#entries.values();
  }
  keys(): MapIterator<string> {
    return this.#entries.map(([k]) => k).values();
  }
  values(): MapIterator<RunParameterInput> {
    return this.#entries.map(([, v]) => v).values();
  }
  [Symbol.iterator](): MapIterator<[string, RunParameterInput]> {
    return this.entries();
  }
}
const mapLike = (entries: [string, RunParameterInput][]) => new MapLike(entries);

// Every form of a run's parameters: a Map, a plain record, a record without prototype, and a
// map-like that may repeat a name (the per-run fast path leaves it to the one-run build).
const dict = fc.dictionary(name, value, { maxKeys: 4 });
const params = fc.oneof(
  dict.map((d) => new Map(Object.entries(d))),
  dict,
  dict.map((d) => Object.assign(Object.create(null), d) as Record<string, RunParameterInput>),
  fc.array(fc.tuple(name, value), { maxLength: 4 }).map(mapLike),
);
// A sequence of steps: append the next run (ids ascending with gaps), or cut back.
const step = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("append" as const), params }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat(12) }) },
);

// Both ways of knowing the earlier runs' parameters for an error: kept by the writer, or listed
// by the caller (as the assembly cache does, from the runs it keeps).
Deno.test("RunParameterTableWriter: equals a full rebuild after every step, errors included", () => {
  fc.assert(
    fc.property(
      fc.array(step, { maxLength: 30 }),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
      (steps, gap, listed) => {
        const runs: RunParameters[] = [];
        const writer = listed
          ? new RunParameterTableWriter(() => runs)
          : new RunParameterTableWriter();
        let nextId = 0;
        for (const s of steps) {
          if (s.kind === "truncate") {
            writer.truncate(s.keep);
            runs.length = Math.min(runs.length, s.keep);
            nextId = runs.length === 0 ? 0 : runs[runs.length - 1]!.runId + gap;
          } else {
            const run = { runId: nextId, params: s.params };
            const expected = rebuild([...runs, run]);
            let error: unknown;
            try {
              writer.append(run);
            } catch (e) {
              error = e;
            }
            if (expected instanceof Error) {
              // A run a full build refuses is refused with the same error; nothing changes.
              assert.ok(error instanceof InvalidArgumentError, String(error));
              assert.equal((error as Error).message, expected.message);
            } else {
              assert.equal(error, undefined);
              runs.push(run);
              nextId += gap;
            }
          }
          assert.equal(writer.runCount, runs.length);
          assert.deepEqual(writer.encode(), rebuild(runs));
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("RunParameterTableWriter: an int64 column widened by a float narrows back when cut", () => {
  const w = new RunParameterTableWriter();
  const runs = [
    { runId: 0, params: { x: 1, s: "a" } },
    { runId: 1, params: { x: 2 ** 60 } },
    { runId: 5, params: { x: 0.5, y: true } },
  ];
  for (const r of runs) w.append(r);
  assert.deepEqual(w.encode(), rebuild(runs));
  w.truncate(2);
  assert.deepEqual(w.encode(), rebuild(runs.slice(0, 2)));
  w.truncate(0);
  assert.deepEqual(w.encode(), rebuild([]));
  assert.equal(w.runCount, 0);
});

Deno.test("RunParameterTableWriter: cut, append and cut again keep each cell's own type (parallel arrays)", () => {
  // Every cut drops a cell's id, value and type together: a type left behind would be counted
  // as the next cell's (an int64 column staying float64 after its last float is cut).
  const w = new RunParameterTableWriter();
  const first = { runId: 0, params: { x: 1 } };
  w.append(first);
  for (const x of [2.5, 3, 4.5, 5, 6.5]) {
    const runs = [first, { runId: 1, params: { x } }, { runId: 2, params: { x: 7 } }];
    w.append(runs[1]!);
    w.append(runs[2]!);
    assert.deepEqual(w.encode(), rebuild(runs));
    w.truncate(1);
    assert.deepEqual(w.encode(), rebuild([first]));
  }
  assert.throws(() => w.append({ runId: 1, params: { x: "s" } }), (e: Error) => {
    assert.deepEqual(e, rebuild([first, { runId: 1, params: { x: "s" } }]));
    return true;
  });
  assert.equal(w.runCount, 1);
});

Deno.test("RunParameterTableWriter: run ids must ascend; the state stays as it was", () => {
  const w = new RunParameterTableWriter();
  w.append({ runId: 3, params: { x: 1 } });
  assert.throws(() => w.append({ runId: 3, params: { x: 2 } }), InvalidArgumentError);
  assert.throws(() => w.append({ runId: 2, params: {} }), InvalidArgumentError);
  assert.throws(() => w.append({ runId: -1, params: {} }), InvalidArgumentError);
  assert.throws(() => w.append({ runId: 4, params: { x: "s" } }), /incompatible types/);
  assert.deepEqual(w.encode(), rebuild([{ runId: 3, params: { x: 1 } }]));
});

Deno.test("RunParameterTableWriter: many parameters, repeated names and bad ids as a rebuild has them", () => {
  // More parameters than the per-run fast path takes, a name listed twice by a map-like (the
  // later value wins, as in a full build), values of every type and an overflow.
  const many = Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [`p${i}`, i % 3 ? i : i + 0.5]),
  );
  const runs: RunParameters[] = [
    { runId: 0, params: many },
    { runId: 1, params: mapLike([["p1", 1], ["p1", 2.5], ["s", "x"]]) },
    { runId: 2, params: { p2: 2n ** 60n, b: true, f: pyFloat(3), n: -0 } },
  ];
  const w = new RunParameterTableWriter();
  for (const r of runs) w.append(r);
  assert.deepEqual(w.encode(), rebuild(runs));
  for (
    const bad of [
      { runId: 3, params: mapLike([["s", "y"], ["s", 1]]) },
      { runId: 3, params: { p2: 2n ** 63n } },
      { runId: 3, params: { s: 1 } },
      { runId: 3, params: { x: null as unknown as RunParameterInput } },
      { runId: 2.5, params: {} },
      { runId: 2, params: { s: 1 } },
    ]
  ) {
    assert.throws(() => w.append(bad), (e: Error) => {
      assert.deepEqual(e, rebuild([...runs, bad]));
      return true;
    });
  }
  assert.deepEqual(w.encode(), rebuild(runs));
});
