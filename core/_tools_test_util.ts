/**
 * Finding the optional programs some tests drive — the reference Python SDK's venv, a Python with
 * NumPy, skopeo, docker-registry, Chromium, Node, GNU tar — without ever throwing, so that
 * `deno task test` passes on a machine with only Deno and git. A test whose program is missing
 * skips and prints one line naming what to install:
 *
 * ```text
 * skip: skopeo not found — install Debian package skopeo to run the skopeo OCI copy tests (tests/interop/skopeo_test.ts)
 * ```
 *
 * Detection follows an explicit environment variable (`OMMX_TEST_<TOOL>`, `OMMX_INTEROP_PYTHON`)
 * or `PATH`, which is searched here and never by spawning the program: a reduced `PATH` then
 * really simulates a machine without it. Deno 2.9 stands in for an absent `node`: it runs itself
 * when asked to spawn `node`, and puts `$DENO_DIR/node_compat_bin/node` (a link to itself) first on
 * the `PATH` of `deno task` and of every subprocess; a PATH entry that is Deno itself is therefore
 * not taken for the program. Spawn the returned absolute path, not the bare name. A program named by
 * an explicit variable is trusted as is: when it is broken, the test fails instead of skipping.
 *
 * The venv `.cache/venv` counts only while `python3` is on `PATH` (or the venv is named
 * explicitly): a venv left in the checkout by an earlier run must not turn a reduced-`PATH` run
 * into one that drives Python.
 *
 * @module
 */
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** An optional program some tests drive. */
export interface ToolSpec {
  /** Executable names searched on PATH, in order. */
  readonly names: readonly string[];
  /** Environment variable naming the program explicitly (wins over PATH). */
  readonly env: string;
  /** What to install to get it, completing "install …". */
  readonly install: string;
}

/** The optional programs of the test suite (README, "Optional tools for the tests"). */
export const TOOLS = {
  skopeo: { names: ["skopeo"], env: "OMMX_TEST_SKOPEO", install: "Debian package skopeo" },
  dockerRegistry: {
    names: ["docker-registry"],
    env: "OMMX_TEST_DOCKER_REGISTRY",
    install: "Debian package docker-registry",
  },
  chromium: {
    names: ["chromium", "chromium-browser"],
    env: "OMMX_TEST_CHROMIUM",
    install: "Debian package chromium",
  },
  node: {
    names: ["node"],
    env: "OMMX_TEST_NODE",
    install: "Node.js >= 20, Debian package nodejs",
  },
  tar: { names: ["tar"], env: "OMMX_TEST_TAR", install: "GNU tar, Debian package tar" },
  python3: { names: ["python3"], env: "OMMX_TEST_PYTHON3", install: "Debian package python3" },
} as const satisfies Record<string, ToolSpec>;

const REPO = new URL("../", import.meta.url);
/** Where `tests/interop/setup_venv.sh` builds the reference SDK's venv. */
export const VENV_PYTHON: string = fileURLToPath(new URL(".cache/venv/bin/python", REPO));

/** Environment variables that name the reference SDK's interpreter, in priority order. */
const PYTHON_ENV = ["OMMX_INTEROP_PYTHON", "OMMX_PYTHON"] as const;

function env(name: string): string | undefined {
  try {
    const value = Deno.env.get(name);
    return value === "" ? undefined : value;
  } catch {
    return undefined; // no --allow-env: as if unset
  }
}

function realPath(path: string): string | undefined {
  try {
    return Deno.realPathSync(path);
  } catch {
    return undefined;
  }
}

/** Deno's own executable: Deno 2.9 puts a `node` link to itself first on its children's PATH. */
const DENO = (() => {
  try {
    return realPath(Deno.execPath());
  } catch {
    return undefined;
  }
})();

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    // mode is null on Windows, where being a file is what counts.
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/**
 * The absolute path of `name` on PATH, searched without spawning anything.
 *
 * @param name The executable's name.
 * @returns Its path, or undefined when no PATH entry holds an executable file of that name
 *   (other than a link to Deno itself).
 */
export function findOnPath(name: string): string | undefined {
  const exts = Deno.build.os === "windows"
    ? ["", ...(env("PATHEXT") ?? ".EXE;.CMD;.BAT").split(";")]
    : [""];
  for (const dir of (env("PATH") ?? "").split(delimiter)) {
    if (dir === "") continue;
    for (const ext of exts) {
      const path = join(dir, name + ext);
      if (!isExecutableFile(path)) continue;
      // `$DENO_DIR/node_compat_bin/node` is Deno, not Node.
      if (name !== "deno" && DENO !== undefined && realPath(path) === DENO) continue;
      return path;
    }
  }
  return undefined;
}

/**
 * The program: the path its environment variable names (trusted, not checked), else the first of
 * its names found on PATH.
 *
 * @param tool The program.
 * @returns Its path, or undefined when it is absent.
 */
export function findTool(tool: ToolSpec): string | undefined {
  const explicit = env(tool.env);
  if (explicit !== undefined) return explicit;
  for (const name of tool.names) {
    const found = findOnPath(name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Print the one line a skipped test leaves.
 *
 * @param missing What was not found, e.g. `"skopeo"`.
 * @param install What to install (or do), completing "install …".
 * @param purpose What it would run, completing "to run …".
 */
export function printSkip(missing: string, install: string, purpose: string): void {
  console.log(`skip: ${missing} not found — install ${install} to run ${purpose}`);
}

/**
 * {@linkcode findTool}, printing the skip line when the program is absent.
 *
 * @param tool The program.
 * @param purpose What the caller would run with it, completing "to run …" (name the test file).
 * @returns Its path, or undefined (after printing the skip line).
 */
export function requireTool(tool: ToolSpec, purpose: string): string | undefined {
  const path = findTool(tool);
  if (path === undefined) {
    printSkip(tool.names[0]!, `${tool.install} (or set ${tool.env})`, purpose);
  }
  return path;
}

/**
 * The reference Python SDK's interpreter, printing the skip line when there is none:
 * `OMMX_INTEROP_PYTHON` / `OMMX_PYTHON` when set (trusted), else `.cache/venv/bin/python` when it
 * exists and `python3` is on PATH. Never builds the venv: `deno task interop` (or
 * `bash tests/interop/setup_venv.sh`) does, from PyPI.
 *
 * @param purpose What the caller would run, completing "to run …" (name the test file).
 * @returns The interpreter's path, or undefined.
 */
export function referencePython(purpose: string): string | undefined {
  for (const name of PYTHON_ENV) {
    const explicit = env(name);
    if (explicit !== undefined) return explicit;
  }
  if (findTool(TOOLS.python3) === undefined) {
    printSkip(
      "python3",
      "Debian packages python3 python3-venv and run `bash tests/interop/setup_venv.sh` " +
        "(the reference SDK from PyPI)",
      purpose,
    );
    return undefined;
  }
  if (!isExecutableFile(VENV_PYTHON)) {
    printSkip(
      "reference SDK venv (.cache/venv)",
      "it with `bash tests/interop/setup_venv.sh` (ommx from PyPI; or set OMMX_INTEROP_PYTHON)",
      purpose,
    );
    return undefined;
  }
  return VENV_PYTHON;
}

/**
 * A Python that imports NumPy, printing the skip line when there is none: `OMMX_INTEROP_PYTHON` /
 * `OMMX_PYTHON` when set (trusted), else the reference SDK's venv or `python3` on PATH, the first
 * that imports `numpy`.
 *
 * @param purpose What the caller would run, completing "to run …" (name the test file).
 * @returns The interpreter's path, or undefined.
 */
export async function pythonWithNumpy(purpose: string): Promise<string | undefined> {
  for (const name of PYTHON_ENV) {
    const explicit = env(name);
    if (explicit !== undefined) return explicit;
  }
  const python3 = findTool(TOOLS.python3);
  if (python3 === undefined) {
    printSkip("python3", "Debian packages python3 python3-numpy", purpose);
    return undefined;
  }
  for (const candidate of [VENV_PYTHON, python3]) {
    if (!isExecutableFile(candidate)) continue;
    try {
      const out = await new Deno.Command(candidate, {
        args: ["-c", "import numpy"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (out.success) return candidate;
    } catch {
      // not runnable: try the next one
    }
  }
  printSkip(
    "NumPy",
    "Debian package python3-numpy (or run `bash tests/interop/setup_venv.sh`)",
    purpose,
  );
  return undefined;
}

/** Where `tests/notebook/setup_venv.sh` builds the Jupyter venv (nbconvert, nbclient, ipykernel). */
export const JUPYTER_VENV_BIN: string = fileURLToPath(
  new URL(".cache/jupyter-venv/bin/jupyter", REPO),
);

/**
 * The `jupyter` command (with nbconvert) the notebook test drives, printing the skip line when
 * there is none: `OMMX_TEST_JUPYTER` when set (trusted), else `.cache/jupyter-venv/bin/jupyter`
 * when it exists and `python3` is on PATH, else `jupyter` on PATH. Never builds the venv:
 * `bash tests/notebook/setup_venv.sh` (CI: `.ci/run`) does, from PyPI.
 *
 * @param purpose What the caller would run, completing "to run …" (name the test file).
 * @returns The command's path, or undefined.
 */
export function jupyterCommand(purpose: string): string | undefined {
  const explicit = env("OMMX_TEST_JUPYTER");
  if (explicit !== undefined) return explicit;
  if (findTool(TOOLS.python3) !== undefined && isExecutableFile(JUPYTER_VENV_BIN)) {
    return JUPYTER_VENV_BIN;
  }
  const onPath = findOnPath("jupyter");
  if (onPath !== undefined) return onPath;
  printSkip(
    "jupyter",
    "Jupyter with `bash tests/notebook/setup_venv.sh` (nbconvert from PyPI; or set OMMX_TEST_JUPYTER)",
    purpose,
  );
  return undefined;
}

/**
 * A font with Japanese glyphs, for the viewer's CJK check, printing the skip line when there is
 * none: `OMMX_TEST_CJK_FONT` when set (a font file, trusted), else the first file
 * `fc-list :lang=ja file` names (fontconfig's `fc-list` found on PATH, as Chromium uses
 * fontconfig; a reduced PATH without it counts as no font).
 *
 * @param purpose What the caller would run, completing "to run …" (name the test file).
 * @returns The font file's path, or undefined.
 */
export async function cjkFont(purpose: string): Promise<string | undefined> {
  const explicit = env("OMMX_TEST_CJK_FONT");
  if (explicit !== undefined) return explicit;
  const fcList = findOnPath("fc-list");
  let found: string | undefined;
  if (fcList !== undefined) {
    try {
      const out = await new Deno.Command(fcList, {
        args: [":lang=ja", "file"],
        stdout: "piped",
        stderr: "null",
      }).output();
      found = new TextDecoder().decode(out.stdout).split("\n")
        .map((l) => l.replace(/:\s*$/, "").trim()).find((l) => l !== "");
    } catch {
      found = undefined;
    }
  }
  if (found === undefined) {
    printSkip("CJK font", "Debian package fonts-noto-cjk (or set OMMX_TEST_CJK_FONT)", purpose);
  }
  return found;
}
