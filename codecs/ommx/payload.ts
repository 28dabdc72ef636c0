/**
 * `ProtobufPayload`: what the four OMMX root payload classes share
 * (`Instance`, `ParametricInstance`, `Solution`, `SampleSet`): the protobuf package they were decoded from, the
 * bytes kept beside the parsed view, the lazily decoded protobuf message,
 * extension annotations, layer-annotation merging and v2 encoding.
 *
 * @module
 */

import type { OmmxMessage, OmmxVersion } from "./types.ts";
import { type PayloadKind, type Source, sourceOf } from "./_layer.ts";
import { EMPTY_PARAMETERS } from "./_shared_rows.ts";

/**
 * The base of the OMMX root payload classes. Build or decode one of
 * `Instance`, `ParametricInstance`, `Solution` or `SampleSet`; this class
 * only holds what they share.
 */
export abstract class ProtobufPayload<Data> {
  /** Protobuf package the payload was decoded from (`v2` when built from data). */
  readonly version: OmmxVersion;
  /** Extension annotations stored in the message (keys never start with `org.ommx.v1.`). */
  readonly extensionAnnotations: Readonly<Record<string, string>>;
  readonly #kind: PayloadKind<Data, ProtobufPayload<Data>>;
  #bytes: Uint8Array | undefined;
  #message: OmmxMessage | undefined;

  /**
   * Only the payload classes extend this base.
   *
   * @param kind What differs between the payload classes.
   * @param annotations The message's extension annotations.
   * @param source The decoded version and bytes (absent when built from data).
   */
  protected constructor(
    kind: PayloadKind<Data, ProtobufPayload<Data>>,
    annotations: Readonly<Record<string, string>> | undefined,
    source: Source | undefined,
  ) {
    this.#kind = kind;
    this.version = source?.version ?? "v2";
    this.#bytes = source?.bytes;
    // No annotations (the common case): the shared frozen empty record, not one of its own.
    this.extensionAnnotations = annotations === undefined || Object.keys(annotations).length === 0
      ? EMPTY_PARAMETERS
      : { ...annotations };
  }

  /**
   * For a payload class whose content changed in place (e.g.
   * `Solution.setDualVariable`): forget the decoded bytes and message, so
   * `message` and `toBytes()` reflect the new content.
   */
  protected contentChanged(): void {
    this.#bytes = undefined;
    this.#message = undefined;
  }

  /**
   * The content as plain data (an instance's constraints of every state in
   * one list per kind).
   *
   * @returns The data.
   */
  abstract toData(): Data;

  /**
   * Annotations as Python's `annotations` shows them: the
   * `org.ommx.v1.<kind>.*` projection (an instance's description and counts, a
   * solution's or sample set's process metadata; see
   * `docs/glossary.md#layer-annotations`) plus the extension annotations.
   */
  get annotations(): Record<string, string> {
    return this.#kind.annotations(this);
  }

  /**
   * A copy with layer-descriptor annotations merged in: the message wins; the
   * `org.ommx.v1.<kind>.*` keys fill unset description or metadata fields and
   * other extension keys fill missing extension annotations (see
   * `mergeAnnotations`).
   *
   * @param layerAnnotations The layer's annotations.
   * @returns The merged copy.
   */
  mergeLayerAnnotations(layerAnnotations: Readonly<Record<string, string>>): this {
    return this.#kind.create(
      this.#kind.withLayer(this.toData(), layerAnnotations),
      sourceOf(this.version, this.#bytes),
    ) as this;
  }

  /**
   * Encode as `ommx.v2` bytes of the payload's message. A Solution or
   * SampleSet writes the fields the reference re-checks on read (each
   * constraint's `feasible`, `indicator_active`, `active_variable`, the
   * `feasible` / `feasible_relaxed` flags; per sample for a SampleSet),
   * computed from the values where not given, and always `feasibility_atol`.
   *
   * @returns The bytes.
   * @throws {EncodeError} For a Solution or SampleSet, when a value is not
   *   finite (or missing for a sample), or a stated derived field contradicts
   *   the values at `feasibilityAtol`: the reference would refuse it.
   */
  toBytes(): Uint8Array {
    return this.#kind.encode(this.toData());
  }

  /**
   * The protobuf message: the `ommx.v1` message decoded lazily with the
   * generated static codec for a v1 payload, else the `ommx.v2` message (built from
   * the data, or decoded from the bytes).
   */
  get message(): OmmxMessage {
    this.#message ??= this.version === "v1" && this.#bytes !== undefined
      ? this.#kind.v1Message(this.#bytes)
      : this.#kind.v2Message(this.toData(), this.#bytes);
    return this.#message;
  }
}
