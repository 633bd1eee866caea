#!/bin/sh
# The change gate of a firewall repository: audits the base branch's deployment and the pull
# request's, then diffs the two reports (docs/change-windows.md).
#
#   flowgap-gate.sh BASE_DEPLOYMENT HEAD_DEPLOYMENT [REPORT_DIR]
#
# Writes base.json, head.json and the diff as diff.json, diff.md (a pull-request comment),
# diff.sarif (code scanning: only what the change made worse), diff.html (the change board) and
# diff.xml (JUnit) to REPORT_DIR (default flowgap-reports), prints the text diff, and exits with
# flowgap diff's code: 0 nothing got worse, 1 the change breaks a required Tanium flow or opens a
# finding at or above FLOWGAP_FAIL_ON (default high), 2 bad input. FLOWGAP names the flowgap
# binary (default: flowgap on the PATH). The SARIF locates the head's rules by the paths the head
# audit read: give HEAD_DEPLOYMENT relative to the repository root for code scanning to match them.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 BASE_DEPLOYMENT HEAD_DEPLOYMENT [REPORT_DIR]" >&2
    exit 2
fi
flowgap=${FLOWGAP:-flowgap}
fail_on=${FLOWGAP_FAIL_ON:-high}
out=${3:-flowgap-reports}
mkdir -p "$out" || exit 2

# `flowgap audit` exits 1 whenever a state fails its own gate (today's may already): only 2 and
# above stop the gate here; the diff decides.
audit() {
    "$flowgap" audit "$1" --format json --output "$2"
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "flowgap-gate: auditing $1 failed (exit $rc)" >&2
        exit "$rc"
    fi
}
audit "$1" "$out/base.json"
audit "$2" "$out/head.json"

# One diff, every format: the files are written only if all of them could be.
"$flowgap" diff "$out/base.json" "$out/head.json" --fail-on "$fail_on" \
    --format json --output "$out/diff.json" --format markdown --output "$out/diff.md" \
    --format sarif --output "$out/diff.sarif" --format html --output "$out/diff.html" \
    --format junit --output "$out/diff.xml" --format text --output -
