/**
 * Manifests beyond the OCI distribution spec's 4 MiB recommendation: the
 * reference SDK writes an 11.9 MB manifest for a 20,000-run Experiment and
 * reads it back, so the reader accepts up to `MAX_MANIFEST_SIZE` (64 MiB) and
 * refuses a bigger one before reading it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { openExperiment } from "../mod.ts";
import { encodeManifest, MAX_MANIFEST_SIZE } from "../core/oci/manifest.ts";
import { buildTar } from "../core/oci/tar/writer.ts";
import { buildTestArchive, EMPTY_PARAMS, minimalConfig } from "./_archive_test_util.ts";

const PARAMS = "application/org.ommx.v1.experiment.run-parameters+msgpack";

Deno.test("an Experiment whose manifest is over 4 MiB opens (the reference writes such)", async () => {
  // Experiment-level JSON attachments, each a layer with a ~1 KiB annotation: 6,000 of them.
  const entries: Record<string, number> = {};
  const layers = [{ mediaType: PARAMS, bytes: EMPTY_PARAMS }];
  const pad = "x".repeat(1000);
  for (let i = 0; i < 6000; i++) {
    entries[`a${i}`] = layers.length;
    layers.push({
      mediaType: "application/json",
      bytes: new TextEncoder().encode(String(i)),
      annotations: { "org.example.pad": pad },
    } as never);
  }
  const config = { ...minimalConfig(0), attachments: { entries } };
  const { bytes, manifest } = await buildTestArchive({ config, layers });
  assert.ok(encodeManifest(manifest).length > 4 << 20, "the manifest is over 4 MiB");
  const path = await Deno.makeTempFile({ suffix: ".ommx" });
  try {
    await Deno.writeFile(path, bytes);
    await using exp = await openExperiment(path);
    assert.equal(exp.attachmentNames.length, 6000);
    assert.equal(await exp.getJson("a5999"), 5999);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a manifest over MAX_MANIFEST_SIZE is refused before it is read", async () => {
  assert.equal(MAX_MANIFEST_SIZE, 64 << 20);
  const index = new TextEncoder().encode(JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: `sha256:${"ab".repeat(32)}`,
      size: MAX_MANIFEST_SIZE + 1,
    }],
  }));
  const tar = await buildTar([{ name: "index.json", size: index.length, body: index }]);
  await assert.rejects(openExperiment(tar), (e: Error & { code?: string }) => {
    assert.equal(e.code, "INVALID_ARTIFACT");
    assert.match(e.message, /is 67108865 bytes, more than the limit of 67108864/);
    return true;
  });
});
