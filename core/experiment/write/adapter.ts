/**
 * The adapter contracts: what a TypeScript solver or sampler implements so
 * that `Run.logSolve` / `Run.logSample` / `Run.openSolve` can call it and record the
 * call (input, output, options, diagnostics, trace spans).
 *
 * @module
 */
import type { InstanceLike, ResultLike } from "./payload_like.ts";

/** Adapter options: a plain object (written as Python `json.dumps`) or a JSON-object text. */
export type AdapterOptionsInput = Readonly<Record<string, unknown>> | string;

/** Passed to adapters by {@linkcode Run.logSolve} / {@linkcode Run.logSample} / {@linkcode Run.openSolve}. */
export interface AdapterContext {
  /**
   * Record one diagnostics report (stored as a MessagePack map/array element).
   * Kept only when the caller asked for it (`storeDiagnostics: true`, the
   * reference's `store_diagnostics=True`); otherwise a no-op.
   *
   * @param report The report.
   */
  recordDiagnostic(report: unknown): void;
  /**
   * Whether diagnostics are stored for this call (the reference passes its
   * adapters a sink or `None`): an adapter may skip building reports when
   * `false`.
   */
  readonly storeDiagnostics: boolean;
  /** Abort signal passed through from the caller, if any. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Run `fn` as a named phase of the adapter call. With trace storage it is a
   * child span of the `solve`/`sample` span (ERROR when `fn` throws; the error
   * propagates); without, `fn` just runs. `fn` receives a context whose `span`
   * nests under this one.
   *
   * @param name Span name, e.g. `convert`, `call`, `decode`.
   * @param fn The phase.
   * @param attributes String attributes of the span.
   * @returns What `fn` returns.
   */
  span<T>(
    name: string,
    fn: (context: AdapterContext) => T | Promise<T>,
    attributes?: Readonly<Record<string, string>>,
  ): Promise<T>;
}

/**
 * The backend model of one adapter call, for {@linkcode Run.openSolve}: what
 * the reference's adapter instance offers (`solver_input`, `decode(data)`).
 * When it is also `Disposable`, the open Solve disposes it once the Solve is
 * recorded.
 */
export interface AdapterInstance<S extends ResultLike = ResultLike> {
  /** The backend solver model built from the instance (e.g. a solver's problem object). */
  readonly solverInput: unknown;
  /**
   * Turn the backend solver's output into a Solution.
   *
   * @param data What the backend returned.
   * @returns The solution.
   */
  decode(data: unknown): S | Promise<S>;
}

/** A TypeScript solver adapter. */
export interface SolverAdapter<
  I extends InstanceLike = InstanceLike,
  S extends ResultLike = ResultLike,
  O extends Record<string, unknown> = Record<string, unknown>,
> {
  /** The adapter name recorded in the config. */
  readonly name: string;
  /**
   * Solve an instance.
   *
   * @param instance The instance.
   * @param options Adapter options.
   * @param context Diagnostics sink.
   * @returns The solution.
   */
  solve(instance: I, options: O, context: AdapterContext): S | Promise<S>;
  /**
   * Build the backend model without solving (optional): what
   * {@linkcode Run.openSolve} exposes as `solverInput` and `decode`, the
   * reference's adapter instance (`Adapter(instance, **options)`).
   *
   * @param instance The instance.
   * @param options Adapter options.
   * @param context Diagnostics sink.
   * @returns The backend model and its decoder.
   */
  instantiate?(
    instance: I,
    options: O,
    context: AdapterContext,
  ): AdapterInstance<S> | Promise<AdapterInstance<S>>;
}

/** A TypeScript sampler adapter. */
export interface SamplerAdapter<
  I extends InstanceLike = InstanceLike,
  S extends ResultLike = ResultLike,
  O extends Record<string, unknown> = Record<string, unknown>,
> {
  /** The adapter name recorded in the config. */
  readonly name: string;
  /**
   * Sample an instance.
   *
   * @param instance The instance.
   * @param options Adapter options.
   * @param context Diagnostics sink.
   * @returns The sample set.
   */
  sample(instance: I, options: O, context: AdapterContext): S | Promise<S>;
}
