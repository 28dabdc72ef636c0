/**
 * Reading a sealed Experiment back into writer state (for forks, and to
 * re-commit an archive byte-for-byte in tests).
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import type { ReadOnlyStorage, Target } from "../../oci/storage.ts";
import { PyFloat } from "../../../codecs/py_float.ts";
import { decodeRunParameterTable } from "../../../codecs/msgpack/run_parameter_table.ts";
import type { ExperimentConfig } from "../read/config.ts";
import type { ParameterInput } from "../read/run_parameters.ts";
import type { AttachmentEntry, LayerDescriptor } from "./_staging.ts";
import type { ProcessState, RunState } from "./_run_state.ts";

/** Writer state of a sealed Experiment. */
export interface InheritedState {
  /** Experiment attachments. */
  attachments: Map<string, AttachmentEntry>;
  /** Closed runs. */
  runs: RunState[];
}

function layerOf(layers: readonly Descriptor[], index: number): LayerDescriptor {
  const d = layers[index];
  if (d === undefined) throw new InvalidArgumentError(`parent layer ${index} does not exist`);
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    annotations: { ...d.annotations },
  };
}

/**
 * Rebuild the writer state of a sealed Experiment from its config and
 * layers, copying its blobs into `store` (same digests).
 *
 * @param config The parsed config.
 * @param layers The manifest layers.
 * @param target Where the blobs are.
 * @param store Where to copy them (skipped when they already exist there).
 * @returns Attachments and closed runs, with run parameters (float64 cells as `PyFloat`).
 */
export async function inheritState(
  config: ExperimentConfig,
  layers: readonly Descriptor[],
  target: ReadOnlyStorage,
  store: Target,
): Promise<InheritedState> {
  // Copy the parent's blobs into the new store (same digests: blobs are reused, not re-encoded).
  const seen = new Set<string>();
  for (const [i, d] of layers.entries()) {
    if (i === config.runParameters || seen.has(d.digest)) continue;
    seen.add(d.digest);
    if (!(await store.exists(d))) await store.push(d, await target.fetch(d));
  }
  const entries = (t: typeof config.attachments): Map<string, AttachmentEntry> => {
    const out = new Map<string, AttachmentEntry>();
    for (const [name, idx] of t.entries) {
      const filename = t.filenames.get(name);
      out.set(name, {
        descriptor: layerOf(layers, idx),
        ...(filename === undefined ? {} : { filename }),
      });
    }
    return out;
  };
  const table = decodeRunParameterTable(await target.fetch(layerOf(layers, config.runParameters)));
  const params = new Map<number, Map<string, ParameterInput>>();
  for (const [name, column] of table.columns) {
    for (const [runId, value] of column.values as ReadonlyMap<number, unknown>) {
      let m = params.get(runId);
      if (!m) params.set(runId, m = new Map());
      m.set(
        name,
        column.type === "float64" ? new PyFloat(value as number) : value as ParameterInput,
      );
    }
  }
  const process = (list: typeof config.runs[number]["solves"]): ProcessState[] =>
    list.map((p) => ({
      id: p.id,
      status: p.status,
      input: layerOf(layers, p.input),
      ...(p.output === undefined ? {} : { output: layerOf(layers, p.output) }),
      adapter: p.adapter,
      adapterOptions: p.adapterOptions,
      ...(p.diagnostics === undefined ? {} : { diagnostics: layerOf(layers, p.diagnostics) }),
    }));
  const runs: RunState[] = config.runs.map((r) => ({
    runId: r.runId,
    status: r.status,
    reason: r.reason,
    attachments: entries(r.attachments),
    ...(r.trace === undefined ? {} : { trace: layerOf(layers, r.trace) }),
    solves: process(r.solves),
    samplings: process(r.samplings),
    parameters: params.get(r.runId) ?? new Map(),
  }));
  return { attachments: entries(config.attachments), runs };
}
