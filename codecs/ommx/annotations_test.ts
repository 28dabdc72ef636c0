import assert from "node:assert/strict";
import { instanceAnnotationView, mergeAnnotations, metadataAnnotationView } from "./annotations.ts";
import { Function } from "./function.ts";
import { Instance } from "./instance.ts";
import { ParametricInstance } from "./instance.ts";
import { SampledValues } from "./sampled_values.ts";
import { SampleSet } from "./sample_set.ts";
import { Solution } from "./solution.ts";

const layer = {
  "org.ommx.v1.instance.title": "T",
  "org.ommx.v1.instance.description": "D",
  "org.ommx.v1.instance.authors": " a ,b,, c",
  "org.ommx.v1.instance.created_by": "cb",
  "org.ommx.v1.instance.created": "2024-01-01T00:00:00Z",
  "org.ommx.v1.instance.license": "MIT",
  "org.ommx.v1.instance.dataset": "ds",
  "org.ommx.v1.instance.variables": "123",
  "org.ommx.v1.instance.constraints": "9",
  "org.ommx.v1.solution.solver": '{"name":"x"}',
  "org.ommx.v1.solution.start": "s",
  "org.ommx.v1.sample-set.end": "e",
  "org.example.ext": "layer",
};

Deno.test("mergeAnnotations: Instance description filled from the layer, message wins", () => {
  const inst = new Instance({
    objective: Function.constant(0),
    description: { name: "from-message", authors: [] },
    annotations: { "org.example.ext": "message" },
  });
  const m = mergeAnnotations(inst, layer);
  assert.deepEqual(m.description, {
    name: "from-message",
    description: "D",
    authors: ["a", "b", "c"],
    createdBy: "cb",
    created: "2024-01-01T00:00:00Z",
    license: "MIT",
    dataset: "ds",
  });
  assert.deepEqual(m.extensionAnnotations, { "org.example.ext": "message" });
  assert.equal(m.numVariables, 0); // .variables is never read back
  // Python's `Instance.annotations` view: projection + extensions.
  assert.deepEqual(m.annotations, {
    "org.ommx.v1.instance.title": "from-message",
    "org.ommx.v1.instance.description": "D",
    "org.ommx.v1.instance.authors": "a,b,c",
    "org.ommx.v1.instance.created_by": "cb",
    "org.ommx.v1.instance.created": "2024-01-01T00:00:00Z",
    "org.ommx.v1.instance.license": "MIT",
    "org.ommx.v1.instance.dataset": "ds",
    "org.ommx.v1.instance.variables": "0",
    "org.ommx.v1.instance.constraints": "0",
    "org.example.ext": "message",
  });
  assert.equal(inst.description?.description, undefined); // original untouched
});

Deno.test("mergeAnnotations: namespaces are per kind; nothing to merge leaves fields unset", () => {
  const pi = mergeAnnotations(new ParametricInstance({ objective: Function.constant(0) }), layer);
  assert.equal(pi.description, undefined); // only org.ommx.v1.parametric-instance.* applies
  assert.deepEqual(pi.extensionAnnotations, { "org.example.ext": "layer" });
  assert.equal(pi.annotations["org.ommx.v1.parametric-instance.variables"], "0");
  const pi2 = mergeAnnotations(pi, { "org.ommx.v1.parametric-instance.title": "P" });
  assert.equal(pi2.description?.name, "P");
  const sol = mergeAnnotations(
    new Solution({ state: new Map(), objective: 0, feasible: true, metadata: { solver: "mine" } }),
    layer,
  );
  assert.deepEqual(sol.metadata, { solver: "mine", start: "s" });
  assert.deepEqual(sol.annotations, {
    "org.ommx.v1.solution.solver": "mine",
    "org.ommx.v1.solution.start": "s",
    "org.example.ext": "layer",
  });
  const ss = mergeAnnotations(
    new SampleSet({ sense: "minimize", objectives: SampledValues.fromMap({}) }),
    layer,
  );
  assert.deepEqual(ss.metadata, { end: "e" });
  assert.equal(ss.annotations["org.ommx.v1.sample-set.end"], "e");
  assert.equal(
    mergeAnnotations(
      new SampleSet({ sense: "minimize", objectives: SampledValues.fromMap({}) }),
      {},
    ).metadata,
    undefined,
  );
});

Deno.test("annotation views: projection keys first, extensions after (an extension key overrides in place)", () => {
  const ns = "org.ommx.v1.instance";
  const bare = instanceAnnotationView(ns, { name: "t" }, 3, 1, {});
  assert.deepEqual(Object.entries(bare), [
    [`${ns}.title`, "t"],
    [`${ns}.variables`, "3"],
    [`${ns}.constraints`, "1"],
  ]);
  const extended = instanceAnnotationView(ns, undefined, 3, 1, {
    "org.x": "y",
    [`${ns}.variables`]: "9",
  });
  assert.deepEqual(Object.entries(extended), [
    [`${ns}.variables`, "9"],
    [`${ns}.constraints`, "1"],
    ["org.x", "y"],
  ]);
  const ms = "org.ommx.v1.solution";
  assert.deepEqual(Object.entries(metadataAnnotationView(ms, { solver: "s" }, {})), [
    [`${ms}.solver`, "s"],
  ]);
  assert.deepEqual(
    Object.entries(metadataAnnotationView(ms, { solver: "s" }, { "org.x": "y" })),
    [[`${ms}.solver`, "s"], ["org.x", "y"]],
  );
  // Each call gives an object of its own.
  const empty = {};
  assert.notEqual(metadataAnnotationView(ms, undefined, empty), empty);
});
