/**
 * Internal: verify many blobs, hashing the large ones of a local file in
 * parallel lanes. SHA-256 is sequential within a blob, so one blob is one
 * lane's job; with several large blobs every core hashes. A storage that can
 * say where a blob's bytes lie in a local file ({@linkcode FileRangeSource},
 * e.g. an archive opened by path) has those blobs hashed by
 * {@linkcode hashRange} (`_hash_range.ts`: 4 MiB reads into two reused
 * buffers, the next read in the runtime's thread pool while the current chunk
 * is hashed), on this thread and on up to `workers` worker threads
 * (`_hash_worker.ts`), largest first from one queue. This thread is always a
 * lane: one large blob never waits for a worker to start, and a worker is
 * started only for a second large blob. Everything else (small blobs, other
 * storages) streams through the storage's own verifying `fetchStream` on this
 * thread, before it takes large blobs. A worker that cannot start (e.g. a
 * bundled copy without the worker file, a runtime without `Worker`) leaves its
 * blobs to this thread. The first mismatch stops every worker and rejects.
 *
 * The lanes read the file by path: a file replaced after it was opened is
 * hashed as it is now (its bytes must still match every digest to pass).
 *
 * @module
 */
import { CorruptArchiveError, DigestMismatchError, IoError } from "../errors.ts";
import { ioError } from "../_io_error.ts";
import type { Descriptor } from "./descriptor.ts";
import type { ReadOnlyStorage } from "./storage.ts";
import { type HashAnswer, type HashFailure, hashRange, type HashRequest } from "./_hash_range.ts";

/** Where a blob's bytes lie in a local file. */
export interface BlobFileRange {
  /** The file. */
  path: string;
  /** Where the blob starts. */
  offset: number;
  /** Its size (equal to the descriptor's). */
  size: number;
}

/** A storage that can locate blobs in a local file. */
export interface FileRangeSource {
  /**
   * Locate a blob.
   *
   * @param descriptor The blob.
   * @returns Its range, or `undefined` when it is not in a local file.
   */
  blobFileRange(descriptor: Descriptor): BlobFileRange | undefined;
}

/** Options of {@linkcode verifyBlobs}. */
export interface VerifyBlobsOptions {
  /** Called after each blob (in completion order). */
  onProgress?: (done: { bytes: number; totalBytes: number; blobs: number }) => void;
  /**
   * Most worker threads besides this one, which hashes too (default: the
   * number of cores − 1, at most 7; 0 = every large blob on this thread).
   */
  workers?: number;
  /** Smallest blob handed to a worker (default 16 MiB). */
  minParallelSize?: number;
}

function defaultWorkers(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return Math.max(0, Math.min(typeof n === "number" && n > 0 ? n : 2, 8) - 1);
}

async function readThrough(storage: ReadOnlyStorage, d: Descriptor): Promise<void> {
  const reader = storage.fetchStream(d).getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}

function answerError(answer: HashFailure, path: string): Error {
  if (answer.shrank) return new CorruptArchiveError(answer.error);
  if (answer.code !== undefined) {
    return ioError(
      Object.assign(new Error(answer.error), { code: answer.code }),
      "read",
      path,
    ) as Error;
  }
  return new IoError(`cannot read ${path}: ${answer.error}`, { path });
}

interface Job {
  d: Descriptor;
  range: BlobFileRange;
}

/** The worker module beside this one: `.ts` from source, `.js` in a bundle or compiled package. */
const WORKER_URL = new URL(
  `./_hash_worker.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`,
  import.meta.url,
);

/** Whether the worker module can be loaded (a local copy without it would only print an error). */
async function workerPresent(): Promise<boolean> {
  if (WORKER_URL.protocol !== "file:") return true;
  try {
    const fs = await import("node:fs");
    const { fileURLToPath } = await import("node:url");
    return fs.existsSync(fileURLToPath(WORKER_URL));
  } catch {
    return false;
  }
}

/** Check one lane's answer against its job. */
function check(answer: HashAnswer, job: Job): Error | undefined {
  if ("error" in answer) return answerError(answer, job.range.path);
  const actual = `sha256:${answer.hex}`;
  return actual === job.d.digest ? undefined : new DigestMismatchError(job.d.digest, actual);
}

/**
 * Run the jobs of `queue` (shared: this thread takes from it too) on up to
 * `count` workers; resolves when every worker has retired, with the jobs a
 * worker took but could not do (it did not start or died).
 */
function runPool(
  queue: Job[],
  count: number,
  done: (d: Descriptor) => void,
): { result: Promise<Job[]>; stop: () => void } {
  const workers: Worker[] = [];
  let stop = () => {};
  const result = new Promise<Job[]>((resolve, reject) => {
    const leftovers: Job[] = [];
    let active = 0;
    let finished = false;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      for (const w of workers) w.terminate();
      if (error === undefined) resolve(leftovers);
      else reject(error);
    };
    stop = () => finish(new Error("stopped"));
    const retire = (w: Worker) => {
      w.terminate();
      if (--active === 0) finish();
    };
    const next = (w: Worker) => {
      if (finished) return;
      const job = queue.shift();
      if (job === undefined) return retire(w);
      w.onmessage = (event: MessageEvent<HashAnswer>) => {
        const error = check(event.data, job);
        if (error !== undefined) return finish(error);
        done(job.d);
        next(w);
      };
      w.onerror = (event: ErrorEvent) => {
        // The worker did not start or died: this thread hashes what it held.
        event.preventDefault();
        leftovers.push(job);
        retire(w);
      };
      const request: HashRequest = { id: 0, ...job.range };
      w.postMessage(request);
    };
    const url = WORKER_URL;
    for (let i = 0; i < count; i++) {
      let w: Worker;
      try {
        w = new Worker(url, { type: "module" });
      } catch {
        break; // no worker support here: the rest stays queued for this thread
      }
      workers.push(w);
      active++;
      next(w);
    }
    if (active === 0) finish();
  });
  return { result, stop };
}

/**
 * Read every blob once (deduplicated by digest), checking size and digest;
 * large blobs of a {@linkcode FileRangeSource} are hashed in parallel lanes
 * (this thread and worker threads).
 *
 * @param storage Where the blobs are.
 * @param descriptors The blobs.
 * @param options Progress callback and pool size.
 * @returns Blob and byte counts.
 * @throws {DigestMismatchError} When a blob hashes to something else.
 * @throws {SizeMismatchError} When a blob's size differs.
 * @throws {BlobNotFoundError} When a blob is missing.
 */
export async function verifyBlobs(
  storage: ReadOnlyStorage,
  descriptors: readonly Descriptor[],
  options: VerifyBlobsOptions = {},
): Promise<{ blobs: number; bytes: number }> {
  const seen = new Set<string>();
  const unique = descriptors.filter((d) => !seen.has(d.digest) && seen.add(d.digest));
  const totalBytes = unique.reduce((n, d) => n + d.size, 0);
  let bytes = 0;
  let blobs = 0;
  const done = (d: Descriptor) => {
    bytes += d.size;
    blobs++;
    options.onProgress?.({ bytes, totalBytes, blobs });
  };
  const minSize = options.minParallelSize ?? 16 << 20;
  const locate = (storage as Partial<FileRangeSource>).blobFileRange;
  const queue: Job[] = [];
  const here: Descriptor[] = [];
  for (const d of unique) {
    const range = d.size >= minSize && typeof locate === "function"
      ? locate.call(storage, d)
      : undefined;
    if (range !== undefined) queue.push({ d, range });
    else here.push(d);
  }
  queue.sort((a, b) => b.d.size - a.d.size); // largest first: the lanes finish together
  // This thread is one lane: workers only for the large blobs beyond the first.
  let workers = Math.min(
    queue.length - 1,
    typeof Worker === "function" ? options.workers ?? defaultWorkers() : 0,
  );
  if (workers > 0 && !(await workerPresent())) workers = 0;
  const pool = workers > 0
    ? runPool(queue, workers, done)
    : { result: Promise.resolve([]), stop: () => {} };
  pool.result.catch(() => {}); // awaited below; a rejection meanwhile is not unhandled
  let failed = false;
  pool.result.catch(() => failed = true);
  const lane = async (jobs: Job[]) => {
    for (let job = jobs.shift(); job !== undefined && !failed; job = jobs.shift()) {
      const error = check(await hashRange({ id: 0, ...job.range }), job);
      if (error !== undefined) throw error;
      done(job.d);
    }
  };
  try {
    for (const d of here) {
      if (failed) break;
      await readThrough(storage, d);
      done(d);
    }
    await lane(queue);
  } catch (e) {
    pool.stop();
    throw e;
  }
  await lane(await pool.result);
  return { blobs, bytes };
}
