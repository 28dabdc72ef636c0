// The direct `ommx.v2.Instance` writer (`_instance_wire_writer.ts`) against the message path
// (`instanceToV2Message` + the generated codec's `toBinary`, itself checked against protobuf-es by
// tests/protobuf_static_test.ts): the same bytes for random instances of the usual kind, and the
// message path's bytes for anything else (the writer declines it).
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { toBinary } from "../../core/_protobuf.ts";
import { Function } from "./function.ts";
import { InstanceSchema as V2InstanceSchema } from "./gen/ommx/v2/package_static.ts";
import type { Constraint, DecisionVariable, InstanceData } from "./instance_data.ts";
import { encodeInstanceData, instanceToV2Message } from "./_instance_wire.ts";
import { writeUsualInstance } from "./_instance_wire_writer.ts";

const id = fc.oneof(
  fc.integer({ min: 0, max: 20 }),
  fc.integer({ min: 0, max: 2 ** 32 + 5 }),
  fc.constantFrom(2 ** 32 - 2, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
);
const dbl = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, Infinity, -Infinity, 0.5),
);
const fn: fc.Arbitrary<Function> = fc.oneof(
  dbl.map((c) => Function.constant(c)),
  fc.tuple(fc.array(fc.tuple(id, dbl), { maxLength: 5 }), dbl).map(([t, c]) =>
    Function.linear(t, c)
  ),
  fc.tuple(fc.array(fc.tuple(id, id, dbl), { maxLength: 3 }), fc.array(fc.tuple(id, dbl))).map(
    ([q, l]) => Function.quadratic(q, l),
  ),
);
const kind = fc.constantFrom(
  "binary",
  "integer",
  "continuous",
  "semi-integer",
  "semi-continuous",
) as fc.Arbitrary<DecisionVariable["kind"]>;
const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom("__proto__", "1", "10", "b", "é"),
);

/** Usual rows (unique ids, any order), and sometimes what the writer leaves to the message path. */
const instanceData = fc.record({
  variables: fc.uniqueArray(
    fc.record({ id, kind, lower: dbl, upper: dbl, labelled: fc.boolean(), fixed: fc.boolean() }),
    { selector: (v) => v.id, maxLength: 8 },
  ),
  constraints: fc.uniqueArray(
    fc.record({ id, eq: fc.boolean(), f: fn, labelled: fc.boolean(), removed: fc.boolean() }),
    { selector: (c) => c.id, maxLength: 5 },
  ),
  objective: fn,
  sense: fc.constantFrom("minimize", "maximize", undefined),
  annotations: fc.dictionary(key, fc.string({ maxLength: 6 }), { maxKeys: 4 }),
  unusual: fc.constantFrom(
    "none",
    "none",
    "none",
    "label",
    "fixed",
    "removed",
    "parameters",
    "dependency",
    "description",
  ),
}).map((r): InstanceData => {
  const label = (on: boolean) => ({
    subscripts: [],
    parameters: {},
    ...(on ? { name: "x" } : {}),
  });
  const decisionVariables: DecisionVariable[] = r.variables.map((v, i) => ({
    id: v.id,
    kind: v.kind,
    bound: { lower: v.lower, upper: v.upper },
    ...label(r.unusual === "label" && i === 0 && v.labelled),
    ...(r.unusual === "fixed" && i === 0 && v.fixed ? { substitutedValue: 1 } : {}),
  }));
  const constraints: Constraint[] = r.constraints.map((c, i) => ({
    id: c.id,
    equality: c.eq ? "=" : "<=",
    function: c.f,
    ...label(r.unusual === "label" && i === 0 && c.labelled),
    ...(r.unusual === "removed" && i === 0 && c.removed
      ? { removedReason: { reason: "test", parameters: {} } }
      : {}),
  }));
  return {
    ...(r.sense !== undefined ? { sense: r.sense } : {}),
    objective: r.objective,
    decisionVariables,
    constraints,
    indicatorConstraints: [],
    oneHotConstraints: [],
    sos1Constraints: [],
    namedFunctions: [],
    decisionVariableDependency: r.unusual === "dependency"
      ? new Map([[0, Function.constant(1)]])
      : new Map(),
    annotations: { ...r.annotations },
    ...(r.unusual === "parameters" ? { parameterValues: new Map([[3, 1.5]]) } : {}),
    ...(r.unusual === "description" ? { description: { name: "d", authors: [] } } : {}),
  } as InstanceData;
});

Deno.test("v2 Instance writer: the message path's bytes for random instances", () => {
  let direct = 0;
  let declined = 0;
  fc.assert(
    fc.property(instanceData, (d) => {
      const want = toBinary(V2InstanceSchema, instanceToV2Message(d));
      const got = writeUsualInstance(d);
      if (got === undefined) declined++;
      else {
        direct++;
        assert.deepEqual(got, want);
      }
      assert.deepEqual(encodeInstanceData(d), want);
    }),
    { numRuns: 600 },
  );
  assert.ok(direct > 200 && declined > 20, `direct ${direct}, declined ${declined}`);
});

Deno.test("v2 Instance writer: declines what it does not write", () => {
  const base: InstanceData = {
    sense: "minimize",
    objective: Function.linear([[1, 2]], 1),
    decisionVariables: [{
      id: 1,
      kind: "binary",
      bound: { lower: 0, upper: 1 },
      subscripts: [],
      parameters: {},
    }],
    constraints: [],
    indicatorConstraints: [],
    oneHotConstraints: [],
    sos1Constraints: [],
    namedFunctions: [],
    decisionVariableDependency: new Map(),
    annotations: {},
  };
  assert.ok(writeUsualInstance(base) !== undefined);
  const v = base.decisionVariables[0]!;
  for (
    const d of [
      { ...base, decisionVariables: [{ ...v, name: "x" }] },
      { ...base, decisionVariables: [{ ...v, substitutedValue: 1 }] },
      { ...base, decisionVariables: [v, { ...v }] }, // a repeated id
      {
        ...base,
        namedFunctions: [{ id: 0, function: Function.constant(1), subscripts: [], parameters: {} }],
      },
      { ...base, parameterValues: new Map([[1, 1]]) },
      {
        ...base,
        outputObjective: {
          sense: "minimize",
          function: Function.constant(0),
          preservesOptimality: true,
        },
      },
    ] as InstanceData[]
  ) {
    assert.equal(writeUsualInstance(d), undefined);
    assert.deepEqual(encodeInstanceData(d), toBinary(V2InstanceSchema, instanceToV2Message(d)));
  }
});
