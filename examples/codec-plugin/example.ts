/**
 * Register the `.npy` codec, record a small Experiment with a matrix attached
 * (once at the Experiment level, once inside a Run), save it to a temporary
 * `.ommx` file, reopen it and read the matrix back two ways: through a codec
 * registry passed to `openExperiment`, and through `getWithCodec`.
 *
 * Run: deno run -A examples/codec-plugin/example.ts
 *
 * @module
 */
import { type NpyArray, npyCodec, toNested } from "./mod.ts";
import {
  createExperiment,
  defaultCodecs,
  openExperiment,
  saveExperiment,
} from "@ommx-ts/experiment";

// A 3x3 distance matrix and one row of it per run.
const distances: NpyArray<"float64"> = {
  dtype: "float64",
  shape: [3, 3],
  data: new Float64Array([0, 1.5, 2.25, 1.5, 0, 3, 2.25, 3, 0]),
};

const builder = createExperiment({ imageName: "localhost:5000/examples/npy-codec:v1" });
await builder.logWithCodec(npyCodec, "distances", distances);
for (const origin of [0, 1]) {
  await builder.withRun(async (run) => {
    run.logParameter("origin", origin);
    const row = distances.data.slice(origin * 3, origin * 3 + 3);
    await run.logWithCodec(npyCodec, "row", { dtype: "float64", shape: [3], data: row });
  });
}
const experiment = await builder.commit();

const dir = await Deno.makeTempDir({ prefix: "npy-codec-example-" });
try {
  const path = await saveExperiment(experiment, `${dir}/distances.ommx`);
  console.log(`saved ${path}`);

  // 1. A registry with the plugin: getAttachment decodes application/x-npy layers.
  const codecs = defaultCodecs.with(npyCodec);
  await using exp = await openExperiment(path, { codecs });
  const info = exp.attachmentInfo("distances");
  console.log(`"distances" is ${info.mediaType} (${info.descriptor.size} bytes)`);
  const matrix = (await exp.getAttachment("distances")) as NpyArray;
  console.log(`registry:     ${matrix.dtype} ${JSON.stringify(matrix.shape)}`);
  for (const row of toNested(matrix) as number[][]) console.log(`  [${row.join(", ")}]`);

  // 2. No registration needed: getWithCodec checks the media type, then decodes.
  await using plain = await openExperiment(path);
  for (const run of plain.runs) {
    const row = await run.getWithCodec(npyCodec, "row");
    console.log(
      `getWithCodec: run ${run.runId} origin=${run.parameters.origin} row=${
        JSON.stringify(toNested(row))
      }`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
