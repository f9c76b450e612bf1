#!/usr/bin/env bash
# `make bench`: the Primitives benchmarks and their peers, measured in one run.
#   - Swift: ordo-one/package-benchmark (release build, malloc counts per iteration)
#   - OpenSSL 3 `openssl speed -evp sha3-256` (same Keccak-f[1600] permutation, assembly)
#   - a C loop over libsecp256k1's secp256k1_ecdsa_recover (tools/bench/ecrecover_bench.c)
# Writes tools/bench/out/report.md (the table BENCHMARKS.md quotes) and prints it.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=tools/bench/out
mkdir -p "$out"

openssl_sha3() {  # $1 = block size in bytes; prints bytes per second
    openssl speed -evp sha3-256 -bytes "$1" -seconds 3 2>/dev/null \
        | awk '/^sha3-256/ { v=$NF; sub(/k$/, "", v); printf "%.0f\n", v * 1000 }'
}

echo "== peers (before) =="
gcc -O2 -o "$out/ecrecover_bench" tools/bench/ecrecover_bench.c -lsecp256k1
sha3_1m_a=$(openssl_sha3 1048576); sha3_32_a=$(openssl_sha3 32); c_rec_a=$("$out/ecrecover_bench")
echo "openssl sha3-256 1MiB: $sha3_1m_a B/s; 32B: $sha3_32_a B/s; C ecrecover: $c_rec_a /s"

echo "== Swift (package-benchmark, release) =="
swift package --disable-sandbox benchmark --target PrimitivesBenchmarks --format markdown --no-progress \
    | tee "$out/swift.md"

echo "== peers (after) =="
sha3_1m_b=$(openssl_sha3 1048576); sha3_32_b=$(openssl_sha3 32); c_rec_b=$("$out/ecrecover_bench")
echo "openssl sha3-256 1MiB: $sha3_1m_b B/s; 32B: $sha3_32_b B/s; C ecrecover: $c_rec_b /s"

echo "== State (release build; each workload in its own process) =="
venv=tools/bench/.venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q trie rlp "eth-hash[pycryptodome]"
fi
swift build -c release --product StateBenchmarks
bench="$(swift build -c release --show-bin-path)/StateBenchmarks"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
{
    "$bench" fresh-trie 100000
    "$bench" fresh-builder 100000
    "$venv/bin/python" tools/bench/pytrie_state.py 100000
    "$bench" fresh-state 100000 "$data/s100k"
    "$bench" fresh-state 1000000 "$data/s1m"
    "$bench" updates 1000 "$data/s1m"
    "$bench" reads 1000000 "$data/s1m"
} | tee "$out/state.jsonl"

# Cloister and pyrevm are timed alike (fresh interpreter and pre-state per run, the same
# run rule, a STOP-recipient baseline subtracted for the net figures): see the headers of
# Benchmarks/EVMBenchmarks/main.swift and tools/bench/evm_peers.py.
echo "== EVM (release; ours, then pyrevm and py-evm on the same state tests) =="
if ! "$venv/bin/python" -c "import pyrevm, eth, vyper" 2>/dev/null; then
    "$venv/bin/pip" install -q pyrevm py-evm "vyper>=0.4,<0.5" eth-keys
fi
swift build -c release --product EVMBenchmarks
evmbench="$(swift build -c release --show-bin-path)/EVMBenchmarks"
workloads=(../shared/vectors/evm-benchmarks/benchmarks/main ../shared/vectors/evm-benchmarks/benchmarks/micro Benchmarks/contracts)
{
    "$evmbench" --fork London --min-seconds 1 --max-runs 50 "${workloads[@]}"
    "$venv/bin/python" tools/bench/evm_peers.py --engine pyrevm --fork London --min-seconds 1 --max-runs 50 "${workloads[@]}"
    # py-evm runs ~1000x slower: one run each of the smaller workloads keeps `make bench` within minutes.
    "$venv/bin/python" tools/bench/evm_peers.py --engine pyevm --fork London --max-runs 1 --timeout 60 \
        ../shared/vectors/evm-benchmarks/benchmarks/main/sha1_divs.json ../shared/vectors/evm-benchmarks/benchmarks/main/weierstrudel.json \
        ../shared/vectors/evm-benchmarks/benchmarks/main/swap_math.json ../shared/vectors/evm-benchmarks/benchmarks/micro \
        Benchmarks/contracts/erc20.json
} | tee "$out/evm.jsonl"

echo "== Chain (release; 1,000-block import and block production) =="
bash tools/bench/chain.sh "${CHAIN_BLOCKS:-1000}" | tee "$out/chain.jsonl"

echo "== JSON-RPC (release node; load generator and eth-tester peer in the e2e venv) =="
Tests/e2e/run.sh --co -q >/dev/null     # creates Tests/e2e/.venv when missing
py=Tests/e2e/.venv/bin/python
export CLOISTER_BIN="$(swift build -c release --show-bin-path)/cloister"
{
    "$py" tools/load/rpc_load.py blocknumber --seconds 10 --connections 64
    "$py" tools/load/rpc_load.py balanceof --seconds 10 --connections 64
    "$py" tools/load/rpc_load.py transfers --count 20000 --peer eth-tester
    "$py" tools/load/rpc_load.py erc20 --count 10000 --peer eth-tester
    # The same node with Prometheus metrics on: what counting every call and block costs.
    "$py" tools/load/rpc_load.py --node-args "--metrics --metrics-port 0" blocknumber --seconds 10 --connections 64
    "$py" tools/load/rpc_load.py --node-args "--metrics --metrics-port 0" balanceof --seconds 10 --connections 64
    "$py" tools/load/rpc_load.py --node-args "--metrics --metrics-port 0" transfers --count 20000
} | tee "$out/rpc.jsonl"

echo "== Network (release nodes on loopback: 4-authority TPS, observer sync vs import, one hostile peer's memory) =="
bash tools/bench/network.sh "$out/network.jsonl"

echo "== Attestation (release: quote verification and the host↔enclave round trip, with C/OpenSSL peers) =="
bash tools/bench/attest.sh "$out/attest.jsonl"

python3 tools/bench/report.py "$out/swift.md" --state "$out/state.jsonl" --evm "$out/evm.jsonl" \
    --chain "$out/chain.jsonl" --rpc "$out/rpc.jsonl" --network "$out/network.jsonl" --attest "$out/attest.jsonl" \
    --openssl-1m "$sha3_1m_a" "$sha3_1m_b" --openssl-32 "$sha3_32_a" "$sha3_32_b" \
    --c-ecrecover "$c_rec_a" "$c_rec_b" > "$out/report.md"
cat "$out/report.md"
