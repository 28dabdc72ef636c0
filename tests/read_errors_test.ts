/**
 * Bad input on the read side, through the public API: each gets its own
 * typed error with a message naming what is at fault, and nothing is written
 * outside its target.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type OmmxErrorCode, openArtifact, openExperiment } from "../mod.ts";
import { buildTestArchive, digest, EMPTY_PARAMS, minimalConfig } from "./_archive_test_util.ts";

const te = new TextEncoder();
const PARAMS = {
  mediaType: "application/org.ommx.v1.experiment.run-parameters+msgpack",
  bytes: EMPTY_PARAMS,
};

async function rejectsWith(
  promise: Promise<unknown>,
  code: OmmxErrorCode,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.equal((e as { code?: string }).code, code, `code of: ${(e as Error).message}`);
    assert.match((e as Error).message, message);
    return true;
  });
}

async function validArchive(): Promise<Uint8Array> {
  return (await buildTestArchive({ config: minimalConfig(), layers: [PARAMS] })).bytes;
}

Deno.test("read: a valid minimal archive opens", async () => {
  const exp = await openExperiment(await validArchive());
  assert.equal(exp.status, "finished");
  assert.equal(exp.imageName, "example.com/test/exp:v1");
  assert.deepEqual(exp.runs, []);
  await exp.close();
});

Deno.test("read: truncated tar", async () => {
  const bytes = await validArchive();
  // Cut inside the second member's header.
  await rejectsWith(
    openExperiment(bytes.slice(0, 1024 + 200)),
    "CORRUPT_ARCHIVE",
    /truncat|end of|past/i,
  );
  // Cut inside the manifest's data.
  await rejectsWith(
    openExperiment(bytes.slice(0, 1536 + 40)),
    "CORRUPT_ARCHIVE",
    /truncat|end of|past/i,
  );
});

Deno.test("read: bad header checksum", async () => {
  const bytes = await validArchive();
  bytes[0] = "x".charCodeAt(0); // first header's name changes, checksum no longer matches
  await rejectsWith(openExperiment(bytes), "CORRUPT_ARCHIVE", /checksum/i);
});

Deno.test("read: member size lying past the end of the file", async () => {
  const bytes = await validArchive();
  // oci-layout header size field at offset 124: claim 0o177777 bytes, more than the file holds.
  assert.ok(bytes.length < 0o177777);
  const size = te.encode("00000177777\0");
  bytes.set(size, 124);
  // fix the checksum so only the size lies
  bytes.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += bytes[i]!;
  bytes.set(te.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  await rejectsWith(openExperiment(bytes), "CORRUPT_ARCHIVE", /past|end|truncat|exceed/i);
});

Deno.test("read: a 10 GB declared size in a 1 KB file is refused without allocating", async () => {
  const header = new Uint8Array(1024);
  header.set(te.encode("blobs/sha256/" + "a".repeat(64)));
  header.set(te.encode("0000644\0"), 100);
  header.set(te.encode("0000000\0"), 108);
  header.set(te.encode("0000000\0"), 116);
  header.set(te.encode((10 * 1024 ** 3).toString(8).padStart(11, "0") + "\0"), 124);
  header.set(te.encode("00000000000\0"), 136);
  header[156] = "0".charCodeAt(0);
  header.set(te.encode("ustar\0"), 257);
  header.set(te.encode("00"), 263);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += header[i]!;
  header.set(te.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  await assert.rejects(openExperiment(header), (e: unknown) => {
    assert.ok(["CORRUPT_ARCHIVE", "LIMIT_EXCEEDED"].includes((e as { code: string }).code));
    return true;
  });
});

Deno.test("read: blob bytes that do not match their digest", async () => {
  const config = te.encode(JSON.stringify(minimalConfig()));
  const tampered = te.encode(JSON.stringify(minimalConfig()).replace("finished", "finishex"));
  const { bytes } = await buildTestArchive({
    config,
    layers: [PARAMS],
    tamper: { [digest(config)]: tampered },
  });
  await rejectsWith(openExperiment(bytes), "DIGEST_MISMATCH", new RegExp(digest(config)));
});

Deno.test("read: a missing layer blob", async () => {
  const { bytes } = await buildTestArchive({
    config: minimalConfig(),
    layers: [PARAMS],
    omitBlobs: [digest(EMPTY_PARAMS)],
  });
  await rejectsWith(openExperiment(bytes), "INVALID_ARTIFACT", new RegExp(digest(EMPTY_PARAMS)));
});

Deno.test("read: two manifests in index.json", async () => {
  const { bytes } = await buildTestArchive({
    config: minimalConfig(),
    layers: [PARAMS],
    extraIndexEntries: [{
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: digest(te.encode("other")),
      size: 5,
    }],
  });
  await rejectsWith(openExperiment(bytes), "INVALID_ARTIFACT", /manifest/i);
});

Deno.test("read: wrong artifactType", async () => {
  const { bytes } = await buildTestArchive({
    config: minimalConfig(),
    layers: [PARAMS],
    artifactType: "application/vnd.example.thing",
  });
  await rejectsWith(openExperiment(bytes), "INVALID_ARTIFACT", /application\/vnd\.example\.thing/);
  await rejectsWith(openArtifact(bytes), "INVALID_ARTIFACT", /Not an OMMX artifact/);
});

Deno.test("read: wrong config media type", async () => {
  const { bytes } = await buildTestArchive({
    config: minimalConfig(),
    layers: [PARAMS],
    configMediaType: "application/json",
  });
  await rejectsWith(
    openExperiment(bytes),
    "INVALID_ARTIFACT",
    /config media type is application\/json/,
  );
});

Deno.test("read: unknown status", async () => {
  const { bytes } = await buildTestArchive({
    config: { ...minimalConfig(), status: "paused" },
    layers: [PARAMS],
  });
  await rejectsWith(openExperiment(bytes), "INVALID_ARTIFACT", /unknown Experiment status paused/);
});

Deno.test("read: draft checkpoints need allowDraft", async () => {
  const { bytes } = await buildTestArchive({
    config: { ...minimalConfig(), status: "draft" },
    layers: [PARAMS],
  });
  await rejectsWith(openExperiment(bytes), "INVALID_ARTIFACT", /status is draft/);
  const exp = await openExperiment(bytes, { allowDraft: true });
  assert.equal(exp.status, "draft");
});

Deno.test("read: outcome on a finished run", async () => {
  const { bytes } = await buildTestArchive({
    config: {
      ...minimalConfig(),
      runs: [{
        run_id: 0,
        status: "finished",
        outcome: { reason: "x" },
        attachments: { entries: {} },
      }],
    },
    layers: [PARAMS],
  });
  await rejectsWith(
    openExperiment(bytes),
    "INVALID_ARTIFACT",
    /finished cannot have a lifecycle outcome/,
  );
});

Deno.test("read: layer index out of range", async () => {
  const { bytes } = await buildTestArchive({
    config: { ...minimalConfig(), attachments: { entries: { ghost: 7 } } },
    layers: [PARAMS],
  });
  await rejectsWith(openExperiment(bytes), "INVALID_ARTIFACT", /LayerRef 7 is out of bounds for 1/);
  const { bytes: b2 } = await buildTestArchive({ config: minimalConfig(3), layers: [PARAMS] });
  await rejectsWith(openExperiment(b2), "INVALID_ARTIFACT", /LayerRef 3 is out of bounds/);
});

Deno.test("read: zstd marker without +zstd suffix", async () => {
  const { bytes } = await buildTestArchive({
    config: { ...minimalConfig(1), attachments: { entries: { log: 0 } } },
    layers: [
      {
        mediaType: "text/plain",
        bytes: te.encode("x"),
        annotations: { "org.ommx.v1.attachment.compression": "zstd" },
      },
      PARAMS,
    ],
  });
  await rejectsWith(openExperiment(bytes), "INVALID_ARTIFACT", /`log` storage format/);
});

Deno.test("read: unknown compression marker", async () => {
  const { bytes } = await buildTestArchive({
    config: { ...minimalConfig(1), attachments: { entries: { log: 0 } } },
    layers: [
      {
        mediaType: "text/plain+gzip",
        bytes: te.encode("x"),
        annotations: { "org.ommx.v1.attachment.compression": "gzip" },
      },
      PARAMS,
    ],
  });
  await rejectsWith(
    openExperiment(bytes),
    "INVALID_ARTIFACT",
    /Unsupported Attachment compression/i,
  );
});

async function withAttachments(): Promise<Uint8Array> {
  const config = {
    ...minimalConfig(2),
    attachments: {
      entries: { "../x": 0, "/etc/passwd": 0, notes: 1 },
      filenames: { notes: "notes.txt" },
    },
  };
  return (await buildTestArchive({
    config,
    layers: [
      { mediaType: "application/json", bytes: te.encode('{"a": NaN}') },
      { mediaType: "text/plain", bytes: te.encode("hello") },
      PARAMS,
    ],
  })).bytes;
}

Deno.test("read: typed getters check the media type before reading", async () => {
  const exp = await openExperiment(await withAttachments());
  await rejectsWith(exp.getInstance("notes"), "MEDIA_TYPE_MISMATCH", /got 'text\/plain'/);
  await rejectsWith(exp.getSolution("notes"), "MEDIA_TYPE_MISMATCH", /notes/);
  await rejectsWith(
    exp.getJson("notes"),
    "MEDIA_TYPE_MISMATCH",
    /expected media type 'application\/json'/,
  );
  await rejectsWith(
    exp.getWithCodec(
      { mediaType: "text/csv", encode: (v: Uint8Array) => v, decode: (b) => b },
      "notes",
    ),
    "MEDIA_TYPE_MISMATCH",
    /expected media type 'text\/csv', got 'text\/plain'/,
  );
  await rejectsWith(exp.getBlob("nope"), "ATTACHMENT_NOT_FOUND", /"nope"/);
  assert.throws(() => exp.attachmentMediaType("nope"), { code: "ATTACHMENT_NOT_FOUND" });
  assert.deepEqual(await exp.getJson("../x"), { a: NaN });
});

Deno.test("read: writeAttachment never leaves the directory and never overwrites silently", async () => {
  const exp = await openExperiment(await withAttachments());
  const dir = await Deno.makeTempDir();
  const outside = join(dir, "..", "x");
  try {
    const p1 = await exp.writeAttachment("../x", dir);
    assert.equal(p1, join(dir, "x"));
    const p2 = await exp.writeAttachment("/etc/passwd", dir);
    assert.equal(p2, join(dir, "passwd"));
    const p3 = await exp.writeAttachment("notes", dir);
    assert.equal(p3, join(dir, "notes.txt"));
    assert.equal(await Deno.readTextFile(p3), "hello");
    await rejectsWith(exp.writeAttachment("notes", dir), "ALREADY_EXISTS", /notes\.txt/);
    assert.equal(await Deno.readTextFile(p3), "hello");
    await exp.writeAttachment("notes", dir, { overwrite: true });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "notes.txt",
      "passwd",
      "x",
    ]);
    await assert.rejects(Deno.stat(outside), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
