/**
 * Writing files from the CLI and the library (issue 10): `get -o` is atomic
 * (a kill leaves nothing or the whole file under the final name), and OS
 * failures — a missing directory (`ENOENT`), a full disk (`ENOSPC`, on a
 * 1 MiB tmpfs when running as root), a read-only file system, no permission
 * (`EACCES`) — are typed `IO` errors naming the path, with nothing left
 * behind. Standard input (`-`) is spooled to a temporary file, not memory.
 */
import assert from "node:assert/strict";
import {
  createExperiment,
  type Experiment,
  saveExperiment,
  saveExperimentLayout,
} from "../../mod.ts";
import { cli, ROOT } from "./_cli_test_util.ts";
import { findOnPath } from "../../core/_tools_test_util.ts";

async function bigExperiment(bytes: number): Promise<Experiment> {
  const b = createExperiment({ imageName: "example.com/files/big:v1" });
  const data = new Uint8Array(bytes);
  for (let i = 0; i < data.length; i += 4096) data[i] = i & 0xff;
  await b.logAttachment("big", "application/octet-stream", data);
  await b.logAttachment("packed", "application/octet-stream", data, { compression: "zstd" });
  return await b.commit();
}

const isRoot = Deno.uid() === 0;

/** A 1 MiB tmpfs (root only), unmounted by the returned function. */
async function tinyDisk(): Promise<{ dir: string; unmount: () => Promise<void> } | null> {
  if (!isRoot || Deno.build.os !== "linux") return null;
  if (findOnPath("mount") === undefined || findOnPath("umount") === undefined) return null;
  const dir = await Deno.makeTempDir({ prefix: "ommx-full-" });
  const r = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir],
    stderr: "piped",
  }).output();
  if (!r.success) {
    await Deno.remove(dir);
    return null;
  }
  return {
    dir,
    unmount: async () => {
      await new Deno.Command("umount", { args: [dir] }).output();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("get -o into a missing directory is error IO (ENOENT), exit 1, one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-files-" });
  try {
    const src = `${dir}/x.ommx`;
    await saveExperiment(await bigExperiment(10_000), src);
    const r = await cli("get", src, "big", "-o", `${dir}/missing/x.bin`);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `error: IO: cannot write ${dir}/missing/x.bin: no such file or directory (ENOENT)\n`,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["x.ommx"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a full disk is error IO (ENOSPC) for get -o, save and saveLayout, and leaves no file", async () => {
  const disk = await tinyDisk();
  if (disk === null) {
    console.log(
      "skip: a full disk needs a 1 MiB tmpfs (run as root on Linux with mount/umount from util-linux)",
    );
    return;
  }
  const src = await Deno.makeTempFile({ suffix: ".ommx" });
  try {
    const exp = await bigExperiment(2 * 1024 * 1024);
    await saveExperiment(exp, src, { overwrite: true });
    for (const name of ["big", "packed"]) {
      const r = await cli("get", src, name, "-o", `${disk.dir}/${name}.bin`);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /^error: IO: cannot write .*: no space left on device \(ENOSPC\)\n$/);
      assert.deepEqual([...Deno.readDirSync(disk.dir)], [], `${name}: something was left`);
    }
    const push = await cli("push", src, `${disk.dir}/copy.ommx`);
    assert.equal(push.code, 1);
    assert.match(push.stderr, /^error: IO: .*\(ENOSPC\)\n$/);
    assert.deepEqual([...Deno.readDirSync(disk.dir)], []);
    await assert.rejects(saveExperimentLayout(exp, `${disk.dir}/layout`), (e: unknown) => {
      assert.equal((e as { code?: string }).code, "IO", String(e));
      assert.equal((e as { osCode?: string }).osCode, "ENOSPC");
      return true;
    });
    const leftovers = [...Deno.readDirSync(`${disk.dir}/layout/blobs/sha256`)]
      .filter((e) => e.name.startsWith(".ommx-ts-tmp-"));
    assert.deepEqual(leftovers, []);
    // a read-only file system: IO too (EROFS)
    await Deno.remove(`${disk.dir}/layout`, { recursive: true });
    await new Deno.Command("mount", { args: ["-o", "remount,ro", disk.dir] }).output();
    const ro = await cli("get", src, "big", "-o", `${disk.dir}/ro.bin`);
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /^error: IO: cannot write .*: read-only file system \(EROFS\)\n$/);
  } finally {
    await Deno.remove(src);
    await disk.unmount();
  }
});

Deno.test("no permission is error IO (EACCES)", async () => {
  if (isRoot) {
    // root passes permission checks; the mapping itself is checked on a simulated error
    const { ioError } = await import("../../core/_io_error.ts");
    const e = ioError(Object.assign(new Error("denied"), { code: "EACCES" }), "write", "/x/y") as {
      code: string;
      message: string;
    };
    assert.equal(e.code, "IO");
    assert.equal(e.message, "cannot write /x/y: permission denied (EACCES)");
    console.log("note: running as root, EACCES checked on a simulated error");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "ommx-files-" });
  try {
    const src = `${dir}/x.ommx`;
    await saveExperiment(await bigExperiment(10_000), src);
    await Deno.mkdir(`${dir}/locked`, { mode: 0o500 });
    const r = await cli("get", src, "big", "-o", `${dir}/locked/x.bin`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: IO: cannot write .*: permission denied \(EACCES\)\n$/);
  } finally {
    await Deno.chmod(`${dir}/locked`, 0o700).catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "get -o killed at random points never leaves a partial file (12 trials)",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-files-" });
    try {
      const src = `${dir}/x.ommx`;
      const exp = await bigExperiment(48 * 1024 * 1024);
      await saveExperiment(exp, src);
      const expected = await exp.getBlob("big");
      const outcomes = { absent: 0, complete: 0 };
      for (let trial = 0; trial < 12; trial++) {
        const out = `${dir}/out${trial}.bin`;
        const child = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, "get", src, "big", "-o", out],
          stdout: "null",
          stderr: "null",
        }).spawn();
        // wait until the temporary file is being written, then kill at a random moment
        const deadline = Date.now() + 20_000;
        let exited = false;
        child.status.then(() => exited = true);
        while (!exited && Date.now() < deadline) {
          const mine = `.ommx-ts-tmp-${child.pid}-`;
          const names = [...Deno.readDirSync(dir)].map((e) => e.name);
          if (names.some((n) => n.startsWith(mine) || n === `out${trial}.bin`)) break;
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, Math.random() * 1500));
        try {
          child.kill("SIGKILL");
        } catch { /* already done */ }
        await child.status;
        const got = await Deno.readFile(out).catch(() => null);
        if (got === null) outcomes.absent++;
        else {
          assert.equal(got.length, expected.length, `trial ${trial}: a partial file`);
          assert.ok(got.every((x, i) => x === expected[i]), `trial ${trial}: wrong bytes`);
          outcomes.complete++;
        }
      }
      console.log(`get -o kill outcomes: ${JSON.stringify(outcomes)}`);
      // the next get -o into the directory (a new process) removes what the killed ones left
      const next = await cli("get", src, "big", "-o", `${dir}/next.bin`);
      assert.equal(next.code, 0, next.stderr);
      const names = [...Deno.readDirSync(dir)].map((e) => e.name);
      assert.deepEqual(names.filter((n) => n.startsWith(".ommx-ts-tmp-")), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("standard input is spooled to a temporary file that is removed afterwards", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-files-" });
  try {
    const src = `${dir}/x.ommx`;
    await saveExperiment(await bigExperiment(10_000), src);
    const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
    const spools = () =>
      [...Deno.readDirSync(tmp)].map((e) => e.name).filter((n) => n.startsWith("ommx-ts-stdin-"));
    const before = new Set(spools());
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, "inspect", "-", "--json"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const file = await Deno.open(src);
    await file.readable.pipeTo(child.stdin);
    const out = await child.output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const report = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(report.imageName, "example.com/files/big:v1");
    assert.deepEqual(spools().filter((n) => !before.has(n)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
