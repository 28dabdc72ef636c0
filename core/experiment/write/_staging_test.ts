// `stageBytes` keeps one frozen empty annotations object for every layer without annotations
// (a closed run keeps its descriptors until the commit), and its own copy of any others.
import assert from "node:assert/strict";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import { stageBytes } from "./_staging.ts";

const enc = new TextEncoder();

Deno.test("stageBytes: layers without annotations share one frozen empty object", async () => {
  const store = new MemoryTarget();
  const a = await stageBytes(store, "application/json", enc.encode("{}"));
  const given = {};
  const b = await stageBytes(store, "application/json", enc.encode("[]"), given);
  assert.equal(a.annotations, b.annotations);
  assert.notEqual(b.annotations, given);
  assert.deepEqual(a.annotations, {});
  assert.ok(Object.isFrozen(a.annotations));
  assert.equal(JSON.stringify(a), JSON.stringify({ ...a, annotations: {} }));
});

Deno.test("stageBytes: a layer's annotations are its own copy", async () => {
  const store = new MemoryTarget();
  const given: Record<string, string> = { "org.example.k": "v" };
  const a = await stageBytes(store, "application/json", enc.encode("{}"), given);
  given["org.example.k"] = "changed";
  assert.notEqual(a.annotations, given);
  assert.deepEqual(a.annotations, { "org.example.k": "v" });
  assert.ok(!Object.isFrozen(a.annotations));
});
