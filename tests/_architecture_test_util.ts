/**
 * The architecture checker behind `tests/architecture_test.ts`: reads a
 * module graph with `deno info --json` (static, dynamic and type-only
 * imports), assigns every file to a room of `docs/architecture.json`, and
 * reports each import that crosses an arrow the table does not allow, and
 * each import cycle.
 *
 * @module
 */

/** One room of the table. */
export interface Room {
  /** Room name. */
  name: string;
  /** Path globs (`*` within a segment, `**` across segments), relative to the repository. */
  paths: string[];
  /** What the room holds (prose, mirrored by the document). */
  holds: string;
}

/** The machine-readable table (`docs/architecture.json`). */
export interface ArchitectureRules {
  /** Rooms; a file belongs to the last room whose paths match it. */
  rooms: Room[];
  /** Room → rooms it may import (`name!`: only non-`_` files; `name*`: only its own codec folder). */
  allow: Record<string, string[]>;
}

/** One import between two local files. */
export interface Edge {
  /** Importing file, relative to the root. */
  from: string;
  /** Imported file, relative to the root. */
  to: string;
  /** How: a static value import, a type-only import, or a dynamic `import()`. */
  kind: "code" | "type" | "dynamic";
}

/** A module graph: every local file and its imports of other local files. */
export interface Graph {
  /** Every local file in the graph. */
  files: string[];
  /** Imports between local files. */
  edges: Edge[];
}

/** What the checker found. */
export interface Findings {
  /** Imports the table does not allow, as `from -> to (fromRoom -> toRoom, kind)`. */
  violations: string[];
  /** Import cycles, each as its files joined by ` -> `. */
  cycles: string[];
  /** Files in no room. */
  unassigned: string[];
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
      if (glob[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else re += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * The room a file belongs to: the last room with a matching path glob.
 *
 * @param rules The table.
 * @param file A path relative to the root.
 * @returns The room name, or `undefined`.
 */
export function roomOf(rules: ArchitectureRules, file: string): string | undefined {
  let found: string | undefined;
  for (const room of rules.rooms) {
    if (room.paths.some((p) => globToRegExp(p).test(file))) found = room.name;
  }
  return found;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** `codecs/<name>/` of a codecs path, for the generated-code rule. */
function codecFolder(path: string): string | undefined {
  return /^(codecs\/[^/]+)\//.exec(path)?.[1];
}

/**
 * Check a graph against the table.
 *
 * @param graph The files and their imports.
 * @param rules The table.
 * @returns Violations, cycles and unassigned files (all empty when the graph obeys the table).
 */
export function checkGraph(graph: Graph, rules: ArchitectureRules): Findings {
  const violations: string[] = [];
  const unassigned = graph.files.filter((f) => roomOf(rules, f) === undefined);
  for (const e of graph.edges) {
    const from = roomOf(rules, e.from);
    const to = roomOf(rules, e.to);
    if (from === undefined || to === undefined) continue;
    if (from === to) continue;
    const allowed = rules.allow[from] ?? [];
    const ok = allowed.some((entry) => {
      const name = entry.replace(/[!*]$/, "");
      if (name !== to) return false;
      if (entry.endsWith("!")) return !basename(e.to).startsWith("_");
      if (entry.endsWith("*")) {
        const own = codecFolder(e.from);
        return own !== undefined && e.to.startsWith(`${own}/gen/`);
      }
      return true;
    });
    if (!ok) violations.push(`${e.from} -> ${e.to} (${from} -> ${to}, ${e.kind})`);
  }
  return { violations, cycles: findCycles(graph), unassigned };
}

/**
 * Every import cycle (strongly connected component of more than one file, or
 * a file importing itself), type-only and dynamic imports included.
 *
 * @param graph The graph.
 * @returns Each cycle's files, sorted, joined by ` -> `.
 */
export function findCycles(graph: Graph): string[] {
  const next = new Map<string, Set<string>>();
  for (const f of graph.files) next.set(f, new Set());
  for (const e of graph.edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    if (!next.has(e.to)) next.set(e.to, new Set());
    next.get(e.from)!.add(e.to);
  }
  // Tarjan's algorithm, iterative.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[] = [];
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: [string, Iterator<string>][] = [[start, next.get(start)!.values()]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const [v, it] = work[work.length - 1]!;
      const step = it.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push([w, next.get(w)!.values()]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || next.get(v)!.has(v)) {
          cycles.push(component.sort().join(" -> "));
        }
      }
    }
  }
  return cycles.sort();
}

interface InfoDependency {
  code?: { specifier?: string };
  type?: { specifier?: string };
  isDynamic?: boolean;
}

interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

/**
 * Read the module graph of `roots` with `deno info --json` and keep the files
 * below `rootDir`.
 *
 * @param rootDir The repository (or a planted copy); paths are made relative to it.
 * @param roots Files to start from, relative to `rootDir`.
 * @param config The `deno.json` whose import map resolves bare specifiers.
 * @returns The graph.
 */
export async function loadGraph(rootDir: string, roots: string[], config?: string): Promise<Graph> {
  const base = new URL(`file://${rootDir.endsWith("/") ? rootDir : `${rootDir}/`}`);
  const tmp = await Deno.makeTempDir({ prefix: "ommx-arch-" });
  try {
    const entry = `${tmp}/roots.ts`;
    await Deno.writeTextFile(
      entry,
      roots.map((r) => `import ${JSON.stringify(new URL(r, base).href)};\n`).join(""),
    );
    const args = ["info", "--json", ...(config ? ["--config", config] : ["--no-config"]), entry];
    const out = await new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" })
      .output();
    if (!out.success) {
      throw new Error(`deno info failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] };
    const local = (specifier: string | undefined): string | undefined =>
      specifier !== undefined && specifier.startsWith(base.href)
        ? decodeURIComponent(specifier.slice(base.href.length))
        : undefined;
    const files = new Set<string>();
    const edges: Edge[] = [];
    for (const m of info.modules) {
      const from = local(m.specifier);
      if (from === undefined) continue;
      files.add(from);
      for (const d of m.dependencies ?? []) {
        const code = local(d.code?.specifier);
        const type = local(d.type?.specifier);
        const to = code ?? type;
        if (to === undefined) continue;
        edges.push({
          from,
          to,
          kind: d.isDynamic ? "dynamic" : code !== undefined ? "code" : "type",
        });
      }
    }
    return { files: [...files].sort(), edges };
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

/**
 * The allowed-arrow table as `docs/architecture.md` writes it: the rows of the
 * first Markdown table whose header starts with `| room |`.
 *
 * @param markdown The document.
 * @returns Room → the comma-separated list of its "may import" column, parsed.
 */
export function tableOfDocument(markdown: string): Record<string, string[]> {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => /^\|\s*room\s*\|/.test(l));
  if (start < 0) throw new Error("no `| room |` table in the document");
  const out: Record<string, string[]> = {};
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    const name = cells[0]!.replaceAll("`", "");
    const allowed = (cells[2] ?? "").replaceAll("`", "").trim();
    out[name] = allowed === "—" || allowed === "" ? [] : allowed.split(/\s*,\s*/);
  }
  return out;
}
