/**
 * `ommx-ts serve [source] [--root dir] [--port N] [--host H]`: the browser
 * viewer on 127.0.0.1 (`--host` to bind elsewhere).
 *
 * - `serve <source>`: one Experiment (any source; the archive also at `/experiment.ommx`);
 * - `serve` with no source: the Experiments of the OMMX Local Registry
 *   (`--root`, else `OMMX_LOCAL_REGISTRY_ROOT`, else the SDK's data
 *   directory, as `ommx-ts ls`);
 * - `serve oci://host/repo` (no tag): a remote repository's tags.
 *
 * Every page carries its data (first paint without a request); the routes
 * are in `cli/viewer/server.ts`. Only requests addressed to the server
 * itself are answered: a `Host` header naming another host or port gets
 * `403` (so a web page whose domain is made to resolve to 127.0.0.1, "DNS
 * rebinding", cannot read the Experiments).
 *
 * @module
 */
import { experimentArchiveBytes, isLoopbackHost, NetworkError, openExperiment } from "../../mod.ts";
import type { Experiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import type { ParsedArgs } from "../args.ts";
import { sourceFromArg } from "../command.ts";
import { parseNonNegativeInt, UsageError } from "../args.ts";
import { toJsonText } from "../json.ts";
import { oneLine } from "../safe_text.ts";
import { networkOptions } from "../network_options.ts";
import { ROOT_OPTION, rootOption } from "./_registry.ts";
import { type ViewerContent, viewerHandler } from "../viewer/server.ts";
import { type Listing, localListing, remoteListing } from "../viewer/listing.ts";

const USAGE =
  "ommx-ts serve [source | oci://host/repo] [--root dir] [--port N] [--host 127.0.0.1] [--timeout s] [--json]";

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

/**
 * The repository of `oci://host[:port]/repo` when it names no tag or digest
 * (then `serve` lists its tags), else `undefined`.
 *
 * @param text The source argument.
 * @returns `host[:port]/repo`, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { repositoryOnly } from "./serve.ts";
 * assert.equal(repositoryOnly("oci://127.0.0.1:5000/team/exp"), "127.0.0.1:5000/team/exp");
 * assert.equal(repositoryOnly("oci://127.0.0.1:5000/team/exp:v1"), undefined);
 * assert.equal(repositoryOnly("oci://ghcr.io/team/exp@sha256:00"), undefined);
 * assert.equal(repositoryOnly("demo.ommx"), undefined);
 * ```
 */
export function repositoryOnly(text: string): string | undefined {
  if (!text.startsWith("oci://")) return undefined;
  const rest = text.slice("oci://".length);
  const slash = rest.indexOf("/");
  if (slash <= 0) return undefined;
  const path = rest.slice(slash + 1);
  return path === "" || path.includes(":") || path.includes("@") ? undefined : rest;
}

/**
 * What the header shows for a source: a file's name, else the image name.
 *
 * @param source The source argument.
 * @param imageName The Experiment's image name.
 * @returns The label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceLabel } from "./serve.ts";
 * assert.equal(sourceLabel("runs/a b.ommx", "x:v1"), "a b.ommx");
 * assert.equal(sourceLabel("oci://h/r:v1", "h/r:v1"), "h/r:v1");
 * assert.equal(sourceLabel("https://example.com/e.ommx?x=1", null), "e.ommx");
 * ```
 */
export function sourceLabel(source: string, imageName: string | null): string {
  if (source.startsWith("oci://") || source.startsWith("local:") || source === "-") {
    return imageName ?? source;
  }
  let path = source;
  if (/^(https?|file):\/\//i.test(source)) {
    try {
      path = decodeURIComponent(new URL(source).pathname);
    } catch {
      path = source;
    }
  }
  const name = path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? "";
  return name === "" ? imageName ?? source : name;
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
  summary:
    "the browser viewer on http://127.0.0.1: one Experiment, the Local Registry (no source), or oci://host/repo's tags",
  spec: {
    usage: USAGE,
    positionals: [],
    optionalPositionals: ["source"],
    options: { ...ROOT_OPTION, port: { type: "string" }, host: { type: "string" } },
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
    const source = args.positionals.source;
    if (source !== undefined && typeof args.values.root === "string") {
      throw new UsageError(
        "--root applies to the Local Registry listing (serve with no source)",
        USAGE,
      );
    }
    const controller = new AbortController();
    const repository = source === undefined ? undefined : repositoryOnly(source);
    let content: ViewerContent;
    let label: string;
    let imageName: string | null = null;
    let listing: Listing | undefined;
    let single: Experiment | undefined;
    if (source === undefined) {
      listing = await localListing(rootOption(args).root);
      label = `Local Registry ${listing.location}`;
      content = { kind: "listing", listing };
    } else if (repository !== undefined) {
      listing = remoteListing(repository, networkOptions(args), controller.signal);
      label = `oci://${repository}`;
      content = { kind: "listing", listing };
    } else {
      const bytes = await archiveBlob(source, args);
      // Open up front so a bad archive fails here, with exit code 1, not in the browser.
      single = await openExperiment(bytes);
      imageName = single.imageName;
      label = sourceLabel(source, imageName);
      content = { kind: "single", exp: single, label, archive: bytes };
    }
    const html = await viewerHtml();
    const viewer = viewerHandler(html, content);
    if (listing !== undefined && source === undefined) void listing.computeBest(controller.signal);
    const stop = () => {
      listing?.close();
      controller.abort();
    };
    let boundPort = port;
    const onListen = ({ port }: { port: number }) => {
      boundPort = port;
      const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}/`;
      const line = args.values.json
        ? toJsonText({
          url,
          ...(single === undefined ? {} : { archive: `${url}experiment.ommx` }),
          mode: listing === undefined ? "experiment" : "listing",
          label,
          imageName,
        }).replaceAll("\n", "") + "\n"
        : `ommx-ts viewer: ${url}  (${oneLine(label)}; Ctrl-C to stop)\n`;
      io.out(line);
    };
    const handler = (req: Request): Response | Promise<Response> => {
      if (!hostAllowed(req.headers.get("host"), hostname, boundPort)) {
        return new Response("forbidden: this server answers only its own address\n", {
          status: 403,
          headers: { "cache-control": "no-store", "x-content-type-options": "nosniff" },
        });
      }
      return viewer.handle(req);
    };
    let server: Deno.HttpServer;
    try {
      server = Deno.serve({ port, hostname, signal: controller.signal, onListen }, handler);
    } catch (cause) {
      await viewer.close();
      await single?.close();
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
    try {
      await server.finished;
    } finally {
      Deno.removeSignalListener("SIGINT", stop);
      stop();
      await viewer.close();
      await single?.close();
    }
    return 0;
  },
};
