import assert from "node:assert/strict";
import { digestOf } from "../digest.ts";
import { openLocalRegistry } from "./local_registry.ts";
import {
  checkpointRepository,
  openRegistryIndex,
  putOwnBlob,
  removeOwnBlobs,
} from "./_local_registry_checkpoints.ts";

async function registry(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "ommx-lr-checkpoints-" });
  await (await openLocalRegistry({ root, writable: true, create: true })).close();
  return root;
}

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("registry index: the registry id is created once, as the SDK's registry_id()", async () => {
  const root = await registry();
  try {
    const reader = await openRegistryIndex(root, false);
    assert.equal(reader.registryId(true), null); // a read-only connection never creates one
    const index = await openRegistryIndex(root, true);
    const id = index.registryId(true)!;
    assert.match(id, /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/); // UUID v4, 32 hex digits
    assert.equal(index.registryId(true), id);
    assert.equal(reader.registryId(false), id);
    assert.equal(checkpointRepository(id), `${id.slice(0, 8)}.ommx.local/checkpoint`);
    index.close();
    reader.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("registry index: replaceRef / removeRef keep the listing caches as the SDK does", async () => {
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
    const rows = index.refsWithCaches("h/c");
    assert.equal(rows.length, 1);
    assert.equal(new TextDecoder().decode(rows[0]!.manifestJson), '{"n":2}');
    assert.equal(new TextDecoder().decode(rows[0]!.configJson), '{"c":2}');
    const d2 = await digestOf(manifest(2).bytes);
    assert.equal(index.isReferenced(d2), true);
    assert.equal(index.isReferenced(await digestOf(manifest(1).bytes)), false);
    assert.equal(index.removeRef("h/c", "t"), d2);
    assert.equal(index.removeRef("h/c", "t"), null);
    assert.deepEqual(index.refsWithCaches("h/c"), []);
    // the pruned caches are empty too
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(`${root}/index.sqlite3`, { readOnly: true });
    assert.equal(db.prepare("SELECT count(*) AS n FROM artifact_manifests").get()?.n, 0);
    assert.equal(db.prepare("SELECT count(*) AS n FROM experiment_configs").get()?.n, 0);
    db.close();
    index.close();
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
