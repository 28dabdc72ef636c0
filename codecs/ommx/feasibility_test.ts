// The derived fields the reference re-checks (per-constraint `feasible`, special-constraint
// stage fields, solution / sample-level flags): the rules themselves, their computation when v1
// data is read, and the v2 writer that fills them in and refuses data the reference would refuse.
// Boundary values are the ones measured against ommx 3.0.0b7 (docs/format-notes.md).
import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { DecodeError, EncodeError, InvalidArgumentError } from "../../core/errors.ts";
import { rejects } from "./_rejects_test_util.ts";
import {
  binaryActivity,
  consistentBound,
  constraintFeasible,
  oneHotStage,
  sos1Stage,
  variableValueValid,
} from "./_feasibility.ts";
import { Function } from "./function.ts";
import { SampleSetSchema as V1SampleSetSchema } from "./gen/ommx/v1/sample_set_pb.ts";
import { SolutionSchema as V1SolutionSchema } from "./gen/ommx/v1/solution_pb.ts";
import { SampleSetSchema as V2SampleSetSchema } from "./gen/ommx/v2/sample_set_pb.ts";
import { SolutionSchema as V2SolutionSchema } from "./gen/ommx/v2/solution_pb.ts";
import { Instance } from "./instance.ts";
import type { DecisionVariable } from "./instance_data.ts";
import { SampledValues } from "./sampled_values.ts";
import { type SampledConstraint, SampleSet } from "./sample_set.ts";
import { type EvaluatedConstraint, Solution } from "./solution.ts";
import type { Kind } from "./types.ts";

const A = 1e-6;
/** The next double above `x` (toward +∞). */
function up(x: number): number {
  const f = new Float64Array([x]);
  const u = new BigInt64Array(f.buffer);
  u[0] = u[0]! + (x >= 0 ? 1n : -1n);
  return f[0]!;
}

// ---------- the rules ----------

Deno.test("rule: = is |f| <= atol, <= is f <= atol, NaN never feasible", () => {
  for (
    const [eq, v, want] of [
      ["=", 0, true],
      ["=", A, true],
      ["=", -A, true],
      ["=", up(A), false],
      ["=", -up(A), false],
      ["=", 2e-6, false],
      ["=", NaN, false],
      ["<=", A, true],
      ["<=", up(A), false],
      ["<=", -5, true],
      ["<=", -Infinity, true],
      ["<=", Infinity, false],
      ["<=", NaN, false],
    ] as const
  ) {
    assert.equal(constraintFeasible(eq, v, A), want, `${v} ${eq} 0`);
  }
  assert.equal(constraintFeasible("=", 0.05, 0.1), true);
  assert.equal(constraintFeasible("=", 0.15, 0.1), false);
});

Deno.test("rule: bounds are residuals lower - v <= atol and v - upper <= atol", () => {
  const c = (lower: number, upper: number, v: number) =>
    variableValueValid("continuous", { lower, upper }, v, A);
  assert.equal(c(-10, 10, 10 + 1e-6), true); // residual 9.99…e-7
  assert.equal(c(-10, 10, up(10 + 1e-6)), false);
  assert.equal(c(0, 10, -A), true);
  assert.equal(c(0, 10, -up(A)), false);
  assert.equal(c(1e6, 2e6, 1e6 - 1e-6), false); // residual 1.0000076e-6 (rounding)
  assert.equal(c(1e6, 2e6, 1e6 - 9.9e-7), true);
  assert.equal(c(-Infinity, Infinity, 1e300), true);
  assert.equal(c(0, Infinity, -1e-7), true);
  assert.equal(c(-Infinity, Infinity, Infinity), false);
  assert.equal(c(-Infinity, Infinity, NaN), false);
  assert.equal(c(0, 0, 5), false); // an absent v1 bound reads as [0, 0]
});

Deno.test("rule: integrality within atol; binary/semi kinds use the reference's bounds", () => {
  const v = (kind: Kind, lower: number, upper: number, x: number) =>
    variableValueValid(kind, { lower, upper }, x, A);
  assert.equal(v("integer", -10, 10, 1 + 1e-6), true);
  assert.equal(v("integer", -10, 10, A), true);
  assert.equal(v("integer", -10, 10, up(A)), false);
  assert.equal(v("integer", -10, 10, 0.5), false);
  assert.equal(v("binary", 0, 1, 1 + 5e-7), true);
  assert.equal(v("binary", 0, 1, 0.5), false);
  assert.equal(v("binary", -5, 5, 2), false); // the bound collapses to [0, 1]
  assert.equal(v("semi-continuous", 2, 10, 0), false); // no exception for 0
  assert.equal(v("semi-continuous", -2, 10, 0), true);
  assert.equal(v("semi-integer", 2, 10, 3), true);
  assert.equal(v("semi-integer", 2, 10, 3.5), false);
  assert.equal(v("integer", 1.1, 1.9, 1), false); // no integer in the bound
});

Deno.test("rule: consistentBound matches what the reference keeps (measured)", () => {
  const cases: [Kind, number, number, [number, number] | undefined][] = [
    ["binary", -5, 5, [0, 1]],
    ["binary", 0.5, 1, [1, 1]],
    ["binary", 0, 0.5, [0, 0]],
    ["binary", 0.9999995, 1, [1, 1]],
    ["binary", 1.5, 2, undefined],
    ["integer", 0.5, 3.7, [1, 3]],
    ["integer", 0.9999995, 3, [1, 3]],
    ["integer", -Infinity, 2.5, [-Infinity, 2]],
    ["integer", -5e-7, 2, [0, 2]],
    ["integer", 1.1, 1.9, undefined],
    ["semi-integer", 1.2, 1.8, [0, 0]],
    ["semi-integer", 0.5, 3.7, [1, 3]],
    ["semi-continuous", 1.2, 1.8, [1.2, 1.8]],
  ];
  for (const [kind, lower, upper, want] of cases) {
    const got = consistentBound(kind, { lower, upper }, A);
    assert.deepEqual(got && [got.lower, got.upper], want, `${kind} [${lower}, ${upper}]`);
    if (got) assert.ok(!Object.is(got.lower, -0), "no negative zero");
  }
});

Deno.test("rule: indicator activity, one-hot and SOS1 stages", () => {
  assert.equal(binaryActivity(1 - 5e-7, A), true);
  assert.equal(binaryActivity(A, A), false);
  assert.equal(binaryActivity(1 - 2e-6, A), undefined);
  assert.equal(binaryActivity(0.5, A), undefined);
  const vals = (m: Record<number, number>) => (id: number) => m[id];
  assert.deepEqual(oneHotStage([1, 2, 3], vals({ 1: 0, 2: 1, 3: A }), A), {
    feasible: true,
    activeVariable: 2,
  });
  assert.deepEqual(oneHotStage([1, 2], vals({ 1: 1, 2: 1 }), A), { feasible: false });
  assert.deepEqual(oneHotStage([1, 2], vals({ 1: 0, 2: 0 }), A), { feasible: false });
  assert.deepEqual(oneHotStage([1, 2], vals({ 1: 0.5, 2: 0.5 }), A), { feasible: false });
  assert.equal(oneHotStage([1, 9], vals({ 1: 1 }), A), undefined);
  assert.deepEqual(sos1Stage([1, 2, 3], vals({ 1: 0, 2: 7, 3: A }), A), {
    feasible: true,
    activeVariable: 2,
  });
  assert.deepEqual(sos1Stage([1, 2], vals({ 1: 0, 2: 0 }), A), { feasible: true });
  assert.deepEqual(sos1Stage([1, 2], vals({ 1: 1, 2: up(A) }), A), { feasible: false });
  assert.equal(sos1Stage([9], vals({}), A), undefined);
});

// ---------- v1 Solution → derived fields ----------

const dv = (id: number, kind = 3, lower = -10, upper = 10, extra: object = {}) => ({
  id: BigInt(id),
  kind,
  bound: { lower, upper },
  ...extra,
});
const ec = (id: number, equality: number, evaluatedValue: number, extra: object = {}) => ({
  id: BigInt(id),
  equality,
  evaluatedValue,
  ...extra,
});
const EQ = 1;
const LE = 2;
const v1Solution = (init: object) =>
  toBinary(
    V1SolutionSchema,
    create(V1SolutionSchema, {
      state: { entries: { "1": 1 } },
      decisionVariables: [dv(1)],
      objective: 1,
      ...init,
    }),
  );
const flags = (feasible: boolean, feasibleRelaxed = feasible) => ({ feasible, feasibleRelaxed });

Deno.test("v1 solution: each constraint's feasible is computed from value and equality at 1e-6", () => {
  const rows = [
    ec(1, EQ, 0),
    ec(2, EQ, A),
    ec(3, EQ, -A),
    ec(4, EQ, up(A)),
    ec(5, LE, A),
    ec(6, LE, up(A)),
    ec(7, LE, -5),
    ec(8, LE, NaN),
    ec(9, EQ, NaN),
  ];
  const s = Solution.decode(v1Solution({ evaluatedConstraints: rows, ...flags(false) }), "v1");
  assert.deepEqual(
    s.constraints.map((c) => [c.id, c.feasible]),
    [[1, true], [2, true], [3, true], [4, false], [5, true], [6, false], [7, true], [8, false], [
      9,
      false,
    ]],
  );
  assert.equal(s.feasible, false);
  assert.equal(s.feasibleRelaxed, false);
  assert.equal(s.feasibilityAtol, 1e-6);
  const ok = Solution.decode(
    v1Solution({ evaluatedConstraints: [ec(1, EQ, A), ec(2, LE, -A)], ...flags(true) }),
    "v1",
  );
  assert.equal(ok.feasible, true);
  assert.ok(ok.constraints.every((c) => c.feasible === true));
});

Deno.test("v1 solution: removed constraints count for feasible, not for feasible_relaxed", () => {
  const rows = [ec(1, EQ, 1, { removedReason: "presolve" }), ec(2, EQ, 0)];
  const s = Solution.decode(
    v1Solution({ evaluatedConstraints: rows, ...flags(false, true) }),
    "v1",
  );
  assert.deepEqual([s.feasible, s.feasibleRelaxed], [false, true]);
  assert.equal(s.constraints[0]!.removedReason!.reason, "presolve");
  // …and through v2 bytes.
  const m = fromBinary(V2SolutionSchema, s.toBytes());
  assert.deepEqual([m.feasible, m.feasibleRelaxed, m.feasibilityAtol], [false, true, 1e-6]);
  assert.equal(m.evaluatedRegularConstraints!.entries["1"]!.feasible, false);
  assert.equal(m.evaluatedRegularConstraints!.entries["2"]!.feasible, true);
  assert.equal(m.evaluatedRegularConstraints!.removedReasons["1"]!.reason, "presolve");
});

Deno.test("v1 solution: decision-variable kinds and bounds count in both flags", () => {
  const read = (state: number, kind: number, f: boolean, extra: object = {}) =>
    Solution.decode(
      v1Solution({
        state: { entries: { "1": state } },
        decisionVariables: [dv(1, kind, -10, 10, extra)],
        ...flags(f),
      }),
      "v1",
    );
  assert.equal(read(20, 3, false).feasible, false);
  assert.equal(read(0.5, 2, false).feasibleRelaxed, false);
  assert.equal(read(10 + 1e-6, 3, true).feasible, true);
  // An absent v1 bound is [0, 0] for the reference: 5 is out of it.
  const noBound = Solution.decode(
    v1Solution({
      state: { entries: { "1": 5 } },
      decisionVariables: [{ id: 1n, kind: 3 }],
      ...flags(false),
    }),
    "v1",
  );
  assert.deepEqual(noBound.decisionVariables[0]!.bound, { lower: 0, upper: 0 });
  assert.equal(noBound.feasible, false);
});

Deno.test("v1 solution: flags that contradict the values are refused, as the reference does", () => {
  const infeasible = { evaluatedConstraints: [ec(1, EQ, 1)] };
  rejects(
    () => Solution.decode(v1Solution({ ...infeasible, ...flags(true) }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /v1\.solution: inconsistent feasibility for solution: provided=true, computed=false/,
  );
  rejects(
    () => Solution.decode(v1Solution({ ...infeasible, ...flags(false, true) }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /inconsistent feasibility \(relaxed\) for solution: provided=true, computed=false/,
  );
  rejects(
    () =>
      Solution.decode(v1Solution({ evaluatedConstraints: [ec(1, EQ, A)], ...flags(false) }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /provided=false, computed=true/,
  );
  rejects(
    () =>
      Solution.decode(
        v1Solution({ state: { entries: { "1": 20 } }, ...flags(true) }),
        "v1",
      ),
    DecodeError,
    "DECODE_ERROR",
    /provided=true, computed=false/,
  );
});

Deno.test("v1 solution: without feasible_relaxed, feasible is the relaxed flag and feasible_unrelaxed the full one", () => {
  const removed = { evaluatedConstraints: [ec(1, EQ, 1, { removedReason: "r" })] };
  const s = Solution.decode(
    v1Solution({ ...removed, feasible: true, feasibleUnrelaxed: false }),
    "v1",
  );
  assert.deepEqual([s.feasible, s.feasibleRelaxed], [false, true]);
  rejects(
    () =>
      Solution.decode(v1Solution({ ...removed, feasible: true, feasibleUnrelaxed: true }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /provided=true, computed=false/,
  );
  rejects(
    () => Solution.decode(v1Solution({ feasible: true }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /provided=false, computed=true/,
  );
});

Deno.test("v1 solution: variable values are taken as the reference takes them", () => {
  const noValue = v1Solution({ state: { entries: {} }, ...flags(true) });
  rejects(
    () => Solution.decode(noValue, "v1"),
    DecodeError,
    "DECODE_ERROR",
    /variable 1 has no value/,
  );
  const fixed = Solution.decode(
    v1Solution({
      state: { entries: {} },
      decisionVariables: [dv(1, 3, -10, 10, { substitutedValue: 3 })],
      ...flags(true),
    }),
    "v1",
  );
  assert.equal(fixed.decisionVariables[0]!.value, 3);
  rejects(
    () =>
      Solution.decode(
        v1Solution({
          state: { entries: { "1": 5 } },
          decisionVariables: [dv(1, 3, -10, 10, { substitutedValue: 3 })],
          ...flags(true),
        }),
        "v1",
      ),
    DecodeError,
    "DECODE_ERROR",
    /overwrites substituted_value 3/,
  );
  rejects(
    () => Solution.decode(v1Solution({ state: { entries: { "1": NaN } }, ...flags(false) }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /value NaN is not finite/,
  );
  rejects(
    () =>
      Solution.decode(
        v1Solution({
          state: { entries: { "1": 1 } },
          decisionVariables: [dv(1, 2, 1.1, 1.9)],
          ...flags(false),
        }),
        "v1",
      ),
    DecodeError,
    "DECODE_ERROR",
    /bound \[1\.1, 1\.9\] admits no integer value/,
  );
});

Deno.test("v1 → v2: every constraint row carries the computed feasible; NaN cannot be written", () => {
  const rows = [ec(1, EQ, A), ec(2, LE, up(A)), ec(3, LE, -2)];
  const s = Solution.decode(v1Solution({ evaluatedConstraints: rows, ...flags(false) }), "v1");
  const m = fromBinary(V2SolutionSchema, s.toBytes());
  const got = Object.entries(m.evaluatedRegularConstraints!.entries).map(([k, e]) => [
    k,
    e.feasible,
  ]);
  assert.deepEqual(got, [["1", true], ["2", false], ["3", true]]);
  const back = Solution.decode(s.toBytes(), "v2");
  assert.deepEqual(back.constraints.map((c) => c.feasible), [true, false, true]);
  const nan = Solution.decode(
    v1Solution({ evaluatedConstraints: [ec(4, LE, NaN)], ...flags(false) }),
    "v1",
  );
  assert.equal(nan.constraints[0]!.feasible, false); // readable, as for the reference…
  rejects(
    () => nan.toBytes(), // …but ommx.v2 has no non-finite values: the reference refuses them
    EncodeError,
    "ENCODE_ERROR",
    /v2\.solution: the value of regular constraint 4 is NaN; ommx\.v2 requires finite values/,
  );
});

// ---------- the v2 writer on built solutions ----------

const row = (c: Partial<EvaluatedConstraint> & { id: number }): EvaluatedConstraint => ({
  kind: "regular",
  equality: "=",
  value: 0,
  usedDecisionVariableIds: [],
  subscripts: [],
  parameters: {},
  ...c,
});
const cont = (id: number, value: number) => ({
  id,
  kind: "continuous" as const,
  bound: { lower: -10, upper: 10 },
  subscripts: [],
  parameters: {},
  value,
});

Deno.test("v2 writer: fills in undefined derived fields, refuses contradicting ones", () => {
  const base = { state: new Map([[1, 1]]), objective: 0, decisionVariables: [cont(1, 1)] };
  const s = new Solution({ ...base, feasible: false, constraints: [row({ id: 1, value: 1 })] });
  const m = fromBinary(V2SolutionSchema, s.toBytes());
  assert.equal(m.evaluatedRegularConstraints!.entries["1"]!.feasible, false);
  assert.deepEqual([m.feasible, m.feasibleRelaxed, m.feasibilityAtol], [false, false, 1e-6]);
  rejects(
    () =>
      new Solution({ ...base, feasible: true, constraints: [row({ id: 1, value: 1 })] }).toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /feasible is true, but the values give false at feasibility_atol 0\.000001/,
  );
  rejects(
    () =>
      new Solution({
        ...base,
        feasible: true,
        constraints: [row({ id: 1, value: 0, feasible: false })],
      })
        .toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /feasible of regular constraint 1 \(value 0\) is false, but the values give true/,
  );
  rejects(
    () =>
      new Solution({
        ...base,
        feasible: false,
        feasibleRelaxed: false,
        constraints: [row({ id: 1, value: 1, removedReason: { reason: "r", parameters: {} } })],
      }).toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /feasible_relaxed is false, but the values give true/,
  );
  // A tolerance of the solution's own is used (and written).
  const loose = new Solution({
    ...base,
    feasible: true,
    feasibilityAtol: 0.1,
    constraints: [row({ id: 1, value: 0.05 })],
  });
  assert.equal(fromBinary(V2SolutionSchema, loose.toBytes()).feasibilityAtol, 0.1);
  for (const atol of [0, -1, NaN, Infinity]) {
    rejects(
      () => new Solution({ ...base, feasible: true, feasibilityAtol: atol }).toBytes(),
      EncodeError,
      "ENCODE_ERROR",
      /feasibility_atol .* must be finite and positive/,
    );
  }
  rejects(
    () => new Solution({ ...base, objective: Infinity, feasible: true }).toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /objective is Infinity/,
  );
  rejects(
    () => new Solution({ ...base, state: new Map([[1, NaN]]), feasible: false }).toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /the value of decision variable 1 is NaN/,
  );
});

function specialInstance(): Instance {
  const b = (id: number): DecisionVariable => ({
    id,
    kind: "binary",
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  });
  return new Instance({
    objective: Function.linear([[0, 1]]),
    decisionVariables: [b(0), b(1), b(2), {
      id: 10,
      kind: "continuous",
      bound: { lower: -5, upper: 5 },
      subscripts: [],
      parameters: {},
    }, {
      id: 11,
      kind: "continuous",
      bound: { lower: -5, upper: 5 },
      subscripts: [],
      parameters: {},
    }],
    indicatorConstraints: [{
      id: 1,
      indicatorVariable: 0,
      equality: "<=",
      function: Function.linear([[10, 1]], -1),
      subscripts: [],
      parameters: {},
    }],
    oneHotConstraints: [{ id: 2, variables: [0, 1, 2], subscripts: [], parameters: {} }],
    sos1Constraints: [{ id: 3, variables: [10, 11], subscripts: [], parameters: {} }],
  });
}

Deno.test("v2 writer: indicator_active, active_variable and feasible of special constraints", () => {
  const inst = specialInstance();
  const at = (s: Record<number, number>) =>
    fromBinary(
      V2SolutionSchema,
      Solution.evaluate(inst, new Map(Object.entries(s).map(([k, v]) => [Number(k), v]))).toBytes(),
    );
  const on = at({ 0: 1, 1: 0, 2: 0, 10: 3, 11: 0 });
  const ind = on.evaluatedIndicatorConstraints!.entries["1"]!;
  assert.deepEqual([ind.indicatorActive, ind.feasible], [true, false]);
  assert.equal(on.evaluatedOneHotConstraints!.entries["2"]!.activeVariable, 0n);
  assert.equal(on.evaluatedSos1Constraints!.entries["3"]!.activeVariable, 10n);
  assert.equal(on.feasible, false);
  const off = at({ 0: 0, 1: 1, 2: 0, 10: 3, 11: 3 });
  assert.deepEqual(
    [
      off.evaluatedIndicatorConstraints!.entries["1"]!.indicatorActive,
      off.evaluatedIndicatorConstraints!.entries["1"]!.feasible,
    ],
    [false, true],
  );
  assert.equal(off.evaluatedOneHotConstraints!.entries["2"]!.activeVariable, 1n);
  const sos = off.evaluatedSos1Constraints!.entries["3"]!;
  assert.deepEqual([sos.feasible, sos.activeVariable], [false, undefined]);
  const none = at({ 0: 0, 1: 0, 2: 0, 10: 0, 11: 0 });
  const oh = none.evaluatedOneHotConstraints!.entries["2"]!;
  assert.deepEqual([oh.feasible, oh.activeVariable], [false, undefined]);
  assert.equal(none.evaluatedSos1Constraints!.entries["3"]!.feasible, true);
  assert.throws(
    () => Solution.evaluate(inst, new Map([[0, 0.5], [1, 0], [2, 0], [10, 0], [11, 0]])),
    (e: unknown) =>
      e instanceof InvalidArgumentError &&
      /indicator variable 0 has value 0\.5, neither 0 nor 1/.test(e.message),
  );
  // A stated active variable that the values contradict is refused.
  const sol = Solution.evaluate(inst, new Map([[0, 1], [1, 0], [2, 0], [10, 0], [11, 0]]));
  const wrong = new Solution({
    ...sol.toData(),
    constraints: sol.constraints.map((c) => c.kind === "one-hot" ? { ...c, activeVariable: 2 } : c),
  });
  rejects(
    () => wrong.toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /active_variable of one-hot constraint 2 is 2, but the values give 0/,
  );
});

Deno.test("Solution.evaluate: variable kinds and bounds count, as in the reference's Solution", () => {
  const inst = new Instance({
    objective: Function.linear([[1, 1]]),
    decisionVariables: [{
      id: 1,
      kind: "integer",
      bound: { lower: 0, upper: 5 },
      subscripts: [],
      parameters: {},
    }],
  });
  const frac = Solution.evaluate(inst, new Map([[1, 2.5]]));
  assert.equal(inst.evaluateSummary({ 1: 2.5 }).feasible, false); // the same flags, cheaper
  assert.deepEqual([frac.feasible, frac.feasibleRelaxed], [false, false]);
  assert.equal(Solution.decode(frac.toBytes(), "v2").feasible, false);
  assert.equal(Solution.evaluate(inst, new Map([[1, 2]])).feasible, true);
});

// ---------- SampleSets ----------

const sv = (e: [number, number[]][]) => ({
  entries: e.map(([value, ids]) => ({ value, ids: ids.map(BigInt) })),
});
const sdv = (id: number, vals: [number, number[]][], kind = 3, lower = -10, upper = 10) => ({
  decisionVariable: dv(id, kind, lower, upper),
  samples: sv(vals),
});
const sc = (
  id: number,
  equality: number,
  vals: [number, number[]][],
  feasible?: Record<number, boolean>,
  extra: object = {},
) => ({
  id: BigInt(id),
  equality,
  evaluatedValues: sv(vals),
  ...(feasible ? { feasible } : {}),
  ...extra,
});
const v1SampleSet = (init: object) =>
  toBinary(
    V1SampleSetSchema,
    create(V1SampleSetSchema, {
      objectives: sv([[1, [0]], [2, [1]], [3, [2]]]),
      decisionVariables: [sdv(1, [[1, [0, 1]], [20, [2]]])], // sample 2 is out of the bound
      sense: 1,
      ...init,
    }),
  );
const obj = (m: ReadonlyMap<number, boolean>) => Object.fromEntries(m);

Deno.test("v1 sample set: several samples, =/<= at ±atol, removed constraints, variable bounds", () => {
  const constraints = [
    sc(1, EQ, [[0, [0]], [A, [1]], [up(A), [2]]], { 0: true, 1: true, 2: false }),
    sc(2, LE, [[-3, [0]], [up(A), [1]], [A, [2]]], { 0: true, 1: false, 2: true }, {
      removedReason: "relaxed",
    }),
  ];
  const ss = SampleSet.decode(v1SampleSet({ constraints }), "v1");
  assert.deepEqual(obj(ss.feasible), { 0: true, 1: false, 2: false });
  assert.deepEqual(obj(ss.feasibleRelaxed), { 0: true, 1: true, 2: false });
  assert.equal(ss.feasibilityAtol, 1e-6);
  assert.deepEqual([ss.get(1).feasible, ss.get(1).feasibleRelaxed], [false, true]);
  assert.deepEqual(ss.get(1).constraints.map((c) => c.feasible), [true, false]);
  // …and the v2 bytes carry full maps (partial or absent flags in v1 are computed).
  const m = fromBinary(V2SampleSetSchema, ss.toBytes());
  assert.deepEqual(m.feasible, { "0": true, "1": false, "2": false });
  assert.deepEqual(m.feasibleRelaxed, { "0": true, "1": true, "2": false });
  assert.deepEqual(m.sampledRegularConstraints!.entries["2"]!.feasible, {
    "0": true,
    "1": false,
    "2": true,
  });
  assert.equal(m.feasibilityAtol, 1e-6);
  const partial = SampleSet.decode(v1SampleSet({ constraints, feasible: { 0: true } }), "v1");
  assert.deepEqual(obj(partial.feasible), { 0: true, 1: false, 2: false });
  // The deprecated feasible_unrelaxed map is ignored, as by the reference.
  const legacy = SampleSet.decode(
    v1SampleSet({ constraints, feasibleUnrelaxed: { 0: false, 1: true, 2: true } }),
    "v1",
  );
  assert.deepEqual(obj(legacy.feasible), { 0: true, 1: false, 2: false });
});

Deno.test("v1 sample set: what the reference refuses is a DecodeError", () => {
  const ok = [sc(1, EQ, [[0, [0, 1, 2]]], { 0: true, 1: true, 2: true })];
  assert.equal(SampleSet.decode(v1SampleSet({ constraints: ok }), "v1").feasible.get(0), true);
  rejects(
    () => SampleSet.decode(v1SampleSet({ constraints: [sc(1, EQ, [[0, [0, 1, 2]]])] }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /constraint 1: feasible sample IDs must match evaluated values/,
  );
  rejects(
    () =>
      SampleSet.decode(
        v1SampleSet({
          constraints: [sc(1, EQ, [[0, [0, 1]], [A, [2]]], { 0: true, 1: true, 2: false })],
        }),
        "v1",
      ),
    DecodeError,
    "DECODE_ERROR",
    /inconsistent constraint feasibility for sample 2: provided=false, computed=true/,
  );
  rejects(
    () => SampleSet.decode(v1SampleSet({ constraints: ok, feasible: { 2: true } }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /inconsistent feasibility for sample 2: provided=true, computed=false/,
  );
  rejects(
    () => SampleSet.decode(v1SampleSet({ constraints: ok, feasibleRelaxed: { 2: true } }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /inconsistent feasibility \(relaxed\) for sample 2/,
  );
  rejects(
    () => SampleSet.decode(v1SampleSet({ decisionVariables: [sdv(1, [[1, [0, 1]]])] }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /decision variable 1 has no value for sample 2/,
  );
  rejects(
    () => SampleSet.decode(v1SampleSet({ decisionVariables: [sdv(1, [[NaN, [0, 1, 2]]])] }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /not finite/,
  );
});

const built = (
  constraints: SampledConstraint[],
  extra: Partial<ConstructorParameters<typeof SampleSet>[0]> = {},
) =>
  new SampleSet({
    sense: "minimize",
    objectives: SampledValues.fromMap({ 0: 1, 1: 2 }),
    decisionVariables: [{
      ...cont(1, 0),
      samples: SampledValues.fromMap({ 0: 1, 1: 2 }),
    }],
    constraints,
    ...extra,
  });
const sampled = (c: Partial<SampledConstraint> & { id: number }): SampledConstraint => ({
  kind: "regular",
  equality: "=",
  values: SampledValues.fromMap({ 0: 0, 1: 1 }),
  feasible: new Map(),
  usedDecisionVariableIds: [],
  subscripts: [],
  parameters: {},
  ...c,
});

Deno.test("v2 writer (sample sets): missing flags computed, contradictions and NaN refused", () => {
  const removed = sampled({ id: 1, removedReason: { reason: "r", parameters: {} } });
  const ss = built([removed]);
  assert.deepEqual(obj(ss.feasible), { 0: true, 1: false });
  assert.deepEqual(obj(ss.feasibleRelaxed), { 0: true, 1: true }); // computed, not copied
  const m = fromBinary(V2SampleSetSchema, ss.toBytes());
  assert.deepEqual(m.feasible, { "0": true, "1": false });
  assert.deepEqual(m.feasibleRelaxed, { "0": true, "1": true });
  assert.deepEqual(m.sampledRegularConstraints!.entries["1"]!.feasible, { "0": true, "1": false });
  rejects(
    () => built([sampled({ id: 1, feasible: new Map([[1, true]]) })]).toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /feasible of regular constraint 1 is true for sample 1, but the values give false/,
  );
  rejects(
    () => built([sampled({ id: 1 })], { feasible: new Map([[0, true], [1, true]]) }).toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /v2\.sample-set: feasible is true for sample 1/,
  );
  rejects(
    () => built([sampled({ id: 1, values: SampledValues.fromMap({ 0: 0, 1: NaN }) })]).toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /the value of regular constraint 1 is NaN in sample 1/,
  );
  rejects(
    () => built([sampled({ id: 1, values: SampledValues.fromMap({ 0: 0 }) })]).toBytes(),
    EncodeError,
    "ENCODE_ERROR",
    /regular constraint 1 has no value for sample 1/,
  );
});

Deno.test("v2 writer (sample sets): indicator_active and active_variable maps for every sample", () => {
  const inst = specialInstance();
  const s0 = Solution.evaluate(inst, new Map([[0, 1], [1, 0], [2, 0], [10, 0], [11, 0]]));
  const s1 = Solution.evaluate(inst, new Map([[0, 0], [1, 0], [2, 0], [10, 2], [11, 3]]));
  const samples = (id: number) =>
    SampledValues.fromMap({ 0: s0.state.get(id)!, 1: s1.state.get(id)! });
  const special = (c: EvaluatedConstraint): SampledConstraint => {
    const { value: _v, feasible: _f, indicatorActive: _a, activeVariable: _x, ...rest } = c;
    return {
      ...rest,
      values: c.kind === "indicator"
        ? SampledValues.fromMap({ 0: -1, 1: 1 })
        : new SampledValues(new Map()),
      feasible: new Map(),
    };
  };
  const ss = new SampleSet({
    sense: "minimize",
    objectives: SampledValues.fromMap({ 0: 1, 1: 0 }),
    decisionVariables: inst.decisionVariables.map((v) => ({ ...v, samples: samples(v.id) })),
    constraints: s0.constraints.map(special),
  });
  const m = fromBinary(V2SampleSetSchema, ss.toBytes());
  const ind = m.sampledIndicatorConstraints!.entries["1"]!;
  assert.deepEqual(ind.indicatorActive, { "0": true, "1": false });
  assert.deepEqual(ind.feasible, { "0": true, "1": true });
  const oh = m.sampledOneHotConstraints!.entries["2"]!;
  assert.deepEqual(oh.feasible, { "0": true, "1": false });
  assert.equal(oh.activeVariable["0"]!.variableId, 0n);
  assert.equal(oh.activeVariable["1"]!.variableId, undefined);
  const sos = m.sampledSos1Constraints!.entries["3"]!;
  assert.deepEqual(sos.feasible, { "0": true, "1": false });
  assert.deepEqual(Object.keys(sos.activeVariable), ["0", "1"]);
  assert.deepEqual(m.feasible, { "0": true, "1": false });
});
