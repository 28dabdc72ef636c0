/**
 * Writing a sealed Experiment out: a `.ommx` archive (see `docs/glossary.md#ommx-archive`),
 * atomically, or an OCI image layout directory.
 *
 * Archive writes go to a temporary file in the destination directory, are
 * fsync'ed, then renamed over the destination (or hard-linked into place when
 * overwriting is not allowed, so an existing file is never replaced and a
 * crash never leaves a partial file under the final name).
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { parseManifest } from "../../oci/manifest.ts";
import {
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_IMAGE_INDEX,
  MEDIA_TYPE_IMAGE_MANIFEST,
} from "../../oci/media_types.ts";
import type { ReadOnlyTarget } from "../../oci/storage.ts";
import type { TarWriteEntry } from "../../oci/tar/writer.ts";
import { concatBytes } from "../../_bytes.ts";

/** Options of {@linkcode saveExperiment}. */
export interface SaveOptions {
  /** Replace an existing destination file. Default `false`. */
  overwrite?: boolean;
  /** Skip fsync (tests only; loses the crash guarantee). Default `false`. */
  noSync?: boolean;
}

/**
 * A sealed Experiment as save and push see it: the storage its blobs are in
 * and its manifest descriptor (the package root's `Experiment` once
 * committed or loaded, and the read room's `SealedExperiment`).
 */
export interface StoredExperiment {
  /** Where the manifest, config and layers can be fetched. */
  readonly storage: ReadOnlyTarget;
  /** The manifest descriptor (with the image name as ref annotation, when named). */
  readonly manifestDescriptor: Descriptor;
  /** The image name, or `null`. */
  readonly imageName: string | null;
}

/** What to save: a sealed Experiment (committed or opened), or a target + manifest descriptor. */
export type SaveSource = StoredExperiment | { target: ReadOnlyTarget; descriptor: Descriptor };

function resolveSource(source: SaveSource): { target: ReadOnlyTarget; descriptor: Descriptor } {
  const s = source as Partial<StoredExperiment> & {
    target?: ReadOnlyTarget;
    descriptor?: Descriptor;
  };
  if (typeof s?.storage?.fetch === "function" && s.manifestDescriptor !== undefined) {
    return { target: s.storage, descriptor: s.manifestDescriptor };
  }
  if (typeof s?.target?.fetch !== "function" || s.descriptor === undefined) {
    throw new InvalidArgumentError(
      "saveExperiment: pass an Experiment or { target, descriptor }",
    );
  }
  return { target: s.target, descriptor: s.descriptor };
}

async function members(
  target: ReadOnlyTarget,
  descriptor: Descriptor,
): Promise<TarWriteEntry[]> {
  // Loaded on first use: the archive layout is not part of importing the package.
  const { blobPath, encodeOciLayout, OCI_INDEX_FILE, OCI_LAYOUT_FILE } = await import(
    "../../oci/layout.ts"
  );
  const { encodeImageIndex } = await import("../../oci/image_index.ts");
  const manifestBytes = await target.fetch(descriptor);
  const { manifest } = parseManifest(manifestBytes);
  const name = descriptor.annotations?.[ANNOTATION_REF_NAME];
  const indexDescriptor: Descriptor = {
    mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(name === undefined ? {} : { annotations: { [ANNOTATION_REF_NAME]: name } }),
  };
  const layout = encodeOciLayout();
  const entries: TarWriteEntry[] = [
    { name: OCI_LAYOUT_FILE, size: layout.length, body: layout },
    { name: blobPath(descriptor.digest), size: manifestBytes.length, body: manifestBytes },
  ];
  for (const d of [manifest.config, ...manifest.layers]) {
    entries.push({ name: blobPath(d.digest), size: d.size, body: target.fetchStream(d) });
  }
  const index = encodeImageIndex({
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_IMAGE_INDEX,
    manifests: [indexDescriptor],
  });
  entries.push({ name: OCI_INDEX_FILE, size: index.length, body: index });
  return entries;
}

/**
 * Write the `.ommx` archive bytes of an Experiment to a sink (the member order
 * and headers of the reference writer: `oci-layout`, manifest, config, every
 * layer in manifest order with duplicates, `index.json`, 1024 zero bytes).
 *
 * @param source The Experiment.
 * @param write The sink.
 * @returns Nothing.
 */
export async function writeExperimentArchive(
  source: SaveSource,
  write: (chunk: Uint8Array) => void | Promise<void>,
): Promise<void> {
  const { target, descriptor } = resolveSource(source);
  const entries = await members(target, descriptor);
  // Loaded on first use: the tar writer is not part of importing the package.
  const { TarWriter } = await import("../../oci/tar/writer.ts");
  const tar = new TarWriter({ write });
  for (const e of entries) {
    // Streams are created eagerly above; consume them in order.
    await tar.add(e);
  }
  await tar.close();
}

/**
 * The `.ommx` archive of an Experiment, in memory.
 *
 * @param source The Experiment.
 * @returns The archive bytes.
 *
 * @example
 * ```ts
 * import { createExperimentBuilder } from "./experiment_builder.ts";
 * import { experimentArchiveBytes } from "./save.ts";
 * import assert from "node:assert/strict";
 *
 * const exp = await createExperimentBuilder({ imageName: "example.com/demo/empty:v1" }).commit();
 * const bytes = await experimentArchiveBytes(exp);
 * assert.equal(bytes.length % 512, 0);
 * assert.equal(new TextDecoder().decode(bytes.subarray(0, 10)), "oci-layout");
 * ```
 */
export async function experimentArchiveBytes(source: SaveSource): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await writeExperimentArchive(source, (c) => void chunks.push(c.slice()));
  return concatBytes(chunks);
}

/**
 * Save an Experiment as a `.ommx` archive, atomically: a temporary file in
 * the destination directory is written, fsync'ed and renamed into place. An
 * existing destination is replaced only with `overwrite: true`. Temporary
 * files left in that directory by an interrupted earlier save are removed
 * first (only ours, recognised by name; see `docs/security.md`).
 *
 * @param source The Experiment.
 * @param path The destination file.
 * @param options `overwrite`.
 * @returns The path written.
 * @throws {AlreadyExistsError} When the destination exists and `overwrite` is not set.
 * @throws {IoError} When the destination cannot be written (missing directory, no permission, full disk).
 *
 * @example
 * ```ts
 * import { createExperimentBuilder } from "./experiment_builder.ts";
 * import { saveExperiment } from "./save.ts";
 * import { openSealedExperiment } from "../read/open.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const exp = await createExperimentBuilder({ imageName: "example.com/demo/x:v1" }).commit();
 * await saveExperiment(exp, `${dir}/x.ommx`);
 * await using back = await openSealedExperiment(`${dir}/x.ommx`);
 * assert.equal(back.manifestDigest, exp.manifestDigest);
 * await assert.rejects(saveExperiment(exp, `${dir}/x.ommx`), { code: "ALREADY_EXISTS" });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveExperiment(
  source: SaveSource,
  path: string,
  options: SaveOptions = {},
): Promise<string> {
  const resolved = resolveSource(source);
  // Loaded on first use: file writing is not part of importing the package.
  const { writeAll, writeFileAtomic } = await import("../../_atomic_file.ts");
  return await writeFileAtomic(
    String(path),
    (handle) => writeExperimentArchive(resolved, (chunk) => writeAll(handle, chunk)),
    { overwrite: options.overwrite === true, noSync: options.noSync === true },
  );
}

/**
 * Save an Experiment into an OCI image layout directory (created when
 * absent; other manifests in it are kept; the image name is the ref annotation).
 *
 * @param source The Experiment.
 * @param dir The layout directory.
 * @returns The directory.
 */
export async function saveExperimentLayout(source: SaveSource, dir: string): Promise<string> {
  const { target, descriptor } = resolveSource(source);
  // Loaded on first use: the layout backend is not part of importing the package.
  const { openLayoutDir } = await import("../../oci/backends/layout_dir.ts");
  const layout = await openLayoutDir(dir, { create: true });
  try {
    const { manifest } = parseManifest(await target.fetch(descriptor));
    const seen = new Set<string>();
    for (const d of [manifest.config, ...manifest.layers]) {
      if (seen.has(d.digest)) continue;
      seen.add(d.digest);
      if (!(await layout.exists(d))) await layout.push(d, target.fetchStream(d));
    }
    const bare: Descriptor = {
      mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
      digest: descriptor.digest,
      size: descriptor.size,
    };
    await layout.push(bare, await target.fetch(bare));
    const name = descriptor.annotations?.[ANNOTATION_REF_NAME];
    if (name === undefined) {
      throw new InvalidArgumentError("saveExperimentLayout: the Experiment has no image name");
    }
    await layout.tag(bare, name);
    return layout.location;
  } finally {
    await layout.close();
  }
}
