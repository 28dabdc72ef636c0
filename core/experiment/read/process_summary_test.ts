// Solve.getOutputSummary: the values getOutput's Solution gives, through the registry's own
// codec when it is not the built-in one, and the same errors for bad payloads and limits.
import assert from "node:assert/strict";
import { createCodecRegistry } from "../../../codecs/registry.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import {
  MEDIA_TYPE_V1_SOLUTION,
  MEDIA_TYPE_V2_INSTANCE,
  MEDIA_TYPE_V2_SOLUTION,
} from "../../../codecs/media_types.ts";
import { ommxV2SolutionCodec } from "../../../codecs/ommx/codecs.ts";
import { Solution } from "../../../codecs/ommx/solution.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";
import { loadSealedExperiment } from "./sealed_experiment.ts";
import {
  experimentConfig,
  memoryArtifact,
  PARAMS_LAYER,
  type TestLayer,
  TINY_INSTANCE,
} from "./_read_test_util.ts";
import type { Solve } from "./process.ts";
import { createHasher } from "../../oci/digest.ts";
import { countBlobIndexLookups } from "../../oci/backends/_archive_blob_index_test_util.ts";

const instance = TINY_INSTANCE;
const solution = Solution.evaluate(instance, new Map([[1, 1]]));

/** One run with a finished Solve (output: `output`) and a failed one. */
async function solves(
  output: TestLayer,
  options: { codecs?: CodecRegistry; maxDecompressedBytes?: number } = {},
): Promise<[Solve, Solve]> {
  const config = experimentConfig({
    runs: [{
      run_id: 0,
      attachments: { entries: {} },
      solves: [
        { solve_id: 0, status: "finished", input: 0, output: 1, adapter: "a" },
        { solve_id: 1, status: "failed", input: 0, adapter: "a" },
      ],
    }],
  }, 2);
  const layers = [{ mediaType: MEDIA_TYPE_V2_INSTANCE, bytes: instance.toBytes() }, output];
  const { target, descriptor, manifest } = await memoryArtifact({
    config,
    layers: [...layers, PARAMS_LAYER],
  });
  const exp = await loadSealedExperiment(target, descriptor, manifest, {
    codecs: options.codecs ?? defaultCodecs,
    ...(options.maxDecompressedBytes === undefined
      ? {}
      : { maxDecompressedBytes: options.maxDecompressedBytes }),
  });
  const [a, b] = exp.runById(0).solves;
  return [a!, b!];
}

async function fields(solve: Solve): Promise<Record<string, unknown> | null> {
  const s = await solve.getOutput();
  if (s === null) return null;
  return {
    objective: s.objective,
    feasible: s.feasible,
    optimality: s.optimality,
    relaxation: s.relaxation,
    sense: s.sense,
  };
}

Deno.test("Solve.getOutputSummary: the decoded Solution's fields; null without output", async () => {
  const [done, failed] = await solves({
    mediaType: MEDIA_TYPE_V2_SOLUTION,
    bytes: solution.toBytes(),
  });
  const summary = await done.getOutputSummary();
  assert.deepEqual({ ...summary }, await fields(done));
  assert.deepEqual({ ...summary }, {
    objective: 2,
    feasible: true,
    optimality: "unspecified",
    relaxation: "unspecified",
    sense: "maximize",
  });
  assert.equal(await failed.getOutputSummary(), null);
  // Layer annotations (merged by getOutput) do not change the summary.
  const [annotated] = await solves({
    mediaType: MEDIA_TYPE_V2_SOLUTION,
    bytes: solution.toBytes(),
    annotations: { "org.ommx.v1.solution.solver": "toy" },
  });
  assert.deepEqual({ ...await annotated.getOutputSummary() }, await fields(annotated));
});

Deno.test("Solve.getOutputSummary: a registry's own Solution codec is used, as getOutput uses it", async () => {
  const other = Solution.evaluate(instance, new Map([[1, 0]]));
  const codecs = createCodecRegistry(defaultCodecs).with({
    ...ommxV2SolutionCodec,
    decode: () => other,
  }, { override: true });
  const [done] = await solves({ mediaType: MEDIA_TYPE_V2_SOLUTION, bytes: solution.toBytes() }, {
    codecs,
  });
  assert.equal((await done.getOutputSummary())?.objective, 0);
  assert.deepEqual({ ...await done.getOutputSummary() }, await fields(done));
});

Deno.test("Solve.getOutputSummary: bad payloads and limits fail with getOutput's errors", async () => {
  const bad: TestLayer[] = [
    { mediaType: MEDIA_TYPE_V2_SOLUTION, bytes: new Uint8Array([0x0a, 0x05, 0x01]) },
    { mediaType: MEDIA_TYPE_V2_SOLUTION, bytes: new Uint8Array([0x11, 0, 0, 0, 0, 0, 0, 0xf8]) },
    { mediaType: MEDIA_TYPE_V1_SOLUTION, bytes: new Uint8Array([0xff]) },
  ];
  for (const [i, layer] of bad.entries()) {
    const [done] = await solves(layer);
    const error = await done.getOutput().then(() => null, (e) => e as Error);
    assert.ok(error, `case ${i}: getOutput accepted it`);
    await assert.rejects(done.getOutputSummary(), (e) => {
      assert.equal((e as Error).constructor, error.constructor, `case ${i}`);
      assert.equal((e as Error).message, error.message, `case ${i}`);
      return true;
    });
  }
  const [big] = await solves({ mediaType: MEDIA_TYPE_V2_SOLUTION, bytes: solution.toBytes() }, {
    maxDecompressedBytes: 12,
  });
  const error = await big.getOutput().then(() => null, (e) => e as Error);
  assert.match(String(error), /more than the limit of 12 bytes/);
  await assert.rejects(big.getOutputSummary(), (e) => (e as Error).message === error!.message);
});

Deno.test("Solve.getOutputSummary: over an archive (payloads served as views of the read-ahead window), getOutput's values and errors", async () => {
  const { buildTar } = await import("../../oci/tar/writer.ts");
  const { openArchive } = await import("../../oci/backends/archive.ts");
  const outputs = [0, 1, 0, 1].map((v) => Solution.evaluate(instance, new Map([[1, v]])));
  const count = outputs.length;
  const config = experimentConfig({
    runs: [{
      run_id: 0,
      attachments: { entries: {} },
      solves: outputs.map((_, i) => ({
        solve_id: i,
        status: "finished",
        input: 0,
        output: i + 1,
        adapter: "a",
      })),
    }],
  }, count + 1);
  const layers: TestLayer[] = [
    { mediaType: MEDIA_TYPE_V2_INSTANCE, bytes: instance.toBytes() },
    ...outputs.map((s) => ({ mediaType: MEDIA_TYPE_V2_SOLUTION, bytes: s.toBytes() })),
    PARAMS_LAYER,
  ];
  const { target: memory, descriptor, manifest } = await memoryArtifact({ config, layers });
  for (const corrupt of [undefined, 2]) {
    const entries = [];
    for (const d of [manifest.config, ...manifest.layers]) {
      let body = await memory.fetch(d);
      if (d === manifest.layers[corrupt ?? -1]) body = body.map((b, j) => j === 3 ? b ^ 1 : b);
      entries.push({ name: `blobs/sha256/${d.digest.slice(7)}`, size: body.length, body });
    }
    const index = new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}');
    entries.push({ name: "index.json", size: index.length, body: index });
    const tar = await buildTar(entries);
    const source = {
      size: tar.length,
      ownsReads: true,
      read: (offset: number, length: number) => Promise.resolve(tar.slice(offset, offset + length)),
    };
    const target = await openArchive(source);
    const exp = await loadSealedExperiment(target, descriptor, manifest, { codecs: defaultCodecs });
    for (const solve of exp.runById(0).solves) {
      const expected = await fields(solve).then((v) => v, (e) => e as Error);
      if (expected instanceof Error) {
        // The corrupted blob (its twin, solve 3, has the same digest and so the same member).
        assert.equal(solve.outputDescriptor?.digest, manifest.layers[corrupt!]!.digest);
        await assert.rejects(solve.getOutputSummary(), (e) => {
          assert.equal((e as Error).constructor, expected.constructor);
          assert.equal((e as Error).message, expected.message);
          return true;
        });
      } else {
        // The layers' existence check found the member: no second lookup by digest.
        const got: unknown[] = [];
        const lookups = await countBlobIndexLookups(async () => {
          got.push(await solve.getOutputSummary());
        });
        assert.equal(lookups, 0);
        assert.deepEqual({ ...(got[0] as object) }, expected);
      }
    }
    if (corrupt === undefined) {
      // The window holding the outputs is read now (and node:crypto loaded, so it can be
      // served without an await); a context with a lower limit still refuses them before
      // anything is served, with getOutput's message.
      await createHasher();
      const limited = await loadSealedExperiment(target, descriptor, manifest, {
        codecs: defaultCodecs,
        maxDecompressedBytes: 12,
      });
      const solve = limited.runById(0).solves[1]!;
      const error = await solve.getOutput().then(() => null, (e) => e as Error);
      assert.match(String(error), /more than the limit of 12 bytes/);
      await assert.rejects(
        solve.getOutputSummary(),
        (e) => (e as Error).message === error!.message,
      );
    }
    await target.close();
  }
});
