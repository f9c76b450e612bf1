# pragma version ~=0.4.3
"""
@title Events
@notice Logs and reverts for the end-to-end tests: `store` logs `Stored`,
        `fail` reverts with the caller's reason, `check` asserts without a
        reason (empty revert data), and `limited` is a view that reverts with
        a fixed reason.
"""

event Stored:
    who: indexed(address)
    slot: indexed(uint256)
    x: uint256

event Pinged:
    who: indexed(address)

values: public(HashMap[uint256, uint256])
count: public(uint256)


@external
def store(slot: uint256, x: uint256):
    self.values[slot] = x
    self.count += 1
    log Stored(who=msg.sender, slot=slot, x=x)


@external
def ping():
    log Pinged(who=msg.sender)


@external
def fail(reason: String[100]):
    raise reason


@external
def check(x: uint256):
    assert x > 0
    self.count += x


@view
@external
def limited(x: uint256) -> uint256:
    assert x < 10, "x must be below 10"
    return x * 2
