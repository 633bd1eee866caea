#!/usr/bin/env bash
# `cmake --install` of the build tree into a scratch DESTDIR under /usr/local, as
# `make install PREFIX=/usr/local DESTDIR=...` does, then tests/check-installed.sh on it.
# Usage: install-tree.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
if ! log=$(DESTDIR=$dest cmake --install "$build" --prefix /usr/local 2>&1); then
    echo "$log" >&2
    exit 1
fi
# Nothing outside the prefix: DESTDIR and --prefix were honoured.
outside=$(cd "$dest" && find . -type f ! -path './usr/local/*')
[ -z "$outside" ] || { echo "install-tree: installed outside the prefix: $outside" >&2; exit 1; }
bash "$src/tests/check-installed.sh" "$dest/usr/local"
