import assert from "node:assert/strict";
import { InvalidArtifactError, InvalidDigestError } from "../errors.ts";
import { blobPath, digestFromBlobPath, encodeOciLayout, parseOciLayout } from "./layout.ts";

const enc = new TextEncoder();

Deno.test("layout: exact 30-byte encoding and parsing", () => {
  const bytes = encodeOciLayout();
  assert.equal(bytes.length, 30);
  assert.equal(new TextDecoder().decode(bytes), '{"imageLayoutVersion":"1.0.0"}');
  assert.deepEqual(parseOciLayout(bytes), { imageLayoutVersion: "1.0.0" });
  assert.deepEqual(parseOciLayout(enc.encode(' {"imageLayoutVersion" : "1.0.0", "x": 1}\n')), {
    imageLayoutVersion: "1.0.0",
  });
});

Deno.test("layout: other versions and malformed headers are InvalidArtifactError", () => {
  for (
    const text of ['{"imageLayoutVersion":"1.1.0"}', "{}", "[]", "x", '{"imageLayoutVersion":1}']
  ) {
    assert.throws(
      () => parseOciLayout(enc.encode(text)),
      (e: unknown) => e instanceof InvalidArtifactError && e.code === "INVALID_ARTIFACT",
      text,
    );
  }
});

Deno.test("layout: blob paths", () => {
  const hex = "e".repeat(64);
  assert.equal(blobPath(`sha256:${hex}`), `blobs/sha256/${hex}`);
  assert.throws(() => blobPath("sha256:x"), (e: unknown) => e instanceof InvalidDigestError);
  assert.equal(digestFromBlobPath(`blobs/sha256/${hex}`), `sha256:${hex}`);
  for (
    const p of [
      `/blobs/sha256/${hex}`,
      `blobs/sha256/${hex}/`,
      `blobs/sha256/${hex.toUpperCase()}`,
      `blobs/sha512/${hex}`,
      `blobs/sha256/${hex}0`,
    ]
  ) {
    assert.equal(digestFromBlobPath(p), undefined, p);
  }
});
