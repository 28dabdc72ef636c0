// Instance / ParametricInstance methods without the reference SDK: worked examples whose expected
// values come from ommx 3.0.0b7 (tests/interop/instance_methods_test.ts compares with it on random
// data), and every bad input as a typed error naming what is wrong.
import assert from "node:assert/strict";
import {
  InvalidArgumentError,
  MissingIdError,
  NotFoundError,
  type OmmxError,
  UnknownIdError,
  UnsupportedError,
} from "../../core/errors.ts";

import { DecisionVariable } from "./decision_variable.ts";
import { Function } from "./function.ts";
import { Instance, ParametricInstance } from "./instance.ts";
import { SampleSet } from "./sample_set.ts";

function knapsack(sense: "minimize" | "maximize" = "maximize"): Instance {
  const x = [0, 1, 2].map((i) => DecisionVariable.binary(i, { name: "x", subscripts: [i] }));
  const y = DecisionVariable.integer(10, { lower: 0, upper: 5, name: "y" });
  return Instance.fromComponents({
    sense,
    objective: Function.sum([x[0]!.mul(x[1]!), x[2]!.mul(2), -3, y.mul(y).mul(x[0]!)]),
    decisionVariables: [...x, y],
    constraints: { 3: x[0]!.add(x[1]!).le(1), 5: y.sub(x[2]!.mul(2)).ge(1) },
    namedFunctions: [{ id: 2, function: y.mul(2), name: "twice", subscripts: [], parameters: {} }],
  });
}

function throwsTyped<E extends OmmxError>(
  fn: () => unknown,
  cls: new (...args: never[]) => E,
  re: RegExp,
  check: (e: E) => void = () => {},
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    assert.equal((e as E).code, "INVALID_ARGUMENT");
    assert.match((e as E).message, re);
    check(e as E);
    return true;
  });
}

Deno.test("Instance.evaluate returns the reference's Solution (canonicalised values, flags, named functions)", () => {
  const inst = knapsack();
  const s = inst.evaluate({ 0: 1.0000001, 1: 0, 2: 1, 10: 2.9999995 });
  // as ommx 3.0.0b7: {0: 1.0, 1: 0.0, 2: 1.0, 10: 3.0}, objective 8, all feasible
  assert.deepEqual([...s.state], [[0, 1], [1, 0], [2, 1], [10, 3]]);
  assert.deepEqual([s.objective, s.sense, s.feasible, s.feasibleRelaxed], [
    8,
    "maximize",
    true,
    true,
  ]);
  assert.deepEqual(s.decisionVariables.map((v) => [v.id, v.value, v.name]), [
    [0, 1, "x"],
    [1, 0, "x"],
    [2, 1, "x"],
    [10, 3, "y"],
  ]);
  assert.deepEqual(
    s.constraints.map((c) => [c.id, c.equality, c.value, c.feasible, c.usedDecisionVariableIds]),
    [[3, "<=", 0, true, [0, 1]], [5, "<=", 0, true, [2, 10]]],
  );
  assert.deepEqual(s.namedFunctions.map((n) => [n.id, n.value, n.name]), [[2, 6, "twice"]]);
  assert.equal(s.feasibilityAtol, 1e-6);
  // out of kind: 0.5 for an integer is evaluated, not refused, and makes the solution infeasible
  const frac = inst.evaluate({ 0: 0, 1: 0, 2: 1, 10: 2.5 });
  assert.deepEqual([frac.feasible, frac.feasibleRelaxed], [false, false]);
  // the cheap path gives the same flags and objective
  const sum = inst.evaluateSummary({ 0: 0, 1: 0, 2: 1, 10: 2.5 });
  assert.deepEqual([sum.objective, sum.feasible, sum.feasibleRelaxed], [
    frac.objective,
    false,
    false,
  ]);
  assert.deepEqual(
    inst.populateState({ 0: 1, 1: 0, 2: 1, 10: 3 }),
    new Map([[0, 1], [1, 0], [2, 1], [10, 3]]),
  );
});

Deno.test("Instance.evaluate: bad states are typed errors naming the IDs", () => {
  const inst = knapsack();
  throwsTyped(
    () => inst.evaluate({ 0: 1 }),
    MissingIdError,
    /the state is missing required decision variable IDs 1, 2, 10/,
    (e) => {
      assert.deepEqual(e.ids, [1, 2, 10]);
      assert.equal(e.role, "decision variable");
    },
  );
  throwsTyped(
    () => inst.evaluate({ 0: 1, 1: 0, 2: 1, 10: 2, 99: 1 }),
    UnknownIdError,
    /unknown decision variable ID 99/,
    (e) => assert.deepEqual(e.ids, [99]),
  );
  throwsTyped(
    () => inst.evaluate({ 0: NaN, 1: 0, 2: 1, 10: 2 }),
    InvalidArgumentError,
    /decision variable 0 is NaN, not finite/,
  );
  throwsTyped(
    () => inst.evaluate(JSON.parse(`{"0": 1, "1": 0, "2": 1, "10": 2, "9007199254740993": 1}`)),
    InvalidArgumentError,
    /"9007199254740993" is not a decision-variable ID/,
  );
  throwsTyped(
    () => inst.evaluate(new Map([[0, 1], [1, 0], [2, 1], [10, 2], [-1, 0]])),
    InvalidArgumentError,
    /"-1" is not a decision-variable ID/,
  );
  throwsTyped(
    () => inst.evaluate({ 0: 1, 1: 0, 2: 1, 10: 2 }, { atol: 0 }),
    InvalidArgumentError,
    /atol 0 must be finite and positive/,
  );
  // a state of another instance
  throwsTyped(
    () => knapsack().evaluate(new Map([[100, 1]])),
    UnknownIdError,
    /unknown decision variable ID 100/,
  );
});

Deno.test("Instance.evaluateSamples: sample IDs, arrays, per-sample errors", () => {
  const inst = knapsack();
  const ss = inst.evaluateSamples(
    new Map([[7, { 0: 1, 1: 0, 2: 1, 10: 3 }], [2, { 0: 1, 1: 1, 2: 0, 10: 0 }]]),
  );
  assert.ok(ss instanceof SampleSet);
  assert.deepEqual(ss.sampleIdsList, [2, 7]);
  assert.deepEqual([ss.objectives.get(7), ss.feasible.get(7), ss.feasible.get(2)], [
    8,
    true,
    false,
  ]);
  assert.equal(inst.evaluateSamples([{ 0: 1, 1: 0, 2: 1, 10: 3 }]).objectives.get(0), 8);
  throwsTyped(
    () => inst.evaluateSamples(new Map([[3, { 0: 1 }]])),
    MissingIdError,
    /sample 3 is missing required decision variable IDs 1, 2, 10/,
  );
  throwsTyped(
    () => inst.evaluateSamples(new Map([[-1, { 0: 1, 1: 0, 2: 1, 10: 3 }]])),
    InvalidArgumentError,
    /sample ID -1/,
  );
  assert.equal(SampleSet.decode(ss.toBytes(), "v2").objectives.get(7), 8);
});

Deno.test("Instance.fromComponents checks what the reference checks", () => {
  const x = DecisionVariable.binary(0);
  throwsTyped(
    () => Instance.fromComponents({ sense: "minimize", objective: 0, decisionVariables: [x, x] }),
    InvalidArgumentError,
    /duplicate decision variable ID 0/,
  );
  throwsTyped(
    () =>
      Instance.fromComponents({
        sense: "minimize",
        objective: x.add({ id: 5 }),
        decisionVariables: [x],
      }),
    UnknownIdError,
    /the objective names unknown decision variable ID 5/,
  );
  throwsTyped(
    () =>
      Instance.fromComponents({
        sense: "minimize",
        objective: x,
        decisionVariables: [x],
        constraints: { 1: Function.from({ id: 7 }).le(1) },
      }),
    UnknownIdError,
    /regular constraint 1 names unknown decision variable ID 7/,
  );
  throwsTyped(
    () =>
      Instance.fromComponents({
        sense: "minimize",
        objective: x,
        decisionVariables: [x],
        constraints: new Map([[-2, x.le(1)]]),
      }),
    InvalidArgumentError,
    /constraint ID -2/,
  );
  throwsTyped(
    () =>
      Instance.fromComponents({
        sense: "minimize",
        objective: x,
        decisionVariables: [x],
        constraints: JSON.parse(`{"1e3": null}`),
      }),
    InvalidArgumentError,
    /constraint ID "1e3" is not a non-negative safe integer/,
  );
});

Deno.test("ParametricInstance.fromComponents: parameters in functions, the reference's checks", () => {
  const x = DecisionVariable.binary(0, { name: "x" });
  const y = DecisionVariable.integer(1, { lower: 0, upper: 3 });
  const p = { id: 100, name: "p", subscripts: [1] };
  const q = { id: 101 };
  const pi = ParametricInstance.fromComponents({
    sense: "minimize",
    objective: x.mul(p).add(y),
    decisionVariables: [x, y],
    parameters: [q, p],
    constraints: { 0: x.add(y.mul(q)).le(p) },
  });
  assert.deepEqual(pi.parameterIds, [100, 101]);
  assert.deepEqual(pi.getParameterById(100), {
    id: 100,
    name: "p",
    subscripts: [1],
    parameters: {},
  });
  assert.deepEqual(pi.getParameterById(101), { id: 101, subscripts: [], parameters: {} });
  const inst = pi.withParameters({ 100: 2, 101: 1 });
  assert.ok(inst.objective.almostEqual(x.mul(2).add(y)));
  assert.ok(inst.getConstraintById(0).function.almostEqual(Function.sum([x, y, -2])));
  // the bytes round-trip
  const back = ParametricInstance.decode(pi.toBytes(), "v2");
  assert.deepEqual(back.parameterIds, [100, 101]);
  const base = { sense: "minimize" as const, objective: x, decisionVariables: [x, y] };
  throwsTyped(
    () => ParametricInstance.fromComponents({ ...base, parameters: [{ id: 1 }] }),
    InvalidArgumentError,
    /decision variable ID 1 collides with a parameter ID/,
  );
  throwsTyped(
    () => ParametricInstance.fromComponents({ ...base, parameters: [p, p] }),
    InvalidArgumentError,
    /duplicate parameter ID 100/,
  );
  throwsTyped(
    () => ParametricInstance.fromComponents({ ...base, parameters: [{ id: -1 }] }),
    InvalidArgumentError,
    /parameter ID -1 is not a non-negative safe integer/,
  );
  throwsTyped(
    () =>
      ParametricInstance.fromComponents({
        ...base,
        objective: x.mul({ id: 55 }),
        parameters: [p],
      }),
    UnknownIdError,
    /the objective names unknown decision variable ID 55/,
    (e) => assert.deepEqual(e.ids, [55]),
  );
  // a parameter is no decision variable of a plain Instance
  throwsTyped(
    () => Instance.fromComponents({ ...base, objective: x.mul(p) }),
    UnknownIdError,
    /unknown decision variable ID 100/,
  );
});

Deno.test("Instance lookups, stats, usedDecisionVariables, requiredIds", () => {
  const inst = knapsack();
  assert.equal(inst.getDecisionVariableById(10).name, "y");
  assert.equal(inst.getConstraintById(5).equality, "<=");
  assert.equal(inst.getNamedFunctionById(2).name, "twice");
  // Python's KeyError: NotFoundError with the reference's message
  const notFound = (fn: () => unknown, what: string, id: number, message: string) =>
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof NotFoundError, `expected NotFoundError, got ${e}`);
      assert.equal(e.code, "NOT_FOUND");
      assert.equal(e.what, what);
      assert.equal(e.key, id);
      assert.equal(e.message, message);
      return true;
    });
  notFound(
    () => inst.getDecisionVariableById(4),
    "decision variable",
    4,
    "Decision variable with ID 4 not found",
  );
  notFound(() => inst.getConstraintById(4), "constraint", 4, "Constraint with ID 4 not found");
  notFound(
    () => inst.getRemovedConstraintById(3),
    "removed constraint",
    3,
    "Removed constraint with ID 3 not found",
  );
  notFound(
    () => inst.getNamedFunctionById(9),
    "named function",
    9,
    "Named function with ID 9 not found",
  );
  const pi = inst.penaltyMethod();
  assert.equal(
    pi.getRemovedConstraintById(3).removedReason?.reason,
    "ommx.Instance.penalty_method",
  );
  assert.equal(pi.getDecisionVariableById(10).name, "y");
  assert.equal(pi.getParameterById(11).name, "penalty_weight");
  notFound(() => pi.getConstraintById(3), "constraint", 3, "Constraint with ID 3 not found");
  notFound(() => pi.getParameterById(10), "parameter", 10, "Parameter with ID 10 not found");
  assert.deepEqual(inst.requiredIds(), [0, 1, 2, 10]);
  assert.deepEqual(inst.usedDecisionVariables.map((v) => v.id), [0, 1, 2, 10]);
  assert.deepEqual(inst.stats(), {
    decision_variables: {
      total: 4,
      by_kind: { binary: 3, integer: 1, continuous: 0, semi_integer: 0, semi_continuous: 0 },
      by_usage: {
        used_in_objective: 4,
        used_in_constraints: 4,
        used: 4,
        fixed: 0,
        dependent: 0,
        irrelevant: 0,
      },
    },
    constraints: { total: 2, active: 2, removed: 0 },
  });
});

Deno.test("partialEvaluate fixes variables; the output keeps them for evaluation", () => {
  const inst = knapsack();
  const p = inst.partialEvaluate({ 0: 1 });
  assert.equal(p.getDecisionVariableById(0).substitutedValue, 1);
  assert.deepEqual(p.requiredIds(), [1, 2, 10]);
  assert.equal(p.evaluate({ 1: 0, 2: 1, 10: 3 }).objective, 8);
  assert.deepEqual(p.evaluate({ 1: 0, 2: 1, 10: 3 }).state.get(0), 1);
  throwsTyped(
    () => inst.partialEvaluate({ 10: 7.5 }),
    InvalidArgumentError,
    /7.5 of decision variable 10 does not fit its kind integer and bound \[0, 5\]/,
  );
  throwsTyped(
    () => inst.partialEvaluate({ 42: 1 }),
    UnknownIdError,
    /unknown decision variable ID 42/,
  );
  throwsTyped(
    () => p.evaluate({ 0: 0, 1: 0, 2: 1, 10: 3 }),
    InvalidArgumentError,
    /decision variable 0 is fixed to 1, but the value 0 is given/,
  );
});

Deno.test("penaltyMethod / uniformPenaltyMethod / withParameters (reference IDs, names, reasons)", () => {
  const inst = knapsack("minimize");
  const pi = inst.penaltyMethod();
  assert.ok(pi instanceof ParametricInstance);
  assert.deepEqual(pi.parameters.map((p) => [p.id, p.name, p.subscripts]), [[11, "penalty_weight", [
    3,
  ]], [12, "penalty_weight", [5]]]);
  assert.deepEqual(pi.removedConstraints.map((c) => [c.id, c.removedReason]), [
    [3, { reason: "ommx.Instance.penalty_method", parameters: { parameter_id: "11" } }],
    [5, { reason: "ommx.Instance.penalty_method", parameters: { parameter_id: "12" } }],
  ]);
  assert.deepEqual(pi.outputObjective?.preservesOptimality, false);
  const u = inst.uniformPenaltyMethod();
  assert.deepEqual(u.parameters.map((p) => [p.id, p.name]), [[11, "uniform_penalty_weight"]]);
  const w = pi.withParameters({ 11: 2, 12: 3 });
  assert.deepEqual([...w.parameterValues!], [[11, 2], [12, 3]]);
  // x0 = 1, x1 = 1 violates constraint 3 by 1: penalty 2 * 1^2
  const at = { 0: 1, 1: 1, 2: 1, 10: 1 }; // violates 3 by 1 and 5 by 2
  assert.equal(w.objective.evaluate(at), inst.objective.evaluate(at) + 2 * 1 + 3 * 4);
  assert.equal(w.evaluate(at).objective, inst.objective.evaluate(at)); // the output objective
  throwsTyped(
    () => pi.withParameters({ 11: 2 }),
    MissingIdError,
    /missing required parameter ID 12/,
  );
  throwsTyped(
    () => pi.withParameters({ 11: 2, 12: NaN }),
    InvalidArgumentError,
    /non-finite coefficient/,
  );
  const special = Instance.fromComponents({
    sense: "minimize",
    objective: 0,
    decisionVariables: [DecisionVariable.binary(0), DecisionVariable.binary(1)],
    oneHotConstraints: { 0: { variables: [0, 1], subscripts: [], parameters: {} } },
  });
  throwsTyped(
    () => special.penaltyMethod(),
    InvalidArgumentError,
    /does not support one-hot constraints/,
  );
});

Deno.test("logEncode, toQubo, asQuboFormat: the reference's QUBO for the documented example", () => {
  // ommx.Instance.to_qubo's docstring: max x0 + x1 s.t. x0 + 2 x1 <= 3, x integer in [0, 2]
  const x = [0, 1].map((i) =>
    DecisionVariable.integer(i, { lower: 0, upper: 2, name: "x", subscripts: [i] })
  );
  const inst = Instance.fromComponents({
    sense: "maximize",
    objective: Function.sum(x),
    decisionVariables: x,
    constraints: { 0: x[0]!.add(x[1]!.mul(2)).le(3) },
  });
  const { qubo, offset, instance } = inst.toQubo();
  assert.deepEqual(qubo, [
    [3, 3, -6],
    [3, 4, 2],
    [3, 5, 4],
    [3, 6, 4],
    [3, 7, 2],
    [3, 8, 4],
    [4, 4, -6],
    [4, 5, 4],
    [4, 6, 4],
    [4, 7, 2],
    [4, 8, 4],
    [5, 5, -9],
    [5, 6, 8],
    [5, 7, 4],
    [5, 8, 8],
    [6, 6, -9],
    [6, 7, 4],
    [6, 8, 8],
    [7, 7, -5],
    [7, 8, 4],
    [8, 8, -8],
  ]);
  assert.equal(offset, 9);
  assert.equal(inst.sense, "maximize"); // unchanged: the prepared instance is returned
  assert.equal(instance.sense, "minimize");
  assert.deepEqual(
    instance.decisionVariables.slice(2).map((v) => [v.id, v.kind, v.name, v.subscripts]),
    [
      [2, "integer", "ommx.slack", [0]],
      [3, "binary", "ommx.log_encode", [0, 0]],
      [4, "binary", "ommx.log_encode", [0, 1]],
      [5, "binary", "ommx.log_encode", [1, 0]],
      [6, "binary", "ommx.log_encode", [1, 1]],
      [7, "binary", "ommx.log_encode", [2, 0]],
      [8, "binary", "ommx.log_encode", [2, 1]],
    ],
  );
  // a sampler's answer over the QUBO variables evaluates in the original terms
  const s = instance.evaluate({ 3: 1, 4: 0, 5: 1, 6: 0, 7: 0, 8: 0 }); // x0 = 1, x1 = 1, slack 0
  assert.deepEqual([s.objective, s.sense, s.state.get(0), s.state.get(1), s.feasible], [
    2,
    "maximize",
    1,
    1,
    true,
  ]);
  assert.deepEqual(inst.logEncode([0]).decisionVariables.map((v) => v.id), [0, 1, 2, 3]);
  throwsTyped(() => inst.logEncode([7]), UnknownIdError, /unknown decision variable ID 7/);
  throwsTyped(() => inst.asQuboFormat(), InvalidArgumentError, /only for minimization/);
  throwsTyped(
    () => inst.toQubo({ uniformPenaltyWeight: 1, penaltyWeights: { 0: 1 } }),
    InvalidArgumentError,
    /mutually exclusive/,
  );
  throwsTyped(
    () => inst.toQubo({ penaltyWeights: { 9: 1 } }),
    UnknownIdError,
    /unknown constraint ID 9/,
  );
  const continuous = Instance.fromComponents({
    sense: "minimize",
    objective: DecisionVariable.continuous(0, { lower: 0, upper: 1 }),
    decisionVariables: [DecisionVariable.continuous(0, { lower: 0, upper: 1 })],
  });
  throwsTyped(
    () => continuous.toQubo(),
    InvalidArgumentError,
    /could not be prepared as a QUBO: used decision variables 0 are not binary/,
  );
  const sos1 = Instance.fromComponents({
    sense: "minimize",
    objective: 0,
    decisionVariables: [DecisionVariable.binary(0), DecisionVariable.binary(1)],
    sos1Constraints: { 0: { variables: [0, 1], subscripts: [], parameters: {} } },
  });
  // SOS1 over binaries: the members are their own indicators, one cardinality constraint
  const lowered = sos1.toQubo().instance;
  assert.deepEqual(lowered.removedConstraints.map((c) => [c.id, c.provenance]), [[0, [{
    kind: "sos1",
    id: 0,
  }]]]);
  assert.deepEqual(lowered.sos1Constraints[0]!.removedReason, {
    reason: "ommx.Instance.convert_sos1_to_constraints",
    parameters: { constraint_ids: "0" },
  });
});

Deno.test("MPS: write, read back, refuse what the reference refuses", async () => {
  const x = [0, 1].map((i) => DecisionVariable.integer(i, { lower: -1, upper: 4 }));
  const inst = Instance.fromComponents({
    sense: "maximize",
    objective: x[0]!.mul(2).add(x[1]!).add(1),
    decisionVariables: x,
    constraints: { 7: x[0]!.add(x[1]!).le(3), 8: x[0]!.sub(x[1]!).eq(0.5) },
  });
  const text = new TextDecoder().decode(await inst.toMpsBytes({ compress: false }));
  assert.equal(
    text.split("\n").slice(0, 5).join("|"),
    "NAME Converted OMMX problem|OBJSENSE MAX|ROWS| N OBJ| L OMMX_CONSTR_7",
  );
  assert.ok(text.includes("  RHS1    OMMX_CONSTR_8   0.5\n"), text);
  assert.ok(text.endsWith("ENDATA\n\n"));
  const gz = await inst.toMpsBytes();
  assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
  const back = await Instance.loadMps(gz);
  assert.deepEqual(back.constraintIds, [7, 8]); // IDs recovered from OMMX_* names
  assert.deepEqual(back.objective.terms, inst.objective.terms);
  assert.equal(back.sense, "maximize");
  const cubic = Instance.fromComponents({
    sense: "minimize",
    objective: x[0]!.mul(x[0]!).mul(x[0]!),
    decisionVariables: x,
  });
  await assert.rejects(() => cubic.toMpsBytes(), UnsupportedError);
  const bad = (t: string) => Instance.loadMps(new TextEncoder().encode(t));
  await assert.rejects(
    () => bad("NAME x\nROWS\n N obj\nCOLUMNS\n    x obj 0x10\n"),
    /MPS: invalid number "0x10"/,
  );
  await assert.rejects(() => bad("NAME x\nROWZ\n"), /invalid header/);
  await assert.rejects(
    () => bad("NAME x\nROWS\n N obj\nCOLUMNS\n    x nope 1\n"),
    /unknown row name "nope"/,
  );
  await assert.rejects(
    () => Instance.loadMps(new Uint8Array([0x1f, 0x8b, 1, 2, 3])),
    /gzip data is corrupt/,
  );
});
