/**
 * Drives the viewer in headless Chromium (playwright-core) and prints what it
 * observed as one JSON object; `viewer_test.ts` runs this with `-A` (Playwright
 * probes paths outside the test task's permissions) and asserts on the result.
 *
 * ```sh
 * deno run -A tests/cli/_viewer_driver_test_util.ts <outDir> [<best-objective.ommx>]
 * ```
 *
 * The second archive (tests/cli/_best_objective_archive_test_util.ts) is opened in the
 * plain-file page to observe the best-objective rule and the failed-run marks.
 *
 * @module
 */
import { chromium } from "npm:playwright-core@1.65.1";
import { ROOT } from "./_cli_test_util.ts";
import { findTool, TOOLS } from "../../core/_tools_test_util.ts";

// OMMX_TEST_CHROMIUM (set by viewer_test.ts) or `chromium` on PATH.
const CHROMIUM = findTool(TOOLS.chromium);
if (CHROMIUM === undefined) {
  throw new Error(`no chromium on PATH; install ${TOOLS.chromium.install}`);
}
const DEMO = `${ROOT}examples/demo.ommx`;
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

async function startServe(source: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, "serve", source, "--port", "0", "--json"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`serve exited before listening: ${text}`);
    text += value;
  }
  const { url } = JSON.parse(text.split("\n")[0]!) as { url: string };
  return {
    url,
    stop: async () => {
      child.kill("SIGINT");
      await reader.cancel().catch(() => {});
      await child.status;
    },
  };
}

const outDir = Deno.args[0] ?? await Deno.makeTempDir({ prefix: "ommx-viewer-test-" });
const server = await startServe(DEMO);
const userDataDir = await Deno.makeTempDir({ prefix: "ommx-viewer-chromium-" });
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: ARGS,
  viewport: { width: 1400, height: 1000 },
});
const seen: Record<string, unknown> = { pageErrors: [] as string[], consoleErrors: [] as string[] };
const pageErrors = seen.pageErrors as string[];
const consoleErrors = seen.consoleErrors as string[];
try {
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  seen.httpStatus = (await page.goto(server.url))?.status();
  await page.waitForSelector("body[data-state=ready], body[data-state=error]", { timeout: 30_000 });
  seen.state = await page.evaluate(() => document.body.dataset.state);
  seen.error = await page.locator("#error").textContent();
  seen.title = await page.locator("#title").textContent();
  seen.image = await page.locator("#overview dd").first().textContent();
  seen.tableRows = await page.locator("#runs-table tbody tr").count();
  seen.pointRunIds = await page.locator("#plot .point[data-run-id]").evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute("data-run-id")))
  );
  seen.failedPoints = await page.locator("#plot .point.failed[data-run-id]").evaluateAll((els) =>
    els.map((e) => ({ run: Number(e.getAttribute("data-run-id")), tag: e.tagName }))
  );
  seen.legend = await page.locator("#plot-legend .legend-entry").evaluateAll((els) =>
    els.map((e) => ({
      status: e.getAttribute("data-status"),
      text: e.textContent,
      mark: e.querySelector(".point")?.tagName ?? null,
    }))
  );
  seen.demoStatusCells = await page.locator("#runs-table tbody tr").evaluateAll((els) =>
    els.map((e) => [e.getAttribute("data-status"), e.className, e.children[1]?.textContent])
  );

  // Sort by a parameter column, descending.
  await page.click('#runs-table th[data-key="p:capacity"]');
  await page.click('#runs-table th[data-key="p:capacity"]');
  seen.firstRowByCapacityDesc = Number(
    await page.locator("#runs-table tbody tr").first().getAttribute("data-run-id"),
  );
  seen.diffChangedRows = await page.locator("#diff-table tr.changed").count();

  // Run 2: a solve with a constraint and a sampling; its trace.
  await page.click('#runs-table tbody tr[data-run-id="2"]');
  await page.waitForSelector("#process-detail table.constraints");
  seen.constraintRows = await page.locator("#process-detail table.constraints tbody tr").count();
  await page.waitForSelector("#trace-chart g.span");
  seen.traceSpans = await page.locator("#trace-chart g.span").count();
  await page.click('#process-table tr[data-kind="sampling"]');
  await page.waitForSelector("#process-detail table.samples");
  seen.sampleRows = await page.locator("#process-detail table.samples tbody tr").count();

  // The served archive bytes.
  seen.archiveBytes = await page.evaluate(async () =>
    (await (await fetch("experiment.ommx")).arrayBuffer()).byteLength
  );

  // Screenshot of run 0 in run-id order.
  await page.click('#runs-table th[data-key="run"]');
  await page.click('#runs-table tbody tr[data-run-id="0"]');
  await page.waitForSelector("#trace-chart g.span");
  seen.screenshot = `${outDir}/viewer.png`;
  await page.screenshot({ path: seen.screenshot as string, fullPage: true });

  // The committed page as a plain file, reading a picked .ommx.
  const plain = await context.newPage();
  plain.on("pageerror", (e) => pageErrors.push(e.message));
  plain.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  await plain.goto(new URL("cli/viewer/viewer.html", `file://${ROOT}`).href);
  await plain.waitForSelector("body[data-state=empty]");
  await plain.setInputFiles("#file", `${ROOT}tests/fixtures/reference/runs.ommx`);
  await plain.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
  seen.plainTitle = await plain.locator("#title").textContent();
  seen.plainRows = await plain.locator("#runs-table tbody tr").count();

  // The best-objective rules and failed-run marks on an archive made for them.
  const best = Deno.args[1];
  if (best !== undefined) {
    await plain.setInputFiles("#file", best);
    await plain.waitForFunction(() =>
      document.querySelector("#title")?.textContent?.includes("best-objective") &&
      document.body.dataset.state === "ready"
    );
    seen.bestRows = await plain.locator("#runs-table tbody tr").evaluateAll((els) =>
      els.map((e) => ({
        run: Number(e.getAttribute("data-run-id")),
        status: e.getAttribute("data-status"),
        marked: e.classList.contains("not-finished"),
        statusText: e.children[1]?.textContent,
        best: e.querySelector("td.best")?.textContent,
        x: e.children[4]?.textContent,
      }))
    );
    seen.bestPoints = await plain.locator("#plot .point[data-run-id]").evaluateAll((els) =>
      els.map((e) => [Number(e.getAttribute("data-run-id")), e.getAttribute("data-status")])
    );
    seen.bestLegend = await plain.locator("#plot-legend .legend-entry").evaluateAll((els) =>
      els.map((e) => e.getAttribute("data-status"))
    );
    seen.bestMissing = await plain.locator("#plot-missing").textContent();
    // Run 0: the relaxed and infeasible solves are listed, with their flags, and the failed one's reason.
    await plain.click('#runs-table tbody tr[data-run-id="0"]');
    await plain.waitForSelector('#process-table tr[data-id="4"]');
    seen.bestProcesses = await plain.locator("#process-table tbody tr").evaluateAll((els) =>
      els.map((e) => [...e.children].map((c) => c.textContent))
    );
    // Diff of run 0 and the failed run 3: the full reason, human labels.
    await plain.selectOption("#diff-a", "0");
    await plain.selectOption("#diff-b", "3");
    seen.bestDiff = await plain.locator("#diff-table tbody tr").evaluateAll((els) =>
      els.map((e) => [...e.children].map((c) => c.textContent))
    );
  }
} finally {
  await context.close();
  await server.stop();
  await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
}
console.log(JSON.stringify(seen));
