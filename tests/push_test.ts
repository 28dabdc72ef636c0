/**
 * `pushExperiment`: an opened or committed Experiment published to a registry
 * (in-process, on 127.0.0.1) or a layout directory keeps its manifest digest
 * and reads back identically.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createExperiment, openExperiment, pushExperiment } from "../mod.ts";
import { openLayoutDir } from "../core/oci/backends/layout_dir.ts";
import { startRegistryServer } from "../core/oci/backends/_registry_server_test_util.ts";
import { archivePath, COMMITTED_CORPUS } from "./conformance/_corpus_test_util.ts";

Deno.test("pushExperiment: to a registry, same digest, same runs", async () => {
  const server = startRegistryServer();
  try {
    await using exp = await openExperiment(archivePath("trace", COMMITTED_CORPUS));
    const progress: number[] = [];
    const pushed = await pushExperiment(
      exp,
      { registry: `${server.host}/team/trace:v1` },
      undefined,
      {
        onProgress: (p) => progress.push(p.blobs),
      },
    );
    assert.equal(pushed.digest, exp.manifestDigest);
    assert.ok(progress.length >= 2 && progress.at(-1) === progress.length);
    await using back = await openExperiment({ registry: `${server.host}/team/trace:v1` });
    assert.equal(back.manifestDigest, exp.manifestDigest);
    assert.deepEqual(
      (await back.runs[0]!.getTrace())?.spans.map((s) => s.name),
      (await exp.runs[0]!.getTrace())?.spans.map((s) => s.name),
    );
    // Pushing again uploads no blob twice.
    const uploads = server.log.filter((l) => l.startsWith("POST")).length;
    await pushExperiment(exp, { registry: `${server.host}/team/trace:v1` });
    assert.equal(server.log.filter((l) => l.startsWith("POST")).length, uploads);
  } finally {
    await server.close();
  }
});

Deno.test("pushExperiment: a committed Experiment into a layout directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const b = createExperiment({ imageName: "example.com/t/pushed:v1" });
    await b.logJson("x", { a: 1 });
    const exp = await b.commit();
    const layout = await openLayoutDir(join(dir, "layout"), { create: true });
    await pushExperiment(exp, layout);
    await using back = await openExperiment(join(dir, "layout"), {
      reference: "example.com/t/pushed:v1",
    });
    assert.equal(back.manifestDigest, exp.manifestDigest);
    assert.deepEqual(await back.getJson("x"), { a: 1 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pushExperiment: a registry reference without a tag is refused", async () => {
  const exp = await createExperiment({ imageName: "example.com/t/a:v1" }).commit();
  await assert.rejects(
    pushExperiment(exp, { registry: "127.0.0.1:1/team/a@sha256:" + "0".repeat(64) }),
    { code: "INVALID_ARGUMENT" },
  );
});
