#!/usr/bin/env bash
# System packages the test suites use (Debian). Idempotent; quiet when everything is present.
# Each is optional for `deno task test` (its tests skip without it; core/_tools_test_util.ts finds them on
# PATH); .ci/run installs them after its bare-PATH step.
set -uo pipefail
need=()
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
command -v tar >/dev/null 2>&1 || need+=(tar)
# Real OCI registry (CNCF distribution 2.8) for tests/registry/ (the test starts and stops it itself).
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
# headless browser for the viewer tests (tests/cli/viewer_test.ts, tests/cli/viewer_registry_test.ts)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Japanese/Chinese/Korean glyphs for the viewer's CJK check (tests/cli/viewer_registry_test.ts)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=ja file 2>/dev/null)" ]; then
  need+=(fonts-noto-cjk)
fi
if [ "${#need[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || echo "warning: could not install ${need[*]}"
fi
