/**
 * Test helper of the read room: artifacts assembled blob by blob in a
 * `MemoryTarget` (including broken ones), so the loaders can be tested
 * without archives.
 *
 * @module
 */
import type { Descriptor } from "../../oci/descriptor.ts";
import { digestOf } from "../../oci/digest.ts";
import { encodeManifest, type ImageManifest } from "../../oci/manifest.ts";
import { MEDIA_TYPE_IMAGE_MANIFEST } from "../../oci/media_types.ts";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  MEDIA_TYPE_EXPERIMENT_CONFIG,
  MEDIA_TYPE_RUN_PARAMETERS,
} from "../../../codecs/media_types.ts";
import { Function } from "../../../codecs/ommx/function.ts";
import { Instance } from "../../../codecs/ommx/instance.ts";

const te = new TextEncoder();

/** A one-variable Instance (maximise 2·x1, x1 binary) for Solves in read tests. */
export const TINY_INSTANCE: Instance = new Instance({
  sense: "maximize",
  objective: Function.linear([[1, 2]]),
  decisionVariables: [{
    id: 1,
    kind: "binary",
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  }],
});

/** The run-parameter table with no columns. */
export const EMPTY_PARAMS: Uint8Array = new Uint8Array([
  0x81,
  0xa7,
  0x63,
  0x6f,
  0x6c,
  0x75,
  0x6d,
  0x6e,
  0x73,
  0x80,
]);

/** A layer of a test artifact. */
export interface TestLayer {
  /** Stored media type. */
  mediaType: string;
  /** Payload. */
  bytes: Uint8Array;
  /** Layer annotations. */
  annotations?: Record<string, string>;
}

/** A test artifact in memory. */
export interface MemoryArtifact {
  /** Where the blobs are. */
  target: MemoryTarget;
  /** The manifest descriptor (tagged `test:v1`). */
  descriptor: Descriptor;
  /** The manifest. */
  manifest: ImageManifest;
}

/**
 * Push a config and layers into a fresh `MemoryTarget` with a manifest over them.
 *
 * @param options The config (an object is JSON-encoded), layers, and what to break.
 * @returns The target, manifest descriptor and manifest.
 */
export async function memoryArtifact(options: {
  config: unknown;
  layers?: TestLayer[];
  artifactType?: string;
  configMediaType?: string;
  /** Indices of layers whose blobs are left out. */
  omit?: number[];
}): Promise<MemoryArtifact> {
  const target = new MemoryTarget();
  const configBytes = options.config instanceof Uint8Array
    ? options.config
    : te.encode(JSON.stringify(options.config));
  const config: Descriptor = {
    mediaType: options.configMediaType ?? MEDIA_TYPE_EXPERIMENT_CONFIG,
    digest: await digestOf(configBytes),
    size: configBytes.length,
  };
  await target.push(config, configBytes);
  const layers: Descriptor[] = [];
  for (const [i, l] of (options.layers ?? []).entries()) {
    const d = {
      mediaType: l.mediaType,
      digest: await digestOf(l.bytes),
      size: l.bytes.length,
      annotations: l.annotations ?? {},
    };
    layers.push(d);
    if (!options.omit?.includes(i)) await target.push(d, l.bytes);
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    artifactType: options.artifactType ?? ARTIFACT_TYPE_EXPERIMENT,
    config,
    layers,
  };
  const bytes = encodeManifest(manifest);
  const descriptor = {
    mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
    digest: await digestOf(bytes),
    size: bytes.length,
  };
  await target.push(descriptor, bytes);
  await target.tag(descriptor, "test:v1");
  return { target, descriptor, manifest };
}

/**
 * A minimal valid Experiment config with the run-parameter table at layer
 * `runParameters`, merged with `overrides`.
 *
 * @param overrides Keys to replace.
 * @param runParameters The table's layer index.
 * @returns The config document.
 */
export function experimentConfig(
  overrides: Record<string, unknown> = {},
  runParameters = 0,
): Record<string, unknown> {
  return {
    status: "finished",
    attachments: { entries: {} },
    runs: [],
    run_parameters: runParameters,
    ...overrides,
  };
}

/** The run-parameter layer of a test Experiment. */
export const PARAMS_LAYER: TestLayer = {
  mediaType: MEDIA_TYPE_RUN_PARAMETERS,
  bytes: EMPTY_PARAMS,
};
