#!/usr/bin/env bash
# Installs the Debian packages Cloister builds against, only those missing.
# Usage: tools/install-deps.sh PACKAGE...   (runs `apt-get update` once, only if something is missing)
#        APT_NO_RECOMMENDS=1 tools/install-deps.sh ...   installs without recommended packages
set -euo pipefail

missing=()
for pkg in "$@"; do
    if ! dpkg -s "$pkg" >/dev/null 2>&1; then missing+=("$pkg"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
extra=()
[ "${APT_NO_RECOMMENDS:-0}" = 1 ] && extra+=(--no-install-recommends)
$SUDO apt-get install -y -qq "${extra[@]}" "${missing[@]}"
