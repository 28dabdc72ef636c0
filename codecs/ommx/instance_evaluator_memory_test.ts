// An Instance does not keep its compiled evaluator alive: after evaluation, once the job has ended
// and the heap is collected, no `Evaluator` object is left (a writer that keeps its instances kept
// ~5 KB per instance before). Checked in a child Deno with `--expose-gc`, counting `Evaluator`
// objects in V8 heap snapshots (`node:v8`'s `writeHeapSnapshot`).
import assert from "node:assert/strict";

const CHILD = `
import v8 from "node:v8";
import { DecisionVariable } from ${
  JSON.stringify(new URL("./decision_variable.ts", import.meta.url).href)
};
import { Instance } from ${JSON.stringify(new URL("./instance.ts", import.meta.url).href)};

const dir = Deno.args[0];
function evaluators(name) {
  const path = v8.writeHeapSnapshot(dir + "/" + name + ".heapsnapshot");
  const snap = JSON.parse(Deno.readTextFileSync(path));
  Deno.removeSync(path);
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const t = fields.indexOf("type"), n = fields.indexOf("name");
  let count = 0;
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    if (types[snap.nodes[i + t]] === "object" && snap.strings[snap.nodes[i + n]] === "Evaluator") count++;
  }
  return count;
}

const x = [0, 1, 2].map((i) => DecisionVariable.binary(i));
const inst = Instance.fromComponents({
  decisionVariables: x,
  objective: x[0].add(x[1].mul(2)).add(x[2].mul(3)),
  constraints: { 0: x[0].add(x[1]).add(x[2]).le(2) },
  sense: "maximize",
});
const state = new Map([[0, 1], [1, 1], [2, 0]]);
const first = inst.evaluate(state).objective;
globalThis.gc();
const during = evaluators("during");
await new Promise((resolve) => setTimeout(resolve, 0));
globalThis.gc();
const after = evaluators("after");
const again = inst.evaluate(state).objective;
console.log(JSON.stringify({ first, again, during, after }));
`;

Deno.test("Instance: the compiled evaluator is released once the job ends and the heap is collected", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-evaluator-" });
  try {
    const script = `${dir}/child.ts`;
    await Deno.writeTextFile(script, CHILD);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-lock",
        "--allow-read",
        "--allow-write",
        "--v8-flags=--expose-gc",
        script,
        dir,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const result = JSON.parse(new TextDecoder().decode(out.stdout));
    // The same job still holds it (so the count can see one), the next job after a GC does not,
    // and evaluating again builds a new one with the same result.
    assert.deepEqual(result, { first: 3, again: 3, during: 1, after: 0 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
