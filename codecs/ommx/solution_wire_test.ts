// The hand-written `ommx.v2.Solution` reader (`_solution_wire.ts`) against protobuf-es'
// reflective `fromBinary`: the same message object (deep equality and the same key order of
// every record) on every v2 Solution of the reference corpus and the shared fixtures, on random
// messages, on concatenations (merged messages, repeated map keys) and on hand-made wire forms
// (unpacked repeated fields, unknown fields and groups); malformed bytes are a DecodeError.
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { create, fromBinary, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { DecodeError, OmmxError } from "../../core/errors.ts";
import { type Solution as SolutionMessage, SolutionSchema } from "./gen/ommx/v2/solution_pb.ts";
import { readSolutionMessage } from "./_solution_wire.ts";
import { Solution } from "./solution.ts";
import { corpusArchives, solutionLayers } from "./_tar_scan_test_util.ts";
import { concatBytes } from "../../core/_bytes.ts";

const reflective = (bytes: Uint8Array) =>
  fromBinary(SolutionSchema, bytes, { readUnknownFields: false });

/** Deep equality plus the same property order everywhere (records keep the wire's key order). */
function assertSame(actual: unknown, expected: unknown, note = ""): void {
  assert.deepStrictEqual(actual, expected, note);
  const show = (v: unknown) => Deno.inspect(v, { depth: Infinity, sorted: false, compact: true });
  assert.equal(show(actual), show(expected), note);
}

// ---------- the corpus ----------

Deno.test("v2 Solution reader: every v2 Solution of the corpus decodes as protobuf-es decodes it", () => {
  let n = 0;
  for (const path of corpusArchives()) {
    for (const { version, bytes } of solutionLayers(path)) {
      if (version !== "v2") continue;
      assertSame(readSolutionMessage(bytes), reflective(bytes), path);
      n++;
    }
  }
  // many-solves.ommx alone holds 30 HiGHS solutions.
  assert.ok(n >= 30, `only ${n} v2 Solutions found`);
});

// ---------- random messages ----------

const u64 = fc.oneof(
  fc.bigInt({ min: 0n, max: 1000n }),
  fc.bigInt({ min: 0n, max: 2n ** 53n + 10n }),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const enumValue = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
);
const str = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\uFEFFbom", "日本語", "x".repeat(100)),
);
const dbl = fc.double();
const strMap = fc.dictionary(str, str, { maxKeys: 3 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** A `map<uint64, V>` init record. */
const u64Map = <T>(v: fc.Arbitrary<T>) =>
  fc.array(fc.tuple(u64, v), { maxLength: 4 }).map((es) => {
    const o: Record<string, T> = {};
    for (const [k, x] of es) o[String(k)] = x;
    return o;
  });
/** Drop `undefined` members so that create() leaves optional fields unset. */
const defined = <T extends object>(a: fc.Arbitrary<T>) =>
  a.map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T);

const label = defined(fc.record({
  name: maybe(str),
  subscripts: fc.array(i64, { maxLength: 3 }),
  parameters: strMap,
  description: maybe(str),
}));
const provenance = fc.oneof(
  fc.constant({ source: { case: undefined } }),
  fc.tuple(fc.constantFrom("indicatorConstraintId", "oneHotConstraintId", "sos1ConstraintId"), u64)
    .map(([c, value]) => ({ source: { case: c, value } })),
);
const sidecars = {
  removedReasons: u64Map(fc.record({ reason: str, parameters: strMap })),
  contexts: u64Map(defined(fc.record({
    label: maybe(label),
    provenance: fc.array(provenance, { maxLength: 2 }),
  }))),
};
const ids = fc.array(u64, { maxLength: 4 });
const setRow = defined(fc.record({
  variables: ids,
  feasible: fc.boolean(),
  activeVariable: maybe(u64),
  usedDecisionVariableIds: ids,
}));
const solutionInit = defined(fc.record({
  requiredFeatures: fc.array(enumValue, { maxLength: 3 }),
  objective: dbl,
  decisionVariables: maybe(fc.record({
    entries: u64Map(defined(fc.record({
      kind: enumValue,
      bound: maybe(fc.record({ lower: dbl, upper: dbl })),
      value: dbl,
    }))),
    labels: u64Map(label),
  })),
  evaluatedRegularConstraints: maybe(fc.record({
    entries: u64Map(defined(fc.record({
      equality: enumValue,
      evaluatedValue: dbl,
      feasible: fc.boolean(),
      usedDecisionVariableIds: ids,
      dualVariable: maybe(dbl),
    }))),
    ...sidecars,
  })),
  feasible: fc.boolean(),
  optimality: enumValue,
  relaxation: enumValue,
  feasibleRelaxed: maybe(fc.boolean()),
  sense: enumValue,
  evaluatedNamedFunctions: maybe(fc.record({
    entries: u64Map(fc.record({ evaluatedValue: dbl, usedDecisionVariableIds: ids })),
    labels: u64Map(label),
  })),
  metadata: maybe(defined(fc.record({
    instance: maybe(str),
    solver: maybe(str),
    parameters: maybe(str),
    start: maybe(str),
    end: maybe(str),
  }))),
  annotations: strMap,
  evaluatedIndicatorConstraints: maybe(fc.record({
    entries: u64Map(fc.record({
      indicatorVariable: u64,
      equality: enumValue,
      evaluatedValue: dbl,
      feasible: fc.boolean(),
      indicatorActive: fc.boolean(),
      usedDecisionVariableIds: ids,
    })),
    ...sidecars,
  })),
  evaluatedOneHotConstraints: maybe(fc.record({ entries: u64Map(setRow), ...sidecars })),
  evaluatedSos1Constraints: maybe(fc.record({ entries: u64Map(setRow), ...sidecars })),
  feasibilityAtol: maybe(dbl),
}));

const encode = (init: object) =>
  toBinary(SolutionSchema, create(SolutionSchema, init as Parameters<typeof create>[1]));

Deno.test("v2 Solution reader: random messages decode as protobuf-es decodes them", () => {
  fc.assert(
    fc.property(solutionInit, (init) => {
      const bytes = encode(init);
      assertSame(readSolutionMessage(bytes), reflective(bytes));
    }),
    { numRuns: 400 },
  );
});

Deno.test("v2 Solution reader: concatenated messages merge as protobuf-es merges them", () => {
  // Two encodings back to back are one message: singular messages merge, repeated fields and
  // map entries append (a repeated map key keeps its first position, its last value).
  fc.assert(
    fc.property(solutionInit, solutionInit, (a, b) => {
      const bytes = concatBytes([encode(a), encode(b), encode(a)]);
      assertSame(readSolutionMessage(bytes), reflective(bytes));
    }),
    { numRuns: 150 },
  );
});

// ---------- hand-made wire forms ----------

/** A tiny protobuf writer for wire forms protobuf-es does not write. */
function varint(n: bigint | number): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (field: number, wt: number) => varint(field * 8 + wt);
const len = (field: number, body: number[]) => [...tag(field, 2), ...varint(body.length), ...body];
const f64 = (x: number) => [...new Uint8Array(new Float64Array([x]).buffer)];

Deno.test("v2 Solution reader: unpacked repeated fields, unknown fields and groups, redundant varints", () => {
  const row = [
    ...tag(1, 0),
    2, // equality
    ...tag(4, 0),
    5, // used ids unpacked
    ...tag(4, 0),
    0x80,
    0x01, // 128
    ...len(4, [...varint(7), ...varint(2n ** 60n)]), // then packed
    ...tag(99, 5),
    1,
    2,
    3,
    4, // unknown fixed32
    ...tag(98, 3),
    ...tag(1, 0),
    1,
    ...len(2, [1, 2]),
    ...tag(98, 4), // unknown group
    ...tag(3, 0),
    0xff,
    0x80,
    0x80,
    0x00, // feasible = 127 written with redundant bytes
  ];
  const regEntry = [...tag(1, 0), ...varint(3), ...len(2, row)];
  const bytes = new Uint8Array([
    ...tag(1, 0),
    1, // required_features unpacked
    ...len(1, [2, 3]), // and packed
    ...tag(1, 0),
    ...varint(-1), // -1 as a 10-byte varint
    ...tag(2, 1),
    ...f64(-0),
    ...len(4, len(1, regEntry)),
    ...tag(6, 0),
    ...varint(2n ** 40n + 1n), // enum: low 32 bits
    ...tag(77, 1),
    ...f64(1), // unknown fixed64
    ...len(1000, [1, 2, 3]), // unknown length-delimited
    ...len(4, len(1, [...tag(1, 0), 3, ...len(2, [...tag(5, 1), ...f64(0.5)])])), // merge: same key, new value
    ...len(3, len(2, [...tag(1, 0), ...varint(9), ...len(2, [...tag(2, 0), ...varint(-5)])])), // label, int64 -5 unpacked
  ]);
  const ours = readSolutionMessage(bytes);
  assertSame(ours, reflective(bytes));
  assert.deepEqual(ours.requiredFeatures, [1, 2, 3, -1]);
  assert.equal(ours.optimality, 1);
  // The second entry for key 3 replaced the first (map entries do not merge).
  assert.deepEqual(ours.evaluatedRegularConstraints!.entries["3"]!.usedDecisionVariableIds, []);
  assert.equal(ours.evaluatedRegularConstraints!.entries["3"]!.dualVariable, 0.5);
  assert.deepEqual(ours.decisionVariables!.labels["9"]!.subscripts, [-5n]);
  // The first entry alone keeps its unpacked, then packed IDs and the unknown fields skipped.
  const first = new Uint8Array(len(4, len(1, regEntry)));
  const one = readSolutionMessage(first);
  assertSame(one, reflective(first));
  assert.deepEqual(one.evaluatedRegularConstraints!.entries["3"]!.usedDecisionVariableIds, [
    5n,
    128n,
    7n,
    2n ** 60n,
  ]);
  assert.equal(one.evaluatedRegularConstraints!.entries["3"]!.feasible, true);
  // A value given twice within one map entry, and a singular message given twice within a
  // message, merge.
  const ctx = [
    ...len(1, len(1, [0x41])), // label { name: "A" }
    ...len(1, len(4, [0x42])), // label { description: "B" }
  ];
  const twice = new Uint8Array(len(13, [
    ...len(1, [...tag(1, 0), 4, ...len(2, [...tag(1, 0), 7]), ...len(2, [...tag(4, 0), 1])]),
    ...len(3, [...tag(1, 0), 4, ...len(2, ctx)]),
  ]));
  const merged = readSolutionMessage(twice);
  assertSame(merged, reflective(twice));
  const ind = merged.evaluatedIndicatorConstraints!;
  assert.equal(ind.entries["4"]!.indicatorVariable, 7n);
  assert.equal(ind.entries["4"]!.feasible, true);
  assert.equal(ind.contexts["4"]!.label!.name, "A");
  assert.equal(ind.contexts["4"]!.label!.description, "B");
});

// ---------- malformed bytes ----------

function isDecodeError(e: unknown): boolean {
  return e instanceof DecodeError && e.code === "DECODE_ERROR";
}

Deno.test("v2 Solution reader: malformed bytes are a DecodeError, never a raw RangeError", () => {
  const cases: [string, number[]][] = [
    ["truncated varint", [...tag(5, 0), 0x80]],
    ["varint longer than 10 bytes", [...tag(5, 0), ...Array(10).fill(0xff), 0x01]],
    // The reference SDK refuses this one too; protobuf-es truncates it to 64 bits.
    ["varint over 64 bits", [...tag(5, 0), ...Array(9).fill(0xff), 0x7f]],
    ["truncated double", [...tag(2, 1), 1, 2, 3]],
    ["length past the end", [...tag(3, 2), 10, 1, 2]],
    ["nested length past its message", len(3, [...tag(1, 2), 50, 0, 0])],
    ["wrong wire type for a double", [...tag(2, 0), 1]],
    ["wrong wire type for a message", [...tag(3, 0), 1]],
    ["wrong wire type for a map key", len(3, len(1, [...tag(1, 1), ...f64(1)]))],
    ["field number 0", [0x00, 0x01]],
    ["tag longer than 5 bytes", [0xa8, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01]],
    ["wire type 7", [...tag(20, 7)]],
    ["stray end group", [...tag(20, 4)]],
    ["unterminated group", [...tag(20, 3), ...tag(1, 0), 1]],
    ["mismatched end group", [...tag(20, 3), ...tag(21, 4)]],
    ["invalid UTF-8", len(12, len(1, [0xc3, 0x28]))],
    ["truncated packed varint", len(1, [0x80])],
  ];
  for (const [name, b] of cases) {
    const bytes = new Uint8Array(b);
    assert.throws(() => readSolutionMessage(bytes), isDecodeError, name);
    assert.throws(() => Solution.decode(bytes, "v2"), isDecodeError, `${name} (Solution.decode)`);
  }
});

Deno.test("v2 Solution reader: truncations and byte flips either decode as protobuf-es or throw DecodeError", () => {
  const check = (bytes: Uint8Array) => {
    let ours: SolutionMessage | undefined;
    try {
      ours = readSolutionMessage(bytes);
    } catch (e) {
      assert.ok(isDecodeError(e), `not a DecodeError: ${e}`);
    }
    // This reader is at least as strict: what it accepts, protobuf-es reads the same way.
    if (ours) assertSame(ours, reflective(bytes));
    try {
      Solution.decode(bytes, "v2");
    } catch (e) {
      assert.ok(e instanceof OmmxError, `not an OmmxError: ${e}`);
    }
  };
  fc.assert(
    fc.property(
      solutionInit,
      fc.nat(),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 3 }),
      (init, cut, flips) => {
        const bytes = encode(init);
        if (bytes.length === 0) return;
        check(bytes.subarray(0, cut % bytes.length));
        const flipped = bytes.slice();
        for (const [at, v] of flips) flipped[at % flipped.length] = v;
        check(flipped);
      },
    ),
    { numRuns: 300 },
  );
});
