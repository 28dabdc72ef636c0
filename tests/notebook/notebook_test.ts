/**
 * The notebook `examples/analysis.ipynb`, executed for real: Deno's Jupyter kernel is installed
 * into a temporary data directory (`deno jupyter --install` with `XDG_DATA_HOME`), and
 * `jupyter nbconvert --to notebook --execute` runs the notebook twice — once copied into a
 * temporary directory outside the checkout (the library named by `OMMX_TS_MODULE`, the archive by
 * `OMMX_DEMO_ARCHIVE`, as a user elsewhere does), once in place (the notebook imports `../mod.ts`
 * and opens `demo.ommx` beside it). Every code cell must produce its HTML output, equal to what
 * the same objects display in this process; no cell may fail. Jupyter's own directories
 * (config, data, runtime, IPython) are temporary too, so the machine is not touched.
 *
 * Needs `jupyter` with nbconvert (`bash tests/notebook/setup_venv.sh`, or `OMMX_TEST_JUPYTER`);
 * skipped with one printed line without it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { jupyterCommand } from "../../core/_tools_test_util.ts";
import { openExperiment, type Solution } from "../../mod.ts";

const jupyter = jupyterCommand("the notebook test (tests/notebook/notebook_test.ts)");

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NOTEBOOK = join(ROOT, "examples/analysis.ipynb");
const DEMO = join(ROOT, "examples/demo.ommx");
const CONFIG = join(ROOT, "tests/notebook/jupyter_nbconvert_config.py");

interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

const text = (s: string | string[] | undefined) => Array.isArray(s) ? s.join("") : s ?? "";

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const out = await new Deno.Command(cmd, { args, cwd, env, stdout: "piped", stderr: "piped" })
    .output();
  const log = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")} failed:\n${log}`);
}

/** Jupyter's directories in `tmp`, and the Deno kernel installed there. */
async function jupyterHome(tmp: string): Promise<Record<string, string>> {
  const env = {
    XDG_DATA_HOME: join(tmp, "data"),
    JUPYTER_DATA_DIR: join(tmp, "data", "jupyter"),
    JUPYTER_CONFIG_DIR: join(tmp, "config"),
    JUPYTER_RUNTIME_DIR: join(tmp, "runtime"),
    IPYTHONDIR: join(tmp, "ipython"),
    JUPYTER_PLATFORM_DIRS: "1",
    NO_COLOR: "1",
  };
  await Deno.mkdir(env.JUPYTER_CONFIG_DIR, { recursive: true });
  await Deno.copyFile(CONFIG, join(env.JUPYTER_CONFIG_DIR, "jupyter_nbconvert_config.py"));
  await run(Deno.execPath(), ["jupyter", "--install"], tmp, env);
  const spec = JSON.parse(
    await Deno.readTextFile(join(env.JUPYTER_DATA_DIR, "kernels", "deno", "kernel.json")),
  );
  assert.equal(spec.language, "typescript");
  return env;
}

/** The code cells of the executed notebook by their first-line marker (`// cell: <name>`). */
async function execute(
  dir: string,
  name: string,
  env: Record<string, string>,
  outDir: string,
): Promise<Map<string, Output[]>> {
  await run(
    jupyter!,
    [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--output-dir",
      outDir,
      "--output",
      "executed",
      name,
    ],
    dir,
    env,
  );
  const nb = JSON.parse(await Deno.readTextFile(join(outDir, "executed.ipynb")));
  const cells = new Map<string, Output[]>();
  for (const c of nb.cells as Cell[]) {
    if (c.cell_type !== "code") continue;
    const marker = /^\/\/ cell: ([a-z ]+)/.exec(text(c.source))?.[1]?.trim();
    assert.ok(marker, `code cell without a marker: ${text(c.source).slice(0, 60)}`);
    for (const o of c.outputs ?? []) {
      assert.notEqual(o.output_type, "error", `cell ${marker}: ${o.ename}: ${o.evalue}`);
    }
    cells.set(marker, c.outputs ?? []);
  }
  return cells;
}

type Display = { "text/html": string; "text/plain": string };
async function display(obj: object): Promise<Display> {
  const fn = (obj as Record<symbol, () => Display | Promise<Display>>)[
    Symbol.for("Jupyter.display")
  ]!;
  return await fn.call(obj);
}

/** What each cell must show: the displays of the same objects, made here. */
async function expectedOutputs(): Promise<Map<string, Display>> {
  await using exp = await openExperiment(DEMO);
  let best: { run: (typeof exp.runs)[number]; solution: Solution } | null = null;
  for (const run of exp.runs) {
    for (const solve of run.solves) {
      const solution = await solve.getOutput();
      if (solve.status !== "finished" || solution === null) continue;
      if (!solution.feasible || solution.relaxation === "lp-relaxed") continue;
      const sense = solution.sense ?? (await solve.getInput()).sense;
      if (
        best === null ||
        (sense === "maximize"
          ? solution.objective > best.solution.objective
          : solution.objective < best.solution.objective)
      ) best = { run, solution };
    }
  }
  assert.ok(best !== null);
  const sampling = exp.runs.flatMap((r) => r.samplings).find((s) => s.status === "finished")!;
  const sampleSet = (await sampling.getOutput())!;
  return new Map<string, Display>([
    ["setup", await display(exp)],
    ["parameters", await display(exp.runParametersDf())],
    ["best run", await display(best.run)],
    ["decision variables", await display(best.solution.decisionVariablesDf())],
    ["constraints", await display(best.solution.constraintsDf())],
    ["sample set", await display(sampleSet.summary)],
    ["best sample", await display(sampleSet.bestFeasible)],
  ]);
}

function checkOutputs(cells: Map<string, Output[]>, expected: Map<string, Display>): void {
  for (const [marker, want] of expected) {
    const outputs = cells.get(marker);
    assert.ok(outputs, `no cell ${marker}`);
    const result = outputs.find((o) => o.data?.["text/html"] !== undefined);
    assert.ok(result, `cell ${marker}: no HTML output (${JSON.stringify(outputs)})`);
    assert.equal(text(result.data!["text/html"]), want["text/html"], `cell ${marker}: HTML`);
    assert.equal(text(result.data!["text/plain"]), want["text/plain"], `cell ${marker}: text`);
  }
  // A plain object without a display of its own: Deno's inspection.
  const extract = text(cells.get("extract")?.[0]?.data?.["text/plain"]);
  assert.match(extract, /objective: 118/);
}

Deno.test({
  name:
    "notebook: examples/analysis.ipynb runs on Deno's kernel, outside the checkout and in place",
  ignore: jupyter === undefined,
  sanitizeResources: false,
  fn: async (t) => {
    const tmp = await Deno.makeTempDir({ prefix: "ommx-notebook-" });
    try {
      const env = await jupyterHome(tmp);
      const expected = await expectedOutputs();
      // The expected HTML holds the tables the notebook promises.
      assert.match(expected.get("setup")!["text/html"], /<tr class="not-finished">/);
      assert.match(expected.get("decision variables")!["text/html"], /<th class="index"[^>]*>id</);
      assert.match(expected.get("sample set")!["text/html"], />sample_id</);

      await t.step("copied to a directory outside the checkout", async () => {
        const work = join(tmp, "elsewhere");
        await Deno.mkdir(work);
        await Deno.copyFile(NOTEBOOK, join(work, "analysis.ipynb"));
        const cells = await execute(work, "analysis.ipynb", {
          ...env,
          OMMX_TS_MODULE: new URL("mod.ts", `file://${ROOT}`).href,
          OMMX_DEMO_ARCHIVE: DEMO,
        }, join(tmp, "out-elsewhere"));
        checkOutputs(cells, expected);
      });

      await t.step("in place, importing ../mod.ts and opening demo.ommx beside it", async () => {
        const cells = await execute(
          join(ROOT, "examples"),
          "analysis.ipynb",
          { ...env, OMMX_TS_MODULE: "", OMMX_DEMO_ARCHIVE: "" }, // empty: unset for the notebook
          join(tmp, "out-in-place"),
        );
        checkOutputs(cells, expected);
      });
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
