// Test/bench helper (not published API): read the blobs of a small ustar
// archive and find an OMMX artifact's layers by media type.
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/**
 * Read every regular member of a ustar archive into memory.
 *
 * @param bytes The archive.
 * @returns Member name → bytes.
 */
export function tarMembers(bytes: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const dec = new TextDecoder();
  let off = 0;
  while (off + 512 <= bytes.length) {
    const h = bytes.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const cstr = (a: number, b: number) => dec.decode(h.subarray(a, b)).replace(/\0.*$/s, "");
    const name = cstr(0, 100);
    const prefix = cstr(345, 500);
    const size = parseInt(cstr(124, 136).trim() || "0", 8);
    const type = String.fromCharCode(h[156]!);
    const full = prefix ? `${prefix}/${name}` : name;
    if (type === "0" || type === "\0") {
      out.set(full.replace(/^\.\//, ""), bytes.subarray(off + 512, off + 512 + size));
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/**
 * The layers of the single manifest of an `.ommx` archive.
 *
 * @param archive The archive bytes.
 * @returns Layers with media type and payload bytes.
 */
export function ommxLayers(archive: Uint8Array): { mediaType: string; bytes: Uint8Array }[] {
  const members = tarMembers(archive);
  const blob = (digest: string) => {
    const b = members.get(`blobs/${digest.replace(":", "/")}`);
    if (!b) throw new Error(`missing blob ${digest}`);
    return b;
  };
  const text = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));
  const index = text(members.get("index.json")!);
  const manifest = text(blob(index.manifests[0].digest));
  return manifest.layers.map((l: { mediaType: string; digest: string }) => ({
    mediaType: l.mediaType,
    bytes: blob(l.digest),
  }));
}

/**
 * The `.ommx` archives of the reference corpus (`tests/fixtures/reference`, `examples/`) and of
 * the shared fixtures when `../shared` is present, sorted.
 *
 * @returns Absolute paths.
 */
export function corpusArchives(): string[] {
  const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
  const out: string[] = [];
  for (
    const dir of [
      "../../tests/fixtures/reference",
      "../../examples",
      "../../../shared/fixtures/ommx-repo",
      "../../../shared/fixtures/qoblib-labs",
    ]
  ) {
    try {
      for (const e of Deno.readDirSync(here(dir))) {
        if (e.name.endsWith(".ommx")) out.push(join(here(dir), e.name));
      }
    } catch {
      // ../shared is absent in a clone outside the workplace.
    }
  }
  return out.sort();
}

/**
 * Every Solution layer (`v1` and `v2`) named by any manifest of an archive.
 *
 * @param path The archive.
 * @returns The payloads with their package version.
 */
export function solutionLayers(path: string): { version: "v1" | "v2"; bytes: Uint8Array }[] {
  const members = tarMembers(Deno.readFileSync(path));
  const out: { version: "v1" | "v2"; bytes: Uint8Array }[] = [];
  const dec = new TextDecoder();
  for (const [name, bytes] of members) {
    if (!name.startsWith("blobs/") || bytes[0] !== 0x7b) continue;
    let doc: { layers?: { mediaType: string; digest: string }[] };
    try {
      doc = JSON.parse(dec.decode(bytes));
    } catch {
      continue;
    }
    for (const l of doc.layers ?? []) {
      const m = /^application\/org\.ommx\.(v1|v2)\.solution$/.exec(l.mediaType);
      if (!m) continue;
      const b = members.get(`blobs/${l.digest.replace(":", "/")}`);
      if (b) out.push({ version: m[1] as "v1" | "v2", bytes: b });
    }
  }
  return out;
}
