#!/usr/bin/env bash
# ctest driver for the Node-based report tests (tests/CMakeLists.txt).
#
#   run-reports.sh schema|browser|serve FLOWGAP_BINARY SOURCE_DIR
#
# schema:  the JSON report of every fixture deployment (with active, expired and stale waivers
#          too) against docs/flowgap-report-1.schema.json, and the SARIF of those audits and of
#          `flowgap diff` on every candidate of fixtures/changes against both SARIF 2.1.0 schemas
#          in tests/schemas; a tampered copy of each kind must be rejected.
# browser: the demo's HTML report and each vendor's diff HTML for a breaking candidate in
#          headless Chromium (tests/js/browser.mjs).
# serve:   the page of `flowgap serve` in headless Chromium: the demo uploaded, audited and
#          diffed through the form (tests/js/serve.mjs).
#
# Without node, tests/js/node_modules or Chromium it exits 77 (ctest: skipped), except under
# CI=true, where a skipped check would hide a missing install step, so it fails.
set -euo pipefail
mode=$1 flowgap=$2 src=$3
js="$src/tests/js"

skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true, so no skipping): $*"; exit 1; fi
    echo "SKIP: $*"; exit 77
}
command -v node >/dev/null || skip "node is not installed (scripts/install-deps.sh installs it)"
[ -d "$js/node_modules/ajv" ] || skip "tests/js/node_modules is missing (run scripts/install-test-js.sh)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"

# flowgap exits 1 when the gate fails, which most fixtures do on purpose; 2 and 3 are errors.
report() {
    local name=$1; shift
    "$flowgap" audit "$@" --today 2026-11-27 --format json -o "$tmp/$name.json" --format sarif -o "$tmp/$name.sarif" \
        --format html -o "$tmp/$name.html" || [ $? -eq 1 ]
}

# The diff of one candidate (fixtures/changes/README.md), as SARIF and HTML: diff-NAME.*
diff_report() {
    local name=$1 deployment=$2 candidate=$3
    "$flowgap" diff "$deployment" --candidate "$candidate" --format sarif -o "$tmp/diff-$name.sarif" \
        --format html -o "$tmp/diff-$name.html" || [ $? -eq 1 ]
}

diff_reports() {
    local c=fixtures/changes
    diff_report iptables-no-clients fixtures/demo/deployment.yaml core-router=$c/iptables/core-router.no-clients.rules
    diff_report iptables-any-17472 fixtures/demo/deployment.yaml core-router=$c/iptables/core-router.any-17472.rules
    diff_report iptables-reordered fixtures/demo/deployment.yaml core-router=$c/iptables/core-router.reordered.rules
    diff_report iptables-full-lan fixtures/demo/deployment.yaml branch-linux-37=$c/iptables/branch-linux-37.full-lan.rules
    diff_report paloalto-no-clients fixtures/paloalto/deployment.yaml dc-fw=$c/paloalto/dc-fw.no-clients.xml
    diff_report paloalto-any-17472 fixtures/paloalto/deployment.yaml dc-fw=$c/paloalto/dc-fw.any-17472.xml
    diff_report paloalto-reordered fixtures/paloalto/deployment.yaml dc-fw=$c/paloalto/dc-fw.reordered.xml
    diff_report paloalto-fixed fixtures/paloalto/deployment.yaml dc-fw=$c/paloalto/dc-fw.fixed.xml
    diff_report netsh-no-clients fixtures/netsh/deployment.yaml tanium-server=$c/netsh/tanium-server.no-clients.txt
    diff_report netsh-any-17472 fixtures/netsh/deployment.yaml tanium-server=$c/netsh/tanium-server.any-17472.txt
    diff_report netsh-reordered fixtures/netsh/deployment.yaml tanium-server=$c/netsh/tanium-server.reordered.txt
    diff_report netsh-fixed $c/netsh/peering.yaml endpoint-52=$c/netsh/endpoint-52.fixed.cmd
}

need_chromium() {
    [ -x "${FLOWGAP_CHROMIUM:-/usr/bin/chromium}" ] || skip "chromium is not installed (Debian package chromium)"
    [ -d "$js/node_modules/playwright-core" ] || skip "playwright-core is missing (run scripts/install-test-js.sh)"
}

case "$mode" in
schema)
    cat > "$tmp/waivers.yaml" <<'YAML'
waivers:
  - {check: exposed-console, firewall: core-router, rule: BRANCH_IN#3, reason: CHG-7, expires: 2027-01-31}
  - {flow: client-peering, firewall: branch-linux-37, reason: half LAN, expires: 2026-01-31}
  - {check: any-any-rule, firewall: core-router, rule: FORWARD#99, reason: gone, expires: 2027-01-31}
YAML
    report demo fixtures/demo/deployment.yaml
    report demo-stamped fixtures/demo/deployment.yaml --timestamp
    report demo-waivers fixtures/demo/deployment.yaml --waivers "$tmp/waivers.yaml"
    report gate fixtures/gate/deployment.yaml
    report netsh fixtures/netsh/deployment.yaml
    report netsh-split fixtures/netsh/split-exports.yaml
    report paloalto fixtures/paloalto/deployment.yaml
    diff_reports
    grep -q '"status": "expired"' "$tmp/demo-waivers.json" && grep -q '"status": "stale"' "$tmp/demo-waivers.json"
    node "$js/validate.mjs" --strict "$src/docs/flowgap-report-1.schema.json" "$tmp"/*.json
    for schema in "$src"/tests/schemas/sarif-schema-2.1.0*.json; do
        node "$js/validate.mjs" "$schema" "$tmp"/*.sarif
    done
    # The validators must reject what breaks the schemas, or the checks above prove nothing.
    sed 's/"schema": "flowgap-report\/1"/"schema": "flowgap-report\/2"/' "$tmp/demo.json" > "$tmp/bad-report.json"
    sed 's/"ruleIndex": /"ruleIndex": -/' "$tmp/demo.sarif" > "$tmp/bad.sarif"
    sed 's/"level": "error"/"level": "fatal"/' "$tmp/diff-iptables-no-clients.sarif" > "$tmp/bad-diff.sarif"
    grep -q '"level": "fatal"' "$tmp/bad-diff.sarif"
    if node "$js/validate.mjs" --strict "$src/docs/flowgap-report-1.schema.json" "$tmp/bad-report.json" 2>/dev/null; then
        echo "FAIL: a report with the wrong schema name passed"; exit 1
    fi
    for schema in "$src"/tests/schemas/sarif-schema-2.1.0*.json; do
        if node "$js/validate.mjs" "$schema" "$tmp/bad.sarif" 2>/dev/null; then
            echo "FAIL: a SARIF log with a negative ruleIndex passed $schema"; exit 1
        fi
        if node "$js/validate.mjs" "$schema" "$tmp/bad-diff.sarif" 2>/dev/null; then
            echo "FAIL: a diff SARIF log with an unknown level passed $schema"; exit 1
        fi
    done
    echo "reports.schema: all reports valid, tampered copies rejected"
    ;;
serve)
    need_chromium
    shot=()
    if [ -n "${FLOWGAP_SCREENSHOT_SERVE:-}" ]; then shot=(--screenshot "$FLOWGAP_SCREENSHOT_SERVE"); fi
    rc=0
    node "$js/serve.mjs" "$flowgap" "$src" "${shot[@]}" || rc=$?
    if [ "$rc" -eq 77 ]; then skip "the serve page test could not start"; fi
    exit "$rc"
    ;;
browser)
    need_chromium
    report demo fixtures/demo/deployment.yaml
    shot=()
    if [ -n "${FLOWGAP_SCREENSHOT:-}" ]; then shot=(--screenshot "$FLOWGAP_SCREENSHOT"); fi
    rc=0
    node "$js/browser.mjs" "$tmp/demo.html" "${shot[@]}" || rc=$?
    if [ "$rc" -eq 77 ]; then skip "the browser test could not start"; fi
    [ "$rc" -eq 0 ] || exit "$rc"
    diff_reports
    for name in iptables-no-clients paloalto-no-clients netsh-no-clients; do
        node "$js/browser.mjs" "$tmp/diff-$name.html" --diff || exit $?
    done
    ;;
*)
    echo "usage: run-reports.sh schema|browser|serve FLOWGAP_BINARY SOURCE_DIR" >&2; exit 2 ;;
esac
