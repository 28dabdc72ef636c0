/**
 * The HiGHS solver adapter: {@linkcode HighsAdapter} (and the ready-made
 * {@linkcode OMMXHighsAdapter}) solves an OMMX `Instance` with HiGHS compiled to WebAssembly
 * (`npm:highs`) and returns a `Solution` evaluated on the Instance. It implements the
 * `SolverAdapter` contract of `@ommx-ts/experiment`, so `run.logSolve(OMMXHighsAdapter, instance,
 * options)` records the Solve (input, output, options, diagnostics, `convert`/`call`/`decode`
 * trace spans) as the reference's `run.log_solve(OMMXHighsAdapter, instance)` does.
 *
 * @module
 */
import highsModule from "npm:highs@1.15.3";
import type {
  Highs,
  HighsCallbackMap,
  InitOptions,
  Model,
  ModelData,
  ObjectiveSense,
} from "npm:highs@1.15.3";
import {
  type AdapterContext,
  InfeasibleDetected,
  type Instance,
  InvalidArgumentError,
  NoSolutionReturned,
  type Solution,
  type SolverAdapter,
  UnboundedDetected,
} from "@ommx-ts/experiment";
import { OMMXHighsAdapterError } from "./errors.ts";
import {
  type HighsOptionValue,
  type HighsSettings,
  highsSettings,
  type HighsSolveOptions,
} from "./options.ts";
import {
  diagnosticRecord,
  type HighsTerminationReport,
  progressSnapshotFromCallbackEvent,
} from "./diagnostics.ts";
import { type HighsModelArrays, translate, type Translation } from "./_translate.ts";
import { buildSolution, completeState } from "./_decode.ts";

/**
 * The package's loader. `npm:highs` declares itself CommonJS, so the type checker sees its
 * default export as the module; at run time (its ES module build) it is the loader function.
 */
const loadHighs = highsModule as unknown as (options?: InitOptions) => Promise<Highs>;

/** The adapter name recorded in the Experiment (`Solve.adapter`). */
export const HIGHS_ADAPTER_NAME = "@ommx-ts/highs-adapter.OMMXHighsAdapter";

/** How to load HiGHS and where its log goes; fixed for the adapter's lifetime. */
export interface HighsAdapterInit {
  /**
   * Receives HiGHS's log, one line per call, for every solve (in addition to the console when a
   * solve sets `verbose`). Without it, and without `verbose`, HiGHS prints nothing.
   */
  log?: (line: string) => void;
  /**
   * Where the loader finds `highs.wasm` (a URL or path), for bundles that do not keep it beside
   * the loader. See `npm:highs`'s `locateFile`.
   */
  locateFile?: (file: string) => string;
  /** The bytes of `highs.wasm`, when they are at hand (no lookup then). */
  wasmBinary?: ArrayBuffer | ArrayBufferView;
  /** A compiled `highs.wasm` module, to share one compilation between adapters. */
  wasmModule?: WebAssembly.Module;
}

/** The HiGHS build an adapter runs. */
export interface HighsVersionInfo {
  /** HiGHS version, e.g. `1.15.1`. */
  readonly version: string;
  /** HiGHS git hash. */
  readonly githash: string;
}

/** HiGHS model status codes (`highs.constants.modelStatus`) and their HiGHS texts. */
const STATUS_TEXT: readonly string[] = [
  "Not Set",
  "Load error",
  "Model error",
  "Presolve error",
  "Solve error",
  "Postsolve error",
  "Empty",
  "Optimal",
  "Infeasible",
  "Primal infeasible or unbounded",
  "Unbounded",
  "Bound on objective reached",
  "Target for objective reached",
  "Time limit reached",
  "Iteration limit reached",
  "Unknown",
  "Solution limit reached",
  "Interrupted by user",
  "Memory limit reached",
  "Interrupted by HiGHS",
];
const NOT_SET = 0;
const EMPTY = 6;
const OPTIMAL = 7;
const INFEASIBLE = 8;
const UNBOUNDED_OR_INFEASIBLE = 9;
const UNBOUNDED = 10;
/** Statuses after which HiGHS reports no objective value (as the reference's report). */
const NO_OBJECTIVE = new Set([0, 1, 2, 3, 4, 5, INFEASIBLE, UNBOUNDED_OR_INFEASIBLE, UNBOUNDED]);
/** Statuses that are HiGHS failures. */
const ERRORS = new Set([1, 2, 3, 4, 5]);
/** HiGHS callback type of MIP logging (`highs.constants.callbackType.mipLogging`). */
const MIP_LOGGING = 5;
/** How many HiGHS log lines a failure message may quote. */
const QUOTED_LINES = 5;

const statusText = (status: number) => STATUS_TEXT[status] ?? `status ${status}`;

/** A sink for HiGHS's printed lines during one synchronous stretch of a solve. */
interface LogSink {
  /** Receives every line. */
  readonly line: (line: string) => void;
  /** The last lines that look like HiGHS errors or warnings, for failure messages. */
  readonly problems: string[];
  /** Whether anyone reads the log (verbose, or a log callback): HiGHS logs the run only then. */
  readonly listens: boolean;
}

/**
 * A HiGHS solver adapter (HiGHS 1.15 as WebAssembly, from `npm:highs`).
 *
 * Solves linear problems over binary, integer, continuous, semi-continuous and semi-integer
 * variables, and convex quadratic objectives (concave when maximising) of continuous problems;
 * refuses anything else with an `AdapterNotApplicableError` before HiGHS is called. See the
 * package README for the translation, the differences from the reference adapter, and the
 * diagnostics.
 *
 * @example Solve a knapsack directly
 * ```ts
 * import { OMMXHighsAdapter } from "./mod.ts";
 * import { Function, Instance } from "@ommx-ts/experiment";
 * import assert from "node:assert/strict";
 *
 * const profit = [10, 13, 18, 32, 7, 15];
 * const weight = [11, 15, 20, 35, 10, 33];
 * const instance = new Instance({
 *   sense: "maximize",
 *   objective: Function.linear(profit.map((p, i) => [i, p])),
 *   decisionVariables: profit.map((_, id) => ({
 *     id, kind: "binary" as const, bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {},
 *   })),
 *   constraints: [{
 *     id: 0, equality: "<=", function: Function.linear(weight.map((w, i) => [i, w]), -47),
 *     subscripts: [], parameters: {},
 *   }],
 * });
 * const solution = await OMMXHighsAdapter.solve(instance, { timeLimit: 10 });
 * assert.equal(solution.objective, 42);
 * assert.equal(solution.optimality, "optimal");
 * assert.deepEqual([...solution.state].filter(([, x]) => x > 0.5).map(([id]) => id), [0, 3]);
 * ```
 */
export class HighsAdapter implements SolverAdapter<Instance, Solution, HighsSolveOptions> {
  /** The adapter name recorded in the Experiment: {@linkcode HIGHS_ADAPTER_NAME}. */
  readonly name: string = HIGHS_ADAPTER_NAME;
  readonly #init: HighsAdapterInit;
  #runtime: Promise<Highs> | undefined;
  #sink: LogSink | undefined;
  /** The sink of the model last handed out by `instantiate`, for the runs its caller starts. */
  #openSink: LogSink | undefined;

  /**
   * Create an adapter. HiGHS is loaded on the first solve (or {@linkcode HighsAdapter.load}).
   *
   * @param init How to load HiGHS and where its log goes.
   */
  constructor(init: HighsAdapterInit = {}) {
    this.#init = { ...init };
  }

  /**
   * Load HiGHS now (the first solve does otherwise), e.g. to keep the WebAssembly compilation
   * out of the first solve's time.
   *
   * @returns The HiGHS build.
   * @throws {OMMXHighsAdapterError} when the WebAssembly module cannot be loaded.
   */
  async load(): Promise<HighsVersionInfo> {
    const highs = await this.#highs();
    return { version: highs.version.string, githash: highs.version.gitHash };
  }

  #highs(): Promise<Highs> {
    let runtime = this.#runtime;
    if (runtime === undefined) {
      runtime = this.#loadRuntime().catch((cause: unknown) => {
        this.#runtime = undefined;
        throw new OMMXHighsAdapterError(
          `Could not load the HiGHS WebAssembly module: ${
            cause instanceof Error ? cause.message : String(cause)
          }`,
          { cause },
        );
      });
      this.#runtime = runtime;
    }
    return runtime;
  }

  async #loadRuntime(): Promise<Highs> {
    const forward = (line: string) => (this.#sink ?? this.#openSink)?.line(line);
    const options: InitOptions & {
      instantiateWasm?: (
        imports: WebAssembly.Imports,
        receive: (instance: WebAssembly.Instance) => void,
      ) => Record<string, never>;
    } = { print: forward, printErr: forward };
    if (this.#init.locateFile !== undefined) options.locateFile = this.#init.locateFile;
    const { wasmBinary, wasmModule } = this.#init;
    if (wasmModule === undefined && wasmBinary === undefined) return await loadHighs(options);
    // npm:highs 1.15.3 documents wasmBinary/wasmModule but its loader ignores them; Emscripten's
    // instantiateWasm hook is honoured. It has no failure path, hence the race with `failed`.
    const module = wasmModule ??
      await WebAssembly.compile(
        ArrayBuffer.isView(wasmBinary)
          ? new Uint8Array(wasmBinary.buffer, wasmBinary.byteOffset, wasmBinary.byteLength)
            .slice()
          : new Uint8Array(wasmBinary!).slice(),
      );
    let fail: (error: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => (fail = reject));
    options.instantiateWasm = (imports, receive) => {
      WebAssembly.instantiate(module, imports).then(receive, fail);
      return {};
    };
    return await Promise.race([loadHighs(options), failed]);
  }

  /** Run `fn` with HiGHS's printed lines going to `sink` (synchronous stretches only). */
  #printingTo<T>(sink: LogSink, fn: () => T): T {
    const previous = this.#sink;
    this.#sink = sink;
    try {
      return fn();
    } finally {
      this.#sink = previous;
    }
  }

  /**
   * Solve an instance with HiGHS (the reference's `OMMXHighsAdapter.solve`).
   *
   * Everything that can be refused is refused before HiGHS runs: unknown or ill-typed options
   * and non-finite numbers, inverted bounds or ids outside `[0, 2^53-1]` in the instance
   * (`InvalidArgumentError`); quadratic constraints, indicator / one-hot / SOS1 constraints,
   * objectives of degree 3 or more, quadratic objectives over non-continuous variables or that
   * are not convex (`AdapterNotApplicableError`); constant constraints that cannot hold
   * ({@linkcode OMMXHighsAdapterError}).
   *
   * With a context (as `run.logSolve` passes), the phases are `convert`, `call` and `decode`
   * spans, and the diagnostics are recorded: a {@linkcode HighsProgressSnapshot} per HiGHS MIP
   * logging callback and a {@linkcode HighsTerminationReport} after each HiGHS run.
   *
   * HiGHS runs synchronously in the calling thread: the context's abort signal is checked
   * before HiGHS starts, not during the run — bound the run with `timeLimit` (or solve in a
   * Worker).
   *
   * @param instance The instance.
   * @param options Per-solve options (recorded as given by `run.logSolve`).
   * @param context The recording context (`run.logSolve` passes one; optional when called directly).
   * @returns The solution, evaluated on the instance; `optimality` is `optimal` when HiGHS
   *   proved it (and the instance's output objective, if any, preserves optimality).
   * @throws {InfeasibleDetected} when HiGHS proves the problem infeasible.
   * @throws {UnboundedDetected} when HiGHS proves it unbounded.
   * @throws {NoSolutionReturned} when HiGHS stops (a limit) without any solution.
   * @throws {OMMXHighsAdapterError} when HiGHS fails or cannot tell infeasible from unbounded.
   */
  async solve(
    instance: Instance,
    options: HighsSolveOptions = {},
    context?: AdapterContext,
  ): Promise<Solution> {
    const settings = highsSettings(options);
    context?.signal?.throwIfAborted();
    const highs = await this.#highs();
    const phase = phaseRunner(context);
    const sink = this.#logSink(settings);
    const store = storesDiagnostics(context);
    const held: { model?: Model } = {};
    try {
      const translation = await phase("convert", () => {
        const t = translate(instance, this.name);
        held.model = this.#build(highs, t, settings, sink, store);
        return t;
      });
      const model = held.model!;
      context?.signal?.throwIfAborted();
      const record = store ? (report: unknown) => context!.recordDiagnostic(report) : undefined;
      const run = await phase(
        "call",
        () => this.#printingTo(sink, () => runHighs(model, translation, settings, highs, record)),
      );
      return await phase("decode", () => decode(instance, translation, model, run));
    } finally {
      held.model?.dispose();
    }
  }

  /**
   * Build the HiGHS model of an instance without solving it — the reference's
   * `OMMXHighsAdapter(instance)`, and what `run.openSolve(OMMXHighsAdapter, instance, options)`
   * hands out: run {@linkcode HighsSolverInstance.solverInput} (a `npm:highs` `Model`) yourself,
   * then {@linkcode HighsSolverInstance.decode} it. Checks and refusals are those of
   * {@linkcode HighsAdapter.solve}; the options are applied to the model.
   *
   * @param instance The instance.
   * @param options Per-solve options.
   * @param context The recording context (its `convert` span), when called by a Run.
   * @returns The model and its decoder.
   *
   * @example Drive HiGHS directly
   * ```ts
   * import { OMMXHighsAdapter } from "./mod.ts";
   * import { Function, Instance } from "@ommx-ts/experiment";
   * import assert from "node:assert/strict";
   *
   * const instance = new Instance({
   *   sense: "maximize",
   *   objective: Function.linear([[0, 1], [1, 2]]),
   *   decisionVariables: [0, 1].map((id) => ({
   *     id, kind: "binary" as const, bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {},
   *   })),
   *   constraints: [{
   *     id: 0, equality: "<=", function: Function.linear([[0, 1], [1, 1]], -1),
   *     subscripts: [], parameters: {},
   *   }],
   * });
   * using adapter = await OMMXHighsAdapter.instantiate(instance);
   * adapter.solverInput.options.set("mip_rel_gap", 0);
   * adapter.solverInput.run();
   * const solution = await adapter.decode(adapter.solverInput);
   * assert.equal(solution.objective, 2);
   * ```
   */
  async instantiate(
    instance: Instance,
    options: HighsSolveOptions = {},
    context?: AdapterContext,
  ): Promise<HighsSolverInstance> {
    const settings = highsSettings(options);
    const highs = await this.#highs();
    const sink = this.#logSink(settings);
    return await phaseRunner(context)("convert", () => {
      const translation = translate(instance, this.name);
      const store = storesDiagnostics(context);
      const model = this.#build(highs, translation, settings, sink, store);
      return new HighsSolverInstance(instance, translation, model, highs, {
        settings,
        record: store ? (report) => context!.recordDiagnostic(report) : undefined,
        open: () => (this.#openSink = sink),
        close: () => {
          if (this.#openSink === sink) this.#openSink = undefined;
        },
      });
    });
  }

  #build(
    highs: Highs,
    translation: Translation,
    settings: HighsSettings,
    sink: LogSink,
    progress: boolean,
  ): Model {
    return this.#printingTo(sink, () => {
      const model = highs.createModel();
      try {
        configure(model, translation.model, settings, sink, highs, progress);
        return model;
      } catch (error) {
        model.dispose();
        throw error;
      }
    });
  }

  #logSink(settings: HighsSettings): LogSink {
    const user = this.#init.log;
    const problems: string[] = [];
    return {
      problems,
      listens: settings.verbose || user !== undefined,
      line: (line) => {
        if (/^\s*(ERROR|WARNING)/.test(line)) {
          problems.push(line.trim());
          if (problems.length > QUOTED_LINES) problems.shift();
        }
        if (user !== undefined) user(line);
        if (settings.verbose) console.log(line);
      },
    };
  }
}

/** Runs a phase as a span of the context, or just runs it. */
function phaseRunner(context: AdapterContext | undefined) {
  return <T>(name: string, fn: () => T): Promise<T> =>
    context === undefined ? Promise.resolve().then(fn) : context.span(name, () => fn());
}

/**
 * Whether the caller keeps diagnostics (`storeDiagnostics: true` on `run.logSolve` /
 * `run.openSolve`, the reference's `store_diagnostics=True`): only then are reports built.
 */
function storesDiagnostics(context: AdapterContext | undefined): boolean {
  return context?.storeDiagnostics === true;
}

/**
 * The members of a `npm:highs` (1.15) persistent `Model` that a caller of
 * {@linkcode HighsAdapter.instantiate} typically needs; the object is the whole `Model` (cast it
 * to `import("npm:highs@1.15.3").Model` for the rest: bases, ranging, IIS, MPS export, …).
 */
export interface HighsModel {
  /** Run HiGHS to termination or a limit (synchronous; callbacks as in `npm:highs`). */
  run(callbacks?: Readonly<Record<number, (event: unknown) => undefined>>): {
    /** The HiGHS model status code. */
    readonly modelStatus: number;
  };
  /** HiGHS options of this model, by snake_case name. */
  readonly options: {
    /** Set one option. */
    set(name: string, value: HighsOptionValue): unknown;
    /** Read one option. */
    get(name: string): HighsOptionValue;
  };
  /** HiGHS information values (`mip_node_count`, `simplex_iteration_count`, …). */
  readonly info: {
    /** Read one value (64-bit counters as `bigint`). */
    get(name: string): number | bigint;
  };
  /** The HiGHS model status code (7 optimal, 8 infeasible, 10 unbounded, 13 time limit, …). */
  getModelStatus(): number;
  /** The objective value of the current solution. */
  getObjectiveValue(): number;
  /** Seconds HiGHS spent in runs. */
  getRunTime(): number;
}

/** What {@linkcode HighsSolverInstance} needs from the adapter that made it. */
interface SolverInstanceWiring {
  /** The solve's checked settings. */
  readonly settings: HighsSettings;
  /** Where diagnostics go, when they are stored. */
  readonly record: ((report: unknown) => void) | undefined;
  /** Route the adapter's printed lines to this instance's log sink. */
  readonly open: () => void;
  /** Stop routing them. */
  readonly close: () => void;
}

/** Frees a model nobody disposed once its instance is garbage-collected. */
const orphans = new FinalizationRegistry<Model>((model) => model.dispose());

/**
 * A HiGHS model built from an instance, and its decoder — the reference's adapter instance
 * (`solver_input`, `decode`, `decode_to_state`), from {@linkcode HighsAdapter.instantiate}.
 * The model owns WebAssembly memory: {@linkcode HighsSolverInstance.dispose} (or `using`)
 * frees it; an instance dropped without it is freed when garbage-collected.
 */
export class HighsSolverInstance implements Disposable {
  /** The HiGHS model (a `npm:highs` persistent `Model`): set options, `run()` it, inspect it. */
  readonly solverInput: HighsModel;
  readonly #model: Model;
  readonly #instance: Instance;
  readonly #translation: Translation;
  readonly #highs: Highs;
  readonly #wiring: SolverInstanceWiring;

  /**
   * Internal: made by {@linkcode HighsAdapter.instantiate}.
   *
   * @param instance The instance.
   * @param translation Its translation.
   * @param model The model.
   * @param highs The runtime.
   * @param wiring The solve's settings, where its diagnostics go, and the routing of its log.
   */
  constructor(
    instance: Instance,
    translation: Translation,
    model: Model,
    highs: Highs,
    wiring: SolverInstanceWiring,
  ) {
    this.solverInput = model as unknown as HighsModel;
    this.#model = model;
    this.#instance = instance;
    this.#translation = translation;
    this.#highs = highs;
    this.#wiring = wiring;
    wiring.open();
    orphans.register(this, model, this);
  }

  /**
   * Run HiGHS on the model as {@linkcode HighsAdapter.solve} does, and return the model for
   * {@linkcode HighsSolverInstance.decode}: with diagnostics stored (`run.openSolve(...,
   * { storeDiagnostics: true })`), a {@linkcode HighsProgressSnapshot} per MIP logging callback
   * and a {@linkcode HighsTerminationReport} after each HiGHS run go to the open Solve's
   * diagnostics; when presolve cannot tell infeasible from unbounded, HiGHS runs once more
   * without presolve. Options set on {@linkcode HighsSolverInstance.solverInput} before apply.
   * Running `solverInput.run()` yourself is the reference's way (no diagnostics are recorded
   * then; {@linkcode HighsSolverInstance.terminationReport} gives the report to record).
   *
   * Synchronous: HiGHS blocks the calling thread until it stops (bound it with `timeLimit`).
   *
   * @returns The model ({@linkcode HighsSolverInstance.solverInput}), run.
   * @throws {OMMXHighsAdapterError} when HiGHS itself throws, or after
   *   {@linkcode HighsSolverInstance.dispose}.
   */
  run(): HighsModel {
    this.#assertLive();
    const { failure, status } = runHighs(
      this.#model,
      this.#translation,
      this.#wiring.settings,
      this.#highs,
      this.#wiring.record,
    );
    if (failure !== undefined) {
      throw new OMMXHighsAdapterError(
        `HiGHS failed [status: ${statusText(status)}]${
          failure instanceof Error ? `: ${failure.message}` : ""
        }`,
        { cause: failure },
      );
    }
    return this.solverInput;
  }

  /**
   * HiGHS's summary of the model's last run — the reference's
   * `HighsTerminationReport.from_model(model)`: what to record in an open Solve's diagnostics
   * after running {@linkcode HighsSolverInstance.solverInput} yourself (through
   * {@linkcode diagnosticRecord}, which keeps floats floats).
   *
   * @returns The report (status `"Not Set"` before any run).
   * @throws {OMMXHighsAdapterError} after {@linkcode HighsSolverInstance.dispose}.
   */
  terminationReport(): HighsTerminationReport {
    this.#assertLive();
    return terminationReport(this.#model, this.#model.getModelStatus(), this.#highs);
  }

  #assertLive(): void {
    if (this.#disposed) {
      throw new OMMXHighsAdapterError("This HiGHS adapter instance has been disposed");
    }
  }

  #disposed = false;

  #check(data: unknown): Model {
    this.#assertLive();
    if (data !== this.#model) {
      throw new InvalidArgumentError(
        "decode takes the HiGHS model of this adapter instance (its solverInput)",
      );
    }
    return this.#model;
  }

  #outcome(model: Model): RunResult {
    const status = model.getModelStatus();
    return {
      status,
      report: status === NOT_SET ? undefined : terminationReport(model, status, this.#highs),
      failure: undefined,
    };
  }

  /**
   * The state of the used variables after the model was run (the reference's
   * `decode_to_state`): variable id → column value.
   *
   * @param data The model ({@linkcode HighsSolverInstance.solverInput}) after `run()`.
   * @returns Value by variable id.
   * @throws As {@linkcode HighsSolverInstance.decode}.
   */
  decodeToState(data: unknown): Map<number, number> {
    const model = this.#check(data);
    const colValue = solutionColumns(this.#translation, model, this.#outcome(model)).colValue;
    const ids = this.#translation.columnIds;
    return new Map(ids.map((id, col) => [id, colValue[col]!]));
  }

  /**
   * The Solution of the model after it was run (the reference's `decode`).
   *
   * @param data The model ({@linkcode HighsSolverInstance.solverInput}) after `run()`.
   * @returns The solution, evaluated on the instance.
   * @throws {OMMXHighsAdapterError} when the model has not been run, or HiGHS failed.
   * @throws {InfeasibleDetected} / {UnboundedDetected} / {NoSolutionReturned} as `solve`.
   */
  decode(data: unknown): Promise<Solution> {
    return Promise.resolve().then(() => {
      const model = this.#check(data);
      return decode(this.#instance, this.#translation, model, this.#outcome(model));
    });
  }

  /** Free the model's WebAssembly memory (idempotent). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#wiring.close();
    orphans.unregister(this);
    this.#model.dispose();
  }

  /** {@linkcode HighsSolverInstance.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** The ready-made adapter (the reference's class name): `OMMXHighsAdapter.solve(instance)`. */
export const OMMXHighsAdapter: HighsAdapter = new HighsAdapter();

function quote(sink: LogSink): string {
  return sink.problems.length === 0 ? "" : ` (HiGHS: ${sink.problems.join("; ")})`;
}

/** Options first (some decide what the model accepts), then the model. */
function configure(
  model: Model,
  arrays: HighsModelArrays,
  settings: HighsSettings,
  sink: LogSink,
  highs: Highs,
  progress: boolean,
): void {
  // The log is captured (for failure messages) while the model is passed; the run logs only
  // when someone listens.
  model.options.set({ output_flag: true, log_to_console: true });
  for (const [name, value] of settings.settings) {
    try {
      model.options.set(name, value);
    } catch (cause) {
      throw new InvalidArgumentError(
        `HiGHS refused option ${name} = ${JSON.stringify(value)}: ${
          cause instanceof Error ? cause.message : String(cause)
        }${quote(sink)}`,
      );
    }
  }
  const data: ModelData = {
    numCols: arrays.numCols,
    numRows: arrays.numRows,
    sense:
      (arrays.maximize
        ? highs.constants.objectiveSense.maximize
        : highs.constants.objectiveSense.minimize) as ObjectiveSense,
    offset: arrays.offset,
    colCost: arrays.colCost,
    colLower: arrays.colLower,
    colUpper: arrays.colUpper,
    rowLower: arrays.rowLower,
    rowUpper: arrays.rowUpper,
    matrix: {
      format: "csr",
      numRows: arrays.numRows,
      numCols: arrays.numCols,
      starts: arrays.starts,
      indices: arrays.indices,
      values: arrays.values,
    },
    ...(arrays.integrality === undefined ? {} : { integrality: arrays.integrality }),
    ...(arrays.hessian === undefined ? {} : {
      hessian: { format: "triangular" as const, dimension: arrays.numCols, ...arrays.hessian },
    }),
  };
  try {
    model.passModel(data);
  } catch (cause) {
    throw new OMMXHighsAdapterError(
      `HiGHS refused the model: ${cause instanceof Error ? cause.message : String(cause)}${
        quote(sink)
      }`,
      { cause },
    );
  }
  // HiGHS calls the MIP logging callback only while its output is on (as the reference keeps it,
  // with log_to_console off); the console sink is ours, so nothing reaches stdout unless asked.
  model.options.set({ output_flag: sink.listens || progress, log_to_console: sink.listens });
}

/** One HiGHS run's status and report. */
interface RunResult {
  readonly status: number;
  readonly report: HighsTerminationReport | undefined;
  readonly failure: unknown;
}

function terminationReport(model: Model, status: number, highs: Highs): HighsTerminationReport {
  const info = (name: string): number => {
    try {
      return Number(model.info.get(name));
    } catch {
      return Number.NaN;
    }
  };
  return {
    status: statusText(status),
    objective_value: NO_OBJECTIVE.has(status) ? null : info("objective_function_value"),
    mip_dual_bound: info("mip_dual_bound"),
    mip_gap: info("mip_gap"),
    mip_node_count: info("mip_node_count"),
    simplex_iteration_count: info("simplex_iteration_count"),
    ipm_iteration_count: info("ipm_iteration_count"),
    crossover_iteration_count: info("crossover_iteration_count"),
    pdlp_iteration_count: info("pdlp_iteration_count"),
    primal_dual_integral: info("primal_dual_integral"),
    primal_solution_status: info("primal_solution_status"),
    dual_solution_status: info("dual_solution_status"),
    max_integrality_violation: info("max_integrality_violation"),
    max_primal_infeasibility: info("max_primal_infeasibility"),
    max_dual_infeasibility: info("max_dual_infeasibility"),
    run_time_sec: model.getRunTime(),
    highs_version: highs.version.string,
    highs_githash: highs.version.gitHash,
  };
}

/**
 * Run HiGHS; when presolve could not tell infeasible from unbounded, run once more without
 * presolve, which decides it (HiGHS's own advice for that status).
 */
function runHighs(
  model: Model,
  translation: Translation,
  settings: HighsSettings,
  highs: Highs,
  record: ((report: unknown) => void) | undefined,
): RunResult {
  const once = (): RunResult => {
    const callbacks: HighsCallbackMap = record === undefined ? {} : {
      [MIP_LOGGING]: (event) =>
        void record(diagnosticRecord(progressSnapshotFromCallbackEvent(event))),
    };
    let failure: unknown;
    try {
      model.run(callbacks);
    } catch (error) {
      failure = error;
    }
    const status = model.getModelStatus();
    const report = status === NOT_SET ? undefined : terminationReport(model, status, highs);
    if (report !== undefined) record?.(diagnosticRecord(report));
    return { status, report, failure };
  };
  const first = once();
  const presolveOff = settings.settings.some(([n, v]) => n === "presolve" && v === "off");
  if (
    first.failure === undefined && first.status === UNBOUNDED_OR_INFEASIBLE && !presolveOff &&
    translation.model.numCols > 0
  ) {
    model.options.set("presolve", "off");
    model.clearSolver();
    return once();
  }
  return first;
}

/** Column values and row duals of a run that has a solution, or the error it ends in. */
function solutionColumns(
  translation: Translation,
  model: Model,
  run: RunResult,
): { colValue: ArrayLike<number>; rowDual: ArrayLike<number> | undefined } {
  const { status } = run;
  if (run.failure !== undefined || ERRORS.has(status)) {
    const cause = run.failure;
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    throw new OMMXHighsAdapterError(`HiGHS failed [status: ${statusText(status)}]${detail}`, {
      cause,
    });
  }
  if (status === NOT_SET) throw new OMMXHighsAdapterError("Model has not been optimized");
  if (status === INFEASIBLE) throw new InfeasibleDetected("Model was infeasible");
  if (status === UNBOUNDED) throw new UnboundedDetected("Model was unbounded");
  if (status === UNBOUNDED_OR_INFEASIBLE) {
    throw new OMMXHighsAdapterError(
      "HiGHS could not tell whether the model is infeasible or unbounded [status: Primal infeasible or unbounded]",
    );
  }
  if (translation.model.numCols === 0 || status === EMPTY) {
    return { colValue: new Float64Array(0), rowDual: undefined };
  }
  if ((run.report?.primal_solution_status ?? 0) < 1) {
    throw new NoSolutionReturned(
      `HiGHS stopped without a solution [status: ${statusText(status)}]`,
    );
  }
  const solution = model.getSolution();
  return { colValue: solution.colValue, rowDual: solution.rowDual };
}

function decode(
  instance: Instance,
  translation: Translation,
  model: Model,
  run: RunResult,
): Solution {
  const { colValue, rowDual } = solutionColumns(translation, model, run);
  const state = completeState(instance, translation, colValue);
  return buildSolution(instance, translation, state, {
    optimal: run.status === OPTIMAL,
    relaxed: translation.integral && (run.report?.mip_node_count ?? 0) < 0,
    rowDual,
  });
}
