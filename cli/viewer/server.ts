/**
 * The requests `ommx-ts serve` answers (the command itself checks the
 * `Host` header and listens). Every page is the viewer page with its boot
 * data embedded (first paint without a request); the API gives what a page
 * did not carry:
 *
 * | path | answer |
 * | --- | --- |
 * | `/` | one Experiment (`serve <source>`), or the listing |
 * | `/?experiment=<name>` | one listed Experiment |
 * | `/?compare=<name>&compare=<name>…` | a comparison of listed Experiments |
 * | `/api/run?[experiment=<name>&]run=<id>` | a run's details (JSON) |
 * | `/api/attachment?[experiment=<name>&][run=<id>&]name=<n>` | an attachment, as a download |
 * | `/api/events?from=<n>` | the listing's events from `n` on (NDJSON, streamed) |
 * | `/experiment.ommx` | the archive (`serve <source>` only) |
 *
 * Only Experiments of the listing (or the one source) are ever opened: a
 * name is looked up, never used as a path. Attachments go out as
 * `application/octet-stream` downloads, never rendered on the viewer's
 * origin, whatever media type they declare. Errors are JSON
 * `{ code, message }` (API, with a 4xx/5xx status) or a page showing the
 * code (status 200, the code also in an `x-ommx-error` header).
 *
 * @module
 */
import type { Experiment } from "../../mod.ts";
import { type ExperimentSummary, summarizeExperiment } from "../summary.ts";
import { type Boot, type ExperimentBoot, renderPage } from "./boot.ts";
import { buildRunDetail, errorInfo, type ExperimentView, experimentViewOf } from "./model.ts";
import type { Listing } from "./listing.ts";

/** An Experiment opened for the viewer, with its summary and view. */
interface Loaded {
  readonly exp: Experiment;
  readonly summary: ExperimentSummary;
  readonly view: ExperimentView;
}

/** What the server shows. */
export type ViewerContent =
  | {
    /** One Experiment (`serve <source>`). */
    readonly kind: "single";
    /** The Experiment (kept open while serving). */
    readonly exp: Experiment;
    /** Header label (the source's file name, or the image name). */
    readonly label: string;
    /** The archive bytes (`/experiment.ommx`). */
    readonly archive: Blob;
  }
  | {
    /** A listing (`serve`, `serve oci://host/repo`). */
    readonly kind: "listing";
    /** The listing. */
    readonly listing: Listing;
  };

/** Most Experiments of a listing kept open at once. */
const OPEN_EXPERIMENTS = 6;
/** Most Experiments in one comparison. */
const MAX_COMPARE = 24;

const BASE_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "frame-ancestors 'none'",
};

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function statusOf(code: string): number {
  return code === "INVALID_ARGUMENT" || code === "NOT_FOUND" || code === "ATTACHMENT_NOT_FOUND"
    ? 404
    : 500;
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...BASE_HEADERS, "content-type": "application/json; charset=utf-8" },
  });
}

function errorJson(e: unknown): Response {
  const { code, message } = e instanceof HttpError
    ? { code: e.code, message: e.message }
    : errorInfo(e);
  return jsonResponse({ code, message }, e instanceof HttpError ? e.status : statusOf(code));
}

function runIdParam(url: URL, required: boolean): number | null {
  const text = url.searchParams.get("run");
  if (text === null) {
    if (required) throw new HttpError(400, "INVALID_ARGUMENT", "missing run=<id>");
    return null;
  }
  if (!/^\d{1,9}$/.test(text)) {
    throw new HttpError(
      400,
      "INVALID_ARGUMENT",
      `run must be a run id, got ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

/**
 * The request handler of the viewer server.
 *
 * @param template The viewer page (`viewer.html`).
 * @param content What it shows.
 * @returns The handler (call `close` when the server stops).
 */
export function viewerHandler(template: string, content: ViewerContent): {
  handle(req: Request): Promise<Response>;
  close(): Promise<void>;
} {
  const cache = new Map<string, Promise<Loaded>>();
  const load = (key: string): Promise<Loaded> => {
    let p = cache.get(key);
    if (p !== undefined) {
      cache.delete(key);
      cache.set(key, p); // most recently used last
      return p;
    }
    p = (async () => {
      const exp = content.kind === "single" ? content.exp : await content.listing.open(key);
      const summary = await summarizeExperiment(exp);
      const label = content.kind === "single" ? content.label : key;
      return { exp, summary, view: experimentViewOf(exp, summary, label) };
    })();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
    if (content.kind === "listing" && cache.size > OPEN_EXPERIMENTS) {
      const [oldest, evicted] = cache.entries().next().value!;
      cache.delete(oldest);
      void evicted.then((l) => l.exp.close()).catch(() => {});
    }
    return p;
  };
  const keyOf = (url: URL): string => {
    if (content.kind === "single") return "";
    const key = url.searchParams.get("experiment");
    if (key === null) throw new HttpError(400, "INVALID_ARGUMENT", "missing experiment=<name>");
    return key;
  };

  // A page is always 200, also one showing an error (its code is on the page and in a header):
  // a browser logs every non-2xx document as a console error.
  const page = (boot: Boot) =>
    new Response(renderPage(template, boot, { connect: "self" }), {
      headers: {
        ...BASE_HEADERS,
        "content-type": "text/html; charset=utf-8",
        ...(boot.mode === "error" ? { "x-ommx-error": boot.error.code } : {}),
      },
    });

  async function experimentPage(key: string, back: string | undefined): Promise<Response> {
    try {
      const { exp, summary, view } = await load(key);
      const first = view.runs[0];
      const details = first === undefined ? {} : {
        [String(first.runId)]: await buildRunDetail(
          exp,
          first.runId,
          summary.processes.get(first.runId) ?? [],
        ),
      };
      const boot: ExperimentBoot = {
        mode: "experiment",
        origin: "serve",
        view,
        details,
        query: content.kind === "single" ? "" : `experiment=${encodeURIComponent(key)}`,
        ...(back === undefined ? {} : { back }),
      };
      return page(boot);
    } catch (e) {
      const error = errorInfo(e);
      return page({ mode: "error", origin: "serve", title: key, error, ...(back ? { back } : {}) });
    }
  }

  async function comparePage(keys: string[]): Promise<Response> {
    const unique = [...new Set(keys)];
    if (unique.length > MAX_COMPARE) {
      return page({
        mode: "error",
        origin: "serve",
        title: "Comparison",
        error: { code: "INVALID_ARGUMENT", message: `at most ${MAX_COMPARE} Experiments at once` },
        back: "./",
      });
    }
    const views: ExperimentView[] = [];
    for (const key of unique) {
      try {
        views.push((await load(key)).view);
      } catch (e) {
        const error = errorInfo(e);
        return page({
          mode: "error",
          origin: "serve",
          title: key,
          error: { code: error.code, message: `${key}: ${error.message}` },
          back: "./",
        });
      }
    }
    return page({ mode: "compare", origin: "serve", views, keys: unique, back: "./" });
  }

  async function handle(req: Request): Promise<Response> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("method not allowed\n", { status: 405, headers: BASE_HEADERS });
    }
    const url = new URL(req.url);
    try {
      switch (url.pathname) {
        case "/":
        case "/index.html": {
          if (content.kind === "single") return await experimentPage("", undefined);
          const key = url.searchParams.get("experiment");
          if (key !== null) return await experimentPage(key, "./");
          const compare = url.searchParams.getAll("compare");
          if (compare.length > 0) return await comparePage(compare);
          await content.listing.settle(1000);
          return page(content.listing.snapshot());
        }
        case "/api/run": {
          const { exp, summary } = await load(keyOf(url));
          const runId = runIdParam(url, true)!;
          if (!summary.processes.has(runId)) {
            throw new HttpError(404, "NOT_FOUND", `no run ${runId}`);
          }
          return jsonResponse(
            await buildRunDetail(exp, runId, summary.processes.get(runId) ?? []),
          );
        }
        case "/api/attachment": {
          const { exp } = await load(keyOf(url));
          const runId = runIdParam(url, false);
          const name = url.searchParams.get("name");
          if (name === null) {
            throw new HttpError(400, "INVALID_ARGUMENT", "missing name=<attachment>");
          }
          const owner = runId === null ? exp : exp.runById(runId);
          const bytes = await owner.getBlob(name);
          const file = (owner.attachmentInfo(name).filename ?? name).replace(/[\\/]/g, "_");
          return new Response(bytes as Uint8Array<ArrayBuffer>, {
            headers: {
              ...BASE_HEADERS,
              "content-type": "application/octet-stream",
              "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file)}`,
            },
          });
        }
        case "/api/events": {
          if (content.kind !== "listing") throw new HttpError(404, "NOT_FOUND", "no listing here");
          const from = Number(url.searchParams.get("from") ?? "0");
          if (!Number.isSafeInteger(from) || from < 0) {
            throw new HttpError(400, "INVALID_ARGUMENT", "from must be a non-negative integer");
          }
          // Ends when the listing is complete or the server stops; a client that goes away
          // cancels the body (below). (Deno's request.signal also fires on success.)
          const events = content.listing.stream(from);
          const encoder = new TextEncoder();
          const body = new ReadableStream<Uint8Array>({
            async pull(controller) {
              const { value, done } = await events.next();
              if (done) controller.close();
              else controller.enqueue(encoder.encode(JSON.stringify(value) + "\n"));
            },
            async cancel() {
              await events.return(undefined);
            },
          });
          return new Response(body, {
            headers: { ...BASE_HEADERS, "content-type": "application/x-ndjson; charset=utf-8" },
          });
        }
        case "/experiment.ommx":
          if (content.kind !== "single") break;
          return new Response(content.archive, {
            headers: { ...BASE_HEADERS, "content-type": "application/octet-stream" },
          });
        case "/favicon.ico":
          return new Response(null, { status: 204, headers: BASE_HEADERS });
      }
      return new Response("not found\n", { status: 404, headers: BASE_HEADERS });
    } catch (e) {
      return errorJson(e);
    }
  }

  return {
    handle,
    async close() {
      for (const p of cache.values()) {
        await p.then((l) => content.kind === "listing" ? l.exp.close() : undefined).catch(() => {});
      }
      cache.clear();
    },
  };
}
