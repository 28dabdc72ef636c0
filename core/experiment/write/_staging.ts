/**
 * Staging: how bytes and files become layer blobs in the builder's store
 * before a commit (the writer's layer descriptor, one logged attachment, the
 * staging context of a builder).
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { hashedCopy, payloadDigestNow, payloadDigestOf } from "../../oci/_payload_hash.ts";
import type { Pusher } from "../../oci/storage.ts";
import { PushQueue } from "./_push_queue.ts";

/** A layer descriptor as the writer keeps it: `annotations` always present. */
export interface LayerDescriptor extends Descriptor {
  /** Layer annotations (`{}` when none). */
  readonly annotations: Readonly<Record<string, string>>;
}

/** One logged attachment. */
export interface AttachmentEntry {
  /** The stored layer. */
  readonly descriptor: LayerDescriptor;
  /** Export filename (file attachments). */
  readonly filename?: string;
}

/** Where staged blobs go, plus the hook that says whether writing is still allowed. */
export interface StagingContext {
  /** The blob store. */
  readonly store: Pusher;
  /**
   * Throw `InvalidStateError` when the owner can no longer be written.
   *
   * @param what The attempted operation.
   */
  assertWritable(what: string): void;
}

/**
 * The annotations of every staged layer that has none: one frozen object, so a
 * closed run's descriptors (kept until the commit) do not each keep an empty one.
 */
const NO_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Store bytes as a layer blob.
 *
 * @param store The blob store.
 * @param mediaType The stored media type.
 * @param bytes The stored bytes.
 * @param annotations The layer annotations.
 * @returns The layer descriptor (its annotations a copy, or one shared frozen object when empty).
 */
export async function stageBytes(
  store: Pusher,
  mediaType: string,
  bytes: Uint8Array,
  annotations: Readonly<Record<string, string>> = {},
): Promise<LayerDescriptor> {
  // Into the push queue a small payload goes as a hashed private copy: hashed once, copied once.
  const copy = store instanceof PushQueue ? hashedCopy(bytes) : undefined;
  const descriptor: LayerDescriptor = {
    mediaType,
    digest: copy?.digest ?? payloadDigestNow(bytes) ?? await payloadDigestOf(bytes),
    size: copy?.bytes.length ?? bytes.length,
    annotations: Object.keys(annotations).length === 0 ? NO_ANNOTATIONS : { ...annotations },
  };
  await (copy !== undefined
    ? (store as PushQueue).pushHashed(descriptor, copy)
    : store.push(descriptor, bytes));
  return descriptor;
}

/**
 * The last component of a path (either separator).
 *
 * @param path A file path.
 * @returns Its base name (`""` for none).
 */
export function basename(path: string): string {
  const parts = path.split(/[/\\]/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? "";
}

/**
 * Check an attachment export filename as the reference reader does.
 *
 * @param filename The filename.
 * @returns The filename.
 * @throws {InvalidArgumentError} When empty, `.`/`..`, or containing `/` or `\`.
 */
export function checkFilename(filename: string): string {
  if (
    typeof filename !== "string" || filename === "" || filename === "." || filename === ".." ||
    filename.includes("/") || filename.includes("\\")
  ) {
    throw new InvalidArgumentError(
      `Invalid attachment filename ${
        JSON.stringify(filename)
      }: must be non-empty, not . or .., without / or \\`,
    );
  }
  return filename;
}

/**
 * A file as a restartable stream source: its size, its first 8 KiB (for
 * sniffing) and a function opening a fresh chunked stream of it.
 *
 * @param path The file.
 * @param chunkSize Read size (default 1 MiB).
 * @returns Size, head and stream factory.
 * @throws {InvalidArgumentError} When the path is missing or not a regular file.
 */
export async function fileStream(path: string, chunkSize = 1 << 20): Promise<{
  stream: () => ReadableStream<Uint8Array>;
  size: number;
  head: Uint8Array;
}> {
  const fs = await import("node:fs/promises");
  const stat = await fs.stat(path).catch((cause) => {
    throw new InvalidArgumentError(
      `Cannot read file ${JSON.stringify(path)}: ${(cause as Error).message}`,
    );
  });
  if (!stat.isFile()) {
    throw new InvalidArgumentError(`${JSON.stringify(path)} is not a regular file`);
  }
  const size = stat.size;
  const fh = await fs.open(path, "r");
  const head = new Uint8Array(Math.min(size, 8192));
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const stream = () => {
    let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
    let pos = 0;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        handle ??= await fs.open(path, "r");
        const buf = new Uint8Array(chunkSize);
        const { bytesRead } = await handle.read(buf, 0, chunkSize, pos);
        if (bytesRead === 0) {
          await handle.close();
          controller.close();
          return;
        }
        pos += bytesRead;
        controller.enqueue(buf.subarray(0, bytesRead));
      },
      async cancel() {
        await handle?.close();
      },
    }, { highWaterMark: 0 });
  };
  return { stream, size, head };
}
