/**
 * Differential test of the view a commit returns: the builder builds it from
 * its own state (`sealWrittenExperiment`), and it must be what the loader
 * gives on the bytes just written (`openSealedExperiment` of the archive, and
 * of the Local Registry the Experiment was committed into) — runs, Solves,
 * Samplings, attachments, parameters, statuses, reasons, digests — on seeded
 * Experiments.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { mulberry32 } from "../../_random_test_util.ts";
import { createExperimentBuilder } from "./experiment_builder.ts";
import type { Run } from "./run.ts";
import { experimentArchiveBytes } from "./save.ts";
import { openSealedExperiment } from "../read/open.ts";
import { loadSealedExperiment, type SealedExperiment } from "../read/sealed_experiment.ts";
import { parseManifest } from "../../oci/manifest.ts";
import { Experiment } from "../experiment.ts";
import { AutosavePolicy } from "./autosave_policy.ts";
import { AssemblyCache } from "./_assembly_cache.ts";
import { defaultCodecs } from "../../../codecs/mod.ts";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import { LocalRegistryTarget, openLocalRegistry } from "../../oci/backends/local_registry.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import type { FetchOptions } from "../../oci/storage.ts";
import type { Sampling, Solve } from "../read/process.ts";

class RuntimeError extends Error {
  override name = "RuntimeError";
}

const bytesOf = (text: string) => new TextEncoder().encode(text);
const instanceOf = (i: number) => ({
  toBytes: () => bytesOf(`instance ${i}`),
  numVariables: 0,
  numConstraints: 0,
});
const solver = {
  name: "toy.Solver",
  solve(i: { toBytes(): Uint8Array }, options: { fail?: boolean; k?: number }) {
    if (options.fail) throw new RuntimeError("infeasible");
    return { toBytes: () => bytesOf(`solution of ${new TextDecoder().decode(i.toBytes())}`) };
  },
};
const sampler = {
  name: "toy.Sampler",
  sample: (_i: unknown, options: { n?: number }) => ({
    toBytes: () => bytesOf(`samples ${options.n ?? 0}`),
  }),
};

/** What a recorder needs from a builder or the root's Experiment. */
interface Recorder {
  run(): Run;
  logJson(name: string, value: unknown): Promise<void>;
  setAnnotation(key: string, value: string): void;
}

/** A seeded Experiment: parameters of every type, attachments, Solves and Samplings (some failing), run lifecycles. */
async function record(seed: number, exp: Recorder, runs: number): Promise<void> {
  const rnd = mulberry32(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  exp.setAnnotation("org.example.seed", String(seed));
  if (rnd() < 0.7) await exp.logJson("dataset", { seed, rows: pick(100) });
  if (rnd() < 0.5) await exp.logJson("ゼロ", [seed]);
  for (let i = 0; i < runs; i++) {
    const run = exp.run();
    run.logParameter("i", i);
    if (rnd() < 0.8) run.logParameter("solver", `s-${pick(4)}`);
    if (rnd() < 0.5) run.logParameter("x", rnd() < 0.5 ? pick(9) : rnd());
    if (rnd() < 0.3) run.logParameter("flag", rnd() < 0.5);
    if (rnd() < 0.2) run.logParameter("big", 2n ** 62n + BigInt(i));
    if (rnd() < 0.5) await run.logJson("config", { i, k: pick(5) });
    if (rnd() < 0.2) await run.logJson("extra", { note: "日本" });
    for (let s = pick(3); s > 0; s--) {
      const fail = rnd() < 0.2;
      await run.logSolve(solver, instanceOf(pick(6)), { fail, k: pick(3) }).catch((e) => {
        if (!(e instanceof RuntimeError)) throw e;
      });
    }
    if (rnd() < 0.4) await run.logSample(sampler, instanceOf(pick(6)), { n: pick(4) });
    const end = rnd();
    if (end < 0.15) run.fail(new RuntimeError(`run ${i} failed\n detail`));
    else if (end < 0.25) run.interrupt(new Error(`stop ${i}`));
    else run.finish();
  }
}

/** What a Solve or Sampling view shows, for comparing two views. */
function processView(id: number, s: Solve | Sampling) {
  return {
    id,
    status: s.status,
    adapter: s.adapter,
    options: s.adapterOptionsJson,
    input: s.inputDescriptor,
    output: s.outputDescriptor,
    diagnostics: s.getDiagnostics(),
    text: s.toString(),
  };
}

/** Everything a reader sees of an Experiment, as plain data. */
function snapshot(exp: SealedExperiment) {
  return {
    manifestDigest: exp.manifestDigest,
    manifestDescriptor: {
      digest: exp.manifestDescriptor.digest,
      size: exp.manifestDescriptor.size,
    },
    layers: exp.layers,
    annotations: exp.annotations,
    status: exp.status,
    lifecycleReason: exp.lifecycleReason,
    requestedImageName: exp.requestedImageName,
    subject: exp.subject,
    config: JSON.parse(JSON.stringify(exp.config, mapsAsEntries)),
    attachments: exp.attachmentNames.map((n) => [n, exp.attachmentInfo(n)]),
    runParameters: exp.runParameters(),
    runs: exp.runs.map((r) => ({
      runId: r.runId,
      status: r.status,
      reason: r.lifecycleReason,
      parameters: r.parameters,
      hasTrace: r.hasTrace,
      attachments: r.attachmentNames.map((n) => [n, r.attachmentInfo(n)] as const),
      solves: r.solves.map((s) => processView(s.solveId, s)),
      samplings: r.samplings.map((s) => processView(s.samplingId, s)),
      text: `${r}`,
    })),
  };
}

function mapsAsEntries(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { map: [...value.entries()] };
  if (typeof value === "bigint") return { bigint: String(value) };
  return value;
}

for (const seed of [1, 2, 3, 4, 5, 6]) {
  Deno.test(`commit view: seed ${seed}, in memory — the builder's view equals the loader's on the archive`, async () => {
    const b = createExperimentBuilder({ imageName: `example.com/t/diff:s${seed}` });
    await record(seed, b, 12 + seed * 3);
    const fresh = seed % 3 === 0 ? "fail" : seed % 3 === 1 ? "commit" : "interrupt";
    const committed = fresh === "commit"
      ? await b.commit()
      : fresh === "fail"
      ? await b.fail(new RuntimeError("whole experiment"))
      : await b.interrupt(new Error("stopped"));
    const loaded = await openSealedExperiment(await experimentArchiveBytes(committed), {
      allowDraft: true,
    });
    const again = snapshot(loaded);
    // The archive's index names the image; the commit's view names it too.
    assert.deepEqual(snapshot(committed), again);
    assert.ok(again.runs.length > 0);
  });
}

Deno.test("commit view: a Local Registry commit's view equals the loader's on the registry", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-commit-view-" });
  try {
    for (const seed of [11, 12]) {
      const exp = await Experiment.create(`example.com/t/registry:s${seed}`, { root });
      exp.setAutosavePolicy(seed === 11 ? AutosavePolicy.disabled() : AutosavePolicy.everyNRuns(7));
      await record(seed, exp, 40);
      await exp.commit();
      const store = exp.storage;
      const descriptor = exp.manifestDescriptor;
      const { manifest } = parseManifest(await store.fetch(descriptor));
      const loaded = await loadSealedExperiment(store, descriptor, manifest, {
        codecs: defaultCodecs,
      });
      assert.deepEqual(snapshotOf(exp), snapshot(loaded));
      await exp.close();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("commit view: closedRuns (views built on first use) show what the committed runs show", async () => {
  for (const seed of [21, 22, 23]) {
    const b = createExperimentBuilder({ imageName: `example.com/t/closed:s${seed}` });
    await record(seed, b, 25);
    await b.settled();
    const closed = b.closedRuns;
    const exp = await b.commit();
    // By design (as before views were built on first use), a closed run's view counts layer
    // indices within the run and types its cells by its own parameters, not the whole table.
    const strip = (runs: ReturnType<typeof snapshot>["runs"]) =>
      runs.map(({ parameters: _, text: __, attachments, ...rest }) => ({
        ...rest,
        attachments: attachments.map(([n, info]) => [n, { ...info, layerIndex: 0 }]),
      }));
    assert.deepEqual(
      strip(snapshot({ ...snapshotSource(exp), runs: closed } as SealedExperiment).runs),
      strip(snapshot(exp).runs),
    );
    assert.equal(closed.length, exp.runs.length);
  }
});

/** The getters `snapshot` reads, from a sealed Experiment (so `runs` can be swapped). */
function snapshotSource(exp: SealedExperiment) {
  return {
    manifestDigest: exp.manifestDigest,
    manifestDescriptor: exp.manifestDescriptor,
    layers: exp.layers,
    annotations: exp.annotations,
    status: exp.status,
    lifecycleReason: exp.lifecycleReason,
    requestedImageName: exp.requestedImageName,
    subject: exp.subject,
    config: exp.config,
    attachmentNames: exp.attachmentNames,
    attachmentInfo: (n: string) => exp.attachmentInfo(n),
    runParameters: () => exp.runParameters(),
  };
}

/** A memory store that records the digests fetched from it. */
class CountingTarget extends MemoryTarget {
  readonly fetched: string[] = [];
  override fetch(descriptor: Descriptor, options?: FetchOptions): Promise<Uint8Array> {
    this.fetched.push(descriptor.digest);
    return super.fetch(descriptor, options);
  }
  override fetchStream(descriptor: Descriptor, options?: FetchOptions) {
    this.fetched.push(descriptor.digest);
    return super.fetchStream(descriptor, options);
  }
}

Deno.test("commit view: the commit reads neither the config nor the run-parameter table back from the store", async () => {
  const store = new CountingTarget();
  const b = createExperimentBuilder({ imageName: "example.com/t/diff:nofetch", store });
  await record(7, b, 20);
  const before = store.fetched.length;
  const exp = await b.commit();
  const table = exp.layers[exp.config.runParameters]!.digest;
  const fetched = store.fetched.slice(before);
  assert.ok(!fetched.includes(exp.manifest.config.digest), "config fetched again");
  assert.ok(!fetched.includes(table), "run-parameter table fetched again");
  // And the view is the loader's.
  const loaded = await openSealedExperiment(await experimentArchiveBytes(exp));
  assert.deepEqual(snapshot(exp), snapshot(loaded));
});

/** The root's Experiment shows its sealed view's getters. */
function snapshotOf(exp: Experiment) {
  return snapshot(exp as unknown as SealedExperiment);
}

/** The listing-cache rows of one manifest, as the Local Registry's index holds them. */
function listingRows(root: string, digest: string) {
  const db = new DatabaseSync(`${root}/index.sqlite3`, { readOnly: true });
  try {
    const manifest = db.prepare(
      "SELECT manifest_digest, manifest_json, artifact_type, config_digest FROM artifact_manifests WHERE manifest_digest = ?",
    ).all(digest) as Record<string, unknown>[];
    const config = db.prepare(
      "SELECT config_digest, config_json FROM experiment_configs WHERE config_digest = ?",
    ).all(String(manifest[0]?.config_digest)) as Record<string, unknown>[];
    return { manifest, config };
  } finally {
    db.close();
  }
}

Deno.test("commit view: a Local Registry commit's tag reads neither the manifest nor the config back, and writes the rows a tag from disk writes", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-commit-tag-" });
  const original = LocalRegistryTarget.prototype.tag;
  const seen: { digest: string; known: boolean }[] = [];
  // While the commit's tag runs, the manifest and config files hold same-size garbage: a
  // tag that reads either back fails its digest check (and the commit with it).
  LocalRegistryTarget.prototype.tag = async function (descriptor, reference, known) {
    seen.push({ digest: descriptor.digest, known: known !== undefined });
    const path = (digest: string) => `${root}/blobs/sha256/${digest.slice("sha256:".length)}`;
    const manifestBytes = await Deno.readFile(path(descriptor.digest));
    const configDigest = parseManifest(manifestBytes).manifest.config.digest;
    const configBytes = await Deno.readFile(path(configDigest));
    const garble = (b: Uint8Array) => b.map((x) => x ^ 0x55);
    await Deno.writeFile(path(descriptor.digest), garble(manifestBytes));
    await Deno.writeFile(path(configDigest), garble(configBytes));
    try {
      return await original.call(this, descriptor, reference, known);
    } finally {
      await Deno.writeFile(path(descriptor.digest), manifestBytes);
      await Deno.writeFile(path(configDigest), configBytes);
    }
  };
  try {
    const exp = await Experiment.create("example.com/t/registry:tag", { root });
    exp.setAutosavePolicy(AutosavePolicy.disabled());
    await record(31, exp, 30);
    await exp.commit();
    LocalRegistryTarget.prototype.tag = original;
    const digest = exp.manifestDescriptor.digest;
    assert.deepEqual(seen, [{ digest, known: true }]);
    const committed = listingRows(root, digest);
    assert.equal(committed.manifest.length, 1);
    assert.equal(committed.config.length, 1);
    // The rows hold the blobs' bytes.
    const blobs = `${root}/blobs/sha256`;
    assert.deepEqual(
      new Uint8Array(committed.manifest[0]!.manifest_json as Uint8Array),
      await Deno.readFile(`${blobs}/${digest.slice(7)}`),
    );
    assert.equal(committed.manifest[0]!.artifact_type, "application/org.ommx.v1.experiment");
    assert.equal(committed.manifest[0]!.config_digest, exp.manifest.config.digest);
    assert.deepEqual(
      new Uint8Array(committed.config[0]!.config_json as Uint8Array),
      await Deno.readFile(`${blobs}/${exp.manifest.config.digest.slice(7)}`),
    );
    const descriptor = exp.manifestDescriptor;
    await exp.close();
    // A tag that reads the manifest and config from disk (a fresh target: nothing it pushed)
    // writes the very same rows over them.
    {
      await using fresh = await openLocalRegistry({ root, writable: true });
      await fresh.tag(
        { mediaType: descriptor.mediaType, digest, size: descriptor.size },
        "example.com/t/registry:again",
      );
    }
    assert.deepEqual(listingRows(root, digest), committed);
  } finally {
    LocalRegistryTarget.prototype.tag = original;
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("commit view: runs closed in id order are encoded as they close, and the commit encodes none of them", async () => {
  const original = AssemblyCache.prototype.sync;
  let encoded = 0;
  AssemblyCache.prototype.sync = function (base, runs, encode) {
    return original.call(this, base, runs, (run, add) => {
      encoded++;
      return encode(run, add);
    });
  };
  try {
    const b = createExperimentBuilder({ imageName: "example.com/t/ahead:v1" });
    await record(41, b, 12);
    await b.settled();
    assert.equal(encoded, 12);
    const exp = await b.commit();
    assert.equal(encoded, 12, "the commit encoded runs again");
    const loaded = await openSealedExperiment(await experimentArchiveBytes(exp));
    assert.deepEqual(snapshot(exp), snapshot(loaded));
  } finally {
    AssemblyCache.prototype.sync = original;
  }
});

Deno.test("commit view: a Local Registry commit checks each layer's presence in its tag only, an in-memory one for the view", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-commit-present-" });
  const original = LocalRegistryTarget.prototype.exists;
  let checks = 0;
  LocalRegistryTarget.prototype.exists = function (descriptor) {
    checks++;
    return original.call(this, descriptor);
  };
  try {
    const exp = await Experiment.create("example.com/t/registry:present", { root });
    exp.setAutosavePolicy(AutosavePolicy.disabled());
    await record(51, exp, 10);
    await exp.commit();
    // The tag checked every blob under the GC exclusion lock; the view does not ask again.
    assert.equal(checks, 0);
    const { manifest } = parseManifest(await exp.storage.fetch(exp.manifestDescriptor));
    const loaded = await loadSealedExperiment(exp.storage, exp.manifestDescriptor, manifest, {
      codecs: defaultCodecs,
    });
    assert.equal(checks, manifest.layers.length, "the loader checks every layer");
    assert.deepEqual(snapshotOf(exp), snapshot(loaded));
    await exp.close();
  } finally {
    LocalRegistryTarget.prototype.exists = original;
    await Deno.remove(root, { recursive: true });
  }
  // Elsewhere the view still checks every layer.
  const store = new MemoryTarget();
  const asked: string[] = [];
  const exists = store.exists.bind(store);
  store.exists = (d) => {
    asked.push(d.digest);
    return exists(d);
  };
  const b = createExperimentBuilder({ imageName: "example.com/t/memory:present", store });
  await record(52, b, 10);
  const exp = await b.commit();
  for (const layer of exp.layers) assert.ok(asked.includes(layer.digest), layer.digest);
});
