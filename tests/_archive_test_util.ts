/**
 * Test helper: assemble `.ommx` archives byte by byte (including broken ones)
 * from a config document and layers, with our own tar writer.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { buildTar, type TarWriteEntry } from "../core/oci/tar/writer.ts";
import { encodeManifest, type ImageManifest } from "../core/oci/manifest.ts";
import type { Descriptor } from "../core/oci/descriptor.ts";

const te = new TextEncoder();

/** SHA-256 digest string of bytes. */
export function digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** A layer to put into a test archive. */
export interface TestLayer {
  /** Stored media type. */
  mediaType: string;
  /** Payload. */
  bytes: Uint8Array;
  /** Layer annotations (default `{}`). */
  annotations?: Record<string, string>;
}

/** Knobs for {@linkcode buildTestArchive}. */
export interface TestArchiveOptions {
  /** The config document (an object is JSON-encoded). */
  config: unknown;
  /** Layers in order. */
  layers?: TestLayer[];
  /** Manifest artifactType (default: Experiment). */
  artifactType?: string;
  /** Config media type (default: Experiment config). */
  configMediaType?: string;
  /** Ref name annotation in index.json. */
  refName?: string;
  /** Extra manifests to list in index.json (to make "two manifests"). */
  extraIndexEntries?: Descriptor[];
  /** Members to leave out, by digest. */
  omitBlobs?: string[];
  /** Replace a blob's stored bytes (digest → bytes) without changing descriptors. */
  tamper?: Record<string, Uint8Array>;
  /** Manifest annotations. */
  annotations?: Record<string, string>;
}

/** The run-parameter table with no columns (10 bytes; the read tests' own constant). */
export { EMPTY_PARAMS } from "../core/experiment/read/_read_test_util.ts";

/** Build the archive bytes; returns them with the manifest and its descriptor. */
export async function buildTestArchive(
  options: TestArchiveOptions,
): Promise<{ bytes: Uint8Array; manifest: ImageManifest; manifestDigest: string }> {
  const configBytes = options.config instanceof Uint8Array
    ? options.config
    : te.encode(JSON.stringify(options.config));
  const layers = (options.layers ?? []).map((l) => ({
    mediaType: l.mediaType,
    digest: digest(l.bytes),
    size: l.bytes.length,
    annotations: l.annotations ?? {},
  }));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    artifactType: options.artifactType ?? "application/org.ommx.v1.experiment",
    config: {
      mediaType: options.configMediaType ?? "application/org.ommx.v1.experiment.config+json",
      digest: digest(configBytes),
      size: configBytes.length,
    },
    layers,
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  const manifestBytes = encodeManifest(manifest);
  const manifestDigest = digest(manifestBytes);
  const index = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: manifestDigest,
        size: manifestBytes.length,
        annotations: {
          "org.opencontainers.image.ref.name": options.refName ?? "example.com/test/exp:v1",
        },
      },
      ...(options.extraIndexEntries ?? []),
    ],
  };
  const blobs: [string, Uint8Array][] = [
    [manifestDigest, manifestBytes],
    [manifest.config.digest, configBytes],
    ...(options.layers ?? []).map((l, i): [string, Uint8Array] => [layers[i]!.digest, l.bytes]),
  ];
  const entries: TarWriteEntry[] = [
    { name: "oci-layout", size: 30, body: te.encode('{"imageLayoutVersion":"1.0.0"}') },
  ];
  for (const [d, b] of blobs) {
    if (options.omitBlobs?.includes(d)) continue;
    const body = options.tamper?.[d] ?? b;
    entries.push({ name: `blobs/sha256/${d.slice(7)}`, size: body.length, body });
  }
  const indexBytes = te.encode(JSON.stringify(index));
  entries.push({ name: "index.json", size: indexBytes.length, body: indexBytes });
  return { bytes: await buildTar(entries), manifest, manifestDigest };
}

/** A minimal valid config referring to the run-parameter table at `paramsIndex`. */
export function minimalConfig(paramsIndex = 0): Record<string, unknown> {
  return {
    status: "finished",
    attachments: { entries: {} },
    runs: [],
    run_parameters: paramsIndex,
  };
}
