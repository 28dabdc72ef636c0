/**
 * The one place an {@linkcode ExperimentRef} is built from a manifest's
 * facts and the Experiment config bytes, for the Local Registry catalogue
 * (`catalogue.ts`) and the remote listing (`remote_catalogue.ts`).
 *
 * @module
 */
import { parseExperimentConfig } from "./config.ts";
import type { ExperimentRef } from "./catalogue.ts";

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
