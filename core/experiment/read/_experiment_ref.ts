/**
 * The one place an {@linkcode ExperimentRef} is built from a manifest's
 * facts and the Experiment config bytes, for the Local Registry catalogue
 * (`catalogue.ts`) and the remote listing (`remote_catalogue.ts`).
 *
 * @module
 */
import { type ExperimentStatus, parseExperimentConfig } from "./config.ts";

/** One Experiment in the Local Registry (Python `ExperimentRef`). */
export interface ExperimentRef {
  /** The image name (canonical display form). */
  readonly imageName: string;
  /** The manifest digest: the Experiment's immutable identity. */
  readonly manifestDigest: string;
  /** The digest of its config document. */
  readonly configDigest: string;
  /** When the name was last written (RFC 3339, as stored). */
  readonly updatedAt: string;
  /** The Experiment status (`finished`, `failed`, `interrupted`; `draft` only for checkpoints). */
  readonly status: ExperimentStatus;
  /** Number of Runs recorded (closed Runs). */
  readonly runCount: number;
  /** Solves across all Runs. */
  readonly solveCount: number;
  /** Samplings across all Runs. */
  readonly samplingCount: number;
  /** Manifest annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The complete config document, as parsed JSON (snake_case keys, as stored). */
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * Build the record: the counts and status from the parsed config, the whole
 * config as JSON (snake_case keys, as stored).
 *
 * @param fields Name, digests, time and annotations.
 * @param configBytes The config document (already digest-checked by the caller).
 * @returns The record.
 * @throws {InvalidArtifactError} When the config is not a valid Experiment config.
 */
export function experimentRefFrom(
  fields: Pick<
    ExperimentRef,
    "imageName" | "manifestDigest" | "configDigest" | "updatedAt" | "annotations"
  >,
  configBytes: Uint8Array,
): ExperimentRef {
  const typed = parseExperimentConfig(configBytes);
  const config = JSON.parse(new TextDecoder().decode(configBytes)) as Record<string, unknown>;
  let solveCount = 0;
  let samplingCount = 0;
  for (const run of typed.runs) {
    solveCount += run.solves.length;
    samplingCount += run.samplings.length;
  }
  return {
    imageName: fields.imageName,
    manifestDigest: fields.manifestDigest,
    configDigest: fields.configDigest,
    updatedAt: fields.updatedAt,
    status: typed.status,
    runCount: typed.runs.length,
    solveCount,
    samplingCount,
    annotations: fields.annotations,
    config,
  };
}
