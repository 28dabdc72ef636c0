/**
 * Internal: verify many blobs, hashing the large ones of a local file in
 * parallel on worker threads. SHA-256 is sequential within a blob, so one
 * blob is one worker's job; with several large blobs every core hashes. A
 * storage that can say where a blob's bytes lie in a local file
 * ({@linkcode FileRangeSource}, e.g. an archive opened by path) hands those
 * blobs to up to `workers` workers (`_hash_worker.ts`: 4 MiB synchronous reads
 * into one reused buffer, so memory stays at a few MiB per worker); everything
 * else (small blobs, other storages, runtimes without `Worker`) streams through
 * the storage's own verifying `fetchStream` on this thread meanwhile. A worker
 * that cannot start (e.g. a bundled copy without the worker file) leaves its
 * blobs to this thread. The first mismatch stops every worker and rejects.
 *
 * The workers read the file by path: a file replaced after it was opened is
 * hashed as it is now (its bytes must still match every digest to pass).
 *
 * @module
 */
import { CorruptArchiveError, DigestMismatchError, IoError } from "../errors.ts";
import { ioError } from "../_io_error.ts";
import type { Descriptor } from "./descriptor.ts";
import type { ReadOnlyStorage } from "./storage.ts";
import type { HashAnswer, HashFailure, HashRequest } from "./_hash_worker.ts";

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
  /** Most workers (default: the number of cores, at most 8; 0 = none). */
  workers?: number;
  /** Smallest blob handed to a worker (default 16 MiB). */
  minParallelSize?: number;
}

function defaultWorkers(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return Math.max(1, Math.min(typeof n === "number" && n > 0 ? n : 2, 8));
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

/** Run jobs on a pool of workers; resolves with the descriptors no worker could take. */
function runPool(
  jobs: Job[],
  count: number,
  done: (d: Descriptor) => void,
): { result: Promise<Descriptor[]>; stop: () => void } {
  const workers: Worker[] = [];
  let stop = () => {};
  const result = new Promise<Descriptor[]>((resolve, reject) => {
    const queue = [...jobs];
    const leftovers: Descriptor[] = [];
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
        const answer = event.data;
        if ("error" in answer) return finish(answerError(answer, job.range.path));
        const actual = `sha256:${answer.hex}`;
        if (actual !== job.d.digest) return finish(new DigestMismatchError(job.d.digest, actual));
        done(job.d);
        next(w);
      };
      w.onerror = (event: ErrorEvent) => {
        // The worker did not start or died: this thread hashes what it held and what is queued.
        event.preventDefault();
        leftovers.push(job.d);
        for (const j of queue.splice(0)) leftovers.push(j.d);
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
    if (active === 0) {
      for (const j of queue.splice(0)) leftovers.push(j.d);
      finish();
    }
  });
  return { result, stop };
}

/**
 * Read every blob once (deduplicated by digest), checking size and digest;
 * large blobs of a {@linkcode FileRangeSource} are hashed on worker threads.
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
  let maxWorkers = typeof Worker === "function" ? options.workers ?? defaultWorkers() : 0;
  const jobs: Job[] = [];
  const here: Descriptor[] = [];
  for (const d of unique) {
    const range = maxWorkers > 0 && d.size >= minSize && typeof locate === "function"
      ? locate.call(storage, d)
      : undefined;
    if (range !== undefined) jobs.push({ d, range });
    else here.push(d);
  }
  if (jobs.length > 0 && !(await workerPresent())) {
    maxWorkers = 0;
    for (const j of jobs.splice(0)) here.push(j.d);
  }
  jobs.sort((a, b) => b.d.size - a.d.size); // largest first: the pool finishes together
  const pool = jobs.length > 0
    ? runPool(jobs, Math.min(jobs.length, maxWorkers), done)
    : { result: Promise.resolve([]), stop: () => {} };
  pool.result.catch(() => {}); // awaited below; a rejection meanwhile is not unhandled
  try {
    for (const d of here) {
      await readThrough(storage, d);
      done(d);
    }
  } catch (e) {
    pool.stop();
    throw e;
  }
  for (const d of await pool.result) {
    await readThrough(storage, d);
    done(d);
  }
  return { blobs, bytes };
}
