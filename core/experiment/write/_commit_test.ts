import assert from "node:assert/strict";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import { openArchiveFile } from "../../oci/backends/archive.ts";
import { parseManifest } from "../../oci/manifest.ts";
import { ANNOTATION_REF_NAME } from "../../oci/media_types.ts";
import { parseExperimentConfig } from "../read/config.ts";
import { commitExperiment } from "./_commit.ts";
import { inheritState } from "./_inherit.ts";
import { experimentArchiveBytes } from "./save.ts";

const FIXTURES = new URL("../../../tests/fixtures/reference/", import.meta.url);
const NAMES = [
  "empty",
  "runs",
  "attachments",
  "solves",
  "trace",
  "fork-parent",
  "fork-child",
  "failed-experiment",
  "interrupted-experiment",
  "many-solves",
];

function hex(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

// Rebuild the writer's logical input from each reference archive and commit it again:
// config, run-parameter table, manifest, index.json and the whole tar must be byte-identical.
for (const name of NAMES) {
  Deno.test(`commit: re-committing reference ${name}.ommx reproduces every byte`, async () => {
    const path = new URL(`${name}.ommx`, FIXTURES);
    const original = await Deno.readFile(path);
    const source = await openArchiveFile(path.pathname);
    try {
      const descriptor = await source.resolve();
      const manifestBytes = await source.fetch(descriptor);
      const { manifest } = parseManifest(manifestBytes);
      const configBytes = await source.fetch(manifest.config);
      const config = parseExperimentConfig(configBytes);
      const store = new MemoryTarget();
      const state = await inheritState(config, manifest.layers, source, store);
      const result = await commitExperiment(store, {
        status: config.status,
        reason: config.reason,
        requestedImageName: config.requestedImageName,
        attachments: state.attachments,
        runs: state.runs,
        annotations: manifest.annotations ?? {},
        subject: manifest.subject,
        imageName: descriptor.annotations![ANNOTATION_REF_NAME]!,
      });
      assert.equal(hex(result.configBytes), hex(configBytes));
      assert.equal(hex(result.manifestBytes), hex(manifestBytes));
      assert.equal(result.descriptor.digest, descriptor.digest);
      const archive = await experimentArchiveBytes({
        target: store,
        descriptor: result.descriptor,
      });
      assert.equal(archive.length, original.length);
      assert.deepEqual(archive, original);
    } finally {
      await source.close();
    }
  });
}
