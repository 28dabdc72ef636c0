import assert from "node:assert/strict";
import { create, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { DecodeError, UnsupportedError } from "../../core/errors.ts";
import { rejects } from "./_rejects_test_util.ts";
import {
  OMMX_CODECS,
  ommxV1InstanceCodec,
  ommxV1ParametricInstanceCodec,
  ommxV1SampleSetCodec,
  ommxV1SolutionCodec,
  ommxV2InstanceCodec,
  ommxV2ParametricInstanceCodec,
  ommxV2SampleSetCodec,
  ommxV2SolutionCodec,
} from "./codecs.ts";
import { Function } from "./function.ts";
import { InstanceSchema as V1InstanceSchema } from "./gen/ommx/v1/instance_pb.ts";
import { ParametricInstanceSchema as V1ParametricInstanceSchema } from "./gen/ommx/v1/parametric_instance_pb.ts";
import { SampleSetSchema as V1SampleSetSchema } from "./gen/ommx/v1/sample_set_pb.ts";
import { SolutionSchema as V1SolutionSchema } from "./gen/ommx/v1/solution_pb.ts";
import { InstanceSchema as V2InstanceSchema } from "./gen/ommx/v2/instance_pb.ts";
import { SampleSetSchema as V2SampleSetSchema } from "./gen/ommx/v2/sample_set_pb.ts";
import { SolutionSchema as V2SolutionSchema } from "./gen/ommx/v2/solution_pb.ts";
import { Instance } from "./instance.ts";
import type { DecisionVariable } from "./instance_data.ts";
import { ParametricInstance } from "./instance.ts";
import { SampledValues } from "./sampled_values.ts";
import { SampleSet } from "./sample_set.ts";
import { Solution } from "./solution.ts";

const bin = (id: number, name?: string): DecisionVariable => ({
  id,
  kind: "binary",
  bound: { lower: 0, upper: 1 },
  subscripts: name ? [id] : [],
  parameters: {},
  ...(name ? { name } : {}),
});

function richInstance(): Instance {
  return new Instance({
    description: { name: "demo", authors: ["A", "B"], license: "MIT" },
    sense: "maximize",
    objective: Function.quadratic([[1, 2, 2]], [[3, 1.5]], 0.25),
    decisionVariables: [bin(1, "x"), bin(2, "x"), {
      id: 3,
      kind: "integer",
      bound: { lower: -2, upper: 5 },
      subscripts: [],
      parameters: { unit: "kg" },
      description: "weight",
    }, bin(4)],
    constraints: [
      {
        id: 0,
        equality: "<=",
        function: Function.linear([[1, 1], [2, 1]], -1),
        subscripts: [],
        parameters: {},
        name: "cap",
      },
      {
        id: 1,
        equality: "=",
        function: Function.linear([[3, 1]], -2),
        subscripts: [],
        parameters: {},
        removedReason: { reason: "presolve", parameters: { k: "v" } },
      },
    ],
    indicatorConstraints: [{
      id: 5,
      indicatorVariable: 4,
      equality: "<=",
      function: Function.linear([[3, 1]], -4),
      subscripts: [],
      parameters: {},
    }],
    oneHotConstraints: [{ id: 6, variables: [1, 2], subscripts: [], parameters: {} }],
    sos1Constraints: [{
      id: 7,
      variables: [3, 4],
      subscripts: [],
      parameters: {},
      removedReason: { reason: "r", parameters: {} },
    }],
    namedFunctions: [{
      id: 9,
      function: Function.polynomial([{ ids: [1, 2, 3], coefficient: 2 }]),
      subscripts: [],
      parameters: {},
      name: "cube",
    }],
    annotations: { "org.example.k": "v" },
  });
}

Deno.test("OMMX_CODECS covers the eight media types exactly once", () => {
  const types = OMMX_CODECS.map((c) => c.mediaType).sort();
  assert.deepEqual(types, [
    "application/org.ommx.v1.instance",
    "application/org.ommx.v1.parametric-instance",
    "application/org.ommx.v1.sample-set",
    "application/org.ommx.v1.solution",
    "application/org.ommx.v2.instance",
    "application/org.ommx.v2.parametric-instance",
    "application/org.ommx.v2.sample-set",
    "application/org.ommx.v2.solution",
  ]);
});

Deno.test("v2 instance round trip keeps every collection, label and annotation", async () => {
  const inst = richInstance();
  const back =
    (await ommxV2InstanceCodec.decode(await ommxV2InstanceCodec.encode(inst))) as Instance;
  assert.equal(back.version, "v2");
  assert.equal(back.message.$typeName, "ommx.v2.Instance");
  assert.deepEqual(back.description, inst.description);
  assert.equal(back.sense, "maximize");
  assert.deepEqual(back.variableIds, [1, 2, 3, 4]);
  assert.deepEqual(back.decisionVariables, inst.decisionVariables);
  assert.deepEqual(back.constraintIds, [0]);
  assert.equal(back.constraints[0]!.name, "cap");
  assert.deepEqual(back.removedConstraints.map((c) => c.removedReason), [{
    reason: "presolve",
    parameters: { k: "v" },
  }]);
  assert.equal(back.numConstraints, 3); // regular 0, indicator 5, one-hot 6 (regular 1 and SOS1 7 removed)
  assert.equal(back.namedFunctions[0]!.name, "cube");
  assert.deepEqual(back.extensionAnnotations, { "org.example.k": "v" });
  assert.deepEqual(back.annotations, {
    "org.ommx.v1.instance.title": "demo",
    "org.ommx.v1.instance.authors": "A,B",
    "org.ommx.v1.instance.license": "MIT",
    "org.ommx.v1.instance.variables": "4",
    "org.ommx.v1.instance.constraints": "3",
    "org.example.k": "v",
  });
  const state = { 1: 1, 2: 0, 3: 2, 4: 1 };
  assert.deepEqual(back.evaluate(state), inst.evaluate(state));
  const ev = back.evaluate(state);
  assert.equal(ev.objective, 0 + 3 + 0.25);
  assert.equal(ev.feasibleRelaxed, true);
  assert.equal(ev.feasible, false); // removed SOS1 {3,4} has two non-zeros; removed x3=2 fine
  assert.ok(ev.constraints.find((c) => c.kind === "sos1")!.removedReason);
  assert.equal(
    back.evaluateSummary(state).constraints.find((c) => c.kind === "sos1")!.removed,
    true,
  );
});

Deno.test("evaluate: tolerance option and violation values", () => {
  const inst = new Instance({
    objective: Function.constant(0),
    decisionVariables: [{
      id: 1,
      kind: "continuous",
      bound: { lower: -9, upper: 9 },
      subscripts: [],
      parameters: {},
    }],
    constraints: [
      { id: 0, equality: "=", function: Function.linear([[1, 1]]), subscripts: [], parameters: {} },
      {
        id: 1,
        equality: "<=",
        function: Function.linear([[1, 1]]),
        subscripts: [],
        parameters: {},
      },
    ],
  });
  const ev = inst.evaluateSummary({ 1: 1e-5 });
  assert.equal(ev.constraints[0]!.violation, 1e-5);
  assert.equal(ev.feasible, false);
  assert.equal(inst.evaluate({ 1: 1e-5 }).feasible, false);
  assert.equal(inst.evaluate({ 1: 1e-5 }, { atol: 1e-4 }).feasible, true);
  assert.equal(inst.evaluateSummary({ 1: 1e-5 }, { tolerance: 1e-4 }).feasible, true);
  assert.equal(inst.evaluateSummary(new Map([[1, -3]])).constraints[1]!.violation, 0);
  assert.equal(inst.evaluate(new Map([[1, -3]])).feasible, false); // equality violated by 3
  assert.throws(
    () => inst.evaluate({}),
    (e: unknown) => e instanceof Error && /missing/.test(e.message),
  );
});

Deno.test("v1 instance payload decodes (generic encoder as the producer)", async () => {
  const msg = create(V1InstanceSchema, {
    description: { name: "v1", authors: ["X"] },
    decisionVariables: [{
      id: 1n,
      kind: 1,
      bound: { lower: 0, upper: 1 },
      name: "x",
      subscripts: [-3n],
    }, { id: 2n, kind: 3 }],
    objective: {
      function: {
        case: "linear",
        value: { terms: [{ id: 1n, coefficient: 2 }, { id: 2n, coefficient: 1 }], constant: 1 },
      },
    },
    constraints: [{
      id: 4n,
      equality: 2,
      function: { function: { case: "constant", value: -1 } },
      name: "c",
    }],
    removedConstraints: [{
      constraint: {
        id: 5n,
        equality: 1,
        function: { function: { case: "linear", value: { terms: [{ id: 2n, coefficient: 1 }] } } },
      },
      removedReason: "fixed",
    }],
    sense: 0,
    parameters: { entries: { "7": 3.5 } },
    annotations: { "org.example.x": "1" },
  });
  const inst = (await ommxV1InstanceCodec.decode(toBinary(V1InstanceSchema, msg))) as Instance;
  assert.equal(inst.version, "v1");
  assert.equal(inst.message.$typeName, "ommx.v1.Instance");
  assert.equal(inst.sense, "minimize"); // UNSPECIFIED reads as minimize for v1
  assert.deepEqual(inst.decisionVariables[0]!.subscripts, [-3]);
  // An absent v1 bound is `[0, 0]` for the reference (the protobuf default), not unbounded.
  assert.deepEqual(inst.decisionVariables[1]!.bound, { lower: 0, upper: 0 });
  assert.equal(inst.removedConstraints[0]!.removedReason!.reason, "fixed");
  assert.equal(inst.parameterValues?.get(7), 3.5);
  assert.equal(inst.evaluate({ 1: 1, 2: 0 }).objective, 3);
  assert.throws(
    () => ommxV1InstanceCodec.encode(inst),
    (e: unknown) => e instanceof UnsupportedError && e.code === "UNSUPPORTED",
  );
});

Deno.test("parametric instance: v2 round trip, v1 decode, withParameters", async () => {
  const pi = new ParametricInstance({
    objective: Function.quadratic([[1, 100, 3]], [[1, 1]]),
    decisionVariables: [bin(1)],
    parameters: [{ id: 100, name: "p", subscripts: [], parameters: {} }],
    constraints: [{
      id: 0,
      equality: "<=",
      function: Function.linear([[1, 1], [100, -1]]),
      subscripts: [],
      parameters: {},
    }],
  });
  const back = (await ommxV2ParametricInstanceCodec.decode(
    await ommxV2ParametricInstanceCodec.encode(pi),
  )) as ParametricInstance;
  assert.deepEqual(back.parameterIds, [100]);
  assert.equal(back.parameters[0]!.name, "p");
  const inst = back.withParameters(new Map([[100, 2]]));
  assert.equal(inst.objective.kind, "linear");
  assert.equal(inst.evaluate({ 1: 1 }).objective, 7);
  assert.equal(inst.evaluate({ 1: 1 }).constraints[0]!.value, -1);
  assert.equal(inst.parameterValues?.get(100), 2);
  assert.throws(
    () => back.withParameters({}),
    (e: unknown) => e instanceof Error && (e as { code?: string }).code === "INVALID_ARGUMENT",
  );
  const v1 = toBinary(
    V1ParametricInstanceSchema,
    create(V1ParametricInstanceSchema, {
      decisionVariables: [{ id: 1n, kind: 1 }],
      parameters: [{ id: 100n }],
      objective: {
        function: { case: "quadratic", value: { rows: [1n], columns: [100n], values: [3] } },
      },
    }),
  );
  const d1 = (await ommxV1ParametricInstanceCodec.decode(v1)) as ParametricInstance;
  assert.equal(d1.withParameters({ 100: 2 }).evaluate({ 1: 1 }).objective, 6);
  assert.throws(() => ommxV1ParametricInstanceCodec.encode(d1), UnsupportedError);
});

Deno.test("solution: evaluate → v2 round trip; v1 decode", async () => {
  const inst = richInstance();
  const sol = Solution.evaluate(inst, new Map([[1, 1], [2, 0], [3, 2], [4, 0]]));
  const back =
    (await ommxV2SolutionCodec.decode(await ommxV2SolutionCodec.encode(sol))) as Solution;
  assert.equal(back.objective, sol.objective);
  assert.equal(back.feasible, sol.feasible);
  assert.equal(back.feasibleRelaxed, sol.feasibleRelaxed);
  assert.equal(back.sense, "maximize");
  assert.deepEqual([...back.state], [[1, 1], [2, 0], [3, 2], [4, 0]]);
  assert.deepEqual(back.constraints.map((c) => `${c.kind}:${c.id}`).sort(), [
    "indicator:5",
    "one-hot:6",
    "regular:0",
    "regular:1",
    "sos1:7",
  ]);
  assert.equal(back.constraints.find((c) => c.id === 1)!.removedReason!.reason, "presolve");
  assert.equal(back.decisionVariables[0]!.name, "x");
  const v1 = toBinary(
    V1SolutionSchema,
    create(V1SolutionSchema, {
      state: { entries: { "1": 1, "2": 0 } },
      decisionVariables: [1n, 2n].map((id) => ({ id, kind: 1, bound: { lower: 0, upper: 1 } })),
      objective: 4,
      feasible: true,
      feasibleRelaxed: true,
      optimality: 1,
      sense: 2,
      metadata: { solver: "{}" },
      evaluatedConstraints: [{
        id: 3n,
        equality: 2,
        evaluatedValue: -1,
        usedDecisionVariableIds: [1n],
      }],
    }),
  );
  const s1 = (await ommxV1SolutionCodec.decode(v1)) as Solution;
  assert.equal(s1.objective, 4);
  assert.equal(s1.optimality, "optimal");
  assert.equal(s1.sense, "maximize");
  assert.equal(s1.feasibleRelaxed, true);
  assert.equal(s1.feasibilityAtol, 1e-6);
  assert.equal(s1.constraints[0]!.feasible, true); // computed from -1 `<=` 0, as the reference does
  assert.deepEqual(s1.metadata, { solver: "{}" });
  assert.deepEqual(s1.constraints[0]!.usedDecisionVariableIds, [1]);
  assert.equal(s1.state.get(2), 0);
  assert.throws(() => ommxV1SolutionCodec.encode(s1), UnsupportedError);
});

Deno.test("sample set: v2 round trip, best(), get(); v1 decode", async () => {
  const ss = new SampleSet({
    sense: "maximize",
    objectives: SampledValues.fromMap({ 0: 1, 1: 5, 2: 9 }),
    feasible: new Map([[0, true], [1, true], [2, false]]),
    decisionVariables: [{ ...bin(1), samples: SampledValues.fromMap({ 0: 0, 1: 1, 2: 1 }) }],
    constraints: [{
      id: 0,
      kind: "regular",
      equality: "<=",
      subscripts: [],
      parameters: {},
      values: SampledValues.fromMap({ 0: -1, 1: 0, 2: 1 }),
      feasible: new Map([[0, true], [1, true], [2, false]]),
      usedDecisionVariableIds: [1],
    }],
    metadata: { instance: "sha256:00" },
  });
  const back =
    (await ommxV2SampleSetCodec.decode(await ommxV2SampleSetCodec.encode(ss))) as SampleSet;
  assert.deepEqual(back.sampleIdsList, [0, 1, 2]);
  assert.deepEqual([...back.objectives], [[0, 1], [1, 5], [2, 9]]);
  assert.equal(back.feasible.get(2), false);
  assert.equal(back.best()!.objective, 5); // sample 2 is infeasible
  assert.equal(back.get(1).state.get(1), 1);
  assert.equal(back.get(2).constraints[0]!.value, 1);
  assert.throws(
    () => back.get(42),
    (e: unknown) =>
      e instanceof Error && (e as { code?: string }).code === "NOT_FOUND" &&
      e.message === "Unknown sample ID: 42",
  );
  assert.deepEqual(back.metadata, { instance: "sha256:00" });
  assert.equal(back.message.$typeName, "ommx.v2.SampleSet");
  const v1 = toBinary(
    V1SampleSetSchema,
    create(V1SampleSetSchema, {
      objectives: { entries: [{ value: 2, ids: [0n, 3n] }, { value: 1, ids: [1n] }] },
      decisionVariables: [{
        decisionVariable: { id: 8n, kind: 2, bound: { lower: 0, upper: 10 } },
        samples: { entries: [{ value: 4, ids: [0n, 3n] }, { value: 11, ids: [1n] }] },
      }],
      feasible: { "0": true, "1": false, "3": true }, // sample 1 is out of the bound
      sense: 0,
    }),
  );
  const s1 = (await ommxV1SampleSetCodec.decode(v1)) as SampleSet;
  assert.equal(s1.sense, "minimize");
  assert.deepEqual(s1.sampleIdsList, [0, 1, 3]);
  assert.equal(s1.best()!.objective, 2);
  assert.equal(s1.get(3).state.get(8), 4);
  assert.deepEqual([...s1.feasibleRelaxed], [...s1.feasible]);
  assert.throws(() => ommxV1SampleSetCodec.encode(s1), UnsupportedError);
});

// ---------- reader rules ----------

const v2Base = () => ({
  decisionVariables: { entries: { "1": { kind: 1, bound: { lower: 0, upper: 1 } } } },
  objective: { function: { case: "constant" as const, value: 0 } },
  sense: 1,
});

Deno.test("malformed protobuf is a DecodeError naming the media type (every codec)", () => {
  for (const codec of OMMX_CODECS) {
    rejects(
      () => codec.decode(new Uint8Array([0x0a, 0x05, 0x01])),
      DecodeError,
      "DECODE_ERROR",
      new RegExp(codec.mediaType.replaceAll(".", "\\.")),
    );
  }
});

Deno.test("v2 reader rules: features, sense, required fields, annotations, IDs", () => {
  const enc = (init: object) =>
    toBinary(V2InstanceSchema, create(V2InstanceSchema, { ...v2Base(), ...init }));
  assert.equal(Instance.decode(enc({}), "v2").numVariables, 1);
  rejects(
    () => Instance.decode(enc({ requiredFeatures: [9] }), "v2"),
    UnsupportedError,
    "UNSUPPORTED",
    /unknown required feature 9.*v2\.instance|v2\.instance.*unknown required feature 9/,
  );
  rejects(
    () => Instance.decode(enc({ requiredFeatures: [0] }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /FEATURE_UNSPECIFIED/,
  );
  rejects(
    () => Instance.decode(enc({ requiredFeatures: [2] }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /one-hot/,
  );
  rejects(
    () =>
      Instance.decode(enc({ oneHotConstraints: { active: { "1": { variables: [1n] } } } }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /omits one-hot/,
  );
  assert.equal(
    Instance.decode(
      enc({
        requiredFeatures: [2, 2],
        oneHotConstraints: { active: { "1": { variables: [1n] } } },
      }),
      "v2",
    ).numConstraints,
    1,
  );
  rejects(() => Instance.decode(enc({ sense: 0 }), "v2"), DecodeError, "DECODE_ERROR", /Sense/);
  rejects(
    () => Instance.decode(enc({ objective: undefined }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /objective is missing/,
  );
  rejects(
    () => Instance.decode(enc({ decisionVariables: undefined }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /decision_variables is missing/,
  );
  rejects(
    () => Instance.decode(enc({ annotations: { "org.ommx.v1.instance.title": "x" } }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /reserved annotation key/,
  );
  rejects(
    () =>
      Instance.decode(
        enc({
          objective: {
            function: { case: "linear", value: { terms: [{ id: 5n, coefficient: 1 }] } },
          },
        }),
        "v2",
      ),
    DecodeError,
    "DECODE_ERROR",
    /undefined variable 5/,
  );
  rejects(
    () => Instance.decode(enc({ objective: { function: { case: undefined } } }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /oneof is unset/,
  );
  rejects(
    () =>
      Instance.decode(
        enc({ objective: { function: { case: "constant", value: Infinity } } }),
        "v2",
      ),
    DecodeError,
    "DECODE_ERROR",
    /non-finite/,
  );
  rejects(
    () =>
      Instance.decode(
        enc({
          regularConstraints: {
            active: {
              "1": { equality: 0, function: { function: { case: "constant", value: 0 } } },
            },
          },
        }),
        "v2",
      ),
    DecodeError,
    "DECODE_ERROR",
    /Equality 0/,
  );
  rejects(
    () => Instance.decode(enc({ regularConstraints: { active: { "1": { equality: 1 } } } }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /no function/,
  );
  rejects(
    () => Instance.decode(enc({ decisionVariables: { entries: { "1": { kind: 1 } } } }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /no bound/,
  );
  rejects(
    () =>
      Instance.decode(
        enc({ decisionVariables: { entries: { "1": { kind: 9, bound: {} } } } }),
        "v2",
      ),
    DecodeError,
    "DECODE_ERROR",
    /Kind 9/,
  );
  const row = { equality: 1, function: { function: { case: "constant" as const, value: 0 } } };
  rejects(
    () =>
      Instance.decode(
        enc({ regularConstraints: { active: { "1": row }, removed: { "1": row } } }),
        "v2",
      ),
    DecodeError,
    "DECODE_ERROR",
    /both active and removed/,
  );
  rejects(
    () =>
      Instance.decode(
        enc({ regularConstraints: { active: { "1": row }, contexts: { "8": {} } } }),
        "v2",
      ),
    DecodeError,
    "DECODE_ERROR",
    /unknown constraint 8/,
  );
});

Deno.test("v1 reader rules: format_version, reserved keys, lenient sense", () => {
  const base = { objective: { function: { case: "constant" as const, value: 1 } } };
  const enc = (init: object) =>
    toBinary(V1InstanceSchema, create(V1InstanceSchema, { ...base, ...init }));
  rejects(
    () => Instance.decode(enc({ formatVersion: 1 }), "v1"),
    UnsupportedError,
    "UNSUPPORTED",
    /format_version 1/,
  );
  rejects(
    () => Instance.decode(enc({ annotations: { "org.ommx.v1.x": "y" } }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /reserved/,
  );
  assert.equal(Instance.decode(enc({ sense: 7 }), "v1").sense, "minimize");
  rejects(
    () => Instance.decode(enc({ objective: undefined }), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /objective is missing/,
  );
  const sol = (init: object) => toBinary(V1SolutionSchema, create(V1SolutionSchema, init));
  // (an empty v1 Solution claims feasible_unrelaxed=false: the reference refuses it, so do we)
  const ok = { feasible: true, feasibleRelaxed: true };
  assert.equal(Solution.decode(sol({ ...ok, sense: 0 }), "v1").sense, undefined);
  rejects(() => Solution.decode(sol({ sense: 5 }), "v1"), DecodeError, "DECODE_ERROR", /Sense 5/);
  rejects(
    () => Solution.decode(sol({ formatVersion: 3 }), "v1"),
    UnsupportedError,
    "UNSUPPORTED",
    /v1\.solution/,
  );
  const ss = (init: object) => toBinary(V1SampleSetSchema, create(V1SampleSetSchema, init));
  rejects(
    () => SampleSet.decode(ss({}), "v1"),
    DecodeError,
    "DECODE_ERROR",
    /objectives is missing/,
  );
});

Deno.test("v2 solution / sample-set reader rules", () => {
  const sol = (init: object) =>
    toBinary(V2SolutionSchema, create(V2SolutionSchema, { decisionVariables: {}, ...init }));
  assert.equal(Solution.decode(sol({}), "v2").sense, undefined);
  rejects(
    () => Solution.decode(sol({ feasibilityAtol: 0 }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /feasibility_atol/,
  );
  // Feature 4 (output objective) is known and ignored here, as ommx 3.0.0b7 does; 5 is unknown.
  assert.equal(Solution.decode(sol({ requiredFeatures: [4] }), "v2").sense, undefined);
  rejects(
    () => Solution.decode(sol({ requiredFeatures: [5] }), "v2"),
    UnsupportedError,
    "UNSUPPORTED",
    /v2\.solution.*unknown required feature 5/,
  );
  rejects(
    () => Solution.decode(sol({ objective: NaN }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /not finite/,
  );
  rejects(
    () => Solution.decode(toBinary(V2SolutionSchema, create(V2SolutionSchema, {})), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /decision_variables is missing/,
  );
  const ss = (init: object) =>
    toBinary(
      V2SampleSetSchema,
      create(V2SampleSetSchema, { objectives: {}, decisionVariables: {}, sense: 1, ...init }),
    );
  assert.deepEqual(SampleSet.decode(ss({}), "v2").sampleIdsList, []);
  assert.deepEqual(SampleSet.decode(ss({ requiredFeatures: [4] }), "v2").sampleIdsList, []);
  rejects(
    () => SampleSet.decode(ss({ requiredFeatures: [4, 5] }), "v2"),
    UnsupportedError,
    "UNSUPPORTED",
    /unknown required feature 5/,
  );
  rejects(() => SampleSet.decode(ss({ sense: 0 }), "v2"), DecodeError, "DECODE_ERROR", /Sense 0/);
  rejects(
    () => SampleSet.decode(ss({ requiredFeatures: [3] }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /sos1/,
  );
  rejects(
    () => SampleSet.decode(ss({ objectives: undefined }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /objectives is missing/,
  );
  rejects(
    () =>
      SampleSet.decode(
        ss({ decisionVariables: { entries: { "1": { kind: 1, bound: {} } } } }),
        "v2",
      ),
    DecodeError,
    "DECODE_ERROR",
    /no samples/,
  );
});
