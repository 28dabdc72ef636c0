/**
 * Internal: operating-system failures as typed errors. `node:fs` throws
 * errors carrying an `E…` code (`ENOSPC`, `EACCES`, …), Deno's own API throws
 * `Deno.errors.*`; both become an {@linkcode IoError} (code `IO`) that names
 * the path and what was being done, keeping the system code.
 *
 * @module
 */
import { IoError, OmmxError } from "./errors.ts";

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  ENOENT: "no such file or directory",
  ENOTDIR: "a path component is not a directory",
  EISDIR: "is a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EEXIST: "already exists",
  EIO: "input/output error",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many levels of symbolic links",
  EBUSY: "resource busy",
  EFBIG: "file too large",
  EXDEV: "cross-device link",
  ENXIO: "no such device or address",
  EAGAIN: "resource temporarily unavailable",
};

const DENO_CODES: Readonly<Record<string, string>> = {
  NotFound: "ENOENT",
  PermissionDenied: "EACCES",
  AlreadyExists: "EEXIST",
  IsADirectory: "EISDIR",
  NotADirectory: "ENOTDIR",
  FilesystemLoop: "ELOOP",
  Busy: "EBUSY",
};

/**
 * The system error code of an error thrown by `node:fs` or Deno's file API
 * (`ENOSPC`, `ENOENT`, …), or `undefined` when it is not an OS error.
 *
 * @example
 * ```ts
 * import { osErrorCode } from "./_io_error.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(osErrorCode(Object.assign(new Error("x"), { code: "ENOSPC" })), "ENOSPC");
 * assert.equal(osErrorCode(new TypeError("x")), undefined);
 * ```
 *
 * @param error Anything thrown.
 * @returns The code, or `undefined`.
 */
export function osErrorCode(error: unknown): string | undefined {
  if (error instanceof OmmxError) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code)) return code;
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === "string" && error instanceof Error && Object.hasOwn(DENO_CODES, name)) {
    const deno = (globalThis as { Deno?: { errors?: Record<string, unknown> } }).Deno;
    const cls = deno?.errors?.[name];
    if (typeof cls === "function" && error instanceof (cls as typeof Error)) {
      return DENO_CODES[name];
    }
  }
  return undefined;
}

/**
 * Turn an OS error into an {@linkcode IoError} naming the action and path
 * (`cannot write /x: no space left on device (ENOSPC)`); anything else is
 * returned unchanged, so `throw ioError(e, …)` keeps typed errors typed.
 *
 * @example
 * ```ts
 * import { ioError } from "./_io_error.ts";
 * import assert from "node:assert/strict";
 *
 * const e = ioError(Object.assign(new Error("raw"), { code: "EACCES" }), "write", "/root/x");
 * assert.equal((e as { code?: string }).code, "IO");
 * assert.match((e as Error).message, /cannot write \/root\/x: permission denied \(EACCES\)/);
 * ```
 *
 * @param error Anything thrown.
 * @param action What was being done (`read`, `write`, `create the directory for`, …).
 * @param path The file or directory.
 * @returns The typed error, or `error` itself.
 */
export function ioError(error: unknown, action: string, path: string): unknown {
  const code = osErrorCode(error);
  if (code === undefined) return error;
  const description = DESCRIPTIONS[code] ?? (error as Error).message;
  return new IoError(`cannot ${action} ${path}: ${description} (${code})`, {
    path,
    osCode: code,
    cause: error,
  });
}
