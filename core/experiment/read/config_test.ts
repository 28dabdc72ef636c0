import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { encodeExperimentConfig, parseExperimentConfig } from "./config.ts";
import { sortByCodePoint } from "../../_code_points.ts";
import { openArchiveFile } from "../../oci/backends/archive.ts";
import { parseManifest } from "../../oci/manifest.ts";

const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const base = () => ({
  status: "finished",
  attachments: { entries: {} },
  runs: [] as unknown[],
  run_parameters: 0,
});
const run = (extra: Record<string, unknown> = {}) => ({
  run_id: 0,
  attachments: { entries: {} },
  ...extra,
});
const solve = (extra: Record<string, unknown> = {}) => ({
  solve_id: 0,
  input: 0,
  output: 1,
  adapter: "a",
  ...extra,
});

function rejects(doc: unknown, pattern: RegExp): void {
  assert.throws(() => parseExperimentConfig(enc(doc)), (e: unknown) => {
    assert.equal((e as { code?: string }).code, "INVALID_ARTIFACT");
    assert.match((e as Error).message, pattern);
    return true;
  });
}

Deno.test("config: read defaults (run status, solve status, adapter_options, samplings)", () => {
  const c = parseExperimentConfig(enc({ ...base(), runs: [run({ solves: [solve()] })] }));
  const r = c.runs[0]!;
  assert.equal(r.status, "finished");
  assert.equal(r.reason, null);
  assert.deepEqual(r.samplings, []);
  assert.equal(r.solves[0]!.status, "finished");
  assert.equal(r.solves[0]!.adapterOptions, "{}");
});

Deno.test("config: lifecycle rules", () => {
  rejects({ ...base(), status: "weird" }, /unknown Experiment status weird/);
  rejects({ ...base(), outcome: { reason: "x" } }, /finished cannot have a lifecycle outcome/);
  rejects({ ...base(), status: "draft", outcome: {} }, /draft cannot have a lifecycle outcome/);
  rejects({ ...base(), runs: [run({ status: "draft" })] }, /unknown Run status draft/);
  const failed = parseExperimentConfig(enc({ ...base(), status: "failed", outcome: {} }));
  assert.equal(failed.reason, null);
  const withReason = parseExperimentConfig(
    enc({ ...base(), status: "interrupted", outcome: { reason: "KeyboardInterrupt" } }),
  );
  assert.equal(withReason.reason, "KeyboardInterrupt");
});

Deno.test("config: record rules", () => {
  rejects({ ...base(), runs: [run(), run()] }, /duplicate Run 0/);
  const runIds = (ids: number[]) => ({ ...base(), runs: ids.map((run_id) => run({ run_id })) });
  rejects(runIds([0, 3, 1, 2, 3]), /\$\.runs: Experiment config contains duplicate Run 3$/);
  rejects(runIds([0, 1, 2, 2]), /duplicate Run 2$/);
  assert.deepEqual(
    parseExperimentConfig(enc(runIds([3, 0, 2, 1]))).runs.map((r) => r.runId),
    [0, 1, 2, 3],
  );
  assert.deepEqual(
    parseExperimentConfig(enc(runIds([0, 1, 5]))).runs.map((r) => r.runId),
    [0, 1, 5],
  );
  rejects({ ...base(), runs: [run({ solves: [solve(), solve()] })] }, /duplicate Solve 0/);
  rejects(
    { ...base(), runs: [run({ solves: [solve({ output: undefined })] })] },
    /Run 0 Solve 0 is finished but has no output/,
  );
  rejects(
    { ...base(), runs: [run({ samplings: [{ ...solve({ status: "failed" }), sampling_id: 0 }] })] },
    /Run 0 Sampling 0 has status failed but has an output/,
  );
  rejects(
    { ...base(), runs: [run({ solves: [solve({ status: "odd" })] })] },
    /unknown Solve status odd/,
  );
  rejects({ ...base(), run_parameters: -1 }, /run_parameters: expected a non-negative integer/);
  rejects({ ...base(), runs: "nope" }, /\$\.runs: expected an array/);
});

Deno.test("config: record lists of any length and order — the first error, or the records by ascending id", () => {
  // The rules as written: each record in stored order is checked for an id seen before, then
  // its output against its status; a valid list is sorted by id (stably).
  const model = (items: { id: number; status: string; output: boolean }[]) => {
    const seen = new Set<number>();
    for (const r of items) {
      if (seen.has(r.id)) return `$.runs[0].solves: Run 0 contains duplicate Solve ${r.id}`;
      seen.add(r.id);
      if (r.status === "finished" && !r.output) {
        return `$.runs[0].solves: Run 0 Solve ${r.id} is finished but has no output`;
      }
      if (r.status !== "finished" && r.output) {
        return `$.runs[0].solves: Run 0 Solve ${r.id} has status ${r.status} but has an output`;
      }
    }
    return [...items].sort((a, b) => a.id - b.id).map((r) => [r.id, r.status]);
  };
  const item = fc.record({
    id: fc.integer({ min: 0, max: 14 }),
    status: fc.constantFrom("finished", "finished", "finished", "failed"),
    output: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(item, { maxLength: 14 }), (items) => {
      const doc = {
        ...base(),
        runs: [run({
          solves: items.map((r) =>
            solve({ solve_id: r.id, status: r.status, output: r.output ? 1 : undefined })
          ),
        })],
      };
      let got: unknown;
      try {
        got = parseExperimentConfig(enc(doc)).runs[0]!.solves.map((r) => [r.id, r.status]);
      } catch (e) {
        got = (e as Error).message.replace("Failed to decode Experiment config: ", "");
      }
      assert.deepEqual(got, model(items));
    }),
    { numRuns: 400 },
  );
  // Duplicates far apart, in a short list and in a long one.
  const ids = (list: number[]) => ({
    ...base(),
    runs: [run({ solves: list.map((id) => solve({ solve_id: id })) })],
  });
  rejects(ids([3, 1, 2, 3]), /duplicate Solve 3/);
  rejects(ids([9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 9]), /duplicate Solve 9/);
  assert.deepEqual(
    parseExperimentConfig(enc(ids([11, 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 9]))).runs[0]!.solves.map((
      r,
    ) => r.id),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  );
});

Deno.test("config: attachment filename table is validated", () => {
  for (const bad of ["", ".", "..", "../x", "a/b", "a\\b"]) {
    rejects(
      { ...base(), attachments: { entries: { f: 0 }, filenames: { f: bad } } },
      /invalid attachment filename/,
    );
  }
  rejects(
    { ...base(), attachments: { entries: {}, filenames: { ghost: "x.txt" } } },
    /filename for an attachment that does not exist/,
  );
});

Deno.test("config: invalid JSON is a typed error", () => {
  assert.throws(() => parseExperimentConfig(new TextEncoder().encode("{")), {
    code: "INVALID_ARTIFACT",
  });
  assert.throws(() => parseExperimentConfig(new Uint8Array([0xff])), { code: "INVALID_ARTIFACT" });
});

Deno.test("config: invalid UTF-8 anywhere is refused with the fatal decoder's message; a real U+FFFD is text", () => {
  const text = JSON.stringify({ ...base(), reason: null, requested_image_name: "x\ufffdy" });
  assert.equal(
    parseExperimentConfig(new TextEncoder().encode(text)).requestedImageName,
    "x\ufffdy",
  );
  // An invalid byte inside a string would decode leniently to U+FFFD: it must fail.
  const bytes = new TextEncoder().encode(text.replace("x\ufffdy", "x_y"));
  bytes[bytes.indexOf(0x5f)] = 0xff;
  let message = "";
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    message = (e as Error).message;
  }
  assert.notEqual(message, "");
  assert.throws(() => parseExperimentConfig(bytes), {
    code: "INVALID_ARTIFACT",
    message: `Failed to decode Experiment config: not valid UTF-8 JSON (${message})`,
  });
});

Deno.test("config: names sort by code point, not UTF-16 unit", () => {
  // U+FF5E (BMP, above surrogates) sorts before U+1F600 (astral) by code point.
  assert.deepEqual(sortByCodePoint(["\u{1F600}", "\uFF5E", "a"]), ["a", "\uFF5E", "\u{1F600}"]);
});

const corpus = new URL("../../../tests/fixtures/reference/", import.meta.url);
Deno.test("config: re-encoding every reference config reproduces its bytes", async () => {
  let checked = 0;
  for (const e of Deno.readDirSync(corpus)) {
    if (!e.name.endsWith(".ommx")) continue;
    const target = await openArchiveFile(new URL(e.name, corpus).pathname);
    try {
      const { manifest } = parseManifest(await target.fetch(await target.resolve()));
      const bytes = await target.fetch(manifest.config);
      assert.deepEqual(encodeExperimentConfig(parseExperimentConfig(bytes)), bytes, e.name);
      checked++;
    } finally {
      await target.close();
    }
  }
  assert.ok(checked >= 10, `checked ${checked} configs`);
});

Deno.test("config: a bad record field's message names its key path", () => {
  const cases: [Record<string, unknown>, string][] = [
    [run({ run_id: "0" }), '$.runs[1].run_id: expected a non-negative integer, got "0"'],
    [run({ run_id: -1 }), "$.runs[1].run_id: expected a non-negative integer, got -1"],
    [run({ status: 3 }), "$.runs[1].status: expected a string, got 3"],
    [run({ trace: 1.5 }), "$.runs[1].trace: expected a non-negative integer, got 1.5"],
    [run({ solves: [solve(), solve({ solve_id: 1, input: null })] }), "$.runs[1].solves[1].input:"],
    [run({ solves: [solve({ solve_id: true })] }), "$.runs[1].solves[0].solve_id:"],
    [run({ solves: [solve({ adapter: 1 })] }), "$.runs[1].solves[0].adapter: expected a string"],
    [run({ solves: [solve({ adapter_options: {} })] }), "$.runs[1].solves[0].adapter_options:"],
    [run({ solves: [solve({ output: "1" })] }), "$.runs[1].solves[0].output:"],
    [run({ solves: [solve({ diagnostics: -2 })] }), "$.runs[1].solves[0].diagnostics:"],
    [
      run({ samplings: [{ ...solve(), solve_id: undefined }] }),
      "$.runs[1].samplings[0].sampling_id:",
    ],
  ];
  for (const [bad, message] of cases) {
    const doc = { ...base(), runs: [run(), { ...bad, run_id: bad.run_id ?? 1 }] };
    assertConfigRefused(doc, message);
  }
  const big = { ...base(), runs: [run({ run_id: 2 ** 53 })] };
  assert.throws(() => parseExperimentConfig(enc(big)), { code: "UNSUPPORTED" });
});

/** Assert that `doc` is refused as INVALID_ARTIFACT with a message starting with `message`. */
function assertConfigRefused(doc: unknown, message: string): void {
  assert.throws(() => parseExperimentConfig(enc(doc)), (e: unknown) => {
    assert.equal((e as { code?: string }).code, "INVALID_ARTIFACT", String(e));
    assert.ok(
      (e as Error).message.startsWith(`Failed to decode Experiment config: ${message}`),
      (e as Error).message,
    );
    return true;
  });
}

Deno.test("config: a message's key path names the run and record it is in, not one read before", () => {
  // The paths are built from where the reader is only when a check fails: earlier runs
  // with records in both lists must not leave their place in a later run's message.
  const earlier = [
    run({ solves: [solve(), solve({ solve_id: 1 })], samplings: [{ ...solve(), sampling_id: 0 }] }),
    run({ run_id: 1, samplings: [{ ...solve(), solve_id: undefined, sampling_id: 3 }] }),
  ];
  const cases: [unknown, string][] = [
    [run({ run_id: 2, solves: [solve({ input: "x" })] }), "$.runs[2].solves[0].input:"],
    [run({ run_id: 2, solves: {} }), "$.runs[2].solves: expected an array"],
    [run({ run_id: 2, attachments: { entries: [] } }), "$.runs[2].attachments.entries:"],
    [run({ run_id: 2, attachments: 1 }), "$.runs[2].attachments: expected an attachment"],
    [
      run({ run_id: 2, attachments: { entries: { b: 0, a: -1 } } }),
      '$.runs[2].attachments.entries["a"]:',
    ],
    [run({ run_id: 2, status: "draft" }), "$.runs[2].status: unknown Run status draft"],
    [
      run({ run_id: 2, status: "failed", outcome: { reason: 1 } }),
      "$.runs[2].outcome.reason: expected a string",
    ],
    [7, "$.runs[2]: expected an object"],
    [
      run({ run_id: 2, samplings: [{ ...solve(), sampling_id: 0, adapter: null }] }),
      "$.runs[2].samplings[0].adapter:",
    ],
    [
      run({ run_id: 2, solves: [solve(), solve({ status: "failed" })] }),
      "$.runs[2].solves: Run 2 contains duplicate Solve 0",
    ],
  ];
  for (const [bad, message] of cases) {
    const doc = { ...base(), runs: [...earlier, bad] };
    assertConfigRefused(doc, message);
  }
  // After runs, the experiment's own table keeps its own path.
  rejects(
    { ...base(), runs: earlier, attachments: { entries: 1 } },
    /: \$\.attachments\.entries: /,
  );
});

Deno.test("config: runs without attachments or records share one empty table and list", () => {
  const c = parseExperimentConfig(enc({
    ...base(),
    runs: [
      run(),
      run({ run_id: 1, attachments: { entries: {}, filenames: {} }, solves: [] }),
      run({ run_id: 2, attachments: { entries: {}, filenames: null }, samplings: null }),
      run({ run_id: 3, attachments: { entries: { a: 1 } } }),
    ],
  }));
  const [r0, r1, r2, r3] = c.runs;
  assert.equal(r0!.attachments, r1!.attachments);
  assert.equal(r0!.attachments, r2!.attachments);
  assert.equal(r0!.attachments, c.attachments);
  assert.equal(r0!.attachments.entries.size, 0);
  assert.equal(r0!.attachments.filenames.size, 0);
  assert.ok(Object.isFrozen(r0!.attachments));
  assert.notEqual(r3!.attachments, r0!.attachments);
  assert.deepEqual([...r3!.attachments.entries], [["a", 1]]);
  assert.equal(r0!.solves, r1!.solves);
  assert.equal(r0!.samplings, r2!.samplings);
  assert.equal(r0!.solves.length, 0);
  assert.ok(Object.isFrozen(r0!.solves));
  // An empty entry table with a filename, or a filename table that is not an object,
  // still fails as before.
  rejects(
    { ...base(), runs: [run({ attachments: { entries: {}, filenames: { a: "a.txt" } } })] },
    /filename for an attachment that does not exist/,
  );
  rejects(
    { ...base(), runs: [run({ attachments: { entries: {}, filenames: "x" } })] },
    /\$\.runs\[0\]\.attachments\.filenames: expected an object/,
  );
  rejects({ ...base(), runs: [run({ solves: {} })] }, /\$\.runs\[0\]\.solves: expected an array/);
});

Deno.test("config: records keep their keys in order; statuses and adapters are the values read", () => {
  const c = parseExperimentConfig(enc({
    ...base(),
    runs: [run({
      solves: [
        solve(),
        solve({ solve_id: 1, status: "failed", output: null, adapter_options: '{"a": 1}' }),
        solve({ solve_id: 2, diagnostics: 3, adapter_options: '{"a": 1}' }),
      ],
    })],
  }));
  const [s0, s1, s2] = c.runs[0]!.solves;
  assert.deepEqual(Object.keys(s0!), [
    "id",
    "status",
    "input",
    "adapter",
    "adapterOptions",
    "output",
  ]);
  assert.deepEqual(Object.keys(s1!), ["id", "status", "input", "adapter", "adapterOptions"]);
  assert.deepEqual(Object.keys(s2!), [
    "id",
    "status",
    "input",
    "adapter",
    "adapterOptions",
    "output",
    "diagnostics",
  ]);
  assert.deepEqual([s0!.status, s1!.status, s2!.status], ["finished", "failed", "finished"]);
  assert.deepEqual([s0!.adapter, s1!.adapter, s2!.adapter], ["a", "a", "a"]);
  assert.deepEqual([s0!.adapterOptions, s1!.adapterOptions, s2!.adapterOptions], [
    "{}",
    '{"a": 1}',
    '{"a": 1}',
  ]);
});
