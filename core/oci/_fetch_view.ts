/**
 * Internal: targets that can hand out a fetched blob as a view into a larger
 * buffer they read. The archive serves the many small payloads of a
 * many-run archive from one read-ahead window and cuts each out as its own
 * copy, so that a caller keeping a payload keeps no 256 KiB window alive;
 * a caller that only looks at the bytes and drops them (a listing's
 * summary of a Solve's output) pays for that copy (~1 µs a payload) for
 * nothing. A target registers here a fetch with the same checks, errors
 * and verified bytes as its `fetch`, returned as a view. Kept off the
 * public `Fetcher` interface.
 *
 * A target may also register a {@linkcode FetchReady}: the same fetch of a
 * view, answered without an await when the blob's bytes are already in
 * memory and can be verified at once, so a caller reading thousands of them
 * makes no promise a blob.
 *
 * @module
 */
import type { Descriptor } from "./descriptor.ts";
import type { Fetcher } from "./storage.ts";

/**
 * {@linkcode Fetcher.fetch} of a whole blob whose verified bytes may be a
 * view into a buffer shared with other blobs: the caller must neither
 * change them nor keep a reference to them past its own use. `position`,
 * when known, is the blob's place in the list the target's `existsAll` was
 * last given (a manifest layer's number): a target may find the blob by it
 * when the digest there is the same, with the same checks and errors.
 */
export type FetchView = (descriptor: Descriptor, position?: number) => Promise<Uint8Array>;

/**
 * {@linkcode FetchView} without an await: the verified bytes (a view, as
 * there) when they are in memory and can be verified now, `undefined` when
 * they are not (then the caller uses the `FetchView`, which does the same
 * checks again). Throws the errors the `FetchView` would reject with, in the
 * same order, for the checks it makes.
 */
export type FetchReady = (descriptor: Descriptor, position?: number) => Uint8Array | undefined;

const views = new WeakMap<Fetcher, FetchView>();
const ready = new WeakMap<Fetcher, FetchReady>();

/**
 * Register `target`'s fetch of a view, and its fetch of a view already in memory.
 *
 * @param target The target.
 * @param fetchView Its fetch of a view.
 * @param fetchReady Its fetch of a view without an await, if it has one.
 */
export function registerFetchView(
  target: Fetcher,
  fetchView: FetchView,
  fetchReady?: FetchReady,
): void {
  views.set(target, fetchView);
  if (fetchReady !== undefined) ready.set(target, fetchReady);
}

/**
 * The fetch of a view `target` registered, if any.
 *
 * @param target The target.
 * @returns Its fetch of a view, or `undefined` (then use `fetch`).
 */
export function fetchViewOf(target: Fetcher): FetchView | undefined {
  return views.get(target);
}

/**
 * The fetch of a view already in memory `target` registered, if any.
 *
 * @param target The target.
 * @returns Its {@linkcode FetchReady}, or `undefined`.
 */
export function fetchReadyOf(target: Fetcher): FetchReady | undefined {
  return ready.get(target);
}
