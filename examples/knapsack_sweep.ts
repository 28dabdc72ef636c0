/**
 * A capacity sweep modelled, solved and recorded in TypeScript: a knapsack built with the
 * modelling surface (`DecisionVariable.binary`, `Function.sum`, `le`, `Instance.fromComponents`,
 * as in Python), one Run per capacity solved with HiGHS (`@ommx-ts/highs-adapter`, WebAssembly),
 * saved as a `.ommx` archive that the Python SDK opens too — then listed, or opened in the viewer.
 *
 * ```sh
 * deno run -A examples/knapsack_sweep.ts                      # writes a temporary archive
 * deno run -A examples/knapsack_sweep.ts sweep.ommx           # writes sweep.ommx
 * deno run -A examples/knapsack_sweep.ts sweep.ommx --serve   # …and opens it in the viewer
 * ```
 *
 * `deno task demo` runs it (into `.cache/demo/`) and lists the runs with `ommx-ts runs`.
 *
 * @module
 */
import { dirname } from "node:path";
import { OMMXHighsAdapter } from "../adapters/highs/mod.ts";
import { createExperiment, DecisionVariable, Function, Instance } from "@ommx-ts/experiment";

/** The items: profit and weight. */
export const ITEMS: readonly { readonly profit: number; readonly weight: number }[] = [
  { profit: 10, weight: 11 },
  { profit: 13, weight: 15 },
  { profit: 18, weight: 20 },
  { profit: 32, weight: 35 },
  { profit: 7, weight: 10 },
  { profit: 15, weight: 33 },
  { profit: 21, weight: 24 },
  { profit: 9, weight: 8 },
  { profit: 25, weight: 30 },
  { profit: 4, weight: 6 },
];

/** The capacities swept, one Run each. */
export const CAPACITIES: readonly number[] = [20, 40, 60, 80, 100, 120, 140, 160];

/**
 * maximise Σ profit·x subject to Σ weight·x ≤ capacity, x binary.
 *
 * @param capacity The knapsack's capacity.
 * @returns The instance.
 */
export function knapsack(capacity: number): Instance {
  const x = ITEMS.map((_, i) => DecisionVariable.binary(i, { name: "x", subscripts: [i] }));
  return Instance.fromComponents({
    sense: "maximize",
    description: { name: "knapsack", authors: ["ommx-ts examples"] },
    objective: Function.sum(x.map((xi, i) => xi.mul(ITEMS[i]!.profit))),
    decisionVariables: x,
    constraints: {
      0: {
        ...Function.sum(x.map((xi, i) => xi.mul(ITEMS[i]!.weight))).le(capacity),
        name: "capacity",
      },
    },
  });
}

async function main(args: string[]): Promise<void> {
  const serve = args.includes("--serve");
  const path = args.find((a) => !a.startsWith("--")) ??
    `${await Deno.makeTempDir({ prefix: "ommx-knapsack-sweep-" })}/knapsack-sweep.ommx`;

  const experiment = createExperiment({
    imageName: "localhost:5000/ommx-ts/examples/knapsack-sweep:v1",
    storeTrace: true,
  });
  await experiment.logJson("items", ITEMS);
  for (const capacity of CAPACITIES) {
    await experiment.withRun(async (run) => {
      run.logParameter("capacity", capacity);
      // HiGHS's progress and termination reports are kept as the Solve's diagnostics.
      const solution = await run.logSolve(OMMXHighsAdapter, knapsack(capacity), { timeLimit: 10 }, {
        storeDiagnostics: true,
      });
      run.logParameter("objective", solution.objective);
      const chosen = [...solution.state].filter(([, x]) => x > 0.5).map(([id]) => id);
      console.log(
        `capacity ${String(capacity).padStart(3)}: objective ${
          String(solution.objective).padStart(3)
        } (${solution.optimality}), items ${chosen.join(" ")}`,
      );
    });
  }
  await experiment.commit();
  await Deno.mkdir(dirname(path), { recursive: true });
  await experiment.save(path, { overwrite: true }); // a new sweep replaces the old one
  console.log(`saved ${path}`);
  if (!serve) {
    console.log(`view it: deno run -A cli/main.ts serve ${path}`);
    return;
  }
  const cli = new URL("../cli/main.ts", import.meta.url).pathname;
  const viewer = new Deno.Command(Deno.execPath(), { args: ["run", "-A", cli, "serve", path] });
  await viewer.spawn().status;
}

if (import.meta.main) await main(Deno.args);
