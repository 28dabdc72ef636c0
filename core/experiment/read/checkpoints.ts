/**
 * Listing the Experiment checkpoints of an OMMX Local Registry (the
 * reference's `list_experiment_checkpoints`): the recovery points
 * `Experiment.restoreFromCheckpoint(requestedImageName)` can continue from.
 *
 * @module
 */
import { InvalidArgumentError, InvalidArtifactError } from "../../errors.ts";
import { isDigest, sha256Hex, verifyBytes } from "../../oci/digest.ts";
import { parseManifest } from "../../oci/manifest.ts";
import { canonicalizeReference } from "../../oci/reference.ts";
import { defaultLocalRegistryRoot } from "../../oci/backends/local_registry.ts";
import {
  checkpointRepository,
  type CheckpointRow,
  openRegistryIndex,
} from "../../oci/backends/_local_registry_checkpoints.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  MEDIA_TYPE_EXPERIMENT_CONFIG,
} from "../../../codecs/media_types.ts";
import { reprStr } from "../../../codecs/_py_repr.ts";
import { compareCodePoints } from "../../_code_points.ts";
import { parseExperimentConfig } from "./config.ts";

/** The checkpoint statuses (`finished` Experiments are never checkpoints). */
export type CheckpointStatus = "draft" | "failed" | "interrupted";

const CHECKPOINT_STATUSES: readonly string[] = ["draft", "failed", "interrupted"];

/** Options of {@linkcode listExperimentCheckpoints}. */
export interface ListExperimentCheckpointsOptions {
  /** Only these statuses (`draft`, `failed`, `interrupted`); empty or absent: all. */
  statuses?: readonly CheckpointStatus[];
  /** The registry root; default `OMMX_LOCAL_REGISTRY_ROOT`, else the reference's data directory. */
  root?: string;
  /** Fail on the first invalid checkpoint ref instead of skipping it. Default `false`. */
  strict?: boolean;
  /** Called for each checkpoint ref skipped as invalid (when not `strict`). */
  onWarning?: (warning: { checkpointImageName: string; message: string }) => void;
}

/** Everything an {@linkcode ExperimentCheckpointRef} holds. */
interface CheckpointFields {
  readonly checkpointImageName: string;
  readonly requestedImageName: string;
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly updatedAt: string;
  readonly status: CheckpointStatus;
  readonly runCount: number;
  readonly solveCount: number;
  readonly samplingCount: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, unknown>>;
}

let construct: (fields: CheckpointFields) => ExperimentCheckpointRef;

/**
 * A checkpoint in a Local Registry that can restore an uncommitted
 * Experiment (the reference's `ExperimentCheckpointRef`).
 */
export class ExperimentCheckpointRef {
  /** The internal Local Registry ref holding the checkpoint (`<id8>.ommx.local/checkpoint:<sha256>`). */
  readonly checkpointImageName: string;
  /** The user-facing Experiment image name the checkpoint restores: pass this to `Experiment.restoreFromCheckpoint`. */
  readonly requestedImageName: string;
  /** The checkpoint manifest digest. */
  readonly manifestDigest: string;
  /** The digest of its Experiment config. */
  readonly configDigest: string;
  /** When the checkpoint ref was last updated (RFC 3339, as stored). */
  readonly updatedAt: string;
  /** `draft`, `failed` or `interrupted`. */
  readonly status: CheckpointStatus;
  /** Closed runs available at this recovery point. */
  readonly runCount: number;
  /** Solves across those runs. */
  readonly solveCount: number;
  /** Samplings across those runs. */
  readonly samplingCount: number;
  /** The checkpoint manifest's annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The whole Experiment config document (parsed JSON). */
  readonly config: Readonly<Record<string, unknown>>;

  private constructor(fields: CheckpointFields) {
    this.checkpointImageName = fields.checkpointImageName;
    this.requestedImageName = fields.requestedImageName;
    this.manifestDigest = fields.manifestDigest;
    this.configDigest = fields.configDigest;
    this.updatedAt = fields.updatedAt;
    this.status = fields.status;
    this.runCount = fields.runCount;
    this.solveCount = fields.solveCount;
    this.samplingCount = fields.samplingCount;
    this.annotations = fields.annotations;
    this.config = fields.config;
    Object.freeze(this);
  }

  static {
    construct = (fields) => new ExperimentCheckpointRef(fields);
  }

  /**
   * The same text as the reference's `repr`.
   *
   * @returns `ExperimentCheckpointRef(requested_image_name='…', status='…', runs=N, solves=N, samplings=N)`.
   */
  toString(): string {
    return `ExperimentCheckpointRef(requested_image_name=${
      reprStr(this.requestedImageName)
    }, status=${
      reprStr(this.status)
    }, runs=${this.runCount}, solves=${this.solveCount}, samplings=${this.samplingCount})`;
  }
}

function checkStatuses(statuses: readonly string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const s of statuses ?? []) {
    if (s === "finished") {
      throw new InvalidArgumentError(
        "Experiment checkpoint status filter cannot include `finished`",
      );
    }
    if (!CHECKPOINT_STATUSES.includes(s)) {
      throw new InvalidArgumentError(
        `Unknown Experiment checkpoint status ${
          JSON.stringify(s)
        } (expected draft, failed or interrupted)`,
      );
    }
    out.add(s);
  }
  return out;
}

async function readBlob(root: string, digest: string): Promise<Uint8Array> {
  if (!isDigest(digest)) throw new InvalidArtifactError(`invalid digest ${JSON.stringify(digest)}`);
  const fs = await import("node:fs/promises");
  const buf = await fs.readFile(`${root}/blobs/sha256/${digest.slice(7)}`).catch((cause) => {
    throw new InvalidArtifactError(`blob ${digest} is missing: ${(cause as Error).message}`);
  });
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  await verifyBytes(bytes, { digest, size: bytes.length });
  return bytes;
}

async function project(
  root: string,
  repository: string,
  row: CheckpointRow,
): Promise<ExperimentCheckpointRef> {
  const checkpointImageName = `${repository}:${row.reference}`;
  const manifestBytes = row.manifestJson ?? await readBlob(root, row.manifestDigest);
  await verifyBytes(manifestBytes, { digest: row.manifestDigest, size: manifestBytes.length });
  const { manifest } = parseManifest(manifestBytes);
  if (manifest.artifactType !== ARTIFACT_TYPE_EXPERIMENT) {
    throw new InvalidArtifactError("Manifest is not an Experiment Artifact");
  }
  if (manifest.config.mediaType !== MEDIA_TYPE_EXPERIMENT_CONFIG) {
    throw new InvalidArtifactError(
      `Experiment config media type is ${manifest.config.mediaType}, expected ${MEDIA_TYPE_EXPERIMENT_CONFIG}`,
    );
  }
  const configBytes = row.configJson ?? await readBlob(root, manifest.config.digest);
  await verifyBytes(configBytes, manifest.config);
  const config = parseExperimentConfig(configBytes);
  if (config.requestedImageName === null) {
    throw new InvalidArtifactError(
      "Experiment checkpoint Config is missing `requested_image_name`",
    );
  }
  let requested: string;
  try {
    requested = canonicalizeReference(config.requestedImageName);
  } catch (cause) {
    throw new InvalidArtifactError(
      `Experiment checkpoint Config contains an invalid \`requested_image_name\`: ${
        (cause as Error).message
      }`,
    );
  }
  if (config.status === "finished") {
    throw new InvalidArtifactError("Internal Experiment checkpoint has `finished` status");
  }
  const expected = `${repository}:${await sha256Hex(new TextEncoder().encode(requested))}`;
  if (expected !== checkpointImageName) {
    throw new InvalidArtifactError(
      `Experiment checkpoint ref does not match \`requested_image_name\`: expected ${expected}, got ${checkpointImageName}`,
    );
  }
  return construct({
    checkpointImageName,
    requestedImageName: requested,
    manifestDigest: row.manifestDigest,
    configDigest: manifest.config.digest,
    updatedAt: row.updatedAt,
    status: config.status as CheckpointStatus,
    runCount: config.runs.length,
    solveCount: config.runs.reduce((n, r) => n + r.solves.length, 0),
    samplingCount: config.runs.reduce((n, r) => n + r.samplings.length, 0),
    annotations: Object.freeze({ ...manifest.annotations }),
    config: Object.freeze(JSON.parse(new TextDecoder().decode(configBytes))),
  });
}

/**
 * The Experiment checkpoints of a Local Registry, by requested image name
 * (the reference's `list_experiment_checkpoints`): `prefix` matches the
 * requested name, not the internal checkpoint ref. Reads the registry's
 * listing caches, falling back to the blobs when a cache row is missing;
 * writes nothing. A registry that never synthesised a name has no
 * checkpoints.
 *
 * @example
 * ```ts ignore
 * import { listExperimentCheckpoints } from "./checkpoints.ts";
 * for (const c of await listExperimentCheckpoints("ghcr.io/team/", { statuses: ["failed"] })) {
 *   console.log(c.requestedImageName, c.status, c.runCount);
 * }
 * ```
 *
 * @param prefix Only checkpoints whose requested image name starts with it.
 * @param options Statuses, root, strictness.
 * @returns The checkpoints, by requested name then checkpoint name.
 * @throws {InvalidArgumentError} On a status filter with `finished` or an unknown status.
 * @throws {InvalidArtifactError} With `strict`, on the first invalid checkpoint ref.
 */
export async function listExperimentCheckpoints(
  prefix?: string | null,
  options: ListExperimentCheckpointsOptions = {},
): Promise<ExperimentCheckpointRef[]> {
  const statuses = checkStatuses(options.statuses);
  const root = (options.root ?? await defaultLocalRegistryRoot()).replace(/\/+$/, "") || "/";
  const fs = await import("node:fs/promises");
  const present = await fs.stat(`${root}/index.sqlite3`).then((s) => s.isFile(), () => false);
  if (!present) return [];
  const index = await openRegistryIndex(root, false);
  let rows: CheckpointRow[];
  let repository: string;
  try {
    const id = index.registryId(false);
    if (id === null) return [];
    repository = checkpointRepository(id);
    rows = index.refsWithCaches(repository);
  } finally {
    index.close();
  }
  const out: ExperimentCheckpointRef[] = [];
  for (const row of rows) {
    let ref: ExperimentCheckpointRef;
    try {
      ref = await project(root, repository, row);
    } catch (error) {
      const message = (error as Error).message;
      const checkpointImageName = `${repository}:${row.reference}`;
      if (options.strict) {
        throw new InvalidArtifactError(`Invalid checkpoint ${checkpointImageName}: ${message}`, {
          cause: error,
        });
      }
      options.onWarning?.({ checkpointImageName, message });
      continue;
    }
    if (prefix !== undefined && prefix !== null && !ref.requestedImageName.startsWith(prefix)) {
      continue;
    }
    if (statuses.size > 0 && !statuses.has(ref.status)) continue;
    out.push(ref);
  }
  out.sort((a, b) =>
    compareCodePoints(a.requestedImageName, b.requestedImageName) ||
    compareCodePoints(a.checkpointImageName, b.checkpointImageName)
  );
  return out;
}
