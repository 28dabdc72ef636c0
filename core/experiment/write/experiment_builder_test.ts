import assert from "node:assert/strict";
import { OmmxError } from "../../errors.ts";
import { pyFloat } from "../../../codecs/py_float.ts";
import { TraceResult } from "../../../codecs/trace/trace_result.ts";
import { createExperimentBuilder, forkExperimentBuilder } from "./experiment_builder.ts";
import { experimentArchiveBytes } from "./save.ts";
import type { Run } from "./run.ts";
import { sequentialTraceIds } from "./trace_options.ts";
import { openSealedExperiment } from "../read/open.ts";

const FIXTURES = new URL("../../../tests/fixtures/reference/", import.meta.url);
const fixture = (name: string) => Deno.readFile(new URL(`${name}.ommx`, FIXTURES));

class RuntimeError extends Error {
  override name = "RuntimeError";
}
class ValueError extends Error {
  override name = "ValueError";
}
class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
}

async function rejectsWith(
  p: Promise<unknown> | (() => unknown),
  code: string,
): Promise<OmmxError> {
  let err: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof OmmxError, `expected an OmmxError ${code}, got ${err}`);
  assert.equal(err.code, code);
  return err;
}

Deno.test("builder: the empty scenario is byte-identical to the reference's empty.ommx", async () => {
  const exp = await createExperimentBuilder({ imageName: "ghcr.io/ommx-ts/corpus/empty:v1" })
    .commit();
  assert.deepEqual(await experimentArchiveBytes(exp), await fixture("empty"));
  assert.equal(exp.status, "finished");
  assert.equal(exp.layers.length, 1);
});

Deno.test("builder: the runs scenario (parameters, lifecycles, reasons) is byte-identical to runs.ommx", async () => {
  const b = createExperimentBuilder({ imageName: "ghcr.io/ommx-ts/corpus/runs:v1" });
  b.setAnnotation("org.example.scenario", "runs");
  b.setAnnotation("org.example.owner", "ommx-ts");
  await b.withRun((run) => {
    run.logParameter("solver", "highs");
    run.logParameter("presolve", true);
    run.logParameter("capacity", 10);
    run.logParameter("time_limit", 0.5);
    run.logParameter("nan_param", NaN);
    run.logParameter("int_max", 2n ** 63n - 1n);
    run.logParameter("int_min", -(2n ** 63n));
    run.logParameter("offset", -5);
  });
  await assert.rejects(
    b.withRun(async (run) => {
      run.logParameter("solver", "scip 日本");
      run.logParameter("presolve", false);
      run.logParameter("capacity", 12.5);
      run.logParameter("nan_param", Infinity);
      run.logParameter("inf_param", -Infinity);
      await run.logJson("partial", { step: 1 });
      throw new RuntimeError("solver process exited");
    }),
    RuntimeError,
  );
  const r2 = b.run();
  r2.logParameter("seed", 1);
  r2.logParameter("seed", 300);
  r2.logParameter("capacity", 7);
  r2.interrupt(new KeyboardInterrupt());
  await b.withRun(() => {});
  await assert.rejects(b.withRun((run) => {
    run.logParameter("time_limit", 3);
    throw new ValueError();
  }));
  await assert.rejects(b.withRun(() => {
    throw new RuntimeError("first line\n\tsecond   line " + "é".repeat(600));
  }));
  const exp = await b.commit();
  assert.deepEqual(await experimentArchiveBytes(exp), await fixture("runs"));
  assert.deepEqual(exp.runs.map((r) => r.status), [
    "finished",
    "failed",
    "interrupted",
    "finished",
    "failed",
    "failed",
  ]);
});

Deno.test("builder: fail() writes the checkpoint Experiment byte-identical to failed-experiment.ommx", async () => {
  const b = createExperimentBuilder({
    imageName: "ghcr.io/ommx-ts/corpus/failed-experiment:v1",
    registryId: "b26f82c0",
  });
  const exp = await b.record(async (b) => {
    b.setAnnotation("org.example.scenario", "failed-experiment");
    await b.logJson("dataset", { rows: 3 });
    await b.withRun((run) => run.logParameter("capacity", 47));
    throw new ValueError("dataset   missing\ncolumn 'weight'");
  }).then(() => assert.fail("record should rethrow"), (e) => {
    assert.ok(e instanceof ValueError);
    return null;
  });
  assert.equal(exp, null);
  assert.equal(b.sealed, true);
  // record() sealed it as failed; do the same explicitly to get the Experiment.
  const b2 = createExperimentBuilder({
    imageName: "ghcr.io/ommx-ts/corpus/failed-experiment:v1",
    registryId: "b26f82c0",
  });
  b2.setAnnotation("org.example.scenario", "failed-experiment");
  await b2.logJson("dataset", { rows: 3 });
  await b2.withRun((run) => run.logParameter("capacity", 47));
  const failed = await b2.fail(new ValueError("dataset   missing\ncolumn 'weight'"));
  assert.equal(failed.status, "failed");
  assert.equal(failed.lifecycleReason, "ValueError: dataset missing column 'weight'");
  assert.equal(failed.requestedImageName, "ghcr.io/ommx-ts/corpus/failed-experiment:v1");
  assert.equal(
    failed.imageName,
    "b26f82c0.ommx.local/checkpoint:8ae97bfbec5a3f66cdf2ca641cdf34b2ba993102d7c2fb3dbfa7617d44573ae7",
  );
  assert.deepEqual(await experimentArchiveBytes(failed), await fixture("failed-experiment"));
});

Deno.test("builder: interrupt() is byte-identical to interrupted-experiment.ommx", async () => {
  const b = createExperimentBuilder({
    imageName: "ghcr.io/ommx-ts/corpus/interrupted-experiment:v1",
    registryId: "b26f82c0",
  });
  await b.withRun((run) => run.logParameter("capacity", 1));
  const exp = await b.interrupt(new KeyboardInterrupt());
  assert.equal(exp.status, "interrupted");
  assert.deepEqual(await experimentArchiveBytes(exp), await fixture("interrupted-experiment"));
});

Deno.test("fork: forking fork-parent.ommx reproduces fork-child.ommx byte for byte", async () => {
  const parentPath = new URL("fork-parent.ommx", FIXTURES).pathname;
  const child = await forkExperimentBuilder(parentPath, {
    imageName: "ghcr.io/ommx-ts/corpus/fork-child:v1",
  });
  child.setAnnotation("org.example.role", "child");
  await child.withRun((run) => {
    assert.equal(run.runId, 1);
    run.logParameter("capacity", 56);
    run.logParameter("note", "forked");
  });
  const exp = await child.commit();
  assert.equal(
    exp.subject?.digest,
    "sha256:abdcf544cc0817fdc21bfe9c80fbb520c575862e51d02614539dd4d0521be039",
  );
  assert.deepEqual(exp.annotations, { "org.example.role": "child" });
  assert.deepEqual(await experimentArchiveBytes(exp), await fixture("fork-child"));
});

Deno.test("fork: a committed Experiment forks in memory; runs continue at max+1; annotations not inherited", async () => {
  const pb = createExperimentBuilder({ imageName: "example.com/t/parent:v1" });
  pb.setAnnotation("org.example.role", "parent");
  await pb.logJson("dataset", { name: "demo" });
  await pb.withRun((run) => run.logParameter("x", 1));
  await pb.withRun((run) => run.logParameter("x", pyFloat(2)));
  const parent = await pb.commit();
  const cb = await forkExperimentBuilder(parent, { imageName: "example.com/t/child:v1" });
  assert.deepEqual(cb.annotations, {});
  assert.deepEqual(cb.runIds, [0, 1]);
  await cb.withRun((run) => run.logParameter("x", 3));
  const child = await cb.commit();
  assert.equal(child.subject?.digest, parent.manifestDigest);
  assert.equal(child.subject?.size, parent.manifestDescriptor.size);
  assert.deepEqual(child.runs.map((r) => r.runId), [0, 1, 2]);
  assert.deepEqual(await child.getJson("dataset"), { name: "demo" });
  assert.equal(child.layers[0]?.digest, parent.layers[0]?.digest);
  const col = child.runParameters().columns.find((c) => c.name === "x");
  assert.equal(col?.type, "float64");
});

for (const storeTrace of [false, true]) {
  Deno.test(`builder: same calls twice give byte-identical archives (anonymous name with injected clock${storeTrace ? ", storeTrace with injected trace ids" : ""})`, async () => {
    const build = async () => {
      const b = createExperimentBuilder({
        registryId: "0123abcd",
        now: () => new Date(2026, 10, 26, 12, 0, 0),
        nonce: "a1b2c3d4e5f6",
        storeTrace,
        traceIds: sequentialTraceIds(),
      });
      b.setAnnotation("org.example.k", "v");
      await b.logJson("j", { a: [1, 2.5, NaN], b: "日本" });
      await b.logAttachment("raw", "text/plain", new TextEncoder().encode("hello"), {
        compression: "zstd",
      });
      await b.withRun(async (run) => {
        run.logParameter("p", 1);
        await run.logAttachment("r", "application/octet-stream", new Uint8Array([1, 2, 3]));
        await run.logSolve(
          { name: "toy.Adapter", solve: () => ({ toBytes: () => new Uint8Array() }) },
          toyInstance,
        );
      });
      return await experimentArchiveBytes(await b.commit());
    };
    const a = await build();
    const c = await build();
    assert.deepEqual(a, c);
    assert.ok(
      new TextDecoder().decode(a).includes(
        "0123abcd.ommx.local/experiment:20261126T120000-a1b2c3d4e5f6",
      ),
    );
    const exp = await openSealedExperiment(a);
    assert.equal(exp.runs[0]!.hasTrace, storeTrace);
  });
}

Deno.test("builder: attachments of every kind read back with the logged content", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(
      `${dir}/pixel.png`,
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]),
    );
    await Deno.writeTextFile(`${dir}/problem.lp`, "Maximize\n obj: x\nEnd\n");
    const b = createExperimentBuilder({ imageName: "example.com/t/att:v1" });
    await b.logJson("json", { x: NaN, y: [1, pyFloat(2)] });
    await b.logAttachment("bytes", "text/plain", new TextEncoder().encode("hi"));
    await b.logAttachment("bytes-zstd", "text/plain", new TextEncoder().encode("hi".repeat(100)), {
      compression: "zstd",
    });
    await b.logFile("png", `${dir}/pixel.png`);
    await b.logFile("lp", `${dir}/problem.lp`, { filename: "model.lp" });
    await b.logFile("lp-zstd", `${dir}/problem.lp`, {
      mediaType: "text/plain",
      compression: "zstd",
    });
    const codec = {
      mediaType: "text/csv",
      encode: (rows: string[][]) =>
        new TextEncoder().encode(rows.map((r) => r.join(",")).join("\n")),
      decode: (b: Uint8Array) => new TextDecoder().decode(b).split("\n").map((l) => l.split(",")),
    };
    await b.logWithCodec(codec, "csv", [["a", "b"], ["1", "2"]]);
    const exp = await b.commit();
    assert.deepEqual(exp.attachmentNames, [
      "bytes",
      "bytes-zstd",
      "csv",
      "json",
      "lp",
      "lp-zstd",
      "png",
    ]);
    const j = await exp.getJson("json") as { x: number; y: number[] };
    assert.ok(Number.isNaN(j.x));
    assert.equal(exp.attachmentMediaType("png"), "image/png");
    assert.equal(exp.attachmentMediaType("lp"), "application/octet-stream");
    assert.equal(exp.attachmentMediaType("bytes-zstd"), "text/plain");
    assert.equal(
      exp.layers[exp.config.attachments.entries.get("bytes-zstd")!]?.mediaType,
      "text/plain+zstd",
    );
    assert.equal(
      new TextDecoder().decode(await exp.getBlob("lp-zstd")),
      "Maximize\n obj: x\nEnd\n",
    );
    assert.deepEqual(Object.fromEntries(exp.config.attachments.filenames), {
      "lp": "model.lp",
      "lp-zstd": "problem.lp",
      "png": "pixel.png",
    });
    assert.deepEqual(await exp.getWithCodec(codec, "csv"), [["a", "b"], ["1", "2"]]);
    const jsonLayer = exp.layers[exp.config.attachments.entries.get("json")!]!;
    assert.equal(jsonLayer.size, new TextEncoder().encode('{"x": NaN, "y": [1, 2.0]}').length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const toyInstance = {
  toBytes: () => new Uint8Array(),
  numVariables: 0,
  numConstraints: 0,
};

Deno.test("run: solve/sample records via adapters and explicit record APIs", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/solve:v1" });
  const solution = { toBytes: () => new Uint8Array() };
  const adapter = {
    name: "toy.Adapter",
    solve(
      _i: unknown,
      options: { fail?: boolean; time_limit?: unknown },
      ctx: { recordDiagnostic(r: unknown): void },
    ) {
      ctx.recordDiagnostic({ step: 1, gap: Infinity });
      if (options.fail) throw new RuntimeError("infeasible");
      return solution;
    },
  };
  await b.withRun(async (run: Run) => {
    const store = { storeDiagnostics: true };
    assert.equal(
      await run.logSolve(adapter, toyInstance, { time_limit: pyFloat(10) }, store),
      solution,
    );
    await assert.rejects(run.logSolve(adapter, toyInstance, { fail: true }, store), RuntimeError);
    const controller = new AbortController();
    await assert.rejects(run.logSolve({
      name: "toy.Abort",
      solve: () => {
        controller.abort();
        throw controller.signal.reason;
      },
    }, toyInstance));
    assert.equal(
      await run.logFinishedSampling({
        input: toyInstance,
        output: solution,
        adapter: "toy.Sampler",
      }),
      0,
    );
    assert.equal(
      await run.logFailedSampling({
        input: toyInstance,
        adapter: "toy.Sampler",
        status: "interrupted",
      }),
      1,
    );
    await run.logFinishedSolve({
      input: toyInstance,
      output: solution,
      adapter: "toy.Adapter",
      adapterOptions: '{"seed": 1}',
      diagnostics: [{ k: 1 }],
    });
  });
  const exp = await b.commit();
  const run = exp.runs[0]!;
  const solves = exp.config.runs[0]!.solves;
  assert.deepEqual(solves.map((s) => s.status), ["finished", "failed", "interrupted", "finished"]);
  assert.equal(solves[0]!.adapterOptions, '{"time_limit": 10.0}');
  assert.equal(solves[1]!.adapterOptions, '{"fail": true}');
  assert.equal(solves[3]!.adapterOptions, '{"seed": 1}');
  assert.ok(solves[0]!.diagnostics !== undefined && solves[1]!.diagnostics !== undefined);
  assert.equal(solves[2]!.diagnostics, undefined);
  assert.deepEqual(exp.config.runs[0]!.samplings.map((s) => s.status), ["finished", "interrupted"]);
  assert.equal(run.status, "finished");
});

Deno.test("run: logTrace stores one OTLP layer; a second trace is rejected", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/trace:v1" });
  const run = b.run();
  await run.logTrace(new Uint8Array([0x0a, 0x00]));
  await rejectsWith(run.logTrace(new Uint8Array([1])), "INVALID_STATE");
  run.finish();
  const r1 = b.run();
  await r1.logTrace(new TraceResult(new Uint8Array([0x0a, 0x00])));
  r1.finish();
  const exp = await b.commit();
  assert.equal((await exp.runs[1]!.getTrace())?.toOtlpProtobuf().length, 2);
  const idx = exp.config.runs[0]!.trace!;
  assert.equal(exp.layers[idx]?.mediaType, "application/org.ommx.trace.otlp+protobuf");
});

Deno.test("bad input: each is a typed error", async () => {
  await rejectsWith(
    () => createExperimentBuilder({ imageName: "INVALID/IMAGE" }),
    "INVALID_REFERENCE",
  );
  await rejectsWith(() => createExperimentBuilder({ imageName: "a b" }), "INVALID_REFERENCE");
  await rejectsWith(() => createExperimentBuilder({ imageName: "" }), "INVALID_REFERENCE");
  const b = createExperimentBuilder({ imageName: "example.com/t/bad:v1" });
  const reserved = await rejectsWith(
    () => b.setAnnotation("org.ommx.v1.foo", "x"),
    "INVALID_ARGUMENT",
  );
  assert.equal(reserved.message, "Annotation key `org.ommx.v1.foo` is reserved for OMMX metadata");
  b.setAnnotation("org.ommx.user.foo", "ok");
  await rejectsWith(
    b.logAttachment("x", "text/plain", new Uint8Array(), {
      annotations: { "org.ommx.v1.attachment.compression": "zstd" },
    }),
    "INVALID_ARGUMENT",
  );
  await b.logJson("a", 1);
  const dup = await rejectsWith(b.logJson("a", 2), "ALREADY_EXISTS");
  assert.match(dup.message, /Attachment `a` already exists/);
  await rejectsWith(b.logAttachment("a", "text/plain", new Uint8Array()), "ALREADY_EXISTS");
  await rejectsWith(b.logFile("f", "/nonexistent/file"), "INVALID_ARGUMENT");
  await rejectsWith(b.logFile("f", "/etc/hostname", { filename: "../x" }), "INVALID_ARGUMENT");
  const run = b.run();
  await rejectsWith(() => run.logParameter("o", {} as never), "INVALID_ARGUMENT");
  await rejectsWith(() => run.logParameter("o", null as never), "INVALID_ARGUMENT");
  await rejectsWith(() => run.logParameter("o", [1] as never), "INVALID_ARGUMENT");
  await rejectsWith(() => run.logParameter("big", 2n ** 63n), "INVALID_ARGUMENT");
  await rejectsWith(() => run.logParameter("small", -(2n ** 63n) - 1n), "INVALID_ARGUMENT");
  await rejectsWith(() => run.logParameter("bignum", 2 ** 64), "INVALID_ARGUMENT");
  run.logParameter("bigfloat", pyFloat(2 ** 64));
  await run.logJson("a", 1); // run namespace is separate
  await rejectsWith(run.logJson("a", 1), "ALREADY_EXISTS");
  await rejectsWith(
    run.logFinishedSolve({ input: toyInstance, adapter: "x" } as never),
    "INVALID_ARGUMENT",
  );
  await rejectsWith(
    run.logFailedSolve({ input: toyInstance, adapter: "x", adapterOptions: "[1]" }),
    "INVALID_ARGUMENT",
  );
  run.finish();
  await rejectsWith(() => run.logParameter("x", 1), "INVALID_STATE");
  await rejectsWith(run.logJson("z", 1), "INVALID_STATE");
  await rejectsWith(() => run.finish(), "INVALID_STATE");
  await rejectsWith(() => run.fail(new Error("x")), "INVALID_STATE");
  const mixed = b.run();
  mixed.logParameter("p", "text");
  mixed.finish();
  const other = b.run();
  other.logParameter("p", 1);
  other.finish();
  // Incompatible column types are a commit-time error, as in the reference; the builder stays open.
  await rejectsWith(b.commit(), "INVALID_ARGUMENT");
  assert.equal(b.sealed, false);
});

Deno.test("bad input: writing after commit() is INVALID_STATE", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/sealed:v1" });
  const open = b.run();
  // As the reference: no commit while a Run is open; fail() leaves open runs out.
  await rejectsWith(b.commit(), "INVALID_STATE");
  assert.equal(b.sealed, false);
  const other = createExperimentBuilder({ imageName: "example.com/t/sealed:v2" });
  const dropped = other.run();
  const checkpoint = await other.fail(new Error("boom"));
  assert.deepEqual(checkpoint.runs, []);
  await dropped[Symbol.asyncDispose](); // dropped run: disposing is a no-op
  assert.equal(dropped.status, null);
  await open.finish();
  await b.commit();
  await rejectsWith(b.logJson("x", 1), "INVALID_STATE");
  await rejectsWith(() => b.setAnnotation("a", "b"), "INVALID_STATE");
  await rejectsWith(() => b.run(), "INVALID_STATE");
  await rejectsWith(b.commit(), "INVALID_STATE");
  await rejectsWith(b.fail(new Error("x")), "INVALID_STATE");
  await rejectsWith(() => open.logParameter("x", 1), "INVALID_STATE");
});

Deno.test("run: await using finishes an open run; reasons follow the reference format", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/using:v1" });
  {
    await using run = b.run();
    run.logParameter("x", true);
  }
  await assert.rejects(b.withRun(() => {
    throw new DOMException("stopped", "AbortError");
  }));
  const exp = await b.commit();
  assert.equal(exp.runs[0]?.status, "finished");
  assert.equal(exp.runs[1]?.status, "interrupted");
  assert.equal(exp.config.runs[1]?.reason, "AbortError: stopped");
});

Deno.test("builder in a Local Registry: settled() waits for the blobs being written; they are in the store after it", async () => {
  const { openLocalRegistrySession } = await import("./local_registry_session.ts");
  const { digestOf } = await import("../../oci/digest.ts");
  const session = await openLocalRegistrySession({ temporary: true });
  try {
    const b = createExperimentBuilder({
      imageName: "example.com/t/settled:v1",
      localRegistry: session,
    });
    const payloads = Array.from({ length: 40 }, (_, i) => new TextEncoder().encode(`payload ${i}`));
    for (const [i, p] of payloads.entries()) {
      await b.logAttachment(`p${i}`, "application/octet-stream", p);
    }
    await b.settled();
    for (const p of payloads) {
      const d = {
        mediaType: "application/octet-stream",
        digest: await digestOf(p),
        size: p.length,
      };
      assert.equal(await b.store.exists(d), true);
    }
    await b.abandon();
  } finally {
    await session.release();
  }
});
