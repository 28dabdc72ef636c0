/**
 * The Experiment config document (`application/org.ommx.v1.experiment.config+json`):
 * its logical model, the reader with the reference's defaults and checks, and
 * the writer's fixed-key-order encoding.
 *
 * @module
 */
import { InvalidArtifactError, UnsupportedError } from "../../errors.ts";
import { keysByCodePoint, sortByCodePoint } from "../../_code_points.ts";
import { hasNoKeys } from "../../_no_keys.ts";
import { StringPool } from "../../_string_pool.ts";
import { decodeUtf8Fatal } from "../../_utf8.ts";

/** Lifecycle status of a sealed Experiment. */
export type ExperimentStatus = "draft" | "finished" | "failed" | "interrupted";
/** Lifecycle status of a Run, Solve or Sampling. */
export type RunStatus = "finished" | "failed" | "interrupted";

/** Attachment name → layer index, plus stored export filenames. */
export interface AttachmentTable {
  /** Attachment name → layer index, in ascending code-point order of names. */
  readonly entries: ReadonlyMap<string, number>;
  /** Attachment name → export filename (only file attachments). */
  readonly filenames: ReadonlyMap<string, string>;
}

/** One Solve or Sampling record of the config. */
export interface ProcessRecord {
  /** `solve_id` or `sampling_id`. */
  readonly id: number;
  /** Record status. */
  readonly status: RunStatus;
  /** Layer index of the input Instance. */
  readonly input: number;
  /** Layer index of the output (Solution or SampleSet); present iff finished. */
  readonly output?: number;
  /** Adapter name. */
  readonly adapter: string;
  /** Adapter options: a JSON document encoded as a string (Python `json.dumps`). */
  readonly adapterOptions: string;
  /** Layer index of the diagnostics MessagePack, when stored. */
  readonly diagnostics?: number;
}

/** One Run record of the config. */
export interface RunRecord {
  /** Run id. */
  readonly runId: number;
  /** Run status. */
  readonly status: RunStatus;
  /** Failure or interruption reason, or `null`. */
  readonly reason: string | null;
  /** Run-level attachments. */
  readonly attachments: AttachmentTable;
  /** Layer index of the OTLP trace, when stored. */
  readonly trace?: number;
  /** Solve records in ascending id. */
  readonly solves: readonly ProcessRecord[];
  /** Sampling records in ascending id. */
  readonly samplings: readonly ProcessRecord[];
}

/** The logical Experiment config. */
export interface ExperimentConfig {
  /** Experiment status. */
  readonly status: ExperimentStatus;
  /** Failure or interruption reason, or `null`. */
  readonly reason: string | null;
  /** For checkpoints: the image name the user asked for. */
  readonly requestedImageName: string | null;
  /** Experiment-level attachments. */
  readonly attachments: AttachmentTable;
  /** Runs in ascending run id. */
  readonly runs: readonly RunRecord[];
  /** Layer index of the run-parameter table. */
  readonly runParameters: number;
}

const EXPERIMENT_STATUSES: readonly string[] = ["draft", "finished", "failed", "interrupted"];
const RUN_STATUSES: readonly string[] = ["finished", "failed", "interrupted"];

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Where the reader is inside `$.runs`: the run's index, the record list (`solves` or
 * `samplings`) and the record's index. The parse is synchronous, so one cursor serves
 * every parse; a message's path is built from it only when a check fails (no path
 * strings a run or record on the way).
 */
const cursor = { run: 0, list: "", record: 0 };

/** A key path: the text, or one of the functions below that build it from {@linkcode cursor}. */
type Path = string | (() => string);

/** `$.runs[run]`. */
const RUN: Path = () => `$.runs[${cursor.run}]`;
/** `$.runs[run].attachments`. */
const RUN_ATTACHMENTS: Path = () => `${RUN()}.attachments`;
/** `$.runs[run].<list>`. */
const RUN_LIST: Path = () => `${RUN()}.${cursor.list}`;
/** `$.runs[run].<list>[record]`. */
const RECORD: Path = () => `${RUN_LIST()}[${cursor.record}]`;

/** The text of `path`. */
function text(path: Path): string {
  return typeof path === "string" ? path : path();
}

function fail(path: Path, what: string): never {
  throw new InvalidArtifactError(`Failed to decode Experiment config: ${text(path)}: ${what}`);
}

/** {@linkcode u64} of `obj[key]`, the path `${path}.${key}` built only for a message. */
function u64At(obj: Record<string, Json>, key: string, path: Path): number {
  const v = obj[key];
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  return u64(v, `${text(path)}.${key}`);
}

/** {@linkcode str} of `obj[key]`, the path `${path}.${key}` built only for a message. */
function strAt(obj: Record<string, Json>, key: string, path: Path): string {
  const v = obj[key];
  return typeof v === "string" ? v : str(v, `${text(path)}.${key}`);
}

function u64(v: Json, path: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    fail(path, `expected a non-negative integer, got ${JSON.stringify(v)}`);
  }
  if (!Number.isSafeInteger(v)) {
    throw new UnsupportedError(
      `${path}: integer ${v} is above 2^53-1, which this reader does not support`,
    );
  }
  return v;
}

function str(v: Json, path: string): string {
  if (typeof v !== "string") fail(path, `expected a string, got ${JSON.stringify(v)}`);
  return v;
}

/** The `status` value `raw` (`statusDefault` when absent or null), checked against `allowed`. */
function statusOf(
  raw: Json,
  path: Path,
  allowed: readonly string[],
  kind: string,
  statusDefault?: string,
): string {
  const value = raw ?? statusDefault;
  if (value === undefined) fail(`${text(path)}.status`, "missing");
  const status = typeof value === "string" ? value : str(value, `${text(path)}.status`);
  const i = allowed.indexOf(status);
  if (i < 0) fail(`${text(path)}.status`, `unknown ${kind} status ${status}`);
  // The constant, not the parsed copy: one string for every record.
  return allowed[i]!;
}

/**
 * The lifecycle reason of `obj` (`null` when it has no outcome or no reason), checked
 * against its `status` (from {@linkcode statusOf}, which is checked first).
 */
function reasonOf(
  obj: Record<string, Json>,
  path: Path,
  status: string,
  kind: string,
): string | null {
  const outcome = obj.outcome;
  if (outcome === undefined || outcome === null) return null;
  if (status === "draft" || status === "finished") {
    fail(`${text(path)}.outcome`, `${kind} status ${status} cannot have a lifecycle outcome`);
  }
  if (!isObject(outcome)) fail(`${text(path)}.outcome`, "expected an object");
  const reason = outcome.reason;
  if (reason === undefined || reason === null) return null;
  return str(reason, `${text(path)}.outcome.reason`);
}

/**
 * The table of a namespace without attachments, shared by every such run
 * (most runs): no two `Map`s a run. Read-only by its type; nothing mutates it.
 */
const EMPTY_ATTACHMENT_TABLE: AttachmentTable = Object.freeze({
  entries: new Map<string, number>(),
  filenames: new Map<string, string>(),
});

/** A record list without records, shared by every run that has none. */
const NO_RECORDS: readonly ProcessRecord[] = Object.freeze([]);

/** Whether the JSON value `v` is absent or an object without keys. */
function isEmptyTableField(v: Json): boolean {
  if (v === undefined || v === null) return true;
  return isObject(v) && hasNoKeys(v);
}

function attachmentTable(v: Json, where: Path): AttachmentTable {
  if (!isObject(v)) fail(where, "expected an attachment table object");
  const entriesRaw = v.entries;
  if (!isObject(entriesRaw)) fail(`${text(where)}.entries`, "expected an object");
  // Most runs have no attachments: the shared empty table (no key array a run).
  if (hasNoKeys(entriesRaw) && isEmptyTableField(v.filenames)) return EMPTY_ATTACHMENT_TABLE;
  const path = text(where);
  const names = Object.keys(entriesRaw);
  const entries = new Map<string, number>();
  for (const name of sortByCodePoint(names)) {
    entries.set(name, u64(entriesRaw[name], `${path}.entries[${JSON.stringify(name)}]`));
  }
  const filenames = new Map<string, string>();
  const fnRaw = v.filenames;
  if (fnRaw !== undefined && fnRaw !== null) {
    if (!isObject(fnRaw)) fail(`${path}.filenames`, "expected an object");
    for (const name of sortByCodePoint(Object.keys(fnRaw))) {
      const p = `${path}.filenames[${JSON.stringify(name)}]`;
      const filename = str(fnRaw[name], p);
      if (!entries.has(name)) fail(p, "filename for an attachment that does not exist");
      if (
        filename === "" || filename === "." || filename === ".." || filename.includes("/") ||
        filename.includes("\\")
      ) {
        fail(p, `invalid attachment filename ${JSON.stringify(filename)}`);
      }
      filenames.set(name, filename);
    }
  }
  return { entries, filenames };
}

function processRecord(
  v: Json,
  path: Path,
  idKey: string,
  kind: string,
  pool: StringPool,
): ProcessRecord {
  if (!isObject(v)) fail(path, "expected an object");
  const id = u64At(v, idKey, path);
  const status = statusOf(v.status, path, RUN_STATUSES, kind, "finished") as RunStatus;
  const input = u64At(v, "input", path);
  const hasOutput = v.output !== undefined && v.output !== null;
  // Adapter names and options repeat across records: one pooled string each.
  const adapter = pool.intern(strAt(v, "adapter", path));
  const optionsRaw = v.adapter_options;
  const adapterOptions = optionsRaw === undefined || optionsRaw === null
    ? "{}"
    : pool.intern(strAt(v, "adapter_options", path));
  const record: {
    id: number;
    status: RunStatus;
    input: number;
    output?: number;
    adapter: string;
    adapterOptions: string;
    diagnostics?: number;
  } = hasOutput
    // The output in the literal: held in-object, no property array a record.
    ? { id, status, input, adapter, adapterOptions, output: u64At(v, "output", path) }
    : { id, status, input, adapter, adapterOptions };
  if (v.diagnostics !== undefined && v.diagnostics !== null) {
    record.diagnostics = u64At(v, "diagnostics", path);
  }
  return record;
}

/** The run's record list `list` (at `$.runs[cursor.run].<list>`). */
function records(
  v: Json,
  list: "solves" | "samplings",
  idKey: string,
  kind: string,
  runId: number,
  pool: StringPool,
): readonly ProcessRecord[] {
  if (v === undefined || v === null) return NO_RECORDS;
  if (Array.isArray(v) && v.length === 0) return NO_RECORDS;
  cursor.list = list;
  const path = RUN_LIST;
  if (!Array.isArray(v)) fail(path, "expected an array");
  // A loop, not `map`: no closure (nor its context) a run.
  const n = v.length;
  const out: ProcessRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    cursor.record = i;
    out[i] = processRecord(v[i], RECORD, idKey, kind, pool);
  }
  // The ids of a few records are compared in place; a set of them only for a long list.
  const seen = n > SMALL_LIST ? new Set<number>() : undefined;
  let ascending = true;
  for (let i = 0; i < n; i++) {
    const r = out[i]!;
    if (seen === undefined ? hasIdBefore(out, i) : seen.has(r.id)) {
      fail(path, `Run ${runId} contains duplicate ${kind} ${r.id}`);
    }
    seen?.add(r.id);
    if (r.status === "finished" && r.output === undefined) {
      fail(path, `Run ${runId} ${kind} ${r.id} is finished but has no output`);
    }
    if (r.status !== "finished" && r.output !== undefined) {
      fail(path, `Run ${runId} ${kind} ${r.id} has status ${r.status} but has an output`);
    }
    if (i > 0 && r.id < out[i - 1]!.id) ascending = false;
  }
  // Ids unique and already ascending (as the writers store them): the sort would change
  // nothing, so it is not made (no work array a run).
  return ascending ? out : out.sort(byRecordId);
}

/** Record lists up to this long are checked for duplicate ids without a set. */
const SMALL_LIST = 8;

/** Whether a record before `i` in `out` has the id of `out[i]`. */
function hasIdBefore(out: readonly ProcessRecord[], i: number): boolean {
  const id = out[i]!.id;
  for (let j = 0; j < i; j++) if (out[j]!.id === id) return true;
  return false;
}

/** Ascending record id. */
function byRecordId(a: ProcessRecord, b: ProcessRecord): number {
  return a.id - b.id;
}

/** The run record at `$.runs[cursor.run]`. */
function runRecord(v: Json, pool: StringPool): RunRecord {
  const path = RUN;
  if (!isObject(v)) fail(path, "expected an object");
  const runId = u64At(v, "run_id", path);
  const status = statusOf(v.status, path, RUN_STATUSES, "Run", "finished");
  const reason = reasonOf(v, path, status, "Run");
  const run: {
    runId: number;
    status: RunStatus;
    reason: string | null;
    attachments: AttachmentTable;
    trace?: number;
    solves: readonly ProcessRecord[];
    samplings: readonly ProcessRecord[];
  } = {
    runId,
    status: status as RunStatus,
    reason,
    attachments: attachmentTable(v.attachments, RUN_ATTACHMENTS),
    solves: records(v.solves, "solves", "solve_id", "Solve", runId, pool),
    samplings: records(v.samplings, "samplings", "sampling_id", "Sampling", runId, pool),
  };
  if (v.trace !== undefined && v.trace !== null) run.trace = u64At(v, "trace", path);
  return run;
}

/**
 * Decode an Experiment config blob with the reference reader's defaults and checks
 * (`docs/glossary.md#experiment-config`). Unknown keys are ignored, as the reference does.
 *
 * @param bytes The config blob.
 * @returns The logical config; runs sorted by id, records sorted by id.
 * @throws {InvalidArtifactError} When the document breaks a rule; the message names the key path.
 *
 * @example Decode a minimal config
 * ```ts
 * import { parseExperimentConfig } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * const text = '{"status":"finished","attachments":{"entries":{}},"runs":[],"run_parameters":0}';
 * const config = parseExperimentConfig(new TextEncoder().encode(text));
 * assert.equal(config.status, "finished");
 * assert.equal(config.runParameters, 0);
 * ```
 */
export function parseExperimentConfig(bytes: Uint8Array): ExperimentConfig {
  let doc: Json;
  try {
    doc = JSON.parse(decodeUtf8Fatal(bytes));
  } catch (cause) {
    throw new InvalidArtifactError(
      `Failed to decode Experiment config: not valid UTF-8 JSON (${(cause as Error).message})`,
      { cause },
    );
  }
  if (!isObject(doc)) fail("$", "expected an object");
  const status = statusOf(doc.status, "$", EXPERIMENT_STATUSES, "Experiment");
  const reason = reasonOf(doc, "$", status, "Experiment");
  const rin = doc.requested_image_name;
  const requestedImageName = rin === undefined || rin === null
    ? null
    : str(rin, "$.requested_image_name");
  if (!Array.isArray(doc.runs)) fail("$.runs", "expected an array");
  const pool = new StringPool();
  const runs = doc.runs.map((r, i) => {
    cursor.run = i;
    return runRecord(r, pool);
  });
  // Strictly ascending ids (as writers store them) are unique and sorted already: no set of
  // them, no sort. Otherwise the first duplicate in stored order is the error, as before.
  let ascending = true;
  for (let i = 1; i < runs.length && ascending; i++) {
    if (runs[i]!.runId <= runs[i - 1]!.runId) ascending = false;
  }
  if (!ascending) {
    const seen = new Set<number>();
    for (const r of runs) {
      if (seen.has(r.runId)) fail("$.runs", `Experiment config contains duplicate Run ${r.runId}`);
      seen.add(r.runId);
    }
    runs.sort((a, b) => a.runId - b.runId);
  }
  return {
    status: status as ExperimentStatus,
    reason,
    requestedImageName,
    attachments: attachmentTable(doc.attachments, "$.attachments"),
    runs,
    runParameters: u64(doc.run_parameters, "$.run_parameters"),
  };
}

/** A JSON object of a map's entries, keys in code point order, each value as `value` writes it. */
function encodeObject<V>(map: ReadonlyMap<string, V>, value: (v: V) => string): string {
  let out = "{";
  for (const k of keysByCodePoint(map)) {
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(k)}:${value(map.get(k)!)}`;
  }
  return out + "}";
}

function encodeTable(t: AttachmentTable): string {
  let out = `{"entries":${encodeObject(t.entries, String)}`;
  if (t.filenames.size > 0) {
    out += `,"filenames":${encodeObject(t.filenames, (f) => JSON.stringify(f))}`;
  }
  return out + "}";
}

/**
 * Records in ascending id order, as the config lists them: a list of one or none as it is,
 * without a sorted copy (the usual run's one Solve).
 *
 * @param records The records (not changed).
 * @returns The records by id.
 */
export function inIdOrder<R extends { readonly id: number }>(records: readonly R[]): readonly R[] {
  return records.length <= 1 ? records : [...records].sort((a, b) => a.id - b.id);
}

/** Process records as the config lists them: ascending by id, comma-separated. */
function encodeRecords(records: readonly ProcessRecord[], idKey: string): string {
  return inIdOrder(records).map((r) => encodeRecord(r, idKey)).join(",");
}

function encodeLifecycle(status: string, reason: string | null): string {
  let out = `"status":${JSON.stringify(status)}`;
  if (reason !== null && (status === "failed" || status === "interrupted")) {
    out += `,"outcome":{"reason":${JSON.stringify(reason)}}`;
  }
  return out;
}

function encodeRecord(r: ProcessRecord, idKey: string): string {
  let out = `{"${idKey}":${r.id},"status":${JSON.stringify(r.status)},"input":${r.input}`;
  if (r.output !== undefined) out += `,"output":${r.output}`;
  out += `,"adapter":${JSON.stringify(r.adapter)},"adapter_options":${
    JSON.stringify(r.adapterOptions)
  }`;
  if (r.diagnostics !== undefined) out += `,"diagnostics":${r.diagnostics}`;
  return out + "}";
}

/**
 * Encode one run record as the config stores it (an element of `runs`).
 *
 * @param run The run record.
 * @returns Its JSON text, in the reference writer's key order.
 */
export function encodeRunRecord(run: RunRecord): string {
  let r = `{"run_id":${run.runId},${encodeLifecycle(run.status, run.reason)}`;
  r += `,"attachments":${encodeTable(run.attachments)}`;
  if (run.trace !== undefined) r += `,"trace":${run.trace}`;
  r += `,"solves":[${encodeRecords(run.solves, "solve_id")}]`;
  r += `,"samplings":[${encodeRecords(run.samplings, "sampling_id")}]`;
  return r + "}";
}

/**
 * Encode a config in the reference writer's fixed key order, compact (`docs/glossary.md#struct-order-json`).
 *
 * @param config The logical config.
 * @param runTexts The runs already encoded with {@linkcode encodeRunRecord}, in ascending run
 * id (a writer that keeps them between commits); default: encode `config.runs`.
 * @returns The config blob bytes.
 *
 * @example Round trip
 * ```ts
 * import { encodeExperimentConfig, parseExperimentConfig } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeExperimentConfig({
 *   status: "finished", reason: null, requestedImageName: null,
 *   attachments: { entries: new Map(), filenames: new Map() }, runs: [], runParameters: 0,
 * });
 * assert.equal(
 *   new TextDecoder().decode(bytes),
 *   '{"status":"finished","attachments":{"entries":{}},"runs":[],"run_parameters":0}',
 * );
 * assert.equal(parseExperimentConfig(bytes).runs.length, 0);
 * ```
 */
export function encodeExperimentConfig(
  config: ExperimentConfig,
  runTexts?: readonly string[],
): Uint8Array {
  let out = `{${encodeLifecycle(config.status, config.reason)}`;
  if (config.requestedImageName !== null) {
    out += `,"requested_image_name":${JSON.stringify(config.requestedImageName)}`;
  }
  out += `,"attachments":${encodeTable(config.attachments)},"runs":[`;
  out += (runTexts ?? [...config.runs].sort((a, b) => a.runId - b.runId).map(encodeRunRecord))
    .join(",");
  out += `],"run_parameters":${config.runParameters}}`;
  return new TextEncoder().encode(out);
}
