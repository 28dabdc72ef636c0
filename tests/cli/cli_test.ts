/**
 * The `ommx-ts` CLI run for real (subprocesses) against the reference corpus:
 * `--json` output must match what the reference SDK read back.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cli, cliJson, CORPUS, corpusArchives, expected, pool, ROOT } from "./_cli_test_util.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

function countByStatus(items: { status: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { status } of items) out[status] = (out[status] ?? 0) + 1;
  return out;
}

/**
 * The best-objective rule of `runs`, re-derived from the expected data: finished solves with a
 * feasible, non-relaxed solution and finished samplings' best feasible sample, in the sense of
 * the first such record's Instance.
 */
function expectedBest(run: Any): number | null {
  const procs: { sense: string; objective: number }[] = [];
  for (const s of run.solves) {
    if (s.status !== "finished" || !s.output.feasible || s.output.relaxation === 1) continue;
    procs.push({ sense: s.input.sense, objective: s.output.objective });
  }
  for (const s of run.samplings) {
    if (s.status !== "finished") continue;
    const max = s.input.sense === "maximize";
    let best: number | null = null;
    for (const id of s.output.sample_ids) {
      const o = s.output.objectives[String(id)];
      if (!s.output.feasible[String(id)]) continue;
      if (best === null || (max ? o > best : o < best)) best = o;
    }
    if (best !== null) procs.push({ sense: s.input.sense, objective: best });
  }
  const sense = procs[0]?.sense;
  let best: number | null = null;
  for (const p of procs) {
    if (p.sense !== sense) continue;
    if (best === null || (sense === "maximize" ? p.objective > best : p.objective < best)) {
      best = p.objective;
    }
  }
  return best;
}

/**
 * The column order of the reference's `run_parameters_df()`, re-derived from the expected cells:
 * by the first run holding a cell, then by name (proved against pandas in
 * tests/interop/run_parameters_test.ts).
 */
function referenceColumns(exp: Any): { name: string; type: string }[] {
  const cells = exp.run_parameters.cells as Record<string, Record<string, unknown>>;
  const first = (name: string) => Math.min(...Object.keys(cells[name]!).map(Number));
  return Object.entries(exp.run_parameters.columns as Record<string, string>)
    .map(([name, type]) => ({ name, type }))
    .sort((a, b) => first(a.name) - first(b.name) || (a.name < b.name ? -1 : 1));
}

const ARCHIVES = corpusArchives();

Deno.test("inspect, runs, params, solves and verify --json match the expected data for every corpus archive", async () => {
  assert.equal(ARCHIVES.length, 10);
  const results = await pool(ARCHIVES, 2, async (a) => ({
    archive: a,
    inspect: await cliJson("inspect", CORPUS + a) as Any,
    runs: await cliJson("runs", CORPUS + a) as Any,
    params: await cliJson("params", CORPUS + a) as Any,
    solves: await cliJson("solves", CORPUS + a) as Any,
    verify: await cliJson("verify", CORPUS + a) as Any,
  }));
  for (const { archive, inspect, runs, params, solves: procs, verify } of results) {
    const exp = expected(archive);
    const where = `${archive}`;
    // inspect
    assert.equal(inspect.imageName, exp.image_name, where);
    assert.equal(inspect.manifestDigest, exp.manifest_digest, where);
    assert.equal(inspect.status, exp.status, where);
    assert.equal(inspect.lifecycleReason, exp.lifecycle_reason, where);
    assert.equal(inspect.requestedImageName, exp.requested_image_name, where);
    assert.deepEqual(inspect.annotations, exp.manifest_annotations, where);
    if (exp.subject === undefined || exp.subject === null) {
      assert.equal(inspect.subject, null, where);
    } else {
      assert.deepEqual(inspect.subject, {
        digest: exp.subject.digest,
        mediaType: exp.subject.media_type,
        size: exp.subject.size,
      }, where);
    }
    assert.deepEqual(
      inspect.attachments.map((x: Any) => x.name),
      Object.keys(exp.attachments),
      where,
    );
    for (const att of inspect.attachments) {
      const e = exp.attachments[att.name];
      const w = `${where} attachment ${att.name}`;
      assert.equal(att.mediaType, e.media_type, w);
      assert.equal(att.storedMediaType, e.stored_media_type, w);
      assert.equal(att.compression, e.compressed ? "zstd" : null, w);
      assert.equal(att.filename, e.filename, w);
      if (!e.compressed) assert.equal(att.storedSize, e.size, w);
      else assert.ok(att.storedSize > 0, w);
    }
    const solves = exp.runs.flatMap((r: Any) => r.solves);
    const samplings = exp.runs.flatMap((r: Any) => r.samplings);
    assert.deepEqual(
      inspect.runs,
      { count: exp.runs.length, byStatus: countByStatus(exp.runs) },
      where,
    );
    assert.deepEqual(
      inspect.solves,
      { count: solves.length, byStatus: countByStatus(solves) },
      where,
    );
    assert.deepEqual(inspect.samplings, {
      count: samplings.length,
      byStatus: countByStatus(samplings),
    }, where);
    // runs
    assert.deepEqual(runs.columns, referenceColumns(exp), where);
    assert.deepEqual(runs.runs.map((r: Any) => r.runId), exp.runs.map((r: Any) => r.run_id), where);
    runs.runs.forEach((r: Any, i: number) => {
      const e = exp.runs[i];
      const w = `${where} run ${r.runId}`;
      assert.equal(r.status, e.status, w);
      assert.equal(r.lifecycleReason, e.lifecycle_reason, w);
      assert.deepEqual(r.parameters, e.parameters, w);
      assert.equal(r.solves, e.solves.length, w);
      assert.equal(r.samplings, e.samplings.length, w);
      assert.deepEqual(r.attachments, Object.keys(e.attachments), w);
      assert.equal(r.hasTrace, e.trace !== null, w);
      assert.equal(r.bestObjective, expectedBest(e), w);
    });
    // params
    assert.deepEqual(params.columns, runs.columns, where);
    assert.deepEqual(params.rows.map((r: Any) => r.runId), exp.run_parameters.run_ids, where);
    for (const row of params.rows) {
      const cells: Record<string, unknown> = {};
      for (
        const [name, byRun] of Object.entries(
          exp.run_parameters.cells as Record<string, Record<string, unknown>>,
        )
      ) {
        if (String(row.runId) in byRun) cells[name] = byRun[String(row.runId)];
      }
      assert.deepEqual(row.values, cells, `${where} params run ${row.runId}`);
    }
    // solves (identity and status; outcomes are checked in detail below)
    const key = (kind: string) => (s: Any) => [
      s.runId ?? s.run_id,
      s.id ?? s[`${kind}_id`],
      s.status,
      s.adapter,
    ];
    assert.deepEqual(
      procs.solves.map(key("solve")),
      exp.runs.flatMap((r: Any) => r.solves.map((s: Any) => ({ ...s, run_id: r.run_id }))).map(
        key("solve"),
      ),
      where,
    );
    assert.deepEqual(
      procs.samplings.map(key("sampling")),
      exp.runs.flatMap((r: Any) => r.samplings.map((s: Any) => ({ ...s, run_id: r.run_id }))).map(
        key("sampling"),
      ),
      where,
    );
    // verify
    assert.equal(verify.ok, true, where);
    assert.equal(verify.manifestDigest, exp.manifest_digest, where);
    assert.equal(verify.blobs, 1 + new Set(exp.layers.map((l: Any) => l.digest)).size, where);
  }
});

Deno.test("solves --json matches the expected solves and samplings", async () => {
  const archives = ["solves.ommx", "many-solves.ommx", "trace.ommx"];
  const results = await pool(archives, 2, (a) => cliJson("solves", CORPUS + a));
  archives.forEach((archive, k) => {
    const out = results[k] as Any;
    const exp = expected(archive);
    const solves = exp.runs.flatMap((r: Any) =>
      r.solves.map((s: Any) => ({ ...s, run_id: r.run_id }))
    );
    const samplings = exp.runs.flatMap((r: Any) =>
      r.samplings.map((s: Any) => ({ ...s, run_id: r.run_id }))
    );
    assert.equal(out.solves.length, solves.length, archive);
    assert.equal(out.samplings.length, samplings.length, archive);
    out.solves.forEach((s: Any, i: number) => {
      const e = solves[i];
      const w = `${archive} run ${e.run_id} solve ${e.solve_id}`;
      assert.equal(s.kind, "solve", w);
      assert.equal(s.runId, e.run_id, w);
      assert.equal(s.id, e.solve_id, w);
      assert.equal(s.status, e.status, w);
      assert.equal(s.adapter, e.adapter, w);
      assert.deepEqual(s.adapterOptions, e.adapter_options, w);
      assert.equal(s.objective, e.output?.objective ?? null, w);
      assert.equal(s.feasible, e.output?.feasible ?? null, w);
      assert.equal(s.diagnostics.count, e.diagnostics.length, w);
      if (e.output !== null) assert.equal(s.sense, e.input.sense, w);
    });
    out.samplings.forEach((s: Any, i: number) => {
      const e = samplings[i];
      const w = `${archive} run ${e.run_id} sampling ${e.sampling_id}`;
      assert.equal(s.kind, "sampling", w);
      assert.equal(s.id, e.sampling_id, w);
      assert.equal(s.status, e.status, w);
      assert.equal(s.adapter, e.adapter, w);
      assert.deepEqual(s.adapterOptions, e.adapter_options, w);
      if (e.output === null) {
        assert.equal(s.objective, null, w);
        assert.equal(s.sampleCount, null, w);
      } else {
        assert.equal(s.sampleCount, e.output.sample_ids.length, w);
        const feasible = e.output.sample_ids.filter((id: number) => e.output.feasible[String(id)]);
        assert.equal(s.feasibleCount, feasible.length, w);
        const objs = (feasible.length > 0 ? feasible : e.output.sample_ids)
          .map((id: number) => e.output.objectives[String(id)]);
        const best = e.input.sense === "maximize" ? Math.max(...objs) : Math.min(...objs);
        assert.equal(s.objective, best, w);
      }
    });
  });
});

Deno.test("params: --json cells and types, --csv text", async () => {
  const exp = expected("runs.ommx");
  const [json, csv] = await Promise.all([
    cliJson("params", CORPUS + "runs.ommx") as Promise<Any>,
    cli("params", CORPUS + "runs.ommx", "--csv"),
  ]);
  assert.deepEqual(json.columns, referenceColumns(exp));
  assert.deepEqual(json.rows.map((r: Any) => r.runId), exp.run_parameters.run_ids);
  for (
    const [name, cells] of Object.entries(
      exp.run_parameters.cells as Record<string, Record<string, unknown>>,
    )
  ) {
    for (const row of json.rows) {
      assert.deepEqual(row.values[name], cells[String(row.runId)], `${name} run ${row.runId}`);
    }
  }
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trimEnd().split("\n");
  // Columns by first appearance (run 0's in name order, then run 1's, ...), values as pandas
  // writes them: a float column prints 10.0, NaN as nan, True/False.
  assert.equal(
    lines[0],
    "run_id,capacity,int_max,int_min,nan_param,offset,presolve,solver,time_limit,inf_param,seed",
  );
  assert.equal(lines[1], "0,10.0,9223372036854775807,-9223372036854775808,nan,-5,True,highs,0.5,,");
  assert.equal(lines[2], "1,12.5,,,inf,,False,scip 日本,,-inf,");
  assert.equal(lines[3], "2,7.0,,,,,,,,,300");
  assert.equal(lines.length, 1 + exp.runs.length);
});

Deno.test("get: bytes, sizes and digests of attachments (compressed, run-level, to a file)", async () => {
  const exp = expected("attachments.ommx");
  const archive = CORPUS + "attachments.ommx";
  const runAtt = Object.entries(exp.runs[0].attachments as Record<string, Any>).find(([, a]) =>
    a.compressed
  )!;
  const [jsonZstd, runLevel, raw] = await Promise.all([
    cliJson("get", archive, "json-zstd") as Promise<Any>,
    cliJson("get", archive, runAtt[0], "--run", "0") as Promise<Any>,
    cli("get", archive, "binary"),
  ]);
  const e = exp.attachments["json-zstd"];
  assert.equal(jsonZstd.compression, "zstd");
  assert.equal(jsonZstd.size, e.size);
  assert.equal(jsonZstd.sha256, e.sha256);
  assert.deepEqual(jsonZstd.value, e.json);
  assert.equal(runLevel.runId, 0);
  assert.equal(runLevel.size, runAtt[1].size);
  assert.equal(runLevel.sha256, runAtt[1].sha256);
  assert.equal(raw.code, 0, raw.stderr);
  assert.equal(raw.bytes.length, exp.attachments.binary.size);
  assert.equal(createHash("sha256").update(raw.bytes).digest("hex"), exp.attachments.binary.sha256);

  const dir = await Deno.makeTempDir({ prefix: "ommx-cli-get-" });
  try {
    const first = await cli("get", archive, "file-sniffed", "-o", dir);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), `${dir}/exp-pixel.png`);
    const bytes = await Deno.readFile(`${dir}/exp-pixel.png`);
    assert.equal(
      createHash("sha256").update(bytes).digest("hex"),
      exp.attachments["file-sniffed"].sha256,
    );
    const again = await cli("get", archive, "file-sniffed", "-o", dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: ALREADY_EXISTS: .*exp-pixel\.png.*\n$/);
    const forced = await cli("get", archive, "file-sniffed", "-o", dir, "--overwrite");
    assert.equal(forced.code, 0, forced.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("verify: ok on a good archive, DIGEST_MISMATCH on a flipped blob byte", async () => {
  const ok = await cliJson("verify", CORPUS + "trace.ommx") as Any;
  const exp = expected("trace.ommx");
  assert.equal(ok.ok, true);
  assert.equal(ok.manifestDigest, exp.manifest_digest);
  assert.equal(ok.blobs, 1 + new Set(exp.layers.map((l: Any) => l.digest)).size);

  // Corrupt one byte of the first solution blob's content, in a copy.
  const bytes = await Deno.readFile(CORPUS + "solves.ommx");
  const digest =
    expected("solves.ommx").layers.find((l: Any) => l.media_type.endsWith(".solution")).digest;
  const name = new TextEncoder().encode(`sha256/${digest.slice(7)}`);
  let at = -1;
  for (let i = 0; i < bytes.length - name.length && at < 0; i += 512) {
    const header = bytes.subarray(i, i + 100);
    if (new TextDecoder().decode(header).includes(`sha256/${digest.slice(7)}`)) at = i;
  }
  assert.ok(at >= 0, "solution blob member found");
  bytes[at + 512 + 3]! ^= 0xff;
  const path = await Deno.makeTempFile({ suffix: ".ommx" });
  try {
    await Deno.writeFile(path, bytes);
    const bad = await cli("verify", path);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, "");
    assert.match(bad.stderr, new RegExp(`^error: DIGEST_MISMATCH: .*${digest}.*\\n$`));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("diff --json: parameters and outcomes side by side", async () => {
  const out = await cliJson("diff", CORPUS + "solves.ommx", "0", "1") as Any;
  assert.equal(out.runA, 0);
  assert.equal(out.runB, 1);
  assert.deepEqual(out.parameters, [{ name: "solver", a: "highs+openjij", same: false }]);
  const status = out.outcomes.find((o: Any) => o.name === "status");
  assert.deepEqual(status, { name: "status", a: "finished", b: "failed", same: false });
  const best = out.outcomes.find((o: Any) => o.name === "bestObjective");
  assert.deepEqual(best, { name: "bestObjective", a: 42, b: 25, same: false });
  const s0 = out.processes.find((p: Any) => p.name === "solve 0");
  assert.equal(s0.a.objective, 42);
  assert.equal(s0.b.objective, 25);
  const s3 = out.processes.find((p: Any) => p.name === "solve 3");
  assert.equal(s3.b, undefined);
});

Deno.test("table output of runs and inspect for a small archive", async () => {
  const [runs, inspect] = await Promise.all([
    cli("runs", CORPUS + "fork-parent.ommx"),
    cli("inspect", CORPUS + "fork-child.ommx"),
  ]);
  assert.equal(runs.code, 0, runs.stderr);
  assert.equal(
    runs.stdout,
    [
      "run  status    reason  capacity  solves  samplings  best objective",
      "---  --------  ------  --------  ------  ---------  --------------",
      "  0  finished                47       0          0               —",
      "",
    ].join("\n"),
  );
  assert.equal(inspect.code, 0, inspect.stderr);
  const exp = expected("fork-child.ommx");
  assert.match(inspect.stdout, new RegExp(`^image: +${exp.image_name.replaceAll(".", "\\.")}\n`));
  assert.match(inspect.stdout, new RegExp(`\nsubject: +${exp.subject.digest} \\(fork of\\)\n`));
  assert.match(inspect.stdout, /\nruns: +2 \(finished 2\)\n/);
  assert.match(inspect.stdout, /\ndataset +application\/json +16 B\n/);
});

Deno.test("the demo archive: 8 runs, each with a best objective", async () => {
  const out = await cliJson("runs", `${ROOT}examples/demo.ommx`) as Any;
  assert.equal(out.runs.length, 8);
  assert.ok(out.runs.every((r: Any) => typeof r.bestObjective === "number"));
  assert.deepEqual(out.columns.map((c: Any) => c.name), ["capacity", "presolve", "time_limit"]);
});

Deno.test("--help lists every command, and each name runs its own command (loaded on first use)", async () => {
  const { main } = await import("../../cli/main.ts");
  const capture = () => {
    const io = {
      text: "",
      out(t: string) {
        io.text += t;
        return Promise.resolve();
      },
      outBytes: () => Promise.resolve(),
      err(t: string) {
        io.text += t;
        return Promise.resolve();
      },
      errIsTerminal: false,
    };
    return io;
  };
  const help = capture();
  assert.equal(await main(["--help"], help), 0);
  const names = [...help.text.matchAll(/^ {2}(\S+) {2,}\S.*\n {4,}ommx-ts (\S+) /gm)].map((m) => {
    assert.equal(m[1], m[2], `the help line of ${m[1]} shows the usage of ${m[2]}`);
    return m[1]!;
  });
  assert.equal(names.length, 18, help.text);
  assert.equal(new Set(names).size, names.length, `a command listed twice: ${names}`);
  for (const name of names) {
    const io = capture();
    assert.equal(await main([name, "--help"], io), 0, `${name}: ${io.text}`);
    assert.ok(io.text.startsWith(`usage: ommx-ts ${name} `), `${name}: ${io.text}`);
  }
});

Deno.test("bad arguments: exit code 2 with the usage line", async () => {
  const cases: [string[], RegExp][] = [
    [[], /^error: missing command\nusage: ommx-ts <command>/],
    [["frobnicate", "x.ommx"], /^error: unknown command "frobnicate"\nusage: /],
    [["runs"], /^error: missing argument <source>\nusage: ommx-ts runs <source>/],
    [
      ["runs", "x.ommx", "--bogus"],
      /^error: unknown option '--bogus'\nusage: ommx-ts runs <source>/,
    ],
    [["diff", "x.ommx", "1"], /^error: missing argument <runB>\nusage: ommx-ts diff /],
    [
      ["solves", "x.ommx", "--run", "abc"],
      /^error: --run must be a non-negative integer, got "abc"\nusage: /,
    ],
    [
      ["inspect", "a.ommx", "b.ommx"],
      /^error: unexpected argument "b\.ommx"\nusage: ommx-ts inspect /,
    ],
    [
      ["get", "x.ommx", "name", "-o"],
      /^error: option '-o, --output <value>' argument missing\nusage: ommx-ts get /,
    ],
  ];
  const results = await pool(cases, 2, ([args]) => cli(...args));
  cases.forEach(([args, re], i) => {
    const r = results[i]!;
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "", args.join(" "));
    assert.match(r.stderr, re, args.join(" "));
    assert.equal(r.stderr.trimEnd().split("\n").length, 2, args.join(" "));
  });
});

Deno.test("errors: missing file, corrupt archive, unknown attachment → exit 1 and one line", async () => {
  const garbage = await Deno.makeTempFile({ suffix: ".ommx" });
  const bytes = new Uint8Array(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
  await Deno.writeFile(garbage, bytes);
  try {
    const cases: [string[], RegExp][] = [
      [
        ["runs", `${CORPUS}does-not-exist.ommx`],
        /^error: INVALID_ARGUMENT: .*does-not-exist\.ommx.*\n$/,
      ],
      [["inspect", garbage], /^error: CORRUPT_ARCHIVE: .+\n$/],
      [
        ["get", CORPUS + "attachments.ommx", "no-such"],
        /^error: ATTACHMENT_NOT_FOUND: .*"no-such".*\n$/,
      ],
      [
        ["get", CORPUS + "attachments.ommx", "json", "--run", "9"],
        /^error: INVALID_STATE: .*Run 9.*\n$/,
      ],
    ];
    const results = await pool(cases, 2, ([args]) => cli(...args));
    cases.forEach(([args, re], i) => {
      const r = results[i]!;
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, re);
      assert.equal(r.stderr.split("\n").length, 2, "exactly one line");
    });
  } finally {
    await Deno.remove(garbage);
  }
});
