/**
 * Attachment access shared by `Experiment` and `SealedRun`: one namespace of
 * named attachments, logical media types with the compression suffix hidden
 * (`docs/glossary.md#attachment-compression`), media types checked before any
 * blob is read.
 *
 * @module
 */
import type { AttachmentCodec } from "../../../codecs/codec.ts";
import type {
  Instance,
  ParametricInstance,
  SampleSet,
  Solution,
} from "../../../codecs/ommx/mod.ts";
import type { AttachmentNamespace } from "./_attachments.ts";
import type { AttachmentInfo } from "./attachment_info.ts";

/** The attachment methods of an Experiment or a SealedRun. */
export abstract class AttachmentHolder {
  readonly #namespace: AttachmentNamespace;

  /**
   * Subclasses pass their validated namespace.
   *
   * @param namespace The attachment namespace.
   */
  protected constructor(namespace: AttachmentNamespace) {
    this.#namespace = namespace;
  }

  /** Attachment names, in ascending code-point order. */
  get attachmentNames(): string[] {
    return this.#namespace.names;
  }

  /**
   * Everything known about an attachment without reading it (descriptor, compression, filename).
   *
   * @param name The attachment name.
   * @returns The attachment info.
   */
  attachmentInfo(name: string): AttachmentInfo {
    return this.#namespace.info(name);
  }

  /**
   * OCI media type of a attachment (compression suffix hidden).
   *
   * @param name The attachment name.
   * @returns The logical media type.
   */
  attachmentMediaType(name: string): string {
    return this.#namespace.info(name).mediaType;
  }

  /**
   * Read an attachment decoded by its media type (bytes for unknown types).
   *
   * @param name The attachment name.
   * @returns The decoded value.
   */
  getAttachment(name: string): Promise<unknown> {
    return this.#namespace.getAttachment(name);
  }

  /**
   * Read the raw (decompressed) bytes of an attachment.
   *
   * @param name The attachment name.
   * @returns The bytes.
   */
  getBlob(name: string): Promise<Uint8Array> {
    return this.#namespace.getBlob(name);
  }

  /**
   * Read a JSON attachment.
   *
   * @param name The attachment name.
   * @returns The parsed value.
   */
  getJson(name: string): Promise<unknown> {
    return this.#namespace.getJson(name);
  }

  /**
   * Read an Instance attachment.
   *
   * @param name The attachment name.
   * @returns The Instance.
   */
  getInstance(name: string): Promise<Instance> {
    return this.#namespace.getTyped("instance", name);
  }

  /**
   * Read a ParametricInstance attachment.
   *
   * @param name The attachment name.
   * @returns The ParametricInstance.
   */
  getParametricInstance(name: string): Promise<ParametricInstance> {
    return this.#namespace.getTyped("parametric_instance", name);
  }

  /**
   * Read a Solution attachment.
   *
   * @param name The attachment name.
   * @returns The Solution.
   */
  getSolution(name: string): Promise<Solution> {
    return this.#namespace.getTyped("solution", name);
  }

  /**
   * Read a SampleSet attachment.
   *
   * @param name The attachment name.
   * @returns The SampleSet.
   */
  getSampleSet(name: string): Promise<SampleSet> {
    return this.#namespace.getTyped("sample_set", name);
  }

  /**
   * Decode an attachment with a codec after checking the stored media type against it.
   *
   * @param codec The codec.
   * @param name The attachment name.
   * @returns What the codec decoded.
   */
  getWithCodec<T>(codec: AttachmentCodec<T>, name: string): Promise<T> {
    return this.#namespace.getWithCodec(codec, name);
  }

  /**
   * Write an attachment to a file; into a directory under its stored filename.
   *
   * @param name The attachment name.
   * @param path A directory or a file path.
   * @param options `overwrite: true` to replace an existing file.
   * @returns The path written.
   */
  writeAttachment(
    name: string,
    path: string | URL,
    options: { overwrite?: boolean } = {},
  ): Promise<string> {
    return this.#namespace.writeAttachment(name, path, options);
  }
}
