/**
 * `ommx-ts serve <source> [--port N] [--host H]`: the browser viewer on
 * 127.0.0.1, with the archive at `/experiment.ommx`.
 *
 * @module
 */
import { experimentArchiveBytes, openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg } from "../command.ts";
import { parseNonNegativeInt } from "../args.ts";
import { toJsonText } from "../json.ts";

const USAGE = "ommx-ts serve <source> [--port N] [--host 127.0.0.1] [--json]";

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

async function archiveBlob(source: string): Promise<Blob> {
  const src = await sourceFromArg(source);
  if (src instanceof Uint8Array) return new Blob([src as Uint8Array<ArrayBuffer>]);
  if (src instanceof URL && src.protocol !== "file:") {
    return await (await fetch(src)).blob();
  }
  if (typeof src === "string" || src instanceof URL) {
    const path = src instanceof URL ? decodeURIComponent(src.pathname) : src;
    if (!(await Deno.stat(path)).isDirectory) return new Blob([await Deno.readFile(path)]);
  }
  // An OCI layout directory or a registry: the browser reads archives, so pack
  // the Experiment into one (same manifest digest).
  await using exp = await openExperiment(src);
  return new Blob([(await experimentArchiveBytes(exp)) as Uint8Array<ArrayBuffer>]);
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
    const hostname = typeof args.values.host === "string" ? args.values.host : "127.0.0.1";
    const bytes = await archiveBlob(args.positionals.source!);
    // Open once up front so a bad archive fails here, with exit code 1, not in the browser.
    const exp = await openExperiment(bytes);
    const imageName = exp.imageName;
    await exp.close();
    const html = await viewerHtml();
    const controller = new AbortController();
    const stop = () => controller.abort();
    Deno.addSignalListener("SIGINT", stop);
    const server = Deno.serve({
      port,
      hostname,
      signal: controller.signal,
      onListen: ({ port }) => {
        const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}/`;
        const line = args.values.json
          ? toJsonText({ url, archive: `${url}experiment.ommx`, imageName }).replaceAll("\n", "") +
            "\n"
          : `ommx-ts viewer: ${url}  (${imageName ?? "unnamed experiment"}; Ctrl-C to stop)\n`;
        io.out(line);
      },
    }, (req) => {
      const { pathname } = new URL(req.url);
      if (req.method !== "GET" && req.method !== "HEAD") {
        return new Response("method not allowed\n", { status: 405 });
      }
      const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
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
    });
    await server.finished;
    Deno.removeSignalListener("SIGINT", stop);
    return 0;
  },
};
