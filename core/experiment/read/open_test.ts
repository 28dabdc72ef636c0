import assert from "node:assert/strict";
import { InvalidArgumentError, InvalidArtifactError } from "../../errors.ts";
import type { ReadOnlyTarget } from "../../oci/storage.ts";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import { ARTIFACT_TYPE_GENERIC, MEDIA_TYPE_JSON } from "../../../codecs/media_types.ts";
import { createExperimentBuilder } from "../write/experiment_builder.ts";
import { experimentArchiveBytes, saveExperiment, saveExperimentLayout } from "../write/save.ts";
import { openArtifact, openSealedExperiment, openSource } from "./open.ts";
import { memoryArtifact } from "./_read_test_util.ts";

async function archive(name: string): Promise<Uint8Array> {
  const b = createExperimentBuilder({ imageName: name });
  await b.logJson("tag", { name });
  return await experimentArchiveBytes(await b.commit());
}

Deno.test("openSealedExperiment: a path, a layout directory, a file URL, bytes, a Blob and a target", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = await archive("example.com/read/open:v1");
    await Deno.writeFile(`${dir}/x.ommx`, bytes);
    const fromBytes = await openSealedExperiment(bytes);
    await saveExperimentLayout(fromBytes, `${dir}/layout`);
    const sources: [unknown, string][] = [
      [`${dir}/x.ommx`, `${dir}/x.ommx`],
      [`${dir}/layout`, `${dir}/layout`],
      [new URL(`file://${dir}/x.ommx`), `${dir}/x.ommx`],
      [bytes, "bytes"],
      [new Blob([bytes as Uint8Array<ArrayBuffer>]), "blob"],
      [new File([bytes as Uint8Array<ArrayBuffer>], "named.ommx"), "named.ommx"],
    ];
    for (const [source, location] of sources) {
      await using exp = await openSealedExperiment(source as Uint8Array);
      assert.equal(exp.storage.location, location);
      assert.equal(exp.imageName, "example.com/read/open:v1");
      assert.equal(exp.manifestDigest, fromBytes.manifestDigest);
      assert.deepEqual(await exp.getJson("tag"), { name: "example.com/read/open:v1" });
    }
    // A target is used as given (and not closed by openSealedExperiment).
    const target = fromBytes.storage;
    const again = await openSealedExperiment(target);
    assert.equal(again.storage, target);
    assert.equal(await openSource(target), target);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openSealedExperiment: `reference` picks one of several images in a layout directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const tag of ["a", "b"]) {
      const b = createExperimentBuilder({ imageName: `example.com/read/multi:${tag}` });
      await b.logJson("which", tag);
      await saveExperiment(await b.commit(), `${dir}/${tag}.ommx`, { noSync: true });
      await using exp = await openSealedExperiment(`${dir}/${tag}.ommx`);
      await saveExperimentLayout(exp, `${dir}/layout`);
    }
    for (const tag of ["a", "b"]) {
      await using exp = await openSealedExperiment(`${dir}/layout`, {
        reference: `example.com/read/multi:${tag}`,
      });
      assert.equal(await exp.getJson("which"), tag);
    }
    await assert.rejects(openSealedExperiment(`${dir}/layout`), InvalidArtifactError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openSealedExperiment: unusable sources are InvalidArgumentErrors naming them", async () => {
  await assert.rejects(
    openSealedExperiment("/nonexistent/ommx-ts/x.ommx"),
    (e) =>
      e instanceof InvalidArgumentError &&
      e.message.startsWith('Cannot open "/nonexistent/ommx-ts/x.ommx"'),
  );
  await assert.rejects(
    openSealedExperiment(new URL("ftp://example.com/x.ommx")),
    (e) =>
      e instanceof InvalidArgumentError &&
      e.message === "Unsupported URL scheme ftp: in ftp://example.com/x.ommx",
  );
  await assert.rejects(
    openSealedExperiment(42 as unknown as string),
    (e) => e instanceof InvalidArgumentError && e.message === "Unsupported source [object Number]",
  );
});

Deno.test("openSealedExperiment: a failed load never closes the caller's storage", async () => {
  let closed = 0;
  const { target } = await memoryArtifact({ config: { status: "finished" } });
  const counting: ReadOnlyTarget = {
    location: "counting",
    resolve: (reference) => target.resolve(reference),
    fetch: (d, options) => target.fetch(d, options),
    fetchStream: (d, options) => target.fetchStream(d, options),
    exists: (d) => target.exists(d),
    close: () => {
      closed++;
      return Promise.resolve();
    },
  };
  await assert.rejects(openSealedExperiment(counting), InvalidArtifactError);
  assert.equal(closed, 0);
});

Deno.test("openArtifact: a generic artifact's layers; an Experiment opens as one too", async () => {
  const json = { mediaType: MEDIA_TYPE_JSON, bytes: new TextEncoder().encode('{"a": 1}') };
  const generic = await memoryArtifact({
    config: {},
    configMediaType: "application/vnd.oci.empty.v1+json",
    artifactType: ARTIFACT_TYPE_GENERIC,
    layers: [json],
  });
  await using artifact = await openArtifact(generic.target);
  assert.equal(artifact.artifactType, ARTIFACT_TYPE_GENERIC);
  assert.equal(artifact.imageName, null);
  assert.deepEqual(await artifact.getLayer(artifact.layers[0]!), { a: 1 });
  await assert.rejects(artifact.getInstance(), InvalidArgumentError);
  await assert.rejects(
    artifact.getBlob({ ...artifact.layers[0]!, digest: `sha256:${"0".repeat(64)}` }),
    InvalidArgumentError,
  );
  await using exp = await openArtifact(await archive("example.com/read/artifact:v1"));
  assert.equal(exp.artifactType, "application/org.ommx.v1.experiment");
  assert.equal(exp.imageName, "example.com/read/artifact:v1");
  const other = new MemoryTarget();
  await assert.rejects(openArtifact(other), {
    code: "INVALID_ARGUMENT",
    message: "memory: a reference is required (0 tags present)",
  });
});

Deno.test("openExperiment: each layer's presence is asked of the store once (the Artifact view reuses the check)", async () => {
  const { openArchive } = await import("../../oci/backends/archive.ts");
  const { openExperiment } = await import("../experiment.ts");
  const b = createExperimentBuilder({ imageName: "example.com/read/once:v1" });
  await b.logJson("tag", { n: 1 });
  await b.logJson("other", { n: 2 });
  const t = await openArchive(await experimentArchiveBytes(await b.commit()));
  const asked: string[] = [];
  const wrapped: ReadOnlyTarget = {
    location: t.location,
    resolve: (r) => t.resolve(r),
    fetch: (d, o) => t.fetch(d, o),
    fetchStream: (d, o) => t.fetchStream(d, o),
    exists: (d) => (asked.push(d.digest), t.exists(d)),
    existsAll: (ds) => (asked.push(...ds.map((d) => d.digest)), t.existsAll(ds)),
    close: () => t.close(),
  };
  await using exp = await openExperiment(wrapped);
  const layers = exp.artifact.layers.map((d) => d.digest);
  assert.ok(layers.length >= 3);
  assert.deepEqual(asked, layers);
});
