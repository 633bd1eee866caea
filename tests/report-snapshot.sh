#!/usr/bin/env bash
# Writes every report flowgap makes for every fixture and every corpus file into one folder, so
# that two builds can be compared byte for byte (a refactoring must change none of them):
#
#   tests/report-snapshot.sh OLD/flowgap /tmp/before
#   tests/report-snapshot.sh build/flowgap /tmp/after
#   diff -r /tmp/before /tmp/after && echo identical
#
# Covers: `flows` (text, json), `audit` in every format, `explain` for a few packets per firewall,
# `diff` of every change-window candidate in every format, and each corpus file audited alone
# (iptables and netsh as the host firewall of a Tanium server, PAN-OS as a network firewall).
# Exit codes are kept beside each output (`*.rc`), and stderr too (bad input must stay bad input).
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 FLOWGAP OUTDIR" >&2; exit 2; }
bin=$(realpath "$1")
out=$(mkdir -p "$2" && realpath "$2")
top=$(cd "$(dirname "$0")/.." && pwd)
# The corpus sits beside the clone (../shared/corpus); a git worktree finds it beside its main clone.
corpus=${FLOWGAP_CORPUS:-$top/../shared/corpus}
if [ ! -d "$corpus" ] && common=$(git -C "$top" rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
    corpus=$(dirname "$common")/../shared/corpus
fi
export FLOWGAP_TODAY=2026-06-01 NO_COLOR=1
cd "$top"

# run NAME ARGS...: stdout, stderr and the exit code of one flowgap run, under NAME.
run() {
    local name=$1
    shift
    "$bin" "$@" > "$out/$name.out" 2> "$out/$name.err"
    echo $? > "$out/$name.rc"
}

formats=(text json html sarif junit markdown)
audit_all() {  # NAME DEPLOYMENT [extra args]
    local name=$1 dep=$2
    shift 2
    local args=()
    for f in "${formats[@]}"; do args+=(--format "$f" --output "$out/$name.audit.$f"); done
    run "$name.audit" audit "$dep" "${args[@]}" "$@"
    run "$name.flows.text" flows "$dep"
    run "$name.flows.json" flows "$dep" --format json
}

for dep in fixtures/demo/deployment.yaml fixtures/paloalto/deployment.yaml fixtures/netsh/deployment.yaml \
    fixtures/netsh/split-exports.yaml fixtures/gate/deployment.yaml fixtures/changes/netsh/peering.yaml; do
    name=$(echo "$dep" | tr '/' '_')
    audit_all "$name" "$dep"
    run "$name.audit.quiet" audit "$dep" --quiet
    run "$name.audit.failon-info" audit "$dep" --fail-on info --format json
done

# explain: packets that match, miss, and fall to defaults, on each vendor.
explain() {  # NAME DEPLOYMENT FIREWALL FROM TO PORT [PROGRAM]
    local args=(explain "$2" --firewall "$3" --from "$4" --to "$5" --port "$6")
    [ $# -ge 7 ] && args+=(--program "$7")
    run "explain.$1" "${args[@]}"
}
explain demo1 fixtures/demo/deployment.yaml core-router 10.20.5.37 10.10.1.10 tcp/17472
explain demo2 fixtures/demo/deployment.yaml core-router 10.20.99.5 10.10.1.10 tcp/17472
explain demo3 fixtures/demo/deployment.yaml branch-linux-37 10.20.5.200 10.20.5.37 tcp/17472
explain demo4 fixtures/demo/deployment.yaml branch-linux-37 10.20.5.3 10.20.5.37 tcp/17472
explain demo5 fixtures/demo/deployment.yaml core-router 10.99.0.4 10.10.1.10 tcp/443
explain demo6 fixtures/demo/deployment.yaml core-router 10.10.1.10 10.10.1.20 udp/53
explain pan1 fixtures/paloalto/deployment.yaml dc-fw 10.20.5.37 10.10.1.10 tcp/17472
explain pan2 fixtures/paloalto/deployment.yaml dc-fw 10.20.200.37 10.10.1.10 tcp/17472
explain pan3 fixtures/paloalto/deployment.yaml dc-fw 10.99.0.4 10.10.1.10 tcp/443
explain netsh1 fixtures/netsh/deployment.yaml tanium-server 10.20.5.37 10.10.1.10 tcp/17472
explain netsh2 fixtures/netsh/deployment.yaml tanium-server 10.20.5.37 10.10.1.10 tcp/17472 taniumserver.exe
explain netsh3 fixtures/netsh/deployment.yaml sql-server 10.10.1.10 10.10.1.30 tcp/1433
explain netsh4 fixtures/netsh/deployment.yaml endpoint-37 10.20.5.9 10.20.5.37 tcp/17472 taniumclient.exe
explain bad1 fixtures/demo/deployment.yaml nowhere 10.20.5.37 10.10.1.10 tcp/17472
explain bad2 fixtures/demo/deployment.yaml core-router 10.20.5.x 10.10.1.10 tcp/17472

# diff: every change-window candidate against its original, in every format, and the saved-report form.
diff_all() {  # NAME DEPLOYMENT FIREWALL CANDIDATE
    local args=()
    for f in "${formats[@]}"; do args+=(--format "$f" --output "$out/diff.$1.$f"); done
    run "diff.$1" diff "$2" --candidate "$3=$4" "${args[@]}"
}
for c in fixtures/changes/iptables/core-router.*.rules; do
    diff_all "$(basename "$c")" fixtures/demo/deployment.yaml core-router "$c"
done
diff_all branch-full-lan fixtures/demo/deployment.yaml branch-linux-37 fixtures/changes/iptables/branch-linux-37.full-lan.rules
for c in fixtures/changes/paloalto/*.xml; do
    diff_all "$(basename "$c")" fixtures/paloalto/deployment.yaml dc-fw "$c"
done
for c in fixtures/changes/netsh/tanium-server.*.txt; do
    diff_all "$(basename "$c")" fixtures/netsh/deployment.yaml tanium-server "$c"
done
diff_all endpoint-52 fixtures/changes/netsh/peering.yaml endpoint-52 fixtures/changes/netsh/endpoint-52.fixed.cmd
run diff.saved diff "$out/fixtures_demo_deployment.yaml.audit.json" "$out/fixtures_paloalto_deployment.yaml.audit.json"

# Bad input stays bad input, with the same location.
run bad.nofile audit /nonexistent.yaml
run bad.format audit fixtures/demo/deployment.yaml --format nope
run bad.failon audit fixtures/demo/deployment.yaml --fail-on nope
FLOWGAP_TODAY=yesterday run bad.today audit fixtures/demo/deployment.yaml

# Every corpus file, audited alone.
if [ -d "$corpus" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    for f in "$corpus"/*/*; do
        case "$f" in *.md) continue ;; esac
        vendor=$(basename "$(dirname "$f")")
        host="    host: 10.10.1.10"
        [ "$vendor" = paloalto ] && host=""
        cat > "$tmp/deployment.yaml" <<EOF
platform: windows
roles:
  server: [10.10.1.10]
  module_server: [10.10.1.20]
  database: [10.10.1.30]
  console: [10.99.0.0/24]
  endpoints: [10.20.0.0/16, 192.168.0.0/16, 172.16.0.0/12]
firewalls:
  - name: fw
    config: $f
$host
EOF
        audit_all "corpus.$vendor.$(basename "$f")" "$tmp/deployment.yaml"
    done
else
    echo "report-snapshot: no corpus at $corpus; fixtures only" >&2
fi
# Reports name the deployment's path and the output folder: make both stable.
grep -rl "$out" "$out" 2>/dev/null | xargs -r sed -i "s|$out|OUT|g"
if [ -n "${tmp:-}" ]; then grep -rl "$tmp" "$out" 2>/dev/null | xargs -r sed -i "s|$tmp|TMP|g"; fi
echo "report-snapshot: $(ls "$out" | wc -l) files in $out"
