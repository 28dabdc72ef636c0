// The direct `ommx.v2.Solution` writer (`_solution_wire_writer.ts`) against the message path
// (`Solution.message` + the generated codec's `toBinary`, itself checked against protobuf-es by
// tests/protobuf_static_test.ts): `Solution.toBytes` gives the message path's bytes (or the same
// error) for random solutions, usual or not.
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { toBinary } from "../../core/_protobuf.ts";
import { Function } from "./function.ts";
import { Instance } from "./instance.ts";
import { Solution } from "./solution.ts";
import { SolutionSchema as V2SolutionSchema } from "./gen/ommx/v2/package_static.ts";

function outcome(f: () => Uint8Array): { ok: Uint8Array } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: String(e) };
  }
}

const id = fc.oneof(
  fc.integer({ min: 0, max: 20 }),
  fc.constantFrom(2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
);
const coefficient = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(-0, 0.5));
const kinds = ["binary", "integer", "continuous"] as const;

const solution = fc.record({
  variables: fc.uniqueArray(
    fc.record({ id, kind: fc.constantFrom(...kinds), value: fc.constantFrom(0, -0, 1, 2) }),
    { selector: (v) => v.id, minLength: 1, maxLength: 6 },
  ),
  constraints: fc.array(
    fc.record({
      terms: fc.array(fc.tuple(fc.nat(), coefficient), { maxLength: 3 }),
      constant: coefficient,
      eq: fc.boolean(),
      removed: fc.boolean(),
      dual: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
    }),
    { maxLength: 4 },
  ),
  objective: fc.array(fc.tuple(fc.nat(), coefficient), { maxLength: 3 }),
  sense: fc.constantFrom("minimize", "maximize") as fc.Arbitrary<"minimize" | "maximize">,
  optimality: fc.constantFrom("unspecified", "optimal", "not-optimal") as fc.Arbitrary<
    "unspecified" | "optimal" | "not-optimal"
  >,
  relaxation: fc.constantFrom("unspecified", "lp-relaxed") as fc.Arbitrary<
    "unspecified" | "lp-relaxed"
  >,
  annotations: fc.dictionary(
    fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom("__proto__", "7")),
    fc.string({ maxLength: 5 }),
    { maxKeys: 3 },
  ),
  labelled: fc.boolean(),
  atol: fc.constantFrom(undefined, 1e-6, 0.25),
}).map((r) => {
  const vars = r.variables;
  const pick = (i: number) => vars[i % vars.length]!.id;
  const instance = new Instance({
    sense: r.sense,
    objective: Function.linear(r.objective.map(([i, c]) => [pick(i), c])),
    decisionVariables: vars.map((v) => ({
      id: v.id,
      kind: v.kind,
      bound: v.kind === "binary" ? { lower: 0, upper: 1 } : { lower: -0, upper: 5 },
      subscripts: [],
      parameters: {},
      ...(r.labelled ? { name: "x" } : {}),
    })),
    constraints: r.constraints.map((c, i) => ({
      id: 2 ** 32 - 2 + i * 3,
      equality: c.eq ? "=" : "<=",
      function: Function.linear(c.terms.map(([j, k]) => [pick(j), k]), c.constant),
      subscripts: [],
      parameters: {},
    })),
  });
  const state = new Map(
    vars.map((v) => [v.id, v.kind === "binary" ? Math.min(v.value, 1) : v.value]),
  );
  const evaluated = instance.evaluate(state);
  const data = evaluated.toData();
  return new Solution({
    ...data,
    optimality: r.optimality,
    relaxation: r.relaxation,
    annotations: { ...r.annotations },
    ...(r.atol !== undefined ? { feasibilityAtol: r.atol } : {}),
    constraints: data.constraints.map((c, i) => ({
      ...c,
      ...(r.constraints[i]?.dual !== undefined ? { dualVariable: r.constraints[i]!.dual } : {}),
    })),
  });
});

Deno.test("v2 Solution writer: Solution.toBytes gives the message path's bytes", () => {
  let usual = 0;
  fc.assert(
    fc.property(solution, (s) => {
      const want = outcome(() => toBinary(V2SolutionSchema, s.message));
      assert.deepEqual(outcome(() => s.toBytes()), want);
      if ("ok" in want && s.decisionVariables.every((v) => v.name === undefined)) usual++;
    }),
    { numRuns: 400 },
  );
  assert.ok(usual > 100, `only ${usual} usual solutions`);
});

Deno.test("v2 Solution writer: what it declines still encodes as the message path", () => {
  const inst = new Instance({
    objective: Function.linear([[1, 3]]),
    decisionVariables: [{
      id: 1,
      kind: "integer",
      bound: { lower: 0, upper: 5 },
      subscripts: [],
      parameters: {},
    }],
    constraints: [{
      id: 0,
      equality: "<=",
      function: Function.linear([[1, 1]], -4),
      subscripts: [],
      parameters: {},
    }],
  });
  const s = Solution.evaluate(inst, new Map([[1, 2]]));
  const data = s.toData();
  for (
    const other of [
      s,
      new Solution({ ...data, metadata: { startedAt: undefined } as never }),
      new Solution({ ...data, constraints: data.constraints.map((c) => ({ ...c, name: "c" })) }),
      new Solution({ ...data, constraints: [...data.constraints, data.constraints[0]!] }),
    ]
  ) {
    assert.deepEqual(
      outcome(() => other.toBytes()),
      outcome(() => toBinary(V2SolutionSchema, other.message)),
    );
  }
});
