/**
 * `ExperimentBuilder`: the unsealed half of an Experiment — what the package
 * root's `Experiment` records into until `commit()`. Created by
 * `createExperimentBuilder` (in memory, or in a Local Registry session),
 * `forkExperimentBuilder` (continuing a sealed Experiment,
 * `docs/glossary.md#fork-subject`) or `restoreExperimentBuilder` (from a
 * checkpoint); sealed as a byte-compatible Experiment
 * (`docs/glossary.md#commit`). In a Local Registry it publishes rolling
 * `draft` checkpoints after Runs close (see {@linkcode AutosavePolicy}), and
 * failed / interrupted checkpoints, exactly where and how the reference does.
 *
 * @module
 */
import { InvalidArgumentError, InvalidStateError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { parseManifest } from "../../oci/manifest.ts";
import { MEDIA_TYPE_IMAGE_MANIFEST } from "../../oci/media_types.ts";
import { canonicalizeReference } from "../../oci/reference.ts";
import type { Pusher, ReadOnlyTarget, Target } from "../../oci/storage.ts";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import { buildRunParameterTable } from "../../../codecs/msgpack/run_parameter_table.ts";
import { MEDIA_TYPE_TRACE } from "../../../codecs/media_types.ts";
import {
  loadSealedExperiment,
  SealedExperiment,
  sealWrittenExperiment,
} from "../read/sealed_experiment.ts";
import {
  loadSealedRun,
  nothingToRead,
  SealedRun,
  sealedRunWithoutRead,
} from "../read/sealed_run.ts";
import { type ArtifactSource, openSource } from "../read/open.ts";
import type { ExperimentStatus } from "../read/config.ts";
import { type RunParametersTable, runParametersView } from "../read/run_parameters.ts";
import {
  adoptAttachment,
  attachmentEntries,
  AttachmentWriter,
  bindStaging,
} from "./attachment_writer.ts";
import { type AttachmentEntry, type LayerDescriptor, stageBytes } from "./_staging.ts";
import { PushQueue } from "./_push_queue.ts";
import { type Run, startRun } from "./run.ts";
import type { RunState } from "./_run_state.ts";
import { withTrace } from "./_closed_run.ts";
import type { TraceSettings } from "./_run_trace.ts";
import {
  highResolutionClock,
  randomTraceId,
  type TraceClock,
  type TraceIdSource,
} from "./trace_options.ts";
import {
  assembleExperiment,
  commitResult,
  encodeRunsAhead,
  newAssemblyCache,
  runRecord,
  storeAssembled,
  tagAssembled,
  writtenConfig,
} from "./_commit.ts";
import { formatReason, isInterruption } from "./_reason.ts";
import { anonymousExperimentName, checkpointName } from "./_anonymous_name.ts";
import { anonymousLocalName } from "../../oci/backends/_local_registry_names.ts";
import type { AutosavePolicy } from "./autosave_policy.ts";
import { AutosaveSchedule } from "./_autosave_schedule.ts";
import type { LocalRegistrySession } from "./local_registry_session.ts";

/** Options of creating an Experiment (`createExperiment`, `createExperimentBuilder`). */
export interface CreateExperimentOptions {
  /** The image name to publish under (canonicalised); default: an anonymous local name (`docs/glossary.md#anonymous-and-checkpoint-names`). */
  imageName?: string;
  /** `<id8>` of synthesised names (anonymous and checkpoint) in memory; default: random per process. In a Local Registry, its own id is used. */
  registryId?: string;
  /** Clock for the anonymous name's timestamp (local time); default `new Date()`. */
  now?: () => Date;
  /** Nonce of the anonymous name (12 lowercase hex); default random. */
  nonce?: string;
  /** Where blobs are staged and the Experiment is published; default a new in-memory target (ignored with `localRegistry`). */
  store?: Target;
  /** Codecs for the committed Experiment's typed getters; default every built-in codec. */
  codecs?: CodecRegistry;
  /**
   * Record an OTLP trace for every Run (Python: `Experiment(store_trace=True)`),
   * stored as the run's trace layer when it ends: a root span `Run` and one
   * `solve` / `sample` span per `run.logSolve()` / `run.logSample()` call
   * (`Solve` per `run.openSolve()`), whose timestamps are the only place the
   * format keeps durations. A trace logged with `run.logTrace()` wins.
   * Default `false`.
   */
  storeTrace?: boolean;
  /** Span timestamps in Unix nanoseconds; default: derived from `now` when given, else a high-resolution wall clock. */
  traceClock?: TraceClock;
  /** Trace ids (16 bytes) and span ids (8 bytes); default random (see `sequentialTraceIds` for reproducible archives). */
  traceIds?: TraceIdSource;
}

/** Options of {@linkcode forkExperiment} / `forkExperimentBuilder`. */
export interface ForkExperimentOptions extends CreateExperimentOptions {}

/** Options of {@linkcode createExperimentBuilder} and {@linkcode forkExperimentBuilder}. */
export interface ExperimentBuilderOptions extends CreateExperimentOptions {
  /**
   * Record into this Local Registry, as the reference's `Experiment(...)`
   * does: payload blobs are stored as they are logged, `draft` checkpoints
   * published after Runs close, failed / interrupted checkpoints on `fail` /
   * `interrupt`, the commit tagged there. The builder holds the session
   * while unsealed (the caller keeps its own hold). Small payload blobs are
   * written in the background (up to 16 at once) while logging goes on;
   * checkpoints, draft reads and the commit wait for them, and a failed
   * write is thrown by the next logging call or the commit.
   */
  localRegistry?: LocalRegistrySession;
}

const RESERVED_ANNOTATION_PREFIX = "org.ommx.v1.";

interface Internal {
  imageName: string;
  registryId: string | undefined;
  store: Target;
  session: LocalRegistrySession | undefined;
  codecs: CodecRegistry;
  subject?: Descriptor;
  nextRunId: number;
  inherited?: { attachments: Map<string, AttachmentEntry>; runs: RunState[] };
  annotations?: Readonly<Record<string, string>>;
  tracing?: TraceSettings | undefined;
}

let construct: (internal: Internal) => ExperimentBuilder;

function monotonicMs(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/**
 * An Experiment being recorded. Create with {@linkcode createExperimentBuilder},
 * {@linkcode forkExperimentBuilder} or {@linkcode restoreExperimentBuilder};
 * end with {@linkcode ExperimentBuilder.commit},
 * {@linkcode ExperimentBuilder.fail} or {@linkcode ExperimentBuilder.interrupt}.
 *
 * @example Record, commit, read back
 * ```ts
 * import { createExperimentBuilder } from "./experiment_builder.ts";
 * import assert from "node:assert/strict";
 *
 * const builder = createExperimentBuilder({ imageName: "example.com/demo/exp:v1" });
 * builder.setAnnotation("org.example.owner", "me");
 * await builder.logJson("dataset", { rows: 3 });
 * await builder.withRun((run) => run.logParameter("seed", 42));
 * const exp = await builder.commit();
 * assert.equal(exp.imageName, "example.com/demo/exp:v1");
 * assert.deepEqual(await exp.getJson("dataset"), { rows: 3 });
 * assert.equal(exp.runs.length, 1);
 * ```
 */
export class ExperimentBuilder extends AttachmentWriter {
  readonly #internal: Internal;
  readonly #annotations = new Map<string, string>();
  readonly #closedRuns: RunState[] = [];
  readonly #openRuns = new Set<number>();
  /**
   * Closed runs' views, or the closed run's state a view is built from on first use (runs
   * with nothing to read: the state is kept anyway, so this keeps nothing more per run).
   */
  readonly #views = new Map<number, SealedRun | RunState>();
  #sealed: "open" | "committing" | "sealed" = "open";
  readonly #traceStaging: Promise<void>[] = [];
  #traceError: unknown = undefined;
  readonly #schedule: AutosaveSchedule;
  #chain: Promise<void> = Promise.resolve();
  #autosaveError: unknown = undefined;
  #draft: { version: number; view: Promise<SealedExperiment> } | undefined;
  readonly #assembly = newAssemblyCache();
  /** Whether the closed runs are in ascending id (then each is encoded into `#assembly` as it closes). */
  #encodeAhead = true;
  #version = 0;
  /** Local Registry only: logged blobs are pushed while logging goes on (drained before reads and publishing). */
  readonly #queue: PushQueue | undefined;
  readonly #staging: Pusher;

  private constructor(internal: Internal) {
    super("experiment");
    this.#internal = internal;
    this.#queue = internal.session !== undefined ? new PushQueue(internal.store) : undefined;
    this.#staging = this.#queue ?? internal.store;
    bindStaging(this, {
      store: this.#staging,
      assertWritable: (what) => {
        this.#assertOpen(what);
        this.#version++;
      },
    });
    if (internal.inherited) {
      for (const [name, entry] of internal.inherited.attachments) {
        adoptAttachment(this, name, entry);
      }
      for (const run of internal.inherited.runs) this.#closedRuns.push(run);
    }
    for (const [k, v] of Object.entries(internal.annotations ?? {})) this.#annotations.set(k, v);
    this.#encodeAhead = this.#closedRuns.every((r, i, all) =>
      i === 0 || all[i - 1]!.runId < r.runId
    );
    this.#schedule = new AutosaveSchedule(this.#closedRuns.length);
    internal.session?.retain();
    if (this.#closedRuns.length > 0) {
      const ids = this.#closedRuns.map((r) => r.runId);
      this.#chain = Promise.all(ids.map((id) => this.#loadView(id).catch(() => {}))).then(() => {});
    }
  }

  static {
    construct = (internal) => new ExperimentBuilder(internal);
  }

  /** The canonical image name the Experiment will be published under. */
  get imageName(): string {
    return this.#internal.imageName;
  }

  /** Whether the builder was committed (or failed/interrupted) and can no longer be written. */
  get sealed(): boolean {
    return this.#sealed !== "open";
  }

  /** Manifest annotations set so far. */
  get annotations(): Record<string, string> {
    return Object.fromEntries(this.#annotations);
  }

  /** Run ids of closed runs (inherited ones included), ascending. */
  get runIds(): number[] {
    return this.#closedRuns.map((r) => r.runId).sort((a, b) => a - b);
  }

  /** How many runs were started and have not ended. */
  get openRunCount(): number {
    return this.#openRuns.size;
  }

  /**
   * The storage blobs are staged in (and the commit published to). In a
   * Local Registry a blob logged a moment ago may still be being written:
   * await {@linkcode ExperimentBuilder.settled} before reading it here.
   */
  get store(): Target {
    return this.#internal.store;
  }

  /** The Local Registry session recorded into, or `null` for an in-memory (or caller-store) builder. */
  get localRegistry(): LocalRegistrySession | null {
    return this.#internal.session ?? null;
  }

  /** The autosave policy in force (`everyRunClose` until changed). */
  get autosavePolicy(): AutosavePolicy {
    return this.#schedule.policy;
  }

  /**
   * The last error of a `draft` autosave, if any (autosaves are best-effort,
   * as in the reference, and never fail a Run; `null` once one succeeds).
   */
  get autosaveError(): unknown {
    return this.#autosaveError ?? null;
  }

  /**
   * Read views of the closed runs, ascending by run id (the reference's
   * `Experiment.runs` of an unsealed Experiment). A run's view appears once
   * the promise of its `finish()` / `fail()` / `interrupt()` settled.
   */
  get closedRuns(): readonly SealedRun[] {
    const views: SealedRun[] = [];
    for (const [runId, entry] of this.#views) {
      if (entry instanceof SealedRun) {
        views.push(entry);
        continue;
      }
      const view = this.#viewWithoutRead(entry);
      if (view === undefined) {
        this.#views.delete(runId);
      } else {
        this.#views.set(runId, view);
        views.push(view);
      }
    }
    return views.sort((a, b) => a.runId - b.runId);
  }

  #assertOpen(what: string): void {
    if (this.#sealed !== "open") {
      throw new InvalidStateError(`Sealed Experiment is read-only; cannot ${what}`);
    }
  }

  /**
   * Set a manifest annotation. Keys starting with `org.ommx.v1.` are reserved.
   *
   * @param key The key.
   * @param value The value.
   * @throws {InvalidArgumentError} On a reserved key or non-string input.
   * @throws {InvalidStateError} After commit.
   */
  setAnnotation(key: string, value: string): void {
    this.#assertOpen("setAnnotation");
    if (typeof key !== "string" || typeof value !== "string") {
      throw new InvalidArgumentError("Annotation key and value must be strings");
    }
    if (key.startsWith(RESERVED_ANNOTATION_PREFIX)) {
      throw new InvalidArgumentError(`Annotation key \`${key}\` is reserved for OMMX metadata`);
    }
    this.#annotations.set(key, value);
    this.#version++;
  }

  /**
   * Set the rolling `draft` checkpoint policy; its schedule restarts at the
   * current number of closed runs (the reference's `set_autosave_policy`).
   * Only an Experiment in a Local Registry writes checkpoints.
   *
   * @param policy The policy.
   * @throws {InvalidArgumentError} When not an `AutosavePolicy`.
   * @throws {InvalidStateError} After commit.
   */
  setAutosavePolicy(policy: AutosavePolicy): void {
    this.#assertOpen("setAutosavePolicy");
    this.#schedule.set(policy, this.#closedRuns.length);
  }

  /**
   * Start a new Run (ids 0, 1, 2, …; a fork or a restored checkpoint
   * continues at max + 1).
   *
   * @returns The run.
   * @throws {InvalidStateError} After commit.
   */
  run(): Run {
    this.#assertOpen("open a Run");
    const runId = this.#internal.nextRunId++;
    this.#openRuns.add(runId);
    return startRun(runId, {
      store: this.#staging,
      assertOpen: (what) => this.#assertOpen(what),
      closeRun: (state, trace) => this.#closeRun(state, trace),
      tracing: this.#internal.tracing,
    });
  }

  #closeRun(state: RunState, trace: Uint8Array | undefined): Promise<void> {
    this.#openRuns.delete(state.runId);
    const previous = this.#closedRuns.at(-1);
    if (previous !== undefined && previous.runId > state.runId) this.#encodeAhead = false;
    this.#closedRuns.push(state);
    this.#version++;
    const staged = trace === undefined ? undefined : this.#stageTrace(state, trace);
    const closed = this.#chain.then(async () => {
      await staged;
      await this.#loadView(state.runId).catch(() => {});
      if (this.#sealed === "open" && this.#encodeAhead) {
        // The commit (or the next autosave) then finds this run encoded. Runs closing out
        // of id order, or an error (which the assembly throws again), stop this.
        await encodeRunsAhead(this.#assembly, attachmentEntries(this).size, this.#closedRuns)
          .catch(() => {
            this.#encodeAhead = false;
          });
      }
      if (this.#sealed === "open" && this.#internal.session !== undefined) {
        if (this.#schedule.begin(monotonicMs, this.#closedRuns.length)) {
          await this.#autosave();
        }
      }
    });
    this.#chain = closed.catch(() => {});
    return this.#chain;
  }

  async #loadView(runId: number): Promise<void> {
    // From the end: the run just closed is the last one (a front-to-back search made
    // closing N runs quadratic).
    const state = this.#closedRuns.findLast((r) => r.runId === runId);
    if (state === undefined) return;
    if (nothingToRead(state)) {
      // Nothing to read: the view is built from this state when first asked for
      // (`closedRuns`); a writer that never asks keeps no view objects per run.
      this.#views.set(runId, state);
      return;
    }
    const { ctx, record, cells } = this.#viewInputs(state);
    this.#views.set(runId, await loadSealedRun(ctx, record, cells));
  }

  /**
   * The view of a closed run with nothing to read, built from its state.
   *
   * @param state The closed run.
   * @returns The view, or `undefined` when it cannot be built (as a failed load: no view).
   */
  #viewWithoutRead(state: RunState): SealedRun | undefined {
    try {
      const { ctx, record, cells } = this.#viewInputs(state);
      return sealedRunWithoutRead(ctx, record, cells);
    } catch {
      return undefined;
    }
  }

  /** What a closed run's view is loaded from: its own layers, record and parameter cells. */
  #viewInputs(state: RunState) {
    const runId = state.runId;
    const layers: LayerDescriptor[] = [];
    const record = runRecord(state, (d) => layers.push(d) - 1);
    const cells = runParametersView(
      buildRunParameterTable([{ runId, params: state.parameters }]),
      [runId],
    ).rows[0]?.values ?? {};
    const ctx = {
      target: this.#internal.store,
      layers,
      codecs: this.#internal.codecs,
      maxDecompressedBytes: 1 << 30,
    };
    return { ctx, record, cells: { ...cells } };
  }

  #stageTrace(state: RunState, bytes: Uint8Array): Promise<void> {
    const staged = stageBytes(this.#staging, MEDIA_TYPE_TRACE, bytes).then((trace) => {
      const i = this.#closedRuns.lastIndexOf(state); // the run just closed: near the end
      if (i >= 0) {
        this.#closedRuns[i] = withTrace(state, trace);
        this.#assembly.replaced(i);
      }
    }, (error) => {
      this.#traceError ??= error;
    });
    this.#traceStaging.push(staged);
    return staged;
  }

  #input(status: ExperimentStatus, reason: string | null, requested: string | null) {
    return {
      status,
      reason,
      requestedImageName: requested,
      attachments: attachmentEntries(this),
      runs: this.#closedRuns,
      annotations: this.annotations,
      subject: this.#internal.subject,
    };
  }

  async #autosave(): Promise<void> {
    const session = this.#internal.session!;
    try {
      await Promise.all(this.#traceStaging);
      await this.#queue?.drain();
      const name = await session.checkpointName(this.#internal.imageName);
      const runCount = this.#closedRuns.length;
      const assembled = await assembleExperiment(
        this.#input("draft", null, this.#internal.imageName),
        this.#assembly,
      );
      // A draft without listing-cache rows: every listing backfills them.
      await session.publishCheckpoint(name, assembled, { listingCache: false });
      this.#schedule.saved(runCount);
      this.#autosaveError = undefined;
    } catch (error) {
      this.#autosaveError = error;
    }
  }

  /**
   * Wait until every run closed so far is taken in (traces staged, views
   * loaded, autosaves attempted) and, in a Local Registry, every blob logged
   * so far is written (a failed write is thrown by the next logging call or
   * the commit, not here).
   *
   * @returns Nothing.
   */
  async settled(): Promise<void> {
    await this.#chain;
    await this.#queue?.settle();
  }

  /**
   * Run `fn` with a new Run: finished when `fn` returns, failed (interrupted
   * for an abort) with the reference's reason format when it throws; the
   * error is re-thrown.
   *
   * @param fn The body.
   * @returns What `fn` returned.
   */
  async withRun<T>(fn: (run: Run) => T | Promise<T>): Promise<T> {
    const run = this.run();
    let result: T;
    try {
      result = await fn(run);
    } catch (error) {
      if (run.status === null) {
        if (isInterruption(error)) await run.interrupt(error);
        else await run.fail(error);
      }
      throw error;
    }
    if (run.status === null) await run.finish();
    return result;
  }

  /**
   * The run-parameter table of the closed runs (what the committed
   * Experiment's `runParameters()` will show).
   *
   * @returns The table.
   */
  runParameters(): RunParametersTable {
    const runs = [...this.#closedRuns].sort((a, b) => a.runId - b.runId);
    return runParametersView(
      buildRunParameterTable(runs.map((r) => ({ runId: r.runId, params: r.parameters }))),
      runs.map((r) => r.runId),
    );
  }

  /**
   * The unsealed Experiment as a read-only view (status `draft`), assembled
   * on demand and never published: what attachment reads of an unsealed
   * Experiment use.
   *
   * @returns The view.
   */
  draft(): Promise<SealedExperiment> {
    if (this.#draft?.version === this.#version) return this.#draft.view;
    const view = (async () => {
      await this.#chain;
      await Promise.all(this.#traceStaging);
      await this.#queue?.drain();
      const assembled = await assembleExperiment(
        this.#input("draft", null, this.#internal.imageName),
        this.#assembly,
      );
      // Loaded on first use: a draft view is not part of importing the package.
      const { OverlayTarget } = await import("./_overlay_target.ts");
      const overlay = new OverlayTarget(this.#internal.store);
      await storeAssembled(overlay, assembled);
      return await loadSealedExperiment(overlay, assembled.manifestDescriptor, assembled.manifest, {
        codecs: this.#internal.codecs,
        allowDraft: true,
        imageName: this.#internal.imageName,
      });
    })();
    this.#draft = { version: this.#version, view };
    view.catch(() => {
      if (this.#draft?.view === view) this.#draft = undefined;
    });
    return view;
  }

  /**
   * Change the image name the commit publishes under (the reference's
   * `rename` of an unsealed Experiment). In a Local Registry the checkpoint
   * moves with it: the old one is removed and, when there was one, a
   * `draft` checkpoint is written under the new name.
   *
   * @param imageName The new image name.
   * @returns Nothing.
   * @throws {InvalidReferenceError} When the name does not parse.
   * @throws {InvalidStateError} After commit.
   */
  async rename(imageName: string): Promise<void> {
    this.#assertOpen("rename");
    const next = canonicalizeReference(String(imageName));
    const session = this.#internal.session;
    const previous = this.#internal.imageName;
    this.#internal.imageName = next;
    this.#version++;
    if (session === undefined || previous === next) return;
    const work = this.#chain.then(async () => {
      const removed = await session.removeRef(await session.checkpointName(previous));
      if (removed) {
        this.#schedule.forced(monotonicMs());
        await this.#autosave();
      }
    });
    this.#chain = work.catch(() => {});
    await work;
  }

  async #publish(status: ExperimentStatus, reason: string | null): Promise<SealedExperiment> {
    this.#assertOpen(status === "finished" ? "commit" : status === "failed" ? "fail" : "interrupt");
    if (status === "finished" && this.#openRuns.size > 0) {
      throw new InvalidStateError(
        `Cannot commit Experiment while ${this.#openRuns.size} Run handle(s) are still open`,
      );
    }
    this.#sealed = "committing";
    try {
      await this.#chain;
      await Promise.all(this.#traceStaging);
      if (this.#traceError !== undefined) throw this.#traceError;
      await this.#queue?.drain();
      const requested = this.#internal.imageName;
      const session = this.#internal.session;
      const checkpoint = status !== "finished";
      const input = this.#input(status, reason, checkpoint ? requested : null);
      const assembled = await assembleExperiment(input, this.#assembly);
      let published: string;
      // Whether the tag has just checked every layer's presence (a Local Registry's, under its lock).
      let layersPresent = false;
      if (!checkpoint) {
        await storeAssembled(this.#internal.store, assembled);
        layersPresent = await tagAssembled(this.#internal.store, assembled, requested);
        published = requested;
        if (session !== undefined) {
          const name = await session.checkpointName(requested);
          await session.removeRef(name).catch(() => false);
          await session.reclaimCheckpoints(name).catch(() => {});
        }
      } else if (session !== undefined) {
        published = await session.checkpointName(requested);
        await session.publishCheckpoint(published, assembled);
      } else {
        published = await checkpointName(requested, this.#internal.registryId);
        await storeAssembled(this.#internal.store, assembled);
        await tagAssembled(this.#internal.store, assembled, published);
      }
      const result = commitResult(assembled, published);
      // The view from what this builder holds (the config not fetched and parsed again).
      const config = writtenConfig(input, assembled);
      const options = { codecs: this.#internal.codecs };
      const exp = config === undefined
        ? await loadSealedExperiment(
          this.#internal.store,
          result.descriptor,
          result.manifest,
          options,
        )
        : await sealWrittenExperiment(this.#internal.store, result.descriptor, result.manifest, {
          config,
          tableBytes: assembled.tableBytes,
          layersPresent,
        }, options);
      this.#sealed = "sealed";
      await session?.release();
      return exp;
    } catch (e) {
      this.#sealed = "open";
      throw e;
    }
  }

  /**
   * Seal the Experiment as `finished` under its image name (the reference's
   * `commit`): every Run must have ended. In a Local Registry the name must
   * not point at another manifest already, and the checkpoint of the name is
   * removed.
   *
   * @returns The sealed Experiment (read model), backed by the builder's store.
   * @throws {InvalidArgumentError} When run-parameter columns mix incompatible types.
   * @throws {InvalidStateError} When already sealed, or a Run is still open.
   */
  commit(): Promise<SealedExperiment> {
    return this.#publish("finished", null);
  }

  /**
   * Seal the Experiment as `failed`, as the reference does for an exception
   * inside `with Experiment(...)`: published under the checkpoint name
   * (replacing an earlier checkpoint), with `outcome.reason` and
   * `requested_image_name`. Runs still open are left out.
   *
   * @param error The error (or reason text).
   * @returns The checkpoint Experiment.
   */
  fail(error: unknown): Promise<SealedExperiment> {
    return this.#publish("failed", formatReason(error));
  }

  /**
   * Seal the Experiment as `interrupted` (Python: `KeyboardInterrupt`).
   *
   * @param reason Optional error or text.
   * @returns The checkpoint Experiment.
   */
  interrupt(reason?: unknown): Promise<SealedExperiment> {
    return this.#publish("interrupted", reason === undefined ? null : formatReason(reason));
  }

  /**
   * Run `fn` with this builder and seal it: committed when `fn` returns,
   * failed/interrupted (checkpoint) when it throws — then the error is re-thrown.
   *
   * @param fn The body.
   * @returns The sealed Experiment.
   */
  async record(fn: (builder: this) => unknown): Promise<SealedExperiment> {
    try {
      await fn(this);
    } catch (error) {
      if (!this.sealed) {
        if (isInterruption(error)) await this.interrupt(error);
        else await this.fail(error);
      }
      throw error;
    }
    return await this.commit();
  }

  /**
   * Give up an unsealed builder without sealing it (its Local Registry hold
   * is released; what autosave published stays).
   *
   * @returns Nothing.
   */
  async abandon(): Promise<void> {
    if (this.#sealed !== "open") return;
    this.#sealed = "sealed";
    await this.#chain;
    await this.#queue?.settle();
    await this.#internal.session?.release();
  }
}

function traceSettings(options: ExperimentBuilderOptions): TraceSettings | undefined {
  if (options.storeTrace !== undefined && typeof options.storeTrace !== "boolean") {
    throw new InvalidArgumentError("storeTrace must be a boolean");
  }
  if (!options.storeTrace) return undefined;
  const now = options.now;
  return {
    clock: options.traceClock ??
      (now === undefined ? highResolutionClock : () => BigInt(now().getTime()) * 1_000_000n),
    ids: options.traceIds ?? randomTraceId,
  };
}

function resolveName(options: ExperimentBuilderOptions): string {
  if (options.imageName !== undefined) {
    if (typeof options.imageName !== "string") {
      throw new InvalidArgumentError("imageName must be a string");
    }
    return canonicalizeReference(options.imageName);
  }
  const now = options.now?.();
  if (options.localRegistry !== undefined) {
    return anonymousLocalName(options.localRegistry.registryId, "experiment", now, options.nonce);
  }
  return anonymousExperimentName({
    ...(options.registryId === undefined ? {} : { registryId: options.registryId }),
    ...(now === undefined ? {} : { now }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  });
}

function storeOf(options: ExperimentBuilderOptions): Target {
  return options.localRegistry?.storage ?? options.store ?? new MemoryTarget();
}

/**
 * Start recording an Experiment: in memory (or into `store`), or in a Local
 * Registry session.
 *
 * @param options Image name (default anonymous), store or Local Registry, codecs, name inputs.
 * @returns The builder.
 * @throws {InvalidReferenceError} On an invalid image name.
 *
 * @example
 * ```ts
 * import { createExperimentBuilder } from "./experiment_builder.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(createExperimentBuilder({ imageName: "alpine" }).imageName, "docker.io/library/alpine:latest");
 * assert.throws(() => createExperimentBuilder({ imageName: "INVALID/IMAGE" }), { code: "INVALID_REFERENCE" });
 * ```
 */
export function createExperimentBuilder(options: ExperimentBuilderOptions = {}): ExperimentBuilder {
  return construct({
    imageName: resolveName(options),
    registryId: options.registryId,
    store: storeOf(options),
    session: options.localRegistry,
    codecs: options.codecs ?? defaultCodecs,
    nextRunId: 0,
    tracing: traceSettings(options),
  });
}

async function sealedFrom(
  parent: SealedExperiment | ArtifactSource,
  codecs: CodecRegistry,
  allowDraft: boolean,
): Promise<{ exp: SealedExperiment; target: ReadOnlyTarget; owned: boolean }> {
  if (parent instanceof SealedExperiment) {
    return { exp: parent, target: parent.storage, owned: false };
  }
  const target = await openSource(parent);
  try {
    const descriptor = await target.resolve();
    const { manifest } = parseManifest(await target.fetch(descriptor));
    const exp = await loadSealedExperiment(target, descriptor, manifest, { codecs, allowDraft });
    return { exp, target, owned: target !== parent };
  } catch (e) {
    if (target !== parent) await target.close().catch(() => {});
    throw e;
  }
}

async function childOf(
  parent: SealedExperiment | ArtifactSource,
  options: ExperimentBuilderOptions,
  imageName: string,
  annotations: Readonly<Record<string, string>> | undefined,
  allowDraft: boolean,
): Promise<ExperimentBuilder> {
  const tracing = traceSettings(options);
  const codecs = options.codecs ?? defaultCodecs;
  const { exp, target, owned } = await sealedFrom(parent, codecs, allowDraft);
  const store = storeOf(options);
  let inherited;
  try {
    // Loaded on first use: a fork or restore is not part of importing the package.
    const { inheritState } = await import("./_inherit.ts");
    inherited = await inheritState(exp.config, exp.layers, target, store);
  } finally {
    if (owned) await target.close().catch(() => {});
  }
  const d = exp.manifestDescriptor;
  const maxRun = inherited.runs.reduce((m, r) => Math.max(m, r.runId), -1);
  const builder = construct({
    imageName,
    registryId: options.registryId,
    store,
    session: options.localRegistry,
    codecs,
    subject: {
      mediaType: d.mediaType || MEDIA_TYPE_IMAGE_MANIFEST,
      digest: d.digest,
      size: d.size,
    },
    nextRunId: maxRun + 1,
    inherited,
    ...(annotations === undefined ? {} : { annotations }),
    tracing,
  });
  await builder.settled();
  return builder;
}

/**
 * Start a child Experiment of a sealed one (`docs/glossary.md#fork-subject`): the child's manifest
 * carries the parent manifest as OCI `subject`; the parent's attachments,
 * runs and run parameters are carried over (same blobs); new runs continue at
 * max run id + 1; manifest annotations are not inherited (as the reference).
 *
 * @param parent A committed Experiment, or a source (path, bytes, target) holding one.
 * @param options The child's image name and builder options (`localRegistry` to record the child there).
 * @returns The child builder.
 * @throws {InvalidArgumentError} When the parent's blobs cannot be reached.
 *
 * @example
 * ```ts
 * import { createExperimentBuilder, forkExperimentBuilder } from "./experiment_builder.ts";
 * import assert from "node:assert/strict";
 *
 * const parentBuilder = createExperimentBuilder({ imageName: "example.com/demo/parent:v1" });
 * await parentBuilder.withRun((run) => run.logParameter("capacity", 47));
 * const parent = await parentBuilder.commit();
 * const child = await forkExperimentBuilder(parent, { imageName: "example.com/demo/child:v1" });
 * assert.equal(child.run().runId, 1);
 * ```
 */
export function forkExperimentBuilder(
  parent: SealedExperiment | ArtifactSource,
  options: ExperimentBuilderOptions = {},
): Promise<ExperimentBuilder> {
  let name: string;
  try {
    name = resolveName(options);
  } catch (e) {
    return Promise.reject(e);
  }
  return childOf(parent, options, name, undefined, false);
}

/**
 * Continue an Experiment from its checkpoint in a Local Registry (the
 * reference's `Experiment.restore_from_checkpoint`): the checkpoint of
 * `imageName` (`draft`, `failed` or `interrupted`) becomes a new unsealed
 * Experiment under that name, with its attachments, runs, run parameters
 * and manifest annotations, the checkpoint manifest as OCI `subject`, and
 * new runs continuing at max run id + 1. The checkpoint stays until the
 * commit removes it.
 *
 * @param session The Local Registry.
 * @param imageName The requested image name (not the checkpoint's own name).
 * @param options Builder options (trace storage, codecs).
 * @returns The unsealed builder, recording into `session`.
 * @throws {InvalidArgumentError} When there is no checkpoint for the name, or it belongs to another name.
 * @throws {InvalidArtifactError} When the checkpoint is not a valid Experiment, or is `finished`.
 */
export async function restoreExperimentBuilder(
  session: LocalRegistrySession,
  imageName: string,
  options: Omit<CreateExperimentOptions, "imageName" | "store"> = {},
): Promise<ExperimentBuilder> {
  const requested = canonicalizeReference(String(imageName));
  const name = await session.checkpointName(requested);
  const descriptor = await session.resolve(name);
  if (descriptor === null) {
    throw new InvalidArgumentError(
      `No Experiment checkpoint found for requested image ${requested} at ${name}`,
    );
  }
  const codecs = options.codecs ?? defaultCodecs;
  const { manifest } = parseManifest(await session.storage.fetch(descriptor));
  const checkpoint = await loadSealedExperiment(session.storage, descriptor, manifest, {
    codecs,
    allowDraft: true,
  });
  if (checkpoint.requestedImageName !== requested) {
    throw new InvalidArgumentError(
      `Experiment checkpoint ${name} belongs to requested image ${
        checkpoint.requestedImageName ?? "(none)"
      }, not ${requested}`,
    );
  }
  if (checkpoint.status === "finished") {
    throw new InvalidArgumentError(`Experiment checkpoint ${name} has status finished`);
  }
  return await childOf(
    checkpoint,
    { ...options, localRegistry: session },
    requested,
    checkpoint.annotations,
    true,
  );
}
