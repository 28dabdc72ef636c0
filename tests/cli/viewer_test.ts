/**
 * The browser viewer in a real headless Chromium (Debian `chromium` driven by
 * playwright-core, in `_viewer_driver.ts`): served by `ommx-ts serve`, and
 * opened as a plain file with a `.ommx` picked through the file input.
 * Skipped, with one printed line, only when no `chromium` is on PATH and OMMX_TEST_CHROMIUM is
 * unset (tests/_tools.ts; `.ci/install_system.sh` installs it).
 */
import assert from "node:assert/strict";
import { cliJson, ROOT } from "./_cli.ts";
import { requireTool, TOOLS } from "../_tools.ts";

const CHROMIUM = requireTool(TOOLS.chromium, "the browser viewer test (tests/cli/viewer_test.ts)");

Deno.test({
  name:
    "viewer: runs table, one plot point per run, sorting, diff, solve detail, trace, plain file; screenshot",
  ignore: CHROMIUM === undefined,
  async fn() {
    const demo = `${ROOT}examples/demo.ommx`;
    const runs = (await cliJson("runs", demo) as {
      runs: { runId: number; parameters: Record<string, number> }[];
    }).runs;
    const outDir = Deno.env.get("OMMX_TEST_OUTPUT") ??
      await Deno.makeTempDir({ prefix: "ommx-viewer-test-" });
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", `${ROOT}tests/cli/_viewer_driver.ts`, outDir],
      cwd: ROOT,
      env: { OMMX_TEST_CHROMIUM: CHROMIUM! },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const seen = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);

    assert.equal(seen.httpStatus, 200);
    assert.equal(seen.state, "ready", seen.error);
    assert.equal(seen.title, "ghcr.io/ommx-ts/examples/knapsack-sweep:v1");
    // One table row and one plot point per run.
    assert.equal(seen.tableRows, runs.length);
    assert.deepEqual([...seen.pointRunIds].sort((a, b) => a - b), runs.map((r) => r.runId));
    // Sorting by capacity, descending, puts the largest capacity first.
    const maxCap = runs.reduce((a, r) => (r.parameters.capacity! > a.parameters.capacity! ? r : a));
    assert.equal(seen.firstRowByCapacityDesc, maxCap.runId);
    // Runs 0 and 1 differ in all three parameters and the best objective.
    assert.equal(seen.diffChangedRows, 4);
    // Run 2: one knapsack constraint evaluated, a trace, 4 OpenJij samples.
    assert.equal(seen.constraintRows, 1);
    assert.ok(seen.traceSpans >= 2, `trace spans: ${seen.traceSpans}`);
    assert.equal(seen.sampleRows, 4);
    assert.equal(seen.archiveBytes, (await Deno.stat(demo)).size);
    // The committed viewer.html as a plain file.
    assert.equal(seen.plainTitle, "ghcr.io/ommx-ts/corpus/runs:v1");
    assert.equal(seen.plainRows, 6);
    assert.deepEqual(seen.pageErrors, []);
    assert.ok((await Deno.stat(seen.screenshot)).size > 10_000);
    console.log(`viewer screenshot: ${seen.screenshot}`);
  },
});
