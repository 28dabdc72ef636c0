/**
 * The HiGHS adapter in a real headless Chromium (Debian `chromium` driven by playwright-core, in
 * `_highs_browser_driver_test_util.ts`): a bundle of `_highs_page_test_util.ts` solves a knapsack
 * with the WebAssembly HiGHS in the page, records the solve in an Experiment and reads it back.
 * Skipped, with one printed line, when no `chromium` is on PATH and OMMX_TEST_CHROMIUM is unset
 * (core/_tools_test_util.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { requireTool, TOOLS } from "../../core/_tools_test_util.ts";

const CHROMIUM = requireTool(
  TOOLS.chromium,
  "the HiGHS adapter browser test (tests/adapters/highs_browser_test.ts)",
);

Deno.test({
  name:
    "highs in the browser: a bundled page solves a MIP with the WebAssembly HiGHS and records it",
  ignore: CHROMIUM === undefined,
  async fn() {
    const driver = fileURLToPath(new URL("_highs_browser_driver_test_util.ts", import.meta.url));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", driver],
      env: { OMMX_TEST_CHROMIUM: CHROMIUM! },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const seen = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    assert.deepEqual(seen.pageErrors, []);
    assert.equal(seen.state, "done", seen.error);
    assert.match(seen.result.userAgent, /Chrome/);
    assert.equal(seen.result.objective, 42);
    assert.equal(seen.result.optimality, "optimal");
    assert.deepEqual(seen.result.chosen, [0, 3]);
    assert.equal(seen.result.logged, true, "HiGHS's log reached the log callback in the page");
    assert.deepEqual(seen.result.recorded, {
      status: "finished",
      adapter: "@ommx-ts/highs-adapter.OMMXHighsAdapter",
      objective: 42,
      termination: "Optimal",
    });
    // The page fetched the WebAssembly from beside the bundle (the browser may ask for a favicon).
    assert.deepEqual(
      [...new Set(seen.requested as string[])].filter((p) => p !== "/favicon.ico").sort(),
      ["/", "/highs.wasm", "/page.js"],
    );
  },
});
