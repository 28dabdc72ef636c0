import assert from "node:assert/strict";
import {
  BlobNotFoundError,
  CorruptArchiveError,
  DigestMismatchError,
  InvalidArtifactError,
  SizeMismatchError,
} from "../../errors.ts";
import type { Descriptor } from "../descriptor.ts";
import { digestOf } from "../digest.ts";
import { encodeImageIndex } from "../image_index.ts";
import { encodeOciLayout } from "../layout.ts";
import { encodeManifest } from "../manifest.ts";
import {
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_ARTIFACT_MANIFEST,
  MEDIA_TYPE_IMAGE_INDEX,
  MEDIA_TYPE_IMAGE_MANIFEST,
} from "../media_types.ts";
import { bytesSource } from "../random_access.ts";
import { existsEach } from "../storage.ts";
import { buildTar, type TarWriteEntry } from "../tar/writer.ts";
import { openArchive, openArchiveFile } from "./archive.ts";

const enc = new TextEncoder();
const hexOf = (d: string) => d.slice(7);
const entry = (name: string, body: Uint8Array): TarWriteEntry => ({
  name,
  size: body.length,
  body,
});

interface Built {
  tar: Uint8Array;
  manifest: Descriptor;
  layer: Descriptor;
  layerBytes: Uint8Array;
}

async function build(opts: {
  layout?: Uint8Array | null;
  manifests?: (m: Descriptor) => Descriptor[];
  extra?: TarWriteEntry[];
  corruptLayer?: boolean;
  omitLayer?: boolean;
  prefix?: string;
} = {}): Promise<Built> {
  const layerBytes = new Uint8Array(3000).map((_, i) => (i * 7) % 256);
  const layer = {
    mediaType: "application/octet-stream",
    digest: await digestOf(layerBytes),
    size: layerBytes.length,
  };
  const config = enc.encode("{}");
  const configDesc = {
    mediaType: "application/vnd.oci.empty.v1+json",
    digest: await digestOf(config),
    size: 2,
  };
  const manifestBytes = encodeManifest({
    schemaVersion: 2,
    artifactType: "application/x.test",
    config: configDesc,
    layers: [layer],
  });
  const manifest = {
    mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
    digest: await digestOf(manifestBytes),
    size: manifestBytes.length,
    annotations: { [ANNOTATION_REF_NAME]: "ghcr.io/a/b:v1" },
  };
  const index = encodeImageIndex({
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_IMAGE_INDEX,
    manifests: opts.manifests ? opts.manifests(manifest) : [manifest],
  });
  const p = opts.prefix ?? "";
  const stored = opts.corruptLayer ? layerBytes.map((b, i) => i === 5 ? b ^ 1 : b) : layerBytes;
  const entries: TarWriteEntry[] = [];
  if (opts.layout !== null) entries.push(entry(`${p}oci-layout`, opts.layout ?? encodeOciLayout()));
  entries.push(entry(`${p}blobs/sha256/${hexOf(manifest.digest)}`, manifestBytes));
  entries.push(entry(`${p}blobs/sha256/${hexOf(configDesc.digest)}`, config));
  if (!opts.omitLayer) entries.push(entry(`${p}blobs/sha256/${hexOf(layer.digest)}`, stored));
  entries.push(...(opts.extra ?? []));
  entries.push(entry(`${p}index.json`, index));
  return { tar: await buildTar(entries), manifest, layer, layerBytes };
}

const is = (cls: abstract new (...a: never[]) => Error, code: string) => (e: unknown) =>
  e instanceof cls && (e as { code?: string }).code === code;

Deno.test("archive: resolve, fetch, fetchStream, exists on a well-formed archive", async () => {
  const { tar, manifest, layer, layerBytes } = await build();
  const target = await openArchive(tar, { chunkSize: 1000 });
  assert.equal(target.layout?.imageLayoutVersion, "1.0.0");
  const resolved = await target.resolve();
  assert.equal(resolved.digest, manifest.digest);
  assert.equal((await target.resolve("ghcr.io/a/b:v1")).digest, manifest.digest);
  await assert.rejects(target.resolve("ghcr.io/a/b:v2"), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  assert.deepEqual(await target.fetch(layer), layerBytes);
  const chunks = await Array.fromAsync(target.fetchStream(layer));
  assert.equal(chunks.length, 3);
  assert.deepEqual(new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()), layerBytes);
  assert.equal(await target.exists(layer), true);
  assert.equal(await target.exists({ ...layer, size: 1 }), false);
  assert.equal(target.blobDigests().length, 3);
  await target.close();
});

Deno.test("archive: Blob input and file path input", async () => {
  const { tar, layer, layerBytes } = await build({ prefix: "./" });
  const fromBlob = await openArchive(new Blob([tar as BlobPart]));
  assert.deepEqual(await fromBlob.fetch(layer), layerBytes);
  const path = await Deno.makeTempFile({ suffix: ".ommx" });
  try {
    await Deno.writeFile(path, tar);
    const fromFile = await openArchiveFile(path);
    assert.equal(fromFile.location, path);
    assert.deepEqual(await fromFile.fetch(layer), layerBytes);
    await fromFile.close();
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("archive: blob bytes not matching the digest", async () => {
  const { tar, layer } = await build({ corruptLayer: true });
  const target = await openArchive(tar);
  await assert.rejects(target.fetch(layer), is(DigestMismatchError, "DIGEST_MISMATCH"));
  const stream = target.fetchStream(layer);
  await assert.rejects(Array.fromAsync(stream), is(DigestMismatchError, "DIGEST_MISMATCH"));
});

Deno.test("archive: missing blob and size mismatch against the descriptor", async () => {
  const { tar, layer } = await build({ omitLayer: true });
  const target = await openArchive(tar);
  await assert.rejects(target.fetch(layer), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  await assert.rejects(
    Array.fromAsync(target.fetchStream(layer)),
    is(BlobNotFoundError, "BLOB_NOT_FOUND"),
  );
  assert.equal(await target.exists(layer), false);
  const full = await openArchive((await build()).tar);
  await assert.rejects(
    full.fetch({ ...layer, size: layer.size + 1 }),
    is(SizeMismatchError, "SIZE_MISMATCH"),
  );
});

Deno.test("archive: index.json with two manifests, none, or the wrong media type", async () => {
  const two = await openArchive((await build({ manifests: (m) => [m, m] })).tar);
  await assert.rejects(
    two.resolve(),
    (e: unknown) =>
      is(InvalidArtifactError, "INVALID_ARTIFACT")(e) && /2 manifests/.test((e as Error).message),
  );
  const none = await openArchive((await build({ manifests: () => [] })).tar);
  await assert.rejects(none.resolve(), is(InvalidArtifactError, "INVALID_ARTIFACT"));
  const deprecated = await openArchive(
    (await build({ manifests: (m) => [{ ...m, mediaType: MEDIA_TYPE_ARTIFACT_MANIFEST }] })).tar,
  );
  await assert.rejects(
    deprecated.resolve(),
    (e: unknown) =>
      is(InvalidArtifactError, "INVALID_ARTIFACT")(e) && /deprecated/.test((e as Error).message),
  );
  const other = await openArchive(
    (await build({ manifests: (m) => [{ ...m, mediaType: MEDIA_TYPE_IMAGE_INDEX }] })).tar,
  );
  await assert.rejects(other.resolve(), is(InvalidArtifactError, "INVALID_ARTIFACT"));
});

Deno.test("archive: oci-layout missing accepted, bad version rejected, index.json required", async () => {
  const noLayout = await openArchive((await build({ layout: null })).tar);
  assert.equal(noLayout.layout, undefined);
  assert.ok(await noLayout.resolve());
  await assert.rejects(
    openArchive((await build({ layout: enc.encode('{"imageLayoutVersion":"2.0.0"}') })).tar),
    is(InvalidArtifactError, "INVALID_ARTIFACT"),
  );
  await assert.rejects(
    openArchive((await build({ layout: enc.encode("not json") })).tar),
    is(InvalidArtifactError, "INVALID_ARTIFACT"),
  );
  const noIndex = await buildTar([entry("oci-layout", encodeOciLayout())]);
  await assert.rejects(openArchive(noIndex), is(InvalidArtifactError, "INVALID_ARTIFACT"));
  const badIndex = await buildTar([entry("index.json", enc.encode("{"))]);
  await assert.rejects(openArchive(badIndex), is(InvalidArtifactError, "INVALID_ARTIFACT"));
});

Deno.test("archive: path traversal and odd member names are never blobs", async () => {
  const evil = enc.encode("evil");
  const d = await digestOf(evil);
  const hex = hexOf(d);
  const { tar } = await build({
    extra: [
      entry(`../blobs/sha256/${hex}`, evil),
      entry(`/blobs/sha256/${hex}`, evil),
      entry(`blobs/sha256/../sha256/${hex}`, evil),
      entry(`x/../blobs/sha256/${hex}`, evil),
      entry(`blobs/sha256/${hex.toUpperCase()}`, evil),
      entry(`blobs/sha512/${hex}`, evil),
      entry(`../x`, evil),
      entry(`/abs`, evil),
    ],
  });
  const target = await openArchive(tar);
  const desc = { mediaType: "text/plain", digest: d, size: 4 };
  assert.equal(await target.exists(desc), false);
  await assert.rejects(target.fetch(desc), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  assert.equal(target.blobDigests().length, 3);
});

Deno.test("archive: duplicate blob members are fine", async () => {
  const dup = enc.encode("dup");
  const d = await digestOf(dup);
  const { tar } = await build({
    extra: [entry(`blobs/sha256/${hexOf(d)}`, dup), entry(`./blobs/sha256/${hexOf(d)}`, dup)],
  });
  const target = await openArchive(tar);
  assert.deepEqual(await target.fetch({ mediaType: "text/plain", digest: d, size: 3 }), dup);
});

Deno.test("archive: corrupt tar surfaces as CorruptArchiveError and closes the source", async () => {
  const { tar } = await build();
  const bad = tar.slice();
  bad[1024 + 3] = 0x21; // a name byte of the 2nd header (the first member is 30 bytes)
  let closed = false;
  const src = { ...bytesSource(bad), close: () => Promise.resolve(void (closed = true)) };
  await assert.rejects(openArchive(src), is(CorruptArchiveError, "CORRUPT_ARCHIVE"));
  assert.equal(closed, true);
  await assert.rejects(
    openArchive(tar.subarray(0, 1024 + 512 + 10)),
    is(CorruptArchiveError, "CORRUPT_ARCHIVE"),
  );
});

Deno.test("archive: reference .ommx fixtures open and verify every blob", async () => {
  const roots = ["../shared/fixtures/ommx-repo", "../shared/fixtures/qoblib-labs"];
  const files: string[] = [];
  for (const root of roots) {
    try {
      for await (const e of Deno.readDir(root)) {
        if (e.name.endsWith(".ommx")) files.push(`${root}/${e.name}`);
      }
    } catch {
      console.log(`skipped ${root}: fixtures folder absent`);
    }
  }
  for (const f of files) {
    const target = await openArchiveFile(f);
    try {
      assert.equal(target.layout, undefined, `${f}: v2-era archive has no oci-layout`);
      const m = await target.resolve();
      assert.equal(m.mediaType, MEDIA_TYPE_IMAGE_MANIFEST);
      const manifest = JSON.parse(new TextDecoder().decode(await target.fetch(m)));
      for (const d of [manifest.config, ...manifest.layers]) {
        assert.equal((await target.fetch(d)).length, d.size, f);
      }
    } finally {
      await target.close();
    }
  }
});

Deno.test("archive: existsAll answers as exists does, per descriptor in order", async () => {
  const { tar, layer, manifest } = await build();
  const target = await openArchive(tar);
  const missing = { ...layer, digest: `sha256:${"0".repeat(64)}` };
  const wrongSize = { ...layer, size: layer.size + 1 };
  const ds = [layer, missing, manifest, wrongSize];
  const each = await Promise.all(ds.map((d) => target.exists(d)));
  assert.deepEqual(each, [true, false, true, false]);
  assert.deepEqual(await target.existsAll(ds), each);
  assert.deepEqual(await existsEach(target, ds), each);
  const [viaExists] = await Promise.all([existsEach({ exists: (d) => target.exists(d) }, ds)]);
  assert.deepEqual(viaExists, each);
  await target.close();
});
