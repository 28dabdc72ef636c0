/**
 * The browser viewer in a real headless Chromium (Debian `chromium`, driven by
 * playwright-core): served by `ommx-ts serve`, and opened as a plain file
 * with a `.ommx` picked through the file input. Skipped, with the reason
 * printed, only when /usr/bin/chromium is absent (`.ci/install_system.sh`
 * installs it).
 */
import assert from "node:assert/strict";
import { ROOT } from "./_cli.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
if (!hasChromium) {
  console.log(`viewer_test: skipped: ${CHROMIUM} is absent (apt-get install chromium)`);
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

Deno.test({
  name:
    "viewer: runs table, one plot point per run, sorting, diff, solve detail, trace; screenshot",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { chromium } = await import("playwright-core");
    const runs = JSON.parse(
      new TextDecoder().decode(
        (await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, "runs", DEMO, "--json"],
          stdout: "piped",
        }).output()).stdout,
      ),
    ) as { runs: { runId: number; parameters: Record<string, unknown>; bestObjective: number }[] };
    const server = await startServe(DEMO);
    const userDataDir = await Deno.makeTempDir({ prefix: "ommx-viewer-chromium-" });
    const outDir = Deno.env.get("OMMX_TEST_OUTPUT") ??
      await Deno.makeTempDir({ prefix: "ommx-viewer-test-" });
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    const pageErrors: string[] = [];
    try {
      const page = await context.newPage();
      page.on("pageerror", (e) => pageErrors.push(e.message));
      const res = await page.goto(server.url);
      assert.equal(res?.status(), 200);
      await page.waitForSelector("body[data-state=ready], body[data-state=error]", {
        timeout: 30_000,
      });
      assert.equal(
        await page.evaluate(() => document.body.dataset.state),
        "ready",
        await page.locator("#error").textContent() ?? "",
      );
      assert.equal(
        await page.locator("#title").textContent(),
        "ghcr.io/ommx-ts/examples/knapsack-sweep:v1",
      );

      // One table row and one plot point per run.
      assert.equal(await page.locator("#runs-table tbody tr").count(), runs.runs.length);
      assert.equal(await page.locator("#plot circle.point").count(), runs.runs.length);
      const ids = await page.locator("#plot circle.point").evaluateAll((els) =>
        els.map((e) => Number(e.getAttribute("data-run-id"))).sort((a, b) => a - b)
      );
      assert.deepEqual(ids, runs.runs.map((r) => r.runId));

      // Sorting by a parameter column: descending capacity puts the largest first.
      await page.click('#runs-table th[data-key="p:capacity"]');
      await page.click('#runs-table th[data-key="p:capacity"]');
      const maxCap = runs.runs.reduce((
        a,
        r,
      ) => (Number(r.parameters.capacity) > Number(a.parameters.capacity) ? r : a));
      assert.equal(
        await page.locator("#runs-table tbody tr").first().getAttribute("data-run-id"),
        String(maxCap.runId),
      );

      // Run-vs-run diff highlights the changed parameters.
      assert.ok(await page.locator("#diff-table tr.changed").count() >= 1);

      // Selecting a run shows its solve detail with constraint evaluation, and its trace.
      await page.click('#runs-table tbody tr[data-run-id="2"]');
      await page.waitForSelector("#process-detail table.constraints");
      assert.equal(await page.locator("#process-detail table.constraints tbody tr").count(), 1);
      await page.waitForSelector("#trace-chart g.span");
      assert.ok(await page.locator("#trace-chart g.span").count() >= 2);
      await page.click('#process-table tr[data-kind="sampling"]');
      await page.waitForSelector("#process-detail table.samples");
      assert.equal(await page.locator("#process-detail table.samples tbody tr").count(), 4);

      // Back to the first run for the picture.
      await page.click('#runs-table th[data-key="run"]');
      await page.click('#runs-table tbody tr[data-run-id="0"]');
      await page.waitForSelector("#trace-chart g.span");
      const shot = `${outDir}/viewer.png`;
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`viewer screenshot: ${shot}`);
      assert.ok((await Deno.stat(shot)).size > 10_000);

      // The archive is served as bytes next to the page.
      const archive = await page.evaluate(async () =>
        (await (await fetch("experiment.ommx")).arrayBuffer()).byteLength
      );
      assert.equal(archive, (await Deno.stat(DEMO)).size);

      // The committed page works as a plain file, reading a picked .ommx.
      const plain = await context.newPage();
      plain.on("pageerror", (e) => pageErrors.push(e.message));
      await plain.goto(new URL("cli/viewer/viewer.html", `file://${ROOT}`).href);
      await plain.waitForSelector("body[data-state=empty]");
      await plain.setInputFiles("#file", `${ROOT}tests/fixtures/reference/runs.ommx`);
      await plain.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
      assert.equal(await plain.locator("#runs-table tbody tr").count(), 6);
      assert.equal(await plain.locator("#title").textContent(), "ghcr.io/ommx-ts/corpus/runs:v1");
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      await server.stop();
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    }
  },
});
