import assert from "node:assert/strict";
import { join } from "node:path";
import { openExperiment } from "@ommx-ts/experiment";
import { HighsDiagnosticsAnalyzer } from "../adapters/highs/mod.ts";
import { CAPACITIES, ITEMS } from "./knapsack_sweep.ts";

const EXAMPLE = new URL("./knapsack_sweep.ts", import.meta.url).pathname;
const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
const dec = new TextDecoder();

/** The optimum of the knapsack by enumeration (2^10 subsets). */
function bruteForce(capacity: number): number {
  let best = 0;
  for (let mask = 0; mask < 1 << ITEMS.length; mask++) {
    let profit = 0;
    let weight = 0;
    ITEMS.forEach((item, i) => {
      if ((mask >> i) & 1) {
        profit += item.profit;
        weight += item.weight;
      }
    });
    if (weight <= capacity) best = Math.max(best, profit);
  }
  return best;
}

Deno.test("knapsack_sweep.ts solves every capacity with HiGHS, records it, and the viewer serves it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-sweep-test-" });
  try {
    const path = join(dir, "sub", "sweep.ommx");
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", `--allow-write=${dir}`, EXAMPLE, path],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, dec.decode(out.stderr));
    const stdout = dec.decode(out.stdout);
    assert.match(stdout, new RegExp(`saved ${path}`));
    assert.equal(stdout.match(/\(optimal\)/g)?.length, CAPACITIES.length);

    await using exp = await openExperiment(path);
    assert.match(exp.imageName ?? "", /knapsack-sweep/);
    assert.deepEqual(await exp.getJson("items"), ITEMS);
    assert.equal(exp.runs.length, CAPACITIES.length);
    for (const [k, run] of exp.runs.entries()) {
      const capacity = CAPACITIES[k]!;
      assert.equal(run.status, "finished");
      assert.equal(run.parameters.capacity, capacity);
      const [solve] = run.solves;
      assert.equal(solve?.adapter, "@ommx-ts/highs-adapter.OMMXHighsAdapter");
      assert.equal(solve?.adapterOptionsJson, '{"timeLimit": 10}');
      const solution = await solve!.getOutput();
      assert.equal(solution?.objective, bruteForce(capacity), `capacity ${capacity}`);
      assert.equal(solution?.optimality, "optimal");
      assert.equal(solution?.feasible, true);
      assert.equal(run.parameters.objective, solution?.objective);
      // The input as modelled: x[i] binary, one named capacity constraint Σ weight·x ≤ capacity.
      const input = await solve!.getInput();
      assert.deepEqual(
        input.decisionVariables.map((v) => [v.id, v.name, v.kind, v.subscripts]),
        ITEMS.map((_, i) => [i, "x", "binary", [i]]),
      );
      const [constraint] = input.constraints;
      assert.equal(constraint?.name, "capacity");
      assert.equal(constraint?.equality, "<=");
      assert.equal(constraint?.function.constant, -capacity);
      assert.deepEqual(
        [...constraint!.function.linearIds].map((
          id,
          k,
        ) => [id, constraint!.function.linearCoefficients[k]]),
        ITEMS.map((item, i) => [i, item.weight]),
      );
      const diagnostics = new HighsDiagnosticsAnalyzer(solve!.getDiagnostics());
      assert.equal(diagnostics.terminationStatus, "Optimal");
      assert.equal(diagnostics.terminationObjectiveValue, solution?.objective);
      const trace = await run.getTrace();
      assert.deepEqual(
        trace?.spans.map((s) => s.name).filter((n) => n !== "Run").sort(),
        ["call", "convert", "decode", "solve"],
      );
    }

    // What `--serve` starts: `ommx-ts serve` on the archive (port 0, JSON line with the URL).
    const serve = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", CLI, "serve", path, "--port", "0", "--json"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = serve.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      let text = "";
      while (!text.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`serve exited before listening: ${text}`);
        text += value;
      }
      const { url } = JSON.parse(text.split("\n")[0]!) as { url: string };
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/i);
      const archive = await fetch(new URL("experiment.ommx", url));
      assert.equal(archive.status, 200);
      assert.equal((await archive.arrayBuffer()).byteLength, (await Deno.stat(path)).size);
    } finally {
      serve.kill("SIGINT");
      await reader.cancel().catch(() => {});
      await serve.stderr.cancel().catch(() => {});
      await serve.status;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
