#!/usr/bin/env bash
# ctest driver for the Node-based report tests (tests/CMakeLists.txt).
#
#   run-reports.sh schema|browser|serve FLOWGAP_BINARY SOURCE_DIR
#
# schema:  the JSON report of every fixture deployment (with active, expired and stale waivers
#          too) against docs/flowgap-report-1.schema.json, and the SARIF against both SARIF
#          2.1.0 schemas in tests/schemas; a tampered copy of each must be rejected.
# browser: the demo's HTML report in headless Chromium (tests/js/browser.mjs).
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
    report paloalto fixtures/paloalto/deployment.yaml
    grep -q '"status": "expired"' "$tmp/demo-waivers.json" && grep -q '"status": "stale"' "$tmp/demo-waivers.json"
    node "$js/validate.mjs" --strict "$src/docs/flowgap-report-1.schema.json" "$tmp"/*.json
    for schema in "$src"/tests/schemas/sarif-schema-2.1.0*.json; do
        node "$js/validate.mjs" "$schema" "$tmp"/*.sarif
    done
    # The validators must reject what breaks the schemas, or the checks above prove nothing.
    sed 's/"schema": "flowgap-report\/1"/"schema": "flowgap-report\/2"/' "$tmp/demo.json" > "$tmp/bad-report.json"
    sed 's/"ruleIndex": /"ruleIndex": -/' "$tmp/demo.sarif" > "$tmp/bad.sarif"
    if node "$js/validate.mjs" --strict "$src/docs/flowgap-report-1.schema.json" "$tmp/bad-report.json" 2>/dev/null; then
        echo "FAIL: a report with the wrong schema name passed"; exit 1
    fi
    for schema in "$src"/tests/schemas/sarif-schema-2.1.0*.json; do
        if node "$js/validate.mjs" "$schema" "$tmp/bad.sarif" 2>/dev/null; then
            echo "FAIL: a SARIF log with a negative ruleIndex passed $schema"; exit 1
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
    exit "$rc"
    ;;
*)
    echo "usage: run-reports.sh schema|browser|serve FLOWGAP_BINARY SOURCE_DIR" >&2; exit 2 ;;
esac
