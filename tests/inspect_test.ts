/** `console.log` of Experiment and SealedRun shows the reference's repr, in Deno and in Node. */
import assert from "node:assert/strict";
import { openExperiment } from "../mod.ts";
import { archivePath, COMMITTED_CORPUS } from "./conformance/_corpus.ts";

Deno.test("console rendering of Experiment and SealedRun is their repr (Deno and Node hooks)", async () => {
  await using exp = await openExperiment(archivePath("runs", COMMITTED_CORPUS));
  assert.equal(Deno.inspect(exp), exp.toString());
  assert.equal(Deno.inspect(exp.runs[0]), exp.runs[0]!.toString());
  const { inspect } = await import("node:util");
  assert.equal(inspect(exp.runs[1]), exp.runs[1]!.toString());
  assert.match(exp.runs[1]!.toString(), /^SealedRun\(run_id=1, status='failed'/);
});
