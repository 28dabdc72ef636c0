/**
 * A Deno writer for the checkpoint interop tests (tests/interop/checkpoints_test.ts): starts (or,
 * with FIRST > 0, restores) an Experiment in the Local Registry at OMMX_LOCAL_REGISTRY_ROOT and
 * closes COUNT runs — each logs a parameter `i` and a JSON attachment `r` = {"i": i} — printing
 * {"closed": i} once each run is closed and its autosave written; it never commits. The tests
 * kill it with SIGKILL part-way.
 *
 * Usage: deno run -A tests/interop/checkpoint_writer.ts NAME FIRST COUNT [SLEEP_SECONDS]
 *
 * @module
 */
import { Experiment } from "../../mod.ts";

const [name, firstText, countText, sleepText] = Deno.args;
const first = Number(firstText);
const count = Number(countText);
const sleepMs = Number(sleepText ?? 0) * 1000;
const exp = first > 0
  ? await Experiment.restoreFromCheckpoint(name!)
  : await Experiment.create(name!);
if (first === 0) {
  await exp.logJson("dataset", { writer: "deno" });
  exp.setAnnotation("org.example.writer", "deno");
}
for (let i = first; i < first + count; i++) {
  await exp.withRun(async (run) => {
    run.logParameter("i", i);
    await run.logJson("r", { i });
  });
  console.log(JSON.stringify({ closed: i }));
  if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs));
}
await exp.close();
