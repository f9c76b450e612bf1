#!/usr/bin/env python3
"""Peer for `StateBenchmarks fresh-trie N`: builds the same secure account trie
with the `trie` package from PyPI (py-trie's HexaryTrie over a dict) and prints
the root, seconds and peak RSS as JSON. Accounts are generated exactly as the
Swift benchmark does, so the roots must be equal."""
import json
import resource
import sys
import time

import rlp
from eth_hash.auto import keccak
from trie import HexaryTrie

EMPTY_ROOT = bytes.fromhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
EMPTY_CODE = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")


def account(i):
    address = keccak(i.to_bytes(8, "big"))[12:]
    value = rlp.encode([i % 5, (i + 1) * 1_000_000_000, EMPTY_ROOT, EMPTY_CODE])
    return address, value


def main():
    n = int(sys.argv[1])
    accounts = [account(i) for i in range(n)]
    t0 = time.monotonic()
    t = HexaryTrie({})
    for address, value in accounts:
        t[keccak(address)] = value
    root = t.root_hash
    seconds = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"mode": "py-trie", "accounts": n, "seconds": seconds, "root": "0x" + root.hex(), "peakRSS": peak}))


if __name__ == "__main__":
    main()
