/**
 * The viewer's listing, comparison and reports in a real headless Chromium (Debian `chromium`
 * driven by playwright-core in `_viewer_registry_driver_test_util.ts`): a Local Registry of more
 * than 50 Experiments written by BOTH the reference SDK (`viewer_registry.py`, through the venv)
 * and ommx-ts (`_viewer_registry_test_util.ts`), served by `ommx-ts serve --root`; search and
 * status filter; a name opening the Experiment; two picked and compared (aligned parameter
 * columns, one plot coloured by Experiment); hostile names and values shown as text; a wide table
 * scrolling in its box; no plot box without solves; an Experiment that cannot be opened showing
 * its error code; the reports opened from `file://` with no request leaving the file; a plain
 * `chromium --headless --screenshot` / `--dump-dom` showing the data; zero console errors.
 * Screenshots go to `$OMMX_TEST_OUTPUT` (CI keeps them) or a temp directory.
 *
 * Skips with one printed line without chromium; without the reference SDK's venv the SDK-written
 * part is left out (one printed line) and ommx-ts writes all the Experiments; without a CJK font
 * the CJK check is left out (one printed line).
 */
import assert from "node:assert/strict";
import { cjkFont, referencePython, requireTool, TOOLS } from "../../core/_tools_test_util.ts";
import { cli, cliEnv, ROOT } from "./_cli_test_util.ts";
import { HOSTILE, writeViewerRegistry } from "./_viewer_registry_test_util.ts";

const PURPOSE = "the browser registry viewer test (tests/cli/viewer_registry_test.ts)";
const CHROMIUM = requireTool(TOOLS.chromium, PURPOSE);
const PYTHON = CHROMIUM === undefined
  ? undefined
  : referencePython(`the SDK-written Experiments of ${PURPOSE}`);
const CJK = await cjkFont(`the CJK text check of ${PURPOSE}`);

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test({
  name:
    "viewer registry: ≥ 50 Experiments from both SDKs listed, searched, filtered, compared; hostile names; reports offline; zero console errors",
  ignore: CHROMIUM === undefined,
  async fn() {
    const outDir = Deno.env.get("OMMX_TEST_OUTPUT") ??
      await Deno.makeTempDir({ prefix: "ommx-viewer-registry-test-" });
    await Deno.mkdir(outDir, { recursive: true });
    const root = await Deno.makeTempDir({ prefix: "ommx-viewer-registry-" });
    try {
      let sdkNames: string[] = [];
      let sdkSweep: Record<string, number> = {};
      if (PYTHON !== undefined) {
        const out = await new Deno.Command(PYTHON, {
          args: [`${ROOT}tests/cli/viewer_registry.py`, "populate", "25"],
          env: { OMMX_LOCAL_REGISTRY_ROOT: root },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
        ({ names: sdkNames, sweep: sdkSweep } = JSON.parse(new TextDecoder().decode(out.stdout)));
      }
      const ts = await writeViewerRegistry(root, PYTHON === undefined ? 50 : 25);
      const names = [...sdkNames, ...ts.names];
      assert.ok(names.length >= 50, `${names.length} Experiments`);
      const compare: [string, string] = PYTHON === undefined
        ? ["example.com/viewer/sweep:ts", HOSTILE.image]
        : ["example.com/viewer/sweep:highs", "example.com/viewer/sweep:ts"];
      const report = `${outDir}/report.html`;
      const compareReport = `${outDir}/compare-report.html`;
      const r1 = await cli("report", `${ROOT}examples/demo.ommx`, "-o", report, "--overwrite");
      assert.equal(r1.code, 0, r1.stderr);
      const r2 = await cliEnv(
        { OMMX_LOCAL_REGISTRY_ROOT: root },
        "report",
        ...compare.map((n) => `local:${n}`),
        "-o",
        compareReport,
        "--overwrite",
      );
      assert.equal(r2.code, 0, r2.stderr);

      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--quiet",
          `${ROOT}tests/cli/_viewer_registry_driver_test_util.ts`,
          JSON.stringify({ root, outDir, report, compareReport, compare, cjk: CJK !== undefined }),
        ],
        cwd: ROOT,
        env: { OMMX_TEST_CHROMIUM: CHROMIUM! },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      const seen: Any = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);

      // The listing: every Experiment of both writers, and the ref that cannot be listed.
      assert.equal(seen.title, "Local Registry");
      const total = names.length + 1;
      assert.equal(seen.firstPaintRows, total, "the rows come with the page");
      assert.equal(seen.count, `showing ${total} of ${total}`);
      const byKey = new Map<string, Any>(seen.rows.map((r: Any) => [r.key, r]));
      assert.deepEqual([...byKey.keys()].sort(), [...names, `${HOSTILE.badRef}:v1`].sort());
      if (PYTHON !== undefined) {
        const py = byKey.get("example.com/viewer/py-000:v1");
        assert.deepEqual(py.cells.slice(4, 7), ["3", "2", "0"], "runs, solves, samplings");
        assert.equal(py.best, "32.0");
        assert.equal(
          byKey.get("example.com/viewer/sweep:highs").best,
          `${Math.max(...Object.values(sdkSweep))}.0`,
        );
      }
      assert.equal(
        byKey.get("example.com/viewer/sweep:ts").best,
        `${Math.max(...Object.values(ts.sweep))}.0`,
      );
      assert.equal(byKey.get("example.com/viewer/empty:v1").best, "—");
      const bad = byKey.get(`${HOSTILE.badRef}:v1`);
      assert.equal(bad.status, "error");
      assert.equal(bad.code, "INVALID_ARTIFACT");
      assert.equal(bad.name, `${HOSTILE.badRef}:v1`, "shown as text");
      // The Experiment that cannot be opened: its row shows the code the CLI gives.
      const inspect = await cliEnv(
        { OMMX_LOCAL_REGISTRY_ROOT: root },
        "inspect",
        "local:example.com/viewer/broken:v1",
      );
      const brokenCode = /^error: ([A-Z_]+):/.exec(inspect.stderr)?.[1];
      assert.ok(brokenCode !== undefined, inspect.stderr);
      assert.equal(byKey.get("example.com/viewer/broken:v1").code, brokenCode);
      assert.match(seen.broken, new RegExp(`^${brokenCode}: `));
      // Search and filter.
      assert.deepEqual(
        seen.searchSweep.sort(),
        names.filter((n) => n.includes("sweep")).sort(),
      );
      assert.equal(seen.searchCount, `showing ${seen.searchSweep.length} of ${total}`);
      assert.deepEqual(seen.errorRows.map((r: Any) => r.key), [`${HOSTILE.badRef}:v1`]);
      assert.equal(seen.finishedVisible, names.length);
      assert.equal(seen.finishedTs, PYTHON === undefined ? 50 : 25);
      assert.match(seen.digest.text, /^sha256:[0-9a-f]{12}…$/);
      assert.match(seen.digest.title, /^sha256:[0-9a-f]{64}$/);
      assert.ok(seen.digest.title.startsWith(seen.digest.text.slice(0, -1)));
      const bestValues = seen.rows.map((r: Any) => Number(r.best)).filter(Number.isFinite);
      assert.equal(Number(byKey.get(seen.firstByBestDesc).best), Math.max(...bestValues));

      // A name opens its Experiment; a run's details come from the server.
      assert.equal(seen.opened.title, compare[0]);
      assert.equal(
        seen.opened.url,
        `${seen.opened.url.split("?")[0]}?experiment=${encodeURIComponent(compare[0])}`,
      );
      assert.equal(seen.opened.runs, 5);
      assert.equal(seen.opened.points, 5);
      assert.equal(seen.opened.back, "./");
      assert.equal(seen.openedConstraints, 1);

      // The comparison: every run of both, parameter columns aligned by name, one plot by colour.
      assert.equal(seen.compareButton, "Compare selected (2)");
      assert.equal(seen.compare.title, "Comparison of 2 Experiments");
      assert.deepEqual(seen.compare.experiments, compare);
      const params = seen.compare.headers.filter((h: Any) => h.key.startsWith("p:"));
      const expectedColumns = PYTHON === undefined
        ? ["capacity", "seed", "solver", HOSTILE.paramName, "note", HOSTILE.japaneseName]
        : ["capacity", "solver", "seed"];
      assert.deepEqual(params.map((h: Any) => h.key.slice(2)), expectedColumns);
      const inAll = PYTHON === undefined ? ["capacity"] : ["capacity", "solver"];
      for (const h of params) {
        assert.equal(h.cls.includes("partial"), !inAll.includes(h.key.slice(2)), h.key);
      }
      assert.equal(seen.compare.rows.length, PYTHON === undefined ? 7 : 10);
      const col = (name: string) =>
        seen.compare.headers.findIndex((h: Any) => h.key === `p:${name}`);
      const tsRow = seen.compare.rows.find((r: string[]) =>
        r[0] === "example.com/viewer/sweep:ts" && r[1] === "0"
      );
      assert.equal(tsRow[col("capacity")], "30");
      assert.equal(tsRow[col("solver")], "greedy");
      assert.equal(tsRow[col("seed")], "1");
      if (PYTHON !== undefined) {
        const pyRow = seen.compare.rows.find((r: string[]) => r[0] === compare[0] && r[1] === "0");
        assert.equal(pyRow[col("solver")], "highs");
        assert.equal(pyRow[col("seed")], "", "a column the Experiment does not have is blank");
      }
      const groups = seen.compare.points.map((p: Any) => p.group);
      assert.deepEqual(
        [
          groups.filter((g: number) => g === 0).length,
          groups.filter((g: number) => g === 1).length,
        ],
        PYTHON === undefined ? [5, 2] : [5, 5],
      );
      const colors = new Set(seen.compare.points.map((p: Any) => `${p.group} ${p.color}`));
      assert.equal(colors.size, 2, "one colour per Experiment, whatever the run status");
      assert.notEqual(
        seen.compare.points.find((p: Any) => p.group === 0).color,
        seen.compare.points.find((p: Any) => p.group === 1).color,
      );
      // Colour means the Experiment: the status legend shows shapes in a neutral grey.
      assert.deepEqual(
        seen.compare.statusLegend.map((e: Any) => e.status),
        PYTHON === undefined ? ["finished", "failed"] : ["finished"],
      );
      for (const entry of seen.compare.statusLegend) {
        assert.equal(entry.color, "rgb(107, 114, 128)", entry.status);
      }
      assert.deepEqual(seen.compare.legend, [
        `${compare[0]} (5)`,
        `${compare[1]} (${PYTHON === undefined ? 2 : 5})`,
      ]);

      // Hostile names and values: text, never markup; nothing ran.
      assert.equal(seen.hostile.scripts, 2);
      assert.equal(seen.hostile.injected, 0);
      assert.deepEqual(seen.dialogs, []);
      assert.ok(seen.hostile.headers.some((h: string) => h.startsWith(HOSTILE.paramName)));
      assert.ok(seen.hostile.cells.includes(HOSTILE.paramValue));
      assert.ok(seen.hostile.cells.includes("bell\\x07 esc\\x1b[31m"), "controls shown escaped");
      assert.ok(seen.hostile.cells.includes(HOSTILE.japaneseValue));
      assert.deepEqual(
        seen.hostile.annotation.find((a: string[]) => a[0] === HOSTILE.annotationKey),
        [HOSTILE.annotationKey, HOSTILE.annotationValue],
      );
      assert.equal(seen.hostile.reasonTitle, `RuntimeError: ${HOSTILE.reason}`);
      assert.equal(seen.hostile.attachment, HOSTILE.attachment);
      if (CJK !== undefined) {
        assert.equal(seen.cjk.differ, true, "CJK characters render as glyphs, not boxes");
      }

      // Layout: the wide table scrolls in its box; the page and header keep the window's width.
      assert.equal(seen.wide.columns, 40);
      assert.ok(seen.wide.page <= seen.wide.window, `page ${seen.wide.page} px`);
      assert.equal(seen.wide.header, seen.wide.window);
      assert.ok(seen.wide.boxScroll > seen.wide.boxWidth);
      // No solves: no plot box.
      assert.deepEqual(seen.empty, {
        plotHidden: true,
        plots: 0,
        note: "No solves or samplings: nothing to plot.",
      });

      // The reports, from file://, with nothing requested outside the file.
      assert.deepEqual(seen.report, { title: "demo.ommx", rows: 8, points: 8 });
      assert.equal(seen.reportConstraints, 1);
      assert.equal(seen.reportSamples, 4);
      assert.ok(seen.reportTrace >= 2);
      assert.equal(seen.compareReport.title, "Comparison of 2 Experiments");
      assert.equal(seen.compareReport.rows, seen.compare.rows.length);
      assert.deepEqual(seen.compareReport.groups.sort(), [...groups].sort());
      assert.deepEqual(seen.offlineRequests, []);
      // A plain `chromium --headless --screenshot` / `--dump-dom` shows the data.
      assert.equal(seen.plain.serveRows, total);
      assert.equal(seen.plain.reportRows, 8, "the runs table");
      assert.equal(seen.plain.reportTitle, "demo.ommx");
      assert.ok(seen.plain.servePng > 20_000 && seen.plain.reportPng > 20_000);

      assert.deepEqual(seen.consoleErrors, []);
      for (const shot of [seen.listingShot, seen.compareShot, seen.hostileShot, seen.wideShot]) {
        assert.ok((await Deno.stat(shot)).size > 20_000, shot);
      }
      console.log(`viewer registry screenshots: ${outDir}`);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
