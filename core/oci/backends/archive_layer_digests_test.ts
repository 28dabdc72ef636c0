import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { digestOf } from "../digest.ts";
import { parseManifest } from "../manifest.ts";
import { buildTar, type TarWriteEntry } from "../tar/writer.ts";
import { checkManifestBytes } from "../_manifest_parse.ts";
import { indexedLayerDigestOf, registerIndexedLayerDigest } from "../_indexed_digests.ts";
import { openSealedExperiment } from "../../experiment/read/open.ts";
import { type ArchiveTarget, openArchive, openArchiveFile } from "./archive.ts";
import { countBlobIndexLookups as countLookups } from "./_archive_blob_index_test_util.ts";

const enc = new TextEncoder();
const EMPTY = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/** An archive of `n` small blobs (no manifest of its own) and their descriptors. */
async function archiveOf(n: number) {
  const layers: { mediaType: string; digest: string; size: number }[] = [];
  const entries: TarWriteEntry[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = enc.encode(`blob ${i}`);
    const digest = await digestOf(bytes);
    layers.push({ mediaType: "application/x.test", digest, size: bytes.length });
    entries.push({ name: `blobs/sha256/${digest.slice(7)}`, size: bytes.length, body: bytes });
  }
  const index = enc.encode('{"schemaVersion":2,"manifests":[]}');
  entries.push({ name: "index.json", size: index.length, body: index });
  return { tar: await buildTar(entries), layers };
}

/** What a parse and an existence check give: the manifest and answers as JSON, or the error. */
async function outcome(
  target: ArchiveTarget,
  parse: () => { layers: readonly { digest: string; size: number; mediaType: string }[] },
): Promise<string> {
  try {
    const manifest = parse();
    return JSON.stringify({ manifest, present: await target.existsAll(manifest.layers) });
  } catch (e) {
    return `${(e as Error).constructor.name} ${(e as { code?: string }).code} ${
      (e as Error).message
    }`;
  }
}

// Digest values a layer may carry: indexed, or near misses of every kind.
function digestVariant(real: readonly string[]) {
  const absent = `sha256:${"ab".repeat(32)}`;
  return fc.oneof(
    fc.constantFrom(...real),
    fc.constantFrom(...real).map((d) => d.toUpperCase()),
    fc.constantFrom(...real).map((d) => `sha256:${d.slice(7).toUpperCase()}`),
    fc.constantFrom(...real).map((d) => d.slice(0, 70)),
    fc.constantFrom(...real).map((d) => d + "0"),
    fc.constantFrom(...real).map((d) => d.replace("sha256:", "sha512:")),
    fc.constantFrom(...real).map((d) => d.slice(0, 40) + "g" + d.slice(41)),
    fc.constant(absent),
    fc.constantFrom<unknown>(undefined, null, 7, [], {}, ""),
  );
}

Deno.test("archive: a manifest parsed with the archive's check of layer digests gives what parseManifest and existsAll give, or the same first error", async () => {
  const { tar, layers } = await archiveOf(5);
  const real = layers.map((l) => l.digest);
  const layerArb = fc.record({
    mediaType: fc.oneof(fc.constant("application/x.test"), fc.constantFrom<unknown>(1, null)),
    digest: digestVariant(real),
    size: fc.oneof(
      fc.constantFrom(...layers.map((l) => l.size)),
      fc.constantFrom<unknown>(-1, 1.5, "7"),
    ),
    annotations: fc.option(
      fc.dictionary(fc.constantFrom("a", "b"), fc.constantFrom<unknown>("x", 1)),
      {
        nil: undefined,
      },
    ),
  }, { requiredKeys: ["mediaType", "size"] });
  const configArb = fc.record({
    mediaType: fc.constant("application/vnd.oci.empty.v1+json"),
    digest: fc.oneof(fc.constant(EMPTY), digestVariant(real)),
    size: fc.constant(2),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(layerArb, { maxLength: 8 }),
      configArb,
      fc.boolean(),
      async (manifestLayers, config, trailing) => {
        const text = JSON.stringify({ schemaVersion: 2, config, layers: manifestLayers }) +
          (trailing ? " x" : "");
        const bytes = enc.encode(text);
        const plain = await openArchive(tar);
        const checked = await openArchive(tar);
        const check = indexedLayerDigestOf(checked);
        assert.ok(check !== undefined);
        assert.equal(
          await outcome(checked, () => checkManifestBytes(bytes, check)),
          await outcome(plain, () => parseManifest(bytes).manifest),
        );
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("archive: the check of layer digests is true only for indexed digests, and existsAll reuses what it found", async () => {
  const { tar, layers } = await archiveOf(4);
  const target = await openArchive(tar);
  const check = indexedLayerDigestOf(target)!;
  assert.equal(check(layers[0]!.digest, 0), true);
  assert.equal(check(layers[0]!.digest.toUpperCase(), 1), false);
  assert.equal(check(`sha256:${"0".repeat(64)}`, 2), false);
  assert.equal(check(42, 3), false);
  // Each layer is looked up once in all: by the parse's check, not again by existsAll.
  const text = JSON.stringify({
    schemaVersion: 2,
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: EMPTY, size: 2 },
    layers: [...layers, { ...layers[1]!, size: 99 }, {
      ...layers[0]!,
      digest: `sha256:${"1".repeat(64)}`,
    }],
  });
  let present: boolean[] = [];
  const lookups = await countLookups(async () => {
    const manifest = checkManifestBytes(enc.encode(text), check);
    present = await target.existsAll(manifest.layers);
  });
  assert.deepEqual(present, [true, true, true, true, false, false]);
  assert.equal(lookups, 6);
  // A later list (another order) is looked up: same answers as a fresh archive's.
  const reordered = [...layers].reverse();
  const fresh = await openArchive(tar);
  assert.deepEqual(await target.existsAll(reordered), await fresh.existsAll(reordered));
});

Deno.test("archive: opening an Experiment checks its layer digests through the archive's index, one lookup a layer", async () => {
  const target = await openArchiveFile("examples/demo.ommx");
  const check = indexedLayerDigestOf(target)!;
  let calls = 0;
  registerIndexedLayerDigest(target, (digest, position): digest is string => {
    calls++;
    return check(digest, position);
  });
  const layers = parseManifest(await target.fetch(await target.resolve())).manifest.layers.length;
  let runs = 0;
  const lookups = await countLookups(async () => {
    const exp = await openSealedExperiment(target);
    runs = exp.runs.length;
  });
  assert.ok(runs > 0);
  assert.equal(calls, layers);
  // The parse's lookups plus a few fetches (config, run-parameter table), not two a layer.
  assert.ok(lookups < layers + 5, `${lookups} lookups for ${layers} layers`);
  await target.close();
});
