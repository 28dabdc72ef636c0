// Private helpers for parsing JSON documents from bytes.
import { InvalidArtifactError } from "../errors.ts";
import { decodeUtf8Fatal } from "../_utf8.ts";

/** Parse UTF-8 JSON bytes; any failure is an InvalidArtifactError naming `what`. */
export function parseJsonBytes(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = decodeUtf8Fatal(bytes);
  } catch (cause) {
    throw new InvalidArtifactError(`${what}: not valid UTF-8`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidArtifactError(`${what}: not valid JSON`, { cause });
  }
}

/** Whether `value` is a non-array object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
