import assert from "node:assert/strict";
import { join } from "node:path";
import { openHttpSource } from "./random_access_http.ts";
import { NetworkError } from "../errors.ts";
import { startHttpServer, staticFileHandler, within } from "./_http_server_test_util.ts";

const GUARD_MS = 15_000;
const FAST = { timeout: 2_000, retryDelay: 5, maxRetryDelay: 20 };

function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

Deno.test("http source: range reads only fetch what is read", async () => {
  const bytes = pattern(3 << 20);
  const server = startHttpServer(staticFileHandler(bytes, { ranges: true, etag: '"v1"' }));
  try {
    const src = await openHttpSource(`${server.origin}/a.ommx`, { ...FAST, blockSize: 4096 });
    assert.equal(src.mode, "range");
    assert.equal(src.size, bytes.length);
    assert.deepEqual(await src.read(10, 20), bytes.subarray(10, 30));
    assert.deepEqual(await src.read(2_000_000, 100), bytes.subarray(2_000_000, 2_000_100));
    assert.deepEqual(await src.read(4000, 200), bytes.subarray(4000, 4200)); // spans two blocks
    assert.deepEqual(await src.read(1 << 20, 1 << 20), bytes.subarray(1 << 20, 2 << 20));
    assert.deepEqual(await src.read(bytes.length - 1, 1), bytes.subarray(bytes.length - 1));
    await assert.rejects(src.read(bytes.length, 1), { code: "INVALID_ARGUMENT" });
    // Every request was a range request, and far less than the file was sent.
    assert.ok(server.log.every((r) => r.headers.get("range")?.startsWith("bytes=")));
    assert.ok(server.log.slice(1).every((r) => r.headers.get("if-range") === '"v1"'));
    assert.ok(server.sentBytes < (1 << 20) + 5 * 4096, `sent ${server.sentBytes}`);
    await src.close();
  } finally {
    await server.close();
  }
});

Deno.test("http source: a file that changes on the server is detected", async () => {
  const bytes = pattern(100_000);
  let etag = '"v1"';
  const server = startHttpServer((req, s) => {
    // Honour If-Range like a real server: a changed file answers 200 whole.
    const ifRange = req.headers.get("if-range");
    const handler = staticFileHandler(bytes, {
      ranges: ifRange === null || ifRange === etag,
      etag,
    });
    return handler(req, s);
  });
  try {
    const src = await openHttpSource(`${server.origin}/a.ommx`, { ...FAST, blockSize: 4096 });
    etag = '"v2"';
    await assert.rejects(src.read(50_000, 10), { code: "CORRUPT_ARCHIVE" });
    await src.close();
  } finally {
    await server.close();
  }
});

Deno.test("http source: without range support the body goes to a temp file, removed on close", async () => {
  const bytes = pattern(300_000);
  const server = startHttpServer(staticFileHandler(bytes, { ranges: false }));
  const tempDir = await Deno.makeTempDir();
  try {
    const src = await openHttpSource(`${server.origin}/a.ommx`, { ...FAST, tempDir });
    assert.equal(src.mode, "download");
    assert.equal(src.size, bytes.length);
    const [entry] = await Array.fromAsync(Deno.readDir(tempDir));
    assert.ok(entry?.name.startsWith("ommx-ts-http-"), entry?.name);
    assert.equal((await Deno.stat(join(tempDir, entry!.name, "archive.ommx"))).size, bytes.length);
    assert.deepEqual(await src.read(123_456, 1000), bytes.subarray(123_456, 124_456));
    await src.close();
    assert.deepEqual(await Array.fromAsync(Deno.readDir(tempDir)), []);
    assert.equal(server.log.length, 1);
  } finally {
    await server.close();
    await Deno.remove(tempDir, { recursive: true });
  }
});

Deno.test("http source: a too-large download is capped and leaves nothing behind", async () => {
  const tempDir = await Deno.makeTempDir();
  try {
    // Declared too large: refused before reading.
    const declared = startHttpServer(staticFileHandler(pattern(2 << 20), { ranges: false }));
    try {
      await assert.rejects(
        openHttpSource(`${declared.origin}/a.ommx`, { ...FAST, tempDir, maxDownloadSize: 1 << 20 }),
        (e) => {
          assert.equal((e as { code?: string }).code, "LIMIT_EXCEEDED");
          assert.match((e as Error).message, /download limit/);
          return true;
        },
      );
    } finally {
      await declared.close();
    }
    // Endless, no Content-Length: stopped after the cap.
    const endless = startHttpServer((_req, s) => new Response(s.endless(64 << 20)));
    try {
      await assert.rejects(
        within(
          openHttpSource(`${endless.origin}/a.ommx`, {
            ...FAST,
            tempDir,
            maxDownloadSize: 1 << 20,
          }),
          GUARD_MS,
          "open",
        ),
        { code: "LIMIT_EXCEEDED" },
      );
      assert.ok(endless.sentBytes < 16 << 20, `sent ${endless.sentBytes}`);
    } finally {
      await endless.close();
    }
    assert.deepEqual(await Array.fromAsync(Deno.readDir(tempDir)), []);
  } finally {
    await Deno.remove(tempDir, { recursive: true });
  }
});

Deno.test("http source: HTTP, network and timeout failures are typed", async () => {
  const server = startHttpServer((req, s) => {
    const path = new URL(req.url).pathname;
    if (path === "/missing") return new Response("no", { status: 404 });
    if (path === "/secret") return new Response("no", { status: 401 });
    if (path === "/forbidden") return new Response("no", { status: 403 });
    if (path === "/hang") return s.never();
    if (path === "/drip") return new Response(s.drip(pattern(10_000), 50));
    return new Response(null, { status: 302, headers: { location: "file:///etc/passwd" } });
  });
  try {
    const cases: [string, string, number | undefined][] = [
      ["/missing", "HTTP", 404],
      ["/secret", "UNAUTHORIZED", 401],
      ["/forbidden", "DENIED", 403],
      ["/hang", "TIMEOUT", undefined],
      ["/drip", "TIMEOUT", 200],
      ["/redirect", "HTTP", 302],
    ];
    for (const [path, code, status] of cases) {
      await assert.rejects(
        within(
          openHttpSource(`${server.origin}${path}`, { ...FAST, timeout: 400 }),
          GUARD_MS,
          path,
        ),
        (e) => {
          assert.ok(e instanceof NetworkError, `${path}: ${e}`);
          assert.equal(e.code, code, path);
          assert.equal(e.status, status, path);
          assert.equal(e.name, "NetworkError");
          return true;
        },
      );
    }
  } finally {
    await server.close();
  }
  const closed = startHttpServer(() => new Response(null));
  const origin = closed.origin;
  await closed.close();
  await assert.rejects(openHttpSource(`${origin}/a`, { ...FAST, retries: 1 }), (e) => {
    assert.ok(e instanceof NetworkError, String(e));
    assert.equal(e.code, "NETWORK");
    return true;
  });
  await assert.rejects(openHttpSource("file:///etc/passwd", FAST), { code: "HTTP" });
});
