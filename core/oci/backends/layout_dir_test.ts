import assert from "node:assert/strict";
import {
  BlobNotFoundError,
  DigestMismatchError,
  InvalidArtifactError,
  SizeMismatchError,
} from "../../errors.ts";
import { digestOf } from "../digest.ts";
import { parseImageIndex } from "../image_index.ts";
import { ANNOTATION_REF_NAME, MEDIA_TYPE_IMAGE_MANIFEST } from "../media_types.ts";
import { openLayoutDir } from "./layout_dir.ts";

const enc = new TextEncoder();
const is = (cls: abstract new (...a: never[]) => Error, code: string) => (e: unknown) =>
  e instanceof cls && (e as { code?: string }).code === code;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("layout dir: create, push (bytes and stream), tag, resolve, fetch", () =>
  withDir(async (dir) => {
    const store = await openLayoutDir(dir, { create: true, chunkSize: 100 });
    assert.equal(await Deno.readTextFile(`${dir}/oci-layout`), '{"imageLayoutVersion":"1.0.0"}');
    const blob = new Uint8Array(250).map((_, i) => i);
    const bd = { mediaType: "application/octet-stream", digest: await digestOf(blob), size: 250 };
    await store.push(bd, ReadableStream.from([blob.subarray(0, 99), blob.subarray(99)]));
    await store.push(bd, blob); // idempotent
    const manifest = enc.encode('{"schemaVersion":2}');
    const md = {
      mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
      digest: await digestOf(manifest),
      size: manifest.length,
    };
    await store.push(md, manifest);
    await store.tag(md, "ghcr.io/a/b:v1");
    await store.tag(md, "ghcr.io/a/b:v1"); // replaces, not duplicates
    const index = parseImageIndex(await Deno.readFile(`${dir}/index.json`));
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0]?.annotations?.[ANNOTATION_REF_NAME], "ghcr.io/a/b:v1");
    assert.equal((await store.resolve()).digest, md.digest);
    assert.equal((await store.resolve("ghcr.io/a/b:v1")).digest, md.digest);
    assert.deepEqual(await store.fetch(bd), blob);
    const chunks = await Array.fromAsync(store.fetchStream(bd));
    assert.equal(chunks.length, 3);
    assert.equal(await store.exists(bd), true);
    const names = [...Deno.readDirSync(`${dir}/blobs/sha256`)].map((e) => e.name);
    assert.equal(names.filter((n) => n.startsWith(".tmp")).length, 0, "no temp files left");
    // A second tag makes resolve() without a reference ambiguous.
    await store.tag(md, "ghcr.io/a/b:v2");
    await assert.rejects(store.resolve(), is(InvalidArtifactError, "INVALID_ARTIFACT"));
    await assert.rejects(store.resolve("ghcr.io/a/b:v3"), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  }));

Deno.test("layout dir: bad pushes leave nothing behind", () =>
  withDir(async (dir) => {
    const store = await openLayoutDir(dir, { create: true });
    const blob = enc.encode("hello");
    const d = { mediaType: "text/plain", digest: await digestOf(blob), size: 5 };
    await assert.rejects(
      store.push(d, enc.encode("hellO")),
      is(DigestMismatchError, "DIGEST_MISMATCH"),
    );
    await assert.rejects(
      store.push(d, ReadableStream.from([enc.encode("hellO")])),
      is(DigestMismatchError, "DIGEST_MISMATCH"),
    );
    await assert.rejects(
      store.push(d, ReadableStream.from([enc.encode("hello!")])),
      is(SizeMismatchError, "SIZE_MISMATCH"),
    );
    await assert.rejects(
      store.push(d, ReadableStream.from([enc.encode("hell")])),
      is(SizeMismatchError, "SIZE_MISMATCH"),
    );
    assert.deepEqual([...Deno.readDirSync(`${dir}/blobs/sha256`)], []);
    await assert.rejects(store.fetch(d), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
    await assert.rejects(
      Array.fromAsync(store.fetchStream(d)),
      is(BlobNotFoundError, "BLOB_NOT_FOUND"),
    );
    await assert.rejects(store.tag(d, "x"), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  }));

Deno.test("layout dir: tampered blob file is detected on fetch and fetchStream", () =>
  withDir(async (dir) => {
    const store = await openLayoutDir(dir, { create: true });
    const blob = enc.encode("payload");
    const d = { mediaType: "text/plain", digest: await digestOf(blob), size: blob.length };
    await store.push(d, blob);
    await Deno.writeFile(`${dir}/blobs/sha256/${d.digest.slice(7)}`, enc.encode("PAYLOAD"));
    await assert.rejects(store.fetch(d), is(DigestMismatchError, "DIGEST_MISMATCH"));
    await assert.rejects(
      Array.fromAsync(store.fetchStream(d)),
      is(DigestMismatchError, "DIGEST_MISMATCH"),
    );
    await Deno.writeFile(`${dir}/blobs/sha256/${d.digest.slice(7)}`, enc.encode("short"));
    await assert.rejects(
      Array.fromAsync(store.fetchStream(d)),
      is(SizeMismatchError, "SIZE_MISMATCH"),
    );
    assert.equal(await store.exists(d), false);
  }));

Deno.test("layout dir: oci-layout is required and must be 1.0.0", () =>
  withDir(async (dir) => {
    await assert.rejects(openLayoutDir(dir), is(InvalidArtifactError, "INVALID_ARTIFACT"));
    await Deno.writeTextFile(`${dir}/oci-layout`, '{"imageLayoutVersion":"1.1.0"}');
    await assert.rejects(
      openLayoutDir(dir, { create: true }),
      is(InvalidArtifactError, "INVALID_ARTIFACT"),
    );
    await Deno.writeTextFile(`${dir}/oci-layout`, '{"imageLayoutVersion":"1.0.0"}');
    await assert.rejects(openLayoutDir(dir), is(InvalidArtifactError, "INVALID_ARTIFACT"));
    assert.ok(await openLayoutDir(dir, { create: true }));
  }));
