import assert from "node:assert/strict";
import { InvalidArtifactError } from "../errors.ts";
import { encodeImageIndex, parseImageIndex } from "./image_index.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const D = "sha256:" + "c".repeat(64);

Deno.test("image index: struct-order encoding matches the reference bytes", () => {
  const text =
    `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${D}","size":451,"annotations":{"org.opencontainers.image.ref.name":"ghcr.io/jij-inc/ommx/demo:v1"}}]}`;
  // Parse from a differently ordered, whitespace-laden form.
  const messy =
    `{ "manifests": [ { "annotations": {"org.opencontainers.image.ref.name": "ghcr.io/jij-inc/ommx/demo:v1"},
    "size": 451, "digest": "${D}", "mediaType": "application/vnd.oci.image.manifest.v1+json" } ],
    "mediaType": "application/vnd.oci.image.index.v1+json", "schemaVersion": 2 }`;
  assert.equal(dec.decode(encodeImageIndex(parseImageIndex(enc.encode(messy)))), text);
});

Deno.test("image index: v2-era index without mediaType round-trips without it", () => {
  const text =
    `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${D}","size":675}]}`;
  const index = parseImageIndex(enc.encode(text));
  assert.equal(index.mediaType, undefined);
  assert.equal(dec.decode(encodeImageIndex(index)), text);
});

Deno.test("image index: invalid documents", () => {
  for (
    const text of [
      "",
      "{}",
      `{"schemaVersion":2}`,
      `{"schemaVersion":3,"manifests":[]}`,
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","manifests":[]}`,
      `{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:00","size":1}]}`,
      `{"schemaVersion":2,"manifests":[],"annotations":[]}`,
    ]
  ) {
    assert.throws(
      () => parseImageIndex(enc.encode(text)),
      (e: unknown) => e instanceof InvalidArtifactError && e.code === "INVALID_ARTIFACT",
      text,
    );
  }
});
