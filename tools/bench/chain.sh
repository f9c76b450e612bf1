#!/usr/bin/env bash
# Chain benchmarks (issue 5): import speed of 1,000-block chains and block production.
#   1. ChainBenchmarks generate {transfer,erc20} 1000 DIR  seals 1,000 full 30M-gas blocks with a single authority
#   2. cloister export, then cloister init + cloister import into a fresh data dir — the import is what is timed
#   3. ChainBenchmarks produce 30000 DIR                    pool + sealing loop (period 1, 150M gas limit)
# Usage: tools/bench/chain.sh [BLOCKS]   (release build; prints JSON lines and the import summary lines)
set -euo pipefail
cd "$(dirname "$0")/../.."
blocks=${1:-1000}
# One product per build: SwiftPM builds only the last of several --product flags.
swift build -c release --product cloister >/dev/null
swift build -c release --product ChainBenchmarks >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for kind in transfer erc20; do
    mkdir -p "$work/$kind"
    "$bin/ChainBenchmarks" generate "$kind" "$blocks" "$work/$kind"
    "$bin/cloister" export --datadir "$work/$kind/data" "$work/$kind/chain.rlp" >/dev/null
    "$bin/cloister" init --datadir "$work/$kind/import" "$work/$kind/genesis.json" >/dev/null
    line=$("$bin/cloister" import --datadir "$work/$kind/import" "$work/$kind/chain.rlp" | grep '^Imported .* in ')
    echo "{\"mode\": \"import\", \"kind\": \"$kind\", \"summary\": \"$line\"}"
done
mkdir -p "$work/produce"
"$bin/ChainBenchmarks" produce 30000 "$work/produce"
