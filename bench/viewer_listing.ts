/**
 * How fast `ommx-ts serve` shows a Local Registry of 500 Experiments (issue 15's target: the
 * first rows in under a second). The registry is the catalogue benchmark's
 * (`.cache/bench/registry-500`, written by the Python SDK with `bench/catalogue_py.py gen`: 500
 * Experiments of 4 runs with one HiGHS solve each, every 10th with a failed run, and 50 other
 * artifacts); it is generated when missing (needs the reference SDK's venv, ~2 min).
 *
 * Each round starts a fresh `serve --root` process and measures, as medians over the rounds:
 * - `listen`: process start → the listening line (Deno start-up, the listing of manifests and
 *   configs, and — from a checkout — bundling the viewer page);
 * - `page`: `GET /` → the whole HTML, its 500 rows embedded;
 * - `first rows`: in headless Chromium (when installed), navigation start → the page's
 *   `ommx-ready` mark (its 500 rows in the DOM, before the browser paints them), and the first
 *   contentful paint (the header, server-rendered);
 * - `all best`: `GET /` → every row's best objective shown (each Experiment's Solution payloads
 *   read; this part is lazy and does not hold the rows back).
 *
 * ```sh
 * deno run -A bench/viewer_listing.ts [root] [rounds]
 * ```
 *
 * @module
 */
import { chromium } from "npm:playwright-core@1.65.1";
import { findTool, TOOLS, VENV_PYTHON } from "../core/_tools_test_util.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const root = Deno.args[0] ?? `${ROOT}.cache/bench/registry-500`;
const rounds = Number(Deno.args[1] ?? "5");

if (!(await Deno.stat(`${root}/index.sqlite3`).then(() => true, () => false))) {
  console.error(`generating ${root} with the Python SDK (bench/catalogue_py.py gen, ~2 min)…`);
  const out = await new Deno.Command(VENV_PYTHON, {
    args: [`${ROOT}bench/catalogue_py.py`, "gen", root, "500"],
    stdout: "null",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("could not generate the registry (is .cache/venv set up?)");
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
};

const chromiumPath = findTool(TOOLS.chromium);
const browser = chromiumPath === undefined ? undefined : await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
const samples: Record<string, number[]> = {
  listen: [],
  page: [],
  firstRows: [],
  fcp: [],
  allBest: [],
};
let rows = 0;
try {
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        `${ROOT}cli/main.ts`,
        "serve",
        "--root",
        root,
        "--port",
        "0",
        "--json",
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("serve exited");
      text += value;
    }
    samples.listen!.push(performance.now() - t0);
    const url = JSON.parse(text.split("\n")[0]!).url as string;
    try {
      const t1 = performance.now();
      const html = await (await fetch(url)).text();
      samples.page!.push(performance.now() - t1);
      if (browser !== undefined) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const t2 = performance.now();
        await page.goto(url, { waitUntil: "commit" });
        await page.waitForSelector("body[data-state=ready]");
        const paint = await page.evaluate(() => ({
          // the page's own mark, set right after it painted its rows
          ready: performance.getEntriesByName("ommx-ready")[0]?.startTime ?? NaN,
          fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
          rows: document.querySelectorAll("#listing-table tbody tr").length,
        }));
        samples.firstRows!.push(paint.ready);
        samples.fcp!.push(paint.fcp);
        rows = paint.rows;
        await page.waitForSelector("body[data-listing=complete]", { timeout: 600_000 });
        samples.allBest!.push(performance.now() - t2);
        await page.close();
      } else {
        rows = (html.match(/"key":/g) ?? []).length;
      }
    } finally {
      child.kill("SIGINT");
      await reader.cancel().catch(() => {});
      await child.status;
    }
  }
} finally {
  await browser?.close();
}

const ms = (
  xs: number[] | undefined,
) => (xs && xs.length > 0 ? `${median(xs).toFixed(0)} ms` : "—");
console.log(
  `${rows} rows, ${rounds} rounds (medians), ${Deno.build.os}/${Deno.build.arch}, deno ${Deno.version.deno}`,
);
console.log(`serve start → listening:        ${ms(samples.listen)}`);
console.log(`GET / (HTML with every row):    ${ms(samples.page)}`);
console.log(`Chromium: first contentful paint ${ms(samples.fcp)}`);
console.log(`Chromium: rows painted (ready):  ${ms(samples.firstRows)}`);
console.log(`Chromium: every best objective:  ${ms(samples.allBest)}`);
