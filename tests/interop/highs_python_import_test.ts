/**
 * Interop: an Experiment whose Solves were recorded with the TypeScript HiGHS adapter
 * (adapters/highs) is imported by the reference Python SDK (`Experiment.import_archive`, via
 * tests/interop/highs_import.py): statuses, failure reasons, adapter names and options, the
 * Solutions, the trace spans — and the diagnostics, read by the reference's own
 * `HighsDiagnosticsAnalyzer`. Open Solves (`run.openSolve(OMMXHighsAdapter, …)`) are compared
 * with the same open Solves recorded by the reference (`run.open_solve(OMMXHighsAdapter, …)`,
 * tests/interop/highs_open_solve.py).
 *
 * Needs the reference SDK (OMMX_INTEROP_PYTHON, OMMX_PYTHON, or .cache/venv with python3 on PATH;
 * core/_tools_test_util.ts); skipped with one printed line otherwise.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  createExperiment,
  Function,
  InfeasibleDetected,
  Instance,
  saveExperiment,
} from "@ommx-ts/experiment";
import {
  diagnosticRecord,
  HIGHS_PROGRESS_SNAPSHOT_KEYS,
  HIGHS_TERMINATION_REPORT_KEYS,
  type HighsSolverInstance,
  OMMXHighsAdapter,
} from "../../adapters/highs/mod.ts";
import { referencePython } from "../../core/_tools_test_util.ts";
import { runPythonJson } from "./_python_test_util.ts";

const python = referencePython(
  "the Python import test of HiGHS-adapter Experiments (tests/interop/highs_python_import_test.ts)",
);

/** Diagnostics are stored only when asked (as the reference's `store_diagnostics=True`). */
const DIAG = { storeDiagnostics: true };

const v = (
  id: number,
  kind: "binary" | "integer" | "continuous",
  lower: number,
  upper: number,
) => ({
  id,
  kind,
  bound: { lower, upper },
  subscripts: [],
  parameters: {},
});

function knapsack(capacity: number): Instance {
  const p = [10, 13, 18, 32, 7, 15];
  const w = [11, 15, 20, 35, 10, 33];
  return new Instance({
    sense: "maximize",
    objective: Function.linear(p.map((c, i) => [i, c])),
    decisionVariables: p.map((_, i) => v(i, "binary", 0, 1)),
    constraints: [{
      id: 0,
      equality: "<=",
      function: Function.linear(w.map((c, i) => [i, c]), -capacity),
      subscripts: [],
      parameters: {},
    }],
  });
}

const lp = new Instance({
  sense: "maximize",
  objective: Function.linear([[0, 10], [1, 13]]),
  decisionVariables: [v(0, "continuous", 0, 1), v(1, "continuous", 0, 1)],
  constraints: [{
    id: 0,
    equality: "<=",
    function: Function.linear([[0, 11], [1, 15]], -15),
    subscripts: [],
    parameters: {},
  }],
});

const infeasible = new Instance({
  sense: "maximize",
  objective: Function.linear([[0, 1]]),
  decisionVariables: [v(0, "integer", 0, 3)],
  constraints: [{
    id: 0,
    equality: "<=",
    function: Function.linear([[0, -1]], 4),
    subscripts: [],
    parameters: {},
  }],
});

type Report = {
  status: string;
  runs: {
    run_id: number;
    status: string;
    reason: string | null;
    trace: string[] | null;
    solves: {
      status: string;
      adapter: string;
      adapter_options: Record<string, unknown>;
      input_variables: number;
      output: {
        objective: number;
        feasible: boolean;
        optimality: number;
        state: Record<string, number>;
        duals: Record<string, number>;
      } | null;
      termination_status: string | null;
      termination_objective_value: number | null;
      termination_mip_node_count: number | null;
      termination_result_keys: string[] | null;
      progress_records: number;
      progress_keys: string[][];
      diagnostics_types: string[];
    }[];
  }[];
};

Deno.test({
  name:
    "interop: the Python SDK imports an Experiment solved with the TypeScript HiGHS adapter; its HighsDiagnosticsAnalyzer reads our diagnostics",
  ignore: python === undefined,
  sanitizeResources: false,
  fn: async () => {
    const builder = createExperiment({
      imageName: "localhost:5000/ommx-ts/highs-import:v1",
      storeTrace: true,
    });
    await builder.withRun(async (run) => {
      run.logParameter("capacity", 47);
      await run.logSolve(OMMXHighsAdapter, knapsack(47), { timeLimit: 60, presolve: false }, DIAG);
      await run.logSolve(OMMXHighsAdapter, lp, {}, DIAG);
      await assert.rejects(
        run.logSolve(OMMXHighsAdapter, infeasible, {}, DIAG),
        InfeasibleDetected,
      );
    });
    await assert.rejects(
      builder.withRun((run) =>
        run.logSolve(OMMXHighsAdapter, infeasible, { mipRelGap: 0.01 }, DIAG)
      ),
      InfeasibleDetected,
    );
    const dir = await Deno.makeTempDir({ prefix: "ommx-highs-import-" });
    try {
      const path = join(dir, "highs.ommx");
      await saveExperiment(await builder.commit(), path);
      const report = await runPythonJson<Report>(python!, "highs_import.py", [path], {});

      assert.equal(report.status, "finished");
      const [first, second] = report.runs;
      assert.equal(first!.status, "finished");
      assert.equal(second!.status, "failed");
      assert.equal(second!.reason, "InfeasibleDetected: Model was infeasible");
      const [knap, relaxed, failed] = first!.solves;
      for (const s of [...first!.solves, ...second!.solves]) {
        assert.equal(s.adapter, "@ommx-ts/highs-adapter.OMMXHighsAdapter");
        assert.deepEqual(s.termination_result_keys, [...HIGHS_TERMINATION_REPORT_KEYS]);
      }
      assert.deepEqual(knap!.adapter_options, { timeLimit: 60, presolve: false });
      assert.equal(knap!.status, "finished");
      assert.equal(knap!.input_variables, 6);
      assert.equal(knap!.output!.objective, 42);
      assert.equal(knap!.output!.feasible, true);
      assert.equal(knap!.output!.optimality, 1);
      assert.deepEqual(
        Object.entries(knap!.output!.state).filter(([, x]) => x > 0.5).map(([id]) => id),
        ["0", "3"],
      );
      assert.equal(knap!.termination_status, "Optimal");
      assert.equal(knap!.termination_objective_value, 42);
      assert.equal(knap!.termination_mip_node_count, 1);
      assert.ok(knap!.progress_records >= 1);
      assert.deepEqual(knap!.progress_keys, [[...HIGHS_PROGRESS_SNAPSHOT_KEYS]]);
      // Floats stay floats and counts ints in the reference's hands (no bool, no other types).
      assert.deepEqual(knap!.diagnostics_types, ["float", "int", "str"]);

      assert.ok(Math.abs(relaxed!.output!.objective - (10 + 13 * 4 / 15)) < 1e-9);
      assert.ok(Math.abs(relaxed!.output!.duals["0"]! - 13 / 15) < 1e-9);
      assert.equal(relaxed!.termination_mip_node_count, -1);
      assert.equal(relaxed!.progress_records, 0);

      assert.equal(failed!.status, "failed");
      assert.equal(failed!.output, null);
      assert.equal(failed!.termination_status, "Infeasible");
      assert.equal(failed!.termination_objective_value, null);
      assert.deepEqual(second!.solves[0]!.adapter_options, { mipRelGap: 0.01 });

      for (const run of report.runs) {
        const names = run.trace!;
        for (const span of ["Run", "solve", "convert", "call", "decode"]) {
          assert.ok(names.includes(span), `run ${run.run_id}: ${names.join(", ")}`);
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

type SolveReport = Report["runs"][number]["solves"][number];

/** What must agree between an open Solve of ours and the reference's (not the adapter name). */
function openSolveView(s: SolveReport) {
  return {
    status: s.status,
    adapter_options: s.adapter_options,
    input_variables: s.input_variables,
    output: s.output === null ? null : {
      objective: s.output.objective,
      feasible: s.output.feasible,
      optimality: s.output.optimality,
      // HiGHS 1.15 (ours) may return -0 where 1.16 (the reference's) returns 0.
      state: Object.fromEntries(Object.entries(s.output.state).map(([k, x]) => [k, x + 0])),
    },
    termination_status: s.termination_status,
    termination_objective_value: s.termination_objective_value,
    termination_result_keys: s.termination_result_keys,
    diagnostics_types: s.diagnostics_types,
  };
}

Deno.test({
  name:
    "interop: open Solves driven by hand through the HiGHS adapter read in Python as the reference's own open_solve records",
  ignore: python === undefined,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-highs-open-" });
    try {
      // The reference records its sequence (tests/interop/highs_open_solve.py) …
      const pyPath = join(dir, "python.ommx");
      const recorded = await runPythonJson<{ solves: number }>(
        python!,
        "highs_open_solve.py",
        [pyPath],
        {},
      );
      assert.equal(recorded.solves, 2);

      // … and we record the same, then one more driven by HighsSolverInstance.run().
      const exp = createExperiment({
        imageName: "localhost:5000/ommx-ts/highs-open:v1",
        storeTrace: true,
      });
      await exp.withRun(async (run) => {
        {
          await using s = await run.openSolve(OMMXHighsAdapter, knapsack(47), {}, DIAG);
          const model = s.solverInput as HighsSolverInstance["solverInput"];
          model.options.set("mip_rel_gap", 0);
          s.logAdapterOption("mip_rel_gap", 0);
          model.run();
          s.diagnostics!.record(
            diagnosticRecord((s.adapter as HighsSolverInstance).terminationReport()),
          );
          await s.decode(model);
        }
        {
          await using s = await run.openSolve(OMMXHighsAdapter, infeasible, {}, DIAG);
          const model = s.solverInput as HighsSolverInstance["solverInput"];
          model.run();
          s.diagnostics!.record(
            diagnosticRecord((s.adapter as HighsSolverInstance).terminationReport()),
          );
          await assert.rejects(s.decode(model), InfeasibleDetected);
          // `await using` records a Solve left without a decoded output as failed, as Python's
          // scope does when decode raised.
        }
        {
          await using s = await run.openSolve(OMMXHighsAdapter, knapsack(30), {
            timeLimit: 60,
          }, DIAG);
          await s.decode((s.adapter as HighsSolverInstance).run());
        }
      });
      const tsPath = join(dir, "ts.ommx");
      await saveExperiment(await exp.commit(), tsPath);

      const ours = await runPythonJson<Report>(python!, "highs_import.py", [tsPath], {});
      const theirs = await runPythonJson<Report>(python!, "highs_import.py", [pyPath], {});
      assert.equal(ours.status, "finished");
      const [run] = ours.runs;
      const [refRun] = theirs.runs;
      assert.equal(run!.status, "finished");
      assert.deepEqual(
        run!.solves.slice(0, 2).map(openSolveView),
        refRun!.solves.map(openSolveView),
      );
      for (const s of run!.solves) {
        assert.equal(s.adapter, "@ommx-ts/highs-adapter.OMMXHighsAdapter");
      }
      assert.deepEqual(refRun!.solves.map((s) => s.progress_records), [0, 0]);
      assert.deepEqual(run!.solves.slice(0, 2).map((s) => s.progress_records), [0, 0]);

      // HighsSolverInstance.run() records as logSolve does: progress snapshots, then the report.
      const driven = run!.solves[2]!;
      assert.equal(driven.status, "finished");
      assert.deepEqual(driven.adapter_options, { timeLimit: 60 });
      assert.equal(driven.output!.objective, 25);
      assert.equal(driven.termination_status, "Optimal");
      assert.ok(driven.progress_records >= 1);
      assert.deepEqual(driven.progress_keys, [[...HIGHS_PROGRESS_SNAPSHOT_KEYS]]);

      // Both traces hold a `Solve` span per open Solve.
      assert.equal(run!.trace!.filter((n) => n === "Solve").length, 3);
      assert.equal(refRun!.trace!.filter((n) => n === "Solve").length, 2);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
