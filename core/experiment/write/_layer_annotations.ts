/**
 * The layer annotations the writer puts on every typed OMMX layer (see
 * `docs/glossary.md#layer-annotations`): the payload's own projection
 * (`instanceAnnotationView` / `metadataAnnotationView` of the codecs), from
 * the fields of a duck-typed payload, plus its extension annotations.
 *
 * @module
 */
import {
  instanceAnnotationView,
  metadataAnnotationView,
} from "../../../codecs/ommx/annotations.ts";
import type { InstanceLike, ResultLike } from "./payload_like.ts";

/** Keys reserved for the projection; never copied from a payload's own annotations. */
const RESERVED = "org.ommx.v1.";

function extensions(a: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (a === undefined || a === null) return out;
  for (const k of Object.keys(a)) if (!k.startsWith(RESERVED)) out[k] = a[k]!;
  return out;
}

/**
 * Annotations of an Instance (`ns = "instance"`) or ParametricInstance
 * (`ns = "parametric-instance"`) layer.
 *
 * @param value The payload.
 * @param ns The namespace.
 * @returns The annotations.
 *
 * @example
 * ```ts
 * import { instanceAnnotations } from "./_layer_annotations.ts";
 * import assert from "node:assert/strict";
 *
 * const a = instanceAnnotations({
 *   toBytes: () => new Uint8Array(), numVariables: 6, numConstraints: 1,
 *   description: { name: "knapsack", authors: [] }, annotations: { "org.ommx.user.capacity": "47" },
 * });
 * assert.deepEqual(a, {
 *   "org.ommx.user.capacity": "47", "org.ommx.v1.instance.title": "knapsack",
 *   "org.ommx.v1.instance.variables": "6", "org.ommx.v1.instance.constraints": "1",
 * });
 * ```
 */
export function instanceAnnotations(
  value: InstanceLike,
  ns: "instance" | "parametric-instance" = "instance",
): Record<string, string> {
  return instanceAnnotationView(
    `org.ommx.v1.${ns}`,
    value.description,
    value.numVariables,
    value.numConstraints,
    extensions(value.annotations),
  );
}

/**
 * Annotations of a Solution (`ns = "solution"`) or SampleSet (`ns = "sample-set"`) layer.
 *
 * @param value The payload.
 * @param ns The namespace.
 * @returns The annotations (`{}` without metadata and extension keys).
 *
 * @example
 * ```ts
 * import { resultAnnotations } from "./_layer_annotations.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(resultAnnotations({ toBytes: () => new Uint8Array() }, "solution"), {});
 * assert.deepEqual(
 *   resultAnnotations({ toBytes: () => new Uint8Array(), metadata: { solver: '"x"' } }, "sample-set"),
 *   { "org.ommx.v1.sample-set.solver": '"x"' },
 * );
 * ```
 */
export function resultAnnotations(
  value: ResultLike,
  ns: "solution" | "sample-set",
): Record<string, string> {
  return metadataAnnotationView(`org.ommx.v1.${ns}`, value.metadata, extensions(value.annotations));
}
