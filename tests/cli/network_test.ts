/**
 * The CLI against hostile or failing servers: every network failure is one
 * safe line `error: <CODE>: <message>` with its own code (TIMEOUT, NETWORK,
 * HTTP, UNAUTHORIZED), `--timeout` / `OMMX_TS_TIMEOUT` bound every wait, and
 * `serve` refuses foreign `Host` headers (DNS rebinding) and bad ports.
 * Subprocesses are killed after a generous bound, so a hang fails the test.
 */
import assert from "node:assert/strict";
import { CORPUS, ROOT } from "./_cli_test_util.ts";
import { type HttpTestServer, startHttpServer } from "../../core/oci/_http_server_test_util.ts";

const KILL_AFTER_MS = 30_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(env: Record<string, string>, ...args: string[]): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", COLUMNS: "", OMMX_TS_TIMEOUT: "", ...env },
    signal: AbortSignal.timeout(KILL_AFTER_MS),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Exit 1 with exactly one line `error: <code>: …` and no control characters. */
function assertErrorLine(r: Run, code: string): string {
  assert.equal(r.code, 1, `exit ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0]!.startsWith(`error: ${code}: `), r.stderr);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(lines[0]!, /[\u0000-\u001f\u007f-\u009f]/);
  return lines[0]!;
}

async function withServer<T>(
  handler: Parameters<typeof startHttpServer>[0],
  fn: (s: HttpTestServer) => Promise<T>,
): Promise<T> {
  const server = startHttpServer(handler);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

Deno.test("cli network: a registry that never answers is error TIMEOUT after --timeout", async () => {
  await withServer((_req, s) => s.never(), async (server) => {
    const r = await run({}, "inspect", `oci://${server.host}/x/y:v1`, "--timeout", "0.5");
    const line = assertErrorLine(r, "TIMEOUT");
    assert.match(line, /500 ms/);
  });
});

Deno.test("cli network: OMMX_TS_TIMEOUT sets the timeout; --timeout wins", async () => {
  await withServer((_req, s) => s.never(), async (server) => {
    const r = await run({ OMMX_TS_TIMEOUT: "0.4" }, "runs", `oci://${server.host}/x/y:v1`);
    assert.match(assertErrorLine(r, "TIMEOUT"), /400 ms/);
    const both = await run(
      { OMMX_TS_TIMEOUT: "600" },
      "runs",
      `http://${server.host}/x.ommx`,
      "--timeout",
      "0.3",
    );
    assert.match(assertErrorLine(both, "TIMEOUT"), /300 ms/);
  });
});

Deno.test("cli network: bad --timeout values are usage errors", async () => {
  for (const value of ["0", "-1", "abc", "1e9", "Infinity"]) {
    const r = await run({}, "inspect", `${CORPUS}runs.ommx`, "--timeout", value);
    assert.equal(r.code, 2, `${value}: ${r.stderr}`);
    assert.match(r.stderr, /--timeout/);
  }
  const env = await run({ OMMX_TS_TIMEOUT: "soon" }, "inspect", `${CORPUS}runs.ommx`);
  assert.equal(env.code, 2, env.stderr);
  assert.match(env.stderr, /OMMX_TS_TIMEOUT/);
});

Deno.test("cli network: HTTP, connection and auth failures keep their own codes", async () => {
  await withServer((req) => {
    const path = new URL(req.url).pathname;
    if (path === "/missing.ommx") return new Response("not here", { status: 404 });
    if (path.startsWith("/v2/hostile/")) {
      return new Response("\u001b]0;pwned\u0007\u001b[2J evil", { status: 400 });
    }
    return new Response(JSON.stringify({ errors: [{ code: "UNAUTHORIZED" }] }), {
      status: 401,
      headers: { "www-authenticate": 'Basic realm="r"' },
    });
  }, async (server) => {
    assert.match(
      assertErrorLine(await run({}, "inspect", `${server.origin}/missing.ommx`), "HTTP"),
      /HTTP 404/,
    );
    assert.match(
      assertErrorLine(await run({}, "inspect", `oci://${server.host}/x/y:v1`), "UNAUTHORIZED"),
      /requires authentication/,
    );
    const hostile = assertErrorLine(
      await run({}, "inspect", `oci://${server.host}/hostile/y:v1`),
      "REGISTRY",
    );
    assert.match(hostile, /\\x1b\]0;pwned\\x07/);
  });
  const closed = startHttpServer(() => new Response(null));
  const host = closed.host;
  await closed.close();
  assertErrorLine(await run({}, "inspect", `http://${host}/x.ommx`, "--timeout", "5"), "NETWORK");
  assertErrorLine(await run({}, "inspect", `oci://${host}/x/y:v1`), "NETWORK");
});

Deno.test("cli network: serve --port outside 0..65535 is a usage error", async () => {
  for (const port of ["99999", "65536", "-1", "http"]) {
    const r = await run({}, "serve", `${CORPUS}runs.ommx`, "--port", port);
    assert.equal(r.code, 2, `${port}: ${r.stderr}`);
    assert.match(r.stderr, /--port/);
  }
});

/** Send one raw HTTP/1.1 request with the given Host header; the status code. */
async function statusWithHost(port: number, host: string): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    );
    let text = "";
    const buf = new Uint8Array(4096);
    while (!text.includes("\r\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? NaN);
  } finally {
    conn.close();
  }
}

Deno.test("cli network: serve answers only requests for its own host and port (DNS rebinding)", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      `${ROOT}cli/main.ts`,
      "serve",
      `${CORPUS}runs.ommx`,
      "--port",
      "0",
      "--json",
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(KILL_AFTER_MS * 2),
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    reader.releaseLock();
    const { url } = JSON.parse(text.split("\n")[0]!) as { url: string };
    const port = Number(new URL(url).port);
    assert.equal(await statusWithHost(port, `127.0.0.1:${port}`), 200);
    assert.equal(await statusWithHost(port, `localhost:${port}`), 200);
    assert.equal(await statusWithHost(port, `attacker.example:${port}`), 403);
    assert.equal(await statusWithHost(port, `127.0.0.1.attacker.example:${port}`), 403);
    assert.equal(await statusWithHost(port, `127.0.0.1:${port + 1}`), 403);
    assert.equal(await statusWithHost(port, "127.0.0.1"), 403);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
  }
});
