/**
 * The ommx-ts viewer page: boots from the data embedded in the page
 * (`boot.ts`) — a single Experiment, a listing, or a comparison, written by
 * `ommx-ts serve` or `ommx-ts report` — and paints it at once, before any
 * request. A page of `serve` asks its server for what it did not carry (a
 * run's details, attachments, the rest of a listing); a report carries
 * everything it shows and never connects anywhere. The plain page (no boot
 * data) reads a `.ommx` dropped on it or picked with the file input through
 * the same read API as the CLI (`openExperiment` on a Blob).
 *
 * Bundled into `viewer.html` by `cli/viewer/build.ts`. No dependencies
 * beyond the library; plain DOM and SVG.
 *
 * @module
 */
/// <reference lib="dom" />
import { openExperiment } from "../../mod.ts";
import type { Experiment } from "../../mod.ts";
import { summarizeExperiment } from "../summary.ts";
import { attachmentKey, type Boot, type ExperimentBoot, type ListingEvent } from "./boot.ts";
import { buildRunDetail, experimentViewOf, type RunDetail } from "./model.ts";
import { byId, h, layout, setTitle, showError } from "./dom.ts";
import { type ExperimentSource, showExperiment } from "./experiment_page.ts";
import { showRegistry } from "./registry_page.ts";
import { showComparison } from "./compare_page.ts";

function readBoot(): Boot | null {
  const el = document.getElementById("ommx-boot");
  if (el === null || !el.textContent) return null;
  try {
    return JSON.parse(el.textContent) as Boot | null;
  } catch {
    return null;
  }
}

/** Turn an error answer of the `serve` API (`{ code, message }`) into a rejection. */
async function apiJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = await res.json().catch(() => null) as
    | (T & { code?: string; message?: string })
    | null;
  if (!res.ok) {
    throw Object.assign(new Error(body?.message ?? `HTTP ${res.status}`), {
      code: body?.code ?? "HTTP",
    });
  }
  return body as T;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The source of a page of `serve` or of a report. */
function bootSource(boot: ExperimentBoot): ExperimentSource {
  const carried = (runId: number): RunDetail | undefined => boot.details?.[String(runId)];
  if (boot.origin === "serve") {
    const query = boot.query ? `${boot.query}&` : "";
    const cache = new Map<number, Promise<RunDetail>>();
    return {
      runDetail(runId) {
        const have = carried(runId);
        if (have !== undefined) return Promise.resolve(have);
        let p = cache.get(runId);
        if (p === undefined) {
          p = apiJson<RunDetail>(`api/run?${query}run=${runId}`);
          p.catch(() => cache.delete(runId));
          cache.set(runId, p);
        }
        return p;
      },
      attachmentUrl(runId, name) {
        const run = runId === null ? "" : `run=${runId}&`;
        return `api/attachment?${query}${run}name=${encodeURIComponent(name)}`;
      },
      attachment: () => Promise.resolve(null),
    };
  }
  return {
    runDetail(runId) {
      const have = carried(runId);
      if (have !== undefined) return Promise.resolve(have);
      return Promise.reject(Object.assign(
        new Error(
          boot.detailsOmitted?.includes(runId)
            ? "this report leaves them out (its size budget); open the Experiment with ommx-ts serve"
            : "this page does not carry them",
        ),
        { code: "NOT_EMBEDDED" },
      ));
    },
    attachment(runId, name) {
      const data = boot.files?.[attachmentKey(runId, name)];
      return Promise.resolve(data === undefined ? null : new Blob([base64Bytes(data)]));
    },
  };
}

/** Listing events from the `serve` API: one NDJSON stream from `from` to the end. */
async function serveEvents(from: number, onEvent: (e: ListingEvent) => void): Promise<void> {
  const res = await fetch(`api/events?from=${from}`);
  if (!res.ok || res.body === null) throw new Error(`listing events: HTTP ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim() !== "") onEvent(JSON.parse(line) as ListingEvent);
    }
  }
}

function setNav(back: string | undefined): void {
  byId("nav").replaceChildren(
    back === undefined ? "" : h("a", { href: back, id: "back" }, "← all Experiments"),
  );
}

// ---------------------------------------------------------------- a file picked in the browser

let opened: Experiment | null = null;

async function loadFile(source: Blob, label: string): Promise<void> {
  const status = byId("status");
  status.textContent = `reading ${label}…`;
  document.body.dataset.state = "loading";
  try {
    if (opened !== null) await opened.close();
    opened = null;
    const exp = await openExperiment(source);
    opened = exp;
    const summary = await summarizeExperiment(exp);
    const view = experimentViewOf(exp, summary, label);
    setNav(undefined);
    showExperiment(view, {
      runDetail: (runId) => buildRunDetail(exp, runId, summary.processes.get(runId) ?? []),
      attachment: async (runId, name) => {
        const owner = runId === null ? exp : exp.runById(runId);
        const info = owner.attachmentInfo(name);
        return new Blob([(await owner.getBlob(name)) as Uint8Array<ArrayBuffer>], {
          type: info.mediaType,
        });
      },
    });
    status.textContent = label;
    document.body.dataset.state = "ready";
  } catch (e) {
    const err = e as { code?: string; message?: string };
    status.textContent = "";
    showError(err.code ?? "INTERNAL", err.message ?? String(e));
    document.body.dataset.state = "error";
  }
}

function enableDrop(): void {
  const input = byId("file") as HTMLInputElement;
  input.addEventListener("change", () => {
    const f = input.files?.[0];
    if (f) void loadFile(f, f.name);
  });
  document.addEventListener("dragover", (e) => {
    e.preventDefault();
    document.body.classList.add("dragging");
  });
  document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    document.body.classList.remove("dragging");
    const f = e.dataTransfer?.files?.[0];
    if (f) void loadFile(f, f.name);
  });
}

// ---------------------------------------------------------------- start

function start(): void {
  performance.mark("ommx-start");
  const boot = readBoot();
  document.body.dataset.origin = boot?.origin ?? "file";
  if (boot === null) {
    byId("drop").hidden = false;
    enableDrop();
    setTitle("Experiment viewer");
    layout([]);
    byId("status").textContent = "drop a .ommx file here, or pick one";
    document.body.dataset.state = "empty";
    return;
  }
  if (boot.origin !== "serve") enableDrop();
  document.body.dataset.mode = boot.mode;
  switch (boot.mode) {
    case "experiment":
      setNav(boot.back);
      showExperiment(boot.view, bootSource(boot));
      byId("status").textContent = boot.origin === "report" ? "report" : "";
      break;
    case "registry":
      setNav(undefined);
      showRegistry(boot, serveEvents);
      break;
    case "compare":
      setNav(boot.back);
      showComparison(boot.views, boot.keys);
      byId("status").textContent = boot.origin === "report" ? "report" : "";
      break;
    case "error":
      setNav(boot.back);
      setTitle(boot.title);
      layout([]);
      showError(boot.error.code, boot.error.message);
      document.body.dataset.state = "error";
      return;
  }
  document.body.dataset.state = "ready";
  performance.mark("ommx-ready");
}

start();
