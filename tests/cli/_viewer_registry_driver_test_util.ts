/**
 * Drives the viewer's listing, comparison and report pages in headless Chromium (playwright-core)
 * and prints what it observed as one JSON object; `viewer_registry_test.ts` runs this with `-A`
 * (Playwright probes paths outside the test task's permissions) and asserts on the result.
 *
 * ```sh
 * deno run -A tests/cli/_viewer_registry_driver_test_util.ts '<config JSON>'
 * ```
 *
 * Config: `{ root, outDir, report, compareReport, compare: [a, b], cjk }` — the Local Registry to
 * serve, where screenshots go, the two report files, the two Experiments to compare, and whether
 * to check CJK glyphs.
 *
 * @module
 */
import { chromium, type Page } from "npm:playwright-core@1.65.1";
import { findTool, TOOLS } from "../../core/_tools_test_util.ts";
import { startServe } from "./_serve_test_util.ts";
import { HOSTILE } from "./_viewer_registry_test_util.ts";

const CHROMIUM = findTool(TOOLS.chromium);
if (CHROMIUM === undefined) {
  throw new Error(`no chromium on PATH; install ${TOOLS.chromium.install}`);
}
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

const cfg = JSON.parse(Deno.args[0]!) as {
  root: string;
  outDir: string;
  report: string;
  compareReport: string;
  compare: [string, string];
  cjk: boolean;
};
const seen: Record<string, unknown> = {};
const consoleErrors: string[] = [];
const dialogs: string[] = [];
const offline: string[] = [];
seen.consoleErrors = consoleErrors;
seen.dialogs = dialogs;

function watch(page: Page): Page {
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return page;
}

const rowsOf = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) =>
    els.map((e) => ({
      key: e.getAttribute("data-key"),
      status: e.getAttribute("data-status"),
      hidden: (e as HTMLElement).hidden,
      name: e.querySelector("td.name")?.textContent,
      cells: [...e.children].map((c) => c.textContent),
      best: e.querySelector("td.best")?.textContent,
      code: e.querySelector(".error-code")?.textContent ?? null,
    }))
  );

async function shot(page: Page, name: string): Promise<string> {
  const path = `${cfg.outDir}/${name}`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** `chromium --headless --screenshot` and `--dump-dom` as a user would run them: no waiting, no script. */
async function plainChromium(url: string, name: string): Promise<{ png: string; dom: string }> {
  const png = `${cfg.outDir}/${name}`;
  const common = [
    ...ARGS,
    "--window-size=1400,1000",
    `--user-data-dir=${await Deno.makeTempDir()}`,
  ];
  await new Deno.Command(CHROMIUM!, {
    args: [...common, `--screenshot=${png}`, url],
    stdout: "null",
    stderr: "null",
  }).output();
  const dom = await new Deno.Command(CHROMIUM!, {
    args: [...common, "--dump-dom", url],
    stdout: "piped",
    stderr: "null",
  }).output();
  return { png, dom: new TextDecoder().decode(dom.stdout) };
}

const server = await startServe(["--root", cfg.root]);
const userDataDir = await Deno.makeTempDir({ prefix: "ommx-viewer-chromium-" });
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: ARGS,
  viewport: { width: 1400, height: 1000 },
});
try {
  const page = watch(await context.newPage());

  // ---- the listing: rows at once, best objectives as they come
  await page.goto(server.url);
  await page.waitForSelector("body[data-state=ready]");
  seen.title = await page.locator("#title").textContent();
  seen.firstPaintRows = await page.locator("#listing-table tbody tr").count();
  await page.waitForSelector("body[data-listing=complete]", { timeout: 180_000 });
  seen.rows = await rowsOf(page, "#listing-table tbody tr");
  seen.count = await page.locator("#listing-count").textContent();
  seen.listingShot = await shot(page, "registry.png");
  // search by name, filter by status
  await page.fill("#search", "sweep");
  seen.searchSweep = (await rowsOf(page, "#listing-table tbody tr")).filter((r) => !r.hidden)
    .map((r) => r.key);
  seen.searchCount = await page.locator("#listing-count").textContent();
  await page.fill("#search", "");
  await page.selectOption("#status-filter", "error");
  seen.errorRows = (await rowsOf(page, "#listing-table tbody tr")).filter((r) => !r.hidden);
  await page.selectOption("#status-filter", "finished");
  seen.finishedVisible = (await rowsOf(page, "#listing-table tbody tr")).filter((r) => !r.hidden)
    .length;
  await page.fill("#search", "viewer/ts-");
  seen.finishedTs = (await rowsOf(page, "#listing-table tbody tr")).filter((r) => !r.hidden).length;
  await page.fill("#search", "");
  await page.selectOption("#status-filter", "");
  // sort by best objective, descending
  await page.click('#listing-table th[data-key="best"]');
  await page.click('#listing-table th[data-key="best"]');
  seen.firstByBestDesc = await page.locator("#listing-table tbody tr").first().getAttribute(
    "data-key",
  );
  // digests: shortened, the full value as title
  seen.digest = await page.locator("#listing-table code.digest").first().evaluate((e) => ({
    text: e.textContent,
    title: e.getAttribute("title"),
  }));

  // ---- a name opens the Experiment
  await page.click(`#listing-table tr[data-key="${cfg.compare[0]}"] td.name a`);
  await page.waitForSelector("body[data-mode=experiment][data-state=ready]");
  seen.opened = {
    url: page.url(),
    title: await page.locator("#title").textContent(),
    runs: await page.locator("#runs-table tbody tr").count(),
    points: await page.locator("#plot .point[data-run-id]").count(),
    back: await page.locator("#back").getAttribute("href"),
  };
  // a run's details come from the server
  await page.click('#runs-table tbody tr[data-run-id="3"]');
  await page.waitForSelector("#run-detail h2:has-text('Run 3')");
  await page.waitForSelector("#process-detail table.constraints");
  seen.openedConstraints = await page.locator("#process-detail table.constraints tbody tr").count();

  // ---- pick two, compare
  await page.click("#back");
  await page.waitForSelector("body[data-mode=registry][data-state=ready]");
  for (const key of cfg.compare) {
    await page.check(`#listing-table tr[data-key="${key}"] input.pick`);
  }
  seen.compareButton = await page.locator("#compare").textContent();
  await page.click("#compare");
  await page.waitForSelector("body[data-mode=compare][data-state=ready]");
  seen.compare = {
    title: await page.locator("#title").textContent(),
    experiments: await page.locator("#compare-experiments tbody tr td.name").allTextContents(),
    headers: await page.locator("#compare-table thead th").evaluateAll((els) =>
      els.map((e) => ({ key: e.getAttribute("data-key"), cls: e.className }))
    ),
    rows: await page.locator("#compare-table tbody tr").evaluateAll((els) =>
      els.map((e) => [...e.children].map((c) => c.textContent))
    ),
    points: await page.locator("#plot .point[data-group]").evaluateAll((els) =>
      els.map((e) => ({
        group: Number(e.getAttribute("data-group")),
        run: Number(e.getAttribute("data-run-id")),
        // a failed run's × is drawn by its stroke, the other marks by their fill
        color: e.classList.contains("failed")
          ? getComputedStyle(e).stroke
          : getComputedStyle(e).fill,
      }))
    ),
    legend: await page.locator("#compare-legend li").allTextContents(),
    statusLegend: await page.locator("#plot-legend .legend-entry").evaluateAll((els) =>
      els.map((e) => ({
        status: e.getAttribute("data-status"),
        color: e.getAttribute("data-status") === "failed"
          ? getComputedStyle(e.querySelector(".point")!).stroke
          : getComputedStyle(e.querySelector(".point")!).fill,
      }))
    ),
  };
  seen.compareShot = await shot(page, "compare.png");

  // ---- hostile names and values, CJK text
  await page.goto(`${server.url}?experiment=${encodeURIComponent(HOSTILE.image)}`);
  await page.waitForSelector("body[data-state=ready]");
  await page.waitForSelector("#process-detail table.constraints");
  seen.hostile = await page.evaluate(() => ({
    scripts: document.scripts.length,
    injected: document.querySelectorAll("img, svg[onload], b, [onerror], [onload]").length,
    headers: [...document.querySelectorAll("#runs-table thead th")].map((e) => e.textContent),
    cells: [...document.querySelectorAll("#runs-table tbody tr:first-child td")].map((e) =>
      e.textContent
    ),
    annotation: [...document.querySelectorAll("#overview dt")].map((e) => [
      e.textContent,
      e.nextElementSibling?.textContent,
    ]),
    reasonTitle: document.querySelector('#runs-table tr[data-run-id="1"] td.reason')
      ?.getAttribute("title"),
    attachment: document.querySelector("#overview table.attachments td.name")?.textContent,
  }));
  if (cfg.cjk) {
    seen.cjk = await page.evaluate(() => {
      const family = getComputedStyle(document.body).fontFamily;
      const canvas = document.createElement("canvas");
      canvas.width = 80;
      canvas.height = 48;
      const ctx = canvas.getContext("2d")!;
      const draw = (text: string) => {
        ctx.clearRect(0, 0, 80, 48);
        ctx.font = `32px ${family}`;
        ctx.fillText(text, 4, 38);
        return canvas.toDataURL();
      };
      // Two different characters drawn alike are both the missing-glyph box.
      return { differ: draw("問") !== draw("題"), width: ctx.measureText("問題").width };
    });
  }
  seen.hostileShot = await shot(page, "hostile.png");

  // ---- a wide table scrolls in its box; the page keeps the window's width
  await page.goto(`${server.url}?experiment=${encodeURIComponent("example.com/viewer/wide:v1")}`);
  await page.waitForSelector("body[data-state=ready]");
  seen.wide = await page.evaluate(() => {
    const box = document.querySelector("#runs-table")!.parentElement!;
    return {
      window: innerWidth,
      page: document.documentElement.scrollWidth,
      header: document.querySelector("header")!.getBoundingClientRect().width,
      boxScroll: box.scrollWidth,
      boxWidth: box.clientWidth,
      columns: document.querySelectorAll("#runs-table thead th.param").length,
    };
  });
  await page.locator("#runs-table").evaluate((t) => t.parentElement!.scrollLeft = 400);
  seen.wideShot = await shot(page, "wide.png");

  // ---- no solves: no plot box
  await page.goto(`${server.url}?experiment=${encodeURIComponent("example.com/viewer/empty:v1")}`);
  await page.waitForSelector("body[data-state=ready]");
  seen.empty = await page.evaluate(() => ({
    plotHidden: (document.getElementById("plot-section") as HTMLElement).hidden,
    plots: document.querySelectorAll("svg.plot").length,
    note: document.getElementById("no-plot")?.textContent,
  }));

  // ---- an Experiment that cannot be opened
  await page.goto(`${server.url}?experiment=${encodeURIComponent("example.com/viewer/broken:v1")}`);
  await page.waitForSelector("body[data-state=error]");
  seen.broken = await page.locator("#error").textContent();

  // ---- the reports, opened from file://, offline
  const report = watch(await context.newPage());
  report.on("request", (r) => {
    if (!r.url().startsWith("file:")) offline.push(r.url());
  });
  await report.goto(new URL(`file://${cfg.report}`).href);
  await report.waitForSelector("body[data-state=ready]");
  seen.report = {
    title: await report.locator("#title").textContent(),
    rows: await report.locator("#runs-table tbody tr").count(),
    points: await report.locator("#plot .point[data-run-id]").count(),
  };
  await report.click('#runs-table tbody tr[data-run-id="2"]');
  await report.waitForSelector("#run-detail h2:has-text('Run 2')");
  await report.waitForSelector("#process-detail table.constraints");
  seen.reportConstraints = await report.locator("#process-detail table.constraints tbody tr")
    .count();
  await report.click('#process-table tr[data-kind="sampling"]');
  await report.waitForSelector("#process-detail table.samples");
  seen.reportSamples = await report.locator("#process-detail table.samples tbody tr").count();
  seen.reportTrace = await report.locator("#trace-chart g.span").count();
  await report.click('#runs-table tbody tr[data-run-id="0"]');
  await report.waitForSelector("#trace-chart g.span");
  seen.reportShot = await shot(report, "report.png");
  await report.goto(new URL(`file://${cfg.compareReport}`).href);
  await report.waitForSelector("body[data-state=ready]");
  seen.compareReport = {
    title: await report.locator("#title").textContent(),
    rows: await report.locator("#compare-table tbody tr").count(),
    groups: await report.locator("#plot .point[data-group]").evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute("data-group")))
    ),
  };
  seen.offlineRequests = offline;

  // ---- a plain `chromium --headless --screenshot` / `--dump-dom`: the data is in the first paint
  const plainServe = await plainChromium(server.url, "plain-serve.png");
  const plainReport = await plainChromium(new URL(`file://${cfg.report}`).href, "plain-report.png");
  seen.plain = {
    servePng: (await Deno.stat(plainServe.png)).size,
    reportPng: (await Deno.stat(plainReport.png)).size,
    serveRows: (plainServe.dom.match(/<tr data-key=/g) ?? []).length,
    reportRows: (plainReport.dom.match(/<tr data-run-id=/g) ?? []).length,
    reportTitle: /<h1 id="title">([^<]*)<\/h1>/.exec(plainReport.dom)?.[1],
  };
} finally {
  await context.close();
  await server.stop();
  await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
}
console.log(JSON.stringify(seen));
