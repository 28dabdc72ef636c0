/**
 * Local Registry maintenance without the Python SDK: gc (dry run, delete, grace period, missing
 * and invalid manifests, the re-check that keeps a blob a writer re-put), removeImage /
 * restoreImage (cache rows dropped, closure re-hashed, conflicts), pruneAnonymous (shape match,
 * olderThan, compare-and-delete), and the errors. The cross-SDK behaviour is in
 * tests/interop/registry_catalogue_test.ts.
 */
import assert from "node:assert/strict";
import {
  BlobNotFoundError,
  DigestMismatchError,
  InvalidArgumentError,
  InvalidReferenceError,
  ReferenceConflictError,
} from "../../errors.ts";
import { digestOf } from "../digest.ts";
import { type LocalRegistryTarget, openLocalRegistry } from "./local_registry.ts";
import { gc, pruneAnonymous, removeImage, restoreImage } from "./local_registry_maintenance.ts";
import { ArtifactDraft } from "../../experiment/write/artifact_draft.ts";

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "ommx-maint-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Commit an artifact with one bytes layer; returns its name and manifest digest. */
async function commit(root: string, name: string, payload: string): Promise<string> {
  const draft = ArtifactDraft.new(name, { root });
  await draft.addLayer("application/octet-stream", new TextEncoder().encode(payload));
  await using artifact = await draft.commit();
  return artifact.manifestDigest;
}

function blobPath(root: string, digest: string): string {
  return `${root}/blobs/sha256/${digest.slice(7)}`;
}

async function age(root: string, digest: string, seconds: number): Promise<void> {
  const t = new Date(Date.now() - seconds * 1000);
  await Deno.utime(blobPath(root, digest), t, t);
}

async function layerDigest(payload: string): Promise<string> {
  return await digestOf(new TextEncoder().encode(payload));
}

async function sql<T>(root: string, fn: (r: LocalRegistryTarget) => Promise<T>): Promise<T> {
  const r = await openLocalRegistry({ root, writable: true });
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

Deno.test("gc: refs are roots, unreferenced blobs past the grace period are candidates, younger ones deferred", async () => {
  await withRoot(async (root) => {
    const kept = await commit(root, "example.com/m/kept:v1", "kept");
    const gone = await commit(root, "example.com/m/gone:v1", "gone");
    assert.equal(await removeImage("example.com/m/gone:v1", { root }), gone);
    const goneLayer = await layerDigest("gone");
    const dry = await gc({ root });
    assert.equal(dry.deleteApplied, false);
    assert.deepEqual(dry.roots.map((r) => [r.kind, r.imageName, r.digest]), [
      ["ref", "example.com/m/kept:v1", kept],
    ]);
    // kept: manifest, empty config, layer. gone: manifest + layer (config shared), both fresh.
    assert.deepEqual(dry.reachableBlobs.length, 3);
    assert.deepEqual(dry.orphanCandidates, []);
    assert.deepEqual(dry.deferredBlobs.map((b) => b.digest).sort(), [gone, goneLayer].sort());
    assert.equal(dry.deferredSize, dry.deferredBlobs.reduce((n, b) => n + b.size, 0));
    assert.ok(dry.deferredBlobs.every((b) => typeof b.modifiedAtUnixSeconds === "number"));
    // Past the grace period: candidates; the dry run deletes nothing.
    await age(root, gone, 7200);
    await age(root, goneLayer, 7200);
    const report = await gc({ root, gracePeriod: "1h" });
    assert.deepEqual(report.orphanCandidates.map((b) => b.digest).sort(), [gone, goneLayer].sort());
    assert.deepEqual(report.deletedBlobs, []);
    await Deno.stat(blobPath(root, gone));
    const deleted = await gc({ root, gracePeriod: "1h", delete: true });
    assert.equal(deleted.deleteApplied, true);
    assert.deepEqual(deleted.deletedBlobs.map((b) => b.digest).sort(), [gone, goneLayer].sort());
    assert.equal(deleted.deletedSize, deleted.orphanCandidateSize);
    await assert.rejects(Deno.stat(blobPath(root, gone)), Deno.errors.NotFound);
    const after = await gc({ root, gracePeriod: "0s" });
    assert.deepEqual([after.orphanCandidates, after.deferredBlobs, after.missingBlobs], [
      [],
      [],
      [],
    ]);
  });
});

Deno.test("gc: a missing layer is reported with its manifest; an altered manifest is invalid (its digest stays reachable)", async () => {
  await withRoot(async (root) => {
    const a = await commit(root, "example.com/m/a:v1", "a-layer");
    const b = await commit(root, "example.com/m/b:v1", "b-layer");
    const aLayer = await layerDigest("a-layer");
    await Deno.remove(blobPath(root, aLayer));
    await Deno.writeTextFile(blobPath(root, b), "{}");
    const report = await gc({ root, gracePeriod: "0s" });
    assert.deepEqual(report.missingBlobs, [{ digest: aLayer, referencedBy: a, kind: "layer" }]);
    assert.equal(report.invalidManifests.length, 1);
    assert.equal(report.invalidManifests[0]!.digest, b);
    assert.equal(report.invalidManifests[0]!.kind, "ref_manifest");
    assert.equal(report.invalidManifests[0]!.referencedBy, null);
    assert.match(report.invalidManifests[0]!.error, /digest|DIGEST/i);
    // b's layer is now unreachable (its manifest could not be read) — exactly what the SDK reports.
    assert.deepEqual(report.orphanCandidates.map((x) => x.digest), [await layerDigest("b-layer")]);
    assert.ok(report.reachableBlobs.some((x) => x.digest === b));
  });
});

Deno.test("gc --delete: a candidate re-put by a writer between mark and sweep is kept (skippedBlobs)", async () => {
  await withRoot(async (root) => {
    await commit(root, "example.com/m/x:v1", "x");
    assert.ok(await removeImage("example.com/m/x:v1", { root }));
    const layer = await layerDigest("x");
    await age(root, layer, 7200);
    const registry = await openLocalRegistry({ root, writable: true });
    try {
      let calls = 0;
      const result = await registry.collectGarbage({
        delete: true,
        graceSeconds: 3600,
        now: () => {
          // The second reading of the clock is the sweep's cutoff: a writer re-puts the blob first.
          if (++calls === 2) {
            const t = new Date();
            Deno.utimeSync(blobPath(root, layer), t, t);
          }
          return Date.now();
        },
      });
      assert.ok(result.orphanCandidates.some((b) => b.digest === layer));
      assert.deepEqual(result.skippedBlobs.map((b) => b.digest), [layer]);
      assert.ok(!result.deletedBlobs.some((b) => b.digest === layer));
      await Deno.stat(blobPath(root, layer));
    } finally {
      await registry.close();
    }
  });
});

Deno.test("gc: temporary writer files and foreign entries are never listed; a root without a registry gives an empty report", async () => {
  await withRoot(async (root) => {
    assert.deepEqual(
      (await gc({ root })).roots.length + (await gc({ root, delete: true })).deletedBlobs.length,
      0,
    );
    await commit(root, "example.com/m/t:v1", "t");
    await Deno.writeTextFile(`${root}/blobs/sha256/.blob-abcdef.tmp`, "partial");
    await Deno.writeTextFile(`${root}/blobs/sha256/not-a-digest`, "x");
    const report = await gc({ root, gracePeriod: "0s", delete: true });
    assert.deepEqual(report.deletedBlobs, []);
    await Deno.stat(`${root}/blobs/sha256/.blob-abcdef.tmp`);
    await assert.rejects(gc({ root, gracePeriod: "1x" }), InvalidArgumentError);
    await assert.rejects(gc({ root, gracePeriod: "" }), InvalidArgumentError);
    await assert.rejects(gc({ root, gracePeriod: "-1s" }), InvalidArgumentError);
  });
});

Deno.test("removeImage / restoreImage: the name goes and comes back, cache rows follow, conflicts and gaps are refused", async () => {
  await withRoot(async (root) => {
    const digest = await commit(root, "example.com/m/r:v1", "r");
    const other = await commit(root, "example.com/m/other:v1", "other");
    const rows = () =>
      sql(root, async (r) => (await r.catalogueRows()).map((x) => [x.name, x.cached]));
    assert.equal(await removeImage("example.com/m/r:v1", { root }), digest);
    assert.equal(await removeImage("example.com/m/r:v1", { root }), null);
    assert.deepEqual(await rows(), [["example.com/m/other", true]]);
    assert.equal(await restoreImage("example.com/m/r:v1", digest, { root }), true);
    assert.equal(await restoreImage("example.com/m/r:v1", digest, { root }), false);
    assert.deepEqual(await rows(), [["example.com/m/other", true], ["example.com/m/r", true]]);
    // A second name for the same manifest (what `rename` does), and a conflict.
    assert.equal(await restoreImage("example.com/m/alias:v1", digest, { root }), true);
    await assert.rejects(
      restoreImage("example.com/m/r:v1", other, { root }),
      (e) => e instanceof ReferenceConflictError && e.existingDigest === digest,
    );
    // Restore re-hashes the closure.
    assert.equal(await removeImage("example.com/m/r:v1", { root }), digest);
    const layer = await layerDigest("r");
    await Deno.chmod(blobPath(root, layer), 0o644);
    await Deno.writeTextFile(blobPath(root, layer), "R");
    await assert.rejects(restoreImage("example.com/m/r:v1", digest, { root }), DigestMismatchError);
    await Deno.remove(blobPath(root, layer));
    await assert.rejects(restoreImage("example.com/m/r:v1", digest, { root }), BlobNotFoundError);
    await assert.rejects(
      restoreImage("example.com/m/r:v1", `sha256:${"0".repeat(64)}`, { root }),
      BlobNotFoundError,
    );
    await assert.rejects(
      restoreImage("example.com/m/r:v1", "sha256:zz", { root }),
      InvalidArgumentError,
    );
    await assert.rejects(removeImage("Not A Name", { root }), InvalidReferenceError);
    await assert.rejects(restoreImage("a b", digest, { root }), InvalidReferenceError);
    // No registry at all.
    const empty = await Deno.makeTempDir();
    try {
      assert.equal(await removeImage("example.com/m/r:v1", { root: empty }), null);
      await assert.rejects(
        restoreImage("example.com/m/r:v1", digest, { root: empty }),
        InvalidArgumentError,
      );
    } finally {
      await Deno.remove(empty, { recursive: true });
    }
  });
});

Deno.test("pruneAnonymous: only synthesised shapes match; experiments opt in; olderThan; removed only while unchanged", async () => {
  await withRoot(async (root) => {
    const anon = await ArtifactDraft.newAnonymous({ root });
    assert.match(anon.imageName, /^[0-9a-f]{8}\.ommx\.local\/anonymous:\d{8}T\d{6}-[0-9a-f]{12}$/);
    await anon.addLayer("application/octet-stream", new Uint8Array([1]));
    await (await anon.commit()).close();
    const id8 = anon.imageName.slice(0, 8);
    // Lookalikes: wrong host shape, wrong tag shape. An anonymous Experiment name.
    const target = await commit(
      root,
      "myhost.ommx.local/anonymous:20260101T000000-0123456789ab",
      "l1",
    );
    await commit(root, `${id8}.ommx.local/anonymous:v1`, "l2");
    await restoreImage(`${id8}.ommx.local/experiment:20260101T000000-0123456789ab`, target, {
      root,
    });
    const dry = await pruneAnonymous({ root });
    assert.deepEqual(dry.refs.map((r) => [r.imageName, r.kind]), [[anon.imageName, "artifact"]]);
    assert.equal(dry.count, 1);
    assert.equal(dry.deleteApplied, false);
    const withExperiments = await pruneAnonymous({ root, experiments: true });
    assert.deepEqual(withExperiments.refs.map((r) => r.kind), ["artifact", "experiment"]);
    assert.deepEqual(withExperiments.refs[1], {
      imageName: `${id8}.ommx.local/experiment:20260101T000000-0123456789ab`,
      kind: "experiment",
      name: `${id8}.ommx.local/experiment`,
      reference: "20260101T000000-0123456789ab",
      digest: target,
      updatedAt: withExperiments.refs[1]!.updatedAt,
    });
    // Everything was written just now: nothing is a day old.
    assert.equal((await pruneAnonymous({ root, experiments: true, olderThan: "1d" })).count, 0);
    await assert.rejects(pruneAnonymous({ root, olderThan: "soon" }), InvalidArgumentError);
    // Compare-and-delete: a ref rewritten after listing survives.
    const candidates = await sql(root, async (r) => {
      const all = await r.listReferences();
      const stale = all.map((e) =>
        e.repository.endsWith("/anonymous") ? { ...e, updatedAt: "x" } : e
      );
      return await r.pruneReferences(stale.filter((e) => e.imageName === anon.imageName));
    });
    assert.deepEqual(candidates, []);
    const removed = await pruneAnonymous({ root, experiments: true, delete: true });
    assert.equal(removed.deleteApplied, true);
    assert.equal(removed.count, 2);
    assert.equal((await pruneAnonymous({ root, experiments: true })).count, 0);
    const left = await sql(root, async (r) => (await r.listReferences()).map((e) => e.imageName));
    assert.deepEqual(left, [
      `${id8}.ommx.local/anonymous:v1`,
      "myhost.ommx.local/anonymous:20260101T000000-0123456789ab",
    ]);
  });
});
