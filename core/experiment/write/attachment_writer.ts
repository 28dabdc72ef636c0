/**
 * The attachment-logging half shared by {@linkcode ExperimentBuilder} and
 * {@linkcode Run}: one namespace of uniquely named attachments, each a
 * staged blob plus an optional export filename (`docs/glossary.md#attachment-table`).
 *
 * @module
 */
import { AlreadyExistsError, InvalidArgumentError, InvalidStateError } from "../../errors.ts";
import { createHasher } from "../../oci/digest.ts";
import { canPushFiles } from "../../oci/storage.ts";
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
import {
  type AttachmentEntry,
  basename,
  checkFilename,
  fileStream,
  type LayerDescriptor,
  stageBytes,
  type StagingContext,
} from "./_staging.ts";
import { sortByCodePoint } from "../../_code_points.ts";
import { instanceAnnotations, resultAnnotations } from "./_layer_annotations.ts";
import type { InstanceLike, ResultLike } from "./payload_like.ts";

/** Options of every attachment-logging method. */
export interface LogOptions {
  /** Store the layer zstd-compressed (`<type>+zstd` + compression annotation). */
  compression?: "zstd" | null;
}

/** Options of {@linkcode AttachmentWriter.logAttachment}. */
export interface LogAttachmentOptions extends LogOptions {
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

let entriesOf: (writer: AttachmentWriter) => Map<string, AttachmentEntry>;
let bind: (writer: AttachmentWriter, staging: StagingContext) => void;

/**
 * The attachment-logging methods shared by `ExperimentBuilder` and
 * `Run`: one namespace of uniquely named attachments, each a staged
 * blob plus an optional export filename. Logging a name twice is an
 * {@linkcode AlreadyExistsError}, as in the reference.
 */
export abstract class AttachmentWriter {
  readonly #entries = new Map<string, AttachmentEntry>();
  readonly #pending = new Set<string>();
  readonly #where: string;
  #staging: StagingContext | undefined;

  /**
   * Create an empty namespace (only the builders extend this class).
   *
   * @param where Where the namespace lives, for messages (e.g. `experiment`, `run 3`).
   */
  protected constructor(where: string) {
    this.#where = where;
  }

  static {
    entriesOf = (writer) => writer.#entries;
    bind = (writer, staging) => void (writer.#staging = staging);
  }

  get #store(): StagingContext {
    if (this.#staging === undefined) {
      throw new InvalidStateError(`The ${this.#where} attachment writer has no store`);
    }
    return this.#staging;
  }

  /** Attachment names logged so far (ascending). */
  get attachmentNames(): string[] {
    return sortByCodePoint(this.#entries.keys());
  }

  async #log(
    name: string,
    what: string,
    produce: () => Promise<{ entry: AttachmentEntry }>,
  ): Promise<void> {
    this.#store.assertWritable(what);
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
      this.#store.assertWritable(what);
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
    return await stageBytes(this.#store.store, stored.mediaType, body, stored.annotations);
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
  logAttachment(
    name: string,
    mediaType: string,
    bytes: Uint8Array,
    options: LogAttachmentOptions = {},
  ): Promise<void> {
    return this.#log(name, "logAttachment", async () => {
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
   * `options.filename` or the path's basename (as the reference does). Into
   * a Local Registry (without compression) the file is copied into the blob
   * store while it is hashed: read and hashed once, staged on disk, memory
   * bounded whatever its size.
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
      const store = this.#store.store;
      if (canPushFiles(store)) {
        // Copied into the store while hashed: every byte read and hashed once.
        const { digest, size } = await store.pushFile(String(path));
        const descriptor: LayerDescriptor = {
          mediaType: stored.mediaType,
          digest,
          size,
          annotations: stored.annotations,
        };
        return { entry: { descriptor, filename } };
      }
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
      await this.#store.store.push(descriptor, file.stream());
      return { entry: { descriptor, filename } };
    });
  }

  /**
   * Log an Instance (v2 protobuf, with its layer annotations).
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
   * Log a ParametricInstance (v2 protobuf, with its layer annotations).
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
   * Log a Solution (v2 protobuf, with its layer annotations).
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
   * Log a SampleSet (v2 protobuf, with its layer annotations).
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

/**
 * Connect a writer to its blob store and writability check; each builder
 * calls it once, from its constructor.
 *
 * @param writer The builder.
 * @param staging Its store and the check that throws once it is sealed or ended.
 */
export function bindStaging(writer: AttachmentWriter, staging: StagingContext): void {
  bind(writer, staging);
}

/**
 * The attachments a writer logged so far, for its commit.
 *
 * @param writer The builder.
 * @returns Name → entry (live view).
 */
export function attachmentEntries(writer: AttachmentWriter): ReadonlyMap<string, AttachmentEntry> {
  return entriesOf(writer);
}

/**
 * Add an already-stored entry (a fork carrying its parent's attachments).
 *
 * @param writer The builder.
 * @param name The attachment name.
 * @param entry The stored layer and filename.
 */
export function adoptAttachment(
  writer: AttachmentWriter,
  name: string,
  entry: AttachmentEntry,
): void {
  entriesOf(writer).set(name, entry);
}
