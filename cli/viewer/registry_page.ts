/**
 * The listing page: the Experiments of the Local Registry or of a remote
 * repository, one row each (image name, status, updated time, run / solve /
 * sampling counts, best objective, digest), searchable by name, filtered by
 * status, sortable; a name opens the single-Experiment page, checked rows
 * open the comparison. Rows that could not be listed show their error code.
 * The rows come with the page; best objectives (and, for a remote
 * repository, rows still being read) arrive afterwards as listing events.
 *
 * @module
 */
/// <reference lib="dom" />
import {
  byId,
  digestEl,
  h,
  layout,
  section,
  setChildren,
  setTitle,
  statusBadge,
  tableBox,
} from "./dom.ts";
import type { ListingEvent, RegistryBoot } from "./boot.ts";
import type { BestUpdate, ListingRow } from "./model.ts";
import { compareCells } from "./experiment_page.ts";
import { NONE } from "../format.ts";

/** Where later listing events come from. */
export type ListingEvents = (from: number, onEvent: (e: ListingEvent) => void) => Promise<void>;

interface Entry {
  row: ListingRow;
  best: BestUpdate | null;
  tr: HTMLElement;
}

const STATUSES = ["finished", "failed", "interrupted", "draft", "error"];

interface State {
  entries: Map<string, Entry>;
  order: Entry[];
  selected: Set<string>;
  sortKey: string;
  sortDesc: boolean;
  notes: string[];
  complete: boolean;
}

let state: State | null = null;

/**
 * The link to one Experiment of the listing.
 *
 * @param key The row's key.
 * @returns A relative URL.
 */
export function experimentHref(key: string): string {
  return `?experiment=${encodeURIComponent(key)}`;
}

/**
 * The link to a comparison of listing rows.
 *
 * @param keys The rows' keys, in pick order.
 * @returns A relative URL.
 */
export function compareHref(keys: readonly string[]): string {
  return `?${keys.map((k) => `compare=${encodeURIComponent(k)}`).join("&")}`;
}

/**
 * Show a listing.
 *
 * @param boot The listing the page came with.
 * @param events Where the rest of it comes from.
 */
export function showRegistry(boot: RegistryBoot, events: ListingEvents): void {
  setTitle(boot.title);
  layout([["listing", true]]);
  state = {
    entries: new Map(),
    order: [],
    selected: new Set(),
    sortKey: "name",
    sortDesc: false,
    notes: [...boot.notes],
    complete: boot.complete,
  };
  const search = h("input", {
    type: "search",
    id: "search",
    placeholder: "search by name",
    "aria-label": "search by name",
    oninput: applyFilter,
  });
  const status = h(
    "select",
    { id: "status-filter", "aria-label": "status", onchange: applyFilter },
    h("option", { value: "" }, "any status"),
    STATUSES.map((s) => h("option", { value: s }, s)),
  );
  const compare = h("button", {
    type: "button",
    id: "compare",
    disabled: true,
    onclick: () => {
      location.href = compareHref([...state!.selected]);
    },
  }, "Compare selected");
  const keys: [string, string][] = [
    ["name", "image"],
    ["status", "status"],
    ["updated", "updated"],
    ["runs", "runs"],
    ["solves", "solves"],
    ["samplings", "samplings"],
    ["best", "best objective"],
  ];
  const head = h(
    "tr",
    {},
    h("th", {}, ""),
    keys.map(([key, label]) =>
      h("th", {
        class: "sortable",
        "data-key": key,
        onclick: () => {
          const st = state!;
          if (st.sortKey === key) st.sortDesc = !st.sortDesc;
          else [st.sortKey, st.sortDesc] = [key, false];
          sortRows();
        },
      }, label)
    ),
    h("th", {}, "digest"),
  );
  section(
    "listing",
    `Experiments in ${boot.location}`,
    h(
      "div",
      { class: "toolbar" },
      search,
      status,
      compare,
      h("span", { id: "listing-count", class: "muted" }),
    ),
    h("div", { id: "listing-notes" }),
    tableBox(h("table", { id: "listing-table" }, h("thead", {}, head), h("tbody", {}))),
  );
  for (const row of boot.rows) addRow(row);
  for (const b of boot.best) setBest(b);
  sortRows();
  renderNotes();
  updateStatus();
  if (!boot.complete) {
    void events(boot.events, (e) => {
      if (e.type === "row") {
        addRow(e.row);
        sortRows();
      } else if (e.type === "best") setBest(e.best);
      else if (e.type === "note") {
        state!.notes.push(e.text);
        renderNotes();
      } else state!.complete = true;
      updateStatus();
    }).catch((e) => {
      state!.notes.push(`the listing stopped: ${(e as Error).message ?? String(e)}`);
      state!.complete = true;
      renderNotes();
      updateStatus();
    });
  }
}

function addRow(row: ListingRow): void {
  const st = state!;
  if (st.entries.has(row.key)) return;
  const check = h("input", {
    type: "checkbox",
    class: "pick",
    "aria-label": `pick ${row.imageName}`,
    disabled: row.error !== null,
    onchange: (ev: Event) => {
      if ((ev.target as HTMLInputElement).checked) st.selected.add(row.key);
      else st.selected.delete(row.key);
      updateStatus();
    },
  });
  const statusCell = row.error === null ? h("td", {}, statusBadge(row.status)) : h(
    "td",
    { title: row.error.message },
    statusBadge("error", "✗ error"),
    " ",
    h("span", { class: "error-code" }, row.error.code),
  );
  const count = (n: number | null) => h("td", { class: "num" }, n === null ? NONE : String(n));
  const tr = h(
    "tr",
    {
      "data-key": row.key,
      "data-status": row.error === null ? row.status : "error",
      class: row.error === null ? undefined : "error-row",
    },
    h("td", {}, check),
    h(
      "td",
      { class: "name", title: row.imageName },
      row.error === null ? h("a", { href: experimentHref(row.key) }, row.imageName) : row.imageName,
    ),
    statusCell,
    h("td", { class: "updated", title: row.updatedAt || undefined }, shortTime(row.updatedAt)),
    count(row.runs),
    count(row.solves),
    count(row.samplings),
    h(
      "td",
      { class: "num best", title: row.error === null ? "computing…" : undefined },
      row.error === null ? "…" : NONE,
    ),
    h("td", {}, row.digest === "" ? NONE : digestEl(row.digest)),
  );
  const entry = { row, best: null, tr };
  st.entries.set(row.key, entry);
  st.order.push(entry);
  filterOne(entry);
}

/**
 * A stored RFC 3339 time as `YYYY-MM-DD HH:MM:SS` (and its offset unless UTC); the full text is the cell's title.
 *
 * @param text The stored time (`""`: unknown).
 * @returns The text shown.
 */
export function shortTime(text: string): string {
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(text);
  if (m === null) return text === "" ? NONE : text;
  const zone = m[3] === undefined || m[3] === "Z" || /^[+-]00:?00$/.test(m[3])
    ? " UTC"
    : ` ${m[3]}`;
  return `${m[1]} ${m[2]}${zone}`;
}

function setBest(b: BestUpdate): void {
  const entry = state!.entries.get(b.key);
  if (entry === undefined) return;
  entry.best = b;
  const cell = entry.tr.querySelector("td.best") as HTMLElement;
  cell.removeAttribute("title");
  if (b.error !== null) {
    cell.replaceChildren(h("span", { class: "error-code" }, b.error.code));
    cell.setAttribute("title", `${b.error.code}: ${b.error.message}`);
    entry.tr.classList.add("error-row");
    entry.tr.dataset.loadError = b.error.code;
  } else {
    cell.textContent = b.best?.text ?? NONE;
    if (b.best === null || b.best.value === null) {
      cell.setAttribute("title", "no finished, feasible, non-relaxed solve or sampling");
    }
  }
}

function sortValue(e: Entry, key: string): number | string | null {
  const r = e.row;
  switch (key) {
    case "name":
      return r.imageName;
    case "status":
      return r.error === null ? r.status : "error";
    case "updated":
      return r.updatedAt === "" ? null : r.updatedAt;
    case "runs":
      return r.runs;
    case "solves":
      return r.solves;
    case "samplings":
      return r.samplings;
    default:
      return e.best?.best?.value ?? null;
  }
}

function sortRows(): void {
  const st = state!;
  const sorted = [...st.order].sort((a, b) => {
    return compareCells(sortValue(a, st.sortKey), sortValue(b, st.sortKey), st.sortDesc) ||
      (a.row.imageName < b.row.imageName ? -1 : a.row.imageName > b.row.imageName ? 1 : 0);
  });
  const body = byId("listing-table").querySelector("tbody")!;
  setChildren(body, sorted.map((e) => e.tr));
  for (const th of byId("listing-table").querySelectorAll("th[data-key]")) {
    const key = th.getAttribute("data-key");
    th.setAttribute(
      "aria-sort",
      key === st.sortKey ? (st.sortDesc ? "descending" : "ascending") : "none",
    );
  }
}

function filterOne(e: Entry): void {
  const query = (byId("search") as HTMLInputElement).value.trim().toLowerCase();
  const status = (byId("status-filter") as HTMLSelectElement).value;
  const rowStatus = e.row.error === null ? e.row.status : "error";
  e.tr.hidden = (query !== "" && !e.row.imageName.toLowerCase().includes(query)) ||
    (status !== "" && rowStatus !== status);
}

function applyFilter(): void {
  for (const e of state!.order) filterOne(e);
  updateStatus();
}

function renderNotes(): void {
  setChildren(byId("listing-notes"), state!.notes.map((n) => h("p", { class: "muted note" }, n)));
}

function updateStatus(): void {
  const st = state!;
  const shown = st.order.filter((e) => !e.tr.hidden).length;
  const total = st.order.length;
  const pending = st.order.filter((e) => e.row.error === null && e.best === null).length;
  byId("listing-count").textContent = `showing ${shown} of ${total}`;
  const compare = byId("compare") as HTMLButtonElement;
  compare.disabled = st.selected.size < 2;
  compare.textContent = `Compare selected (${st.selected.size})`;
  byId("status").textContent = st.complete
    ? `${total} Experiments`
    : `${total} Experiments; best objectives: ${total - pending} of ${total}…`;
  document.body.dataset.listing = st.complete ? "complete" : "loading";
}
