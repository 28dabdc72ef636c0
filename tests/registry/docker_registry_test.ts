/**
 * Integration: the REAL CNCF distribution 2.8 registry (Debian `docker-registry`) on 127.0.0.1,
 * started and stopped by this test with our own config (tests/registry/start_registry.sh).
 * skopeo copies corpus archives in; our RemoteTarget must read them exactly as the archive
 * backend does; our push + tag must be accepted and readable back by skopeo.
 * Skips with a printed reason when /usr/bin/docker-registry (or skopeo) is absent.
 */
import assert from "node:assert/strict";
import { openRemoteRegistry } from "../../core/oci/backends/remote_registry.ts";
import { openArchiveFile } from "../../core/oci/backends/archive.ts";
import { parseManifest } from "../../core/oci/manifest.ts";
import { digestOf } from "../../core/oci/digest.ts";
import { DigestMismatchError } from "../../core/errors.ts";
import { openExperiment } from "../../core/experiment/open.ts";
import type { Experiment } from "../../core/experiment/experiment.ts";
import { copyManifest } from "../_copy.ts";

const REGISTRY_BIN = "/usr/bin/docker-registry";
const HERE = new URL(".", import.meta.url).pathname;
const FIXTURES = new URL("../fixtures/reference/", import.meta.url).pathname;
const SCENARIOS = ["runs", "attachments", "fork-child", "trace"];

async function which(bin: string): Promise<boolean> {
  try {
    return (await Deno.stat(bin)).isFile;
  } catch {
    return false;
  }
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && await which(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

const hasRegistry = await which(REGISTRY_BIN);
const skopeo = await findOnPath("skopeo");
if (!hasRegistry) {
  console.log(
    `docker_registry_test: skipped: ${REGISTRY_BIN} not found (apt-get install docker-registry)`,
  );
} else if (!skopeo) {
  console.log(
    "docker_registry_test: skopeo not found; skopeo steps skipped (apt-get install skopeo)",
  );
}

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

interface Registry {
  host: string;
  dir: string;
  stop(): Promise<void>;
}

async function startRegistry(): Promise<Registry> {
  const out = (await run("bash", [`${HERE}start_registry.sh`])).trim().split("\n");
  const [port, pid, dir] = out as [string, string, string];
  return {
    host: `127.0.0.1:${port}`,
    dir,
    stop: async () => {
      try {
        Deno.kill(Number(pid), "SIGTERM");
      } catch { /* already gone */ }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function sameExperiment(a: Experiment, b: Experiment): Promise<void> {
  assert.equal(a.manifestDigest, b.manifestDigest);
  assert.equal(a.status, b.status);
  assert.deepEqual(a.attachmentNames, b.attachmentNames);
  for (const name of a.attachmentNames) {
    assert.deepEqual(await a.getBlob(name), await b.getBlob(name));
  }
  assert.deepEqual(
    a.runs.map((r) => [r.runId, r.status, r.attachmentNames]),
    b.runs.map((r) => [r.runId, r.status, r.attachmentNames]),
  );
  for (const [i, run] of a.runs.entries()) {
    const other = b.runs[i]!;
    for (const name of run.attachmentNames) {
      assert.deepEqual(await run.getBlob(name), await other.getBlob(name));
    }
  }
}

Deno.test({
  name: "docker-registry 2.8: skopeo-copied archives read identically; our push+tag accepted",
  ignore: !hasRegistry,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const registry = await startRegistry();
    try {
      if (skopeo) {
        await t.step(
          "skopeo copy oci-archive → registry; RemoteTarget reads the same Experiment",
          async () => {
            for (const scenario of SCENARIOS) {
              const path = `${FIXTURES}${scenario}.ommx`;
              const ref = `${registry.host}/ommx/${scenario}:v1`;
              await run(skopeo, [
                "copy",
                "--quiet",
                "--dest-tls-verify=false",
                `oci-archive:${path}`,
                `docker://${ref}`,
              ]);
              const remote = await openExperiment(await openRemoteRegistry(ref));
              const local = await openExperiment(path);
              try {
                await sameExperiment(remote, local);
                assert.equal(remote.imageName, ref);
                if (scenario === "fork-child") assert.notEqual(remote.subject, null);
              } finally {
                await remote.close();
                await local.close();
              }
            }
          },
        );
      }

      await t.step(
        "our push + tag; skopeo inspect --raw returns the verbatim manifest",
        async () => {
          for (const scenario of SCENARIOS) {
            const path = `${FIXTURES}${scenario}.ommx`;
            const ref = `${registry.host}/ours/${scenario}:v2`;
            const archive = await openArchiveFile(path);
            const target = await openRemoteRegistry(ref);
            try {
              const pushed = await copyManifest(archive, target, "v2");
              const fresh = await openRemoteRegistry(ref);
              const resolved = await fresh.resolve();
              assert.equal(resolved.digest, pushed.digest);
              const { manifest } = parseManifest(await fresh.fetch(resolved));
              for (const blob of [manifest.config, ...manifest.layers]) {
                assert.deepEqual(await fresh.fetch(blob), await archive.fetch(blob));
              }
              if (skopeo) {
                const raw = await new Deno.Command(skopeo, {
                  args: ["inspect", "--tls-verify=false", "--raw", `docker://${ref}`],
                  stdout: "piped",
                }).output();
                assert.ok(raw.success);
                assert.equal(await digestOf(raw.stdout), pushed.digest);
              }
            } finally {
              await archive.close();
              await target.close();
            }
          }
        },
      );

      await t.step(
        "digest refs, unknown refs, and a blob tampered on the registry's disk",
        async () => {
          const target = await openRemoteRegistry(`${registry.host}/ours/runs:v2`);
          const d = await target.resolve();
          assert.equal((await target.resolve(d.digest)).digest, d.digest);
          await assert.rejects(target.resolve("v404"), { code: "BLOB_NOT_FOUND" });
          const { manifest } = parseManifest(await target.fetch(d));
          const layer = manifest.layers.find((l) => l.size > 1)!;
          await assert.rejects(
            target.fetch({ ...layer, digest: `sha256:${"0".repeat(64)}` }),
            { code: "BLOB_NOT_FOUND" },
          );
          const hex = layer.digest.slice(7);
          const file = `${registry.dir}/storage/docker/registry/v2/blobs/sha256/${
            hex.slice(0, 2)
          }/${hex}/data`;
          const bytes = await Deno.readFile(file);
          bytes[0] = bytes[0]! ^ 0xff;
          await Deno.writeFile(file, bytes);
          await assert.rejects(target.fetch(layer), (e) => {
            assert.ok(e instanceof DigestMismatchError);
            assert.equal(e.code, "DIGEST_MISMATCH");
            return true;
          });
          await assert.rejects(
            new Response(target.fetchStream(layer)).arrayBuffer(),
            DigestMismatchError,
          );
        },
      );
    } finally {
      await registry.stop();
    }
  },
});
