/**
 * `openExperiment` on `http(s)://` archive sources: read by HTTP range
 * requests (only what is read is fetched), or streamed once into a capped
 * temporary file when the server ignores ranges; failures typed.
 */
import assert from "node:assert/strict";
import { createExperiment, experimentArchiveBytes, openExperiment } from "../mod.ts";
import { startHttpServer, staticFileHandler, within } from "../core/oci/_http_server_test_util.ts";

const GUARD_MS = 20_000;

async function bigArchive(): Promise<{ bytes: Uint8Array; payload: Uint8Array }> {
  const payload = new Uint8Array(4 << 20);
  for (let i = 0; i < payload.length; i += 65536) {
    crypto.getRandomValues(payload.subarray(i, i + 65536));
  }
  const b = createExperiment({ imageName: "example.com/http/source:v1" });
  await b.logAttachment("big", "application/octet-stream", payload);
  await b.logJson("small", { a: 1 });
  const exp = await b.commit();
  return { bytes: await experimentArchiveBytes(exp), payload };
}

Deno.test("http source: openExperiment(URL) reads by ranges, never the whole archive", async () => {
  const { bytes, payload } = await bigArchive();
  const server = startHttpServer(staticFileHandler(bytes, { ranges: true }));
  try {
    await using exp = await within(
      openExperiment(new URL(`${server.origin}/exp.ommx`)),
      GUARD_MS,
      "open",
    );
    assert.equal(exp.imageName, "example.com/http/source:v1");
    assert.deepEqual(await exp.getJson("small"), { a: 1 });
    // Opening and reading a small attachment cost a small part of the archive.
    assert.ok(server.sentBytes < bytes.length / 8, `sent ${server.sentBytes} of ${bytes.length}`);
    assert.deepEqual(await exp.getBlob("big"), payload);
    assert.ok(server.log.every((r) => r.headers.get("range") !== null), "a GET without Range");
  } finally {
    await server.close();
  }
});

Deno.test("http source: a server without ranges is read through a temp file, removed after close", async () => {
  const { bytes } = await bigArchive();
  const server = startHttpServer(staticFileHandler(bytes, { ranges: false }));
  const tempDir = await Deno.makeTempDir();
  try {
    const exp = await openExperiment({ url: `${server.origin}/exp.ommx`, tempDir });
    assert.deepEqual(await exp.getJson("small"), { a: 1 });
    assert.equal((await Array.fromAsync(Deno.readDir(tempDir))).length, 1);
    await exp.close();
    assert.deepEqual(await Array.fromAsync(Deno.readDir(tempDir)), []);
    // Over the cap: refused, nothing left behind.
    await assert.rejects(
      openExperiment({ url: `${server.origin}/exp.ommx`, tempDir, maxDownloadSize: 1 << 20 }),
      { code: "LIMIT_EXCEEDED" },
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(tempDir)), []);
  } finally {
    await server.close();
    await Deno.remove(tempDir, { recursive: true });
  }
});

Deno.test("http source: failures are typed NetworkErrors", async () => {
  const server = startHttpServer((_req, s) =>
    new URL(_req.url).pathname === "/hang" ? s.never() : new Response("gone", { status: 410 })
  );
  try {
    await assert.rejects(openExperiment(new URL(`${server.origin}/x.ommx`)), (e) => {
      assert.equal((e as { code?: string }).code, "HTTP");
      assert.equal((e as { status?: number }).status, 410);
      return true;
    });
    await assert.rejects(
      within(openExperiment({ url: `${server.origin}/hang`, timeout: 300 }), GUARD_MS, "hang"),
      { code: "TIMEOUT" },
    );
    await assert.rejects(openExperiment({ url: "ftp://example.com/x.ommx" }), {
      code: "INVALID_ARGUMENT",
    });
  } finally {
    await server.close();
  }
});
