#!/usr/bin/env bash
# Runs Cloister's end-to-end tests against a fresh `cloister dev` node.
#
#   Tests/e2e/run.sh [pytest args…]        e.g. Tests/e2e/run.sh -k logs -x
#
# Makes Tests/e2e/.venv from requirements.txt the first time (python3 -m venv, pip).
# The node binary is $CLOISTER_BIN, else .build/debug/cloister under the repository
# root: build it first (swift build --product cloister). Exits with pytest's status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
requirements="$here/requirements.txt"

if [[ ! -x "$venv/bin/pytest" || "$requirements" -nt "$venv/.installed" ]]; then
    echo "e2e: installing $requirements into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -r "$requirements"
    touch "$venv/.installed"
fi

cd "$here"
status=0
"$venv/bin/python" -m pytest -q "$@" || status=$?
exit "$status"
