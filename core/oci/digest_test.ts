import assert from "node:assert/strict";
import { DigestMismatchError, InvalidDigestError, SizeMismatchError } from "../errors.ts";
import {
  createHasher,
  createVerifyingStream,
  digestOf,
  isDigest,
  parseDigest,
  sha256Hex,
  validateDigest,
  verify,
  verifyBytes,
} from "./digest.ts";

const enc = new TextEncoder();
const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const is = (cls: abstract new (...a: never[]) => Error, code: string) => (e: unknown) =>
  e instanceof cls && (e as { code?: string }).code === code;

Deno.test("digest: parse and validate", () => {
  assert.deepEqual(parseDigest(`sha256:${ABC}`), { algorithm: "sha256", hex: ABC });
  for (
    const bad of [
      "",
      ABC,
      `:${ABC}`,
      `sha512:${ABC}`,
      `SHA256:${ABC}`,
      `sha256:${ABC.toUpperCase()}`,
      `sha256:${ABC}0`,
      `sha256:${ABC.slice(1)}`,
      `sha256:${ABC.slice(1)}g`,
    ]
  ) {
    assert.throws(() => validateDigest(bad), is(InvalidDigestError, "INVALID_DIGEST"), bad);
    assert.equal(isDigest(bad), false);
  }
  assert.equal(isDigest(`sha256:${ABC}`), true);
  assert.equal(isDigest(42), false);
});

Deno.test("digest: known vectors; incremental equals one-shot", async () => {
  assert.equal(await sha256Hex(enc.encode("abc")), ABC);
  assert.equal(
    await digestOf(new Uint8Array()),
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  const data = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
  const h = await createHasher();
  for (let i = 0; i < data.length; i += 7777) h.update(data.subarray(i, i + 7777));
  assert.equal(await h.digestHex(), await sha256Hex(data));
  // WebCrypto agrees.
  const web = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  assert.equal(
    await sha256Hex(data),
    Array.from(web, (b) => b.toString(16).padStart(2, "0")).join(""),
  );
});

Deno.test("digest: a hasher's copy continues from the same state, independently", async () => {
  const h = await createHasher();
  h.update(enc.encode("a"));
  const c1 = h.copy();
  h.update(enc.encode("b"));
  const c2 = h.copy();
  c1.update(enc.encode("bc"));
  c2.update(enc.encode("c"));
  h.update(enc.encode("x"));
  const c3 = c2.copy();
  assert.equal(await c1.digestHex(), ABC);
  assert.equal(await c2.digestHex(), ABC);
  assert.equal(await c3.digestHex(), ABC); // copied before c2 was finished
  assert.equal(await h.digestHex(), await sha256Hex(enc.encode("abx")));
});

Deno.test("digest: verifyBytes, verify and the verifying stream", async () => {
  const data = enc.encode("hello world");
  const good = { digest: await digestOf(data), size: data.length };
  await verifyBytes(data, good);
  await assert.rejects(
    verifyBytes(data, { ...good, size: 10 }),
    is(SizeMismatchError, "SIZE_MISMATCH"),
  );
  await assert.rejects(
    verifyBytes(data, { ...good, digest: `sha256:${ABC}` }),
    is(DigestMismatchError, "DIGEST_MISMATCH"),
  );
  await verify(ReadableStream.from([data.subarray(0, 3), data.subarray(3)]), good);
  await verify([data], good);
  await assert.rejects(verify([data, data], good), is(SizeMismatchError, "SIZE_MISMATCH"));
  await assert.rejects(verify([data.subarray(1)], good), is(SizeMismatchError, "SIZE_MISMATCH"));
  const flipped = data.slice();
  flipped[0] = 0x48; // "H"
  await assert.rejects(
    verify(ReadableStream.from([flipped]), good),
    is(DigestMismatchError, "DIGEST_MISMATCH"),
  );
  const through = await Array.fromAsync(
    ReadableStream.from([data.subarray(0, 5), data.subarray(5)]).pipeThrough(
      createVerifyingStream(good),
    ),
  );
  assert.equal(through.length, 2);
  await assert.rejects(
    Array.fromAsync(ReadableStream.from([flipped]).pipeThrough(createVerifyingStream(good))),
    is(DigestMismatchError, "DIGEST_MISMATCH"),
  );
  await assert.rejects(
    Array.fromAsync(ReadableStream.from([data, data]).pipeThrough(createVerifyingStream(good))),
    is(SizeMismatchError, "SIZE_MISMATCH"),
  );
});

Deno.test("digest: verify of 64 MiB is fast (native hashing in use)", async () => {
  const chunk = new Uint8Array(1 << 20).fill(1);
  const chunks = Array.from({ length: 64 }, () => chunk);
  const h = await createHasher();
  for (const c of chunks) h.update(c);
  const expected = { digest: `sha256:${await h.digestHex()}`, size: 64 << 20 };
  const t0 = performance.now();
  await verify(chunks, expected);
  const ms = performance.now() - t0;
  // Generous bound for a shared CI machine: ≥ 100 MiB/s.
  assert.ok(ms < 640, `verify of 64 MiB took ${ms.toFixed(0)} ms`);
});

Deno.test("digest: one-shot hashes agree with node:crypto, through WebCrypto first and node:crypto after", async () => {
  const { createHash } = await import("node:crypto");
  const shared = new Uint8Array(new SharedArrayBuffer(64)).fill(7);
  const inputs = [
    ...Array.from({ length: 70 }, (_, n) => new Uint8Array(n * 29).map((_, i) => i * n)),
    new Uint8Array(1 << 20).fill(1).subarray(3, 1000003),
    shared.subarray(5, 50),
  ];
  for (const bytes of inputs) {
    assert.equal(await sha256Hex(bytes), createHash("sha256").update(bytes).digest("hex"));
  }
});

Deno.test("digest: verifyBytes once node:crypto is loaded gives the same answers and errors as before", async () => {
  const { webCryptoHex } = await import("./_web_hash.ts");
  await createHasher(); // loads node:crypto: verifyBytes and sha256Hex then hash without awaits
  for (const n of [0, 1, 55, 64, 1000]) {
    const bytes = new Uint8Array(n).map((_, i) => i * 13 + n);
    const digest = `sha256:${await webCryptoHex(bytes)}`;
    assert.equal(await sha256Hex(bytes), digest.slice(7));
    assert.equal(await digestOf(bytes), digest);
    await verifyBytes(bytes, { digest, size: n });
    await assert.rejects(verifyBytes(bytes, { digest, size: n + 1 }), (e: unknown) => {
      assert.ok(is(SizeMismatchError, "SIZE_MISMATCH")(e), String(e));
      return true;
    });
    if (n === 0) continue;
    const changed = bytes.map((b, i) => i === n >> 1 ? b ^ 1 : b);
    const actual = `sha256:${await webCryptoHex(changed)}`;
    await assert.rejects(verifyBytes(changed, { digest, size: n }), (e: unknown) => {
      assert.ok(is(DigestMismatchError, "DIGEST_MISMATCH")(e), String(e));
      assert.equal((e as DigestMismatchError).expected, digest);
      assert.equal((e as DigestMismatchError).actual, actual);
      assert.equal(
        (e as Error).message,
        `Digest mismatch: expected ${digest}, content hashes to ${actual}`,
      );
      return true;
    });
  }
});
