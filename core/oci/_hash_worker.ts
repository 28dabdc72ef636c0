/**
 * Internal: the worker of {@linkcode verifyBlobs} (`_parallel_verify.ts`).
 * It receives `{ id, path, offset, size }`, reads that byte range of a local
 * file in 4 MiB synchronous reads into one reused buffer (memory stays at the
 * buffer), hashes it with SHA-256 and answers `{ id, hex }`, or `{ id, error }`
 * with the message and the OS error code. It never throws out of the handler.
 *
 * @module
 */
import { closeSync, openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";

/** A request: hash `size` bytes of `path` from `offset`. */
export interface HashRequest {
  /** Echoed in the answer. */
  id: number;
  /** The local file. */
  path: string;
  /** Where the bytes start. */
  offset: number;
  /** How many bytes. */
  size: number;
}

/** The answer: the lowercase hex digest, or the failure. */
export type HashAnswer = { id: number; hex: string } | HashFailure;

/** A failed hash: the message, the OS error code, whether the file ended early. */
export interface HashFailure {
  /** Echoed from the request. */
  id: number;
  /** What went wrong. */
  error: string;
  /** The OS error code (`ENOENT`, …). */
  code?: string;
  /** The file ended before the range did. */
  shrank?: boolean;
}

const CHUNK = 4 << 20;
let buffer: Uint8Array | undefined;

/**
 * Hash a byte range of a file.
 *
 * @param req What to hash.
 * @returns The answer.
 */
export function hashRange(req: HashRequest): HashAnswer {
  let fd: number | undefined;
  try {
    fd = openSync(req.path, "r");
    buffer ??= new Uint8Array(CHUNK);
    const hash = createHash("sha256");
    let done = 0;
    while (done < req.size) {
      const n = readSync(fd, buffer, 0, Math.min(CHUNK, req.size - done), req.offset + done);
      if (n === 0) {
        return { id: req.id, error: `${req.path} shrank while being read`, shrank: true };
      }
      hash.update(buffer.subarray(0, n));
      done += n;
    }
    return { id: req.id, hex: hash.digest("hex") };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return {
      id: req.id,
      error: e instanceof Error ? e.message : String(e),
      ...(typeof code === "string" ? { code } : {}),
    };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: HashAnswer): void;
}

const scope = globalThis as unknown as WorkerScope;
// Only inside a worker (no `document`, a `postMessage` of one argument): importing this module
// elsewhere, e.g. from a test, installs nothing.
if (
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined" &&
  globalThis instanceof (globalThis as unknown as { WorkerGlobalScope: typeof Object })
      .WorkerGlobalScope
) {
  scope.onmessage = (event) => scope.postMessage(hashRange(event.data));
}
