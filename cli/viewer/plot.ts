/**
 * The viewer's scatter plot (best objective against a parameter): one mark
 * per run, its shape by run status (● finished, ✗ failed, ■ interrupted,
 * ◆ other) with a legend, and optionally its colour by group (the
 * Experiment, in a comparison; the page draws that legend). Plain SVG.
 *
 * @module
 */
/// <reference lib="dom" />
import { s } from "./dom.ts";
import { formatValue } from "../format.ts";

/** One mark. */
export interface PlotPoint {
  /** x value. */
  readonly x: number;
  /** y value. */
  readonly y: number;
  /** Run status (the mark's shape). */
  readonly status: string;
  /** Extra attributes of the mark (`data-*`, `onclick`). */
  readonly attrs: Record<string, unknown>;
  /** Hover text. */
  readonly title: string;
  /** Whether it is the selected run. */
  readonly selected: boolean;
  /** Group index (colour), when grouped. */
  readonly group?: number;
}

/** A colour group (an Experiment in a comparison). */
export interface PlotGroup {
  /** Legend text. */
  readonly label: string;
  /** Its colour. */
  readonly color: string;
}

/** Colours for groups: distinguishable, in order. */
export const GROUP_COLORS: readonly string[] = [
  "#2563eb",
  "#d97706",
  "#059669",
  "#c026d3",
  "#dc2626",
  "#0891b2",
  "#65a30d",
  "#7c3aed",
  "#db2777",
  "#475569",
];

/** Run statuses in legend order. */
export const STATUS_ORDER: readonly string[] = ["finished", "failed", "interrupted"];

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

/**
 * A mark of a status at (x, y).
 *
 * @param status Run status.
 * @param x Centre x.
 * @param y Centre y.
 * @param attrs Attributes.
 * @param title Hover text.
 * @param color Group colour, if any.
 * @returns The mark.
 */
export function statusMark(
  status: string,
  x: number,
  y: number,
  attrs: Record<string, unknown>,
  title?: string,
  color?: string,
): SVGElement {
  const r = 6;
  let el: SVGElement;
  const style = color === undefined
    ? undefined
    : status === "failed"
    ? `stroke:${color}`
    : `fill:${color}`;
  const all = { ...attrs, style };
  if (status === "finished") el = s("circle", { cx: x, cy: y, r, ...all });
  else if (status === "failed") {
    const d = `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`;
    el = s("path", { d, ...all });
  } else if (status === "interrupted") {
    el = s("rect", { x: x - r + 1, y: y - r + 1, width: 2 * r - 2, height: 2 * r - 2, ...all });
  } else {
    el = s("path", { d: `M${x},${y - r}L${x + r},${y}L${x},${y + r}L${x - r},${y}Z`, ...all });
  }
  if (title !== undefined) el.append(s("title", {}, title));
  return el;
}

/**
 * The scatter plot.
 *
 * @param options Points, axis labels, optional groups.
 * @returns The SVG.
 */
export function scatterPlot(options: {
  id: string;
  points: readonly PlotPoint[];
  xLabel: string;
  yLabel: string;
  groups?: readonly PlotGroup[];
}): SVGElement {
  const { points, xLabel, yLabel, groups } = options;
  const W = 640, H = 340, L = 64, R = 16, T = 36, B = 44;
  const chart = s("svg", {
    id: options.id,
    class: "plot",
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    role: "img",
    "aria-label": `${yLabel} against ${xLabel}`,
  });
  if (points.length === 0) {
    chart.append(
      s(
        "text",
        { x: W / 2, y: H / 2, "text-anchor": "middle", class: "label" },
        "no run has both values",
      ),
    );
    return chart;
  }
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
    s("text", { x: (L + W - R) / 2, y: H - 8, class: "label", "text-anchor": "middle" }, xLabel),
    s("text", {
      x: 14,
      y: (T + H - B) / 2,
      class: "label",
      "text-anchor": "middle",
      transform: `rotate(-90 14 ${(T + H - B) / 2})`,
    }, yLabel),
  );
  for (const p of points) {
    const color = p.group === undefined ? undefined : groups?.[p.group]?.color;
    chart.append(statusMark(
      p.status,
      sx(p.x),
      sy(p.y),
      { ...p.attrs, class: `point ${p.status}${p.selected ? " selected" : ""}` },
      p.title,
      color,
    ));
  }
  // Grouped, colour means the Experiment: the status legend shows shapes only, in a neutral grey.
  const neutral = groups === undefined ? undefined : NEUTRAL_COLOR;
  chart.append(statusLegend(points.map((p) => p.status), L, 14, neutral));
  return chart;
}

/** The status legend's colour when points are coloured by group (shape alone tells the status). */
const NEUTRAL_COLOR = "#6b7280";

function statusLegend(
  statuses: readonly string[],
  left: number,
  y: number,
  color: string | undefined,
): SVGElement {
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
        statusMark(st, x + 6, y, { class: `point ${st}` }, undefined, color),
        s("text", { x: x + 18, y: y + 4 }, label),
      ),
    );
    x += 18 + label.length * 6.5 + 18;
  }
  return legend;
}
