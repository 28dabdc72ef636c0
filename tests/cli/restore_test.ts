/**
 * `ommx-ts restore <image name>`: the checkpoint an unfinished Experiment left in a Local
 * Registry becomes the committed Experiment, under its requested name; errors are one line.
 */
import assert from "node:assert/strict";
import { Experiment, listExperimentCheckpoints } from "../../mod.ts";
import { cli } from "./_cli_test_util.ts";

Deno.test("restore: a draft or failed checkpoint is committed under its image name", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-cli-restore-" });
  try {
    const exp = await Experiment.create("example.com/cli/sweep:v1", { root });
    for (let i = 0; i < 3; i++) await exp.withRun((run) => run.logParameter("i", i));
    await exp.close(); // unsealed, as a crashed process leaves it
    const text = await cli("restore", "example.com/cli/sweep:v1", "--root", root);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^restored example\.com\/cli\/sweep:v1 from its draft checkpoint of \S+ \(3 runs\)\ncommitted sha256:[0-9a-f]{64}\n$/,
    );
    assert.deepEqual(await listExperimentCheckpoints(null, { root }), []);
    await using loaded = await Experiment.load("example.com/cli/sweep:v1", { root });
    assert.equal(loaded.runs.length, 3);

    const failing = await Experiment.create("example.com/cli/failed:v1", { root });
    await failing.record(async (e) => {
      await e.withRun((run) => run.logParameter("i", 0));
      throw new Error("solver \x1b[31mcrashed");
    }).catch(() => {});
    await failing.close();
    const json = await cli("restore", "example.com/cli/failed:v1", "--root", root, "--json");
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.imageName, "example.com/cli/failed:v1");
    assert.equal(report.runs, 1);
    assert.equal(report.checkpoint.status, "failed");
    assert.equal(report.checkpoint.reason, "Error: solver \x1b[31mcrashed");
    assert.match(report.manifestDigest, /^sha256:/);

    const none = await cli("restore", "example.com/cli/none:v1", "--root", root);
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /^error: INVALID_ARGUMENT: No Experiment checkpoint found for requested image example\.com\/cli\/none:v1/,
    );
    const bad = await cli("restore", "NOT A NAME", "--root", root);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: INVALID_REFERENCE: /);
    const usage = await cli("restore");
    assert.equal(usage.code, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
