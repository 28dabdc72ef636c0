/**
 * Internal: hash a byte range of a local file with SHA-256, the job of
 * {@linkcode verifyBlobs}' lanes — the worker threads (`_hash_worker.ts`) and
 * this thread. The range is read by {@linkcode readAhead} (`_read_ahead.ts`):
 * 4 MiB reads into two buffers, the next read running in the runtime's thread
 * pool while the current chunk is hashed, so a lane hashes at nearly one
 * SHA-256 stream's rate when a second core is free. Memory stays at the two
 * buffers (the next call reuses them unless collected meanwhile; two calls at
 * once never share them). `node:fs/promises` and `node:crypto` are loaded on
 * the first call, so importing this module costs nothing in a browser.
 *
 * @module
 */

import { readAhead } from "./_read_ahead.ts";

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

type Handle = Awaited<ReturnType<typeof import("node:fs/promises")["open"]>>;

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
  try {
    const { open } = await import("node:fs/promises");
    const { createHash } = await import("node:crypto");
    const handle = h = await open(req.path, "r");
    const hash = createHash("sha256");
    let done = 0;
    const read = async (buf: Uint8Array, at: number) =>
      (await handle.read(buf, 0, buf.length, req.offset + at)).bytesRead;
    for await (const chunk of readAhead(read, bufs, req.size)) {
      hash.update(chunk);
      done += chunk.length;
    }
    if (done < req.size) {
      return { id: req.id, error: `${req.path} shrank while being read`, shrank: true };
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
    // `readAhead` has waited for its read in flight: the buffers are free.
    await h?.close().catch(() => {});
    spare = new WeakRef(bufs);
  }
}
