import assert from "node:assert/strict";
import { OmmxError } from "../../errors.ts";
import type { TraceResult, TraceSpan } from "../../../codecs/trace/trace_result.ts";
import { createExperimentBuilder, type CreateExperimentOptions } from "./experiment_builder.ts";
import { experimentArchiveBytes } from "./save.ts";
import { openSealedExperiment } from "../read/open.ts";
import { RunTraceRecorder } from "./_run_trace.ts";
import { sequentialTraceIds } from "./trace_options.ts";

class RuntimeError extends Error {
  override name = "RuntimeError";
}

const MS = 1_000_000n;
const T0 = 1_800_000_000_000_000_000n;

/** A clock that advances 1 ms per reading, starting at T0 + 1 ms. */
function tickingClock(): () => bigint {
  let t = T0;
  return () => (t += MS);
}

function traced(extra: CreateExperimentOptions = {}) {
  return createExperimentBuilder({
    imageName: "example.com/t/traced:v1",
    storeTrace: true,
    traceClock: tickingClock(),
    traceIds: sequentialTraceIds(),
    ...extra,
  });
}

const instance = { toBytes: () => new Uint8Array(), numVariables: 0, numConstraints: 0 };
const solution = { toBytes: () => new Uint8Array() };
const solver = {
  name: "toy.Solver",
  solve(_i: unknown, options: { fail?: boolean; seed?: number }) {
    if (options.fail) throw new RuntimeError("infeasible\n  model");
    return solution;
  },
};
const sampler = { name: "toy.Sampler", sample: () => solution };

function expectError(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof OmmxError && e.code === code);
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof OmmxError && e.code === code);
}

async function traceOf(
  exp: { runs: readonly { getTrace(): Promise<TraceResult | null> }[] },
  i = 0,
) {
  const trace = await exp.runs[i]!.getTrace();
  assert.ok(trace !== null, `run ${i} has no trace`);
  return trace;
}

const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, "0");

Deno.test("storeTrace: solve/sample spans under a Run root, exact timestamps, ids, attributes, status", async () => {
  const b = traced();
  const run = b.run(); // clock 1: Run start; ids 1 (trace), 2 (Run span)
  await run.logSolve(solver, instance, {}); // clock 2, 3; span id 3
  await assert.rejects(run.logSolve(solver, instance, { fail: true }), RuntimeError); // clock 4, 5; id 4
  await run.logSample(sampler, instance); // clock 6, 7; id 5
  run.finish(); // clock 8
  const exp = await b.commit();
  assert.equal(exp.runs[0]!.hasTrace, true);
  const trace = await traceOf(exp);
  const spans = trace.spans;
  assert.deepEqual(spans.map((s) => s.name), ["solve", "solve", "sample", "Run"]);
  assert.deepEqual(spans.map((s) => s.spanId), [3, 4, 5, 2].map((n) => hex(n, 8)));
  assert.ok(spans.every((s) => s.traceId === hex(1, 16)));
  const root = spans[3]!;
  assert.equal(root.parentSpanId, null);
  assert.ok(spans.slice(0, 3).every((s) => s.parentSpanId === root.spanId));
  assert.ok(spans.every((s) => s.scopeName === "ommx.experiment" && s.kind === "internal"));
  assert.deepEqual(root.attributes, { "ommx.run.id": 0 });
  assert.deepEqual(spans.map((s) => s.attributes.adapter ?? null), [
    "toy.Solver",
    "toy.Solver",
    "toy.Sampler",
    null,
  ]);
  assert.deepEqual(
    spans.map((s) => [s.startTimeUnixNano - T0, s.endTimeUnixNano - T0]),
    [[2n, 3n], [4n, 5n], [6n, 7n], [1n, 8n]].map(([a, z]) => [a! * MS, z! * MS]),
  );
  assert.deepEqual(spans.map((s) => s.durationMs), [1, 1, 1, 7]);
  assert.deepEqual(spans.map((s) => s.status), [
    { code: "unset", message: "" },
    { code: "error", message: "RuntimeError: infeasible model" },
    { code: "unset", message: "" },
    { code: "unset", message: "" },
  ]);
  const event = spans[1]!.events[0]!;
  assert.equal(event.name, "exception");
  assert.equal(event.timeUnixNano, T0 + 5n * MS);
  assert.deepEqual(event.attributes, {
    "exception.type": "RuntimeError",
    "exception.message": "infeasible\n  model",
  });
  assert.equal(spans[0]!.events.length, 0);
  assert.equal(
    trace.toString(),
    [
      "└── Run (7.00 ms) {scope=ommx.experiment} [ommx.run.id=0]",
      "    ├── solve (1.00 ms) {scope=ommx.experiment} [adapter='toy.Solver']",
      "    ├── solve (1.00 ms) {scope=ommx.experiment} [ERROR] [adapter='toy.Solver']",
      "    └── sample (1.00 ms) {scope=ommx.experiment} [adapter='toy.Sampler']",
    ].join("\n"),
  );
  // the trace layer is stored right after the run's attachments, as any trace
  const idx = exp.config.runs[0]!.trace!;
  assert.equal(exp.layers[idx]?.mediaType, "application/org.ommx.trace.otlp+protobuf");
  assert.deepEqual(exp.layers[idx]?.annotations, {});
});

Deno.test("storeTrace: failed and interrupted runs have an ERROR root with the reason", async () => {
  const b = traced();
  await assert.rejects(
    b.withRun(() => {
      throw new RuntimeError("traced failure");
    }),
    RuntimeError,
  );
  const r1 = b.run();
  r1.interrupt();
  const r2 = b.run();
  r2.interrupt("user pressed\tstop");
  const r3 = b.run();
  r3.fail("plain text");
  const exp = await b.commit();
  const roots: TraceSpan[] = [];
  for (let i = 0; i < 4; i++) {
    const spans = (await traceOf(exp, i)).spans;
    assert.equal(spans.length, 1);
    roots.push(spans[0]!);
  }
  assert.deepEqual(roots.map((s) => s.attributes["ommx.run.id"]), [0, 1, 2, 3]);
  assert.deepEqual(roots.map((s) => s.status), [
    { code: "error", message: "RuntimeError: traced failure" },
    { code: "error", message: "" },
    { code: "error", message: "user pressed stop" },
    { code: "error", message: "plain text" },
  ]);
  assert.deepEqual(roots[0]!.events.map((e) => [e.name, e.attributes["exception.type"]]), [
    ["exception", "RuntimeError"],
  ]);
  assert.deepEqual(roots.slice(1).map((s) => s.events.length), [0, 0, 0]);
  // one trace id per run
  assert.equal(new Set(roots.map((s) => s.traceId)).size, 4);
  assert.deepEqual(exp.runs.map((r) => r.status), [
    "failed",
    "interrupted",
    "interrupted",
    "failed",
  ]);
});

Deno.test("storeTrace: off by default — no trace layer", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/untraced:v1" });
  await b.withRun((run) => run.logSolve(solver, instance));
  const off = createExperimentBuilder({
    imageName: "example.com/t/untraced:v1",
    storeTrace: false,
  });
  await off.withRun((run) => run.logSolve(solver, instance));
  for (const exp of [await b.commit(), await off.commit()]) {
    assert.equal(exp.config.runs[0]!.trace, undefined);
    assert.equal(exp.runs[0]!.hasTrace, false);
    assert.equal(await exp.runs[0]!.getTrace(), null);
    assert.ok(exp.layers.every((l) => l.mediaType !== "application/org.ommx.trace.otlp+protobuf"));
  }
});

Deno.test("storeTrace: a trace logged with logTrace wins over the recorded one", async () => {
  const mine = new Uint8Array([0x0a, 0x00]);
  const b = traced();
  await b.withRun(async (run) => {
    await run.logSolve(solver, instance);
    await run.logTrace(mine);
  });
  await b.withRun(async (run) => {
    await run.logTrace(mine);
    await run.logSolve(solver, instance);
  });
  await b.withRun((run) => run.logSolve(solver, instance));
  const exp = await b.commit();
  for (const i of [0, 1]) {
    assert.deepEqual((await traceOf(exp, i)).toOtlpProtobuf(), mine);
  }
  // a run without logTrace still gets its own
  assert.deepEqual((await traceOf(exp, 2)).spans.map((s) => s.name), ["solve", "Run"]);
});

Deno.test("storeTrace: logFinishedSolve/logFailedSampling with startedAt/endedAt get a span; without, none", async () => {
  const b = traced();
  await b.withRun(async (run) => {
    await run.logFinishedSolve({ input: instance, output: solution, adapter: "py.Manual" });
    await run.logFinishedSolve({
      input: instance,
      output: solution,
      adapter: "py.Timed",
      startedAt: new Date(Date.UTC(2027, 0, 1, 0, 0, 0)),
      endedAt: new Date(Date.UTC(2027, 0, 1, 0, 0, 2, 500)),
    });
    await run.logFailedSampling({
      input: instance,
      adapter: "py.Sampler",
      startedAt: 10n * MS,
      endedAt: 12n * MS,
      error: new RuntimeError("no samples"),
    });
    await run.logFailedSolve({
      input: instance,
      adapter: "py.Stopped",
      status: "interrupted",
      startedAt: 20n * MS,
      endedAt: 20n * MS,
    });
    await rejectsWith(
      run.logFinishedSolve({ input: instance, output: solution, adapter: "x", startedAt: 1n }),
      "INVALID_ARGUMENT",
    );
    await rejectsWith(
      run.logFinishedSolve({
        input: instance,
        output: solution,
        adapter: "x",
        startedAt: 5n,
        endedAt: 4n,
      }),
      "INVALID_ARGUMENT",
    );
    await rejectsWith(
      run.logFinishedSolve({
        input: instance,
        output: solution,
        adapter: "x",
        startedAt: new Date(NaN),
        endedAt: 4n,
      }),
      "INVALID_ARGUMENT",
    );
  });
  const exp = await b.commit();
  assert.equal(exp.config.runs[0]!.solves.length, 3);
  const spans = (await traceOf(exp)).spans;
  assert.deepEqual(spans.map((s) => [s.name, s.attributes.adapter ?? null]), [
    ["solve", "py.Timed"],
    ["sample", "py.Sampler"],
    ["solve", "py.Stopped"],
    ["Run", null],
  ]);
  assert.equal(spans[0]!.durationMs, 2500);
  assert.equal(spans[0]!.startTimeUnixNano, BigInt(Date.UTC(2027, 0, 1)) * MS);
  assert.deepEqual(spans.slice(0, 3).map((s) => s.status), [
    { code: "unset", message: "" },
    { code: "error", message: "RuntimeError: no samples" },
    { code: "error", message: "interrupted" },
  ]);
});

Deno.test("storeTrace: same calls twice give byte-identical archives; different ids change them", async () => {
  const build = async (ids = sequentialTraceIds()) => {
    const b = createExperimentBuilder({
      registryId: "0123abcd",
      now: () => new Date(2026, 10, 26, 12, 0, 0),
      nonce: "a1b2c3d4e5f6",
      storeTrace: true,
      traceClock: tickingClock(),
      traceIds: ids,
    });
    await b.withRun(async (run) => {
      run.logParameter("p", 1);
      await run.logSolve(solver, instance, { seed: 1 });
      await run.logSample(sampler, instance);
    });
    await b.withRun((run) => run.logSolve(solver, instance, { fail: true })).catch(() => {});
    return await experimentArchiveBytes(await b.commit());
  };
  const a = await build();
  assert.deepEqual(await build(), a);
  assert.notDeepEqual(await build(sequentialTraceIds(100)), a);
  // the archive reopens with both traces
  const exp = await openSealedExperiment(a);
  assert.deepEqual((await traceOf(exp, 1)).spans.map((s) => [s.name, s.status.code]), [
    ["solve", "error"],
    ["Run", "error"],
  ]);
});

Deno.test("storeTrace: the default clock and ids give real durations and random ids", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/wall:v1", storeTrace: true });
  const slow = {
    name: "toy.Slow",
    solve: async () => {
      await new Promise((r) => setTimeout(r, 20));
      return solution;
    },
  };
  await b.withRun((run) => run.logSolve(slow, instance));
  await b.withRun((run) => run.logSolve(slow, instance));
  const exp = await b.commit();
  const [s0, s1] = [await traceOf(exp, 0), await traceOf(exp, 1)];
  const solve = s0.spansNamed("solve")[0]!;
  assert.ok(solve.durationMs >= 15 && solve.durationMs < 5000, `duration ${solve.durationMs}`);
  const now = BigInt(Date.now()) * MS;
  assert.ok(solve.startTimeUnixNano > now - 60_000n * MS && solve.endTimeUnixNano <= now + MS);
  assert.notEqual(s0.spans[0]!.traceId, s1.spans[0]!.traceId);
  assert.match(s0.spans[0]!.traceId, /^[0-9a-f]{32}$/);
});

Deno.test("storeTrace: an injected `now` drives span timestamps when no traceClock is given", async () => {
  let ms = Date.UTC(2026, 0, 1);
  const b = createExperimentBuilder({
    storeTrace: true,
    now: () => new Date(ms += 3),
    traceIds: sequentialTraceIds(),
  });
  await b.withRun((run) => run.logSolve(solver, instance));
  const spans = (await traceOf(await b.commit())).spans;
  assert.deepEqual(spans.map((s) => s.durationMs), [3, 9]);
});

Deno.test("storeTrace: bad settings are typed errors", () => {
  expectError(
    () => createExperimentBuilder({ storeTrace: "yes" as unknown as boolean }),
    "INVALID_ARGUMENT",
  );
  const badIds = traced({ traceIds: () => new Uint8Array(4) });
  expectError(() => badIds.run(), "INVALID_ARGUMENT");
  const zeroIds = traced({ traceIds: (n) => new Uint8Array(n) });
  expectError(() => zeroIds.run(), "INVALID_ARGUMENT");
  const badClock = traced({ traceClock: () => 5 as unknown as bigint });
  expectError(() => badClock.run(), "INVALID_ARGUMENT");
  expectError(() => sequentialTraceIds(0), "INVALID_ARGUMENT");
  const rec = new RunTraceRecorder(0, { clock: tickingClock(), ids: sequentialTraceIds() });
  rec.finish(null);
  expectError(() => rec.finish(null), "INVALID_STATE");
});

Deno.test("storeTrace: a forked Experiment traces its new runs", async () => {
  const parent = await (async () => {
    const b = traced();
    await b.withRun((run) => run.logSolve(solver, instance));
    return await b.commit();
  })();
  const { forkExperimentBuilder } = await import("./experiment_builder.ts");
  const child = await forkExperimentBuilder(parent, {
    imageName: "example.com/t/traced-child:v1",
    storeTrace: true,
    traceClock: tickingClock(),
    traceIds: sequentialTraceIds(50),
  });
  await child.withRun((run) => run.logSample(sampler, instance));
  const exp = await child.commit();
  assert.deepEqual((await traceOf(exp, 0)).spans.map((s) => s.name), ["solve", "Run"]);
  const t1 = await traceOf(exp, 1);
  assert.deepEqual(t1.spans.map((s) => s.name), ["sample", "Run"]);
  assert.equal(t1.spans[1]!.attributes["ommx.run.id"], 1);
  assert.equal(t1.spans[1]!.traceId, hex(50, 16));
});

Deno.test("storeTrace: adapters add nested phase spans with context.span", async () => {
  const phased = {
    name: "toy.Phased",
    async solve(
      _i: unknown,
      options: { failCall?: boolean },
      ctx: import("./adapter.ts").AdapterContext,
    ) {
      const model = await ctx.span("convert", () => "model", { format: "lp" });
      assert.equal(model, "model");
      await ctx.span("call", async (inner) => {
        await inner.span("presolve", () => undefined);
        if (options.failCall) throw new RuntimeError("solver crashed");
      });
      return await ctx.span("decode", () => solution);
    },
  };
  const b = traced();
  const run = b.run();
  await run.logSolve(phased, instance, {});
  await assert.rejects(run.logSolve(phased, instance, { failCall: true }), RuntimeError);
  run.finish();
  const spans = (await traceOf(await b.commit())).spans;
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const parentName = (s: TraceSpan) =>
    s.parentSpanId === null ? null : byId.get(s.parentSpanId)!.name;
  assert.deepEqual(
    spans.map((s) => `${s.name}<${parentName(s)}`),
    [
      "convert<solve",
      "presolve<call",
      "call<solve",
      "decode<solve",
      "solve<Run",
      "convert<solve",
      "presolve<call",
      "call<solve",
      "solve<Run",
      "Run<null",
    ],
  );
  assert.deepEqual(spans[0]!.attributes, { format: "lp" });
  const failedCall = spans[7]!;
  assert.equal(failedCall.status.code, "error");
  assert.equal(failedCall.status.message, "RuntimeError: solver crashed");
  assert.equal(spans[8]!.status.code, "error");
  assert.equal(spans[9]!.status.code, "unset");
});

Deno.test("without storeTrace, context.span just runs the phase", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/plain:v1" });
  const run = b.run();
  const seen: string[] = [];
  await run.logSolve({
    name: "toy.Phased",
    async solve(_i: unknown, _o: Record<string, unknown>, ctx) {
      await ctx.span("convert", (inner) => inner.span("deep", () => void seen.push("deep")));
      await assert.rejects(
        ctx.span("call", () => Promise.reject(new RuntimeError("x"))),
        RuntimeError,
      );
      return solution;
    },
  }, instance);
  run.finish();
  assert.deepEqual(seen, ["deep"]);
  assert.equal((await b.commit()).runs[0]!.hasTrace, false);
});
