import assert from "node:assert/strict";
import { unpackTar } from "npm:modern-tar@0.8.6";
import { InvalidArgumentError, SizeMismatchError } from "../../errors.ts";
import { encodeOciLayout } from "../layout.ts";
import { buildTar, createTarStream, encodeTarHeader, endOfArchive, TarWriter } from "./writer.ts";

const ascii = (b: Uint8Array) => new TextDecoder().decode(b);
const allZero = (b: Uint8Array) => b.every((x) => x === 0);

Deno.test("writer: header fields are byte-exact (the OMMX archive header rules)", () => {
  const h = encodeTarHeader("oci-layout", 30);
  assert.equal(h.length, 512);
  assert.equal(ascii(h.subarray(0, 10)), "oci-layout");
  assert.ok(allZero(h.subarray(10, 100)));
  assert.equal(ascii(h.subarray(100, 108)), "0000644\0");
  assert.ok(allZero(h.subarray(108, 124)), "uid/gid all NUL");
  assert.equal(ascii(h.subarray(124, 136)), "00000000036\0");
  assert.equal(ascii(h.subarray(136, 148)), "00000000000\0");
  assert.equal(ascii(h.subarray(148, 156)), "0006514\0");
  assert.equal(h[156], 0x30);
  assert.ok(allZero(h.subarray(157, 257)));
  assert.equal(ascii(h.subarray(257, 265)), "ustar\u000000");
  assert.ok(allZero(h.subarray(265, 512)));
});

Deno.test("writer: an OMMX-shaped archive has padded members and exactly 1024 trailing zeros", async () => {
  const layout = encodeOciLayout();
  const blob = new Uint8Array(513).fill(7);
  const tar = await buildTar([
    { name: "oci-layout", size: layout.length, body: layout },
    { name: "blobs/sha256/" + "a".repeat(64), size: blob.length, body: blob },
  ]);
  assert.equal(tar.length, 512 + 512 + 512 + 1024 + 1024);
  assert.deepEqual(tar.subarray(512, 542), layout);
  assert.ok(allZero(tar.subarray(542, 1024)));
  assert.ok(allZero(tar.subarray(tar.length - 1024)));
  assert.equal(tar[1536 + 512], 7, "513th data byte");
  assert.ok(allZero(tar.subarray(1536 + 513, 1536 + 1024)), "padding");
  const parsed = await unpackTar(tar, { strict: true });
  assert.deepEqual(parsed.map((e) => [e.header.name, e.header.size, e.header.mode]), [
    ["oci-layout", 30, 0o644],
    ["blobs/sha256/" + "a".repeat(64), 513, 0o644],
  ]);
  assert.deepEqual(parsed[1]?.data, blob);
});

Deno.test("writer: streaming bodies, TarWriter over a WritableStream, createTarStream", async () => {
  const body = () =>
    ReadableStream.from([new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])]);
  const a = await buildTar([{ name: "s", size: 3, body: body() }]);
  const b = new Uint8Array(
    await new Response(createTarStream([{ name: "s", size: 3, body: body() }])).arrayBuffer(),
  );
  assert.deepEqual(a, b);
  const chunks: Uint8Array[] = [];
  const w = new TarWriter(new WritableStream({ write: (c) => void chunks.push(c) }));
  await w.add({ name: "s", size: 3, body: body() });
  await w.close();
  assert.deepEqual(new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()), a);
  assert.deepEqual(endOfArchive(), new Uint8Array(1024));
});

Deno.test("writer: size lies and bad names are rejected", async () => {
  const w = new TarWriter({ write: () => {} });
  await assert.rejects(
    w.add({ name: "x", size: 2, body: new Uint8Array(3) }),
    (e: unknown) => e instanceof SizeMismatchError && e.code === "SIZE_MISMATCH",
  );
  await assert.rejects(
    w.add({ name: "x", size: 2, body: ReadableStream.from([new Uint8Array(3)]) }),
    (e: unknown) => e instanceof SizeMismatchError && e.code === "SIZE_MISMATCH",
  );
  await assert.rejects(
    w.add({ name: "x", size: 4, body: ReadableStream.from([new Uint8Array(3)]) }),
    (e: unknown) => e instanceof SizeMismatchError && e.code === "SIZE_MISMATCH",
  );
  for (const name of ["", "a".repeat(101), "a\0b"]) {
    assert.throws(
      () => encodeTarHeader(name, 0),
      (e: unknown) => e instanceof InvalidArgumentError && e.code === "INVALID_ARGUMENT",
    );
  }
  assert.throws(() => encodeTarHeader("x", -1), InvalidArgumentError);
  await w.close();
  await assert.rejects(w.add({ name: "x", size: 0, body: new Uint8Array() }), InvalidArgumentError);
});

Deno.test("writer: sizes of 8 GiB and more use base-256", () => {
  const h = encodeTarHeader("big", 8 * 2 ** 30);
  assert.equal(h[124], 0x80);
  assert.deepEqual([...h.subarray(131, 136)], [0x02, 0x00, 0x00, 0x00, 0x00]);
});
