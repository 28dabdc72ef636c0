/**
 * The commit (`docs/glossary.md#commit`): layer index assignment, config
 * (struct-order JSON), run-parameter table, manifest (sorted JSON) —
 * assembled as bytes by {@linkcode assembleExperiment}, published into a
 * {@linkcode Target} under an image name by {@linkcode commitExperiment}.
 *
 * @module
 */
import { EncodeError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { payloadDigestOf } from "../../oci/_payload_hash.ts";
import type { ImageManifest } from "../../oci/manifest.ts";
import { canonicalJson } from "../../oci/canonical_json.ts";
import { ANNOTATION_REF_NAME, MEDIA_TYPE_IMAGE_MANIFEST } from "../../oci/media_types.ts";
import type { Target } from "../../oci/storage.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  MEDIA_TYPE_EXPERIMENT_CONFIG,
  MEDIA_TYPE_RUN_PARAMETERS,
} from "../../../codecs/media_types.ts";
import {
  type AttachmentTable,
  encodeExperimentConfig,
  encodeRunRecord,
  type ExperimentConfig,
  type ExperimentStatus,
  inIdOrder,
  type ProcessRecord,
  type RunRecord,
} from "../read/config.ts";
import { keysByCodePoint } from "../../_code_points.ts";
import { equalBytes } from "../../_bytes.ts";
import type { ByteChunks } from "../../_byte_chunks.ts";
import { AssemblyCache, type RunEncoder } from "./_assembly_cache.ts";
import { type AttachmentEntry, type LayerDescriptor, stageBytes } from "./_staging.ts";
import type { ProcessState, RunState } from "./_run_state.ts";

/** Everything a commit needs. */
export interface CommitInput {
  /** Experiment status. */
  readonly status: ExperimentStatus;
  /** Reason (failed/interrupted), or `null`. */
  readonly reason: string | null;
  /** For checkpoints: the requested name; else `null`. */
  readonly requestedImageName: string | null;
  /** Experiment attachments. */
  readonly attachments: ReadonlyMap<string, AttachmentEntry>;
  /** Closed runs (any order). */
  readonly runs: readonly RunState[];
  /** Manifest annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Parent manifest (fork). */
  readonly subject?: Descriptor | undefined;
  /** The name to publish under (index ref annotation). */
  readonly imageName: string;
}

/** What a commit produced. */
export interface CommitResult {
  /** The manifest descriptor with the ref-name annotation (as in `index.json`). */
  readonly descriptor: Descriptor;
  /** The manifest. */
  readonly manifest: ImageManifest;
  /** The manifest bytes. */
  readonly manifestBytes: Uint8Array;
  /** The config bytes. */
  readonly configBytes: Uint8Array;
}

/** The three blobs a commit adds to the payload blobs, as bytes. */
export interface AssembledExperiment {
  /** The run-parameter table layer. */
  readonly table: LayerDescriptor;
  /** Its MessagePack bytes. */
  readonly tableBytes: Uint8Array;
  /** The config descriptor. */
  readonly configDescriptor: Descriptor;
  /** The config bytes. */
  readonly configBytes: Uint8Array;
  /** The manifest (its layers are the writer's descriptors, not copies). */
  readonly manifest: ImageManifest;
  /** The manifest descriptor (no annotations). */
  readonly manifestDescriptor: Descriptor;
  /** The manifest bytes. */
  readonly manifestBytes: Uint8Array;
}

/**
 * An attachment table with layer indices, names in code point order.
 *
 * @param entries The attachments.
 * @param add Appends a layer and returns its index.
 * @returns The table.
 */
export function attachmentTable(
  entries: ReadonlyMap<string, AttachmentEntry>,
  add: (d: LayerDescriptor) => number,
): AttachmentTable {
  const e = new Map<string, number>();
  const f = new Map<string, string>();
  for (const name of keysByCodePoint(entries)) {
    const entry = entries.get(name)!;
    e.set(name, add(entry.descriptor));
    if (entry.filename !== undefined) f.set(name, entry.filename);
  }
  return { entries: e, filenames: f };
}

function processRecords(
  list: readonly ProcessState[],
  add: (d: LayerDescriptor) => number,
): ProcessRecord[] {
  return inIdOrder(list).map((p) => {
    const r: {
      id: number;
      status: ProcessState["status"];
      input: number;
      output?: number;
      adapter: string;
      adapterOptions: string;
      diagnostics?: number;
    } = {
      id: p.id,
      status: p.status,
      input: add(p.input),
      adapter: p.adapter,
      adapterOptions: p.adapterOptions,
    };
    if (p.output !== undefined) r.output = add(p.output);
    if (p.diagnostics !== undefined) r.diagnostics = add(p.diagnostics);
    return r;
  });
}

/**
 * The config record of a closed run, its layers appended in the commit's
 * order (attachments, trace, then each Solve's and Sampling's input,
 * output, diagnostics).
 *
 * @param run The closed run.
 * @param add Appends a layer and returns its index.
 * @returns The record.
 */
export function runRecord(run: RunState, add: (d: LayerDescriptor) => number): RunRecord {
  const attachments = attachmentTable(run.attachments, add);
  const trace = run.trace === undefined ? undefined : add(run.trace);
  const solves = processRecords(run.solves, add);
  const samplings = processRecords(run.samplings, add);
  const runId = run.runId;
  const status = run.status;
  const reason = status === "finished" ? null : run.reason;
  return trace === undefined
    ? { runId, status, reason, attachments, solves, samplings }
    : { runId, status, reason, attachments, trace, solves, samplings };
}

/** A closed run's config record text (its layers appended in the commit's order). */
const encodeRun: RunEncoder = (run, add) => encodeRunRecord(runRecord(run, add));

/**
 * Encode closed runs into an Experiment's {@linkcode AssemblyCache} ahead of
 * its next assembly. A builder does it as runs close, so that a commit after
 * thousands of runs (autosave off) encodes none of them at once: each run's
 * short-lived strings die young in the loop instead of growing the heap in
 * the commit (+15 MiB of heap at 5,000 runs). The next assembly syncs the
 * cache again, so its bytes are those of a fresh one.
 *
 * @param cache The Experiment's cache.
 * @param attachments How many Experiment attachments come before the runs' layers.
 * @param runs The closed runs, ascending by run id.
 * @returns Nothing.
 * @throws {InvalidArgumentError} When run-parameter column types cannot be unified
 * (the assembly throws it again).
 */
export function encodeRunsAhead(
  cache: AssemblyCache,
  attachments: number,
  runs: readonly RunState[],
): Promise<void> {
  return cache.exclusive(() => Promise.resolve(cache.sync(attachments, runs, encodeRun)));
}

/**
 * An empty {@linkcode AssemblyCache}.
 *
 * @returns The cache.
 */
export function newAssemblyCache(): AssemblyCache {
  return new AssemblyCache();
}

const encoder = new TextEncoder();
const RUNS_OPEN = encoder.encode(`"runs":[`);

function endsWith(bytes: Uint8Array, end: Uint8Array): boolean {
  return bytes.length >= end.length && equalBytes(bytes.subarray(bytes.length - end.length), end);
}

/**
 * Assemble an Experiment (layer indices, run-parameter table, config,
 * manifest) as bytes, without storing anything.
 *
 * @param input The logical Experiment (`imageName` is not used).
 * @param cache What earlier assemblies of the same Experiment encoded (runs already seen in the same place are not encoded again).
 * @returns The three new blobs with their descriptors.
 * @throws {InvalidArgumentError} When run-parameter column types cannot be unified.
 */
export function assembleExperiment(
  input: Omit<CommitInput, "imageName">,
  cache: AssemblyCache = newAssemblyCache(),
): Promise<AssembledExperiment> {
  return cache.exclusive(() => assemble(input, cache));
}

async function assemble(
  input: Omit<CommitInput, "imageName">,
  cache: AssemblyCache,
): Promise<AssembledExperiment> {
  const layers: LayerDescriptor[] = [];
  const add = (d: LayerDescriptor): number => layers.push(d) - 1;
  const attachments = attachmentTable(input.attachments, add);
  const attachmentLayers = layers.length;
  const sortedRuns = [...input.runs].sort((a, b) => a.runId - b.runId);
  cache.sync(attachmentLayers, sortedRuns, encodeRun);
  for (const l of cache.layers) layers.push(l);
  const tableBytes = cache.tableBytes();
  const tableLayer: LayerDescriptor = {
    mediaType: MEDIA_TYPE_RUN_PARAMETERS,
    digest: await payloadDigestOf(tableBytes),
    size: tableBytes.length,
    annotations: {},
  };
  const runParameters = add(tableLayer);

  // The config without runs is `<head>],"run_parameters":N}`; the runs' text goes between.
  const frame = encodeExperimentConfig({
    status: input.status,
    reason: configReason(input),
    requestedImageName: input.requestedImageName,
    attachments,
    runs: [],
    runParameters,
  }, []);
  const tail = encoder.encode(`],"run_parameters":${runParameters}}`);
  const head = frame.subarray(0, frame.length - tail.length);
  if (!endsWith(head, RUNS_OPEN) || !endsWith(frame, tail)) {
    throw new EncodeError(
      "Experiment config: the encoder no longer ends with runs and run_parameters",
    );
  }
  const configBytes = joinPieces([head, cache.configRuns, tail]);
  const configDescriptor: Descriptor = {
    mediaType: MEDIA_TYPE_EXPERIMENT_CONFIG,
    digest: `sha256:${await cache.configHex(head, tail)}`,
    size: configBytes.length,
  };
  const manifest: {
    schemaVersion: 2;
    artifactType: string;
    config: Descriptor;
    layers: Descriptor[];
    subject?: Descriptor;
    annotations?: Record<string, string>;
  } = {
    schemaVersion: 2,
    artifactType: ARTIFACT_TYPE_EXPERIMENT,
    config: configDescriptor,
    layers,
  };
  if (input.subject !== undefined) {
    manifest.subject = {
      mediaType: input.subject.mediaType || MEDIA_TYPE_IMAGE_MANIFEST,
      digest: input.subject.digest,
      size: input.subject.size,
    };
  }
  if (Object.keys(input.annotations).length > 0) manifest.annotations = { ...input.annotations };
  // The manifest's canonical JSON (what `encodeManifest` writes: keys sorted,
  // compact), the runs' layers' text taken from the cache.
  let before = "{";
  if (manifest.annotations !== undefined) {
    before += `"annotations":${canonicalJson(manifest.annotations)},`;
  }
  before += `"artifactType":${canonicalJson(manifest.artifactType)},"config":${
    canonicalJson(manifest.config)
  },"layers":[`;
  // The pieces in order (the runs' layers are the cache's chunks), joined once.
  const parts: (Uint8Array | ByteChunks)[] = [encoder.encode(before)];
  const comma = Uint8Array.of(0x2c);
  const layerParts = [
    ...layers.slice(0, attachmentLayers).map((l) => cache.layerText(l)),
    cache.manifestLayers,
    cache.layerText(tableLayer),
  ].filter((p) => p.length > 0);
  layerParts.forEach((p, i) => {
    if (i > 0) parts.push(comma);
    parts.push(p);
  });
  let after = `],"schemaVersion":2`;
  if (manifest.subject !== undefined) after += `,"subject":${canonicalJson(manifest.subject)}`;
  parts.push(encoder.encode(after + "}"));
  const manifestBytes = joinPieces(parts);
  const manifestDescriptor: Descriptor = {
    mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
    digest: await payloadDigestOf(manifestBytes),
    size: manifestBytes.length,
  };
  return {
    table: tableLayer,
    tableBytes,
    configDescriptor,
    configBytes,
    manifest,
    manifestDescriptor,
    manifestBytes,
  };
}

/**
 * The pieces joined into one exactly sized array: byte arrays copied as they
 * are, the cache's chunked text copied chunk by chunk (no intermediate array).
 */
function joinPieces(pieces: readonly (Uint8Array | ByteChunks)[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    if (p instanceof Uint8Array) {
      out.set(p, at);
      at += p.length;
    } else {
      at = p.copyTo(out, at);
    }
  }
  return out;
}

/** The config's reason: only a failed or interrupted Experiment has one. */
function configReason(input: Omit<CommitInput, "imageName">): string | null {
  return input.status === "failed" || input.status === "interrupted" ? input.reason : null;
}

/**
 * The config of an assembled Experiment as the parser gives it on the
 * config bytes (`parseExperimentConfig`), rebuilt from the
 * writer's state: the same records with the same layer indices as the
 * assembly gave them (attachments, then the runs in ascending id, then the
 * run-parameter table). Every layer the records name is checked to be the
 * very descriptor the assembled manifest holds at that index; when one is
 * not (the state changed since the assembly), `undefined`, and the caller
 * reads the stored config instead.
 *
 * @param input What was assembled (the same input object).
 * @param assembled The assembly of `input`.
 * @returns The config, or `undefined`.
 */
export function writtenConfig(
  input: Omit<CommitInput, "imageName">,
  assembled: AssembledExperiment,
): ExperimentConfig | undefined {
  const layers = assembled.manifest.layers;
  let next = 0;
  let same = true;
  const add = (d: LayerDescriptor): number => {
    if (layers[next] !== d) same = false;
    return next++;
  };
  const attachments = attachmentTable(input.attachments, add);
  const runs = [...input.runs].sort((a, b) => a.runId - b.runId).map((r) => runRecord(r, add));
  const runParameters = next;
  if (!same || layers.length !== runParameters + 1 || layers[runParameters] !== assembled.table) {
    return undefined;
  }
  return {
    status: input.status,
    reason: configReason(input),
    requestedImageName: input.requestedImageName,
    attachments,
    runs,
    runParameters,
  };
}

/**
 * Store the three blobs of an assembled Experiment (table, config, manifest).
 *
 * @param target Where the payload blobs already are.
 * @param assembled The assembled Experiment.
 * @returns Nothing.
 */
export async function storeAssembled(
  target: Target,
  assembled: AssembledExperiment,
): Promise<void> {
  await stageBytes(target, assembled.table.mediaType, assembled.tableBytes);
  await target.push(assembled.configDescriptor, assembled.configBytes);
  await target.push(assembled.manifestDescriptor, assembled.manifestBytes);
}

/**
 * Point `reference` at an assembled Experiment just stored by
 * {@linkcode storeAssembled}. A Local Registry is handed the manifest and
 * config it was pushed a moment before (the very arrays, so it recognises
 * them as its own), and neither reads them back nor parses the manifest
 * again to fill its listing-cache rows; other targets are tagged as usual.
 *
 * @param target The store the assembled blobs were pushed to.
 * @param assembled The assembled Experiment.
 * @param reference The image name.
 * @returns Whether the tag has just checked every layer's presence (a Local
 * Registry's does, under its GC exclusion lock; see `WrittenExperiment.layersPresent`).
 */
export async function tagAssembled(
  target: Target,
  assembled: AssembledExperiment,
  reference: string,
): Promise<boolean> {
  // The backend module loads on first use (a Local Registry target means it is loaded already).
  const { LocalRegistryTarget } = await import("../../oci/backends/local_registry.ts");
  if (target instanceof LocalRegistryTarget) {
    await target.tag(assembled.manifestDescriptor, reference, {
      bytes: assembled.manifestBytes,
      manifest: assembled.manifest,
      configBytes: assembled.configBytes,
    });
    return true;
  }
  await target.tag(assembled.manifestDescriptor, reference);
  return false;
}

/**
 * The result of a commit as the read side wants it: the manifest descriptor
 * annotated with the name.
 *
 * @param assembled The assembled Experiment.
 * @param imageName The name it was published under.
 * @returns Descriptor, manifest and config (with bytes).
 */
export function commitResult(assembled: AssembledExperiment, imageName: string): CommitResult {
  return {
    descriptor: {
      ...assembled.manifestDescriptor,
      annotations: { [ANNOTATION_REF_NAME]: imageName },
    },
    manifest: assembled.manifest,
    manifestBytes: assembled.manifestBytes,
    configBytes: assembled.configBytes,
  };
}

/**
 * Assemble and publish an Experiment whose payload blobs are already in `target`.
 *
 * @param target The store holding every layer blob; config and manifest are pushed, the name tagged.
 * @param input The logical Experiment.
 * @returns Descriptor, manifest and config (with bytes).
 * @throws {InvalidArgumentError} When run-parameter column types cannot be unified.
 */
export async function commitExperiment(target: Target, input: CommitInput): Promise<CommitResult> {
  const assembled = await assembleExperiment(input);
  await storeAssembled(target, assembled);
  await tagAssembled(target, assembled, input.imageName);
  return commitResult(assembled, input.imageName);
}
