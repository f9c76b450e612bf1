# pragma version ~=0.4.3
"""
@title fib_mulmod -- Cloister EVM benchmark
@notice fib(n) walks the Fibonacci sequence modulo p = 2^255 - 19 for n steps and
        returns the product F(1) * F(2) * ... * F(n) mod p (the "fibonorial").
        Each step is one ADDMOD (next Fibonacci number) and one MULMOD (the product),
        so the loop measures 256-bit modular arithmetic. Compiled for London.
"""

P: constant(uint256) = 2**255 - 19
MAX_N: constant(uint256) = 10_000_000


@external
@view
def fib(n: uint256) -> uint256:
    a: uint256 = 0  # F(k - 1)
    b: uint256 = 1  # F(k)
    acc: uint256 = 1
    for i: uint256 in range(n, bound=MAX_N):
        acc = uint256_mulmod(acc, b, P)
        c: uint256 = uint256_addmod(a, b, P)
        a = b
        b = c
    return acc
