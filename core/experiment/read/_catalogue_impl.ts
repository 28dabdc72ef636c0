/**
 * The catalogue pass behind `catalogue.ts` ({@linkcode listExperiments},
 * {@linkcode listArtifacts}) and the checkpoint listing: the records of the
 * Local Registry's names, read from manifests and Experiment configs only
 * (the SDK's `index.sqlite3` copies re-hashed against their digests, or the
 * blobs when a copy is missing or damaged). Loaded on the first listing.
 *
 * @module
 */
import { InvalidArtifactError, OmmxError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { digestOf, isDigest } from "../../oci/digest.ts";
import { type ImageManifest, parseManifest } from "../../oci/manifest.ts";
import { MEDIA_TYPE_IMAGE_MANIFEST } from "../../oci/media_types.ts";
import { formatReference, parseReference } from "../../oci/reference.ts";
import type {
  LocalRegistryCatalogueRow,
  LocalRegistryTarget,
} from "../../oci/backends/local_registry.ts";
import { openExistingLocalRegistry } from "../../oci/backends/_local_registry_maintenance_impl.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  ARTIFACT_TYPE_GENERIC,
  MEDIA_TYPE_EXPERIMENT_CONFIG,
} from "../../../codecs/media_types.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import { type ExperimentRef, experimentRefFrom } from "./_experiment_ref.ts";
import {
  formatRegistryListWarning,
  type RegistryListWarning,
  type RegistryListWarningStage,
} from "./_registry_list_warning.ts";
import { loadSealedExperiment } from "./sealed_experiment.ts";

/** One OMMX artifact (any kind, Experiments included) in the Local Registry (Python `ArtifactRef`). */
export interface ArtifactRef {
  /** The image name (canonical display form). */
  readonly imageName: string;
  /** The manifest digest. */
  readonly manifestDigest: string;
  /** When the name was last written (RFC 3339, as stored). */
  readonly updatedAt: string;
  /** The manifest's `artifactType` (`application/org.ommx.v1.artifact` or `…experiment`). */
  readonly artifactType: string;
  /** The config blob's digest. */
  readonly configDigest: string;
  /** Manifest annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The parsed manifest. */
  readonly manifest: ImageManifest;
}

/** Options of {@linkcode listExperiments} (Python `list_experiments(prefix, *, root, strict)`). */
export interface ListExperimentsOptions {
  /** Registry root; default: `OMMX_LOCAL_REGISTRY_ROOT`, else the SDK's data directory. */
  root?: string;
  /** Throw on the first ref that cannot be listed instead of skipping it. Default `false`. */
  strict?: boolean;
  /**
   * Receives each warning (a skipped ref, or one read from its blobs because
   * its cache row was missing or damaged). Default: `console.warn`, as the
   * SDK's `RuntimeWarning`.
   */
  onWarning?: (warning: RegistryListWarning) => void;
}

/** Options of {@linkcode listArtifacts} (Python `list_artifacts(prefix, *, root, include_internal, strict)`). */
export interface ListArtifactsOptions extends ListExperimentsOptions {
  /** Include the registry's internal refs (Experiment checkpoints). Default `false`. */
  includeInternal?: boolean;
}

/** The error code of anything thrown (`INVALID_ARTIFACT` for one without). */
function codeOf(e: unknown): string {
  return e instanceof OmmxError ? e.code : "INVALID_ARTIFACT";
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function rawText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return `<BLOB: ${value.length} bytes>`;
  return value === null || value === undefined ? "<NULL>" : String(value);
}

/** A catalogue row's identity: its stored name and digest, and the parsed name when sound. */
interface Identity {
  readonly rawImageName: string;
  readonly rawDigest: string;
  readonly imageName?: string;
  readonly error?: string;
}

function identityOf(row: LocalRegistryCatalogueRow): Identity {
  const name = rawText(row.name);
  const reference = rawText(row.reference);
  const rawImageName = `${name}${reference.includes(":") ? "@" : ":"}${reference}`;
  const rawDigest = rawText(row.manifestDigest);
  const typeErrors: string[] = [];
  for (
    const [field, value] of [
      ["ref name", row.name],
      ["ref reference", row.reference],
      ["manifest digest", row.manifestDigest],
    ] as const
  ) {
    if (typeof value !== "string") {
      typeErrors.push(`Local Registry ${field} must be TEXT, got ${rawText(value)}`);
    }
  }
  if (typeErrors.length > 0) return { rawImageName, rawDigest, error: typeErrors.join("; ") };
  let imageName: string;
  try {
    imageName = formatReference(parseReference(rawImageName));
  } catch (e) {
    return { rawImageName, rawDigest, error: `Invalid Local Registry image ref: ${messageOf(e)}` };
  }
  if (!isDigest(rawDigest)) {
    return {
      rawImageName,
      rawDigest,
      error: `Invalid Local Registry manifest digest: ${JSON.stringify(rawDigest)}`,
    };
  }
  return { rawImageName, rawDigest, imageName };
}

/** An artifact record and the config digest/manifest it rests on. */
interface ArtifactRecord {
  readonly ref: ArtifactRef;
  readonly manifestBytes: Uint8Array;
}

function isOmmxArtifactType(t: unknown): t is string {
  return t === ARTIFACT_TYPE_GENERIC || t === ARTIFACT_TYPE_EXPERIMENT;
}

function artifactRef(
  imageName: string,
  digest: string,
  updatedAt: unknown,
  manifest: ImageManifest,
): ArtifactRef {
  if (typeof updatedAt !== "string") {
    throw new InvalidArtifactError(`Local Registry ref updated_at must be TEXT`);
  }
  if (!isOmmxArtifactType(manifest.artifactType)) {
    throw new InvalidArtifactError(
      `Manifest \`artifactType\` must be one of \`${ARTIFACT_TYPE_GENERIC}\` or \`${ARTIFACT_TYPE_EXPERIMENT}\`, got \`${
        manifest.artifactType ?? "(none)"
      }\``,
    );
  }
  return {
    imageName,
    manifestDigest: digest,
    updatedAt,
    artifactType: manifest.artifactType,
    configDigest: manifest.config.digest,
    annotations: manifest.annotations ?? {},
    manifest,
  };
}

/** Validate a cached `artifact_manifests` row as the SDK does before trusting it. */
async function artifactFromCache(
  row: LocalRegistryCatalogueRow,
  imageName: string,
  digest: string,
): Promise<ArtifactRecord> {
  const bytes = row.manifestJson;
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArtifactError("Cached Manifest JSON is not a BLOB");
  }
  if (await digestOf(bytes) !== digest) {
    throw new InvalidArtifactError(`Cached Manifest JSON does not match ${digest}`);
  }
  if (!isOmmxArtifactType(row.artifactType)) {
    throw new InvalidArtifactError(
      `Unexpected cached OMMX artifact type: ${rawText(row.artifactType)}`,
    );
  }
  const { manifest } = parseManifest(bytes);
  if (manifest.artifactType !== row.artifactType) {
    throw new InvalidArtifactError("Cached Manifest artifactType does not match its projection");
  }
  if (manifest.config.digest !== row.configDigest) {
    throw new InvalidArtifactError(
      `Cached Manifest config digest does not match ${rawText(row.configDigest)}`,
    );
  }
  return { ref: artifactRef(imageName, digest, row.updatedAt, manifest), manifestBytes: bytes };
}

/** Read an artifact record from the blob store (the SDK's back-fill and repair source). */
async function artifactFromStore(
  registry: LocalRegistryTarget,
  row: LocalRegistryCatalogueRow,
  imageName: string,
  digest: string,
): Promise<ArtifactRecord> {
  const bytes = await registry.fetchManifestBytes(digest);
  const { manifest } = parseManifest(bytes);
  return { ref: artifactRef(imageName, digest, row.updatedAt, manifest), manifestBytes: bytes };
}

/** Collects warnings (deduplicated) or throws on the first one in strict mode. */
class Warnings {
  readonly list: RegistryListWarning[] = [];
  constructor(readonly strict: boolean) {}
  add(
    imageName: string,
    manifestDigest: string,
    stage: RegistryListWarningStage,
    message: string,
    code = "INVALID_ARTIFACT",
  ) {
    const w: RegistryListWarning = { imageName, manifestDigest, stage, message, code };
    if (this.strict) throw new InvalidArtifactError(formatRegistryListWarning(w));
    if (
      !this.list.some((x) =>
        x.imageName === w.imageName && x.manifestDigest === w.manifestDigest &&
        x.stage === w.stage && x.message === w.message
      )
    ) this.list.push(w);
  }
  /** Record a warning that is never fatal (a cache row read around). */
  note(
    imageName: string,
    manifestDigest: string,
    stage: RegistryListWarningStage,
    message: string,
    code = "INVALID_ARTIFACT",
  ) {
    this.list.push({ imageName, manifestDigest, stage, message, code });
  }
}

/** What a catalogue pass over one registry produced. */
export interface CatalogueListing<T> {
  /** The records, in `(name, reference)` order. */
  readonly records: T[];
  /** The refs skipped or read around. */
  readonly warnings: RegistryListWarning[];
}

/** A valid artifact record with the row it came from. */
interface ListedArtifact {
  readonly row: LocalRegistryCatalogueRow;
  readonly record: ArtifactRecord;
}

async function artifactPass(
  registry: LocalRegistryTarget,
  rows: readonly LocalRegistryCatalogueRow[],
  warnings: Warnings,
): Promise<ListedArtifact[]> {
  const listed = new Map<LocalRegistryCatalogueRow, ArtifactRecord>();
  // Back-fill first (refs without a cache row), then the cached rows, as the SDK orders its passes.
  for (const row of rows.filter((r) => !r.cached)) {
    const id = identityOf(row);
    if (id.imageName === undefined) {
      warnings.add(id.rawImageName, id.rawDigest, "manifest backfill", id.error!);
      continue;
    }
    try {
      listed.set(row, await artifactFromStore(registry, row, id.imageName, id.rawDigest));
    } catch (e) {
      warnings.add(id.rawImageName, id.rawDigest, "manifest backfill", messageOf(e), codeOf(e));
    }
  }
  const invalid: [LocalRegistryCatalogueRow, Identity, string][] = [];
  for (const row of rows.filter((r) => r.cached)) {
    const id = identityOf(row);
    if (id.imageName === undefined) {
      warnings.add(id.rawImageName, id.rawDigest, "manifest cache repair", id.error!);
      continue;
    }
    try {
      listed.set(row, await artifactFromCache(row, id.imageName, id.rawDigest));
    } catch (e) {
      invalid.push([row, id, messageOf(e)]);
    }
  }
  if (warnings.strict && invalid.length > 0) {
    const [, id, message] = invalid[0]!;
    warnings.add(id.rawImageName, id.rawDigest, "manifest cache repair", message);
  }
  for (const [row, id, message] of invalid) {
    try {
      listed.set(row, await artifactFromStore(registry, row, id.imageName!, id.rawDigest));
      warnings.note(
        id.rawImageName,
        id.rawDigest,
        "manifest cache repair",
        `Invalid cached Manifest, read from the blob store instead: ${message}`,
      );
    } catch (e) {
      warnings.note(
        id.rawImageName,
        id.rawDigest,
        "manifest cache repair",
        `Invalid cached Manifest: ${message}; blob store read failed: ${messageOf(e)}`,
        codeOf(e),
      );
    }
  }
  return rows.flatMap((row) => {
    const record = listed.get(row);
    return record === undefined ? [] : [{ row, record }];
  });
}

async function experimentRef(
  artifact: ArtifactRef,
  configBytes: Uint8Array,
): Promise<ExperimentRef> {
  if (artifact.manifest.config.mediaType !== MEDIA_TYPE_EXPERIMENT_CONFIG) {
    throw new InvalidArtifactError(
      `Cached Experiment config media type is ${artifact.manifest.config.mediaType}`,
    );
  }
  if (await digestOf(configBytes) !== artifact.configDigest) {
    throw new InvalidArtifactError(
      `Cached Experiment Config JSON does not match ${artifact.configDigest}`,
    );
  }
  return experimentRefFrom(artifact, configBytes);
}

/** The SDK's full Experiment check (its back-fill source): open the Experiment from the store. */
async function experimentFromStore(
  registry: LocalRegistryTarget,
  record: ArtifactRecord,
): Promise<ExperimentRef> {
  const { manifest } = record.ref;
  if (manifest.config.mediaType !== MEDIA_TYPE_EXPERIMENT_CONFIG) {
    throw new InvalidArtifactError(
      `Experiment config media type is ${manifest.config.mediaType}, expected ${MEDIA_TYPE_EXPERIMENT_CONFIG}`,
    );
  }
  const descriptor: Descriptor = {
    mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
    digest: record.ref.manifestDigest,
    size: record.manifestBytes.length,
  };
  // Validates the config and the presence of every layer, as the SDK's check does.
  await loadSealedExperiment(registry, descriptor, manifest, {
    codecs: defaultCodecs,
    allowDraft: true,
  });
  return await experimentRef(record.ref, await registry.fetch(manifest.config));
}

async function checkpointRepository(registry: LocalRegistryTarget): Promise<string | undefined> {
  const id = await registry.registryId();
  return id === null || !/^[0-9a-f]{8}/.test(id)
    ? undefined
    : `${id.slice(0, 8)}.ommx.local/checkpoint`;
}

/** Options of {@linkcode catalogueArtifacts} and {@linkcode catalogueExperiments}. */
export interface CatalogueOptions {
  /** Throw on the first ref that cannot be listed. */
  strict?: boolean;
  /** Which repository keys to look at (default: all). */
  include?: (repository: string) => boolean;
}

/** The rows under `prefix` the filter keeps, through the artifact pass. */
async function artifactListing(
  registry: LocalRegistryTarget,
  prefix: string | undefined,
  options: CatalogueOptions,
): Promise<{ listed: ListedArtifact[]; warnings: Warnings }> {
  const warnings = new Warnings(options.strict === true);
  const include = options.include ?? (() => true);
  const rows = (await registry.catalogueRows(prefix)).filter((r) => include(rawText(r.name)));
  return { listed: await artifactPass(registry, rows, warnings), warnings };
}

/**
 * List the artifacts of an open registry: the catalogue pass behind
 * {@linkcode listArtifacts}, with the repository filter explicit (the
 * checkpoint listing passes its own).
 *
 * @param registry The open registry.
 * @param prefix Image-name prefix.
 * @param options `strict`, and `include` (repository key → listed?).
 * @returns Records and warnings.
 */
export async function catalogueArtifacts(
  registry: LocalRegistryTarget,
  prefix: string | undefined,
  options: CatalogueOptions,
): Promise<CatalogueListing<ArtifactRef>> {
  const { listed, warnings } = await artifactListing(registry, prefix, options);
  return { records: listed.map((l) => l.record.ref), warnings: warnings.list };
}

/**
 * List the Experiments of an open registry: the catalogue pass behind
 * {@linkcode listExperiments}, with the repository filter explicit (the
 * checkpoint listing passes the checkpoint repository). The artifact pass
 * runs first, as in the SDK: its warnings come first, and fail a strict
 * listing even for refs that are not Experiments.
 *
 * @param registry The open registry.
 * @param prefix Image-name prefix.
 * @param options `strict`, and `include` (repository key → listed?).
 * @returns Records and warnings.
 */
export async function catalogueExperiments(
  registry: LocalRegistryTarget,
  prefix: string | undefined,
  options: CatalogueOptions,
): Promise<CatalogueListing<ExperimentRef>> {
  const all = await artifactListing(registry, prefix, options);
  const warnings = all.warnings;
  const listed = all.listed.filter((l) => l.record.ref.artifactType === ARTIFACT_TYPE_EXPERIMENT);
  const out = new Map<LocalRegistryCatalogueRow, ExperimentRef>();
  for (const { row, record } of listed.filter((l) => !(l.row.configJson instanceof Uint8Array))) {
    try {
      out.set(row, await experimentFromStore(registry, record));
    } catch (e) {
      warnings.add(
        record.ref.imageName,
        record.ref.manifestDigest,
        "experiment config backfill",
        messageOf(e),
        codeOf(e),
      );
    }
  }
  const invalid: [LocalRegistryCatalogueRow, ArtifactRecord, string][] = [];
  for (const { row, record } of listed.filter((l) => l.row.configJson instanceof Uint8Array)) {
    try {
      out.set(row, await experimentRef(record.ref, row.configJson as Uint8Array));
    } catch (e) {
      invalid.push([row, record, messageOf(e)]);
    }
  }
  if (warnings.strict && invalid.length > 0) {
    const [, record, message] = invalid[0]!;
    warnings.add(
      record.ref.imageName,
      record.ref.manifestDigest,
      "experiment config cache repair",
      message,
    );
  }
  for (const [row, record, message] of invalid) {
    try {
      out.set(row, await experimentFromStore(registry, record));
      warnings.note(
        record.ref.imageName,
        record.ref.manifestDigest,
        "experiment config cache repair",
        `Invalid cached Experiment projection, read from the blob store instead: ${message}`,
      );
    } catch (e) {
      warnings.note(
        record.ref.imageName,
        record.ref.manifestDigest,
        "experiment config cache repair",
        `Invalid cached Experiment projection: ${message}; blob store read failed: ${messageOf(e)}`,
        codeOf(e),
      );
    }
  }
  return {
    records: listed.flatMap(({ row }) => {
      const ref = out.get(row);
      return ref === undefined ? [] : [ref];
    }),
    warnings: warnings.list,
  };
}

/** Open the registry read-only, run a catalogue pass (internal refs hidden or not), report its warnings. */
async function listRegistry<T>(
  options: ListExperimentsOptions,
  hideInternal: boolean,
  pass: (registry: LocalRegistryTarget, options: CatalogueOptions) => Promise<CatalogueListing<T>>,
): Promise<T[]> {
  const { registry } = await openExistingLocalRegistry(options.root, false);
  if (registry === null) return [];
  try {
    const checkpoints = hideInternal ? await checkpointRepository(registry) : undefined;
    const listing = await pass(registry, {
      strict: options.strict === true,
      include: (repository) => repository !== checkpoints,
    });
    const sink = options.onWarning ??
      ((w: RegistryListWarning) => console.warn(formatRegistryListWarning(w)));
    for (const w of listing.warnings) sink(w);
    return listing.records;
  } finally {
    await registry.close();
  }
}

/**
 * The body of `catalogue.ts`'s `listExperiments` (documented there).
 *
 * @param prefix Image-name prefix (none: all).
 * @param options Root, `strict`, warning sink.
 * @returns The Experiments.
 */
export async function listExperiments(
  prefix?: string,
  options: ListExperimentsOptions = {},
): Promise<ExperimentRef[]> {
  return await listRegistry(options, true, (r, o) => catalogueExperiments(r, prefix, o));
}

/**
 * The body of `catalogue.ts`'s `listArtifacts` (documented there).
 *
 * @param prefix Image-name prefix (none: all).
 * @param options Root, `includeInternal`, `strict`, warning sink.
 * @returns The artifacts.
 */
export async function listArtifacts(
  prefix?: string,
  options: ListArtifactsOptions = {},
): Promise<ArtifactRef[]> {
  return await listRegistry(
    options,
    options.includeInternal !== true,
    (r, o) => catalogueArtifacts(r, prefix, o),
  );
}
