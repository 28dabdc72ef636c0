#!/usr/bin/env bash
# Interop suite (used by `deno task interop` and CI):
#   1. set up the pinned reference-SDK venv (.cache/venv);
#   2. write a FRESH corpus with the real Python SDK into a temp dir;
#   3. run the TS conformance tests against it (OMMX_CORPUS_DIR=<tmp>).
# Exits non-zero on the first failing step. Test output goes to stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

py="$("$here/setup_venv.sh")"
corpus="$(mktemp -d "${TMPDIR:-/tmp}/ommx-corpus.XXXXXX")"
trap 'rm -rf "$corpus"' EXIT

echo "interop: generating reference corpus with $("$py" -c 'import importlib.metadata as m; print("ommx", m.version("ommx"))') into $corpus"
"$py" "$here/generate_corpus.py" "$corpus"

# One deno test run, so CI counts one summary line: the conformance tests on the fresh corpus,
# plus every tests/interop/*_test.ts and the unit tests whose Python cross-checks need the venv
# (in `deno task test` they skip without python3 on PATH or without the venv: core/_tools_test_util.ts).
OMMX_CORPUS_DIR="$corpus" OMMX_INTEROP_PYTHON="$py" deno test -A --lock=deno.lock tests/conformance/ tests/interop/ codecs/ommx/python_interop_test.ts \
  core/oci/backends/local_registry_write_test.ts examples/codec-plugin/mod_test.ts
# (later issues append further interop steps here)
