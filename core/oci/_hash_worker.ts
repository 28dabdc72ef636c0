/**
 * Internal: the worker of {@linkcode verifyBlobs} (`_parallel_verify.ts`).
 * It receives `{ id, path, offset, size }`, hashes that byte range of a
 * local file ({@linkcode hashRange}, `_hash_range.ts`: 4 MiB reads into two
 * reused buffers, the next read running while the current chunk is hashed)
 * and answers `{ id, hex }`, or `{ id, error }` with the message and the OS
 * error code. It never throws out of the handler.
 *
 * @module
 */
import { type HashAnswer, hashRange, type HashRequest } from "./_hash_range.ts";

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
