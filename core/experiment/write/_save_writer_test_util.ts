/**
 * Helper process for the atomic-save test: builds a deterministic
 * multi-megabyte Experiment, prints `writing`, then saves it to `Deno.args[0]`
 * (overwrite when `Deno.args[1] === "overwrite"`). The test kills it at random.
 *
 * @module
 */
import { createExperimentBuilder } from "./experiment_builder.ts";
import { saveExperiment } from "./save.ts";

/**
 * The Experiment the helper writes (also built by the test to know the expected bytes).
 *
 * @param seed Varies the content (old vs new file).
 * @returns The committed Experiment.
 */
export async function buildLargeExperiment(seed: number) {
  const b = createExperimentBuilder({ imageName: `localhost:5000/ommx-ts/atomic:v${seed}` });
  for (let i = 0; i < 48; i++) {
    const bytes = new Uint8Array(128 * 1024);
    for (let k = 0; k < bytes.length; k += 4096) bytes[k] = (i * 31 + k + seed) & 0xff;
    await b.logAttachment(`layer-${String(i).padStart(2, "0")}`, "application/octet-stream", bytes);
  }
  return await b.commit();
}

if (import.meta.main) {
  const exp = await buildLargeExperiment(2);
  await Deno.stdout.write(new TextEncoder().encode("writing\n"));
  await saveExperiment(exp, Deno.args[0]!, { overwrite: Deno.args[1] === "overwrite" });
  await Deno.stdout.write(new TextEncoder().encode("done\n"));
}
