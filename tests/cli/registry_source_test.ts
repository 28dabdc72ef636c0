/**
 * The CLI on registry sources: `oci://<registry>/<repo>:<tag>` reads an image
 * from a remote OCI registry (an in-process one on 127.0.0.1 here) exactly as
 * from the archive; `local:<name>` without a Local Registry is one clear error.
 */
import assert from "node:assert/strict";
import { openArchive } from "../../core/oci/backends/archive.ts";
import { openRemoteRegistry } from "../../core/oci/backends/remote_registry.ts";
import { startRegistryServer } from "../../core/oci/backends/_registry_server_test_util.ts";
import { copyImage } from "../../core/oci/copy.ts";
import { cli, cliJson, CORPUS } from "./_cli_test_util.ts";

Deno.test("cli: runs --json on oci://… equals runs --json on the archive", async () => {
  const server = startRegistryServer();
  try {
    const path = `${CORPUS}runs.ommx`;
    const src = await openArchive(await Deno.readFile(path));
    await copyImage(src, await openRemoteRegistry(`${server.host}/ommx/runs:v1`), "v1");
    const fromArchive = await cliJson("runs", path);
    const fromRegistry = await cliJson("runs", `oci://${server.host}/ommx/runs:v1`);
    assert.deepStrictEqual(fromRegistry, fromArchive);
  } finally {
    await server.close();
  }
});

Deno.test("cli: local:<name> with no Local Registry is exit 1 and one line", async () => {
  const root = await Deno.makeTempDir();
  try {
    const prev = Deno.env.get("OMMX_LOCAL_REGISTRY_ROOT");
    Deno.env.set("OMMX_LOCAL_REGISTRY_ROOT", root);
    try {
      const r = await cli("inspect", "local:ghcr.io/a/b:v1");
      assert.equal(r.code, 1);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^error: [A-Z_]+: /);
    } finally {
      if (prev === undefined) Deno.env.delete("OMMX_LOCAL_REGISTRY_ROOT");
      else Deno.env.set("OMMX_LOCAL_REGISTRY_ROOT", prev);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("cli: push to oci://… then runs --json from there; push to a file keeps the manifest", async () => {
  const server = startRegistryServer();
  const dir = await Deno.makeTempDir();
  try {
    const path = `${CORPUS}solves.ommx`;
    const pushed = await cliJson("push", path, `oci://${server.host}/team/solves:v2`) as {
      manifestDigest: string;
    };
    const inspected = await cliJson("inspect", `oci://${server.host}/team/solves:v2`) as {
      manifestDigest: string;
    };
    assert.equal(inspected.manifestDigest, pushed.manifestDigest);
    assert.deepStrictEqual(
      await cliJson("runs", `oci://${server.host}/team/solves:v2`),
      await cliJson("runs", path),
    );
    const out = `${dir}/copy.ommx`;
    const r = await cli("push", `oci://${server.host}/team/solves:v2`, out);
    assert.equal(r.code, 0, r.stderr);
    // Same manifest; the archive is named after where it came from (as the reference does).
    const copied = await cliJson("inspect", out) as { manifestDigest: string; imageName: string };
    assert.equal(copied.manifestDigest, pushed.manifestDigest);
    assert.equal(copied.imageName, `${server.host}/team/solves:v2`);
    const again = await cli("push", path, out);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: ALREADY_EXISTS: /);
    const bad = await cli("push", path);
    assert.equal(bad.code, 2);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
