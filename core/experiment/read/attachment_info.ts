/**
 * `AttachmentInfo`: what is known about one attachment of an Experiment or a
 * Run without reading its blob.
 *
 * @module
 */
import type { Descriptor } from "../../oci/descriptor.ts";

/** What is known about one attachment without reading its blob. */
export interface AttachmentInfo {
  /** Attachment name. */
  readonly name: string;
  /** Logical media type (compression suffix removed). */
  readonly mediaType: string;
  /** Storage compression, or `null`. */
  readonly compression: "zstd" | null;
  /** Stored filename (file attachments only). */
  readonly filename: string | null;
  /** The layer descriptor as stored. */
  readonly descriptor: Descriptor;
  /** The layer index in the manifest. */
  readonly layerIndex: number;
}
