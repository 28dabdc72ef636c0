/**
 * An immutable registry of attachment codecs, looked up by exact media type.
 *
 * @module
 */

import type { AttachmentCodec } from "./codec.ts";
import { CodecContractError, UnknownMediaTypeError } from "../core/errors.ts";

/** Options of {@linkcode CodecRegistry.with}. */
export interface CodecRegistryWithOptions {
  /**
   * Replace an already registered codec of the same media type instead of
   * throwing {@linkcode CodecContractError}.
   *
   * @default {false}
   */
  override?: boolean;
}

/**
 * An immutable set of codecs, at most one per exact media type.
 *
 * Build one with {@linkcode createCodecRegistry}; derive new registries with
 * {@linkcode CodecRegistry.with}. Iterating yields the codecs in registration
 * order.
 */
export interface CodecRegistry extends Iterable<AttachmentCodec<unknown>> {
  /** Discriminant, so a registry can be told apart from a codec. */
  readonly kind: "codec-registry";
  /** The registered media types, in registration order. */
  readonly mediaTypes: readonly string[];
  /** The number of registered codecs. */
  readonly size: number;
  /**
   * The codec registered for exactly `mediaType`, or `undefined`.
   *
   * @param mediaType An exact media type (no parameter stripping, no case folding).
   * @returns The codec, or `undefined`.
   */
  get(mediaType: string): AttachmentCodec<unknown> | undefined;
  /**
   * Whether a codec is registered for exactly `mediaType`.
   *
   * @param mediaType An exact media type.
   * @returns `true` when a codec is registered.
   */
  has(mediaType: string): boolean;
  /**
   * The codec registered for exactly `mediaType`.
   *
   * @param mediaType An exact media type.
   * @returns The codec.
   * @throws {UnknownMediaTypeError} When none is registered.
   */
  require(mediaType: string): AttachmentCodec<unknown>;
  /**
   * Decode bytes stored under `mediaType` with the codec of exactly that type.
   *
   * @param mediaType The stored (logical) media type of `bytes`.
   * @param bytes The payload bytes.
   * @returns The decoded value.
   * @throws {UnknownMediaTypeError} When no codec handles `mediaType`.
   */
  decode(mediaType: string, bytes: Uint8Array): Promise<unknown>;
  /**
   * Encode a value with the codec of exactly `mediaType`.
   *
   * @param mediaType The media type to encode as.
   * @param value The value.
   * @returns The encoded bytes.
   * @throws {UnknownMediaTypeError} When no codec handles `mediaType`.
   * @throws {CodecContractError} When the codec does not return a `Uint8Array`.
   */
  encode(mediaType: string, value: unknown): Promise<Uint8Array>;
  /**
   * A new registry with `codec` added.
   *
   * @param codec The codec to add.
   * @param options `override: true` replaces a codec of the same media type.
   * @returns A new registry; this one is unchanged.
   * @throws {CodecContractError} On an invalid codec, or a duplicate media type without `override`.
   */
  with(codec: AttachmentCodec<unknown>, options?: CodecRegistryWithOptions): CodecRegistry;
}

/**
 * Check that a value honours the {@linkcode AttachmentCodec} contract: an
 * object with a non-empty string `mediaType` and `encode`/`decode` functions.
 *
 * @typeParam T The codec's value type.
 * @param codec The candidate codec.
 * @returns The same codec, typed.
 * @throws {CodecContractError} When the contract is broken.
 *
 * @example Reject a codec without a media type
 * ```ts
 * import { checkCodec } from "./registry.ts";
 * import assert from "node:assert/strict";
 *
 * const ok = { mediaType: "text/plain", encode: (s: string) => new TextEncoder().encode(s), decode: (b: Uint8Array) => new TextDecoder().decode(b) };
 * assert.equal(checkCodec(ok), ok);
 * assert.throws(() => checkCodec({ mediaType: "", encode: ok.encode, decode: ok.decode }), { code: "CODEC_CONTRACT" });
 * ```
 */
export function checkCodec<T>(codec: AttachmentCodec<T>): AttachmentCodec<T> {
  if (codec === null || (typeof codec !== "object" && typeof codec !== "function")) {
    throw new CodecContractError(`A codec must be an object, got ${describe(codec)}`);
  }
  const c = codec as unknown as Record<string, unknown>;
  if (typeof c.mediaType !== "string" || c.mediaType === "") {
    throw new CodecContractError(
      `A codec must have a non-empty string mediaType, got ${describe(c.mediaType)}`,
    );
  }
  for (const method of ["encode", "decode"] as const) {
    if (typeof c[method] !== "function") {
      throw new CodecContractError(
        `Codec for '${c.mediaType}' must have an ${method} function, got ${describe(c[method])}`,
      );
    }
  }
  return codec;
}

/**
 * Check that a codec's `encode` result is a `Uint8Array`.
 *
 * @param mediaType The codec's media type (for the message).
 * @param result What `encode` returned (awaited).
 * @returns The bytes.
 * @throws {CodecContractError} When `result` is not a `Uint8Array`.
 *
 * @example
 * ```ts
 * import { checkEncoded } from "./registry.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(checkEncoded("text/plain", new Uint8Array([1])), new Uint8Array([1]));
 * assert.throws(() => checkEncoded("text/plain", "x"), { code: "CODEC_CONTRACT" });
 * ```
 */
export function checkEncoded(mediaType: string, result: unknown): Uint8Array {
  if (!(result instanceof Uint8Array)) {
    throw new CodecContractError(
      `Codec for '${mediaType}' must encode to a Uint8Array, got ${describe(result)}`,
    );
  }
  return result;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`;
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return typeof value;
}

class CodecRegistryImpl implements CodecRegistry {
  readonly kind = "codec-registry" as const;
  readonly #codecs: ReadonlyMap<string, AttachmentCodec<unknown>>;

  constructor(codecs: ReadonlyMap<string, AttachmentCodec<unknown>>) {
    this.#codecs = codecs;
  }

  get mediaTypes(): readonly string[] {
    return [...this.#codecs.keys()];
  }

  get size(): number {
    return this.#codecs.size;
  }

  get(mediaType: string): AttachmentCodec<unknown> | undefined {
    return this.#codecs.get(mediaType);
  }

  has(mediaType: string): boolean {
    return this.#codecs.has(mediaType);
  }

  require(mediaType: string): AttachmentCodec<unknown> {
    const codec = this.#codecs.get(mediaType);
    if (codec === undefined) throw new UnknownMediaTypeError(mediaType);
    return codec;
  }

  async decode(mediaType: string, bytes: Uint8Array): Promise<unknown> {
    const codec = this.require(mediaType);
    return await codec.decode(bytes);
  }

  async encode(mediaType: string, value: unknown): Promise<Uint8Array> {
    const codec = this.require(mediaType);
    return checkEncoded(mediaType, await codec.encode(value));
  }

  with(codec: AttachmentCodec<unknown>, options?: CodecRegistryWithOptions): CodecRegistry {
    checkCodec(codec);
    if (this.#codecs.has(codec.mediaType) && options?.override !== true) {
      throw new CodecContractError(
        `A codec for '${codec.mediaType}' is already registered (use { override: true } to replace it)`,
      );
    }
    const next = new Map(this.#codecs);
    next.set(codec.mediaType, codec);
    return new CodecRegistryImpl(next);
  }

  [Symbol.iterator](): Iterator<AttachmentCodec<unknown>> {
    return this.#codecs.values();
  }

  get [Symbol.toStringTag](): string {
    return "CodecRegistry";
  }
}

/**
 * Build an immutable {@linkcode CodecRegistry} from codecs and other registries.
 *
 * Inputs are added in order. Two codecs for the same media type are an error
 * (also across merged registries); use {@linkcode CodecRegistry.with} with
 * `{ override: true }` to replace one on purpose.
 *
 * @param inputs Codecs and registries to include.
 * @returns The registry.
 * @throws {CodecContractError} On an invalid codec or a duplicate media type.
 *
 * @example Register a codec and decode with it
 * ```ts
 * import { createCodecRegistry } from "./registry.ts";
 * import assert from "node:assert/strict";
 *
 * const text = {
 *   mediaType: "text/plain",
 *   encode: (s: string) => new TextEncoder().encode(s),
 *   decode: (b: Uint8Array) => new TextDecoder().decode(b),
 * };
 * const registry = createCodecRegistry(text);
 * assert.equal(registry.has("text/plain"), true);
 * assert.equal(await registry.decode("text/plain", new Uint8Array([104, 105])), "hi");
 * assert.equal(registry.get("text/plain; charset=utf-8"), undefined);
 * ```
 */
export function createCodecRegistry(
  // deno-lint-ignore no-explicit-any
  ...inputs: (AttachmentCodec<any> | CodecRegistry)[]
): CodecRegistry {
  let registry: CodecRegistry = new CodecRegistryImpl(new Map());
  for (const input of inputs) {
    if (isCodecRegistry(input)) {
      for (const codec of input) registry = registry.with(codec);
    } else {
      registry = registry.with(input as AttachmentCodec<unknown>);
    }
  }
  return registry;
}

/**
 * Whether a value is a {@linkcode CodecRegistry}.
 *
 * @param value Any value.
 * @returns `true` for registries built by {@linkcode createCodecRegistry}.
 *
 * @example
 * ```ts
 * import { createCodecRegistry, isCodecRegistry } from "./registry.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isCodecRegistry(createCodecRegistry()), true);
 * assert.equal(isCodecRegistry({ mediaType: "x" }), false);
 * ```
 */
export function isCodecRegistry(value: unknown): value is CodecRegistry {
  return value instanceof CodecRegistryImpl;
}
