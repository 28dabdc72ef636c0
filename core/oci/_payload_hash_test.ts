import assert from "node:assert/strict";
import { createHasher, verifyBytes } from "./digest.ts";
import {
  createPayloadHasher,
  hashedCopy,
  payloadDigestNow,
  payloadDigestOf,
  payloadSha256Hex,
  verifyPayload,
  verifyVouchedPayload,
} from "./_payload_hash.ts";
import { DigestMismatchError, SizeMismatchError } from "../errors.ts";
import { randomBytes } from "../_random_test_util.ts";

/** SHA-256 by the incremental hasher (node:crypto under Deno; `sha256Hex` starts on WebCrypto). */
async function nodeHex(bytes: Uint8Array): Promise<string> {
  const h = await createHasher();
  h.update(bytes);
  return await h.digestHex();
}

const enc = new TextEncoder();

const SIZES = [0, 1, 55, 56, 63, 64, 65, 1000, 4096, 65_537, 300_000];

Deno.test("payload hashes: the same digests as node:crypto's, also for views into a larger buffer", async () => {
  for (const [i, n] of SIZES.entries()) {
    const bytes = randomBytes(n, i + 1);
    assert.equal(await payloadSha256Hex(bytes), await nodeHex(bytes), `size ${n}`);
    const wide = randomBytes(n + 7, i + 100);
    const view = wide.subarray(3, 3 + n);
    assert.equal(await payloadSha256Hex(view), await nodeHex(view.slice()), `view of ${n}`);
    assert.equal(await payloadDigestOf(view), `sha256:${await nodeHex(view.slice())}`);
  }
});

Deno.test("payload hasher: pieces and copies give node:crypto's digests", async () => {
  for (const [i, n] of SIZES.entries()) {
    const bytes = randomBytes(n, i + 7);
    const cut = Math.floor(n / 3);
    const ours = await createPayloadHasher();
    const theirs = await createHasher();
    for (const h of [ours, theirs]) h.update(bytes.subarray(0, cut));
    const oursCopy = ours.copy();
    const theirsCopy = theirs.copy();
    for (const h of [ours, theirs]) h.update(bytes.subarray(cut));
    oursCopy.update(new Uint8Array([n & 0xff]));
    theirsCopy.update(new Uint8Array([n & 0xff]));
    assert.equal(await ours.digestHex(), await theirs.digestHex(), `size ${n}`);
    assert.equal(
      await oursCopy.digestHex(),
      await theirsCopy.digestHex(),
      `copy at ${cut} of ${n}`,
    );
  }
});

Deno.test("payloadDigestNow: node:crypto's digest up to 64 KiB, none above", async () => {
  for (const [i, n] of [...SIZES, 65_536].entries()) {
    const view = randomBytes(n + 5, i + 200).subarray(2, 2 + n);
    const now = payloadDigestNow(view);
    if (n > 65_536) assert.equal(now, undefined, `size ${n}`);
    else assert.equal(now, `sha256:${await nodeHex(view.slice())}`, `size ${n}`);
  }
});

Deno.test("verifyPayload: the same outcome and error as verifyBytes, small and large, as a rejection", async () => {
  for (const n of [5000, 70_000]) {
    const bytes = randomBytes(n, 3);
    const digest = await payloadDigestOf(bytes);
    const other = randomBytes(n, 4);
    const cases = [
      { bytes, expected: { digest, size: n } },
      { bytes, expected: { digest, size: n - 1 } },
      { bytes: other, expected: { digest, size: n } },
    ];
    for (const { bytes, expected } of cases) {
      // Never a synchronous throw: the caller awaits a promise either way.
      const pending = verifyPayload(bytes, expected);
      assert.ok(pending instanceof Promise);
      const ours = await pending.then(() => undefined, (e) => e);
      const theirs = await verifyBytes(bytes, expected).then(() => undefined, (e) => e);
      assert.equal(ours?.constructor, theirs?.constructor);
      assert.equal(ours?.code, theirs?.code);
      assert.equal(ours?.message, theirs?.message);
    }
  }
});

Deno.test("hashedCopy: a private copy, hashed; its one verification checks the size, not the hash", async () => {
  const bytes = enc.encode("a payload");
  const digest = await payloadDigestOf(bytes);
  const copy = hashedCopy(bytes);
  assert.ok(copy !== undefined); // under Deno, a small payload
  assert.notEqual(copy.bytes, bytes);
  assert.equal(copy.digest, digest);
  bytes.fill(0); // the caller's buffer changes nothing in the copy
  assert.deepEqual(copy.bytes, enc.encode("a payload"));
  // Vouched for: not re-hashed (changed behind the vouch, it still passes, once).
  copy.bytes[0] = 0x41;
  await verifyVouchedPayload(copy.bytes, { digest, size: copy.bytes.length });
  await assert.rejects(
    verifyVouchedPayload(copy.bytes, { digest, size: copy.bytes.length }),
    DigestMismatchError,
  );
  // The size is still checked, and a digest other than the vouched one is hashed.
  const a = hashedCopy(enc.encode("abc"))!;
  await assert.rejects(
    verifyVouchedPayload(a.bytes, { digest: a.digest, size: 4 }),
    SizeMismatchError,
  );
  const b = hashedCopy(enc.encode("abc"))!;
  await assert.rejects(verifyVouchedPayload(b.bytes, { digest, size: 3 }), DigestMismatchError);
  // Arrays not made by hashedCopy are hashed as before.
  await assert.rejects(
    verifyVouchedPayload(enc.encode("abd"), { digest: a.digest, size: 3 }),
    DigestMismatchError,
  );
  await verifyVouchedPayload(enc.encode("abc"), { digest: a.digest, size: 3 });
});

Deno.test("hashedCopy: none for a large payload or for what is not a Uint8Array", () => {
  assert.equal(hashedCopy(new Uint8Array(64 * 1024 + 1)), undefined);
  assert.ok(hashedCopy(new Uint8Array(64 * 1024)) !== undefined);
  assert.equal(hashedCopy([1, 2, 3] as unknown as Uint8Array), undefined);
});
