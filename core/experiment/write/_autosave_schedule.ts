// Private: the session state of an autosave policy (the reference's
// `AutosaveController`), kept by an unsealed Experiment in a Local Registry.
import { InvalidArgumentError } from "../../errors.ts";
import { AutosavePolicy } from "./autosave_policy.ts";

/**
 * The session state of a policy (the reference's `AutosaveController`):
 * which Run count was last checkpointed and when the last attempt started.
 */
export class AutosaveSchedule {
  #policy: AutosavePolicy = AutosavePolicy.everyRunClose();
  #lastSavedRunCount: number;
  #lastAttemptAt: number | undefined;

  /**
   * Start with `everyRunClose` at `runCount` closed Runs.
   *
   * @param runCount Runs already closed (restored or forked ones).
   */
  constructor(runCount: number) {
    this.#lastSavedRunCount = runCount;
  }

  /** The policy in force. */
  get policy(): AutosavePolicy {
    return this.#policy;
  }

  /**
   * Change the policy; its schedule restarts at `runCount`.
   *
   * @param policy The new policy.
   * @param runCount Runs closed so far.
   * @throws {InvalidArgumentError} When `policy` is not an `AutosavePolicy`.
   */
  set(policy: AutosavePolicy, runCount: number): void {
    if (!(policy instanceof AutosavePolicy)) {
      throw new InvalidArgumentError("setAutosavePolicy needs an AutosavePolicy");
    }
    this.#policy = policy;
    this.#lastSavedRunCount = runCount;
    this.#lastAttemptAt = undefined;
  }

  /**
   * Whether a checkpoint is due now; `minInterval` counts the attempt at once.
   *
   * @param clock A monotonic clock in milliseconds, read only by `minInterval` (a clock read
   * costs a few µs, and every run's close asks).
   * @param runCount Runs closed so far.
   * @returns `true` when a checkpoint should be written.
   */
  begin(clock: () => number, runCount: number): boolean {
    const p = this.#policy;
    let due: boolean;
    switch (p.kind) {
      case "everyRunClose":
        due = true;
        break;
      case "everyNRuns":
        due = runCount - this.#lastSavedRunCount >= p.runs!;
        break;
      case "minInterval": {
        const nowMs = clock();
        due = this.#lastAttemptAt === undefined ||
          nowMs - this.#lastAttemptAt >= p.seconds! * 1000;
        if (due) this.#lastAttemptAt = nowMs;
        break;
      }
      case "disabled":
        due = false;
        break;
    }
    return due;
  }

  /**
   * A checkpoint written outside the schedule (after a rename).
   *
   * @param nowMs A monotonic clock in milliseconds.
   */
  forced(nowMs: number): void {
    if (this.#policy.kind === "minInterval") this.#lastAttemptAt = nowMs;
  }

  /**
   * A checkpoint succeeded at `runCount` closed Runs.
   *
   * @param runCount Runs closed so far.
   */
  saved(runCount: number): void {
    this.#lastSavedRunCount = runCount;
  }
}
