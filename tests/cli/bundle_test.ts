/**
 * The fast-start CLI (`deno task bundle`): one prebuilt module file that
 * answers exactly as the source CLI, and its verify worker found beside it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { cli, CORPUS, ROOT } from "./_cli_test_util.ts";

async function bundled(dir: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${dir}/ommx-ts.js`, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", COLUMNS: "" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("deno task bundle: the bundled CLI answers as the source CLI, errors included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-ts-bundle-" });
  try {
    const task = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks.bundle as string;
    // The task's command with the temporary directory as its output directory instead of dist/.
    const args = [...task.trim().split(/\s+/).slice(1), dir];
    const r = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdout: "null" }).output();
    assert.equal(r.code, 0, `deno ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
    for (const file of ["ommx-ts.js", "_hash_worker.js"]) {
      assert.ok((await Deno.stat(`${dir}/${file}`)).size > 0, `${dir}/${file} written`);
    }
    for (
      const args of [
        ["runs", `${CORPUS}runs.ommx`, "--json"],
        ["inspect", `${CORPUS}attachments.ommx`, "--json"],
        ["params", `${CORPUS}runs.ommx`, "--csv"],
        ["verify", `${CORPUS}attachments.ommx`],
        ["inspect", `${CORPUS}missing.ommx`],
      ]
    ) {
      const [a, b] = await Promise.all([bundled(dir, ...args), cli(...args)]);
      assert.equal(a.code, b.code, args.join(" "));
      assert.equal(a.stdout.replace(/in [\d.]+ m?s/, ""), b.stdout.replace(/in [\d.]+ m?s/, ""));
      assert.equal(a.stderr, b.stderr, args.join(" "));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
