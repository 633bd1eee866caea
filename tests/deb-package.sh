#!/usr/bin/env bash
# The Debian package as a user gets it: cpack builds the .deb from this build tree (no rebuild),
# apt-get installs it, the demo is audited with the installed /usr/bin/flowgap, the man pages and
# completions are checked where man, bash-completion and zsh look (tests/check-installed.sh), and
# the package is purged whatever happened. Needs root and dpkg-dev; without them it skips (exit 77)
# and says why, except under CI=true (CI runs as root), where a skip would hide a broken package.
# Usage: deb-package.sh BUILD_DIR SOURCE_DIR
set -u
build=$1 src=$2
skip() {
    if [ "${CI:-}" = true ]; then echo "deb-package: cannot run under CI: $1" >&2; exit 1; fi
    echo "deb-package: skipped: $1"
    exit 77
}
fail() { echo "deb-package: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
for tool in cpack dpkg-shlibdeps dpkg apt-get man; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps.sh)"
done
# Never replace or remove a flowgap this test did not install.
if dpkg-query -W -f='${Status}' flowgap 2>/dev/null | grep -q installed; then fail "a flowgap package is already installed"; fi
[ ! -e /usr/bin/flowgap ] || fail "/usr/bin/flowgap exists and is no package's"

work=$(mktemp -d)
cleanup() {
    if dpkg-query -W -f='${Status}' flowgap 2>/dev/null | grep -q installed; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq flowgap >/dev/null 2>&1 || dpkg --purge flowgap >/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && cpack --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1) ||
    { cat "$work/cpack.log" >&2; fail "cpack failed"; }
debs=("$work"/flowgap_*.deb)
[ -f "${debs[0]}" ] || fail "cpack wrote no flowgap_*.deb"
depends=$(dpkg-deb -f "${debs[0]}" Depends)
echo "deb-package: $(basename "${debs[0]}"), $(du -k "${debs[0]}" | cut -f1) KiB, Depends: $depends"
# shlibdeps computed the libraries the binary links (yaml-cpp, fmt, pugixml, libstdc++...).
case $depends in *libc6*libstdc++*) ;; *) fail "Depends lacks the computed shared libraries: $depends" ;; esac

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debs[0]}" >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; fail "apt-get install ${debs[0]} failed"; }
[ "$(command -v flowgap)" = /usr/bin/flowgap ] || fail "flowgap on the PATH is $(command -v flowgap), not /usr/bin/flowgap"

# The demo, as `make demo` audits it (exit 1: it blocks some flows on purpose).
cp -r "$src/fixtures/demo" "$work/demo"
(cd "$work" && /usr/bin/flowgap audit demo/deployment.yaml --format text --output - --format json --output report.json \
    >audit.txt 2>audit.err)
rc=$?
[ "$rc" -eq 1 ] || fail "flowgap audit of the demo exited $rc: $(cat "$work/audit.err")"
grep -q '"schema": "flowgap-report/1"' "$work/report.json" || fail "no flowgap-report/1 JSON report"
grep -q "core-router" "$work/audit.txt" || fail "the text report names no firewall"

bash "$src/tests/check-installed.sh" /usr || fail "the installed files are not right"
[ "$(man -w flowgap-audit)" = /usr/share/man/man1/flowgap-audit.1 ] || fail "man -w flowgap-audit: $(man -w flowgap-audit 2>&1)"
if [ -f /usr/share/bash-completion/bash_completion ]; then
    loaded=$(bash -c '. /usr/share/bash-completion/bash_completion; _completion_loader flowgap; complete -p flowgap' 2>&1)
    [ "$loaded" = "complete -F _flowgap flowgap" ] || fail "bash-completion does not load flowgap's: $loaded"
fi
if command -v zsh >/dev/null; then
    zsh -fc 'print -l $fpath' | grep -qx /usr/share/zsh/vendor-completions || fail "zsh's \$fpath lacks vendor-completions"
fi
echo "deb-package: installed, audited the demo, checked, purging"
