/**
 * `deno bench -A bench/`: open + list of a 1000-run archive, open of a 1 GB and a 2 GB archive
 * (open cost must not depend on blob bytes), and `verify()` of the 1 GB archive.
 *
 * Data comes from the generators (see BENCHMARKS.md); a bench whose file is missing is skipped
 * with a message.
 *
 * @module
 */
import { openExperiment } from "@ommx-ts/experiment";

const DIR = new URL("../.cache/bench/", import.meta.url);
const MANY = new URL("many_runs.ommx", DIR);
const BIG1 = new URL("big_1g.ommx", DIR);
const BIG2 = new URL("big_2g.ommx", DIR);

function present(url: URL, how: string): boolean {
  try {
    Deno.statSync(url);
    return true;
  } catch {
    console.warn(`skip: ${url.pathname} missing; generate it with: ${how}`);
    return false;
  }
}

const haveMany = present(
  MANY,
  ".cache/venv/bin/python bench/gen_many_runs.py (venv: bash tests/interop/setup_venv.sh)",
);
const haveBig1 = present(
  BIG1,
  ".cache/venv/bin/python bench/gen_big.py .cache/bench/big_1g.ommx 1024 4",
);
const haveBig2 = present(
  BIG2,
  ".cache/venv/bin/python bench/gen_big.py .cache/bench/big_2g.ommx 2048 4",
);

Deno.bench("open + list 1000 runs (runs, solves, parameters, runParameters)", {
  ignore: !haveMany,
  group: "open-list",
}, async () => {
  await using exp = await openExperiment(MANY.pathname);
  let n = 0;
  for (const run of exp.runs) {
    n += run.runId + Object.keys(run.parameters).length;
    for (const s of run.solves) n += s.solveId + s.adapter.length + s.status.length;
    n += run.samplings.length;
  }
  n += exp.runParameters().rows.length;
  if (n === 0) throw new Error("empty listing");
});

for (const [name, url, have] of [["1 GB", BIG1, haveBig1], ["2 GB", BIG2, haveBig2]] as const) {
  Deno.bench(`open + list ${name} archive (4 big layers)`, {
    ignore: !have,
    group: "open-big",
  }, async () => {
    await using exp = await openExperiment(url.pathname);
    if (exp.runs.length !== 4) throw new Error(`expected 4 runs, got ${exp.runs.length}`);
  });
}

Deno.bench("verify() 1 GB archive", { ignore: !haveBig1, n: 3, warmup: 1 }, async (b) => {
  await using exp = await openExperiment(BIG1.pathname);
  b.start();
  const { bytes } = await exp.verify();
  b.end();
  if (bytes < 1 << 30) throw new Error(`verified only ${bytes} bytes`);
});
