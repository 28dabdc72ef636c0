/**
 * Internal: the writer's push queue. Logging a payload into a Local Registry
 * stores its blob at once (as the reference does), but each blob is a file
 * created, written, fsynced and renamed: waiting for every one in turn makes
 * the writer wait on the disk. The queue lets up to {@linkcode PUSH_QUEUE_LIMIT}
 * pushes of small byte blobs run while logging goes on; everything that reads
 * the store or publishes (a checkpoint, a draft view, the commit) drains it
 * first, and a failed push is re-thrown from the next push or drain.
 *
 * @module
 */
import type { Descriptor } from "../../oci/descriptor.ts";
import type { HashedCopy } from "../../oci/_payload_hash.ts";
import {
  canPushFiles,
  type DigestedBlob,
  type FilePusher,
  type Pusher,
} from "../../oci/storage.ts";

/**
 * The most blob pushes one queue keeps in flight. Each push in flight waits
 * on a blocking file operation, which Deno runs on a thread of its own (a
 * thread stack and a `malloc` arena each, kept for the process's life), and
 * keeps its bytes and promises young: 8 has half the threads of 16
 * (BENCHMARKS.md, issue 13, eighth session, branch i13wk). On a quiet disk
 * 16 waits less for a free slot (~100 instead of ~150 ms at 1,000 runs,
 * 5-20 % of the write) but costs ~1 MiB of peak RSS at 1,000 runs and tips
 * the 5,000-run new space into its larger size more often: 8 stays while
 * the peak RSS is the open target (ninth session, branch i13wt). Since a
 * Local Registry push waiting on its fsync keeps one small frame (~1.3 KB),
 * the writer's main thread is busy all but ~20-40 ms of a 1,000-run write
 * with 8 in flight, and 16 was no faster (tenth session, branch i13wf).
 */
export const PUSH_QUEUE_LIMIT = 8;

/** Byte blobs up to this size are queued (copied); larger ones and streams are pushed in turn. */
export const PUSH_QUEUE_MAX_BYTES = 4 << 20;

/**
 * A {@linkcode Pusher} that starts small byte pushes and returns before they
 * finish (at most {@linkcode PUSH_QUEUE_LIMIT} at a time). The bytes are
 * copied, so the caller may reuse its buffer. A failure is kept: the next
 * `push` or `drain` throws it, and so does every later one (a logged
 * attachment whose blob is missing must not be committed).
 */
export class PushQueue implements Pusher {
  readonly #inner: Pusher;
  readonly #limit: number;
  readonly #inFlight = new Map<string, Promise<void>>();
  /** Pushes waiting for a free slot: each finished push wakes the first. */
  readonly #waiting: (() => void)[] = [];
  #failed = false;
  #failure: unknown = undefined;
  /**
   * Present when the inner store has it ({@linkcode FilePusher}): store a
   * file, straight into the inner store.
   */
  readonly pushFile?: (path: string) => Promise<DigestedBlob>;

  /**
   * Queue pushes into `inner`.
   *
   * @param inner The store the blobs go to.
   * @param limit The most pushes in flight.
   */
  constructor(inner: Pusher, limit = PUSH_QUEUE_LIMIT) {
    this.#inner = inner;
    this.#limit = Math.max(1, limit);
    if (canPushFiles(inner)) {
      const files: FilePusher = inner;
      this.pushFile = (path) => {
        this.#rethrow();
        return files.pushFile(path);
      };
    }
  }

  #rethrow(): void {
    if (this.#failed) throw this.#failure;
  }

  /**
   * Start pushing `content`; returns once the push is queued (a stream or a
   * large blob: once it is stored).
   *
   * @param expected The descriptor the content must match.
   * @param content The bytes, or a stream of them.
   * @returns Nothing.
   * @throws The first failure of an earlier queued push.
   */
  push(
    expected: Descriptor,
    content: Uint8Array | ReadableStream<Uint8Array>,
  ): Promise<void> {
    return this.#push(expected, content, false);
  }

  /**
   * {@linkcode PushQueue.push} of a payload's {@linkcode hashedCopy}: already
   * a private copy, so the queue does not copy it again, and vouched for, so
   * a Local Registry stores it without hashing it a second time (1,000 runs:
   * ~5 ms of hashing, CPU −4 to −9 ms; BENCHMARKS.md, issue 13, branch i13wh). Only arrays made by
   * `hashedCopy` are vouched for: anything else passed here is verified as
   * before. Internal: the queue is not reachable from the public API.
   *
   * @param expected The descriptor, its digest `payload.digest`.
   * @param payload The copy (taken as is: the caller must not keep or change it).
   * @returns Nothing.
   * @throws The first failure of an earlier queued push.
   */
  pushHashed(expected: Descriptor, payload: HashedCopy): Promise<void> {
    return this.#push(expected, payload.bytes, true);
  }

  async #push(
    expected: Descriptor,
    content: Uint8Array | ReadableStream<Uint8Array>,
    owned: boolean,
  ): Promise<void> {
    try {
      this.#rethrow();
    } catch (e) {
      if (content instanceof ReadableStream) await content.cancel().catch(() => {});
      throw e;
    }
    if (!(content instanceof Uint8Array) || content.length > PUSH_QUEUE_MAX_BYTES) {
      await this.#inner.push(expected, content);
      return;
    }
    const key = expected.digest;
    if (this.#inFlight.has(key)) return; // the same blob is already on its way
    const bytes = owned ? content : content.slice();
    while (this.#inFlight.size >= this.#limit) {
      await new Promise<void>((wake) => this.#waiting.push(wake));
    }
    this.#rethrow();
    if (this.#inFlight.has(key)) return;
    // One promise a push, its slot freed and one waiter woken when it settles
    // (a race over every push in flight allocated a reaction on each of them).
    const settle = () => {
      this.#inFlight.delete(key);
      this.#waiting.shift()?.();
    };
    const done = this.#inner.push(expected, bytes).then(settle, (error) => {
      if (!this.#failed) {
        this.#failed = true;
        this.#failure = error;
      }
      settle();
    });
    this.#inFlight.set(key, done);
  }

  /**
   * Wait until every queued push has finished.
   *
   * @returns Nothing.
   * @throws The first failure of a queued push.
   */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight.values());
    this.#rethrow();
  }

  /**
   * Wait until every queued push has finished, ignoring failures (giving up
   * an Experiment).
   *
   * @returns Nothing.
   */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight.values());
  }
}
