import assert from "node:assert/strict";
import {
  backoffMs,
  displayUrl,
  httpSettings,
  printable,
  readBounded,
  retryAfterMs,
  sendHttp,
} from "./_http.ts";
import { NetworkError, RegistryError } from "../errors.ts";

Deno.test("_http: settings defaults and checks", () => {
  const s = httpSettings();
  assert.equal(s.timeout, 30_000);
  assert.equal(s.readTimeout, 30_000);
  assert.equal(s.retries, 3);
  assert.equal(httpSettings({ timeout: 10 }).readTimeout, 10);
  for (const bad of [0, -1, NaN, Infinity, 2 ** 31]) {
    assert.throws(() => httpSettings({ timeout: bad }), { code: "INVALID_ARGUMENT" });
  }
  assert.throws(() => httpSettings({ retries: 1.5 }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => httpSettings({ retries: -1 }), { code: "INVALID_ARGUMENT" });
});

Deno.test("_http: Retry-After and backoff", () => {
  assert.equal(retryAfterMs(null), undefined);
  assert.equal(retryAfterMs("3"), 3000);
  assert.equal(retryAfterMs("soon"), undefined);
  const at = Date.parse("2024-01-01T00:00:00Z");
  assert.equal(retryAfterMs("Mon, 01 Jan 2024 00:00:05 GMT", at), 5000);
  assert.equal(retryAfterMs("Mon, 01 Jan 2023 00:00:05 GMT", at), 0);
  const s = httpSettings({ retryDelay: 100, maxRetryDelay: 1000 });
  for (let attempt = 0; attempt < 3; attempt++) {
    const ms = backoffMs(s, attempt, undefined);
    assert.ok(ms >= 90 * 2 ** attempt && ms <= 110 * 2 ** attempt, `${attempt}: ${ms}`);
  }
  assert.equal(backoffMs(s, 10, undefined), 1000);
  assert.equal(backoffMs(s, 0, 3_600_000), 1000);
  assert.ok(backoffMs(s, 0, 500) === 500);
});

Deno.test("_http: messages never carry queries, user info or control characters", () => {
  assert.equal(
    displayUrl("https://user:pw@s3.example/bucket/blob?X-Amz-Signature=secret"),
    "https://s3.example/bucket/blob",
  );
  assert.equal(printable("a\u001b]0;x\u0007b\nc", 100), "a\\x1b]0;x\\x07b\\x0ac");
  assert.equal(printable("abcdef", 3), "abc…");
});

/** A scripted fetch answering from a table of URL → response factories. */
function scripted(
  routes: Record<string, () => Response>,
  seen: { url: string; method: string; auth: string | null }[],
): typeof globalThis.fetch {
  return (input, init) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    seen.push({ url, method: init?.method ?? "GET", auth: headers.get("authorization") });
    const route = routes[url];
    return Promise.resolve(route ? route() : new Response("nope", { status: 404 }));
  };
}

Deno.test("_http: 303 turns a PUT into a GET without body; same-origin keeps Authorization", async () => {
  const seen: { url: string; method: string; auth: string | null }[] = [];
  const fetch = scripted({
    "https://r.example/a": () => new Response(null, { status: 303, headers: { location: "/b" } }),
    "https://r.example/b": () => new Response("ok"),
  }, seen);
  const answer = await sendHttp("registry", httpSettings({ fetch }), {
    method: "PUT",
    url: "https://r.example/a",
    headers: new Headers({ authorization: "Bearer t" }),
    body: new Uint8Array([1]),
    idempotent: true,
  });
  assert.equal(answer.url, "https://r.example/b");
  assert.equal(answer.authorizationDropped, false);
  assert.deepEqual(seen.map((s) => [s.method, s.auth]), [["PUT", "Bearer t"], ["GET", "Bearer t"]]);
  assert.deepEqual(
    await readBounded("registry", answer, 10, "body", "throw"),
    new TextEncoder().encode("ok"),
  );
});

Deno.test("_http: redirect loops end after 10 hops", async () => {
  const seen: { url: string; method: string; auth: string | null }[] = [];
  const fetch = scripted({
    "https://r.example/a": () => new Response(null, { status: 302, headers: { location: "/a" } }),
  }, seen);
  await assert.rejects(
    sendHttp("http", httpSettings({ fetch }), {
      method: "GET",
      url: "https://r.example/a",
      idempotent: true,
    }),
    (e) => {
      assert.ok(e instanceof NetworkError && !(e instanceof RegistryError), String(e));
      assert.equal(e.code, "HTTP");
      assert.match(e.message, /more than 10 redirects/);
      return true;
    },
  );
  assert.equal(seen.length, 11);
});

Deno.test("_http: a browser's opaque redirect is followed by the browser, GET only", async () => {
  const calls: RequestRedirect[] = [];
  const fetch: typeof globalThis.fetch = (_input, init) => {
    calls.push(init?.redirect ?? "follow");
    if (init?.redirect === "manual") {
      const opaque = new Response(null, { status: 200 });
      Object.defineProperty(opaque, "type", { value: "opaqueredirect" });
      return Promise.resolve(opaque);
    }
    return Promise.resolve(new Response("followed"));
  };
  const answer = await sendHttp("http", httpSettings({ fetch }), {
    method: "GET",
    url: "https://r.example/a",
    idempotent: true,
  });
  assert.equal(await answer.response.text(), "followed");
  assert.deepEqual(calls, ["manual", "follow"]);
  await assert.rejects(
    sendHttp("http", httpSettings({ fetch }), {
      method: "PUT",
      url: "https://r.example/a",
      idempotent: false,
    }),
    { code: "HTTP" },
  );
});

Deno.test("_http: a fetch that ignores the abort signal still times out", async () => {
  let release: (() => void) | undefined;
  const fetch: typeof globalThis.fetch = () =>
    new Promise((resolve) => {
      release = () => resolve(new Response("late"));
    });
  await assert.rejects(
    sendHttp("registry", httpSettings({ fetch, timeout: 50 }), {
      method: "GET",
      url: "https://r.example/a",
      idempotent: true,
    }),
    (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, "TIMEOUT");
      return true;
    },
  );
  release?.();
});

Deno.test("_http: the caller's abort signal wins over retries", async () => {
  const controller = new AbortController();
  let calls = 0;
  const fetch: typeof globalThis.fetch = () => {
    calls++;
    controller.abort(new Error("stop"));
    return Promise.resolve(new Response(null, { status: 503 }));
  };
  await assert.rejects(
    sendHttp("registry", httpSettings({ fetch, retryDelay: 1000 }), {
      method: "GET",
      url: "https://r.example/a",
      idempotent: true,
      signal: controller.signal,
    }),
    /stop/,
  );
  assert.equal(calls, 1);
});
