import assert from "node:assert/strict";
import {
  BlobNotFoundError,
  DigestMismatchError,
  InvalidArgumentError,
  SizeMismatchError,
} from "../../errors.ts";
import { digestOf } from "../digest.ts";
import { MemoryTarget } from "./memory.ts";

const enc = new TextEncoder();
const is = (cls: abstract new (...a: never[]) => Error, code: string) => (e: unknown) =>
  e instanceof cls && (e as { code?: string }).code === code;

Deno.test("memory: push verifies, fetch returns private copies", async () => {
  const t = new MemoryTarget();
  const bytes = enc.encode("abc");
  const d = { mediaType: "text/plain", digest: await digestOf(bytes), size: 3 };
  await assert.rejects(t.push(d, enc.encode("abd")), is(DigestMismatchError, "DIGEST_MISMATCH"));
  await assert.rejects(t.push(d, enc.encode("ab")), is(SizeMismatchError, "SIZE_MISMATCH"));
  await assert.rejects(
    t.push(d, ReadableStream.from([enc.encode("abcd")])),
    is(SizeMismatchError, "SIZE_MISMATCH"),
  );
  assert.equal(await t.exists(d), false);
  await t.push(d, ReadableStream.from([enc.encode("a"), enc.encode("bc")]));
  const got = await t.fetch(d);
  got[0] = 0;
  assert.deepEqual(await t.fetch(d), bytes);
  assert.deepEqual(await Array.fromAsync(t.fetchStream(d)), [bytes]);
  await assert.rejects(t.fetch({ ...d, size: 4 }), is(SizeMismatchError, "SIZE_MISMATCH"));
});

Deno.test("memory: tags and resolve", async () => {
  const t = new MemoryTarget();
  const bytes = enc.encode("m");
  const d = { mediaType: "x", digest: await digestOf(bytes), size: 1 };
  await assert.rejects(t.resolve(), is(InvalidArgumentError, "INVALID_ARGUMENT"));
  await assert.rejects(t.tag(d, "v1"), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  await t.push(d, bytes);
  await t.tag(d, "v1");
  assert.deepEqual(await t.resolve(), d);
  await t.tag(d, "v2");
  await assert.rejects(t.resolve(), is(InvalidArgumentError, "INVALID_ARGUMENT"));
  await assert.rejects(t.resolve("v3"), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  const missing = { ...d, digest: "sha256:" + "0".repeat(64) };
  await assert.rejects(t.fetch(missing), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  await assert.rejects(
    Array.fromAsync(t.fetchStream(missing)),
    is(BlobNotFoundError, "BLOB_NOT_FOUND"),
  );
});
