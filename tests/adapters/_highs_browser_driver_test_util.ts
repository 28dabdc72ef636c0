/**
 * Drives the HiGHS browser page in headless Chromium (playwright-core) and prints what the page
 * published as one JSON object; highs_browser_test.ts runs this with `-A` (Playwright probes
 * paths outside the test task's permissions) and asserts on the result.
 *
 * ```sh
 * deno run -A tests/adapters/_highs_browser_driver_test_util.ts
 * ```
 *
 * The page module is bundled with `deno bundle --platform browser`; `highs.wasm` (from Deno's npm
 * cache) is served beside the bundle, where the HiGHS loader looks for it; a local server on an
 * ephemeral port serves both.
 *
 * @module
 */
import { chromium } from "npm:playwright-core@1.65.1";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findTool, TOOLS } from "../../core/_tools_test_util.ts";

const CHROMIUM = findTool(TOOLS.chromium);
if (CHROMIUM === undefined) {
  throw new Error(`no chromium on PATH; install ${TOOLS.chromium.install}`);
}
const PAGE = fileURLToPath(new URL("_highs_page_test_util.ts", import.meta.url));
const dec = new TextDecoder();

async function highsWasm(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "npm:highs@1.15.3"],
    stdout: "piped",
  }).output();
  const info = JSON.parse(dec.decode(out.stdout)) as {
    npmPackages: Record<string, { localPath: string }>;
  };
  return join(info.npmPackages["highs@1.15.3"]!.localPath, "build", "highs.wasm");
}

const dir = await Deno.makeTempDir({ prefix: "ommx-highs-browser-" });
const seen: Record<string, unknown> = { pageErrors: [] as string[] };
try {
  const bundled = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--format",
      "esm",
      "-o",
      join(dir, "page.js"),
      PAGE,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!bundled.success) throw new Error(`deno bundle failed:\n${dec.decode(bundled.stderr)}`);
  await Deno.copyFile(await highsWasm(), join(dir, "highs.wasm"));
  const files: Record<string, [string, Uint8Array<ArrayBuffer>]> = {
    "/": [
      "text/html",
      new TextEncoder().encode(
        '<!doctype html><body data-state="loading"><script type="module" src="page.js"></script></body>',
      ),
    ],
    "/page.js": ["text/javascript", await Deno.readFile(join(dir, "page.js"))],
    "/highs.wasm": ["application/wasm", await Deno.readFile(join(dir, "highs.wasm"))],
  };
  const requested: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    requested.push(path);
    const file = files[path];
    return file === undefined
      ? new Response("not found", { status: 404 })
      : new Response(file[1], { headers: { "content-type": file[0] } });
  });
  const userDataDir = await Deno.makeTempDir({ prefix: "ommx-highs-chromium-" });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
    ],
  });
  try {
    const page = await context.newPage();
    page.on("pageerror", (e) => (seen.pageErrors as string[]).push(e.message));
    await page.goto(`http://127.0.0.1:${server.addr.port}/`);
    await page.waitForSelector("body[data-state=done], body[data-state=error]", {
      state: "attached",
      timeout: 60_000,
    });
    seen.state = await page.evaluate(() => document.body.dataset.state);
    seen.error = await page.evaluate(() => document.body.dataset.error ?? null);
    const result = await page.evaluate(() => document.body.dataset.result ?? null);
    seen.result = result === null ? null : JSON.parse(result);
    seen.requested = requested;
  } finally {
    await context.close();
    await server.shutdown();
    await Deno.remove(userDataDir, { recursive: true });
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
console.log(JSON.stringify(seen));
