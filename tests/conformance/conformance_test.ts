/**
 * Conformance: every archive of the reference corpus, read through our public
 * API, must match what the Python SDK read back from it (`*.expected.json`),
 * field by field. With `OMMX_CORPUS_DIR` set (the interop suite), the corpus is
 * one the live reference SDK has just written.
 */
import assert from "node:assert/strict";
import {
  archivePath,
  CORPUS_DIR,
  corpusArchives,
  enumKey,
  normaliseExpected,
  readExpected,
  sha256Hex,
  toExpectedForm,
} from "./_corpus_test_util.ts";
import {
  type AttachmentCodec,
  type Experiment,
  type Instance,
  openExperiment,
  type ParametricInstance,
  type SampleSet,
  type SealedRun,
  type Solution,
} from "../../mod.ts";

/** The same CSV codec the Python generator registers (rows of comma-separated cells). */
const csvCodec: AttachmentCodec<string[][]> = {
  mediaType: "text/csv",
  encode: (rows) => new TextEncoder().encode(rows.map((r) => r.join(",")).join("\n") + "\n"),
  decode: (bytes) =>
    new TextDecoder().decode(bytes).split(/\r?\n/).filter((l) => l !== "").map((l) => l.split(",")),
};

// deno-lint-ignore no-explicit-any
type Expected = any;

function eq(actual: unknown, expected: unknown, what: string): void {
  assert.deepStrictEqual(toExpectedForm(actual), normaliseExpected(expected), what);
}

function sortedIds(ids: Iterable<number>): number[] {
  return [...ids].sort((a, b) => a - b);
}

function checkInstance(inst: Instance, exp: Expected, what: string): void {
  eq(inst.numVariables, exp.num_variables, `${what}: num_variables`);
  eq(inst.numConstraints, exp.num_constraints, `${what}: num_constraints`);
  eq(sortedIds(inst.variableIds), exp.variable_ids, `${what}: variable_ids`);
  eq(sortedIds(inst.constraintIds), exp.constraint_ids, `${what}: constraint_ids`);
  if (exp.num_removed_constraints !== undefined) {
    eq(inst.removedConstraints.length, exp.num_removed_constraints, `${what}: removed`);
  }
  eq(inst.sense, exp.sense, `${what}: sense`);
  eq(inst.annotations, exp.annotations, `${what}: annotations`);
  if (exp.title !== undefined) eq(inst.description?.name ?? null, exp.title, `${what}: title`);
}

function checkParametric(p: ParametricInstance, exp: Expected, what: string): void {
  eq(p.numVariables, exp.num_variables, `${what}: num_variables`);
  eq(p.numConstraints, exp.num_constraints, `${what}: num_constraints`);
  eq(sortedIds(p.parameterIds), exp.parameter_ids, `${what}: parameter_ids`);
  eq(sortedIds(p.decisionVariables.map((v) => v.id)), exp.variable_ids, `${what}: variable_ids`);
  eq(sortedIds(p.constraints.map((c) => c.id)), exp.constraint_ids, `${what}: constraint_ids`);
  if (exp.annotations !== undefined) eq(p.annotations, exp.annotations, `${what}: annotations`);
}

function checkSolution(s: Solution, exp: Expected, what: string): void {
  eq(s.objective, exp.objective, `${what}: objective`);
  eq(s.feasible, exp.feasible, `${what}: feasible`);
  if (exp.feasible_relaxed !== null && exp.feasible_relaxed !== undefined) {
    eq(s.feasibleRelaxed, exp.feasible_relaxed, `${what}: feasible_relaxed`);
  }
  assert.equal(enumKey(s.optimality), enumKey(exp.optimality_name), `${what}: optimality`);
  assert.equal(enumKey(s.relaxation), enumKey(exp.relaxation_name), `${what}: relaxation`);
  eq(s.state, exp.state, `${what}: state`);
  eq(s.annotations, exp.annotations, `${what}: annotations`);
}

function checkSampleSet(s: SampleSet, exp: Expected, what: string): void {
  eq(sortedIds(s.sampleIdsList), exp.sample_ids, `${what}: sample_ids`);
  eq(s.objectives, exp.objectives, `${what}: objectives`);
  eq(s.feasible, exp.feasible, `${what}: feasible`);
  if (exp.best_feasible_id !== undefined) {
    const best = s.best();
    const bestId = best === undefined
      ? null
      : sortedIds(s.sampleIdsList).find((id) =>
        s.feasible.get(id) === true && s.objectives.get(id) === best.objective
      );
    eq(bestId, exp.best_feasible_id, `${what}: best_feasible_id`);
  }
  if (exp.annotations !== undefined) eq(s.annotations, exp.annotations, `${what}: annotations`);
}

async function checkAttachments(
  holder: Experiment | SealedRun,
  expected: Record<string, Expected>,
  where: string,
): Promise<void> {
  assert.deepStrictEqual(holder.attachmentNames, Object.keys(expected).sort(), `${where}: names`);
  for (const [name, exp] of Object.entries(expected)) {
    const what = `${where} attachment ${JSON.stringify(name)}`;
    const info = holder.attachmentInfo(name);
    assert.equal(holder.attachmentMediaType(name), exp.media_type, `${what}: media type`);
    assert.equal(info.descriptor.mediaType, exp.stored_media_type, `${what}: stored media type`);
    assert.equal(info.compression !== null, exp.compressed, `${what}: compressed`);
    assert.equal(info.filename, exp.filename, `${what}: filename`);
    const blob = await holder.getBlob(name);
    assert.equal(blob.length, Number(exp.size), `${what}: size`);
    assert.equal(await sha256Hex(blob), exp.sha256, `${what}: sha256`);
    const value = await holder.getAttachment(name);
    switch (exp.kind) {
      case "json":
        eq(value, exp.json, `${what}: getAttachment`);
        eq(await holder.getJson(name), exp.json, `${what}: getJson`);
        break;
      case "bytes":
        assert.ok(value instanceof Uint8Array, `${what}: getAttachment returns bytes`);
        assert.deepStrictEqual(value, blob, `${what}: getAttachment bytes`);
        break;
      case "instance":
        checkInstance(value as Instance, exp.instance, what);
        checkInstance(await holder.getInstance(name), exp.instance, what);
        break;
      case "parametric_instance":
        checkParametric(value as ParametricInstance, exp.parametric_instance, what);
        checkParametric(await holder.getParametricInstance(name), exp.parametric_instance, what);
        break;
      case "solution":
        checkSolution(value as Solution, exp.solution, what);
        checkSolution(await holder.getSolution(name), exp.solution, what);
        break;
      case "sample_set":
        checkSampleSet(value as SampleSet, exp.sample_set, what);
        checkSampleSet(await holder.getSampleSet(name), exp.sample_set, what);
        break;
      default:
        assert.fail(`${what}: unknown expected kind ${exp.kind}`);
    }
    if (exp.codec !== undefined) {
      eq(await holder.getWithCodec(csvCodec, name), exp.codec, `${what}: getWithCodec`);
    }
  }
}

async function checkRun(run: SealedRun, exp: Expected): Promise<void> {
  const where = `run ${run.runId}`;
  assert.equal(run.status, exp.status, `${where}: status`);
  assert.equal(run.lifecycleReason, exp.lifecycle_reason, `${where}: reason`);
  assert.equal(run.toString(), exp.repr, `${where}: repr`);
  eq(run.parameters, exp.parameters, `${where}: parameters`);
  await checkAttachments(run, exp.attachments, where);

  assert.equal(run.solves.length, exp.solves.length, `${where}: solve count`);
  for (const [i, solve] of run.solves.entries()) {
    const e = exp.solves[i];
    const what = `${where} solve ${solve.solveId}`;
    assert.equal(solve.solveId, Number(e.solve_id), `${what}: id`);
    assert.equal(solve.status, e.status, `${what}: status`);
    assert.equal(solve.adapter, e.adapter, `${what}: adapter`);
    eq(solve.adapterOptions, e.adapter_options, `${what}: adapter_options`);
    eq(solve.getDiagnostics(), e.diagnostics, `${what}: diagnostics`);
    checkInstance(await solve.getInput(), e.input, `${what} input`);
    const output = await solve.getOutput();
    if (e.output === null) assert.equal(output, null, `${what}: no output`);
    else checkSolution(output!, e.output, `${what} output`);
  }
  assert.equal(run.samplings.length, exp.samplings.length, `${where}: sampling count`);
  for (const [i, sampling] of run.samplings.entries()) {
    const e = exp.samplings[i];
    const what = `${where} sampling ${sampling.samplingId}`;
    assert.equal(sampling.samplingId, Number(e.sampling_id), `${what}: id`);
    assert.equal(sampling.status, e.status, `${what}: status`);
    assert.equal(sampling.adapter, e.adapter, `${what}: adapter`);
    eq(sampling.adapterOptions, e.adapter_options, `${what}: adapter_options`);
    eq(sampling.getDiagnostics(), e.diagnostics, `${what}: diagnostics`);
    checkInstance(await sampling.getInput(), e.input, `${what} input`);
    const output = await sampling.getOutput();
    if (e.output === null) assert.equal(output, null, `${what}: no output`);
    else checkSampleSet(output!, e.output, `${what} output`);
  }

  const trace = await run.getTrace();
  if (exp.trace === null) {
    assert.equal(trace, null, `${where}: no trace`);
  } else {
    assert.ok(trace !== null, `${where}: trace present`);
    assert.deepStrictEqual(trace.spans.map((s) => s.name), exp.trace.span_names, `${where}: spans`);
    for (const [i, span] of trace.spans.entries()) {
      const e = exp.trace.spans[i];
      assert.equal(span.spanId, e.span_id, `${where} span ${i}: id`);
      assert.equal(span.parentSpanId ?? null, e.parent_span_id, `${where} span ${i}: parent`);
      // OTLP status codes: 0 unset, 1 ok, 2 error; we spell them as words.
      const codes = ["unset", "ok", "error"];
      assert.equal(span.status.code, codes[Number(e.status_code)], `${where} span ${i}: status`);
      eq(span.attributes, e.attributes, `${where} span ${i} (${span.name}): attributes`);
    }
  }
}

async function checkExperiment(name: string): Promise<void> {
  const exp = readExpected(name);
  await using experiment = await openExperiment(archivePath(name));
  assert.equal(experiment.imageName, exp.image_name, "image name");
  assert.equal(experiment.manifestDigest, exp.manifest_digest, "manifest digest");
  assert.equal(experiment.manifest.config.digest, exp.config_digest, "config digest");
  assert.equal(experiment.manifest.artifactType, exp.artifact_type, "artifact type");
  assert.equal(experiment.status, exp.status, "status");
  assert.equal(experiment.lifecycleReason, exp.lifecycle_reason, "reason");
  assert.equal(experiment.requestedImageName, exp.requested_image_name, "requested name");
  assert.deepStrictEqual({ ...experiment.annotations }, exp.annotations, "annotations");
  assert.equal(experiment.toString(), exp.repr, "repr");
  if (exp.subject === null) {
    assert.equal(experiment.subject, null, "no subject");
  } else {
    assert.equal(experiment.subject?.digest, exp.subject.digest, "subject digest");
    assert.equal(experiment.subject?.mediaType, exp.subject.media_type, "subject media type");
    assert.equal(experiment.subject?.size, Number(exp.subject.size), "subject size");
  }
  eq(
    experiment.layers.map((l) => ({
      annotations: l.annotations ?? {},
      digest: l.digest,
      media_type: l.mediaType,
      size: l.size,
    })),
    exp.layers,
    "layers",
  );
  await checkAttachments(experiment, exp.attachments, "experiment");

  assert.deepStrictEqual(
    experiment.runs.map((r) => r.runId),
    exp.runs.map((r: Expected) => Number(r.run_id)),
    "run ids",
  );
  for (const [i, run] of experiment.runs.entries()) await checkRun(run, exp.runs[i]);

  const table = experiment.runParameters();
  eq(
    Object.fromEntries(table.columns.map((c) => [c.name, c.type])),
    exp.run_parameters.columns,
    "run-parameter columns",
  );
  eq(table.rows.map((r) => r.runId), exp.run_parameters.run_ids, "run-parameter run ids");
  const cells: Record<string, Record<string, unknown>> = {};
  for (const c of table.columns) cells[c.name] = {};
  for (const row of table.rows) {
    for (const [k, v] of Object.entries(row.values)) cells[k]![String(row.runId)] = v;
  }
  eq(cells, exp.run_parameters.cells, "run-parameter cells");
  const verified = await experiment.verify();
  assert.ok(verified.blobs >= 2, "verify read the config and layers");
}

const archives = corpusArchives();
Deno.test("conformance corpus is present", () => {
  assert.ok(
    archives.length >= 10,
    `expected ≥ 10 archives in ${CORPUS_DIR}, found ${archives.length}`,
  );
});
for (const name of archives) {
  Deno.test(`conformance: ${name}.ommx reads as the reference SDK reads it`, () =>
    checkExperiment(name));
}
