// Cross-checks against the reference Python SDK (OMMX_INTEROP_PYTHON, OMMX_PYTHON, or .cache/venv
// with python3 on PATH; core/_tools_test_util.ts). Skipped with one printed line otherwise.
import assert from "node:assert/strict";
import { referencePython } from "../../core/_tools_test_util.ts";
import { create, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { DecodeError } from "../../core/errors.ts";
import { Function } from "./function.ts";
import { SampleSetSchema as V1SampleSetSchema } from "./gen/ommx/v1/sample_set_pb.ts";
import { SolutionSchema as V1SolutionSchema } from "./gen/ommx/v1/solution_pb.ts";
import { Instance } from "./instance.ts";
import { ParametricInstance } from "./instance.ts";
import { SampledValues } from "./sampled_values.ts";
import { SampleSet } from "./sample_set.ts";
import { Solution } from "./solution.ts";

const PY = referencePython("the ommx codec cross-checks (codecs/ommx/python_interop_test.ts)");

async function run(script: string, stdin?: Uint8Array, args: string[] = []): Promise<Uint8Array> {
  const p = new Deno.Command(PY!, {
    args: ["-c", script, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = p.stdin.getWriter();
  await w.write(stdin ?? new Uint8Array());
  await w.close();
  const o = await p.output();
  if (!o.success) throw new Error(new TextDecoder().decode(o.stderr));
  return o.stdout;
}

const haveOmmx = PY !== undefined;

const BUILD = `
import sys
from ommx import Instance, DecisionVariable
x = [DecisionVariable.binary(i, name="x", subscripts=[i]) for i in range(3)]
inst = Instance.from_components(decision_variables=x, objective=x[0] + 2*x[1]*x[2] + 1,
    constraints={7: (x[0] + x[1] <= 1)}, sense=Instance.MAXIMIZE)
inst.title = "py"; inst.authors = ["a", "b"]; inst.add_user_annotation("k", "v")
sys.stdout.buffer.write(inst.to_v2_bytes() if sys.argv[-1] != "sol" else inst.evaluate({0: 1, 1: 1, 2: 1}).to_v2_bytes())
`;

Deno.test({
  name: "python interop: Python-written v2 Instance/Solution decode to the same content and view",
  ignore: !haveOmmx,
  fn: async () => {
    const inst = Instance.decode(await run(BUILD), "v2");
    assert.deepEqual(inst.annotations, {
      "org.ommx.v1.instance.title": "py",
      "org.ommx.v1.instance.authors": "a,b",
      "org.ommx.v1.instance.variables": "3",
      "org.ommx.v1.instance.constraints": "1",
      "org.ommx.user.k": "v",
    });
    assert.equal(inst.sense, "maximize");
    assert.equal(inst.evaluate({ 0: 1, 1: 1, 2: 1 }).objective, 4);
    assert.equal(inst.evaluate({ 0: 1, 1: 1, 2: 1 }).feasible, false);
    const sol = Solution.decode(await run(BUILD.replace('sys.argv[-1] != "sol"', "False")), "v2");
    assert.equal(sol.objective, 4);
    assert.equal(sol.feasible, false);
    assert.equal(sol.constraints[0]!.value, 1);
  },
});

Deno.test({
  name: "python interop: our v2 bytes are read by the reference SDK",
  ignore: !haveOmmx,
  fn: async () => {
    const inst = Instance.decode(await run(BUILD), "v2");
    const sol = Solution.evaluate(inst, new Map([[0, 1], [1, 0], [2, 1]]));
    const readInst = `
import sys, json
from ommx import Instance
i = Instance.from_v2_bytes(sys.stdin.buffer.read())
print(json.dumps({"a": dict(i.annotations), "obj": i.evaluate({0: 1, 1: 0, 2: 1}).objective}))`;
    const r = JSON.parse(new TextDecoder().decode(await run(readInst, inst.toBytes())));
    assert.deepEqual(r.a, inst.annotations);
    assert.equal(r.obj, 2);
    const readSol = `
import sys, json
from ommx import Solution
s = Solution.from_v2_bytes(sys.stdin.buffer.read())
print(json.dumps({"obj": s.objective, "feasible": s.feasible, "relaxed": s.feasible_relaxed}))`;
    const s = JSON.parse(new TextDecoder().decode(await run(readSol, sol.toBytes())));
    assert.deepEqual(s, { obj: 2, feasible: true, relaxed: true });
  },
});

// ommx 3.0.0b7 writes field 14 (output objective) + feature 4, absent from the b4 spec.
const PENALTY = `
import sys, json
from ommx import Instance, DecisionVariable, Sense, ParametricInstance
x = [DecisionVariable.binary(i) for i in range(2)]
def src():
    return Instance.from_components(decision_variables=x, objective=3*x[0] + x[1],
        constraints={7: x[0] + x[1] == 1}, sense=Sense.Maximize)
mode = sys.argv[-1]
if mode == "penalty":
    sys.stdout.buffer.write(src().uniform_penalty_method().to_v2_bytes())
elif mode == "converted":
    i = src(); i.convert_active_objective(Sense.Minimize); sys.stdout.buffer.write(i.to_v2_bytes())
else:
    p = ParametricInstance.from_v2_bytes(sys.stdin.buffer.read())
    o = p.output_objective
    m = p.with_parameters({p.parameters[0].id: 5.0})
    s = m.evaluate({0: 1, 1: 1})
    print(json.dumps({"sense": int(o.sense), "preserves": o.preserves_optimality,
        "out": o.function.evaluate({0: 1, 1: 1}), "obj": s.objective, "solSense": int(s.sense),
        "active": m.objective.evaluate({0: 1, 1: 1})}))
`;

function runMode(mode: string, stdin?: Uint8Array): Promise<Uint8Array> {
  return run(PENALTY, stdin, [mode]);
}

Deno.test({
  name: "python interop: output objective (uniform_penalty_method, convert_active_objective)",
  ignore: !haveOmmx,
  fn: async () => {
    const pb = await runMode("penalty");
    const pi = ParametricInstance.decode(pb, "v2");
    const out = pi.outputObjective!;
    assert.equal(out.sense, "maximize");
    assert.equal(out.preservesOptimality, false);
    assert.equal(out.function.evaluate({ 0: 1, 1: 1 }), 4);
    assert.deepEqual(pi.constraints, []);
    assert.deepEqual(pi.removedConstraints.map((c) => c.id), [7]);
    assert.equal(pi.numConstraints, 0);
    const inst = pi.withParameters({ [pi.parameterIds[0]!]: 5 });
    const ev = inst.evaluate({ 0: 1, 1: 1 });
    // Python on its own bytes and on our re-encoding agree with us.
    for (const bytes of [pb, pi.toBytes()]) {
      const py = JSON.parse(new TextDecoder().decode(await runMode("read", bytes)));
      assert.deepEqual(py, {
        sense: 2,
        preserves: false,
        out: 4,
        obj: ev.objective,
        solSense: 2,
        active: inst.objective.evaluate({ 0: 1, 1: 1 }),
      });
    }
    assert.equal(ev.objective, 4);
    assert.notEqual(inst.objective.evaluate({ 0: 1, 1: 1 }), 4);

    const conv = Instance.decode(await runMode("converted"), "v2");
    assert.equal(conv.sense, "minimize");
    assert.equal(conv.outputObjective?.sense, "maximize");
    assert.equal(conv.outputObjective?.preservesOptimality, true);
    const sol = Solution.evaluate(conv, new Map([[0, 1], [1, 0]]));
    assert.deepEqual([sol.objective, sol.sense], [3, "maximize"]);
  },
});

// ---------- derived fields: the same v1 payloads read by the reference and by us ----------

const READ_V1 = `
import sys, json, base64
from ommx import Solution, SampleSet
out = []
for case in json.load(sys.stdin):
    b = base64.b64decode(case["b64"])
    try:
        if case["kind"] == "solution":
            s = Solution.from_v1_bytes(b)
            atol = s.feasibility_atol
            out.append({"ok": True, "flags": [s.feasible, s.feasible_relaxed],
                "constraints": {str(k): c.is_feasible(atol=atol) for k, c in s.constraints.items()}})
        else:
            s = SampleSet.from_v1_bytes(b)
            out.append({"ok": True, "flags": [{str(k): v for k, v in s.feasible.items()},
                {str(k): v for k, v in s.feasible_relaxed.items()}]})
    except Exception as e:
        out.append({"ok": False, "error": str(e).splitlines()[-1]})
print(json.dumps(out))
`;

/** The next double above a positive `x`. */
function nextUp(x: number): number {
  const f = new Float64Array([x]);
  const u = new BigInt64Array(f.buffer);
  u[0] = u[0]! + 1n;
  return f[0]!;
}

function v1Cases(): { name: string; kind: "solution" | "sample-set"; bytes: Uint8Array }[] {
  const a = 1e-6;
  const out: { name: string; kind: "solution" | "sample-set"; bytes: Uint8Array }[] = [];
  const dv = (kind: number, bound?: [number, number], extra: object = {}) => ({
    id: 1n,
    kind,
    ...(bound ? { bound: { lower: bound[0], upper: bound[1] } } : {}),
    ...extra,
  });
  const sol = (name: string, init: object) => {
    for (const f of [true, false]) {
      out.push({
        name: `${name} (flags ${f})`,
        kind: "solution",
        bytes: toBinary(
          V1SolutionSchema,
          create(V1SolutionSchema, { objective: 0, feasible: f, feasibleRelaxed: f, ...init }),
        ),
      });
    }
  };
  const values: [string, number][] = [
    ["0", 0],
    ["atol", a],
    ["-atol", -a],
    ["next(atol)", nextUp(a)],
    ["-next(atol)", -nextUp(a)],
    ["2atol", 2e-6],
    ["-5", -5],
    ["NaN", NaN],
  ];
  for (const [label, v] of values) {
    for (const [eq, e] of [["=", 1], ["<=", 2]] as const) {
      sol(`constraint ${eq} ${label}`, {
        state: { entries: {} },
        evaluatedConstraints: [{ id: 1n, equality: e, evaluatedValue: v }],
      });
    }
  }
  sol("removed infeasible, active feasible", {
    state: { entries: {} },
    evaluatedConstraints: [
      { id: 1n, equality: 1, evaluatedValue: 1, removedReason: "r" },
      { id: 2n, equality: 2, evaluatedValue: -1 },
    ],
  });
  const variables: [string, number, [number, number] | undefined, number][] = [
    ["continuous upper+atol", 3, [-10, 10], 10 + 1e-6],
    ["continuous next(upper+atol)", 3, [-10, 10], nextUp(10 + 1e-6)],
    ["continuous lower-atol at 1e6", 3, [1e6, 2e6], 1e6 - 1e-6],
    ["continuous lower-0.99atol at 1e6", 3, [1e6, 2e6], 1e6 - 9.9e-7],
    ["continuous no bound 0", 3, undefined, 0],
    ["continuous no bound 5", 3, undefined, 5],
    ["integer 1+atol", 2, [-10, 10], 1 + 1e-6],
    ["integer next(atol)", 2, [-10, 10], nextUp(a)],
    ["integer 0.5", 2, [-10, 10], 0.5],
    ["integer bound [0.9999995, 3] at 0.999999", 2, [0.9999995, 3], 0.999999],
    ["binary bound [-5, 5] at 2", 1, [-5, 5], 2],
    ["binary 1+atol/2", 1, [0, 1], 1 + 5e-7],
    ["semi-continuous [2, 10] at 0", 5, [2, 10], 0],
    ["semi-integer [2, 10] at 3", 4, [2, 10], 3],
  ];
  for (const [label, kind, bound, x] of variables) {
    sol(`variable ${label}`, {
      state: { entries: { "1": x } },
      decisionVariables: [dv(kind, bound)],
    });
  }
  sol("legacy: feasible_relaxed absent", {
    state: { entries: {} },
    evaluatedConstraints: [{ id: 1n, equality: 1, evaluatedValue: 1, removedReason: "r" }],
    feasibleRelaxed: undefined,
    feasibleUnrelaxed: false,
  });
  const sv = (e: [number, number[]][]) => ({
    entries: e.map(([value, ids]) => ({ value, ids: ids.map(BigInt) })),
  });
  const ss = (name: string, init: object) =>
    out.push({
      name,
      kind: "sample-set",
      bytes: toBinary(
        V1SampleSetSchema,
        create(V1SampleSetSchema, {
          objectives: sv([[1, [0]], [2, [1]], [3, [2]]]),
          decisionVariables: [{
            decisionVariable: dv(2, [-10, 10]),
            samples: sv([[1, [0]], [0.5, [1]], [11, [2]]]),
          }],
          sense: 1,
          ...init,
        }),
      ),
    });
  const row = (feasible: Record<number, boolean>, extra: object = {}) => ({
    id: 1n,
    equality: 1,
    evaluatedValues: sv([[0, [0]], [a, [1]], [nextUp(a), [2]]]),
    feasible,
    ...extra,
  });
  ss("sample set: computed flags", { constraints: [row({ 0: true, 1: true, 2: false })] });
  ss("sample set: removed", {
    constraints: [row({ 0: true, 1: true, 2: false }, { removedReason: "r" })],
  });
  ss("sample set: constraint flag at atol refused", {
    constraints: [row({ 0: true, 1: false, 2: false })],
  });
  ss("sample set: no constraint flags", { constraints: [row({})] });
  ss("sample set: contradicting sample flag", {
    constraints: [row({ 0: true, 1: true, 2: false })],
    feasible: { 0: false },
  });
  ss("sample set: partial sample flags", {
    constraints: [row({ 0: true, 1: true, 2: false })],
    feasible: { 0: true },
    feasibleRelaxed: { 2: false },
  });
  return out;
}

Deno.test({
  name:
    "python interop: derived fields of v1 payloads at the tolerance edges, as the reference reads them",
  ignore: !haveOmmx,
  fn: async () => {
    const cases = v1Cases();
    const payload = JSON.stringify(
      cases.map((c) => ({ kind: c.kind, b64: btoa(String.fromCharCode(...c.bytes)) })),
    );
    const py: { ok: boolean; error?: string; flags?: unknown; constraints?: unknown }[] = JSON
      .parse(new TextDecoder().decode(await run(READ_V1, new TextEncoder().encode(payload))));
    let accepted = 0;
    cases.forEach((c, i) => {
      const p = py[i]!;
      let ours: { ok: boolean; error?: string; flags?: unknown; constraints?: unknown };
      try {
        if (c.kind === "solution") {
          const s = Solution.decode(c.bytes, "v1");
          ours = {
            ok: true,
            flags: [s.feasible, s.feasibleRelaxed],
            constraints: Object.fromEntries(s.constraints.map((k) => [String(k.id), k.feasible])),
          };
        } else {
          const s = SampleSet.decode(c.bytes, "v1");
          ours = {
            ok: true,
            flags: [Object.fromEntries(s.feasible), Object.fromEntries(s.feasibleRelaxed)]
              .map((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v]))),
          };
        }
      } catch (e) {
        assert.ok(e instanceof DecodeError, `${c.name}: ${e}`);
        ours = { ok: false, error: (e as Error).message };
      }
      assert.equal(
        ours.ok,
        p.ok,
        `${c.name}: ours ${JSON.stringify(ours)}, reference ${JSON.stringify(p)}`,
      );
      if (p.ok) {
        accepted++;
        assert.deepEqual(ours.flags, p.flags, `${c.name}: flags`);
        if (c.kind === "solution") assert.deepEqual(ours.constraints, p.constraints, c.name);
      } else {
        // Same verdict, and the same provided/computed pair when the reference names one.
        const pair = p.error!.match(/provided=(\w+), computed=(\w+)/);
        if (pair) {
          assert.match(ours.error!, new RegExp(`provided=${pair[1]}, computed=${pair[2]}`), c.name);
        }
      }
    });
    assert.ok(accepted >= 30 && accepted < cases.length, `accepted ${accepted} of ${cases.length}`);
  },
});

Deno.test({
  name:
    "python interop: Solutions and a SampleSet with special constraints we write read as the reference evaluates them",
  ignore: !haveOmmx,
  fn: async () => {
    const b = (id: number) => ({
      id,
      kind: "binary" as const,
      bound: { lower: 0, upper: 1 },
      subscripts: [],
      parameters: {},
    });
    const c = (id: number) => ({
      id,
      kind: "continuous" as const,
      bound: { lower: -5, upper: 5 },
      subscripts: [],
      parameters: {},
    });
    const inst = new Instance({
      objective: Function.linear([[10, 1], [11, 2]]), // continuous only: the reference rounds near-integral binaries in evaluate()
      decisionVariables: [b(0), b(1), b(2), c(10), c(11), c(12)],
      constraints: [{
        id: 1,
        equality: "<=",
        function: Function.linear([[10, 1], [11, 1]], -4),
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
      sos1Constraints: [{ id: 3, variables: [10, 11, 12], subscripts: [], parameters: {} }],
    });
    const a = 1e-6;
    const states: Record<number, number>[] = [
      { 0: 1, 1: 0, 2: 0, 10: 1, 11: 0, 12: 0 },
      { 0: 0, 1: 1, 2: 0, 10: 3, 11: 0, 12: 0 },
      { 0: 1, 1: 0, 2: 0, 10: 3, 11: 0, 12: 0 },
      { 0: 0, 1: 0, 2: 0, 10: 0, 11: 0, 12: 0 },
      { 0: 1, 1: 1, 2: 0, 10: 0, 11: 0, 12: 0 },
      { 0: 1, 1: 0, 2: 0, 10: 1, 11: a, 12: 0 },
      { 0: 1, 1: 0, 2: 0, 10: 1, 11: nextUp(a), 12: 0 },
      { 0: 1 - 5e-7, 1: 5e-7, 2: 0, 10: 1 + a, 11: 0, 12: 0 },
    ];
    const script = `
import sys, json, base64
from ommx import Instance, Solution, SampleSet
data = json.load(sys.stdin)
inst = Instance.from_v2_bytes(base64.b64decode(data["instance"]))
states = [{int(k): v for k, v in s.items()} for s in data["states"]]
out = []
for state, b64 in zip(states, data["solutions"]):
    ours = Solution.from_v2_bytes(base64.b64decode(b64))
    ref = inst.evaluate(state)
    out.append([[ours.feasible, ours.feasible_relaxed, ours.objective], [ref.feasible, ref.feasible_relaxed, ref.objective]])
ours = SampleSet.from_v2_bytes(base64.b64decode(data["sample_set"]))
ref = inst.evaluate_samples(dict(enumerate(states)))
out.append([[ours.feasible, ours.feasible_relaxed], [ref.feasible, ref.feasible_relaxed]])
print(json.dumps([[[{str(k): v for k, v in x.items()} if isinstance(x, dict) else x for x in side] for side in pair] for pair in out]))`;
    const b64 = (x: Uint8Array) => btoa(String.fromCharCode(...x));
    const solutions = states.map((s) =>
      Solution.evaluate(inst, new Map(Object.entries(s).map(([k, v]) => [Number(k), v])))
    );
    // The same states as one SampleSet (sample i = state i), derived fields left to the writer.
    const perSample = <T>(f: (s: Solution) => T) =>
      new Map(solutions.map((s, i) => [i, f(s)] as [number, T]));
    const sampleSet = new SampleSet({
      sense: "minimize",
      objectives: new SampledValues(perSample((s) => s.objective)),
      decisionVariables: inst.decisionVariables.map((v) => ({
        ...v,
        samples: new SampledValues(perSample((s) => s.state.get(v.id)!)),
      })),
      constraints: solutions[0]!.constraints.map((c) => {
        const { value: _v, feasible: _f, indicatorActive: _a, activeVariable: _x, ...rest } = c;
        const kinded = (s: Solution) =>
          s.constraints.find((d) => d.kind === c.kind && d.id === c.id)!;
        return {
          ...rest,
          values: c.kind === "regular" || c.kind === "indicator"
            ? new SampledValues(perSample((s) => kinded(s).value))
            : new SampledValues(new Map()),
          feasible: new Map(),
        };
      }),
    });
    const input = JSON.stringify({
      instance: b64(inst.toBytes()),
      states,
      solutions: solutions.map((s) => b64(s.toBytes())),
      sample_set: b64(sampleSet.toBytes()),
    });
    const got: [unknown[], unknown[]][] = JSON.parse(
      new TextDecoder().decode(await run(script, new TextEncoder().encode(input))),
    );
    assert.equal(got.length, states.length + 1);
    for (const [i, [ours, ref]] of got.entries()) assert.deepEqual(ours, ref, `state ${i}`);
    assert.ok(got.some(([o]) => o[0] === true) && got.some(([o]) => o[0] === false));
  },
});
