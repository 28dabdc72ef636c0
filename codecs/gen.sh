#!/usr/bin/env bash
# Regenerate codecs/ommx/gen and codecs/trace/gen from the .proto files.
# Installs the pinned generators into .cache/protogen (not committed) when missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache/protogen"
buf="$cache/node_modules/.bin/buf"
plugin="$cache/node_modules/.bin/protoc-gen-es"
if [[ ! -x "$buf" || ! -x "$plugin" ]]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --save-exact --no-audit --no-fund \
    @bufbuild/buf@1.75.0 @bufbuild/protoc-gen-es@2.17.0
fi
cd "$root/codecs"
for module in ommx trace; do
  rm -rf "$module/gen"
  "$buf" generate "$module/proto" --template buf.gen.yaml --output "$module"
done
# Lazy descriptors: every generated `fileDesc(...)`/`messageDesc(...)`/`enumDesc(...)` becomes
# `lazyObject(() => ...)` (core/_lazy_object.ts), so importing the package builds no descriptor;
# each boots on first use, synchronously. tests/import_cost_test.ts fails if this step is lost.
find ommx/gen trace/gen -name '*_pb.ts' | while read -r file; do
  helper="$(realpath --relative-to="$(dirname "$file")" "$root/core/_lazy_object.ts")"
  perl -0pi -e '
    s#(/\*\@__PURE__\*/\n  )((?:file|message|enum)Desc\(.*\));\n#$1lazyObject(() => $2);\n#g;
    s#^(import \{ [^\}]*\} from "npm:\@bufbuild/protobuf\@[^"]*/codegenv2";\n)#$1import { lazyObject } from "'"$helper"'";\n#m;
  ' "$file"
done
# Static codecs: from the schemas just generated, one `package_static.ts` per protobuf package
# beside its `*_pb.ts` files (create, encode, decode with protobuf-es's behaviour: a table of field
# rows per message, read by core/_protobuf_table.ts on core/_protobuf.ts; one module per package, as
# every module costs start-up time), so the library
# runs without protobuf-es. tests/protobuf_static_test.ts checks them against protobuf-es.
deno run --allow-read --allow-write "$root/codecs/_gen_static.ts"
echo "generated: codecs/ommx/gen codecs/trace/gen"
