/**
 * A Local Registry for the viewer's registry test, written by ommx-ts (the reference SDK's part is
 * `viewer_registry.py`):
 *
 * | image | what |
 * | --- | --- |
 * | `example.com/viewer/ts-NNN:v1` × n | 2 runs each of a TS greedy knapsack solve (`capacity`, `seed`, `solver`) |
 * | `example.com/viewer/sweep:ts` | capacity 30..70 by the greedy solver: the counterpart of `sweep:highs` |
 * | `example.com/viewer/hostile:v1` | markup, quotes and control characters in parameter names and values, an annotation, a failed run's reason, an attachment name; Japanese text |
 * | `example.com/viewer/empty:v1` | runs without solves (no plot) |
 * | `example.com/viewer/wide:v1` | 40 long parameter columns (a table wider than the window) |
 * | `example.com/viewer/broken:v1` | listed, but its Solution blob is gone (it fails to open: its row shows the code) |
 * | `example.com/<script>alert(1)</script>:v1` | a ref row whose name does not parse (INVALID_ARTIFACT) |
 *
 * ```sh
 * deno run -A tests/cli/_viewer_registry_test_util.ts <root> <n>
 * ```
 *
 * @module
 */
import { createExperimentBuilder } from "../../core/experiment/write/experiment_builder.ts";
import { openLocalRegistry } from "../../core/oci/backends/local_registry.ts";
import { Function, Instance, Solution } from "../../codecs/ommx/mod.ts";
import { parseManifest } from "../../core/oci/manifest.ts";

const PROFIT = [10, 13, 18, 32, 7, 15];
const WEIGHT = [11, 15, 20, 35, 10, 33];

/**
 * The knapsack the Python side solves with HiGHS (maximise profit, one capacity constraint).
 *
 * @param capacity The capacity.
 * @returns The Instance.
 */
export function knapsack(capacity: number): Instance {
  return new Instance({
    sense: "maximize",
    objective: Function.linear(PROFIT.map((p, i) => [i, p] as [number, number])),
    decisionVariables: PROFIT.map((_, id) => ({
      id,
      kind: "binary" as const,
      bound: { lower: 0, upper: 1 },
      subscripts: [],
      parameters: {},
    })),
    constraints: [{
      id: 0,
      equality: "<=" as const,
      function: Function.linear(WEIGHT.map((w, i) => [i, w] as [number, number]), -capacity),
      subscripts: [],
      parameters: {},
    }],
  });
}

/**
 * Greedy by profit/weight ratio: feasible, not always optimal.
 *
 * @param capacity The capacity.
 * @returns The chosen items' total profit.
 */
export function greedyProfit(capacity: number): number {
  const order = PROFIT.map((_, i) => i).sort((a, b) =>
    PROFIT[b]! / WEIGHT[b]! - PROFIT[a]! / WEIGHT[a]!
  );
  let left = capacity;
  let profit = 0;
  for (const i of order) {
    if (WEIGHT[i]! <= left) {
      left -= WEIGHT[i]!;
      profit += PROFIT[i]!;
    }
  }
  return profit;
}

const greedy = {
  name: "tests.GreedyKnapsack",
  solve(inst: Instance): Solution {
    const capacity = -(inst.constraints[0]!.function.constant);
    const order = PROFIT.map((_, i) => i).sort((a, b) =>
      PROFIT[b]! / WEIGHT[b]! - PROFIT[a]! / WEIGHT[a]!
    );
    let left = capacity;
    const state = new Map<number, number>();
    for (const i of order) {
      const take = WEIGHT[i]! <= left;
      if (take) left -= WEIGHT[i]!;
      state.set(i, take ? 1 : 0);
    }
    return Solution.evaluate(inst, state);
  },
};

/** What the hostile Experiment holds, for the test's assertions. */
export const HOSTILE = {
  image: "example.com/viewer/hostile:v1",
  paramName: "<script>alert(1)</script>",
  paramValue: `"quoted" 'single' <b>bold</b> & </td>`,
  controlValue: "bell\u0007 esc\u001b[31m",
  japaneseName: "問題",
  japaneseValue: "ナップサック問題",
  annotationKey: "org.example.説明",
  annotationValue: `日本語の説明 <img src=x onerror="alert(1)">`,
  reason: `</script><script>alert("x")</script>`,
  attachment: `"><svg onload=alert(1)>.txt`,
  badRef: "example.com/<script>alert(1)</script>",
} as const;

/** The images written, for the test. */
export interface WrittenRegistry {
  /** Every Experiment image name written (not the bad ref). */
  names: string[];
  /** Best objective of `sweep:ts` by capacity. */
  sweep: Record<string, number>;
}

/**
 * Write the TS Experiments into `root`.
 *
 * @param root The registry root.
 * @param n How many `ts-NNN` Experiments.
 * @returns The names.
 */
export async function writeViewerRegistry(root: string, n: number): Promise<WrittenRegistry> {
  const registry = await openLocalRegistry({ root, writable: true, create: true });
  const names: string[] = [];
  const sweep: Record<string, number> = {};
  try {
    const build = async (
      imageName: string,
      fn: (b: ReturnType<typeof createExperimentBuilder>) => Promise<void>,
    ) => {
      const b = createExperimentBuilder({ imageName, store: registry });
      await fn(b);
      await b.commit();
      names.push(imageName);
    };
    for (let i = 0; i < n; i++) {
      await build(`example.com/viewer/ts-${String(i).padStart(3, "0")}:v1`, async (b) => {
        b.setAnnotation("org.example.writer", "ommx-ts");
        for (let r = 0; r < 2; r++) {
          await b.withRun(async (run) => {
            run.logParameter("capacity", 30 + 5 * r + (i % 7));
            run.logParameter("seed", i);
            run.logParameter("solver", "greedy");
            await run.logSolve(greedy, knapsack(30 + 5 * r + (i % 7)));
          });
        }
      });
    }
    await build("example.com/viewer/sweep:ts", async (b) => {
      for (let capacity = 30; capacity <= 70; capacity += 10) {
        await b.withRun(async (run) => {
          run.logParameter("capacity", capacity);
          run.logParameter("seed", 1);
          run.logParameter("solver", "greedy");
          await run.logSolve(greedy, knapsack(capacity));
        });
        sweep[String(capacity)] = greedyProfit(capacity);
      }
    });
    await build(HOSTILE.image, async (b) => {
      b.setAnnotation(HOSTILE.annotationKey, HOSTILE.annotationValue);
      await b.logJson(HOSTILE.attachment, { a: 1 });
      await b.withRun(async (run) => {
        run.logParameter(HOSTILE.paramName, HOSTILE.paramValue);
        run.logParameter("note", HOSTILE.controlValue);
        run.logParameter(HOSTILE.japaneseName, HOSTILE.japaneseValue);
        run.logParameter("capacity", 40);
        await run.logSolve(greedy, knapsack(40));
      });
      await b.withRun(async (run) => {
        run.logParameter("capacity", 50);
        await run.logSolve(greedy, knapsack(50));
        const e = new Error(HOSTILE.reason);
        e.name = "RuntimeError";
        run.fail(e);
      });
    });
    await build("example.com/viewer/empty:v1", async (b) => {
      for (let r = 0; r < 2; r++) {
        await b.withRun((run) => {
          run.logParameter("step", r);
          return Promise.resolve();
        });
      }
    });
    await build("example.com/viewer/wide:v1", async (b) => {
      for (let r = 0; r < 3; r++) {
        await b.withRun(async (run) => {
          for (let k = 0; k < 40; k++) {
            run.logParameter(
              `parameter_with_a_rather_long_name_${String(k).padStart(2, "0")}`,
              r * k,
            );
          }
          await run.logSolve(greedy, knapsack(30 + 10 * r));
        });
      }
    });
    await build("example.com/viewer/broken:v1", async (b) => {
      await b.withRun(async (run) => {
        // A capacity no other Experiment uses: its Solution blob is its own (blobs are shared).
        run.logParameter("capacity", 77);
        await run.logSolve(greedy, knapsack(77));
      });
    });
  } finally {
    await registry.close();
  }
  // Break `broken:v1`: remove its Solve output blob (the listing reads only the manifest and config).
  const { manifestDigest, manifest } = await manifestOf(root, "example.com/viewer/broken", "v1");
  const output = manifest.layers.find((l) => l.mediaType.includes("solution"));
  if (output === undefined) throw new Error("broken:v1 has no solution layer");
  await Deno.remove(`${root}/blobs/sha256/${output.digest.slice(7)}`);
  // A ref whose name does not parse, pointing at a sound manifest.
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(`${root}/index.sqlite3`);
  try {
    db.prepare(
      "INSERT INTO refs (name, reference, manifest_digest, updated_at) VALUES (?, ?, ?, ?)",
    ).run(HOSTILE.badRef, "v1", manifestDigest, "2026-01-01T00:00:00Z");
  } finally {
    db.close();
  }
  return { names, sweep };
}

async function manifestOf(root: string, name: string, reference: string) {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(`${root}/index.sqlite3`, { readOnly: true });
  let digest: string;
  try {
    const row = db.prepare("SELECT manifest_digest FROM refs WHERE name = ? AND reference = ?")
      .get(name, reference) as { manifest_digest: string } | undefined;
    if (row === undefined) throw new Error(`no ref ${name}:${reference}`);
    digest = row.manifest_digest;
  } finally {
    db.close();
  }
  const bytes = await Deno.readFile(`${root}/blobs/sha256/${digest.slice(7)}`);
  return { manifestDigest: digest, manifest: parseManifest(bytes).manifest };
}

if (import.meta.main) {
  const [root, n] = Deno.args;
  if (!root) {
    console.error("usage: _viewer_registry_test_util.ts <root> [n]");
    Deno.exit(2);
  }
  console.log(JSON.stringify(await writeViewerRegistry(root, Number(n ?? "5"))));
}
