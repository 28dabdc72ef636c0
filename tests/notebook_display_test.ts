/**
 * The notebook displays of the sealed model (`[Symbol.for("Jupyter.display")]()`
 * on Experiment, SealedRun, Solve, Sampling, TraceResult) on the bundled demo
 * Experiment, and `Experiment.runParametersDf()`: HTML with the runs and
 * tables, every value escaped, and `text/plain` the repr. The executed
 * notebook is checked in `tests/notebook_test.ts`.
 */
import assert from "node:assert/strict";
import { openExperiment } from "../mod.ts";
import { jupyterDisplay } from "../codecs/_jupyter_test_util.ts";
import { createExperimentBuilder } from "../core/experiment/write/experiment_builder.ts";

const DEMO = new URL("../examples/demo.ommx", import.meta.url);

Deno.test("notebook display: Experiment, SealedRun, Solve, Sampling and TraceResult of the demo", async () => {
  await using exp = await openExperiment(DEMO);
  const e = await jupyterDisplay(exp);
  assert.equal(e.text, exp.toString());
  assert.equal((e.html.match(/<tr( class="not-finished")?>/g) ?? []).length, 1 + exp.runs.length);
  assert.equal((e.html.match(/<tr class="not-finished">/g) ?? []).length, 1);
  assert.ok(e.html.includes('<td class="status failed">failed</td>'));
  assert.ok(e.html.includes("capacity") && e.html.includes("time_limit"));

  const run = exp.runById(2);
  const r = await jupyterDisplay(run);
  assert.equal(r.text, run.toString());
  assert.ok(r.html.includes("<h3>Run 2</h3>"));
  assert.equal((r.html.match(/<td>(solve|sampling)<\/td>/g) ?? []).length, 2);

  const solve = await jupyterDisplay(run.solves[0]!);
  assert.equal(solve.text, run.solves[0]!.toString());
  assert.ok(solve.html.includes("<h3>Solve</h3>") && solve.html.includes("<h3>Solution</h3>"));
  assert.ok(solve.html.includes("regular_constraint_id"));
  const sampling = await jupyterDisplay(run.samplings[0]!);
  assert.ok(sampling.html.includes("<h3>SampleSet</h3>") && sampling.html.includes("sample_id"));

  const trace = (await run.getTrace())!;
  const t = await jupyterDisplay(trace);
  assert.equal(t.text, trace.toString());
  assert.equal((t.html.match(/<tr>/g) ?? []).length, 1 + trace.spans.length);
});

Deno.test("Experiment.runParametersDf: pandas' nullable dtypes, every run as a row", async () => {
  await using exp = await openExperiment(DEMO);
  const t = exp.runParametersDf();
  assert.equal(t.index.name, "run_id");
  assert.deepEqual(t.index.values, exp.runs.map((r) => r.runId));
  assert.deepEqual(t.columnNames, exp.runParameters().columns.map((c) => c.name));
  assert.deepEqual(t.columns.map((c) => c.dtype), ["Int64", "boolean", "Float64"]);
  assert.match(t.toCsv(), /^run_id,capacity,presolve,time_limit\n0,30,True,0.5\n/);
});

Deno.test("notebook display: values from an archive are escaped in the Experiment's HTML", async () => {
  const evil = "<img src=x onerror=alert(1)>";
  const builder = createExperimentBuilder({ imageName: "ghcr.io/a/b:evil" });
  builder.setAnnotation("org.ommx.user.note", evil);
  await builder.withRun((run) => run.logParameter(evil, evil));
  await using exp = await builder.commit();
  const d = await jupyterDisplay(exp);
  assert.ok(!d.html.includes("<img"), d.html);
  assert.equal((d.html.match(/&lt;img src=x onerror=alert\(1\)&gt;/g) ?? []).length, 3);
  const r = await jupyterDisplay(exp.runById(0));
  assert.ok(!r.html.includes("<img") && r.html.includes("&lt;img"));
});

Deno.test("notebook display: an Experiment with many runs lists the first 200 and counts the rest", async () => {
  const builder = createExperimentBuilder({ imageName: "ghcr.io/a/b:many" });
  for (let i = 0; i < 205; i++) await builder.withRun((run) => run.logParameter("i", i));
  await using exp = await builder.commit();
  const d = await jupyterDisplay(exp);
  assert.equal((d.html.match(/<tr>/g) ?? []).length, 1 + 200);
  assert.ok(d.html.includes("… and 5 more runs"));
});
