/**
 * docs/python-parity.md covers every public member of the reference SDK's Experiment-side
 * classes and Local Registry module functions, as listed by its installed type stubs
 * (tests/interop/python_members.py): a member added to the reference without a row here fails.
 *
 * Skipped with one printed line without the venv.
 */
import assert from "node:assert/strict";
import { runPythonJson } from "./_python_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";

const found = referencePython("the parity table check (tests/interop/python_parity_test.ts)");

Deno.test({
  name: "docs/python-parity.md has a row for every member of the reference's classes",
  ignore: found === undefined,
  async fn() {
    const members = await runPythonJson<Record<string, string[]>>(
      found!,
      "python_members.py",
      [],
      {},
    );
    const doc = await Deno.readTextFile(new URL("../../docs/python-parity.md", import.meta.url));
    const rows = new Set(
      doc.split("\n").filter((l) => l.startsWith("| `")).map((l) => l.slice(3, l.indexOf("`", 3))),
    );
    const missing: string[] = [];
    let count = 0;
    for (const [cls, names] of Object.entries(members)) {
      for (const name of names) {
        count++;
        const key = cls === "functions" ? name : `${cls}.${name}`;
        if (!rows.has(key)) missing.push(key);
      }
    }
    assert.ok(count > 150, `only ${count} members listed`);
    assert.deepEqual(missing, []);
  },
});
