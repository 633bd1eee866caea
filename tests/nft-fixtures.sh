#!/usr/bin/env bash
# ctest `nft-fixtures-load`: every fixtures/nftables/*.nft is a ruleset the real nft accepts
# (`nft -c -f`, which checks it against the kernel without loading it), in a network namespace of
# its own so that nothing on this machine changes. A fixture nft refuses would test flowgap on
# text no host ever prints.
# Usage: nft-fixtures.sh SOURCE_DIR. Exit 77 (ctest SKIP) only where it cannot run (not root, no
# nft, no network namespaces), never under CI=true.
set -uo pipefail
top=$1
skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL nft-fixtures-load: CI=true, but $1"; exit 1; fi
    echo "SKIP nft-fixtures-load: $1"
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (a network namespace for nft -c)"
command -v nft >/dev/null || skip "nft is missing (Debian package nftables)"
unshare -n true 2>/dev/null || skip "cannot create a network namespace (unshare -n)"
failed=0 checked=0
for f in "$top"/fixtures/nftables/*.nft; do
    checked=$((checked + 1))
    # A file's own includes name paths on the machine it came from: nft skips a glob that
    # matches nothing, which is what those includes are here.
    if ! err=$(unshare -n nft -c -f "$f" 2>&1); then
        echo "FAIL $f: nft refuses it:"
        echo "$err"
        failed=1
    fi
done
for f in "$top"/fixtures/nftables/json/*.json; do
    checked=$((checked + 1))
    if ! err=$(unshare -n nft -j -c -f "$f" 2>&1); then
        echo "FAIL $f: nft -j refuses it:"
        echo "$err"
        failed=1
    fi
done
echo "nft-fixtures-load: $checked rulesets checked with nft -c"
exit $failed
