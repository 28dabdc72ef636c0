#!/usr/bin/env bash
# Create (idempotently) the virtualenv holding the reference OMMX Python SDK.
#
# Usage:
#   tests/interop/setup_venv.sh          # prints the venv's python path on stdout
#   source tests/interop/setup_venv.sh   # also sets OMMX_INTEROP_PYTHON in the caller
#
# The venv lives at <repo>/.cache/venv (git-ignored). It is rebuilt when
# tests/interop/requirements.txt changes (a hash stamp is kept inside the venv).
# Override the interpreter with PYTHON=/path/to/python3 (default: python3 from PATH).

_ommx_interop_setup() {
  set -euo pipefail
  local here root venv req stamp want have py
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  root="$(cd "$here/../.." && pwd)"
  venv="$root/.cache/venv"
  req="$here/requirements.txt"
  stamp="$venv/.requirements.sha256"
  py="${PYTHON:-python3}"

  if ! command -v "$py" >/dev/null 2>&1; then
    echo "setup_venv: '$py' not found on PATH (need Python >= 3.10)" >&2
    return 1
  fi
  want="$("$py" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$req")"
  have=""
  [ -f "$stamp" ] && have="$(cat "$stamp")"

  if [ ! -x "$venv/bin/python" ] || [ "$want" != "$have" ]; then
    echo "setup_venv: creating $venv" >&2
    rm -rf "$venv"
    mkdir -p "$root/.cache"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
    "$venv/bin/python" -c 'import ommx.experiment, ommx_highs_adapter, ommx_openjij_adapter' >&2
    echo "$want" >"$stamp"
  fi
  OMMX_INTEROP_PYTHON="$venv/bin/python"
  export OMMX_INTEROP_PYTHON
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  _ommx_interop_setup
  echo "$OMMX_INTEROP_PYTHON"
else
  # sourced: run the setup in a subshell so `set -euo pipefail` does not leak into the caller
  OMMX_INTEROP_PYTHON="$(bash "${BASH_SOURCE[0]}")" || return 1
  export OMMX_INTEROP_PYTHON
fi
