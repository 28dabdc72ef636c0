import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openArchiveFile } from "./archive.ts";
import {
  localRegistryRootFor,
  type LocalRegistryTarget,
  openLocalRegistry,
} from "./local_registry.ts";
import { parseManifest } from "../manifest.ts";
import {
  BlobNotFoundError,
  DigestMismatchError,
  InvalidArgumentError,
  UnsupportedError,
} from "../../errors.ts";

const FIXTURES = new URL("../../../tests/fixtures/reference/", import.meta.url);
const RUNS = new URL("runs.ommx", FIXTURES).pathname;
const ATTACHMENTS = new URL("attachments.ommx", FIXTURES).pathname;

/** Build a registry the way the SDK lays it out (our own DDL, from the spec's table list). */
async function makeRegistry(
  entries: { archive: string; name: string; reference: string }[],
  userVersion = 2,
): Promise<{ root: string; digests: string[] }> {
  const root = await Deno.makeTempDir({ prefix: "ommx-local-registry-" });
  await Deno.mkdir(`${root}/blobs/sha256`, { recursive: true });
  const db = new DatabaseSync(`${root}/index.sqlite3`);
  db.exec(`
    CREATE TABLE refs (name TEXT NOT NULL, reference TEXT NOT NULL, manifest_digest TEXT NOT NULL,
      updated_at TEXT NOT NULL, PRIMARY KEY(name, reference));
    CREATE TABLE ommx_local_registry_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    PRAGMA user_version = ${userVersion};
  `);
  const digests: string[] = [];
  for (const e of entries) {
    const archive = await openArchiveFile(e.archive);
    try {
      for (const d of archive.blobDigests()) {
        const entry = archive.index.manifests.find((m) => m.digest === d);
        const bytes = entry ? await archive.fetch(entry) : await fetchAny(archive, d);
        await Deno.writeFile(`${root}/blobs/sha256/${d.slice(7)}`, bytes);
      }
      const m = await archive.resolve();
      digests.push(m.digest);
      db.prepare("INSERT INTO refs VALUES (?, ?, ?, ?)").run(
        e.name,
        e.reference,
        m.digest,
        "2026-08-18T04:43:28.123456789+00:00",
      );
    } finally {
      await archive.close();
    }
  }
  db.close();
  return { root, digests };
}

/** Fetch a non-manifest blob of an archive by digest (size taken from the manifest). */
async function fetchAny(
  archive: Awaited<ReturnType<typeof openArchiveFile>>,
  digest: string,
): Promise<Uint8Array> {
  const m = await archive.resolve();
  const { manifest } = parseManifest(await archive.fetch(m));
  const d = [manifest.config, ...manifest.layers].find((x) => x.digest === digest);
  assert.ok(d, `blob ${digest} not referenced by the manifest`);
  return await archive.fetch(d);
}

Deno.test("localRegistryRootFor: override, XDG, home default, macOS, Windows", () => {
  assert.equal(
    localRegistryRootFor({
      env: { OMMX_LOCAL_REGISTRY_ROOT: "/x/r" },
      platform: "darwin",
      home: "/h",
    }),
    "/x/r",
  );
  assert.equal(
    localRegistryRootFor({ env: { XDG_DATA_HOME: "/data/" }, platform: "linux", home: "/h" }),
    "/data/ommx",
  );
  // The SDK ignores a relative XDG_DATA_HOME (checked against ommx 3.0.0b7).
  assert.equal(
    localRegistryRootFor({ env: { XDG_DATA_HOME: "rel" }, platform: "linux", home: "/h" }),
    "/h/.local/share/ommx",
  );
  assert.equal(
    localRegistryRootFor({ platform: "darwin", home: "/Users/u" }),
    "/Users/u/Library/Application Support/org.ommx.ommx",
  );
  assert.equal(
    localRegistryRootFor({ env: { APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, platform: "win32" }),
    "C:\\Users\\u\\AppData\\Roaming\\ommx\\ommx\\data",
  );
  assert.throws(() => localRegistryRootFor({ platform: "win32" }), InvalidArgumentError);
  assert.throws(() => localRegistryRootFor({ platform: "linux" }), InvalidArgumentError);
});

Deno.test("openLocalRegistry: missing index, wrong schema version", async () => {
  const empty = await Deno.makeTempDir();
  try {
    await assert.rejects(openLocalRegistry({ root: empty }), (e) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.match(e.message, /no OMMX local registry/);
      return true;
    });
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
  const { root } = await makeRegistry([], 3);
  try {
    await assert.rejects(openLocalRegistry({ root }), (e) => {
      assert.ok(e instanceof UnsupportedError);
      assert.equal(e.code, "UNSUPPORTED");
      assert.match(e.message, /schema version 3 /);
      return true;
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("LocalRegistryTarget: resolve, list, byte-identical reads, errors", async () => {
  const { root, digests } = await makeRegistry([
    { archive: RUNS, name: "ghcr.io/ommx-ts/corpus/runs", reference: "v1" },
    { archive: ATTACHMENTS, name: "docker.io/library/att", reference: "latest" },
  ]);
  let registry: LocalRegistryTarget | undefined;
  try {
    registry = await openLocalRegistry({ root });
    assert.equal(registry.schemaVersion, 2);
    const refs = await registry.listReferences();
    assert.deepEqual(refs.map((r) => [r.imageName, r.manifestDigest]), [
      ["docker.io/library/att:latest", digests[1]],
      ["ghcr.io/ommx-ts/corpus/runs:v1", digests[0]],
    ]);

    const d = await registry.resolve("ghcr.io/ommx-ts/corpus/runs:v1");
    assert.equal(d.digest, digests[0]);
    assert.equal(d.mediaType, "application/vnd.oci.image.manifest.v1+json");
    assert.equal(
      d.annotations?.["org.opencontainers.image.ref.name"],
      "ghcr.io/ommx-ts/corpus/runs:v1",
    );
    // Canonicalisation: Docker Hub short names and implicit `latest`.
    assert.equal((await registry.resolve("att")).digest, digests[1]);
    assert.equal((await registry.resolve("index.docker.io/library/att:latest")).digest, digests[1]);
    // A digest reference resolves when a tag of that repository points at it.
    assert.equal(
      (await registry.resolve(`ghcr.io/ommx-ts/corpus/runs@${digests[0]}`)).digest,
      digests[0],
    );
    await assert.rejects(
      registry.resolve(`ghcr.io/ommx-ts/corpus/runs@${digests[1]}`),
      BlobNotFoundError,
    );
    await assert.rejects(registry.resolve("ghcr.io/ommx-ts/corpus/runs:v2"), (e) => {
      assert.ok(e instanceof BlobNotFoundError);
      assert.equal(e.code, "BLOB_NOT_FOUND");
      assert.match(e.message, /ghcr\.io\/ommx-ts\/corpus\/runs:v2/);
      return true;
    });
    await assert.rejects(registry.resolve("UPPER/case"), { code: "INVALID_REFERENCE" });
    await assert.rejects(registry.resolve(), { code: "INVALID_ARGUMENT" });
    const named = await openLocalRegistry({ root, imageName: "att" });
    assert.equal((await named.resolve()).digest, digests[1]);
    await named.close();

    // Byte-identical to the archive: manifest, config and every layer.
    const archive = await openArchiveFile(RUNS);
    try {
      const a = await archive.resolve();
      assert.equal(a.digest, d.digest);
      assert.deepEqual(await registry.fetch(d), await archive.fetch(a));
      const { manifest: m } = parseManifest(await archive.fetch(a));
      for (const blob of [m.config, ...m.layers]) {
        assert.deepEqual(await registry.fetch(blob), await archive.fetch(blob));
      }
    } finally {
      await archive.close();
    }

    // Streaming read verifies too.
    const { manifest } = parseManifest(await registry.fetch(d));
    const layer = manifest.layers[0]!;
    const streamed = new Uint8Array(await new Response(registry.fetchStream(layer)).arrayBuffer());
    assert.deepEqual(streamed, await registry.fetch(layer));
    assert.equal(await registry.exists(layer), true);

    // Tampered blob (same size): DigestMismatchError on fetch and on stream.
    const path = `${root}/blobs/sha256/${layer.digest.slice(7)}`;
    const original = await Deno.readFile(path);
    const bad = original.slice();
    bad[0] = bad[0]! ^ 0xff;
    await Deno.writeFile(path, bad);
    await assert.rejects(registry.fetch(layer), (e) => {
      assert.ok(e instanceof DigestMismatchError);
      assert.equal(e.code, "DIGEST_MISMATCH");
      return true;
    });
    await assert.rejects(
      new Response(registry.fetchStream(layer)).arrayBuffer(),
      DigestMismatchError,
    );
    // Missing blob.
    await Deno.remove(path);
    assert.equal(await registry.exists(layer), false);
    await assert.rejects(registry.fetch(layer), (e) => {
      assert.ok(e instanceof BlobNotFoundError);
      assert.equal(e.digest, layer.digest);
      return true;
    });
    // Tampered manifest: resolve itself fails.
    const mPath = `${root}/blobs/sha256/${digests[1]!.slice(7)}`;
    const mBytes = await Deno.readFile(mPath);
    mBytes[mBytes.length - 1] = 0x20;
    await Deno.writeFile(mPath, mBytes);
    await assert.rejects(registry.resolve("att"), DigestMismatchError);
    await Deno.remove(mPath);
    await assert.rejects(registry.resolve("att"), BlobNotFoundError);

    await registry.close();
    await registry.close();
    await assert.rejects(registry.listReferences(), InvalidArgumentError);
  } finally {
    await registry?.close();
    await Deno.remove(root, { recursive: true });
  }
});
