#!/usr/bin/env bash
# Installs the Debian packages flowgap builds and tests with. Idempotent: installs only what is missing,
# so `make demo` and `make test` can call it every time.
set -euo pipefail

packages=(g++ cmake make libboost-dev libpugixml-dev libcli11-dev catch2 libyaml-cpp-dev libfmt-dev
          nlohmann-json3-dev chromium
          iptables nftables iproute2 python3 python3-yaml  # the kernel oracle, nft fixtures (tests/)
          clang                                     # libFuzzer for `make fuzz` (fuzz/)
          dpkg-dev man-db groff-base                # `make deb` (dpkg-shlibdeps), the man page checks
          bash-completion zsh fish git)             # the completion and CI-example tests (tests/)
# The report tests run in Node (tests/js). A machine may already have Node.js from elsewhere,
# with its own npm: installing Debian's npm beside it would conflict, so only add both if missing.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
