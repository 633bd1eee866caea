#!/usr/bin/env bash
# ctest `kernel-oracle`: the Linux kernel as flowgap's oracle (tests/oracle/oracle.py, docs/testing.md).
# Usage: kernel-oracle.sh FLOWGAP_BINARY SOURCE_DIR
# Exit 77 (ctest SKIP) only where it cannot run: not root, no network namespaces, no iptables-restore
# or python3. Every namespace it makes is named fgo-<pid>-...; the trap removes exactly those, also
# when the run is interrupted or python dies.
set -uo pipefail
binary=$1
top=$2
# Under CI (CI=true) nothing may skip: CI runs as root with the packages installed, so a skip
# there means the oracle silently stopped checking.
skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL kernel-oracle: CI=true, but $1"; exit 1; fi
    echo "SKIP kernel-oracle: $1"
    exit 77
}

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, iptables-restore); CI runs as root"
command -v ip >/dev/null || skip "ip (iproute2) is missing"
command -v iptables-restore >/dev/null || skip "iptables-restore is missing (Debian package iptables)"
command -v python3 >/dev/null || skip "python3 is missing"
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is missing"

export FLOWGAP_ORACLE_PREFIX="fgo-$$"
cleanup() {
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
        case "$ns" in "$FLOWGAP_ORACLE_PREFIX"-*) ip netns delete "$ns" 2>/dev/null ;; esac
    done
}
trap cleanup EXIT

probe="$FLOWGAP_ORACLE_PREFIX-probe"
ip netns add "$probe" 2>/dev/null || skip "cannot create a network namespace (ip netns add)"
ip netns exec "$probe" iptables-restore <<<$'*filter\n:INPUT ACCEPT [0:0]\nCOMMIT' 2>/dev/null ||
    skip "iptables-restore cannot load a ruleset in a network namespace"
ip netns delete "$probe"

# In the background so that a signal runs the trap at once (bash defers traps while a foreground
# command runs); the oracle removes its namespaces itself on SIGTERM, the EXIT trap again after it.
# -B: no __pycache__ in the source tree; -u: progress shows as it happens.
python3 -B -u "$top/tests/oracle/oracle.py" "$binary" "$top" &
oracle=$!
trap 'kill -TERM "$oracle" 2>/dev/null; wait "$oracle"; exit 130' INT TERM
wait "$oracle"
