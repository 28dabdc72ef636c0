/**
 * TypeScript side of `bench/compare_python.sh`; prints one JSON line per job.
 *
 * Usage:
 *   deno run -A bench/compare_ts.ts open-list ARCHIVE ITERS
 *     `openExperiment(ARCHIVE)`, then every run's id/status/parameters, every solve's
 *     id/status/adapter/adapterOptions, every sampling, and `runParameters()`; ITERS times in this
 *     process. `ms[0]` is the first (cold JIT) sample; module loading is not timed (as on the
 *     Python side).
 *   deno run -A bench/compare_ts.ts verify ARCHIVE ITERS [LIMIT_MIB]
 *     `openExperiment(ARCHIVE)` once, then `verify()` ITERS times; reports ms and bytes. With
 *     LIMIT_MIB, each `verify()` is preceded by one SHA-256 stream over LIMIT_MIB MiB in memory
 *     (as `hash-limit`), so that the stream limit and the verify rate come from the same process
 *     and minute (`limit_ms`, `limit_bytes`); on Linux each sample also reports this thread's CPU
 *     time and run-queue wait (`/proc/thread-self/schedstat`: `cpu_ms`, `runq_ms`,
 *     `limit_cpu_ms`, `limit_runq_ms`) — the rest of the wall time this thread slept, waiting
 *     for reads.
 *   deno run -A bench/compare_ts.ts hash-limit MIB ITERS
 *     One SHA-256 stream (`node:crypto`, 4 MiB updates) over MIB MiB in memory: the single-stream
 *     limit `verify` is compared with; reports ms and bytes.
 *   deno run -A bench/compare_ts.ts import ITERS
 *     Fresh `import("../mod.ts")` cost is not measurable twice in a process; this reports the
 *     first one (module graph load and evaluation, runtime start excluded).
 *   deno run -A bench/compare_ts.ts zstd ARCHIVE NAME ITERS
 *     `openExperiment(ARCHIVE)` once, then ITERS times `getBlob(NAME)` (zstd decode) and
 *     `getJson(NAME)` (decode + JSON parse); ms per call.
 *   deno run -A bench/compare_ts.ts decode KIND FILE ITERS
 *     KIND is instance-v1 | instance-v2 | sample-set-v1 | sample-set-v2: `Instance.decode` /
 *     `SampleSet.decode` on FILE's bytes ITERS times after one warm-up call.
 *
 * @module
 */
import type { OmmxVersion } from "../codecs/ommx/mod.ts";

/** Open an experiment and touch everything a listing shows; returns counts and a checksum. */
async function openList(
  openExperiment: typeof import("../mod.ts").openExperiment,
  path: string,
): Promise<Record<string, number | number[]>> {
  await using exp = await openExperiment(path);
  let solves = 0;
  let samplings = 0;
  let check = 0;
  for (const run of exp.runs) {
    check += run.runId + run.status.length + Object.keys(run.parameters).length;
    for (const s of run.solves) {
      check += s.solveId + s.status.length + s.adapter.length +
        Object.keys(s.adapterOptions as object).length;
      solves++;
    }
    samplings += run.samplings.length;
  }
  const table = exp.runParameters();
  return {
    runs: exp.runs.length,
    solves,
    samplings,
    param_shape: [table.rows.length, table.columns.length],
    check,
  };
}

/** MIB MiB of input for the in-memory SHA-256 stream (the single-stream limit). */
function streamInput(mib: number): Uint8Array {
  return new Uint8Array(mib << 20).map((_, i) => i * 31);
}

/** One SHA-256 stream (`node:crypto`, 4 MiB updates) over `buf`. */
async function hashStream(buf: Uint8Array): Promise<void> {
  const { createHash } = await import("node:crypto");
  const h = createHash("sha256");
  for (let o = 0; o < buf.length; o += 4 << 20) h.update(buf.subarray(o, o + (4 << 20)));
  h.digest("hex");
}

/** Wall ms of `f`. */
async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

/** This thread's CPU ms and run-queue ms so far (Linux), else `undefined`. */
function schedstat(): [number, number] | undefined {
  try {
    const [cpu, runq] = Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ").map(Number);
    return [cpu! / 1e6, runq! / 1e6];
  } catch {
    return undefined;
  }
}

async function main(args: string[]): Promise<number> {
  const [job, a, b, c] = args;
  if (job === "open-list" && a !== undefined) {
    const { openExperiment } = await import("../mod.ts"); // module load is not timed
    const iters = Number(b ?? 10);
    const ms: number[] = [];
    let info: Record<string, number | number[]> = {};
    for (let i = 0; i < iters; i++) {
      const t0 = performance.now();
      info = await openList(openExperiment, a);
      ms.push(performance.now() - t0);
    }
    console.log(JSON.stringify({ job: "open-list", impl: "ts", ms, ...info }));
    return 0;
  }
  if (job === "verify" && a !== undefined) {
    const { openExperiment } = await import("../mod.ts");
    await using exp = await openExperiment(a);
    const buf = c === undefined ? undefined : streamInput(Number(c));
    const ms: number[] = [];
    const limitMs: number[] = [];
    const sched: Record<string, number[]> = {};
    const push = (key: string, v: number) => (sched[key] ??= []).push(Math.round(v * 10) / 10);
    let bytes = 0;
    for (let i = 0; i < Number(b ?? 3); i++) {
      if (buf !== undefined) {
        const s0 = schedstat();
        limitMs.push(await timed(() => hashStream(buf)));
        const s1 = schedstat();
        if (s0 && s1) push("limit_cpu_ms", s1[0] - s0[0]), push("limit_runq_ms", s1[1] - s0[1]);
      }
      const s0 = schedstat();
      ms.push(await timed(async () => bytes = (await exp.verify()).bytes));
      const s1 = schedstat();
      if (s0 && s1) push("cpu_ms", s1[0] - s0[0]), push("runq_ms", s1[1] - s0[1]);
    }
    const limit = buf === undefined ? {} : { limit_bytes: buf.length, limit_ms: limitMs };
    console.log(JSON.stringify({ job: "verify", impl: "ts", bytes, ms, ...limit, ...sched }));
    return 0;
  }
  if (job === "hash-limit" && a !== undefined) {
    const buf = streamInput(Number(a));
    const ms: number[] = [];
    for (let i = 0; i < Number(b ?? 3); i++) ms.push(await timed(() => hashStream(buf)));
    console.log(JSON.stringify({ job: "hash-limit", impl: "ts", bytes: buf.length, ms }));
    return 0;
  }
  if (job === "import") {
    const t0 = performance.now();
    await import("../mod.ts");
    console.log(JSON.stringify({ job: "import", impl: "ts", ms: [performance.now() - t0] }));
    return 0;
  }
  if (job === "zstd" && a !== undefined && b !== undefined) {
    const { openExperiment } = await import("../mod.ts");
    await using exp = await openExperiment(a);
    const blobMs: number[] = [];
    const jsonMs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < Number(c ?? 5); i++) {
      const t0 = performance.now();
      bytes = (await exp.getBlob(b)).byteLength;
      const t1 = performance.now();
      await exp.getJson(b);
      jsonMs.push(performance.now() - t1);
      blobMs.push(t1 - t0);
    }
    console.log(
      JSON.stringify({ job: "zstd", impl: "ts", bytes, blob_ms: blobMs, json_ms: jsonMs }),
    );
    return 0;
  }
  if (job === "decode" && a !== undefined && b !== undefined) {
    const [what, version] = [a.slice(0, a.lastIndexOf("-")), a.slice(a.lastIndexOf("-") + 1)];
    if ((what !== "instance" && what !== "sample-set") || (version !== "v1" && version !== "v2")) {
      console.error(`unknown kind ${a}`);
      return 2;
    }
    const { Instance, SampleSet } = await import("../codecs/ommx/mod.ts");
    const decode = what === "instance"
      ? (x: Uint8Array) => Instance.decode(x, version as OmmxVersion)
      : (x: Uint8Array) => SampleSet.decode(x, version as OmmxVersion);
    const data = await Deno.readFile(b);
    decode(data); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < Number(c ?? 10); i++) {
      const t0 = performance.now();
      decode(data);
      ms.push(performance.now() - t0);
    }
    console.log(JSON.stringify({ job: `decode:${a}`, impl: "ts", bytes: data.byteLength, ms }));
    return 0;
  }
  console.error(
    "usage: compare_ts.ts open-list ARCHIVE ITERS | verify ARCHIVE ITERS | hash-limit MIB ITERS | import | zstd ARCHIVE NAME ITERS | decode KIND FILE ITERS",
  );
  return 2;
}

Deno.exit(await main(Deno.args));
