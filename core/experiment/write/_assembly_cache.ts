/**
 * {@linkcode AssemblyCache}: what an Experiment being recorded keeps between
 * assemblies (autosaves), so that a checkpoint encodes only the runs closed
 * since the last one. The closed runs' part of the config (the `runs` array
 * text) and of the manifest (their layers' text) are kept as encoded bytes in
 * append-only buffers, the config's SHA-256 state after the last run is kept
 * (a checkpoint finishes a copy of it), and the run-parameter table is built
 * run by run ({@linkcode RunParameterTableWriter}). A checkpoint then copies
 * and hashes a few buffers instead of joining and encoding thousands of
 * strings; the bytes are those of a fresh assembly.
 *
 * Assemblies using one cache run one at a time
 * ({@linkcode AssemblyCache.exclusive}). The cache follows the runs by identity, in ascending run id: a run that is
 * not where the cache has it (a run closing before one with a lower id, a run
 * replaced by a copy, an Experiment attachment added, which moves every run's
 * layer indices) cuts the cache back to the runs before it.
 *
 * @module
 */
import { equalBytes } from "../../_bytes.ts";
import { ByteChunks } from "../../_byte_chunks.ts";
import { NumberList } from "../../_number_list.ts";
import type { Hasher } from "../../oci/digest.ts";
import { createPayloadHasher } from "../../oci/_payload_hash.ts";
import { canonicalJson, compareCodePoints } from "../../oci/canonical_json.ts";
import { RunParameterTableWriter } from "../../../codecs/msgpack/_run_parameter_table_writer.ts";
import { buildRunParameterTable } from "../../../codecs/msgpack/run_parameter_table.ts";
import type { LayerDescriptor } from "./_staging.ts";
import type { RunState } from "./_run_state.ts";

/** Encodes a closed run's config record, appending its layers with `add` (which returns the index). */
export type RunEncoder = (run: RunState, add: (d: LayerDescriptor) => number) => string;

const COMMA = Uint8Array.of(0x2c);
const encoder = new TextEncoder();

/** The most media types and annotation keys {@linkcode quoted} keeps. */
const QUOTED_LIMIT = 256;
const quotedTexts = new Map<string, string>();

/**
 * `JSON.stringify` of a media type or an annotation key: a writer's layers use a handful of
 * them, so their texts are kept (up to {@linkcode QUOTED_LIMIT}) instead of written again for
 * every layer.
 */
function quoted(s: string): string {
  let text = quotedTexts.get(s);
  if (text === undefined) {
    text = JSON.stringify(s);
    if (quotedTexts.size < QUOTED_LIMIT) quotedTexts.set(s, text);
  }
  return text;
}

/**
 * A layer descriptor's canonical JSON text, as the manifest holds it
 * (`canonicalJson` of its four fields). The usual descriptor (string
 * annotations, string digest and media type, a finite size) is written
 * directly, its keys already in code point order: the generic writer's
 * walk made ~13 KiB of garbage per run (paths, entry arrays, a `Set`).
 * Anything else goes through `canonicalJson`.
 */
export function layerJson(layer: LayerDescriptor): string {
  const { annotations, digest, mediaType, size } = layer;
  if (
    typeof annotations !== "object" || annotations === null || Array.isArray(annotations) ||
    typeof digest !== "string" || typeof mediaType !== "string" || !Number.isFinite(size)
  ) {
    return canonicalJson({ annotations, digest, mediaType, size });
  }
  const keys = Object.keys(annotations);
  let members = "";
  if (keys.length > 1) keys.sort(compareCodePoints);
  for (const key of keys) {
    const value: unknown = annotations[key];
    if (typeof value !== "string") return canonicalJson({ annotations, digest, mediaType, size });
    if (members.length > 0) members += ",";
    members += `${quoted(key)}:${JSON.stringify(value)}`;
  }
  return `{"annotations":{${members}},"digest":${JSON.stringify(digest)},"mediaType":${
    quoted(mediaType)
  },"size":${String(size)}}`;
}

/**
 * What the cache holds per run, in ascending run id: the run, and its ends (exclusive) in the
 * flat layer list, the config buffer and the manifest buffer — three numbers a run in one flat
 * list (`ENDS` apiece), not an object a run (kept for as long as the Experiment is recorded),
 * outside V8's heap ({@linkcode NumberList}).
 */
const ENDS = 3;
const LAYER_END = 0;
const CONFIG_END = 1;
const MANIFEST_END = 2;

/** The config hash state: the head it began with, and how much of the runs buffer it took in. */
interface ConfigHash {
  readonly head: Uint8Array;
  readonly hasher: Hasher;
  upTo: number;
}

/**
 * The encoded part of an Experiment's closed runs, kept between assemblies.
 * Create one per Experiment being recorded.
 */
export class AssemblyCache {
  /** Layers before the first run's (the Experiment attachments) when the entries were made. */
  #base = 0;
  readonly #runs: RunState[] = [];
  /** `ENDS` numbers a run of `#runs`: its layer, config and manifest ends. */
  readonly #ends = new NumberList();
  readonly #layers: LayerDescriptor[] = [];
  /** The config's `runs` array content: each run's text, comma-separated. */
  readonly #config = new ByteChunks();
  /** The manifest's text of the runs' layers, comma-separated. */
  readonly #manifest = new ByteChunks();
  /** The runs' parameter table; an error's full build reads the parameters from `#runs`. */
  readonly #table = new RunParameterTableWriter(() =>
    this.#runs.map((r) => ({ runId: r.runId, params: r.parameters }))
  );
  readonly #layerTexts = new WeakMap<LayerDescriptor, Uint8Array>();
  #hash: ConfigHash | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** The runs array of the last sync, and how many of its leading runs the entries still hold. */
  #synced: readonly RunState[] | undefined;
  #verified = 0;

  /**
   * Run `fn` alone: assemblies of one Experiment may overlap (an autosave
   * and a draft view), and the buffers they read stay valid only until the
   * next {@linkcode AssemblyCache.sync}.
   *
   * @param fn The assembly.
   * @returns What `fn` returned.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(fn);
    this.#queue = result.catch(() => {});
    return result;
  }

  /**
   * Bring the cache up to `runs`: keep the runs it has in the same place,
   * cut the rest and encode the runs after them. Given the very array of the
   * last sync again (a builder's list of closed runs, appended to as runs
   * close), the runs it held then are not compared again unless reported by
   * {@linkcode AssemblyCache.replaced}: closing N runs one sync each stays
   * linear.
   *
   * @param base How many layers come before the first run's (the Experiment attachments).
   * @param runs The closed runs, ascending by run id.
   * @param encode How a run's config record is encoded.
   * @throws {InvalidArgumentError} When run-parameter column types cannot be unified
   * (the error a full build of every run's table gives).
   */
  sync(base: number, runs: readonly RunState[], encode: RunEncoder): void {
    let keep = 0;
    if (base === this.#base) {
      const n = Math.min(runs.length, this.#runs.length);
      if (runs === this.#synced) keep = Math.min(this.#verified, n);
      while (keep < n && this.#runs[keep] === runs[keep]) keep++;
    }
    this.#synced = undefined;
    this.#cut(keep);
    this.#base = base;
    for (let i = keep; i < runs.length; i++) {
      const run = runs[i]!;
      try {
        this.#table.append({ runId: run.runId, params: run.parameters });
      } catch (error) {
        // What a full build of every run refuses first (a later run may hold an earlier error).
        buildRunParameterTable(runs.map((r) => ({ runId: r.runId, params: r.parameters })));
        throw error;
      }
      const first = this.#layers.length;
      const text = encode(run, (d) => base + this.#layers.push(d) - 1);
      if (this.#runs.length > 0) this.#config.append(COMMA);
      this.#config.appendText(text);
      // The run's layers as one text, encoded once (not cached per descriptor: a Run's layers
      // are written here once, and 15,000 small cached arrays at 5,000 runs stayed alive).
      let layersText = "";
      for (let j = first; j < this.#layers.length; j++) {
        if (this.#manifest.length > 0 || layersText.length > 0) layersText += ",";
        layersText += layerJson(this.#layers[j]!);
      }
      if (layersText.length > 0) this.#manifest.appendText(layersText);
      this.#runs.push(run);
      this.#ends.push(this.#layers.length);
      this.#ends.push(this.#config.length);
      this.#ends.push(this.#manifest.length);
    }
    this.#synced = runs;
    this.#verified = this.#runs.length;
  }

  /**
   * Report that the run at `index` of the array last given to
   * {@linkcode AssemblyCache.sync} was replaced (a copy with its trace), so
   * that the next sync with that array compares it and those after it.
   *
   * @param index The replaced run's index in that array.
   */
  replaced(index: number): void {
    this.#verified = Math.min(this.#verified, index);
  }

  #cut(keep: number): void {
    if (keep >= this.#runs.length) return;
    const last = (keep - 1) * ENDS; // the last kept run's ends (none when keep is 0)
    this.#runs.length = keep;
    this.#ends.truncate(keep * ENDS);
    this.#layers.length = keep > 0 ? this.#ends.at(last + LAYER_END)! : 0;
    this.#config.truncate(keep > 0 ? this.#ends.at(last + CONFIG_END)! : 0);
    this.#manifest.truncate(keep > 0 ? this.#ends.at(last + MANIFEST_END)! : 0);
    this.#table.truncate(keep);
    if (this.#hash !== undefined && this.#hash.upTo > this.#config.length) this.#hash = undefined;
  }

  /** The runs' layers, in order (after the `base` layers given to {@linkcode AssemblyCache.sync}). */
  get layers(): readonly LayerDescriptor[] {
    return this.#layers;
  }

  /**
   * The config's `runs` array content (run texts, comma-separated), valid
   * until the next {@linkcode AssemblyCache.sync}.
   */
  get configRuns(): ByteChunks {
    return this.#config;
  }

  /**
   * The manifest's text of the runs' layers (comma-separated), valid until
   * the next {@linkcode AssemblyCache.sync}.
   */
  get manifestLayers(): ByteChunks {
    return this.#manifest;
  }

  /**
   * The run-parameter table of the runs, encoded.
   *
   * @returns The MessagePack bytes.
   */
  tableBytes(): Uint8Array {
    return this.#table.encode();
  }

  /**
   * A layer's canonical JSON text in the manifest (cached per descriptor).
   *
   * @param layer The layer.
   * @returns Its UTF-8 text.
   */
  layerText(layer: LayerDescriptor): Uint8Array {
    let text = this.#layerTexts.get(layer);
    if (text === undefined) {
      text = encoder.encode(layerJson(layer));
      this.#layerTexts.set(layer, text);
    }
    return text;
  }

  /**
   * SHA-256 (hex) of `head` + the runs' config text + `tail`, continuing the
   * hash of the last call when `head` is the same and the runs were only
   * appended to since.
   *
   * @param head The config text up to its `runs` array content.
   * @param tail The config text after it.
   * @returns The hex digest.
   */
  async configHex(head: Uint8Array, tail: Uint8Array): Promise<string> {
    let hash = this.#hash;
    if (hash === undefined || !equalBytes(hash.head, head)) {
      const hasher = await createPayloadHasher();
      hasher.update(head);
      hash = this.#hash = { head: head.slice(), hasher, upTo: 0 };
    }
    for (const piece of this.#config.pieces(hash.upTo)) hash.hasher.update(piece);
    hash.upTo = this.#config.length;
    const finish = hash.hasher.copy();
    finish.update(tail);
    return await finish.digestHex();
  }
}
