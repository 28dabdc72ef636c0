/**
 * The analysis tables against the Python SDK, in one run: the `*Df()` tables of the largest
 * QOBLIB instance (labs079, 3.9 MB, and its stored Solution) — `decisionVariablesDf()`,
 * `constraintsDf()`, `namedFunctionsDf()` on each — and, when `.cache/bench/` holds it
 * (`bench/gen_sample_set.py`), the 1000 × 1000 binary SampleSet's `summary`,
 * `decisionVariablesDf()` and `constraintsDf()`. Each sample builds the tables of a freshly
 * decoded payload on both sides (the decode is not timed; it is `bench/compare_python.sh`'s
 * job), so nothing computed by an earlier sample is reused: the TS side's per-function cache of
 * used IDs starts empty every time, as Python's Rust core computes them while decoding. Python runs as one worker process (`bench/tables_py.py`, the
 * venv of `tests/interop/setup_venv.sh`); TS and Python samples alternate, so load from other
 * processes hits both alike. Prints one JSON line per job with both series, their medians and
 * the ratio TS / Python (target ≤ 0.5).
 *
 * ```sh
 * deno run -A bench/compare_tables.ts            # 9 alternating pairs per job
 * SAMPLES=15 deno run -A bench/compare_tables.ts
 * ```
 *
 * @module
 */
import { openArtifact } from "../mod.ts";
import { Instance, SampleSet, Solution, type Table } from "../codecs/ommx/mod.ts";

const ROOT = new URL("../", import.meta.url);
const QOBLIB = new URL(
  "../shared/fixtures/qoblib-labs/labs079__02_labs_models_quadratic_unconstrained.ommx",
  ROOT,
);
const SAMPLE_SET = new URL(".cache/bench/sampleset_binary.v2.pb", ROOT);
const PYTHON = Deno.env.get("OMMX_INTEROP_PYTHON") ??
  new URL(".cache/venv/bin/python", ROOT).pathname;
const SAMPLES = Number(Deno.env.get("SAMPLES") ?? 9);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const cells = (ts: Table[]) => ts.reduce((n, t) => n + t.numRows * (t.columns.length + 1), 0);

/** A line-oriented worker process. */
class Worker {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer = "";
  constructor(args: string[]) {
    this.#child = new Deno.Command(PYTHON, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#reader = this.#child.stdout.getReader();
  }
  async line(): Promise<string> {
    for (;;) {
      const nl = this.#buffer.indexOf("\n");
      if (nl >= 0) {
        const l = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        return l;
      }
      const { done, value } = await this.#reader.read();
      if (done) throw new Error("python worker ended");
      this.#buffer += new TextDecoder().decode(value);
    }
  }
  async ask(job: string): Promise<[number, number]> {
    await this.#writer.write(new TextEncoder().encode(job + "\n"));
    const [ms, n] = (await this.line()).split(" ").map(Number);
    return [ms!, n!];
  }
  async close(): Promise<void> {
    await this.#writer.write(new TextEncoder().encode("quit\n"));
    await this.#writer.close();
    this.#reader.releaseLock();
    await this.#child.stdout.cancel();
    await this.#child.status;
  }
}

async function extract(dir: string): Promise<[string, string]> {
  await using art = await openArtifact(QOBLIB.pathname);
  const out: string[] = [];
  for (const kind of ["instance", "solution"]) {
    const layer = art.layers.find((l) => l.mediaType === `application/org.ommx.v1.${kind}`)!;
    const path = `${dir}/labs079.${kind}.v1.pb`;
    await Deno.writeFile(path, await art.getBlob(layer));
    out.push(path);
  }
  return out as [string, string];
}

const dir = await Deno.makeTempDir({ prefix: "ommx-bench-tables-" });
try {
  const [instPath, solPath] = await extract(dir);
  const hasSampleSet = await Deno.stat(SAMPLE_SET).then(() => true, () => false);
  const instBytes = await Deno.readFile(instPath);
  const solBytes = await Deno.readFile(solPath);
  const ssBytes = hasSampleSet ? await Deno.readFile(SAMPLE_SET) : undefined;
  // Each job: decode (untimed), then the timed table calls.
  type Job = () => () => Table[];
  const jobs: Record<string, Job> = {
    instance: () => {
      const inst = Instance.decode(instBytes, "v1");
      return () => [inst.decisionVariablesDf(), inst.constraintsDf(), inst.namedFunctionsDf()];
    },
    solution: () => {
      const sol = Solution.decode(solBytes, "v1");
      return () => [sol.decisionVariablesDf(), sol.constraintsDf(), sol.namedFunctionsDf()];
    },
  };
  if (ssBytes) {
    jobs.sample_set = () => {
      const ss = SampleSet.decode(ssBytes, "v2");
      return () => [ss.summary, ss.decisionVariablesDf(), ss.constraintsDf()];
    };
  }
  const py = new Worker([
    new URL("bench/tables_py.py", ROOT).pathname,
    instPath,
    solPath,
    ...(ssBytes ? [SAMPLE_SET.pathname] : []),
  ]);
  if ((await py.line()) !== "ready") throw new Error("python worker did not start");
  for (const [job, prepare] of Object.entries(jobs)) {
    prepare()(); // warm-up (JIT) on the TS side, as Python's first call warms its caches
    await py.ask(job);
    const tsMs: number[] = [];
    const pyMs: number[] = [];
    let tsCells = 0;
    let pyCells = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const run = prepare();
      const t0 = performance.now();
      tsCells = cells(run());
      tsMs.push(performance.now() - t0);
      const [ms, n] = await py.ask(job);
      pyMs.push(ms);
      pyCells = n;
    }
    const ratio = median(tsMs) / median(pyMs);
    console.log(JSON.stringify({
      job,
      ts_ms: tsMs.map((x) => +x.toFixed(2)),
      py_ms: pyMs.map((x) => +x.toFixed(2)),
      ts_median_ms: +median(tsMs).toFixed(2),
      py_median_ms: +median(pyMs).toFixed(2),
      ratio: +ratio.toFixed(3),
      cells: { ts: tsCells, py: pyCells },
      target_met: ratio <= 0.5,
    }));
  }
  await py.close();
} finally {
  await Deno.remove(dir, { recursive: true });
}
