/**
 * Export filename rules of `writeAttachment` (`docs/glossary.md#export-filename`).
 *
 * @module
 */

function lastComponent(text: string): string | null {
  const parts = text.split(/[/\\]/);
  const last = parts[parts.length - 1] ?? "";
  if (last === "" || last === "." || last === "..") return null;
  return last;
}

/**
 * The file name an attachment is exported under when `writeAttachment` is
 * given a directory: the stored filename's last path component, else the
 * attachment name's last component, else `attachment`. Never contains a path
 * separator, never `.` or `..`, so it cannot leave the directory.
 *
 * @param name The attachment name.
 * @param storedFilename The filename stored by `logFile`, if any.
 * @returns A safe single-component file name.
 *
 * @example
 * ```ts
 * import { exportFilename } from "./attachment_path.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(exportFilename("log", "solver.log"), "solver.log");
 * assert.equal(exportFilename("../x", undefined), "x");
 * assert.equal(exportFilename("..", ".."), "attachment");
 * ```
 */
export function exportFilename(name: string, storedFilename: string | undefined): string {
  return (storedFilename === undefined ? null : lastComponent(storedFilename)) ??
    lastComponent(name) ?? "attachment";
}
