import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { DecodeError } from "../../core/errors.ts";
import { ommxLayers } from "./_tar_scan_test_util.ts";
import { ommxV1InstanceCodec, ommxV1SolutionCodec } from "./codecs.ts";
import type { Instance } from "./instance.ts";
import type { Solution } from "./solution.ts";

const DIR = new URL("../../../shared/fixtures/qoblib-labs/", import.meta.url);

async function fixtures(): Promise<string[]> {
  try {
    return (await readdir(DIR)).filter((f) => f.endsWith(".ommx")).sort();
  } catch {
    return [];
  }
}

const files = await fixtures();
if (files.length === 0) {
  console.log(`skip qoblib tests: no fixtures at ${DIR.pathname} (outside the workplace)`);
}

for (const name of files) {
  Deno.test(`qoblib ${name}: instance.evaluate(solution.state) reproduces the stored objective`, async () => {
    const layers = ommxLayers(new Uint8Array(await readFile(new URL(name, DIR))));
    const inst = layers.find((l) => l.mediaType === ommxV1InstanceCodec.mediaType);
    const sol = layers.find((l) => l.mediaType === ommxV1SolutionCodec.mediaType);
    assert.ok(inst && sol, "archive must hold a v1 instance and a v1 solution layer");
    const instance = (await ommxV1InstanceCodec.decode(inst.bytes)) as Instance;
    const solution = (await ommxV1SolutionCodec.decode(sol.bytes)) as Solution;
    assert.equal(instance.version, "v1");
    assert.ok(instance.numVariables > 0);
    assert.equal(instance.numVariables, solution.decisionVariables.length);
    const ev = instance.evaluate(solution.state);
    const rel = Math.abs(ev.objective - solution.objective) /
      Math.max(1, Math.abs(solution.objective));
    assert.ok(rel <= 1e-9, `objective ${ev.objective} vs stored ${solution.objective}`);
    assert.equal(ev.feasible, solution.feasible);
    if (solution.feasibleRelaxed !== undefined) {
      assert.equal(ev.feasibleRelaxed, solution.feasibleRelaxed);
    }
    // Stored per-constraint values agree with ours.
    const stored = new Map(solution.constraints.map((c) => [c.id, c.value]));
    for (const c of ev.constraints) {
      const s = stored.get(c.id);
      if (s !== undefined) assert.ok(Math.abs(s - c.value) <= 1e-9 * Math.max(1, Math.abs(s)));
    }
    // v1 → v2 → decode keeps the content.
    const again = (await import("./instance.ts")).Instance.decode(instance.toBytes(), "v2");
    assert.equal(again.numConstraints, instance.numConstraints);
    assert.equal(again.evaluate(solution.state).objective, ev.objective);
  });
}

if (files.length > 0) {
  Deno.test("qoblib: a truncated instance layer is a DecodeError naming the media type", async () => {
    const layers = ommxLayers(new Uint8Array(await readFile(new URL(files[0]!, DIR))));
    const inst = layers.find((l) => l.mediaType === ommxV1InstanceCodec.mediaType)!;
    const err = await Promise.resolve().then(() =>
      ommxV1InstanceCodec.decode(inst.bytes.subarray(0, inst.bytes.length - 3))
    ).then(() => undefined, (e) => e);
    assert.ok(err instanceof DecodeError);
    assert.equal(err.code, "DECODE_ERROR");
    assert.match(err.message, /application\/org\.ommx\.v1\.instance/);
  });
}
