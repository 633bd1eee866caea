#!/usr/bin/env bash
# The house rules of flowgap's layout, as a test (ctest `layering`). Data flows one way:
# config -> parsers/ -> analysis/ model -> evaluation -> findings -> src/ writers, so includes
# may only point down:
#   analysis/                 includes nothing from parsers/ or src/
#   parsers/                  includes nothing from src/; one vendor folder never includes another,
#                             but parsers/nftables may include parsers/iptables (both are netfilter:
#                             the same chains, hooks and verdicts, inlined by one piece of code)
#   src/report < src/init < src/diff < src/serve < src/cli   (a room includes only the rooms before it)
#   src/                      includes no vendor folder (parsers/<vendor>/): only the vendor table
# and vendor knowledge stays in its folder:
#   analysis/                 names no vendor outside comments
#   src/                      holds no vendor command syntax (iptables, PAN-OS set, netsh, nft)
#                             and never dispatches on a vendor's name
# Prints every violation as file:line: message and exits 1 if there is any.
set -uo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2
found=$(mktemp)
trap 'rm -f "$found"' EXIT
fail() {  # also from subshells (pipelines): each violation is a line of $found
    echo "$1: $2" | tee -a "$found"
}

# includes FILE: each project include of FILE as "line:path".
includes() {
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$1" | sed -E 's/^([0-9]+):[^"]*"([^"]+)".*/\1:\2/'
}

rank() {  # the rooms of src/, lowest first
    case "$1" in report) echo 1 ;; init) echo 2 ;; diff) echo 3 ;; serve) echo 4 ;; cli) echo 5 ;; *) echo 0 ;; esac
}

files=$(git ls-files -- 'analysis/*.[ch]pp' 'parsers/*.[ch]pp' 'src/*.[ch]pp' 2>/dev/null)
[ -n "$files" ] || files=$(find analysis parsers src -name '*.[ch]pp' | sort)
for f in $files; do
    while IFS=: read -r line inc; do
        [ -n "$inc" ] || continue
        at="$f:$line"
        case "$f" in
        analysis/*)
            case "$inc" in parsers/* | src/*) fail "$at" "analysis/ includes $inc (the model knows no vendor and no command line)" ;; esac
            ;;
        parsers/*)
            case "$inc" in src/*) fail "$at" "parsers/ includes $inc (parsers know no command line)" ;; esac
            own=$(echo "$f" | cut -d/ -f2)
            case "$inc" in parsers/*/*)
                other=$(echo "$inc" | cut -d/ -f2)
                if [ "$f" = "${f#parsers/*/}" ]; then :  # the front door (parsers/*.cpp) may include every vendor
                elif [ "$own/$other" = "nftables/iptables" ]; then :  # one kernel: nftables reuses netfilter's chain inlining
                elif [ "$other" != "$own" ]; then fail "$at" "vendor folder parsers/$own includes parsers/$other"; fi
                ;;
            esac
            ;;
        src/*)
            room=$(echo "$f" | cut -d/ -f2)
            case "$inc" in
            parsers/*/*) fail "$at" "src/ includes the vendor folder $inc (reach vendors through parsers/vendors.hpp)" ;;
            src/*)
                target=$(echo "$inc" | cut -d/ -f2)
                if [ "$(rank "$target")" -gt "$(rank "$room")" ]; then
                    fail "$at" "src/$room includes $inc: a room includes only the rooms below it (report < init < diff < serve < cli)"
                fi
                ;;
            esac
            ;;
        esac
    done < <(includes "$f")
done

# Vendor names in analysis/ only in comments: strip // comments and look at what is left.
for f in $(echo "$files" | grep '^analysis/'); do
    sed -E 's://.*$::' "$f" | grep -niE 'iptables|ip6tables|paloalto|palo alto|pan-os|panorama|netsh|nftables|\bnft\b' |
        while IFS=: read -r line text; do fail "$f:$line" "analysis/ names a vendor outside a comment: $(echo "$text" | sed 's/^ *//')"; done
done

# Vendor command syntax in src/: string literals that spell a vendor's command.
syntax='"[^"]*(iptables -|ip6tables -|netsh advfirewall|set [a-z ]*security rules|move [a-z ]*security rules|nft (add|insert|list))'
for f in $(echo "$files" | grep '^src/'); do
    grep -nE "$syntax" "$f" | while IFS=: read -r line _; do
        fail "$f:$line" "vendor command syntax in src/ (it belongs in parsers/<vendor>/)"
    done
done

# Nor does src/ ask which vendor a firewall is: what differs by vendor is a field of the vendor table.
for f in $(echo "$files" | grep '^src/'); do
    grep -nE '"(iptables|paloalto|netsh|nftables)"' "$f" | while IFS=: read -r line _; do
        fail "$f:$line" "src/ dispatches on a vendor name (put what differs in the vendor table)"
    done
done

failures=$(wc -l < "$found")
if [ "$failures" -gt 0 ]; then
    echo "layering: $failures violation(s)"
    exit 1
fi
echo "layering: $(echo "$files" | wc -l) files, includes point down, vendors stay in their folders"
