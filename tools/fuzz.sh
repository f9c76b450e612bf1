#!/usr/bin/env bash
# Builds the libFuzzer targets (Sources/CloisterFuzz) and runs one or all of them.
#
#   tools/fuzz.sh TARGET LIMIT [libFuzzer flags…]
#     TARGET  rlpx-auth | rlpx-ack | rlpx-frame | all
#     LIMIT   a number of inputs (1000000) or a time per target (20s)
#
# The build (release, -sanitize=fuzzer plus FUZZ_SANITIZERS, default address) goes to
# .build-fuzz; each target keeps its corpus in .build-fuzz/corpus/TARGET and writes
# crash reproducers to .build-fuzz/artifacts/TARGET/. Replay one with the normal build:
#   CLOISTER_FUZZ=TARGET swift run CloisterFuzz FILE
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS_ALL=(rlpx-auth rlpx-ack rlpx-frame)
SWIFT=${SWIFT:-swift}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
SANITIZERS=${FUZZ_SANITIZERS-address}

usage() { echo "usage: tools/fuzz.sh {${TARGETS_ALL[*]// /|}|all} RUNS|SECONDSs [libFuzzer flags…]" >&2; exit 2; }
[ $# -ge 2 ] || usage
target=$1; limit=$2; shift 2
case "$target" in
    all) targets=("${TARGETS_ALL[@]}") ;;
    rlpx-auth|rlpx-ack|rlpx-frame) targets=("$target") ;;
    *) usage ;;
esac
case "$limit" in
    *s) limit_flags=(-max_total_time="${limit%s}") ;;
    *[!0-9]*|'') usage ;;
    *) limit_flags=(-runs="$limit") ;;
esac

sanitize=(-Xswiftc -sanitize=fuzzer)
for s in ${SANITIZERS//,/ }; do sanitize+=(-Xswiftc "-sanitize=$s"); done
echo "fuzz: building CloisterFuzz (release, sanitizers: fuzzer${SANITIZERS:+,$SANITIZERS}) in $SCRATCH"
"$SWIFT" build -c release --scratch-path "$SCRATCH" --product CloisterFuzz \
    "${sanitize[@]}" -Xswiftc -DFUZZING
bin="$("$SWIFT" build -c release --scratch-path "$SCRATCH" --show-bin-path)/CloisterFuzz"

status=0
for t in "${targets[@]}"; do
    corpus="$SCRATCH/corpus/$t"; artifacts="$SCRATCH/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    log="$SCRATCH/fuzz-$t.log"
    echo "fuzz: $t (${limit_flags[*]})"
    if CLOISTER_FUZZ="$t" "$bin" "${limit_flags[@]}" -detect_leaks=0 -print_final_stats=1 \
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
