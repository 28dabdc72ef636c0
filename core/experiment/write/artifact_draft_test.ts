/**
 * ArtifactDraft, saveArtifact, importArchive and the Artifact read members without the Python
 * SDK: the manifest the SDK writes (sorted keys, empty config, `annotations` on every layer, no
 * `mediaType`), JSON layers as `json.dumps` writes them, names (`new`, `newAnonymous` with the
 * registry id, `temp`, `forGithub`), the one-commit rule, conflicts, import of named and unnamed
 * archives, and every error. Python reads what this writes in
 * tests/interop/registry_catalogue_test.ts.
 */
import assert from "node:assert/strict";
import {
  BlobNotFoundError,
  InvalidArgumentError,
  InvalidDigestError,
  InvalidReferenceError,
  InvalidStateError,
  MediaTypeMismatchError,
  ReferenceConflictError,
  UnsupportedError,
} from "../../errors.ts";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import { openLocalRegistry } from "../../oci/backends/local_registry.ts";
import { encodeImageIndex } from "../../oci/image_index.ts";
import { TarWriter } from "../../oci/tar/writer.ts";
import { Function, Instance, Solution } from "../../../codecs/ommx/mod.ts";
import { openArtifact } from "../read/open.ts";
import { ArtifactDraft } from "./artifact_draft.ts";
import { importArchive, pushArtifact, saveArtifact } from "./artifact_io.ts";
import { listArtifacts } from "../read/catalogue.ts";

const instance = new Instance({
  sense: "maximize",
  objective: Function.linear([[1, 3], [2, 2]]),
  decisionVariables: [1, 2].map((id) => ({
    id,
    kind: "binary" as const,
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  })),
  description: { name: "toy", authors: [] },
});

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ommx-draft-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ArtifactDraft: the SDK's manifest — empty config, layers in order with annotations, sorted keys", async () => {
  const draft = ArtifactDraft.new("example.com/d/x:v1", { store: new MemoryTarget() });
  const i = await draft.addInstance(instance);
  assert.deepEqual(i.annotations, {
    "org.ommx.v1.instance.title": "toy",
    "org.ommx.v1.instance.variables": "2",
    "org.ommx.v1.instance.constraints": "0",
  });
  const s = await draft.addSolution(Solution.evaluate(instance, new Map([[1, 1], [2, 0]])));
  assert.deepEqual(s.annotations, {});
  const j = await draft.addJson({ b: 1.5, a: [1, "é", null] }, { title: "t" }, {
    annotationNamespace: "org.example",
  });
  assert.deepEqual(j.annotations, { "org.example.title": "t" });
  const raw = await draft.addLayer("application/x-raw", new Uint8Array([1, 2]), { k: "v" });
  draft.addAnnotation("org.example.b", "2");
  draft.addAnnotation("org.example.a", "1");
  draft.addAnnotation("org.example.a", "3");
  await using artifact = await draft.commit();
  const bytes = await artifact.storage.fetch(artifact.manifestDescriptor);
  const text = new TextDecoder().decode(bytes);
  assert.ok(
    text.startsWith(
      '{"annotations":{"org.example.a":"3","org.example.b":"2"},"artifactType":"application/org.ommx.v1.artifact","config":{"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","mediaType":"application/vnd.oci.empty.v1+json","size":2},"layers":[{"annotations":{',
    ),
  );
  assert.ok(text.endsWith('"schemaVersion":2}'));
  assert.ok(!text.includes('"mediaType":"application/vnd.oci.image.manifest'));
  assert.deepEqual(artifact.layers.map((l) => l.mediaType), [
    "application/org.ommx.v2.instance",
    "application/org.ommx.v2.solution",
    "application/json",
    "application/x-raw",
  ]);
  // JSON as Python's json.dumps writes it.
  assert.equal(
    new TextDecoder().decode(await artifact.getBlob(artifact.layers[2]!)),
    '{"b": 1.5, "a": [1, "\\u00e9", null]}',
  );
  assert.deepEqual(await artifact.getJson(j), { b: 1.5, a: [1, "é", null] });
  assert.deepEqual(await artifact.getBlob(raw), new Uint8Array([1, 2]));
  // The Python read members.
  assert.equal((await artifact.instance).description?.name, "toy");
  assert.equal((await artifact.getInstance(i)).numVariables, 2);
  assert.equal((await artifact.solution).objective, 3);
  assert.deepEqual(artifact.getLayerDescriptor(raw.digest), artifact.layers[3]);
  await assert.rejects(artifact.getInstance(s), MediaTypeMismatchError);
  await assert.rejects(artifact.getJson(raw), MediaTypeMismatchError);
  await assert.rejects(artifact.sampleSet, InvalidArgumentError);
  await assert.rejects(
    artifact.getSolution({ ...s, digest: `sha256:${"0".repeat(64)}` }),
    InvalidArgumentError,
  );
  assert.throws(() => artifact.getLayerDescriptor("sha256:zz"), InvalidDigestError);
  assert.throws(() => artifact.getLayerDescriptor(`sha256:${"0".repeat(64)}`), BlobNotFoundError);
});

Deno.test("ArtifactDraft: one commit; refused inputs; a name conflict closes the draft", async () => {
  const store = new MemoryTarget();
  const draft = ArtifactDraft.new("example.com/d/once:v1", { store });
  await assert.rejects(draft.addJson({}, { k: 1 as unknown as string }), InvalidArgumentError);
  await assert.rejects(
    draft.addJson({}, { "v1.title": "x" }, { annotationNamespace: "org.ommx" }),
    InvalidArgumentError,
  );
  await assert.rejects(draft.addJson({ f: () => 1 }), { code: "ENCODE_ERROR" });
  await assert.rejects(draft.addLayer("", new Uint8Array()), InvalidArgumentError);
  await assert.rejects(draft.addLayer("a/b", "x" as unknown as Uint8Array), InvalidArgumentError);
  assert.throws(() => draft.addAnnotation("k", 1 as unknown as string), InvalidArgumentError);
  await (await draft.commit()).close();
  await assert.rejects(draft.commit(), InvalidStateError);
  await assert.rejects(draft.addJson({}), InvalidStateError);
  assert.throws(() => draft.addAnnotation("k", "v"), InvalidStateError);
  assert.throws(() => ArtifactDraft.new("Not A Name"), InvalidReferenceError);

  await withDir(async (root) => {
    const a = ArtifactDraft.new("example.com/d/same:v1", { root });
    await a.addJson(1);
    await (await a.commit()).close();
    const b = ArtifactDraft.new("example.com/d/same:v1", { root });
    await b.addJson(2);
    await assert.rejects(b.commit(), ReferenceConflictError);
    await assert.rejects(b.addJson(3), InvalidStateError);
  });
});

Deno.test("ArtifactDraft names: new canonicalises, newAnonymous uses (and writes) the registry id, temp, forGithub", async () => {
  assert.equal(ArtifactDraft.new("alpine").imageName, "docker.io/library/alpine:latest");
  assert.match(ArtifactDraft.temp().imageName, /^ttl\.sh\/[0-9a-f-]{36}:1h$/);
  const gh = ArtifactDraft.forGithub("Jij-Inc", "OMMX", "Data", "V1", {
    store: new MemoryTarget(),
  });
  assert.equal(gh.imageName, "ghcr.io/jij-inc/ommx/data:V1");
  await using ghArtifact = await gh.commit();
  assert.deepEqual(ghArtifact.annotations, {
    "org.opencontainers.image.source": "https://github.com/Jij-Inc/OMMX",
  });
  await withDir(async (root) => {
    const anon = await ArtifactDraft.newAnonymous({ root });
    const registry = await openLocalRegistry({ root });
    const id = await registry.registryId();
    await registry.close();
    assert.match(id!, /^[0-9a-f]{32}$/);
    assert.match(
      anon.imageName,
      new RegExp(`^${id!.slice(0, 8)}\\.ommx\\.local/anonymous:\\d{8}T\\d{6}-[0-9a-f]{12}$`),
    );
    const second = await ArtifactDraft.newAnonymous({ root });
    assert.notEqual(second.imageName, anon.imageName);
    assert.equal(second.imageName.slice(0, 8), id!.slice(0, 8));
    await anon.close();
    await second.close();
  });
});

Deno.test("saveArtifact / importArchive: round trip keeps name and digest; unnamed archives get an anonymous name; refusals", async () => {
  await withDir(async (dir) => {
    const draft = ArtifactDraft.new("example.com/d/rt:v1", { store: new MemoryTarget() });
    await draft.addInstance(instance);
    await using committed = await draft.commit();
    const path = await saveArtifact(committed, `${dir}/rt.ommx`);
    await assert.rejects(saveArtifact(committed, path), { code: "ALREADY_EXISTS" });
    const root = `${dir}/registry`;
    {
      await using imported = await importArchive(path, { root });
      assert.equal(imported.imageName, "example.com/d/rt:v1");
      assert.equal(imported.manifestDigest, committed.manifestDigest);
      assert.equal((await imported.instance).numVariables, 2);
    }
    {
      // Importing again is a no-op; the registry reads it back.
      await (await importArchive(path, { root })).close();
      await using again = await openArtifact({ localRegistry: "example.com/d/rt:v1", root });
      assert.equal(again.manifestDigest, committed.manifestDigest);
    }
    // The same name on another manifest is refused.
    const other = ArtifactDraft.new("example.com/d/rt:v1", { store: new MemoryTarget() });
    await other.addJson({ other: true });
    await using otherArtifact = await other.commit();
    const otherPath = await saveArtifact(otherArtifact, `${dir}/other.ommx`);
    await assert.rejects(importArchive(otherPath, { root }), ReferenceConflictError);
    // An archive whose index names nothing: an anonymous name from the registry id.
    const unnamed = await rewriteIndex(path, `${dir}/unnamed.ommx`, (d) => {
      delete d.annotations;
    });
    await using anon = await importArchive(unnamed, { root });
    assert.match(anon.imageName!, /^[0-9a-f]{8}\.ommx\.local\/anonymous:\d{8}T\d{6}-[0-9a-f]{12}$/);
    assert.equal(anon.manifestDigest, committed.manifestDigest);
    await assert.rejects(importArchive(`${dir}/nope.ommx`, { root }), InvalidArgumentError);
    await assert.rejects(importArchive("", { root }), InvalidArgumentError);
  });
});

Deno.test("pushArtifact: into a Local Registry or any target, manifest digest kept", async () => {
  await withDir(async (root) => {
    const draft = ArtifactDraft.new("example.com/d/push:v1", { store: new MemoryTarget() });
    await draft.addJson({ pushed: true });
    await using artifact = await draft.commit();
    const local = await pushArtifact(artifact, { localRegistry: "example.com/d/pushed:v2", root });
    assert.equal(local.digest, artifact.manifestDigest);
    assert.deepEqual(
      (await listArtifacts(undefined, { root })).map((r) => [r.imageName, r.manifestDigest]),
      [["example.com/d/pushed:v2", artifact.manifestDigest]],
    );
    const memory = new MemoryTarget();
    await pushArtifact(artifact, memory, "v3");
    assert.equal((await memory.resolve("v3")).digest, artifact.manifestDigest);
    // Without a destination it goes to the remote registry its name names (here: nothing listens).
    const remote = ArtifactDraft.new("127.0.0.1:9/d/push:v1", { store: new MemoryTarget() });
    await using named = await remote.commit();
    await assert.rejects(pushArtifact(named), { code: "NETWORK" });
  });
});

Deno.test("importArchive: only OMMX artifact types enter the registry", async () => {
  await withDir(async (dir) => {
    const store = new MemoryTarget();
    const config = {
      mediaType: "application/vnd.oci.empty.v1+json",
      digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
      size: 2,
    };
    await store.push(config, new TextEncoder().encode("{}"));
    const manifest = new TextEncoder().encode(
      JSON.stringify({ schemaVersion: 2, artifactType: "application/x-other", config, layers: [] }),
    );
    const { digestOf } = await import("../../oci/digest.ts");
    const d = {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: await digestOf(manifest),
      size: manifest.length,
    };
    await store.push(d, manifest);
    await store.tag(d, "example.com/d/other:v1");
    const { saveExperiment } = await import("./save.ts");
    const path = await saveExperiment({
      target: store,
      descriptor: {
        ...d,
        annotations: { "org.opencontainers.image.ref.name": "example.com/d/other:v1" },
      },
    }, `${dir}/other.ommx`);
    await assert.rejects(importArchive(path, { root: `${dir}/r` }), UnsupportedError);
  });
});

/** Copy an archive, editing its single index entry. */
async function rewriteIndex(
  from: string,
  to: string,
  edit: (d: { annotations?: Record<string, string> }) => void,
): Promise<string> {
  const { openArchiveFile } = await import("../../oci/backends/archive.ts");
  const src = await openArchiveFile(from);
  try {
    const d = structuredClone(await src.resolve()) as {
      mediaType: string;
      digest: string;
      size: number;
      annotations?: Record<string, string>;
    };
    const manifestBytes = await src.fetch(d);
    const { parseManifest } = await import("../../oci/manifest.ts");
    const { manifest } = parseManifest(manifestBytes);
    edit(d);
    const chunks: Uint8Array[] = [];
    const tar = new TarWriter({ write: (c: Uint8Array) => void chunks.push(c.slice()) });
    const layout = new TextEncoder().encode('{"imageLayoutVersion":"1.0.0"}');
    await tar.add({ name: "oci-layout", size: layout.length, body: layout });
    await tar.add({
      name: `blobs/sha256/${d.digest.slice(7)}`,
      size: manifestBytes.length,
      body: manifestBytes,
    });
    for (const b of [manifest.config, ...manifest.layers]) {
      const bytes = await src.fetch(b);
      await tar.add({ name: `blobs/sha256/${b.digest.slice(7)}`, size: bytes.length, body: bytes });
    }
    const index = encodeImageIndex({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [d],
    });
    await tar.add({ name: "index.json", size: index.length, body: index });
    await tar.close();
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    await Deno.writeFile(to, out);
    return to;
  } finally {
    await src.close();
  }
}
