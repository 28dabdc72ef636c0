/**
 * `openExperiment` on registry sources: `{ registry }` (a remote OCI
 * registry, here an in-process one on 127.0.0.1) and `{ localRegistry }`
 * (a Local Registry laid out as the reference SDK does).
 */
import assert from "node:assert/strict";
import { openExperiment, saveExperiment } from "../mod.ts";
import { openArchive } from "../core/oci/backends/archive.ts";
import { openRemoteRegistry } from "../core/oci/backends/remote_registry.ts";
import { startRegistryServer } from "../core/oci/backends/_registry_server_test_util.ts";
import { copyImage } from "../core/oci/copy.ts";
import { archivePath, COMMITTED_CORPUS } from "./conformance/_corpus_test_util.ts";

Deno.test("openExperiment({ registry }) reads the same Experiment as the archive", async () => {
  const server = startRegistryServer();
  try {
    const bytes = await Deno.readFile(archivePath("solves", COMMITTED_CORPUS));
    const src = await openArchive(bytes);
    const dst = await openRemoteRegistry(`${server.host}/ommx/solves:v1`);
    await copyImage(src, dst, "v1");
    await using fromArchive = await openExperiment(bytes);
    await using remote = await openExperiment({ registry: `${server.host}/ommx/solves:v1` });
    assert.equal(remote.manifestDigest, fromArchive.manifestDigest);
    assert.deepEqual(
      remote.runs.map((r) => r.toString()),
      fromArchive.runs.map((r) => r.toString()),
    );
    const solve = remote.runs[0]!.solves[0]!;
    assert.equal((await solve.getOutput())?.objective, 42);
    // And back to a byte-identical archive from the registry's blobs.
    const dir = await Deno.makeTempDir();
    try {
      await saveExperiment(remote, `${dir}/copy.ommx`);
      const copy = await Deno.readFile(`${dir}/copy.ommx`);
      assert.equal(copy.length, bytes.length);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    await server.close();
  }
});

Deno.test("openExperiment({ registry }) of an unknown tag is a typed error", async () => {
  const server = startRegistryServer();
  try {
    await assert.rejects(
      openExperiment({ registry: `${server.host}/ommx/nothing:v1` }),
      (e: unknown) => {
        assert.ok(["BLOB_NOT_FOUND", "INVALID_ARGUMENT"].includes((e as { code: string }).code));
        assert.match((e as Error).message, /nothing/);
        return true;
      },
    );
  } finally {
    await server.close();
  }
});

Deno.test("openExperiment({ localRegistry }) without an index is a typed error", async () => {
  const root = await Deno.makeTempDir();
  try {
    await assert.rejects(
      openExperiment({ localRegistry: "ghcr.io/a/b:v1", root }),
      { code: "INVALID_ARGUMENT" },
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
