/**
 * Listing the Experiment checkpoints of an OMMX Local Registry (the
 * reference's `list_experiment_checkpoints`): the recovery points
 * `Experiment.restoreFromCheckpoint(requestedImageName)` can continue from.
 *
 * @module
 */
import { InvalidArgumentError, InvalidArtifactError, OmmxError } from "../../errors.ts";
import { sha256Hex } from "../../oci/digest.ts";
import { canonicalizeReference } from "../../oci/reference.ts";
import { localRepositoryKey } from "../../oci/backends/_local_registry_names.ts";
import { reprStr } from "../../../codecs/_py_repr.ts";
import { compareCodePoints } from "../../_code_points.ts";
import type { ExperimentRef } from "./_experiment_ref.ts";
import type { ListExperimentsOptions } from "./_catalogue_impl.ts";
import { formatRegistryListWarning } from "./_registry_list_warning.ts";

/** The checkpoint statuses (`finished` Experiments are never checkpoints). */
export type CheckpointStatus = "draft" | "failed" | "interrupted";

const CHECKPOINT_STATUSES: readonly string[] = ["draft", "failed", "interrupted"];

/**
 * Options of {@linkcode listExperimentCheckpoints} (Python
 * `list_experiment_checkpoints(prefix, *, statuses, root, strict)`); `root`,
 * `strict` and `onWarning` as for `listExperiments`.
 */
export interface ListExperimentCheckpointsOptions extends ListExperimentsOptions {
  /** Only these statuses (`draft`, `failed`, `interrupted`); empty or absent: all. */
  statuses?: readonly CheckpointStatus[];
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

/** The checkpoint view of an Experiment listed under the checkpoint repository, checked as the SDK checks it. */
async function project(repository: string, ref: ExperimentRef): Promise<ExperimentCheckpointRef> {
  const raw = ref.config.requested_image_name;
  if (typeof raw !== "string") {
    throw new InvalidArtifactError(
      "Experiment checkpoint Config is missing `requested_image_name`",
    );
  }
  let requested: string;
  try {
    requested = canonicalizeReference(raw);
  } catch (cause) {
    throw new InvalidArtifactError(
      `Experiment checkpoint Config contains an invalid \`requested_image_name\`: ${
        (cause as Error).message
      }`,
    );
  }
  if (ref.status === "finished") {
    throw new InvalidArtifactError("Internal Experiment checkpoint has `finished` status");
  }
  const expected = `${repository}:${await sha256Hex(new TextEncoder().encode(requested))}`;
  if (expected !== ref.imageName) {
    throw new InvalidArtifactError(
      `Experiment checkpoint ref does not match \`requested_image_name\`: expected ${expected}, got ${ref.imageName}`,
    );
  }
  return construct({
    checkpointImageName: ref.imageName,
    requestedImageName: requested,
    manifestDigest: ref.manifestDigest,
    configDigest: ref.configDigest,
    updatedAt: ref.updatedAt,
    status: ref.status as CheckpointStatus,
    runCount: ref.runCount,
    solveCount: ref.solveCount,
    samplingCount: ref.samplingCount,
    annotations: ref.annotations,
    config: ref.config,
  });
}

/**
 * The Experiment checkpoints of a Local Registry, by requested image name
 * (the reference's `list_experiment_checkpoints`): the refs of this
 * registry's `<id8>.ommx.local/checkpoint` repository, listed by the
 * catalogue pass of `listExperiments` (manifests and configs only, cache
 * copies re-hashed, the blobs read where a copy is missing), then checked
 * as the SDK checks them — a `requested_image_name` that parses, a status
 * other than `finished`, a checkpoint name that is the hash of the requested
 * name — an invalid one skipped with a warning (`strict`: the listing
 * fails). `prefix` matches the requested name, not the internal ref. Writes
 * nothing; a registry that never synthesised a name has no checkpoints.
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
 * @param options Statuses, root, strictness, warning sink.
 * @returns The checkpoints, by requested name then checkpoint name.
 * @throws {InvalidArgumentError} On a status filter with `finished` or an unknown status.
 * @throws {InvalidArtifactError} With `strict`, on the first invalid checkpoint ref.
 */
export async function listExperimentCheckpoints(
  prefix?: string | null,
  options: ListExperimentCheckpointsOptions = {},
): Promise<ExperimentCheckpointRef[]> {
  const statuses = checkStatuses(options.statuses);
  // The registry and the catalogue pass load on first use (`tests/import_cost_test.ts`).
  const { openExistingLocalRegistry } = await import(
    "../../oci/backends/_local_registry_maintenance_impl.ts"
  );
  const { catalogueExperiments } = await import("./_catalogue_impl.ts");
  const { registry } = await openExistingLocalRegistry(options.root, false);
  if (registry === null) return [];
  try {
    const id = await registry.registryId();
    if (id === null) return [];
    const repository = localRepositoryKey(id, "checkpoint");
    const strict = options.strict === true;
    const listing = await catalogueExperiments(registry, `${repository}:`, {
      strict,
      include: (r) => r === repository,
    });
    const warnings = [...listing.warnings];
    const out: ExperimentCheckpointRef[] = [];
    for (const ref of listing.records) {
      let checkpoint: ExperimentCheckpointRef;
      try {
        checkpoint = await project(repository, ref);
      } catch (error) {
        const warning = {
          imageName: ref.imageName,
          manifestDigest: ref.manifestDigest,
          stage: "checkpoint projection" as const,
          message: (error as Error).message,
          code: error instanceof OmmxError ? error.code : "INVALID_ARTIFACT",
        };
        if (strict) throw new InvalidArtifactError(formatRegistryListWarning(warning));
        warnings.push(warning);
        continue;
      }
      if (
        prefix !== undefined && prefix !== null && !checkpoint.requestedImageName.startsWith(prefix)
      ) {
        continue;
      }
      if (statuses.size > 0 && !statuses.has(checkpoint.status)) continue;
      out.push(checkpoint);
    }
    const sink = options.onWarning ?? ((w) => console.warn(formatRegistryListWarning(w)));
    for (const w of warnings) sink(w);
    out.sort((a, b) =>
      compareCodePoints(a.requestedImageName, b.requestedImageName) ||
      compareCodePoints(a.checkpointImageName, b.checkpointImageName)
    );
    return out;
  } finally {
    await registry.close();
  }
}
