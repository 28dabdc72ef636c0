// Private: a writable layer over a store that must not be written — what a
// draft view of an unsealed Experiment assembles into (its table, config
// and manifest stay in memory; every payload blob is read from the store).
import type { Descriptor } from "../../oci/descriptor.ts";
import type { FetchOptions, ReadOnlyTarget, Target } from "../../oci/storage.ts";
import { MemoryTarget } from "../../oci/backends/memory.ts";

/** Writes go to memory; reads try memory, then the base store. */
export class OverlayTarget implements Target {
  readonly #base: ReadOnlyTarget;
  readonly #top = new MemoryTarget();

  /**
   * Layer memory over `base`.
   *
   * @param base The store read through.
   */
  constructor(base: ReadOnlyTarget) {
    this.#base = base;
  }

  /** The base store's location. */
  get location(): string {
    return this.#base.location;
  }

  async exists(descriptor: Descriptor): Promise<boolean> {
    return await this.#top.exists(descriptor) || await this.#base.exists(descriptor);
  }

  async fetch(descriptor: Descriptor, options?: FetchOptions): Promise<Uint8Array> {
    if (await this.#top.exists(descriptor)) return await this.#top.fetch(descriptor, options);
    return await this.#base.fetch(descriptor, options);
  }

  fetchStream(descriptor: Descriptor, options?: FetchOptions): ReadableStream<Uint8Array> {
    let inner: ReadableStream<Uint8Array> | undefined;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (reader === undefined) {
          inner = (await this.#top.exists(descriptor))
            ? this.#top.fetchStream(descriptor, options)
            : this.#base.fetchStream(descriptor, options);
          reader = inner.getReader();
        }
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: async (reason) => {
        await reader?.cancel(reason);
      },
    });
  }

  push(expected: Descriptor, content: Uint8Array | ReadableStream<Uint8Array>): Promise<void> {
    return this.#top.push(expected, content);
  }

  tag(descriptor: Descriptor, reference: string): Promise<void> {
    return this.#top.tag(descriptor, reference);
  }

  resolve(reference?: string): Promise<Descriptor> {
    return this.#top.resolve(reference);
  }

  /** Nothing to release: the base store belongs to its owner. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
