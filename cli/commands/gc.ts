/**
 * `ommx-ts gc`: report — or with `--delete` delete — the OMMX Local
 * Registry's blobs no name reaches (Python `ommx.artifact.gc`, `ommx gc`).
 * A dry run by default, as the SDK; blobs younger than `--grace-period`
 * (default 24h) are kept; a deleting pass takes the SDK's locks, so it can
 * run while the Python SDK writes.
 *
 * @module
 */
import { gc as collect, type GcBlob, type GcReport } from "../../mod.ts";
import type { Command } from "../command.ts";
import { formatBytes } from "../format.ts";
import { toJsonText } from "../json.ts";
import { deleteMode, durationOption, ROOT_OPTION, rootOption, statusLine } from "./_registry.ts";

const USAGE =
  "ommx-ts gc [--dry-run | --delete] [--grace-period 24h] [--digests] [--root dir] [--json]";

function blobLines(blobs: readonly GcBlob[]): string {
  return blobs.map((b) => `  ${b.digest}  ${formatBytes(b.size)}\n`).join("");
}

/**
 * The report as the SDK's `ommx gc` prints it.
 *
 * @param r The report.
 * @param digests Also list the digests.
 * @returns The text.
 */
export function gcText(r: GcReport, digests: boolean): string {
  let out = statusLine("Registry", r.root) +
    statusLine("Roots", `${r.roots.length} ref/protected digest(s)`) +
    statusLine(
      "Reachable",
      `${r.reachableBlobs.length} blob(s), ${formatBytes(r.reachableSize)}`,
    ) +
    statusLine(
      "Orphans",
      `${r.orphanCandidates.length} candidate blob(s), ${formatBytes(r.orphanCandidateSize)}`,
    );
  if (digests) out += blobLines(r.orphanCandidates);
  out += statusLine(
    "Deferred",
    `${r.deferredBlobs.length} blob(s), ${formatBytes(r.deferredSize)}`,
  );
  if (digests) out += blobLines(r.deferredBlobs);
  if (r.missingBlobs.length > 0) {
    out += statusLine("Missing", `${r.missingBlobs.length} referenced blob(s)`);
    if (digests) out += r.missingBlobs.map((m) => `  ${m.digest}  ${m.kind}\n`).join("");
  }
  if (r.invalidManifests.length > 0) {
    out += statusLine("Invalid", `${r.invalidManifests.length} manifest blob(s)`);
    if (digests) {
      out += r.invalidManifests.map((m) => statusLine("", `${m.digest}  ${m.kind}: ${m.error}`))
        .join("");
    }
  }
  if (r.deleteApplied) {
    out += statusLine(
      "Deleted",
      `${r.deletedBlobs.length} orphan blob(s), ${formatBytes(r.deletedSize)}`,
    );
    if (digests) out += blobLines(r.deletedBlobs);
    if (r.skippedBlobs.length > 0) {
      out += statusLine("Skipped", `${r.skippedBlobs.length} blob(s) changed before deletion`);
      if (digests) out += blobLines(r.skippedBlobs);
    }
  } else {
    out += statusLine("Dry Run", "registry unchanged; pass --delete to apply");
  }
  return out;
}

/** The `gc` command. */
export const gc: Command = {
  name: "gc",
  summary:
    "report (default) or --delete the Local Registry blobs no image name reaches, past --grace-period",
  spec: {
    usage: USAGE,
    positionals: [],
    options: {
      ...ROOT_OPTION,
      "dry-run": { type: "boolean" },
      delete: { type: "boolean" },
      "grace-period": { type: "string" },
      digests: { type: "boolean" },
    },
  },
  async run(args, io) {
    const remove = deleteMode(args, USAGE);
    const grace = durationOption(args, "grace-period", USAGE);
    const report = await collect({
      ...rootOption(args),
      delete: remove,
      ...(grace === undefined ? {} : { gracePeriod: grace }),
    });
    await io.out(
      args.values.json ? toJsonText(report) : gcText(report, args.values.digests === true),
    );
    return 0;
  },
};
