import assert from "node:assert/strict";
import { OmmxError } from "../../errors.ts";
import { createExperimentBuilder } from "./experiment_builder.ts";
import type { SolverAdapter } from "./adapter.ts";
import type { InstanceLike, ResultLike } from "./payload_like.ts";

const input: InstanceLike = {
  toBytes: () => new Uint8Array([8, 1]),
  numVariables: 1,
  numConstraints: 0,
};
const output: ResultLike = { toBytes: () => new Uint8Array([1, 2, 3]) };
const adapter: SolverAdapter<InstanceLike, ResultLike, Record<string, unknown>> = {
  name: "toy.Fixed",
  solve: () => output,
};

function invalidArgument(e: unknown): true {
  assert.ok(e instanceof OmmxError, String(e));
  assert.equal(e.code, "INVALID_ARGUMENT");
  return true;
}

Deno.test("Run: adapter options are checked and stored as their text, each way of logging a Solve", async () => {
  const b = createExperimentBuilder({ imageName: "example.com/t/options:v1" });
  await b.withRun(async (run) => {
    await run.logSolve(adapter, input, { seed: 3, name: "x" });
    await run.logSolve(adapter, input);
    await run.logFinishedSolve({ input, output, adapter: "py.A", adapterOptions: '{"a":  1}' });
    await run.logFinishedSolve({ input, output, adapter: "py.B", adapterOptions: { b: [1] } });
    await run.logFailedSolve({ input, adapter: "py.C" });
    await assert.rejects(
      run.logFinishedSolve({ input, output, adapter: "py.D", adapterOptions: "{nope" }),
      invalidArgument,
    );
    await assert.rejects(
      run.logFailedSolve({ input, adapter: "py.E", adapterOptions: "[1]" }),
      invalidArgument,
    );
    await assert.rejects(
      run.logSolve(adapter, input, [1] as unknown as Record<string, unknown>),
      invalidArgument,
    );
  });
  const exp = await b.commit();
  assert.deepEqual(
    exp.runs[0]!.solves.map((s) => [s.adapter, s.adapterOptionsJson]),
    [
      ["toy.Fixed", '{"seed": 3, "name": "x"}'],
      ["toy.Fixed", "{}"],
      ["py.A", '{"a":  1}'],
      ["py.B", '{"b": [1]}'],
      ["py.C", "{}"],
    ],
  );
});
