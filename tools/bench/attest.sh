#!/usr/bin/env bash
# Attestation benchmarks (issue 12), part of `make bench`; also runs alone:
#   bash tools/bench/attest.sh [OUT.jsonl]
#   1. quote verification: Benchmarks/AttestationBenchmarks verify (all ten checks, one thread) beside
#      tools/bench/attest_peer.c verify (four OpenSSL P-256 ECDSA verifications per quote: the floor)
#   2. host↔enclave ping: AttestationBenchmarks ping (hello round trips to a real release cloister-enclave
#      over its Unix socket) beside attest_peer ping (a C echo of the same frame sizes over a Unix socket)
# Peers run before and after ours; report.py --attest keeps the better peer figure.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/dev/null}
mkdir -p tools/bench/out
for product in AttestationBenchmarks cloister-enclave; do
    swift build -c release --product "$product" >/dev/null
done
bin="$(swift build -c release --show-bin-path)"
gcc -O2 -Wno-deprecated-declarations -o tools/bench/out/attest_peer tools/bench/attest_peer.c -lcrypto
peer=tools/bench/out/attest_peer
N=${ATTEST_VERIFY_N:-20000}
PINGS=${ATTEST_PING_N:-50000}
# The frame sizes of a hello request and reply, as the Swift benchmark reports them.
{
    "$peer" verify "$N"
    taskset -c 0 "$bin/AttestationBenchmarks" verify "$N"
    "$peer" verify "$N"
    "$peer" ping "$PINGS" 21 126
    "$bin/AttestationBenchmarks" ping "$PINGS" "$bin/cloister-enclave"
    "$peer" ping "$PINGS" 21 126
} | tee "$out"
