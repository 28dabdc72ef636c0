import assert from "node:assert/strict";
import {
  AdapterNotApplicableError,
  createExperiment,
  Function,
  InfeasibleDetected,
  InvalidArgumentError,
  NoSolutionReturned,
  type Solution,
  UnboundedDetected,
} from "@ommx-ts/experiment";
import { HighsAdapter, OMMXHighsAdapter, OMMXHighsAdapterError } from "./mod.ts";
import { binary, constraint, instance, knapsack, variable } from "./_instances_test_util.ts";

const highs = OMMXHighsAdapter;
const lin = (terms: [number, number][], c = 0) => Function.linear(terms, c);
/** A linear function built without the builder's ID check (to reach the adapter's own). */
const rawLin = (terms: [number, number][]) =>
  new Function("linear", 0, terms.map(([id]) => id), terms.map(([, c]) => c));

function ones(solution: Solution): number[] {
  return [...solution.state].filter(([, x]) => x > 0.5).map(([id]) => id);
}

Deno.test("highs: the reference's knapsack is solved to 42 (items 0 and 3), optimal and feasible", async () => {
  const solution = await highs.solve(knapsack());
  assert.equal(solution.objective, 42);
  assert.deepEqual(ones(solution), [0, 3]);
  assert.equal(solution.optimality, "optimal");
  assert.equal(solution.relaxation, "unspecified");
  assert.equal(solution.feasible, true);
  assert.equal(solution.sense, "maximize");
  assert.equal(solution.state.size, 6);
});

Deno.test("highs: the reference docstring example (binary + integer) gives 15", async () => {
  const inst = instance({
    sense: "maximize",
    objective: lin([[0, 2], [1, 3]]),
    decisionVariables: [binary(0), variable(1, "integer", 0, 10)],
    constraints: [constraint(0, "<=", lin([[0, 1], [1, 1]], -5))],
  });
  const solution = await highs.solve(inst);
  assert.equal(solution.objective, 15);
  assert.equal(solution.state.get(1), 5);
  assert.equal(Math.abs(solution.state.get(0)!), 0);
});

Deno.test("highs: sparse and huge ids map to columns and rows and back", async () => {
  const big = Number.MAX_SAFE_INTEGER;
  const inst = instance({
    sense: "minimize",
    objective: lin([[big, 1], [1e12, 2], [7, 1]]),
    decisionVariables: [
      variable(big, "continuous", 1, 5),
      variable(1e12, "integer", -3, 4),
      variable(7, "continuous", 0, 10),
    ],
    constraints: [
      constraint(big - 1, "<=", lin([[7, -1]], 2.5)), // x7 >= 2.5
      constraint(3, "=", lin([[1e12, 1], [big, 1]], 1)), // x1e12 + xbig = -1
    ],
  });
  const solution = await highs.solve(inst);
  // xbig in [1,5], x1e12 in [-3,4] integer, xbig + x1e12 = -1: minimise xbig + 2 x1e12 → x1e12=-3,
  // xbig=2; x7 = 2.5.
  assert.equal(solution.state.get(big), 2);
  assert.equal(solution.state.get(1e12), -3);
  assert.equal(solution.state.get(7), 2.5);
  assert.equal(solution.objective, 2 - 6 + 2.5);
  assert.deepEqual(solution.constraints.map((c) => c.id).sort(), [3, big - 1].sort());
});

Deno.test("highs: LP duals are attached by constraint id (not by row position)", async () => {
  const inst = instance({
    sense: "maximize",
    objective: lin([[0, 10], [1, 13]]),
    decisionVariables: [variable(0, "continuous", 0, 1), variable(1, "continuous", 0, 1)],
    constraints: [
      constraint(7, "<=", lin([[0, 1], [1, 1]], -5)), // slack
      constraint(3, "<=", lin([[0, 11], [1, 15]], -15)), // binding
    ],
  });
  const solution = await highs.solve(inst);
  assert.ok(Math.abs(solution.objective - (10 + 13 * 4 / 15)) < 1e-9);
  const dual = new Map(solution.constraints.map((c) => [c.id, c.dualVariable]));
  assert.ok(Math.abs(dual.get(3)! - 13 / 15) < 1e-9, String(dual.get(3)));
  assert.equal(dual.get(7), 0);
  assert.equal(solution.optimality, "optimal");
});

Deno.test("highs: infeasible and unbounded problems are typed errors", async () => {
  const infeasible = instance({
    sense: "maximize",
    objective: lin([[0, 1]]),
    decisionVariables: [variable(0, "integer", 0, 3)],
    constraints: [constraint(0, "<=", lin([[0, -1]], 4))],
  });
  await assert.rejects(highs.solve(infeasible), (e) => {
    assert.ok(e instanceof InfeasibleDetected);
    assert.equal(String(e), "InfeasibleDetected: Model was infeasible");
    return true;
  });
  const infeasibleLp = instance({
    sense: "maximize",
    objective: lin([[0, 1], [1, 1]]),
    decisionVariables: [variable(0, "continuous", 0, Infinity), variable(1, "continuous", 0, 9)],
    constraints: [constraint(0, "<=", lin([[0, 1], [1, 1]], 1))],
  });
  await assert.rejects(highs.solve(infeasibleLp), InfeasibleDetected);
  const unboundedLp = instance({
    sense: "maximize",
    objective: lin([[0, 1]]),
    decisionVariables: [variable(0, "continuous", 0, Infinity)],
  });
  await assert.rejects(highs.solve(unboundedLp), (e) => {
    assert.ok(e instanceof UnboundedDetected);
    assert.equal(String(e), "UnboundedDetected: Model was unbounded");
    return true;
  });
  // HiGHS's presolve says "infeasible or unbounded" here; a second run without presolve decides
  // (the reference returns x = 0 as a solution instead).
  for (const constrained of [false, true]) {
    const unboundedMip = instance({
      sense: "maximize",
      objective: lin([[0, 1], [1, 1]]),
      decisionVariables: [
        variable(0, "integer", 0, Infinity),
        variable(1, "integer", 0, Infinity),
      ],
      constraints: constrained ? [constraint(0, "<=", lin([[0, 1], [1, -1]], -1))] : [],
    });
    await assert.rejects(highs.solve(unboundedMip), UnboundedDetected);
  }
  // With presolve off from the start, HiGHS decides in one run.
  await assert.rejects(highs.solve(unboundedLp, { presolve: false }), UnboundedDetected);
});

Deno.test("highs: constant constraints are skipped within 1e-10, else refused as the reference does", async () => {
  const x = variable(0, "continuous", 0, 1);
  const solve = (equality: "=" | "<=", f: Function) =>
    highs.solve(instance({
      sense: "maximize",
      objective: lin([[0, 1]]),
      decisionVariables: [x],
      constraints: [constraint(4, equality, f)],
    }));
  for (
    const [equality, f] of [["=", Function.constant(1e-11)], ["<=", Function.constant(-3)], [
      "<=",
      lin([[0, 0]], 1e-10),
    ]] as const
  ) {
    const solution = await solve(equality, f);
    assert.equal(solution.objective, 1);
    assert.equal(solution.constraints[0]?.dualVariable, undefined, "no row, no dual");
  }
  await assert.rejects(solve("=", Function.constant(1)), (e) => {
    assert.ok(e instanceof OMMXHighsAdapterError);
    assert.equal(e.code, "ADAPTER_ERROR");
    assert.match(e.message, /^Infeasible constant equality constraint \(constraint 4: 1 = 0\)$/);
    return true;
  });
  await assert.rejects(solve("<=", lin([[0, 0]], 2e-10)), (e) => {
    assert.ok(e instanceof OMMXHighsAdapterError);
    assert.match(e.message, /^Infeasible constant inequality constraint/);
    return true;
  });
});

Deno.test("highs: what HiGHS cannot take is refused before it runs, every reason listed", async () => {
  const lines: string[] = [];
  const logged = new HighsAdapter({ log: (l) => lines.push(l) });
  const xs = [0, 1, 2].map(binary);
  const inst = instance({
    sense: "minimize",
    objective: Function.polynomial([{ ids: [0, 1, 2], coefficient: 1 }]),
    decisionVariables: xs,
    constraints: [constraint(5, "<=", Function.quadratic([[0, 1, 1]], [], -1))],
    indicatorConstraints: [{
      id: 1,
      indicatorVariable: 0,
      equality: "<=",
      function: lin([[1, 1]], -1),
      subscripts: [],
      parameters: {},
    }],
    oneHotConstraints: [{ id: 2, variables: [0, 1], subscripts: [], parameters: {} }, {
      id: 3,
      variables: [1, 2],
      subscripts: [],
      parameters: {},
      removedReason: { reason: "lowered", parameters: {} },
    }],
    sos1Constraints: [{ id: 9, variables: [0, 2], subscripts: [], parameters: {} }],
  });
  await assert.rejects(logged.solve(inst), (e) => {
    assert.ok(e instanceof AdapterNotApplicableError);
    assert.equal(e.code, "NOT_APPLICABLE");
    assert.equal(e.adapter, "@ommx-ts/highs-adapter.OMMXHighsAdapter");
    assert.deepEqual(e.reasons, [
      "indicator constraints 1 are not supported (HiGHS takes regular constraints only)",
      "one-hot constraints 2 are not supported (HiGHS takes regular constraints only)",
      "SOS1 constraints 9 are not supported (HiGHS takes regular constraints only)",
      "regular constraints 5 have degree 2 or more (HiGHS takes linear constraints only)",
      "the objective has degree 3 (HiGHS takes linear and convex quadratic objectives)",
    ]);
    return true;
  });
  assert.deepEqual(lines, [], "HiGHS never saw the model");

  // A QUBO: quadratic terms on binaries (the reference refuses it before solving too).
  const qubo = instance({
    sense: "minimize",
    objective: Function.quadratic([[0, 1, 1]], [[2, -1]]),
    decisionVariables: xs,
  });
  await assert.rejects(logged.solve(qubo), (e) => {
    assert.ok(e instanceof AdapterNotApplicableError);
    assert.match(e.reasons[0]!, /quadratic and variables 0, 1, 2 are not continuous/);
    return true;
  });
  assert.deepEqual(lines, []);
});

Deno.test("highs: terms are merged and zero terms dropped before the degree is taken", async () => {
  // x·y − y·x + 2x + x: linear after merging; the constraint 0·x·y + y − 1 <= 0 is linear too.
  const inst = instance({
    sense: "maximize",
    objective: Function.quadratic([[0, 1, 1], [1, 0, -1]], [[0, 2], [0, 1]]),
    decisionVariables: [variable(0, "continuous", 0, 2), variable(1, "continuous", 0, 1)],
    constraints: [constraint(0, "<=", Function.quadratic([[0, 1, 0]], [[1, 1]], -1))],
  });
  const solution = await highs.solve(inst);
  assert.equal(solution.objective, 6);
  assert.equal(solution.state.get(0), 2);
  // y has a non-zero coefficient in the constraint only: a column; HiGHS picks any y in [0, 1].
  assert.ok(solution.state.get(1)! >= 0 && solution.state.get(1)! <= 1);
  const poly = instance({
    sense: "minimize",
    objective: Function.polynomial([
      { ids: [0, 1, 1], coefficient: 2 },
      { ids: [1, 0, 1], coefficient: -2 },
      { ids: [0], coefficient: 1 },
      { ids: [], coefficient: 4 },
    ]),
    decisionVariables: [variable(0, "continuous", -1, 2), variable(1, "continuous", 0, 1)],
  });
  const p = await highs.solve(poly);
  assert.equal(p.objective, 3);
  assert.equal(p.state.get(0), -1);
});

Deno.test("highs: semi-continuous and semi-integer variables (beyond the reference)", async () => {
  const semi = (
    kind: "semi-continuous" | "semi-integer",
    sense: "minimize" | "maximize",
    cap: number,
  ) =>
    highs.solve(instance({
      sense,
      objective: lin([[0, sense === "minimize" ? -1 : 1]]),
      decisionVariables: [variable(0, kind, 2, 5.5)],
      constraints: [constraint(0, "<=", lin([[0, 1]], -cap))],
    }));
  // x ∈ {0} ∪ [2, 5.5], x <= 1.5: only 0 is left.
  assert.equal(Math.abs((await semi("semi-continuous", "minimize", 1.5)).state.get(0)!), 0);
  assert.equal((await semi("semi-continuous", "maximize", 4.25)).state.get(0), 4.25);
  const si = await semi("semi-integer", "maximize", 4.5);
  assert.equal(si.state.get(0), 4);
  assert.equal(si.feasible, true);
  assert.equal(si.optimality, "optimal");
});

Deno.test("highs: convex quadratic objectives of continuous problems (beyond the reference)", async () => {
  const box = [variable(0, "continuous", -1, 1), variable(1, "continuous", -1, 1)];
  // min x² + y² − x → x = 0.5, y = 0.
  const convex = await highs.solve(instance({
    sense: "minimize",
    objective: Function.quadratic([[0, 0, 1], [1, 1, 1]], [[0, -1]]),
    decisionVariables: box,
  }));
  assert.ok(Math.abs(convex.objective + 0.25) < 1e-6, String(convex.objective));
  assert.ok(Math.abs(convex.state.get(0)! - 0.5) < 1e-4);
  assert.equal(convex.optimality, "optimal");
  // max −x² − y² + x (concave) → the same point.
  const concave = await highs.solve(instance({
    sense: "maximize",
    objective: Function.quadratic([[0, 0, -1], [1, 1, -1]], [[0, 1]]),
    decisionVariables: box,
  }));
  assert.ok(Math.abs(concave.objective - 0.25) < 1e-6);
  // (x − y)² + (y − 1)² with a constraint x + y <= 1.5: singular Hessian block, still convex.
  const coupled = await highs.solve(instance({
    sense: "minimize",
    objective: Function.quadratic([[0, 0, 1], [0, 1, -2], [1, 1, 2]], [[1, -2]], 1),
    decisionVariables: box,
    constraints: [constraint(0, "<=", lin([[0, 1], [1, 1]], -1.5))],
  }));
  // On x + y = 1.5: minimise (1.5 − 2y)² + (y − 1)² → y = 0.8, x = 0.7, value 0.05.
  assert.ok(Math.abs(coupled.objective - 0.05) < 1e-6, String(coupled.objective));
  // Non-convex ones are refused before HiGHS (HiGHS would return a saddle point as "Optimal").
  for (
    const [sense, quad] of [
      ["minimize", [[0, 0, 0.5], [0, 1, 3]]],
      ["minimize", [[0, 0, 1], [1, 1, -1]]],
      ["maximize", [[0, 0, 1]]],
    ] as const
  ) {
    await assert.rejects(
      highs.solve(instance({
        sense,
        objective: Function.quadratic(quad.map((t) => [...t] as [number, number, number])),
        decisionVariables: box,
      })),
      (e) => {
        assert.ok(e instanceof AdapterNotApplicableError);
        assert.match(e.reasons[0]!, /^the quadratic objective is not (convex|concave)/);
        return true;
      },
    );
  }
});

Deno.test("highs: variables no objective or constraint uses get their bound's value nearest to 0", async () => {
  const inst = instance({
    sense: "maximize",
    objective: lin([[0, 1]]),
    decisionVariables: [
      binary(0),
      binary(1),
      variable(2, "continuous", -3, 7),
      variable(3, "integer", 2, 5),
      variable(4, "integer", 0.5, 3.5),
      variable(5, "integer", -5.5, -0.5),
      variable(6, "continuous", -2, -1),
      variable(8, "continuous", 0, 10, { substitutedValue: 3 }),
      variable(9, "continuous", -Infinity, Infinity),
      variable(10, "binary", 0.5, 1),
    ],
    decisionVariableDependency: new Map([[11, lin([[8, 2], [0, 1]], 1)]]),
    constraints: [constraint(1, "<=", lin([[2, 0]], -1))], // constant after merging
  });
  const withDependent = instance({
    ...inst.toData(),
    decisionVariables: [...inst.decisionVariables, variable(11, "continuous", 0, 100)],
  });
  const solution = await highs.solve(withDependent);
  assert.deepEqual(Object.fromEntries(solution.state), {
    0: 1,
    1: 0,
    2: 0,
    3: 2,
    4: 1,
    5: -1,
    6: -1,
    8: 3,
    9: 0,
    10: 1,
    11: 8,
  });
  assert.equal(solution.feasible, true);
  // An unused semi-continuous variable is 0 — which ommx 3.0.0b7's evaluation reports as outside
  // its bound [2, 5] (it checks the bound alone); the Solution follows the reference.
  const semi = await highs.solve(instance({
    ...withDependent.toData(),
    decisionVariables: [...withDependent.decisionVariables, variable(12, "semi-continuous", 2, 5)],
  }));
  assert.equal(semi.state.get(12), 0);
  assert.equal(semi.feasible, false);
});

Deno.test("highs: a variable with a substituted value used in the objective is fixed to it", async () => {
  const solution = await highs.solve(instance({
    sense: "maximize",
    objective: lin([[0, 1], [1, 1]]),
    decisionVariables: [
      variable(0, "continuous", 0, 10, { substitutedValue: 3 }),
      variable(1, "integer", 0, 2),
    ],
  }));
  assert.equal(solution.objective, 5);
  assert.equal(solution.state.get(0), 3);
});

Deno.test("highs: bad numbers and ids are InvalidArgumentErrors before HiGHS runs", async () => {
  const x = variable(0, "continuous", 0, 1);
  const cases: [string, Parameters<typeof instance>[0], RegExp][] = [
    ["NaN coefficient", {
      objective: lin([[0, Number.NaN]]),
      decisionVariables: [x],
    }, /the objective has a non-finite coefficient on variable 0: NaN/],
    ["infinite constant", {
      objective: lin([[0, 1]]),
      decisionVariables: [x],
      constraints: [constraint(3, "<=", lin([[0, 1]], -Infinity))],
    }, /constraint 3 has a non-finite constant term: -Infinity/],
    ["infinite quadratic coefficient", {
      objective: Function.quadratic([[0, 0, Infinity]]),
      decisionVariables: [x],
    }, /non-finite coefficient on variables 0·0: Infinity/],
    ["inverted bound", {
      objective: lin([[0, 1]]),
      decisionVariables: [variable(0, "continuous", 2, 1)],
    }, /variable 0 has an inverted bound \[2, 1\]/],
    ["NaN bound", {
      objective: lin([[0, 1]]),
      decisionVariables: [variable(0, "continuous", Number.NaN, 1)],
    }, /variable 0 has an invalid bound \[NaN, 1\]/],
    ["infinite lower bound", {
      objective: lin([[0, 1]]),
      decisionVariables: [variable(0, "continuous", Infinity, Infinity)],
    }, /variable 0 has an invalid bound \[Infinity, Infinity\]/],
    ["integer bound without an integer", {
      objective: lin([[0, 1]]),
      decisionVariables: [variable(0, "integer", 0.2, 0.8)],
    }, /variable 0 \(integer\) has no admissible value in its bound \[0.2, 0.8\]/],
    ["unsafe variable id", {
      objective: rawLin([[2 ** 60, 1]]),
      decisionVariables: [variable(2 ** 60, "continuous", 0, 1)],
    }, /decision variable id 1152921504606846976 is not an integer in \[0, 2\^53-1\]/],
    ["negative constraint id", {
      objective: lin([[0, 1]]),
      decisionVariables: [x],
      constraints: [constraint(-1, "<=", lin([[0, 1]], -1))],
    }, /constraint id -1 is not an integer/],
    ["unknown variable", {
      objective: lin([[0, 1], [5, 1]]),
      decisionVariables: [x],
    }, /the objective uses variable 5, which is not a decision variable of the instance/],
    ["unsafe id in a function", {
      objective: rawLin([[2 ** 53, 1]]),
      decisionVariables: [x],
    }, /names variable id 9007199254740992, which is not an integer/],
    ["duplicate variable", {
      objective: lin([[0, 1]]),
      decisionVariables: [x, x],
    }, /decision variable id 0 is defined twice/],
    ["duplicate constraint", {
      objective: lin([[0, 1]]),
      decisionVariables: [x],
      constraints: [constraint(1, "<=", lin([[0, 1]])), constraint(1, "=", lin([[0, 1]]))],
    }, /constraint id 1 is defined twice/],
    ["non-finite substituted value", {
      objective: lin([[0, 1]]),
      decisionVariables: [variable(0, "continuous", 0, 1, { substitutedValue: Number.NaN })],
    }, /variable 0 has a non-finite substituted value NaN/],
  ];
  const lines: string[] = [];
  const logged = new HighsAdapter({ log: (l) => lines.push(l) });
  for (const [what, data, message] of cases) {
    await assert.rejects(logged.solve(instance(data)), (e) => {
      assert.ok(e instanceof InvalidArgumentError, `${what}: ${e}`);
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.match(e.message, message, what);
      return true;
    });
  }
  assert.deepEqual(lines, [], "HiGHS never saw a model");
});

Deno.test("highs: options are checked and mapped to HiGHS; bad ones are refused before the run", async () => {
  const solution = await highs.solve(knapsack(), {
    timeLimit: 30,
    mipRelGap: 0,
    mipAbsGap: 0,
    presolve: false,
    solver: "choose",
    randomSeed: 3,
    mipMaxNodes: 1000,
    primalFeasibilityTolerance: 1e-8,
    dualFeasibilityTolerance: 1e-8,
    mipFeasibilityTolerance: 1e-7,
    highsOptions: { mip_max_leaves: 1000, mip_heuristic_effort: 0.1 },
  });
  assert.equal(solution.objective, 42);
  for (
    const [options, message] of [
      [{ time_limit: 1 }, /Unknown HiGHS adapter option "time_limit"/],
      [{ timeLimit: -1 }, /timeLimit must be a number >= 0, got -1/],
      [{ timeLimit: "10" }, /timeLimit must be a number >= 0, got "10"/],
      [{ randomSeed: 1.5 }, /randomSeed must be an integer >= 0/],
      [{ presolve: "on" }, /presolve must be true, false or "choose"/],
      [{ solver: "qp" }, /solver must be one of choose, simplex, ipm, pdlp/],
      [{ verbose: 1 }, /verbose must be a boolean/],
      [{ highsOptions: { no_such_option: 1 } }, /HiGHS refused option no_such_option = 1/],
      [{ highsOptions: { time_limit: "soon" } }, /HiGHS refused option time_limit = "soon"/],
      [{ highsOptions: { x: null } }, /HiGHS option x must be a boolean, a number or a string/],
    ] as const
  ) {
    await assert.rejects(highs.solve(knapsack(), options as never), (e) => {
      assert.ok(e instanceof InvalidArgumentError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("highs: a limit reached before any solution is NoSolutionReturned", async () => {
  await assert.rejects(highs.solve(knapsack(), { timeLimit: 0 }), (e) => {
    assert.ok(e instanceof NoSolutionReturned);
    assert.equal(e.code, "NO_SOLUTION");
    assert.equal(e.message, "HiGHS stopped without a solution [status: Time limit reached]");
    return true;
  });
});

Deno.test("highs: HiGHS's log goes to the log callback, or nowhere", async () => {
  const lines: string[] = [];
  const logged = new HighsAdapter({ log: (l) => lines.push(l) });
  await logged.solve(knapsack());
  assert.ok(lines.some((l) => l.includes("HiGHS")), lines.slice(0, 3).join("\n"));
  assert.ok(lines.some((l) => /MIP has 1 row/.test(l)));
  const before = lines.length;
  await highs.solve(knapsack());
  assert.equal(lines.length, before, "another adapter's solve does not reach this callback");
});

Deno.test("highs: HiGHS prints nothing to stdout or stderr unless verbose", async () => {
  const script = `
    import { OMMXHighsAdapter } from ${JSON.stringify(new URL("./mod.ts", import.meta.url).href)};
    import { knapsack } from ${
    JSON.stringify(new URL("./_instances_test_util.ts", import.meta.url).href)
  };
    const s = await OMMXHighsAdapter.solve(knapsack(), { verbose: Deno.args[0] === "verbose" });
    if (s.objective !== 42) throw new Error("wrong objective");
  `;
  const dir = await Deno.makeTempDir({ prefix: "ommx-highs-quiet-" });
  try {
    const file = `${dir}/quiet.ts`;
    await Deno.writeTextFile(file, script);
    const config = new URL("../../deno.json", import.meta.url).pathname;
    for (const mode of ["quiet", "verbose"]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", "--config", config, file, mode],
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      assert.equal(stderr, "");
      if (mode === "quiet") assert.equal(stdout, "");
      else assert.match(stdout, /Running HiGHS 1\.15\.\d[\s\S]*MIP has 1 row/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("highs: an empty instance and a constant objective", async () => {
  const empty = await highs.solve(instance({ objective: Function.constant(2.5) }));
  assert.equal(empty.objective, 2.5);
  assert.equal(empty.state.size, 0);
  assert.equal(empty.feasible, true);
  // Variables used only by constraints; the reference reports Optimal then.
  const constant = await highs.solve(instance({
    sense: "minimize",
    objective: Function.constant(3),
    decisionVariables: [binary(0), binary(1)],
    constraints: [constraint(0, "<=", lin([[0, 1], [1, 1]], -1))],
  }));
  assert.equal(constant.objective, 3);
  assert.equal(constant.optimality, "optimal");
});

Deno.test("highs: an output objective that does not preserve optimality: unspecified, no duals", async () => {
  const inst = instance({
    sense: "minimize",
    objective: lin([[0, -10], [1, -13]]),
    decisionVariables: [variable(0, "continuous", 0, 1), variable(1, "continuous", 0, 1)],
    constraints: [constraint(0, "<=", lin([[0, 11], [1, 15]], -15))],
    outputObjective: {
      sense: "maximize",
      function: lin([[0, 10], [1, 13]]),
      preservesOptimality: false,
    },
  });
  const solution = await highs.solve(inst);
  assert.ok(Math.abs(solution.objective - (10 + 13 * 4 / 15)) < 1e-9);
  assert.equal(solution.sense, "maximize");
  assert.equal(solution.optimality, "unspecified");
  assert.equal(solution.constraints[0]?.dualVariable, undefined);
  const preserving = await highs.solve(instance({
    ...inst.toData(),
    outputObjective: { ...inst.outputObjective!, preservesOptimality: true },
  }));
  assert.equal(preserving.optimality, "optimal");
  assert.equal(preserving.constraints[0]?.dualVariable, undefined);
});

Deno.test("highs: a MIP solved as its LP relaxation is marked lp-relaxed", async () => {
  const solution = await highs.solve(knapsack(), { highsOptions: { solve_relaxation: true } });
  assert.equal(solution.relaxation, "lp-relaxed");
  assert.ok(solution.objective > 42);
});

Deno.test("highs: an aborted signal stops the solve before HiGHS runs", async () => {
  const controller = new AbortController();
  controller.abort();
  const builder = createExperiment({ imageName: "example.com/highs/abort:v1" });
  await builder.withRun(async (run) => {
    await assert.rejects(
      run.logSolve(highs, knapsack(), {}, { signal: controller.signal }),
      (e) => e instanceof DOMException && e.name === "AbortError",
    );
  });
  const exp = await builder.commit();
  assert.equal(exp.runs[0]!.solves[0]!.status, "interrupted");
});

Deno.test("highs: HiGHS that cannot be loaded is an OMMXHighsAdapterError", async () => {
  const garbage = new HighsAdapter({ wasmBinary: new Uint8Array([0, 1, 2, 3]) });
  await assert.rejects(garbage.solve(knapsack()), (e) => {
    assert.ok(e instanceof OMMXHighsAdapterError);
    assert.match(e.message, /^Could not load the HiGHS WebAssembly module: /);
    return true;
  });
  // A valid module that is not HiGHS: instantiation fails (Emscripten's hook would wait forever).
  const other = new HighsAdapter({
    wasmBinary: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 2, 7, 1, 1, 120, 1, 121, 0, 0]),
  });
  await assert.rejects(other.load(), OMMXHighsAdapterError);
  const info = await new HighsAdapter().load();
  assert.match(info.version, /^1\.15\.\d+$/);
  assert.match(info.githash, /^[0-9a-f]{7}$/);
});

Deno.test("highs: the WebAssembly can be handed over as bytes or as a compiled module", async () => {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "npm:highs@1.15.3"],
    stdout: "piped",
  }).output();
  const local = (JSON.parse(new TextDecoder().decode(info.stdout)) as {
    npmPackages: Record<string, { localPath: string }>;
  }).npmPackages["highs@1.15.3"]!.localPath;
  const bytes = await Deno.readFile(`${local}/build/highs.wasm`);
  const fromBytes = await new HighsAdapter({ wasmBinary: bytes }).solve(knapsack());
  assert.equal(fromBytes.objective, 42);
  const module = await WebAssembly.compile(bytes);
  const a = new HighsAdapter({ wasmModule: module });
  const b = new HighsAdapter({ wasmModule: module });
  assert.equal((await a.solve(knapsack(30))).objective, (await b.solve(knapsack(30))).objective);
});

Deno.test("highs: instantiate builds the model for a caller that runs HiGHS itself (the reference's adapter instance)", async () => {
  const lines: string[] = [];
  const logged = new HighsAdapter({ log: (l) => lines.push(l) });
  using adapter = await logged.instantiate(knapsack(), { timeLimit: 30 });
  assert.equal(adapter.solverInput.options.get("time_limit"), 30);
  assert.equal(adapter.solverInput.getModelStatus(), 0, "not run yet");
  await assert.rejects(adapter.decode(adapter.solverInput), (e) => {
    assert.ok(e instanceof OMMXHighsAdapterError);
    assert.equal(e.message, "Model has not been optimized");
    return true;
  });
  await assert.rejects(adapter.decode({}), InvalidArgumentError);
  const before = lines.length;
  adapter.solverInput.run();
  assert.ok(lines.length > before, "the caller's run logs to the adapter's callback");
  const solution = await adapter.decode(adapter.solverInput);
  assert.equal(solution.objective, 42);
  assert.equal(solution.optimality, "optimal");
  const state = adapter.decodeToState(adapter.solverInput);
  assert.deepEqual([...state.keys()], [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...state.values()].map(Math.abs), [1, 0, 0, 1, 0, 0]);
  // The same refusals as solve, before any model exists.
  await assert.rejects(
    highs.instantiate(
      instance({ objective: Function.constant(0), decisionVariables: [binary(0), binary(0)] }),
    ),
    InvalidArgumentError,
  );
  const infeasible = await highs.instantiate(instance({
    sense: "maximize",
    objective: lin([[0, 1]]),
    decisionVariables: [variable(0, "integer", 0, 3)],
    constraints: [constraint(0, "<=", lin([[0, -1]], 4))],
  }));
  infeasible.solverInput.run();
  await assert.rejects(infeasible.decode(infeasible.solverInput), InfeasibleDetected);
  infeasible.dispose();
  infeasible.dispose();
});
