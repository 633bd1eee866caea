#!/usr/bin/env bash
# Runs the libFuzzer targets of a FLOWGAP_FUZZ build, each for SECONDS, as many at once as there
# are cores (FUZZ_JOBS), and fails if any target finds anything (crash, sanitizer report, uncaught
# exception, timeout, OOM). Each target is one process on one core, so running them side by side
# gives each the same CPU time as running them in turn, in a fraction of the wall time.
# Usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]   (docs/testing.md)
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1 seconds=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(iptables paloalto_xml paloalto_text netsh_text netsh_json nftables deployment report multipart)
# The public corpus beside the checkout: extra seeds when this machine has it, never in the repo.
shared=$(pwd)/../shared/corpus
jobs=${FUZZ_JOBS:-$(nproc)}

# The seed files of a target: its fixtures, the shared corpus where present, its hand-made seeds.
seeds_of() {
    case $1 in
    iptables) find fixtures -name '*.rules'; find "$shared/iptables" -type f 2>/dev/null ;;
    paloalto_xml) find fixtures -name '*.xml'; find "$shared/paloalto" -name '*.xml' 2>/dev/null ;;
    paloalto_text) find fixtures/paloalto -name '*.txt'; find "$shared/paloalto" -name '*.txt' 2>/dev/null ;;
    netsh_text)
        find fixtures -path '*netsh*' \( -name '*.txt' -o -name '*.cmd' -o -name '*.ps1' -o -name '*.wfw' \)
        find "$shared/netsh" -type f 2>/dev/null ;;
    netsh_json) find fixtures -path '*netsh*' -name '*.json' ;;
    nftables) find fixtures -name '*.nft' -o -path '*nftables/json/*.json' ;;
    deployment) find fixtures -name '*.yaml' ;;
    report | multipart) ;;
    esac
    find "fuzz/seeds/$1" "fuzz/regressions/$1" -type f ! -name .gitkeep 2>/dev/null
}

# One target: seeds copied in, libFuzzer run, its statistics printed; exit status 1 on a finding.
run_target() {
    local t=$1
    local seeds=$build/fuzz-seeds/$t corpus=$build/fuzz-corpus/$t findings=$build/fuzz-findings/$t
    rm -rf "$seeds" && mkdir -p "$seeds" "$corpus" "$findings"
    # Named after their paths: fixtures repeat names (deployment.yaml) that must not overwrite.
    seeds_of "$t" | while read -r f; do cp "$f" "$seeds/$(echo "$f" | tr / _)"; done
    # The first directory collects new coverage; findings are written to $findings. Inputs are
    # capped at 64 KiB: the large shared-corpus seeds are truncated rather than slowing every
    # execution (at 256 KiB the text targets ran at 30-100 executions a second).
    if ! "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
        -dict="fuzz/dict/$t.dict" -artifact_prefix="$findings/" -print_final_stats=1 \
        "$corpus" "$seeds" > "$build/fuzz-$t.log" 2>&1; then
        echo "== fuzz_$t: FINDING"
        tail -n 60 "$build/fuzz-$t.log"
        return 1
    fi
    echo "== fuzz_$t: ${seconds}s, $(ls "$seeds" | wc -l) seeds," \
        "$(grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/fuzz-$t.log" | tr '\n' ' ')"
}

failed=()
declare -A pids=()
for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    run_target "$t" &
    pids[$t]=$!
done
for t in "${targets[@]}"; do
    wait "${pids[$t]}" || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: findings in ${failed[*]} (inputs under $build/fuzz-findings/; docs/testing.md)" >&2
    exit 1
fi
