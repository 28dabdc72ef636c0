/**
 * ommx-ts: record, seal, read, save and push OMMX Experiment artifacts from
 * TypeScript, in Deno, Node, Bun and browsers; byte-compatible with the
 * reference Python SDK, and shaped like it (`docs/python-parity.md` maps
 * every member).
 *
 * One {@linkcode Experiment} object: unsealed while it records attachments
 * and Runs ({@linkcode Experiment.run}; Solves through adapters with
 * {@linkcode Run.logSolve}, or driven by hand with {@linkcode Run.openSolve}),
 * then — after {@linkcode Experiment.commit} — the committed view to read,
 * {@linkcode Experiment.save}, {@linkcode Experiment.push},
 * {@linkcode Experiment.fork} or {@linkcode Experiment.rename}.
 * {@linkcode Experiment.create} records into the Python SDK's Local Registry,
 * with `draft` checkpoints after every Run ({@linkcode AutosavePolicy},
 * {@linkcode Experiment.restoreFromCheckpoint},
 * {@linkcode listExperimentCheckpoints}); {@linkcode createExperiment}
 * records in memory. {@linkcode Experiment.load} /
 * {@linkcode Experiment.importArchive} bring committed Experiments in;
 * {@linkcode openExperiment} reads a `.ommx` archive, a layout directory, a
 * registry image, bytes or a `Blob` in place. Attachments are read through
 * the codec registry, always after a strict media-type check. Generic OMMX
 * artifacts open with {@linkcode openArtifact}.
 *
 * @example Record an Experiment, commit it, read it back from its archive bytes
 * ```ts
 * import {
 *   createExperiment,
 *   experimentArchiveBytes,
 *   Function,
 *   Instance,
 *   openExperiment,
 *   Solution,
 * } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const instance = new Instance({
 *   sense: "maximize",
 *   objective: Function.linear([[1, 3], [2, 2]]),
 *   decisionVariables: [1, 2].map((id) => ({
 *     id, kind: "binary" as const, bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {},
 *   })),
 * });
 * const exp = createExperiment({ imageName: "example.com/demo/knapsack:v1" });
 * await exp.withRun(async (run) => {
 *   run.logParameter("capacity", 47);
 *   await run.logSolve(
 *     { name: "toy.AllOnes", solve: (i: Instance) => Solution.evaluate(i, new Map([[1, 1], [2, 1]])) },
 *     instance,
 *   );
 * });
 * await exp.commit();
 *
 * await using back = await openExperiment(await experimentArchiveBytes(exp));
 * assert.equal(back.imageName, "example.com/demo/knapsack:v1");
 * const [run] = back.runs;
 * assert.equal(run?.parameters.capacity, 47);
 * assert.equal(run?.solves[0]?.adapter, "toy.AllOnes");
 * assert.equal((await run?.solves[0]?.getOutput())?.objective, 5);
 * ```
 *
 * @example A sweep in a (temporary) Local Registry, checkpointed after every Run
 * ```ts
 * import { Experiment, listExperimentCheckpoints } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using exp = await Experiment.withTempLocalRegistry("example.com/demo/sweep:v1");
 * for (const seed of [1, 2]) await exp.withRun((run) => run.logParameter("seed", seed));
 * const [checkpoint] = await listExperimentCheckpoints(null, { root: exp.localRegistryRoot! });
 * assert.equal(checkpoint?.runCount, 2); // what restoreFromCheckpoint would continue from
 * await exp.commit();
 * assert.deepEqual(await listExperimentCheckpoints(null, { root: exp.localRegistryRoot! }), []);
 * ```
 *
 * @module
 */

// Errors
export * from "./core/errors.ts";

// The Experiment (the reference's `ommx.experiment.Experiment`) and its entry points
export {
  createExperiment,
  type CreateInLocalRegistryOptions,
  Experiment,
  type ExperimentState,
  forkExperiment,
  type ForkOptions,
  type LocalRegistryOptions,
  openExperiment,
  type PushDestination,
} from "./core/experiment/experiment.ts";
export {
  type CreateExperimentOptions,
  type ForkExperimentOptions,
} from "./core/experiment/write/experiment_builder.ts";

// Open and read
export {
  type ArtifactSource,
  type LocalRegistrySource,
  openArtifact,
  type OpenArtifactOptions,
  type OpenExperimentOptions,
  type RegistrySource,
  type UrlSource,
} from "./core/experiment/read/open.ts";
export type { VerifyProgress } from "./core/experiment/read/sealed_experiment.ts";
export { SealedRun } from "./core/experiment/read/sealed_run.ts";
export { ProcessView, Sampling, Solve } from "./core/experiment/read/process.ts";
export { Artifact } from "./core/experiment/read/artifact.ts";
export { AttachmentHolder } from "./core/experiment/read/attachment_holder.ts";
export type { AttachmentInfo } from "./core/experiment/read/attachment_info.ts";
export type {
  AttachmentTable,
  ExperimentConfig,
  ExperimentStatus,
  ProcessRecord,
  RunRecord,
  RunStatus,
} from "./core/experiment/read/config.ts";
export type {
  ParameterColumn,
  ParameterInput,
  ParameterRow,
  ParameterType,
  ParameterValue,
  RunParametersTable,
} from "./core/experiment/read/run_parameters.ts";

// Checkpoints
export {
  type CheckpointStatus,
  ExperimentCheckpointRef,
  listExperimentCheckpoints,
  type ListExperimentCheckpointsOptions,
} from "./core/experiment/read/checkpoints.ts";
export { type AutosaveKind, AutosavePolicy } from "./core/experiment/write/autosave_policy.ts";
export { setLocalRegistryRoot } from "./core/oci/backends/local_registry_root.ts";

// Record, commit, save, push
export {
  type FailedRecordInput,
  type FinishedRecordInput,
  type LogSolveOptions,
  type ProcessRecordInput,
  Run,
  type TraceInput,
} from "./core/experiment/write/run.ts";
export {
  type DiagnosticsSink,
  type FinishSolveOptions,
  OpenSolve,
  type OpenSolveOutcome,
} from "./core/experiment/write/open_solve.ts";
export {
  AttachmentWriter,
  type LogAttachmentOptions,
  type LogFileOptions,
  type LogOptions,
} from "./core/experiment/write/attachment_writer.ts";
export type {
  AdapterContext,
  AdapterInstance,
  AdapterOptionsInput,
  SamplerAdapter,
  SolverAdapter,
} from "./core/experiment/write/adapter.ts";
export type { InstanceLike, ResultLike } from "./core/experiment/write/payload_like.ts";
export {
  sequentialTraceIds,
  type TraceClock,
  type TraceIdSource,
} from "./core/experiment/write/trace_options.ts";
export {
  experimentArchiveBytes,
  saveExperiment,
  saveExperimentLayout,
  type SaveOptions,
  type SaveSource,
  type StoredExperiment,
  writeExperimentArchive,
} from "./core/experiment/write/save.ts";
export { pushExperiment, type PushExperimentOptions } from "./core/experiment/write/push.ts";

// Generic artifacts and the Local Registry as a catalogue (Python ommx.artifact, list_experiments)
export {
  type AddJsonOptions,
  ArtifactDraft,
  type ArtifactDraftOptions,
} from "./core/experiment/write/artifact_draft.ts";
export {
  importArchive,
  type ImportArchiveOptions,
  pushArtifact,
  saveArtifact,
} from "./core/experiment/write/artifact_io.ts";
export {
  type ArtifactRef,
  type ExperimentRef,
  formatRegistryListWarning,
  listArtifacts,
  type ListArtifactsOptions,
  listExperiments,
  type ListExperimentsOptions,
  type RegistryListWarning,
  type RegistryListWarningStage,
} from "./core/experiment/read/catalogue.ts";
export {
  listRemoteExperiments,
  type ListRemoteExperimentsOptions,
  type RemoteExperimentEntry,
  type RemoteExperimentListing,
} from "./core/experiment/read/remote_catalogue.ts";
export {
  type AnonymousArtifactRef,
  gc,
  type GcBlob,
  type GcInvalidManifest,
  type GcMissingBlob,
  type GcOptions,
  type GcReport,
  type GcRoot,
  getLocalRegistryRoot,
  type LocalRegistryRootOption,
  pruneAnonymous,
  type PruneAnonymousOptions,
  type PruneAnonymousReport,
  removeImage,
  restoreImage,
} from "./core/oci/backends/local_registry_maintenance.ts";

// Storage types the signatures above name
export type {
  CredentialsProvider,
  OpenRemoteRegistryOptions,
  RegistryCredentials,
} from "./core/oci/backends/remote_registry.ts";
export { isLoopbackHost, type NetworkOptions } from "./core/oci/network.ts";
export type { HttpSourceOptions } from "./core/oci/random_access_http.ts";
export type { Descriptor } from "./core/oci/descriptor.ts";
export type { ImageManifest } from "./core/oci/manifest.ts";
export type {
  Fetcher,
  FetchOptions,
  Pusher,
  ReadOnlyStorage,
  ReadOnlyTarget,
  Resolver,
  Tagger,
  Target,
} from "./core/oci/storage.ts";

// Codec registry
export type { AttachmentCodec } from "./codecs/codec.ts";
export {
  type CodecRegistry,
  type CodecRegistryWithOptions,
  createCodecRegistry,
} from "./codecs/registry.ts";
export { defaultCodecs } from "./codecs/default_codecs.ts";
export { PyFloat, pyFloat } from "./codecs/py_float.ts";

// Payload classes and the types they name
export {
  type ConstraintEvaluation,
  type ConstraintSpec,
  DecisionVariable,
  type DescriptionLike,
  type EvaluatedConstraint,
  type EvaluatedDecisionVariable,
  type EvaluatedNamedFunction,
  type EvaluateOptions,
  type Evaluation,
  Function,
  type FunctionKind,
  type FunctionLike,
  type HuboConversion,
  type HuboFormat,
  Instance,
  type InstanceComponents,
  type InstanceStats,
  ModelVariable,
  type Monomial,
  type OmmxVersion,
  type ParameterSpec,
  ParametricInstance,
  type ParametricInstanceComponents,
  ProblemPayload,
  type ProcessMetadataLike,
  ProtobufPayload,
  type QuboConversion,
  type QuboConversionOptions,
  type QuboFormat,
  type QuboTerms,
  type ResultData,
  ResultPayload,
  type SampledConstraint,
  type SampledDecisionVariable,
  type SampledNamedFunction,
  SampledValues,
  SampleSet,
  type SampleSetData,
  type SamplesLike,
  type SaveMpsOptions,
  Solution,
  type SolutionData,
  type SolutionSummary,
  type VariableLabelOptions,
  type VariableOptions,
} from "./codecs/ommx/mod.ts";
// Analysis: the *Df() tables (pandas DataFrames in the Python SDK) and their options
export {
  type ConstraintKindName,
  type ConstraintsDfOptions,
  type DfOptions,
  type InstanceConstraintsDfOptions,
  type PandasDtype,
  Table,
  type TableCell,
  type TableColumn,
  type TableColumnType,
  type TableInclude,
} from "./codecs/ommx/mod.ts";
export type * from "./codecs/ommx/instance_data.ts";
export type * from "./codecs/ommx/types.ts";
export {
  type AttributeValue,
  type SpanEvent,
  type SpanKind,
  type SpanStatus,
  TraceResult,
  type TraceSpan,
} from "./codecs/trace/trace_result.ts";
