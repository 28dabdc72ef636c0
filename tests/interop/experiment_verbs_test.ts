/**
 * Interop: the Experiment verbs against the reference SDK on one Local Registry
 * (tests/interop/experiment_verbs.py drives Python):
 *
 * - `create` + `commit`: the same sequence gives the same manifest digest as Python's.
 * - `fork()` of the same parent, one more run, commit: byte-identical child manifests (same
 *   digest), the parent as OCI subject, whichever SDK forks.
 * - `rename()` of a committed Experiment: both names resolve in either SDK.
 * - `save(path)` / `importArchive(path)` across the SDKs (into other registries).
 * - `push()` to the image name's own registry and `load(name)` pulling it into an empty Local
 *   Registry, both ways (an in-process OCI registry on 127.0.0.1).
 *
 * Skipped with one printed line without the venv.
 */
import assert from "node:assert/strict";
import { Experiment } from "../../mod.ts";
import { runPythonJson } from "./_python_test_util.ts";
import { type ExperimentReport, experimentReport } from "./_experiment_report_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";
import { startRegistryServer } from "../../core/oci/backends/_registry_server_test_util.ts";

const found = referencePython(
  "the Experiment verb interop tests (tests/interop/experiment_verbs_test.ts)",
);
const python = found ?? "";
const ignore = found === undefined;

interface Full extends ExperimentReport {
  manifest_digest: string;
  subject: string | null;
}

function py<T>(root: string, ...args: string[]): Promise<T> {
  return runPythonJson<T>(python, "experiment_verbs.py", args, { OMMX_LOCAL_REGISTRY_ROOT: root });
}

async function full(exp: Experiment): Promise<Full> {
  return {
    ...await experimentReport(exp),
    manifest_digest: exp.manifestDigest,
    subject: exp.subject?.digest ?? null,
  };
}

async function oneRun(exp: Experiment, i: number): Promise<void> {
  await exp.withRun(async (run) => {
    run.logParameter("i", i);
    await run.logJson("r", { i });
  });
}

async function make(name: string, root: string): Promise<Experiment> {
  const exp = await Experiment.create(name, { root });
  await exp.logJson("dataset", { writer: "python" }); // the same content as the Python side
  await oneRun(exp, 0);
  await oneRun(exp, 1);
  return await exp.commit();
}

async function withRoots(n: number, fn: (...roots: string[]) => Promise<void>): Promise<void> {
  const roots = await Promise.all(
    [...Array(n)].map(() => Deno.makeTempDir({ prefix: "ommx-verbs-" })),
  );
  try {
    await fn(...roots);
  } finally {
    for (const r of roots) await Deno.remove(r, { recursive: true });
  }
}

Deno.test({
  name: "interop verbs: create/commit and fork give Python's bytes; both SDKs read them",
  ignore,
  async fn() {
    await withRoots(1, async (root) => {
      const theirs = await py<Full>(root, "make", "example.com/verbs/py-parent:v1");
      await using ours = await make("example.com/verbs/ts-parent:v1", root);
      const mine = await full(ours);
      assert.equal(mine.manifest_digest, theirs.manifest_digest); // no name inside a manifest
      assert.deepEqual({ ...mine, image_name: "" }, { ...theirs, image_name: "" });

      // forks of the same parent, one by each SDK
      const pyChild = await py<Full>(
        root,
        "fork",
        "example.com/verbs/py-parent:v1",
        "example.com/verbs/py-child:v1",
      );
      await using parent = await Experiment.load("example.com/verbs/py-parent:v1", { root });
      const child = await parent.fork("example.com/verbs/ts-child:v1");
      assert.deepEqual(child.runs.map((r) => r.runId), [0, 1]);
      await oneRun(child, 2);
      await child.commit();
      const tsChild = await full(child);
      await child.close();
      assert.equal(tsChild.subject, theirs.manifest_digest);
      assert.equal(pyChild.subject, theirs.manifest_digest);
      assert.equal(tsChild.manifest_digest, pyChild.manifest_digest);
      const seen = await py<Full>(root, "load", "example.com/verbs/ts-child:v1");
      assert.deepEqual(seen, tsChild);
    });
  },
});

Deno.test({
  name: "interop verbs: rename, save and importArchive across the SDKs",
  ignore,
  async fn() {
    await withRoots(3, async (root, other, third) => {
      await py<Full>(root, "make", "example.com/verbs/a:v1");
      await using exp = await Experiment.load("example.com/verbs/a:v1", { root });
      await exp.rename("example.com/verbs/a:alias");
      assert.equal(exp.imageName, "example.com/verbs/a:alias");
      await py(root, "rename", "example.com/verbs/a:alias", "example.com/verbs/a:py-alias");
      assert.deepEqual(await py<string[]>(root, "images"), [
        "example.com/verbs/a:alias",
        "example.com/verbs/a:py-alias",
        "example.com/verbs/a:v1",
      ]);
      await using alias = await Experiment.load("example.com/verbs/a:py-alias", { root });
      assert.equal(alias.manifestDigest, exp.manifestDigest);

      // ours saved, imported by Python into another registry; theirs saved, imported by us
      const dir = await Deno.makeTempDir({ prefix: "ommx-verbs-archives-" });
      try {
        await exp.save(`${dir}/ts.ommx`);
        const imported = await py<Full>(other, "import", `${dir}/ts.ommx`);
        assert.equal(imported.image_name, "example.com/verbs/a:alias");
        assert.equal(imported.manifest_digest, exp.manifestDigest);
        await py(root, "save", "example.com/verbs/a:v1", `${dir}/py.ommx`);
        await using back = await Experiment.importArchive(`${dir}/py.ommx`, { root: third });
        assert.equal(back.imageName, "example.com/verbs/a:v1");
        assert.deepEqual(await full(back), { ...imported, image_name: "example.com/verbs/a:v1" });
        assert.deepEqual(await py<string[]>(third, "images"), ["example.com/verbs/a:v1"]);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
});

Deno.test({
  name: "interop verbs: push() to the image name's registry and load() pulling it, both ways",
  ignore,
  async fn() {
    const server = startRegistryServer();
    try {
      await withRoots(4, async (a, b, c, d) => {
        const tsName = `${server.host}/verbs/ts:v1`;
        const ours = await make(tsName, a);
        await ours.push();
        const mine = await full(ours);
        await ours.close();
        assert.deepEqual(await py<Full>(b, "load", tsName), mine);

        const pyName = `${server.host}/verbs/py:v1`;
        const theirs = await py<Full>(c, "make", pyName);
        await py(c, "push", pyName);
        const before = server.log.length;
        await using pulled = await Experiment.load(pyName, { root: d });
        assert.deepEqual(await full(pulled), theirs);
        assert.ok(
          server.log.slice(before).some((l) => l.startsWith("GET /v2/verbs/py/manifests/")),
        );
        const again = server.log.length;
        await using local = await Experiment.load(pyName, { root: d }); // now in the Local Registry
        assert.equal(local.manifestDigest, theirs.manifest_digest);
        assert.equal(server.log.length, again);
        await assert.rejects(Experiment.load(`${server.host}/verbs/none:v1`, { root: d }));
      });
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "interop verbs: an unsealed Experiment reads and prints as Python's",
  ignore,
  async fn() {
    await withRoots(2, async (pyRoot, root) => {
      const name = "example.com/verbs/unsealed:v1";
      const theirs = await py<Record<string, unknown>>(pyRoot, "unsealed", name);
      const exp = await Experiment.create(name, { root });
      const views: Record<string, unknown> = { new: String(exp) };
      await exp.logJson("dataset", { writer: "python" });
      await oneRun(exp, 0);
      const open = exp.run();
      views.open = String(exp);
      views.run = String(open);
      views.runs = exp.runs.map(String);
      views.attachment_names = exp.attachmentNames;
      views.dataset = await exp.getJson("dataset");
      views.status = exp.status;
      views.i = Object.fromEntries(
        exp.runParameters().rows.map((r) => [String(r.runId), Number(r.values.i)]),
      );
      await open.finish();
      views.finished_run = String(open);
      await exp.commit();
      views.sealed = String(exp);
      views.sealed_runs = exp.runs.map(String);
      await exp.close();
      assert.deepEqual(views, theirs);
    });
  },
});
