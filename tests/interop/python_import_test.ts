/**
 * Interop: archives written by TypeScript (tests/interop/write_corpus.ts) are
 * imported by the real Python SDK (`Experiment.import_archive`) and checked by
 * tests/interop/check_ts_archives.py, one Deno test per archive.
 *
 * Needs the reference SDK (OMMX_INTEROP_PYTHON, OMMX_PYTHON, or .cache/venv with python3 on PATH;
 * core/_tools_test_util.ts); skipped with one printed line otherwise.
 */
import assert from "node:assert/strict";

import { referencePython } from "../../core/_tools_test_util.ts";

const here = new URL(".", import.meta.url);
const python = referencePython(
  "the Python import tests of TypeScript-written archives (tests/interop/python_import_test.ts)",
);
const available = python !== undefined;

const ARCHIVES = [
  "ts-all",
  "ts-empty",
  "ts-fork-child",
  "ts-failed",
  "ts-interrupted",
  "ts-traced",
];
let corpus: Promise<string> | undefined;

function writeCorpus(): Promise<string> {
  corpus ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-ts-corpus-" });
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("write_corpus.ts", here).pathname, dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `write_corpus.ts failed:\n${text}`);
    return dir;
  })();
  return corpus;
}

for (const name of ARCHIVES) {
  Deno.test({
    name: `interop: the Python SDK imports ${name}.ommx and reads exactly what TypeScript logged`,
    ignore: !available,
    sanitizeResources: false,
    fn: async () => {
      const dir = await writeCorpus();
      const out = await new Deno.Command(python!, {
        args: [new URL("check_ts_archives.py", here).pathname, `${dir}/${name}.ommx`],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      const last = text.trim().split("\n").at(-1) ?? "";
      const m = last.match(/^(\d+) passed, (\d+) failed$/);
      assert.ok(m, `no summary line from the checker:\n${text}`);
      assert.equal(out.code, 0, text);
      assert.equal(m[2], "0", text);
      assert.ok(Number(m[1]) >= 10, `too few checks ran:\n${text}`);
    },
  });
}

Deno.test({
  name: "interop: cleanup of the TypeScript corpus",
  ignore: !available,
  fn: async () => {
    if (corpus) await Deno.remove(await corpus, { recursive: true });
  },
});
