#!/usr/bin/env bash
# Create (idempotently) the virtualenv holding Jupyter for the notebook test
# (tests/notebook/notebook_test.ts): nbconvert executes examples/analysis.ipynb on Deno's kernel.
#
# Usage:
#   tests/notebook/setup_venv.sh     # prints the path of the venv's `jupyter` on stdout
#
# The venv lives at <repo>/.cache/jupyter-venv (git-ignored), apart from the reference SDK's
# .cache/venv so neither set of pins disturbs the other. It is rebuilt when
# tests/notebook/requirements.txt changes (a hash stamp is kept inside the venv). Override the
# interpreter with PYTHON=/path/to/python3 (default: python3 from PATH).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.cache/jupyter-venv"
req="$here/requirements.txt"
stamp="$venv/.requirements.sha256"
py="${PYTHON:-python3}"

if ! command -v "$py" >/dev/null 2>&1; then
  echo "notebook setup_venv: '$py' not found on PATH (need Python >= 3.10)" >&2
  exit 1
fi
want="$("$py" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$req")"
have=""
[ -f "$stamp" ] && have="$(cat "$stamp")"
if [ ! -x "$venv/bin/jupyter" ] || [ "$want" != "$have" ]; then
  echo "notebook setup_venv: creating $venv" >&2
  rm -rf "$venv"
  mkdir -p "$root/.cache"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
  "$venv/bin/jupyter" nbconvert --version >&2
  echo "$want" >"$stamp"
fi
echo "$venv/bin/jupyter"
