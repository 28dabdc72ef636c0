/**
 * Internal pieces shared by the friendly root classes (Instance, ParametricInstance,
 * SampleSet, Solution): what each class tells its base class (`PayloadKind`), folding a
 * layer descriptor's annotations into their plain data, and the decoded-source record they
 * are rebuilt with.
 *
 * @module
 */

import {
  instanceAnnotationView,
  mergeDescription,
  mergeExtensions,
  mergeMetadata,
  metadataAnnotationView,
} from "./annotations.ts";
import type { OmmxVersion } from "./types.ts";
import type { InstanceDescription, OmmxMessage, ProcessMetadata } from "./types.ts";

/** The decoded version and (when decoded) bytes a root class is built with. */
export type Source = { version: OmmxVersion; bytes?: Uint8Array };

/** What one payload class tells the shared base (`ProtobufPayload`) about itself. */
export interface PayloadKind<Data, Self> {
  /**
   * The generic-runtime message of v1 bytes.
   *
   * @param bytes The decoded v1 payload.
   */
  v1Message(bytes: Uint8Array): OmmxMessage;
  /**
   * The v2 message of the content.
   *
   * @param data The content.
   * @param bytes The decoded v2 payload, when the object was decoded.
   */
  v2Message(data: Data, bytes: Uint8Array | undefined): OmmxMessage;
  /**
   * The `ommx.v2` bytes of the content.
   *
   * @param data The content.
   */
  encode(data: Data): Uint8Array;
  /**
   * Merge layer annotations into a fresh copy of the content (message wins).
   *
   * @param data The copy (modified).
   * @param layer The layer descriptor's annotations.
   */
  withLayer(data: Data, layer: Readonly<Record<string, string>>): Data;
  /**
   * Build an object of the class.
   *
   * @param data The content.
   * @param source The decoded version and bytes.
   */
  create(data: Data, source: Source): Self;
  /**
   * The annotations Python shows for the object.
   *
   * @param self The object.
   */
  annotations(self: Self): Record<string, string>;
}

/**
 * The source record for a copy of a decoded (or built) object.
 *
 * @param version The protobuf package.
 * @param bytes The decoded bytes, if any.
 * @returns `{ version, bytes }`, or `{ version }` without bytes.
 */
export function sourceOf(version: OmmxVersion, bytes: Uint8Array | undefined): Source {
  return bytes ? { version, bytes } : { version };
}

/**
 * Merge layer annotations into instance-like data in place: the `<namespace>.*` keys fill
 * missing description fields, other non-`org.ommx.v1.` keys fill missing extensions
 * (the message wins).
 *
 * @param d The data (a fresh copy; modified).
 * @param layer The layer's annotations.
 * @param namespace E.g. `org.ommx.v1.instance`.
 * @returns `d`.
 */
export function withLayerDescription<
  D extends { description?: InstanceDescription; annotations: Record<string, string> },
>(d: D, layer: Readonly<Record<string, string>>, namespace: string): D {
  const desc = mergeDescription(d.description, layer, namespace);
  if (desc) d.description = desc;
  d.annotations = mergeExtensions(d.annotations, layer);
  return d;
}

/**
 * Merge layer annotations into sample-set / solution data in place: the `<namespace>.*` keys
 * fill missing process-metadata fields, other non-`org.ommx.v1.` keys fill missing extensions
 * (the message wins).
 *
 * @param d The data (a fresh copy; modified).
 * @param layer The layer's annotations.
 * @param namespace E.g. `org.ommx.v1.solution`.
 * @returns `d`.
 */
export function withLayerMetadata<
  D extends { metadata?: ProcessMetadata; annotations: Record<string, string> },
>(d: D, layer: Readonly<Record<string, string>>, namespace: string): D {
  const md = mergeMetadata(d.metadata, layer, namespace);
  if (md) d.metadata = md;
  d.annotations = mergeExtensions(d.annotations, layer);
  return d;
}

/** What a payload class itself says about its kind (the rest follows from its base). */
export type KindParts<D, S> = Pick<
  PayloadKind<D, S>,
  "v1Message" | "v2Message" | "encode" | "create"
>;

/** Data whose layer merge fills an instance description. */
type DescribedData = { description?: InstanceDescription; annotations: Record<string, string> };
/** Data whose layer merge fills process metadata. */
type MeasuredData = { metadata?: ProcessMetadata; annotations: Record<string, string> };
/** What an object shows in its annotations besides the projection. */
type Extended = { readonly extensionAnnotations: Readonly<Record<string, string>> };

/**
 * The kind of a problem payload (`Instance`, `ParametricInstance`), whose
 * layer annotations project its description and counts under `namespace`.
 *
 * @param namespace `org.ommx.v1.instance` or `org.ommx.v1.parametric-instance`.
 * @param parts How the class reads v1, writes v2 and builds itself.
 * @returns The kind.
 */
export function problemKind<
  D extends DescribedData,
  S extends Extended & {
    readonly description: InstanceDescription | undefined;
    readonly numVariables: number;
    readonly numConstraints: number;
  },
>(namespace: string, parts: KindParts<D, S>): PayloadKind<D, S> {
  const annotations = (s: S) =>
    instanceAnnotationView(
      namespace,
      s.description,
      s.numVariables,
      s.numConstraints,
      s.extensionAnnotations,
    );
  return { ...parts, withLayer: (d, l) => withLayerDescription(d, l, namespace), annotations };
}

/**
 * The kind of a result payload (`Solution`, `SampleSet`), whose layer
 * annotations project its process metadata under `namespace`.
 *
 * @param namespace `org.ommx.v1.solution` or `org.ommx.v1.sample-set`.
 * @param parts How the class reads v1, writes v2 and builds itself.
 * @returns The kind.
 */
export function resultKind<
  D extends MeasuredData,
  S extends Extended & { readonly metadata: ProcessMetadata | undefined },
>(namespace: string, parts: KindParts<D, S>): PayloadKind<D, S> {
  const annotations = (s: S) =>
    metadataAnnotationView(namespace, s.metadata, s.extensionAnnotations);
  return { ...parts, withLayer: (d, l) => withLayerMetadata(d, l, namespace), annotations };
}
