/**
 * Interop: `Run.openSolve` records what the reference's `Run.open_solve` records for the same
 * sequence of scopes (tests/interop/open_solve.py): Solve ids, statuses, adapter, the adapter
 * options text after `logAdapterOption`, diagnostics (stored only with `storeDiagnostics`, no
 * layer when none were recorded), outputs, the layer list, and the trace — one `Solve` span per
 * scope under the `Run` span with `ommx.solve.id` and `adapter`, ERROR on failure with the
 * reason text and an `exception` event for an error.
 *
 * Not compared (TypeScript cannot observe it): the span message of a scope left without an
 * outcome (Python names its own RuntimeError; ours says the scope was left without one), and the
 * `evaluate` spans the reference's Rust core adds inside `decode`.
 *
 * Skipped with one printed line without the venv.
 */
import assert from "node:assert/strict";
import {
  createExperiment,
  type Experiment,
  Function,
  Instance,
  openExperiment,
  Solution,
  type SolverAdapter,
} from "../../mod.ts";
import { runPythonJson } from "./_python_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";

const found = referencePython(
  "the open-solve differential test (tests/interop/open_solve_test.ts)",
);

class ValueError extends Error {
  override name = "ValueError";
}

const instance = new Instance({
  sense: "maximize",
  objective: Function.linear([[0, 1], [1, 2]]),
  decisionVariables: [0, 1].map((id) => ({
    id,
    kind: "binary" as const,
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  })),
});

const toy: SolverAdapter<Instance, Solution, Record<string, unknown>> = {
  name: "interop.Toy",
  solve: () => {
    throw new Error("not used");
  },
  instantiate: (i, options) => ({
    solverInput: { model: "toy", options },
    decode: (data) => Solution.evaluate(i, new Map([[0, Number(data)], [1, Number(data)]])),
  }),
};

async function recordTs(): Promise<Experiment> {
  const exp = createExperiment({
    imageName: "example.com/interop/open-solve:v1",
    storeTrace: true,
  });
  await exp.withRun(async (run) => {
    {
      await using s = await run.openSolve(toy, instance, { time_limit: 1.5 });
      assert.deepEqual(s.solverInput, { model: "toy", options: { time_limit: 1.5 } });
      s.logAdapterOption("threads", 4);
      s.logAdapterOption("time_limit", 3);
      await s.decode(1);
    }
    {
      await using s = await run.openSolve(toy, instance, {}, { storeDiagnostics: true });
      s.diagnostics!.record({ phase: "a", value: 1 });
      await s.decode(0);
    }
    {
      await using s = await run.openSolve(toy, instance, {}, { storeDiagnostics: true });
      await s.decode(0);
    }
    {
      const s = await run.openSolve(toy, instance, {}, { storeDiagnostics: true });
      s.diagnostics!.record({ phase: "b", value: 2 });
      await s.fail(new ValueError("ext failure"));
    }
    {
      await using _s = await run.openSolve(toy, instance);
    }
    {
      const s = await run.openSolve(toy, instance);
      await s.interrupt("KeyboardInterrupt");
    }
  });
  return await exp.commit();
}

interface SolveFacts {
  solveId: number;
  status: string;
  adapter: string;
  options: string;
  diagnostics: unknown[] | null;
  objective: number | null;
}

async function facts(exp: Experiment): Promise<{
  solves: SolveFacts[];
  layers: { mediaType: string; annotations: Record<string, string> }[];
  spans: { name: string; attributes: Record<string, unknown>; status: string; events: string[] }[];
  messages: string[];
}> {
  const run = exp.runs[0]!;
  const solves: SolveFacts[] = [];
  for (const s of run.solves) {
    const record = exp.config.runs[0]!.solves.find((r) => r.id === s.solveId)!;
    solves.push({
      solveId: s.solveId,
      status: s.status,
      adapter: s.adapter,
      options: s.adapterOptionsJson,
      diagnostics: record.diagnostics === undefined ? null : s.getDiagnostics(),
      objective: (await s.getOutput())?.objective ?? null,
    });
  }
  const trace = (await run.getTrace())!;
  const root = trace.spans.find((s) => s.name === "Run")!;
  const kept = trace.spans.filter((s) => s.name === "Solve" || s.name === "Run");
  for (const s of kept.filter((s) => s.name === "Solve")) assert.equal(s.parentSpanId, root.spanId);
  return {
    solves,
    layers: exp.layers.map((l) => ({ mediaType: l.mediaType, annotations: { ...l.annotations } })),
    spans: kept.map((s) => ({
      name: s.name,
      attributes: Object.fromEntries(
        Object.entries(s.attributes).filter(([k]) => k === "adapter" || k.startsWith("ommx.")),
      ),
      status: s.status.code,
      events: s.events.map((e) => e.name),
    })),
    messages: kept.map((s) => s.status.message),
  };
}

Deno.test({
  name: "interop: openSolve records the Solve records and spans Python's open_solve writes",
  ignore: found === undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "ommx-open-solve-" });
    try {
      const report = await runPythonJson<{ solves: number }>(
        found!,
        "open_solve.py",
        [`${dir}/py.ommx`],
        {},
      );
      assert.equal(report.solves, 6);
      await using py = await openExperiment(`${dir}/py.ommx`);
      const ts = await recordTs();
      const want = await facts(py);
      const got = await facts(ts);
      assert.equal(want.solves.length, 6);
      assert.equal(want.spans.length, 7);
      assert.deepEqual(got.solves, want.solves);
      assert.deepEqual(got.layers, want.layers);
      assert.deepEqual(got.spans, want.spans);
      // the reason texts: same where TypeScript has the same information
      assert.equal(got.messages[3], want.messages[3]); // "ValueError: ext failure"
      assert.equal(want.messages[3], "ValueError: ext failure");
      assert.equal(
        want.solves.map((s) => s.status).join(),
        "finished,finished,finished,failed,failed,interrupted",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
