/**
 * The adapter contracts: what a TypeScript solver or sampler implements so
 * that `RunBuilder.solve` / `RunBuilder.sample` can call it and record the
 * call (input, output, options, diagnostics, trace spans).
 *
 * @module
 */
import type { InstanceLike, ResultLike } from "./payload_like.ts";

/** Adapter options: a plain object (written as Python `json.dumps`) or a JSON-object text. */
export type AdapterOptionsInput = Readonly<Record<string, unknown>> | string;

/** Passed to adapters by {@linkcode RunBuilder.solve} / {@linkcode RunBuilder.sample}. */
export interface AdapterContext {
  /**
   * Record one diagnostics report (stored as a MessagePack map/array element).
   *
   * @param report The report.
   */
  recordDiagnostic(report: unknown): void;
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
