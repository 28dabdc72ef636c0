// Private: the one HTTP request path of the registry client and the http(s)
// archive source. Every request gets a response timeout, manual redirects
// (http/https only, no https→http downgrade, Authorization dropped when the
// origin changes), bounded retries with backoff for idempotent requests, and
// bodies read either whole under a size cap and the response deadline
// (`readBounded`) or as a stream that must keep making progress
// (`guardedBody`). The rules are documented in docs/security.md ("Network").
import {
  InvalidArgumentError,
  LimitExceededError,
  NetworkError,
  type NetworkErrorCode,
  RegistryError,
  type RegistryErrorCode,
} from "../errors.ts";
import {
  DEFAULT_MAX_RETRY_DELAY_MS,
  DEFAULT_RETRIES,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_TIMEOUT_MS,
  MIN_PROGRESS_BYTES,
  type NetworkOptions,
} from "./network.ts";
import { concatBytes } from "../_bytes.ts";

/** Who is asking: registry failures are `RegistryError`s, others `NetworkError`s. */
export type HttpPeer = "registry" | "http";

/** {@linkcode NetworkOptions} with every default applied and checked. */
export interface HttpSettings {
  fetch: typeof globalThis.fetch;
  timeout: number;
  readTimeout: number;
  retries: number;
  retryDelay: number;
  maxRetryDelay: number;
}

const MAX_TIMER_MS = 2_147_483_647;
const MAX_REDIRECTS = 10;

function checkMs(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new InvalidArgumentError(
      `${name} must be a number of milliseconds in (0, ${MAX_TIMER_MS}], got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Apply the defaults of {@linkcode NetworkOptions} and check the values.
 *
 * @throws {InvalidArgumentError} On a non-positive or non-finite duration, or a bad retry count.
 */
export function httpSettings(options: NetworkOptions = {}): HttpSettings {
  const timeout = checkMs(options.timeout, "timeout", DEFAULT_TIMEOUT_MS);
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!Number.isSafeInteger(retries) || retries < 0 || retries > 100) {
    throw new InvalidArgumentError(
      `retries must be an integer in [0, 100], got ${String(retries)}`,
    );
  }
  return {
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    timeout,
    readTimeout: checkMs(options.readTimeout, "readTimeout", timeout),
    retries,
    retryDelay: checkMs(options.retryDelay, "retryDelay", DEFAULT_RETRY_DELAY_MS),
    maxRetryDelay: checkMs(options.maxRetryDelay, "maxRetryDelay", DEFAULT_MAX_RETRY_DELAY_MS),
  };
}

/** A URL for messages: origin and path, never a query (signed URLs) or user info. */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:"
      ? `${u.origin}${u.pathname}`
      : `${u.protocol}${u.pathname.slice(0, 80)}`;
  } catch {
    return printable(String(url), 80);
  }
}

/**
 * Text from a server made safe for one message line: control characters
 * (C0, DEL, C1, line and paragraph separators) as visible escapes, cut at
 * `max` characters.
 */
export function printable(text: string, max: number): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/** Build the typed error of a failure for `peer`. */
export function httpError(
  peer: HttpPeer,
  code: NetworkErrorCode | "PROTOCOL",
  message: string,
  options: { status?: number; url?: string; cause?: unknown; registryCodes?: string[] } = {},
): NetworkError {
  if (peer === "registry") {
    const c: RegistryErrorCode = code === "PROTOCOL" || code === "HTTP" ? "REGISTRY" : code;
    return new RegistryError(c, message, options);
  }
  const { registryCodes: _, ...rest } = options;
  return new NetworkError(code === "PROTOCOL" ? "HTTP" : code, message, rest);
}

/** One request to send. */
export interface HttpRequest {
  method: "GET" | "HEAD" | "PUT" | "POST";
  url: string;
  headers?: Headers;
  body?: Uint8Array;
  /** Retry on 408/429/5xx and connection failures (GET, HEAD, a manifest PUT). */
  idempotent: boolean;
  /** Abort signal of the caller; aborting rejects with its reason. */
  signal?: AbortSignal;
}

/** A response with what is needed to read its body under the rules. */
export interface HttpResponse {
  /** The final response (after redirects). */
  response: Response;
  /** Its URL. */
  url: string;
  /** `true` when Authorization was dropped on the way (the origin changed). */
  authorizationDropped: boolean;
  /** `performance.now()` by which a small body must be read whole. */
  deadline: number;
  /** Abort the underlying request (releases the connection). */
  abort(): void;
}

/** The current time in milliseconds (monotonic). */
function now(): number {
  return performance.now();
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Milliseconds a `Retry-After` header asks for, or `undefined`. */
export function retryAfterMs(header: string | null, at: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - at);
}

/**
 * The backoff before retry number `attempt` (0-based): exponential with ±10 %
 * jitter, or longer when `Retry-After` asks; never above `maxRetryDelay`.
 */
export function backoffMs(
  settings: HttpSettings,
  attempt: number,
  retryAfter: number | undefined,
): number {
  const exponential = settings.retryDelay * 2 ** attempt * (0.9 + Math.random() * 0.2);
  return Math.min(Math.max(exponential, retryAfter ?? 0), settings.maxRetryDelay);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Send `request`: redirects followed by hand, one response timeout per
 * attempt, retries for idempotent requests. Resolves with the first answer
 * that is not retried (whatever its status).
 *
 * @throws {NetworkError} `NETWORK`, `TIMEOUT`, or a refused redirect (`REGISTRY`/`HTTP`).
 */
export async function sendHttp(
  peer: HttpPeer,
  settings: HttpSettings,
  request: HttpRequest,
): Promise<HttpResponse> {
  for (let attempt = 0;; attempt++) {
    let answer: HttpResponse;
    try {
      answer = await sendOnce(peer, settings, request);
    } catch (e) {
      const retry = request.idempotent && attempt < settings.retries &&
        e instanceof NetworkError && e.code === "NETWORK" && e.status === undefined;
      if (!retry) throw e;
      await sleep(backoffMs(settings, attempt, undefined), request.signal);
      continue;
    }
    const status = answer.response.status;
    if (!request.idempotent || attempt >= settings.retries || !isRetryableStatus(status)) {
      return answer;
    }
    const wait = backoffMs(
      settings,
      attempt,
      retryAfterMs(answer.response.headers.get("retry-after")),
    );
    await answer.response.body?.cancel().catch(() => {});
    answer.abort();
    await sleep(wait, request.signal);
  }
}

/** One attempt: the request and its redirects, under one response timeout. */
async function sendOnce(
  peer: HttpPeer,
  settings: HttpSettings,
  request: HttpRequest,
): Promise<HttpResponse> {
  const started = now();
  const deadline = started + settings.timeout;
  const controller = new AbortController();
  const signal = request.signal;
  signal?.throwIfAborted();
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const headers = new Headers(request.headers);
  let method = request.method;
  let body = request.body;
  let url = new URL(request.url);
  let dropped = false;
  try {
    for (let hop = 0;; hop++) {
      checkScheme(peer, url, request.url);
      const res = await withDeadline(
        settings.fetch(url.href, {
          method,
          headers,
          ...(body === undefined ? {} : { body: body as Uint8Array<ArrayBuffer> }),
          redirect: "manual",
          signal: controller.signal,
        }),
        deadline,
        () => {
          controller.abort();
          return httpError(
            peer,
            "TIMEOUT",
            `${method} ${displayUrl(url)}: no response within ${settings.timeout} ms`,
            { url: url.href },
          );
        },
        signal,
      ).catch((cause) => {
        if (cause instanceof NetworkError) throw cause;
        if (signal?.aborted) throw signal.reason;
        throw httpError(
          peer,
          "NETWORK",
          `${method} ${displayUrl(url)} failed: ${
            printable(cause instanceof Error ? cause.message : String(cause), 300)
          }`,
          { url: url.href, cause },
        );
      });
      if (res.type === "opaqueredirect") {
        // A browser hides redirect targets; its own fetch follows them and
        // drops Authorization across origins (Fetch standard), so let it.
        if (method !== "GET" && method !== "HEAD") {
          throw httpError(peer, "PROTOCOL", `${method} ${displayUrl(url)}: redirected`, {
            url: url.href,
          });
        }
        const followed = await withDeadline(
          settings.fetch(url.href, {
            method,
            headers,
            redirect: "follow",
            signal: controller.signal,
          }),
          deadline,
          () => {
            controller.abort();
            return httpError(
              peer,
              "TIMEOUT",
              `${method} ${displayUrl(url)}: no response within ${settings.timeout} ms`,
              { url: url.href },
            );
          },
          signal,
        );
        return answerOf(followed, url.href, dropped, deadline, controller);
      }
      const location = res.headers.get("location");
      if (![301, 302, 303, 307, 308].includes(res.status) || location === null) {
        return answerOf(res, url.href, dropped, deadline, controller);
      }
      await res.body?.cancel().catch(() => {});
      if (hop >= MAX_REDIRECTS) {
        throw httpError(
          peer,
          "PROTOCOL",
          `${method} ${displayUrl(request.url)}: more than ${MAX_REDIRECTS} redirects`,
          { url: url.href, status: res.status },
        );
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (cause) {
        throw httpError(
          peer,
          "PROTOCOL",
          `${method} ${displayUrl(url)}: refused redirect to an invalid location ${
            JSON.stringify(printable(location, 200))
          }`,
          { url: url.href, status: res.status, cause },
        );
      }
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        throw httpError(
          peer,
          "PROTOCOL",
          `${method} ${displayUrl(url)}: refused redirect to ${
            displayUrl(next)
          } (only http: and https: are followed)`,
          { url: url.href, status: res.status },
        );
      }
      if (url.protocol === "https:" && next.protocol === "http:") {
        throw httpError(
          peer,
          "PROTOCOL",
          `${method} ${displayUrl(url)}: refused redirect from https: to ${displayUrl(next)}`,
          { url: url.href, status: res.status },
        );
      }
      if (next.origin !== url.origin && headers.has("authorization")) {
        headers.delete("authorization");
        dropped = true;
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        if (method !== "HEAD") method = "GET";
        body = undefined;
        headers.delete("content-type");
      }
      url = next;
    }
  } catch (e) {
    controller.abort();
    throw e;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

function checkScheme(peer: HttpPeer, url: URL, original: string): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw httpError(
      peer,
      "PROTOCOL",
      `refused to request ${displayUrl(url)}: only http: and https: URLs are fetched`,
      { url: original },
    );
  }
}

function answerOf(
  response: Response,
  url: string,
  authorizationDropped: boolean,
  deadline: number,
  controller: AbortController,
): HttpResponse {
  return {
    response,
    url,
    authorizationDropped,
    deadline,
    abort: () => controller.abort(),
  };
}

/** Race `promise` against an absolute deadline (and the caller's signal). */
async function withDeadline<T>(
  promise: Promise<T>,
  deadline: number,
  onTimeout: () => Error,
  signal?: AbortSignal,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, deadline - now()));
    if (signal) {
      onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    promise.catch(() => {}); // a late rejection of the loser is not unhandled
  }
}

/**
 * Read a whole (small) body: at most `limit` bytes, all of it before the
 * response deadline. Over the limit: `"throw"` rejects with
 * `LimitExceededError`, `"truncate"` keeps the first `limit` bytes; either
 * way reading stops there and the connection is released.
 *
 * @throws {LimitExceededError} Over the limit with `"throw"`.
 * @throws {NetworkError} `TIMEOUT` after the deadline, `NETWORK` when the body breaks off.
 */
export async function readBounded(
  peer: HttpPeer,
  answer: HttpResponse,
  limit: number,
  what: string,
  overflow: "throw" | "truncate",
  method = "GET",
): Promise<Uint8Array> {
  const { response } = answer;
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (overflow === "throw" && declared > limit) {
    await response.body?.cancel().catch(() => {});
    answer.abort();
    throw new LimitExceededError(
      `${what} at ${displayUrl(answer.url)} is ${declared} bytes (limit ${limit})`,
    );
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await withDeadline(
        reader.read(),
        answer.deadline,
        () =>
          httpError(
            peer,
            "TIMEOUT",
            `${method} ${displayUrl(answer.url)}: ${what} not received within the timeout`,
            { url: answer.url, status: response.status },
          ),
      ).catch((cause) => {
        if (cause instanceof NetworkError) throw cause;
        throw httpError(
          peer,
          "NETWORK",
          `${method} ${displayUrl(answer.url)}: ${what} broke off: ${
            printable(cause instanceof Error ? cause.message : String(cause), 300)
          }`,
          { url: answer.url, status: response.status, cause },
        );
      });
      if (done) break;
      if (total + value.length > limit) {
        if (overflow === "throw") {
          throw new LimitExceededError(
            `${what} at ${displayUrl(answer.url)} exceeds ${limit} bytes`,
          );
        }
        chunks.push(value.subarray(0, limit - total));
        total = limit;
        break;
      }
      chunks.push(value);
      total += value.length;
      if (total === limit && overflow === "truncate") break;
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    answer.abort();
    throw e;
  }
  await reader.cancel().catch(() => {});
  return concatBytes(chunks);
}

/**
 * The body as a stream that fails with `TIMEOUT` when it delivers fewer than
 * {@linkcode MIN_PROGRESS_BYTES} (or the rest of the body) while the reader
 * waits `readTimeout` ms: only time spent waiting on the server counts, never
 * time the consumer takes. One watchdog timer per body (re-armed when it
 * fires, not per chunk), so the check costs nothing on a fast download.
 * Cancelling the stream releases the connection.
 */
export function guardedBody(
  peer: HttpPeer,
  settings: HttpSettings,
  answer: HttpResponse,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  const body = answer.response.body;
  if (!body) return ReadableStream.from<Uint8Array>([]);
  const reader = body.getReader();
  const limit = settings.readTimeout;
  let waited = 0; // ms spent waiting in this window, besides the current wait
  let progress = 0; // bytes in this window
  let waitingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failure: unknown;
  const stopTimer = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const release = () => {
    stopTimer();
    reader.cancel().catch(() => {});
    answer.abort();
  };
  const watchdog = () => {
    timer = undefined;
    if (waitingSince === undefined || failure !== undefined) return;
    const spent = waited + (now() - waitingSince);
    if (spent < limit) {
      timer = setTimeout(watchdog, limit - spent);
      return;
    }
    failure = httpError(
      peer,
      "TIMEOUT",
      `GET ${
        displayUrl(answer.url)
      }: body stalled (less than ${MIN_PROGRESS_BYTES} bytes in ${limit} ms)`,
      { url: answer.url, status: answer.response.status },
    );
    release(); // the pending read ends; pull reports the failure
  };
  const onAbort = () => {
    failure ??= signal!.reason;
    release();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const finish = () => {
    stopTimer();
    signal?.removeEventListener("abort", onAbort);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (signal?.aborted) failure ??= signal.reason;
      if (failure !== undefined) {
        finish();
        release();
        throw failure;
      }
      waitingSince = now();
      timer ??= setTimeout(watchdog, Math.max(0, limit - waited));
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (cause) {
        finish();
        release();
        throw failure ?? httpError(
          peer,
          "NETWORK",
          `GET ${displayUrl(answer.url)}: body broke off: ${
            printable(cause instanceof Error ? cause.message : String(cause), 300)
          }`,
          { url: answer.url, status: answer.response.status, cause },
        );
      }
      if (failure !== undefined) {
        finish();
        throw failure;
      }
      waited += now() - waitingSince;
      waitingSince = undefined;
      if (result.done) {
        finish();
        controller.close();
        return;
      }
      progress += result.value.length;
      if (progress >= MIN_PROGRESS_BYTES) {
        waited = 0;
        progress = 0;
        // The armed timer re-checks when it fires; no per-chunk timer churn.
      }
      controller.enqueue(result.value);
    },
    cancel(reason) {
      finish();
      reader.cancel(reason).catch(() => {});
      answer.abort();
    },
  }, { highWaterMark: 0 });
}
