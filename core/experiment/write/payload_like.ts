/**
 * What the writer needs from the OMMX payloads it stores (any `Instance`,
 * `ParametricInstance`, `Solution` or `SampleSet`, or a duck-typed object):
 * the bytes, and the fields projected into the layer annotations.
 *
 * @module
 */
import type { DescriptionLike, ProcessMetadataLike } from "../../../codecs/ommx/annotations.ts";

/** What the writer needs from an Instance or ParametricInstance. */
export interface InstanceLike {
  /** The v2 protobuf bytes. */
  toBytes(): Uint8Array;
  /** Number of decision variables. */
  readonly numVariables: number;
  /** Number of active constraints of all kinds. */
  readonly numConstraints: number;
  /** Descriptive metadata. */
  readonly description?: DescriptionLike | undefined;
  /** Extension annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What the writer needs from a Solution or SampleSet. */
export interface ResultLike {
  /** The v2 protobuf bytes. */
  toBytes(): Uint8Array;
  /** Process metadata. */
  readonly metadata?: ProcessMetadataLike | undefined;
  /** Extension annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
}
