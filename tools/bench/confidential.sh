#!/usr/bin/env bash
# Confidential transactions (issue 14), part of `make bench`; also runs alone:
#   bash tools/bench/confidential.sh [OUT.jsonl]
# One release `cloister dev` (with its cloister-enclave and --metrics): ERC-20 transfers as plain
# type-2 transactions and as confidential 0x40 transactions, pre-built and pre-signed, in alternating
# rounds (tools/load/confidential_load.py; CONF_ROUNDS rounds of CONF_COUNT transfers each), then the
# chain re-imported round by round with `cloister import`. Prints the JSON lines, then the markdown
# tables BENCHMARKS.md quotes (also written to tools/bench/out/confidential.md).
# With CLOISTER_BIN set (cloister-enclave beside it) nothing is built.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-tools/bench/out/confidential.jsonl}
mkdir -p tools/bench/out
if [[ -n "${CLOISTER_BIN:-}" && -x "$CLOISTER_BIN" && -x "$(dirname "$CLOISTER_BIN")/cloister-enclave" ]]; then
    bin="$(dirname "$CLOISTER_BIN")"
else
    # One product per build: SwiftPM builds only the last of several --product flags.
    for product in cloister cloister-enclave; do
        swift build -c release --product "$product" >/dev/null
    done
    bin="$(swift build -c release --show-bin-path)"
fi
# The client library's venv, made as clients/python/run-tests.sh makes it.
venv=clients/python/.venv
if [[ ! -x $venv/bin/python || ! -f $venv/.installed || clients/python/pyproject.toml -nt $venv/.installed ]]; then
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e 'clients/python[test]'
    touch "$venv/.installed"
fi
# Token.vy is compiled by the end-to-end venv's vyper when that venv exists (make bench makes it first).
vyper_python=Tests/e2e/.venv/bin/python
[[ -x $vyper_python ]] || vyper_python=""
"$venv/bin/python" tools/load/confidential_load.py --cloister "$bin/cloister" --vyper-python "$vyper_python" \
    --rounds "${CONF_ROUNDS:-3}" --count "${CONF_COUNT:-10000}" | tee "$out"
"$venv/bin/python" tools/load/confidential_load.py report "$out" | tee tools/bench/out/confidential.md
