/**
 * MPS files as the reference SDK reads and writes them (ommx 3.0.0b7, `ommx::mps`).
 *
 * Reading: gzip is detected from the magic bytes; fields are split on whitespace (not the fixed
 * columns); `*` lines are comments; `NAME`, `OBJSENSE` (same or next line, `MIN`/`MAX`), `ROWS`
 * (one `N` row), `COLUMNS` with `'MARKER'` `'INTORG'`/`'INTEND'`, `RHS` (the objective constant
 * only from a row literally named `OBJ`), `RANGES`, `BOUNDS` (`LO UP FX MI PL BV FR UI LI`),
 * `QUADOBJ`, `QCMATRIX`, `ENDATA`. An integer column with `0 <= l` and `u <= 1` is binary;
 * default bounds are `[0, ∞)` (`(-∞, u]` when only `u <= 0` is given). Variables are numbered
 * 0, 1, … in order of first appearance and named after their columns, constraints in row order
 * (a `G` row is negated to `<=`, a range adds a row named `<row>_`) — unless every column is
 * named `OMMX_VAR_<id>` (every row `OMMX_CONSTR_<id>`), as the writer names them: then the IDs
 * are taken back from the names and no names are kept.
 *
 * Writing: active regular constraints only (linear or quadratic), the variables the active
 * formulation uses, numbers as Rust prints them (shortest round trip, no exponent), and
 * `ENDATA` followed by an empty line; gzip when asked.
 *
 * Internal: used by `Instance.loadMps` / `saveMps`; not part of the published API.
 *
 * @module
 */

import { DecodeError, UnsupportedError } from "../../core/errors.ts";
import { Function } from "./function.ts";
import type { Constraint, DecisionVariable, InstanceData } from "./instance_data.ts";
import type { Bound, Equality, Kind } from "./types.ts";
import { consistentBound, DEFAULT_FEASIBILITY_ATOL } from "./_feasibility.ts";
import { usedIdsOf } from "./_usage.ts";

/** Options of `Instance.saveMps`. */
export interface SaveMpsOptions {
  /** Gzip the file (default true, as the reference). */
  compress?: boolean;
}

const OBJ_NAME = "OBJ";
const CONSTR_PREFIX = "OMMX_CONSTR_";
const VAR_PREFIX = "OMMX_VAR_";

// ---------------------------------------------------------------- numbers

const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;
const SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/** Parse a number as Rust's `f64::from_str` does. */
function parseNumber(text: string, where: string): number {
  if (FLOAT.test(text)) return Number(text);
  if (SPECIAL.test(text)) {
    const neg = text.startsWith("-");
    if (/nan/i.test(text)) return NaN;
    return neg ? -Infinity : Infinity;
  }
  throw new DecodeError(`MPS: invalid number ${JSON.stringify(text)} in ${where}`);
}

/**
 * A number as Rust's `{}` prints an `f64`: the shortest digits that read back the same, never in
 * exponent form (`1`, `0.5`, `0.0000001`, `-0`, `inf`, `NaN`).
 *
 * @param x The number.
 * @returns The text.
 */
export function rustFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const sign = x < 0 ? "-" : "";
  const [mantissa, expText] = Math.abs(x).toExponential().split("e");
  const digits = mantissa!.replace(".", "");
  const exp = Number(expText);
  if (exp >= digits.length - 1) return sign + digits + "0".repeat(exp - digits.length + 1);
  if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
}

// ---------------------------------------------------------------- gzip

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const source = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  const out = new Response(source.pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

// ---------------------------------------------------------------- reading

interface Mps {
  name: string;
  sense: "minimize" | "maximize";
  objectiveName: string;
  vars: string[];
  varSet: Set<string>;
  c: Map<string, number>;
  rows: Map<string, Map<string, number>>;
  b: Map<string, number>;
  u: Map<string, number>;
  l: Map<string, number>;
  integer: Set<string>;
  binary: Set<string>;
  eq: Set<string>;
  ge: Set<string>;
  le: Set<string>;
  quadObj: Map<string, [string, string, number]>;
  quadRows: Map<string, Map<string, [string, string, number]>>;
}

const HEADERS = ["ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS", "QUADOBJ", "QCMATRIX", "ENDATA"];

function parseLines(text: string): Mps {
  const m: Mps = {
    name: "",
    sense: "minimize",
    objectiveName: "",
    vars: [],
    varSet: new Set(),
    c: new Map(),
    rows: new Map(),
    b: new Map(),
    u: new Map(),
    l: new Map(),
    integer: new Set(),
    binary: new Set(),
    eq: new Set(),
    ge: new Set(),
    le: new Set(),
    quadObj: new Map(),
    quadRows: new Map(),
  };
  const addVar = (v: string) => {
    if (!m.varSet.has(v)) {
      m.varSet.add(v);
      m.vars.push(v);
    }
  };
  let cursor = "NAME";
  let integerBlock = false;
  let waitingSense = false;
  let qcRow: string | undefined;
  const size = (section: string, fields: string[], ok: boolean) => {
    if (!ok) {
      throw new DecodeError(`MPS: invalid field count (${fields.length}) in section ${section}`);
    }
  };
  const sense = (s: string) => {
    if (s === "MIN") return "minimize";
    if (s === "MAX") return "maximize";
    throw new DecodeError(`MPS: invalid OBJSENSE ${JSON.stringify(s)}`);
  };
  const lines = text.split("\n");
  for (let raw of lines) {
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    if (raw.trim() === "" || raw.startsWith("*")) continue;
    if (!raw.startsWith(" ")) {
      if (raw.startsWith("NAME")) m.name = raw.slice(4).trim();
      else if (raw.startsWith("OBJSENSE")) {
        const s = raw.slice(8).trim();
        if (s === "") waitingSense = true;
        else m.sense = sense(s);
      } else if (raw.startsWith("QCMATRIX")) {
        cursor = "QCMATRIX";
        const name = raw.slice(8).trim();
        if (name !== "") {
          qcRow = name;
          if (!m.quadRows.has(name)) m.quadRows.set(name, new Map());
        }
      } else {
        const h = raw.trim();
        if (!HEADERS.includes(h)) throw new DecodeError(`MPS: invalid header ${JSON.stringify(h)}`);
        cursor = h;
      }
      if (cursor === "ENDATA") break;
      continue;
    }
    const f = raw.split(/\s+/).filter((x) => x !== "");
    if (waitingSense) {
      m.sense = sense(f[0]!);
      waitingSense = false;
      continue;
    }
    switch (cursor) {
      case "ROWS": {
        size("ROWS", f, f.length >= 2);
        const row = f[1]!;
        if (f[0] === "N") {
          if (m.objectiveName !== "") {
            throw new DecodeError(
              "MPS: multiple objective rows; multi-objective MPS is not supported",
            );
          }
          m.objectiveName = row;
          break;
        }
        if (f[0] === "E") m.eq.add(row);
        else if (f[0] === "G") m.ge.add(row);
        else if (f[0] === "L") m.le.add(row);
        else throw new DecodeError(`MPS: invalid ROWS type ${JSON.stringify(f[0])}`);
        m.rows.set(row, new Map());
        break;
      }
      case "COLUMNS": {
        size("COLUMNS", f, f.length >= 3 && f.length % 2 === 1);
        if (f[1] === "'MARKER'") {
          if (f[2] === "'INTORG'") integerBlock = true;
          else if (f[2] === "'INTEND'") integerBlock = false;
          else throw new DecodeError(`MPS: invalid marker ${JSON.stringify(f[2])} in COLUMNS`);
          break;
        }
        const col = f[0]!;
        addVar(col);
        if (integerBlock) m.integer.add(col);
        for (let i = 1; i < f.length; i += 2) {
          const row = f[i]!;
          const value = parseNumber(f[i + 1]!, "COLUMNS");
          if (row === m.objectiveName) m.c.set(col, value);
          else {
            const r = m.rows.get(row);
            if (!r) throw new DecodeError(`MPS: unknown row name ${JSON.stringify(row)}`);
            r.set(col, value);
          }
        }
        break;
      }
      case "RHS":
        size("RHS", f, f.length >= 3 && f.length % 2 === 1);
        for (let i = 1; i < f.length; i += 2) m.b.set(f[i]!, parseNumber(f[i + 1]!, "RHS"));
        break;
      case "RANGES":
        size("RANGES", f, f.length >= 3 && f.length % 2 === 1);
        for (let i = 1; i < f.length; i += 2) range(m, f[i]!, parseNumber(f[i + 1]!, "RANGES"));
        break;
      case "BOUNDS":
        bound(m, f);
        break;
      case "QUADOBJ": {
        size("QUADOBJ", f, f.length === 3);
        addVar(f[0]!);
        addVar(f[1]!);
        m.quadObj.set(`${f[0]}\u0000${f[1]}`, [f[0]!, f[1]!, parseNumber(f[2]!, "QUADOBJ")]);
        break;
      }
      case "QCMATRIX": {
        size("QCMATRIX", f, f.length === 3);
        if (qcRow === undefined) {
          throw new DecodeError("MPS: QCMATRIX term without a constraint name");
        }
        addVar(f[0]!);
        addVar(f[1]!);
        m.quadRows.get(qcRow)!.set(`${f[0]}\u0000${f[1]}`, [
          f[0]!,
          f[1]!,
          parseNumber(f[2]!, "QCMATRIX"),
        ]);
        break;
      }
      default:
        throw new DecodeError(`MPS: data line before any section: ${JSON.stringify(raw.trim())}`);
    }
  }
  for (const name of [...m.integer]) {
    const u = m.u.get(name);
    if (u === undefined) continue;
    if (u <= 1 && (m.l.get(name) ?? 0) >= 0) {
      m.integer.delete(name);
      m.binary.add(name);
    }
  }
  return m;
}

function range(m: Mps, row: string, r: number): void {
  if (r === 0) throw new DecodeError(`MPS: RANGES with 0 is not supported (row ${row})`);
  let name = `${row}_`;
  while (m.rows.has(name)) name = `${name}_`;
  const base = m.rows.get(row);
  if (!base) throw new DecodeError(`MPS: unknown row name ${JSON.stringify(row)}`);
  m.rows.set(name, new Map(base));
  const b = m.b.get(row) ?? 0;
  let nb: number;
  if (m.eq.has(row)) {
    m.eq.delete(row);
    if (r > 0) {
      m.ge.add(row);
      m.le.add(name);
      nb = b + Math.abs(r);
    } else {
      m.le.add(row);
      m.ge.add(name);
      nb = b - Math.abs(r);
    }
  } else if (m.ge.has(row)) {
    m.le.add(name);
    nb = b + Math.abs(r);
  } else if (m.le.has(row)) {
    m.ge.add(name);
    nb = b - Math.abs(r);
  } else return;
  m.b.set(name, nb);
}

function bound(m: Mps, f: string[]): void {
  const type = f[0]!;
  const col = f[2];
  const needs = (n: number) => {
    if (f.length < n || col === undefined) {
      throw new DecodeError(
        `MPS: too few fields for the ${type} bound: ${JSON.stringify(f.join(" "))}`,
      );
    }
  };
  const value = () => {
    needs(4);
    return parseNumber(f[3]!, "BOUNDS");
  };
  switch (type) {
    case "LO":
      m.l.set(col!, value());
      break;
    case "UP":
      m.u.set(col!, value());
      break;
    case "FX": {
      const v = value();
      m.l.set(col!, v);
      m.u.set(col!, v);
      break;
    }
    case "MI":
      needs(3);
      m.l.set(col!, -Infinity);
      break;
    case "PL":
      needs(3);
      m.u.set(col!, Infinity);
      break;
    case "BV":
      needs(3);
      m.integer.delete(col!);
      m.binary.add(col!);
      break;
    case "FR":
      needs(3);
      m.l.set(col!, -Infinity);
      m.u.set(col!, Infinity);
      break;
    case "UI": {
      const v = value();
      m.integer.add(col!);
      m.u.set(col!, v);
      break;
    }
    case "LI": {
      const v = value();
      m.integer.add(col!);
      m.l.set(col!, v);
      break;
    }
    default:
      throw new DecodeError(`MPS: invalid BOUNDS type ${JSON.stringify(type)}`);
  }
}

function idTag(prefix: string, name: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  if (!/^\+?\d+$/.test(rest)) return undefined;
  const n = Number(rest);
  return Number.isSafeInteger(n) ? n : undefined;
}

function variableBound(m: Mps, name: string): Bound {
  const l = m.l.get(name);
  const u = m.u.get(name);
  if (l !== undefined && u === undefined) return { lower: l, upper: Infinity };
  if (l === undefined && u !== undefined) {
    return u <= 0 ? { lower: -Infinity, upper: u } : { lower: 0, upper: u };
  }
  if (l !== undefined && u !== undefined) return { lower: l, upper: u };
  return { lower: 0, upper: Infinity };
}

function convert(m: Mps): InstanceData {
  const ids = new Map<string, number>();
  const decisionVariables: DecisionVariable[] = [];
  const recover = m.vars.every((v) => v.startsWith(VAR_PREFIX));
  const addVariable = (name: string, id: number, named: boolean) => {
    const kind: Kind = m.integer.has(name)
      ? "integer"
      : m.binary.has(name)
      ? "binary"
      : "continuous";
    const raw = variableBound(m, name);
    if (
      Number.isNaN(raw.lower) || Number.isNaN(raw.upper) || raw.lower > raw.upper ||
      raw.lower === Infinity || raw.upper === -Infinity
    ) {
      throw new DecodeError(
        `MPS: column ${name} has the invalid bound [${raw.lower}, ${raw.upper}]`,
      );
    }
    const b = consistentBound(kind, raw, DEFAULT_FEASIBILITY_ATOL);
    if (!b) {
      throw new DecodeError(
        `MPS: column ${name}: bound [${raw.lower}, ${raw.upper}] holds no ${kind} value`,
      );
    }
    ids.set(name, id);
    const v: DecisionVariable = { id, kind, bound: b, subscripts: [], parameters: {} };
    if (named) v.name = name;
    decisionVariables.push(v);
  };
  if (!recover) m.vars.forEach((name, i) => addVariable(name, i, true));
  else {
    for (const name of m.vars) {
      const id = idTag(VAR_PREFIX, name);
      if (id !== undefined) addVariable(name, id, false);
    }
  }
  const seen = new Set<number>();
  for (const v of decisionVariables) {
    if (seen.has(v.id)) throw new DecodeError(`MPS: duplicate variable ID ${v.id}`);
    seen.add(v.id);
  }
  const build = (
    constant: number,
    linear: Iterable<[string, number]>,
    quadratic: Iterable<[string, string, number]>,
    negate: boolean,
  ): Function => {
    const s = negate ? -1 : 1;
    const parts: Function[] = [Function.constant(constant)];
    for (const [name, c] of linear) {
      const id = ids.get(name);
      if (id !== undefined && c !== 0) parts.push(Function.linear([[id, s * c]]));
    }
    for (const [a, b, c] of quadratic) {
      const i = ids.get(a);
      const j = ids.get(b);
      if (i !== undefined && j !== undefined && c !== 0) {
        parts.push(Function.quadratic([[i, j, s * c]]));
      }
    }
    return Function.sum(parts);
  };
  const objective = build(
    -(m.b.get(OBJ_NAME) ?? 0),
    m.c,
    m.quadObj.values(),
    false,
  );
  const constraints: Constraint[] = [];
  const recoverRows = [...m.rows.keys()].every((r) => r.startsWith(CONSTR_PREFIX));
  let index = 0;
  for (const [row, terms] of m.rows) {
    const i = index++;
    const id = recoverRows ? idTag(CONSTR_PREFIX, row) : i;
    if (id === undefined) continue;
    let b = m.b.get(row) ?? 0;
    let equality: Equality = "=";
    let negate = false;
    if (m.eq.has(row)) b = -b;
    else if (m.le.has(row)) {
      b = -b;
      equality = "<=";
    } else if (m.ge.has(row)) {
      negate = true;
      equality = "<=";
    } else b = -b;
    const c: Constraint = {
      id,
      equality,
      function: build(b, terms, m.quadRows.get(row)?.values() ?? [], negate),
      subscripts: [],
      parameters: {},
    };
    if (!recoverRows) c.name = row;
    constraints.push(c);
  }
  const data: InstanceData = {
    sense: m.sense,
    objective,
    decisionVariables,
    constraints,
    indicatorConstraints: [],
    oneHotConstraints: [],
    sos1Constraints: [],
    namedFunctions: [],
    decisionVariableDependency: new Map(),
    annotations: {},
  };
  if (m.name !== "") data.description = { name: m.name, authors: [] };
  return data;
}

/**
 * Read MPS bytes (gzip detected).
 *
 * @param bytes The file.
 * @returns The instance data.
 * @throws {DecodeError} for malformed data.
 */
export async function readMps(bytes: Uint8Array): Promise<InstanceData> {
  let data = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      data = await pipe(bytes, new DecompressionStream("gzip"));
    } catch (e) {
      throw new DecodeError(`MPS: the gzip data is corrupt: ${(e as Error).message}`);
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw new DecodeError("MPS: the file is not UTF-8 text");
  }
  const mps = parseLines(text);
  try {
    return convert(mps);
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`MPS: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------- writing

const varName = (id: number) => `${VAR_PREFIX}${id}`;
const rowName = (id: number) => `${CONSTR_PREFIX}${id}`;

/**
 * Write instance data as MPS (gzip unless `compress: false`).
 *
 * @param d The data.
 * @param options Compression.
 * @returns The file bytes.
 * @throws {UnsupportedError} for a function of degree > 2.
 */
export async function writeMps(d: InstanceData, options: SaveMpsOptions): Promise<Uint8Array> {
  const text = formatMps(d);
  const bytes = new TextEncoder().encode(text);
  return options.compress === false ? bytes : await pipe(bytes, new CompressionStream("gzip"));
}

function formatMps(d: InstanceData): string {
  const out: string[] = [];
  const w = (s: string) => out.push(`${s}\n`);
  const active = d.constraints.filter((c) => !c.removedReason).sort((a, b) => a.id - b.id);
  const byId = new Map(d.decisionVariables.map((v) => [v.id, v]));
  const degreeCheck = (f: Function, what: string) => {
    const degree = f.degree();
    if (degree > 2) {
      throw new UnsupportedError(
        `MPS format does not support nonlinear ${what}: it has a ${degree}-degree term`,
      );
    }
  };
  degreeCheck(d.objective, "objective");
  for (const c of active) degreeCheck(c.function, `constraint (${rowName(c.id)})`);

  w(`NAME ${d.description?.name ?? "Converted OMMX problem"}`);
  w(`OBJSENSE ${d.sense === "maximize" ? "MAX" : "MIN"}`);
  w("ROWS");
  w(" N OBJ");
  for (const c of active) w(` ${c.equality === "<=" ? "L" : "E"} ${rowName(c.id)}`);

  w("COLUMNS");
  const entries = new Map<number, [string, number][]>();
  const push = (id: number, row: string, c: number) => {
    let e = entries.get(id);
    if (!e) entries.set(id, e = []);
    e.push([row, c]);
  };
  for (const [id, c] of d.objective.linearTerms) push(id, OBJ_NAME, c);
  for (const c of active) for (const [id, k] of c.function.linearTerms) push(id, rowName(c.id), k);
  let intorg = false;
  let counter = 0;
  const marker = (integer: boolean) => {
    if (integer && !intorg) {
      intorg = true;
      w(`    MARK${counter++}   'MARKER'      'INTORG'`);
    } else if (!integer && intorg) {
      intorg = false;
      w(`    MARK${counter++}   'MARKER'      'INTEND'`);
    }
  };
  const isInteger = (id: number) => {
    const k = byId.get(id)?.kind;
    return k === "binary" || k === "integer";
  };
  const written = new Set<number>();
  for (const id of [...entries.keys()].sort((a, b) => a - b)) {
    written.add(id);
    marker(isInteger(id));
    for (const [row, c] of entries.get(id)!) {
      if (c !== 0) w(`    ${varName(id)}  ${row}  ${rustFloat(c)}`);
    }
  }
  const used = usedIdsOf(d);
  for (const id of used) {
    if (written.has(id)) continue;
    marker(isInteger(id));
    w(`    ${varName(id)}  ${OBJ_NAME}  0`);
  }
  marker(false);

  w("RHS");
  const constant = d.objective.constantTerm;
  if (constant !== 0) w(`  RHS1    ${OBJ_NAME}   ${rustFloat(-constant)}`);
  for (const c of active) {
    const k = c.function.constantTerm;
    if (k !== 0) w(`  RHS1    ${rowName(c.id)}   ${rustFloat(-k)}`);
  }

  w("BOUNDS");
  for (const id of used) {
    const v = byId.get(id);
    if (!v) continue;
    const name = varName(id);
    const { lower, upper } = v.bound;
    const integer = v.kind === "binary" || v.kind === "integer";
    if (lower === -Infinity && upper === Infinity) w(`  FR BND1    ${name}`);
    else if (lower === -Infinity) {
      w(`  MI BND1    ${name}`);
      w(`  ${integer ? "UI" : "UP"} BND1    ${name}  ${rustFloat(upper)}`);
    } else if (upper === Infinity) {
      w(`  PL BND1    ${name}`);
      w(`  ${integer ? "LI" : "LO"} BND1    ${name}  ${rustFloat(lower)}`);
    } else {
      w(`  ${integer ? "UI" : "UP"} BND1    ${name}  ${rustFloat(upper)}`);
      w(`  ${integer ? "LI" : "LO"} BND1    ${name}  ${rustFloat(lower)}`);
    }
  }

  const quadratic = (f: Function) => f.quadraticTerms.filter(([, , c]) => c !== 0);
  if (d.objective.degree() === 2) {
    w("QUADOBJ");
    for (const [i, j, c] of quadratic(d.objective)) {
      w(`    ${varName(i)}  ${varName(j)}  ${rustFloat(c)}`);
    }
  }
  for (const c of active) {
    if (c.function.degree() !== 2) continue;
    w(`QCMATRIX ${rowName(c.id)}`);
    for (const [i, j, k] of quadratic(c.function)) {
      w(`    ${varName(i)}  ${varName(j)}  ${rustFloat(k)}`);
    }
  }
  w("ENDATA\n");
  return out.join("");
}
