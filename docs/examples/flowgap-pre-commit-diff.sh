#!/bin/sh
# The pre-commit hook `flowgap-diff` (.pre-commit-hooks.yaml): what the commit does to Tanium
# against a base branch. Audits the deployment as the base branch has it (from `git archive`, so
# the working tree is left alone) and as it is about to be committed, then diffs the two with
# flowgap-gate.sh beside this file.
#
#   flowgap-pre-commit-diff.sh DEPLOYMENT [BASE_REF]
#
# DEPLOYMENT is relative to the repository root, where pre-commit runs hooks; BASE_REF defaults
# to main. Exits as flowgap diff does: 0 nothing got worse, 1 the change breaks a required flow
# or opens a finding at or above FLOWGAP_FAIL_ON (default high), 2 bad input. FLOWGAP names the
# flowgap binary (default: flowgap on the PATH).
set -u
if [ $# -lt 1 ]; then
    echo "usage: $0 DEPLOYMENT [BASE_REF]" >&2
    exit 2
fi
deployment=$1
base=${2:-main}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/base"
if ! git archive --format=tar "$base" | tar -x -C "$tmp/base"; then
    echo "flowgap-diff: cannot read $base's files" >&2
    exit 2
fi
sh "$(dirname "$0")/flowgap-gate.sh" "$tmp/base/$deployment" "$deployment" "$tmp/reports"
