/**
 * The Local Registry commands of `ommx-ts` run for real (subprocesses) on registries ommx-ts
 * writes: `import`, `ls` (prefix, --status, --artifacts, --json), `rm` and the printed
 * `restore-ref` rollback, `rename` (alias, --move), `gc` (dry run by default, --delete,
 * --grace-period), `prune`; `OMMX_LOCAL_REGISTRY_ROOT` versus `--root`; bad arguments (exit 2),
 * a missing image (exit 1 with its error code), and names from the registry printed with control
 * characters escaped. The same commands against the Python SDK: tests/interop/registry_catalogue_test.ts.
 */
import assert from "node:assert/strict";
import { ArtifactDraft, createExperiment, saveArtifact } from "../../mod.ts";
import { MemoryTarget } from "../../core/oci/backends/memory.ts";
import { openLocalRegistry } from "../../core/oci/backends/local_registry.ts";
import { cli, cliEnv } from "./_cli_test_util.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ommx-cli-reg-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function archive(dir: string, name: string, payload: string): Promise<string> {
  const draft = ArtifactDraft.new(name, { store: new MemoryTarget() });
  await draft.addJson({ payload });
  await using artifact = await draft.commit();
  return await saveArtifact(artifact, `${dir}/${payload}.ommx`);
}

// deno-lint-ignore no-explicit-any
function json(r: { code: number; stdout: string; stderr: string }): any {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

Deno.test("cli registry: import, ls, rm with its rollback, restore-ref, rename, gc, prune", async () => {
  await withDir(async (dir) => {
    const root = `${dir}/reg`;
    const a = await archive(dir, "example.com/cli/a:v1", "a");
    const imported = json(await cli("import", a, "--root", root, "--json"));
    assert.deepEqual([imported.imageName, imported.root], ["example.com/cli/a:v1", root]);
    // An Experiment next to it, through the library.
    const registry = await openLocalRegistry({ root, writable: true });
    const builder = createExperiment({ imageName: "example.com/cli/exp:v1", store: registry });
    await builder.withRun((run) => run.logParameter("k", 1));
    await builder.commit();
    await registry.close();

    const ls = json(await cli("ls", "--root", root, "--json"));
    assert.deepEqual(ls.experiments.map((e: { imageName: string }) => e.imageName), [
      "example.com/cli/exp:v1",
    ]);
    assert.equal(ls.experiments[0].runCount, 1);
    assert.equal(ls.experiments[0].config, undefined);
    assert.deepEqual(
      json(await cli("ls", "--root", root, "--status", "failed", "--json")).experiments,
      [],
    );
    const arts = json(
      await cli("ls", "example.com/cli/a", "--artifacts", "--root", root, "--json"),
    );
    assert.deepEqual(arts.artifacts.map((x: { imageName: string }) => x.imageName), [
      "example.com/cli/a:v1",
    ]);
    // The table, and the root from the environment instead of --root.
    const table = await cliEnv({ OMMX_LOCAL_REGISTRY_ROOT: root }, "ls");
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^image\s+status\s+runs\s+solves\s+samplings\s+updated\s+digest\n/);
    assert.match(table.stdout, /example\.com\/cli\/exp:v1\s+finished\s+1\s+0\s+0\s/);

    const rm = await cli("rm", "example.com/cli/a:v1", "--root", root);
    assert.equal(rm.code, 0, rm.stderr);
    assert.match(rm.stdout, /Removed example\.com\/cli\/a:v1 \(sha256:[0-9a-f]{64}\)/);
    const rollback = /Rollback (ommx-ts restore-ref .*)\n/.exec(rm.stdout)![1]!;
    assert.ok(rollback.endsWith(`--root '${root}'`));
    const [name, digest] = [...rollback.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
    assert.equal(name, "example.com/cli/a:v1");
    assert.deepEqual(json(await cli("restore-ref", name, digest!, "--root", root, "--json")), {
      image: name,
      manifestDigest: digest,
      inserted: true,
    });
    const again = await cli("restore-ref", name, digest!, "--root", root);
    assert.match(again.stdout, /Unchanged example\.com\/cli\/a:v1/);

    const renamed = json(
      await cli("rename", "example.com/cli/a:v1", "example.com/cli/b:v1", "--root", root, "--json"),
    );
    assert.deepEqual([renamed.inserted, renamed.removedFrom], [true, false]);
    const both = json(await cli("ls", "example.com/cli/", "--artifacts", "--root", root, "--json"));
    assert.deepEqual(both.artifacts.map((x: { imageName: string }) => x.imageName), [
      "example.com/cli/a:v1",
      "example.com/cli/b:v1",
      "example.com/cli/exp:v1",
    ]);

    // gc: a dry run by default; --delete with a grace period of 0 reclaims the removed manifest.
    json(await cli("rm", "example.com/cli/a:v1", "--root", root, "--json"));
    json(await cli("rm", "example.com/cli/b:v1", "--root", root, "--json"));
    const dry = json(await cli("gc", "--root", root, "--grace-period", "0s", "--json"));
    assert.equal(dry.deleteApplied, false);
    assert.ok(dry.orphanCandidates.some((b: { digest: string }) => b.digest === digest));
    const text = await cli("gc", "--root", root, "--grace-period", "0s");
    assert.match(text.stdout, /Dry Run registry unchanged; pass --delete to apply/);
    const del = json(await cli("gc", "--root", root, "--grace-period", "0s", "--delete", "--json"));
    assert.ok(del.deletedBlobs.some((b: { digest: string }) => b.digest === digest));
    const gone = await cli("restore-ref", name, digest!, "--root", root);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^error: BLOB_NOT_FOUND: /);

    const prune = await cli("prune", "--root", root);
    assert.match(prune.stdout, /Clean no matching anonymous refs found/);
  });
});

Deno.test("cli registry: bad arguments exit 2 with the usage; a missing image exits 1 with its code", async () => {
  await withDir(async (root) => {
    for (
      const args of [
        ["ls", "a", "b"],
        ["ls", "--status", "done"],
        ["ls", "--status", "finished", "--artifacts"],
        ["rm"],
        ["gc", "--dry-run", "--delete"],
        ["gc", "--grace-period", "1w"],
        ["prune", "--older-than", "x"],
        ["rename", "a"],
        ["import"],
        ["restore-ref", "example.com/x:v1"],
        ["gc", "--bogus"],
      ]
    ) {
      const r = await cli(...args, "--root", root);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /\nusage: ommx-ts /);
    }
    const missing = await cli("rm", "example.com/none:v1", "--root", root);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: BLOB_NOT_FOUND: .*example\.com\/none:v1/);
    const badName = await cli("rm", "Not A Name", "--root", root);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /^error: INVALID_REFERENCE: /);
    const noSource = await cli("rename", "example.com/none:v1", "example.com/x:v1", "--root", root);
    assert.equal(noSource.code, 1);
    const badDigest = await cli("restore-ref", "example.com/x:v1", "sha256:zz", "--root", root);
    assert.equal(badDigest.code, 1);
    assert.match(badDigest.stderr, /^error: INVALID_ARGUMENT: /);
    const notArchive = await cli("import", `${root}/nothing.ommx`, "--root", root);
    assert.equal(notArchive.code, 1);
  });
});

Deno.test("cli registry: names read from the registry are printed with control characters escaped", async () => {
  await withDir(async (dir) => {
    const root = `${dir}/reg`;
    await (await openLocalRegistry({ root, writable: true, create: true })).close();
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(`${root}/index.sqlite3`);
    db.exec(
      `INSERT INTO refs VALUES ('evil' || char(27) || '[31m', 'v1', 'sha256:${
        "1".repeat(64)
      }', 'x')`,
    );
    db.close();
    for (const args of [["ls"], ["ls", "--artifacts"], ["gc", "--digests"]]) {
      const r = await cli(...args, "--root", root);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes("\u001b") && !r.stderr.includes("\u001b"), args.join(" "));
    }
    const ls = await cli("ls", "--root", root);
    assert.match(ls.stderr, /Warning Local Registry listing issue for evil\\x1b\[31m:v1/);
  });
});
