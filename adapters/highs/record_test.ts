import assert from "node:assert/strict";
import {
  type AdapterContext,
  createExperiment,
  experimentArchiveBytes,
  Function,
  InfeasibleDetected,
  openExperiment,
  PyFloat,
  Solution,
} from "@ommx-ts/experiment";
import {
  HIGHS_PROGRESS_SNAPSHOT_KEYS,
  HIGHS_TERMINATION_REPORT_KEYS,
  HighsDiagnosticsAnalyzer,
  OMMXHighsAdapter,
} from "./mod.ts";
import { constraint, instance, knapsack, variable } from "./_instances_test_util.ts";

Deno.test("highs: run.logSolve records the solve — options as given, diagnostics with the reference's keys, convert/call/decode spans", async () => {
  const builder = createExperiment({ imageName: "example.com/highs/record:v1", storeTrace: true });
  await builder.withRun(async (run) => {
    const solution = await run.logSolve(OMMXHighsAdapter, knapsack(), {
      timeLimit: 60,
      mipRelGap: 0,
      presolve: false,
    }, { storeDiagnostics: true });
    assert.equal(solution.objective, 42);
    const infeasible = instance({
      sense: "maximize",
      objective: Function.linear([[0, 1]]),
      decisionVariables: [variable(0, "integer", 0, 3)],
      constraints: [constraint(0, "<=", Function.linear([[0, -1]], 4))],
    });
    await assert.rejects(
      run.logSolve(OMMXHighsAdapter, infeasible, {}, { storeDiagnostics: true }),
      InfeasibleDetected,
    );
  });
  const archive = await experimentArchiveBytes(await builder.commit());
  await using exp = await openExperiment(archive);
  const run = exp.runs[0]!;
  const [ok, failed] = run.solves;

  assert.equal(ok!.status, "finished");
  assert.equal(ok!.adapter, "@ommx-ts/highs-adapter.OMMXHighsAdapter");
  assert.equal(ok!.adapterOptionsJson, '{"timeLimit": 60, "mipRelGap": 0, "presolve": false}');
  const output = await ok!.getOutput();
  assert.ok(output instanceof Solution);
  assert.equal(output.objective, 42);
  assert.equal(output.optimality, "optimal");

  const diagnostics = ok!.getDiagnostics() as Record<string, unknown>[];
  assert.ok(diagnostics.length >= 2, "progress snapshots, then the termination report");
  const termination = diagnostics.at(-1)!;
  assert.deepEqual(Object.keys(termination), [...HIGHS_TERMINATION_REPORT_KEYS]);
  for (const snapshot of diagnostics.slice(0, -1)) {
    assert.deepEqual(Object.keys(snapshot), [...HIGHS_PROGRESS_SNAPSHOT_KEYS]);
    assert.equal(snapshot.event, "MIP logging");
  }
  const analyzer = new HighsDiagnosticsAnalyzer(diagnostics);
  assert.equal(analyzer.terminationStatus, "Optimal");
  assert.equal(analyzer.terminationObjectiveValue, 42);
  assert.equal(analyzer.terminationMipGap, 0);
  assert.equal(typeof analyzer.terminationMipNodeCount, "number");
  assert.equal(analyzer.terminationResult?.primal_solution_status, 2);
  assert.match(analyzer.terminationResult!.highs_version, /^1\.15\.\d+$/);
  assert.equal(analyzer.progressHistoryRecords.length, diagnostics.length - 1);

  assert.equal(failed!.status, "failed");
  assert.equal(await failed!.getOutput(), null);
  const failedReport = new HighsDiagnosticsAnalyzer(failed!.getDiagnostics());
  assert.equal(failedReport.terminationStatus, "Infeasible");
  assert.equal(failedReport.terminationObjectiveValue, null);

  const trace = (await run.getTrace())!;
  const solves = trace.spans.filter((s) => s.name === "solve");
  assert.equal(solves.length, 2);
  for (const solve of solves) {
    assert.equal(solve.attributes.adapter, "@ommx-ts/highs-adapter.OMMXHighsAdapter");
    assert.deepEqual(trace.children(solve).map((s) => s.name), ["convert", "call", "decode"]);
  }
  assert.equal(solves[1]!.status.code, "error");
  assert.deepEqual(trace.children(solves[1]!).map((s) => s.status.code), [
    "unset",
    "unset",
    "error",
  ]);
});

Deno.test("highs: floats of the diagnostics are marked PyFloat, so integral ones stay MessagePack floats (as Python writes them)", async () => {
  const reports: Record<string, unknown>[] = [];
  const context: AdapterContext = {
    recordDiagnostic: (r) => void reports.push(r as Record<string, unknown>),
    storeDiagnostics: true,
    span: (_, fn) => Promise.resolve(fn(context)),
  };
  await OMMXHighsAdapter.solve(knapsack(), {}, context);
  assert.ok(reports.length >= 2);
  const termination = reports.at(-1)!;
  assert.ok(termination.objective_value instanceof PyFloat);
  assert.equal(String(termination.objective_value), "42.0");
  assert.ok(termination.mip_gap instanceof PyFloat);
  assert.equal(termination.mip_node_count, 1);
  assert.equal(termination.primal_solution_status, 2);
  assert.equal(termination.status, "Optimal");
  for (const snapshot of reports.slice(0, -1)) {
    assert.ok(snapshot.solving_time_sec instanceof PyFloat);
    assert.equal(typeof snapshot.mip_node_count, "number");
    assert.equal(snapshot.simplex_iteration_count, -1);
  }
});
