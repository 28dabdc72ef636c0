/**
 * `ommx-ts serve <source> [--port N] [--host H]`: the browser viewer on
 * 127.0.0.1, with the archive at `/experiment.ommx`.
 *
 * Only requests addressed to the server itself are answered: a `Host` header
 * naming another host or port gets `403` (so a web page whose domain is made
 * to resolve to 127.0.0.1, "DNS rebinding", cannot read the Experiment).
 *
 * @module
 */
import { experimentArchiveBytes, isLoopbackHost, NetworkError, openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import type { ParsedArgs } from "../args.ts";
import { sourceFromArg } from "../command.ts";
import { parseNonNegativeInt, UsageError } from "../args.ts";
import { toJsonText } from "../json.ts";
import { oneLine } from "../safe_text.ts";

const USAGE = "ommx-ts serve <source> [--port N] [--host 127.0.0.1] [--timeout s] [--json]";

/** Default port of `serve` (`--port 0` picks a free one). */
export const DEFAULT_PORT = 8765;

/**
 * The viewer page: a single self-contained HTML file. From a local checkout
 * (this module loaded from a `file:` URL, `deno` able to run) the page is
 * bundled fresh from `cli/viewer/app.ts`, so it always matches the library;
 * otherwise (installed from JSR, or bundling not permitted) the committed
 * `cli/viewer/viewer.html` is used.
 *
 * @returns The HTML text.
 */
export async function viewerHtml(): Promise<string> {
  if (new URL(import.meta.url).protocol === "file:") {
    try {
      const { buildViewerHtml } = await import("../viewer/build.ts");
      return await buildViewerHtml();
    } catch {
      // fall back to the committed page
    }
  }
  const url = new URL("../viewer/viewer.html", import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load the viewer page ${url.href}: ${res.status}`);
  return await res.text();
}

async function archiveBlob(source: string, args: ParsedArgs): Promise<Blob> {
  const src = await sourceFromArg(source, args);
  if (src instanceof Uint8Array) return new Blob([src as Uint8Array<ArrayBuffer>]);
  if (typeof src === "string" || src instanceof URL) {
    const path = src instanceof URL ? decodeURIComponent(src.pathname) : src;
    if (!(await Deno.stat(path)).isDirectory) return new Blob([await Deno.readFile(path)]);
  }
  // An OCI layout directory, a registry or a web server: the browser reads
  // archives, so pack the Experiment into one (same manifest digest).
  await using exp = await openExperiment(src);
  return new Blob([(await experimentArchiveBytes(exp)) as Uint8Array<ArrayBuffer>]);
}

/** A plain `host[:port]`: a name or IPv4 literal, or a bracketed IPv6 literal. */
const AUTHORITY = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The URL form of a bind address (`::1` → `[::1]`), or `undefined` when it is not one. */
function bindHostname(bind: string): string | undefined {
  const text = bind.includes(":") && !bind.startsWith("[") ? `[${bind}]` : bind;
  if (!AUTHORITY.test(text) || /:\d+$/.test(text.replace(/^\[.*\]/, ""))) return undefined;
  try {
    return new URL(`http://${text}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Whether a request's `Host` header addresses this server: the right port and
 * the bind address itself; for a loopback bind also `localhost` and loopback
 * literals; for a wildcard bind (`0.0.0.0`, `::`) any IP literal or
 * `localhost`. Other host names are refused, whatever they resolve to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostAllowed } from "./serve.ts";
 * assert.equal(hostAllowed("127.0.0.1:8765", "127.0.0.1", 8765), true);
 * assert.equal(hostAllowed("localhost:8765", "127.0.0.1", 8765), true);
 * assert.equal(hostAllowed("evil.example:8765", "127.0.0.1", 8765), false);
 * assert.equal(hostAllowed("127.0.0.1:8766", "127.0.0.1", 8765), false);
 * assert.equal(hostAllowed(null, "127.0.0.1", 8765), false);
 * ```
 *
 * @param host The `Host` header (`null` when absent).
 * @param bind The address the server listens on (`--host`).
 * @param port The port it listens on.
 * @returns `true` when the request may be answered.
 */
export function hostAllowed(host: string | null, bind: string, port: number): boolean {
  const bound = bindHostname(bind);
  if (host === null || bound === undefined || !AUTHORITY.test(host)) return false;
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return false;
  }
  if ((url.port === "" ? 80 : Number(url.port)) !== port) return false;
  const name = url.hostname;
  if (name === bound) return true;
  if (isLoopbackHost(bound)) return name === "localhost" || isLoopbackHost(name);
  if (bound === "0.0.0.0" || bound === "[::]") {
    return name === "localhost" || name.startsWith("[") || /^[\d.]+$/.test(name);
  }
  return false;
}

/** The `serve` command. */
export const serve: Command = {
  name: "serve",
  summary: "the browser viewer on http://127.0.0.1 (--port 0 picks a free port)",
  spec: {
    usage: USAGE,
    positionals: ["source"],
    options: { port: { type: "string" }, host: { type: "string" } },
  },
  async run(args, io) {
    const portArg = args.values.port;
    const port = typeof portArg === "string"
      ? parseNonNegativeInt(portArg, "--port", USAGE)
      : DEFAULT_PORT;
    if (port > 65535) {
      throw new UsageError(`--port must be in 0..65535, got ${JSON.stringify(portArg)}`, USAGE);
    }
    const hostname = typeof args.values.host === "string" ? args.values.host : "127.0.0.1";
    if (bindHostname(hostname) === undefined) {
      throw new UsageError(
        `--host must be an IP address or a host name, got ${JSON.stringify(hostname)}`,
        USAGE,
      );
    }
    const bytes = await archiveBlob(args.positionals.source!, args);
    // Open once up front so a bad archive fails here, with exit code 1, not in the browser.
    const exp = await openExperiment(bytes);
    const imageName = exp.imageName;
    await exp.close();
    const html = await viewerHtml();
    const controller = new AbortController();
    const stop = () => controller.abort();
    let boundPort = port;
    const onListen = ({ port }: { port: number }) => {
      boundPort = port;
      const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}/`;
      const line = args.values.json
        ? toJsonText({ url, archive: `${url}experiment.ommx`, imageName }).replaceAll("\n", "") +
          "\n"
        : `ommx-ts viewer: ${url}  (${
          oneLine(imageName ?? "unnamed experiment")
        }; Ctrl-C to stop)\n`;
      io.out(line);
    };
    const handler = (req: Request): Response => {
      const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
      if (!hostAllowed(req.headers.get("host"), hostname, boundPort)) {
        return new Response("forbidden: this server answers only its own address\n", {
          status: 403,
          headers,
        });
      }
      const { pathname } = new URL(req.url);
      if (req.method !== "GET" && req.method !== "HEAD") {
        return new Response("method not allowed\n", { status: 405, headers });
      }
      if (pathname === "/" || pathname === "/index.html") {
        return new Response(html, {
          headers: { ...headers, "content-type": "text/html; charset=utf-8" },
        });
      }
      if (pathname === "/experiment.ommx") {
        return new Response(bytes, {
          headers: { ...headers, "content-type": "application/octet-stream" },
        });
      }
      if (pathname === "/favicon.ico") return new Response(null, { status: 204, headers });
      return new Response("not found\n", { status: 404, headers });
    };
    let server: Deno.HttpServer;
    try {
      server = Deno.serve({ port, hostname, signal: controller.signal, onListen }, handler);
    } catch (cause) {
      if (cause instanceof Deno.errors.PermissionDenied) throw cause;
      throw new NetworkError(
        "NETWORK",
        `serve: cannot listen on ${hostname}:${port}: ${
          cause instanceof Error ? cause.message : String(cause)
        }`,
        { cause },
      );
    }
    Deno.addSignalListener("SIGINT", stop);
    await server.finished;
    Deno.removeSignalListener("SIGINT", stop);
    return 0;
  },
};
