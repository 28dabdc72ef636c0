/**
 * What the `ommx-ts` CLI shows a person (real subprocesses): the best-objective
 * rule, runs that did not finish, reasons of failed records, Python float
 * text, the terminal width (`COLUMNS`, `--wide`), `diff` labels and full
 * reasons, control characters escaped — and that `--json` keeps its names.
 */
import assert from "node:assert/strict";
import { cli, cliEnv, cliJson, CORPUS } from "./_cli_test_util.ts";
import {
  ESC,
  EXPECTED_BEST,
  EXPECTED_STATUS,
  FAILED_REASON,
  writeBestObjectiveArchive,
} from "./_best_objective_archive_test_util.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const dir = await Deno.makeTempDir({ prefix: "ommx-cli-output-" });
const ARCHIVE = await writeBestObjectiveArchive(`${dir}/best.ommx`);

/** Display width (CJK and the like count two columns; none occur in these tables). */
const cols = (s: string) => [...s].length;

/** Body rows of the first table in `text`, split on runs of 2+ spaces. */
function tableRows(text: string): string[][] {
  const lines = text.split("\n");
  const body: string[][] = [];
  for (const line of lines.slice(2)) {
    if (line === "" || line.startsWith("✗ did not finish")) break;
    body.push(line.trim().split(/ {2,}/));
  }
  return body;
}

Deno.test("runs: best objective over finished, feasible, non-relaxed solves in the Instance's sense", async () => {
  const json = await cliJson("runs", ARCHIVE) as Any;
  // run 0 maximise: 15 (35 infeasible, 25 LP-relaxed, a failed solve: all ignored);
  // run 1 minimise: 10; run 2 nothing eligible; run 3 failed run keeps its finished solve;
  // run 4 no records; run 5 interrupted with an interrupted solve only.
  assert.deepEqual(json.runs.map((r: Any) => r.bestObjective), [15, 10, null, 25, null, null]);
  assert.deepEqual(json.runs[0].best, { kind: "solve", id: 1 });
  assert.deepEqual(json.runs.map((r: Any) => r.status), EXPECTED_STATUS);

  const text = await cli("runs", ARCHIVE);
  assert.equal(text.code, 0, text.stderr);
  const rows = tableRows(text.stdout);
  assert.deepEqual(rows.map((r) => r.at(-1)), EXPECTED_BEST);
  // Runs that did not finish are marked, with a legend line.
  assert.deepEqual(rows.map((r) => r[1]), [
    "finished",
    "finished",
    "finished",
    "✗ failed",
    "finished",
    "✗ interrupted",
  ]);
  assert.match(text.stdout, /\n✗ did not finish: 2 of 6 runs\n$/);
  // The header says what the last column is, as in the viewer.
  assert.match(text.stdout.split("\n")[0]!, / {2}best objective$/);
});

Deno.test("runs and params print numbers as the Python SDK does; --json keeps plain numbers", async () => {
  const [runs, params, paramsJson] = await Promise.all([
    cli("runs", CORPUS + "runs.ommx"),
    cli("params", CORPUS + "runs.ommx"),
    cliJson("params", CORPUS + "runs.ommx") as Promise<Any>,
  ]);
  assert.equal(runs.code, 0, runs.stderr);
  // capacity is a float64 column: 10.0, 12.5, 7.0; int64 offset -5; bool True/False; nan/inf/-inf.
  const rows = tableRows(runs.stdout);
  assert.deepEqual(rows[0], [
    "0",
    "finished",
    "10.0",
    "9223372036854775807",
    "-9223372036854775808",
    "nan",
    "-5",
    "True",
    "highs",
    "0.5",
    "0",
    "0",
    "—",
  ]);
  assert.match(runs.stdout.split("\n")[3]!, / 12\.5 +inf +False +scip 日本 +-inf +0 +0 +—$/);
  assert.match(params.stdout.split("\n")[0]!, /^run {2}capacity \(float64\) +int_max \(int64\)/);
  assert.match(params.stdout.split("\n")[4]!, /^ {2}2 +7\.0 /);
  assert.equal(paramsJson.rows[0].values.capacity, 10);
  assert.equal(paramsJson.rows[0].values.nan_param, "NaN");
});

Deno.test("solves: objectives as floats, options keep 10.0, failed and interrupted records show a reason", async () => {
  const [mine, corpus, json] = await Promise.all([
    cli("solves", ARCHIVE),
    cli("solves", CORPUS + "solves.ommx", "--run", "0"),
    cliJson("solves", ARCHIVE, "--run", "1") as Promise<Any>,
  ]);
  assert.equal(mine.code, 0, mine.stderr);
  const rows = tableRows(mine.stdout);
  const row = (run: string, id: string) => rows.find((r) => r[0] === run && r[2] === id)!;
  assert.deepEqual(row("0", "1").slice(3), ["finished", "tests.RulesAdapter", "{}", "15.0", "yes"]);
  assert.deepEqual(row("0", "3").slice(6), ["25.0", "yes (LP relaxation)"]);
  assert.deepEqual(row("0", "4").slice(3), [
    "✗ failed",
    "tests.RulesAdapter",
    "{}",
    "—",
    "not recorded",
  ]);
  assert.equal(row("1", "0")[5], '{"time_limit":10.0,"threads":2}');
  assert.deepEqual(row("5", "0").slice(-1), ["run interrupted: KeyboardInterrupt"]);
  // The reference corpus: HiGHS reported "Infeasible" for the failed solve 1.
  assert.match(
    corpus.stdout,
    /\n {2}0 {2}solve {6}1 {2}✗ failed .* {2}Infeasible \(last diagnostic\) /,
  );
  // --json: the same numbers as numbers, the reason as a field.
  assert.deepEqual(json.solves[0].adapterOptions, { time_limit: 10, threads: 2 });
  assert.equal(json.solves[0].objective, 10);
  assert.equal(json.solves[0].reason, null);
  const failed = (await cliJson("solves", ARCHIVE, "--run", "0") as Any).solves[4];
  assert.equal(failed.status, "failed");
  assert.equal(failed.reason, "not recorded");
});

Deno.test("tables fit COLUMNS with …, --wide shows everything, a pipe without COLUMNS cuts nothing", async () => {
  const [narrow, wide, piped] = await Promise.all([
    cliEnv({ COLUMNS: "90" }, "runs", ARCHIVE),
    cliEnv({ COLUMNS: "90" }, "runs", ARCHIVE, "--wide"),
    cli("runs", ARCHIVE),
  ]);
  for (const r of [narrow, wide, piped]) assert.equal(r.code, 0, r.stderr);
  for (const line of narrow.stdout.trimEnd().split("\n")) {
    assert.ok(cols(line) <= 90, `longer than 90: ${JSON.stringify(line)}`);
  }
  assert.match(narrow.stdout, / RuntimeE\S*… /);
  assert.ok(!narrow.stdout.includes(FAILED_REASON));
  // The best objective column (numbers) is never cut.
  assert.deepEqual(tableRows(narrow.stdout).map((r) => r.at(-1)), EXPECTED_BEST);
  for (const full of [wide, piped]) {
    assert.ok(full.stdout.includes(FAILED_REASON));
    assert.ok(!full.stdout.includes("…"));
  }
  assert.equal(wide.stdout, piped.stdout);
  // A COLUMNS that is not a positive integer is ignored.
  const junk = await cliEnv({ COLUMNS: "wide" }, "runs", ARCHIVE);
  assert.equal(junk.stdout, piped.stdout);
  // Every table command fits: solves, params, inspect, diff.
  const others = await Promise.all([
    cliEnv({ COLUMNS: "100" }, "solves", CORPUS + "solves.ommx"),
    cliEnv({ COLUMNS: "60" }, "params", CORPUS + "runs.ommx"),
    cliEnv({ COLUMNS: "60" }, "inspect", CORPUS + "attachments.ommx"),
  ]);
  for (const r of others) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /…/);
  }
  for (const line of others[0]!.stdout.trimEnd().split("\n")) assert.ok(cols(line) <= 100, line);
});

Deno.test("diff: human labels like the other commands, and a reason cut to fit is repeated in full", async () => {
  const [narrow, wide, json] = await Promise.all([
    cliEnv({ COLUMNS: "60" }, "diff", ARCHIVE, "0", "3"),
    cli("diff", ARCHIVE, "0", "3"),
    cliJson("diff", ARCHIVE, "0", "3") as Promise<Any>,
  ]);
  assert.equal(narrow.code, 0, narrow.stderr);
  const labels = narrow.stdout.split("\n").map((l) => l.split(/ {2,}/)[0]);
  for (
    const label of [
      "status",
      "reason",
      "solves",
      "samplings",
      "best objective",
      "attachments",
      "trace",
    ]
  ) {
    assert.ok(labels.includes(label), `label ${label}`);
  }
  assert.doesNotMatch(narrow.stdout, /lifecycleReason|bestObjective|hasTrace/);
  assert.match(narrow.stdout, /\nstatus +finished +✗ failed +\*\n/);
  assert.match(narrow.stdout, /\nbest objective +15\.0 +25\.0 +\*\n/);
  assert.match(narrow.stdout, /\nreason +— +RuntimeError: [^\n]*…/);
  assert.ok(
    narrow.stdout.endsWith(`\nreason of run 3 (failed), in full:\n  ${FAILED_REASON}\n`),
    narrow.stdout,
  );
  assert.match(narrow.stdout, /\nx +0\.0 +3\.0 +\*\n/);
  // Without a width nothing is cut, so no repetition.
  assert.ok(wide.stdout.includes(`  ${FAILED_REASON}  *\n`));
  assert.ok(!wide.stdout.includes("in full"));
  // --json keeps its field names and values.
  const byName = Object.fromEntries(json.outcomes.map((o: Any) => [o.name, o]));
  assert.deepEqual(Object.keys(byName), [
    "status",
    "lifecycleReason",
    "solves",
    "samplings",
    "bestObjective",
    "attachments",
    "hasTrace",
  ]);
  assert.deepEqual(byName.lifecycleReason, {
    name: "lifecycleReason",
    a: null,
    b: FAILED_REASON,
    same: false,
  });
  assert.deepEqual(byName.bestObjective, { name: "bestObjective", a: 15, b: 25, same: false });
});

Deno.test("control characters from an archive are escaped in tables; --csv to a pipe keeps the bytes", async () => {
  const [runs, csv] = await Promise.all([cli("runs", ARCHIVE), cli("params", ARCHIVE, "--csv")]);
  assert.ok(!runs.stdout.includes(ESC));
  assert.ok(runs.stdout.includes("\\x1b[31mred\\x1b[0m"));
  assert.ok(csv.stdout.includes(`${ESC}[31mred${ESC}[0m`));
  assert.equal(csv.stdout.split("\n")[0], "run_id,case,x,note");
  assert.equal(csv.stdout.split("\n")[1], "0,maximise,0.0,");
});

Deno.test("bad --wide usage: exit 2 with the usage line", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["runs", ARCHIVE, "--wide", "--json"],
      /^error: --wide applies to table output; it cannot be combined with --json\nusage: ommx-ts runs /,
    ],
    [
      ["params", ARCHIVE, "--csv", "--wide"],
      /^error: --wide applies to table output; it cannot be combined with --csv\nusage: ommx-ts params /,
    ],
    [
      ["params", ARCHIVE, "--csv", "--json"],
      /^error: --csv and --json cannot be combined\nusage: /,
    ],
    [["solves", ARCHIVE, "--wide=1"], /^error: option '--wide' does not take an argument\nusage: /],
    [["get", ARCHIVE, "x", "--wide"], /^error: unknown option '--wide'\nusage: ommx-ts get /],
    [["verify", ARCHIVE, "--wide"], /^error: unknown option '--wide'\nusage: ommx-ts verify /],
  ];
  for (const [args, re] of cases) {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, re, args.join(" "));
    assert.equal(r.stderr.trimEnd().split("\n").length, 2);
  }
});

Deno.test("--help documents the width rules, --wide, the float text and the ✗ mark", async () => {
  const help = await cli("--help");
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /tables fit \$COLUMNS if set, else the terminal width/);
  assert.match(help.stdout, /piped output without \$COLUMNS is never cut; --wide shows every cell/);
  assert.match(help.stdout, /ommx-ts runs <source> \[--wide \| --json\]/);
  assert.match(help.stdout, /✗ marks a run, solve\n {2}or sampling that did not finish/);
});

Deno.test("output tests: cleanup", async () => {
  await Deno.remove(dir, { recursive: true });
});
