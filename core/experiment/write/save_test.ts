import assert from "node:assert/strict";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import { OmmxError } from "../../errors.ts";
import { createExperimentBuilder } from "./experiment_builder.ts";
import { experimentArchiveBytes, saveExperiment, saveExperimentLayout } from "./save.ts";
import { openSealedExperiment } from "../read/open.ts";
import { buildLargeExperiment } from "./_save_writer_test_util.ts";

Deno.test("save: writes the archive, refuses to replace without overwrite, replaces with it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await createExperimentBuilder({ imageName: "example.com/t/a:v1" }).commit();
    const b = await createExperimentBuilder({ imageName: "example.com/t/b:v1" }).commit();
    const path = `${dir}/x.ommx`;
    await saveExperiment(a, path);
    assert.deepEqual(await Deno.readFile(path), await experimentArchiveBytes(a));
    const err = await saveExperiment(b, path).catch((e) => e);
    assert.ok(err instanceof OmmxError && err.code === "ALREADY_EXISTS");
    assert.deepEqual(await Deno.readFile(path), await experimentArchiveBytes(a));
    await saveExperiment(b, path, { overwrite: true });
    await using back = await openSealedExperiment(path);
    assert.equal(back.imageName, "example.com/t/b:v1");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["x.ommx"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("save: an opened Experiment saves byte-identically; a missing blob is a typed error", async () => {
  const exp = await createExperimentBuilder({ imageName: "example.com/t/a:v1" }).commit();
  const dir = await Deno.makeTempDir();
  try {
    await saveExperiment(exp, `${dir}/a.ommx`);
    await using opened = await openSealedExperiment(`${dir}/a.ommx`);
    await saveExperiment(opened, `${dir}/b.ommx`);
    assert.deepEqual(await Deno.readFile(`${dir}/b.ommx`), await Deno.readFile(`${dir}/a.ommx`));
    const empty = new MemoryTarget();
    const err = await saveExperiment(
      { target: empty, descriptor: opened.manifestDescriptor },
      `${dir}/c.ommx`,
    ).catch((e) => e);
    assert.ok(err instanceof OmmxError && err.code === "BLOB_NOT_FOUND", String(err));
    await assert.rejects(Deno.stat(`${dir}/c.ommx`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveLayout: writes an OCI layout directory that opens as the same Experiment", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const b = createExperimentBuilder({ imageName: "example.com/t/layout:v1" });
    await b.logJson("j", [1, 2]);
    const exp = await b.commit();
    await saveExperimentLayout(exp, `${dir}/layout`);
    await using back = await openSealedExperiment(`${dir}/layout`);
    assert.equal(back.manifestDigest, exp.manifestDigest);
    assert.deepEqual(await back.getJson("j"), [1, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "save: killing the writer at random points never leaves a partial archive (60 trials)",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const writer = new URL("./_save_writer_test_util.ts", import.meta.url).pathname;
    const oldBytes = await experimentArchiveBytes(await buildLargeExperiment(1));
    const newBytes = await experimentArchiveBytes(await buildLargeExperiment(2));
    const outcomes = { absent: 0, old: 0, complete: 0 };
    const started = Date.now();
    try {
      for (let trial = 0; trial < 60; trial++) {
        const path = `${dir}/t${trial}.ommx`;
        const withOld = trial % 2 === 0;
        if (withOld) await Deno.writeFile(path, oldBytes);
        const child = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "--no-check", writer, path, withOld ? "overwrite" : ""],
          stdout: "piped",
          stderr: "null",
        }).spawn();
        const reader = child.stdout.getReader();
        let seen = "";
        while (!seen.includes("writing")) {
          const { value, done } = await reader.read();
          if (done) break;
          seen += new TextDecoder().decode(value);
        }
        await new Promise((r) => setTimeout(r, Math.random() * 60));
        try {
          child.kill("SIGKILL");
        } catch { /* already exited */ }
        await child.status;
        reader.releaseLock();
        await child.stdout.cancel().catch(() => {});
        const now = await Deno.readFile(path).catch(() => null);
        if (now === null) {
          assert.equal(withOld, false, `trial ${trial}: the old file disappeared`);
          outcomes.absent++;
        } else if (
          withOld && now.length === oldBytes.length && now.every((x, i) => x === oldBytes[i])
        ) {
          outcomes.old++;
        } else {
          assert.deepEqual(
            now,
            newBytes,
            `trial ${trial}: a partial or foreign file under the final name`,
          );
          outcomes.complete++;
        }
      }
      console.log(
        `atomic save outcomes: ${JSON.stringify(outcomes)} in ${Date.now() - started} ms`,
      );
      assert.equal(outcomes.absent + outcomes.old + outcomes.complete, 60);
      const names = () => [...Deno.readDirSync(dir)].map((e) => e.name);
      for (const name of names()) {
        assert.match(name, /^(t\d+\.ommx|\.ommx-ts-tmp-\d+-[0-9a-f]{16})$/);
      }
      // The next save into the directory (a new process) removes what the killed ones left.
      const left = names().filter((n) => n.startsWith(".ommx-ts-tmp-")).length;
      const next = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--no-check", writer, `${dir}/next.ommx`],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.equal(next.code, 0, new TextDecoder().decode(next.stderr));
      console.log(`temporary files left by killed saves: ${left}, after the next save: 0`);
      assert.deepEqual(names().filter((n) => !/^t\d+\.ommx$/.test(n)), ["next.ommx"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
