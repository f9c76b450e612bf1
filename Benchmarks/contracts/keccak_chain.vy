# pragma version ~=0.4.3
"""
@title keccak_chain -- Cloister EVM benchmark
@notice chain(n) hashes a 32-byte word n times: h = keccak256(h), starting at h = 0.
        The loop is KECCAK256 over 32 bytes of memory plus Vyper's loop and memory
        bookkeeping. Compiled for London (no PUSH0) by tools/bench/make_contract_workloads.py.
"""

MAX_N: constant(uint256) = 10_000_000


@external
@view
def chain(n: uint256) -> bytes32:
    h: bytes32 = empty(bytes32)
    for i: uint256 in range(n, bound=MAX_N):
        h = keccak256(h)
    return h
