// Writable OMMX Local Registry: push (atomic, verified, under the blob lock),
// tag (refs + listing caches in one transaction, conflicts refused), create,
// and — when the reference SDK venv is present — a registry the SDK created.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  BlobNotFoundError,
  DigestMismatchError,
  InvalidArgumentError,
  InvalidStateError,
  IoError,
  ReferenceConflictError,
  SizeMismatchError,
  UnsupportedError,
} from "../../errors.ts";
import type { Descriptor } from "../descriptor.ts";
import { digestOf } from "../digest.ts";
import { parseManifest } from "../manifest.ts";
import { type LocalRegistryTarget, openLocalRegistry } from "./local_registry.ts";
import { rfc3339Utc, tempBlobName } from "./_local_registry_store.ts";
import { referencePython } from "../../_tools_test_util.ts";

const enc = new TextEncoder();
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";

interface Image {
  manifest: Descriptor;
  manifestBytes: Uint8Array;
  config: Descriptor;
  configBytes: Uint8Array;
  layers: { descriptor: Descriptor; bytes: Uint8Array }[];
}

async function blob(mediaType: string, bytes: Uint8Array): Promise<Descriptor> {
  return { mediaType, digest: await digestOf(bytes), size: bytes.length };
}

/** A hand-built OMMX image: an Experiment (JSON config) or a plain OMMX artifact. */
async function image(
  seed: string,
  artifactType = "application/org.ommx.v1.experiment",
): Promise<Image> {
  const configBytes = enc.encode(JSON.stringify({ experiment: seed, runs: [] }));
  const config = await blob(
    artifactType === "application/org.ommx.v1.experiment"
      ? "application/org.ommx.v1.experiment.config+json"
      : "application/vnd.oci.empty.v1+json",
    configBytes,
  );
  const layerBytes = enc.encode(JSON.stringify({ seed }));
  const layer = await blob("application/json", layerBytes);
  const manifestBytes = enc.encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      artifactType,
      config,
      layers: [layer],
    }),
  );
  return {
    manifest: await blob(MANIFEST, manifestBytes),
    manifestBytes,
    config,
    configBytes,
    layers: [{ descriptor: layer, bytes: layerBytes }],
  };
}

async function pushAll(registry: LocalRegistryTarget, img: Image): Promise<void> {
  await registry.push(img.config, img.configBytes);
  for (const l of img.layers) await registry.push(l.descriptor, l.bytes);
  await registry.push(img.manifest, img.manifestBytes);
}

function stream(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });
}

async function blobDir(root: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(`${root}/blobs/sha256`)) names.push(e.name);
  return names.sort();
}

function rows(root: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(`${root}/index.sqlite3`, { readOnly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

async function withRegistry(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "ommx-lr-write-" });
  try {
    await fn(`${root}/registry`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("rfc3339Utc: the SDK's updated_at shape (UTC, +00:00, fraction only when non-zero)", () => {
  assert.equal(
    rfc3339Utc(new Date(Date.UTC(2026, 7, 18, 4, 43, 28, 123))),
    "2026-08-18T04:43:28.123+00:00",
  );
  assert.equal(rfc3339Utc(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 0))), "2026-01-02T03:04:05+00:00");
});

Deno.test("tempBlobName: the SDK's .blob-XXXXXX.tmp shape, random across refills of its byte pool", () => {
  const names = Array.from({ length: 300 }, () => tempBlobName());
  for (const name of names) assert.match(name, /^\.blob-[A-Za-z0-9]{6}\.tmp$/);
  // 300 names span five refills of the 64-name pool; 62^6 names make a repeat all but impossible.
  assert.equal(new Set(names).size, names.length);
});

Deno.test("openLocalRegistry: create makes the SDK's schema v2 in WAL; create needs writable", async () => {
  await withRegistry(async (root) => {
    await assert.rejects(openLocalRegistry({ root, create: true }), (e) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.equal(e.code, "INVALID_ARGUMENT");
      return true;
    });
    await assert.rejects(openLocalRegistry({ root, writable: true }), {
      code: "INVALID_ARGUMENT",
      message: /no OMMX local registry/,
    });
    const registry = await openLocalRegistry({ root, writable: true, create: true });
    assert.equal(registry.writable, true);
    assert.equal(registry.schemaVersion, 2);
    await registry.close();
    const db = new DatabaseSync(`${root}/index.sqlite3`, { readOnly: true });
    try {
      assert.equal(
        (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
        2,
      );
      assert.equal(
        (db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode,
        "wal",
      );
      const objects = db.prepare(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
      ).all() as { type: string; name: string }[];
      assert.deepEqual(objects.map((o) => `${o.type} ${o.name}`), [
        "table artifact_manifests",
        "table experiment_configs",
        "index idx_artifact_manifests_config_digest",
        "index idx_refs_manifest_digest",
        "table ommx_local_registry_metadata",
        "table refs",
      ]);
      const cols = (t: string) =>
        (db.prepare(`SELECT name, type, pk FROM pragma_table_info('${t}') ORDER BY cid`).all() as {
          name: string;
          type: string;
          pk: number;
        }[]).map((c) => `${c.name}:${c.type}:${c.pk}`);
      assert.deepEqual(cols("refs"), [
        "name:TEXT:1",
        "reference:TEXT:2",
        "manifest_digest:TEXT:0",
        "updated_at:TEXT:0",
      ]);
      assert.deepEqual(cols("artifact_manifests"), [
        "manifest_digest:TEXT:1",
        "manifest_json:BLOB:0",
        "artifact_type:TEXT:0",
        "config_digest:TEXT:0",
      ]);
      assert.deepEqual(cols("experiment_configs"), ["config_digest:TEXT:1", "config_json:BLOB:0"]);
    } finally {
      db.close();
    }
    // Opening it again (writable, create) leaves it as it is.
    const again = await openLocalRegistry({ root, writable: true, create: true });
    assert.deepEqual(await again.listReferences(), []);
    await again.close();
  });
});

Deno.test("openLocalRegistry: writable refuses a registry whose tables differ from schema v2", async () => {
  await withRegistry(async (root) => {
    await Deno.mkdir(root, { recursive: true });
    const db = new DatabaseSync(`${root}/index.sqlite3`);
    db.exec(`CREATE TABLE ommx_local_registry_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE refs (name TEXT, reference TEXT, manifest_digest TEXT, updated_at TEXT);
      PRAGMA user_version = 2;`);
    db.close();
    await assert.rejects(openLocalRegistry({ root, writable: true }), (e) => {
      assert.ok(e instanceof UnsupportedError);
      assert.equal(e.code, "UNSUPPORTED");
      assert.match(e.message, /artifact_manifests/);
      return true;
    });
    // Still readable.
    const ro = await openLocalRegistry({ root });
    assert.deepEqual(await ro.listReferences(), []);
    await ro.close();
  });
});

Deno.test("LocalRegistryTarget.push: verified, atomic, no temporary file left, existing blob kept and touched", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const a = enc.encode("hello local registry");
    const da = await blob("application/octet-stream", a);
    await registry.push(da, a);
    const hex = da.digest.slice(7);
    assert.deepEqual(await Deno.readFile(`${root}/blobs/sha256/${hex}`), a);
    assert.equal((await Deno.stat(`${root}/blobs/.lock`)).isFile, true);

    // Streamed, in several chunks.
    const b = enc.encode("0123456789".repeat(1000));
    const db_ = await blob("application/octet-stream", b);
    await registry.push(db_, stream(b.subarray(0, 7), b.subarray(7, 5000), b.subarray(5000)));
    assert.deepEqual(await registry.fetch(db_), b);

    // Mismatches: typed errors, nothing left behind.
    const before = await blobDir(root);
    await assert.rejects(registry.push({ ...da, size: a.length + 1 }, a), SizeMismatchError);
    await assert.rejects(registry.push({ ...da, digest: db_.digest }, a), DigestMismatchError);
    await assert.rejects(
      registry.push({ ...db_, digest: `sha256:${"0".repeat(64)}` }, stream(b)),
      (e) => {
        assert.ok(e instanceof DigestMismatchError);
        assert.equal(e.code, "DIGEST_MISMATCH");
        return true;
      },
    );
    await assert.rejects(registry.push({ ...db_, size: 10 }, stream(b)), (e) => {
      assert.ok(e instanceof SizeMismatchError);
      assert.equal(e.code, "SIZE_MISMATCH");
      return true;
    });
    assert.deepEqual(await blobDir(root), before);
    assert.ok(before.every((n) => !n.startsWith(".blob-")));

    // Present already: kept, re-verified, mtime refreshed (the SDK's GC grace clock).
    const path = `${root}/blobs/sha256/${hex}`;
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    await Deno.utime(path, old, old);
    await registry.push(da, stream(a));
    await registry.push(da, a);
    const st = await Deno.stat(path);
    assert.ok(st.mtime!.getTime() > Date.now() - 60_000, "mtime refreshed");
    assert.deepEqual(await blobDir(root), before);

    // A present blob that was altered is reported, not silently trusted.
    const bad = a.slice();
    bad[0] = bad[0]! ^ 1;
    await Deno.writeFile(path, bad);
    await assert.rejects(registry.push(da, a), DigestMismatchError);
    assert.deepEqual(await Deno.readFile(path), bad);
  });
});

Deno.test("LocalRegistryTarget.push: a blob directory removed by hand is created again, for bytes and for streams; a failed create is an I/O error", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const a = enc.encode("before the directory went away");
    await registry.push(await blob("application/octet-stream", a), a);
    for (const asStream of [false, true]) {
      await Deno.remove(`${root}/blobs/sha256`, { recursive: true });
      const b = enc.encode(`after it went away (stream: ${asStream})`);
      const db_ = await blob("application/octet-stream", b);
      await registry.push(db_, asStream ? stream(b) : b);
      assert.deepEqual(await Deno.readFile(`${root}/blobs/sha256/${db_.digest.slice(7)}`), b);
      assert.ok((await blobDir(root)).every((n) => !n.startsWith(".blob-")));
    }
    // Where the directory cannot be created again (a file in its place), the
    // push fails with the write's I/O error and leaves nothing behind.
    await Deno.remove(`${root}/blobs/sha256`, { recursive: true });
    await Deno.writeTextFile(`${root}/blobs/sha256`, "not a directory");
    const c = enc.encode("nowhere to go");
    await assert.rejects(registry.push(await blob("application/octet-stream", c), c), (e) => {
      assert.ok(e instanceof IoError);
      return true;
    });
    assert.equal(await Deno.readTextFile(`${root}/blobs/sha256`), "not a directory");
  });
});

Deno.test("LocalRegistryTarget.push waits for the SDK's blob lock (blobs/.lock)", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const bytes = enc.encode("locked");
    const d = await blob("application/octet-stream", bytes);
    const lock = await Deno.open(`${root}/blobs/.lock`, { read: true, write: true, create: true });
    await lock.lock(true);
    let settled = false;
    const pushing = registry.push(d, bytes).finally(() => settled = true);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false, "push must wait for the lock");
    // The content is already in a temporary file, but not in place.
    const names = await blobDir(root);
    assert.equal(names.length, 1);
    assert.match(names[0]!, /^\.blob-[A-Za-z0-9]{6}\.tmp$/);
    await lock.unlock();
    lock.close();
    await pushing;
    assert.deepEqual(await blobDir(root), [d.digest.slice(7)]);
  });
});

Deno.test("LocalRegistryTarget.tag: refs + artifact_manifests + experiment_configs, canonical names", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const exp = await image("one");
    await pushAll(registry, exp);
    await registry.tag(exp.manifest, "ghcr.io/ommx-ts/test/exp:v1");
    const plain = await image("two", "application/org.ommx.v1.artifact");
    await pushAll(registry, plain);
    await registry.tag(plain.manifest, "plain"); // Docker Hub short name, implicit latest
    await registry.tag(exp.manifest, `localhost:5000/a/b@${exp.manifest.digest}`);

    const refs = rows(root, "SELECT * FROM refs ORDER BY name, reference");
    assert.deepEqual(refs.map((r) => [r.name, r.reference, r.manifest_digest]), [
      ["docker.io/library/plain", "latest", plain.manifest.digest],
      ["ghcr.io/ommx-ts/test/exp", "v1", exp.manifest.digest],
      ["localhost:5000/a/b", exp.manifest.digest, exp.manifest.digest],
    ]);
    for (const r of refs) {
      assert.match(String(r.updated_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+00:00$/);
    }
    const manifests = rows(root, "SELECT * FROM artifact_manifests ORDER BY artifact_type");
    assert.equal(manifests.length, 2);
    assert.deepEqual(
      manifests.map((m) => [m.manifest_digest, m.artifact_type, m.config_digest]),
      [
        [plain.manifest.digest, "application/org.ommx.v1.artifact", plain.config.digest],
        [exp.manifest.digest, "application/org.ommx.v1.experiment", exp.config.digest],
      ],
    );
    assert.deepEqual(new Uint8Array(manifests[1]!.manifest_json as Uint8Array), exp.manifestBytes);
    const configs = rows(root, "SELECT * FROM experiment_configs");
    assert.deepEqual(configs.map((c) => c.config_digest), [exp.config.digest]);
    assert.deepEqual(new Uint8Array(configs[0]!.config_json as Uint8Array), exp.configBytes);

    // Read back through the same target and a fresh read-only one.
    assert.equal(
      (await registry.resolve("ghcr.io/ommx-ts/test/exp:v1")).digest,
      exp.manifest.digest,
    );
    await using ro = await openLocalRegistry({ root });
    assert.equal(
      (await ro.resolve("docker.io/library/plain:latest")).digest,
      plain.manifest.digest,
    );
    assert.deepEqual(await ro.fetch(exp.layers[0]!.descriptor), exp.layers[0]!.bytes);

    // Same digest again: unchanged (updated_at kept).
    await registry.tag(exp.manifest, "ghcr.io/ommx-ts/test/exp:v1");
    assert.deepEqual(rows(root, "SELECT * FROM refs ORDER BY name, reference"), refs);
  });
});

Deno.test("LocalRegistryTarget.tag waits for the SDK's GC exclusion lock (.gc-exclusion.lock)", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const img = await image("gc");
    await pushAll(registry, img);
    const lock = await Deno.open(`${root}/.gc-exclusion.lock`, {
      read: true,
      write: true,
      create: true,
    });
    await lock.lock(true);
    let settled = false;
    const tagging = registry.tag(img.manifest, "ghcr.io/a/gc:v1").finally(() => settled = true);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false, "tag must wait for the GC exclusion lock");
    assert.equal(rows(root, "SELECT * FROM refs").length, 0);
    await lock.unlock();
    lock.close();
    await tagging;
    assert.equal(rows(root, "SELECT * FROM refs").length, 1);
  });
});

Deno.test("LocalRegistryTarget.tag: a conflicting name is refused and nothing is written", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const first = await image("first");
    const second = await image("second");
    await pushAll(registry, first);
    await pushAll(registry, second);
    await registry.tag(first.manifest, "ghcr.io/ommx-ts/test/exp:v1");
    const before = {
      refs: rows(root, "SELECT * FROM refs"),
      manifests: rows(root, "SELECT manifest_digest FROM artifact_manifests"),
      configs: rows(root, "SELECT config_digest FROM experiment_configs"),
    };
    await assert.rejects(registry.tag(second.manifest, "ghcr.io/ommx-ts/test/exp:v1"), (e) => {
      assert.ok(e instanceof ReferenceConflictError);
      assert.equal(e.code, "ALREADY_EXISTS");
      assert.equal(e.name, "ReferenceConflictError");
      assert.equal(e.imageName, "ghcr.io/ommx-ts/test/exp:v1");
      assert.equal(e.existingDigest, first.manifest.digest);
      assert.equal(e.incomingDigest, second.manifest.digest);
      assert.match(e.message, /already points to sha256:/);
      return true;
    });
    assert.deepEqual({
      refs: rows(root, "SELECT * FROM refs"),
      manifests: rows(root, "SELECT manifest_digest FROM artifact_manifests"),
      configs: rows(root, "SELECT config_digest FROM experiment_configs"),
    }, before);
    // The database is not left inside a transaction: a later tag works.
    await registry.tag(second.manifest, "ghcr.io/ommx-ts/test/exp:v2");
    assert.equal(rows(root, "SELECT * FROM refs").length, 2);
  });
});

Deno.test("LocalRegistryTarget.tag: missing blobs, non-OMMX manifests and bad arguments are typed errors", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const img = await image("x");
    // Manifest pushed, layer missing: no ref.
    await registry.push(img.config, img.configBytes);
    await registry.push(img.manifest, img.manifestBytes);
    await assert.rejects(registry.tag(img.manifest, "ghcr.io/a/b:v1"), (e) => {
      assert.ok(e instanceof BlobNotFoundError);
      assert.equal(e.digest, img.layers[0]!.descriptor.digest);
      return true;
    });
    // Config and layers missing: the first in manifest order (the config) is named.
    const bare = await image("w");
    await registry.push(bare.manifest, bare.manifestBytes);
    await assert.rejects(registry.tag(bare.manifest, "ghcr.io/a/w:v1"), (e) => {
      assert.ok(e instanceof BlobNotFoundError);
      assert.equal(e.digest, bare.config.digest);
      return true;
    });
    // Manifest itself missing.
    const other = await image("y");
    await assert.rejects(registry.tag(other.manifest, "ghcr.io/a/b:v1"), {
      code: "BLOB_NOT_FOUND",
    });
    assert.equal(rows(root, "SELECT * FROM refs").length, 0);
    assert.equal(rows(root, "SELECT * FROM artifact_manifests").length, 0);

    // Not an OMMX artifact type.
    const foreign = await image("z", "application/vnd.example.thing");
    await pushAll(registry, foreign);
    await assert.rejects(registry.tag(foreign.manifest, "ghcr.io/a/c:v1"), (e) => {
      assert.ok(e instanceof UnsupportedError);
      assert.match(e.message, /artifactType/);
      return true;
    });
    // Not a manifest descriptor; a digest reference naming another digest; a bad name.
    await assert.rejects(
      registry.tag(
        { ...foreign.manifest, mediaType: "application/vnd.oci.image.index.v1+json" },
        "a/b:v1",
      ),
      InvalidArgumentError,
    );
    await registry.push(img.layers[0]!.descriptor, img.layers[0]!.bytes);
    await assert.rejects(
      registry.tag(img.manifest, `ghcr.io/a/b@${foreign.manifest.digest}`),
      { code: "INVALID_ARGUMENT" },
    );
    await assert.rejects(registry.tag(img.manifest, "UPPER/case:v1"), {
      code: "INVALID_REFERENCE",
    });
    assert.equal(rows(root, "SELECT * FROM refs").length, 0);
  });
});

Deno.test("LocalRegistryTarget: read-only targets refuse push and tag with InvalidStateError", async () => {
  await withRegistry(async (root) => {
    (await openLocalRegistry({ root, writable: true, create: true })).close();
    await using ro = await openLocalRegistry({ root });
    assert.equal(ro.writable, false);
    const bytes = enc.encode("x");
    const d = await blob("application/octet-stream", bytes);
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    await assert.rejects(ro.push(d, body), (e) => {
      assert.ok(e instanceof InvalidStateError);
      assert.equal(e.code, "INVALID_STATE");
      assert.match(e.message, /read-only/);
      return true;
    });
    assert.equal(cancelled, true, "the body stream is cancelled");
    await assert.rejects(ro.tag({ ...d, mediaType: MANIFEST }, "a/b:v1"), InvalidStateError);
    assert.deepEqual(await blobDir(root).catch(() => []), []);
  });
});

// --- A registry created by the real Python SDK (skipped without the venv) ---

const python = referencePython(
  "the SDK-created Local Registry test (core/oci/backends/local_registry_write_test.ts)",
);

async function runPython(root: string, code: string): Promise<string> {
  const out = await new Deno.Command(python!, {
    args: ["-c", code],
    env: { OMMX_LOCAL_REGISTRY_ROOT: root },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return dec.decode(out.stdout);
}

function schemaSql(root: string): string[] {
  return rows(root, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
    .map((r) => String(r.sql).replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")"));
}

Deno.test({
  name: "LocalRegistryTarget: writes into a registry the Python SDK created; the SDK lists it",
  ignore: !python,
  fn: async () => {
    await withRegistry(async (root) => {
      await Deno.mkdir(root, { recursive: true });
      await runPython(
        root,
        "from ommx.experiment import Experiment\n" +
          "with Experiment('ghcr.io/ommx-ts/sdk/made:v1') as e: e.log_json('k', {'a': 1})\n",
      );
      // Same schema as ours (modulo whitespace).
      const tsRoot = `${root}-ts`;
      try {
        (await openLocalRegistry({ root: tsRoot, writable: true, create: true })).close();
        assert.deepEqual(schemaSql(tsRoot), schemaSql(root));
      } finally {
        await Deno.remove(tsRoot, { recursive: true });
      }

      const plain = await image("sdk", "application/org.ommx.v1.artifact");
      {
        await using registry = await openLocalRegistry({ root, writable: true });
        await pushAll(registry, plain);
        await registry.tag(plain.manifest, "ghcr.io/ommx-ts/ts/made:v1");
        const sdkDigest = (await registry.resolve("ghcr.io/ommx-ts/sdk/made:v1")).digest;
        await assert.rejects(registry.tag(plain.manifest, "ghcr.io/ommx-ts/sdk/made:v1"), (e) => {
          assert.ok(e instanceof ReferenceConflictError);
          assert.equal(e.existingDigest, sdkDigest);
          return true;
        });
      }
      const listed = JSON.parse(
        await runPython(
          root,
          "import json, ommx.artifact as a\n" +
            "print(json.dumps(sorted([r.image_name, r.manifest_digest] for r in a.list_artifacts())))\n",
        ),
      ) as [string, string][];
      assert.equal(listed.length, 2);
      assert.deepEqual(listed[1], ["ghcr.io/ommx-ts/ts/made:v1", plain.manifest.digest]);
    });
  },
});

Deno.test("LocalRegistryTarget.push: concurrent pushes share the blob lock; each lands once, no temporary file left", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const blobs = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const bytes = enc.encode(`blob ${i} `.repeat(i + 1));
        return { d: await blob("application/octet-stream", bytes), bytes };
      }),
    );
    // Every blob pushed twice at once: the second of each pair finds the first in place.
    await Promise.all([...blobs, ...blobs].map(({ d, bytes }) => registry.push(d, bytes)));
    const names = await blobDir(root);
    assert.deepEqual(names, blobs.map(({ d }) => d.digest.slice(7)).sort());
    for (const { d, bytes } of blobs) {
      assert.deepEqual(await registry.fetch(d), bytes);
      assert.equal((await Deno.stat(`${root}/blobs/sha256/${d.digest.slice(7)}`)).nlink, 1);
    }
    // A blob placed by someone else between two pushes of this target is kept, not replaced.
    const other = enc.encode("placed by another process");
    const od = await blob("application/octet-stream", other);
    await Deno.writeFile(`${root}/blobs/sha256/${od.digest.slice(7)}`, other);
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    await Deno.utime(`${root}/blobs/sha256/${od.digest.slice(7)}`, old, old);
    await registry.push(od, other);
    const st = await Deno.stat(`${root}/blobs/sha256/${od.digest.slice(7)}`);
    assert.ok(st.mtime!.getTime() > Date.now() - 60_000, "mtime refreshed");
    assert.ok((await blobDir(root)).every((n) => !n.startsWith(".blob-")));
  });
});

Deno.test("LocalRegistryTarget.push: where hard links are refused, blobs are checked and renamed into place; links are tried once", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const blobs = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const bytes = enc.encode(`no links ${i} `.repeat(i + 1));
        return { d: await blob("application/octet-stream", bytes), bytes };
      }),
    );
    // One of them present already (placed by another process, long ago).
    const present = blobs[3]!;
    const presentPath = `${root}/blobs/sha256/${present.d.digest.slice(7)}`;
    await Deno.mkdir(`${root}/blobs/sha256`, { recursive: true });
    await Deno.writeFile(presentPath, present.bytes);
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    await Deno.utime(presentPath, old, old);
    const deno = Deno as unknown as Record<string, unknown>;
    const linkSync = Deno.linkSync;
    let links = 0;
    deno.linkSync = () => {
      links++;
      throw Object.assign(new Error("Operation not permitted"), { code: "EPERM" });
    };
    try {
      await Promise.all(blobs.map(({ d, bytes }) => registry.push(d, bytes)));
    } finally {
      deno.linkSync = linkSync;
    }
    assert.equal(links, 1, "the first refusal turns links off");
    assert.deepEqual(await blobDir(root), blobs.map(({ d }) => d.digest.slice(7)).sort());
    for (const { d, bytes } of blobs) assert.deepEqual(await registry.fetch(d), bytes);
    const st = await Deno.stat(presentPath);
    assert.ok(st.mtime!.getTime() > Date.now() - 60_000, "mtime refreshed");
  });
});

/** Run `fn` with `Deno.copyFile` replaced by `copy` (restored after). */
async function withCopyFile<T>(
  copy: (from: string | URL, to: string | URL) => Promise<void>,
  fn: () => Promise<T>,
): Promise<T> {
  const original = Deno.copyFile;
  Deno.copyFile = copy;
  try {
    return await fn();
  } finally {
    Deno.copyFile = original;
  }
}

Deno.test("LocalRegistryTarget.pushFile: a file shrinking during the kernel copy is stored as copied — the digest is the staged copy's, hashed as it grows", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const dir = await Deno.makeTempDir({ prefix: "ommx-lr-file-" });
    const path = `${dir}/shrinking.bin`;
    const bytes = new Uint8Array(40 << 20);
    for (let i = 0; i < bytes.length; i += 512) bytes[i] = (i / 512) & 0xff;
    await Deno.writeFile(path, bytes);
    // A slow kernel copy: 9 MiB, the source cut to 10 MiB, a pause, the rest (1 MiB).
    let copies = 0;
    const slowCopy = async (from: string | URL, to: string | URL) => {
      copies++;
      const out = await Deno.open(to, { write: true, truncate: true });
      try {
        const first = (await Deno.readFile(from)).subarray(0, 9 << 20);
        await out.write(first);
        await Deno.truncate(String(from), 10 << 20);
        await new Promise((r) => setTimeout(r, 30));
        await out.write((await Deno.readFile(from)).subarray(9 << 20));
      } finally {
        out.close();
      }
    };
    try {
      const got = await withCopyFile(slowCopy, () => registry.pushFile(path));
      assert.equal(copies, 1);
      assert.equal(got.size, 10 << 20);
      const stored = await Deno.readFile(`${root}/blobs/sha256/${got.digest.slice(7)}`);
      assert.deepEqual(stored, bytes.subarray(0, 10 << 20));
      assert.equal(got.digest, (await blob("application/octet-stream", stored)).digest);
      assert.ok((await blobDir(root)).every((n) => !n.startsWith(".blob-")));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("LocalRegistryTarget.pushFile: when the kernel copy fails, the pipeline copies again — a file shrinking during it is stored as read", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const dir = await Deno.makeTempDir({ prefix: "ommx-lr-file-" });
    const path = `${dir}/shrinking.bin`;
    const bytes = new Uint8Array(40 << 20);
    for (let i = 0; i < bytes.length; i += 512) bytes[i] = (i / 512) & 0xff;
    await Deno.writeFile(path, bytes);
    // The kernel copy writes 1 MiB and fails.
    const failingCopy = async (_from: string | URL, to: string | URL) => {
      await Deno.writeFile(to, bytes.subarray(0, 1 << 20));
      throw Object.assign(new Error("copy failed"), { code: "EIO" });
    };
    // The source cut to 10 MiB once its first read returned (the next reads already run).
    const open = Deno.open;
    Deno.open = async (p: string | URL, options?: Deno.OpenOptions) => {
      const f = await open(p, options);
      if (p !== path) return f;
      const read = f.read.bind(f);
      let cut = false;
      f.read = async (b: Uint8Array) => {
        const n = await read(b);
        if (!cut) {
          cut = true;
          await Deno.truncate(path, 10 << 20);
        }
        return n;
      };
      return f;
    };
    try {
      const got = await withCopyFile(failingCopy, () => registry.pushFile(path));
      assert.equal(got.size, 10 << 20); // 8 MiB read before the cut, the 2 MiB left after it
      const stored = await Deno.readFile(`${root}/blobs/sha256/${got.digest.slice(7)}`);
      assert.equal(stored.length, got.size);
      assert.deepEqual(stored, bytes.subarray(0, got.size));
      assert.equal(got.digest, (await blob("application/octet-stream", stored)).digest);
      assert.ok((await blobDir(root)).every((n) => !n.startsWith(".blob-")));
    } finally {
      Deno.open = open;
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("LocalRegistryTarget.pushFile: failures keep their errors — the pipeline's write after a failed kernel copy, the kernel copy's fsync", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const dir = await Deno.makeTempDir({ prefix: "ommx-lr-file-" });
    const path = `${dir}/file.bin`;
    await Deno.writeFile(path, new Uint8Array(3 << 20).fill(7));
    const open = Deno.open;
    let temps = 0;
    const failing = (what: "writeSync" | "sync", code: string) => {
      Deno.open = async (p: string | URL, options?: Deno.OpenOptions) => {
        const f = await open(p, options);
        if (!options?.createNew) return f;
        temps++;
        const error = Object.assign(new Error(`${what} failed`), { code });
        // As Deno's: a write throws, a sync rejects.
        if (what === "sync") f.sync = () => Promise.reject(error);
        else {
          f.writeSync = () => {
            throw error;
          };
        }
        return f;
      };
    };
    try {
      // The disk full: the kernel copy fails, and so does the pipeline's write, as before.
      failing("writeSync", "ENOSPC");
      await assert.rejects(
        withCopyFile(
          () => Promise.reject(Object.assign(new Error("full"), { code: "ENOSPC" })),
          () => registry.pushFile(path),
        ),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, "IO");
          assert.match(
            e.message,
            /^cannot write .*\/blobs\/sha256\/\.blob-.*\.tmp: no space left on device \(ENOSPC\)$/,
          );
          return true;
        },
      );
      assert.equal(temps, 2); // the kernel copy's, then the pipeline's
      // The kernel copy's fsync fails: thrown as the pipeline's would be, without copying again.
      temps = 0;
      Deno.open = open;
      failing("sync", "EIO");
      await assert.rejects(registry.pushFile(path), (e: Error & { code?: string }) => {
        assert.equal(e.code, "IO");
        assert.match(e.message, /^cannot write .*\.tmp: input\/output error \(EIO\)$/);
        return true;
      });
      assert.equal(temps, 1);
      assert.deepEqual(await blobDir(root), []);
    } finally {
      Deno.open = open;
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("LocalRegistryTarget.pushFile: the blob gets a new blob's permissions, not the source's", async () => {
  if (Deno.build.os === "windows") return;
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const dir = await Deno.makeTempDir({ prefix: "ommx-lr-file-" });
    try {
      const bytes = enc.encode("an executable attachment");
      await Deno.writeFile(`${dir}/run.sh`, bytes, { mode: 0o700 });
      await Deno.chmod(`${dir}/run.sh`, 0o700);
      const got = await registry.pushFile(`${dir}/run.sh`);
      const other = enc.encode("pushed as bytes");
      const od = await blob("application/octet-stream", other);
      await registry.push(od, other);
      const mode = async (digest: string) =>
        (await Deno.stat(`${root}/blobs/sha256/${digest.slice(7)}`)).mode! & 0o7777;
      assert.equal(await mode(got.digest), await mode(od.digest));
      assert.notEqual(await mode(got.digest), 0o700);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("LocalRegistryTarget.pushFile: a file stored under the digest found while copying it", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const dir = await Deno.makeTempDir({ prefix: "ommx-lr-file-" });
    try {
      // Larger than two of the copy's 8 MiB chunks (the last one short).
      const bytes = new Uint8Array(17 * (1 << 20) + 12345);
      for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096) & 0xff;
      await Deno.writeFile(`${dir}/big.bin`, bytes);
      const expected = await blob("application/octet-stream", bytes);
      const got = await registry.pushFile(`${dir}/big.bin`);
      assert.deepEqual(got, { digest: expected.digest, size: expected.size });
      assert.deepEqual(await registry.fetch(expected), bytes);
      assert.deepEqual(await blobDir(root), [expected.digest.slice(7)]);
      // Again: the blob is kept (confirmed), nothing left behind.
      assert.deepEqual(await registry.pushFile(`${dir}/big.bin`), got);
      assert.deepEqual(await blobDir(root), [expected.digest.slice(7)]);
      // An empty file, a missing file.
      await Deno.writeFile(`${dir}/empty`, new Uint8Array());
      assert.equal((await registry.pushFile(`${dir}/empty`)).size, 0);
      await assert.rejects(registry.pushFile(`${dir}/missing`), { code: "IO" });
      assert.ok((await blobDir(root)).every((n) => !n.startsWith(".blob-")));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    const readOnly = await openLocalRegistry({ root });
    try {
      await assert.rejects(readOnly.pushFile("/nonexistent"), InvalidStateError);
    } finally {
      await readOnly.close();
    }
  });
});

/** Overwrite a blob file with same-size garbage: reading it back fails its digest check. */
async function garble(root: string, d: Descriptor): Promise<void> {
  const path = `${root}/blobs/sha256/${d.digest.slice("sha256:".length)}`;
  await Deno.writeFile(path, (await Deno.readFile(path)).map((b) => b ^ 0x55));
}

function known(img: Image) {
  return {
    bytes: img.manifestBytes,
    manifest: parseManifest(img.manifestBytes).manifest,
    configBytes: img.configBytes,
  };
}

Deno.test("LocalRegistryTarget.tag with the manifest and config this target pushed: not read back, same rows, blobs still checked", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const exp = await image("known");
    await pushAll(registry, exp);
    await garble(root, exp.manifest);
    await garble(root, exp.config);
    // Read back, the files would fail their digests; the arrays pushed here are used instead.
    await registry.tag(exp.manifest, "ghcr.io/a/known:v1", known(exp));
    const manifests = rows(root, "SELECT * FROM artifact_manifests");
    assert.deepEqual(manifests.map((m) => [m.manifest_digest, m.artifact_type, m.config_digest]), [
      [exp.manifest.digest, "application/org.ommx.v1.experiment", exp.config.digest],
    ]);
    assert.deepEqual(new Uint8Array(manifests[0]!.manifest_json as Uint8Array), exp.manifestBytes);
    const configs = rows(root, "SELECT * FROM experiment_configs");
    assert.deepEqual(new Uint8Array(configs[0]!.config_json as Uint8Array), exp.configBytes);
    // Without them the tag reads the (now garbled) manifest and fails.
    await assert.rejects(registry.tag(exp.manifest, "ghcr.io/a/known:v2"), DigestMismatchError);
    // The manifest's blobs must still be present.
    await Deno.remove(`${root}/blobs/sha256/${exp.layers[0]!.descriptor.digest.slice(7)}`);
    await assert.rejects(
      registry.tag(exp.manifest, "ghcr.io/a/known:v3", known(exp)),
      BlobNotFoundError,
    );
  });
});

Deno.test("LocalRegistryTarget.tag with bytes this target did not push (or not under that digest) reads and checks the manifest and config", async () => {
  await withRegistry(async (root) => {
    await using registry = await openLocalRegistry({ root, writable: true, create: true });
    const exp = await image("foreign");
    const other = await image("other");
    await pushAll(registry, exp);
    await pushAll(registry, other);
    await garble(root, exp.manifest);
    // Pushed by another target (another process, the SDK): read, and the garbage is caught.
    {
      await using second = await openLocalRegistry({ root, writable: true });
      await assert.rejects(
        second.tag(exp.manifest, "ghcr.io/a/f:v1", known(exp)),
        DigestMismatchError,
      );
    }
    // Equal bytes, but not the array pushed here.
    const copy = { ...known(exp), bytes: exp.manifestBytes.slice() };
    await assert.rejects(registry.tag(exp.manifest, "ghcr.io/a/f:v2", copy), DigestMismatchError);
    // An array pushed here, but under another digest.
    await assert.rejects(
      registry.tag(exp.manifest, "ghcr.io/a/f:v3", known(other)),
      DigestMismatchError,
    );
    // The manifest pushed here but a config array that was not: the config is read and checked.
    await garble(root, other.config);
    const configCopy = { ...known(other), configBytes: other.configBytes.slice() };
    await assert.rejects(
      registry.tag(other.manifest, "ghcr.io/a/f:v4", configCopy),
      DigestMismatchError,
    );
    assert.deepEqual(rows(root, "SELECT * FROM refs"), []);
    assert.deepEqual(rows(root, "SELECT * FROM artifact_manifests"), []);
  });
});
