import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { digestOf } from "../../oci/digest.ts";
import { encodeManifest } from "../../oci/manifest.ts";
import { MEDIA_TYPE_IMAGE_MANIFEST } from "../../oci/media_types.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  MEDIA_TYPE_EXPERIMENT_CONFIG,
  MEDIA_TYPE_RUN_PARAMETERS,
} from "../../../codecs/media_types.ts";
import {
  buildRunParameterTable,
  encodeRunParameterTable,
} from "../../../codecs/msgpack/run_parameter_table.ts";
import { pyFloat } from "../../../codecs/py_float.ts";
import { encodeExperimentConfig, encodeRunRecord, type ExperimentStatus } from "../read/config.ts";
import type { ParameterInput } from "../read/run_parameters.ts";
import {
  assembleExperiment,
  attachmentTable,
  encodeRunsAhead,
  newAssemblyCache,
  runRecord,
} from "./_commit.ts";
import { layerJson } from "./_assembly_cache.ts";
import { canonicalJson } from "../../oci/canonical_json.ts";
import type { AttachmentEntry, LayerDescriptor } from "./_staging.ts";
import type { RunState } from "./_run_state.ts";

type Input = Parameters<typeof assembleExperiment>[0];
const dec = new TextDecoder();

/**
 * The assembly as it was before the cache kept bytes: every run's record and
 * the whole config, manifest and table encoded from scratch by the format's
 * own encoders.
 */
async function fullRebuild(input: Input) {
  const layers: LayerDescriptor[] = [];
  const add = (d: LayerDescriptor): number => layers.push(d) - 1;
  const attachments = attachmentTable(input.attachments, add);
  const sorted = [...input.runs].sort((a, b) => a.runId - b.runId);
  const records = sorted.map((r) => runRecord(r, add));
  const tableBytes = encodeRunParameterTable(
    buildRunParameterTable(sorted.map((r) => ({ runId: r.runId, params: r.parameters }))),
  );
  const runParameters = add({
    mediaType: MEDIA_TYPE_RUN_PARAMETERS,
    digest: await digestOf(tableBytes),
    size: tableBytes.length,
    annotations: {},
  });
  const configBytes = encodeExperimentConfig({
    status: input.status,
    reason: input.status === "failed" || input.status === "interrupted" ? input.reason : null,
    requestedImageName: input.requestedImageName,
    attachments,
    runs: records,
    runParameters,
  });
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    artifactType: ARTIFACT_TYPE_EXPERIMENT,
    config: {
      mediaType: MEDIA_TYPE_EXPERIMENT_CONFIG,
      digest: await digestOf(configBytes),
      size: configBytes.length,
    },
    layers,
  };
  if (input.subject !== undefined) {
    manifest.subject = {
      mediaType: input.subject.mediaType || MEDIA_TYPE_IMAGE_MANIFEST,
      digest: input.subject.digest,
      size: input.subject.size,
    };
  }
  if (Object.keys(input.annotations).length > 0) manifest.annotations = input.annotations;
  const manifestBytes = encodeManifest(manifest as never);
  return { tableBytes, configBytes, manifestBytes };
}

const layer = (i: number, mediaType = "application/json"): LayerDescriptor => ({
  mediaType,
  digest: `sha256:${i.toString(16).padStart(64, "0")}`,
  size: i,
  annotations: i % 3 === 0 ? {} : { "org.example.é": `v${i}`, "a\u0001": "x" },
});

// Shared descriptors (as a Solve of one of four instances shares its input layer).
const INSTANCES = [1, 2, 3, 4].map((i) => layer(i, "application/org.ommx.v2.instance"));

const paramValue: fc.Arbitrary<ParameterInput> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  { weight: 2, arbitrary: fc.double({ noNaN: true }).map(pyFloat) },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.boolean() },
);
const runSpec = fc.record({
  params: fc.dictionary(fc.constantFrom("seed", "solver", "x", "\u{1F600}"), paramValue, {
    maxKeys: 3,
  }),
  attachments: fc.nat(2),
  solves: fc.nat(2),
  failed: fc.boolean(),
});
const op = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("close" as const), spec: runSpec }) },
  // a run closing after one with a higher id (concurrent runs)
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("closeEarlier" as const), spec: runSpec }),
  },
  // a closed run replaced by a copy (its trace staged later)
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("trace" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("attach" as const) }) },
  // the runs encoded ahead of the assembly (a builder does it as runs close in id order)
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("ahead" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("status" as const),
      status: fc.constantFrom<ExperimentStatus>("draft", "finished", "failed", "interrupted"),
    }),
  },
);

Deno.test("assembleExperiment: a long-lived cache gives the bytes of a full rebuild after every change", async () => {
  let serial = 1000;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
      const cache = newAssemblyCache();
      const runs: RunState[] = [];
      const attachments = new Map<string, AttachmentEntry>();
      let status: ExperimentStatus = "draft";
      let nextId = 0;
      const skipped: number[] = [];
      for (const o of ops) {
        if (o.kind === "close" || o.kind === "closeEarlier") {
          let runId: number;
          if (o.kind === "closeEarlier" && skipped.length > 0) runId = skipped.shift()!;
          else if (o.kind === "closeEarlier") {
            skipped.push(nextId);
            runId = nextId + 1;
            nextId += 2;
          } else runId = nextId++;
          const s = o.spec;
          runs.push({
            runId,
            status: s.failed ? "failed" : "finished",
            reason: s.failed ? `RuntimeError: run ${runId}` : null,
            attachments: new Map(
              Array.from({ length: s.attachments }, (_, i) => [`a${i}`, {
                descriptor: layer(serial++),
              }]),
            ),
            solves: Array.from({ length: s.solves }, (_, id) => ({
              id,
              status: "finished" as const,
              input: INSTANCES[(runId + id) % 4]!,
              output: layer(serial++, "application/org.ommx.v2.solution"),
              adapter: "bench.Fixed",
              adapterOptions: "{}",
            })),
            samplings: [],
            parameters: new Map(Object.entries(s.params)),
          });
        } else if (o.kind === "trace" && runs.length > 0) {
          const i = o.at % runs.length;
          runs[i] = { ...runs[i]!, trace: layer(serial++, "application/org.ommx.v1.trace") };
          cache.replaced(i); // as the builder reports it
        } else if (o.kind === "attach") {
          attachments.set(`e${attachments.size}`, { descriptor: layer(serial++) });
        } else if (o.kind === "status") {
          status = o.status;
        } else if (
          o.kind === "ahead" && runs.every((r, i) => i === 0 || runs[i - 1]!.runId < r.runId)
        ) {
          // An error here (incompatible parameter types) is the assembly's to throw again.
          await encodeRunsAhead(cache, attachments.size, runs).catch(() => {});
        }
        const input: Input = {
          status,
          reason: status === "failed" ? "boom" : status === "interrupted" ? "stop" : null,
          requestedImageName: status === "finished" ? null : "example.com/a:b",
          attachments,
          runs,
          annotations: status === "draft" ? { "org.example.k": "v" } : {},
          subject: status === "interrupted"
            ? { mediaType: "", digest: `sha256:${"f".repeat(64)}`, size: 3 } as Descriptor
            : undefined,
        };
        let expected: Awaited<ReturnType<typeof fullRebuild>> | Error;
        try {
          expected = await fullRebuild(input);
        } catch (e) {
          expected = e as Error;
        }
        let got: Awaited<ReturnType<typeof assembleExperiment>> | Error;
        try {
          got = await assembleExperiment(input, cache);
        } catch (e) {
          got = e as Error;
        }
        if (expected instanceof Error) {
          assert.ok(got instanceof Error, "a full rebuild fails, so must the cached assembly");
          assert.equal(got.message, expected.message);
          continue;
        }
        assert.ok(!(got instanceof Error), String(got));
        assert.equal(dec.decode(got.configBytes), dec.decode(expected.configBytes));
        assert.equal(dec.decode(got.manifestBytes), dec.decode(expected.manifestBytes));
        assert.deepEqual(got.tableBytes, expected.tableBytes);
        assert.equal(got.configDescriptor.digest, await digestOf(expected.configBytes));
        assert.equal(got.manifestDescriptor.digest, await digestOf(expected.manifestBytes));
        assert.equal(got.table.digest, await digestOf(expected.tableBytes));
        assert.deepEqual(
          got.manifest.layers,
          JSON.parse(dec.decode(expected.manifestBytes)).layers,
        );
      }
    }),
    { numRuns: 150 },
  );
});

Deno.test("assembleExperiment: overlapping assemblies with one cache each get their own bytes", async () => {
  const cache = newAssemblyCache();
  const run = (runId: number): RunState => ({
    runId,
    status: "finished",
    reason: null,
    attachments: new Map([["a", { descriptor: layer(100 + runId) }]]),
    solves: [],
    samplings: [],
    parameters: new Map([["seed", runId]]),
  });
  const base = {
    status: "draft" as const,
    reason: null,
    requestedImageName: "example.com/a:b",
    attachments: new Map<string, AttachmentEntry>(),
    annotations: {},
  };
  const inputs = [1, 5, 3, 8].map((n) => ({
    ...base,
    runs: Array.from({ length: n }, (_, i) => run(i)),
  }));
  const got = await Promise.all(inputs.map((input) => assembleExperiment(input, cache)));
  for (let i = 0; i < inputs.length; i++) {
    const expected = await fullRebuild(inputs[i]!);
    assert.equal(dec.decode(got[i]!.configBytes), dec.decode(expected.configBytes));
    assert.equal(got[i]!.configDescriptor.digest, await digestOf(expected.configBytes));
    assert.equal(dec.decode(got[i]!.manifestBytes), dec.decode(expected.manifestBytes));
  }
});

Deno.test("encodeRunsAhead: the assembly after it encodes none of those runs again, and gives a full rebuild's bytes", async () => {
  let reads = 0;
  const runs: RunState[] = Array.from({ length: 5 }, (_, runId) =>
    new Proxy({
      runId,
      status: "finished" as const,
      reason: null,
      attachments: new Map([["config", { descriptor: layer(100 + runId) }]]),
      solves: [{
        id: 0,
        status: "finished" as const,
        input: INSTANCES[runId % 4]!,
        output: layer(200 + runId, "application/org.ommx.v2.solution"),
        adapter: "bench.Fixed",
        adapterOptions: "{}",
      }],
      samplings: [],
      parameters: new Map<string, ParameterInput>([["seed", runId]]),
    }, {
      get(target, key, receiver) {
        if (key === "solves") reads++;
        return Reflect.get(target, key, receiver);
      },
    }));
  const attachments = new Map([["dataset", { descriptor: layer(7) }]]);
  const input: Input = {
    status: "finished",
    reason: null,
    requestedImageName: null,
    attachments,
    runs,
    annotations: {},
  };
  const cache = newAssemblyCache();
  await encodeRunsAhead(cache, attachments.size, runs.slice(0, 3));
  await encodeRunsAhead(cache, attachments.size, runs);
  assert.equal(reads, 5);
  const got = await assembleExperiment(input, cache);
  assert.equal(reads, 5, "the assembly encoded a run again");
  const expected = await fullRebuild(input);
  assert.equal(dec.decode(got.configBytes), dec.decode(expected.configBytes));
  assert.equal(dec.decode(got.manifestBytes), dec.decode(expected.manifestBytes));
  assert.deepEqual(got.tableBytes, expected.tableBytes);
});

Deno.test("AssemblyCache.sync: the same runs array again compares only runs reported replaced and those after", () => {
  const encoded: number[] = [];
  const encode = (run: RunState, add: (d: LayerDescriptor) => number) => {
    encoded.push(run.runId);
    return encodeRunRecordOf(run, add);
  };
  const runOf = (runId: number): RunState => ({
    runId,
    status: "finished",
    reason: null,
    attachments: new Map([["a", { descriptor: layer(300 + runId) }]]),
    solves: [],
    samplings: [],
    parameters: new Map(),
  });
  const cache = newAssemblyCache();
  const runs = [0, 1, 2].map(runOf);
  cache.sync(0, runs, encode);
  runs.push(runOf(3));
  cache.sync(0, runs, encode);
  assert.deepEqual(encoded, [0, 1, 2, 3]);
  // Run 1 replaced by a copy (its trace staged) and reported: it and the runs after it again.
  runs[1] = { ...runs[1]!, trace: layer(400, "application/org.ommx.v1.trace") };
  cache.replaced(1);
  runs.push(runOf(4));
  cache.sync(0, runs, encode);
  assert.deepEqual(encoded, [0, 1, 2, 3, 1, 2, 3, 4]);
  // Not reported, a replacement is not seen with the same array (its runs are not compared
  // again: closing N runs stays linear); another array (a sorted copy, as an assembly passes)
  // is compared run by run.
  runs[2] = { ...runs[2]! };
  cache.sync(0, runs, encode);
  assert.deepEqual(encoded, [0, 1, 2, 3, 1, 2, 3, 4]);
  cache.sync(0, [...runs], encode);
  assert.deepEqual(encoded, [0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4]);
});

/** A run's record text as the commit encodes it. */
function encodeRunRecordOf(run: RunState, add: (d: LayerDescriptor) => number): string {
  return encodeRunRecord(runRecord(run, add));
}

/** The text, or the message of the error thrown. */
function outcome(write: () => string): string {
  try {
    return write();
  } catch (e) {
    return `threw ${(e as Error).message}`;
  }
}

Deno.test("layerJson: the text canonicalJson gives, for any annotations, and for odd descriptors", () => {
  const text = fc.oneof(
    fc.string({ unit: "grapheme" }),
    fc.string({ unit: "binary" }),
    fc.constantFrom("", '"\\\n\u0000\u2028'),
  );
  fc.assert(
    fc.property(
      fc.dictionary(text, text, { maxKeys: 6 }),
      text,
      text,
      fc.oneof(fc.nat(), fc.double()),
      (annotations, digest, mediaType, size) => {
        const layer = { annotations, digest, mediaType, size };
        assert.equal(outcome(() => layerJson(layer)), outcome(() => canonicalJson(layer)));
      },
    ),
    { numRuns: 500 },
  );
  // Keys in code point order (a surrogate pair sorts after U+FFFF, unlike UTF-16 order).
  const keys = { "\uffff": "1", "\u{1f600}": "2", "b": "3", "a\u0000": "4", "": "5" };
  const layer = { annotations: keys, digest: "sha256:00", mediaType: "m", size: 3 };
  assert.equal(
    layerJson(layer),
    '{"annotations":{"":"5","a\\u0000":"4","b":"3","\uffff":"1","\u{1f600}":"2"},"digest":"sha256:00","mediaType":"m","size":3}',
  );
  // What the direct writer leaves to canonicalJson: its errors and its other values.
  for (
    const odd of [
      { annotations: { n: 1 } },
      { annotations: { u: undefined } },
      { annotations: null },
      { annotations: ["x"] },
      { size: Number.NaN },
      { digest: undefined },
    ]
  ) {
    const l = { annotations: {}, digest: "sha256:00", mediaType: "m", size: 1, ...odd };
    assert.equal(
      outcome(() => layerJson(l as unknown as LayerDescriptor)),
      outcome(() => canonicalJson(l)),
      JSON.stringify(odd),
    );
  }
});
