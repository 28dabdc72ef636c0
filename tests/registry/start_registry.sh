#!/usr/bin/env bash
# Start the Debian `docker-registry` (CNCF distribution 2.8) on 127.0.0.1 with OUR OWN config
# (filesystem storage in a fresh temp dir, no auth), in the background.
#
# Usage: tests/registry/start_registry.sh [PORT]
# Prints three lines on stdout: the port, the registry's pid, and the temp dir (storage, config,
# log). Stop it with: kill <pid>; rm -rf <dir>.
# Exits 2 when /usr/bin/docker-registry is absent (callers skip), 1 when it did not come up.
set -euo pipefail
bin=${DOCKER_REGISTRY_BIN:-/usr/bin/docker-registry}
[ -x "$bin" ] || { echo "start_registry: $bin not found (apt-get install docker-registry)" >&2; exit 2; }
port=${1:-}
if [ -z "$port" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/ommx-registry.XXXXXX")
mkdir -p "$dir/storage"
cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
"$bin" serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
    echo "$port"; echo "$pid"; echo "$dir"; exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
echo "start_registry: registry did not come up on 127.0.0.1:$port; log:" >&2
cat "$dir/registry.log" >&2 || true
kill "$pid" 2>/dev/null || true
rm -rf "$dir"
exit 1
