/**
 * The generic OMMX artifacts written by earlier reference versions
 * (`../shared/fixtures/`): opened in place through `openArtifact`, every blob
 * verified, and each Instance evaluated at its stored Solution's state must
 * reproduce the Solution's objective and feasibility.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { openArtifact, openExperiment } from "../mod.ts";

const SHARED = fileURLToPath(new URL("../../shared/fixtures/", import.meta.url));

function fixtures(): string[] {
  try {
    const out: string[] = [];
    for (const dir of ["ommx-repo", "qoblib-labs"]) {
      for (const e of Deno.readDirSync(join(SHARED, dir))) {
        if (e.name.endsWith(".ommx")) out.push(join(SHARED, dir, e.name));
      }
    }
    return out.sort();
  } catch {
    return [];
  }
}

const files = fixtures();
if (files.length === 0) {
  console.log(`skipping shared fixture tests: ${SHARED} is absent (a clone outside the workplace)`);
}

for (const path of files) {
  const name = path.slice(SHARED.length);
  Deno.test(`shared fixture ${name}: generic artifact read in place`, async () => {
    await using artifact = await openArtifact(path);
    assert.equal(artifact.artifactType, "application/org.ommx.v1.artifact");
    assert.ok(artifact.layers.length >= 1);
    for (const layer of artifact.layers) {
      const bytes = await artifact.getBlob(layer);
      assert.equal(bytes.length, layer.size);
    }
    const instance = await artifact.getInstance();
    assert.ok(instance.numVariables > 0, "instance has variables");
    assert.equal(
      instance.annotations["org.ommx.v1.instance.variables"],
      String(instance.numVariables),
      "annotations show the variable count as the reference's Instance.annotations does",
    );
    const solutionLayer = artifact.layers.find((l) => l.mediaType.endsWith(".solution"));
    if (solutionLayer === undefined) {
      assert.equal(name, "ommx-repo/random_lp_instance.ommx");
      await assert.rejects(artifact.getSolution(), { code: "INVALID_ARGUMENT" });
      return;
    }
    const solution = await artifact.getSolution();
    const evaluation = instance.evaluate(solution.state);
    const scale = Math.max(1, Math.abs(solution.objective));
    assert.ok(
      Math.abs(evaluation.objective - solution.objective) / scale <= 1e-9,
      `objective ${evaluation.objective} vs stored ${solution.objective}`,
    );
    assert.equal(evaluation.feasible, solution.feasible, "feasibility");
  });

  Deno.test(`shared fixture ${name}: refused as an Experiment with a typed error`, async () => {
    await assert.rejects(openExperiment(path), (e: unknown) => {
      assert.equal((e as { code?: string }).code, "INVALID_ARTIFACT");
      assert.match((e as Error).message, /application\/org\.ommx\.v1\.artifact/);
      return true;
    });
  });
}
