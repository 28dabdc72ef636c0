/**
 * The data a viewer page boots from, embedded in the page itself so that
 * its first paint needs no request: `ommx-ts serve` embeds it in every page
 * it answers, `ommx-ts report` in the file it writes. One JSON document in
 * `<script type="application/json" id="ommx-boot">`, written so that no
 * text in it can end the element ({@linkcode embedBoot}); the page's title
 * and header are filled in on the server as escaped text
 * ({@linkcode renderPage}), so even a page whose script does not run names
 * what it shows. Runtime-neutral.
 *
 * @module
 */
import type { BestUpdate, ExperimentView, ListingRow, RunDetail } from "./model.ts";

/** Where a page came from: a `serve` server (it may ask for more), a report file, or a file picked in the browser. */
export type BootOrigin = "serve" | "report" | "file";

/** The single-Experiment page. */
export interface ExperimentBoot {
  /** Page kind. */
  readonly mode: "experiment";
  /** Where it came from. */
  readonly origin: BootOrigin;
  /** The Experiment. */
  readonly view: ExperimentView;
  /** Run details carried by the page (a report's), by run id. */
  readonly details?: Readonly<Record<string, RunDetail>>;
  /** Runs whose details a report left out (its size budget). */
  readonly detailsOmitted?: readonly number[];
  /** Attachment bytes carried by a report (base64), by {@linkcode attachmentKey}. */
  readonly files?: Readonly<Record<string, string>>;
  /** Query naming this Experiment on the server (`experiment=<name>`), `""` for the only one. */
  readonly query?: string;
  /** Link back to the listing, when it came from one. */
  readonly back?: string;
}

/** The listing page (`serve` with no source, or `serve oci://host/repo`). */
export interface RegistryBoot {
  /** Page kind. */
  readonly mode: "registry";
  /** Always a server. */
  readonly origin: "serve";
  /** Header title (`Local Registry`, `oci://host/repo`). */
  readonly title: string;
  /** Where the Experiments are (root directory or repository). */
  readonly location: string;
  /** Rows listed so far. */
  readonly rows: readonly ListingRow[];
  /** Best objectives computed so far. */
  readonly best: readonly BestUpdate[];
  /** Notes (skipped refs, a cut tag list). */
  readonly notes: readonly string[];
  /** Number of listing events the page already holds (the next `api/events?from=`). */
  readonly events: number;
  /** Whether the listing (rows and best objectives) is complete. */
  readonly complete: boolean;
}

/** The comparison page. */
export interface CompareBoot {
  /** Page kind. */
  readonly mode: "compare";
  /** Where it came from. */
  readonly origin: BootOrigin;
  /** The compared Experiments, in pick order. */
  readonly views: readonly ExperimentView[];
  /** Their listing keys, when served from a listing (links to each). */
  readonly keys?: readonly string[];
  /** Link back to the listing. */
  readonly back?: string;
}

/** A page that could not be built (an Experiment that failed to load). */
export interface ErrorBoot {
  /** Page kind. */
  readonly mode: "error";
  /** Where it came from. */
  readonly origin: BootOrigin;
  /** What was asked for. */
  readonly title: string;
  /** The error's code and message. */
  readonly error: { readonly code: string; readonly message: string };
  /** Link back to the listing. */
  readonly back?: string;
}

/** Anything a page boots from. */
export type Boot = ExperimentBoot | RegistryBoot | CompareBoot | ErrorBoot;

/** One event of a listing's stream (`api/events`): a row, a best objective, a note, or the end. */
export type ListingEvent =
  | { readonly type: "row"; readonly row: ListingRow }
  | { readonly type: "best"; readonly best: BestUpdate }
  | { readonly type: "note"; readonly text: string }
  | { readonly type: "done" };

/**
 * The key of an attachment in a report's `files`.
 *
 * @param runId The run, or `null` for an Experiment attachment.
 * @param name The attachment name.
 * @returns The key.
 */
export function attachmentKey(runId: number | null, name: string): string {
  return `${runId === null ? "experiment" : `run ${runId}`}/${name}`;
}

/**
 * JSON text that is safe inside a `<script>` element: `<`, `>`, `&` and the
 * line separators U+2028/U+2029 written as `\u` escapes, so no value can
 * close the element or start a comment.
 *
 * @param value Anything JSON can hold.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embedBoot } from "./boot.ts";
 * const text = embedBoot({ name: "</script><script>alert(1)</script>" });
 * assert.equal(text.includes("<"), false);
 * assert.deepEqual(JSON.parse(text), { name: "</script><script>alert(1)</script>" });
 * ```
 */
export function embedBoot(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Escape text for HTML content and double-quoted attribute values.
 *
 * @param text The text.
 * @returns The escaped text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./boot.ts";
 * assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Control characters (other than tab and newline) as visible `\xNN`
 * escapes, as the CLI prints them: what the page does with every text it
 * shows from an archive.
 *
 * @param text The text.
 * @returns The text with controls escaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { visibleText } from "./boot.ts";
 * assert.equal(visibleText("a\u001b[31mb\tc"), "a\\x1b[31mb\tc");
 * ```
 */
export function visibleText(text: string): string {
  return text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * The title a page shows for its boot data.
 *
 * @param boot The boot data.
 * @returns The title text.
 */
export function bootTitle(boot: Boot): string {
  switch (boot.mode) {
    case "experiment":
      return boot.view.label;
    case "registry":
      return boot.title;
    case "compare":
      return `Comparison of ${boot.views.length} Experiments`;
    case "error":
      return boot.title;
  }
}

/** Options of {@linkcode renderPage}. */
export interface RenderPageOptions {
  /**
   * What the page may connect to: `self` for a page of `serve` (its API),
   * `none` for a report (no network at all). Default `none`.
   */
  connect?: "self" | "none";
}

/**
 * Fill the viewer page (`viewer.html`) for one boot: the boot JSON, the
 * `<title>` and the header title as escaped text (a server-side first paint
 * of the name), and the Content-Security-Policy's `connect-src`.
 *
 * @param template The viewer page.
 * @param boot The boot data.
 * @param options What the page may connect to.
 * @returns The page.
 * @throws {Error} When the template lacks its markers.
 */
export function renderPage(template: string, boot: Boot, options: RenderPageOptions = {}): string {
  const title = escapeHtml(visibleText(bootTitle(boot)));
  const markers: [RegExp, string][] = [
    [
      /<script type="application\/json" id="ommx-boot">\s*null\s*<\/script>/,
      `<script type="application/json" id="ommx-boot">${embedBoot(boot)}</script>`,
    ],
    [/<title>ommx-ts viewer<\/title>/, `<title>${title} — ommx-ts</title>`],
    [/<h1 id="title">Experiment viewer<\/h1>/, `<h1 id="title">${title}</h1>`],
    [/connect-src 'none'/, `connect-src '${options.connect ?? "none"}'`],
  ];
  let page = template;
  for (const [pattern, text] of markers) {
    if (!pattern.test(page)) throw new Error(`viewer page lacks ${pattern.source}`);
    page = page.replace(pattern, () => text);
  }
  return page;
}
