/**
 * The one error hierarchy shared by every part of ommx-ts.
 *
 * Every error thrown on purpose by this library is an {@linkcode OmmxError}
 * carrying a stable, machine-readable {@linkcode OmmxErrorCode}. Messages name
 * the attachment, digest, media type, member or path at fault. Subclasses exist
 * so callers can use `instanceof`; the `code` is what stays stable across
 * versions and is what the CLI prints.
 *
 * @module
 */

/**
 * Every stable error code, in one list (the {@linkcode OmmxErrorCode} union is
 * derived from it).
 *
 * @example
 * ```ts
 * import { OMMX_ERROR_CODES } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(OMMX_ERROR_CODES.includes("DIGEST_MISMATCH"));
 * ```
 */
export const OMMX_ERROR_CODES = [
  "ATTACHMENT_NOT_FOUND",
  "BLOB_NOT_FOUND",
  "MEDIA_TYPE_MISMATCH",
  "UNKNOWN_MEDIA_TYPE",
  "INVALID_ARTIFACT",
  "INVALID_DIGEST",
  "DIGEST_MISMATCH",
  "SIZE_MISMATCH",
  "CORRUPT_ARCHIVE",
  "DECODE_ERROR",
  "ENCODE_ERROR",
  "CODEC_CONTRACT",
  "UNSUPPORTED",
  "LIMIT_EXCEEDED",
  "ALREADY_EXISTS",
  "INVALID_ARGUMENT",
  "INVALID_REFERENCE",
  "INVALID_STATE",
  "UNAUTHORIZED",
  "DENIED",
  "NETWORK",
  "REGISTRY",
  "TIMEOUT",
  "HTTP",
  // files and archives (issue 10)
  "IO",
  "DATABASE",
  // analysis lookups (issue 12)
  "NOT_FOUND",
  // solver outcomes (issue 14)
  "NOT_APPLICABLE",
  "INFEASIBLE",
  "UNBOUNDED",
  "NO_SOLUTION",
  "ADAPTER_ERROR",
] as const;

/** Stable machine-readable error codes. */
export type OmmxErrorCode = typeof OMMX_ERROR_CODES[number];

/** Options accepted by every {@linkcode OmmxError} constructor. */
export interface OmmxErrorOptions {
  /** The underlying error, if this one wraps another. */
  cause?: unknown;
}

/**
 * Names of the built-in error classes, as string literals: minifying bundlers
 * rename classes, so `new.target.name` alone would turn `UnsupportedError`
 * into `M` (and failure reasons written into archives with it).
 */
const ERROR_NAMES: WeakMap<object, string> = new WeakMap();

/**
 * Base class of every error ommx-ts throws on purpose.
 *
 * @example Branch on the stable code
 * ```ts
 * import { OmmxError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new OmmxError("UNSUPPORTED", "no sha512 here");
 * assert.equal(err.code, "UNSUPPORTED");
 * assert.ok(err instanceof Error);
 * ```
 */
export class OmmxError extends Error {
  /** Stable machine-readable code. */
  readonly code: OmmxErrorCode;

  /**
   * Create an error with a code and a message.
   *
   * @param code The stable error code.
   * @param message A message naming what is at fault.
   * @param options The optional cause.
   */
  constructor(code: OmmxErrorCode, message: string, options?: OmmxErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = ERROR_NAMES.get(new.target) ?? new.target.name;
  }
}

/** An attachment name that does not exist in the Experiment or Run. */
export class AttachmentNotFoundError extends OmmxError {
  /** The name that was asked for. */
  readonly attachmentName: string;
  /**
   * Create the error.
   *
   * @param attachmentName The missing attachment name.
   * @param where Where it was looked up, e.g. `run 3`.
   */
  constructor(attachmentName: string, where = "experiment") {
    super(
      "ATTACHMENT_NOT_FOUND",
      `Attachment ${JSON.stringify(attachmentName)} not found in ${where}`,
    );
    this.attachmentName = attachmentName;
  }
}

/** A blob named by a descriptor that the storage does not hold. */
export class BlobNotFoundError extends OmmxError {
  /** The digest that is missing. */
  readonly digest: string;
  /**
   * Create the error.
   *
   * @param digest The missing digest.
   * @param where The storage it was looked up in.
   */
  constructor(digest: string, where?: string) {
    super("BLOB_NOT_FOUND", `Blob ${digest} not found${where ? ` in ${where}` : ""}`);
    this.digest = digest;
  }
}

/** A stored media type differs from the one an operation requires. */
export class MediaTypeMismatchError extends OmmxError {
  /** What was required (or a description of the accepted set). */
  readonly expected: string;
  /** What is stored. */
  readonly actual: string;
  /**
   * Create the error.
   *
   * @param expected The required media type (or accepted set).
   * @param actual The stored media type.
   * @param subject What was being read, e.g. `attachment "x"`.
   */
  constructor(expected: string, actual: string, subject?: string) {
    super(
      "MEDIA_TYPE_MISMATCH",
      `${subject ? `${subject}: ` : ""}expected media type '${expected}', got '${actual}'`,
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** No codec is registered for a media type. */
export class UnknownMediaTypeError extends OmmxError {
  /** The media type without a codec. */
  readonly mediaType: string;
  /**
   * Create the error.
   *
   * @param mediaType The media type without a codec.
   */
  constructor(mediaType: string) {
    super("UNKNOWN_MEDIA_TYPE", `No codec registered for media type '${mediaType}'`);
    this.mediaType = mediaType;
  }
}

/** The artifact's structure (index, manifest, config) breaks the format rules. */
export class InvalidArtifactError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What is wrong, naming the offending part.
   * @param options The optional cause.
   */
  constructor(message: string, options?: OmmxErrorOptions) {
    super("INVALID_ARTIFACT", message, options);
  }
}

/** A digest string that is not `sha256:` + 64 lowercase hex. */
export class InvalidDigestError extends OmmxError {
  /** The rejected digest text. */
  readonly digest: string;
  /**
   * Create the error.
   *
   * @param digest The rejected text.
   * @param reason Why it was rejected.
   */
  constructor(digest: string, reason: string) {
    super("INVALID_DIGEST", `Invalid digest ${JSON.stringify(digest)}: ${reason}`);
    this.digest = digest;
  }
}

/** A blob's bytes do not hash to its digest. */
export class DigestMismatchError extends OmmxError {
  /** The digest the descriptor promised. */
  readonly expected: string;
  /** The digest of the bytes actually read. */
  readonly actual: string;
  /**
   * Create the error.
   *
   * @param expected The promised digest.
   * @param actual The computed digest.
   */
  constructor(expected: string, actual: string) {
    super("DIGEST_MISMATCH", `Digest mismatch: expected ${expected}, content hashes to ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A blob's length differs from its descriptor's size. */
export class SizeMismatchError extends OmmxError {
  /** The digest of the blob at fault. */
  readonly digest: string;
  /** The size the descriptor promised. */
  readonly expected: number;
  /** The size actually found (a lower bound when reading stopped early). */
  readonly actual: number;
  /**
   * Create the error.
   *
   * @param digest The blob's digest.
   * @param expected The promised size.
   * @param actual The found size.
   */
  constructor(digest: string, expected: number, actual: number) {
    super(
      "SIZE_MISMATCH",
      `Size mismatch for ${digest}: expected ${expected} bytes, found ${actual}`,
    );
    this.digest = digest;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A tar archive that is truncated, has bad checksums or lies about sizes. */
export class CorruptArchiveError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What is wrong, naming the member or offset.
   * @param options The optional cause.
   */
  constructor(message: string, options?: OmmxErrorOptions) {
    super("CORRUPT_ARCHIVE", message, options);
  }
}

/** Payload bytes that cannot be decoded (protobuf, MessagePack, JSON, zstd). */
export class DecodeError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What failed to decode, naming the media type.
   * @param options The optional cause.
   */
  constructor(message: string, options?: OmmxErrorOptions) {
    super("DECODE_ERROR", message, options);
  }
}

/** A value that cannot be encoded. */
export class EncodeError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What failed to encode.
   * @param options The optional cause.
   */
  constructor(message: string, options?: OmmxErrorOptions) {
    super("ENCODE_ERROR", message, options);
  }
}

/** A codec that breaks the codec contract (no media type, encode not returning bytes). */
export class CodecContractError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What the codec did wrong.
   */
  constructor(message: string) {
    super("CODEC_CONTRACT", message);
  }
}

/** A feature the format allows but this library does not implement, or an unknown variant. */
export class UnsupportedError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What is not supported.
   */
  constructor(message: string) {
    super("UNSUPPORTED", message);
  }
}

/** A configured limit (decompressed size, declared size) was exceeded. */
export class LimitExceededError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message Which limit, and by what.
   */
  constructor(message: string) {
    super("LIMIT_EXCEEDED", message);
  }
}

/** A destination that exists where the caller did not allow overwriting. */
export class AlreadyExistsError extends OmmxError {
  /** The existing path or name. */
  readonly path: string;
  /**
   * Create the error.
   *
   * @param path The existing destination.
   */
  constructor(path: string) {
    super("ALREADY_EXISTS", `Destination ${JSON.stringify(path)} already exists`);
    this.path = path;
  }
}

/**
 * An image name that already points at a different manifest, where the
 * operation does not move names (the OMMX Local Registry, as the reference
 * SDK's commit and import). Code `ALREADY_EXISTS`.
 */
export class ReferenceConflictError extends AlreadyExistsError {
  /** The image name (canonical display form). */
  readonly imageName: string;
  /** The manifest digest the name points at now. */
  readonly existingDigest: string;
  /** The manifest digest that was not published. */
  readonly incomingDigest: string;
  /**
   * Create the error.
   *
   * @param imageName The image name.
   * @param existingDigest Where it points now.
   * @param incomingDigest What was refused.
   * @param where The store, for the message.
   */
  constructor(imageName: string, existingDigest: string, incomingDigest: string, where?: string) {
    super(imageName);
    this.message = `${imageName} already points to ${existingDigest}${
      where ? ` in ${where}` : ""
    }; manifest ${incomingDigest} was not published`;
    this.imageName = imageName;
    this.existingDigest = existingDigest;
    this.incomingDigest = incomingDigest;
  }
}

/**
 * The codes a {@linkcode NetworkError} carries: `NETWORK` (no HTTP answer:
 * DNS, connection refused or reset, TLS), `TIMEOUT` (no answer, or a body
 * that stalled, within the configured timeout), `HTTP` (an unexpected HTTP
 * status from a web server that is not a registry), `UNAUTHORIZED` (HTTP 401,
 * or credentials refused) and `DENIED` (HTTP 403).
 */
export type NetworkErrorCode = "NETWORK" | "TIMEOUT" | "HTTP" | "UNAUTHORIZED" | "DENIED";

/** What a {@linkcode NetworkError} keeps besides its message. */
export interface NetworkErrorOptions extends OmmxErrorOptions {
  /** The HTTP status the server answered with (absent when no answer came). */
  status?: number;
  /** The URL of the failed request. */
  url?: string;
}

/**
 * A request to a remote server (an `http(s)://` archive source, a registry or
 * its token service) failed; see {@linkcode NetworkErrorCode} for the codes.
 * The HTTP status and the URL are kept.
 *
 * @example
 * ```ts
 * import { NetworkError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new NetworkError("TIMEOUT", "GET https://h.example/a.ommx: no answer within 30000 ms", {
 *   url: "https://h.example/a.ommx",
 * });
 * assert.equal(e.code, "TIMEOUT");
 * assert.equal(e.status, undefined);
 * ```
 */
export class NetworkError extends OmmxError {
  /** The HTTP status, or `undefined` when the request got no (complete) answer. */
  readonly status: number | undefined;
  /** The URL of the failed request, when known. */
  readonly url: string | undefined;
  /**
   * Create the error.
   *
   * @param code One of {@linkcode NetworkErrorCode} (subclasses add their own).
   * @param message What failed, naming the request.
   * @param options HTTP status, URL and cause.
   */
  constructor(
    code: NetworkErrorCode | RegistryErrorCode,
    message: string,
    options: NetworkErrorOptions = {},
  ) {
    super(code, message, options);
    this.status = options.status;
    this.url = options.url;
  }
}

/** The codes a {@linkcode RegistryError} carries. */
export type RegistryErrorCode = "UNAUTHORIZED" | "DENIED" | "NETWORK" | "TIMEOUT" | "REGISTRY";

/** What a {@linkcode RegistryError} keeps besides its message. */
export interface RegistryErrorOptions extends NetworkErrorOptions {
  /** The `errors[].code` values of the registry's OCI distribution error body (e.g. `UNAUTHORIZED`). */
  registryCodes?: readonly string[];
}

/**
 * A remote registry (or its token service) failed the request: code
 * `UNAUTHORIZED` (HTTP 401, or the token service refused the credentials),
 * `DENIED` (HTTP 403), `NETWORK` (no HTTP answer: DNS, connection, TLS),
 * `TIMEOUT` (no answer, or a stalled body, within the configured timeout) or
 * `REGISTRY` (any other unexpected answer, including a challenge, redirect or
 * upload location the client refuses to follow). The HTTP status and the
 * registry's own error codes are kept. A {@linkcode NetworkError}.
 *
 * @example
 * ```ts
 * import { NetworkError, RegistryError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new RegistryError("UNAUTHORIZED", "GET https://r.example/v2/ requires authentication", {
 *   status: 401,
 *   registryCodes: ["UNAUTHORIZED"],
 * });
 * assert.equal(e.code, "UNAUTHORIZED");
 * assert.equal(e.status, 401);
 * assert.deepEqual(e.registryCodes, ["UNAUTHORIZED"]);
 * assert.ok(e instanceof NetworkError);
 * ```
 */
export class RegistryError extends NetworkError {
  /** The registry's `errors[].code` values (`[]` when its body held none). */
  readonly registryCodes: readonly string[];
  /**
   * Create the error.
   *
   * @param code `UNAUTHORIZED`, `DENIED`, `NETWORK`, `TIMEOUT` or `REGISTRY`.
   * @param message What failed, naming the request.
   * @param options HTTP status, registry codes, URL and cause.
   */
  constructor(code: RegistryErrorCode, message: string, options: RegistryErrorOptions = {}) {
    super(code, message, options);
    this.registryCodes = Object.freeze([...(options.registryCodes ?? [])]);
  }
}

/** An argument outside what an API accepts. */
export class InvalidArgumentError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What is wrong with the argument.
   */
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

/** An image reference string that does not parse. */
export class InvalidReferenceError extends OmmxError {
  /** The rejected reference. */
  readonly reference: string;
  /**
   * Create the error.
   *
   * @param reference The rejected text.
   * @param reason Why.
   */
  constructor(reference: string, reason: string) {
    super("INVALID_REFERENCE", `Invalid image reference ${JSON.stringify(reference)}: ${reason}`);
    this.reference = reference;
  }
}

/** An operation that is not allowed in the object's current state (e.g. writing after commit). */
export class InvalidStateError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What was attempted and why it is not allowed now.
   */
  constructor(message: string) {
    super("INVALID_STATE", message);
  }
}

/**
 * An operating-system failure while reading or writing a file or directory:
 * a full disk (`ENOSPC`), a missing directory (`ENOENT`), no permission
 * (`EACCES`, `EPERM`), a read-only file system, an I/O error. Code `IO`; the
 * system's own code (e.g. `ENOSPC`) is kept in {@linkcode IoError.osCode}.
 *
 * @example
 * ```ts
 * import { IoError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new IoError("cannot write /full/x.ommx: no space left on device", {
 *   path: "/full/x.ommx",
 *   osCode: "ENOSPC",
 * });
 * assert.equal(e.code, "IO");
 * assert.equal(e.osCode, "ENOSPC");
 * ```
 */
export class IoError extends OmmxError {
  /** The file or directory at fault, when known. */
  readonly path: string | undefined;
  /** The operating system's error code (`ENOSPC`, `ENOENT`, `EACCES`, …), when known. */
  readonly osCode: string | undefined;
  /**
   * Create the error.
   *
   * @param message What failed, naming the path.
   * @param options The path, the OS code and the cause.
   */
  constructor(
    message: string,
    options: OmmxErrorOptions & { path?: string | undefined; osCode?: string | undefined } = {},
  ) {
    super("IO", message, options);
    this.path = options.path;
    this.osCode = options.osCode;
  }
}

/**
 * The SQLite index of the OMMX Local Registry (`index.sqlite3`) cannot be
 * read or written: not a database, corrupt, locked past the busy timeout.
 * Code `DATABASE`.
 */
export class DatabaseError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What failed, naming the database file.
   * @param options The optional cause.
   */
  constructor(message: string, options?: OmmxErrorOptions) {
    super("DATABASE", message, options);
  }
}

// ---- analysis lookups (issue 12: Solution / SampleSet / Instance queries)

/**
 * A lookup by ID or name that found nothing: an unknown decision variable,
 * constraint, named function, parameter or sample ID, or a name no row carries
 * (the Python SDK raises `KeyError`).
 *
 * @example
 * ```ts
 * import { NotFoundError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new NotFoundError("regular constraint", 7);
 * assert.equal(e.code, "NOT_FOUND");
 * assert.equal(e.message, "Unknown regular constraint ID: 7");
 * assert.equal(e.key, 7);
 * ```
 */
export class NotFoundError extends OmmxError {
  /** What was looked up, e.g. `decision variable`, `regular constraint`, `sample`. */
  readonly what: string;
  /** The ID or name that was asked for. */
  readonly key: number | string;
  /**
   * Create the error.
   *
   * @param what What was looked up.
   * @param key The ID (a number) or name (a string) that was not found.
   * @param message The message (default `Unknown <what> ID: <key>`, or for a
   *   name `No <what> with name '<key>' found`).
   */
  constructor(what: string, key: number | string, message?: string) {
    super(
      "NOT_FOUND",
      message ??
        (typeof key === "number"
          ? `Unknown ${what} ID: ${key}`
          : `No ${what} with name ${JSON.stringify(key)} found`),
    );
    this.what = what;
    this.key = key;
  }
}

/**
 * A SampleSet has no sample that is feasible (or feasible in the relaxed
 * problem) to pick as the best one (the Python SDK raises `ValueError`).
 */
export class NoFeasibleSampleError extends NotFoundError {
  /**
   * Create the error.
   *
   * @param relaxed Whether the relaxed problem was asked about.
   */
  constructor(relaxed = false) {
    const what = relaxed ? "sample feasible in the relaxed problem" : "feasible sample";
    super(what, "", `No ${what} in the sample set`);
  }
}

// Solver outcomes (the reference SDK's `ommx.adapter` exceptions), thrown by adapters.

/**
 * An adapter cannot take this instance (a constraint kind, a variable kind or
 * a degree it does not handle); thrown before the solver is called. The
 * reference SDK's `ommx.adapter.AdapterNotApplicableError`.
 *
 * @example
 * ```ts
 * import { AdapterNotApplicableError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new AdapterNotApplicableError("my.Adapter", ["objective degree 3 exceeds 2"]);
 * assert.equal(err.code, "NOT_APPLICABLE");
 * assert.equal(err.message, "my.Adapter is not applicable:\n- objective degree 3 exceeds 2");
 * ```
 */
export class AdapterNotApplicableError extends OmmxError {
  /** The adapter's name. */
  readonly adapter: string;
  /** Why, one line per violated requirement. */
  readonly reasons: readonly string[];
  /**
   * Create the error.
   *
   * @param adapter The adapter's name.
   * @param reasons Why, one line per violated requirement.
   */
  constructor(adapter: string, reasons: Iterable<string>) {
    const list = Object.freeze([...reasons].map(String));
    super(
      "NOT_APPLICABLE",
      `${adapter} is not applicable:${list.map((r) => `\n- ${r}`).join("")}`,
    );
    this.adapter = adapter;
    this.reasons = list;
  }
}

/**
 * The solver proved the problem infeasible (the reference SDK's
 * `ommx.InfeasibleDetected`; a Solve that throws it is recorded as failed).
 */
export class InfeasibleDetected extends OmmxError {
  /**
   * Create the error.
   *
   * @param message The solver's statement (the reference adapters say `Model was infeasible`).
   * @param options The optional cause.
   */
  constructor(message = "Model was infeasible", options?: OmmxErrorOptions) {
    super("INFEASIBLE", message, options);
  }
}

/**
 * The solver proved the problem unbounded (the reference SDK's
 * `ommx.adapter.UnboundedDetected`; never for unboundedness that is only suspected).
 */
export class UnboundedDetected extends OmmxError {
  /**
   * Create the error.
   *
   * @param message The solver's statement (the reference adapters say `Model was unbounded`).
   * @param options The optional cause.
   */
  constructor(message = "Model was unbounded", options?: OmmxErrorOptions) {
    super("UNBOUNDED", message, options);
  }
}

/**
 * The solver stopped without any solution (e.g. a time limit before the first
 * incumbent); this proves nothing about the problem. The reference SDK's
 * `ommx.adapter.NoSolutionReturned`.
 */
export class NoSolutionReturned extends OmmxError {
  /**
   * Create the error.
   *
   * @param message Why no solution came back.
   * @param options The optional cause.
   */
  constructor(message: string, options?: OmmxErrorOptions) {
    super("NO_SOLUTION", message, options);
  }
}

// --- Instance and Function analysis (issue 12: evaluation, algebra, conversions) ---

/** What an ID names, in {@linkcode UnknownIdError} and {@linkcode MissingIdError}. */
export type IdRole =
  | "decision variable"
  | "constraint"
  | "removed constraint"
  | "named function"
  | "parameter"
  | "sample";

function idList(ids: readonly number[]): string {
  const shown = ids.slice(0, 20).join(", ");
  return ids.length > 20 ? `${shown}, … (${ids.length} in all)` : shown;
}

/**
 * An argument names IDs that do not exist where they are looked up (a state entry that is not a
 * decision variable of the instance, a constraint ID the instance does not have, …). Its code
 * is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { UnknownIdError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const e = new UnknownIdError("decision variable", [99], "the state");
 * assert.equal(e.code, "INVALID_ARGUMENT");
 * assert.deepEqual(e.ids, [99]);
 * assert.match(e.message, /unknown decision variable ID 99/);
 * ```
 */
export class UnknownIdError extends InvalidArgumentError {
  /** What the IDs were taken for. */
  readonly role: IdRole;
  /** The unknown IDs, ascending. */
  readonly ids: readonly number[];
  /**
   * Create the error.
   *
   * @param role What the IDs were taken for.
   * @param ids The unknown IDs.
   * @param where Where they came from (e.g. `the state`, `sample 3`).
   */
  constructor(role: IdRole, ids: readonly number[], where: string) {
    const sorted = [...ids].sort((a, b) => a - b);
    super(
      `${where} names unknown ${role} ID${sorted.length === 1 ? "" : "s"} ${idList(sorted)}`,
    );
    this.role = role;
    this.ids = Object.freeze(sorted);
  }
}

/**
 * IDs that must be given are missing (a state without a value for a variable the objective or an
 * active constraint uses, a parameter without a value). Its code is `INVALID_ARGUMENT`.
 */
export class MissingIdError extends InvalidArgumentError {
  /** What the IDs are. */
  readonly role: IdRole;
  /** The missing IDs, ascending. */
  readonly ids: readonly number[];
  /**
   * Create the error.
   *
   * @param role What the IDs are.
   * @param ids The missing IDs.
   * @param where What misses them (e.g. `the state`, `sample 3`).
   */
  constructor(role: IdRole, ids: readonly number[], where: string) {
    const sorted = [...ids].sort((a, b) => a - b);
    super(
      `${where} is missing required ${role} ID${sorted.length === 1 ? "" : "s"} ${idList(sorted)}`,
    );
    this.role = role;
    this.ids = Object.freeze(sorted);
  }
}

for (
  const [name, cls] of Object.entries({
    OmmxError,
    AttachmentNotFoundError,
    BlobNotFoundError,
    MediaTypeMismatchError,
    UnknownMediaTypeError,
    InvalidArtifactError,
    InvalidDigestError,
    DigestMismatchError,
    SizeMismatchError,
    CorruptArchiveError,
    DecodeError,
    EncodeError,
    CodecContractError,
    UnsupportedError,
    LimitExceededError,
    AlreadyExistsError,
    ReferenceConflictError,
    NetworkError,
    RegistryError,
    InvalidArgumentError,
    InvalidReferenceError,
    InvalidStateError,
    IoError,
    DatabaseError,
    NotFoundError,
    NoFeasibleSampleError,
    AdapterNotApplicableError,
    InfeasibleDetected,
    UnboundedDetected,
    NoSolutionReturned,
    UnknownIdError,
    MissingIdError,
  })
) ERROR_NAMES.set(cls, name);
