/**
 * Merging OCI layer-descriptor annotations into decoded OMMX payloads, the
 * way the reference reader builds Python's `annotations` view: the message
 * always wins; unset description/metadata fields are filled from the
 * `org.ommx.v1.<kind>.*` keys and extension keys (not `org.ommx.v1.`) absent
 * from the message are added.
 *
 * @module
 */

import type { InstanceDescription, ProcessMetadata } from "./types.ts";

/**
 * Description fields as the layer-annotation projection reads them: any
 * {@linkcode InstanceDescription}, or a duck-typed object.
 */
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

/**
 * Process-metadata fields as the layer-annotation projection reads them: any
 * {@linkcode ProcessMetadata}, or a duck-typed object.
 */
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

/** Anything that can absorb layer annotations (every friendly OMMX payload class). */
export interface AnnotationMergeable<T> {
  /**
   * Return a copy with layer annotations merged in.
   *
   * @param layerAnnotations The layer descriptor's annotations.
   * @returns The merged copy.
   */
  mergeLayerAnnotations(layerAnnotations: Readonly<Record<string, string>>): T;
}

/**
 * Merge a layer descriptor's annotations into a decoded payload (message wins).
 *
 * @param obj An `Instance`, `ParametricInstance`, `Solution` or `SampleSet`.
 * @param layerAnnotations The layer descriptor's annotations.
 * @returns A merged copy of `obj`.
 *
 * @example
 * ```ts
 * import { Function, Instance, mergeAnnotations } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const inst = new Instance({ objective: Function.constant(0), annotations: { "org.example.a": "msg" } });
 * const merged = mergeAnnotations(inst, {
 *   "org.ommx.v1.instance.title": "knapsack",
 *   "org.ommx.v1.instance.authors": "Alice, Bob",
 *   "org.ommx.v1.instance.variables": "99",
 *   "org.example.a": "layer",
 *   "org.example.b": "layer",
 * });
 * assert.equal(merged.description?.name, "knapsack");
 * assert.deepEqual(merged.description?.authors, ["Alice", "Bob"]);
 * assert.deepEqual(merged.extensionAnnotations, { "org.example.a": "msg", "org.example.b": "layer" });
 * assert.equal(merged.annotations["org.ommx.v1.instance.variables"], "0"); // recomputed, never read back
 * ```
 */
export function mergeAnnotations<T extends AnnotationMergeable<T>>(
  obj: T,
  layerAnnotations: Readonly<Record<string, string>>,
): T {
  return obj.mergeLayerAnnotations(layerAnnotations);
}

/**
 * Fill unset description fields from `<namespace>.*` keys.
 *
 * @param description The message's description (may be undefined).
 * @param layer The layer annotations.
 * @param namespace `org.ommx.v1.instance` or `org.ommx.v1.parametric-instance`.
 * @returns The merged description (undefined when neither side has any).
 */
export function mergeDescription(
  description: InstanceDescription | undefined,
  layer: Readonly<Record<string, string>>,
  namespace: string,
): InstanceDescription | undefined {
  const d: InstanceDescription = description
    ? { ...description, authors: [...description.authors] }
    : { authors: [] };
  let touched = description !== undefined;
  const fill = (field: Exclude<keyof InstanceDescription, "authors">, key: string) => {
    const v = layer[`${namespace}.${key}`];
    if (v !== undefined && d[field] === undefined) {
      d[field] = v;
      touched = true;
    }
  };
  fill("name", "title");
  fill("description", "description");
  fill("createdBy", "created_by");
  fill("created", "created");
  fill("license", "license");
  fill("dataset", "dataset");
  const authors = layer[`${namespace}.authors`];
  if (authors !== undefined && d.authors.length === 0) {
    d.authors = authors.split(",").map((a) => a.trim()).filter((a) => a !== "");
    touched = true;
  }
  return touched ? d : undefined;
}

/**
 * Fill unset process-metadata fields from `<namespace>.*` keys.
 *
 * @param metadata The message's metadata (may be undefined).
 * @param layer The layer annotations.
 * @param namespace `org.ommx.v1.solution` or `org.ommx.v1.sample-set`.
 * @returns The merged metadata (undefined when neither side has any).
 */
export function mergeMetadata(
  metadata: ProcessMetadata | undefined,
  layer: Readonly<Record<string, string>>,
  namespace: string,
): ProcessMetadata | undefined {
  const m: ProcessMetadata = { ...(metadata ?? {}) };
  let touched = metadata !== undefined;
  for (const k of ["instance", "solver", "parameters", "start", "end"] as const) {
    const v = layer[`${namespace}.${k}`];
    if (v !== undefined && m[k] === undefined) {
      m[k] = v;
      touched = true;
    }
  }
  return touched ? m : undefined;
}

/**
 * Add extension keys (not starting `org.ommx.v1.`) that the message lacks.
 *
 * @param own The message's annotations.
 * @param layer The layer annotations.
 * @returns The merged extension annotations.
 */
export function mergeExtensions(
  own: Readonly<Record<string, string>>,
  layer: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...own };
  for (const [k, v] of Object.entries(layer)) {
    if (!k.startsWith("org.ommx.v1.") && !(k in out)) out[k] = v;
  }
  return out;
}

/**
 * Project an instance's metadata to layer-annotation keys (see `docs/glossary.md#layer-annotations`), plus
 * its extension annotations: the dict Python's `Instance.annotations` shows.
 *
 * @param namespace `org.ommx.v1.instance` or `org.ommx.v1.parametric-instance`.
 * @param description The description, if any.
 * @param numVariables Number of decision variables.
 * @param numConstraints Number of active constraints of all kinds.
 * @param extensions The message's extension annotations.
 * @returns The annotation view.
 *
 * @example
 * ```ts
 * import { instanceAnnotationView } from "./annotations.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   instanceAnnotationView("org.ommx.v1.instance", { name: "t", authors: ["a", "b"] }, 3, 1, { "org.x": "y" }),
 *   {
 *     "org.ommx.v1.instance.title": "t",
 *     "org.ommx.v1.instance.authors": "a,b",
 *     "org.ommx.v1.instance.variables": "3",
 *     "org.ommx.v1.instance.constraints": "1",
 *     "org.x": "y",
 *   },
 * );
 * ```
 */
export function instanceAnnotationView(
  namespace: string,
  description: DescriptionLike | undefined,
  numVariables: number,
  numConstraints: number,
  extensions: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (description) {
    const put = (key: string, v: string | undefined) => {
      if (v !== undefined) out[`${namespace}.${key}`] = v;
    };
    put("title", description.name);
    put("description", description.description);
    const authors = description.authors ?? [];
    if (authors.length > 0) put("authors", authors.join(","));
    put("created_by", description.createdBy);
    put("created", description.created);
    put("license", description.license);
    put("dataset", description.dataset);
  }
  out[`${namespace}.variables`] = String(numVariables);
  out[`${namespace}.constraints`] = String(numConstraints);
  return withExtensions(out, extensions);
}

/**
 * Project process metadata to layer-annotation keys, plus extension
 * annotations: the dict Python's `Solution.annotations` / `SampleSet.annotations` shows.
 *
 * @param namespace `org.ommx.v1.solution` or `org.ommx.v1.sample-set`.
 * @param metadata The metadata, if any.
 * @param extensions The message's extension annotations.
 * @returns The annotation view.
 */
export function metadataAnnotationView(
  namespace: string,
  metadata: ProcessMetadataLike | undefined,
  extensions: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ["instance", "solver", "parameters", "start", "end"] as const) {
    const v = metadata?.[k];
    if (v !== undefined) out[`${namespace}.${k}`] = v;
  }
  return withExtensions(out, extensions);
}

/**
 * `{ ...view, ...extensions }`: the view itself (a fresh object) when there is nothing to
 * spread — the usual payload has no extension annotations, and every logged one asks.
 */
function withExtensions(
  view: Record<string, string>,
  extensions: Readonly<Record<string, string>>,
): Record<string, string> {
  return Reflect.ownKeys(extensions).length === 0 ? view : { ...view, ...extensions };
}
