import assert from "node:assert/strict";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import { openArchiveFile } from "../../oci/backends/archive.ts";
import { encodeManifest, parseManifest } from "../../oci/manifest.ts";
import { ANNOTATION_REF_NAME } from "../../oci/media_types.ts";
import { parseExperimentConfig } from "../read/config.ts";
import { assembleExperiment, commitExperiment, newAssemblyCache } from "./_commit.ts";
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

Deno.test("assembleExperiment: with an assembly cache, the bytes of a fresh assembly", async () => {
  const layer = (i: number, mediaType = "application/json") => ({
    mediaType,
    digest: `sha256:${i.toString(16).padStart(64, "0")}`,
    size: i,
    annotations: i % 2 === 0 ? {} : { "org.example.é": `v${i}`, "a\u0001": "x" },
  });
  const runs = [2, 0, 1].map((runId) => ({
    runId,
    status: "finished" as const,
    reason: null,
    attachments: new Map([[`r${runId}`, { descriptor: layer(10 + runId) }]]),
    solves: [{
      id: 0,
      status: "finished" as const,
      input: layer(1, "application/org.ommx.v2.instance"),
      output: layer(2, "application/org.ommx.v2.solution"),
      adapter: "a",
      adapterOptions: "{}",
    }],
    samplings: [],
    parameters: new Map([["p", runId]]),
  }));
  const base = {
    status: "draft" as const,
    reason: null,
    requestedImageName: "example.com/a:b",
    attachments: new Map<string, { descriptor: ReturnType<typeof layer> }>(),
    runs,
    annotations: { "org.example.k": "v" } as Record<string, string>,
    subject: { mediaType: "", digest: `sha256:${"f".repeat(64)}`, size: 3 } as
      | { mediaType: string; digest: string; size: number }
      | undefined,
  };
  const cache = newAssemblyCache();
  const same = async (input: typeof base) => {
    const cached = await assembleExperiment(input, cache);
    const fresh = await assembleExperiment(input);
    assert.equal(hex(cached.manifestBytes), hex(fresh.manifestBytes));
    assert.equal(hex(cached.configBytes), hex(fresh.configBytes));
    // the manifest text is the canonical JSON of the manifest
    assert.equal(
      hex(cached.manifestBytes),
      hex(encodeManifest(parseManifest(fresh.manifestBytes).manifest)),
    );
  };
  await same(base);
  await same(base); // all from the cache
  // an experiment attachment shifts every run's layer indices: the cache must not be reused
  base.attachments.set("dataset", { descriptor: layer(99) });
  await same(base);
  await same({ ...base, annotations: {}, subject: undefined });
});
