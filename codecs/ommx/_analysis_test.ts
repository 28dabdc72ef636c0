// Solution and SampleSet queries without Python: lookups, bad input (typed errors naming the
// ID), in-place dual updates, best-sample rules. The answers on real data are compared with the
// reference SDK in tests/interop/analysis_test.ts.
import assert from "node:assert/strict";
import { Function } from "./function.ts";
import { Instance } from "./instance.ts";
import { SampledValues } from "./sampled_values.ts";
import { SampleSet } from "./sample_set.ts";
import { Solution } from "./solution.ts";
import type { DecisionVariable } from "./instance_data.ts";
import { jupyterDisplay } from "../_jupyter_test_util.ts";

const bin = (id: number, name?: string, subscripts: number[] = []): DecisionVariable => ({
  id,
  kind: "binary",
  bound: { lower: 0, upper: 1 },
  subscripts,
  parameters: {},
  ...(name ? { name } : {}),
});

function instance(): Instance {
  return new Instance({
    sense: "maximize",
    objective: Function.linear([[1, 1], [2, 2], [3, 3]]),
    decisionVariables: [bin(1, "x", [0]), bin(2, "x", [1]), bin(3, "y")],
    constraints: [
      {
        id: 0,
        equality: "<=",
        function: Function.linear([[1, 1], [2, 1]], -1),
        name: "c",
        subscripts: [0],
        parameters: {},
      },
      {
        id: 4,
        equality: "=",
        function: Function.linear([[3, 1]], -1),
        name: "c",
        subscripts: [1],
        parameters: { k: "v" },
      },
    ],
    oneHotConstraints: [{ id: 0, variables: [1, 2, 3], subscripts: [], parameters: {} }],
  });
}

Deno.test("Solution: violations, lookups by ID and name, and their typed errors", () => {
  const sol = Solution.evaluate(instance(), new Map([[1, 1], [2, 1], [3, 0]]));
  assert.equal(sol.constraintViolation(0), 1);
  assert.equal(sol.constraintViolation(4), 1);
  assert.equal(sol.constraintViolation(0, { kind: "one_hot" }), 1);
  assert.equal(sol.totalViolation(), 3);
  assert.deepEqual([...sol.constraintIds], [0, 4]);
  assert.deepEqual([...sol.decisionVariableIds], [1, 2, 3]);
  assert.deepEqual([...sol.decisionVariableNames], ["x", "y"]);
  assert.equal(sol.getConstraintValue(0), 1);
  assert.equal(sol.getDecisionVariableById(2).value, 1);
  assert.deepEqual([...sol.extractDecisionVariables("x")], [["0", 1], ["1", 1]]);
  assert.deepEqual([...sol.extractDecisionVariables("y")], [["", 0]]);
  assert.deepEqual(
    [...sol.extractAllDecisionVariables()].map(([n, m]) => [n, [...m]]),
    [["x", [["0", 1], ["1", 1]]], ["y", [["", 0]]]],
  );
  const notFound = (f: () => unknown, message: string) =>
    assert.throws(
      f,
      (e: unknown) =>
        e instanceof Error && (e as { code?: string }).code === "NOT_FOUND" &&
        e.message === message,
    );
  notFound(() => sol.constraintViolation(9), "Unknown regular constraint ID: 9");
  notFound(() => sol.constraintViolation(9, { kind: "sos1" }), "Unknown sos1 constraint ID: 9");
  notFound(() => sol.getConstraintValue(7), "Unknown constraint ID: 7");
  notFound(() => sol.getDualVariable(7), "Unknown constraint ID: 7");
  notFound(() => sol.setDualVariable(7, 1), "Unknown constraint ID: 7");
  notFound(() => sol.getDecisionVariableById(99), "Unknown decision variable ID: 99");
  notFound(() => sol.getNamedFunctionById(0), "Unknown named function ID: 0");
  notFound(() => sol.extractDecisionVariables("z"), "No decision variables with name 'z' found");
  notFound(() => sol.extractNamedFunctions("z"), "No named function with name 'z' found");
  // Constraint 4 has parameters: Python refuses it.
  assert.throws(() => sol.extractConstraints("c"), { code: "UNSUPPORTED" });
  assert.throws(
    () => sol.constraintViolation(0, { kind: "bogus" as "regular" }),
    { code: "INVALID_ARGUMENT", message: /unknown constraint kind: "bogus"/ },
  );
  assert.throws(
    () => sol.decisionVariablesDf({ include: ["labels" as "label"] }),
    { code: "INVALID_ARGUMENT", message: /unknown include flag: "labels"/ },
  );
});

Deno.test("Solution: duplicate subscripts are refused, naming the name and subscripts", () => {
  const inst = new Instance({
    objective: Function.linear([[1, 1]]),
    decisionVariables: [bin(1, "x", [2]), bin(2, "x", [2])],
  });
  const sol = Solution.evaluate(inst, new Map([[1, 0], [2, 1]]));
  assert.throws(() => sol.extractDecisionVariables("x"), {
    code: "INVALID_ARGUMENT",
    message: /Duplicate subscript: \[2\].*'x'/,
  });
  assert.throws(() => sol.extractAllDecisionVariables(), { code: "INVALID_ARGUMENT" });
});

Deno.test("Solution.setDualVariable: in place, refuses non-finite values, and is encoded", () => {
  const sol = Solution.evaluate(instance(), new Map([[1, 1], [2, 0], [3, 1]]));
  assert.equal(sol.getDualVariable(0), undefined);
  const before = sol.message; // decoded/built message is refreshed after a change
  sol.setDualVariable(0, 2.5);
  assert.equal(sol.getDualVariable(0), 2.5);
  assert.equal(sol.constraintsDf().column("dual_variable").values[0], 2.5);
  assert.notEqual(sol.message, before);
  assert.equal(Solution.decode(sol.toBytes(), "v2").getDualVariable(0), 2.5);
  for (const bad of [NaN, Infinity, -Infinity, "1" as unknown as number]) {
    assert.throws(() => sol.setDualVariable(4, bad), {
      code: "INVALID_ARGUMENT",
      message: /regular constraint 4 must be a finite number/,
    });
  }
  sol.setDualVariable(0, undefined);
  assert.equal(sol.getDualVariable(0), undefined);
  assert.equal(Solution.decode(sol.toBytes(), "v2").getDualVariable(0), undefined);
});

function sampleSet(sense: "minimize" | "maximize", feasible: boolean[]): SampleSet {
  const ids = feasible.map((_, i) => i);
  return new SampleSet({
    sense,
    objectives: SampledValues.fromMap(Object.fromEntries(ids.map((i) => [i, i % 2]))),
    feasible: new Map(ids.map((i) => [i, feasible[i]!])),
    feasibleRelaxed: new Map(ids.map((i) => [i, true])),
    decisionVariables: [{
      ...bin(1, "x", [0]),
      samples: SampledValues.fromMap(Object.fromEntries(ids.map((i) => [i, i % 2]))),
    }],
  });
}

Deno.test("SampleSet: best feasible sample with the reference's tie rule; typed errors", () => {
  // Objectives 0, 1, 0, 1, 0: ties everywhere.
  const min = sampleSet("minimize", [false, true, true, true, true]);
  assert.equal(min.bestFeasibleId, 2); // smallest objective, smallest ID among ties
  const max = sampleSet("maximize", [true, true, true, true, false]);
  assert.equal(max.bestFeasibleId, 3); // largest objective, largest ID among ties
  assert.equal(max.bestFeasible.objective, 1);
  assert.equal(max.best()?.objective, 1);
  const none = sampleSet("minimize", [false, false]);
  assert.throws(() => none.bestFeasibleId, { code: "NOT_FOUND", name: "NoFeasibleSampleError" });
  assert.throws(() => none.bestFeasible, { name: "NoFeasibleSampleError" });
  assert.equal(none.best(), undefined);
  assert.equal(none.bestFeasibleRelaxedId, 0);
  assert.deepEqual([...none.feasibleIds()], []);
  assert.deepEqual([...none.feasibleRelaxedIds()], [0, 1]);
  assert.equal(none.numSamples(), 2);
  assert.throws(() => none.get(5), { code: "NOT_FOUND", message: "Unknown sample ID: 5" });
  assert.throws(() => none.extractDecisionVariables("x", 5), { code: "NOT_FOUND" });
  assert.throws(() => none.extractAllDecisionVariables(5), { code: "NOT_FOUND" });
  assert.throws(() => none.extractDecisionVariables("nope", 0), {
    code: "NOT_FOUND",
    message: "No decision variables with name 'nope' found",
  });
  assert.throws(() => none.getConstraintById(0), { code: "NOT_FOUND" });
  assert.deepEqual([...none.extractDecisionVariables("x", 1)], [["0", 1]]);
});

Deno.test("SampleSet.summary: feasible first, then by objective in the sense; ties by ID", () => {
  const ss = sampleSet("maximize", [true, false, true, true, false]);
  const t = ss.summary;
  assert.equal(t.index.name, "sample_id");
  assert.deepEqual(t.index.values, [3, 0, 2, 1, 4]);
  assert.equal(
    t.toCsv(),
    "sample_id,objective,feasible\n3,1.0,True\n0,0.0,True\n2,0.0,True\n1,1.0,False\n4,0.0,False\n",
  );
  assert.deepEqual(ss.summaryWithConstraints.columnNames, ["objective", "feasible"]);
});

Deno.test("Solution and SampleSet: notebook displays escape labels", async () => {
  const inst = new Instance({
    objective: Function.linear([[1, 1]]),
    decisionVariables: [bin(1, "<b>x</b>", [0])],
  });
  const sol = Solution.evaluate(inst, new Map([[1, 1]]));
  const { html, text } = await jupyterDisplay(sol);
  assert.ok(html.includes("&lt;b&gt;x&lt;/b&gt;") && !html.includes("<b>x"));
  assert.equal(text, "Solution(objective=1.0, feasible=True, decision_variables=1, constraints=0)");
  const inst2 = await jupyterDisplay(inst);
  assert.match(inst2.text, /^Instance\(sense=minimize, decision_variables=1, constraints=0\)$/);
  assert.ok(inst2.html.includes("Function(x1)"));
  const ss = await jupyterDisplay(sampleSet("minimize", [true, false]));
  assert.equal(ss.text, "SampleSet(samples=2, feasible=1, sense=minimize)");
  assert.ok(ss.html.includes("sample 0, objective 0.0"));
});

Deno.test("Instance display: a large objective is summarised, not written out", async () => {
  const ids = Array.from({ length: 600 }, (_, i) => i);
  const inst = new Instance({
    objective: Function.linear(ids.map((i) => [i, 1] as [number, number])),
    decisionVariables: ids.map((i) => bin(i)),
  });
  const { html } = await jupyterDisplay(inst);
  assert.ok(html.includes("<dd>linear function of 600 stored terms</dd>"), html.slice(0, 2000));
  assert.ok(!html.includes("Function(x0"));
});
