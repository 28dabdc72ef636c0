// verifyBytesNow: the size first (always), the digest only once a synchronous hash is
// registered, with verifyBytes's errors; and verifyBytes, which now goes through it.
import assert from "node:assert/strict";
import { DigestMismatchError, SizeMismatchError } from "../errors.ts";
import { createHasher, digestOf, verifyBytes } from "./digest.ts";
import { registerSha256HexNow, verifyBytesNow } from "./_verify_now.ts";

Deno.test("verifyBytesNow: the size is checked first, then the digest once a hash is registered", async () => {
  const bytes = new TextEncoder().encode("payload");
  const good = { digest: await digestOf(bytes), size: bytes.length };
  const other = { digest: await digestOf(new Uint8Array(3)), size: bytes.length };
  await createHasher(); // loads node:crypto, which registers its hash
  assert.equal(verifyBytesNow(bytes, good), true);
  assert.throws(
    () => verifyBytesNow(bytes, { ...other, size: bytes.length + 1 }),
    (e) => e instanceof SizeMismatchError && e.code === "SIZE_MISMATCH",
  );
  assert.throws(() => verifyBytesNow(bytes, other), (e) => {
    assert.ok(e instanceof DigestMismatchError);
    assert.equal(e.expected, other.digest);
    assert.equal(e.actual, good.digest);
    return true;
  });
  // verifyBytes gives the same errors (it goes through verifyBytesNow).
  await verifyBytes(bytes, good);
  await assert.rejects(verifyBytes(bytes, other), DigestMismatchError);
  await assert.rejects(verifyBytes(bytes, { ...good, size: 1 }), SizeMismatchError);
});

Deno.test("verifyBytesNow: every byte counts, for sizes 0 to 300", async () => {
  await createHasher();
  for (let n = 0; n <= 300; n += 23) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 13 + n) % 256);
    const expected = { digest: await digestOf(bytes), size: n };
    assert.equal(verifyBytesNow(bytes, expected), true, `size ${n}`);
    for (let i = 0; i < n; i += 37) {
      const bad = bytes.slice();
      bad[i]! ^= 1;
      assert.throws(
        () => verifyBytesNow(bad, expected),
        DigestMismatchError,
        `size ${n}, byte ${i}`,
      );
    }
  }
});

Deno.test("verifyBytesNow: false (nothing hashed) while no hash is registered; a registered hash is the one used", async () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const expected = { digest: await digestOf(bytes), size: 3 };
  // A fresh instance of the module, with nothing registered: the size still throws.
  const fresh =
    (await import("./_verify_now.ts?unregistered")) as typeof import("./_verify_now.ts");
  assert.equal(fresh.verifyBytesNow(bytes, expected), false);
  assert.equal(fresh.verifyBytesNow(bytes, { digest: "sha256:x", size: 3 }), false);
  assert.throws(() => fresh.verifyBytesNow(bytes, { ...expected, size: 2 }), SizeMismatchError);
  await createHasher();
  let calls = 0;
  // A registered hash is what it uses: a wrong one is a mismatch, a counting one is called.
  registerSha256HexNow(() => {
    calls++;
    return "0".repeat(64);
  });
  try {
    assert.throws(() => verifyBytesNow(bytes, expected), DigestMismatchError);
    assert.equal(calls, 1);
    assert.throws(() => verifyBytesNow(bytes, { ...expected, size: 4 }), SizeMismatchError);
    assert.equal(calls, 1, "the size is checked before hashing");
  } finally {
    const { createHash } = await import("node:crypto");
    registerSha256HexNow((b) => createHash("sha256").update(b).digest("hex"));
  }
  assert.equal(verifyBytesNow(bytes, expected), true);
});

Deno.test("verifyBytesNow: digests that differ from the actual one only in their prefix or length are refused", async () => {
  await createHasher();
  const bytes = new TextEncoder().encode("x");
  const hex = (await digestOf(bytes)).slice(7);
  for (
    const digest of [
      `sha512:${hex}`,
      `SHA256:${hex}`,
      `sha256:${hex.toUpperCase()}`,
      `sha256:${hex}0`,
      `sha256:0${hex}`,
      `sha256:${hex.slice(1)}`,
      `sha256::${hex}`,
      `xsha256:${hex}`,
      hex,
      ` ${hex}`.padStart(71, "sha256:"),
    ]
  ) {
    assert.throws(() => verifyBytesNow(bytes, { digest, size: 1 }), (e) => {
      assert.ok(e instanceof DigestMismatchError, digest);
      assert.equal(e.expected, digest);
      assert.equal(e.actual, `sha256:${hex}`);
      return true;
    });
  }
  assert.equal(verifyBytesNow(bytes, { digest: `sha256:${hex}`, size: 1 }), true);
});
