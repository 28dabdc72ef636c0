/**
 * Test helper: a scriptable HTTP server on 127.0.0.1 (port 0) for playing a
 * hostile registry or web server: every request is logged with its headers,
 * every body byte the server manages to hand to the socket is counted, and
 * bodies can be endless, dripped one byte at a time, or never sent at all.
 * `close()` ends every pending answer and drip, then shuts the server down.
 *
 * @module
 */

/** One request the server saw. */
export interface LoggedRequest {
  /** `GET`, `PUT`, … */
  method: string;
  /** Path and query, e.g. `/v2/x/manifests/v1?a=b`. */
  path: string;
  /** The request headers. */
  headers: Headers;
  /** `performance.now()` when the request arrived. */
  at: number;
}

/** A running test server. */
export interface HttpTestServer {
  /** `127.0.0.1:<port>`. */
  host: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The port. */
  port: number;
  /** Requests in arrival order. */
  log: LoggedRequest[];
  /** Body bytes pulled from the server's streams (what it managed to send). */
  readonly sentBytes: number;
  /** Add to the sent-bytes counter (for bodies built outside the helpers). */
  countSent(n: number): void;
  /** A response that never comes (until {@linkcode HttpTestServer.close}). */
  never(): Promise<Response>;
  /** A body of `total` bytes (default: endless) of `fill`, counted as it is pulled. */
  endless(total?: number, fill?: number): ReadableStream<Uint8Array>;
  /** A body that sends `bytes` one byte every `intervalMs` (until close). */
  drip(bytes: Uint8Array, intervalMs: number): ReadableStream<Uint8Array>;
  /** A counted body over fixed bytes, in chunks of at most 64 KiB. */
  counted(bytes: Uint8Array): ReadableStream<Uint8Array>;
  /** Stop answering, end drips and pending answers, shut down. */
  close(): Promise<void>;
}

/** What a handler gets besides the request. */
export type TestHandler = (
  req: Request,
  server: HttpTestServer,
) => Response | Promise<Response>;

/**
 * Start a server on 127.0.0.1 with an ephemeral port.
 *
 * @param handler Answers each request (after it was logged).
 * @returns The server.
 */
export function startHttpServer(handler: TestHandler): HttpTestServer {
  const log: LoggedRequest[] = [];
  let sent = 0;
  let closed = false;
  const closing: (() => void)[] = [];
  const onClose = (fn: () => void) => {
    if (closed) fn();
    else closing.push(fn);
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      onClose(() => {
        clearTimeout(t);
        resolve();
      });
    });

  const self: HttpTestServer = {
    host: "",
    origin: "",
    port: 0,
    log,
    get sentBytes() {
      return sent;
    },
    countSent(n) {
      sent += n;
    },
    never() {
      return new Promise((resolve) => onClose(() => resolve(new Response(null, { status: 503 }))));
    },
    endless(total = Number.POSITIVE_INFINITY, fill = 0x41) {
      const chunk = new Uint8Array(64 * 1024).fill(fill);
      let left = total;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (closed || left <= 0) {
            controller.close();
            return;
          }
          const n = Math.min(chunk.length, left);
          left -= n;
          sent += n;
          controller.enqueue(chunk.slice(0, n));
        },
      }, { highWaterMark: 0 });
    },
    drip(bytes, intervalMs) {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (at > 0) await sleep(intervalMs);
          if (closed || at >= bytes.length) {
            controller.close();
            return;
          }
          sent += 1;
          controller.enqueue(bytes.slice(at, at + 1));
          at++;
        },
      }, { highWaterMark: 0 });
    },
    counted(bytes) {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (closed || at >= bytes.length) {
            controller.close();
            return;
          }
          const n = Math.min(64 * 1024, bytes.length - at);
          sent += n;
          controller.enqueue(bytes.slice(at, at + n));
          at += n;
        },
      }, { highWaterMark: 0 });
    },
    async close() {
      closed = true;
      for (const fn of closing.splice(0)) fn();
      await server.shutdown();
    },
  };

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      log.push({
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: req.headers,
        at: performance.now(),
      });
      if (closed) return new Response(null, { status: 503 });
      return await handler(req, self);
    },
  );
  self.port = server.addr.port;
  self.host = `127.0.0.1:${self.port}`;
  self.origin = `http://${self.host}`;
  return self;
}

/**
 * Run `fn` with a server and always close it.
 *
 * @param handler The server's handler.
 * @param fn The test body.
 * @returns What `fn` returns.
 */
export async function withHttpServer<T>(
  handler: TestHandler,
  fn: (server: HttpTestServer) => Promise<T>,
): Promise<T> {
  const server = startHttpServer(handler);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/**
 * Fail when `promise` has not settled within `ms` (a generous upper bound: a
 * guard against hangs, never a speed assertion).
 *
 * @param promise What must settle.
 * @param ms The bound.
 * @param what For the message.
 * @returns What the promise settles to.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A handler serving `bytes` as a static file: with `ranges`, `Range:
 * bytes=a-b` requests get `206 Partial Content`; without, every GET gets the
 * whole body (`200`). Bodies are counted.
 *
 * @param bytes The file.
 * @param options Whether ranges are answered, and an ETag to send.
 * @returns The handler.
 */
export function staticFileHandler(
  bytes: Uint8Array,
  options: { ranges: boolean; etag?: string; contentLength?: boolean } = { ranges: true },
): TestHandler {
  return (req, server) => {
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (options.etag !== undefined) headers.etag = options.etag;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.get("range") ?? "");
    if (options.ranges && m) {
      const start = Number(m[1]);
      if (start >= bytes.length) {
        return new Response(null, {
          status: 416,
          headers: { ...headers, "content-range": `bytes */${bytes.length}` },
        });
      }
      const end = Math.min(m[2] === "" ? bytes.length - 1 : Number(m[2]), bytes.length - 1);
      headers["content-range"] = `bytes ${start}-${end}/${bytes.length}`;
      headers["content-length"] = String(end - start + 1);
      return new Response(server.counted(bytes.subarray(start, end + 1)), { status: 206, headers });
    }
    if (options.contentLength !== false) headers["content-length"] = String(bytes.length);
    return new Response(server.counted(bytes), { status: 200, headers });
  };
}
