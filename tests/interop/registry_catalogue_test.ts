/**
 * Interop: the OMMX Local Registry as a catalogue, managed by both SDKs at once. The REAL Python
 * SDK (tests/interop/registry_catalogue.py, `OMMX_LOCAL_REGISTRY_ROOT=<tmp>`) and ommx-ts work on
 * one registry:
 *
 * - listing: `listExperiments` / `listArtifacts` / `gc` (dry run) / `pruneAnonymous` (dry run)
 *   equal `list_experiments` / `list_artifacts` / `gc` / `prune_anonymous` field by field, with
 *   and without a prefix; `ommx-ts ls --json` too;
 * - TS removes, prunes and collects; the SDK lists and loads the rest — and the reverse;
 *   `restoreImage` / `restore_image` put a removed name back for the other SDK;
 * - concurrency: the SDK commits artifacts re-using an old unreferenced blob while ommx-ts runs
 *   deleting `gc` passes, and the reverse; every committed artifact stays complete (the SDK's
 *   blob lock, mtime refresh and GC exclusion lock);
 * - `ArtifactDraft`: an artifact with every layer kind built by ommx-ts is read by
 *   `Artifact.import_archive` with equal content, and one built by the SDK is read by ommx-ts;
 *   built from the same payload bytes, both SDKs write byte-identical `.ommx` archives.
 *
 * Needs the reference SDK (core/_tools_test_util.ts); skipped with one printed line otherwise.
 */
import assert from "node:assert/strict";
import {
  ArtifactDraft,
  BlobNotFoundError,
  gc,
  importArchive,
  Instance,
  listArtifacts,
  listExperiments,
  openArtifact,
  openExperiment,
  ParametricInstance,
  pruneAnonymous,
  removeImage,
  restoreImage,
  SampleSet,
  saveArtifact,
  Solution,
} from "../../mod.ts";
import { openLocalRegistry } from "../../core/oci/backends/local_registry.ts";
import { digestOf } from "../../core/oci/digest.ts";
import { referencePython } from "../../core/_tools_test_util.ts";
import { runPythonJson, sha } from "./_python_test_util.ts";

const python = referencePython(
  "the Local Registry catalogue interop test (tests/interop/registry_catalogue_test.ts)",
);

// deno-lint-ignore no-explicit-any
type Any = any;

const SCRIPT = "registry_catalogue.py";
const ROOT = new URL("../../", import.meta.url).pathname;

function py(root: string, ...args: string[]): Promise<Any> {
  return runPythonJson<Any>(python!, SCRIPT, args, { OMMX_LOCAL_REGISTRY_ROOT: root });
}

/** Plain JSON (drops `undefined`, keeps key order irrelevant for deepEqual). */
function plain(value: unknown): Any {
  return JSON.parse(JSON.stringify(value));
}

function blobs(list: readonly { digest: string; size: number }[]): Any {
  return list.map((b) => ({ digest: b.digest, size: b.size }));
}

/** The comparable part of a GC report (mtimes are the SDK's own reading of the same files). */
function gcView(r: Any): Any {
  return {
    deleteApplied: r.deleteApplied,
    roots: r.roots,
    reachableBlobs: blobs(r.reachableBlobs),
    orphanCandidates: blobs(r.orphanCandidates),
    deferredBlobs: blobs(r.deferredBlobs),
    missingBlobs: r.missingBlobs,
    invalidManifests: r.invalidManifests.map((m: Any) => ({
      digest: m.digest,
      referencedBy: m.referencedBy,
      kind: m.kind,
    })),
    reachableSize: r.reachableSize,
    orphanCandidateSize: r.orphanCandidateSize,
    deferredSize: r.deferredSize,
  };
}

async function tsListing(root: string, prefix?: string): Promise<Any> {
  const warnings: unknown[] = [];
  const onWarning = (w: unknown) => warnings.push(w);
  const out = {
    experiments: plain(await listExperiments(prefix, { root, onWarning })),
    artifacts: plain(await listArtifacts(prefix, { root, onWarning })),
    artifacts_internal: plain(
      await listArtifacts(prefix, { root, includeInternal: true, onWarning }),
    ),
    gc: gcView(plain(await gc({ root, gracePeriod: "0s" }))),
    prune: plain(await pruneAnonymous({ root, experiments: true })),
  };
  assert.deepEqual(warnings, []);
  return out;
}

function pyListingView(listing: Any): Any {
  return {
    experiments: listing.experiments,
    artifacts: listing.artifacts,
    artifacts_internal: listing.artifacts_internal,
    gc: gcView(listing.gc),
    prune: { root: undefined, ...listing.prune },
  };
}

function assertSameListing(ts: Any, sdk: Any): void {
  const view = pyListingView(sdk);
  assert.deepEqual(ts.experiments, view.experiments);
  assert.deepEqual(ts.artifacts, view.artifacts);
  assert.deepEqual(ts.artifacts_internal, view.artifacts_internal);
  assert.deepEqual(ts.gc, view.gc);
  const { root: _root, ...prune } = ts.prune;
  assert.deepEqual(prune, sdk.prune);
}

async function cliJson(root: string, ...args: string[]): Promise<Any> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, ...args, "--root", root, "--json"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test({
  name:
    "catalogue: on an SDK-written registry ommx-ts lists what the SDK lists (all fields, prefixes, gc, prune, CLI ls)",
  ignore: python === undefined,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "ommx-cat-" });
    try {
      const names = await py(root, "populate");
      const listing = await py(root, "list");
      // Sanity: the SDK wrote what the test relies on.
      assert.deepEqual(
        listing.experiments.map((e: Any) => e.imageName).sort(),
        [names.anonymous_experiment, names.exp].sort(),
      );
      assert.equal(listing.artifacts_internal.length, 5); // + the failed Experiment's checkpoint
      const exp = listing.experiments.find((e: Any) => e.imageName === names.exp);
      assert.deepEqual([exp.runCount, exp.solveCount, exp.samplingCount], [3, 2, 2]);
      assertSameListing(await tsListing(root), listing);
      for (const prefix of ["example.com/cat/", "example.com/cat/exp:v", "zzz", names.exp]) {
        assertSameListing(await tsListing(root, prefix), await py(root, "list", prefix));
      }
      const ls = await cliJson(root, "ls");
      assert.deepEqual(
        ls.experiments,
        listing.experiments.map(({ config: _c, ...rest }: Any) => rest),
      );
      const finished = await cliJson(root, "ls", "example.com/", "--status", "finished");
      assert.deepEqual(finished.experiments.map((e: Any) => e.imageName), [names.exp]);
      const artifacts = await cliJson(root, "ls", "--artifacts");
      assert.deepEqual(
        artifacts.artifacts.map((a: Any) => a.imageName),
        listing.artifacts.map((a: Any) => a.imageName),
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "catalogue: ommx-ts removes, prunes and collects; the SDK lists, loads and restores the rest",
  ignore: python === undefined,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "ommx-cat-" });
    try {
      const names = await py(root, "populate");
      const before = await py(root, "load", names.artifact);
      const digest = await removeImage(names.artifact, { root });
      assert.match(digest!, /^sha256:[0-9a-f]{64}$/);
      assert.equal(await removeImage(names.artifact, { root }), null);
      // The SDK sees the name gone, restores it from the digest ommx-ts returned, loads it.
      assert.match((await py(root, "load", names.artifact))[names.artifact].error, /./);
      assert.deepEqual(await py(root, "restore", names.artifact, digest!), { inserted: true });
      assert.deepEqual(await py(root, "load", names.artifact), before);
      assert.equal(await restoreImage(names.artifact, digest!, { root }), false);
      // Remove it again, prune the anonymous names, delete everything unreachable.
      assert.equal(await removeImage(names.artifact, { root }), digest);
      const pruned = await pruneAnonymous({ root, experiments: true, delete: true });
      assert.deepEqual(
        pruned.refs.map((r) => r.imageName).sort(),
        [names.anonymous_artifact, names.anonymous_experiment].sort(),
      );
      const collected = await gc({ root, delete: true, gracePeriod: "0s" });
      assert.ok(collected.deletedBlobs.some((b) => b.digest === digest));
      assert.deepEqual(collected.missingBlobs, []);
      // The SDK: the same catalogue, a clean registry, the rest loads, the removed one is gone.
      const after = await py(root, "list");
      assertSameListing(await tsListing(root), after);
      assert.deepEqual(after.experiments.map((e: Any) => e.imageName), [names.exp]);
      assert.deepEqual([after.gc.missingBlobs, after.gc.orphanCandidates], [[], []]);
      const loaded = await py(root, "load", names.exp, names.artifact);
      assert.equal(loaded[names.exp].runs, 3);
      assert.match(loaded[names.artifact].error, /./);
      // Its blobs are gone: neither SDK can restore the name any more.
      assert.match((await py(root, "restore", names.artifact, digest!)).error, /./);
      await assert.rejects(restoreImage(names.artifact, digest!, { root }), BlobNotFoundError);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "catalogue: the SDK removes, prunes and collects; ommx-ts lists, opens and restores the rest",
  ignore: python === undefined,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "ommx-cat-" });
    try {
      const names = await py(root, "populate");
      const { digest } = await py(root, "remove", names.artifact);
      assert.deepEqual(plain(await listArtifacts("example.com/cat/data", { root })), []);
      assert.equal(await restoreImage(names.artifact, digest, { root }), true);
      {
        await using a = await openArtifact({ localRegistry: names.artifact, root });
        assert.equal(a.manifestDigest, digest);
        assert.equal((await a.getInstance()).description?.name, "knapsack");
      }
      assert.equal((await py(root, "remove", names.artifact)).digest, digest);
      const pruned = await py(root, "prune", "--experiments", "--delete");
      assert.equal(pruned.count, 2);
      const collected = await py(root, "gc", "--delete", "--grace", "0s");
      assert.ok(collected.deletedBlobs.some((b: Any) => b.digest === digest));
      assertSameListing(await tsListing(root), await py(root, "list"));
      const exps = await listExperiments(undefined, { root });
      assert.deepEqual(exps.map((e) => e.imageName), [names.exp]);
      await using exp = await openExperiment({ localRegistry: names.exp, root });
      assert.equal(exp.runs.length, 3);
      await assert.rejects(
        openArtifact({ localRegistry: names.artifact, root }),
        BlobNotFoundError,
      );
      const report = await gc({ root, gracePeriod: "0s" });
      assert.deepEqual([report.missingBlobs, report.orphanCandidates], [[], []]);
      await assert.rejects(restoreImage(names.artifact, digest, { root }), BlobNotFoundError);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

/** Put `bytes` into the registry as an unreferenced blob whose mtime is two hours old. */
async function oldOrphan(root: string, bytes: Uint8Array): Promise<string> {
  const registry = await openLocalRegistry({ root, writable: true, create: true });
  const digest = await digestOf(bytes);
  try {
    await registry.push(
      { mediaType: "application/octet-stream", digest, size: bytes.length },
      bytes,
    );
  } finally {
    await registry.close();
  }
  const old = new Date(Date.now() - 2 * 3600_000);
  await Deno.utime(`${root}/blobs/sha256/${digest.slice(7)}`, old, old);
  return digest;
}

Deno.test({
  name:
    "catalogue concurrency: the SDK commits (re-using an old orphan blob) while ommx-ts runs deleting gc passes; nothing it references is lost",
  ignore: python === undefined,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "ommx-cat-" });
    try {
      const shared = crypto.getRandomValues(new Uint8Array(4096));
      const sharedDigest = await oldOrphan(root, shared);
      const doomed = await oldOrphan(root, crypto.getRandomValues(new Uint8Array(100)));
      const sharedFile = `${root}/../${sharedDigest.slice(7, 19)}.bin`;
      await Deno.writeFile(sharedFile, shared);
      const writer = py(root, "writer", "12", sharedFile);
      let settled = false;
      writer.finally(() => settled = true).catch(() => {});
      let passes = 0;
      const deleted = new Set<string>();
      while (!settled || passes < 2) {
        const r = await gc({ root, delete: true, gracePeriod: "1h" });
        passes++;
        for (const b of r.deletedBlobs) deleted.add(b.digest);
      }
      const { committed } = await writer;
      await Deno.remove(sharedFile);
      assert.equal(committed.length, 12);
      assert.ok(deleted.has(doomed), "the unrelated old orphan was collected");
      const report = await gc({ root, gracePeriod: "1h" });
      assert.deepEqual([report.missingBlobs, report.invalidManifests], [[], []]);
      assert.ok(report.reachableBlobs.some((b) => b.digest === sharedDigest));
      const checked = await py(root, "check", ...committed.map((c: Any) => c[0]));
      for (const [name, layers] of Object.entries(checked)) {
        assert.deepEqual(layers, [true, true], `${name}: ${JSON.stringify(layers)}`);
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "catalogue concurrency: ommx-ts commits (re-using an old orphan blob) while the SDK runs deleting gc passes; nothing it references is lost",
  ignore: python === undefined,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "ommx-cat-" });
    const stop = `${root}.stop`;
    try {
      const shared = crypto.getRandomValues(new Uint8Array(4096));
      const sharedDigest = await oldOrphan(root, shared);
      const doomed = await oldOrphan(root, crypto.getRandomValues(new Uint8Array(100)));
      const collector = py(root, "gc-loop", stop, "1h");
      const names: string[] = [];
      // Keep committing until the SDK has finished a pass (its start-up can outlast 12 commits),
      // so at least one of its deleting passes overlaps our writes.
      const started = async () => await Deno.stat(`${stop}.started`).then(() => true, () => false);
      const deadline = Date.now() + 60_000;
      for (let i = 0; i < 12 || (!(await started()) && Date.now() < deadline); i++) {
        const draft = ArtifactDraft.new(`example.com/writer/ts:${i}`, { root });
        await draft.addLayer("application/octet-stream", shared);
        await draft.addLayer(
          "application/octet-stream",
          crypto.getRandomValues(new Uint8Array(64)),
        );
        await using artifact = await draft.commit();
        names.push(artifact.imageName!);
      }
      assert.ok(await started(), "the SDK's gc loop finished a pass while ommx-ts committed");
      await Deno.writeTextFile(stop, "");
      const loop = await collector;
      assert.ok(loop.passes >= 2, `the SDK ran ${loop.passes} gc passes`);
      assert.ok(loop.deleted.includes(doomed));
      const checked = await py(root, "check", ...names);
      for (const [name, layers] of Object.entries(checked)) {
        assert.deepEqual(layers, [true, true], `${name}: ${JSON.stringify(layers)}`);
      }
      const report = await gc({ root, gracePeriod: "1h" });
      assert.deepEqual([report.missingBlobs, report.invalidManifests], [[], []]);
      assert.ok(report.reachableBlobs.some((b) => b.digest === sharedDigest));
    } finally {
      await Deno.remove(stop).catch(() => {});
      await Deno.remove(`${stop}.started`).catch(() => {});
      await Deno.remove(root, { recursive: true });
    }
  },
});

/** Decode the SDK's payload files; `keepBytes` stores their exact bytes (annotations still ours). */
async function payloads(dir: string, keepBytes: boolean) {
  const read = (n: string) => Deno.readFile(`${dir}/${n}.bin`);
  const keep = <T extends object>(o: T, bytes: Uint8Array): T =>
    keepBytes
      ? new Proxy(o, { get: (t, k) => k === "toBytes" ? () => bytes : Reflect.get(t, k, t) })
      : o;
  const [i, p, s, ss] = await Promise.all(
    ["instance", "parametric", "solution", "sample_set"].map(read),
  );
  return {
    instance: keep(Instance.decode(i!, "v2"), i!),
    parametric: keep(ParametricInstance.decode(p!, "v2"), p!),
    solution: keep(Solution.decode(s!, "v2"), s!),
    sampleSet: keep(SampleSet.decode(ss!, "v2"), ss!),
  };
}

async function buildTs(
  root: string,
  dir: string,
  name: string,
  keepBytes: boolean,
): Promise<string> {
  const p = await payloads(dir, keepBytes);
  const draft = ArtifactDraft.new(name, { root });
  await draft.addInstance(p.instance);
  await draft.addParametricInstance(p.parametric);
  await draft.addSolution(p.solution);
  await draft.addSampleSet(p.sampleSet);
  await draft.addJson({ a: 1, b: [1.5, "é", null, true] }, { title: "meta" });
  await draft.addLayer(
    "application/octet-stream",
    new Uint8Array([0, 1, ...new TextEncoder().encode("raw")]),
    { "org.example.k": "v" },
  );
  draft.addAnnotation("org.opencontainers.image.description", "interop artifact");
  await using artifact = await draft.commit();
  return await saveArtifact(artifact, `${dir}/${name.replaceAll(/[/:]/g, "_")}.ommx`);
}

Deno.test({
  name:
    "ArtifactDraft: every layer kind written by ommx-ts is read by Artifact.import_archive with equal content; from the same payload bytes both SDKs write byte-identical archives",
  ignore: python === undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ommx-art-" });
    try {
      await py(`${dir}/py-reg`, "payloads", dir);
      const tsArchive = await buildTs(`${dir}/ts-reg`, dir, "example.com/art/ts:v1", false);
      const read = await py(`${dir}/py-reg`, "read-archive", tsArchive);
      assert.equal(read.imageName, "example.com/art/ts:v1");
      assert.deepEqual(read.annotations, {
        "org.opencontainers.image.description": "interop artifact",
      });
      const byType = Object.fromEntries(read.layers.map((l: Any) => [l.mediaType, l]));
      const inst = byType["application/org.ommx.v2.instance"];
      assert.deepEqual(inst.annotations, {
        "org.ommx.user.source": "interop",
        "org.ommx.v1.instance.title": "demo",
        "org.ommx.v1.instance.variables": "3",
        "org.ommx.v1.instance.constraints": "1",
      });
      assert.deepEqual(inst.value, {
        title: "demo",
        variables: 3,
        constraints: 1,
        sense: "maximize",
      });
      assert.deepEqual(byType["application/org.ommx.v2.parametric-instance"].value, {
        parameters: [10],
        variables: 3,
      });
      assert.deepEqual(byType["application/org.ommx.v2.solution"].value, {
        objective: 1,
        feasible: true,
        state: { "0": 1, "1": 0, "2": 1 },
      });
      assert.deepEqual(byType["application/org.ommx.v2.sample-set"].value.objectives, {
        "0": 1,
        "1": 2,
      });
      assert.deepEqual(byType["application/json"].value, { a: 1, b: [1.5, "é", null, true] });
      assert.deepEqual(byType["application/json"].annotations, { "org.ommx.user.title": "meta" });
      assert.equal(
        byType["application/octet-stream"].sha256,
        sha(new Uint8Array([0, 1, ...new TextEncoder().encode("raw")])),
      );
      // Same payload bytes on both sides: the archives are the same bytes.
      const sameName = "example.com/art/same:v1";
      const pyArchive = `${dir}/py-same.ommx`;
      await py(`${dir}/py-reg`, "build-artifact", dir, sameName, pyArchive);
      const tsSame = await buildTs(`${dir}/ts-reg`, dir, sameName, true);
      assert.deepEqual(await Deno.readFile(tsSame), await Deno.readFile(pyArchive));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "ArtifactDraft: an artifact the SDK built and saved is imported and read by ommx-ts with equal content",
  ignore: python === undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ommx-art-" });
    try {
      await py(`${dir}/py-reg`, "payloads", dir);
      const archive = `${dir}/py.ommx`;
      const built = await py(
        `${dir}/py-reg`,
        "build-artifact",
        dir,
        "example.com/art/py:v1",
        archive,
      );
      await using artifact = await importArchive(archive, { root: `${dir}/ts-reg` });
      assert.equal(artifact.imageName, "example.com/art/py:v1");
      assert.deepEqual(artifact.annotations, {
        "org.opencontainers.image.description": "interop artifact",
      });
      assert.deepEqual(
        artifact.layers.slice(0, 4).map((l) => l.annotations),
        built.layers.slice(0, 4),
      );
      const instance = await artifact.instance;
      assert.equal(instance.description?.name, "demo");
      assert.equal(instance.numVariables, 3);
      assert.equal((await artifact.parametricInstance).numVariables, 3);
      const solution = await artifact.solution;
      assert.equal(solution.objective, 1);
      assert.equal((await artifact.sampleSet).sampleIdsList.length, 2);
      assert.deepEqual(await artifact.getJson(artifact.layers[4]!), {
        a: 1,
        b: [1.5, "é", null, true],
      });
      assert.deepEqual(
        await artifact.getBlob(artifact.layers[5]!),
        new Uint8Array([0, 1, ...new TextEncoder().encode("raw")]),
      );
      // The SDK's registry lists it; ommx-ts reads it there as well.
      const listed = await listArtifacts("example.com/art/", { root: `${dir}/py-reg` });
      assert.deepEqual(listed.map((a) => a.manifestDigest), [artifact.manifestDigest]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "catalogue CLI: ommx-ts import / rename --move / rm on a registry the SDK then reads",
  ignore: python === undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ommx-cli-" });
    const root = `${dir}/reg`;
    try {
      await py(`${dir}/py-reg`, "payloads", dir);
      const archive = `${dir}/py.ommx`;
      await py(`${dir}/py-reg`, "build-artifact", dir, "example.com/cli/a:v1", archive);
      const imported = await cliJson(root, "import", archive);
      assert.equal(imported.imageName, "example.com/cli/a:v1");
      const renamed = await cliJson(
        root,
        "rename",
        "example.com/cli/a:v1",
        "example.com/cli/b:v2",
        "--move",
      );
      assert.deepEqual([renamed.inserted, renamed.removedFrom], [true, true]);
      const loaded = await py(root, "load", "example.com/cli/a:v1", "example.com/cli/b:v2");
      assert.match(loaded["example.com/cli/a:v1"].error, /./);
      assert.equal(loaded["example.com/cli/b:v2"].layers.length, 6);
      const removed = await cliJson(root, "rm", "example.com/cli/b:v2");
      assert.equal(removed.manifestDigest, imported.manifestDigest);
      assert.deepEqual((await py(root, "list")).artifacts, []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
