import assert from "node:assert/strict";
import { openArchiveFile } from "./archive.ts";
import { openRemoteRegistry, type RemoteTarget, usesPlainHttp } from "./remote_registry.ts";
import { parseManifest } from "../manifest.ts";
import type { Descriptor } from "../descriptor.ts";
import { digestOf } from "../digest.ts";
import {
  BlobNotFoundError,
  DigestMismatchError,
  InvalidArgumentError,
  InvalidArtifactError,
  OmmxError,
  RegistryError,
  SizeMismatchError,
} from "../../errors.ts";
import { type RegistryServer, startRegistryServer } from "./_registry_server_test_util.ts";
import { copyImage } from "../copy.ts";

const RUNS = new URL("../../../tests/fixtures/reference/runs.ommx", import.meta.url).pathname;

async function blobsOf(
  target: { fetch(d: Descriptor): Promise<Uint8Array> },
  d: Descriptor,
): Promise<Descriptor[]> {
  const { manifest } = parseManifest(await target.fetch(d));
  return [manifest.config, ...manifest.layers];
}

async function withServer(
  options: Parameters<typeof startRegistryServer>[0],
  fn: (server: RegistryServer) => Promise<void>,
): Promise<void> {
  const server = startRegistryServer(options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** Push the corpus archive into `repo:v1` and return the archive's manifest descriptor. */
async function pushRuns(target: RemoteTarget): Promise<Descriptor> {
  const archive = await openArchiveFile(RUNS);
  try {
    return await copyImage(archive, target, "v1");
  } finally {
    await archive.close();
  }
}

Deno.test("usesPlainHttp: plain HTTP for true loopback hosts only", () => {
  assert.equal(usesPlainHttp("localhost:5000"), true);
  assert.equal(usesPlainHttp("127.1.2.3"), true);
  assert.equal(usesPlainHttp("[::1]"), true);
  assert.equal(usesPlainHttp("localhost.example.com"), false);
  assert.equal(usesPlainHttp("10.0.0.1:5000"), false);
});

Deno.test("RemoteTarget: push, tag, resolve and fetch a corpus archive", async () => {
  await withServer({}, async (server) => {
    const target = await openRemoteRegistry(`${server.host}/ommx/test:v1`);
    const pushed = await pushRuns(target);
    // Blobs first (HEAD then POST + PUT), then the manifest by digest, then the tag.
    const firstPost = server.log.findIndex((l) => l.startsWith("POST "));
    const firstHead = server.log.findIndex((l) => l.startsWith("HEAD /v2/ommx/test/blobs/"));
    assert.ok(firstHead >= 0 && firstHead < firstPost);
    assert.ok(
      server.log.some((l) =>
        /^PUT \/v2\/ommx\/test\/blobs\/uploads\/u0\?state=abc&digest=sha256%3A/.test(l)
      ),
    );
    assert.equal(server.log.at(-1), "PUT /v2/ommx/test/manifests/v1");
    assert.equal(
      server.manifestTypes.get(pushed.digest),
      "application/vnd.oci.image.manifest.v1+json",
    );

    // A fresh target (no cached manifest) reads everything back, verified.
    const reader = await openRemoteRegistry(`${server.host}/ommx/test:v1`);
    const d = await reader.resolve();
    assert.equal(d.digest, pushed.digest);
    assert.equal(d.size, pushed.size);
    assert.equal(
      d.annotations?.["org.opencontainers.image.ref.name"],
      `${server.host}/ommx/test:v1`,
    );
    assert.equal((await reader.resolve("v1")).digest, pushed.digest);
    assert.equal((await reader.resolve(pushed.digest)).digest, pushed.digest);
    assert.equal(
      (await reader.resolve(`${server.host}/ommx/test@${pushed.digest}`)).digest,
      pushed.digest,
    );
    const archive = await openArchiveFile(RUNS);
    try {
      assert.deepEqual(await reader.fetch(d), await archive.fetch(await archive.resolve()));
      for (const blob of await blobsOf(archive, d)) {
        const expected = await archive.fetch(blob);
        assert.deepEqual(await reader.fetch(blob), expected);
        const streamed = new Uint8Array(await new Response(reader.fetchStream(blob)).arrayBuffer());
        assert.deepEqual(streamed, expected);
        assert.equal(await reader.exists(blob), true);
      }
    } finally {
      await archive.close();
    }
    // Manifest by digest, not from the cache.
    const other = await openRemoteRegistry(`${server.host}/ommx/test:v1`);
    assert.equal((await other.fetch(d)).length, d.size);
    assert.equal(await other.exists(d), true);

    // Pushing again uploads nothing new.
    const posts = server.log.filter((l) => l.startsWith("POST ")).length;
    await pushRuns(target);
    assert.equal(server.log.filter((l) => l.startsWith("POST ")).length, posts);
  });
});

Deno.test("RemoteTarget: not found, wrong repository, digest tags", async () => {
  await withServer({}, async (server) => {
    const target = await openRemoteRegistry(`${server.host}/ommx/test:v1`);
    await assert.rejects(target.resolve(), (e) => {
      assert.ok(e instanceof BlobNotFoundError);
      assert.equal(e.code, "BLOB_NOT_FOUND");
      assert.match(e.message, /ommx\/test:v1/);
      return true;
    });
    const missing = {
      mediaType: "application/octet-stream",
      digest: await digestOf(new Uint8Array([1])),
      size: 1,
    };
    assert.equal(await target.exists(missing), false);
    await assert.rejects(target.fetch(missing), (e) => {
      assert.ok(e instanceof BlobNotFoundError);
      assert.equal(e.digest, missing.digest);
      return true;
    });
    await assert.rejects(target.resolve(`${server.host}/other/repo:v1`), InvalidArgumentError);
    await assert.rejects(target.resolve("sha256:XYZ"), { code: "INVALID_REFERENCE" });
    const pushed = await pushRuns(target);
    await assert.rejects(target.tag(pushed, pushed.digest), InvalidArgumentError);
    await assert.rejects(target.tag(missing, "v2"), InvalidArgumentError);
    await target.tag(pushed, `${server.host}/ommx/test:v2`);
    assert.equal((await target.resolve("v2")).digest, pushed.digest);
  });
});

Deno.test("RemoteTarget: tampered blobs and manifests are rejected", async () => {
  await withServer({ redirectBlobs: true }, async (server) => {
    const target = await openRemoteRegistry(`${server.host}/ommx/test:v1`);
    const pushed = await pushRuns(target);
    const reader = await openRemoteRegistry(`${server.host}/ommx/test:v1`);
    const d = await reader.resolve();
    const layer = (await blobsOf(reader, d)).find((b) => b.size > 1)!;
    // Redirected blob reads work.
    assert.equal((await reader.fetch(layer)).length, layer.size);
    assert.ok(server.log.some((l) => l.startsWith("GET /_storage/")));

    const original = server.blobs.get(layer.digest)!;
    const bad = original.slice();
    bad[0] = bad[0]! ^ 1;
    server.blobs.set(layer.digest, bad);
    await assert.rejects(reader.fetch(layer), (e) => {
      assert.ok(e instanceof DigestMismatchError);
      assert.equal(e.code, "DIGEST_MISMATCH");
      assert.equal(e.expected, layer.digest);
      return true;
    });
    await assert.rejects(
      new Response(reader.fetchStream(layer)).arrayBuffer(),
      DigestMismatchError,
    );
    server.blobs.set(layer.digest, original.slice(1));
    await assert.rejects(reader.fetch(layer), SizeMismatchError);
    server.blobs.set(layer.digest, original);

    // Manifest: lying Docker-Content-Digest, then altered bytes under a digest ref.
    server.lieDigest.set(pushed.digest, await digestOf(new Uint8Array([7])));
    await assert.rejects(reader.resolve(), DigestMismatchError);
    server.lieDigest.clear();
    const mBytes = server.blobs.get(pushed.digest)!;
    server.blobs.set(
      pushed.digest,
      new TextEncoder().encode(new TextDecoder().decode(mBytes) + " "),
    );
    await assert.rejects(reader.resolve(pushed.digest), DigestMismatchError);
    server.blobs.set(pushed.digest, mBytes);

    // Push verifies before sending anything.
    const before = server.log.length;
    await assert.rejects(target.push(layer, bad), DigestMismatchError);
    await assert.rejects(target.push(layer, bad.slice(1)), SizeMismatchError);
    assert.equal(server.log.length, before);
  });
});

Deno.test("RemoteTarget: image index responses are rejected", async () => {
  await withServer({ noDigestHeader: true }, async (server) => {
    const index = new TextEncoder().encode(
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}',
    );
    const digest = await digestOf(index);
    server.blobs.set(digest, index);
    server.manifestTypes.set(digest, "application/vnd.oci.image.index.v1+json");
    server.tags.set("ommx/idx", new Map([["v1", digest]]));
    const target = await openRemoteRegistry(`${server.host}/ommx/idx:v1`);
    await assert.rejects(target.resolve(), (e) => {
      assert.ok(e instanceof InvalidArtifactError);
      assert.match(e.message, /image index/);
      return true;
    });
  });
});

Deno.test("RemoteTarget: Bearer token flow and Basic auth", async () => {
  await withServer({ bearer: { username: "alice", password: "pw" } }, async (server) => {
    const anonymous = await openRemoteRegistry(`${server.host}/ommx/test:v1`);
    await assert.rejects(anonymous.resolve(), (e) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.code, "UNAUTHORIZED");
      assert.equal(e.status, 401);
      assert.deepEqual(e.registryCodes, []);
      assert.equal(e.url, `http://${server.host}/token`);
      assert.match(e.message, /token request .* answered 401/);
      return true;
    });
    const target = await openRemoteRegistry(`${server.host}/ommx/test:v1`, {
      credentials: (registry) =>
        registry === server.host ? { username: "alice", password: "pw" } : undefined,
    });
    const pushed = await pushRuns(target);
    assert.ok(
      server.log.some((l) =>
        l.includes("/token?service=test-registry&scope=repository%3Aommx%2Ftest%3Apull%2Cpush")
      ),
    );
    const reader = await openRemoteRegistry(`${server.host}/ommx/test:v1`, {
      credentials: { username: "alice", password: "pw" },
    });
    assert.equal((await reader.resolve()).digest, pushed.digest);
    // One token request per scope, then cached.
    const tokens = server.log.filter((l) => l.startsWith("GET /token")).length;
    await reader.resolve();
    assert.equal(server.log.filter((l) => l.startsWith("GET /token")).length, tokens);
    const withToken = await openRemoteRegistry(`${server.host}/ommx/test:v1`, {
      credentials: { token: "test-token-123" },
    });
    assert.equal((await withToken.resolve()).digest, pushed.digest);
  });
  await withServer({ basic: { username: "bob", password: "s3cret" } }, async (server) => {
    const denied = await openRemoteRegistry(`${server.host}/ommx/test:v1`);
    await assert.rejects(denied.resolve(), (e) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.code, "UNAUTHORIZED");
      assert.equal(e.status, 401);
      assert.deepEqual(e.registryCodes, ["UNAUTHORIZED"]);
      assert.match(e.message, /requires authentication \(HTTP 401\)/);
      return true;
    });
    const target = await openRemoteRegistry(`${server.host}/ommx/test:v1`, {
      credentials: { username: "bob", password: "s3cret" },
    });
    const pushed = await pushRuns(target);
    assert.equal((await target.resolve()).digest, pushed.digest);
  });
});

Deno.test("RemoteTarget: network failures name the URL", async () => {
  const server = startRegistryServer();
  const host = server.host;
  await server.close();
  const target = await openRemoteRegistry(`${host}/ommx/test:v1`, { retryDelay: 1 });
  await assert.rejects(target.resolve(), (e) => {
    assert.ok(e instanceof RegistryError);
    assert.equal(e.code, "NETWORK");
    assert.equal(e.status, undefined);
    assert.equal(e.url, `http://${host}/v2/ommx/test/manifests/v1`);
    assert.ok(e.message.includes(`GET http://${host}/v2/ommx/test/manifests/v1 failed`), e.message);
    return true;
  });
});

Deno.test("RemoteTarget: HTTP failures keep the status and the registry's error codes", async () => {
  const answering = (status: number, body: string) =>
    openRemoteRegistry("127.0.0.1:1/ommx/test:v1", {
      retryDelay: 1,
      fetch: () => Promise.resolve(new Response(body, { status })),
    });
  const cases: [number, string, string, string[], RegExp][] = [
    [
      403,
      '{"errors":[{"code":"DENIED","message":"no"}]}',
      "DENIED",
      ["DENIED"],
      /denied access \(HTTP 403\)/,
    ],
    [
      500,
      '{"errors":[{"code":"UNKNOWN"},{"code":"UNSUPPORTED"}]}',
      "REGISTRY",
      ["UNKNOWN", "UNSUPPORTED"],
      /answered HTTP 500: \{"errors"/,
    ],
    [502, "bad gateway", "REGISTRY", [], /answered HTTP 502: bad gateway/],
    [401, "", "UNAUTHORIZED", [], /requires authentication \(HTTP 401\)$/],
  ];
  for (const [status, body, code, registryCodes, message] of cases) {
    const target = await answering(status, body);
    await assert.rejects(target.resolve(), (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.ok(e instanceof OmmxError);
      assert.equal(e.name, "RegistryError");
      assert.equal(e.code, code);
      assert.equal(e.status, status);
      assert.deepEqual(e.registryCodes, registryCodes);
      assert.equal(e.url, "http://127.0.0.1:1/v2/ommx/test/manifests/v1");
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("RemoteTarget.listTags: pages through Link headers, limit, errors", async () => {
  await withServer({ tagPageSize: 2 }, async (server) => {
    const names = ["a", "b", "c", "d", "e"];
    server.tags.set("team/exp", new Map(names.map((t) => [t, "sha256:" + "0".repeat(64)])));
    const target = await openRemoteRegistry(`${server.host}/team/exp`);
    assert.deepEqual(await target.listTags(), { tags: names, truncated: false });
    assert.equal(server.log.filter((l) => l.includes("/tags/list")).length, 3);
    assert.deepEqual(await target.listTags({ limit: 3 }), {
      tags: ["a", "b", "c"],
      truncated: true,
    });
    assert.deepEqual(await target.listTags({ limit: 5 }), { tags: names, truncated: false });
    await assert.rejects(target.listTags({ limit: 0 }), InvalidArgumentError);
    const missing = await openRemoteRegistry(`${server.host}/team/none`);
    await assert.rejects(missing.listTags(), BlobNotFoundError);
  });
});

Deno.test("RemoteTarget.listTags: hostile answers are refused or passed on as data", async () => {
  let answer: () => Response = () => new Response(null);
  await withServer({ tagList: () => answer() }, async (server) => {
    const target = await openRemoteRegistry(`${server.host}/team/exp`);
    // Non-strings and duplicates dropped; hostile strings passed on as sent.
    answer = () => Response.json({ tags: ["v1", 7, null, "<script>", "v1"] });
    assert.deepEqual(await target.listTags(), { tags: ["v1", "<script>"], truncated: false });
    answer = () => Response.json({ tags: null });
    assert.deepEqual(await target.listTags(), { tags: [], truncated: false });
    answer = () => new Response("not json");
    await assert.rejects(
      target.listTags(),
      (e) => e instanceof RegistryError && /not JSON/.test(e.message),
    );
    answer = () => Response.json({ tags: "v1" });
    await assert.rejects(
      target.listTags(),
      (e) => e instanceof RegistryError && /not a list/.test(e.message),
    );
    // A next page on another origin is refused (no request goes there).
    answer = () =>
      Response.json({ tags: ["v1"] }, {
        headers: { Link: '<http://127.0.0.2:1/v2/team/exp/tags/list?last=v1>; rel="next"' },
      });
    await assert.rejects(
      target.listTags(),
      (e) => e instanceof RegistryError && /another origin/.test(e.message),
    );
    // A page over 1 MiB.
    answer = () =>
      Response.json({ tags: [Array(600_000).fill("x").join("") + "y".repeat(500_000)] });
    await assert.rejects(
      target.listTags(),
      (e) => e instanceof OmmxError && e.code === "LIMIT_EXCEEDED",
    );
    // A registry error carries its status.
    answer = () => Response.json({ errors: [{ code: "DENIED" }] }, { status: 403 });
    await assert.rejects(
      target.listTags(),
      (e) => e instanceof RegistryError && e.code === "DENIED",
    );
    // A next page pointing back at itself forever stops at the page cap.
    answer = () =>
      Response.json({ tags: [] }, {
        headers: { Link: `</v2/team/exp/tags/list>; rel="next"` },
      });
    await assert.rejects(
      target.listTags(),
      (e) => e instanceof RegistryError && /pages/.test(e.message),
    );
  });
});
