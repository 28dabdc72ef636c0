/**
 * The autosave benchmark: N runs recorded into a fresh Local Registry under the default
 * `everyRunClose()` policy (a `draft` checkpoint after every Run), by ommx-ts
 * (bench/autosave_ts.ts) and by the reference SDK (bench/autosave_py.py), each sample a fresh
 * process and a fresh registry, Python and TS samples alternating (the order flips every pair)
 * so that the load of the shared machine hits both alike. Prints medians as a Markdown table
 * and writes the raw samples to .cache/bench/autosave-<time>.jsonl.
 *
 * Usage: deno run -A bench/autosave_compare.ts [SIZES=100,1000,5000] [SAMPLES=3] [PY_MAX=1000]
 *
 * The reference rewrites and re-verifies its whole checkpoint on every autosave, so its time per
 * run grows with the run count; sizes above PY_MAX are measured for ommx-ts only.
 *
 * @module
 */
const [sizesArg, samplesArg, pyMaxArg] = Deno.args;
const sizes = (sizesArg ?? "100,1000,5000").split(",").map(Number);
const samples = Number(samplesArg ?? 3);
const pyMax = Number(pyMaxArg ?? 1000);
const repo = new URL("../", import.meta.url).pathname;
const python = `${repo}.cache/venv/bin/python`;
const out = `${repo}.cache/bench/autosave-${new Date().toISOString().replace(/[:.]/g, "")}.jsonl`;
await Deno.mkdir(`${repo}.cache/bench`, { recursive: true });

interface Sample {
  n: number;
  seconds: number;
  tailSeconds: number;
  blobBytes: number;
  blobs: number;
  indexBytes: number;
}

async function sample(side: "ts" | "py", n: number): Promise<Sample> {
  const root = await Deno.makeTempDir({ prefix: `ommx-autosave-${side}-` });
  try {
    const cmd = side === "ts"
      ? new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${repo}bench/autosave_ts.ts`, String(n), root],
        stdout: "piped",
        stderr: "piped",
      })
      : new Deno.Command(python, {
        args: [`${repo}bench/autosave_py.py`, String(n), root],
        stdout: "piped",
        stderr: "piped",
        clearEnv: true,
        env: Object.fromEntries(
          Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("OPENBLAS_")),
        ),
      });
    const result = await cmd.output();
    if (!result.success) {
      throw new Error(`${side} ${n}: ${new TextDecoder().decode(result.stderr)}`);
    }
    const lines = new TextDecoder().decode(result.stdout).trim().split("\n");
    const s = JSON.parse(lines[lines.length - 1]!) as Sample;
    await Deno.writeTextFile(out, JSON.stringify({ side, ...s }) + "\n", { append: true });
    return s;
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const rows: string[] = [];
for (const n of sizes) {
  const got: Record<"ts" | "py", Sample[]> = { ts: [], py: [] };
  for (let i = 0; i < samples; i++) {
    const order: ("ts" | "py")[] = i % 2 === 0 ? ["ts", "py"] : ["py", "ts"];
    for (const side of order) {
      if (side === "py" && n > pyMax) continue;
      const s = await sample(side, n);
      got[side].push(s);
      console.error(`${side} n=${n} #${i + 1}: ${s.seconds.toFixed(1)} s`);
    }
  }
  const cell = (side: "ts" | "py") => {
    const xs = got[side];
    if (xs.length === 0) return { time: "—", tail: "—", disk: "—" };
    return {
      time: `${median(xs.map((s) => s.seconds)).toFixed(1)} s`,
      tail: `${(median(xs.map((s) => s.tailSeconds)) / Math.ceil(n / 10) * 1000).toFixed(1)} ms`,
      disk: `${(median(xs.map((s) => s.blobBytes + s.indexBytes)) / 1e6).toFixed(2)} MB`,
    };
  };
  const t = cell("ts");
  const p = cell("py");
  rows.push(
    `| ${n} | ${p.time} | ${t.time} | ${p.tail} | ${t.tail} | ${p.disk} | ${t.disk} |`,
  );
}
console.log(
  "| runs | Python total | ommx-ts total | Python per run (last 10%) | ommx-ts per run (last 10%) | Python registry size | ommx-ts registry size |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(r);
console.log(`\nraw samples: ${out}`);
