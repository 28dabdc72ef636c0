/**
 * `createExperiment` / `ExperimentBuilder`: record an OMMX Experiment from
 * TypeScript and commit it as a sealed, byte-compatible Experiment
 * (`docs/glossary.md#commit`); `forkExperiment` continues a sealed one
 * (`docs/glossary.md#fork-subject`).
 *
 * @module
 */
import { InvalidArgumentError, InvalidStateError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { parseManifest } from "../../oci/manifest.ts";
import { MEDIA_TYPE_IMAGE_MANIFEST } from "../../oci/media_types.ts";
import { canonicalizeReference } from "../../oci/reference.ts";
import type { ReadOnlyTarget, Target } from "../../oci/storage.ts";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";
import { defaultCodecs } from "../../../codecs/mod.ts";
import { Experiment, loadExperiment } from "../read/experiment.ts";
import { type ArtifactSource, openSource } from "../read/open.ts";
import type { ExperimentStatus } from "../read/config.ts";
import {
  adoptAttachment,
  attachmentEntries,
  AttachmentWriter,
  bindStaging,
} from "./attachment_writer.ts";
import { type AttachmentEntry, stageBytes } from "./_staging.ts";
import { inheritState } from "./_inherit.ts";
import { type RunBuilder, startRun } from "./run_builder.ts";
import type { RunState } from "./_run_state.ts";
import type { TraceSettings } from "./_run_trace.ts";
import {
  highResolutionClock,
  randomTraceId,
  type TraceClock,
  type TraceIdSource,
} from "./trace_options.ts";
import { MEDIA_TYPE_TRACE } from "../../../codecs/media_types.ts";
import { commitExperiment } from "./_commit.ts";
import { formatReason, isInterruption } from "./_reason.ts";
import { anonymousExperimentName, checkpointName } from "./_anonymous_name.ts";

/** Options of {@linkcode createExperiment}. */
export interface CreateExperimentOptions {
  /** The image name to publish under (canonicalised); default: an anonymous local name (`docs/glossary.md#anonymous-and-checkpoint-names`). */
  imageName?: string;
  /** `<id8>` of synthesised names (anonymous and checkpoint); default: random per process. */
  registryId?: string;
  /** Clock for the anonymous name's timestamp (local time); default `new Date()`. */
  now?: () => Date;
  /** Nonce of the anonymous name (12 lowercase hex); default random. */
  nonce?: string;
  /** Where blobs are staged and the Experiment is published; default a new in-memory target. */
  store?: Target;
  /** Codecs for the committed Experiment's typed getters; default every built-in codec. */
  codecs?: CodecRegistry;
  /**
   * Record an OTLP trace for every Run (Python: `Experiment(store_trace=True)`),
   * stored as the run's trace layer when it ends: a root span `Run` and one
   * `solve` / `sample` span per `run.solve()` / `run.sample()` call, whose
   * timestamps are the only place the format keeps durations. A trace logged
   * with `run.logTrace()` wins. Default `false`.
   */
  storeTrace?: boolean;
  /** Span timestamps in Unix nanoseconds; default: derived from `now` when given, else a high-resolution wall clock. */
  traceClock?: TraceClock;
  /** Trace ids (16 bytes) and span ids (8 bytes); default random (see `sequentialTraceIds` for reproducible archives). */
  traceIds?: TraceIdSource;
}

/** Options of {@linkcode forkExperiment}. */
export interface ForkExperimentOptions extends CreateExperimentOptions {}

const RESERVED_ANNOTATION_PREFIX = "org.ommx.v1.";

interface Internal {
  imageName: string;
  registryId: string | undefined;
  store: Target;
  codecs: CodecRegistry;
  subject?: Descriptor;
  nextRunId: number;
  inherited?: { attachments: Map<string, AttachmentEntry>; runs: RunState[] };
  tracing?: TraceSettings | undefined;
}

let construct: (internal: Internal) => ExperimentBuilder;

/**
 * An Experiment being recorded. Create with {@linkcode createExperiment} or
 * {@linkcode forkExperiment}; end with {@linkcode ExperimentBuilder.commit},
 * {@linkcode ExperimentBuilder.fail} or {@linkcode ExperimentBuilder.interrupt}.
 *
 * @example Record, commit, read back
 * ```ts
 * import { createExperiment } from "./experiment_builder.ts";
 * import assert from "node:assert/strict";
 *
 * const builder = createExperiment({ imageName: "example.com/demo/exp:v1" });
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
  #sealed: "open" | "committing" | "sealed" = "open";
  readonly #traceStaging: Promise<void>[] = [];
  #traceError: unknown = undefined;

  private constructor(internal: Internal) {
    super("experiment");
    this.#internal = internal;
    bindStaging(this, {
      store: internal.store,
      assertWritable: (what) => this.#assertOpen(what),
    });
    if (internal.inherited) {
      for (const [name, entry] of internal.inherited.attachments) {
        adoptAttachment(this, name, entry);
      }
      for (const run of internal.inherited.runs) this.#closedRuns.push(run);
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
  }

  /**
   * Open a new Run (ids 0, 1, 2, …; a fork continues at max + 1).
   *
   * @returns The run.
   * @throws {InvalidStateError} After commit.
   */
  run(): RunBuilder {
    this.#assertOpen("open a Run");
    const runId = this.#internal.nextRunId++;
    this.#openRuns.add(runId);
    return startRun(runId, {
      store: this.#internal.store,
      assertOpen: (what) => this.#assertOpen(what),
      closeRun: (state, trace) => {
        this.#openRuns.delete(state.runId);
        this.#closedRuns.push(state);
        if (trace !== undefined) this.#stageTrace(state, trace);
      },
      tracing: this.#internal.tracing,
    });
  }

  #stageTrace(state: RunState, bytes: Uint8Array): void {
    this.#traceStaging.push(
      stageBytes(this.#internal.store, MEDIA_TYPE_TRACE, bytes).then((trace) => {
        const i = this.#closedRuns.indexOf(state);
        if (i >= 0) this.#closedRuns[i] = { ...state, trace };
      }, (error) => {
        this.#traceError ??= error;
      }),
    );
  }

  /**
   * Run `fn` with a new Run: finished when `fn` returns, failed (interrupted
   * for an abort) with the reference's reason format when it throws; the
   * error is re-thrown.
   *
   * @param fn The body.
   * @returns What `fn` returned.
   */
  async withRun<T>(fn: (run: RunBuilder) => T | Promise<T>): Promise<T> {
    const run = this.run();
    let result: T;
    try {
      result = await fn(run);
    } catch (error) {
      if (run.status === null) {
        if (isInterruption(error)) run.interrupt(error);
        else run.fail(error);
      }
      throw error;
    }
    if (run.status === null) run.finish();
    return result;
  }

  async #publish(status: ExperimentStatus, reason: string | null): Promise<Experiment> {
    this.#assertOpen(status === "finished" ? "commit" : status === "failed" ? "fail" : "interrupt");
    this.#sealed = "committing";
    try {
      await Promise.all(this.#traceStaging);
      if (this.#traceError !== undefined) throw this.#traceError;
      const checkpoint = status !== "finished";
      const publishName = checkpoint
        ? await checkpointName(this.#internal.imageName, this.#internal.registryId)
        : this.#internal.imageName;
      const result = await commitExperiment(this.#internal.store, {
        status,
        reason,
        requestedImageName: checkpoint ? this.#internal.imageName : null,
        attachments: attachmentEntries(this),
        runs: this.#closedRuns,
        annotations: this.annotations,
        subject: this.#internal.subject,
        imageName: publishName,
      });
      const exp = await loadExperiment(this.#internal.store, result.descriptor, result.manifest, {
        codecs: this.#internal.codecs,
      });
      this.#sealed = "sealed";
      return exp;
    } catch (e) {
      this.#sealed = "open";
      throw e;
    }
  }

  /**
   * Seal the Experiment as `finished` under its image name. Runs still open
   * are dropped (their ids leave a gap), as in the reference.
   *
   * @returns The sealed Experiment (read model), backed by the builder's store.
   * @throws {InvalidArgumentError} When run-parameter columns mix incompatible types.
   * @throws {InvalidStateError} When already sealed.
   */
  commit(): Promise<Experiment> {
    return this.#publish("finished", null);
  }

  /**
   * Seal the Experiment as `failed`, as the reference does for an exception
   * inside `with Experiment(...)`: published under the checkpoint name, with
   * `outcome.reason` and `requested_image_name`.
   *
   * @param error The error (or reason text).
   * @returns The checkpoint Experiment.
   */
  fail(error: unknown): Promise<Experiment> {
    return this.#publish("failed", formatReason(error));
  }

  /**
   * Seal the Experiment as `interrupted` (Python: `KeyboardInterrupt`).
   *
   * @param reason Optional error or text.
   * @returns The checkpoint Experiment.
   */
  interrupt(reason?: unknown): Promise<Experiment> {
    return this.#publish("interrupted", reason === undefined ? null : formatReason(reason));
  }

  /**
   * Run `fn` with this builder and seal it: committed when `fn` returns,
   * failed/interrupted (checkpoint) when it throws — then the error is re-thrown.
   *
   * @param fn The body.
   * @returns The sealed Experiment.
   */
  async record(fn: (builder: this) => unknown): Promise<Experiment> {
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
}

function traceSettings(options: CreateExperimentOptions): TraceSettings | undefined {
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

function resolveName(options: CreateExperimentOptions): string {
  if (options.imageName !== undefined) {
    if (typeof options.imageName !== "string") {
      throw new InvalidArgumentError("imageName must be a string");
    }
    return canonicalizeReference(options.imageName);
  }
  return anonymousExperimentName({
    ...(options.registryId === undefined ? {} : { registryId: options.registryId }),
    ...(options.now === undefined ? {} : { now: options.now() }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  });
}

/**
 * Start recording an Experiment.
 *
 * @param options Image name (default anonymous), store, codecs, name inputs.
 * @returns The builder.
 * @throws {InvalidReferenceError} On an invalid image name.
 *
 * @example
 * ```ts
 * import { createExperiment } from "./experiment_builder.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(createExperiment({ imageName: "alpine" }).imageName, "docker.io/library/alpine:latest");
 * assert.throws(() => createExperiment({ imageName: "INVALID/IMAGE" }), { code: "INVALID_REFERENCE" });
 * ```
 */
export function createExperiment(options: CreateExperimentOptions = {}): ExperimentBuilder {
  return construct({
    imageName: resolveName(options),
    registryId: options.registryId,
    store: options.store ?? new MemoryTarget(),
    codecs: options.codecs ?? defaultCodecs,
    nextRunId: 0,
    tracing: traceSettings(options),
  });
}

/**
 * Start a child Experiment of a sealed one (`docs/glossary.md#fork-subject`): the child's manifest
 * carries the parent manifest as OCI `subject`; the parent's attachments,
 * runs and run parameters are carried over (same blobs); new runs continue at
 * max run id + 1; manifest annotations are not inherited (as the reference).
 *
 * @param parent A committed Experiment, or a source (path, bytes, target) holding one.
 * @param options The child's image name and builder options.
 * @returns The child builder.
 * @throws {InvalidArgumentError} When the parent's blobs cannot be reached.
 *
 * @example
 * ```ts
 * import { createExperiment, forkExperiment } from "./experiment_builder.ts";
 * import assert from "node:assert/strict";
 *
 * const parentBuilder = createExperiment({ imageName: "example.com/demo/parent:v1" });
 * await parentBuilder.withRun((run) => run.logParameter("capacity", 47));
 * const parent = await parentBuilder.commit();
 * const child = await forkExperiment(parent, { imageName: "example.com/demo/child:v1" });
 * assert.equal(child.run().runId, 1);
 * ```
 */
export async function forkExperiment(
  parent: Experiment | ArtifactSource,
  options: ForkExperimentOptions = {},
): Promise<ExperimentBuilder> {
  const tracing = traceSettings(options);
  let exp: Experiment;
  let target: ReadOnlyTarget;
  const codecs = options.codecs ?? defaultCodecs;
  if (parent instanceof Experiment) {
    exp = parent;
    target = parent.storage;
  } else {
    target = await openSource(parent);
    try {
      const descriptor = await target.resolve();
      const { manifest } = parseManifest(await target.fetch(descriptor));
      exp = await loadExperiment(target, descriptor, manifest, { codecs });
    } catch (e) {
      if (target !== parent) await target.close().catch(() => {});
      throw e;
    }
  }
  const store = options.store ?? new MemoryTarget();
  let inherited;
  try {
    inherited = await inheritState(exp.config, exp.layers, target, store);
  } finally {
    if (!(parent instanceof Experiment) && target !== parent) await target.close().catch(() => {});
  }
  const d = exp.manifestDescriptor;
  const maxRun = inherited.runs.reduce((m, r) => Math.max(m, r.runId), -1);
  return construct({
    imageName: resolveName(options),
    registryId: options.registryId,
    store,
    codecs,
    subject: {
      mediaType: d.mediaType || MEDIA_TYPE_IMAGE_MANIFEST,
      digest: d.digest,
      size: d.size,
    },
    nextRunId: maxRun + 1,
    inherited,
    tracing,
  });
}
