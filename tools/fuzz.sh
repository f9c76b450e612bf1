#!/usr/bin/env bash
# Builds the libFuzzer targets (Sources/CloisterFuzz) and runs one or all of them.
# A target's corpus starts from its seeds (well-formed messages, records, URLs).
#
#   tools/fuzz.sh TARGET LIMIT [libFuzzer flags…]
#     TARGET  rlpx-auth | rlpx-ack | rlpx-frame | p2p-message | eth-message | snappy | enr | enode |
#             enclave-frame | quote | system-tx | all
#     LIMIT   a number of inputs (1000000) or a time per target (20s)
#
# The build (release, -sanitize=fuzzer plus FUZZ_SANITIZERS, default address) goes to
# .build-fuzz; each target keeps its corpus in .build-fuzz/corpus/TARGET and writes
# crash reproducers to .build-fuzz/artifacts/TARGET/. Replay one with the normal build:
#   CLOISTER_FUZZ=TARGET swift run CloisterFuzz FILE
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS_ALL=(rlpx-auth rlpx-ack rlpx-frame p2p-message eth-message snappy enr enode enclave-frame quote system-tx conf-section)
SWIFT=${SWIFT:-swift}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
SANITIZERS=${FUZZ_SANITIZERS-address}

usage() { echo "usage: tools/fuzz.sh {${TARGETS_ALL[*]// /|}|all} RUNS|SECONDSs [libFuzzer flags…]" >&2; exit 2; }
[ $# -ge 2 ] || usage
target=$1; limit=$2; shift 2
case "$target" in
    all) targets=("${TARGETS_ALL[@]}") ;;
    rlpx-auth|rlpx-ack|rlpx-frame|p2p-message|eth-message|snappy|enr|enode|enclave-frame|quote|system-tx|conf-section) targets=("$target") ;;
    *) usage ;;
esac
case "$limit" in
    *s) limit_flags=(-max_total_time="${limit%s}") ;;
    *[!0-9]*|'') usage ;;
    *) limit_flags=(-runs="$limit") ;;
esac

# One flag: with several -sanitize= flags swiftc keeps only the last.
sanitize=(-Xswiftc "-sanitize=fuzzer${SANITIZERS:+,$SANITIZERS}")
mkdir -p "$SCRATCH"
buildlog="$SCRATCH/fuzz-build.log"
echo "fuzz: building CloisterFuzz (release, sanitizers: fuzzer${SANITIZERS:+,$SANITIZERS}) in $SCRATCH"
# The flags also reach package plugins' host tools, whose links fail harmlessly
# (package-benchmark's generator has no fuzz entry); only the product's result counts.
if ! "$SWIFT" build -c release --scratch-path "$SCRATCH" --product CloisterFuzz \
    "${sanitize[@]}" -Xswiftc -DFUZZING >"$buildlog" 2>&1; then
    grep -E "error:" "$buildlog" | sort -u | head -30 >&2
    echo "fuzz: build failed (log $buildlog)" >&2
    exit 1
fi
bin="$("$SWIFT" build -c release --scratch-path "$SCRATCH" --show-bin-path)/CloisterFuzz"

status=0
for t in "${targets[@]}"; do
    corpus="$SCRATCH/corpus/$t"; artifacts="$SCRATCH/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    log="$SCRATCH/fuzz-$t.log"
    echo "fuzz: $t (${limit_flags[*]})"
    # libFuzzer reports crashes itself; Swift's backtracer would only race it.
    if SWIFT_BACKTRACE=enable=no CLOISTER_FUZZ="$t" CLOISTER_FUZZ_SEEDS="$corpus" "$bin" "${limit_flags[@]}" -detect_leaks=0 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$@" "$corpus" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
        echo "fuzz: $t: ${runs:-?} inputs in ${secs:-?} s, no failure (corpus $(ls "$corpus" | wc -l) files)"
    else
        status=1
        echo "fuzz: $t FAILED; log $log, reproducer in $artifacts/:" >&2
        grep -E "ERROR|Fatal error|Precondition|crash-|SUMMARY" "$log" | head -20 >&2 || true
    fi
done
exit $status
