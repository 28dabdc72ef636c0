/**
 * Internal: hash a byte range of a local file with SHA-256, the job of
 * {@linkcode verifyBlobs}' lanes — the worker threads (`_hash_worker.ts`) and
 * this thread. The range is read in 4 MiB reads into two buffers, the next
 * read running in the runtime's thread pool while the current chunk is
 * hashed, so a lane hashes at nearly one SHA-256 stream's rate when a second
 * core is free. Memory stays at the two buffers (the next call reuses them
 * unless collected meanwhile; two calls at once never share them). `node:fs/promises` and `node:crypto` are
 * loaded on the first call, so importing this module costs nothing in a
 * browser.
 *
 * @module
 */

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
/**
 * The last call's buffers, for the next call (already faulted in); held
 * weakly, so that an idle thread does not keep 8 MiB after a verify.
 */
let spare: WeakRef<[Uint8Array, Uint8Array]> | undefined;

type Fs = typeof import("node:fs/promises");
type Handle = Awaited<ReturnType<Fs["open"]>>;

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
 * @returns The answer (never rejects).
 */
export async function hashRange(req: HashRequest): Promise<HashAnswer> {
  let h: Handle | undefined;
  const bufs = spare?.deref() ?? [new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
  spare = undefined; // never shared by two calls at once
  let pending: Promise<number> | undefined;
  try {
    const { open } = await import("node:fs/promises");
    const { createHash } = await import("node:crypto");
    h = await open(req.path, "r");
    const hash = createHash("sha256");
    let done = 0;
    let which = 0;
    let want = Math.min(CHUNK, req.size);
    pending = want > 0 ? readFull(h, bufs[0], want, req.offset) : undefined;
    while (pending !== undefined) {
      const n = await pending;
      pending = undefined;
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
    // A read still running (after a failure) must end before the buffers are reused.
    await pending?.catch(() => {});
    await h?.close().catch(() => {});
    spare = new WeakRef(bufs);
  }
}
