/**
 * The remote-registry client against a hostile registry (a Deno HTTP server
 * on 127.0.0.1, port 0) playing each attack of issue 10: token realms with
 * other schemes or origins, credentials sent away, loopback look-alikes,
 * registries that never answer or drip, endless bodies, transient failures,
 * and blobs that are not what their digest says. Every bound on time below
 * is a generous guard against hangs, never a speed assertion.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openRemoteRegistry, usesPlainHttp } from "./remote_registry.ts";
import { MemoryTarget } from "./memory.ts";
import { copyImage } from "../copy.ts";
import { digestOf } from "../digest.ts";
import { DigestMismatchError, RegistryError } from "../../errors.ts";
import { type HttpTestServer, startHttpServer, within } from "../_http_server_test_util.ts";
import { startRegistryServer } from "./_registry_server_test_util.ts";
import { isLoopbackHost } from "../network.ts";

const MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
const GUARD_MS = 15_000;

/** Quick settings so failing paths end fast. */
const FAST = { timeout: 2_000, readTimeout: 2_000, retryDelay: 5, maxRetryDelay: 20 };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function challenge(realm: string): Response {
  return json(401, { errors: [{ code: "UNAUTHORIZED" }] }, {
    "www-authenticate": `Bearer realm="${realm}",service="hostile"`,
  });
}

/** Every Authorization header a server received. */
function authorizations(server: HttpTestServer): string[] {
  return server.log.map((r) => r.headers.get("authorization")).filter((a) => a !== null);
}

async function manifestFixture(): Promise<{ bytes: Uint8Array<ArrayBuffer>; digest: string }> {
  const bytes = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: {
        mediaType: "application/vnd.oci.empty.v1+json",
        digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        size: 2,
      },
      layers: [],
    }),
  );
  return { bytes, digest: await digestOf(bytes) };
}

Deno.test("hostile registry: a file:// token realm is never read", async () => {
  const dir = await Deno.makeTempDir();
  const secret = join(dir, "secret.json");
  await Deno.writeTextFile(secret, JSON.stringify({ token: "FROM-LOCAL-FILE" }));
  const server = startHttpServer(() => challenge(`file://${secret}`));
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, FAST);
    await assert.rejects(within(target.resolve(), GUARD_MS, "resolve"), (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, "REGISTRY");
      assert.match(e.message, /realm/);
      assert.match(e.message, /file:/);
      return true;
    });
    assert.deepEqual(authorizations(server), []);
    assert.equal(server.log.length, 1);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostile registry: other realm schemes are refused too", async () => {
  for (const realm of ['data:application/json,{"token":"t"}', "ftp://127.0.0.1/t", "nonsense"]) {
    const server = startHttpServer(() => challenge(realm));
    try {
      const target = await openRemoteRegistry(`${server.host}/x/y:v1`, FAST);
      await assert.rejects(within(target.resolve(), GUARD_MS, realm), (e) => {
        assert.ok(e instanceof RegistryError, String(e));
        assert.equal(e.code, "REGISTRY");
        assert.match(e.message, /realm/);
        return true;
      });
      assert.deepEqual(authorizations(server), []);
    } finally {
      await server.close();
    }
  }
});

Deno.test("hostile registry: an http realm on another origin never receives Basic credentials", async () => {
  // The token service on another origin (another port of 127.0.0.1: `deno task test` allows
  // no other host; the https-realm test below covers other host names).
  const tokens = startHttpServer(() => json(200, { token: "anonymous-token" }));
  const registry = startHttpServer((req) =>
    req.headers.get("authorization") === "Bearer anonymous-token"
      ? json(403, { errors: [{ code: "DENIED" }] })
      : challenge(`${tokens.origin}/token`)
  );
  try {
    const target = await openRemoteRegistry(`${registry.host}/x/y:v1`, {
      ...FAST,
      credentials: { username: "alice", password: "s3cret" },
    });
    await assert.rejects(within(target.resolve(), GUARD_MS, "resolve"), (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, "DENIED");
      return true;
    });
    // The token request went out anonymously, and nothing else did.
    assert.equal(tokens.log.length, 1);
    assert.deepEqual(authorizations(tokens), []);
    assert.ok(!authorizations(registry).some((a) => a.startsWith("Basic ")));
  } finally {
    await tokens.close();
    await registry.close();
  }
});

Deno.test("hostile registry: an upload Location on another origin never receives Authorization", async () => {
  const foreign = startHttpServer(() =>
    json(401, { errors: [{ code: "UNAUTHORIZED" }] }, { "www-authenticate": 'Basic realm="x"' })
  );
  const want = `Basic ${btoa("bob:pw")}`;
  const registry = startHttpServer((req) => {
    if (req.headers.get("authorization") !== want) {
      return json(401, { errors: [{ code: "UNAUTHORIZED" }] }, {
        "www-authenticate": 'Basic realm="registry"',
      });
    }
    if (req.method === "HEAD") return new Response(null, { status: 404 });
    if (req.method === "POST") {
      return new Response(null, {
        status: 202,
        headers: { location: `${foreign.origin}/upload/1?state=s` },
      });
    }
    return new Response(null, { status: 500 });
  });
  try {
    const target = await openRemoteRegistry(`${registry.host}/x/y:v1`, {
      ...FAST,
      credentials: { username: "bob", password: "pw" },
    });
    const bytes = new TextEncoder().encode("blob");
    const d = { mediaType: "application/octet-stream", digest: await digestOf(bytes), size: 4 };
    await assert.rejects(within(target.push(d, bytes), GUARD_MS, "push"), (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, "UNAUTHORIZED");
      assert.match(e.message, /another origin/);
      return true;
    });
    assert.equal(foreign.log.length, 1);
    assert.equal(foreign.log[0]!.method, "PUT");
    assert.deepEqual(authorizations(foreign), []);
    // The registry itself did get the credentials.
    assert.ok(authorizations(registry).includes(want));
  } finally {
    await foreign.close();
    await registry.close();
  }
});

Deno.test("hostile registry: a blob redirect to another origin drops Authorization", async () => {
  const bytes = new TextEncoder().encode("redirected blob");
  const digest = await digestOf(bytes);
  const storage = startHttpServer(() => new Response(bytes));
  const want = `Basic ${btoa("bob:pw")}`;
  const registry = startHttpServer((req) => {
    if (req.headers.get("authorization") !== want) {
      return json(401, {}, { "www-authenticate": 'Basic realm="registry"' });
    }
    return new Response(null, {
      status: 307,
      headers: { location: `${storage.origin}/blob` },
    });
  });
  try {
    const target = await openRemoteRegistry(`${registry.host}/x/y:v1`, {
      ...FAST,
      credentials: { username: "bob", password: "pw" },
    });
    const got = await within(
      target.fetch({ mediaType: "application/octet-stream", digest, size: bytes.length }),
      GUARD_MS,
      "fetch",
    );
    assert.deepEqual(got, bytes);
    assert.equal(storage.log.length, 1);
    assert.deepEqual(authorizations(storage), []);
  } finally {
    await storage.close();
    await registry.close();
  }
});

Deno.test("hostile registry: redirects to file: or from https to http are refused", async () => {
  for (const location of ["file:///etc/passwd", "ftp://127.0.0.1/x"]) {
    const server = startHttpServer(() =>
      new Response(null, { status: 302, headers: { location } })
    );
    try {
      const target = await openRemoteRegistry(`${server.host}/x/y:v1`, FAST);
      await assert.rejects(within(target.resolve(), GUARD_MS, location), (e) => {
        assert.ok(e instanceof RegistryError, String(e));
        assert.equal(e.code, "REGISTRY");
        assert.match(e.message, /redirect/);
        return true;
      });
      assert.equal(server.log.length, 1);
    } finally {
      await server.close();
    }
  }
  // An https registry (scripted fetch) redirecting to plain http.
  const seen: string[] = [];
  const target = await openRemoteRegistry("registry.example/x/y:v1", {
    ...FAST,
    fetch: (input) => {
      seen.push(String(input));
      return Promise.resolve(
        new Response(null, { status: 302, headers: { location: "http://registry.example/v2/" } }),
      );
    },
  });
  await assert.rejects(target.resolve(), (e) => {
    assert.ok(e instanceof RegistryError, String(e));
    assert.match(e.message, /redirect/);
    return true;
  });
  assert.deepEqual(seen, ["https://registry.example/v2/x/y/manifests/v1"]);
});

Deno.test("hostile registry: 127.-prefixed host names are not loopback", async () => {
  assert.equal(isLoopbackHost("127.attacker.example"), false);
  assert.equal(isLoopbackHost("127.0.0.1.attacker.example"), false);
  assert.equal(isLoopbackHost("127.0.0.1"), true);
  assert.equal(isLoopbackHost("127.255.10.2"), true);
  assert.equal(isLoopbackHost("127.256.0.1"), false);
  assert.equal(isLoopbackHost("127.1"), false);
  assert.equal(isLoopbackHost("localhost"), true);
  assert.equal(isLoopbackHost("LOCALHOST"), true);
  assert.equal(isLoopbackHost("localhost.attacker.example"), false);
  assert.equal(isLoopbackHost("::1"), true);
  assert.equal(isLoopbackHost("[::1]"), true);
  assert.equal(isLoopbackHost("[0:0:0:0:0:0:0:1]"), true);
  assert.equal(isLoopbackHost("::1.attacker.example"), false);
  assert.equal(isLoopbackHost("::10"), false);
  assert.equal(usesPlainHttp("127.attacker.example:5000"), false);
  assert.equal(usesPlainHttp("127.0.0.1:5000"), true);
  assert.equal(usesPlainHttp("[::1]:5000"), true);
  assert.equal(usesPlainHttp("[::1%lo]:5000"), false);
  // The client's scheme decision follows the predicate.
  for (
    const [registry, scheme] of [
      ["127.attacker.example:5000", "https:"],
      ["127.0.0.1.nip.io", "https:"],
      ["127.0.0.1:5000", "http:"],
      ["localhost:5000", "http:"],
    ] as const
  ) {
    const seen: string[] = [];
    const target = await openRemoteRegistry(`${registry}/x/y:v1`, {
      ...FAST,
      fetch: (input) => {
        seen.push(String(input));
        return Promise.resolve(new Response(null, { status: 404 }));
      },
    });
    await assert.rejects(target.resolve(), { code: "BLOB_NOT_FOUND" });
    assert.equal(new URL(seen[0]!).protocol, scheme, registry);
  }
});

Deno.test("hostile registry: a registry that never answers fails with TIMEOUT", async () => {
  const server = startHttpServer((_req, s) => s.never());
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, { ...FAST, timeout: 300 });
    await assert.rejects(within(target.resolve(), GUARD_MS, "resolve"), (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, "TIMEOUT");
      assert.equal(e.status, undefined);
      assert.match(e.message, /300 ms/);
      return true;
    });
    // Timeouts are not retried: the configured timeout bounds the wait.
    assert.equal(server.log.length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("hostile registry: a manifest dripped one byte at a time fails with TIMEOUT", async () => {
  const { bytes, digest } = await manifestFixture();
  const server = startHttpServer((_req, s) =>
    new Response(s.drip(bytes, 100), {
      headers: { "content-type": MANIFEST_TYPE, "docker-content-digest": digest },
    })
  );
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, { ...FAST, timeout: 600 });
    await assert.rejects(within(target.resolve(), GUARD_MS, "resolve"), { code: "TIMEOUT" });
    assert.ok(server.sentBytes < bytes.length, `${server.sentBytes} of ${bytes.length} sent`);
  } finally {
    await server.close();
  }
});

Deno.test("hostile registry: a blob dripped one byte at a time fails with TIMEOUT", async () => {
  const bytes = new Uint8Array(4096).fill(7);
  const digest = await digestOf(bytes);
  const server = startHttpServer((_req, s) =>
    new Response(s.drip(bytes, 50), { headers: { "content-length": String(bytes.length) } })
  );
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, {
      ...FAST,
      readTimeout: 400,
    });
    const d = { mediaType: "application/octet-stream", digest, size: bytes.length };
    await assert.rejects(within(target.fetch(d), GUARD_MS, "fetch"), (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, "TIMEOUT");
      return true;
    });
    await assert.rejects(
      within(new Response(target.fetchStream(d)).arrayBuffer(), GUARD_MS, "fetchStream"),
      { code: "TIMEOUT" },
    );
    assert.ok(server.sentBytes < bytes.length, `${server.sentBytes} of ${bytes.length} sent`);
  } finally {
    await server.close();
  }
});

/** Endless bodies are 64 MiB; the client must stop far below (socket buffers aside). */
const ENDLESS = 64 << 20;
const SENT_BOUND = 16 << 20;

Deno.test("hostile registry: an endless error body is read only up to its cap", async () => {
  const server = startHttpServer((_req, s) => new Response(s.endless(ENDLESS), { status: 400 }));
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, FAST);
    await assert.rejects(within(target.resolve(), GUARD_MS, "resolve"), (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, "REGISTRY");
      assert.equal(e.status, 400);
      assert.ok(e.message.length < 1000, `message of ${e.message.length} chars`);
      return true;
    });
    assert.ok(server.sentBytes < SENT_BOUND, `server sent ${server.sentBytes} bytes`);
  } finally {
    await server.close();
  }
});

Deno.test("hostile registry: an endless token response is capped", async () => {
  const server = startHttpServer((req, s) => {
    if (new URL(req.url).pathname === "/token") {
      const head = new TextEncoder().encode('{"token":"');
      s.countSent(head.length);
      const rest = s.endless(ENDLESS).getReader();
      return new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(head);
          },
          pull: async (c) => {
            const r = await rest.read();
            if (r.done) c.close();
            else c.enqueue(r.value);
          },
          cancel: (reason) => rest.cancel(reason),
        }),
        { headers: { "content-type": "application/json" } },
      );
    }
    return challenge(`${s.origin}/token`);
  });
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, FAST);
    await assert.rejects(within(target.resolve(), GUARD_MS, "resolve"), (e) => {
      assert.equal((e as { code?: string }).code, "LIMIT_EXCEEDED", String(e));
      assert.match((e as Error).message, /token/);
      return true;
    });
    assert.ok(server.sentBytes < SENT_BOUND, `server sent ${server.sentBytes} bytes`);
  } finally {
    await server.close();
  }
});

Deno.test("hostile registry: an endless manifest without Content-Length is capped", async () => {
  const server = startHttpServer((_req, s) =>
    new Response(s.endless(ENDLESS), { headers: { "content-type": MANIFEST_TYPE } })
  );
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, {
      ...FAST,
      maxManifestSize: 1 << 20,
    });
    await assert.rejects(within(target.resolve(), GUARD_MS, "resolve"), { code: "LIMIT_EXCEEDED" });
    assert.ok(server.sentBytes < SENT_BOUND, `server sent ${server.sentBytes} bytes`);
  } finally {
    await server.close();
  }
});

Deno.test("hostile registry: 429 and 5xx are retried with backoff, then succeed", async () => {
  const { bytes, digest } = await manifestFixture();
  const answers = [503, 429, 502];
  const server = startHttpServer(() => {
    const status = answers.shift();
    if (status !== undefined) {
      return json(status, { errors: [{ code: "TOOMANYREQUESTS" }] }, { "retry-after": "0" });
    }
    return new Response(bytes, {
      headers: { "content-type": MANIFEST_TYPE, "docker-content-digest": digest },
    });
  });
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, {
      ...FAST,
      retries: 3,
      retryDelay: 40,
      maxRetryDelay: 1_000,
    });
    const d = await within(target.resolve(), GUARD_MS, "resolve");
    assert.equal(d.digest, digest);
    assert.equal(server.log.length, 4);
    // Exponential backoff (±10 % jitter): at least 36, 72, 144 ms between attempts.
    const gaps = server.log.slice(1).map((r, i) => r.at - server.log[i]!.at);
    gaps.forEach((gap, i) => assert.ok(gap >= 36 * 2 ** i, `gap ${i}: ${gap} ms`));
  } finally {
    await server.close();
  }
});

Deno.test("hostile registry: retries are bounded and Retry-After is capped", async () => {
  const server = startHttpServer(() =>
    json(503, { errors: [{ code: "UNAVAILABLE" }] }, { "retry-after": "3600" })
  );
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, {
      ...FAST,
      retries: 2,
      maxRetryDelay: 50,
    });
    await assert.rejects(within(target.resolve(), GUARD_MS, "resolve"), (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, "REGISTRY");
      assert.equal(e.status, 503);
      assert.deepEqual(e.registryCodes, ["UNAVAILABLE"]);
      return true;
    });
    assert.equal(server.log.length, 3);
  } finally {
    await server.close();
  }
});

Deno.test("hostile registry: a failed upload start (POST) is not retried", async () => {
  const server = startHttpServer((req) =>
    req.method === "HEAD" ? new Response(null, { status: 404 }) : json(503, {})
  );
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, { ...FAST, retries: 3 });
    const bytes = new TextEncoder().encode("blob");
    const d = { mediaType: "application/octet-stream", digest: await digestOf(bytes), size: 4 };
    await assert.rejects(within(target.push(d, bytes), GUARD_MS, "push"), { code: "REGISTRY" });
    assert.equal(server.log.filter((r) => r.method === "POST").length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("hostile registry: a connection reset is retried for idempotent requests", async () => {
  const { bytes, digest } = await manifestFixture();
  let calls = 0;
  const target = await openRemoteRegistry("127.0.0.1:9/x/y:v1", {
    ...FAST,
    fetch: () => {
      calls++;
      if (calls < 3) return Promise.reject(new TypeError("connection reset by peer"));
      return Promise.resolve(
        new Response(bytes, {
          headers: { "content-type": MANIFEST_TYPE, "docker-content-digest": digest },
        }),
      );
    },
  });
  assert.equal((await target.resolve()).digest, digest);
  assert.equal(calls, 3);
  let failures = 0;
  const failing = await openRemoteRegistry("127.0.0.1:9/x/y:v1", {
    ...FAST,
    retries: 1,
    fetch: () => {
      failures++;
      return Promise.reject(new TypeError("connection reset by peer"));
    },
  });
  await assert.rejects(failing.resolve(), (e) => {
    assert.ok(e instanceof RegistryError, String(e));
    assert.equal(e.code, "NETWORK");
    assert.match(e.message, /connection reset/);
    return true;
  });
  assert.equal(failures, 2);
});

Deno.test("hostile registry: a blob with a wrong digest is a typed error and never cached", async () => {
  const registry = startRegistryServer();
  try {
    const good = new TextEncoder().encode("the real layer");
    const digest = await digestOf(good);
    const layer = { mediaType: "application/octet-stream", digest, size: good.length };
    const { bytes: mBytes } = await manifestFixture();
    const manifestJson = JSON.parse(new TextDecoder().decode(mBytes));
    manifestJson.layers = [layer];
    const manifest = new TextEncoder().encode(JSON.stringify(manifestJson));
    const mDigest = await digestOf(manifest);
    const empty = new TextEncoder().encode("{}");
    registry.blobs.set(manifestJson.config.digest, empty);
    registry.blobs.set(digest, new TextEncoder().encode("the fake layer"));
    registry.blobs.set(mDigest, manifest);
    registry.manifestTypes.set(mDigest, MANIFEST_TYPE);
    registry.tags.set("x/y", new Map([["v1", mDigest], [mDigest, mDigest]]));

    const remote = await openRemoteRegistry(`${registry.host}/x/y:v1`, FAST);
    const local = new MemoryTarget();
    await assert.rejects(copyImage(remote, local, "v1"), (e) => {
      assert.ok(e instanceof DigestMismatchError, String(e));
      assert.equal(e.expected, digest);
      return true;
    });
    assert.equal(await local.exists(layer), false);
    await assert.rejects(local.resolve("v1"), { code: "BLOB_NOT_FOUND" });
    // Nothing of the bad bytes stayed behind in the client either.
    registry.blobs.set(digest, good);
    assert.deepEqual(await remote.fetch(layer), good);
    await copyImage(remote, local, "v1");
    assert.equal(await local.exists(layer), true);
  } finally {
    await registry.close();
  }
});

Deno.test("hostile registry: Basic credentials go to an https realm on another origin, not to an http one", async () => {
  const basic = `Basic ${btoa("alice:pw")}`;
  const run = async (registry: string, realm: string, plainHttp?: boolean) => {
    const seen: { url: string; auth: string | null }[] = [];
    const target = await openRemoteRegistry(`${registry}/x/y:v1`, {
      ...FAST,
      ...(plainHttp === undefined ? {} : { plainHttp }),
      credentials: { username: "alice", password: "pw" },
      fetch: (input, init) => {
        const url = String(input);
        const auth = new Headers(init?.headers).get("authorization");
        seen.push({ url, auth });
        if (url.startsWith(realm)) return Promise.resolve(json(200, { token: "tok" }));
        if (auth === "Bearer tok") return Promise.resolve(json(404, {}));
        return Promise.resolve(challenge(realm));
      },
    });
    const error = await target.resolve().catch((e) => e);
    return { seen, error };
  };
  // An https registry, realm on another origin over https: credentials sent there.
  const https = await run("registry.example", "https://auth.example/token");
  assert.equal(https.error.code, "BLOB_NOT_FOUND");
  assert.equal(https.seen.find((s) => s.url.startsWith("https://auth.example/"))?.auth, basic);
  // An https registry may not name an http realm at all.
  const downgrade = await run("registry.example", "http://auth.example/token");
  assert.equal(downgrade.error.code, "REGISTRY");
  assert.match(downgrade.error.message, /realm/);
  assert.ok(downgrade.seen.every((s) => !s.url.startsWith("http://auth.example")));
  // A plain-HTTP registry (explicit option): same-origin http realm gets them,
  // another origin over http does not.
  const same = await run("registry.internal:5000", "http://registry.internal:5000/token", true);
  assert.equal(same.seen.find((s) => s.url.includes("/token"))?.auth, basic);
  const other = await run("registry.internal:5000", "http://auth.internal/token", true);
  assert.equal(other.seen.find((s) => s.url.includes("/token"))?.auth, null);
  // No request anywhere carried the credentials besides the allowed realms.
  for (const { seen } of [https, downgrade, same, other]) {
    for (const s of seen) {
      if (s.auth === basic) assert.ok(s.url.includes("/token"), s.url);
    }
  }
});

Deno.test("hostile registry: a manifest declaring a blob too large for memory is a typed error", async () => {
  const server = startHttpServer((_req, s) => new Response(s.endless(1 << 20)));
  try {
    const target = await openRemoteRegistry(`${server.host}/x/y:v1`, FAST);
    const d = {
      mediaType: "application/octet-stream",
      digest: `sha256:${"a".repeat(64)}`,
      size: Number.MAX_SAFE_INTEGER,
    };
    await assert.rejects(target.fetch(d), { code: "LIMIT_EXCEEDED" });
    assert.equal(server.log.length, 0);
  } finally {
    await server.close();
  }
});
