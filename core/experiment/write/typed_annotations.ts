/**
 * Layer annotations of typed OMMX payloads (spec §6.3): the projection the
 * reference writes on every Instance / ParametricInstance / Solution /
 * SampleSet layer.
 *
 * @module
 */

/** Descriptive metadata of an instance, as the codecs expose it. */
export interface DescriptionLike {
  /** Title. */
  readonly name?: string | undefined;
  /** Description. */
  readonly description?: string | undefined;
  /** Authors. */
  readonly authors?: readonly string[] | undefined;
  /** Producing software. */
  readonly createdBy?: string | undefined;
  /** Creation time (RFC 3339). */
  readonly created?: string | undefined;
  /** Licence. */
  readonly license?: string | undefined;
  /** Data set. */
  readonly dataset?: string | undefined;
}

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

/** Process metadata of a Solution or SampleSet. */
export interface ProcessMetadataLike {
  /** Input instance digest. */
  readonly instance?: string | undefined;
  /** Solver (JSON text). */
  readonly solver?: string | undefined;
  /** Parameters (JSON text). */
  readonly parameters?: string | undefined;
  /** Start (RFC 3339). */
  readonly start?: string | undefined;
  /** End (RFC 3339). */
  readonly end?: string | undefined;
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

const RESERVED = "org.ommx.v1.";

function extensions(a: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a ?? {})) if (!k.startsWith(RESERVED)) out[k] = v;
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
 * import { instanceAnnotations } from "./typed_annotations.ts";
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
  const out = extensions(value.annotations);
  const p = `org.ommx.v1.${ns}.`;
  const d = value.description;
  if (d) {
    if (d.name !== undefined) out[p + "title"] = d.name;
    if (d.description !== undefined) out[p + "description"] = d.description;
    if (d.authors !== undefined && d.authors.length > 0) out[p + "authors"] = d.authors.join(",");
    if (d.createdBy !== undefined) out[p + "created_by"] = d.createdBy;
    if (d.created !== undefined) out[p + "created"] = d.created;
    if (d.license !== undefined) out[p + "license"] = d.license;
    if (d.dataset !== undefined) out[p + "dataset"] = d.dataset;
  }
  out[p + "variables"] = String(value.numVariables);
  out[p + "constraints"] = String(value.numConstraints);
  return out;
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
 * import { resultAnnotations } from "./typed_annotations.ts";
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
  const out = extensions(value.annotations);
  const m = value.metadata;
  if (m) {
    const p = `org.ommx.v1.${ns}.`;
    for (const key of ["instance", "solver", "parameters", "start", "end"] as const) {
      const v = m[key];
      if (v !== undefined) out[p + key] = v;
    }
  }
  return out;
}
