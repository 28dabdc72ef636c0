/**
 * Internal: the worker of {@linkcode verifyBlobs} (`_parallel_verify.ts`).
 * It receives `{ id, path, offset, size }`, reads that byte range of a local
 * file in 4 MiB reads into two reused buffers (the next read runs while the
 * current chunk is hashed; memory stays at the buffers), hashes it with
 * SHA-256 and answers `{ id, hex }`, or `{ id, error }` with the message and
 * the OS error code. It never throws out of the handler.
 *
 * @module
 */
import { open } from "node:fs/promises";
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
let buffers: [Uint8Array, Uint8Array] | undefined;

type Handle = Awaited<ReturnType<typeof open>>;

/** Fill `buf[0, n)` from `position`; fewer bytes only at the end of the file. */
async function readFull(h: Handle, buf: Uint8Array, n: number, position: number): Promise<number> {
  let done = 0;
  while (done < n) {
    const { bytesRead } = await h.read(buf, done, n - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Hash a byte range of a file.
 *
 * @param req What to hash.
 * @returns The answer.
 */
export async function hashRange(req: HashRequest): Promise<HashAnswer> {
  let h: Handle | undefined;
  try {
    h = await open(req.path, "r");
    const bufs = buffers ??= [new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
    const hash = createHash("sha256");
    let done = 0;
    let which = 0;
    let want = Math.min(CHUNK, req.size);
    let pending = want > 0 ? readFull(h, bufs[0], want, req.offset) : undefined;
    while (pending !== undefined) {
      const n = await pending;
      if (n < want) {
        return { id: req.id, error: `${req.path} shrank while being read`, shrank: true };
      }
      const current = bufs[which]!;
      done += n;
      which ^= 1;
      want = Math.min(CHUNK, req.size - done);
      pending = want > 0 ? readFull(h, bufs[which]!, want, req.offset + done) : undefined;
      pending?.catch(() => {}); // awaited on the next turn
      hash.update(current.subarray(0, n));
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
    await h?.close().catch(() => {});
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
  scope.onmessage = async (event) => scope.postMessage(await hashRange(event.data));
}
