/**
 * The comparison page: several Experiments (e.g. the same sweep with two
 * solvers) side by side — one summary row each, every run of every
 * Experiment in one table with the parameter columns aligned by name (in the
 * cross-Experiment reference order, {@linkcode sharedColumns}), and one
 * best-objective-against-parameter plot coloured by Experiment.
 *
 * @module
 */
/// <reference lib="dom" />
import { byId, digestEl, h, layout, section, setTitle, statusBadge, tableBox } from "./dom.ts";
import { GROUP_COLORS, type PlotPoint, scatterPlot } from "./plot.ts";
import { type ExperimentView, type RunView, sharedColumns } from "./model.ts";
import { compareCells } from "./experiment_page.ts";
import { experimentHref } from "./registry_page.ts";
import { NONE } from "../format.ts";

interface Row {
  group: number;
  run: RunView;
}

interface State {
  views: readonly ExperimentView[];
  keys: readonly string[] | undefined;
  rows: Row[];
  sortKey: string;
  sortDesc: boolean;
  plotParam: string;
}

let state: State | null = null;

/**
 * The colour of the i-th compared Experiment.
 *
 * @param i Its index.
 * @returns A CSS colour.
 */
export function groupColor(i: number): string {
  return GROUP_COLORS[i % GROUP_COLORS.length]!;
}

/**
 * Show a comparison.
 *
 * @param views The Experiments, in pick order.
 * @param keys Their listing keys, for links (absent in a report).
 */
export function showComparison(views: readonly ExperimentView[], keys?: readonly string[]): void {
  setTitle(`Comparison of ${views.length} Experiments`);
  layout([["compare-overview", true], ["compare-plot", true], ["compare-runs", true]]);
  const columns = sharedColumns(views);
  const numeric = columns.filter((c) => c.numeric);
  state = {
    views,
    keys,
    rows: views.flatMap((v, group) => v.runs.map((run) => ({ group, run }))),
    sortKey: "experiment",
    sortDesc: false,
    plotParam: (numeric.find((c) => c.inAll) ?? numeric[0])?.name ?? "run",
  };
  renderOverview();
  renderPlot();
  renderRuns();
}

function swatch(group: number): HTMLElement {
  return h("span", { class: "swatch", style: `background:${groupColor(group)}` });
}

function label(group: number): HTMLElement {
  const st = state!;
  const text = st.views[group]!.label;
  const key = st.keys?.[group];
  return h(
    "span",
    { class: "experiment-label", "data-group": group },
    swatch(group),
    key === undefined ? text : h("a", { href: experimentHref(key) }, text),
  );
}

function renderOverview(): void {
  const st = state!;
  const sum = (by: Readonly<Record<string, number>>) =>
    Object.values(by).reduce((a, b) => a + b, 0);
  section(
    "compare-overview",
    `Experiments (${st.views.length})`,
    tableBox(h(
      "table",
      { id: "compare-experiments" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["experiment", "status", "runs", "solves", "samplings", "best objective", "digest"]
            .map(
              (t) => h("th", {}, t),
            ),
        ),
      ),
      h(
        "tbody",
        {},
        st.views.map((v, i) =>
          h(
            "tr",
            { "data-group": i },
            h("td", { class: "name" }, label(i)),
            h("td", {}, statusBadge(v.status)),
            h("td", { class: "num" }, String(sum(v.counts.runs))),
            h("td", { class: "num" }, String(sum(v.counts.solves))),
            h("td", { class: "num" }, String(sum(v.counts.samplings))),
            h(
              "td",
              { class: "num best" },
              v.best.runId === null ? NONE : `${v.best.text} (run ${v.best.runId})`,
            ),
            h("td", {}, digestEl(v.manifestDigest)),
          )
        ),
      ),
    )),
  );
}

function renderPlot(): void {
  const st = state!;
  const columns = sharedColumns(st.views).filter((c) => c.numeric);
  if (!st.rows.some((r) => r.run.best.value !== null)) {
    byId("compare-plot").hidden = true;
    return;
  }
  const select = h(
    "select",
    {
      id: "plot-param",
      onchange: (e: Event) => {
        st.plotParam = (e.target as HTMLSelectElement).value;
        renderPlot();
      },
    },
    h("option", { value: "run", selected: st.plotParam === "run" }, "run id"),
    columns.map((c) =>
      h(
        "option",
        { value: c.name, selected: c.name === st.plotParam },
        c.inAll ? c.name : `${c.name} (not in all)`,
      )
    ),
  );
  const param = st.plotParam;
  const xName = param === "run" ? "run id" : param;
  const points: PlotPoint[] = st.rows.flatMap(({ group, run }) => {
    const x = param === "run" ? run.runId : run.params[param]?.value ?? null;
    const y = run.best.value;
    if (x === null || y === null) return [];
    const name = st.views[group]!.label;
    return [{
      x,
      y,
      group,
      status: run.status,
      selected: false,
      title: `${name}, run ${run.runId} (${run.status}): ${xName} = ${
        param === "run" ? String(x) : run.params[param]!.text
      }, best objective = ${run.best.text}`,
      attrs: { "data-group": group, "data-run-id": run.runId, "data-status": run.status },
    }];
  });
  const groups = st.views.map((v, i) => ({ label: v.label, color: groupColor(i) }));
  const legend = h(
    "ul",
    { id: "compare-legend", class: "toolbar" },
    st.views.map((v, i) =>
      h(
        "li",
        { "data-group": i, class: "group-entry" },
        swatch(i),
        `${v.label} (${points.filter((p) => p.group === i).length})`,
      )
    ),
  );
  section(
    "compare-plot",
    "Best objective by parameter",
    h("label", {}, "x axis: ", select),
    legend,
    h(
      "div",
      { class: "scroll" },
      scatterPlot({
        id: "plot",
        points,
        xLabel: xName,
        yLabel: "best objective",
        groups,
      }),
    ),
    h(
      "p",
      { class: "muted" },
      "Colour: Experiment. Shape: run status. Best objective: over finished solves whose solution ",
      "is feasible and not an LP relaxation (and finished samplings' best feasible sample).",
    ),
  );
}

function sortValue(r: Row, key: string): number | string | null {
  switch (key) {
    case "experiment":
      return r.group;
    case "run":
      return r.run.runId;
    case "status":
      return r.run.status;
    case "solves":
      return r.run.solves;
    case "samplings":
      return r.run.samplings;
    case "best":
      return r.run.best.value;
    default: {
      const c = r.run.params[key.slice(2)];
      return c === undefined ? null : c.value ?? c.text;
    }
  }
}

function renderRuns(): void {
  const st = state!;
  const columns = sharedColumns(st.views);
  const keys: [string, string, string, string | undefined][] = [
    ["experiment", "experiment", "", undefined],
    ["run", "run", "", undefined],
    ["status", "status", "", undefined],
    ...columns.map((c): [string, string, string, string | undefined] => [
      `p:${c.name}`,
      c.name,
      c.inAll ? "param" : "param partial",
      c.inAll ? undefined : `only in: ${c.experiments.join(", ")}`,
    ]),
    ["solves", "solves", "", undefined],
    ["samplings", "samplings", "", undefined],
    ["best", "best objective", "", undefined],
  ];
  const sorted = [...st.rows].sort((a, b) => {
    return compareCells(sortValue(a, st.sortKey), sortValue(b, st.sortKey), st.sortDesc) ||
      a.group - b.group || a.run.runId - b.run.runId;
  });
  const head = h(
    "tr",
    {},
    keys.map(([key, text, cls, title]) =>
      h(
        "th",
        {
          class: `sortable ${cls}`.trim(),
          "data-key": key,
          title,
          "aria-sort": st.sortKey === key ? (st.sortDesc ? "descending" : "ascending") : "none",
          onclick: () => {
            if (st.sortKey === key) st.sortDesc = !st.sortDesc;
            else [st.sortKey, st.sortDesc] = [key, false];
            renderRuns();
          },
        },
        text,
        st.sortKey === key ? (st.sortDesc ? " ▼" : " ▲") : "",
      )
    ),
  );
  const rows = sorted.map(({ group, run }) =>
    h(
      "tr",
      {
        "data-group": group,
        "data-run-id": run.runId,
        "data-status": run.status,
        class: run.status === "finished" ? undefined : "not-finished",
      },
      h("td", { class: "name" }, label(group)),
      h("td", { class: "num" }, String(run.runId)),
      h("td", {}, statusBadge(run.status)),
      columns.map((c) => {
        const cell = run.params[c.name];
        return h("td", { class: cell?.value === null ? "" : "num" }, cell?.text ?? "");
      }),
      h("td", { class: "num" }, String(run.solves)),
      h("td", { class: "num" }, String(run.samplings)),
      h("td", { class: "num best" }, run.best.text),
    )
  );
  section(
    "compare-runs",
    `Runs (${st.rows.length})`,
    tableBox(
      h("table", { id: "compare-table" }, h("thead", {}, head), h("tbody", {}, rows)),
      true,
    ),
    h(
      "p",
      { class: "muted" },
      "Parameter columns: by name across the Experiments, in the order each first appears ",
      "(Experiments in the order picked, each in its own column order); italic columns are not in every Experiment.",
    ),
  );
}
