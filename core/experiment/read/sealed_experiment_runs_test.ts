import assert from "node:assert/strict";
import { InvalidArtifactError } from "../../errors.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import { encodeDiagnostics } from "../../../codecs/msgpack/mod.ts";
import {
  MEDIA_TYPE_DIAGNOSTICS,
  MEDIA_TYPE_V2_INSTANCE,
  MEDIA_TYPE_V2_SOLUTION,
} from "../../../codecs/media_types.ts";
import { Solution } from "../../../codecs/ommx/solution.ts";
import { loadSealedExperiment } from "./sealed_experiment.ts";
import { loadSealedRun } from "./sealed_run.ts";
import {
  experimentConfig,
  memoryArtifact,
  PARAMS_LAYER,
  type TestLayer,
  TINY_INSTANCE,
} from "./_read_test_util.ts";

const LAYERS: TestLayer[] = [
  PARAMS_LAYER,
  { mediaType: MEDIA_TYPE_V2_INSTANCE, bytes: TINY_INSTANCE.toBytes() },
  {
    mediaType: MEDIA_TYPE_V2_SOLUTION,
    bytes: Solution.evaluate(TINY_INSTANCE, new Map([[1, 1]])).toBytes(),
  },
  { mediaType: MEDIA_TYPE_DIAGNOSTICS, bytes: encodeDiagnostics([{ iterations: 3 }]) },
];

function solve(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { solve_id: id, status: "finished", input: 1, output: 2, adapter: "a", ...extra };
}

function run(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    run_id: id,
    status: "finished",
    attachments: { entries: {} },
    solves: [solve(0), solve(1)],
    samplings: [],
    ...extra,
  };
}

async function load(runs: Record<string, unknown>[]) {
  const { target, descriptor, manifest } = await memoryArtifact({
    config: experimentConfig({ runs }),
    layers: LAYERS,
  });
  const exp = await loadSealedExperiment(target, descriptor, manifest, { codecs: defaultCodecs });
  return { exp, target, manifest };
}

Deno.test("loadSealedExperiment: run views built without a read are the loader's views", async () => {
  const { exp, target, manifest } = await load([run(2), run(0), run(1)]);
  assert.deepEqual(exp.runs.map((r) => r.runId), [0, 1, 2]);
  assert.ok(Object.isFrozen(exp.runs));
  const ctx = {
    target,
    layers: manifest.layers,
    codecs: defaultCodecs,
    maxDecompressedBytes: 1 << 30,
  };
  for (const [i, r] of exp.runs.entries()) {
    const loaded = await loadSealedRun(ctx, exp.config.runs[i]!, {});
    assert.equal(String(r), String(loaded));
    assert.deepEqual(r.solves.map(String), loaded.solves.map(String));
    assert.equal(r.solves[1]!.outputDescriptor, manifest.layers[2]);
    assert.deepEqual(r.parameters, {});
    assert.ok(Object.isFrozen(r.parameters));
    // Each run shares the table's frozen row: no copy a run.
    assert.equal(r.parameters, exp.runParameters().rows[i]!.values);
    // Runs without Samplings share one frozen empty list.
    assert.equal(r.samplings, exp.runs[0]!.samplings);
    assert.equal(r.samplings.length, 0);
    assert.ok(Object.isFrozen(r.samplings));
    assert.deepEqual(r.attachmentNames, []);
  }
});

Deno.test("loadSealedExperiment: a run with diagnostics is read among runs without", async () => {
  const { exp } = await load([run(0), run(1, { solves: [solve(0, { diagnostics: 3 })] }), run(2)]);
  assert.deepEqual(exp.runs[1]!.solves[0]!.getDiagnostics(), [{ iterations: 3 }]);
  assert.deepEqual(exp.runs[0]!.solves[0]!.getDiagnostics(), []);
});

Deno.test("loadSealedExperiment: with two broken runs, the error the loader always reported", async () => {
  // Run 0's Solve input is out of bounds (found inside the Solve's load), run 1's trace
  // (found first when every run is loaded at once): the second is the one reported.
  await assert.rejects(
    load([run(0, { solves: [solve(0, { input: 9 })] }), run(1, { trace: 9 })]),
    (e) => {
      assert.ok(e instanceof InvalidArtifactError);
      assert.match(e.message, /Run 1 trace LayerRef 9: LayerRef 9 is out of bounds/);
      return true;
    },
  );
  await assert.rejects(
    load([run(0), run(1, { solves: [solve(0, { output: 1 })] })]),
    /Invalid Run 1 Solve 0 output: media type is application\/org\.ommx\.v2\.instance/,
  );
});
