/**
 * Internal pieces shared by the friendly root classes (Instance, ParametricInstance,
 * SampleSet, Solution) for `mergeLayerAnnotations`: folding a layer descriptor's
 * annotations into their plain data, and the decoded-source record they are rebuilt with.
 *
 * @module
 */

import { mergeDescription, mergeExtensions, mergeMetadata } from "./annotations.ts";
import type { OmmxVersion } from "./types.ts";
import type { InstanceDescription, ProcessMetadata } from "./types.ts";

/** The decoded version and (when decoded) bytes a root class is built with. */
export type Source = { version: OmmxVersion; bytes?: Uint8Array };

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
