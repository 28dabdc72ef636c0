/**
 * Differential test of the run-parameter table against the Python SDK: for
 * every archive, `Experiment.runParameters()` has the columns of
 * `run_parameters_df().columns` in the same order, and `ommx-ts params --csv`
 * (`runParametersCsv`) writes the same bytes as `run_parameters_df().to_csv()`
 * (pandas defaults, the `run_id` index included).
 *
 * Archives: the committed reference corpus, the freshly generated one under
 * `deno task interop` (`OMMX_CORPUS_DIR`), one the reference SDK writes here
 * with parameters chosen for column order, promotion, every value type and
 * CSV quoting (`run_parameters_df.py write`), and the same kind of table
 * written by ommx-ts. Needs the reference SDK venv; skipped with one printed
 * line without it.
 */
import assert from "node:assert/strict";
import { runPythonJson } from "./_python_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";
import { openSealedExperiment } from "../../core/experiment/read/open.ts";
import { createExperimentBuilder } from "../../core/experiment/write/experiment_builder.ts";
import { saveExperiment } from "../../core/experiment/write/save.ts";
import { pyFloat } from "../../codecs/py_float.ts";
import { runParametersCsv } from "../../cli/commands/params.ts";
import { cli } from "../cli/_cli_test_util.ts";

const python = referencePython(
  "the run-parameter differential test (tests/interop/run_parameters_test.ts)",
);

const committed = new URL("../fixtures/reference/", import.meta.url).pathname;
const fresh = Deno.env.get("OMMX_CORPUS_DIR");

function archivesIn(dir: string): string[] {
  return [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".ommx"))
    .map((e) => `${dir.replace(/\/$/, "")}/${e.name}`).sort();
}

interface DfReport {
  columns: string[];
  csv: string;
}

/** Compare ours with the reference's DataFrame for each archive (one Python process, one registry). */
async function compare(paths: string[], skipCsv: ReadonlySet<string> = new Set()): Promise<void> {
  const reference = await runPythonJson<Record<string, DfReport>>(
    python!,
    "run_parameters_df.py",
    ["read", ...paths],
    {},
  );
  for (const path of paths) {
    const expected = reference[path]!;
    await using exp = await openSealedExperiment(path);
    const table = exp.runParameters();
    assert.deepEqual(table.columns.map((c) => c.name), expected.columns, `${path}: column order`);
    if (!skipCsv.has(path)) assert.equal(runParametersCsv(table), expected.csv, `${path}: CSV`);
  }
}

Deno.test({
  name: "run parameters: column order and CSV bytes equal pandas' on the reference corpus",
  ignore: python === undefined,
  async fn() {
    const paths = archivesIn(committed);
    assert.ok(paths.length >= 10, `corpus archives: ${paths.length}`);
    await compare(paths);
    // One Python process per corpus: both name their Experiments alike, and one Local Registry
    // refuses a second manifest under the same name.
    if (fresh !== undefined) await compare(archivesIn(fresh));
    else console.log("run_parameters_test: OMMX_CORPUS_DIR unset (deno task interop sets it)");
  },
});

Deno.test({
  name:
    "run parameters: a reference-written table of every type, promotion and quoting case, and params --csv",
  ignore: python === undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ommx-run-params-" });
    try {
      const { cr_quoted } = await runPythonJson<{ cr_quoted: boolean }>(
        python!,
        "run_parameters_df.py",
        ["write", dir],
        {},
      );
      const tricky = `${dir}/tricky.ommx`;
      const cr = `${dir}/tricky-cr.ommx`;
      // A bare CR: quoted by CPython >= 3.11.9 / 3.12.3 (gh-67044) and by us; older Pythons do not.
      if (!cr_quoted) {
        console.log(
          "run_parameters_test: this Python predates gh-67044; bare-CR CSV compared by rule",
        );
      }
      await compare([tricky, cr], cr_quoted ? new Set() : new Set([cr]));
      await using crExp = await openSealedExperiment(cr);
      assert.equal(
        runParametersCsv(crExp.runParameters()),
        'run_id,cr\n0,"bare\rcarriage return"\n',
      );

      // The CLI writes exactly those bytes to a pipe.
      const reference = await runPythonJson<Record<string, DfReport>>(
        python!,
        "run_parameters_df.py",
        ["read", tricky],
        {},
      );
      const out = await cli("params", tricky, "--csv");
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, reference[tricky]!.csv);
      assert.match(out.stdout, /^run_id,10,2,Mid,alpha,zeta,"a,b ""quoted"" name",aa,beta,/);
      assert.match(out.stdout, /\n4,,,,,,,,,,,True,-30\.0,0,plain,\n/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "run parameters: a table written by ommx-ts reads back in the Python SDK in the same order",
  ignore: python === undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ommx-run-params-ts-" });
    try {
      const builder = createExperimentBuilder({
        imageName: "localhost:5000/ommx-ts/run-params:v1",
      });
      await builder.withRun((run) => {
        run.logParameter("zeta", 1);
        run.logParameter("alpha", 1.5);
        run.logParameter("Mid", 'x, "y"');
        run.logParameter("10", true);
      });
      await builder.withRun(() => {});
      await builder.withRun((run) => {
        run.logParameter("beta", pyFloat(-30));
        run.logParameter("alpha", 2);
        run.logParameter("aa", 2n ** 63n - 1n);
        run.logParameter("text", "line\nbreak");
      });
      await builder.withRun((run) => {
        run.logParameter("aa", -1);
        run.logParameter("nan", NaN);
        run.logParameter("inf", -Infinity);
        run.logParameter("tiny", 1e-5);
      });
      const path = `${dir}/ts-params.ommx`;
      await saveExperiment(await builder.commit(), path);
      await compare([path]);
      await using exp = await openSealedExperiment(path);
      assert.deepEqual(exp.runParameters().columns.map((c) => c.name), [
        "10",
        "Mid",
        "alpha",
        "zeta",
        "aa",
        "beta",
        "text",
        "inf",
        "nan",
        "tiny",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
