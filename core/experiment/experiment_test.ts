import assert from "node:assert/strict";
import { OmmxError } from "../errors.ts";
import { MemoryTarget } from "../oci/backends/memory.ts";
import { createExperiment, Experiment, forkExperiment, openExperiment } from "./experiment.ts";
import { listExperimentCheckpoints } from "./read/checkpoints.ts";
import { AutosavePolicy } from "./write/autosave_policy.ts";
import { experimentArchiveBytes } from "./write/save.ts";

function code(c: string): (e: unknown) => true {
  return (e) => {
    assert.ok(e instanceof OmmxError, String(e));
    assert.equal(e.code, c);
    return true;
  };
}

async function tempRoot(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "ommx-experiment-test-" });
}

function blobCount(root: string): number {
  return [...Deno.readDirSync(`${root}/blobs/sha256`)].filter((e) => !e.name.startsWith("."))
    .length;
}

Deno.test("Experiment (in memory): unsealed reads, commit returns the committed view", async () => {
  const exp = createExperiment({ imageName: "example.com/t/facade:v1" });
  assert.equal(exp.state, "unsealed");
  assert.equal(exp.status, null);
  assert.equal(exp.lifecycleReason, null);
  assert.equal(exp.localRegistryRoot, null);
  assert.throws(() => exp.artifact, code("INVALID_STATE"));
  assert.throws(() => exp.storage, code("INVALID_STATE"));
  await assert.rejects(exp.save("/nonexistent/x.ommx"), code("INVALID_STATE"));
  await assert.rejects(exp.fork(), code("INVALID_STATE"));
  exp.setAnnotation("org.example.k", "v");
  await exp.logJson("dataset", { rows: 2 });
  await exp.withRun((run) => run.logParameter("seed", 1));
  const open = exp.run();
  assert.equal(
    String(exp),
    "Experiment(image_name='example.com/t/facade:v1', state='unsealed', open_runs=1)",
  );
  // unsealed reads, as Python's unsealed Experiment
  assert.deepEqual(exp.runs.map((r) => r.runId), [0]);
  assert.deepEqual(exp.attachmentNames, ["dataset"]);
  assert.deepEqual(await exp.getJson("dataset"), { rows: 2 });
  assert.deepEqual(exp.runParameters().rows, [{ runId: 0, values: { seed: 1 } }]);
  assert.deepEqual(exp.annotations, { "org.example.k": "v" });
  await assert.rejects(exp.commit(), code("INVALID_STATE")); // a Run is open
  await open.finish();
  assert.equal(await exp.commit(), exp);
  assert.equal(exp.state, "sealed");
  assert.equal(exp.status, "finished");
  assert.equal(exp.artifact.manifestDigest, exp.manifestDigest);
  assert.equal(exp.runs.length, 2);
  assert.equal(exp.runById(1).status, "finished");
  assert.throws(() => exp.runById(5), code("INVALID_STATE"));
  assert.throws(() => exp.setAnnotation("a", "b"), code("INVALID_STATE"));
  assert.throws(() => exp.run(), code("INVALID_STATE"));
  await assert.rejects(exp.logJson("x", 1), code("INVALID_STATE"));
  await assert.rejects(exp.commit(), code("INVALID_STATE"));
  assert.throws(() => exp.setAutosavePolicy(AutosavePolicy.disabled()), code("INVALID_STATE"));
  assert.equal(
    String(exp),
    "Experiment(image_name='example.com/t/facade:v1', state='sealed', open_runs=0)",
  );
  // save / push / rename in memory, fork in memory
  const target = new MemoryTarget();
  await exp.push(target);
  assert.equal((await target.resolve("example.com/t/facade:v1")).digest, exp.manifestDigest);
  await exp.rename("example.com/t/facade:v2");
  assert.equal(exp.imageName, "example.com/t/facade:v2");
  assert.equal(
    exp.manifestDescriptor.annotations?.["org.opencontainers.image.ref.name"],
    "example.com/t/facade:v2",
  );
  const child = await exp.fork("example.com/t/child:v1");
  assert.equal(child.state, "unsealed");
  assert.deepEqual(child.runs.map((r) => r.runId), [0, 1]);
  assert.equal(child.run().runId, 2);
  await exp.close();
  await exp.close();
  assert.throws(() => exp.runParameters(), code("INVALID_STATE"));
});

Deno.test("Experiment: record() and withRun() see the exception; await using commits", async () => {
  const failing = createExperiment({ imageName: "example.com/t/record:v1" });
  await assert.rejects(
    failing.record(async (exp) => {
      await exp.withRun((run) => run.logParameter("x", 1));
      throw new TypeError("boom");
    }),
    TypeError,
  );
  assert.equal(failing.state, "failed");
  assert.equal(failing.status, "failed");
  assert.equal(failing.lifecycleReason, "TypeError: boom");
  assert.equal(failing.requestedImageName, "example.com/t/record:v1");
  assert.match(
    failing.manifestDescriptor.annotations!["org.opencontainers.image.ref.name"]!,
    /\.ommx\.local\/checkpoint:[0-9a-f]{64}$/,
  );
  assert.equal(String(failing).includes("state='failed'"), true);

  let kept: Experiment;
  {
    await using exp = createExperiment({ imageName: "example.com/t/using:v1" });
    kept = exp;
    await assert.rejects(exp.withRun(() => {
      throw new DOMException("stop", "AbortError");
    }));
  }
  assert.equal(kept.status, "finished"); // committed on normal exit, then closed
  assert.equal(kept.runs[0]?.status, "interrupted");
  assert.throws(() => kept.storage, code("INVALID_STATE"));
});

Deno.test("openExperiment / forkExperiment: the root functions return Experiments", async () => {
  const exp = await createExperiment({ imageName: "example.com/t/open:v1" }).record((e) =>
    e.withRun((run) => run.logParameter("p", 2))
  );
  await using back = await openExperiment(await experimentArchiveBytes(exp));
  assert.ok(back instanceof Experiment);
  assert.equal(back.state, "sealed");
  assert.equal(back.imageName, "example.com/t/open:v1");
  assert.equal(back.runs[0]?.parameters.p, 2);
  await assert.rejects(back.rename("example.com/t/open:v2"), code("INVALID_STATE")); // an archive in memory
  const child = await forkExperiment(back, { imageName: "example.com/t/open-child:v1" });
  await child.withRun((run) => run.logParameter("p", 3));
  await child.commit();
  assert.equal(child.subject?.digest, back.manifestDigest);
  assert.deepEqual(child.runs.map((r) => r.parameters.p), [2, 3]);
  await assert.rejects(forkExperiment(createExperiment()), code("INVALID_STATE"));
});

Deno.test("Experiment (Local Registry): autosave policies, restore, commit removes the checkpoint", async () => {
  const root = await tempRoot();
  try {
    const name = "example.com/t/autosave:v1";
    const exp = await Experiment.create(name, { root });
    assert.equal(exp.localRegistryRoot, root);
    assert.equal(String(exp.autosavePolicy), "AutosavePolicy.every_run_close()");
    const checkpoint = async () => (await listExperimentCheckpoints(name, { root }))[0];
    await exp.withRun((run) => run.logParameter("i", 0));
    assert.equal((await checkpoint())?.runCount, 1);
    exp.setAutosavePolicy(AutosavePolicy.everyNRuns(2));
    await exp.withRun((run) => run.logParameter("i", 1));
    assert.equal((await checkpoint())?.runCount, 1);
    await exp.withRun((run) => run.logParameter("i", 2));
    assert.equal((await checkpoint())?.runCount, 3);
    exp.setAutosavePolicy(AutosavePolicy.minInterval(3600));
    await exp.withRun((run) => run.logParameter("i", 3)); // the first close is saved
    await exp.withRun((run) => run.logParameter("i", 4)); // then not within the hour
    assert.equal((await checkpoint())?.runCount, 4);
    exp.setAutosavePolicy(AutosavePolicy.disabled());
    await exp.withRun((run) => run.logParameter("i", 5));
    assert.equal((await checkpoint())?.runCount, 4);
    assert.ok(blobCount(root) <= 6 + 5 * 3, `${blobCount(root)} blobs`); // payloads + ≤ 5 checkpoint generations
    await exp.close(); // as a killed process: unsealed, the checkpoint stays

    const restored = await Experiment.restoreFromCheckpoint(name, { root });
    assert.equal(restored.state, "unsealed");
    assert.deepEqual(restored.runs.map((r) => r.runId), [0, 1, 2, 3]);
    await restored.withRun((run) => run.logParameter("i", 6));
    assert.equal((await checkpoint())?.runCount, 5);
    await restored.commit();
    assert.equal(await checkpoint(), undefined);
    assert.deepEqual(restored.runs.map((r) => r.runId), [0, 1, 2, 3, 4]);
    assert.equal(restored.subject !== null, true);
    await restored.close();

    await assert.rejects(
      Experiment.restoreFromCheckpoint("example.com/t/none:v1", { root }),
      code("INVALID_ARGUMENT"),
    );
    await using loaded = await Experiment.load(name, { root });
    assert.equal(loaded.runs.length, 5);
    assert.equal(loaded.state, "sealed");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("Experiment (Local Registry): rename moves the checkpoint; names conflict as in the reference", async () => {
  const root = await tempRoot();
  try {
    const exp = await Experiment.create(null, { root });
    assert.match(exp.imageName!, /^[0-9a-f]{8}\.ommx\.local\/experiment:\d{8}T\d{6}-[0-9a-f]{12}$/);
    await exp.withRun((run) => run.logParameter("i", 0));
    await exp.rename("example.com/t/renamed:v1");
    const cps = await listExperimentCheckpoints(null, { root });
    assert.deepEqual(cps.map((c) => c.requestedImageName), ["example.com/t/renamed:v1"]);
    await exp.commit();
    assert.deepEqual(await listExperimentCheckpoints(null, { root }), []);
    await exp.rename("example.com/t/alias:v1"); // sealed: same manifest, another name
    assert.equal(exp.imageName, "example.com/t/alias:v1");
    const other = await Experiment.create("example.com/t/alias:v1", { root });
    await assert.rejects(other.commit(), code("ALREADY_EXISTS"));
    assert.equal(other.state, "unsealed");
    await other.close();
    const path = `${root}/x.ommx`;
    await exp.save(path);
    await assert.rejects(exp.save(path), code("ALREADY_EXISTS"));
    await exp.close();
    // importing the archive again into the same registry: the same manifest, no conflict
    await using imported = await Experiment.importArchive(path, { root });
    assert.equal(imported.imageName, "example.com/t/alias:v1");
    assert.equal(imported.runs.length, 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("Experiment.withTempLocalRegistry: the directory lives until every holder closed", async () => {
  const parent = await Experiment.withTempLocalRegistry("example.com/t/temp:v1", {
    storeTrace: true,
  });
  const root = parent.localRegistryRoot!;
  await parent.withRun((run) => run.logParameter("i", 1));
  await parent.commit();
  assert.equal(parent.runs[0]?.hasTrace, true);
  const child = await parent.fork();
  assert.equal(child.localRegistryRoot, root);
  await parent.close();
  assert.ok((await Deno.stat(root)).isDirectory); // the child still holds it
  await child.withRun((run) => run.logParameter("i", 2));
  await child.commit();
  await using art = await Experiment.fromArtifact(child.artifact);
  assert.equal(art.runs.length, 2);
  await child.close();
  await assert.rejects(Deno.stat(root), Deno.errors.NotFound);
});

Deno.test("Experiment (Local Registry): disk stays linear — superseded checkpoints are reclaimed", async () => {
  const root = await tempRoot();
  try {
    const exp = await Experiment.create("example.com/t/linear:v1", { root });
    const counts = [];
    for (let i = 0; i < 20; i++) {
      await exp.withRun((run) => run.logParameter("i", i)); // no payload blob: only checkpoints
      counts.push(blobCount(root));
    }
    // at most five generations of (table, config, manifest) at any time
    assert.ok(Math.max(...counts) <= 15, `blob counts ${counts}`);
    assert.equal((await listExperimentCheckpoints(null, { root }))[0]?.runCount, 20);
    await exp.commit();
    // the commit's own three blobs; every checkpoint blob this session wrote is gone
    assert.equal(blobCount(root), 3);
    await exp.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("Experiment.runParametersDf and the notebook display, unsealed and committed", async () => {
  const exp = createExperiment({ imageName: "example.com/t/df:v1" });
  await exp.withRun((run) => run.logParameter("capacity", 3));
  const unsealed = exp.runParametersDf();
  assert.deepEqual(unsealed.index.values, [0]);
  assert.deepEqual(unsealed.columns.map((c) => [c.name, c.dtype]), [["capacity", "Int64"]]);
  const display = (exp as unknown as Record<symbol, unknown>)[Symbol.for("Jupyter.display")];
  assert.equal(typeof display, "function");
  const show = () => (display as () => Record<string, string>).call(exp);
  assert.deepEqual(show(), { "text/plain": String(exp) });
  await exp.commit();
  assert.match(exp.runParametersDf().toCsv(), /^run_id,capacity\n0,3\n$/);
  const bundle = show();
  assert.equal(bundle["text/plain"], String(exp));
  assert.ok(bundle["text/html"]?.includes("capacity"));
});

Deno.test("Experiment (Local Registry): logFile copies the file into the store once (pushFile, no stream push); queued payload blobs are all there at commit", async () => {
  const root = await tempRoot();
  const { LocalRegistryTarget } = await import("../oci/backends/local_registry.ts");
  const proto = LocalRegistryTarget.prototype;
  const pushFile = proto.pushFile;
  const push = proto.push;
  let files = 0;
  let streamed = 0;
  proto.pushFile = function (path) {
    files++;
    return pushFile.call(this, path);
  };
  proto.push = function (d, content) {
    if (content instanceof ReadableStream) streamed++;
    return push.call(this, d, content);
  };
  try {
    const bytes = new Uint8Array(3 << 20).map((_, i) => (i * 7) & 0xff);
    await Deno.writeFile(`${root}/data.bin`, bytes);
    const exp = await Experiment.create("example.com/t/logfile:v1", { root });
    exp.setAutosavePolicy(AutosavePolicy.disabled());
    await exp.logFile("data", `${root}/data.bin`);
    for (let i = 0; i < 40; i++) {
      await exp.withRun(async (run) => {
        run.logParameter("i", i);
        await run.logJson("config", { i });
        await run.logAttachment("raw", "application/octet-stream", new Uint8Array([i, i + 1]));
      });
    }
    await exp.commit();
    assert.equal(files, 1);
    assert.equal(streamed, 0);
    assert.deepEqual(await exp.getBlob("data"), bytes);
    assert.equal(exp.runs.length, 40);
    assert.deepEqual(await exp.runs[39]!.getJson("config"), { i: 39 });
    assert.deepEqual(await exp.runs[17]!.getBlob("raw"), new Uint8Array([17, 18]));
    // 1 file + 40 JSON + 40 raw + the run-parameter table + config + manifest; nothing staged left.
    assert.equal(blobCount(root), 84);
    assert.ok(
      [...Deno.readDirSync(`${root}/blobs/sha256`)].every((e) => !e.name.startsWith(".blob-")),
    );
    await exp.close();
  } finally {
    proto.pushFile = pushFile;
    proto.push = push;
    await Deno.remove(root, { recursive: true });
  }
});
