/**
 * A {@linkcode RandomAccessSource} over an `http(s)://` URL, so an `.ommx`
 * archive on a web server is opened like a local file: never loaded whole.
 *
 * When the server answers range requests (`206 Partial Content`), every read
 * is an HTTP range request (small reads are widened to one block and the last
 * blocks kept). When it does not, the body is streamed once into a temporary
 * file (Deno, Node, Bun; a `Blob` in browsers) of at most `maxDownloadSize`
 * bytes, removed again by `close()` or when opening fails. Every request goes
 * through the same rules as the registry client (`docs/security.md`,
 * "Network"): http/https only, no https→http redirect, response and progress
 * timeouts, bounded retries. In browsers a cross-origin server must expose
 * `Content-Range` (CORS `Access-Control-Expose-Headers`) for range reads;
 * otherwise the archive is downloaded into a `Blob`, under the same cap.
 *
 * @module
 */
import { CorruptArchiveError, LimitExceededError } from "../errors.ts";
import { blobSource, checkRange, type RandomAccessSource } from "./random_access.ts";
import { openFileSource } from "./random_access_file.ts";
import type { NetworkOptions } from "./network.ts";
import {
  displayUrl,
  guardedBody,
  httpError,
  type HttpResponse,
  type HttpSettings,
  httpSettings,
  sendHttp,
} from "./_http.ts";

/** Options of {@linkcode openHttpSource}. */
export interface HttpSourceOptions extends NetworkOptions {
  /**
   * Largest archive downloaded whole when the server ignores range requests,
   * in bytes. Default {@linkcode DEFAULT_MAX_DOWNLOAD_SIZE} (4 GiB).
   */
  maxDownloadSize?: number;
  /** Directory of that temporary download (default: the system's temp directory). */
  tempDir?: string;
  /** Smallest range read, in bytes (default 64 KiB): small reads are widened to it and kept. */
  blockSize?: number;
  /** Abort signal for opening (the probe and a download). */
  signal?: AbortSignal;
}

/** An open HTTP source; `close()` removes its temporary download, if any. */
export interface HttpSource extends RandomAccessSource {
  /** The URL as given. */
  readonly url: string;
  /** `range` (HTTP range requests) or `download` (one temporary copy). */
  readonly mode: "range" | "download";
  /** Release the source (and delete the temporary download). */
  close(): Promise<void>;
}

/** Default cap of a whole download (4 GiB). */
export const DEFAULT_MAX_DOWNLOAD_SIZE = 4 * 1024 ** 3;

const KEPT_BLOCKS = 4;

/** Parse `bytes a-b/total` (total may be `*`). */
function parseContentRange(
  header: string | null,
): { start: number; end: number; total: number | undefined } | undefined {
  const m = header === null ? null : /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = m[3] === "*" ? undefined : Number(m[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  if (total !== undefined && (!Number.isSafeInteger(total) || end >= total)) return undefined;
  return { start, end, total };
}

/** The strong validator of a response, when it has one. */
function strongEtag(res: Response): string | undefined {
  const etag = res.headers.get("etag");
  return etag !== null && !etag.startsWith("W/") ? etag : undefined;
}

async function failStatus(answer: HttpResponse, url: string): Promise<never> {
  const status = answer.response.status;
  await answer.response.body?.cancel().catch(() => {});
  answer.abort();
  throw httpError(
    "http",
    status === 401 ? "UNAUTHORIZED" : status === 403 ? "DENIED" : "HTTP",
    `GET ${displayUrl(url)} answered HTTP ${status}`,
    { status, url: displayUrl(url) },
  );
}

/** Read exactly `length` bytes of a body under the progress timeout. */
async function readExactly(
  settings: HttpSettings,
  answer: HttpResponse,
  length: number,
  what: string,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let at = 0;
  const reader = guardedBody("http", settings, answer).getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (at + value.length > length) {
        throw httpError(
          "http",
          "HTTP",
          `GET ${
            displayUrl(answer.url)
          }: ${what}: the server sent more than the ${length} bytes asked for`,
          { status: answer.response.status, url: displayUrl(answer.url) },
        );
      }
      out.set(value, at);
      at += value.length;
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
  }
  if (at !== length) {
    throw httpError(
      "http",
      "NETWORK",
      `GET ${displayUrl(answer.url)}: ${what}: body ended after ${at} of ${length} bytes`,
      { status: answer.response.status, url: displayUrl(answer.url) },
    );
  }
  return out;
}

/**
 * Open `url` for random access (see the module documentation).
 *
 * @example Serve an archive and open it by range requests
 * ```ts
 * import { openHttpSource } from "./random_access_http.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("hello, ranges");
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
 *   const m = /bytes=(\d+)-(\d+)/.exec(req.headers.get("range") ?? "");
 *   if (!m) return new Response(bytes);
 *   const end = Math.min(Number(m[2]), bytes.length - 1);
 *   return new Response(bytes.slice(Number(m[1]), end + 1), {
 *     status: 206,
 *     headers: { "content-range": `bytes ${m[1]}-${end}/${bytes.length}` },
 *   });
 * });
 * const src = await openHttpSource(`http://127.0.0.1:${server.addr.port}/a.ommx`);
 * assert.equal(src.mode, "range");
 * assert.equal(new TextDecoder().decode(await src.read(7, 6)), "ranges");
 * await src.close();
 * await server.shutdown();
 * ```
 *
 * @param url An `http:` or `https:` URL.
 * @param options Timeouts, retries, download cap and directory, block size.
 * @returns The source; close it.
 * @throws {NetworkError} `NETWORK`, `TIMEOUT`, `HTTP` (with the status), `UNAUTHORIZED`, `DENIED`.
 * @throws {LimitExceededError} When a whole download would exceed `maxDownloadSize`.
 */
export async function openHttpSource(
  url: string | URL,
  options: HttpSourceOptions = {},
): Promise<HttpSource> {
  const href = String(url);
  const settings = httpSettings(options);
  const blockSize = options.blockSize ?? 64 * 1024;
  const signal = options.signal;
  const answer = await sendHttp("http", settings, {
    method: "GET",
    url: href,
    headers: new Headers({ Range: `bytes=0-${blockSize - 1}`, "Accept-Encoding": "identity" }),
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  const res = answer.response;
  if (res.status === 206) {
    const range = parseContentRange(res.headers.get("content-range"));
    if (range !== undefined && range.start === 0 && range.total !== undefined) {
      const first = await readExactly(settings, answer, range.end + 1, "first block");
      return rangeSource(href, settings, range.total, first, strongEtag(res), blockSize);
    }
    // A partial answer we cannot place: fetch the whole body instead.
    await res.body?.cancel().catch(() => {});
    answer.abort();
    const whole = await sendHttp("http", settings, {
      method: "GET",
      url: href,
      headers: new Headers({ "Accept-Encoding": "identity" }),
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    if (whole.response.status !== 200) await failStatus(whole, href);
    return await downloadSource(href, settings, whole, options);
  }
  if (res.status === 416) {
    const range = /^\s*bytes\s+\*\/0\s*$/i.test(res.headers.get("content-range") ?? "");
    await res.body?.cancel().catch(() => {});
    if (range) return rangeSource(href, settings, 0, new Uint8Array(0), undefined, blockSize);
    return await failStatus(answer, href);
  }
  if (res.status !== 200) return await failStatus(answer, href);
  return await downloadSource(href, settings, answer, options);
}

function rangeSource(
  url: string,
  settings: HttpSettings,
  size: number,
  first: Uint8Array,
  etag: string | undefined,
  blockSize: number,
): HttpSource {
  // Blocks by start offset, most recently used last.
  const kept = new Map<number, Uint8Array>([[0, first]]);
  const keep = (start: number, bytes: Uint8Array) => {
    kept.delete(start);
    kept.set(start, bytes);
    if (kept.size > KEPT_BLOCKS) kept.delete(kept.keys().next().value as number);
  };
  const rangeGet = async (start: number, length: number): Promise<Uint8Array> => {
    const end = start + length - 1;
    const headers = new Headers({ Range: `bytes=${start}-${end}`, "Accept-Encoding": "identity" });
    if (etag !== undefined) headers.set("If-Range", etag);
    const answer = await sendHttp("http", settings, {
      method: "GET",
      url,
      headers,
      idempotent: true,
    });
    const res = answer.response;
    const range = res.status === 206
      ? parseContentRange(res.headers.get("content-range"))
      : undefined;
    const sameEtag = etag === undefined || strongEtag(res) === undefined ||
      strongEtag(res) === etag;
    if (res.status === 200 || (range !== undefined && (range.total !== size || !sameEtag))) {
      await res.body?.cancel().catch(() => {});
      answer.abort();
      throw new CorruptArchiveError(
        `${displayUrl(url)} changed on the server while it was being read`,
      );
    }
    if (res.status !== 206) return await failStatus(answer, url);
    if (range === undefined || range.start !== start || range.end !== end) {
      await res.body?.cancel().catch(() => {});
      answer.abort();
      throw httpError(
        "http",
        "HTTP",
        `GET ${displayUrl(url)}: asked for bytes ${start}-${end}, got ${
          res.headers.get("content-range") ?? "no Content-Range"
        }`,
        { status: res.status, url: displayUrl(url) },
      );
    }
    return await readExactly(settings, answer, length, `bytes ${start}-${end}`);
  };
  const block = async (start: number): Promise<Uint8Array> => {
    const hit = kept.get(start);
    if (hit !== undefined && hit.length >= Math.min(blockSize, size - start)) {
      keep(start, hit);
      return hit;
    }
    const bytes = await rangeGet(start, Math.min(blockSize, size - start));
    keep(start, bytes);
    return bytes;
  };
  return {
    url,
    mode: "range",
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      checkRange(size, offset, length);
      if (length === 0) return new Uint8Array(0);
      const startBlock = Math.floor(offset / blockSize) * blockSize;
      if (length < blockSize && offset + length <= startBlock + blockSize) {
        const b = await block(startBlock);
        return b.slice(offset - startBlock, offset - startBlock + length);
      }
      return await rangeGet(offset, length);
    },
    ownsReads: true,
    close(): Promise<void> {
      kept.clear();
      return Promise.resolve();
    },
  };
}

/** Stream the whole body into a temporary file (or a Blob without a file system). */
async function downloadSource(
  url: string,
  settings: HttpSettings,
  answer: HttpResponse,
  options: HttpSourceOptions,
): Promise<HttpSource> {
  const cap = options.maxDownloadSize ?? DEFAULT_MAX_DOWNLOAD_SIZE;
  const declared = Number(answer.response.headers.get("content-length") ?? NaN);
  const tooLarge = (n: number | string) =>
    new LimitExceededError(
      `${displayUrl(url)} is ${n} bytes, over the download limit of ${cap} bytes ` +
        `(the server does not answer range requests; raise maxDownloadSize to download it)`,
    );
  if (declared > cap) {
    await answer.response.body?.cancel().catch(() => {});
    answer.abort();
    throw tooLarge(declared);
  }
  let fs: typeof import("node:fs/promises") | undefined;
  try {
    fs = await import("node:fs/promises");
  } catch {
    fs = undefined;
  }
  const reader = guardedBody("http", settings, answer, options.signal).getReader();
  let total = 0;
  const take = (chunk: Uint8Array) => {
    total += chunk.length;
    if (total > cap) throw tooLarge(`more than ${cap}`);
  };
  if (fs === undefined) {
    const parts: Uint8Array<ArrayBuffer>[] = [];
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
        parts.push(value as Uint8Array<ArrayBuffer>);
      }
    } catch (e) {
      await reader.cancel().catch(() => {});
      throw e;
    }
    const blob = new Blob(parts);
    return { ...blobSource(blob), url, mode: "download", close: () => Promise.resolve() };
  }
  const { join } = await import("node:path");
  const base = options.tempDir ?? (await import("node:os")).tmpdir();
  const dir = await fs.mkdtemp(join(base, "ommx-ts-http-"));
  const path = join(dir, "archive.ommx");
  const removeDir = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const handle = await fs.open(path, "wx");
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
        let at = 0;
        while (at < value.length) {
          at += (await handle.write(value, at, value.length - at)).bytesWritten;
        }
      }
    } finally {
      await handle.close();
    }
    const file = await openFileSource(path);
    let closed = false;
    return {
      url,
      mode: "download",
      size: file.size,
      ownsReads: true,
      read: (offset, length) => file.read(offset, length),
      async close() {
        if (closed) return;
        closed = true;
        try {
          await file.close();
        } finally {
          await removeDir();
        }
      },
    };
  } catch (e) {
    await reader.cancel().catch(() => {});
    await removeDir().catch(() => {});
    throw e;
  }
}
