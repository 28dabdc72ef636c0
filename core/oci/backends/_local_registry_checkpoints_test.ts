import assert from "node:assert/strict";
import { digestOf } from "../digest.ts";
import { openLocalRegistry } from "./local_registry.ts";
import { openRegistryIndex, putOwnBlob, removeOwnBlobs } from "./_local_registry_checkpoints.ts";

async function registry(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "ommx-lr-checkpoints-" });
  await (await openLocalRegistry({ root, writable: true, create: true })).close();
  return root;
}

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("registry index: replaceRef keeps the listing caches as the SDK does", async () => {
  const root = await registry();
  try {
    const index = await openRegistryIndex(root, true);
    const manifest = (n: number) => {
      const bytes = enc(`{"n":${n}}`);
      return { bytes, config: enc(`{"c":${n}}`) };
    };
    const publish = async (n: number) => {
      const m = manifest(n);
      return index.replaceRef("h/c", "t", {
        digest: await digestOf(m.bytes),
        bytes: m.bytes,
        artifactType: "application/org.ommx.v1.experiment",
        configDigest: await digestOf(m.config),
        configJson: m.config,
      });
    };
    assert.equal(await publish(1), "inserted");
    assert.equal(await publish(1), "unchanged");
    assert.equal(await publish(2), "replaced");
    const d1 = await digestOf(manifest(1).bytes);
    const d2 = await digestOf(manifest(2).bytes);
    assert.equal(index.resolve("h/c", "t"), d2);
    assert.equal(index.isReferenced(d2), true);
    assert.equal(index.isReferenced(d1), false);
    // the caches hold the new manifest and config only (the old rows were pruned)
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(`${root}/index.sqlite3`, { readOnly: true });
    const manifests = db.prepare("SELECT manifest_digest FROM artifact_manifests").all();
    assert.deepEqual(manifests.map((r) => r.manifest_digest), [d2]);
    const configs = db.prepare("SELECT config_json FROM experiment_configs").all();
    assert.deepEqual(
      configs.map((r) => new TextDecoder().decode(r.config_json as Uint8Array)),
      ['{"c":2}'],
    );
    db.close();
    index.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("registry index: replaceRef without the listing cache moves the ref and prunes old rows", async () => {
  const root = await registry();
  try {
    const index = await openRegistryIndex(root, true);
    const target = async (n: number) => {
      const bytes = enc(`{"n":${n}}`);
      const config = enc(`{"c":${n}}`);
      return {
        digest: await digestOf(bytes),
        bytes,
        artifactType: "application/org.ommx.v1.experiment",
        configDigest: await digestOf(config),
        configJson: config,
      };
    };
    const { DatabaseSync } = await import("node:sqlite");
    const rows = () => {
      const db = new DatabaseSync(`${root}/index.sqlite3`, { readOnly: true });
      try {
        const count = (t: string) =>
          Number((db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
        return [count("artifact_manifests"), count("experiment_configs")];
      } finally {
        db.close();
      }
    };
    // a checkpoint with rows (as a failed one, or a listing's backfill), then drafts without
    assert.equal(index.replaceRef("h/c", "t", await target(1)), "inserted");
    assert.deepEqual(rows(), [1, 1]);
    const two = await target(2);
    assert.equal(index.replaceRef("h/c", "t", two, { listingCache: false }), "replaced");
    assert.equal(index.resolve("h/c", "t"), two.digest);
    // the superseded rows are gone, and none was written for the new target
    assert.deepEqual(rows(), [0, 0]);
    assert.equal(index.replaceRef("h/c", "t", two, { listingCache: false }), "unchanged");
    assert.deepEqual(rows(), [0, 0]);
    index.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("registry index: replacing large cache rows reuses their pages (the file does not double)", async () => {
  const root = await registry();
  try {
    const index = await openRegistryIndex(root, true);
    const size = 1 << 20;
    for (let n = 0; n < 6; n++) {
      const bytes = new Uint8Array(size).fill(0x61 + n);
      const config = new Uint8Array(size / 4).fill(0x41 + n);
      index.replaceRef("h/c", "t", {
        digest: await digestOf(bytes),
        bytes,
        artifactType: "application/org.ommx.v1.experiment",
        configDigest: await digestOf(config),
        configJson: config,
      });
    }
    index.close(); // the last connection: the WAL goes into the file
    // One generation of rows (1.25 MiB) and the small tables: the superseded rows are deleted
    // before the new ones are written, so their pages are reused instead of freed afterwards
    // (which left room for two generations: > 2.5 MiB).
    const bytes = (await Deno.stat(`${root}/index.sqlite3`)).size;
    assert.ok(bytes < 1.6 * 1.25 * size, `index.sqlite3 is ${bytes} bytes`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("own blobs: removed only while untouched since this process created them", async () => {
  const root = await registry();
  try {
    const index = await openRegistryIndex(root, true);
    const path = (d: string) => `${root}/blobs/sha256/${d.slice(7)}`;
    const bytesA = enc("checkpoint config A");
    const a = await putOwnBlob(root, await digestOf(bytesA), bytesA);
    assert.equal(typeof a.mark, "number");
    // present already: confirmed (mtime refreshed), not ours to remove
    const again = await putOwnBlob(root, a.digest, bytesA);
    assert.equal(again.mark, undefined);
    assert.equal(await removeOwnBlobs(root, index, [a]), 0); // touched by the second store
    assert.ok((await Deno.stat(path(a.digest))).isFile);

    const bytesB = enc("checkpoint config B");
    const b = await putOwnBlob(root, await digestOf(bytesB), bytesB);
    assert.equal(await removeOwnBlobs(root, index, [b]), 1);
    await assert.rejects(Deno.stat(path(b.digest)), Deno.errors.NotFound);

    // a manifest a ref points at is kept
    const bytesC = enc('{"manifest":"C"}');
    const c = await putOwnBlob(root, await digestOf(bytesC), bytesC);
    index.replaceRef("h/c", "keep", {
      digest: c.digest,
      bytes: bytesC,
      artifactType: "application/org.ommx.v1.artifact",
      configDigest: c.digest,
    });
    assert.equal(await removeOwnBlobs(root, index, [c]), 0);
    // wrong content for a digest is refused before anything is written
    await assert.rejects(putOwnBlob(root, a.digest, enc("other")), { code: "DIGEST_MISMATCH" });
    index.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("own blobs: `hashed` stores without a re-hash; several removed at once", async () => {
  const root = await registry();
  try {
    const index = await openRegistryIndex(root, true);
    const path = (d: string) => `${root}/blobs/sha256/${d.slice(7)}`;
    const blobs = await Promise.all(["t", "c", "m"].map(async (x) => {
      const bytes = enc(`checkpoint ${x}`);
      return await putOwnBlob(root, await digestOf(bytes), bytes, { hashed: true });
    }));
    for (const b of blobs) {
      assert.equal(typeof b.mark, "number");
      assert.equal(await digestOf(await Deno.readFile(path(b.digest))), b.digest);
    }
    // present already: confirmed from the file on disk, so not ours to remove
    const again = await putOwnBlob(root, blobs[0]!.digest, enc("checkpoint t"), { hashed: true });
    assert.equal(again.mark, undefined);
    // duplicates in the list are counted once; the two untouched go in one batch
    assert.equal(await removeOwnBlobs(root, index, [...blobs, blobs[1]!, blobs[2]!]), 2);
    assert.ok((await Deno.stat(path(blobs[0]!.digest))).isFile);
    for (const b of blobs.slice(1)) {
      await assert.rejects(Deno.stat(path(b.digest)), Deno.errors.NotFound);
    }
    index.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
