import assert from "node:assert/strict";
import { InvalidArtifactError, InvalidStateError } from "../../errors.ts";
import { digestOf } from "../../oci/digest.ts";
import { parseManifest } from "../../oci/manifest.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import {
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_RUN_PARAMETERS,
  MEDIA_TYPE_TRACE,
} from "../../../codecs/media_types.ts";
import { createExperimentBuilder, forkExperimentBuilder } from "../write/experiment_builder.ts";
import { experimentArchiveBytes } from "../write/save.ts";
import { loadSealedExperiment, type SealedExperiment } from "./sealed_experiment.ts";
import { openSealedExperiment } from "./open.ts";
import { experimentConfig, memoryArtifact, PARAMS_LAYER } from "./_read_test_util.ts";

async function recorded(): Promise<SealedExperiment> {
  const b = createExperimentBuilder({ imageName: "example.com/read/exp:v1" });
  b.setAnnotation("org.example.owner", "me");
  await b.logJson("dataset", { rows: 3 });
  await b.withRun((run) => {
    run.logParameter("seed", 1);
    run.logParameter("solver", "toy");
  });
  await b.withRun((run) => run.logParameter("seed", 2));
  return await b.commit();
}

Deno.test("Experiment: the sealed view of a committed Experiment", async () => {
  const exp = await recorded();
  assert.equal(exp.imageName, "example.com/read/exp:v1");
  assert.equal(exp.status, "finished");
  assert.equal(exp.lifecycleReason, null);
  assert.equal(exp.requestedImageName, null);
  assert.equal(exp.subject, null);
  assert.deepEqual(exp.annotations, { "org.example.owner": "me" });
  assert.equal(exp.manifestDigest, exp.manifestDescriptor.digest);
  assert.equal(exp.layers, exp.manifest.layers);
  // dataset, then the table last
  assert.deepEqual(exp.layers.map((l) => l.mediaType), [
    MEDIA_TYPE_JSON,
    MEDIA_TYPE_RUN_PARAMETERS,
  ]);
  assert.equal(exp.config.runParameters, 1);
  assert.deepEqual(exp.runs.map((r) => r.runId), [0, 1]);
  assert.ok(Object.isFrozen(exp.runs));
  assert.equal(exp.runById(1).parameters.seed, 2);
  assert.deepEqual(exp.attachmentNames, ["dataset"]);
  assert.deepEqual(await exp.getJson("dataset"), { rows: 3 });
  const table = exp.runParameters();
  assert.deepEqual(table.columns.map((c) => [c.name, c.type]), [["seed", "int64"], [
    "solver",
    "string",
  ]]);
  assert.deepEqual(table.rows.map((r) => r.values), [{ seed: 1, solver: "toy" }, { seed: 2 }]);
});

Deno.test("SealedExperiment.runById: an unknown run id is an InvalidStateError naming the runs", async () => {
  const exp = await recorded();
  assert.throws(() => exp.runById(7), (e) => {
    assert.ok(e instanceof InvalidStateError);
    assert.equal(e.message, "Experiment has no Run 7 (runs: 0, 1)");
    return true;
  });
  const empty = await createExperimentBuilder({ imageName: "example.com/read/empty:v1" }).commit();
  assert.throws(() => empty.runById(0), /runs: none/);
});

Deno.test("Experiment.storage: every blob of the Experiment, verified, from where it was opened", async () => {
  const committed = await recorded();
  await using exp = await openSealedExperiment(await experimentArchiveBytes(committed));
  const manifestBytes = await exp.storage.fetch(exp.manifestDescriptor);
  assert.equal(await digestOf(manifestBytes), exp.manifestDigest);
  assert.deepEqual(parseManifest(manifestBytes).manifest, exp.manifest);
  assert.equal(exp.storage.location, "bytes");
  for (const d of [exp.manifest.config, ...exp.layers]) {
    assert.equal(await exp.storage.exists(d), true);
    const streamed = new Uint8Array(await new Response(exp.storage.fetchStream(d)).arrayBuffer());
    assert.equal(await digestOf(streamed), d.digest);
  }
  // A fork reaches its parent's blobs through the same accessor.
  const child = await forkExperimentBuilder(exp, { imageName: "example.com/read/child:v1" });
  const forked = await child.commit();
  assert.deepEqual(forked.subject?.digest, exp.manifestDigest);
  assert.deepEqual(await forked.getJson("dataset"), { rows: 3 });
});

Deno.test("Experiment.verify: reads each distinct blob once, reporting progress", async () => {
  const exp = await recorded();
  const seen: number[] = [];
  const result = await exp.verify((p) => seen.push(p.blobs));
  const distinct = new Set([exp.manifest.config, ...exp.layers].map((d) => d.digest));
  assert.equal(result.blobs, distinct.size);
  assert.equal(
    result.bytes,
    [exp.manifest.config, ...exp.layers].filter((d, i, all) =>
      all.findIndex((x) => x.digest === d.digest) === i
    ).reduce((n, d) => n + d.size, 0),
  );
  assert.deepEqual(seen, [...Array(distinct.size).keys()].map((i) => i + 1));
});

Deno.test("Experiment.toString: the reference's repr, the name quoted as Python does", async () => {
  const exp = await recorded();
  assert.equal(
    exp.toString(),
    "Experiment(image_name='example.com/read/exp:v1', state='sealed', open_runs=0)",
  );
  const { target, descriptor, manifest } = await memoryArtifact({
    config: experimentConfig(),
    layers: [PARAMS_LAYER],
  });
  const unnamed = await loadSealedExperiment(target, descriptor, manifest, {
    codecs: defaultCodecs,
  });
  assert.equal(unnamed.imageName, null);
  assert.equal(String(unnamed), "Experiment(image_name=None, state='sealed', open_runs=0)");
  const named = await loadSealedExperiment(target, descriptor, manifest, {
    codecs: defaultCodecs,
    imageName: "it's\u200b",
  });
  assert.equal(String(named), `Experiment(image_name="it's\\u200b", state='sealed', open_runs=0)`);
});

Deno.test("loadSealedExperiment: each broken rule is an InvalidArtifactError naming it", async () => {
  const cases: [string, Parameters<typeof memoryArtifact>[0], RegExp, boolean?][] = [
    [
      "artifact type",
      { config: experimentConfig(), layers: [PARAMS_LAYER], artifactType: "application/x.other" },
      /Experiment artifact type is application\/x\.other/,
    ],
    [
      "config media type",
      { config: experimentConfig(), layers: [PARAMS_LAYER], configMediaType: "application/json" },
      /Experiment config media type is application\/json/,
    ],
    [
      "draft",
      { config: experimentConfig({ status: "draft" }), layers: [PARAMS_LAYER] },
      /status is draft.*allowDraft/,
    ],
    [
      "missing layer",
      { config: experimentConfig(), layers: [PARAMS_LAYER], omit: [0] },
      /Missing or truncated blobs in memory: layer 0/,
    ],
    [
      "table media type",
      { config: experimentConfig(), layers: [{ ...PARAMS_LAYER, mediaType: MEDIA_TYPE_TRACE }] },
      /Run-parameter descriptor media type is application\/org\.ommx\.trace\.otlp\+protobuf, expected/,
    ],
    [
      "table bytes",
      {
        config: experimentConfig(),
        layers: [{ mediaType: MEDIA_TYPE_RUN_PARAMETERS, bytes: new Uint8Array([0xc1]) }],
      },
      /Invalid run-parameter table/,
    ],
    [
      "table index",
      { config: experimentConfig({}, 4), layers: [PARAMS_LAYER] },
      /run-parameter table LayerRef 4: LayerRef 4 is out of bounds for 1 manifest layer/,
    ],
  ];
  for (const [name, artifact, message] of cases) {
    const { target, descriptor, manifest } = await memoryArtifact(artifact);
    await assert.rejects(
      loadSealedExperiment(target, descriptor, manifest, { codecs: defaultCodecs }),
      (e) => {
        assert.ok(e instanceof InvalidArtifactError, `${name}: ${e}`);
        assert.equal(e.code, "INVALID_ARTIFACT");
        assert.match(e.message, message, name);
        return true;
      },
    );
  }
  const draft = await memoryArtifact({
    config: experimentConfig({ status: "draft" }),
    layers: [PARAMS_LAYER],
  });
  const exp = await loadSealedExperiment(draft.target, draft.descriptor, draft.manifest, {
    codecs: defaultCodecs,
    allowDraft: true,
  });
  assert.equal(exp.status, "draft");
});
