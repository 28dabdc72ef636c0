// `Solution.decodeSummary` against `Solution.decode`: for every payload, either both refuse it
// with the same error (class, code, message) or the summary equals the decoded Solution's
// objective, feasibility, optimality, relaxation and sense. On every v2 Solution of the
// reference corpus and the shared fixtures, on random messages built to pass the wire reader and
// reach each semantic check, on byte flips and truncations, and on hand-made refusals (one per
// check of the v2 reader).
// The wire walk `readSolutionSummary` (what decodeSummary tries first) is checked on the same
// payloads: whenever it vouches for one, decode accepts it with the same fields.
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { create, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { SolutionSchema } from "./gen/ommx/v2/solution_pb.ts";
import { Solution } from "./solution.ts";
import { readSolutionSummary } from "./_solution_wire.ts";
import { corpusArchives, solutionLayers } from "./_tar_scan_test_util.ts";
import { mulberry32 } from "../../core/_random_test_util.ts";

type Outcome =
  | { ok: Record<string, unknown> }
  | { error: { name: string; code: unknown; message: string } };

function outcome(f: () => Record<string, unknown>): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    const err = e as Error & { code?: unknown };
    return { error: { name: err.constructor.name, code: err.code, message: err.message } };
  }
}

/** The full decode's summary fields, or its error. */
const full = (bytes: Uint8Array, version: "v1" | "v2" = "v2") =>
  outcome(() => {
    const s = Solution.decode(bytes, version);
    return {
      objective: s.objective,
      feasible: s.feasible,
      optimality: s.optimality,
      relaxation: s.relaxation,
      sense: s.sense,
    };
  });

/** The summary decode, or its error. */
const summary = (bytes: Uint8Array, version: "v1" | "v2" = "v2") =>
  outcome(() => ({ ...Solution.decodeSummary(bytes, version) }));

/** How many payloads the summary walk vouched for (`readSolutionSummary` not undefined). */
let walked = 0;

function assertSameOutcome(bytes: Uint8Array, note = "", version: "v1" | "v2" = "v2"): Outcome {
  const expected = full(bytes, version);
  assert.deepStrictEqual(summary(bytes, version), expected, note);
  if (version === "v2") {
    // The walk alone: it vouches only for payloads the full read accepts, with its values.
    const w = readSolutionSummary(bytes);
    if (w !== undefined) {
      walked++;
      assert.deepStrictEqual({ ok: { ...w } }, expected, `walk: ${note}`);
    }
  }
  return expected;
}

/** The payloads `f` gives to the walk that it vouches for. */
function walkedIn(f: () => void): number {
  const before = walked;
  f();
  return walked - before;
}

// ---------- the corpus ----------

const CORPUS = corpusArchives().flatMap((path) =>
  solutionLayers(path).map((s) => ({ ...s, path }))
);

Deno.test("Solution.decodeSummary: every Solution of the corpus gives the decoded Solution's fields", () => {
  let v2 = 0;
  const n = walkedIn(() => {
    for (const { version, bytes, path } of CORPUS) {
      const o = assertSameOutcome(bytes, path, version);
      assert.ok("ok" in o, `${path}: a corpus Solution is refused: ${JSON.stringify(o)}`);
      if (version === "v2") v2++;
    }
  });
  // No corpus Solution has a key above 2^53-1: the walk alone reads them all.
  assert.equal(n, v2, "the walk vouches for every v2 Solution of the corpus");
  // many-solves.ommx alone holds 30 HiGHS solutions.
  assert.ok(v2 >= 30, `only ${v2} v2 Solutions found`);
});

Deno.test("Solution.decodeSummary: byte flips and truncations of corpus Solutions are refused or read alike", () => {
  const rand = mulberry32(0x13);
  const v2 = CORPUS.filter((c) => c.version === "v2");
  let refused = 0;
  const n = walkedIn(() => {
    for (let i = 0; i < 3000; i++) {
      const { bytes } = v2[Math.floor(rand() * v2.length)]!;
      const b = bytes.slice();
      if (rand() < 0.2) {
        assertSameOutcome(b.subarray(0, Math.floor(rand() * b.length)), `truncation ${i}`);
        continue;
      }
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
        b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      }
      if ("error" in assertSameOutcome(b, `flip ${i}`)) refused++;
    }
  });
  assert.ok(n > 300, `the walk vouched for only ${n} mutated payloads`);
  assert.ok(refused > 100, `only ${refused} mutated payloads refused`);
});

// ---------- random messages that reach the semantic checks ----------

/** Mostly valid values, sometimes the one the reader refuses. */
const often = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 40 }, { arbitrary: bad, weight: 1 });
const id = often(fc.bigInt({ min: 0n, max: 20n }), fc.constantFrom(2n ** 53n, 2n ** 64n - 1n));
const ids = fc.array(id, { maxLength: 3 });
const dbl = often(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(NaN, Infinity));
const text = fc.constantFrom("x", "y", "");
const u64Map = <T>(v: fc.Arbitrary<T>) =>
  fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 6n }), v), { maxLength: 3 }).map((es) => {
    const o: Record<string, T> = {};
    for (const [k, x] of es) o[String(k)] = x;
    return o;
  });
const defined = <T extends object>(a: fc.Arbitrary<T>) =>
  a.map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const label = defined(fc.record({
  name: maybe(text),
  subscripts: fc.array(often(fc.bigInt({ min: -5n, max: 5n }), fc.constant(2n ** 60n)), {
    maxLength: 2,
  }),
  parameters: fc.dictionary(text, text, { maxKeys: 1 }),
}));
const sidecars = {
  removedReasons: u64Map(fc.record({ reason: text, parameters: fc.constant({}) })),
  contexts: u64Map(defined(fc.record({ label: maybe(label) }))),
};
const setRow = defined(fc.record({
  variables: ids,
  feasible: fc.boolean(),
  activeVariable: maybe(id),
  usedDecisionVariableIds: ids,
}));
const messageInit = defined(fc.record({
  requiredFeatures: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 2 }),
  objective: dbl,
  decisionVariables: often(
    fc.record({
      entries: u64Map(defined(fc.record({
        kind: often(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, 9)),
        bound: often(fc.record({ lower: dbl, upper: dbl }), fc.constant(undefined)),
        value: dbl,
      }))),
      labels: u64Map(label),
    }),
    fc.constant(undefined),
  ),
  evaluatedRegularConstraints: maybe(fc.record({
    entries: u64Map(defined(fc.record({
      equality: often(fc.constantFrom(1, 2), fc.constantFrom(0, 3)),
      evaluatedValue: dbl,
      feasible: fc.boolean(),
      usedDecisionVariableIds: ids,
      dualVariable: maybe(dbl),
    }))),
    ...sidecars,
  })),
  feasible: fc.boolean(),
  optimality: fc.integer({ min: 0, max: 3 }),
  relaxation: fc.integer({ min: 0, max: 2 }),
  feasibleRelaxed: maybe(fc.boolean()),
  sense: often(fc.integer({ min: 0, max: 2 }), fc.constantFrom(3, -1)),
  evaluatedNamedFunctions: maybe(fc.record({
    entries: u64Map(fc.record({ evaluatedValue: dbl, usedDecisionVariableIds: ids })),
    labels: u64Map(label),
  })),
  metadata: maybe(defined(fc.record({ solver: maybe(text) }))),
  annotations: often(
    fc.constant({}),
    fc.dictionary(fc.constantFrom("org.ommx.v1.solution.x", "bad key", "x"), text, {
      maxKeys: 1,
    }),
  ),
  evaluatedIndicatorConstraints: maybe(fc.record({
    entries: u64Map(fc.record({
      indicatorVariable: id,
      equality: often(fc.constantFrom(1, 2), fc.constant(7)),
      evaluatedValue: dbl,
      feasible: fc.boolean(),
      indicatorActive: fc.boolean(),
      usedDecisionVariableIds: ids,
    })),
    ...sidecars,
  })),
  evaluatedOneHotConstraints: maybe(fc.record({ entries: u64Map(setRow), ...sidecars })),
  evaluatedSos1Constraints: maybe(fc.record({ entries: u64Map(setRow), ...sidecars })),
  feasibilityAtol: maybe(often(fc.constantFrom(1e-6, 0.5), fc.constantFrom(0, -1, NaN))),
}));

type Table = { entries: object; labels?: object; removedReasons?: object; contexts?: object };

/** `record` without the keys `table.entries` lacks. */
function keysOf(record: object | undefined, table: Table): object | undefined {
  if (record === undefined) return undefined;
  return Object.fromEntries(Object.entries(record).filter(([k]) => k in table.entries));
}

/**
 * Most messages declare exactly the special collections they hold and name only existing
 * constraints and variables in sidecars and labels (else the first checks refuse nearly all).
 */
const solutionInit = fc.tuple(messageInit, often(fc.constant(true), fc.constant(false))).map(
  ([m, consistent]) => {
    if (!consistent) return m;
    const has = (c?: Table) => c !== undefined && Object.keys(c.entries).length > 0;
    const out: Record<string, unknown> = { ...m };
    out.requiredFeatures = [
      ...(has(m.evaluatedIndicatorConstraints) ? [1] : []),
      ...(has(m.evaluatedOneHotConstraints) ? [2] : []),
      ...(has(m.evaluatedSos1Constraints) ? [3] : []),
    ];
    for (
      const key of [
        "evaluatedRegularConstraints",
        "evaluatedIndicatorConstraints",
        "evaluatedOneHotConstraints",
        "evaluatedSos1Constraints",
      ] as const
    ) {
      const c = m[key] as Table | undefined;
      if (c === undefined) continue;
      out[key] = {
        ...c,
        removedReasons: keysOf(c.removedReasons, c),
        contexts: keysOf(c.contexts, c),
      };
    }
    const dvs = m.decisionVariables as Table | undefined;
    if (dvs !== undefined) out.decisionVariables = { ...dvs, labels: keysOf(dvs.labels, dvs) };
    return out;
  },
);

const encode = (init: object) =>
  toBinary(SolutionSchema, create(SolutionSchema, init as Parameters<typeof create>[1]));

Deno.test("Solution.decodeSummary: random messages are refused with decode's error or read alike", () => {
  const messages = new Map<string, number>();
  let accepted = 0;
  const n = walkedIn(() =>
    fc.assert(
      fc.property(solutionInit, (init) => {
        const o = assertSameOutcome(encode(init));
        if ("ok" in o) accepted++;
        else {
          const key = o.error.message.replace(/[0-9]+/g, "N");
          messages.set(key, (messages.get(key) ?? 0) + 1);
        }
      }),
      { numRuns: 3000, seed: 1313 },
    )
  );
  // Nearly every accepted message is read by the walk alone (not those with a key above 2^53-1,
  // or a label of a named function that does not exist with an unsafe subscript).
  assert.ok(n > accepted * 0.9, `the walk vouched for ${n} of ${accepted} accepted messages`);
  // The generator reaches the checks of the v2 reader (not only the first one).
  assert.ok(
    accepted > 100,
    `only ${accepted} random messages accepted: ${
      JSON.stringify([...messages].sort((a, b) => b[1] - a[1]).slice(0, 6))
    }`,
  );
  assert.ok(messages.size >= 8, `only ${messages.size} distinct refusals: ${[...messages.keys()]}`);
});

Deno.test("readSolutionSummary: random messages, their flips and truncations: vouched for only as decode reads them", () => {
  let accepted = 0;
  let mutated = 0;
  const n = walkedIn(() =>
    fc.assert(
      fc.property(
        solutionInit,
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 3 }),
        fc.option(fc.nat(), { nil: undefined }),
        (init, flips, cut) => {
          const bytes = encode(init);
          if ("ok" in assertSameOutcome(bytes)) accepted++;
          if (bytes.length === 0) return;
          const b = bytes.slice(0, cut === undefined ? bytes.length : cut % bytes.length);
          for (const [at, v] of flips) if (b.length > 0) b[at % b.length] = v;
          assertSameOutcome(b, `mutation of ${bytes.length} bytes`);
          mutated++;
        },
      ),
      { numRuns: 3000, seed: 1314 },
    )
  );
  assert.ok(accepted > 1000, `only ${accepted} random messages accepted`);
  // Nearly every accepted message, and many mutations, are read by the walk alone.
  assert.ok(n > accepted, `the walk vouched for ${n} payloads of ${accepted} + ${mutated}`);
});

// ---------- one refusal per check ----------

const dv = (k: number) => ({ kind: 1, bound: { lower: 0, upper: 1 }, value: k });
const base = { objective: 1, feasible: true, decisionVariables: { entries: { 1: dv(1) } } };
const CASES: Record<string, object> = {
  "decision_variables missing": { objective: 1 },
  "objective not finite": { ...base, objective: NaN },
  "bad atol": { ...base, feasibilityAtol: -1 },
  "feature not declared": {
    ...base,
    evaluatedOneHotConstraints: { entries: { 1: { variables: [1n], feasible: true } } },
  },
  "unknown required feature": { ...base, requiredFeatures: [9] },
  "sidecar for unknown constraint": {
    ...base,
    evaluatedRegularConstraints: { entries: {}, removedReasons: { 4: { reason: "r" } } },
  },
  "variable without bound": { ...base, decisionVariables: { entries: { 3: { kind: 1 } } } },
  "unknown kind": { ...base, decisionVariables: { entries: { 3: { ...dv(0), kind: 9 } } } },
  "label for unknown variable": {
    ...base,
    decisionVariables: { entries: { 1: dv(1) }, labels: { 2: { name: "x" } } },
  },
  "unsafe label subscript": {
    ...base,
    decisionVariables: { entries: { 1: dv(1) }, labels: { 1: { subscripts: [2n ** 60n] } } },
  },
  "unknown equality": {
    ...base,
    evaluatedRegularConstraints: { entries: { 1: { equality: 5 } } },
  },
  "unsafe used id": {
    ...base,
    evaluatedRegularConstraints: {
      entries: { 1: { equality: 1, usedDecisionVariableIds: [2n ** 60n] } },
    },
  },
  "unsafe context label": {
    ...base,
    evaluatedRegularConstraints: {
      entries: { 1: { equality: 1 } },
      contexts: { 1: { label: { subscripts: [2n ** 62n] } } },
    },
  },
  "unsafe indicator variable": {
    ...base,
    requiredFeatures: [1],
    evaluatedIndicatorConstraints: {
      entries: { 1: { equality: 1, indicatorVariable: 2n ** 60n } },
    },
  },
  "unsafe SOS1 active variable": {
    ...base,
    requiredFeatures: [3],
    evaluatedSos1Constraints: { entries: { 1: { activeVariable: 2n ** 60n } } },
  },
  "unsafe named-function label": {
    ...base,
    evaluatedNamedFunctions: { entries: { 1: {} }, labels: { 1: { subscripts: [2n ** 60n] } } },
  },
  "unknown sense": { ...base, sense: 7 },
};

Deno.test("Solution.decodeSummary: each check of the v2 reader refuses with decode's error", () => {
  for (const [name, init] of Object.entries(CASES)) {
    const o = assertSameOutcome(encode(init), name);
    assert.ok("error" in o, `${name}: accepted`);
    assert.equal(readSolutionSummary(encode(init)), undefined, `${name}: vouched for by the walk`);
  }
  assert.ok("ok" in assertSameOutcome(encode(base)), "the base message is valid");
});

Deno.test("readSolutionSummary: a walk keeps nothing of the previous one (its tables are reused)", () => {
  const entries = (ids: number[]) => Object.fromEntries(ids.map((id) => [id, dv(id)]));
  const labelled = {
    ...base,
    decisionVariables: { entries: entries([1, 2]), labels: { 2: { name: "x" } } },
    evaluatedRegularConstraints: {
      entries: { 7: { equality: 1 } },
      removedReasons: { 7: { reason: "r" } },
    },
  };
  const labelForMissing = {
    ...base,
    decisionVariables: { entries: entries([1]), labels: { 2: { name: "x" } } },
  };
  const sidecarForMissing = {
    ...base,
    evaluatedRegularConstraints: { entries: {}, removedReasons: { 7: { reason: "r" } } },
  };
  // A Solution with more variables than the reused key lists keep, then small ones.
  const many = {
    ...base,
    decisionVariables: { entries: entries(Array.from({ length: 5000 }, (_, i) => i)) },
  };
  const order = [
    labelled,
    labelForMissing,
    labelled,
    sidecarForMissing,
    many,
    labelForMissing,
    base,
  ];
  for (const [i, init] of order.entries()) {
    const o = assertSameOutcome(encode(init), `message ${i}`);
    const vouched = readSolutionSummary(encode(init)) !== undefined;
    assert.equal(vouched, init === labelled || init === many || init === base, `message ${i}`);
    assert.equal("ok" in o, vouched, `message ${i}`);
  }
});
