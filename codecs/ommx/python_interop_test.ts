// Cross-checks against the reference Python SDK (OMMX_INTEROP_PYTHON, OMMX_PYTHON, or .cache/venv
// with python3 on PATH; tests/_tools.ts). Skipped with one printed line otherwise.
import assert from "node:assert/strict";
import { referencePython } from "../../tests/_tools.ts";
import { Instance } from "./instance.ts";
import { ParametricInstance } from "./parametric_instance.ts";
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
