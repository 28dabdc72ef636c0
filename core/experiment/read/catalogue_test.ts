/**
 * listExperiments / listArtifacts without the Python SDK, on registries ommx-ts writes: the
 * fields, prefix matching and order, the checkpoint repository hidden, and every way a ref can
 * fail to list (missing or damaged cache rows read from the blobs, missing blobs, unparsable
 * names), with `strict` turning the first into an error. The equality with the SDK's own listing
 * is in tests/interop/registry_catalogue_test.ts.
 */
import assert from "node:assert/strict";
import { InvalidArtifactError } from "../../errors.ts";
import { Function, Instance, Solution } from "../../../codecs/ommx/mod.ts";
import { openLocalRegistry } from "../../oci/backends/local_registry.ts";
import { createExperimentBuilder } from "../write/experiment_builder.ts";
import { ArtifactDraft } from "../write/artifact_draft.ts";
import {
  formatRegistryListWarning,
  listArtifacts,
  listExperiments,
  type RegistryListWarning,
} from "./catalogue.ts";

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "ommx-cat-unit-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const instance = new Instance({
  sense: "maximize",
  objective: Function.linear([[1, 3], [2, 2]]),
  decisionVariables: [1, 2].map((id) => ({
    id,
    kind: "binary" as const,
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  })),
});
const allOnes = {
  name: "toy.AllOnes",
  solve: (i: Instance) => Solution.evaluate(i, new Map([[1, 1], [2, 1]])),
};

/** An Experiment with `runs` runs of one Solve each. */
async function experiment(root: string, name: string, runs: number) {
  const registry = await openLocalRegistry({ root, writable: true, create: true });
  const builder = createExperimentBuilder({ imageName: name, store: registry });
  builder.setAnnotation("org.example.team", "ops");
  for (let i = 0; i < runs; i++) {
    await builder.withRun(async (run) => {
      run.logParameter("i", i);
      await run.logSolve(allOnes, instance);
    });
  }
  await builder.commit();
  await registry.close();
}

async function exec(root: string, sql: string): Promise<void> {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(`${root}/index.sqlite3`);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

Deno.test("listExperiments: fields from the manifest and config, name order, prefix on the full image name, artifacts excluded", async () => {
  await withRoot(async (root) => {
    await experiment(root, "example.com/c/b:v1", 2);
    await experiment(root, "example.com/c/a:v1", 0);
    const draft = ArtifactDraft.new("example.com/c/data:v1", { root });
    await draft.addJson({ x: 1 });
    await (await draft.commit()).close();
    const refs = await listExperiments(undefined, { root });
    assert.deepEqual(refs.map((r) => r.imageName), ["example.com/c/a:v1", "example.com/c/b:v1"]);
    const b = refs[1]!;
    assert.equal(b.status, "finished");
    assert.equal(b.runCount, 2);
    assert.deepEqual([b.solveCount, b.samplingCount], [2, 0]);
    assert.deepEqual(b.annotations, { "org.example.team": "ops" });
    assert.match(b.manifestDigest, /^sha256:/);
    assert.match(b.configDigest, /^sha256:/);
    assert.match(b.updatedAt, /^\d{4}-\d{2}-\d{2}T/);
    assert.equal((b.config.runs as unknown[]).length, 2);
    assert.deepEqual(
      (await listExperiments("example.com/c/b", { root })).map((r) => r.imageName),
      ["example.com/c/b:v1"],
    );
    assert.deepEqual(await listExperiments("example.com/c/b:v2", { root }), []);
    assert.deepEqual(
      (await listArtifacts(undefined, { root })).map((r) => [r.imageName, r.artifactType]),
      [
        ["example.com/c/a:v1", "application/org.ommx.v1.experiment"],
        ["example.com/c/b:v1", "application/org.ommx.v1.experiment"],
        ["example.com/c/data:v1", "application/org.ommx.v1.artifact"],
      ],
    );
    const data = (await listArtifacts("example.com/c/data", { root }))[0]!;
    assert.equal(data.manifest.layers.length, 1);
    assert.equal(data.configDigest, data.manifest.config.digest);
  });
});

Deno.test("listExperiments: the registry's checkpoint repository is internal", async () => {
  await withRoot(async (root) => {
    await experiment(root, "example.com/c/x:v1", 1);
    const registry = await openLocalRegistry({ root, writable: true });
    const id = (await registry.registryId({ create: true }))!;
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(await registry.registryId(), id);
    const [x] = await registry.listReferences();
    await registry.restoreReference(
      `${id.slice(0, 8)}.ommx.local/checkpoint:${"a".repeat(64)}`,
      x!.manifestDigest,
    );
    await registry.close();
    assert.deepEqual((await listExperiments(undefined, { root })).map((r) => r.imageName), [
      "example.com/c/x:v1",
    ]);
    assert.equal((await listArtifacts(undefined, { root })).length, 1);
    assert.equal((await listArtifacts(undefined, { root, includeInternal: true })).length, 2);
  });
});

Deno.test("listing: missing cache rows are read from the blobs silently; damaged ones with a warning; strict fails", async () => {
  await withRoot(async (root) => {
    await experiment(root, "example.com/c/e:v1", 1);
    const before = await listExperiments(undefined, { root });
    await exec(root, "DELETE FROM experiment_configs; DELETE FROM artifact_manifests;");
    const warnings: RegistryListWarning[] = [];
    assert.deepEqual(
      await listExperiments(undefined, { root, onWarning: (w) => warnings.push(w) }),
      before,
    );
    assert.deepEqual(warnings, []);
    // Damage: the cached manifest no longer hashes to the digest (the SDK repairs it; we read around it).
    await withRoot(async (root2) => {
      await experiment(root2, "example.com/c/e:v1", 1);
      await exec(root2, "UPDATE artifact_manifests SET manifest_json = X'7b7d'");
      const w: RegistryListWarning[] = [];
      assert.deepEqual(
        (await listExperiments(undefined, { root: root2, onWarning: (x) => w.push(x) })).map((r) =>
          r.runCount
        ),
        [1],
      );
      assert.equal(w.length, 1);
      assert.equal(w[0]!.stage, "manifest cache repair");
      assert.match(w[0]!.message, /Cached Manifest JSON does not match/);
      await assert.rejects(
        listExperiments(undefined, { root: root2, strict: true }),
        InvalidArtifactError,
      );
      // A damaged config copy (manifest copy sound): read from the blobs, with a warning.
      await exec(root2, "DELETE FROM artifact_manifests");
      assert.equal((await listExperiments(undefined, { root: root2 })).length, 1);
      const registry = await openLocalRegistry({ root: root2, writable: true });
      const [ref] = await registry.listReferences();
      await registry.removeReference(ref!.imageName);
      await registry.restoreReference(ref!.imageName, ref!.manifestDigest); // fresh, sound rows
      await registry.close();
      await exec(root2, "UPDATE experiment_configs SET config_json = X'7b7d'");
      const w2: RegistryListWarning[] = [];
      const listed = await listExperiments(undefined, {
        root: root2,
        onWarning: (x) => w2.push(x),
      });
      assert.deepEqual(listed.map((r) => r.runCount), [1]);
      assert.deepEqual(w2.map((x) => x.stage), ["experiment config cache repair"]);
      assert.match(w2[0]!.message, /Cached Experiment Config JSON does not match/);
      await assert.rejects(
        listExperiments(undefined, { root: root2, strict: true }),
        InvalidArtifactError,
      );
    });
  });
});

Deno.test("listing: refs to missing manifests or with unparsable names are skipped with a warning, or fail a strict listing", async () => {
  await withRoot(async (root) => {
    await experiment(root, "example.com/c/ok:v1", 0);
    const missing = `sha256:${"1".repeat(64)}`;
    await exec(
      root,
      `INSERT INTO refs VALUES ('example.com/c/missing', 'v1', '${missing}', '2026-01-01T00:00:00+00:00');
       INSERT INTO refs VALUES ('Bad Name' || char(27), 'v1', '${missing}', '2026-01-01T00:00:00+00:00');
       INSERT INTO refs VALUES ('example.com/c/digest', 'v1', 'nope', '2026-01-01T00:00:00+00:00');`,
    );
    const warnings: RegistryListWarning[] = [];
    const refs = await listExperiments(undefined, { root, onWarning: (w) => warnings.push(w) });
    assert.deepEqual(refs.map((r) => r.imageName), ["example.com/c/ok:v1"]);
    assert.deepEqual(
      warnings.map((w) => [w.imageName, w.stage]),
      [
        ["Bad Name\u001b:v1", "manifest backfill"],
        ["example.com/c/digest:v1", "manifest backfill"],
        ["example.com/c/missing:v1", "manifest backfill"],
      ],
    );
    assert.match(warnings[2]!.message, /not found/);
    assert.equal(
      formatRegistryListWarning(warnings[0]!).includes("\u001b"),
      false,
      "control characters are escaped in the text form",
    );
    await assert.rejects(listExperiments(undefined, { root, strict: true }), InvalidArtifactError);
    await assert.rejects(listArtifacts(undefined, { root, strict: true }), InvalidArtifactError);
    // Outside the prefix a broken ref is not looked at.
    assert.equal((await listExperiments("example.com/c/ok", { root, strict: true })).length, 1);
  });
});

Deno.test("listing: a root without a registry lists nothing and creates nothing", async () => {
  await withRoot(async (root) => {
    assert.deepEqual(await listExperiments(undefined, { root }), []);
    assert.deepEqual(await listArtifacts(undefined, { root, strict: true }), []);
    assert.deepEqual([...Deno.readDirSync(root)], []);
  });
});
