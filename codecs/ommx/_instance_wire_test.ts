// The v2 output objective (field 14 of Instance / ParametricInstance, feature 4): not in the
// 3.0.0b4 spec; the rules below were checked against ommx 3.0.0b7 (docs/format-notes.md).
import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { DecodeError, UnsupportedError } from "../../core/errors.ts";
import { rejects } from "./_rejects_test_util.ts";
import { ommxV2InstanceCodec, ommxV2ParametricInstanceCodec } from "./codecs.ts";
import { Function } from "./function.ts";
import { functionToMessage } from "./_wire_common.ts";
import { InstanceSchema as V2InstanceSchema } from "./gen/ommx/v2/instance_pb.ts";
import { ParametricInstanceSchema as V2ParametricInstanceSchema } from "./gen/ommx/v2/parametric_instance_pb.ts";
import { Feature } from "./gen/ommx/v2/common_pb.ts";
import { OutputObjectiveSchema } from "./gen/ommx/v2/output_objective_pb.ts";
import { Instance } from "./instance.ts";
import type { DecisionVariable } from "./instance_data.ts";
import { ParametricInstance } from "./instance.ts";
import { Solution } from "./solution.ts";

const bin = (id: number): DecisionVariable => ({
  id,
  kind: "binary",
  bound: { lower: 0, upper: 1 },
  subscripts: [],
  parameters: {},
});

// What ommx 3.0.0b7 writes after `convert_active_objective(Sense.Minimize)` on
// "maximize 3*x0 + x1": active pair (minimize, -3*x0 - x1), output (maximize, 3*x0 + x1).
const converted = (init: object = {}) =>
  toBinary(
    V2InstanceSchema,
    create(V2InstanceSchema, {
      requiredFeatures: [Feature.OUTPUT_OBJECTIVE],
      decisionVariables: {
        entries: {
          "0": { kind: 1, bound: { lower: 0, upper: 1 } },
          "1": { kind: 1, bound: { lower: 0, upper: 1 } },
        },
      },
      objective: functionToMessage(Function.linear([[0, -3], [1, -1]])),
      sense: 1,
      outputObjective: {
        sense: 2,
        function: functionToMessage(Function.linear([[0, 3], [1, 1]])),
        preservesOptimality: true,
      },
      ...init,
    }),
  );

Deno.test("output objective: decoded, reported by evaluate and Solution.evaluate", () => {
  assert.equal(Feature.OUTPUT_OBJECTIVE, 4);
  const inst = Instance.decode(converted(), "v2");
  assert.equal(inst.sense, "minimize");
  assert.equal(inst.objective.evaluate({ 0: 1, 1: 0 }), -3);
  const out = inst.outputObjective!;
  assert.equal(out.sense, "maximize");
  assert.equal(out.function.evaluate({ 0: 1, 1: 0 }), 3);
  assert.equal(out.preservesOptimality, true);
  const ev = inst.evaluate({ 0: 1, 1: 0 });
  assert.equal(ev.objective, 3);
  assert.equal(ev.sense, "maximize");
  const sol = Solution.evaluate(inst, new Map([[0, 1], [1, 0]]));
  assert.equal(sol.objective, 3);
  assert.equal(sol.sense, "maximize");
  // Without an output objective, evaluate reports the active pair.
  const { outputObjective: _dropped, ...rest } = inst.toData();
  const plain = new Instance(rest);
  assert.equal(plain.outputObjective, undefined);
  assert.deepEqual(
    [plain.evaluate({ 0: 1, 1: 0 }).objective, plain.evaluate({ 0: 1, 1: 0 }).sense],
    [-3, "minimize"],
  );
});

Deno.test("output objective: v2 round trip lists feature 4 exactly when present", async () => {
  const inst = await ommxV2InstanceCodec.decode(converted());
  const bytes = await ommxV2InstanceCodec.encode(inst);
  const m = fromBinary(V2InstanceSchema, bytes);
  assert.deepEqual(m.requiredFeatures, [Feature.OUTPUT_OBJECTIVE]);
  assert.equal(m.outputObjective?.sense, 2);
  assert.equal(m.outputObjective?.preservesOptimality, true);
  const back = Instance.decode(bytes, "v2");
  assert.deepEqual(back.outputObjective?.function.toMonomials(), [{ ids: [0], coefficient: 3 }, {
    ids: [1],
    coefficient: 1,
  }]);
  assert.equal(back.outputObjective?.preservesOptimality, true);
  // preserves_optimality false is the proto3 default: omitted, read back as false.
  const f = new Instance({
    ...back.toData(),
    outputObjective: { ...back.outputObjective!, preservesOptimality: false },
  });
  assert.equal(Instance.decode(f.toBytes(), "v2").outputObjective?.preservesOptimality, false);
  // Ascending after the constraint features.
  const withOneHot = new Instance({
    ...back.toData(),
    oneHotConstraints: [{ id: 3, variables: [0, 1], subscripts: [], parameters: {} }],
  });
  assert.deepEqual(fromBinary(V2InstanceSchema, withOneHot.toBytes()).requiredFeatures, [2, 4]);
  // Absent → no feature 4, no field 14.
  const none = new Instance({ objective: Function.linear([[0, 1]]), decisionVariables: [bin(0)] });
  const nm = fromBinary(V2InstanceSchema, none.toBytes());
  assert.deepEqual(nm.requiredFeatures, []);
  assert.equal(nm.outputObjective, undefined);
  // mergeLayerAnnotations keeps it.
  assert.equal(
    back.mergeLayerAnnotations({ "org.ommx.user.k": "v" }).outputObjective?.sense,
    "maximize",
  );
});

Deno.test("output objective reader rules (as ommx 3.0.0b7)", () => {
  // No "iff" for feature 4: the reference accepts either without the other.
  assert.equal(
    Instance.decode(converted({ outputObjective: undefined }), "v2").outputObjective,
    undefined,
  );
  assert.equal(
    Instance.decode(converted({ requiredFeatures: [] }), "v2").outputObjective?.sense,
    "maximize",
  );
  assert.equal(
    Instance.decode(converted({ requiredFeatures: [4, 4] }), "v2").outputObjective?.sense,
    "maximize",
  );
  rejects(
    () => Instance.decode(converted({ requiredFeatures: [4, 5] }), "v2"),
    UnsupportedError,
    "UNSUPPORTED",
    /v2\.instance.*unknown required feature 5/,
  );
  const oo = (o: object) =>
    converted({
      outputObjective: {
        sense: 2,
        function: functionToMessage(Function.linear([[0, 1]])),
        ...o,
      },
    });
  for (const sense of [0, 3]) {
    rejects(
      () => Instance.decode(oo({ sense }), "v2"),
      DecodeError,
      "DECODE_ERROR",
      new RegExp(`output_objective: invalid Instance\\.Sense ${sense}`),
    );
  }
  rejects(
    () => Instance.decode(oo({ function: undefined }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /output_objective\.function is missing/,
  );
  rejects(
    () => Instance.decode(oo({ function: functionToMessage(Function.linear([[9, 1]])) }), "v2"),
    DecodeError,
    "DECODE_ERROR",
    /output objective uses undefined variable 9/,
  );
});

Deno.test("parametric output objective: decoded, may use parameters, kept by withParameters", async () => {
  // Shape of ommx 3.0.0b7 `uniform_penalty_method()`: active = f + p2 * g^2, output = f.
  const bytes = toBinary(
    V2ParametricInstanceSchema,
    create(V2ParametricInstanceSchema, {
      requiredFeatures: [Feature.OUTPUT_OBJECTIVE],
      decisionVariables: {
        entries: {
          "0": { kind: 1, bound: { lower: 0, upper: 1 } },
          "1": { kind: 1, bound: { lower: 0, upper: 1 } },
        },
      },
      parameters: { ids: [2n] },
      objective: functionToMessage(
        Function.polynomial([
          { ids: [0], coefficient: 3 },
          { ids: [1], coefficient: 1 },
          { ids: [0, 0, 2], coefficient: 1 },
          { ids: [0, 2], coefficient: -2 },
          { ids: [2], coefficient: 1 },
        ]),
      ),
      sense: 2,
      outputObjective: {
        sense: 2,
        // A parameter in the output objective is accepted (and substituted) by the reference.
        function: functionToMessage(Function.linear([[0, 3], [1, 1], [2, 1]])),
      },
    }),
  );
  const pi = await ommxV2ParametricInstanceCodec.decode(bytes);
  assert.equal(pi.outputObjective?.preservesOptimality, false);
  assert.deepEqual([...pi.outputObjective!.function.usedIds()].sort(), [0, 1, 2]);
  const back = ParametricInstance.decode(pi.toBytes(), "v2");
  assert.deepEqual(fromBinary(V2ParametricInstanceSchema, pi.toBytes()).requiredFeatures, [4]);
  assert.equal(back.outputObjective?.sense, "maximize");
  const inst = back.withParameters({ 2: 7 });
  assert.deepEqual(inst.outputObjective?.function.toMonomials(), [
    { ids: [], coefficient: 7 },
    { ids: [0], coefficient: 3 },
    { ids: [1], coefficient: 1 },
  ]);
  assert.equal(inst.outputObjective?.preservesOptimality, false);
  const ev = inst.evaluate({ 0: 1, 1: 1 });
  assert.equal(ev.objective, 11);
  assert.equal(ev.sense, "maximize");
  assert.equal(inst.objective.evaluate({ 0: 1, 1: 1 }), 3 + 1 + 7 - 14 + 7);
  // The materialised instance re-encodes it with feature 4.
  assert.deepEqual(fromBinary(V2InstanceSchema, inst.toBytes()).requiredFeatures, [4]);
  rejects(
    () =>
      ParametricInstance.decode(
        toBinary(
          V2ParametricInstanceSchema,
          create(V2ParametricInstanceSchema, {
            ...fromBinary(V2ParametricInstanceSchema, bytes),
            outputObjective: create(OutputObjectiveSchema, {
              sense: 1,
              function: functionToMessage(Function.linear([[8, 1]])),
            }),
          }),
        ),
        "v2",
      ),
    DecodeError,
    "DECODE_ERROR",
    /v2\.parametric-instance: output objective uses undefined variable 8/,
  );
});

Deno.test("ParametricInstance splits active and removed constraints like Instance", () => {
  const pi = new ParametricInstance({
    objective: Function.linear([[0, 1]]),
    decisionVariables: [bin(0)],
    parameters: [{ id: 5, subscripts: [], parameters: {} }],
    constraints: [
      { id: 1, equality: "=", function: Function.linear([[0, 1]]), subscripts: [], parameters: {} },
      {
        id: 2,
        equality: "<=",
        function: Function.linear([[0, 1], [5, -1]]),
        subscripts: [],
        parameters: {},
        removedReason: { reason: "penalty", parameters: {} },
      },
    ],
  });
  const back = ParametricInstance.decode(pi.toBytes(), "v2");
  assert.deepEqual(back.constraints.map((c) => c.id), [1]);
  assert.deepEqual(back.removedConstraints.map((c) => c.id), [2]);
  assert.equal(back.numConstraints, 1);
  const inst = back.withParameters({ 5: 3 });
  assert.deepEqual(inst.constraintIds, [1]);
  assert.equal(inst.removedConstraints[0]!.function.evaluate({ 0: 1 }), -2);
});
