#!/usr/bin/env bash
# Network benchmarks (issue 11), part of `make bench`; also runs alone:
#   bash tools/bench/network.sh [OUT.jsonl]
#   1. tools/bench/network_tps.py  4 authorities + 1 observer (release `cloister node` processes), period 1,
#                                   TPS_COUNT pre-signed transfers through one node's RPC, mined tx/s
#   2. tools/bench/sync.py          an observer's full sync of SYNC_BLOCKS blocks by 4 authorities, next to
#                                   `cloister import` of the same blocks
#   3. NetworkBenchmarks memory     what one hostile peer can make a node hold
# Prints JSON lines (and writes them to OUT.jsonl when given); report.py --network turns them into the table.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/dev/null}
Tests/e2e/run.sh --co -q >/dev/null     # creates Tests/e2e/.venv (eth_utils, the ctypes signer) when missing
for product in cloister ChainBenchmarks NetworkBenchmarks; do
    swift build -c release --product "$product" >/dev/null
done
bin="$(swift build -c release --show-bin-path)"
{
    Tests/e2e/.venv/bin/python tools/bench/network_tps.py --bin "$bin/cloister" --count "${TPS_COUNT:-30000}"
    python3 tools/bench/sync.py --bin "$bin/cloister" --chainbench "$bin/ChainBenchmarks" --blocks "${SYNC_BLOCKS:-10000}"
    "$bin/NetworkBenchmarks" memory
} | tee "$out"
