import assert from "node:assert/strict";
import { InvalidArgumentError, InvalidStateError, OmmxError } from "../../errors.ts";
import { createExperimentBuilder } from "./experiment_builder.ts";
import type { SolverAdapter } from "./adapter.ts";
import type { InstanceLike, ResultLike } from "./payload_like.ts";

const input: InstanceLike = {
  toBytes: () => new Uint8Array([8, 1]),
  numVariables: 1,
  numConstraints: 0,
};
const output: ResultLike = { toBytes: () => new Uint8Array([1, 2, 3]) };

function assertCode(e: unknown, code: string): true {
  assert.ok(e instanceof OmmxError, String(e));
  assert.equal(e.code, code);
  return true;
}

const modelAdapter: SolverAdapter<InstanceLike, ResultLike, Record<string, unknown>> = {
  name: "toy.Model",
  solve: () => output,
  instantiate: (_i, options, ctx) => {
    ctx.recordDiagnostic({ built: true });
    return { solverInput: { options }, decode: (data) => (data === "bad" ? null! : output) };
  },
};

Deno.test("openSolve: an external solver by name records what finish() gets", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/open:v1" });
  const run = b.run();
  const s = await run.openSolve("ext.Solver", input, { seed: 1 });
  assert.equal(s.solveId, 0);
  assert.equal(s.adapterName, "ext.Solver");
  assert.equal(s.diagnostics, null);
  assert.equal(s.outcome, null);
  assert.throws(() => s.solverInput, InvalidStateError);
  await assert.rejects(s.decode(1), InvalidStateError);
  assert.equal(String(s), "OpenSolve(adapter='ext.Solver', solve_id=0, state='active')");
  // a solve logged meanwhile takes the next id: ids are reserved in order
  assert.equal(await run.logFinishedSolve({ input, output, adapter: "other" }), 1);
  await assert.rejects(s.finish(), InvalidArgumentError); // no output and no decode
  await s.finish(output, { diagnostics: [{ gap: 0 }] });
  assert.equal(s.outcome, "finished");
  assert.equal(
    String(s),
    "OpenSolve(adapter='ext.Solver', solve_id=0, state='closed', outcome='finished')",
  );
  await assert.rejects(s.finish(output), (e) => assertCode(e, "INVALID_STATE"));
  await assert.rejects(s.fail("x"), (e) => assertCode(e, "INVALID_STATE"));
  assert.throws(() => s.logAdapterOption("late", 1), (e) => assertCode(e, "INVALID_STATE"));
  await s[Symbol.asyncDispose](); // closed: no-op
  await run.finish();
  const exp = await b.commit();
  const [solve, other] = exp.runs[0]!.solves;
  assert.equal(solve?.status, "finished");
  assert.equal(solve?.adapterOptionsJson, '{"seed": 1}');
  assert.deepEqual(solve?.getDiagnostics(), [{ gap: 0 }]);
  assert.equal(other?.adapter, "other");
});

Deno.test("openSolve: adapter options, diagnostics opt-in, decode and await using", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/open:v2" });
  await b.withRun(async (run) => {
    {
      await using s = await run.openSolve(modelAdapter, input, { a: 1, b: 2 });
      assert.deepEqual(s.solverInput, { options: { a: 1, b: 2 } });
      s.logAdapterOption("a", 10); // keeps its place
      s.logAdapterOption("c", [1, 2]);
      assert.throws(() => s.logAdapterOption("bad", () => 1), (e) => assertCode(e, "ENCODE_ERROR"));
      s.logAdapterOption("big", 10n ** 30n); // a Python int
      await assert.rejects(s.decode("bad"), InvalidArgumentError);
      await s.decode(1);
    } // disposed with a decoded output: finished
    {
      await using s = await run.openSolve(modelAdapter, input, {}, { storeDiagnostics: true });
      s.diagnostics!.record({ step: 1 });
    } // disposed without an outcome: failed
    {
      const s = await run.openSolve(modelAdapter, input);
      await s.interrupt();
      assert.equal(s.outcome, "interrupted");
    }
  });
  const exp = await b.commit();
  const records = exp.config.runs[0]!.solves;
  assert.deepEqual(records.map((r) => r.status), ["finished", "failed", "interrupted"]);
  assert.equal(
    records[0]!.adapterOptions,
    '{"a": 10, "b": 2, "c": [1, 2], "big": 1000000000000000000000000000000}',
  );
  assert.equal(records[0]!.diagnostics, undefined); // off by default: instantiate's report dropped
  const failed = exp.runs[0]!.solves[1]!;
  assert.deepEqual(failed.getDiagnostics(), [{ built: true }, { step: 1 }]);
  assert.equal(records[1]!.output, undefined);
});

Deno.test("openSolve: bad input, a failing adapter, and runs ending around open solves", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/open:v3" });
  const run = b.run();
  await assert.rejects(run.openSolve("", input), InvalidArgumentError);
  await assert.rejects(run.openSolve("x", null as unknown as InstanceLike), InvalidArgumentError);
  await assert.rejects(
    run.openSolve("x", input, { f: () => 1 }),
    (e) => assertCode(e, "ENCODE_ERROR"),
  );
  await assert.rejects(
    run.openSolve("x", input, {}, { storeDiagnostics: "yes" as unknown as boolean }),
    InvalidArgumentError,
  );
  const broken = {
    name: "toy.Broken",
    solve: () => output,
    instantiate: () => {
      throw new RangeError("cannot build");
    },
  };
  await assert.rejects(run.openSolve(broken, input), RangeError);
  const open = await run.openSolve("ext.Solver", input);
  await assert.rejects(run.finish(), (e) => assertCode(e, "INVALID_STATE"));
  assert.equal(run.status, null);
  await run.fail(new TypeError("sweep aborted"));
  assert.equal(open.outcome, "failed");
  await assert.rejects(run.openSolve("x", input), (e) => assertCode(e, "INVALID_STATE"));
  const exp = await b.commit();
  const solves = exp.config.runs[0]!.solves;
  // the failed adapter construction is solve 0 (ids are reserved before instantiate), then the open one
  assert.deepEqual(solves.map((s) => [s.id, s.status, s.adapter]), [
    [0, "failed", "toy.Broken"],
    [1, "failed", "ext.Solver"],
  ]);
  assert.equal(exp.runs[0]!.lifecycleReason, "TypeError: sweep aborted");
});

Deno.test("logSolve: diagnostics are stored only with storeDiagnostics, as the reference", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/diag:v1" });
  const adapter: SolverAdapter<InstanceLike, ResultLike, Record<string, unknown>> = {
    name: "toy.Diag",
    solve: (_i, _o, ctx) => {
      ctx.recordDiagnostic({ enabled: ctx.storeDiagnostics });
      return output;
    },
  };
  await b.withRun(async (run) => {
    await run.logSolve(adapter, input);
    await run.logSolve(adapter, input, {}, { storeDiagnostics: true });
    await run.logSolve(adapter, input, {}, { storeDiagnostics: false });
    await assert.rejects(
      run.logSolve(adapter, input, {}, { storeDiagnostics: 1 as unknown as boolean }),
      InvalidArgumentError,
    );
  });
  const exp = await b.commit();
  const solves = exp.runs[0]!.solves;
  assert.deepEqual(solves.map((s) => s.getDiagnostics()), [[], [{ enabled: true }], []]);
  assert.deepEqual(
    exp.config.runs[0]!.solves.map((s) => s.diagnostics === undefined),
    [true, false, true],
  );
});

Deno.test("openSolve: a Disposable backend model is disposed once, when its Solve is recorded (finish, fail, interrupt, scope end)", async () => {
  const disposed: string[] = [];
  const disposable = (label: string, throws = false): typeof modelAdapter => ({
    name: "toy.Disposable",
    solve: () => output,
    instantiate: () => ({
      solverInput: label,
      decode: () => output,
      [Symbol.dispose]() {
        disposed.push(label);
        if (throws) throw new Error("cannot free");
      },
    }),
  });
  const b = createExperimentBuilder({ imageName: "example.com/t/dispose:v1" });
  const run = b.run();
  const a = await run.openSolve(disposable("finish"), input);
  assert.deepEqual(disposed, []);
  assert.equal(a.solverInput, "finish");
  await a.finish(output);
  assert.deepEqual(disposed, ["finish"]);
  const f = await run.openSolve(disposable("fail"), input);
  await f.fail(new Error("boom"));
  const i = await run.openSolve(disposable("interrupt"), input);
  await i.interrupt();
  {
    await using s = await run.openSolve(disposable("scope"), input);
    await s.decode("data");
    assert.deepEqual(disposed, ["finish", "fail", "interrupt"]);
  }
  // a backend whose dispose throws: the record still stands, nothing is thrown at the caller
  const t = await run.openSolve(disposable("throws", true), input);
  await t.finish(output);
  await t[Symbol.asyncDispose]();
  assert.deepEqual(disposed, ["finish", "fail", "interrupt", "scope", "throws"]);
  await run.finish();
  const exp = await b.commit();
  assert.deepEqual(
    exp.runs[0]!.solves.map((s) => s.status),
    ["finished", "failed", "interrupted", "finished", "finished"],
  );
});
