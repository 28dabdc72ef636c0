import assert from "node:assert/strict";
import { InvalidArtifactError } from "../../errors.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import {
  MEDIA_TYPE_DIAGNOSTICS,
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_V2_INSTANCE,
  MEDIA_TYPE_V2_SAMPLE_SET,
  MEDIA_TYPE_V2_SOLUTION,
} from "../../../codecs/media_types.ts";
import type { Instance } from "../../../codecs/ommx/instance.ts";
import { SampledValues } from "../../../codecs/ommx/sampled_values.ts";
import { SampleSet } from "../../../codecs/ommx/sample_set.ts";
import { Solution } from "../../../codecs/ommx/solution.ts";
import { createExperimentBuilder } from "../write/experiment_builder.ts";
import { loadSealedExperiment } from "./sealed_experiment.ts";
import {
  experimentConfig,
  memoryArtifact,
  PARAMS_LAYER,
  TINY_INSTANCE,
} from "./_read_test_util.ts";

const instance = TINY_INSTANCE;

Deno.test("Solve and Sampling: records, their layers and decoded payloads", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/read/process:v1" });
  await b.withRun(async (run) => {
    await run.logSolve(
      {
        name: "toy.Solver",
        solve: (i: Instance, _o, ctx) => {
          ctx.recordDiagnostic({ iterations: 3 });
          return Solution.evaluate(i, new Map([[1, 1]]));
        },
      },
      instance,
      { time_limit: NaN, verbose: true },
      { storeDiagnostics: true },
    );
    await run.logSolve(
      {
        name: "toy.Broken",
        solve: () => {
          throw new Error("no solution");
        },
      },
      instance,
    ).catch(() => {});
    await run.logFinishedSampling({
      input: instance,
      adapter: "toy.Sampler",
      output: new SampleSet({
        sense: "maximize",
        objectives: SampledValues.fromMap({ 0: 2, 1: 0 }),
        decisionVariables: [{
          id: 1,
          kind: "binary",
          bound: { lower: 0, upper: 1 },
          subscripts: [],
          parameters: {},
          samples: SampledValues.fromMap({ 0: 1, 1: 0 }),
        }],
      }),
    });
  });
  const [run] = (await b.commit()).runs;
  assert.ok(run);
  const [solved, broken] = run.solves;
  const [sampled] = run.samplings;
  assert.ok(solved && broken && sampled);

  assert.equal(solved.solveId, 0);
  assert.equal(solved.runId, 0);
  assert.equal(solved.status, "finished");
  assert.equal(solved.adapter, "toy.Solver");
  assert.equal(solved.adapterOptionsJson, '{"time_limit": NaN, "verbose": true}');
  const options = solved.adapterOptions;
  assert.ok(Number.isNaN(options.time_limit));
  assert.equal(options.verbose, true);
  assert.deepEqual(solved.getDiagnostics(), [{ iterations: 3 }]);
  assert.equal(solved.inputDescriptor.mediaType, MEDIA_TYPE_V2_INSTANCE);
  assert.equal(solved.outputDescriptor?.mediaType, MEDIA_TYPE_V2_SOLUTION);
  assert.equal((await solved.getInput()).numVariables, 1);
  assert.equal((await solved.getOutput())?.objective, 2);
  assert.equal(
    solved.toString(),
    "Solve(run_id=0, solve_id=0, status='finished', adapter='toy.Solver')",
  );

  assert.equal(broken.solveId, 1);
  assert.equal(broken.status, "failed");
  assert.equal(broken.outputDescriptor, null);
  assert.equal(await broken.getOutput(), null);
  assert.deepEqual(broken.getDiagnostics(), []);
  // Without stored diagnostics: the same array every call, each record its own.
  assert.equal(broken.getDiagnostics(), broken.getDiagnostics());
  broken.getDiagnostics().push("mine");
  assert.deepEqual(broken.getDiagnostics(), ["mine"]);
  assert.notEqual(broken.getDiagnostics(), sampled.getDiagnostics());
  assert.deepEqual(sampled.getDiagnostics(), []);
  assert.deepEqual(broken.adapterOptions, {});

  assert.equal(sampled.samplingId, 0);
  assert.equal(sampled.outputDescriptor?.mediaType, MEDIA_TYPE_V2_SAMPLE_SET);
  const sampleSet = await sampled.getOutput();
  assert.deepEqual(sampleSet?.sampleIdsList, [0, 1]);
  assert.equal(sampleSet?.best()?.objective, 2);
  assert.equal(
    String(sampled),
    "Sampling(run_id=0, sampling_id=0, status='finished', adapter='toy.Sampler')",
  );
});

Deno.test("loadSolve: wrong media types, bad diagnostics and options are InvalidArtifactErrors", async () => {
  const bytes = instance.toBytes();
  const layers = [
    { mediaType: MEDIA_TYPE_V2_INSTANCE, bytes },
    { mediaType: MEDIA_TYPE_JSON, bytes: new TextEncoder().encode("{}") },
    { mediaType: MEDIA_TYPE_DIAGNOSTICS, bytes: new Uint8Array([0xc1]) },
    PARAMS_LAYER,
  ];
  const withSolve = (solve: Record<string, unknown>) =>
    experimentConfig({
      runs: [{
        run_id: 0,
        attachments: { entries: {} },
        solves: [{ solve_id: 4, status: "failed", input: 0, adapter: "a", ...solve }],
      }],
    }, 3);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ input: 1 }, /Invalid Run 0 Solve 4 input: media type is application\/json, expected/],
    [{ diagnostics: 1 }, /Invalid Run 0 Solve 4 diagnostics: media type is application\/json/],
    [{ diagnostics: 2 }, /Invalid Run 0 Solve 4 diagnostics: /],
    [{ input: 8 }, /Run 0 Solve 4 input LayerRef 8: LayerRef 8 is out of bounds for 4/],
    [
      { status: "finished", output: 8 },
      /Run 0 Solve 4 output LayerRef 8: LayerRef 8 is out of bounds for 4/,
    ],
    [
      { status: "finished", output: 0 },
      /Invalid Run 0 Solve 4 output: media type is application\/org\.ommx\.v2\.instance/,
    ],
  ];
  for (const [solve, message] of cases) {
    const { target, descriptor, manifest } = await memoryArtifact({
      config: withSolve(solve),
      layers,
    });
    await assert.rejects(
      loadSealedExperiment(target, descriptor, manifest, { codecs: defaultCodecs }),
      (e) => {
        assert.ok(e instanceof InvalidArtifactError, String(e));
        assert.match(e.message, message);
        return true;
      },
    );
  }
  const odd = await memoryArtifact({ config: withSolve({ adapter_options: "[1]" }), layers });
  const exp = await loadSealedExperiment(odd.target, odd.descriptor, odd.manifest, {
    codecs: defaultCodecs,
  });
  const solve = exp.runById(0).solves[0]!;
  assert.equal(solve.adapterOptionsJson, "[1]");
  assert.throws(
    () => solve.adapterOptions,
    (e) =>
      e instanceof InvalidArtifactError &&
      e.message === "Run 0 Solve 4 adapter_options is not a JSON object: [1]",
  );
});
