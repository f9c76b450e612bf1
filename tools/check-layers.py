#!/usr/bin/env python3
"""Checks every target's declared dependencies against the layer table in
../shared/DESIGN.md (a target imports only targets listed before it).

Reads `swift package dump-package` from stdin. Exits non-zero, naming the
offending edge, when a target depends on something its layer may not import,
or when a target is missing from the table below (add it here first)."""
import json
import sys

# target -> what it may depend on (targets and products). Mirrors DESIGN.md.
ALLOWED = {
    "CSecp256k1": set(),
    "CLMDB": set(),
    "COpenSSL": set(),
    "CGMP": set(),
    "CSnappy": set(),
    "CFuzzerDriver": set(),  # libFuzzer's driver declaration, for CloisterFuzz only
    "Primitives": {"CSecp256k1"},
    "Storage": {"Primitives", "CLMDB"},
    "Trie": {"Primitives", "Storage"},
    "ChainTypes": {"Primitives", "Trie"},
    "State": {"Primitives", "Trie", "Storage", "ChainTypes"},
    "EVM": {"Primitives", "ChainTypes", "Crypto", "CryptoExtras", "COpenSSL", "CGMP", "BigInt"},
    "Execution": {"Primitives", "ChainTypes", "Storage", "EVM", "State"},
    "Keystore": {"Primitives", "Crypto", "CryptoExtras"},
    "Consensus": {"Primitives", "ChainTypes", "Storage"},
    # Chain applies the confidential module's system transactions to the registry
    # (ConfidentialState) and reads the policy in force (Attestation).
    "Chain": {"Primitives", "ChainTypes", "Storage", "Trie", "State", "Execution", "EVM", "Consensus", "ConfidentialState",
              "Attestation", "Logging", "CoreMetrics"},
    "P2P": {"Primitives", "ChainTypes", "Chain", "Consensus", "CSnappy", "COpenSSL", "NIOCore", "NIOPosix", "Logging",
            "Crypto", "CryptoExtras", "CoreMetrics"},
    # RPC also reads Consensus (clique_* methods) and EVM (call status codes); NIOPosix
    # gives it the worker threads for heavy requests, HummingbirdCore the connection cap.
    # conf_* methods read the registry in public state (ConfidentialState, Attestation, State).
    "RPC": {"Primitives", "ChainTypes", "Chain", "Consensus", "EVM", "State", "Attestation", "ConfidentialState", "Hummingbird", "HummingbirdCore",
            "HummingbirdWebSocket", "HTTPTypes", "NIOCore", "NIOPosix", "Logging", "CoreMetrics"},
    # The quote layout, the ten-check verifier and the policy: pure code (X.509 through
    # swift-certificates, P-256 through swift-crypto).
    "Attestation": {"Primitives", "ChainTypes", "Crypto", "X509", "SwiftASN1"},
    "EnclaveProtocol": {"Primitives", "ChainTypes", "Attestation", "Crypto"},
    # The registry in public state and the rules of system transactions: used by the chain,
    # RPC, the enclave (over proven slots) and the host.
    "ConfidentialState": {"Primitives", "ChainTypes", "State", "Attestation"},
    # The host side: the enclave client and process.
    "Confidential": {"Primitives", "ChainTypes", "Trie", "State", "Consensus", "Attestation", "EnclaveProtocol", "Crypto",
                     "Logging", "ConfidentialState", "CoreMetrics"},
    "Enclave": {"Primitives", "ChainTypes", "EVM", "Execution", "State", "Trie", "Consensus", "Attestation",
                "EnclaveProtocol", "ConfidentialState", "Crypto", "CryptoExtras"},
    "Node": None,  # everything above
    "CloisterCLI": None,  # the executable may wire any layer (Node once it exists)
    "CloisterEnclaveMain": {"Primitives", "Enclave", "EnclaveProtocol", "ArgumentParser", "Logging"},
    # libFuzzer targets (tools/fuzz.sh): the decoders of peer data and what they need.
    "CloisterFuzz": {"P2P", "ChainTypes", "Primitives", "NIOCore", "CFuzzerDriver", "Attestation", "EnclaveProtocol", "Enclave",
                     "Crypto"},
    "TestSupport": None,  # anything but Node and the executables (checked below)
}
NEVER_FROM_TESTSUPPORT = {"Node", "CloisterCLI", "CloisterEnclaveMain", "CloisterFuzz"}
NEVER_FROM_ENCLAVE = {"P2P", "RPC", "Chain", "Node"}


def dep_names(target):
    for dep in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dep:
                yield dep[kind][0]


def main():
    package = json.load(sys.stdin)
    errors = []
    for target in package["targets"]:
        name, kind = target["name"], target["type"]
        if kind in ("test", "executable") and name not in ALLOWED:
            continue  # tests and benchmark executables may use anything
        if name not in ALLOWED:
            errors.append(f"{name}: not in the layer table (tools/check-layers.py); add it deliberately")
            continue
        deps = set(dep_names(target))
        allowed = ALLOWED[name]
        if name == "TestSupport":
            bad = deps & NEVER_FROM_TESTSUPPORT
        elif name == "Enclave":
            bad = (deps - allowed) | (deps & NEVER_FROM_ENCLAVE)
        elif allowed is None:
            bad = set()
        else:
            bad = deps - allowed
        for b in sorted(bad):
            errors.append(f"{name} may not depend on {b}")
    if errors:
        print("layer check failed:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    print(f"layer check: {len(package['targets'])} targets follow the layer table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
