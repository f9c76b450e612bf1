# pragma version ~=0.4.3
"""
@title ConfidentialToken
@notice A minimal ERC-20-like token meant to run as confidential chain-code on
        Cloister (deployed with a 0x40 transaction). Its code, storage and events
        live only in the encrypted domain; `balanceOf` answers only to the owner
        of the balance, so only that owner's signed view call (conf_call) reads it.
        `marker` and `memo` are stored by the constructor so that tests can check
        that these plaintext values never leave the enclave.
"""

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

totalSupply: public(uint256)
balances: HashMap[address, uint256]
marker: public(bytes32)
memo: public(String[64])


@deploy
def __init__(supply: uint256, marker_: bytes32, memo_: String[64]):
    self.totalSupply = supply
    self.balances[msg.sender] = supply
    self.marker = marker_
    self.memo = memo_
    log Transfer(sender=empty(address), receiver=msg.sender, value=supply)


@external
def transfer(receiver: address, amount: uint256) -> bool:
    assert receiver != empty(address), "transfer to the zero address"
    assert self.balances[msg.sender] >= amount, "insufficient balance"
    self.balances[msg.sender] -= amount
    self.balances[receiver] += amount
    log Transfer(sender=msg.sender, receiver=receiver, value=amount)
    return True


@view
@external
def balanceOf(owner: address) -> uint256:
    assert msg.sender == owner, "only the owner reads its balance"
    return self.balances[owner]
