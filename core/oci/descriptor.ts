/**
 * OCI content descriptors: `{mediaType, digest, size, annotations}`.
 *
 * @module
 */

/** An OCI content descriptor. Every blob is addressed by one. */
export interface Descriptor {
  /** Media type of the referenced content. */
  readonly mediaType: string;
  /** `sha256:` + 64 lowercase hex. */
  readonly digest: string;
  /** Byte length of the referenced content. */
  readonly size: number;
  /** Optional annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Optional artifact type (manifests referenced from an index). */
  readonly artifactType?: string;
}
