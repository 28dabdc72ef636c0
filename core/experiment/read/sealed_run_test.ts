import assert from "node:assert/strict";
import {
  AttachmentNotFoundError,
  InvalidArtifactError,
  MediaTypeMismatchError,
} from "../../errors.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import { MEDIA_TYPE_JSON, MEDIA_TYPE_TRACE } from "../../../codecs/media_types.ts";
import { createExperimentBuilder } from "../write/experiment_builder.ts";
import { sequentialTraceIds } from "../write/trace_options.ts";
import { loadSealedExperiment } from "./sealed_experiment.ts";
import { experimentConfig, memoryArtifact, PARAMS_LAYER } from "./_read_test_util.ts";

Deno.test("SealedRun: id, status, reason, parameters and attachments of each closed run", async () => {
  let t = 1_000_000_000n;
  const b = createExperimentBuilder({
    imageName: "example.com/read/runs:v1",
    storeTrace: true,
    traceClock: () => (t += 1_000_000n),
    traceIds: sequentialTraceIds(),
  });
  await b.withRun(async (run) => {
    run.logParameter("seed", 7);
    await run.logJson("notes", { ok: true });
    await run.logAttachment("raw", "application/x.raw", new Uint8Array([1, 2, 3]));
  });
  const failing = b.run();
  failing.fail(new RangeError("out of\n range"));
  const exp = await b.commit();

  const [ok, failed] = exp.runs;
  assert.ok(ok && failed);
  assert.equal(ok.runId, 0);
  assert.equal(ok.status, "finished");
  assert.equal(ok.lifecycleReason, null);
  assert.deepEqual(ok.parameters, { seed: 7 });
  assert.ok(Object.isFrozen(ok.parameters));
  assert.deepEqual(ok.attachmentNames, ["notes", "raw"]);
  // Each call gives a fresh array, with attachments or without: changing one changes no other.
  ok.attachmentNames.push("x");
  assert.deepEqual(ok.attachmentNames, ["notes", "raw"]);
  const none: string[] = failed.attachmentNames;
  assert.equal(none.length, 0);
  none.push("x");
  assert.deepEqual(failed.attachmentNames, []);
  assert.notEqual(failed.attachmentNames, failed.attachmentNames);
  assert.equal(ok.attachmentMediaType("notes"), MEDIA_TYPE_JSON);
  assert.deepEqual(await ok.getJson("notes"), { ok: true });
  assert.deepEqual(await ok.getBlob("raw"), new Uint8Array([1, 2, 3]));
  assert.deepEqual(await ok.getAttachment("raw"), new Uint8Array([1, 2, 3]));
  assert.equal(ok.attachmentInfo("raw").compression, null);
  await assert.rejects(ok.getJson("raw"), MediaTypeMismatchError);
  assert.throws(() => ok.attachmentInfo("nope"), (e) => {
    assert.ok(e instanceof AttachmentNotFoundError);
    assert.equal(e.message, 'Attachment "nope" not found in run 0');
    return true;
  });
  // A run without attachments names itself the same way; the Experiment's namespace as `experiment`.
  assert.throws(
    () => failed.attachmentInfo("nope"),
    (e) =>
      e instanceof AttachmentNotFoundError && e.message === 'Attachment "nope" not found in run 1',
  );
  assert.throws(
    () => exp.attachmentInfo("nope"),
    (e) =>
      e instanceof AttachmentNotFoundError &&
      e.message === 'Attachment "nope" not found in experiment',
  );

  assert.equal(failed.status, "failed");
  assert.equal(failed.lifecycleReason, "RangeError: out of range");
  assert.deepEqual(failed.parameters, {});
  assert.deepEqual(failed.solves, []);
  assert.deepEqual(failed.samplings, []);

  assert.equal(ok.hasTrace, true);
  const trace = await ok.getTrace();
  assert.deepEqual(trace?.spans.map((s) => s.name), ["Run"]);
  assert.equal(trace?.spans[0]?.attributes["ommx.run.id"], 0);
  const failedTrace = await failed.getTrace();
  assert.equal(failedTrace?.spans[0]?.status.code, "error");
  assert.equal(failedTrace?.spans[0]?.status.message, "RangeError: out of range");

  assert.equal(
    ok.toString(),
    "SealedRun(run_id=0, status='finished', attachments=2, solves=0, samplings=0)",
  );
});

Deno.test("SealedRun: a run without trace storage has no trace", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/read/notrace:v1" });
  await b.withRun(() => {});
  const [run] = (await b.commit()).runs;
  assert.equal(run?.hasTrace, false);
  assert.equal(await run?.getTrace(), null);
});

Deno.test("loadSealedRun: a bad trace layer or attachment index is an InvalidArtifactError", async () => {
  const runWith = (extra: Record<string, unknown>) =>
    experimentConfig({
      runs: [{ run_id: 3, status: "finished", attachments: { entries: {} }, ...extra }],
    }, 1);
  const json = { mediaType: MEDIA_TYPE_JSON, bytes: new TextEncoder().encode("{}") };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ trace: 0 }, /Invalid Run 3 trace: media type is application\/json, expected/],
    [{ trace: 9 }, /Run 3 trace LayerRef 9: LayerRef 9 is out of bounds for 2 manifest layer/],
    [
      { attachments: { entries: { a: 5 } } },
      /run 3 attachment `a` LayerRef 5: LayerRef 5 is out of bounds/,
    ],
    // Both wrong: the attachments are checked first.
    [
      { trace: 9, attachments: { entries: { a: 5 } } },
      /run 3 attachment `a` LayerRef 5: LayerRef 5 is out of bounds/,
    ],
  ];
  for (const [extra, message] of cases) {
    const { target, descriptor, manifest } = await memoryArtifact({
      config: runWith(extra),
      layers: [json, PARAMS_LAYER],
    });
    await assert.rejects(
      loadSealedExperiment(target, descriptor, manifest, { codecs: defaultCodecs }),
      (e) => e instanceof InvalidArtifactError && message.test(e.message),
    );
  }
  const good = await memoryArtifact({
    config: runWith({ trace: 0 }),
    layers: [{ mediaType: MEDIA_TYPE_TRACE, bytes: new Uint8Array() }, PARAMS_LAYER],
  });
  const exp = await loadSealedExperiment(good.target, good.descriptor, good.manifest, {
    codecs: defaultCodecs,
  });
  assert.equal(exp.runById(3).hasTrace, true);
  assert.equal((await exp.runById(3).getTrace())?.spans.length, 0);
});
