/**
 * The viewer's data (cli/viewer/model.ts, report.ts) and the Experiment-level best objective
 * (cli/summary.ts): the rule of issue 9 over every run, the cells the page shows, one run's
 * details with their caps, the cross-Experiment column order, and a report's size budgets.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createExperiment, type Experiment, openExperiment } from "../../mod.ts";
import { Function, Instance, Solution } from "../../codecs/ommx/mod.ts";
import { summarizeExperiment } from "../../cli/summary.ts";
import {
  buildExperimentView,
  buildRunDetail,
  DETAIL_LIMITS,
  type ExperimentView,
  sharedColumns,
} from "../../cli/viewer/model.ts";
import { experimentReport } from "../../cli/viewer/report.ts";
import { EXPECTED_BEST, writeBestObjectiveArchive } from "./_best_objective_archive_test_util.ts";
import { ROOT } from "./_cli_test_util.ts";

async function bestArchive(): Promise<Experiment> {
  const dir = await Deno.makeTempDir();
  const path = await writeBestObjectiveArchive(join(dir, "best.ommx"));
  const exp = await openExperiment(await Deno.readFile(path));
  await Deno.remove(dir, { recursive: true });
  return exp;
}

Deno.test("summarizeExperiment: the run rule over every run, in the first eligible record's sense", async () => {
  await using exp = await bestArchive();
  const s = await summarizeExperiment(exp);
  assert.deepEqual(s.runs.map((r) => r.bestObjective), [15, 10, null, 25, null, null]);
  // Run 0 (maximise) sets the sense; run 1's minimise records are ignored; the failed run 3 counts.
  assert.equal(s.bestObjective, 25);
  assert.deepEqual(s.best, { runId: 3, kind: "solve", id: 0 });
  assert.equal(s.sense, "maximize");
  await using none = await createExperiment({ imageName: "example.com/x/none:v1" }).commit();
  const empty = await summarizeExperiment(none);
  assert.deepEqual([empty.bestObjective, empty.best, empty.sense], [null, null, null]);
});

Deno.test("buildExperimentView / buildRunDetail: the CLI's texts, numbers for sorting", async () => {
  await using exp = await bestArchive();
  const view = await buildExperimentView(exp, "best.ommx");
  assert.equal(view.label, "best.ommx");
  assert.equal(view.imageName, exp.imageName);
  assert.deepEqual(view.runs.map((r) => r.best.text), EXPECTED_BEST);
  assert.deepEqual(view.runs.map((r) => r.best.value), [15, 10, null, 25, null, null]);
  assert.deepEqual(view.best, { text: "25.0", value: 25, runId: 3 });
  assert.deepEqual(view.runs[0]!.params.x, { text: "0.0", value: 0 });
  assert.deepEqual(view.runs[0]!.params.case, { text: "maximise", value: null });
  assert.deepEqual(view.counts.runs, { finished: 4, failed: 1, interrupted: 1 });
  assert.deepEqual(view.runs[0]!.processes.map((p) => p.feasible), [
    "yes",
    "yes",
    "no",
    "yes (LP relaxation)",
    "",
  ]);
  // JSON-safe: what a page embeds reads back the same.
  assert.deepEqual(JSON.parse(JSON.stringify(view)), view);

  const summary = await summarizeExperiment(exp);
  const detail = await buildRunDetail(exp, 0, summary.processes.get(0)!);
  assert.equal(detail.processes.length, 5);
  assert.equal(detail.processes[0]!.evaluatedAt, "solution");
  assert.deepEqual(detail.processes[0]!.constraints.map((c) => [c.relation, c.feasible]), [
    ["f(x) <= 0", true],
  ]);
  assert.equal(detail.processes[4]!.evaluatedAt, null, "a failed solve has no output");
  assert.equal(detail.trace, null);
});

Deno.test("buildRunDetail: constraints capped at DETAIL_LIMITS, the total kept", async () => {
  const n = DETAIL_LIMITS.constraints + 25;
  const inst = new Instance({
    sense: "minimize",
    objective: Function.linear([[0, 1]]),
    decisionVariables: [{
      id: 0,
      kind: "binary" as const,
      bound: { lower: 0, upper: 1 },
      subscripts: [],
      parameters: {},
    }],
    constraints: Array.from({ length: n }, (_, id) => ({
      id,
      equality: "<=" as const,
      function: Function.linear([[0, 1]], -1),
      subscripts: [],
      parameters: {},
    })),
  });
  const b = createExperiment({ imageName: "example.com/x/many:v1" });
  await b.withRun((run) =>
    run.logSolve(
      { name: "t.One", solve: (i: Instance) => Solution.evaluate(i, new Map([[0, 1]])) },
      inst,
    )
  );
  await using exp = await b.commit();
  const summary = await summarizeExperiment(exp);
  const detail = await buildRunDetail(exp, 0, summary.processes.get(0)!);
  assert.equal(detail.processes[0]!.constraints.length, DETAIL_LIMITS.constraints);
  assert.equal(detail.processes[0]!.constraintCount, n);
});

Deno.test("sharedColumns: names across Experiments in pick order, each in its own order", () => {
  const v = (label: string, cols: [string, string][]) =>
    ({ label, columns: cols.map(([name, type]) => ({ name, type })) }) as unknown as ExperimentView;
  const cols = sharedColumns([
    v("highs", [["capacity", "int64"], ["solver", "string"]]),
    v("ts", [["capacity", "float64"], ["seed", "int64"], ["solver", "string"]]),
    v("other", [["solver", "string"], ["note", "string"]]),
  ]);
  assert.deepEqual(cols.map((c) => [c.name, c.inAll, c.numeric, c.experiments]), [
    ["capacity", false, true, ["highs", "ts"]],
    ["solver", true, false, ["highs", "ts", "other"]],
    ["seed", false, true, ["ts"]],
    ["note", false, false, ["other"]],
  ]);
  assert.deepEqual(sharedColumns([]), []);
});

Deno.test("experimentReport: details run by run within the budget, small attachments only", async () => {
  await using exp = await openExperiment(`${ROOT}examples/demo.ommx`);
  const full = await experimentReport(exp, "demo.ommx");
  assert.equal(Object.keys(full.details!).length, 8);
  assert.equal(full.detailsOmitted, undefined);
  assert.deepEqual(Object.keys(full.files!), ["experiment/items", "run 2/note"]);
  const one = JSON.stringify(full.details!["0"]).length;
  const tight = await experimentReport(exp, "demo.ommx", {
    details: one * 2 + 10,
    attachment: 10,
    attachments: 10,
  });
  assert.ok(Object.keys(tight.details!).length >= 1 && Object.keys(tight.details!).length <= 2);
  assert.deepEqual(
    [...Object.keys(tight.details!).map(Number), ...tight.detailsOmitted!],
    [0, 1, 2, 3, 4, 5, 6, 7],
    "the first runs in, every later one left out",
  );
  assert.deepEqual(tight.files, {});
});
