/**
 * The listing behind `ommx-ts serve` with no source (the Local Registry) or
 * with `oci://host/repo` (a remote repository's tags): rows from manifests
 * and configs only, then each row's best objective, computed one
 * Experiment at a time in the background (it needs the Solve and Sampling
 * outputs), so the page shows its rows at once and fills the best-objective
 * column as it goes. Everything the listing learns is an event
 * ({@linkcode ListingEvent}); a page boots from a snapshot and streams the
 * events after it. Deno/Node side (the Local Registry needs `node:sqlite`).
 *
 * @module
 */
import {
  type Experiment,
  type ExperimentRef,
  getLocalRegistryRoot,
  InvalidArgumentError,
  listExperiments,
  listRemoteExperiments,
  type NetworkOptions,
  openExperiment,
  type RegistryListWarning,
} from "../../mod.ts";
import { summarizeExperiment } from "../summary.ts";
import type { ListingEvent, RegistryBoot } from "./boot.ts";
import { type BestUpdate, errorInfo, type ListingRow, objectiveCell } from "./model.ts";

/** How a listing opens one of its Experiments. */
export type OpenListed = (row: ListingRow) => Promise<Experiment>;

/** A listing and its events. */
export class Listing {
  /** Header title. */
  readonly title: string;
  /** Where the Experiments are. */
  readonly location: string;
  /** Every event so far, in order. */
  readonly events: ListingEvent[] = [];
  /** Whether the last event (`done`) has been pushed. */
  complete = false;
  /** Whether every row has been pushed (best objectives may still follow). */
  rowsDone = false;
  #rows = new Map<string, ListingRow>();
  #best = new Map<string, BestUpdate>();
  #notes: string[] = [];
  #waiters: (() => void)[] = [];
  #open: OpenListed;

  /**
   * @param title Header title.
   * @param location Where the Experiments are.
   * @param open How to open a listed Experiment.
   */
  constructor(title: string, location: string, open: OpenListed) {
    this.title = title;
    this.location = location;
    this.#open = open;
  }

  /**
   * Record an event and wake the streams waiting for it.
   *
   * @param event The event.
   */
  push(event: ListingEvent): void {
    if (this.complete) return;
    if (event.type === "row") {
      if (this.#rows.has(event.row.key)) return;
      this.#rows.set(event.row.key, event.row);
    } else if (event.type === "best") this.#best.set(event.best.key, event.best);
    else if (event.type === "note") this.#notes.push(event.text);
    else {
      this.complete = true;
      this.rowsDone = true;
    }
    this.events.push(event);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /**
   * The row with this key.
   *
   * @param key The key (image name).
   * @returns The row, or `undefined`.
   */
  row(key: string): ListingRow | undefined {
    return this.#rows.get(key);
  }

  /**
   * Open a listed Experiment (only rows of this listing can be opened).
   *
   * @param key The row's key.
   * @returns The Experiment.
   * @throws {InvalidArgumentError} When no row has this key, or the row could not be listed.
   */
  async open(key: string): Promise<Experiment> {
    const row = this.#rows.get(key);
    if (row === undefined) {
      throw new InvalidArgumentError(`no Experiment ${JSON.stringify(key)} in ${this.location}`);
    }
    if (row.error !== null) {
      throw new InvalidArgumentError(
        `${key} could not be listed: ${row.error.code}: ${row.error.message}`,
      );
    }
    return await this.#open(row);
  }

  /**
   * What a page boots from: everything so far.
   *
   * @returns The boot data.
   */
  snapshot(): RegistryBoot {
    return {
      mode: "registry",
      origin: "serve",
      title: this.title,
      location: this.location,
      rows: [...this.#rows.values()],
      best: [...this.#best.values()],
      notes: [...this.#notes],
      events: this.events.length,
      complete: this.complete,
    };
  }

  #closed = false;

  /** End every open stream (the server is stopping). */
  close(): void {
    this.#closed = true;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Mark the rows complete (best objectives may follow). */
  finishRows(): void {
    this.rowsDone = true;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /**
   * Wait until the listing has its rows (or `ms` passed).
   *
   * @param ms The most to wait.
   * @returns When done waiting.
   */
  async settle(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.complete && !this.rowsDone) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await this.#next(left);
    }
  }

  #next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * The events from `from` on, as they come, until the listing is complete.
   *
   * @param from The first event's index.
   * @param signal Stops the stream.
   * @returns The events.
   */
  async *stream(from: number, signal?: AbortSignal): AsyncGenerator<ListingEvent> {
    let i = Math.max(0, from);
    while (!signal?.aborted && !this.#closed) {
      while (i < this.events.length) yield this.events[i++]!;
      if (this.complete) return;
      await this.#next(15_000);
    }
  }

  /**
   * Compute every row's best objective, one Experiment at a time, then push `done`.
   *
   * @param signal Stops the work.
   * @returns When done.
   */
  async computeBest(signal?: AbortSignal): Promise<void> {
    for (const row of [...this.#rows.values()]) {
      if (signal?.aborted || this.#closed) return;
      if (row.error !== null) continue;
      let update: BestUpdate;
      try {
        const exp = await this.#open(row);
        try {
          const summary = await summarizeExperiment(exp);
          update = { key: row.key, best: objectiveCell(summary.bestObjective), error: null };
        } finally {
          await exp.close();
        }
      } catch (e) {
        update = { key: row.key, best: null, error: errorInfo(e) };
      }
      this.push({ type: "best", best: update });
      // Let requests in between two Experiments.
      await new Promise((r) => setTimeout(r, 0));
    }
    this.push({ type: "done" });
  }
}

function refRow(r: ExperimentRef): ListingRow {
  return {
    key: r.imageName,
    imageName: r.imageName,
    status: r.status,
    updatedAt: r.updatedAt,
    runs: r.runCount,
    solves: r.solveCount,
    samplings: r.samplingCount,
    digest: r.manifestDigest,
    error: null,
  };
}

function errorRow(
  imageName: string,
  digest: string,
  error: { code: string; message: string },
): ListingRow {
  return {
    key: imageName,
    imageName,
    status: "error",
    updatedAt: "",
    runs: null,
    solves: null,
    samplings: null,
    digest: /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : "",
    error,
  };
}

/**
 * List the Local Registry (as `ommx-ts ls` does: `root`, else
 * `OMMX_LOCAL_REGISTRY_ROOT`, else the SDK's data directory). The rows are
 * there when this resolves; a ref the catalogue skipped is a row with its
 * error code. Best objectives follow with {@linkcode Listing.computeBest}.
 *
 * @param root The registry root, when given.
 * @returns The listing.
 */
export async function localListing(root: string | undefined): Promise<Listing> {
  const location = root ?? await getLocalRegistryRoot();
  const listing = new Listing(
    "Local Registry",
    location,
    (row) => openExperiment({ localRegistry: row.imageName, root: location }),
  );
  const warnings: RegistryListWarning[] = [];
  const refs = await listExperiments(undefined, {
    root: location,
    onWarning: (w) => warnings.push(w),
  });
  const listed = new Set(refs.map((r) => r.imageName));
  const rows = refs.map(refRow);
  for (const w of warnings) {
    if (listed.has(w.imageName) || rows.some((r) => r.key === w.imageName)) continue;
    rows.push(errorRow(w.imageName, w.manifestDigest, { code: w.code, message: w.message }));
  }
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const row of rows) listing.push({ type: "row", row });
  if (rows.length === 0) listing.push({ type: "note", text: `no Experiments in ${location}` });
  listing.finishRows();
  return listing;
}

/**
 * List a remote repository's tags (`oci://host/repo`): rows arrive as the
 * manifests and configs are read; a tag that is not an Experiment is left
 * out (counted in a note), a tag that fails is a row with its error code.
 * Then the best objectives, as for the Local Registry.
 *
 * @param repository `host[:port]/repository`.
 * @param network Timeouts and the like, as for every network source.
 * @param signal Stops the work.
 * @returns The listing (filling in the background).
 */
export function remoteListing(
  repository: string,
  network: NetworkOptions,
  signal?: AbortSignal,
): Listing {
  const listing = new Listing(
    `oci://${repository}`,
    `oci://${repository}`,
    (row) => openExperiment({ registry: row.imageName, ...network }),
  );
  void (async () => {
    let others = 0;
    try {
      const { truncated } = await listRemoteExperiments(repository, {
        ...network,
        onEntry: (entry) => {
          if (signal?.aborted) return;
          if (entry.error !== null) {
            listing.push({
              type: "row",
              row: errorRow(entry.imageName, "", errorInfo(entry.error)),
            });
          } else if (entry.experiment === null) others++;
          else listing.push({ type: "row", row: refRow(entry.experiment) });
        },
      });
      if (others > 0) {
        listing.push({
          type: "note",
          text: `${others} tag${others === 1 ? " is" : "s are"} not an Experiment (not listed)`,
        });
      }
      if (truncated) {
        listing.push({ type: "note", text: "the repository has more tags than listed (10,000)" });
      }
      listing.finishRows();
    } catch (e) {
      const { code, message } = errorInfo(e);
      listing.push({ type: "note", text: `cannot list ${repository}: ${code}: ${message}` });
      listing.push({ type: "done" });
      return;
    }
    await listing.computeBest(signal);
  })();
  return listing;
}
