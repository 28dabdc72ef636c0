/**
 * The ommx-ts viewer: a static page reading an Experiment archive in the
 * browser through the same read API as the CLI (`openExperiment` on a Blob).
 * Loads `experiment.ommx` next to the page when served (`ommx-ts serve`), or
 * a `.ommx` file dropped on the page / picked with the file input.
 *
 * Bundled into `viewer.html` by `cli/viewer/build.ts`. No dependencies beyond
 * the library; plain DOM and SVG.
 *
 * @module
 */
/// <reference lib="dom" />
import {
  type Experiment,
  openExperiment,
  type ParameterType,
  type ParameterValue,
  type SampleSet,
  type SealedRun,
  type Solution,
} from "../../mod.ts";
import type { Sampling, Solve } from "../../mod.ts";
import {
  formatBytes,
  formatCompact,
  formatFloat,
  formatObjective,
  formatParameter,
  formatValue,
  NONE,
  NOT_FINISHED,
  statusText,
} from "../format.ts";
import {
  type ProcessSummary,
  type RunSummary,
  summarizeProcesses,
  summarizeRun,
} from "../summary.ts";

/** A child: a node, text, nothing, or a list of children (appended in a loop, never spread). */
type Child = Node | string | null | undefined | false | readonly Child[];

function appendChildren(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (Array.isArray(c)) appendChildren(el, c);
    else if (c !== null && c !== undefined && c !== false) el.append(c as Node | string);
  }
}

function h(tag: string, attrs: Record<string, unknown> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  appendChildren(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";
function s(tag: string, attrs: Record<string, unknown> = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  appendChildren(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as EventListener);
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
}

function byId(id: string): HTMLElement {
  return document.getElementById(id)!;
}

function section(id: string, title: string, ...children: Child[]): void {
  const el = byId(id);
  el.replaceChildren(h("h2", {}, title));
  appendChildren(el, children);
  el.hidden = false;
}

// ---------------------------------------------------------------- state

interface State {
  exp: Experiment;
  runs: RunSummary[];
  processes: Map<number, ProcessSummary[]>;
  columns: { name: string; type: ParameterType }[];
  sortKey: string;
  sortDesc: boolean;
  plotParam: string | null;
  selectedRun: number | null;
  diffA: number | null;
  diffB: number | null;
}

let state: State | null = null;

// ---------------------------------------------------------------- loading

async function load(source: Blob, label: string): Promise<void> {
  const status = byId("status");
  status.textContent = `reading ${label}…`;
  document.body.dataset.state = "loading";
  try {
    if (state !== null) await state.exp.close();
    const exp = await openExperiment(source);
    const processes = new Map<number, ProcessSummary[]>();
    const runs: RunSummary[] = [];
    for (const run of exp.runs) {
      const p = await summarizeProcesses(run);
      processes.set(run.runId, p);
      runs.push(summarizeRun(run, p));
    }
    const columns = exp.runParameters().columns.map((c) => ({ name: c.name, type: c.type }));
    const numeric = columns.filter((c) => c.type !== "string");
    state = {
      exp,
      runs,
      processes,
      columns,
      sortKey: "run",
      sortDesc: false,
      plotParam: numeric[0]?.name ?? "run",
      selectedRun: runs[0]?.runId ?? null,
      diffA: runs[0]?.runId ?? null,
      diffB: runs[1]?.runId ?? runs[0]?.runId ?? null,
    };
    status.textContent = label;
    renderAll();
    document.body.dataset.state = "ready";
  } catch (e) {
    const err = e as { code?: string; message?: string };
    status.textContent = "";
    byId("error").textContent = `error: ${err.code ?? "INTERNAL"}: ${err.message ?? String(e)}`;
    byId("error").hidden = false;
    document.body.dataset.state = "error";
  }
}

function renderAll(): void {
  byId("error").hidden = true;
  renderOverview();
  renderRuns();
  renderPlot();
  renderDiff();
  void renderRunDetail();
}

// ---------------------------------------------------------------- overview

function kv(pairs: [string, Child][]): HTMLElement {
  return h("dl", { class: "kv" }, pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function counts(items: readonly { status: string }[]): string {
  const by = new Map<string, number>();
  for (const i of items) by.set(i.status, (by.get(i.status) ?? 0) + 1);
  if (items.length === 0) return "0";
  return `${items.length} (${[...by].map(([k, n]) => `${k} ${n}`).join(", ")})`;
}

function renderOverview(): void {
  const { exp } = state!;
  byId("title").textContent = exp.imageName ?? "unnamed experiment";
  const pairs: [string, Child][] = [
    ["status", h("span", { class: `status ${exp.status}` }, exp.status)],
    ["digest", h("code", {}, exp.manifestDigest)],
  ];
  if (exp.lifecycleReason !== null) pairs.push(["reason", exp.lifecycleReason]);
  if (exp.subject !== null) pairs.push(["fork of", h("code", {}, exp.subject.digest)]);
  pairs.push(
    ["runs", counts(exp.runs)],
    ["solves", counts(exp.runs.flatMap((r) => r.solves))],
    ["samplings", counts(exp.runs.flatMap((r) => r.samplings))],
  );
  for (const [k, v] of Object.entries(exp.annotations)) pairs.push([k, v]);
  section(
    "overview",
    "Experiment",
    kv(pairs),
    attachmentsTable(exp.attachmentNames, (n) => exp.attachmentInfo(n), (n) => exp.getBlob(n)),
  );
}

type InfoOf = (name: string) => {
  mediaType: string;
  compression: string | null;
  filename: string | null;
  descriptor: { size: number };
};

function attachmentsTable(
  names: string[],
  info: InfoOf,
  blob: (name: string) => Promise<Uint8Array>,
): HTMLElement {
  if (names.length === 0) return h("p", { class: "muted" }, "no attachments");
  return h(
    "table",
    { class: "attachments" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["attachment", "media type", "size", "compression", ""].map((t) => h("th", {}, t)),
      ),
    ),
    h(
      "tbody",
      {},
      names.map((name) => {
        const i = info(name);
        const link = h("a", { href: "#", class: "download" }, "download");
        link.addEventListener("click", async (ev) => {
          if (link.dataset.ready) return;
          ev.preventDefault();
          const bytes = await blob(name);
          link.setAttribute(
            "href",
            URL.createObjectURL(
              new Blob([bytes as Uint8Array<ArrayBuffer>], { type: i.mediaType }),
            ),
          );
          link.setAttribute("download", i.filename ?? name.replace(/[\\/]/g, "_"));
          link.dataset.ready = "1";
          link.click();
        });
        return h(
          "tr",
          {},
          h("td", {}, name),
          h("td", {}, h("code", {}, i.mediaType)),
          h("td", { class: "num" }, formatBytes(i.descriptor.size)),
          h("td", {}, i.compression ?? ""),
          h("td", {}, link),
        );
      }),
    ),
  );
}

// ---------------------------------------------------------------- runs table

type Cell = number | bigint | boolean | string | null | undefined;

function sortValue(r: RunSummary, key: string): Cell {
  switch (key) {
    case "run":
      return r.runId;
    case "status":
      return r.status;
    case "reason":
      return r.lifecycleReason;
    case "solves":
      return r.solves;
    case "samplings":
      return r.samplings;
    case "best":
      return r.bestObjective;
    default:
      return r.parameters[key.slice(2)];
  }
}

function compareCells(a: Cell, b: Cell): number {
  const missing = (v: Cell) =>
    v === undefined || v === null || (typeof v === "number" && Number.isNaN(v));
  if (missing(a) || missing(b)) return missing(a) === missing(b) ? 0 : missing(a) ? 1 : -1;
  if (typeof a === "string" || typeof b === "string") return String(a).localeCompare(String(b));
  const x = typeof a === "boolean" ? Number(a) : a!;
  const y = typeof b === "boolean" ? Number(b) : b!;
  return x < y ? -1 : x > y ? 1 : 0;
}

function renderRuns(): void {
  const st = state!;
  if (st.runs.length === 0) {
    section("runs", "Runs", h("p", { class: "muted" }, "no runs"));
    return;
  }
  const keys: [string, string][] = [
    ["run", "run"],
    ["status", "status"],
    ["reason", "reason"],
    ...st.columns.map((c): [string, string] => [`p:${c.name}`, c.name]),
    ["solves", "solves"],
    ["samplings", "samplings"],
    ["best", "best objective"],
  ];
  const sorted = [...st.runs].sort((a, b) => {
    const c = compareCells(sortValue(a, st.sortKey), sortValue(b, st.sortKey));
    return (st.sortDesc ? -c : c) || a.runId - b.runId;
  });
  const head = h(
    "tr",
    {},
    keys.map(([key, label]) =>
      h(
        "th",
        {
          class: `sortable${key.startsWith("p:") ? " param" : ""}`,
          "data-key": key,
          "aria-sort": st.sortKey === key ? (st.sortDesc ? "descending" : "ascending") : "none",
          onclick: () => {
            if (st.sortKey === key) st.sortDesc = !st.sortDesc;
            else [st.sortKey, st.sortDesc] = [key, false];
            renderRuns();
          },
        },
        label,
        st.sortKey === key ? (st.sortDesc ? " ▼" : " ▲") : "",
      )
    ),
  );
  const rows = sorted.map((r) =>
    h(
      "tr",
      {
        "data-run-id": r.runId,
        "data-status": r.status,
        class: [
          r.runId === st.selectedRun ? "selected" : "",
          r.status === "finished" ? "" : "not-finished",
        ].join(" ").trim() || undefined,
        onclick: () => selectRun(r.runId),
      },
      h("td", { class: "num" }, String(r.runId)),
      h("td", {}, statusBadge(r.status)),
      h("td", { class: "reason", title: r.lifecycleReason ?? "" }, r.lifecycleReason ?? ""),
      st.columns.map((c) =>
        h(
          "td",
          { class: c.type === "string" ? "" : "num" },
          formatParameter(r.parameters[c.name], c.type),
        )
      ),
      h("td", { class: "num" }, String(r.solves)),
      h("td", { class: "num" }, String(r.samplings)),
      h(
        "td",
        {
          class: "num best",
          title: r.bestObjective === null
            ? "no finished solve with a feasible, non-relaxed solution"
            : undefined,
        },
        formatObjective(r.bestObjective),
      ),
    )
  );
  section(
    "runs",
    `Runs (${st.runs.length})`,
    h("table", { id: "runs-table" }, h("thead", {}, head), h("tbody", {}, rows)),
  );
}

/** A status with its mark: `finished`, or `✗ failed` / `✗ interrupted`. */
function statusBadge(status: string): HTMLElement {
  return h("span", { class: `status ${status}` }, statusText(status));
}

function selectRun(runId: number): void {
  state!.selectedRun = runId;
  renderRuns();
  renderPlot();
  void renderRunDetail();
}

// ---------------------------------------------------------------- scatter plot

function niceTicks(min: number, max: number, count = 5): number[] {
  if (min === max) return [min];
  const span = max - min;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => span / st <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    out.push(+v.toPrecision(12));
  }
  return out;
}

function toNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

function renderPlot(): void {
  const st = state!;
  const options = ["run", ...st.columns.filter((c) => c.type !== "string").map((c) => c.name)];
  const select = h(
    "select",
    {
      id: "plot-param",
      onchange: (e: Event) => {
        st.plotParam = (e.target as HTMLSelectElement).value;
        renderPlot();
      },
    },
    options.map((o) =>
      h("option", { value: o, selected: o === st.plotParam }, o === "run" ? "run id" : o)
    ),
  );
  const param = st.plotParam ?? "run";
  const points = st.runs.flatMap((r) => {
    const x = param === "run" ? r.runId : toNumber(r.parameters[param]);
    const y = r.bestObjective !== null && Number.isFinite(r.bestObjective) ? r.bestObjective : null;
    return x === null || y === null ? [] : [{ run: r, x, y }];
  });
  const W = 640, H = 340, L = 64, R = 16, T = 36, B = 44;
  const chart = s("svg", {
    id: "plot",
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    role: "img",
    "aria-label": `best objective against ${param}`,
  });
  if (points.length > 0) {
    const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
    // reduce, not Math.min(...xs): a plot may have hundreds of thousands of points
    const lo = (v: number[]) => v.reduce((a, b) => Math.min(a, b), Infinity);
    const hi = (v: number[]) => v.reduce((a, b) => Math.max(a, b), -Infinity);
    let [x0, x1] = [lo(xs), hi(xs)];
    let [y0, y1] = [lo(ys), hi(ys)];
    if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
    if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
    const padX = (x1 - x0) * 0.05, padY = (y1 - y0) * 0.08;
    [x0, x1, y0, y1] = [x0 - padX, x1 + padX, y0 - padY, y1 + padY];
    const sx = (v: number) => L + ((v - x0) / (x1 - x0)) * (W - L - R);
    const sy = (v: number) => H - B - ((v - y0) / (y1 - y0)) * (H - T - B);
    chart.append(
      s("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }),
      s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }),
    );
    for (const t of niceTicks(x0, x1)) {
      chart.append(
        s("line", { x1: sx(t), y1: H - B, x2: sx(t), y2: H - B + 4, class: "axis" }),
        s(
          "text",
          { x: sx(t), y: H - B + 16, class: "tick", "text-anchor": "middle" },
          formatValue(t),
        ),
      );
    }
    for (const t of niceTicks(y0, y1)) {
      chart.append(
        s("line", { x1: L, y1: sy(t), x2: W - R, y2: sy(t), class: "grid" }),
        s("text", { x: L - 6, y: sy(t) + 4, class: "tick", "text-anchor": "end" }, formatValue(t)),
      );
    }
    chart.append(
      s(
        "text",
        { x: (L + W - R) / 2, y: H - 8, class: "label", "text-anchor": "middle" },
        param === "run" ? "run id" : param,
      ),
      s("text", {
        x: 14,
        y: (T + H - B) / 2,
        class: "label",
        "text-anchor": "middle",
        transform: `rotate(-90 14 ${(T + H - B) / 2})`,
      }, "best objective"),
    );
    for (const p of points) {
      chart.append(
        statusMark(
          p.run.status,
          sx(p.x),
          sy(p.y),
          {
            class: `point ${p.run.status}${p.run.runId === st.selectedRun ? " selected" : ""}`,
            "data-run-id": p.run.runId,
            "data-status": p.run.status,
            onclick: () => selectRun(p.run.runId),
          },
          `run ${p.run.runId} (${p.run.status}): ${param} = ${formatValue(p.x)}, best objective = ${
            formatFloat(p.y)
          }`,
        ),
      );
    }
    chart.append(plotLegend(points.map((p) => p.run.status), L));
  } else {
    chart.append(
      s(
        "text",
        { x: W / 2, y: H / 2, "text-anchor": "middle", class: "label" },
        "no run has both values",
      ),
    );
  }
  const missing = st.runs.filter((r) => !points.some((p) => p.run === r));
  section(
    "plot-section",
    "Best objective by parameter",
    h("label", {}, "x axis: ", select),
    h("div", {}, chart),
    h(
      "p",
      { class: "muted" },
      "Best objective: over finished solves whose solution is feasible and not an LP relaxation ",
      "(and finished samplings' best feasible sample), in the instance's sense.",
    ),
    missing.length > 0
      ? h(
        "p",
        { class: "muted", id: "plot-missing" },
        `not shown (no best objective or no ${param === "run" ? "run id" : param}): `,
        missing.map((r) =>
          `run ${r.runId}${r.status === "finished" ? "" : ` ${NOT_FINISHED} ${r.status}`}`
        ).join(", "),
      )
      : null,
  );
}

/** Mark shapes by run status: ● finished, ✗ failed, ■ interrupted (anything else: ◆). */
const STATUS_ORDER = ["finished", "failed", "interrupted"];

function statusMark(
  status: string,
  x: number,
  y: number,
  attrs: Record<string, unknown>,
  title?: string,
): SVGElement {
  const r = 6;
  let el: SVGElement;
  if (status === "finished") el = s("circle", { cx: x, cy: y, r, ...attrs });
  else if (status === "failed") {
    const d = `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`;
    el = s("path", { d, ...attrs });
  } else if (status === "interrupted") {
    el = s("rect", { x: x - r + 1, y: y - r + 1, width: 2 * r - 2, height: 2 * r - 2, ...attrs });
  } else {el = s("path", {
      d: `M${x},${y - r}L${x + r},${y}L${x},${y + r}L${x - r},${y}Z`,
      ...attrs,
    });}
  if (title !== undefined) el.append(s("title", {}, title));
  return el;
}

/** The legend of the marks in the plot: one entry per status shown, in a row above the plot area. */
function plotLegend(statuses: readonly string[], left: number): SVGElement {
  const counts = new Map<string, number>();
  for (const st of statuses) counts.set(st, (counts.get(st) ?? 0) + 1);
  const shown = [...counts.keys()].sort((a, b) =>
    (STATUS_ORDER.indexOf(a) + 1 || 99) - (STATUS_ORDER.indexOf(b) + 1 || 99)
  );
  const legend = s("g", { id: "plot-legend", class: "legend" });
  let x = left;
  for (const st of shown) {
    const n = counts.get(st)!;
    const label = `${st} run${n === 1 ? "" : "s"} (${n})`;
    legend.append(
      s(
        "g",
        { class: "legend-entry", "data-status": st },
        statusMark(st, x + 6, 14, { class: `point ${st}` }),
        s("text", { x: x + 18, y: 18 }, label),
      ),
    );
    x += 18 + label.length * 6.5 + 18;
  }
  return legend;
}

// ---------------------------------------------------------------- run-vs-run diff

function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b) ||
    (a !== undefined && b !== undefined && formatValue(a) === formatValue(b));
}

function renderDiff(): void {
  const st = state!;
  if (st.runs.length < 2) {
    byId("diff").hidden = true;
    return;
  }
  const picker = (which: "diffA" | "diffB") =>
    h(
      "select",
      {
        id: which === "diffA" ? "diff-a" : "diff-b",
        onchange: (e: Event) => {
          st[which] = Number((e.target as HTMLSelectElement).value);
          renderDiff();
        },
      },
      st.runs.map((r) =>
        h("option", { value: r.runId, selected: r.runId === st[which] }, `run ${r.runId}`)
      ),
    );
  const a = st.runs.find((r) => r.runId === st.diffA)!;
  const b = st.runs.find((r) => r.runId === st.diffB)!;
  type Row = [string, unknown, unknown, (v: unknown) => string];
  const text = (v: unknown) => String(v);
  const rows: Row[] = [
    ...st.columns
      .filter((c) => c.name in a.parameters || c.name in b.parameters)
      .map((c): Row => [
        c.name,
        a.parameters[c.name],
        b.parameters[c.name],
        (v) => formatParameter(v as ParameterValue, c.type),
      ]),
    ["status", a.status, b.status, (v) => statusText(String(v))],
    ["reason", a.lifecycleReason ?? undefined, b.lifecycleReason ?? undefined, text],
    ["solves", a.solves, b.solves, text],
    ["samplings", a.samplings, b.samplings, text],
    [
      "best objective",
      a.bestObjective ?? undefined,
      b.bestObjective ?? undefined,
      (v) => formatFloat(v as number),
    ],
    [
      "attachments",
      a.attachments.join(", ") || "none",
      b.attachments.join(", ") || "none",
      text,
    ],
    ["trace", a.hasTrace ? "yes" : "no", b.hasTrace ? "yes" : "no", text],
  ];
  const nParams = rows.length - 7;
  const cell = (v: unknown, show: (v: unknown) => string, reason: boolean) =>
    h(
      "td",
      { class: reason ? "full-reason" : undefined },
      v === undefined ? h("span", { class: "muted" }, NONE) : show(v),
    );
  section(
    "diff",
    "Compare runs",
    h("p", {}, picker("diffA"), " vs ", picker("diffB")),
    h(
      "table",
      { id: "diff-table" },
      h(
        "thead",
        {},
        h("tr", {}, h("th", {}, ""), h("th", {}, `run ${a.runId}`), h("th", {}, `run ${b.runId}`)),
      ),
      h(
        "tbody",
        {},
        rows.map(([name, x, y, show], i) =>
          h(
            "tr",
            { class: `${same(x, y) ? "" : "changed"}${i === nParams ? " sep" : ""}` },
            h("th", {}, name),
            cell(x, show, name === "reason"),
            cell(y, show, name === "reason"),
          )
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- run detail, solves, trace

async function renderRunDetail(): Promise<void> {
  const st = state!;
  if (st.selectedRun === null) {
    byId("run-detail").hidden = true;
    byId("trace").hidden = true;
    return;
  }
  const run = st.exp.runById(st.selectedRun);
  const summary = st.runs.find((r) => r.runId === run.runId)!;
  const procs = st.processes.get(run.runId) ?? [];
  const params = st.columns.filter((c) => c.name in run.parameters);
  section(
    "run-detail",
    `Run ${run.runId}`,
    kv([
      ["status", statusBadge(run.status)],
      ...(run.lifecycleReason === null
        ? []
        : [["reason", h("pre", {}, run.lifecycleReason)] as [string, Child]]),
      [
        "parameters",
        params.length === 0
          ? "none"
          : params.map((c) => `${c.name} = ${formatParameter(run.parameters[c.name], c.type)}`)
            .join(", "),
      ],
      ["best objective", formatObjective(summary.bestObjective)],
    ]),
    h("h3", {}, "Solves and samplings"),
    procs.length === 0 ? h("p", { class: "muted" }, "none") : h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { id: "process-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["kind", "id", "status", "adapter", "objective", "feasible", "reason"].map((t) =>
              h("th", {}, t)
            ),
          ),
        ),
        h(
          "tbody",
          {},
          procs.map((p) =>
            h(
              "tr",
              {
                "data-kind": p.kind,
                "data-id": p.id,
                "data-status": p.status,
                onclick: () => void renderProcess(run, p),
              },
              h("td", {}, p.kind),
              h("td", { class: "num" }, String(p.id)),
              h("td", {}, statusBadge(p.status)),
              h("td", {}, h("code", {}, p.adapter)),
              h("td", { class: "num" }, formatObjective(p.objective)),
              h("td", {}, feasibleText(p)),
              h("td", { class: "reason", title: p.reason ?? "" }, p.reason ?? ""),
            )
          ),
        ),
      ),
    ),
    h("div", { id: "process-detail" }),
    h("h3", {}, "Attachments"),
    attachmentsTable(run.attachmentNames, (n) => run.attachmentInfo(n), (n) => run.getBlob(n)),
  );
  if (procs[0] !== undefined) await renderProcess(run, procs[0]);
  await renderTrace(run);
}

function feasibleText(p: ProcessSummary): string {
  if (p.feasible === null) return "";
  if (p.kind === "sampling") return `${p.feasibleCount}/${p.sampleCount} samples`;
  return (p.feasible ? "yes" : "no") + (p.relaxation === "lp-relaxed" ? " (LP relaxation)" : "");
}

async function renderProcess(run: SealedRun, p: ProcessSummary): Promise<void> {
  const target = byId("process-detail");
  for (const tr of byId("process-table").querySelectorAll("tr[data-kind]")) {
    const el = tr as HTMLElement;
    el.classList.toggle("selected", el.dataset.kind === p.kind && Number(el.dataset.id) === p.id);
  }
  const process: Solve | Sampling = p.kind === "solve"
    ? run.solves.find((x) => x.solveId === p.id)!
    : run.samplings.find((x) => x.samplingId === p.id)!;
  const diagnostics = process.getDiagnostics();
  const pairs: [string, Child][] = [
    ["adapter", h("code", {}, p.adapter)],
    ["options", h("code", {}, formatCompact(p.adapterOptions))],
    ["status", statusBadge(p.status)],
    ["objective", formatObjective(p.objective)],
    ["feasible", feasibleText(p)],
  ];
  if (p.reason !== null) pairs.push(["reason", h("pre", {}, p.reason)]);
  if (p.optimality !== null) pairs.push(["optimality", p.optimality]);
  if (p.sense !== null) pairs.push(["sense", p.sense]);
  const parts: Child[] = [
    h("h3", {}, `${p.kind === "solve" ? "Solve" : "Sampling"} ${p.id}`),
    kv(pairs),
  ];
  let solution: Solution | undefined;
  let samples: SampleSet | null = null;
  const output = await process.getOutput();
  if (p.kind === "solve") solution = (output as Solution | null) ?? undefined;
  else {
    samples = output as SampleSet | null;
    solution = samples?.best() ??
      (samples && samples.sampleIdsList.length > 0
        ? samples.get(samples.sampleIdsList[0]!)
        : undefined);
  }
  if (samples !== null) {
    parts.push(
      h("h4", {}, `Samples (${samples.sampleIdsList.length})`),
      h(
        "table",
        { class: "samples" },
        h(
          "thead",
          {},
          h("tr", {}, h("th", {}, "sample"), h("th", {}, "objective"), h("th", {}, "feasible")),
        ),
        h(
          "tbody",
          {},
          samples.sampleIdsList.slice(0, 50).map((id) =>
            h(
              "tr",
              {},
              h("td", { class: "num" }, String(id)),
              h("td", { class: "num" }, formatObjective(samples!.objectives.get(id))),
              h("td", {}, samples!.feasible.get(id) ? "yes" : "no"),
            )
          ),
        ),
      ),
    );
  }
  if (solution !== undefined) {
    const input = await process.getInput();
    const ev = input.evaluateSummary(solution.state);
    parts.push(
      h(
        "h4",
        {},
        `Constraints at the ${
          p.kind === "solve" ? "solution" : "best sample"
        } (${ev.constraints.length})`,
      ),
      ev.constraints.length === 0 ? h("p", { class: "muted" }, "no constraints") : h(
        "table",
        { class: "constraints" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["id", "kind", "relation", "value", "violation", "feasible"].map((t) => h("th", {}, t)),
          ),
        ),
        h(
          "tbody",
          {},
          ev.constraints.map((c) =>
            h(
              "tr",
              { class: c.feasible ? "" : "violated" },
              h("td", { class: "num" }, String(c.id)),
              h("td", {}, c.kind + (c.removed ? " (removed)" : "")),
              h("td", {}, `f(x) ${c.equality} 0`),
              h("td", { class: "num" }, formatFloat(c.value)),
              h("td", { class: "num" }, formatFloat(c.violation)),
              h("td", {}, c.feasible ? "yes" : "no"),
            )
          ),
        ),
      ),
    );
  }
  if (diagnostics.length > 0) {
    parts.push(
      h(
        "details",
        {},
        h("summary", {}, `Diagnostics (${diagnostics.length})`),
        h("pre", {}, diagnostics.map((d) => formatCompact(toPlain(d))).join("\n")),
      ),
    );
  }
  target.replaceChildren();
  appendChildren(target, parts);
}

function toPlain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)]));
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

async function renderTrace(run: SealedRun): Promise<void> {
  const trace = await run.getTrace();
  if (trace === null || trace.spans.length === 0) {
    section("trace", "Trace", h("p", { class: "muted" }, `run ${run.runId} has no stored trace`));
    return;
  }
  const ordered: { span: (typeof trace.spans)[number]; depth: number }[] = [];
  const visit = (span: (typeof trace.spans)[number], depth: number) => {
    ordered.push({ span, depth });
    const kids = trace.children(span).sort((a, b) =>
      Number(a.startTimeUnixNano - b.startTimeUnixNano)
    );
    for (const k of kids) visit(k, depth + 1);
  };
  for (const r of trace.roots().sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano))) {
    visit(r, 0);
  }
  const seen = new Set(ordered.map((o) => o.span));
  for (const sp of trace.spans) if (!seen.has(sp)) ordered.push({ span: sp, depth: 0 });
  const t0 = ordered.reduce(
    (m, o) => (o.span.startTimeUnixNano < m ? o.span.startTimeUnixNano : m),
    ordered[0]!.span.startTimeUnixNano,
  );
  const t1 = ordered.reduce(
    (m, o) => (o.span.endTimeUnixNano > m ? o.span.endTimeUnixNano : m),
    ordered[0]!.span.endTimeUnixNano,
  );
  const total = Math.max(1, Number(t1 - t0));
  const W = 900, rowH = 20, labelW = 220, top = 20;
  const H = top + ordered.length * rowH + 8;
  const chart = s("svg", { id: "trace-chart", viewBox: `0 0 ${W} ${H}`, width: W, height: H });
  const sx = (t: bigint) => labelW + (Number(t - t0) / total) * (W - labelW - 10);
  chart.append(
    s("text", { x: labelW, y: 12, class: "tick" }, "0 ms"),
    s(
      "text",
      { x: W - 10, y: 12, class: "tick", "text-anchor": "end" },
      `${(total / 1e6).toFixed(3)} ms`,
    ),
  );
  ordered.forEach(({ span, depth }, i) => {
    const y = top + i * rowH;
    const x = sx(span.startTimeUnixNano);
    const w = Math.max(1.5, sx(span.endTimeUnixNano) - x);
    const attrs = Object.entries(span.attributes).map(([k, v]) => `${k}=${String(v)}`).join("\n");
    chart.append(
      s(
        "g",
        { class: `span${span.status.code === "error" ? " error" : ""}` },
        s("text", { x: 4 + depth * 12, y: y + 14, class: "span-label" }, span.name),
        s("rect", { x, y: y + 3, width: w, height: rowH - 6, rx: 2 }),
        s(
          "title",
          {},
          `${span.name}: ${span.durationMs.toFixed(3)} ms${attrs ? "\n" + attrs : ""}`,
        ),
      ),
    );
  });
  section(
    "trace",
    `Trace of run ${run.runId} (${ordered.length} spans)`,
    h("div", { class: "scroll" }, chart),
  );
}

// ---------------------------------------------------------------- start

function start(): void {
  const input = byId("file") as HTMLInputElement;
  input.addEventListener("change", () => {
    const f = input.files?.[0];
    if (f) void load(f, f.name);
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
    if (f) void load(f, f.name);
  });
  if (location.protocol === "http:" || location.protocol === "https:") {
    fetch("experiment.ommx").then(async (res) => {
      if (res.ok) await load(await res.blob(), "experiment.ommx");
      else {
        byId("status").textContent = "drop a .ommx file here";
        document.body.dataset.state = "empty";
      }
    }).catch(() => {
      byId("status").textContent = "drop a .ommx file here";
      document.body.dataset.state = "empty";
    });
  } else {
    byId("status").textContent = "drop a .ommx file here, or pick one";
    document.body.dataset.state = "empty";
  }
}

start();
