/**
 * Interop: the REAL Python SDK commits Experiments into a temporary OMMX Local Registry
 * (tests/interop/write_local_registry.py, `OMMX_LOCAL_REGISTRY_ROOT=<tmp>`): two corpus
 * archives via `Experiment.import_archive` and one Experiment written directly. Our
 * `openLocalRegistry` must list the same refs and read the same runs and attachment bytes
 * the SDK reports.
 *
 * Needs the reference SDK (OMMX_INTEROP_PYTHON, OMMX_PYTHON, or .cache/venv with python3 on PATH;
 * core/_tools_test_util.ts); skipped with one printed line otherwise.
 */
import assert from "node:assert/strict";
import { openLocalRegistry } from "../../core/oci/backends/local_registry.ts";
import { openSealedExperiment } from "../../core/experiment/read/open.ts";
import { BlobNotFoundError, DigestMismatchError } from "../../core/errors.ts";
import { parseManifest } from "../../core/oci/manifest.ts";
import { runPythonJson, sha } from "./_python_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";

const python = referencePython(
  "the Python-written Local Registry test (tests/interop/local_registry_test.ts)",
);

const ARCHIVES = ["attachments", "runs", "fork-child"].map((n) =>
  new URL(`../fixtures/reference/${n}.ommx`, import.meta.url).pathname
);

interface Reported {
  root: string;
  refs: { image_name: string; manifest_digest: string }[];
  experiments: Record<string, {
    status: string;
    attachments: Record<string, string>;
    runs: { run_id: number; status: string; attachments: Record<string, string> }[];
  }>;
}

Deno.test({
  name:
    "interop: a Local Registry written by the Python SDK reads identically through openLocalRegistry",
  ignore: !python,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-local-registry-interop-" });
    try {
      const reported = await runPythonJson<Reported>(python!, "write_local_registry.py", ARCHIVES, {
        OMMX_LOCAL_REGISTRY_ROOT: dir,
      });
      assert.equal(reported.root, dir);
      assert.equal(reported.refs.length, 4);

      const registry = await openLocalRegistry({ root: dir });
      try {
        assert.equal(registry.schemaVersion, 2);
        const refs = await registry.listReferences();
        assert.deepEqual(
          refs.map((r) => [r.imageName, r.manifestDigest]).sort(),
          reported.refs.map((r) => [r.image_name, r.manifest_digest]).sort(),
        );
        await assert.rejects(registry.resolve("ghcr.io/ommx-ts/nope:v1"), (e) => {
          assert.ok(e instanceof BlobNotFoundError);
          assert.match(e.message, /ghcr\.io\/ommx-ts\/nope:v1/);
          return true;
        });
      } finally {
        await registry.close();
      }

      for (const [name, want] of Object.entries(reported.experiments)) {
        const exp = await openSealedExperiment(await openLocalRegistry({ root: dir }), {
          reference: name,
        });
        try {
          assert.equal(exp.imageName, name);
          assert.equal(
            exp.manifestDigest,
            reported.refs.find((r) => r.image_name === name)?.manifest_digest,
          );
          assert.equal(exp.status, want.status);
          const attachments: Record<string, string> = {};
          for (const n of exp.attachmentNames) attachments[n] = sha(await exp.getBlob(n));
          assert.deepEqual(attachments, want.attachments, `${name} attachments`);
          assert.deepEqual(
            exp.runs.map((r) => [r.runId, r.status]),
            want.runs.map((r) => [r.run_id, r.status]),
          );
          for (const [i, run] of exp.runs.entries()) {
            const got: Record<string, string> = {};
            for (const n of run.attachmentNames) got[n] = sha(await run.getBlob(n));
            assert.deepEqual(got, want.runs[i]!.attachments, `${name} run ${run.runId}`);
          }
        } finally {
          await exp.close();
        }
      }

      // Tamper with a blob the SDK wrote: our reader refuses it; then remove it.
      const registry2 = await openLocalRegistry({ root: dir });
      try {
        const d = await registry2.resolve("ghcr.io/ommx-ts/test/local:v1");
        const { manifest } = parseManifest(await registry2.fetch(d));
        const layer = manifest.layers[0]!;
        const path = `${dir}/blobs/sha256/${layer.digest.slice(7)}`;
        const bytes = await Deno.readFile(path);
        bytes[0] = bytes[0]! ^ 0xff;
        await Deno.chmod(path, 0o644).catch(() => {});
        await Deno.writeFile(path, bytes);
        await assert.rejects(registry2.fetch(layer), DigestMismatchError);
        await Deno.remove(path);
        await assert.rejects(registry2.fetch(layer), BlobNotFoundError);
      } finally {
        await registry2.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
