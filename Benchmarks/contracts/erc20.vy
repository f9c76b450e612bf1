# pragma version ~=0.4.3
"""
@title erc20 -- Cloister EVM benchmark
@notice A minimal ERC-20 (balances, allowances, transfer, transferFrom, approve,
        Transfer/Approval events) plus bench(n), which makes 2n transfers in one
        call: in round i the caller sends 2 units to a fresh address (a zero to
        non-zero SSTORE), and that address passes 1 unit on to one of four holders
        (SSTOREs to slots already written in this transaction). Every transfer
        emits a Transfer log (LOG3).
        There is no constructor run: the state test's `pre` gives the contract its
        runtime code and sets totalSupply and the sender's balance in storage
        (slots from `vyper -f layout`). Compiled for London.
"""

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

name: public(String[32])
symbol: public(String[32])
decimals: public(uint8)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])

MAX_N: constant(uint256) = 100_000
# first fresh recipient of bench(); the round number is added to it
FRESH_BASE: constant(uint256) = 2**157  # 0x2000000000000000000000000000000000000000
HOLDERS: constant(address[4]) = [
    0x1000000000000000000000000000000000000001,
    0x1000000000000000000000000000000000000002,
    0x1000000000000000000000000000000000000003,
    0x1000000000000000000000000000000000000004,
]


def _transfer(sender: address, receiver: address, amount: uint256):
    assert receiver != empty(address), "erc20: transfer to the zero address"
    # underflow reverts (checked arithmetic)
    self.balanceOf[sender] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)


@external
def transfer(receiver: address, amount: uint256) -> bool:
    self._transfer(msg.sender, receiver, amount)
    return True


@external
def transferFrom(sender: address, receiver: address, amount: uint256) -> bool:
    self.allowance[sender][msg.sender] -= amount
    self._transfer(sender, receiver, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def bench(n: uint256) -> uint256:
    """
    @notice 2n transfers; returns the caller's balance afterwards.
    """
    for i: uint256 in range(n, bound=MAX_N):
        fresh: address = convert(FRESH_BASE + i, address)
        self._transfer(msg.sender, fresh, 2)
        self._transfer(fresh, HOLDERS[i % 4], 1)
    return self.balanceOf[msg.sender]
