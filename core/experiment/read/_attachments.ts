/**
 * Attachment access shared by Experiments and SealedRuns: one
 * namespace of name → layer, logical media types with the compression suffix
 * hidden, media-type checks before any blob is read.
 *
 * @module
 */
import {
  AttachmentNotFoundError,
  InvalidArgumentError,
  InvalidArtifactError,
  MediaTypeMismatchError,
} from "../../errors.ts";
import { ioError } from "../../_io_error.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import type { AttachmentCodec } from "../../../codecs/codec.ts";
import { checkCodec } from "../../../codecs/registry.ts";
import { decompressZstd, decompressZstdStream, logicalMediaType } from "../../../codecs/zstd.ts";
import {
  MEDIA_TYPE_JSON,
  OMMX_MEDIA_TYPES,
  type OmmxPayloadKind,
} from "../../../codecs/media_types.ts";
import { fetchPayload, type ReadContext } from "./_read_context.ts";
import type { AttachmentInfo } from "./attachment_info.ts";
import type { AttachmentTable } from "./config.ts";
import { exportFilename } from "./attachment_path.ts";
import { decodeLayer, decodeTyped, type TypedPayloads } from "./_typed.ts";

const KIND_LABEL: Record<OmmxPayloadKind, string> = {
  instance: "an OMMX Instance",
  parametric_instance: "an OMMX ParametricInstance",
  solution: "an OMMX Solution",
  sample_set: "an OMMX SampleSet",
};

/**
 * Resolve a layer index to its descriptor, with the reference's out-of-bounds message.
 *
 * @param ctx The artifact context.
 * @param index The layer index from the config.
 * @param what What refers to it, for the message.
 * @returns The descriptor.
 */
export function layerAt(ctx: ReadContext, index: number, what: string): Descriptor {
  const d = ctx.layers[index];
  if (d === undefined) {
    throw new InvalidArtifactError(
      `Failed to resolve ${what} LayerRef ${index}: LayerRef ${index} is out of bounds for ${ctx.layers.length} manifest layer(s)`,
    );
  }
  return d;
}

/** The index of a namespace without attachments, shared (most runs have none). */
const NO_INFOS: ReadonlyMap<string, AttachmentInfo> = new Map();

/** One attachment namespace (the Experiment's or one Run's). */
export class AttachmentNamespace {
  readonly #ctx: ReadContext;
  /** `experiment`, or the run id of `run N` (the text is built only for a message). */
  readonly #owner: string | number;
  readonly #infos: ReadonlyMap<string, AttachmentInfo>;

  /**
   * Validate and index a namespace (eagerly, as the reference does at load).
   *
   * @param ctx The artifact context.
   * @param table The config's attachment table.
   * @param owner `experiment`, or a run id for the namespace of `run N` (messages name it so).
   */
  constructor(ctx: ReadContext, table: AttachmentTable, owner: string | number) {
    this.#ctx = ctx;
    this.#owner = owner;
    if (table.entries.size === 0) {
      this.#infos = NO_INFOS;
      return;
    }
    const where = this.#where;
    const infos = new Map<string, AttachmentInfo>();
    for (const [name, index] of table.entries) {
      const what = `${where} attachment \`${name}\``;
      const descriptor = layerAt(ctx, index, what);
      let logical;
      try {
        logical = logicalMediaType(descriptor);
      } catch (cause) {
        throw new InvalidArtifactError(
          `Invalid ${what} storage format: ${(cause as Error).message}`,
          { cause },
        );
      }
      infos.set(name, {
        name,
        mediaType: logical.logicalMediaType,
        compression: logical.compression,
        filename: table.filenames.get(name) ?? null,
        descriptor,
        layerIndex: index,
      });
    }
    this.#infos = infos;
  }

  /** Attachment names in ascending code-point order. */
  get names(): string[] {
    return this.#infos.size === 0 ? [] : [...this.#infos.keys()];
  }

  /**
   * Everything known about an attachment, without reading it.
   *
   * @param name The attachment name.
   * @returns Its info.
   */
  info(name: string): AttachmentInfo {
    const info = this.#infos.get(name);
    if (info === undefined) throw new AttachmentNotFoundError(name, this.#where);
    return info;
  }

  /**
   * The decompressed payload bytes.
   *
   * @param name The attachment name.
   * @returns The bytes.
   */
  async getBlob(name: string): Promise<Uint8Array> {
    const info = this.info(name);
    const stored = await fetchPayload(this.#ctx, info.descriptor, this.#label(name));
    if (info.compression === "zstd") {
      return decompressZstd(stored, {
        maxOutputBytes: this.#ctx.maxDecompressedBytes,
        subject: this.#label(name),
      });
    }
    return stored;
  }

  /**
   * Decode by logical media type: JSON, the OMMX payloads, any type the
   * registry has a codec for; raw bytes for everything else.
   *
   * @param name The attachment name.
   * @returns The decoded value.
   */
  async getAttachment(name: string): Promise<unknown> {
    const info = this.info(name);
    const bytes = await this.getBlob(name);
    return decodeLayer(this.#ctx, info.mediaType, bytes, info.descriptor.annotations ?? {});
  }

  /**
   * Read a JSON attachment (Python `json` semantics: NaN and Infinity accepted).
   *
   * @param name The attachment name.
   * @returns The parsed value.
   */
  async getJson(name: string): Promise<unknown> {
    const info = this.info(name);
    if (info.mediaType !== MEDIA_TYPE_JSON) {
      throw new MediaTypeMismatchError(MEDIA_TYPE_JSON, info.mediaType, this.#label(name));
    }
    return decodeLayer(this.#ctx, info.mediaType, await this.getBlob(name), {});
  }

  /**
   * Read a typed OMMX payload, checking the media type before reading the blob.
   *
   * @param kind The payload kind.
   * @param name The attachment name.
   * @returns The decoded object.
   */
  async getTyped<K extends OmmxPayloadKind>(kind: K, name: string): Promise<TypedPayloads[K]> {
    const info = this.info(name);
    const accepted = OMMX_MEDIA_TYPES[kind];
    if (!accepted.includes(info.mediaType)) {
      throw new MediaTypeMismatchError(
        `${KIND_LABEL[kind]} attachment (${accepted.join(" or ")})`,
        info.mediaType,
        this.#label(name),
      );
    }
    return decodeTyped(
      this.#ctx,
      kind,
      info.mediaType,
      await this.getBlob(name),
      info.descriptor.annotations ?? {},
    );
  }

  /**
   * Decode with a caller's codec after an exact media-type check.
   *
   * @param codec The codec.
   * @param name The attachment name.
   * @returns What the codec decoded.
   */
  async getWithCodec<T>(codec: AttachmentCodec<T>, name: string): Promise<T> {
    checkCodec(codec);
    const info = this.info(name);
    if (info.mediaType !== codec.mediaType) {
      throw new MediaTypeMismatchError(codec.mediaType, info.mediaType, this.#label(name));
    }
    return await codec.decode(await this.getBlob(name));
  }

  /**
   * Write the decompressed bytes to a file (`docs/glossary.md#export-filename`),
   * atomically: the blob is streamed (verified, zstd decoded under the
   * output cap) into a temporary file beside the target, which is fsynced and
   * renamed into place, so a failure, a kill or a full disk never leaves a
   * partial file under the final name.
   *
   * @param name The attachment name.
   * @param path A directory (the export filename is used inside it) or a file path.
   * @param options `overwrite` allows replacing an existing file.
   * @returns The path written.
   */
  async writeAttachment(
    name: string,
    path: string | URL,
    options: { overwrite?: boolean } = {},
  ): Promise<string> {
    const info = this.info(name);
    const fs = await import("node:fs/promises");
    const nodePath = await import("node:path");
    const { fileURLToPath } = await import("node:url");
    const base = typeof path === "string" ? path : fileURLToPath(path);
    if (base.includes("\0")) {
      throw new InvalidArgumentError(
        `writeAttachment: the path ${JSON.stringify(base)} contains a NUL character`,
      );
    }
    let target = base;
    const stat = await fs.stat(base).catch((e) => {
      if ((e as { code?: unknown }).code === "ENOENT") return null;
      throw ioError(e, "write", base);
    });
    if (stat?.isDirectory()) {
      const file = exportFilename(name, info.filename ?? undefined);
      if (file.includes("\0")) {
        throw new InvalidArtifactError(
          `${this.#label(name)}: its stored filename ${
            JSON.stringify(info.filename)
          } contains a NUL character; give a file path instead of a directory`,
        );
      }
      target = nodePath.join(base, file);
    }
    const { writeAll, writeFileAtomic } = await import("../../_atomic_file.ts");
    await writeFileAtomic(target, async (handle) => {
      const reader = this.#stream(info, name).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          await writeAll(handle, value);
        }
      } catch (e) {
        await reader.cancel().catch(() => {});
        throw e;
      } finally {
        reader.releaseLock();
      }
    }, { overwrite: options.overwrite === true });
    return target;
  }

  /** The decompressed bytes as a verified stream (zstd decoded under the output cap). */
  #stream(info: AttachmentInfo, name: string): ReadableStream<Uint8Array> {
    const stored = this.#ctx.target.fetchStream(info.descriptor);
    if (info.compression !== "zstd") return stored;
    return decompressZstdStream(stored, {
      maxOutputBytes: this.#ctx.maxDecompressedBytes,
      subject: this.#label(name),
    });
  }

  /** `experiment` or `run N`, for messages. */
  get #where(): string {
    return typeof this.#owner === "number" ? `run ${this.#owner}` : this.#owner;
  }

  #label(name: string): string {
    return `${this.#where} attachment ${JSON.stringify(name)}`;
  }
}
