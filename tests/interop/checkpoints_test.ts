/**
 * Interop: Experiment checkpoints in one Local Registry, written by one SDK and continued by the
 * other (tests/interop/checkpoints.py drives the reference SDK).
 *
 * - `draft` checkpoints after Run close: ours are listed (`list_experiment_checkpoints`, every
 *   field equal to our `listExperimentCheckpoints`) and restored by Python, and the reverse;
 *   the committed result is the same Experiment whichever SDK reads it, its OCI subject the
 *   checkpoint manifest, and the checkpoint is gone after the commit.
 * - `failed` checkpoints (an error inside the scope) both ways.
 * - A writer killed with SIGKILL mid-sweep (a Deno writer, then a Python one): the other SDK
 *   restores every Run whose close was reported, continues and commits.
 * - The four autosave policies checkpoint after the same Runs in both SDKs.
 * - Our `draft` checkpoints carry no listing-cache rows (`artifact_manifests` /
 *   `experiment_configs`): after many of them, and after a killed writer, Python lists them
 *   (backfilling the rows from the blobs), restores, commits and loads them; the next draft
 *   prunes the backfilled rows again.
 * - After each scenario the reference's `gc()` finds no missing blob and no invalid manifest.
 *
 * Skipped with one printed line without the venv.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  AutosavePolicy,
  Experiment,
  type ExperimentCheckpointRef,
  listExperimentCheckpoints,
} from "../../mod.ts";
import { runPythonJson } from "./_python_test_util.ts";
import { type ExperimentReport, experimentReport } from "./_experiment_report_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";

const found = referencePython("the checkpoint interop tests (tests/interop/checkpoints_test.ts)");
const python = found ?? "";
const here = new URL(".", import.meta.url);

function py<T>(root: string, ...args: string[]): Promise<T> {
  return runPythonJson<T>(python, "checkpoints.py", args, { OMMX_LOCAL_REGISTRY_ROOT: root });
}

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "ommx-checkpoints-" });
  try {
    await fn(root);
    assert.deepEqual(await py(root, "gc"), { missing: [], invalid: [] });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** The listing-cache rows of `manifestDigest`: [artifact_manifests, experiment_configs]. */
async function cacheRows(root: string, manifestDigest: string): Promise<[number, number]> {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(`${root}/index.sqlite3`, { readOnly: true });
  try {
    const m = db.prepare(
      "SELECT count(*) AS n FROM artifact_manifests WHERE manifest_digest = ?",
    ).get(manifestDigest) as { n: number };
    const c = db.prepare(
      `SELECT count(*) AS n FROM experiment_configs WHERE config_digest IN
         (SELECT config_digest FROM artifact_manifests WHERE manifest_digest = ?)`,
    ).get(manifestDigest) as { n: number };
    return [Number(m.n), Number(c.n)];
  } finally {
    db.close();
  }
}

/** The manifest digest a ref points at (`null` when absent). */
async function refDigest(root: string, imageName: string): Promise<string | null> {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(`${root}/index.sqlite3`, { readOnly: true });
  try {
    const colon = imageName.lastIndexOf(":");
    const row = db.prepare("SELECT manifest_digest FROM refs WHERE name = ? AND reference = ?")
      .get(imageName.slice(0, colon), imageName.slice(colon + 1)) as
        | { manifest_digest: string }
        | undefined;
    return row?.manifest_digest ?? null;
  } finally {
    db.close();
  }
}

function fields(c: ExperimentCheckpointRef): Record<string, unknown> {
  return {
    checkpoint_image_name: c.checkpointImageName,
    requested_image_name: c.requestedImageName,
    manifest_digest: c.manifestDigest,
    config_digest: c.configDigest,
    updated_at: c.updatedAt,
    status: c.status,
    run_count: c.runCount,
    solve_count: c.solveCount,
    sampling_count: c.samplingCount,
    annotations: { ...c.annotations },
    config: c.config,
    repr: String(c),
  };
}

async function oneRun(exp: Experiment, i: number): Promise<void> {
  await exp.withRun(async (run) => {
    run.logParameter("i", i);
    await run.logJson("r", { i });
  });
}

/** Start a writer, kill it with SIGKILL once it reported `atLeast` closed runs; the last reported. */
async function killAfter(command: Deno.Command, atLeast: number): Promise<number> {
  const child = command.spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let last = -1;
  try {
    while (last < atLeast) {
      const { done, value } = await lines.read();
      if (done) break;
      buffer += value;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const line of parts) {
        if (line.trim() !== "") last = (JSON.parse(line) as { closed: number }).closed;
      }
    }
  } finally {
    child.kill("SIGKILL");
    await lines.cancel().catch(() => {});
    await child.status;
  }
  assert.ok(last >= atLeast, `the writer stopped after ${last + 1} runs`);
  return last;
}

const ignore = found === undefined;

Deno.test({
  name: "interop checkpoints: a draft we write is listed and restored by Python, and back",
  ignore,
  async fn() {
    await withRoot(async (root) => {
      const name = "example.com/interop/ts-draft:v1";
      const exp = await Experiment.create(name, { root, storeTrace: true });
      exp.setAnnotation("org.example.writer", "deno");
      await exp.logJson("dataset", { writer: "deno" });
      for (let i = 0; i < 3; i++) await oneRun(exp, i);
      await exp.close(); // unsealed: the draft checkpoint is what remains
      const ours = (await listExperimentCheckpoints(null, { root })).map(fields);
      // a draft has no listing-cache rows, and our listing read the blobs without writing them
      assert.deepEqual(await cacheRows(root, ours[0]!.manifest_digest as string), [0, 0]);
      const theirs = await py<Record<string, unknown>[]>(root, "list");
      // the reference's listing backfilled them from the blobs
      assert.deepEqual(await cacheRows(root, ours[0]!.manifest_digest as string), [1, 1]);
      assert.equal(ours.length, 1);
      assert.deepEqual(ours, theirs);
      assert.equal(ours[0]!.status, "draft");
      assert.equal(ours[0]!.run_count, 3);

      const restored = await py<
        { before: ExperimentReport; after: ExperimentReport; repr: string }
      >(
        root,
        "restore",
        name,
        "1",
      );
      assert.deepEqual(restored.before.runs.map((r) => r.run_id), [0, 1, 2]);
      assert.deepEqual(restored.before.annotations, { "org.example.writer": "deno" });
      assert.equal(restored.before.runs.every((r) => r.trace), true);
      assert.equal(restored.repr, `Experiment(image_name='${name}', state='sealed', open_runs=0)`);
      await using committed = await Experiment.load(name, { root });
      assert.deepEqual(await experimentReport(committed), restored.after);
      assert.equal(committed.subject?.digest, ours[0]!.manifest_digest);
      assert.deepEqual(await listExperimentCheckpoints(null, { root }), []);
      assert.deepEqual(await py(root, "list"), []);
    });
  },
});

Deno.test({
  name: "interop checkpoints: a Python draft is listed and restored by us, and back",
  ignore,
  async fn() {
    await withRoot(async (root) => {
      const name = "example.com/interop/py-draft:v1";
      const out = new TextDecoder().decode(
        (await new Deno.Command(python, {
          args: [fileURLToPath(new URL("checkpoints.py", here)), "write", name, "0", "3"],
          env: { OMMX_LOCAL_REGISTRY_ROOT: root },
        }).output()).stdout,
      );
      assert.equal(out.trim().split("\n").length, 3);
      const theirs = await py<Record<string, unknown>[]>(root, "list");
      const ours = (await listExperimentCheckpoints("example.com/interop/", { root })).map(fields);
      assert.deepEqual(ours, theirs);
      assert.deepEqual(await listExperimentCheckpoints("example.com/other/", { root }), []);

      const exp = await Experiment.restoreFromCheckpoint(name, { root });
      assert.equal(String(exp), `Experiment(image_name='${name}', state='unsealed', open_runs=0)`);
      assert.deepEqual(exp.runs.map((r) => r.runId), [0, 1, 2]);
      assert.deepEqual(exp.annotations, { "org.example.writer": "python" });
      assert.deepEqual(await exp.getJson("dataset"), { writer: "python" });
      await oneRun(exp, 3);
      await exp.commit();
      assert.equal(exp.subject?.digest, ours[0]!.manifest_digest);
      const mine = await experimentReport(exp);
      await exp.close();
      assert.deepEqual(await py<ExperimentReport>(root, "load", name), mine);
      assert.deepEqual(Object.keys(mine.i), ["0", "1", "2", "3"]);
      assert.deepEqual(await py(root, "list"), []);
    });
  },
});

Deno.test({
  name: "interop checkpoints: failed checkpoints are restored across the SDKs",
  ignore,
  async fn() {
    await withRoot(async (root) => {
      const tsName = "example.com/interop/ts-failed:v1";
      const exp = await Experiment.create(tsName, { root });
      await assert.rejects(
        exp.record(async () => {
          await oneRun(exp, 0);
          throw new RangeError("sweep  failed\n badly");
        }),
        RangeError,
      );
      assert.equal(exp.state, "failed");
      assert.equal(exp.lifecycleReason, "RangeError: sweep failed badly");
      await exp.close();
      const listed = await py<{ status: string; requested_image_name: string }[]>(
        root,
        "list",
        "failed",
      );
      assert.deepEqual(listed.map((c) => [c.requested_image_name, c.status]), [[tsName, "failed"]]);
      const restored = await py<{ before: ExperimentReport; after: ExperimentReport }>(
        root,
        "restore",
        tsName,
        "1",
      );
      assert.deepEqual(restored.after.runs.map((r) => r.run_id), [0, 1]);

      const pyName = "example.com/interop/py-failed:v1";
      const failed = await py<{ state: string; reason: string }>(root, "fail", pyName, "2");
      assert.equal(failed.reason, "ValueError: sweep failed badly");
      const cps = await listExperimentCheckpoints(null, { root, statuses: ["failed"] });
      assert.deepEqual(cps.map((c) => [c.requestedImageName, c.runCount]), [[pyName, 2]]);
      await using back = await Experiment.restoreFromCheckpoint(pyName, { root });
      assert.deepEqual(back.runs.map((r) => r.runId), [0, 1]);
      await back.commit();
      assert.deepEqual((await py<ExperimentReport>(root, "load", pyName)).runs.length, 2);
    });
  },
});

Deno.test({
  name: "interop checkpoints: after a writer is killed (SIGKILL), the other SDK continues",
  ignore,
  async fn() {
    await withRoot(async (root) => {
      const deno = Deno.execPath();
      const writer = fileURLToPath(new URL("checkpoint_writer.ts", here));
      const env = { OMMX_LOCAL_REGISTRY_ROOT: root };
      // a Deno writer killed mid-sweep, continued by Python
      const tsName = "example.com/interop/killed-deno:v1";
      const lastTs = await killAfter(
        new Deno.Command(deno, {
          args: ["run", "-A", writer, tsName, "0", "1000", "0.02"],
          env,
          stdout: "piped",
          stderr: "null",
        }),
        5,
      );
      const killedCheckpoint = (await listExperimentCheckpoints(tsName, { root }))[0]!;
      assert.deepEqual(await cacheRows(root, killedCheckpoint.manifestDigest), [0, 0]);
      const listedByPython = await py<Record<string, unknown>[]>(root, "list");
      assert.deepEqual(listedByPython, [fields(killedCheckpoint)]);
      const py1 = await py<{ before: ExperimentReport; after: ExperimentReport }>(
        root,
        "restore",
        tsName,
        "2",
      );
      const kept = py1.before.runs.length;
      assert.ok(kept >= lastTs + 1, `${kept} runs restored, ${lastTs + 1} reported closed`);
      assert.deepEqual(py1.before.runs.map((r) => r.run_id), [...Array(kept).keys()]);
      assert.deepEqual(
        py1.before.runs.map((r) => r.attachments.r),
        [...Array(kept).keys()].map((i) => ({ i })),
      );
      assert.equal(py1.after.runs.length, kept + 2);

      // a Python writer killed mid-sweep, continued by us
      const pyName = "example.com/interop/killed-python:v1";
      const lastPy = await killAfter(
        new Deno.Command(python, {
          args: [
            fileURLToPath(new URL("checkpoints.py", here)),
            "write",
            pyName,
            "0",
            "1000",
            "0.02",
          ],
          env,
          stdout: "piped",
          stderr: "null",
        }),
        5,
      );
      const exp = await Experiment.restoreFromCheckpoint(pyName, { root });
      const n = exp.runs.length;
      assert.ok(n >= lastPy + 1, `${n} runs restored, ${lastPy + 1} reported closed`);
      assert.deepEqual(exp.runParameters().rows.map((r) => r.values.i), [...Array(n).keys()]);
      await oneRun(exp, n);
      await exp.commit();
      await exp.close();
      const loaded = await py<ExperimentReport>(root, "load", pyName);
      assert.equal(loaded.runs.length, n + 1);
      assert.deepEqual(loaded.attachments, { dataset: { writer: "python" } });
    });
  },
});

Deno.test({
  name: "interop checkpoints: the autosave policies checkpoint after the same Runs",
  ignore,
  async fn() {
    await withRoot(async (root) => {
      const cases: [string, AutosavePolicy][] = [
        ["every", AutosavePolicy.everyRunClose()],
        ["n:2", AutosavePolicy.everyNRuns(2)],
        ["n:3", AutosavePolicy.everyNRuns(3)],
        ["interval:0", AutosavePolicy.minInterval(0)],
        ["interval:3600", AutosavePolicy.minInterval(3600)],
        ["disabled", AutosavePolicy.disabled()],
      ];
      for (const [spec, policy] of cases) {
        const theirs = await py<{ counts: number[]; repr: string }>(root, "policy", spec, "5");
        const name = `example.com/interop/policy-ts:${spec.replace(":", "-")}`;
        const exp = await Experiment.create(name, { root });
        exp.setAutosavePolicy(policy);
        const counts = [];
        for (let i = 0; i < 5; i++) {
          await oneRun(exp, i);
          counts.push((await listExperimentCheckpoints(name, { root }))[0]?.runCount ?? 0);
        }
        await exp.close();
        assert.deepEqual(counts, theirs.counts, spec);
        assert.equal(String(policy), theirs.repr);
      }
    });
  },
});

Deno.test({
  name:
    "interop checkpoints: after many drafts without listing-cache rows, Python lists, restores and loads",
  ignore,
  async fn() {
    await withRoot(async (root) => {
      const name = "example.com/interop/many-drafts:v1";
      const exp = await Experiment.create(name, { root });
      await exp.logJson("dataset", { writer: "deno" });
      const checkpoint = async () => (await listExperimentCheckpoints(name, { root }))[0]!;
      for (let i = 0; i < 30; i++) await oneRun(exp, i);
      let cp = await checkpoint();
      assert.equal(cp.runCount, 30);
      assert.deepEqual(await cacheRows(root, cp.manifestDigest), [0, 0]);
      // Python lists (and backfills) while the writer is still open
      let theirs = await py<Record<string, unknown>[]>(root, "list");
      assert.deepEqual(theirs, [fields(cp)]);
      assert.deepEqual(await cacheRows(root, cp.manifestDigest), [1, 1]);
      // the next drafts prune the backfilled rows and write none
      const backfilled = cp.manifestDigest;
      for (let i = 30; i < 45; i++) await oneRun(exp, i);
      cp = await checkpoint();
      assert.equal(cp.runCount, 45);
      assert.deepEqual(await cacheRows(root, backfilled), [0, 0]);
      assert.deepEqual(await cacheRows(root, cp.manifestDigest), [0, 0]);
      assert.equal(await refDigest(root, cp.checkpointImageName), cp.manifestDigest);
      theirs = await py<Record<string, unknown>[]>(root, "list");
      assert.deepEqual(theirs, [fields(cp)]);
      assert.deepEqual(await py(root, "list", "draft"), theirs);
      await exp.close();

      const restored = await py<{ before: ExperimentReport; after: ExperimentReport }>(
        root,
        "restore",
        name,
        "2",
      );
      assert.deepEqual(restored.before.runs.map((r) => r.run_id), [...Array(45).keys()]);
      assert.deepEqual(
        restored.before.runs.map((r) => r.attachments.r),
        [...Array(45).keys()].map((i) => ({ i })),
      );
      assert.deepEqual(restored.before.attachments, { dataset: { writer: "deno" } });
      assert.equal(restored.after.runs.length, 47);
      await using committed = await Experiment.load(name, { root });
      assert.deepEqual(await experimentReport(committed), restored.after);
      assert.deepEqual(await py<ExperimentReport>(root, "load", name), restored.after);
      assert.equal(committed.subject?.digest, cp.manifestDigest);
      assert.deepEqual(await listExperimentCheckpoints(null, { root }), []);
      assert.deepEqual(await py(root, "list"), []);
    });
  },
});

Deno.test({
  name: "interop checkpoints: our final commit after drafts keeps the listing-cache rows",
  ignore,
  async fn() {
    await withRoot(async (root) => {
      const name = "example.com/interop/commit-rows:v1";
      const exp = await Experiment.create(name, { root });
      for (let i = 0; i < 5; i++) await oneRun(exp, i);
      await exp.commit();
      const digest = await refDigest(root, name);
      assert.notEqual(digest, null);
      // the commit writes the rows as the reference's publication does
      assert.deepEqual(await cacheRows(root, digest!), [1, 1]);
      await exp.close();
      assert.equal((await py<ExperimentReport>(root, "load", name)).runs.length, 5);
      assert.deepEqual(await py(root, "list"), []);
    });
  },
});
