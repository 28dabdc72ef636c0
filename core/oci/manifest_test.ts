import assert from "node:assert/strict";
import { InvalidArtifactError } from "../errors.ts";
import { digestOf } from "./digest.ts";
import { encodeManifest, parseManifest } from "./manifest.ts";

const enc = new TextEncoder();
const isInvalid = (e: unknown) =>
  e instanceof InvalidArtifactError && e.code === "INVALID_ARTIFACT";

// Canonical manifest bytes (a constructed vector).
const SPEC_46 =
  '{"artifactType":"application/org.ommx.v1.experiment","config":{"digest":"sha256:ff04dbf425dd7f91178d8ac6f62fee60734a5c0b469507ddde7b633a1af4c314","mediaType":"application/org.ommx.v1.experiment.config+json","size":79},"layers":[{"annotations":{},"digest":"sha256:a4594697ba8cb4d644259a9b5ff119d08547a9a3f10e7dc268e9e84d6d2bb5d7","mediaType":"application/org.ommx.v1.experiment.run-parameters+msgpack","size":10}],"schemaVersion":2}';

Deno.test("manifest: parse → encode reproduces the canonical bytes; raw bytes kept", () => {
  const bytes = enc.encode(SPEC_46);
  const parsed = parseManifest(bytes);
  assert.equal(parsed.bytes, bytes);
  assert.equal(parsed.manifest.layers.length, 1);
  assert.deepEqual(parsed.manifest.layers[0]?.annotations, {});
  assert.equal(new TextDecoder().decode(encodeManifest(parsed.manifest)), SPEC_46);
});

Deno.test("manifest: any key order and whitespace; struct-order v2 manifests; all keys sorted", async () => {
  const d = "sha256:" + "1".repeat(64);
  const text = `{
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "artifactType": "application/org.ommx.v1.artifact",
    "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "${d}", "size": 2},
    "layers": [{"size": 5, "digest": "${d}", "mediaType": "x", "urls": ["http://x"], "annotations": {"b": "2", "a": "1"}}],
    "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "${d}", "size": 9},
    "annotations": {"org.opencontainers.image.source": "s"}
  }`;
  const { manifest } = parseManifest(enc.encode(text));
  assert.equal(manifest.subject?.size, 9);
  const out = new TextDecoder().decode(encodeManifest(manifest));
  assert.ok(
    out.startsWith('{"annotations":{"org.opencontainers.image.source":"s"},"artifactType":'),
  );
  assert.ok(out.includes('"annotations":{"a":"1","b":"2"},"digest"'));
  assert.ok(
    out.endsWith(
      `"schemaVersion":2,"subject":{"digest":"${d}","mediaType":"application/vnd.oci.image.manifest.v1+json","size":9}}`,
    ),
  );
  assert.ok(!out.includes("urls"));
  assert.equal(
    await digestOf(encodeManifest(parseManifest(enc.encode(out)).manifest)),
    await digestOf(enc.encode(out)),
  );
});

Deno.test("manifest: invalid manifests are InvalidArtifactError", () => {
  const d = "sha256:" + "1".repeat(64);
  const cfg = `{"mediaType":"a","digest":"${d}","size":2}`;
  const bad = [
    "not json",
    "[]",
    `{"schemaVersion":1,"config":${cfg},"layers":[]}`,
    `{"schemaVersion":2,"layers":[]}`,
    `{"schemaVersion":2,"config":${cfg}}`,
    `{"schemaVersion":2,"config":${cfg},"layers":{}}`,
    `{"schemaVersion":2,"mediaType":"application/vnd.oci.artifact.manifest.v1+json","config":${cfg},"layers":[]}`,
    `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":${cfg},"layers":[]}`,
    `{"schemaVersion":2,"config":{"mediaType":"a","digest":"sha256:${
      "A".repeat(64)
    }","size":2},"layers":[]}`,
    `{"schemaVersion":2,"config":{"mediaType":"a","digest":"${d}","size":-1},"layers":[]}`,
    `{"schemaVersion":2,"config":{"mediaType":"a","digest":"${d}","size":1.5},"layers":[]}`,
    `{"schemaVersion":2,"config":{"mediaType":"a","digest":"${d}","size":9007199254740992},"layers":[]}`,
    `{"schemaVersion":2,"config":{"digest":"${d}","size":1},"layers":[]}`,
    `{"schemaVersion":2,"config":${cfg},"layers":[{"mediaType":"a","digest":"${d}","size":1,"annotations":{"k":1}}]}`,
    `{"schemaVersion":2,"config":${cfg},"layers":[],"artifactType":5}`,
  ];
  for (const text of bad) assert.throws(() => parseManifest(enc.encode(text)), isInvalid, text);
  assert.throws(() => parseManifest(new Uint8Array([0xff, 0xfe])), isInvalid);
  // An invalid byte inside a string (which a lenient decoder would make U+FFFD) is refused;
  // a real U+FFFD is text.
  const withMark = `{"schemaVersion":2,"config":${cfg},"layers":[],"artifactType":"a\ufffdb"}`;
  assert.equal(parseManifest(enc.encode(withMark)).manifest.artifactType, "a\ufffdb");
  const invalid = enc.encode(withMark.replace("a\ufffdb", "a_b"));
  invalid[invalid.indexOf(0x5f)] = 0xff;
  assert.throws(() => parseManifest(invalid), {
    code: "INVALID_ARTIFACT",
    message: "manifest: not valid UTF-8",
  });
});

Deno.test("manifest: layers checked as parseDescriptor checks them, the message naming the layer", async () => {
  const { parseDescriptor } = await import("./descriptor.ts");
  const d = "sha256:" + "2".repeat(64);
  const good = [
    { mediaType: "x", digest: d, size: 1, annotations: { b: "2", a: "1", "1": "n" }, urls: [] },
    { size: 3, digest: d, mediaType: "y", annotations: {}, artifactType: "t" },
    { mediaType: "z", digest: d, size: 0 },
    JSON.parse(
      `{"mediaType":"p","digest":"${d}","size":2,"annotations":{"__proto__":"v","k":"w"}}`,
    ),
  ];
  const manifest = (layers: unknown[]) =>
    enc.encode(JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: "c", digest: d, size: 2 },
      layers,
    }));
  const parsed = parseManifest(manifest(good)).manifest.layers;
  good.forEach((l, i) => {
    const expected = parseDescriptor(JSON.parse(JSON.stringify(l)), "l");
    assert.deepEqual(parsed[i], expected);
    assert.deepEqual(Object.keys(parsed[i]!), Object.keys(expected));
    assert.deepEqual(
      Object.keys(parsed[i]!.annotations ?? {}),
      Object.keys(expected.annotations ?? {}),
    );
  });
  const cases: [unknown, string][] = [
    [1, "manifest.layers[4]: must be an object"],
    [{ mediaType: 1, digest: d, size: 1 }, "manifest.layers[4].mediaType: must be a string"],
    [
      { mediaType: "x", digest: "sha256:00", size: 1 },
      'manifest.layers[4].digest: invalid digest "sha256:00"',
    ],
    [{ mediaType: "x", digest: d, size: -1 }, "manifest.layers[4].size: must be a non-negative"],
    [
      { mediaType: "x", digest: d, size: 1, annotations: [] },
      "manifest.layers[4].annotations: must be an object",
    ],
    [
      { mediaType: "x", digest: d, size: 1, annotations: { a: "1", b: 2 } },
      'manifest.layers[4].annotations["b"]: must be a string',
    ],
    [
      { mediaType: "x", digest: d, size: 1, artifactType: 3 },
      "manifest.layers[4].artifactType: must be a string",
    ],
  ];
  for (const [bad, message] of cases) {
    assert.throws(() => parseManifest(manifest([...good, bad])), (e: unknown) => {
      assert.ok(isInvalid(e));
      assert.ok((e as Error).message.startsWith(message), (e as Error).message);
      return true;
    });
  }
});

Deno.test("manifest: layers keep their keys in order, with or without annotations and artifactType", () => {
  const layer = (extra: Record<string, unknown>) => ({
    mediaType: "application/x",
    digest: `sha256:${"a".repeat(64)}`,
    size: 1,
    ...extra,
  });
  const doc = {
    schemaVersion: 2,
    config: layer({}),
    layers: [
      layer({}),
      layer({ annotations: { k: "v" } }),
      layer({ artifactType: "t" }),
      layer({ annotations: {}, artifactType: "t" }),
    ],
  };
  const { manifest } = parseManifest(new TextEncoder().encode(JSON.stringify(doc)));
  assert.deepEqual(manifest.layers.map((l) => Object.keys(l)), [
    ["mediaType", "digest", "size"],
    ["mediaType", "digest", "size", "annotations"],
    ["mediaType", "digest", "size", "artifactType"],
    ["mediaType", "digest", "size", "annotations", "artifactType"],
  ]);
  assert.deepEqual(manifest.layers[1]!.annotations, { k: "v" });
  assert.ok(manifest.layers.every((l) => l.mediaType === "application/x"));
});
