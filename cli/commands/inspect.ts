/**
 * `ommx-ts inspect <source>`: what an Experiment is and holds.
 *
 * @module
 */
import { openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg, tableWidth } from "../command.ts";
import { toJsonText } from "../json.ts";
import { renderKeyValues, renderTable } from "../table.ts";
import { formatBytes } from "../format.ts";
import { countByStatus } from "../summary.ts";

function counts(byStatus: Record<string, number>): string {
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const parts = Object.entries(byStatus).map(([s, n]) => `${s} ${n}`);
  return parts.length === 0 ? "0" : `${total} (${parts.join(", ")})`;
}

/** The `inspect` command. */
export const inspect: Command = {
  name: "inspect",
  summary: "image name, status, annotations, attachments, run/solve/sampling counts, subject",
  spec: {
    usage: "ommx-ts inspect <source> [--wide | --json]",
    positionals: ["source"],
    options: { wide: { type: "boolean" } },
  },
  async run(args, io) {
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!, args));
    const solves = exp.runs.flatMap((r) => r.solves);
    const samplings = exp.runs.flatMap((r) => r.samplings);
    const attachments = exp.attachmentNames.map((name) => {
      const info = exp.attachmentInfo(name);
      return {
        name,
        mediaType: info.mediaType,
        storedMediaType: info.descriptor.mediaType,
        storedSize: info.descriptor.size,
        digest: info.descriptor.digest,
        compression: info.compression,
        filename: info.filename,
      };
    });
    const subject = exp.subject === null
      ? null
      : { digest: exp.subject.digest, mediaType: exp.subject.mediaType, size: exp.subject.size };
    const report = {
      imageName: exp.imageName,
      manifestDigest: exp.manifestDigest,
      status: exp.status,
      lifecycleReason: exp.lifecycleReason,
      requestedImageName: exp.requestedImageName,
      annotations: { ...exp.annotations },
      subject,
      attachments,
      runs: { count: exp.runs.length, byStatus: countByStatus(exp.runs) },
      solves: { count: solves.length, byStatus: countByStatus(solves) },
      samplings: { count: samplings.length, byStatus: countByStatus(samplings) },
    };
    if (args.values.json) {
      await io.out(toJsonText(report));
      return 0;
    }
    const pairs: [string, string][] = [
      ["image", exp.imageName ?? "(unnamed)"],
      ["digest", exp.manifestDigest],
      ["status", exp.status ?? "unsealed"],
    ];
    if (exp.lifecycleReason !== null) pairs.push(["reason", exp.lifecycleReason]);
    if (exp.requestedImageName !== null) pairs.push(["requested name", exp.requestedImageName]);
    if (subject !== null) pairs.push(["subject", `${subject.digest} (fork of)`]);
    pairs.push(
      ["runs", counts(report.runs.byStatus)],
      ["solves", counts(report.solves.byStatus)],
      ["samplings", counts(report.samplings.byStatus)],
    );
    const width = tableWidth(args, io);
    let text = renderKeyValues(pairs);
    const annotations = Object.entries(report.annotations);
    if (annotations.length > 0) {
      text += "\nannotations:\n" + renderTable(["key", "value"], annotations, { width });
    }
    text += attachments.length === 0 ? "\nattachments: none\n" : "\nattachments:\n" + renderTable(
      ["name", "media type", "size", "compression", "filename"],
      attachments.map((a) => [
        a.name,
        a.mediaType,
        formatBytes(a.storedSize),
        a.compression ?? "",
        a.filename ?? "",
      ]),
      { align: [undefined, undefined, "right"], width },
    );
    await io.out(text);
    return 0;
  },
};
