/**
 * Opened, then saved again: every reference archive comes back byte for byte
 * (member order, headers, manifest and index bytes), through any backend.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openExperiment, saveExperiment, saveExperimentLayout } from "../mod.ts";
import { archivePath, COMMITTED_CORPUS, corpusArchives } from "./conformance/_corpus_test_util.ts";

for (const name of corpusArchives(COMMITTED_CORPUS)) {
  Deno.test(`re-save: ${name}.ommx opened and saved again is byte-identical`, async () => {
    const original = await Deno.readFile(archivePath(name, COMMITTED_CORPUS));
    const dir = await Deno.makeTempDir();
    try {
      await using exp = await openExperiment(original);
      const out = join(dir, "copy.ommx");
      await saveExperiment(exp, out);
      assert.deepStrictEqual(await Deno.readFile(out), original);
      // Through a layout directory and back.
      await saveExperimentLayout(exp, join(dir, "layout"));
      await using fromDir = await openExperiment(join(dir, "layout"));
      assert.equal(fromDir.manifestDigest, exp.manifestDigest);
      const again = join(dir, "again.ommx");
      await saveExperiment(fromDir, again);
      assert.deepStrictEqual(await Deno.readFile(again), original);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
