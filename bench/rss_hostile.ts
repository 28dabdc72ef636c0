/**
 * Peak memory of ommx-ts on hostile and near-limit inputs (issue 10): zstd
 * (a 4 GiB bomb, an attachment just under the 1 GiB cap, `getJson` on a JSON
 * attachment longer than the longest JavaScript string) and OCI layout
 * directories (`index.json` linked to `/dev/zero`, a FIFO, 216 MB; a 3 GB
 * sparse blob; a directory as a blob). Each case runs in a fresh process
 * (`bench/_rss_hostile_case.ts`); the figure is the growth of the peak RSS
 * (`VmHWM`) over the operation, read by the case itself, or by polling
 * `/proc/<pid>/status` when the case must be killed (a hang, or more than
 * 8 GiB).
 *
 * ```sh
 * deno run -A bench/rss_hostile.ts                        # this checkout
 * deno run -A bench/rss_hostile.ts --lib /old/tree/mod.ts  # another tree, same inputs
 * ```
 *
 * Inputs are generated once into `.cache/bench/hostile/` (about 1.3 GB, with
 * a 3 GB sparse file). Linux only (`/proc`, `mkfifo`).
 *
 * @module
 */
import { createExperiment, saveExperiment, saveExperimentLayout } from "../mod.ts";
import { compressZstd } from "../codecs/zstd.ts";
import { digestOf } from "../core/oci/digest.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const DATA = `${ROOT}.cache/bench/hostile`;
const MiB = 1024 * 1024;
const libAt = Deno.args.indexOf("--lib");
const lib = libAt >= 0 ? Deno.args[libAt + 1]! : undefined;
const only = Deno.args.filter((a, i) => !a.startsWith("--") && Deno.args[i - 1] !== "--lib");

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

async function small(imageName: string) {
  const b = createExperiment({ imageName });
  await b.logJson("config", { seed: 7 });
  await b.logAttachment("payload", "application/octet-stream", new Uint8Array(5000).fill(3));
  return await b.commit();
}

/** A layout of the small Experiment with `edit` applied (paths of the layout and its payload blob). */
async function layout(
  name: string,
  edit: (dir: string, payload: string) => Promise<void>,
): Promise<void> {
  const dir = `${DATA}/${name}`;
  if (await exists(dir)) return;
  const exp = await small(`example.com/bench/${name}:v1`);
  await saveExperimentLayout(exp, dir);
  const payload = `${dir}/blobs/sha256/${exp.attachmentInfo("payload").descriptor.digest.slice(7)}`;
  await edit(dir, payload);
}

async function sparse(path: string, size: number): Promise<void> {
  await Deno.remove(path).catch(() => {});
  const f = await Deno.open(path, { write: true, create: true });
  await f.truncate(size);
  f.close();
}

/** Replace a layout's blob `from` by `bytes`, rewriting the manifest and index.json to match. */
async function replaceBlob(dir: string, from: string, bytes: Uint8Array): Promise<void> {
  const index = JSON.parse(await Deno.readTextFile(`${dir}/index.json`));
  const manifestDigest: string = index.manifests[0].digest;
  const manifest = JSON.parse(
    await Deno.readTextFile(`${dir}/blobs/sha256/${manifestDigest.slice(7)}`),
  );
  const to = await digestOf(bytes);
  await Deno.writeFile(`${dir}/blobs/sha256/${to.slice(7)}`, bytes);
  for (const l of manifest.layers) {
    if (l.digest === from) {
      l.digest = to;
      l.size = bytes.length;
    }
  }
  const mBytes = new TextEncoder().encode(JSON.stringify(manifest));
  const mDigest = await digestOf(mBytes);
  await Deno.writeFile(`${dir}/blobs/sha256/${mDigest.slice(7)}`, mBytes);
  index.manifests[0].digest = mDigest;
  index.manifests[0].size = mBytes.length;
  await Deno.writeTextFile(`${dir}/index.json`, JSON.stringify(index));
}

async function prepare(): Promise<void> {
  await Deno.mkdir(DATA, { recursive: true });
  // a 4 GiB zstd bomb: 64 frames of 64 MiB (a repeating pattern: compressed blocks, no declared size)
  if (!(await exists(`${DATA}/bomb`))) {
    const b = createExperiment({ imageName: "example.com/bench/bomb:v1" });
    await b.logAttachment("bomb", "application/octet-stream", new Uint8Array(16), {
      compression: "zstd",
    });
    const exp = await b.commit();
    await saveExperimentLayout(exp, `${DATA}/bomb`);
    const frame = await compressZstd(new Uint8Array(64 * MiB).map((_, i) => i % 7));
    const bomb = new Uint8Array(frame.length * 64);
    for (let i = 0; i < 64; i++) bomb.set(frame, i * frame.length);
    await replaceBlob(`${DATA}/bomb`, exp.attachmentInfo("bomb").descriptor.digest, bomb);
  }
  // 1000 MiB of output, just under the 1 GiB cap
  if (!(await exists(`${DATA}/near-cap.ommx`))) {
    const big = new Uint8Array(1000 * MiB);
    const line = new TextEncoder().encode("run,objective,feasible\n");
    for (let at = 0; at < big.length; at += 4096) {
      big.set(line.subarray(0, Math.min(line.length, big.length - at)), at);
    }
    for (let i = 0; i < big.length; i += 997) big[i] = 0x30 + (i % 10);
    const b = createExperiment({ imageName: "example.com/bench/near-cap:v1" });
    await b.logAttachment("big", "text/csv", big, { compression: "zstd" });
    await saveExperiment(await b.commit(), `${DATA}/near-cap.ommx`);
  }
  // a 560 MiB JSON array: longer than the longest JS string (~512 M characters)
  if (!(await exists(`${DATA}/json.ommx`))) {
    const n = 560 * MiB;
    const doc = new Uint8Array(n);
    const block = new TextEncoder().encode("1234567,".repeat(131072)); // 1 MiB
    doc[0] = 0x5b;
    for (let at = 1; at < n; at += block.length) {
      doc.set(block.subarray(0, Math.min(block.length, n - at)), at);
    }
    doc.set(new TextEncoder().encode("0]"), n - 2);
    const b = createExperiment({ imageName: "example.com/bench/json:v1" });
    await b.logAttachment("doc", "application/json", doc, { compression: "zstd" });
    await saveExperiment(await b.commit(), `${DATA}/json.ommx`);
  }
  await layout("index-devzero", async (dir) => {
    await Deno.remove(`${dir}/index.json`);
    await Deno.symlink("/dev/zero", `${dir}/index.json`);
  });
  await layout("index-fifo", async (dir) => {
    await Deno.remove(`${dir}/index.json`);
    await new Deno.Command("mkfifo", { args: [`${dir}/index.json`] }).output();
  });
  await layout("index-216mb", async (dir) => {
    const index = await Deno.readFile(`${dir}/index.json`);
    const big = new Uint8Array(216 * 1000 * 1000).fill(0x20);
    big.set(index);
    await Deno.writeFile(`${dir}/index.json`, big);
  });
  await layout("blob-sparse-3gb", async (dir, payload) => {
    // the blob and its descriptor agree on 3 GB: only the payload cap stops the read
    const from = `sha256:${payload.slice(payload.lastIndexOf("/") + 1)}`;
    const to = `sha256:${"0".repeat(64)}`;
    await sparse(`${dir}/blobs/sha256/${"0".repeat(64)}`, 3 * 1024 * MiB);
    const index = JSON.parse(await Deno.readTextFile(`${dir}/index.json`));
    const mPath = `${dir}/blobs/sha256/${index.manifests[0].digest.slice(7)}`;
    const manifest = JSON.parse(await Deno.readTextFile(mPath));
    for (const l of manifest.layers) {
      if (l.digest === from) [l.digest, l.size] = [to, 3 * 1024 * MiB];
    }
    const mBytes = new TextEncoder().encode(JSON.stringify(manifest));
    const mDigest = await digestOf(mBytes);
    await Deno.writeFile(`${dir}/blobs/sha256/${mDigest.slice(7)}`, mBytes);
    index.manifests[0].digest = mDigest;
    index.manifests[0].size = mBytes.length;
    await Deno.writeTextFile(`${dir}/index.json`, JSON.stringify(index));
  });
  await layout("blob-directory", async (_dir, payload) => {
    await Deno.remove(payload);
    await Deno.mkdir(payload);
  });
}

interface Result {
  case: string;
  outcome: string;
  ms: number;
  extraMiB: number;
  peakMiB: number;
}

async function runCase(name: string, timeoutMs: number): Promise<Result> {
  const args = ["run", "-A", "--quiet", `${ROOT}bench/_rss_hostile_case.ts`, name, DATA];
  if (lib !== undefined) args.push("--lib", lib);
  const child = new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" })
    .spawn();
  let polled = 0;
  let killed = "";
  const started = performance.now();
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${child.pid}/status`));
      if (m) polled = Math.max(polled, Number(m[1]) * 1024);
    } catch { /* exited */ }
    const elapsed = performance.now() - started;
    if (!killed && (elapsed > timeoutMs || polled > 8 * 1024 * MiB)) {
      killed = elapsed > timeoutMs
        ? `killed after ${Math.round(elapsed / 1000)} s (hang)`
        : "killed at 8 GiB RSS";
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }
  }, 50);
  const out = await child.output();
  clearInterval(poll);
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  if (killed || !text.startsWith("{")) {
    return {
      case: name,
      outcome: killed ||
        `crashed: ${new TextDecoder().decode(out.stderr).trim().split("\n").at(-1)}`,
      ms: Math.round(performance.now() - started),
      extraMiB: NaN,
      peakMiB: polled / MiB,
    };
  }
  const r = JSON.parse(text);
  return {
    case: name,
    outcome: r.outcome,
    ms: r.ms,
    extraMiB: (Math.max(r.hwmAfter, polled) - r.hwmBefore) / MiB,
    peakMiB: Math.max(r.hwmAfter, polled) / MiB,
  };
}

if (import.meta.main) {
  if (Deno.build.os !== "linux") {
    console.log("skip: reads /proc (Linux only)");
    Deno.exit(0);
  }
  await prepare();
  const CASES: [string, number][] = [
    ["baseline", 60_000],
    ["zstd-bomb-4gib", 120_000],
    ["zstd-near-cap", 300_000],
    ["json-near-cap", 900_000],
    ["layout-index-devzero", 30_000],
    ["layout-index-fifo", 10_000],
    ["layout-index-216mb", 60_000],
    ["layout-blob-sparse-3gb", 60_000],
    ["layout-blob-directory", 30_000],
  ];
  console.log(`# ${new Date().toISOString()} lib=${lib ?? "this checkout"}`);
  console.log("| case | outcome | time | peak RSS growth | peak RSS |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const [name, timeout] of CASES) {
    if (only.length > 0 && !only.includes(name) && name !== "baseline") continue;
    const r = await runCase(name, timeout);
    const extra = Number.isNaN(r.extraMiB) ? "—" : `${r.extraMiB.toFixed(1)} MiB`;
    console.log(
      `| ${r.case} | ${r.outcome} | ${(r.ms / 1000).toFixed(2)} s | ${extra} | ${
        r.peakMiB.toFixed(0)
      } MiB |`,
    );
  }
}
