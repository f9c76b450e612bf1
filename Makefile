# Cloister — the two commands a newcomer needs are `make dev` and `make test`.
# Both install missing Debian packages first (tools/install-deps.sh).

SHELL        := /bin/bash
SWIFT        ?= swift
APT_PACKAGES := pkg-config libsecp256k1-dev liblmdb-dev libssl-dev libgmp-dev libsnappy-dev python3 python3-venv iproute2
BENCH_APT    := openssl gcc
# What `make test` drives besides the node: a headless browser for the status page and a
# real Prometheus for the metrics endpoint (installed without recommended packages).
TEST_APT     := chromium chromium-driver prometheus

.PHONY: dev devnet test test-deps statetests fuzz fuzz-smoke deps build check-layers import-check bench clean help

help:
	@echo "make dev    build and start a one-node dev chain (JSON-RPC on 127.0.0.1:8545; DEV_ARGS=... for more flags)"
	@echo "make devnet a local consortium: 4 authorities + 1 observer on loopback (DEVNET_ARGS=...)"
	@echo "make test   every test: layer checks, unit, property, fuzz, conformance and end-to-end (web3.py) suites"
	@echo "make bench  benchmarks with their peers (OpenSSL SHA3-256, libsecp256k1 in C)"
	@echo "make fuzz   libFuzzer on every decoder of peer data, 10^6 inputs each (FUZZ_RUNS=...)"

deps:
	@bash tools/install-deps.sh $(APT_PACKAGES)

build: deps
	$(SWIFT) build --product cloister
	$(SWIFT) build --product cloister-enclave

# The main job: a one-node dev chain (one authority, ten prefunded test accounts,
# JSON-RPC over HTTP and WebSocket on 127.0.0.1:8545). Ctrl-C stops it.
DEV_ARGS ?=
dev: build
	$(SWIFT) run --skip-build cloister dev $(DEV_ARGS)

# A local consortium: 4 authorities and 1 observer on loopback (keys, genesis with the
# allowlist and data dirs in one folder; Ctrl-C stops all). DEVNET_ARGS=... for more.
DEVNET_ARGS ?=
devnet: build
	python3 tools/devnet/devnet.py --bin "$$($(SWIFT) build --show-bin-path)/cloister" $(DEVNET_ARGS)

# Every target's declared dependencies must follow DESIGN.md's layer table.
check-layers: deps
	@$(SWIFT) package dump-package | python3 tools/check-layers.py

# SwiftPM lets a target import an undeclared sibling that happens to be built
# first; this build makes that an error (swift test would carry on past it).
import-check: deps
	@SWIFT=$(SWIFT) bash tools/import-check.sh

# Suites that measure time (sealing on time under RPC load, time limits, live HTTP
# exchanges) run in a second pass on their own: in the first, hundreds of CPU-bound
# tests share Swift's cooperative pool and would starve them.
TIMING_SUITES := SealingUnderLoadTests|ServerAccessTests|RequestLimitTests|NetworkTests|PartitionTests|HostilePeerTests

# The crash test drives the debug `cloister` binary, and the enclave tests a real
# `cloister-enclave` process, so both are built first.
test-deps:
	@APT_NO_RECOMMENDS=1 bash tools/install-deps.sh $(TEST_APT)

test: deps test-deps check-layers import-check
	$(SWIFT) build --product cloister
	$(SWIFT) build --product cloister-enclave
	$(SWIFT) test --skip '$(TIMING_SUITES)'
	$(SWIFT) test --skip-build --filter '$(TIMING_SUITES)'
	CLOISTER_BIN="$$($(SWIFT) build --show-bin-path)/cloister" bash Tests/e2e/run.sh
	CLOISTER_BIN="$$($(SWIFT) build --show-bin-path)/cloister" Tests/e2e/.venv/bin/python tools/devnet/scenarios.py
	CLOISTER_BIN="$$($(SWIFT) build --show-bin-path)/cloister" bash clients/python/run-tests.sh
	CLOISTER_BIN="$$($(SWIFT) build --show-bin-path)/cloister" Tests/e2e/.venv/bin/python tools/devnet/status_page_test.py --out Tests/e2e/out
	@$(MAKE) --no-print-directory statetests
	@$(MAKE) --no-print-directory fuzz-smoke

# libFuzzer on the decoders of peer data (RLPx auth, ack, frames; message ids and Snappy;
# the base protocol and every eth/68 message; ENR records; enode URLs): Sources/CloisterFuzz,
# built with -sanitize=fuzzer,address into .build-fuzz (tools/fuzz.sh). `fuzz` runs
# FUZZ_RUNS inputs per decoder; `fuzz-smoke`, part of `make test`, FUZZ_SMOKE each.
FUZZ_RUNS  ?= 1000000
FUZZ_SMOKE ?= 15s
fuzz: deps
	SWIFT=$(SWIFT) bash tools/fuzz.sh all $(FUZZ_RUNS)

fuzz-smoke: deps
	SWIFT=$(SWIFT) bash tools/fuzz.sh all $(FUZZ_SMOKE)

# ethereum/tests GeneralStateTests for every fork the EVM implements, from
# ConstantinopleFix (Petersburg) to Cancun (about 15 s each, ConstantinopleFix under
# one), run by the release build of `cloister evm statetest` (the debug build is
# several times slower). Görli runs Petersburg, Istanbul, Berlin and London blocks.
# Expected failures are listed, each with its reason, in tools/statetest-known-failures.tsv.
VECTORS ?= $(if $(CLOISTER_VECTORS),$(CLOISTER_VECTORS),../shared/vectors)
statetests: deps
	@if [ ! -d "$(VECTORS)/ethereum-tests/GeneralStateTests" ]; then \
		echo "GeneralStateTests: vectors not found in $(VECTORS) (set CLOISTER_VECTORS): skipped"; exit 0; fi; \
	$(SWIFT) build -c release --product cloister && \
	bin="$$($(SWIFT) build -c release --show-bin-path)/cloister" && \
	for fork in ConstantinopleFix Istanbul Berlin London Shanghai Cancun; do \
		echo "GeneralStateTests ($$fork):"; \
		"$$bin" evm statetest --fork $$fork --known-failures tools/statetest-known-failures.tsv \
			"$(VECTORS)/ethereum-tests/GeneralStateTests" || exit 1; \
	done

# The confidential-transaction benchmark (issue 14) runs after run.sh, which makes the
# end-to-end venv whose vyper compiles Token.vy; CONF_ROUNDS and CONF_COUNT size it.
bench: deps
	@bash tools/install-deps.sh $(BENCH_APT)
	bash tools/bench/run.sh
	bash tools/bench/confidential.sh tools/bench/out/confidential.jsonl

clean:
	rm -rf .build .build-*
