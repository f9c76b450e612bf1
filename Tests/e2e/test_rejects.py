"""Transactions the pool must refuse, with go-ethereum's codes and messages."""

import time

import pytest
from eth_account import Account
from eth_utils import to_hex

from helpers import CHAIN_ID, ETHER, GWEI, SERVER_ERROR, sign_and_send

TRANSFER = {"value": 1, "gas": 21_000, "maxFeePerGas": 10 * GWEI, "maxPriorityFeePerGas": GWEI}


def signed_raw(account, **tx) -> str:
    return to_hex(account.sign_transaction(tx).raw_transaction)


def send_raw_error(node, raw: str) -> dict:
    error = node.rpc_error("eth_sendRawTransaction", [raw])
    assert isinstance(error.get("code"), int) and isinstance(error.get("message"), str), error
    return error


def funded_fresh_account(w3, funder, wei: int):
    fresh = Account.create()
    sign_and_send(w3, funder, {"to": fresh.address, "value": wei, "gas": 21_000})
    assert w3.eth.get_balance(fresh.address) == wei
    return fresh


def test_replay_of_mined_transaction(w3, node, accounts):
    sender = accounts[2]
    nonce = w3.eth.get_transaction_count(sender.address, "pending")
    raw = signed_raw(sender, to=accounts[3].address, nonce=nonce, chainId=CHAIN_ID, **TRANSFER)
    tx_hash = node.rpc_result("eth_sendRawTransaction", [raw])
    w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.05)
    error = send_raw_error(node, raw)
    assert error["code"] == SERVER_ERROR, error
    assert "nonce too low" in error["message"] or "already known" in error["message"], error
    # The transaction is still the mined one, once.
    assert w3.eth.get_transaction_count(sender.address) == nonce + 1


def test_wrong_chain_id(node, w3, accounts):
    sender = accounts[2]
    nonce = w3.eth.get_transaction_count(sender.address, "pending")
    for kind in ({"maxFeePerGas": 10 * GWEI, "maxPriorityFeePerGas": GWEI}, {"gasPrice": 10 * GWEI}):
        tx = {"to": accounts[3].address, "value": 1, "gas": 21_000, "nonce": nonce, "chainId": 1, **kind}
        error = send_raw_error(node, signed_raw(sender, **tx))
        assert error["code"] == SERVER_ERROR, error
        assert "invalid chain id" in error["message"].lower(), error
    assert w3.eth.get_transaction_count(sender.address, "pending") == nonce


def test_unprotected_legacy_is_refused(node, w3, accounts):
    sender = accounts[2]
    nonce = w3.eth.get_transaction_count(sender.address, "pending")
    # No chainId: eth-account signs a pre-EIP-155 transaction (v = 27/28).
    raw = signed_raw(sender, to=accounts[3].address, value=1, gas=21_000, gasPrice=10 * GWEI, nonce=nonce)
    error = send_raw_error(node, raw)
    assert error["code"] == SERVER_ERROR, error
    assert "replay-protected" in error["message"] or "EIP-155" in error["message"], error


@pytest.mark.parametrize(
    "raw",
    [
        "0x",
        "0x00",
        "0xdeadbeef",
        "0x02",
        "0x01c0",
        "0x02c0",
        "0x03c0",  # blob transactions cannot come in without their sidecar
        "0x7f" + "00" * 40,
        "0xf8",
        "0xc0",
        "0xf86c" + "ff" * 20,
        "0x" + "ff" * 1000,
    ],
)
def test_garbage_raw_bytes(node, raw):
    error = send_raw_error(node, raw)
    assert error["code"] in (SERVER_ERROR, -32602), error


@pytest.mark.parametrize("param", ["deadbeef", "0xzz", "0x123", 17, None, {"raw": "0x00"}])
def test_raw_transaction_param_of_wrong_shape(node, param):
    error = send_raw_error(node, param)
    assert error["code"] == -32602, error


def test_intrinsic_gas_too_low(node, w3, accounts, events):
    sender = accounts[2]
    nonce = w3.eth.get_transaction_count(sender.address, "pending")
    base = {"to": accounts[3].address, "nonce": nonce, "chainId": CHAIN_ID, "value": 1,
            "maxFeePerGas": 10 * GWEI, "maxPriorityFeePerGas": GWEI}
    error = send_raw_error(node, signed_raw(sender, **{**base, "gas": 20_999}))
    assert error["code"] == SERVER_ERROR and "intrinsic gas too low" in error["message"], error
    # Calldata counts: 16 per non-zero byte, 4 per zero byte.
    data = "0x" + "01" * 10 + "00" * 10
    error = send_raw_error(node, signed_raw(sender, **{**base, "data": data, "gas": 21_000 + 160 + 40 - 1}))
    assert error["code"] == SERVER_ERROR and "intrinsic gas too low" in error["message"], error
    # Contract creation: 53,000 plus initcode words (EIP-3860).
    creation = {k: v for k, v in base.items() if k != "to"}
    error = send_raw_error(node, signed_raw(sender, **{**creation, "data": "0x00", "gas": 53_000}))
    assert error["code"] == SERVER_ERROR and "intrinsic gas too low" in error["message"], error
    assert w3.eth.get_transaction_count(sender.address, "pending") == nonce


def test_gas_limit_above_block_limit(node, w3, accounts):
    sender = accounts[2]
    nonce = w3.eth.get_transaction_count(sender.address, "pending")
    raw = signed_raw(sender, to=accounts[3].address, nonce=nonce, chainId=CHAIN_ID, value=1, gas=30_000_001,
                     maxFeePerGas=10 * GWEI, maxPriorityFeePerGas=GWEI)
    error = send_raw_error(node, raw)
    assert error["code"] == SERVER_ERROR and "exceeds block gas limit" in error["message"], error


def test_insufficient_funds(node, w3, accounts):
    broke = Account.create()
    raw = signed_raw(broke, to=accounts[3].address, nonce=0, chainId=CHAIN_ID, **TRANSFER)
    error = send_raw_error(node, raw)
    assert error["code"] == SERVER_ERROR, error
    assert "insufficient funds for gas * price + value" in error["message"], error

    # Enough for the value or for the gas, but not for both.
    fee = 21_000 * 10 * GWEI
    poor = funded_fresh_account(w3, accounts[2], fee)
    raw = signed_raw(poor, to=accounts[3].address, nonce=0, chainId=CHAIN_ID, **{**TRANSFER, "value": 1})
    error = send_raw_error(node, raw)
    assert "insufficient funds for gas * price + value" in error["message"], error
    # Exactly enough is accepted and leaves zero.
    raw = signed_raw(poor, to=accounts[3].address, nonce=0, chainId=CHAIN_ID, **{**TRANSFER, "value": 0})
    tx_hash = node.rpc_result("eth_sendRawTransaction", [raw])
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.05)
    assert receipt["status"] == 1
    block = w3.eth.get_block(receipt["blockNumber"])
    assert w3.eth.get_balance(poor.address) == 21_000 * (10 * GWEI - receipt["effectiveGasPrice"])
    assert receipt["effectiveGasPrice"] == block["baseFeePerGas"] + GWEI


def test_tip_above_fee_cap(node, w3, accounts):
    sender = accounts[2]
    nonce = w3.eth.get_transaction_count(sender.address, "pending")
    base = {"to": accounts[3].address, "nonce": nonce, "chainId": CHAIN_ID, "value": 1, "gas": 21_000}
    error = send_raw_error(node, signed_raw(sender, **{**base, "maxFeePerGas": 2 * GWEI, "maxPriorityFeePerGas": 3 * GWEI}))
    assert error["code"] == SERVER_ERROR and "max priority fee per gas higher than max fee per gas" in error["message"], error


def test_queued_replacement_and_already_known(node, w3, accounts):
    """A future nonce waits in the queue; the same bytes again are "already known", a
    different transaction at that nonce and price is "replacement transaction underpriced";
    filling the gap mines both."""
    fresh = funded_fresh_account(w3, accounts[2], 1 * ETHER)
    status = node.rpc_result("txpool_status")
    assert status == {"pending": "0x0", "queued": "0x0"}, status

    future = signed_raw(fresh, to=accounts[3].address, nonce=1, chainId=CHAIN_ID, **TRANSFER)
    future_hash = node.rpc_result("eth_sendRawTransaction", [future])
    assert node.rpc_result("txpool_status") == {"pending": "0x0", "queued": "0x1"}
    content = node.rpc_result("txpool_content")
    queued = {k.lower(): v for k, v in content["queued"].items()}
    assert queued[fresh.address.lower()]["1"]["hash"] == future_hash
    assert w3.eth.get_transaction_count(fresh.address, "pending") == 0

    error = send_raw_error(node, future)
    assert error["code"] == SERVER_ERROR and "already known" in error["message"], error
    other = signed_raw(fresh, to=accounts[3].address, nonce=1, chainId=CHAIN_ID, **{**TRANSFER, "value": 2})
    error = send_raw_error(node, other)
    assert error["code"] == SERVER_ERROR and "replacement transaction underpriced" in error["message"], error
    # A 10 % bump of both fee fields replaces it.
    bumped = signed_raw(fresh, to=accounts[3].address, nonce=1, chainId=CHAIN_ID,
                        **{**TRANSFER, "value": 3, "maxFeePerGas": 11 * GWEI, "maxPriorityFeePerGas": GWEI * 11 // 10})
    bumped_hash = node.rpc_result("eth_sendRawTransaction", [bumped])
    assert node.rpc_result("txpool_status") == {"pending": "0x0", "queued": "0x1"}

    gap = signed_raw(fresh, to=accounts[3].address, nonce=0, chainId=CHAIN_ID, **TRANSFER)
    gap_hash = node.rpc_result("eth_sendRawTransaction", [gap])
    for h in (gap_hash, bumped_hash):
        assert w3.eth.wait_for_transaction_receipt(h, timeout=30, poll_latency=0.05)["status"] == 1
    assert w3.eth.get_transaction(bumped_hash)["value"] == 3
    assert node.rpc_result("eth_getTransactionByHash", [future_hash]) is None
    deadline = time.monotonic() + 10
    while node.rpc_result("txpool_status") != {"pending": "0x0", "queued": "0x0"} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert node.rpc_result("txpool_status") == {"pending": "0x0", "queued": "0x0"}


def test_nonce_too_low_for_a_fresh_signature(node, w3, accounts):
    sender = accounts[2]
    latest = w3.eth.get_transaction_count(sender.address)
    assert latest > 0
    raw = signed_raw(sender, to=accounts[3].address, nonce=latest - 1, chainId=CHAIN_ID, **{**TRANSFER, "value": 99})
    error = send_raw_error(node, raw)
    assert error["code"] == SERVER_ERROR and "nonce too low" in error["message"], error
