/**
 * The commit (`docs/glossary.md#commit`): layer index assignment, config
 * (struct-order JSON), run-parameter table, manifest (sorted JSON),
 * published into a {@linkcode Target} under an image name.
 *
 * @module
 */
import type { Descriptor } from "../../oci/descriptor.ts";
import { digestOf } from "../../oci/digest.ts";
import { encodeManifest, type ImageManifest } from "../../oci/manifest.ts";
import { ANNOTATION_REF_NAME, MEDIA_TYPE_IMAGE_MANIFEST } from "../../oci/media_types.ts";
import type { Target } from "../../oci/storage.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  MEDIA_TYPE_EXPERIMENT_CONFIG,
  MEDIA_TYPE_RUN_PARAMETERS,
} from "../../../codecs/media_types.ts";
import {
  buildRunParameterTable,
  encodeRunParameterTable,
} from "../../../codecs/msgpack/run_parameter_table.ts";
import {
  type AttachmentTable,
  encodeExperimentConfig,
  type ExperimentConfig,
  type ExperimentStatus,
  type ProcessRecord,
  type RunRecord,
} from "../read/config.ts";
import { sortByCodePoint } from "../../_code_points.ts";
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
  /** The config. */
  readonly config: ExperimentConfig;
  /** The config bytes. */
  readonly configBytes: Uint8Array;
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
  const layers: LayerDescriptor[] = [];
  const add = (d: LayerDescriptor): number => layers.push(d) - 1;
  const table = (entries: ReadonlyMap<string, AttachmentEntry>): AttachmentTable => {
    const e = new Map<string, number>();
    const f = new Map<string, string>();
    for (const name of sortByCodePoint(entries.keys())) {
      const entry = entries.get(name)!;
      e.set(name, add(entry.descriptor));
      if (entry.filename !== undefined) f.set(name, entry.filename);
    }
    return { entries: e, filenames: f };
  };
  const records = (list: readonly ProcessState[]): ProcessRecord[] =>
    [...list].sort((a, b) => a.id - b.id).map((p) => {
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

  const attachments = table(input.attachments);
  const runs: RunRecord[] = [];
  const sortedRuns = [...input.runs].sort((a, b) => a.runId - b.runId);
  for (const run of sortedRuns) {
    const runAttachments = table(run.attachments);
    const trace = run.trace === undefined ? undefined : add(run.trace);
    const solves = records(run.solves);
    const samplings = records(run.samplings);
    runs.push({
      runId: run.runId,
      status: run.status,
      reason: run.status === "finished" ? null : run.reason,
      attachments: runAttachments,
      ...(trace === undefined ? {} : { trace }),
      solves,
      samplings,
    });
  }
  const paramBytes = encodeRunParameterTable(
    buildRunParameterTable(sortedRuns.map((r) => ({ runId: r.runId, params: r.parameters }))),
  );
  const runParameters = add(await stageBytes(target, MEDIA_TYPE_RUN_PARAMETERS, paramBytes));

  const config: ExperimentConfig = {
    status: input.status,
    reason: input.status === "failed" || input.status === "interrupted" ? input.reason : null,
    requestedImageName: input.requestedImageName,
    attachments,
    runs,
    runParameters,
  };
  const configBytes = encodeExperimentConfig(config);
  const configDescriptor: Descriptor = {
    mediaType: MEDIA_TYPE_EXPERIMENT_CONFIG,
    digest: await digestOf(configBytes),
    size: configBytes.length,
  };
  await target.push(configDescriptor, configBytes);

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
    layers: layers.map((l) => ({
      mediaType: l.mediaType,
      digest: l.digest,
      size: l.size,
      annotations: { ...l.annotations },
    })),
  };
  if (input.subject !== undefined) {
    manifest.subject = {
      mediaType: input.subject.mediaType || MEDIA_TYPE_IMAGE_MANIFEST,
      digest: input.subject.digest,
      size: input.subject.size,
    };
  }
  if (Object.keys(input.annotations).length > 0) manifest.annotations = { ...input.annotations };
  const manifestBytes = encodeManifest(manifest);
  const bare: Descriptor = {
    mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
    digest: await digestOf(manifestBytes),
    size: manifestBytes.length,
  };
  await target.push(bare, manifestBytes);
  await target.tag(bare, input.imageName);
  return {
    descriptor: { ...bare, annotations: { [ANNOTATION_REF_NAME]: input.imageName } },
    manifest,
    manifestBytes,
    config,
    configBytes,
  };
}
