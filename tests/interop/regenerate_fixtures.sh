#!/usr/bin/env bash
# Regenerate the committed reference corpus tests/fixtures/reference/ with the pinned SDK.
# Digests change on every run (traces, checkpoint names and solver timings are not reproducible),
# so only regenerate on purpose (e.g. after bumping tests/interop/requirements.txt).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py="$("$here/setup_venv.sh")"
"$py" "$here/generate_corpus.py" "$root/tests/fixtures/reference"
