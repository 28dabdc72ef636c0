/**
 * Internal helper shared by the interop tests that compare a committed Experiment with the
 * report a reference-SDK script prints for it: the same fields, read through our public API,
 * in the scripts' JSON shape (snake_case keys, Run ids as strings in `i`).
 *
 * @module
 */
import type { Experiment } from "../../mod.ts";

/** What `experimentReport` reads from an Experiment, in the scripts' JSON shape. */
export interface ExperimentReport {
  /** The image name it was loaded or committed as. */
  image_name: string;
  /** The lifecycle status. */
  status: string | null;
  /** The lifecycle reason. */
  reason: string | null;
  /** Every Run: id, status, its JSON attachments, whether it holds a trace. */
  runs: { run_id: number; status: string; attachments: Record<string, unknown>; trace: boolean }[];
  /** The run parameter `i` by Run id (Runs without it left out). */
  i: Record<string, number>;
  /** The Experiment's annotations. */
  annotations: Record<string, string>;
  /** The Experiment's JSON attachments. */
  attachments: Record<string, unknown>;
}

/**
 * Read the report fields of `exp` (every attachment is read as JSON).
 *
 * @param exp A committed Experiment.
 * @returns The report.
 */
export async function experimentReport(exp: Experiment): Promise<ExperimentReport> {
  const runs = [];
  for (const run of exp.runs) {
    const attachments: Record<string, unknown> = {};
    for (const n of run.attachmentNames) attachments[n] = await run.getJson(n);
    runs.push({ run_id: run.runId, status: run.status, attachments, trace: run.hasTrace });
  }
  const i: Record<string, number> = {};
  for (const row of exp.runParameters().rows) {
    if (row.values.i !== undefined) i[String(row.runId)] = Number(row.values.i);
  }
  const attachments: Record<string, unknown> = {};
  for (const n of exp.attachmentNames) attachments[n] = await exp.getJson(n);
  return {
    image_name: exp.imageName!,
    status: exp.status,
    reason: exp.lifecycleReason,
    runs,
    i,
    annotations: { ...exp.annotations },
    attachments,
  };
}
