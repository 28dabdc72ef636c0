/**
 * What a report (`ommx-ts report`) embeds: the page's boot data, built by
 * the same view code as `serve`, with everything the page shows so that it
 * works with no server and no network.
 *
 * **Embedding rule.** A report carries what the page shows, never the
 * Experiment's payloads themselves:
 * - an Experiment report: the Experiment's view (overview, runs, plot,
 *   diff), and every run's details (each Solve and Sampling with its
 *   constraints evaluated, first 200; samples, first 50; diagnostics, first
 *   100; trace spans, first 2000), run by run until the details reach
 *   {@linkcode REPORT_LIMITS}.details bytes of JSON; later runs' details are
 *   left out and the page says so;
 * - attachments (decompressed) only while each is at most
 *   {@linkcode REPORT_LIMITS}.attachment bytes and all together at most
 *   {@linkcode REPORT_LIMITS}.attachments; the others are listed without a
 *   download;
 * - a comparison report: each Experiment's view only (the comparison page
 *   shows no run details).
 *
 * @module
 */
import type { Experiment } from "../../mod.ts";
import { summarizeExperiment } from "../summary.ts";
import { toBase64 } from "../json.ts";
import { attachmentKey, type CompareBoot, type ExperimentBoot } from "./boot.ts";
import { buildRunDetail, type ExperimentView, experimentViewOf, type RunDetail } from "./model.ts";

/** Size budgets of a report, in bytes. */
export const REPORT_LIMITS = {
  /** All runs' details together (JSON). */
  details: 8 << 20,
  /** One attachment embedded. */
  attachment: 256 << 10,
  /** All embedded attachments together. */
  attachments: 2 << 20,
} as const;

/**
 * The boot data of an Experiment report.
 *
 * @param exp The Experiment.
 * @param label What the header shows (the source's file name or the image name).
 * @param limits Budgets (default {@linkcode REPORT_LIMITS}).
 * @returns The boot data.
 */
export async function experimentReport(
  exp: Experiment,
  label: string,
  limits: { details: number; attachment: number; attachments: number } = REPORT_LIMITS,
): Promise<ExperimentBoot> {
  const summary = await summarizeExperiment(exp);
  const view = experimentViewOf(exp, summary, label);
  const details: Record<string, RunDetail> = {};
  const detailsOmitted: number[] = [];
  let used = 0;
  for (const run of view.runs) {
    if (used <= limits.details) {
      const detail = await buildRunDetail(exp, run.runId, summary.processes.get(run.runId) ?? []);
      const size = JSON.stringify(detail).length;
      if (used + size <= limits.details) {
        details[String(run.runId)] = detail;
        used += size;
        continue;
      }
      used = limits.details + 1;
    }
    detailsOmitted.push(run.runId);
  }
  const files: Record<string, string> = {};
  let embedded = 0;
  const owners: [
    number | null,
    { attachmentNames: string[]; getBlob(n: string): Promise<Uint8Array> },
  ][] = [
    [null, exp],
    ...exp.runs.map((r): [number, typeof r] => [r.runId, r]),
  ];
  for (const [runId, owner] of owners) {
    for (const name of owner.attachmentNames) {
      const stored =
        (runId === null ? exp.attachmentInfo(name) : exp.runById(runId).attachmentInfo(name))
          .descriptor.size;
      if (stored > limits.attachment || embedded + stored > limits.attachments) continue;
      const bytes = await owner.getBlob(name);
      if (bytes.length > limits.attachment || embedded + bytes.length > limits.attachments) {
        continue;
      }
      files[attachmentKey(runId, name)] = toBase64(bytes);
      embedded += bytes.length;
    }
  }
  return {
    mode: "experiment",
    origin: "report",
    view,
    details,
    ...(detailsOmitted.length > 0 ? { detailsOmitted } : {}),
    files,
  };
}

/**
 * The boot data of a comparison report.
 *
 * @param items The Experiments and their labels, in order.
 * @returns The boot data.
 */
export async function comparisonReport(
  items: readonly { exp: Experiment; label: string }[],
): Promise<CompareBoot> {
  const views: ExperimentView[] = [];
  for (const { exp, label } of items) {
    views.push(experimentViewOf(exp, await summarizeExperiment(exp), label));
  }
  return { mode: "compare", origin: "report", views };
}
