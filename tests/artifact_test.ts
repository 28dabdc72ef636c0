/**
 * Generic OMMX artifacts through `openArtifact`: the OCI empty config and the
 * legacy v2-era `application/org.ommx.v1.config+json` config both open; layers
 * decode through the codec registry; typed getters find the first layer of
 * their kind; descriptors from elsewhere are refused.
 */
import assert from "node:assert/strict";
import { createCodecRegistry, defaultCodecs, openArtifact } from "../mod.ts";
import { Function, Instance } from "../codecs/ommx/mod.ts";
import { buildTestArchive } from "./_archive_test_util.ts";

const te = new TextEncoder();

async function genericArchive(configMediaType: string, config: unknown) {
  const instance = new Instance({
    objective: Function.linear([[0, 2]], 1),
    sense: "minimize",
    decisionVariables: [{
      id: 0,
      kind: "integer",
      bound: { lower: 0, upper: 10 },
      subscripts: [],
      parameters: {},
    }],
  });
  return await buildTestArchive({
    artifactType: "application/org.ommx.v1.artifact",
    configMediaType,
    config,
    layers: [
      { mediaType: "text/plain", bytes: te.encode("notes") },
      {
        mediaType: "application/org.ommx.v2.instance",
        bytes: instance.toBytes(),
        annotations: { "org.ommx.v1.instance.title": "tiny", "org.example.k": "v" },
      },
      { mediaType: "application/json", bytes: te.encode('{"x": Infinity}') },
    ],
    annotations: { "org.opencontainers.image.source": "https://example.com/x" },
  });
}

for (
  const [label, mediaType, config] of [
    ["OCI empty config", "application/vnd.oci.empty.v1+json", {}],
    ["legacy v1 config", "application/org.ommx.v1.config+json", { layers: [] }],
  ] as const
) {
  Deno.test(`openArtifact: generic artifact with the ${label}`, async () => {
    const { bytes, manifestDigest } = await genericArchive(mediaType, config);
    await using artifact = await openArtifact(bytes);
    assert.equal(artifact.manifestDigest, manifestDigest);
    assert.equal(artifact.config.mediaType, mediaType);
    assert.deepEqual({ ...artifact.annotations }, {
      "org.opencontainers.image.source": "https://example.com/x",
    });
    assert.equal(artifact.layers.length, 3);
    assert.deepEqual(await artifact.getLayer(artifact.layers[0]!), te.encode("notes"));
    assert.deepEqual(await artifact.getLayer(artifact.layers[2]!), { x: Infinity });
    const instance = await artifact.getInstance();
    assert.equal(instance.description?.name, "tiny", "title merged from the layer annotations");
    assert.equal(instance.annotations["org.example.k"], "v");
    assert.equal(instance.evaluate(new Map([[0, 3]])).objective, 7);
    await assert.rejects(artifact.getSolution(), { code: "INVALID_ARGUMENT" });
    await assert.rejects(
      artifact.getBlob({ mediaType: "text/plain", digest: "sha256:" + "0".repeat(64), size: 1 }),
      { code: "INVALID_ARGUMENT" },
    );
  });
}

Deno.test("openArtifact: a registry without the JSON codec hands JSON layers back as bytes", async () => {
  const { bytes } = await genericArchive("application/vnd.oci.empty.v1+json", {});
  const onlyOmmx = createCodecRegistry(
    ...[...defaultCodecs].filter((c) => c.mediaType !== "application/json"),
  );
  await using artifact = await openArtifact(bytes, { codecs: onlyOmmx });
  assert.deepEqual(await artifact.getLayer(artifact.layers[2]!), te.encode('{"x": Infinity}'));
});
