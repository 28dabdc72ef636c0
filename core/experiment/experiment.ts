/**
 * `Experiment`: the Python SDK's one Experiment object. Unsealed while it
 * records (attachments, Runs, checkpoints), then — after `commit()`, or when
 * loaded, imported or opened — a read-only view of the committed artifact
 * that can be saved, pushed, forked and renamed.
 *
 * In the Local Registry (`Experiment.create`, `load`, `importArchive`,
 * `restoreFromCheckpoint`, `withTempLocalRegistry`) it works on the same
 * store as the Python SDK, so either SDK reads what the other wrote.
 * `createExperiment` records in memory instead (no storage: browsers,
 * tests); `openExperiment` reads an archive, layout directory, registry
 * image or bytes in place. One implementation serves all of them.
 *
 * @module
 */
import { InvalidArgumentError, InvalidStateError } from "../errors.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import type { ImageManifest } from "../oci/manifest.ts";
import type { ReadOnlyTarget } from "../oci/storage.ts";
import type { AttachmentCodec } from "../../codecs/codec.ts";
import type { CodecRegistry } from "../../codecs/registry.ts";
import type { Instance, ParametricInstance, SampleSet, Solution } from "../../codecs/ommx/mod.ts";
import { defaultCodecs } from "../../codecs/default_codecs.ts";
import { reprStr } from "../../codecs/_py_repr.ts";
import { type Artifact, artifactOfSealedExperiment } from "./read/artifact.ts";
import type { AttachmentInfo } from "./read/attachment_info.ts";
import type { ExperimentConfig, ExperimentStatus } from "./read/config.ts";
import {
  type ArtifactSource,
  type LocalRegistrySource,
  type OpenExperimentOptions,
  openSealedExperiment,
  type RegistrySource,
} from "./read/open.ts";
import { runParametersDataFrame, type RunParametersTable } from "./read/run_parameters.ts";
import type { Table } from "../../codecs/ommx/table.ts";
import {
  loadSealedExperiment,
  type SealedExperiment,
  type VerifyProgress,
} from "./read/sealed_experiment.ts";
import type { SealedRun } from "./read/sealed_run.ts";
import {
  createExperimentBuilder,
  type CreateExperimentOptions,
  type ExperimentBuilder,
  type ExperimentBuilderOptions,
  forkExperimentBuilder,
  type ForkExperimentOptions,
  restoreExperimentBuilder,
} from "./write/experiment_builder.ts";
import type {
  LocalRegistrySession,
  OpenLocalRegistrySessionOptions,
} from "./write/local_registry_session.ts";
import type { AutosavePolicy } from "./write/autosave_policy.ts";
import type {
  LogAttachmentOptions,
  LogFileOptions,
  LogOptions,
} from "./write/attachment_writer.ts";
import type { InstanceLike, ResultLike } from "./write/payload_like.ts";
import type { Run } from "./write/run.ts";
import { saveExperiment, type SaveOptions } from "./write/save.ts";
import { pushExperiment, type PushExperimentOptions } from "./write/push.ts";
import { importArchive } from "./write/artifact_io.ts";
import type { Target } from "../oci/storage.ts";
import { ANNOTATION_REF_NAME as REF_NAME } from "../oci/media_types.ts";
import { canonicalizeReference } from "../oci/reference.ts";

/** Options of the Local Registry entry points ({@linkcode Experiment.create}, `load`, `importArchive`, `restoreFromCheckpoint`). */
export interface LocalRegistryOptions {
  /** The registry root; default `OMMX_LOCAL_REGISTRY_ROOT`, else the reference's data directory (the reference's `get_local_registry_root()`). */
  root?: string;
  /** Codecs for typed reads; default every built-in codec. */
  codecs?: CodecRegistry;
}

/** Options of {@linkcode Experiment.create} and {@linkcode Experiment.withTempLocalRegistry}. */
export interface CreateInLocalRegistryOptions extends LocalRegistryOptions {
  /** Store a trace for every Run (the reference's `store_trace=True`). Default `false`. */
  storeTrace?: boolean;
}

/** Options of {@linkcode Experiment.fork}. */
export interface ForkOptions {
  /** Store a trace for every Run of the child. Default `false`. */
  storeTrace?: boolean;
}

/** Where {@linkcode Experiment.push} publishes, besides the Experiment's own image name. */
export type PushDestination = RegistrySource | LocalRegistrySource | Target;

/** The lifecycle state shown by `toString()`, as the reference's `repr`. */
export type ExperimentState = "unsealed" | "sealed" | "failed";

interface State {
  builder?: ExperimentBuilder | undefined;
  sealed?: SealedExperiment | undefined;
  artifact?: Artifact | undefined;
  /** The Local Registry this Experiment lives in (held until `close()`). */
  session?: LocalRegistrySession | undefined;
  /** Close the sealed view's storage on `close()` (opened in place). */
  ownsStorage: boolean;
  /** Sealed by this object's own `fail` / `interrupt` (the reference's `failed` state). */
  checkpointed?: boolean;
  imageName: string | null;
  codecs: CodecRegistry;
  storeTrace: boolean;
}

let construct: (state: State) => Experiment;
let wrapSealed: (
  sealed: SealedExperiment,
  codecs: CodecRegistry,
  ownsStorage: boolean,
) => Experiment;
let sealedOf: (exp: Experiment) => SealedExperiment | undefined;

function codecsOf(options: { codecs?: CodecRegistry }): CodecRegistry {
  return options.codecs ?? defaultCodecs;
}

/**
 * An OMMX Experiment: attachments and Runs recorded as one artifact (the
 * reference's `ommx.experiment.Experiment`).
 *
 * - New and unsealed: {@linkcode Experiment.create} (Local Registry, as
 *   Python's `Experiment(...)`), `createExperiment` (in memory),
 *   {@linkcode Experiment.withTempLocalRegistry}, {@linkcode Experiment.fork},
 *   {@linkcode Experiment.restoreFromCheckpoint}. Record with
 *   {@linkcode Experiment.run} and the `log*` methods; end with
 *   {@linkcode Experiment.commit} (or `fail` / `interrupt`, which publish a
 *   checkpoint instead).
 * - Sealed: after `commit()`, or from {@linkcode Experiment.load},
 *   {@linkcode Experiment.importArchive}, {@linkcode Experiment.fromArtifact},
 *   `openExperiment`. Read `runs`, attachments, `runParameters()`; `save`,
 *   `push`, `fork`, `rename`.
 *
 * `await using` commits on normal exit, as Python's `with` does. A
 * TypeScript disposer cannot see an exception in flight, so a scope left by
 * an error would be committed too: record failures with
 * {@linkcode Experiment.record} / {@linkcode Experiment.withRun} (which
 * publish the failed checkpoint and re-throw), or call `fail(error)` in a
 * `catch`. Disposal (and `close()`) also releases the Local Registry (and
 * removes a temporary one).
 *
 * @example Record in memory, commit, read the committed view
 * ```ts
 * import { createExperiment } from "./experiment.ts";
 * import assert from "node:assert/strict";
 *
 * const exp = createExperiment({ imageName: "example.com/demo/exp:v1" });
 * await exp.logJson("dataset", { name: "demo" });
 * await exp.withRun((run) => run.logParameter("capacity", 10));
 * assert.equal(exp.status, null);
 * await exp.commit();
 * assert.equal(exp.status, "finished");
 * assert.equal(exp.runs.length, 1);
 * assert.deepEqual(await exp.getJson("dataset"), { name: "demo" });
 * assert.equal(String(exp), "Experiment(image_name='example.com/demo/exp:v1', state='sealed', open_runs=0)");
 * ```
 *
 * @example In a temporary Local Registry, with a checkpoint after every Run
 * ```ts
 * import { Experiment } from "./experiment.ts";
 * import { listExperimentCheckpoints } from "./read/checkpoints.ts";
 * import assert from "node:assert/strict";
 *
 * await using exp = await Experiment.withTempLocalRegistry("example.com/demo/tmp:v1");
 * await exp.withRun((run) => run.logParameter("seed", 1));
 * const [checkpoint] = await listExperimentCheckpoints(null, { root: exp.localRegistryRoot! });
 * assert.equal(checkpoint?.status, "draft");
 * assert.equal(checkpoint?.runCount, 1);
 * ```
 */
export class Experiment implements AsyncDisposable {
  readonly #state: State;
  #closed = false;

  private constructor(state: State) {
    this.#state = state;
  }

  static {
    construct = (state) => new Experiment(state);
    wrapSealed = (sealed, codecs, ownsStorage) =>
      Experiment.#fromSealed(sealed, { ownsStorage, codecs });
    sealedOf = (exp) => exp.#state.sealed;
  }

  // ---- creating and opening ------------------------------------------------

  /**
   * Start a new unsealed Experiment in the Local Registry (the reference's
   * `Experiment(image_name=None, *, store_trace=False)`): payloads are stored
   * there as they are logged, a `draft` checkpoint is published after every
   * Run closes (see {@linkcode Experiment.setAutosavePolicy}), and `commit()`
   * publishes the image name there. TypeScript constructors cannot do I/O,
   * so this is an async static instead of `new Experiment()`.
   *
   * @param imageName An OCI image reference (`example.com/team/exp:tag`); default an anonymous local name.
   * @param options Registry root, trace storage, codecs.
   * @returns The unsealed Experiment.
   * @throws {InvalidReferenceError} On an invalid image name.
   */
  static async create(
    imageName?: string | null,
    options: CreateInLocalRegistryOptions = {},
  ): Promise<Experiment> {
    const session = await openSession(options.root === undefined ? {} : { root: options.root });
    return Experiment.#unsealedIn(session, imageName, options);
  }

  /**
   * Start a new unsealed Experiment in a new temporary Local Registry (the
   * reference's `Experiment.with_temp_local_registry`): for examples and
   * tests that must not touch the user's registry. The registry directory
   * is removed when this Experiment and its forks are all closed (its
   * `artifact` reads from the same registry: use it before that).
   *
   * @param imageName An image name; default anonymous.
   * @param options Trace storage, codecs.
   * @returns The unsealed Experiment.
   */
  static async withTempLocalRegistry(
    imageName?: string | null,
    options: Omit<CreateInLocalRegistryOptions, "root"> = {},
  ): Promise<Experiment> {
    const session = await openSession({ temporary: true });
    return Experiment.#unsealedIn(session, imageName, options);
  }

  static #unsealedIn(
    session: LocalRegistrySession,
    imageName: string | null | undefined,
    options: CreateInLocalRegistryOptions,
  ): Experiment {
    try {
      const builder = createExperimentBuilder({
        localRegistry: session,
        codecs: codecsOf(options),
        ...(imageName === undefined || imageName === null ? {} : { imageName }),
        ...(options.storeTrace === undefined ? {} : { storeTrace: options.storeTrace }),
      });
      return construct({
        builder,
        session,
        ownsStorage: false,
        imageName: builder.imageName,
        codecs: codecsOf(options),
        storeTrace: options.storeTrace === true,
      });
    } catch (e) {
      void session.release();
      throw e;
    }
  }

  static async #sealedIn(
    session: LocalRegistrySession,
    descriptor: Descriptor,
    options: LocalRegistryOptions,
  ): Promise<Experiment> {
    const codecs = codecsOf(options);
    try {
      const name = descriptor.annotations?.[REF_NAME];
      if (name === undefined) throw new InvalidArgumentError("the imported image has no name");
      const sealed = await openSealedExperiment(session.storage, { codecs, reference: name });
      return Experiment.#fromSealed(sealed, { session, ownsStorage: false, codecs }, name);
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  static #fromSealed(
    sealed: SealedExperiment,
    where: { session?: LocalRegistrySession; ownsStorage: boolean; codecs: CodecRegistry },
    imageName: string | null = sealed.imageName,
  ): Experiment {
    const artifact = artifactOfSealedExperiment(sealed, {
      codecs: where.codecs,
      ...(imageName === null ? {} : { imageName }),
    });
    return construct({
      sealed,
      artifact,
      session: where.session,
      ownsStorage: where.ownsStorage,
      imageName,
      codecs: where.codecs,
      storeTrace: false,
    });
  }

  /**
   * Load a committed Experiment by image name (the reference's
   * `Experiment.load`): from the Local Registry, or — when it does not hold
   * the name — pulled from the remote registry into it first (credentials
   * from `OMMX_BASIC_AUTH_*`, as the reference).
   *
   * @param imageName The image reference.
   * @param options Registry root, codecs.
   * @returns The sealed Experiment.
   * @throws {InvalidArtifactError} When the image is not an Experiment (or is a checkpoint).
   * @throws {RegistryError} When pulling fails.
   */
  static async load(imageName: string, options: LocalRegistryOptions = {}): Promise<Experiment> {
    const session = await openSession(options.root === undefined ? {} : { root: options.root });
    let descriptor: Descriptor;
    try {
      descriptor = await session.resolve(imageName) ?? await session.pull(imageName);
    } catch (e) {
      await session.release();
      throw e;
    }
    return await Experiment.#sealedIn(session, descriptor, options);
  }

  /**
   * Import a `.ommx` archive (or OCI layout directory) into the Local
   * Registry under its image name and open it (the reference's
   * `Experiment.import_archive`). An archive without a name gets an
   * anonymous local one; a name already pointing at another manifest is
   * refused (`ReferenceConflictError`). To read an archive without
   * importing it, use `openExperiment`.
   *
   * @param path The archive file or layout directory.
   * @param options Registry root, codecs.
   * @returns The sealed Experiment.
   */
  static async importArchive(
    path: string,
    options: LocalRegistryOptions = {},
  ): Promise<Experiment> {
    const root = options.root === undefined ? {} : { root: options.root };
    // The import itself is the package's one `importArchive` (naming, validation, conflicts).
    const imported = await importArchive(String(path), root);
    const name = imported.imageName!;
    await imported.close();
    const session = await openSession(root);
    let descriptor: Descriptor | null;
    try {
      descriptor = await session.resolve(name);
      if (descriptor === null) throw new InvalidStateError(`${name} vanished after its import`);
    } catch (e) {
      await session.release();
      throw e;
    }
    return await Experiment.#sealedIn(session, descriptor, options);
  }

  /**
   * Continue an Experiment from its checkpoint in the Local Registry (the
   * reference's `Experiment.restore_from_checkpoint`): pass the requested
   * image name (what `listExperimentCheckpoints` shows as
   * `requestedImageName`), not the checkpoint's internal name. `draft`,
   * `failed` and `interrupted` checkpoints are accepted; the result is
   * unsealed, named as requested, and its commit carries the checkpoint
   * manifest as OCI `subject`, as the reference's does.
   *
   * @param imageName The requested image name.
   * @param options Registry root, trace storage, codecs.
   * @returns The unsealed Experiment.
   * @throws {InvalidArgumentError} When the registry has no checkpoint for the name.
   */
  static async restoreFromCheckpoint(
    imageName: string,
    options: CreateInLocalRegistryOptions = {},
  ): Promise<Experiment> {
    const session = await openSession(options.root === undefined ? {} : { root: options.root });
    try {
      const builder = await restoreExperimentBuilder(session, imageName, {
        codecs: codecsOf(options),
        ...(options.storeTrace === undefined ? {} : { storeTrace: options.storeTrace }),
      });
      return construct({
        builder,
        session,
        ownsStorage: false,
        imageName: builder.imageName,
        codecs: codecsOf(options),
        storeTrace: options.storeTrace === true,
      });
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  /**
   * Interpret an open artifact as an Experiment (the reference's
   * `Experiment.from_artifact`). The Experiment reads from the artifact's
   * storage, which stays the artifact's: close the artifact when done.
   *
   * @param artifact An artifact opened with `openArtifact` (or an Experiment's `artifact`).
   * @param options Codecs.
   * @returns The sealed Experiment.
   * @throws {InvalidArtifactError} When the artifact holds no Experiment config.
   */
  static async fromArtifact(
    artifact: Artifact,
    options: { codecs?: CodecRegistry } = {},
  ): Promise<Experiment> {
    const codecs = codecsOf(options);
    const sealed = await loadSealedExperiment(
      artifact.storage,
      artifact.manifestDescriptor,
      artifact.manifest,
      { codecs, ...(artifact.imageName === null ? {} : { imageName: artifact.imageName }) },
    );
    return Experiment.#fromSealed(sealed, { ownsStorage: false, codecs }, artifact.imageName);
  }

  // ---- state ----------------------------------------------------------------

  #unsealed(what: string): ExperimentBuilder {
    this.#assertNotClosed();
    const builder = this.#state.builder;
    if (builder === undefined || builder.sealed) {
      throw new InvalidStateError(`Sealed Experiment is read-only; cannot ${what}`);
    }
    return builder;
  }

  #later<T>(what: string, fn: (builder: ExperimentBuilder) => Promise<T>): Promise<T> {
    try {
      return fn(this.#unsealed(what));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #committed(what: string): SealedExperiment {
    this.#assertNotClosed();
    const sealed = this.#state.sealed;
    if (sealed === undefined) {
      throw new InvalidStateError(
        `Experiment must be committed before accessing this view (${what})`,
      );
    }
    return sealed;
  }

  #assertNotClosed(): void {
    if (this.#closed) throw new InvalidStateError("Experiment was closed");
  }

  /**
   * The reference's repr state: `unsealed` while recording, `failed` after
   * this object's own `fail` / `interrupt` published a checkpoint, `sealed`
   * once committed or loaded (a loaded failed Experiment is `sealed` too;
   * see {@linkcode Experiment.status}).
   */
  get state(): ExperimentState {
    if (this.#state.sealed === undefined) return "unsealed";
    return this.#state.checkpointed === true ? "failed" : "sealed";
  }

  /** The image name the Experiment is (or will be) published under; `null` for an unnamed opened archive. */
  get imageName(): string | null {
    return this.#state.builder !== undefined && !this.#state.builder.sealed
      ? this.#state.builder.imageName
      : this.#state.imageName;
  }

  /** Manifest annotations: to be written (unsealed) or written (sealed). */
  get annotations(): Readonly<Record<string, string>> {
    return this.#state.sealed?.annotations ?? this.#state.builder?.annotations ?? {};
  }

  /** Experiment-level attachment names, in code point order. */
  get attachmentNames(): string[] {
    return this.#state.sealed?.attachmentNames ?? this.#state.builder?.attachmentNames ?? [];
  }

  /**
   * Closed runs in ascending run id. While unsealed: the runs closed so far
   * (each appears once the promise of its `finish()` settled).
   */
  get runs(): readonly SealedRun[] {
    return this.#state.sealed?.runs ?? this.#state.builder?.closedRuns ?? [];
  }

  /** The config status once committed (`finished`, or `failed` / `interrupted` for a checkpoint); `null` while unsealed. */
  get status(): ExperimentStatus | null {
    return this.#state.sealed?.status ?? null;
  }

  /** The failure or interruption reason (`"<ErrorName>: <message>"`), or `null`. */
  get lifecycleReason(): string | null {
    return this.#state.sealed?.lifecycleReason ?? null;
  }

  /**
   * The committed artifact (the reference's `Experiment.artifact`); Python's
   * `commit()` returns it, ours returns the Experiment itself.
   *
   * @throws {InvalidStateError} Before commit.
   */
  get artifact(): Artifact {
    this.#committed("artifact");
    return this.#state.artifact!;
  }

  /** How many runs were started and have not ended (0 once sealed). */
  get openRunCount(): number {
    const b = this.#state.builder;
    return b !== undefined && !b.sealed ? b.openRunCount : 0;
  }

  /** The autosave policy in force while unsealed (`everyRunClose` until changed). */
  get autosavePolicy(): AutosavePolicy {
    return this.#unsealed("read the autosave policy").autosavePolicy;
  }

  /** The root of the Local Registry this Experiment lives in, or `null` (in memory, or opened in place). */
  get localRegistryRoot(): string | null {
    return this.#state.session?.root ?? null;
  }

  // ---- the committed view ----------------------------------------------------

  /** The storage the committed Experiment reads its blobs from (it belongs to the Experiment). */
  get storage(): ReadOnlyTarget {
    return this.#committed("storage").storage;
  }

  /** The manifest descriptor (with the image name as ref annotation). */
  get manifestDescriptor(): Descriptor {
    return this.#committed("manifestDescriptor").manifestDescriptor;
  }

  /** The manifest digest: the committed Experiment's content address. */
  get manifestDigest(): string {
    return this.#committed("manifestDigest").manifestDigest;
  }

  /** The parsed manifest. */
  get manifest(): ImageManifest {
    return this.#committed("manifest").manifest;
  }

  /** The manifest's layers, in order. */
  get layers(): readonly Descriptor[] {
    return this.#committed("layers").layers;
  }

  /** The logical config. */
  get config(): ExperimentConfig {
    return this.#committed("config").config;
  }

  /** The OCI `subject` (parent manifest of a fork or restored checkpoint), or `null`. */
  get subject(): Descriptor | null {
    return this.#committed("subject").subject;
  }

  /** For checkpoints: the image name they restore; else `null`. */
  get requestedImageName(): string | null {
    return this.#state.sealed?.requestedImageName ?? null;
  }

  /**
   * The run with `runId` (a lookup the reference does not have).
   *
   * @param runId The run id.
   * @returns The run.
   * @throws {InvalidStateError} When there is no such closed run.
   */
  runById(runId: number): SealedRun {
    const run = this.runs.find((r) => r.runId === runId);
    if (run === undefined) {
      throw new InvalidStateError(
        `Experiment has no Run ${runId} (runs: ${
          this.runs.map((r) => r.runId).join(", ") || "none"
        })`,
      );
    }
    return run;
  }

  /**
   * The run-parameter table (the data of the reference's
   * `run_parameters_df()`): typed columns, one row per closed run.
   *
   * @returns The table.
   */
  runParameters(): RunParametersTable {
    this.#assertNotClosed();
    return this.#state.sealed?.runParameters() ?? this.#state.builder!.runParameters();
  }

  /**
   * The run-parameter table as a {@linkcode Table}, as Python's
   * `run_parameters_df()` (index `run_id`, pandas' nullable dtypes; see
   * `SealedExperiment.runParametersDf`); while unsealed, over the runs
   * closed so far.
   *
   * @returns The table.
   */
  runParametersDf(): Table {
    return runParametersDataFrame(this.runParameters());
  }

  /**
   * Read every blob of the committed Experiment, checking sizes and digests.
   *
   * @param onProgress Called after each blob.
   * @returns Blob and byte counts.
   */
  async verify(onProgress?: VerifyProgress): Promise<{ blobs: number; bytes: number }> {
    return await this.#committed("verify").verify(onProgress);
  }

  /**
   * Save the committed Experiment as a `.ommx` archive (the reference's
   * `save`; an existing file is refused unless `overwrite: true`).
   *
   * @param path The archive path.
   * @param options `overwrite`.
   * @returns The path written.
   * @throws {InvalidStateError} Before commit.
   * @throws {AlreadyExistsError} When the file exists.
   */
  async save(path: string, options: SaveOptions = {}): Promise<string> {
    return await saveExperiment(this.#committed("save"), path, options);
  }

  /**
   * Push the committed Experiment to the remote registry of its own image
   * name (the reference's `push()`; `rename` first to publish a local or
   * anonymous Experiment under a remote name), or to an explicit
   * destination: `{ registry }`, `{ localRegistry }` or a target.
   *
   * @param destination Where to push; default the image name's registry.
   * @param options Progress callback.
   * @returns The manifest descriptor at the destination.
   * @throws {InvalidStateError} Before commit.
   */
  async push(
    destination?: PushDestination,
    options: PushExperimentOptions = {},
  ): Promise<Descriptor> {
    const sealed = this.#committed("push");
    const to = destination ?? { registry: this.#nameFor("push") };
    return await pushExperiment(sealed, to, undefined, options);
  }

  #nameFor(what: string): string {
    const name = this.imageName;
    if (name === null) throw new InvalidStateError(`Experiment has no image name to ${what}`);
    return name;
  }

  /**
   * Fork the committed Experiment into a new unsealed child (the
   * reference's `fork`): the parent's attachments, runs and run parameters
   * are carried over (same blobs), new runs continue at max run id + 1, and
   * the child's commit records the parent manifest as OCI `subject`. A child
   * of an Experiment in the Local Registry records there; otherwise in
   * memory.
   *
   * @param imageName The child's image name; default anonymous.
   * @param options Trace storage.
   * @returns The unsealed child.
   * @throws {InvalidStateError} Before commit.
   */
  async fork(imageName?: string | null, options: ForkOptions = {}): Promise<Experiment> {
    const sealed = this.#committed("fork");
    const session = this.#state.session;
    const forkOptions: ExperimentBuilderOptions = {
      codecs: this.#state.codecs,
      ...(imageName === undefined || imageName === null ? {} : { imageName }),
      ...(options.storeTrace === undefined ? {} : { storeTrace: options.storeTrace }),
      ...(session === undefined ? {} : { localRegistry: session }),
    };
    const builder = await forkExperimentBuilder(sealed, forkOptions);
    session?.retain();
    return construct({
      builder,
      session,
      ownsStorage: false,
      imageName: builder.imageName,
      codecs: this.#state.codecs,
      storeTrace: options.storeTrace === true,
    });
  }

  /**
   * Rename (the reference's `rename`). Unsealed: the name `commit()` will
   * publish changes (in the Local Registry the checkpoint moves with it).
   * Sealed: the same manifest is published under `imageName` in the storage
   * it lives in (the old name stays as an alias); a name already pointing
   * at another manifest is refused.
   *
   * @param imageName The new image name.
   * @returns Nothing.
   * @throws {UnsupportedError} When the committed Experiment's storage cannot be tagged (an archive opened in place).
   */
  async rename(imageName: string): Promise<void> {
    this.#assertNotClosed();
    const builder = this.#state.builder;
    if (builder !== undefined && !builder.sealed) {
      await builder.rename(imageName);
      this.#state.imageName = builder.imageName;
      return;
    }
    const sealed = this.#committed("rename");
    const storage = sealed.storage as Partial<Target>;
    const session = this.#state.session;
    let descriptor: Descriptor;
    if (session !== undefined) {
      descriptor = await session.tag(sealed.manifestDescriptor, imageName);
    } else if (typeof storage.tag === "function" && typeof storage.push === "function") {
      const name = canonicalizeReference(String(imageName));
      const bare = {
        mediaType: sealed.manifestDescriptor.mediaType,
        digest: sealed.manifestDescriptor.digest,
        size: sealed.manifestDescriptor.size,
      };
      await storage.tag(bare, name);
      descriptor = { ...bare, annotations: { [REF_NAME]: name } };
    } else {
      throw new InvalidStateError(
        `Cannot rename: ${sealed.storage.location} cannot be written (import it with Experiment.importArchive first)`,
      );
    }
    const name = descriptor.annotations![REF_NAME]!;
    const reopened = await loadSealedExperiment(sealed.storage, descriptor, sealed.manifest, {
      codecs: this.#state.codecs,
      imageName: name,
    });
    this.#state.sealed = reopened;
    this.#state.imageName = name;
    this.#state.artifact = artifactOfSealedExperiment(reopened, {
      codecs: this.#state.codecs,
      imageName: name,
    });
  }

  // ---- recording ---------------------------------------------------------------

  /**
   * Set a manifest annotation (keys starting with `org.ommx.v1.` are reserved).
   *
   * @param key A caller-owned key, reverse-DNS style (`com.example.project`).
   * @param value The value.
   * @throws {InvalidStateError} Once sealed.
   */
  setAnnotation(key: string, value: string): void {
    this.#unsealed("setAnnotation").setAnnotation(key, value);
  }

  /**
   * Set the rolling `draft` checkpoint policy (the reference's
   * `set_autosave_policy`): `everyRunClose()` (default), `everyNRuns(n)`,
   * `minInterval(seconds)` or `disabled()`. The schedule restarts at the
   * current number of closed runs. Failed and interrupted checkpoints are
   * written whatever the policy; an in-memory Experiment writes none.
   *
   * @param policy The policy.
   * @throws {InvalidStateError} Once sealed.
   */
  setAutosavePolicy(policy: AutosavePolicy): void {
    this.#unsealed("setAutosavePolicy").setAutosavePolicy(policy);
  }

  /**
   * Start a new Run (the reference's `run()`): log parameters, attachments,
   * Solves and Samplings on it, then end it with `finish()` / `fail()` /
   * `interrupt()`, `await using`, or use {@linkcode Experiment.withRun}.
   * Closing a Run may publish a `draft` checkpoint (see
   * {@linkcode Experiment.setAutosavePolicy}).
   *
   * @returns The open Run.
   * @throws {InvalidStateError} Once sealed.
   */
  run(): Run {
    return this.#unsealed("open a Run").run();
  }

  /**
   * Run `fn` with a new Run: finished when `fn` returns, failed (interrupted
   * for an abort) with the reference's reason text when it throws — the
   * error is re-thrown. What Python's `with exp.run() as run:` does.
   *
   * @param fn The body.
   * @returns What `fn` returned.
   */
  withRun<T>(fn: (run: Run) => T | Promise<T>): Promise<T> {
    return this.#later("open a Run", (b) => b.withRun(fn));
  }

  /**
   * Attach bytes under an explicit media type (the reference's `log_attachment`).
   *
   * @param name The attachment name.
   * @param mediaType The media type.
   * @param bytes The bytes.
   * @param options Compression and layer annotations.
   * @returns Nothing.
   */
  logAttachment(
    name: string,
    mediaType: string,
    bytes: Uint8Array,
    options: LogAttachmentOptions = {},
  ): Promise<void> {
    return this.#later("logAttachment", (b) => b.logAttachment(name, mediaType, bytes, options));
  }

  /**
   * Attach a JSON value as `application/json`, written as Python's `json.dumps`.
   *
   * @param name The attachment name.
   * @param value The value.
   * @param options Compression.
   * @returns Nothing.
   */
  logJson(name: string, value: unknown, options: LogOptions = {}): Promise<void> {
    return this.#later("logJson", (b) => b.logJson(name, value, options));
  }

  /**
   * Attach a file (streamed; media type sniffed unless given; its basename
   * kept for export).
   *
   * @param name The attachment name.
   * @param path The file.
   * @param options Media type, export filename, compression.
   * @returns Nothing.
   */
  logFile(name: string, path: string, options: LogFileOptions = {}): Promise<void> {
    return this.#later("logFile", (b) => b.logFile(name, path, options));
  }

  /**
   * Attach a value encoded by a codec, under the codec's media type.
   *
   * @param codec The codec.
   * @param name The attachment name.
   * @param value The value.
   * @param options Compression.
   * @returns Nothing.
   */
  logWithCodec<T>(
    codec: AttachmentCodec<T>,
    name: string,
    value: T,
    options: LogOptions = {},
  ): Promise<void> {
    return this.#later("logWithCodec", (b) => b.logWithCodec(codec, name, value, options));
  }

  /**
   * Attach an Instance.
   *
   * @param name The attachment name.
   * @param instance The instance.
   * @param options Compression.
   * @returns Nothing.
   */
  logInstance(name: string, instance: InstanceLike, options: LogOptions = {}): Promise<void> {
    return this.#later("logInstance", (b) => b.logInstance(name, instance, options));
  }

  /**
   * Attach a ParametricInstance.
   *
   * @param name The attachment name.
   * @param instance The parametric instance.
   * @param options Compression.
   * @returns Nothing.
   */
  logParametricInstance(
    name: string,
    instance: InstanceLike,
    options: LogOptions = {},
  ): Promise<void> {
    return this.#later(
      "logParametricInstance",
      (b) => b.logParametricInstance(name, instance, options),
    );
  }

  /**
   * Attach a Solution.
   *
   * @param name The attachment name.
   * @param solution The solution.
   * @param options Compression.
   * @returns Nothing.
   */
  logSolution(name: string, solution: ResultLike, options: LogOptions = {}): Promise<void> {
    return this.#later("logSolution", (b) => b.logSolution(name, solution, options));
  }

  /**
   * Attach a SampleSet.
   *
   * @param name The attachment name.
   * @param sampleSet The sample set.
   * @param options Compression.
   * @returns Nothing.
   */
  logSampleSet(name: string, sampleSet: ResultLike, options: LogOptions = {}): Promise<void> {
    return this.#later("logSampleSet", (b) => b.logSampleSet(name, sampleSet, options));
  }

  async #seal(sealing: Promise<SealedExperiment>): Promise<this> {
    const sealed = await sealing;
    this.#state.checkpointed = sealed.status !== "finished";
    const artifact = artifactOfSealedExperiment(sealed, {
      codecs: this.#state.codecs,
      ...(sealed.imageName === null ? {} : { imageName: sealed.imageName }),
    });
    this.#state.sealed = sealed;
    this.#state.artifact = artifact;
    this.#state.imageName = this.#state.builder!.imageName;
    return this;
  }

  /**
   * Commit: seal the Experiment as `finished` and publish its image name
   * (the reference's `commit()`). Every Run must have ended. In the Local
   * Registry the name must not point at another manifest, and the
   * Experiment's checkpoint is removed. Python returns the `Artifact`; this
   * returns the Experiment itself, now the committed view (its
   * {@linkcode Experiment.artifact} is the artifact), so
   * `await exp.commit()` chains.
   *
   * @returns This Experiment, sealed.
   * @throws {InvalidStateError} When already sealed, or a Run is still open.
   * @throws {ReferenceConflictError} When the name points at another manifest in the Local Registry.
   */
  commit(): Promise<this> {
    return this.#later("commit", (b) => this.#seal(b.commit()));
  }

  /**
   * Seal the Experiment as `failed` and publish it as a checkpoint (what
   * Python's `with Experiment(...)` does on an exception): under the
   * checkpoint name, the requested name untouched; restore it with
   * {@linkcode Experiment.restoreFromCheckpoint}. Runs still open are left
   * out.
   *
   * @param error The error (or a reason text).
   * @returns This Experiment, sealed as the checkpoint.
   */
  fail(error: unknown): Promise<this> {
    return this.#later("fail", (b) => this.#seal(b.fail(error)));
  }

  /**
   * Seal the Experiment as `interrupted` and publish it as a checkpoint
   * (Python: `KeyboardInterrupt` inside `with Experiment(...)`).
   *
   * @param reason Optional error or text.
   * @returns This Experiment, sealed as the checkpoint.
   */
  interrupt(reason?: unknown): Promise<this> {
    return this.#later("interrupt", (b) => this.#seal(b.interrupt(reason)));
  }

  /**
   * Run `fn` and seal the Experiment: committed when `fn` returns, a
   * failed (interrupted, for an abort) checkpoint when it throws — then the
   * error is re-thrown. Python's `with Experiment(...) as exp:` with the
   * exception seen.
   *
   * @param fn The body.
   * @returns This Experiment, committed.
   */
  async record(fn: (exp: this) => unknown): Promise<this> {
    try {
      await fn(this);
    } catch (error) {
      const b = this.#state.builder;
      if (b !== undefined && !b.sealed) {
        const abort = error instanceof Error &&
          (error.name === "AbortError" || error.name === "TimeoutError");
        await (abort ? this.interrupt(error) : this.fail(error)).catch(() => {});
      }
      throw error;
    }
    return await this.commit();
  }

  // ---- attachments (both states) ---------------------------------------------

  async #reader(): Promise<SealedExperiment> {
    this.#assertNotClosed();
    return this.#state.sealed ?? await this.#state.builder!.draft();
  }

  /**
   * Everything known about an attachment without reading it.
   *
   * @param name The attachment name.
   * @returns The attachment info.
   * @throws {InvalidStateError} While unsealed (use the async getters).
   */
  attachmentInfo(name: string): AttachmentInfo {
    return this.#committed("attachmentInfo").attachmentInfo(name);
  }

  /**
   * The logical media type of an attachment (compression suffix hidden).
   *
   * @param name The attachment name.
   * @returns The media type.
   * @throws {InvalidStateError} While unsealed (use the async getters).
   */
  attachmentMediaType(name: string): string {
    return this.#committed("attachmentMediaType").attachmentMediaType(name);
  }

  /**
   * An attachment decoded by its media type (bytes for unknown types).
   *
   * @param name The attachment name.
   * @returns The value.
   */
  async getAttachment(name: string): Promise<unknown> {
    return await (await this.#reader()).getAttachment(name);
  }

  /**
   * An attachment's decompressed bytes.
   *
   * @param name The attachment name.
   * @returns The bytes.
   */
  async getBlob(name: string): Promise<Uint8Array> {
    return await (await this.#reader()).getBlob(name);
  }

  /**
   * A JSON attachment.
   *
   * @param name The attachment name.
   * @returns The parsed value.
   */
  async getJson(name: string): Promise<unknown> {
    return await (await this.#reader()).getJson(name);
  }

  /**
   * An Instance attachment.
   *
   * @param name The attachment name.
   * @returns The instance.
   */
  async getInstance(name: string): Promise<Instance> {
    return await (await this.#reader()).getInstance(name);
  }

  /**
   * A ParametricInstance attachment.
   *
   * @param name The attachment name.
   * @returns The parametric instance.
   */
  async getParametricInstance(name: string): Promise<ParametricInstance> {
    return await (await this.#reader()).getParametricInstance(name);
  }

  /**
   * A Solution attachment.
   *
   * @param name The attachment name.
   * @returns The solution.
   */
  async getSolution(name: string): Promise<Solution> {
    return await (await this.#reader()).getSolution(name);
  }

  /**
   * A SampleSet attachment.
   *
   * @param name The attachment name.
   * @returns The sample set.
   */
  async getSampleSet(name: string): Promise<SampleSet> {
    return await (await this.#reader()).getSampleSet(name);
  }

  /**
   * An attachment decoded by `codec` after checking its media type.
   *
   * @param codec The codec.
   * @param name The attachment name.
   * @returns The value.
   */
  async getWithCodec<T>(codec: AttachmentCodec<T>, name: string): Promise<T> {
    return await (await this.#reader()).getWithCodec(codec, name);
  }

  /**
   * Write an attachment to a file (into a directory: under its stored filename).
   *
   * @param name The attachment name.
   * @param path A directory or a file path.
   * @param options `overwrite: true` to replace an existing file.
   * @returns The path written.
   */
  async writeAttachment(
    name: string,
    path: string | URL,
    options: { overwrite?: boolean } = {},
  ): Promise<string> {
    return await (await this.#reader()).writeAttachment(name, path, options);
  }

  // ---- lifetime ------------------------------------------------------------------

  /**
   * Release what the Experiment holds: its Local Registry (a temporary one
   * is removed with the last holder) or the file it was opened from. An
   * unsealed Experiment is left unsealed: what autosave published stays.
   * Idempotent.
   *
   * @returns Nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const b = this.#state.builder;
    if (b !== undefined && !b.sealed) await b.abandon();
    if (this.#state.ownsStorage) await this.#state.sealed?.close();
    await this.#state.session?.release();
  }

  /**
   * `await using` support: an unsealed Experiment is committed (as Python's
   * `with` on normal exit), then {@linkcode Experiment.close}. See the class
   * notes on exceptions.
   *
   * @returns Nothing.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      const b = this.#state.builder;
      if (!this.#closed && b !== undefined && !b.sealed) await this.commit();
    } finally {
      await this.close();
    }
  }

  /**
   * The reference's `repr`: `Experiment(image_name='…', state='unsealed'|'sealed'|'failed', open_runs=N)`.
   *
   * @returns The text.
   */
  toString(): string {
    const name = this.imageName === null ? "None" : reprStr(this.imageName);
    return `Experiment(image_name=${name}, state='${this.state}', open_runs=${this.openRunCount})`;
  }

  /**
   * The notebook display: the committed view's (name, status, annotations,
   * one row per run) with this object's repr; while unsealed, the repr.
   *
   * @returns The MIME bundle (`text/plain`, and `text/html` once committed).
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    const sealed = this.#state.sealed as
      | (SealedExperiment & Record<symbol, (() => Record<string, string>) | undefined>)
      | undefined;
    const bundle = sealed?.[Symbol.for("Jupyter.display")]?.() ?? {};
    return { ...bundle, "text/plain": this.toString() };
  }

  /** Deno's `console.log` rendering. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Node's `util.inspect` (and so `console.log`) rendering. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Start recording an Experiment in memory — no Local Registry, no storage
 * (browsers, tests, pipelines that save or push at the end). The same
 * `Experiment` as {@linkcode Experiment.create} otherwise; autosave writes
 * no checkpoints, and `fail` / `interrupt` publish theirs into the
 * in-memory store.
 *
 * @param options Image name (default anonymous), codecs, trace storage and clocks.
 * @returns The unsealed Experiment.
 * @throws {InvalidReferenceError} On an invalid image name.
 *
 * @example
 * ```ts
 * import { createExperiment } from "./experiment.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(createExperiment({ imageName: "alpine" }).imageName, "docker.io/library/alpine:latest");
 * assert.throws(() => createExperiment({ imageName: "INVALID/IMAGE" }), { code: "INVALID_REFERENCE" });
 * ```
 */
export function createExperiment(options: CreateExperimentOptions = {}): Experiment {
  if ((options as { localRegistry?: unknown }).localRegistry !== undefined) {
    throw new InvalidArgumentError("createExperiment records in memory; use Experiment.create");
  }
  const builder = createExperimentBuilder(options);
  return construct({
    builder,
    ownsStorage: false,
    imageName: builder.imageName,
    codecs: codecsOf(options),
    storeTrace: options.storeTrace === true,
  });
}

/**
 * Fork a committed Experiment (or an archive, bytes or target holding one)
 * into a new unsealed child recorded in memory. `experiment.fork()` is the
 * same for an `Experiment` at hand (and records in its Local Registry).
 *
 * @param parent The parent.
 * @param options The child's image name and options.
 * @returns The unsealed child.
 */
export async function forkExperiment(
  parent: Experiment | ArtifactSource,
  options: ForkExperimentOptions = {},
): Promise<Experiment> {
  let source: SealedExperiment | ArtifactSource;
  if (parent instanceof Experiment) {
    const sealed = sealedOf(parent);
    if (sealed === undefined) {
      throw new InvalidStateError("Experiment must be committed before accessing this view (fork)");
    }
    source = sealed;
  } else {
    source = parent;
  }
  const builder = await forkExperimentBuilder(source, options);
  return construct({
    builder,
    ownsStorage: false,
    imageName: builder.imageName,
    codecs: codecsOf(options),
    storeTrace: options.storeTrace === true,
  });
}

/**
 * Open a committed Experiment in place — a `.ommx` path, an OCI layout
 * directory, a `URL`, bytes, a `Blob`, a registry image
 * (`{ registry }`), a Local Registry image (`{ localRegistry }`) or any
 * target — without importing it anywhere: the manifest and config are
 * read and validated, payloads only when asked for. Close it (or
 * `await using`) to release the file.
 *
 * @param source What to open.
 * @param options Codecs, draft handling, limits, which image.
 * @returns The sealed Experiment.
 *
 * @example
 * ```ts ignore
 * import { openExperiment } from "./experiment.ts";
 * await using exp = await openExperiment("experiment.ommx");
 * console.log(exp.runs.map((r) => r.status));
 * ```
 */
export async function openExperiment(
  source: ArtifactSource,
  options: OpenExperimentOptions = {},
): Promise<Experiment> {
  const sealed = await openSealedExperiment(source, options);
  try {
    return wrapSealed(sealed, codecsOf(options), source !== sealed.storage);
  } catch (e) {
    if (sealed.storage !== source) await sealed.close().catch(() => {});
    throw e;
  }
}

/**
 * Open a Local Registry session. Its module (the checkpoint index, the blob bookkeeping) loads on
 * first use, not when the package is imported (`tests/import_cost_test.ts`).
 */
async function openSession(
  options: OpenLocalRegistrySessionOptions,
): Promise<LocalRegistrySession> {
  const { openLocalRegistrySession } = await import("./write/local_registry_session.ts");
  return await openLocalRegistrySession(options);
}
