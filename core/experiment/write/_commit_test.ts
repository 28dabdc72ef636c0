import assert from "node:assert/strict";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import { openArchiveFile } from "../../oci/backends/archive.ts";
import { encodeManifest, parseManifest } from "../../oci/manifest.ts";
import { ANNOTATION_REF_NAME } from "../../oci/media_types.ts";
import { encodeRunRecord, parseExperimentConfig } from "../read/config.ts";
import { assembleExperiment, commitExperiment, newAssemblyCache, runRecord } from "./_commit.ts";
import type { AttachmentEntry, LayerDescriptor } from "./_staging.ts";
import type { ProcessState, RunState } from "./_run_state.ts";
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

Deno.test("runRecord: names in code point order, records by id, layers in the commit's order", () => {
  const layer = (n: number): LayerDescriptor => ({
    mediaType: "application/json",
    digest: `sha256:${String(n).padStart(64, "0")}`,
    size: n,
    annotations: {},
  });
  const solve = (id: number, output?: number): ProcessState => ({
    id,
    status: output === undefined ? "failed" : "finished",
    input: layer(100 + id),
    ...(output === undefined ? {} : { output: layer(output) }),
    adapter: "a",
    adapterOptions: "{}",
  });
  const names = ["b", "\u{1F600}", "\uFFFD", "a"]; // U+1F600 sorts after U+FFFD by code point
  for (const count of [0, 1, 2, 4]) {
    const attachments = new Map(
      names.slice(0, count).map((name, i): [string, AttachmentEntry] => [
        name,
        i % 2 === 0 ? { descriptor: layer(i) } : { descriptor: layer(i), filename: `${name}.txt` },
      ]),
    );
    for (const solves of [[], [solve(3, 7)], [solve(5), solve(2, 9), solve(4, 8)]]) {
      const run: RunState = {
        runId: 1,
        status: "finished",
        reason: null,
        attachments,
        solves,
        samplings: [solve(1, 6)],
        parameters: new Map(),
      };
      const layers: LayerDescriptor[] = [];
      const record = runRecord(run, (d) => layers.push(d) - 1);
      const sorted = ["a", "b", "\uFFFD", "\u{1F600}"].filter((n) => attachments.has(n));
      assert.deepEqual([...record.attachments.entries.keys()], sorted);
      assert.deepEqual(
        [...record.attachments.filenames],
        sorted.filter((n) => attachments.get(n)!.filename !== undefined).map((n) => [
          n,
          attachments.get(n)!.filename,
        ]),
      );
      const bySolve = [...solves].sort((x, y) => x.id - y.id);
      assert.deepEqual(
        layers,
        [
          ...sorted.map((n) => attachments.get(n)!.descriptor),
          ...[...bySolve, ...run.samplings].flatMap((p) =>
            p.output === undefined ? [p.input] : [p.input, p.output]
          ),
        ],
      );
      const text = encodeRunRecord(record);
      const doc = JSON.parse(text);
      assert.deepEqual(Object.keys(doc.attachments.entries), sorted);
      assert.deepEqual(
        doc.solves.map((s: { solve_id: number }) => s.solve_id),
        bySolve.map((s) => s.id),
      );
      assert.equal(text.includes(`"filenames"`), count > 1);
      // A record whose lists are out of order is written by ascending id all the same.
      assert.equal(
        encodeRunRecord({ ...record, solves: [...record.solves].reverse() }),
        text,
      );
      // The text parses back to the same record.
      const back = parseExperimentConfig(
        new TextEncoder().encode(
          `{"status":"finished","attachments":{"entries":{}},"runs":[${text}],"run_parameters":0}`,
        ),
      ).runs[0]!;
      assert.deepEqual([...back.attachments.entries], [...record.attachments.entries]);
      assert.deepEqual(back.solves, record.solves);
    }
  }
});
