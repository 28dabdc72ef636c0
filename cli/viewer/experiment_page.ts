/**
 * The single-Experiment page: overview, best objective against a
 * parameter, the sortable runs table, run-vs-run diff, and the selected
 * run's Solves, Samplings, constraints and trace. It renders from an
 * {@linkcode ExperimentView} at once; a run's details come from its
 * {@linkcode ExperimentSource} (the page's embedded data, the `serve` API,
 * or an Experiment opened in the browser).
 *
 * @module
 */
/// <reference lib="dom" />
import {
  byId,
  type Child,
  digestEl,
  h,
  kv,
  layout,
  section,
  setTitle,
  statusBadge,
  tableBox,
} from "./dom.ts";
import { type PlotPoint, scatterPlot } from "./plot.ts";
import type {
  AttachmentView,
  ExperimentView,
  ProcessDetail,
  RunDetail,
  RunView,
  TraceView,
} from "./model.ts";
import { formatValue, NONE, NOT_FINISHED, statusText } from "../format.ts";
import { s } from "./dom.ts";

/** Where a page gets what its first paint did not carry. */
export interface ExperimentSource {
  /** A run's details (rejects with the reason when they are not available). */
  runDetail(runId: number): Promise<RunDetail>;
  /** A direct URL for an attachment (`serve`), when there is one. */
  attachmentUrl?(runId: number | null, name: string): string;
  /** An attachment's bytes, or `null` when this page does not carry them (a report over its budget). */
  attachment(runId: number | null, name: string): Promise<Blob | null>;
}

interface State {
  view: ExperimentView;
  source: ExperimentSource;
  sortKey: string;
  sortDesc: boolean;
  plotParam: string;
  selectedRun: number | null;
  diffA: number | null;
  diffB: number | null;
}

let state: State | null = null;

/**
 * Show an Experiment.
 *
 * @param view The Experiment's view.
 * @param source Where its run details come from.
 */
export function showExperiment(view: ExperimentView, source: ExperimentSource): void {
  const numeric = view.columns.filter((c) => c.type !== "string");
  state = {
    view,
    source,
    sortKey: "run",
    sortDesc: false,
    plotParam: numeric[0]?.name ?? "run",
    selectedRun: view.runs[0]?.runId ?? null,
    diffA: view.runs[0]?.runId ?? null,
    diffB: view.runs[1]?.runId ?? view.runs[0]?.runId ?? null,
  };
  setTitle(view.label);
  layout([
    ["overview", false],
    ["plot-section", false],
    ["runs", true],
    ["diff", false],
    ["run-detail", false],
    ["trace", true],
  ]);
  renderOverview();
  renderRuns();
  renderPlot();
  renderDiff();
  void renderRunDetail();
}

// ---------------------------------------------------------------- overview

function counts(by: Readonly<Record<string, number>>): string {
  const total = Object.values(by).reduce((a, b) => a + b, 0);
  if (total === 0) return "0";
  return `${total} (${Object.entries(by).map(([k, n]) => `${k} ${n}`).join(", ")})`;
}

function hasPlot(view: ExperimentView): boolean {
  return view.runs.some((r) => r.best.value !== null);
}

function renderOverview(): void {
  const { view } = state!;
  const pairs: [string, Child][] = [];
  if (view.imageName !== null && view.imageName !== view.label) {
    pairs.push(["image", view.imageName]);
  }
  pairs.push(
    ["status", statusBadge(view.status)],
    ["digest", digestEl(view.manifestDigest)],
  );
  if (view.reason !== null) pairs.push(["reason", view.reason]);
  if (view.subject !== null) pairs.push(["fork of", digestEl(view.subject)]);
  pairs.push(
    ["runs", counts(view.counts.runs)],
    ["solves", counts(view.counts.solves)],
    ["samplings", counts(view.counts.samplings)],
    [
      "best objective",
      view.best.runId === null
        ? h("span", { class: "muted", id: "exp-best" }, NONE)
        : h("span", { id: "exp-best" }, `${view.best.text} (run ${view.best.runId})`),
    ],
  );
  for (const [k, v] of view.annotations) pairs.push([k, v]);
  section(
    "overview",
    "Experiment",
    kv(pairs),
    hasPlot(view) ? null : h(
      "p",
      { class: "muted", id: "no-plot" },
      view.counts.solves && Object.keys(view.counts.solves).length > 0
        ? "No run has a best objective (no finished, feasible, non-relaxed solve or sampling): nothing to plot."
        : "No solves or samplings: nothing to plot.",
    ),
    h("h3", {}, "Attachments"),
    attachmentsTable(view.attachments, null),
  );
}

function attachmentsTable(items: readonly AttachmentView[], runId: number | null): HTMLElement {
  if (items.length === 0) return h("p", { class: "muted" }, "no attachments");
  const { source } = state!;
  return tableBox(h(
    "table",
    { class: "attachments" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["attachment", "media type", "size", "compression", "digest", ""].map((t) =>
          h("th", {}, t)
        ),
      ),
    ),
    h(
      "tbody",
      {},
      items.map((a) => {
        const file = a.filename ?? a.name.replace(/[\\/]/g, "_");
        const direct = source.attachmentUrl?.(runId, a.name);
        const link = direct !== undefined
          ? h("a", { href: direct, download: file, class: "download" }, "download")
          : h("a", { href: "#", class: "download" }, "download");
        if (direct === undefined) {
          link.addEventListener("click", async (ev) => {
            if (link.dataset.ready) return;
            ev.preventDefault();
            const blob = await source.attachment(runId, a.name);
            if (blob === null) {
              link.replaceWith(h("span", { class: "muted" }, "not in this report"));
              return;
            }
            link.setAttribute("href", URL.createObjectURL(blob));
            link.setAttribute("download", file);
            link.dataset.ready = "1";
            link.click();
          });
        }
        return h(
          "tr",
          {},
          h("td", { class: "name" }, a.name),
          h("td", {}, h("code", {}, a.mediaType)),
          h("td", { class: "num" }, a.size),
          h("td", {}, a.compression),
          h("td", {}, digestEl(a.digest)),
          h("td", {}, link),
        );
      }),
    ),
  ));
}

// ---------------------------------------------------------------- runs table

type SortCell = number | string | null;

function sortValue(r: RunView, key: string): SortCell {
  switch (key) {
    case "run":
      return r.runId;
    case "status":
      return r.status;
    case "reason":
      return r.reason;
    case "solves":
      return r.solves;
    case "samplings":
      return r.samplings;
    case "best":
      return r.best.value;
    default: {
      const c = r.params[key.slice(2)];
      return c === undefined ? null : c.value ?? c.text;
    }
  }
}

/**
 * Compare two sort cells: missing cells last in either direction, numbers
 * before text, numbers by value, text by locale.
 *
 * @param a One cell.
 * @param b The other.
 * @param desc Descending.
 * @returns Negative, zero or positive.
 */
export function compareCells(a: SortCell, b: SortCell, desc = false): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  let c: number;
  if (typeof a === "number" && typeof b === "number") c = a < b ? -1 : a > b ? 1 : 0;
  else if (typeof a === "number") c = -1;
  else if (typeof b === "number") c = 1;
  else c = a.localeCompare(b);
  return desc ? -c : c;
}

function renderRuns(): void {
  const st = state!;
  const { view } = st;
  if (view.runs.length === 0) {
    section("runs", "Runs", h("p", { class: "muted" }, "no runs"));
    return;
  }
  const keys: [string, string][] = [
    ["run", "run"],
    ["status", "status"],
    ["reason", "reason"],
    ...view.columns.map((c): [string, string] => [`p:${c.name}`, c.name]),
    ["solves", "solves"],
    ["samplings", "samplings"],
    ["best", "best objective"],
  ];
  const sorted = [...view.runs].sort((a, b) => {
    return compareCells(sortValue(a, st.sortKey), sortValue(b, st.sortKey), st.sortDesc) ||
      a.runId - b.runId;
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
      h("td", { class: "reason", title: r.reason ?? "" }, r.reason ?? ""),
      view.columns.map((c) =>
        h("td", { class: c.type === "string" ? "" : "num" }, r.params[c.name]?.text ?? "")
      ),
      h("td", { class: "num" }, String(r.solves)),
      h("td", { class: "num" }, String(r.samplings)),
      h(
        "td",
        {
          class: "num best",
          title: r.best.value === null && r.best.text === NONE
            ? "no finished solve with a feasible, non-relaxed solution"
            : undefined,
        },
        r.best.text,
      ),
    )
  );
  section(
    "runs",
    `Runs (${view.runs.length})`,
    tableBox(h("table", { id: "runs-table" }, h("thead", {}, head), h("tbody", {}, rows)), true),
  );
}

function selectRun(runId: number): void {
  state!.selectedRun = runId;
  renderRuns();
  renderPlot();
  void renderRunDetail();
}

// ---------------------------------------------------------------- plot

function renderPlot(): void {
  const st = state!;
  const { view } = st;
  if (!hasPlot(view)) {
    byId("plot-section").hidden = true;
    byId("plot-section").replaceChildren();
    return;
  }
  const options = ["run", ...view.columns.filter((c) => c.type !== "string").map((c) => c.name)];
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
  const param = st.plotParam;
  const xName = param === "run" ? "run id" : param;
  const points: (PlotPoint & { run: RunView })[] = view.runs.flatMap((r) => {
    const x = param === "run" ? r.runId : r.params[param]?.value ?? null;
    const y = r.best.value;
    if (x === null || y === null) return [];
    return [{
      run: r,
      x,
      y,
      status: r.status,
      selected: r.runId === st.selectedRun,
      title: `run ${r.runId} (${r.status}): ${xName} = ${
        param === "run" ? formatValue(x) : r.params[param]!.text
      }, best objective = ${r.best.text}`,
      attrs: {
        "data-run-id": r.runId,
        "data-status": r.status,
        onclick: () => selectRun(r.runId),
      },
    }];
  });
  const chart = scatterPlot({ id: "plot", points, xLabel: xName, yLabel: "best objective" });
  const missing = view.runs.filter((r) => !points.some((p) => p.run === r));
  section(
    "plot-section",
    "Best objective by parameter",
    h("label", {}, "x axis: ", select),
    h("div", { class: "scroll" }, chart),
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
        `not shown (no best objective or no ${xName}): `,
        missing.map((r) =>
          `run ${r.runId}${r.status === "finished" ? "" : ` ${NOT_FINISHED} ${r.status}`}`
        ).join(", "),
      )
      : null,
  );
}

// ---------------------------------------------------------------- diff

function renderDiff(): void {
  const st = state!;
  const { view } = st;
  if (view.runs.length < 2) {
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
      view.runs.map((r) =>
        h("option", { value: r.runId, selected: r.runId === st[which] }, `run ${r.runId}`)
      ),
    );
  const a = view.runs.find((r) => r.runId === st.diffA)!;
  const b = view.runs.find((r) => r.runId === st.diffB)!;
  type Row = [string, string | undefined, string | undefined];
  const rows: Row[] = [
    ...view.columns
      .filter((c) => c.name in a.params || c.name in b.params)
      .map((c): Row => [c.name, a.params[c.name]?.text, b.params[c.name]?.text]),
    ["status", statusText(a.status), statusText(b.status)],
    ["reason", a.reason ?? undefined, b.reason ?? undefined],
    ["solves", String(a.solves), String(b.solves)],
    ["samplings", String(a.samplings), String(b.samplings)],
    [
      "best objective",
      a.best.value === null ? undefined : a.best.text,
      b.best.value === null ? undefined : b.best.text,
    ],
    ["attachments", a.attachments.join(", ") || "none", b.attachments.join(", ") || "none"],
    ["trace", a.hasTrace ? "yes" : "no", b.hasTrace ? "yes" : "no"],
  ];
  const nParams = rows.length - 7;
  const cell = (v: string | undefined, reason: boolean) =>
    h(
      "td",
      { class: reason ? "full-reason" : undefined },
      v === undefined ? h("span", { class: "muted" }, NONE) : v,
    );
  section(
    "diff",
    "Compare runs",
    h("p", {}, picker("diffA"), " vs ", picker("diffB")),
    tableBox(h(
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
        rows.map(([name, x, y], i) =>
          h(
            "tr",
            {
              class: `${x === y ? "" : "changed"}${i === nParams ? " sep" : ""}`.trim() ||
                undefined,
            },
            h("th", {}, name),
            cell(x, name === "reason"),
            cell(y, name === "reason"),
          )
        ),
      ),
    )),
  );
}

// ---------------------------------------------------------------- run detail

let detailToken = 0;

async function renderRunDetail(): Promise<void> {
  const st = state!;
  if (st.selectedRun === null) {
    byId("run-detail").hidden = true;
    byId("trace").hidden = true;
    return;
  }
  const token = ++detailToken;
  const run = st.view.runs.find((r) => r.runId === st.selectedRun)!;
  const params = st.view.columns.filter((c) => c.name in run.params);
  section(
    "run-detail",
    `Run ${run.runId}`,
    kv([
      ["status", statusBadge(run.status)],
      ...(run.reason === null ? [] : [["reason", h("pre", {}, run.reason)] as [string, Child]]),
      [
        "parameters",
        params.length === 0
          ? "none"
          : params.map((c) => `${c.name} = ${run.params[c.name]!.text}`).join(", "),
      ],
      ["best objective", run.best.text],
    ]),
    h("h3", {}, "Solves and samplings"),
    run.processes.length === 0 ? h("p", { class: "muted" }, "none") : tableBox(h(
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
        run.processes.map((p) =>
          h(
            "tr",
            {
              "data-kind": p.kind,
              "data-id": p.id,
              "data-status": p.status,
              onclick: () => void showProcess(run.runId, p.kind, p.id),
            },
            h("td", {}, p.kind),
            h("td", { class: "num" }, String(p.id)),
            h("td", {}, statusBadge(p.status)),
            h("td", {}, h("code", {}, p.adapter)),
            h("td", { class: "num" }, p.objective),
            h("td", {}, p.feasible),
            h("td", { class: "reason", title: p.reason ?? "" }, p.reason ?? ""),
          )
        ),
      ),
    )),
    h("div", { id: "process-detail" }, h("p", { class: "muted" }, "loading…")),
    h("h3", {}, "Attachments"),
    h("div", { id: "run-attachments" }, h("p", { class: "muted" }, "loading…")),
  );
  section("trace", `Trace of run ${run.runId}`, h("p", { class: "muted" }, "loading…"));
  let detail: RunDetail;
  try {
    detail = await st.source.runDetail(run.runId);
  } catch (e) {
    if (token !== detailToken) return;
    const err = e as { code?: string; message?: string };
    const text = `details of run ${run.runId} are not available: ${
      err.code ? `${err.code}: ` : ""
    }${err.message ?? String(e)}`;
    byId("process-detail").replaceChildren(h("p", { class: "muted detail-missing" }, text));
    byId("run-attachments").replaceChildren(h("p", { class: "muted" }, NONE));
    byId("trace").hidden = true;
    return;
  }
  if (token !== detailToken) return;
  byId("run-attachments").replaceChildren(attachmentsTable(detail.attachments, run.runId));
  const first = detail.processes[0];
  if (first !== undefined) renderProcess(detail, first);
  else byId("process-detail").replaceChildren();
  renderTrace(run.runId, detail.trace);
}

async function showProcess(runId: number, kind: string, id: number): Promise<void> {
  const detail = await state!.source.runDetail(runId);
  if (state!.selectedRun !== runId) return;
  const p = detail.processes.find((x) => x.kind === kind && x.id === id);
  if (p !== undefined) renderProcess(detail, p);
}

function more(shown: number, total: number, what: string): Child {
  return total > shown
    ? h("p", { class: "muted" }, `… ${total - shown} more ${what} not shown (first ${shown})`)
    : null;
}

function renderProcess(_detail: RunDetail, p: ProcessDetail): void {
  for (const tr of byId("process-table").querySelectorAll("tr[data-kind]")) {
    const el = tr as HTMLElement;
    el.classList.toggle("selected", el.dataset.kind === p.kind && Number(el.dataset.id) === p.id);
  }
  const pairs: [string, Child][] = p.pairs.map(([k, v]): [string, Child] => {
    if (k === "adapter" || k === "options") return [k, h("code", {}, v)];
    if (k === "status") return [k, statusBadge(v)];
    if (k === "reason") return [k, h("pre", {}, v)];
    return [k, v];
  });
  const parts: Child[] = [
    h("h3", {}, `${p.kind === "solve" ? "Solve" : "Sampling"} ${p.id}`),
    kv(pairs),
  ];
  if (p.samples !== null) {
    parts.push(
      h("h4", {}, `Samples (${p.sampleCount})`),
      tableBox(
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
            p.samples.map((x) =>
              h(
                "tr",
                {},
                h("td", { class: "num" }, String(x.id)),
                h("td", { class: "num" }, x.objective),
                h("td", {}, x.feasible ? "yes" : "no"),
              )
            ),
          ),
        ),
        true,
      ),
      more(p.samples.length, p.sampleCount, "samples"),
    );
  }
  if (p.evaluatedAt !== null) {
    parts.push(
      h("h4", {}, `Constraints at the ${p.evaluatedAt} (${p.constraintCount})`),
      p.constraintCount === 0 ? h("p", { class: "muted" }, "no constraints") : tableBox(
        h(
          "table",
          { class: "constraints" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["id", "kind", "relation", "value", "violation", "feasible"].map((t) =>
                h("th", {}, t)
              ),
            ),
          ),
          h(
            "tbody",
            {},
            p.constraints.map((c) =>
              h(
                "tr",
                { class: c.feasible ? undefined : "violated" },
                h("td", { class: "num" }, String(c.id)),
                h("td", {}, c.kind),
                h("td", {}, c.relation),
                h("td", { class: "num" }, c.value),
                h("td", { class: "num" }, c.violation),
                h("td", {}, c.feasible ? "yes" : "no"),
              )
            ),
          ),
        ),
        true,
      ),
      more(p.constraints.length, p.constraintCount, "constraints"),
    );
  }
  if (p.diagnosticCount > 0) {
    parts.push(
      h(
        "details",
        {},
        h("summary", {}, `Diagnostics (${p.diagnosticCount})`),
        h("pre", {}, p.diagnostics.join("\n")),
        more(p.diagnostics.length, p.diagnosticCount, "diagnostics"),
      ),
    );
  }
  const target = byId("process-detail");
  target.replaceChildren();
  for (const c of parts) if (c) target.append(c as Node);
}

function renderTrace(runId: number, trace: TraceView | null): void {
  if (trace === null) {
    section("trace", "Trace", h("p", { class: "muted" }, `run ${runId} has no stored trace`));
    return;
  }
  const W = 900, rowH = 20, labelW = 220, top = 20;
  const H = top + trace.spans.length * rowH + 8;
  const chart = s("svg", { id: "trace-chart", viewBox: `0 0 ${W} ${H}`, width: W, height: H });
  const total = trace.totalMs > 0 ? trace.totalMs : 1e-6;
  const sx = (ms: number) => labelW + (ms / total) * (W - labelW - 10);
  chart.append(
    s("text", { x: labelW, y: 12, class: "tick" }, "0 ms"),
    s(
      "text",
      { x: W - 10, y: 12, class: "tick", "text-anchor": "end" },
      `${trace.totalMs.toFixed(3)} ms`,
    ),
  );
  trace.spans.forEach((span, i) => {
    const y = top + i * rowH;
    const x = sx(span.startMs);
    const w = Math.max(1.5, sx(span.startMs + span.durationMs) - x);
    chart.append(
      s(
        "g",
        { class: `span${span.error ? " error" : ""}` },
        s("text", { x: 4 + span.depth * 12, y: y + 14, class: "span-label" }, span.name),
        s("rect", { x, y: y + 3, width: w, height: rowH - 6, rx: 2 }),
        s(
          "title",
          {},
          `${span.name}: ${span.durationMs.toFixed(3)} ms${
            span.attributes ? "\n" + span.attributes : ""
          }`,
        ),
      ),
    );
  });
  section(
    "trace",
    `Trace of run ${runId} (${trace.spanCount} spans)`,
    h("div", { class: "scroll" }, chart),
    more(trace.spans.length, trace.spanCount, "spans"),
  );
}
