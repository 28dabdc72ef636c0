/**
 * Archive text never reaches the terminal raw (issue 10): an archive whose
 * attachment names, parameter names and values, failure reasons, filenames,
 * media types, adapter names, diagnostics and annotation values hold ESC,
 * OSC, BEL, NUL, CR, C1 and bidi controls is shown with visible escapes by
 * every command — tables, `key: value` blocks, the path `get -o` prints and
 * the `error:` line — and `--json` writes them as JSON escapes that parse
 * back to the stored strings.
 */
import assert from "node:assert/strict";
import {
  createExperiment,
  Function,
  Instance,
  openExperiment,
  saveExperiment,
  Solution,
} from "../../mod.ts";
import { cli } from "./_cli_test_util.ts";
import { buildTestArchive, EMPTY_PARAMS, minimalConfig } from "../_archive_test_util.ts";

/** Every kind of hostile character, in one string. */
const EVIL = "\u001b]0;pwned\u0007\u001b[2J\u0000\r\u009b31m\u202eevil\u2066";
/** The same without NUL, which no file name can hold. */
const EVIL_NAME = EVIL.replace("\u0000", "");
/** Raw characters a terminal acts on (tab and line feed aside). */
// deno-lint-ignore no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const instance = new Instance({
  sense: "minimize",
  objective: Function.linear([[1, 1]]),
  decisionVariables: [{
    id: 1,
    kind: "binary" as const,
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  }],
});

async function hostileArchive(dir: string): Promise<string> {
  const b = createExperiment({ imageName: "example.com/hostile/text:v1" });
  b.setAnnotation(`org.example.${EVIL}`, `value ${EVIL}`);
  await b.logAttachment(
    `name ${EVIL_NAME}`,
    `text/x-${EVIL}`,
    new TextEncoder().encode(`body ${EVIL}\n`),
  );
  const file = `${dir}/log.txt`;
  await Deno.writeTextFile(file, "a log\n");
  await b.logFile("log", file, { filename: `file ${EVIL_NAME}.txt` });
  await b.logFile("nul", file, { filename: `nul ${EVIL}.txt` });
  const ok = b.run();
  ok.logParameter(`param ${EVIL}`, `value ${EVIL}`);
  ok.logParameter("n", 1);
  await ok.logFinishedSolve({
    input: instance,
    adapter: `adapter ${EVIL}`,
    output: Solution.evaluate(instance, new Map([[1, 0]])),
    diagnostics: [{ status: `diag ${EVIL}` }],
  });
  await ok.logFailedSolve({ input: instance, adapter: `failing ${EVIL}` });
  ok.finish();
  const bad = b.run();
  bad.logParameter("n", 2);
  bad.fail(new Error(`reason ${EVIL}\nsecond line ${EVIL}`));
  const exp = await b.commit();
  const path = `${dir}/hostile.ommx`;
  await saveExperiment(exp, path);
  return path;
}

function assertSafe(what: string, text: string): void {
  const m = RAW.exec(text);
  assert.equal(
    m,
    null,
    `${what}: raw U+${m?.[0].charCodeAt(0).toString(16)} in ${JSON.stringify(text)}`,
  );
}

Deno.test("cli: control characters from an archive are escaped everywhere; --json escapes them as JSON", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-hostile-text-" });
  try {
    const src = await hostileArchive(dir);
    const human: string[][] = [
      ["inspect", src, "--wide"],
      ["runs", src, "--wide"],
      ["params", src, "--wide"],
      ["solves", src, "--wide"],
      ["diff", src, "0", "1", "--wide"],
      ["diff", src, "0", "1"],
      ["runs", src],
    ];
    for (const args of human) {
      const r = await cli(...args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assertSafe(args.join(" "), r.stdout);
      assertSafe(`${args.join(" ")} (stderr)`, r.stderr);
      assert.match(r.stdout, /\\x1b\]0;pwned\\x07/, args.join(" "));
    }
    const inspect = await cli("inspect", src, "--wide");
    for (const shown of ["name \\x1b]0;", "text/x-\\x1b]0;", "file \\x1b]0;", "value \\x1b]0;"]) {
      assert.ok(inspect.stdout.includes(shown), `inspect shows ${shown}`);
    }
    assert.ok(inspect.stdout.includes("\\x00 ⏎ \\x9b31m\\u202eevil\\u2066"), inspect.stdout);
    const runs = await cli("runs", src, "--wide");
    assert.ok(runs.stdout.includes("reason \\x1b]0;pwned\\x07"), runs.stdout);

    // get -o <dir>: the stored filename is archive text, and so is the path printed
    const out = `${dir}/out`;
    await Deno.mkdir(out);
    const got = await cli("get", src, "log", "-o", out);
    assert.equal(got.code, 0, got.stderr);
    assertSafe("get -o", got.stdout);
    assert.equal(await Deno.readTextFile(`${out}/file ${EVIL_NAME}.txt`), "a log\n");
    // a stored filename with NUL cannot be a file name: a typed error, on one safe line
    const nul = await cli("get", src, "nul", "-o", out);
    assert.equal(nul.code, 1);
    assertSafe("get -o (NUL)", nul.stderr);
    assert.match(nul.stderr, /^error: INVALID_ARTIFACT: .*"nul".*NUL character/);
    assert.deepEqual([...Deno.readDirSync(out)].map((e) => e.name), [`file ${EVIL_NAME}.txt`]);
    // get to a pipe: the exact bytes
    const raw = await cli("get", src, `name ${EVIL_NAME}`);
    assert.equal(raw.stdout, `body ${EVIL}\n`);

    // --json: parses to the stored strings, and no raw control reaches the terminal
    for (const args of human.filter((a) => !a.includes("--wide"))) {
      const r = await cli(...args, "--json");
      assert.equal(r.code, 0, r.stderr);
      assertSafe(`${args.join(" ")} --json`, r.stdout);
      JSON.parse(r.stdout);
    }
    const json = JSON.parse((await cli("inspect", src, "--json")).stdout);
    assert.deepEqual(json.annotations[`org.example.${EVIL}`], `value ${EVIL}`);
    assert.ok(json.attachments.some((a: { name: string }) => a.name === `name ${EVIL_NAME}`));
    const runsJson = JSON.parse((await cli("runs", src, "--json")).stdout);
    {
      await using exp = await openExperiment(src);
      const reason = exp.runs[1]!.lifecycleReason!;
      assert.ok(reason.includes("\u001b]0;pwned\u0007\u001b[2J\u0000"), reason);
      assert.equal(runsJson.runs[1].lifecycleReason, reason);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: error lines quoting archive names are escaped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-hostile-error-" });
  try {
    // an attachment whose name is hostile and whose layer index is out of bounds
    const config = { ...minimalConfig(), attachments: { entries: { [`bad ${EVIL}`]: 7 } } };
    const { bytes } = await buildTestArchive({
      config,
      layers: [{
        mediaType: "application/org.ommx.v1.experiment.run-parameters+msgpack",
        bytes: EMPTY_PARAMS,
      }],
    });
    const path = `${dir}/bad.ommx`;
    await Deno.writeFile(path, bytes);
    const r = await cli("inspect", path);
    assert.equal(r.code, 1);
    assertSafe("error line", r.stderr);
    assert.match(r.stderr, /^error: [A-Z_]+: .*bad \\x1b\]0;pwned\\x07/);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
