/**
 * Integration: the REAL CNCF distribution 2.8 registry (Debian `docker-registry`) on 127.0.0.1,
 * started and stopped by this test with our own config.
 * skopeo copies corpus archives in; our RemoteTarget must read them exactly as the archive
 * backend does; our push + tag must be accepted and readable back by skopeo.
 * Skips with one printed line when `docker-registry` (or, for the skopeo steps, `skopeo`) is not
 * on PATH (core/_tools_test_util.ts).
 */
import assert from "node:assert/strict";
import { openRemoteRegistry } from "../../core/oci/backends/remote_registry.ts";
import { openArchiveFile } from "../../core/oci/backends/archive.ts";
import { parseManifest } from "../../core/oci/manifest.ts";
import { digestOf } from "../../core/oci/digest.ts";
import { DigestMismatchError } from "../../core/errors.ts";
import { openSealedExperiment } from "../../core/experiment/read/open.ts";
import type { SealedExperiment } from "../../core/experiment/read/sealed_experiment.ts";
import { listRemoteExperiments } from "../../core/experiment/read/remote_catalogue.ts";
import { copyImage } from "../../core/oci/copy.ts";
import { requireTool, TOOLS } from "../../core/_tools_test_util.ts";

const FIXTURES = new URL("../fixtures/reference/", import.meta.url).pathname;
const SCENARIOS = ["runs", "attachments", "fork-child", "trace"];
const PURPOSE = "the docker-registry integration test (tests/registry/docker_registry_test.ts)";

const registryBin = requireTool(TOOLS.dockerRegistry, PURPOSE);
// Without skopeo the test still runs our push + tag and the error steps.
const skopeo = registryBin === undefined ? undefined : requireTool(
  TOOLS.skopeo,
  "its skopeo steps (tests/registry/docker_registry_test.ts)",
);

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

/**
 * Start `docker-registry serve` with our own config (filesystem storage in a fresh temp dir, no
 * auth) on 127.0.0.1, port 0; the port is read from its "listening on" log line.
 */
async function startRegistry(bin: string): Promise<Registry> {
  const dir = await Deno.makeTempDir({ prefix: "ommx-registry-" });
  await Deno.mkdir(`${dir}/storage`);
  await Deno.writeTextFile(
    `${dir}/config.yml`,
    [
      "version: 0.1",
      "log:",
      "  level: info", // the "listening on" line is at info
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${dir}/storage`,
      "  delete:",
      "    enabled: true",
      "http:",
      "  addr: 127.0.0.1:0",
      "",
    ].join("\n"),
  );
  const child = new Deno.Command(bin, {
    args: ["serve", `${dir}/config.yml`],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  let host: string | undefined;
  const giveUp = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    while (host === undefined) {
      const { value, done } = await reader.read();
      if (done) break;
      log += value;
      host = /listening on (127\.0\.0\.1:\d+)/.exec(log)?.[1];
    }
  } finally {
    clearTimeout(giveUp);
  }
  // Keep draining the log (bounded) so the registry never blocks on a full pipe.
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      log = (log + value).slice(-65_536);
    }
  })();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await drained.catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  if (host === undefined) {
    await stop();
    throw new Error(`${bin} did not start listening; its log:\n${log}`);
  }
  return { host, dir, stop };
}

async function sameExperiment(a: SealedExperiment, b: SealedExperiment): Promise<void> {
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
  ignore: registryBin === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const registry = await startRegistry(registryBin!);
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
              const remote = await openSealedExperiment(await openRemoteRegistry(ref));
              const local = await openSealedExperiment(path);
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
              const pushed = await copyImage(archive, target, "v2");
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
        "tags/list: listTags and listRemoteExperiments read a real registry's tags",
        async () => {
          const repo = `${registry.host}/ours/listing`;
          for (const scenario of SCENARIOS) {
            const archive = await openArchiveFile(`${FIXTURES}${scenario}.ommx`);
            const target = await openRemoteRegistry(`${repo}:${scenario}`);
            try {
              await copyImage(archive, target, scenario);
            } finally {
              await archive.close();
              await target.close();
            }
          }
          const target = await openRemoteRegistry(repo);
          try {
            // distribution 2.8 ignores `n` and sends its tags in storage order, not sorted
            const all = await target.listTags();
            assert.equal(all.truncated, false);
            assert.deepEqual([...all.tags].sort(), [...SCENARIOS].sort());
            assert.deepEqual(await target.listTags({ limit: 2 }), {
              tags: all.tags.slice(0, 2),
              truncated: true,
            });
          } finally {
            await target.close();
          }
          const { entries, truncated } = await listRemoteExperiments(repo);
          assert.equal(truncated, false);
          assert.deepEqual(entries.map((e) => e.tag).sort(), [...SCENARIOS].sort());
          for (const entry of entries) {
            assert.equal(entry.error, null, entry.tag);
            await using exp = await openSealedExperiment(`${FIXTURES}${entry.tag}.ommx`);
            const ref = entry.experiment!;
            assert.equal(ref.imageName, `${repo}:${entry.tag}`);
            assert.equal(ref.manifestDigest, exp.manifestDigest);
            assert.equal(ref.status, exp.status);
            assert.equal(ref.runCount, exp.runs.length);
            assert.equal(
              ref.solveCount,
              exp.runs.reduce((n, r) => n + r.solves.length, 0),
            );
          }
          await assert.rejects(
            listRemoteExperiments(`${registry.host}/ours/no-such-repo`),
            { code: "BLOB_NOT_FOUND" },
          );
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
