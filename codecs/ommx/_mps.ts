/** MPS (placeholder). @module */
import type { InstanceData } from "./instance_data.ts";
/** Options of `saveMps`. */
export interface SaveMpsOptions {
  /** Gzip the file (default true). */
  compress?: boolean;
}
export function readMps(_bytes: Uint8Array): Promise<InstanceData> {
  throw new Error("todo");
}
export function writeMps(_d: InstanceData, _o: SaveMpsOptions): Promise<Uint8Array> {
  throw new Error("todo");
}
