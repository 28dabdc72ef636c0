/**
 * `ResultPayload`: what `Solution` and `SampleSet` share besides the
 * payload base: process metadata (projected into their layer annotations)
 * and the feasibility tolerance their derived fields were computed with.
 *
 * @module
 */

import type { ProcessMetadata } from "./types.ts";
import { ProtobufPayload } from "./payload.ts";
import type { PayloadKind, Source } from "./_layer.ts";

/** The part of a solution's or a sample set's data they share. */
export interface ResultData {
  /** Process metadata. */
  metadata?: ProcessMetadata;
  /** Extension annotations. */
  annotations: Record<string, string>;
  /** Feasibility tolerance used (v2; the reference's 1e-6 for v1 data and when undefined). */
  feasibilityAtol?: number;
}

/** The base of `Solution` and `SampleSet`: results of solving or sampling an instance. */
export abstract class ResultPayload<Data extends ResultData> extends ProtobufPayload<Data> {
  /** Process metadata. */
  readonly metadata: ProcessMetadata | undefined;
  /** Feasibility tolerance (`feasibility_atol`; 1e-6 for v1 data, as the reference reads it). */
  readonly feasibilityAtol: number | undefined;

  /**
   * Only `Solution` and `SampleSet` extend this base.
   *
   * @param kind What differs between the payload classes.
   * @param data The shared part of the content.
   * @param source The decoded version and bytes (absent when built from data).
   */
  protected constructor(
    kind: PayloadKind<Data, ProtobufPayload<Data>>,
    data: Partial<ResultData>,
    source: Source | undefined,
  ) {
    super(kind, data.annotations, source);
    this.metadata = data.metadata;
    this.feasibilityAtol = data.feasibilityAtol;
  }

  /**
   * The shared part of the plain data; the payload classes add their own fields.
   *
   * @returns Annotations, metadata and tolerance.
   */
  protected resultData(): ResultData {
    const d: ResultData = { annotations: { ...this.extensionAnnotations } };
    if (this.metadata) d.metadata = this.metadata;
    if (this.feasibilityAtol !== undefined) d.feasibilityAtol = this.feasibilityAtol;
    return d;
  }
}
