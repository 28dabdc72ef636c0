/**
 * Internal: Deno's own file API, where the library runs under Deno, behind
 * one accessor and one switch. Deno implements `node:fs` as a compatibility
 * layer that costs ~20 ms to load on first use; the fast paths
 * (`_file_port.ts`, `oci/_regular_file.ts`, the Local Registry's blob files,
 * directories and GC listing) call Deno's functions instead and keep their
 * `node:fs` path for Node, Bun and the cases they do not answer.
 *
 * The switch ({@linkcode denoFsSettings}) turns the fast paths off, so that
 * tests run the `node:fs` paths on the same cases and compare. What has no
 * `node:fs` path (the advisory file locks, `LocalRegistryTarget.pushFile`'s
 * copy) asks with `fallback` `false` and is not switched off.
 *
 * @module
 */

/** What `lstat`/`stat` give, the fields the callers read. */
export interface DenoFileInfo {
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** A symbolic link. */
  isSymlink: boolean;
  /** A FIFO (named pipe). */
  isFifo?: boolean | null;
  /** A socket. */
  isSocket?: boolean | null;
  /** A character device. */
  isCharDevice?: boolean | null;
  /** A block device. */
  isBlockDevice?: boolean | null;
  /** The size in bytes. */
  size: number;
  /** The device. */
  dev: number;
  /** The inode (`null` where the OS has none). */
  ino: number | null;
  /** The last modification (`null` where unknown). */
  mtime: Date | null;
  /** The permission bits and file type (`null` where the OS has none). */
  mode?: number | null;
}

/** Deno's `FsFile`, the methods the callers use. */
export interface DenoFsFile {
  /** `fstat`. */
  stat(): Promise<DenoFileInfo>;
  /** Move the file position, synchronously. */
  seekSync(offset: number, whence: number): number;
  /** Move the file position. */
  seek(offset: number, whence: number): Promise<number>;
  /** Read into `p`, synchronously (`null` at the end). */
  readSync(p: Uint8Array): number | null;
  /** Read into `p` (`null` at the end). */
  read(p: Uint8Array): Promise<number | null>;
  /** Write from `p`, synchronously; the bytes written. */
  writeSync(p: Uint8Array): number;
  /** `fsync`. */
  sync(): Promise<void>;
  /** `fdatasync`. */
  syncData(): Promise<void>;
  /** Take an advisory lock (`flock`), waiting. */
  lock(exclusive?: boolean): Promise<void>;
  /** Take an advisory lock without waiting; whether it was taken (newer Deno only). */
  tryLockSync?(exclusive?: boolean): boolean;
  /** Close the file. */
  close(): void;
}

/** How {@linkcode DenoFs.open} and {@linkcode DenoFs.openSync} open a file. */
export interface DenoOpenOptions {
  /** Open for reading. */
  read?: boolean;
  /** Open for writing. */
  write?: boolean;
  /** Create when missing. */
  create?: boolean;
  /** Create; fail when it exists. */
  createNew?: boolean;
  /** Truncate to 0 bytes. */
  truncate?: boolean;
}

/** Deno's file API: the union of what the library's callers use. */
export interface DenoFs {
  /** Open a file. */
  open(path: string, options: DenoOpenOptions): Promise<DenoFsFile>;
  /** Open a file, synchronously. */
  openSync(path: string, options: DenoOpenOptions): DenoFsFile;
  /** `lstat`. */
  lstat(path: string): Promise<DenoFileInfo>;
  /** `lstat`, synchronously. */
  lstatSync(path: string): DenoFileInfo;
  /** `stat` (links followed). */
  stat(path: string): Promise<DenoFileInfo>;
  /** `stat` (links followed), synchronously. */
  statSync(path: string): DenoFileInfo;
  /** The canonical path, links resolved. */
  realPath(path: string): Promise<string>;
  /** Make a directory. */
  mkdir(path: string, options: { recursive: true }): Promise<void>;
  /** Hard-link `from` as `to`, synchronously. */
  linkSync(from: string, to: string): void;
  /** Remove a file, synchronously. */
  removeSync(path: string): void;
  /** Copy a file's contents (and permissions) over `to`, by the kernel where it can. */
  copyFile(from: string, to: string): Promise<void>;
  /** Set a file's permission bits. */
  chmod(path: string, mode: number): Promise<void>;
  /** A directory's entries, synchronously. */
  readDirSync(path: string): Iterable<{ name: string }>;
  /** The platform (`build.os`: `linux`, `darwin`, `windows`, …). */
  build: { os: string };
  /** The `whence` values of `seek`. */
  SeekMode: { Start: number };
}

/**
 * Whether the fast paths take Deno's API (default `true`). Tests turn it off
 * to run the `node:fs` paths on the same cases and compare.
 */
export const denoFsSettings: { enabled: boolean } = { enabled: true };

/** The functions of {@linkcode DenoFs}, each checked by {@linkcode denoFs}. */
export const DENO_FS_CALLS = [
  "open",
  "openSync",
  "lstat",
  "lstatSync",
  "stat",
  "statSync",
  "realPath",
  "mkdir",
  "linkSync",
  "removeSync",
  "copyFile",
  "chmod",
  "readDirSync",
] as const;

/** The runtime's API once probed: `null` when it lacks one of the calls. */
let probed: DenoFs | null | undefined;

function probe(): DenoFs | null {
  const deno = (globalThis as { Deno?: Record<string, unknown> }).Deno;
  if (deno === undefined) return null;
  for (const name of DENO_FS_CALLS) if (typeof deno[name] !== "function") return null;
  const fsFile = deno.FsFile as { prototype?: { lock?: unknown } } | undefined;
  if (typeof fsFile?.prototype?.lock !== "function") return null;
  if (typeof (deno.SeekMode as { Start?: unknown } | undefined)?.Start !== "number") return null;
  return deno as unknown as DenoFs;
}

/**
 * Deno's file API, every call in {@linkcode DenoFs} checked once, or
 * `undefined` outside Deno (or in a runtime that lacks one of them), and for
 * a caller with a `node:fs` path to fall back on when
 * {@linkcode denoFsSettings} turns the fast paths off.
 *
 * @example
 * ```ts
 * import { denoFs, denoFsSettings } from "./_deno_fs.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(denoFs(), Deno); // under Deno
 * denoFsSettings.enabled = false;
 * assert.equal(denoFs(), undefined);
 * assert.equal(denoFs(false), Deno); // a caller without a node:fs path
 * denoFsSettings.enabled = true;
 * ```
 *
 * @param fallback Whether the caller has a `node:fs` path (default `true`): only then does the switch apply.
 * @returns The API, or `undefined`.
 */
export function denoFs(fallback = true): DenoFs | undefined {
  if (fallback && !denoFsSettings.enabled) return undefined;
  if (probed === undefined) probed = probe();
  return probed ?? undefined;
}
