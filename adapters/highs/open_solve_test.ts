import assert from "node:assert/strict";
import {
  AdapterNotApplicableError,
  createExperiment,
  experimentArchiveBytes,
  Function,
  InfeasibleDetected,
  InvalidArgumentError,
  openExperiment,
  Solution,
} from "@ommx-ts/experiment";
import {
  diagnosticRecord,
  HIGHS_PROGRESS_SNAPSHOT_KEYS,
  HIGHS_TERMINATION_REPORT_KEYS,
  HighsDiagnosticsAnalyzer,
  HighsSolverInstance,
  OMMXHighsAdapter,
  OMMXHighsAdapterError,
} from "./mod.ts";
import { constraint, instance, knapsack, variable } from "./_instances_test_util.ts";

const infeasible = () =>
  instance({
    sense: "maximize",
    objective: Function.linear([[0, 1]]),
    decisionVariables: [variable(0, "integer", 0, 3)],
    constraints: [constraint(0, "<=", Function.linear([[0, -1]], 4))],
  });

async function sealed(exp: ReturnType<typeof createExperiment>) {
  return await openExperiment(await experimentArchiveBytes(await exp.commit()));
}

Deno.test("highs open solve: run.openSolve hands out the HiGHS model; run() records the diagnostics, decode the Solution", async () => {
  const exp = createExperiment({ imageName: "example.com/highs/open:v1", storeTrace: true });
  let objective = NaN;
  await exp.withRun(async (run) => {
    await using solve = await run.openSolve(
      OMMXHighsAdapter,
      knapsack(),
      { timeLimit: 60 },
      { storeDiagnostics: true },
    );
    const adapter = solve.adapter;
    assert.ok(adapter instanceof HighsSolverInstance);
    assert.equal(solve.solverInput, adapter.solverInput);
    assert.equal(adapter.terminationReport().status, "Not Set");
    adapter.solverInput.options.set("mip_rel_gap", 0);
    solve.logAdapterOption("mip_rel_gap", 0);
    const model = adapter.run();
    assert.equal(model, adapter.solverInput);
    const solution = await solve.decode(model) as Solution;
    objective = solution.objective;
    assert.equal(adapter.terminationReport().status, "Optimal");
  });
  assert.equal(objective, 42);

  await using back = await sealed(exp);
  const [s] = back.runs[0]!.solves;
  assert.equal(s!.status, "finished");
  assert.equal(s!.adapter, "@ommx-ts/highs-adapter.OMMXHighsAdapter");
  assert.equal(s!.adapterOptionsJson, '{"timeLimit": 60, "mip_rel_gap": 0}');
  const output = await s!.getOutput();
  assert.ok(output instanceof Solution);
  assert.equal(output.objective, 42);
  assert.equal(output.optimality, "optimal");
  const diagnostics = s!.getDiagnostics() as Record<string, unknown>[];
  assert.ok(diagnostics.length >= 2, "progress snapshots, then the termination report");
  assert.deepEqual(Object.keys(diagnostics.at(-1)!), [...HIGHS_TERMINATION_REPORT_KEYS]);
  for (const snapshot of diagnostics.slice(0, -1)) {
    assert.deepEqual(Object.keys(snapshot), [...HIGHS_PROGRESS_SNAPSHOT_KEYS]);
  }
  const analyzer = new HighsDiagnosticsAnalyzer(diagnostics);
  assert.equal(analyzer.terminationStatus, "Optimal");
  assert.equal(analyzer.terminationObjectiveValue, 42);

  // The open Solve is a `Solve` span; the model was built in its `convert` child.
  const trace = (await back.runs[0]!.getTrace())!;
  const span = trace.spans.find((x) => x.name === "Solve")!;
  assert.ok(span !== undefined, trace.spans.map((x) => x.name).join(", "));
  assert.deepEqual(trace.children(span).map((x) => x.name), ["convert"]);
});

Deno.test("highs open solve: the reference's way — run solverInput yourself, record terminationReport()", async () => {
  const exp = createExperiment({ imageName: "example.com/highs/open-by-hand:v1" });
  await exp.withRun(async (run) => {
    await using solve = await run.openSolve(OMMXHighsAdapter, knapsack(30), {}, {
      storeDiagnostics: true,
    });
    const adapter = solve.adapter as HighsSolverInstance;
    solve.solverInput; // as the reference's solve.solver_input
    adapter.solverInput.run();
    solve.diagnostics!.record(diagnosticRecord(adapter.terminationReport()));
    const state = adapter.decodeToState(adapter.solverInput);
    assert.deepEqual([...state.keys()], [0, 1, 2, 3, 4, 5]);
    await solve.decode(adapter.solverInput);
  });
  await using back = await sealed(exp);
  const [s] = back.runs[0]!.solves;
  assert.equal(s!.status, "finished");
  assert.equal((await s!.getOutput())!.objective, 25); // items 2 and 4
  const diagnostics = s!.getDiagnostics() as Record<string, unknown>[];
  // Nothing but the report recorded by hand: the adapter records only through run().
  assert.equal(diagnostics.length, 1);
  assert.equal(new HighsDiagnosticsAnalyzer(diagnostics).terminationStatus, "Optimal");
});

Deno.test("highs open solve: infeasible → decode throws InfeasibleDetected; fail(error) records a failed Solve with the report", async () => {
  const exp = createExperiment({ imageName: "example.com/highs/open-infeasible:v1" });
  await exp.withRun(async (run) => {
    await using solve = await run.openSolve(OMMXHighsAdapter, infeasible(), {}, {
      storeDiagnostics: true,
    });
    const adapter = solve.adapter as HighsSolverInstance;
    try {
      await solve.decode(adapter.run());
      assert.fail("decoded an infeasible model");
    } catch (error) {
      assert.ok(error instanceof InfeasibleDetected, String(error));
      await solve.fail(error);
    }
    assert.equal(solve.outcome, "failed");
  });
  await using back = await sealed(exp);
  const [s] = back.runs[0]!.solves;
  assert.equal(back.runs[0]!.status, "finished");
  assert.equal(s!.status, "failed");
  assert.equal(await s!.getOutput(), null);
  const analyzer = new HighsDiagnosticsAnalyzer(s!.getDiagnostics());
  assert.equal(analyzer.terminationStatus, "Infeasible");
  assert.equal(analyzer.terminationObjectiveValue, null);
});

Deno.test("highs open solve: what HiGHS cannot take is refused when the Solve opens, recorded failed", async () => {
  const quadraticConstraint = instance({
    sense: "minimize",
    objective: Function.linear([[0, 1]]),
    decisionVariables: [variable(0, "continuous", 0, 1)],
    constraints: [constraint(0, "<=", Function.quadratic([[0, 0, 1]], [], -1))],
  });
  const exp = createExperiment({ imageName: "example.com/highs/open-refused:v1" });
  await exp.withRun(async (run) => {
    await assert.rejects(
      run.openSolve(OMMXHighsAdapter, quadraticConstraint),
      AdapterNotApplicableError,
    );
    await assert.rejects(
      run.openSolve(OMMXHighsAdapter, knapsack(), { timeLimit: -1 }),
      InvalidArgumentError,
    );
  });
  await using back = await sealed(exp);
  const solves = back.runs[0]!.solves;
  assert.deepEqual(solves.map((s) => s.status), ["failed", "failed"]);
  assert.deepEqual(solves.map((s) => s.adapter), [
    "@ommx-ts/highs-adapter.OMMXHighsAdapter",
    "@ommx-ts/highs-adapter.OMMXHighsAdapter",
  ]);
});

Deno.test("highs open solve: without storeDiagnostics nothing is recorded; decode takes only its own model", async () => {
  const exp = createExperiment({ imageName: "example.com/highs/open-plain:v1" });
  await exp.withRun(async (run) => {
    await using solve = await run.openSolve(OMMXHighsAdapter, knapsack(), {});
    assert.equal(solve.diagnostics, null);
    const adapter = solve.adapter as HighsSolverInstance;
    await assert.rejects(solve.decode(adapter.solverInput), OMMXHighsAdapterError); // not run yet
    using other = await OMMXHighsAdapter.instantiate(knapsack());
    await assert.rejects(solve.decode(other.solverInput), InvalidArgumentError);
    await solve.decode(adapter.run());
  });
  await using back = await sealed(exp);
  const [s] = back.runs[0]!.solves;
  assert.equal(s!.status, "finished");
  assert.equal((await s!.getOutput())!.objective, 42);
  assert.deepEqual(s!.getDiagnostics(), []);
});

Deno.test("highs open solve: a disposed adapter instance refuses run, decode and terminationReport", async () => {
  const adapter = await OMMXHighsAdapter.instantiate(knapsack());
  adapter.dispose();
  adapter.dispose(); // idempotent
  assert.throws(() => adapter.run(), OMMXHighsAdapterError);
  assert.throws(() => adapter.terminationReport(), OMMXHighsAdapterError);
  assert.throws(() => adapter.decodeToState(adapter.solverInput), OMMXHighsAdapterError);
  await assert.rejects(adapter.decode(adapter.solverInput), OMMXHighsAdapterError);
});

Deno.test("highs open solve: the HiGHS model is freed when the open Solve's scope ends, not later", async () => {
  const exp = createExperiment({ imageName: "example.com/highs/open-free:v1" });
  let adapter: HighsSolverInstance | undefined;
  await exp.withRun(async (run) => {
    {
      await using solve = await run.openSolve(OMMXHighsAdapter, knapsack());
      adapter = solve.adapter as HighsSolverInstance;
      await solve.decode(adapter.run());
      assert.equal(adapter.terminationReport().status, "Optimal"); // alive inside the scope
    }
    assert.throws(() => adapter!.terminationReport(), OMMXHighsAdapterError); // freed at its end
    const failed = await run.openSolve(OMMXHighsAdapter, knapsack());
    await failed.fail(new Error("gave up"));
    assert.throws(() => (failed.adapter as HighsSolverInstance).run(), OMMXHighsAdapterError);
  });
  const back = await sealed(exp);
  assert.deepEqual(back.runs[0]!.solves.map((s) => s.status), ["finished", "failed"]);
});
