"""Ether transfers checked to the wei, and the three transaction types."""

import pytest
from eth_account import Account
from eth_utils import keccak

from helpers import CHAIN_ID, ETHER, GWEI, sign_and_send

TRANSFER_GAS = 21_000
# EIP-2930 access-list costs (Berlin).
ACCESS_LIST_ADDRESS_GAS = 2_400
ACCESS_LIST_STORAGE_KEY_GAS = 1_900


def balances_around(w3, address, receipt):
    """The balance of `address` before and after the block that holds `receipt`."""
    block = receipt["blockNumber"]
    return w3.eth.get_balance(address, block - 1), w3.eth.get_balance(address, block)


def assert_paid_exactly(w3, sender, recipient, value, receipt):
    before, after = balances_around(w3, sender, receipt)
    assert before - after == value + receipt["gasUsed"] * receipt["effectiveGasPrice"]
    before, after = balances_around(w3, recipient, receipt)
    assert after - before == value


def test_dev_accounts_are_prefunded(w3, accounts):
    genesis = w3.eth.get_block(0)
    assert genesis["number"] == 0
    for account in accounts:
        assert w3.eth.get_balance(account.address, 0) == 10_000 * ETHER
        assert w3.eth.get_transaction_count(account.address, 0) == 0


def test_transfer_1_to_2_exact_to_the_wei(w3, accounts):
    sender, recipient = accounts[1].address, accounts[2].address
    value = 1 * ETHER + 123_456_789
    receipt = sign_and_send(w3, accounts[1], {"to": recipient, "value": value, "gas": TRANSFER_GAS})
    assert receipt["status"] == 1
    assert receipt["gasUsed"] == TRANSFER_GAS
    assert receipt["cumulativeGasUsed"] >= TRANSFER_GAS
    assert receipt["from"] == sender and receipt["to"] == recipient
    assert_paid_exactly(w3, sender, recipient, value, receipt)

    # The effective price is base fee + tip (capped by the fee cap), and the base fee is burnt:
    # the sealer (account 0) gains only the tip, when the block holds only this transaction.
    block = w3.eth.get_block(receipt["blockNumber"])
    assert receipt["effectiveGasPrice"] == min(10 * GWEI, block["baseFeePerGas"] + 1 * GWEI)
    if len(block["transactions"]) == 1:
        before, after = balances_around(w3, accounts[0].address, receipt)
        assert after - before == TRANSFER_GAS * (receipt["effectiveGasPrice"] - block["baseFeePerGas"])
        assert block["gasUsed"] == TRANSFER_GAS


def test_transfer_to_fresh_account_and_back(w3, accounts):
    fresh = Account.create()
    value = 3 * ETHER
    receipt = sign_and_send(w3, accounts[4], {"to": fresh.address, "value": value})
    assert_paid_exactly(w3, accounts[4].address, fresh.address, value, receipt)
    assert w3.eth.get_balance(fresh.address) == value

    # Send everything back but the fee: the fresh account ends at exactly zero.
    price = 2 * GWEI
    back = value - TRANSFER_GAS * price
    receipt = sign_and_send(
        w3, fresh, {"to": accounts[4].address, "value": back, "gas": TRANSFER_GAS, "gasPrice": price, "nonce": 0}
    )
    assert receipt["status"] == 1
    assert receipt["effectiveGasPrice"] == price
    assert w3.eth.get_balance(fresh.address) == 0
    assert w3.eth.get_transaction_count(fresh.address) == 1


def test_nonces_and_pending_count(w3, accounts):
    address = accounts[5].address
    latest = w3.eth.get_transaction_count(address)
    receipt = sign_and_send(w3, accounts[5], {"to": accounts[6].address, "value": 1})
    tx = w3.eth.get_transaction(receipt["transactionHash"])
    assert tx["nonce"] == latest
    assert w3.eth.get_transaction_count(address) == latest + 1
    assert w3.eth.get_transaction_count(address, "pending") == latest + 1
    assert w3.eth.get_transaction_count(address, receipt["blockNumber"] - 1) == latest


@pytest.mark.parametrize("kind", ["legacy", "access-list", "dynamic-fee"])
def test_transaction_types(w3, accounts, events, kind):
    sender = accounts[6]
    slot_key = "0x" + "00" * 32
    base = {"to": events.address, "data": events.encode_abi("ping"), "gas": 100_000}
    if kind == "legacy":
        tx = {**base, "gasPrice": 3 * GWEI}
        expected_type = 0
    elif kind == "access-list":
        tx = {
            **base,
            "type": 1,
            "gasPrice": 3 * GWEI,
            "accessList": [{"address": events.address, "storageKeys": [slot_key]}],
        }
        expected_type = 1
    else:
        tx = {**base, "type": 2, "maxFeePerGas": 5 * GWEI, "maxPriorityFeePerGas": 2 * GWEI}
        expected_type = 2
    signed = sender.sign_transaction({**tx, "chainId": CHAIN_ID, "nonce": w3.eth.get_transaction_count(sender.address, "pending")})
    assert signed.hash == keccak(signed.raw_transaction)
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.05)
    mined = w3.eth.get_transaction(tx_hash)

    assert receipt["status"] == 1
    assert receipt["type"] == expected_type
    assert mined["type"] == expected_type
    assert mined["hash"] == signed.hash
    assert mined["chainId"] == CHAIN_ID
    assert mined["from"] == sender.address
    assert mined["to"] == events.address
    assert mined["gas"] == 100_000
    assert mined["input"] == bytes.fromhex(base["data"][2:])
    assert mined["blockHash"] == receipt["blockHash"]
    assert mined["blockNumber"] == receipt["blockNumber"]
    assert mined["transactionIndex"] == receipt["transactionIndex"]
    assert (mined["r"], mined["s"]) == (signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big"))
    block = w3.eth.get_block(receipt["blockNumber"])
    if kind == "legacy":
        assert mined["v"] in (CHAIN_ID * 2 + 35, CHAIN_ID * 2 + 36)  # EIP-155
        assert mined["gasPrice"] == 3 * GWEI
        assert receipt["effectiveGasPrice"] == 3 * GWEI
    elif kind == "access-list":
        assert mined["accessList"] == [{"address": events.address, "storageKeys": [slot_key]}]
        assert mined["yParity"] in (0, 1) and mined["v"] == mined["yParity"]
        assert receipt["effectiveGasPrice"] == 3 * GWEI
    else:
        assert mined["maxFeePerGas"] == 5 * GWEI
        assert mined["maxPriorityFeePerGas"] == 2 * GWEI
        assert mined["accessList"] == []
        assert receipt["effectiveGasPrice"] == min(5 * GWEI, block["baseFeePerGas"] + 2 * GWEI)
        assert mined["gasPrice"] == receipt["effectiveGasPrice"]
    assert_paid_exactly(w3, sender.address, events.address, 0, receipt)


def test_access_list_intrinsic_gas(w3, accounts):
    """A plain transfer with an access list costs 21,000 plus the EIP-2930 charges."""
    recipient = accounts[8].address
    access_list = [
        {"address": recipient, "storageKeys": ["0x" + "00" * 31 + "01", "0x" + "00" * 31 + "02"]},
        {"address": accounts[9].address, "storageKeys": []},
    ]
    gas = TRANSFER_GAS + 2 * ACCESS_LIST_ADDRESS_GAS + 2 * ACCESS_LIST_STORAGE_KEY_GAS
    receipt = sign_and_send(
        w3, accounts[7], {"type": 1, "to": recipient, "value": 7, "gas": gas, "gasPrice": 2 * GWEI, "accessList": access_list}
    )
    assert receipt["status"] == 1
    assert receipt["type"] == 1
    assert receipt["gasUsed"] == gas
    assert_paid_exactly(w3, accounts[7].address, recipient, 7, receipt)


def test_several_pending_transactions_mine_in_nonce_order(w3, accounts):
    sender = accounts[9]
    start = w3.eth.get_transaction_count(sender.address, "pending")
    hashes = []
    for i in range(5):
        signed = sender.sign_transaction(
            {"to": accounts[8].address, "value": i + 1, "gas": TRANSFER_GAS, "maxFeePerGas": 10 * GWEI,
             "maxPriorityFeePerGas": GWEI, "nonce": start + i, "chainId": CHAIN_ID}
        )
        hashes.append(w3.eth.send_raw_transaction(signed.raw_transaction))
    receipts = [w3.eth.wait_for_transaction_receipt(h, timeout=30, poll_latency=0.05) for h in hashes]
    assert all(r["status"] == 1 for r in receipts)
    order = [(r["blockNumber"], r["transactionIndex"]) for r in receipts]
    assert order == sorted(order)
    assert w3.eth.get_transaction_count(sender.address) == start + 5
    # Cumulative gas grows by 21,000 within each block.
    for r in receipts:
        assert r["cumulativeGasUsed"] == TRANSFER_GAS * (r["transactionIndex"] + 1)


def test_unlocked_dev_accounts_and_send_transaction(w3, accounts):
    """`cloister dev` unlocks the ten dev accounts, as anvil and Hardhat do, so web3.py's
    eth_sendTransaction path (fees and gas filled by the node) works too."""
    assert w3.eth.accounts == [a.address for a in accounts]
    tx_hash = w3.eth.send_transaction({"from": accounts[5].address, "to": accounts[6].address, "value": 12_345})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.05)
    assert receipt["status"] == 1
    assert receipt["gasUsed"] == TRANSFER_GAS
    assert_paid_exactly(w3, accounts[5].address, accounts[6].address, 12_345, receipt)
    tx = w3.eth.get_transaction(tx_hash)
    assert tx["from"] == accounts[5].address and tx["chainId"] == CHAIN_ID
