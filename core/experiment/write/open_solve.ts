/**
 * `OpenSolve`: a Solve whose solver runs outside the adapter call — the
 * reference's `Run.open_solve(...)` scope. The caller drives the backend
 * (through an adapter's backend model, or an external solver by name) and
 * records the outcome with `finish(output)`, `fail(error)` or
 * `interrupt(reason)`; the Solve record is the one the reference writes.
 *
 * @module
 */
import { InvalidArgumentError, InvalidStateError } from "../../errors.ts";
import { parsePythonJson } from "../../../codecs/json/parse.ts";
import { stringifyPythonJson } from "../../../codecs/json/stringify.ts";
import type { RunStatus } from "../read/config.ts";
import type { AdapterInstance } from "./adapter.ts";
import type { ResultLike } from "./payload_like.ts";
import { reprStr } from "../../../codecs/_py_repr.ts";

/** Where {@linkcode OpenSolve.diagnostics} sends reports (the reference's `DiagnosticCollector`). */
export interface DiagnosticsSink {
  /**
   * Append one adapter-defined report (stored as one element of the Solve's
   * MessagePack diagnostics array).
   *
   * @param report The report.
   */
  record(report: unknown): void;
}

/** Options of {@linkcode OpenSolve.finish}. */
export interface FinishSolveOptions {
  /** More diagnostics reports, appended after those recorded through {@linkcode OpenSolve.diagnostics}. */
  diagnostics?: readonly unknown[];
}

/** How the scope of an {@linkcode OpenSolve} ended (the reference's `terminal_state.outcome`). */
export type OpenSolveOutcome =
  | "finished"
  | "failed"
  | "interrupted"
  | "missing_decode"
  | "recording_failed";

/** What an {@linkcode OpenSolve} needs from its Run (internal wiring). */
export interface OpenSolveHost {
  /** The reserved solve id. */
  readonly solveId: number;
  /** The adapter name recorded. */
  readonly adapterName: string;
  /** Options given to `openSolve` (plain object). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Whether diagnostics are collected (`storeDiagnostics`). */
  readonly storeDiagnostics: boolean;
  /** The adapter's backend model, when opened from an adapter that builds one. */
  readonly instance: AdapterInstance | undefined;
  /**
   * Record the Solve and release the reservation; `error` ends the span with ERROR.
   *
   * @param status The Solve status.
   * @param output The Solution (finished only).
   * @param optionsText The adapter options JSON text.
   * @param diagnostics The diagnostics reports.
   * @param spanError The span's error (reason text or Error), when not finished.
   */
  record(
    status: RunStatus,
    output: ResultLike | undefined,
    optionsText: string,
    diagnostics: readonly unknown[],
    spanError: unknown,
  ): Promise<void>;
}

const DISPOSED_WITHOUT_OUTCOME =
  "OpenSolve was left without finish(), fail() or interrupt() (and no decode() output)";

let construct: (host: OpenSolveHost) => OpenSolve;

/**
 * A Solve in progress whose solver the caller runs: created by
 * `Run.openSolve(adapterOrName, input, options?)`, which reserves its
 * {@linkcode OpenSolve.solveId} (the reference reserves it when the `with`
 * block is entered; TypeScript has no enter step, so it is reserved at once).
 *
 * End it with {@linkcode OpenSolve.finish} (the Solution; a `finished`
 * record), {@linkcode OpenSolve.fail} or {@linkcode OpenSolve.interrupt} (no
 * output). `await using` ends a scope left without any of them: with the
 * output of an earlier {@linkcode OpenSolve.decode} it is recorded
 * `finished` (as the reference does when `decode` succeeded), otherwise
 * `failed` — the reference records `failed` both for an exception and for a
 * missing `decode`. A disposer cannot see an exception in flight, so it never
 * throws: call `fail(error)` in a `catch` to keep the reason text.
 *
 * @example An external solver by name
 * ```ts
 * import { createExperimentBuilder } from "./experiment_builder.ts";
 * import { Function, Instance, Solution } from "../../../codecs/ommx/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const instance = new Instance({
 *   sense: "maximize",
 *   objective: Function.linear([[1, 2]]),
 *   decisionVariables: [{ id: 1, kind: "binary", bound: { lower: 0, upper: 1 }, subscripts: [], parameters: {} }],
 * });
 * const builder = createExperimentBuilder({ imageName: "example.com/demo/open:v1" });
 * await builder.withRun(async (run) => {
 *   await using solve = await run.openSolve("external.Solver", instance, { time_limit: 10 });
 *   solve.logAdapterOption("threads", 4);
 *   await solve.finish(Solution.evaluate(instance, new Map([[1, 1]])));
 * });
 * const exp = await builder.commit();
 * const [s] = exp.runs[0]!.solves;
 * assert.equal(s?.adapterOptionsJson, '{"time_limit": 10, "threads": 4}');
 * assert.equal(s?.status, "finished");
 * ```
 */
export class OpenSolve implements AsyncDisposable {
  readonly #host: OpenSolveHost;
  readonly #options: Map<string, unknown>;
  readonly #diagnostics: unknown[] = [];
  #decoded: ResultLike | undefined;
  #outcome: OpenSolveOutcome | undefined;
  #closing = false;

  private constructor(host: OpenSolveHost) {
    this.#host = host;
    this.#options = new Map(Object.entries(host.options));
  }

  static {
    construct = (host) => new OpenSolve(host);
  }

  /** The reserved Solve id. */
  get solveId(): number {
    return this.#host.solveId;
  }

  /** The adapter name recorded for this Solve. */
  get adapterName(): string {
    return this.#host.adapterName;
  }

  /**
   * The adapter's backend model object (the reference's `adapter`, the
   * adapter instance): `null` when opened by adapter name.
   */
  get adapter(): AdapterInstance | null {
    return this.#host.instance ?? null;
  }

  /**
   * The backend model the adapter built (the reference's `solver_input`).
   *
   * @throws {InvalidStateError} When opened by adapter name (an external
   * solver: there is no backend model), or after the scope ended.
   */
  get solverInput(): unknown {
    return this.#adapterInstance("solverInput").solverInput;
  }

  /**
   * Where to record diagnostics reports, or `null` when the Solve was opened
   * without `storeDiagnostics: true` (the reference's `diagnostics`).
   */
  get diagnostics(): DiagnosticsSink | null {
    if (!this.#host.storeDiagnostics) return null;
    return { record: (report) => void this.#diagnostics.push(report) };
  }

  /**
   * `null` while open; afterwards how the scope ended (the `outcome` of the
   * reference's `terminal_state`).
   */
  get outcome(): OpenSolveOutcome | null {
    return this.#outcome ?? null;
  }

  #assertOpen(what: string): void {
    if (this.#outcome !== undefined || this.#closing) {
      throw new InvalidStateError(`OpenSolve has already been closed; cannot ${what}`);
    }
  }

  #adapterInstance(what: string): AdapterInstance {
    this.#assertOpen(what);
    const instance = this.#host.instance;
    if (instance === undefined) {
      throw new InvalidStateError(
        `OpenSolve of ${this.#host.adapterName} has no backend model (${what}): it was opened by adapter name; record the outcome with finish(output)`,
      );
    }
    return instance;
  }

  /**
   * Record an adapter option set directly on the backend model: stored in
   * the Solve's adapter options (an existing key keeps its place and takes
   * the new value, as a Python dict update).
   *
   * @param name The option name.
   * @param value A JSON-serialisable value.
   * @throws {EncodeError} When the options would no longer serialise as JSON (the option is not kept).
   * @throws {InvalidStateError} After the scope ended.
   */
  logAdapterOption(name: string, value: unknown): void {
    this.#assertOpen("logAdapterOption");
    if (typeof name !== "string") throw new InvalidArgumentError("option name must be a string");
    const had = this.#options.has(name);
    const previous = this.#options.get(name);
    this.#options.set(name, value);
    try {
      this.#optionsText();
    } catch (e) {
      if (had) this.#options.set(name, previous);
      else this.#options.delete(name);
      throw e;
    }
  }

  #optionsText(): string {
    const text = stringifyPythonJson(Object.fromEntries(this.#options));
    parsePythonJson(text);
    return text;
  }

  /**
   * Decode the backend output through the adapter (the reference's
   * `decode(data)`): the Solution becomes this scope's output, recorded when
   * the scope ends (or at once with {@linkcode OpenSolve.finish}).
   *
   * @param data What the backend solver returned.
   * @returns The decoded Solution.
   * @throws {InvalidStateError} When opened by name, or after the scope ended.
   */
  async decode(data: unknown): Promise<ResultLike> {
    const instance = this.#adapterInstance("decode");
    this.#decoded = undefined;
    const solution = await instance.decode(data);
    if (
      solution === null || typeof solution !== "object" || typeof solution.toBytes !== "function"
    ) {
      throw new InvalidArgumentError(
        `Adapter ${this.#host.adapterName} decode(...) returned no encodable Solution`,
      );
    }
    this.#decoded = solution;
    return solution;
  }

  async #close(
    outcome: OpenSolveOutcome,
    status: RunStatus,
    output: ResultLike | undefined,
    spanError: unknown,
  ): Promise<void> {
    this.#closing = true;
    try {
      await this.#host.record(status, output, this.#optionsText(), this.#diagnostics, spanError);
      this.#outcome = outcome;
    } catch (e) {
      this.#outcome = "recording_failed";
      throw e;
    }
  }

  /**
   * Record the Solve as `finished` with `output` now.
   *
   * @param output The Solution (default: the one {@linkcode OpenSolve.decode} returned).
   * @param options More diagnostics reports.
   * @returns Nothing.
   * @throws {InvalidArgumentError} When there is no output to record.
   * @throws {InvalidStateError} After the scope ended.
   */
  async finish(output?: ResultLike, options: FinishSolveOptions = {}): Promise<void> {
    this.#assertOpen("finish");
    const result = output ?? this.#decoded;
    if (result === undefined || result === null || typeof result.toBytes !== "function") {
      throw new InvalidArgumentError(
        "OpenSolve.finish needs an output Solution (or a decode(...) before it)",
      );
    }
    for (const report of options.diagnostics ?? []) this.#diagnostics.push(report);
    await this.#close("finished", "finished", result, undefined);
  }

  /**
   * Record the Solve as `failed` (no output), the span ERROR with the
   * reference's reason text of `error`.
   *
   * @param error The error (or a reason text).
   * @returns Nothing.
   */
  async fail(error: unknown): Promise<void> {
    this.#assertOpen("fail");
    await this.#close("failed", "failed", undefined, error);
  }

  /**
   * Record the Solve as `interrupted` (Python: `KeyboardInterrupt`).
   *
   * @param reason Optional error or text.
   * @returns Nothing.
   */
  async interrupt(reason?: unknown): Promise<void> {
    this.#assertOpen("interrupt");
    await this.#close("interrupted", "interrupted", undefined, reason ?? "interrupted");
  }

  /**
   * `await using` support: a scope left open is recorded `finished` with the
   * decoded output when {@linkcode OpenSolve.decode} succeeded, else
   * `failed`. Never throws for a missing outcome (see the class notes).
   *
   * @returns Nothing.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#outcome !== undefined || this.#closing) return;
    if (this.#decoded !== undefined) {
      await this.#close("finished", "finished", this.#decoded, undefined);
    } else {
      await this.#close("missing_decode", "failed", undefined, DISPOSED_WITHOUT_OUTCOME);
    }
  }

  /**
   * The same text as the reference's `OpenSolve.__repr__`.
   *
   * @returns `OpenSolve(adapter='…', solve_id=N, state='active'|'closed', …)`.
   */
  toString(): string {
    const adapter = `adapter=${reprStr(this.#host.adapterName)}`;
    if (this.#outcome === undefined) {
      return `OpenSolve(${adapter}, solve_id=${this.solveId}, state='${
        this.#closing ? "finalizing" : "active"
      }')`;
    }
    return `OpenSolve(${adapter}, solve_id=${this.solveId}, state='closed', outcome='${this.#outcome}')`;
  }
}

/**
 * Create the handle of a reserved Solve (what `Run.openSolve` calls).
 *
 * @param host The Run's wiring for this Solve.
 * @returns The open Solve.
 */
export function startOpenSolve(host: OpenSolveHost): OpenSolve {
  return construct(host);
}
