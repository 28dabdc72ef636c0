/**
 * `ommx-ts runs` on 200,000 runs (issue 10): the table is laid out without
 * spreading its rows (`Math.max(...cells)` overflowed the call stack). The
 * archive is assembled directly — config, run-parameter table, tar — so the
 * test takes seconds, not a 200,000-run recording.
 */
import assert from "node:assert/strict";
import { encodeRunParameterTable } from "../../codecs/msgpack/run_parameter_table.ts";
import { buildTestArchive } from "../_archive_test_util.ts";
import { cli } from "./_cli_test_util.ts";

const RUNS = 200_000;

async function manyRunsArchive(): Promise<Uint8Array> {
  const parts: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    parts.push(
      i % 1000 === 7
        ? `{"run_id":${i},"status":"failed","outcome":{"reason":"Error: run ${i} gave up"},"attachments":{"entries":{}},"solves":[],"samplings":[]}`
        : `{"run_id":${i},"status":"finished","attachments":{"entries":{}},"solves":[],"samplings":[]}`,
    );
  }
  const config = new TextEncoder().encode(
    `{"status":"finished","attachments":{"entries":{}},"runs":[${
      parts.join(",")
    }],"run_parameters":0}`,
  );
  const x = new Map<number, bigint>();
  for (let i = 0; i < RUNS; i++) x.set(i, BigInt(i % 17));
  const table = encodeRunParameterTable({
    columns: new Map([["x", { type: "int64", values: x }]]),
  });
  const { bytes } = await buildTestArchive({
    config,
    layers: [{
      mediaType: "application/org.ommx.v1.experiment.run-parameters+msgpack",
      bytes: table,
    }],
  });
  return bytes;
}

Deno.test("cli: runs on 200,000 runs prints every row", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-many-runs-" });
  try {
    const path = `${dir}/many.ommx`;
    await Deno.writeFile(path, await manyRunsArchive());
    const r = await cli("runs", path);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 2 + RUNS + 1); // header, rule, rows, the "did not finish" line
    assert.match(lines[0]!, /^\s*run\s+status\s+reason\s+x\s+solves\s+samplings\s+best objective$/);
    assert.match(lines[2 + 7]!, /^\s*7\s+✗ failed\s+Error: run 7 gave up\s+7\s+0\s+0\s+—$/);
    assert.match(lines[2 + RUNS - 1]!, /^199999\s+finished\s+\S*\s*11\s+0\s+0\s+—$/);
    assert.equal(lines.at(-1), `✗ did not finish: ${RUNS / 1000} of ${RUNS} runs`);
    const params = await cli("params", path, "--csv");
    assert.equal(params.code, 0, params.stderr);
    assert.equal(params.stdout.split("\n").length, RUNS + 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
