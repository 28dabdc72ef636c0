/**
 * Hostile files in OCI layout directories, the Local Registry and archive
 * paths (issue 10): a blob or `index.json` replaced by a link to `/dev/zero`,
 * a FIFO, a directory, a 3 GB sparse file, a 216 MB `index.json`, a corrupt
 * `index.sqlite3`. Each is a typed error, found before a byte is read: no
 * hang, no memory growth, no untyped `EISDIR` or `RangeError`.
 */
import assert from "node:assert/strict";
import {
  createExperiment,
  type Experiment,
  OmmxError,
  openExperiment,
  pushExperiment,
  saveExperiment,
  saveExperimentLayout,
} from "../mod.ts";
import { openLayoutDir } from "../core/oci/backends/layout_dir.ts";
import { findOnPath } from "../core/_tools_test_util.ts";
import { openLocalRegistry } from "../core/oci/backends/local_registry.ts";

const IMAGE = "example.com/hostile/files:v1";
const GB = 1024 ** 3;

async function sample(): Promise<Experiment> {
  const b = createExperiment({ imageName: IMAGE });
  await b.logJson("config", { seed: 7 });
  await b.logAttachment("payload", "application/octet-stream", new Uint8Array(5000).fill(3));
  return await b.commit();
}

/** A layout directory of the sample, and the blob file of its `payload` attachment. */
async function layout(): Promise<{ dir: string; payload: string; manifest: string }> {
  const root = await Deno.makeTempDir({ prefix: "ommx-hostile-" });
  const exp = await sample();
  await saveExperimentLayout(exp, root);
  const digest = exp.attachmentInfo("payload").descriptor.digest;
  return {
    dir: root,
    payload: `${root}/blobs/sha256/${digest.slice(7)}`,
    manifest: `${root}/blobs/sha256/${exp.manifestDigest.slice(7)}`,
  };
}

/** Makes a FIFO with the `mkfifo` program; false when the program is absent or fails. */
function mkfifo(path: string): boolean {
  if (findOnPath("mkfifo") === undefined) return false;
  const r = new Deno.Command("mkfifo", { args: [path], stderr: "null" }).outputSync();
  return r.success;
}

async function sparse(path: string, size: number): Promise<void> {
  await Deno.remove(path).catch(() => {});
  const f = await Deno.open(path, { write: true, create: true });
  await f.truncate(size);
  f.close();
}

/** Run `fn`, which must reject with a typed error of `code` within 10 s and without RSS growth. */
async function rejectsTyped(
  what: string,
  fn: () => Promise<unknown>,
  code: string | RegExp,
): Promise<OmmxError> {
  const before = Deno.memoryUsage().rss;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still running after 10 s (hang)`)), 10_000);
  });
  try {
    const err = await Promise.race([fn().then(() => null, (e) => e), timeout]);
    assert.ok(err instanceof OmmxError, `${what}: expected a typed error, got ${err}`);
    if (typeof code === "string") assert.equal(err.code, code, `${what}: ${err.message}`);
    else assert.match(err.code, code, `${what}: ${err.message}`);
    const grown = Deno.memoryUsage().rss - before;
    assert.ok(grown < 64 * 1024 * 1024, `${what}: RSS grew by ${grown} bytes`);
    return err;
  } finally {
    clearTimeout(timer);
  }
}

/** Open the layout and read everything: the typed error of whatever is hostile. */
async function readAll(dir: string): Promise<void> {
  await using exp = await openExperiment(dir);
  await exp.getJson("config");
  await exp.getBlob("payload");
  await exp.verify();
}

Deno.test("layout dir: a blob or index.json linked to /dev/zero is refused without reading it", async () => {
  const { dir, payload } = await layout();
  try {
    await Deno.remove(payload);
    await Deno.symlink("/dev/zero", payload);
    const e = await rejectsTyped("blob → /dev/zero", () => readAll(dir), "INVALID_ARTIFACT");
    assert.match(e.message, /symbolic link to \/dev\/zero, outside/);
    const target = await openLayoutDir(dir);
    await rejectsTyped(
      "fetchStream of the blob",
      async () => {
        const exp = await openExperiment(dir).catch((e) => e);
        if (exp instanceof Error) throw exp;
        try {
          for await (const _ of target.fetchStream(exp.attachmentInfo("payload").descriptor)) {
            // never reached
          }
        } finally {
          await exp.close();
        }
      },
      "INVALID_ARTIFACT",
    );
    await Deno.remove(`${dir}/index.json`);
    await Deno.symlink("/dev/zero", `${dir}/index.json`);
    await rejectsTyped("index.json → /dev/zero", () => openExperiment(dir), "INVALID_ARTIFACT");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("layout dir: a link inside the layout is followed", async () => {
  const { dir, payload } = await layout();
  try {
    await Deno.rename(payload, `${dir}/payload.bin`);
    await Deno.symlink(`../../payload.bin`, payload);
    await using exp = await openExperiment(dir);
    assert.deepEqual(await exp.getBlob("payload"), new Uint8Array(5000).fill(3));
    await exp.verify();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("layout dir: a FIFO as a blob, index.json or oci-layout never hangs", async () => {
  const { dir, payload } = await layout();
  try {
    await Deno.remove(payload);
    if (!mkfifo(payload)) {
      console.log("skip: mkfifo not found — install coreutils");
      return;
    }
    const e = await rejectsTyped("FIFO blob", () => readAll(dir), "INVALID_ARTIFACT");
    assert.match(e.message, /FIFO/);
    for (const name of ["index.json", "oci-layout"]) {
      await Deno.rename(`${dir}/${name}`, `${dir}/${name}.orig`);
      mkfifo(`${dir}/${name}`);
      await rejectsTyped(`FIFO ${name}`, () => openExperiment(dir), "INVALID_ARTIFACT");
      await Deno.remove(`${dir}/${name}`);
      await Deno.rename(`${dir}/${name}.orig`, `${dir}/${name}`);
    }
    // a FIFO named as an archive path
    const fifo = `${dir}/x.ommx`;
    mkfifo(fifo);
    const arg = await rejectsTyped("FIFO .ommx", () => openExperiment(fifo), "INVALID_ARGUMENT");
    assert.match(arg.message, /FIFO/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("layout dir: a directory in place of a blob or index.json is a typed error, not EISDIR", async () => {
  const { dir, payload } = await layout();
  try {
    await Deno.remove(payload);
    await Deno.mkdir(payload);
    const e = await rejectsTyped("directory blob", () => readAll(dir), "INVALID_ARTIFACT");
    assert.match(e.message, /is a directory, not a regular file/);
    await Deno.remove(`${dir}/index.json`);
    await Deno.mkdir(`${dir}/index.json`);
    await rejectsTyped("directory index.json", () => openExperiment(dir), "INVALID_ARTIFACT");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("layout dir: a 3 GB sparse blob is refused by size before reading, not a RangeError", async () => {
  const { dir, payload } = await layout();
  try {
    await sparse(payload, 3 * GB);
    const e = await rejectsTyped(
      "3 GB blob, 5000-byte descriptor",
      () => readAll(dir),
      /SIZE_MISMATCH|INVALID_ARTIFACT/,
    );
    assert.match(e.message, /5000/);
    // The manifest blob replaced by a 3 GB sparse file, its descriptor in index.json made to match.
    const index = JSON.parse(await Deno.readTextFile(`${dir}/index.json`));
    const manifestPath = `${dir}/blobs/sha256/${index.manifests[0].digest.slice(7)}`;
    await sparse(manifestPath, 3 * GB);
    index.manifests[0].size = 3 * GB;
    await Deno.writeTextFile(`${dir}/index.json`, JSON.stringify(index));
    const m = await rejectsTyped("3 GB manifest", () => openExperiment(dir), "INVALID_ARTIFACT");
    assert.match(m.message, /limit/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("layout dir: a 216 MB index.json is capped before it is read", async () => {
  const { dir } = await layout();
  try {
    const index = await Deno.readFile(`${dir}/index.json`);
    await sparse(`${dir}/index.json`, 216 * 1024 * 1024);
    const e = await rejectsTyped(
      "216 MB index.json",
      () => openExperiment(dir),
      "INVALID_ARTIFACT",
    );
    assert.match(e.message, /index\.json .* is 226492416 bytes, more than the limit of 4194304/);
    // a 5 MB index (padded with spaces) opens when the caller raises the cap
    const padded = new Uint8Array(5 * 1024 * 1024).fill(0x20);
    padded.set(index);
    await Deno.writeFile(`${dir}/index.json`, padded);
    await rejectsTyped(
      "5 MB index.json",
      () => openLayoutDir(dir).then((t) => t.resolve()),
      "INVALID_ARTIFACT",
    );
    const target = await openLayoutDir(dir, { maxIndexSize: 8 * 1024 * 1024 });
    assert.equal(
      (await target.resolve()).annotations?.["org.opencontainers.image.ref.name"],
      IMAGE,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("layout dir: a payload larger than maxDecompressedBytes is refused before it is read", async () => {
  const { dir } = await layout();
  try {
    await using exp = await openExperiment(dir, { maxDecompressedBytes: 4000 });
    await rejectsTyped(
      "5000-byte payload, 4000-byte cap",
      () => exp.getBlob("payload"),
      "LIMIT_EXCEEDED",
    );
    assert.deepEqual(await exp.getJson("config"), { seed: 7 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("local registry: a corrupt index.sqlite3 is a DATABASE error; hostile blobs are typed errors", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-hostile-registry-" });
  try {
    const exp = await sample();
    await pushExperiment(exp, { localRegistry: IMAGE, root });
    const blob = (d: string) => `${root}/blobs/sha256/${d.slice(7)}`;
    {
      await using back = await openExperiment({ localRegistry: IMAGE, root });
      assert.deepEqual(await back.getJson("config"), { seed: 7 });
    }
    // blobs: the payload a FIFO, then a link to /dev/zero; the manifest a directory
    const payload = blob(exp.attachmentInfo("payload").descriptor.digest);
    await Deno.remove(payload);
    if (mkfifo(payload)) {
      await rejectsTyped("registry FIFO blob", async () => {
        await using back = await openExperiment({ localRegistry: IMAGE, root });
        await back.getBlob("payload");
      }, "INVALID_ARTIFACT");
      await Deno.remove(payload);
    }
    await Deno.symlink("/dev/zero", payload);
    await rejectsTyped("registry blob → /dev/zero", async () => {
      await using back = await openExperiment({ localRegistry: IMAGE, root });
      await back.getBlob("payload");
    }, "INVALID_ARTIFACT");
    const manifest = blob(exp.manifestDigest);
    await Deno.rename(manifest, `${manifest}.orig`);
    await Deno.mkdir(manifest);
    await rejectsTyped(
      "registry manifest directory",
      () => openExperiment({ localRegistry: IMAGE, root }),
      "INVALID_ARTIFACT",
    );
    await Deno.remove(manifest);
    await sparse(manifest, 3 * GB);
    await rejectsTyped(
      "registry manifest 3 GB",
      () => openExperiment({ localRegistry: IMAGE, root }),
      "INVALID_ARTIFACT",
    );
    // the index: random bytes, then a valid header over garbage pages
    const index = `${root}/index.sqlite3`;
    const good = await Deno.readFile(index);
    for (const f of ["-wal", "-shm"]) await Deno.remove(index + f).catch(() => {});
    await Deno.writeFile(index, crypto.getRandomValues(new Uint8Array(8192)));
    const e = await rejectsTyped(
      "random index.sqlite3",
      () => openLocalRegistry({ root }),
      "DATABASE",
    );
    assert.match(e.message, /index\.sqlite3: file is not a database/);
    await rejectsTyped(
      "random index.sqlite3, writable",
      () => openLocalRegistry({ root, writable: true }),
      "DATABASE",
    );
    const broken = good.slice();
    for (let i = 100; i < broken.length; i++) broken[i] = (i * 7) & 0xff;
    await Deno.writeFile(index, broken);
    await rejectsTyped("malformed index.sqlite3", async () => {
      await using registry = await openLocalRegistry({ root });
      await registry.listReferences();
    }, "DATABASE");
    await rejectsTyped("malformed index.sqlite3, catalogue", async () => {
      await using registry = await openLocalRegistry({ root });
      await registry.catalogueRows();
    }, "DATABASE");
    await rejectsTyped("malformed index.sqlite3, gc", async () => {
      await using registry = await openLocalRegistry({ root });
      await registry.collectGarbage();
    }, "DATABASE");
    await Deno.remove(index);
    await Deno.symlink("/dev/zero", index);
    await rejectsTyped(
      "index.sqlite3 → /dev/zero",
      () => openLocalRegistry({ root }),
      "INVALID_ARGUMENT",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("saves: a stale temporary file of ours is removed by the next write into its directory; others are kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-sweep-" });
  try {
    const exp = await sample();
    const old = new Date(Date.now() - 3600_000);
    const plant = async (sub: string) => {
      await Deno.mkdir(`${dir}/${sub}`, { recursive: true });
      const dead = `${dir}/${sub}/.ommx-ts-tmp-999999999-00112233445566ff`;
      const live = `${dir}/${sub}/.ommx-ts-tmp-${Deno.pid}-00112233445566ff`;
      const foreign = `${dir}/${sub}/.x.ommx.tmp-00112233445566ff`;
      const fresh = `${dir}/${sub}/.ommx-ts-tmp-999999998-aabbccddeeff0011`;
      for (const f of [dead, live, foreign]) {
        await Deno.writeFile(f, new Uint8Array(10));
        await Deno.utime(f, old, old);
      }
      await Deno.writeFile(fresh, new Uint8Array(10)); // written after this process started
      return { dead, kept: [live, foreign, fresh] };
    };
    const cases: [string, (sub: string) => Promise<unknown>][] = [
      ["save", (sub) => saveExperiment(exp, `${dir}/${sub}/x.ommx`)],
      ["get -o", (sub) => exp.writeAttachment("payload", `${dir}/${sub}/p.bin`)],
      ["saveLayout blobs", () => saveExperimentLayout(exp, `${dir}/layout`)],
    ];
    for (const [what, write] of cases) {
      const sub = what === "saveLayout blobs" ? "layout/blobs/sha256" : what.replace(/\W/g, "");
      const { dead, kept } = await plant(sub);
      await write(sub);
      await assert.rejects(Deno.stat(dead), Deno.errors.NotFound, `${what}: the stale file stayed`);
      for (const k of kept) await Deno.stat(k); // still there
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
