/**
 * `serve` on an OCI layout directory: the browser reads archives, so the
 * command packs the Experiment into one; it is served with the same manifest.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openExperiment, saveExperimentLayout } from "../../mod.ts";
import { CORPUS, ROOT } from "./_cli_test_util.ts";

Deno.test("cli: serve <layout dir> serves an archive of the same Experiment", async () => {
  const dir = await Deno.makeTempDir();
  const layout = join(dir, "layout");
  await using exp = await openExperiment(`${CORPUS}trace.ommx`);
  await saveExperimentLayout(exp, layout);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, "serve", layout, "--port", "0", "--json"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    reader.releaseLock();
    const { archive } = JSON.parse(text.split("\n")[0]!) as { archive: string };
    const res = await fetch(archive);
    assert.equal(res.status, 200);
    await using served = await openExperiment(new Uint8Array(await res.arrayBuffer()));
    assert.equal(served.manifestDigest, exp.manifestDigest);
    assert.equal(served.runs.length, exp.runs.length);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
