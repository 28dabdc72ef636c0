/**
 * The attachment-logging half shared by {@linkcode ExperimentBuilder} and
 * {@linkcode RunBuilder}: one namespace of uniquely named attachments, each a
 * staged blob plus an optional export filename (spec §5.4, §6.1, §6.8).
 *
 * @module
 */
import { AlreadyExistsError, InvalidArgumentError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { createHasher } from "../../oci/digest.ts";
import type { Pusher } from "../../oci/storage.ts";
import type { AttachmentCodec } from "../../../codecs/codec.ts";
import { checkEncoded } from "../../../codecs/registry.ts";
import { stringifyPythonJson } from "../../../codecs/json/stringify.ts";
import { compressZstd, storedMediaType } from "../../../codecs/zstd.ts";
import {
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_V2_INSTANCE,
  MEDIA_TYPE_V2_PARAMETRIC_INSTANCE,
  MEDIA_TYPE_V2_SAMPLE_SET,
  MEDIA_TYPE_V2_SOLUTION,
} from "../../../codecs/media_types.ts";
import { sniffMediaType } from "./_media_sniff.ts";
import { sortByCodePoint } from "../../_code_points.ts";
import {
  instanceAnnotations,
  type InstanceLike,
  resultAnnotations,
  type ResultLike,
} from "./typed_annotations.ts";

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

/** Options of every attachment-logging method. */
export interface LogOptions {
  /** Store the layer zstd-compressed (`<type>+zstd` + compression annotation). */
  compression?: "zstd" | null;
}

/** Options of {@linkcode AttachmentWriter.logBytes}. */
export interface LogBytesOptions extends LogOptions {
  /** Extra layer annotations (the reserved compression key is rejected). */
  annotations?: Readonly<Record<string, string>>;
}

/** Options of {@linkcode AttachmentWriter.logFile}. */
export interface LogFileOptions extends LogOptions {
  /** Media type; default: sniffed from the content, else `application/octet-stream`. */
  mediaType?: string;
  /** Export filename; default: the basename of `path` (as the reference). */
  filename?: string;
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
 * Store bytes as a layer blob.
 *
 * @param store The blob store.
 * @param mediaType The stored media type.
 * @param bytes The stored bytes.
 * @param annotations The layer annotations.
 * @returns The layer descriptor.
 */
export async function stageBytes(
  store: Pusher,
  mediaType: string,
  bytes: Uint8Array,
  annotations: Readonly<Record<string, string>> = {},
): Promise<LayerDescriptor> {
  const h = await createHasher();
  h.update(bytes);
  const descriptor: LayerDescriptor = {
    mediaType,
    digest: `sha256:${await h.digestHex()}`,
    size: bytes.length,
    annotations: { ...annotations },
  };
  await store.push(descriptor, bytes);
  return descriptor;
}

function basename(path: string): string {
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

async function fileStream(path: string, chunkSize = 1 << 20): Promise<{
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

/**
 * The attachment namespace of an Experiment or a Run being recorded.
 * Names are unique within the namespace; logging a name twice is an
 * {@linkcode AlreadyExistsError}, as in the reference.
 */
export abstract class AttachmentWriter {
  readonly #entries = new Map<string, AttachmentEntry>();
  readonly #pending = new Set<string>();
  readonly #where: string;

  /**
   * Create an empty namespace.
   *
   * @param where Where the namespace lives, for messages (e.g. `experiment`, `run 3`).
   */
  protected constructor(where: string) {
    this.#where = where;
  }

  /** The staging store and writability check of the owner. */
  protected abstract get staging(): StagingContext;

  /** Attachment names logged so far (ascending). */
  get attachmentNames(): string[] {
    return sortByCodePoint(this.#entries.keys());
  }

  /**
   * Internal: the logged attachments.
   *
   * @returns Name → entry.
   */
  protected attachmentEntries(): ReadonlyMap<string, AttachmentEntry> {
    return this.#entries;
  }

  /**
   * Internal: add an already-stored entry (fork).
   *
   * @param name The name.
   * @param entry The entry.
   */
  protected adoptAttachment(name: string, entry: AttachmentEntry): void {
    this.#entries.set(name, entry);
  }

  async #log(
    name: string,
    what: string,
    produce: () => Promise<{ entry: AttachmentEntry }>,
  ): Promise<void> {
    this.staging.assertWritable(what);
    if (typeof name !== "string") {
      throw new InvalidArgumentError(`Attachment name must be a string, got ${typeof name}`);
    }
    if (this.#entries.has(name) || this.#pending.has(name)) {
      const e = new AlreadyExistsError(name);
      e.message = `Attachment \`${name}\` already exists in ${this.#where}`;
      throw e;
    }
    this.#pending.add(name);
    try {
      const { entry } = await produce();
      this.staging.assertWritable(what);
      this.#entries.set(name, entry);
    } finally {
      this.#pending.delete(name);
    }
  }

  async #stage(
    logical: string,
    bytes: Uint8Array,
    options: LogOptions,
    annotations: Readonly<Record<string, string>> = {},
  ): Promise<LayerDescriptor> {
    const compression = options.compression ?? null;
    if (compression !== null && compression !== "zstd") {
      throw new InvalidArgumentError(
        `Unsupported compression ${JSON.stringify(compression)} (only "zstd")`,
      );
    }
    const stored = storedMediaType(logical, compression, annotations);
    const body = compression === "zstd" ? await compressZstd(bytes) : bytes;
    return await stageBytes(this.staging.store, stored.mediaType, body, stored.annotations);
  }

  /**
   * Log raw bytes under an explicit media type.
   *
   * @param name The attachment name (unique in this namespace).
   * @param mediaType The logical media type, stored verbatim.
   * @param bytes The bytes.
   * @param options Compression and extra layer annotations.
   * @returns Nothing.
   * @throws {AlreadyExistsError} When the name is taken.
   * @throws {InvalidStateError} After the owner was sealed or ended.
   */
  logBytes(
    name: string,
    mediaType: string,
    bytes: Uint8Array,
    options: LogBytesOptions = {},
  ): Promise<void> {
    return this.#log(name, "logBytes", async () => {
      if (typeof mediaType !== "string" || mediaType === "") {
        throw new InvalidArgumentError(
          `Media type of attachment ${JSON.stringify(name)} must be a non-empty string`,
        );
      }
      if (!(bytes instanceof Uint8Array)) {
        throw new InvalidArgumentError(
          `Attachment ${JSON.stringify(name)}: bytes must be a Uint8Array`,
        );
      }
      for (const k of Object.keys(options.annotations ?? {})) {
        if (k.startsWith("org.ommx.v1.")) {
          throw new InvalidArgumentError(`Annotation key \`${k}\` is reserved for OMMX metadata`);
        }
      }
      return {
        entry: { descriptor: await this.#stage(mediaType, bytes, options, options.annotations) },
      };
    });
  }

  /**
   * Log a JSON value as `application/json`, written as Python's `json.dumps`
   * would (`", "`/`": "` separators, `\uXXXX` escapes, `NaN`/`Infinity`
   * tokens; wrap integer-valued floats with `pyFloat`).
   *
   * @param name The attachment name.
   * @param value The value.
   * @param options Compression.
   * @returns Nothing.
   */
  logJson(name: string, value: unknown, options: LogOptions = {}): Promise<void> {
    return this.#log(name, "logJson", async () => {
      const bytes = new TextEncoder().encode(stringifyPythonJson(value));
      return { entry: { descriptor: await this.#stage(MEDIA_TYPE_JSON, bytes, options) } };
    });
  }

  /**
   * Log a value encoded by a codec, under the codec's media type.
   *
   * @param codec The codec.
   * @param name The attachment name.
   * @param value The value.
   * @param options Compression.
   * @returns Nothing.
   * @throws {CodecContractError} When `encode` does not return bytes.
   */
  logWithCodec<T>(
    codec: AttachmentCodec<T>,
    name: string,
    value: T,
    options: LogOptions = {},
  ): Promise<void> {
    return this.#log(name, "logWithCodec", async () => {
      if (typeof codec?.mediaType !== "string" || codec.mediaType === "") {
        throw new InvalidArgumentError("Codec must have a non-empty mediaType");
      }
      const bytes = checkEncoded(codec.mediaType, await codec.encode(value));
      return { entry: { descriptor: await this.#stage(codec.mediaType, bytes, options) } };
    });
  }

  /**
   * Log a file, streamed from disk. The filename recorded in the config is
   * `options.filename` or the path's basename (as the reference does).
   *
   * @param name The attachment name.
   * @param path The file path.
   * @param options Media type, filename, compression.
   * @returns Nothing.
   */
  logFile(name: string, path: string, options: LogFileOptions = {}): Promise<void> {
    return this.#log(name, "logFile", async () => {
      const filename = checkFilename(options.filename ?? basename(String(path)));
      const file = await fileStream(String(path));
      const mediaType = options.mediaType ?? sniffMediaType(file.head);
      if (options.compression === "zstd") {
        const bytes = new Uint8Array(await new Response(file.stream()).arrayBuffer());
        return { entry: { descriptor: await this.#stage(mediaType, bytes, options), filename } };
      }
      const stored = storedMediaType(mediaType, options.compression ?? null);
      const h = await createHasher();
      const reader = file.stream().getReader();
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        h.update(value);
        size += value.length;
      }
      const descriptor: LayerDescriptor = {
        mediaType: stored.mediaType,
        digest: `sha256:${await h.digestHex()}`,
        size,
        annotations: stored.annotations,
      };
      await this.staging.store.push(descriptor, file.stream());
      return { entry: { descriptor, filename } };
    });
  }

  /**
   * Log an Instance (v2 protobuf, §6.3 annotations).
   *
   * @param name The attachment name.
   * @param instance The instance.
   * @param options Compression.
   * @returns Nothing.
   */
  logInstance(name: string, instance: InstanceLike, options: LogOptions = {}): Promise<void> {
    return this.#log(name, "logInstance", async () => ({
      entry: {
        descriptor: await this.#stage(
          MEDIA_TYPE_V2_INSTANCE,
          instance.toBytes(),
          options,
          instanceAnnotations(instance, "instance"),
        ),
      },
    }));
  }

  /**
   * Log a ParametricInstance (v2 protobuf, §6.3 annotations).
   *
   * @param name The attachment name.
   * @param instance The parametric instance.
   * @param options Compression.
   * @returns Nothing.
   */
  logParametricInstance(
    name: string,
    instance: InstanceLike,
    options: LogOptions = {},
  ): Promise<void> {
    return this.#log(name, "logParametricInstance", async () => ({
      entry: {
        descriptor: await this.#stage(
          MEDIA_TYPE_V2_PARAMETRIC_INSTANCE,
          instance.toBytes(),
          options,
          instanceAnnotations(instance, "parametric-instance"),
        ),
      },
    }));
  }

  /**
   * Log a Solution (v2 protobuf, §6.3 annotations).
   *
   * @param name The attachment name.
   * @param solution The solution.
   * @param options Compression.
   * @returns Nothing.
   */
  logSolution(name: string, solution: ResultLike, options: LogOptions = {}): Promise<void> {
    return this.#log(name, "logSolution", async () => ({
      entry: {
        descriptor: await this.#stage(
          MEDIA_TYPE_V2_SOLUTION,
          solution.toBytes(),
          options,
          resultAnnotations(solution, "solution"),
        ),
      },
    }));
  }

  /**
   * Log a SampleSet (v2 protobuf, §6.3 annotations).
   *
   * @param name The attachment name.
   * @param sampleSet The sample set.
   * @param options Compression.
   * @returns Nothing.
   */
  logSampleSet(name: string, sampleSet: ResultLike, options: LogOptions = {}): Promise<void> {
    return this.#log(name, "logSampleSet", async () => ({
      entry: {
        descriptor: await this.#stage(
          MEDIA_TYPE_V2_SAMPLE_SET,
          sampleSet.toBytes(),
          options,
          resultAnnotations(sampleSet, "sample-set"),
        ),
      },
    }));
  }
}
