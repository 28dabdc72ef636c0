/**
 * Test helper: counts the lookups of the archive's blob index, to show which
 * fetches find their member without one.
 *
 * @module
 */
import { ArchiveBlobIndex } from "./_archive_blob_index.ts";

/**
 * Count {@linkcode ArchiveBlobIndex.get} calls while `body` runs.
 *
 * @param body What to run.
 * @returns The number of lookups it made.
 */
export async function countBlobIndexLookups(body: () => Promise<void>): Promise<number> {
  const get = ArchiveBlobIndex.prototype.get;
  let calls = 0;
  ArchiveBlobIndex.prototype.get = function (this: ArchiveBlobIndex, digest: string) {
    calls++;
    return get.call(this, digest);
  };
  try {
    await body();
  } finally {
    ArchiveBlobIndex.prototype.get = get;
  }
  return calls;
}
