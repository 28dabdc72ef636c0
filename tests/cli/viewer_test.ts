/**
 * The browser viewer in a real headless Chromium (Debian `chromium` driven by
 * playwright-core, in `_viewer_driver_test_util.ts`): served by `ommx-ts serve`, and
 * opened as a plain file with a `.ommx` picked through the file input.
 * Skipped, with one printed line, only when no `chromium` is on PATH and OMMX_TEST_CHROMIUM is
 * unset (core/_tools_test_util.ts; `.ci/install_system.sh` installs it).
 */
import assert from "node:assert/strict";
import { cliJson, ROOT } from "./_cli_test_util.ts";
import { requireTool, TOOLS } from "../../core/_tools_test_util.ts";
import {
  EXPECTED_BEST,
  FAILED_REASON,
  writeBestObjectiveArchive,
} from "./_best_objective_archive_test_util.ts";

const CHROMIUM = requireTool(TOOLS.chromium, "the browser viewer test (tests/cli/viewer_test.ts)");

Deno.test({
  name:
    "viewer: runs table, plot with a status legend, best-objective rule, sorting, diff, solve detail, trace, plain file; screenshot",
  ignore: CHROMIUM === undefined,
  async fn() {
    const demo = `${ROOT}examples/demo.ommx`;
    const runs = (await cliJson("runs", demo) as {
      runs: { runId: number; status: string; parameters: Record<string, number> }[];
    }).runs;
    const outDir = Deno.env.get("OMMX_TEST_OUTPUT") ??
      await Deno.makeTempDir({ prefix: "ommx-viewer-test-" });
    await Deno.mkdir(outDir, { recursive: true });
    const best = await writeBestObjectiveArchive(`${outDir}/best-objective.ommx`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", `${ROOT}tests/cli/_viewer_driver_test_util.ts`, outDir, best],
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
    // The header names the served file; the image name is in the overview.
    assert.equal(seen.title, "demo.ommx");
    assert.equal(seen.image, "ghcr.io/ommx-ts/examples/knapsack-sweep:v1");
    // One table row and one plot point per run (every demo run has a best objective).
    assert.equal(seen.tableRows, runs.length);
    assert.deepEqual([...seen.pointRunIds].sort((a, b) => a - b), runs.map((r) => r.runId));
    // The failed demo run (7) is a cross, explained by the legend; its row is marked.
    const failed = runs.filter((r) => r.status === "failed").map((r) => r.runId);
    assert.deepEqual(failed, [7]);
    assert.deepEqual(seen.failedPoints, [{ run: 7, tag: "path" }]);
    assert.deepEqual(seen.legend, [
      { status: "finished", text: "finished runs (7)", mark: "circle" },
      { status: "failed", text: "failed run (1)", mark: "path" },
    ]);
    for (const [status, className, text] of seen.demoStatusCells) {
      assert.equal(className.includes("not-finished"), status !== "finished", text);
      assert.equal(text, status === "finished" ? "finished" : `✗ ${status}`);
    }
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
    assert.equal(seen.plainTitle, "runs.ommx");
    assert.equal(seen.plainRows, 6);
    // Best objective: only finished, feasible, non-relaxed solves, in the instance's sense; — when none.
    assert.deepEqual(seen.bestRows.map((r: { best: string }) => r.best), EXPECTED_BEST);
    assert.deepEqual(
      seen.bestRows.map((r: { statusText: string; marked: boolean }) => [r.statusText, r.marked]),
      [
        ["finished", false],
        ["finished", false],
        ["finished", false],
        ["✗ failed", true],
        ["finished", false],
        ["✗ interrupted", true],
      ],
    );
    assert.equal(seen.bestRows[0].x, "0.0", "a float parameter prints as Python does");
    assert.deepEqual(seen.bestPoints, [[0, "finished"], [1, "finished"], [3, "failed"]]);
    assert.deepEqual(seen.bestLegend, ["finished", "failed"]);
    assert.match(seen.bestMissing, /run 2, run 4, run 5 ✗ interrupted$/);
    assert.deepEqual(seen.bestProcesses.map((r: string[]) => r.slice(2)), [
      ["finished", "tests.RulesAdapter", "10.0", "yes", ""],
      ["finished", "tests.RulesAdapter", "15.0", "yes", ""],
      ["finished", "tests.RulesAdapter", "35.0", "no", ""],
      ["finished", "tests.RulesAdapter", "25.0", "yes (LP relaxation)", ""],
      ["✗ failed", "tests.RulesAdapter", "—", "", "not recorded"],
    ]);
    const diff = Object.fromEntries(seen.bestDiff.map((r: string[]) => [r[0], r.slice(1)]));
    assert.deepEqual(diff["reason"], ["—", FAILED_REASON]);
    assert.deepEqual(diff["best objective"], ["15.0", "25.0"]);
    assert.deepEqual(diff["status"], ["finished", "✗ failed"]);
    assert.deepEqual(diff["trace"], ["no", "no"]);
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(seen.consoleErrors, []);
    assert.ok((await Deno.stat(seen.screenshot)).size > 10_000);
    console.log(`viewer screenshot: ${seen.screenshot}`);
  },
});
