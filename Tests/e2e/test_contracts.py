"""Contracts compiled with Vyper: deployment, ERC-20 transfers to the token, revert reasons."""

import pytest
import rlp
from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector, keccak, to_checksum_address
from web3.exceptions import ContractLogicError

from helpers import ETHER, EXECUTION_REVERTED, deploy, sign_and_send, transact

SUPPLY = 1_000_000 * ETHER
ERROR_SELECTOR = function_signature_to_4byte_selector("Error(string)")


def revert_data(reason: str) -> str:
    """The ABI encoding of Error(string) that a reason-string revert returns."""
    return "0x" + (ERROR_SELECTOR + encode(["string"], [reason])).hex()


def test_deployment_stores_runtime_code(w3, accounts, compiled):
    contract, receipt = deploy(w3, accounts[4], compiled["Token"], "Deploy Check", "DC", 5)
    code = w3.eth.get_code(contract.address)
    assert len(code) > 0
    # The deployed code is the tail of the init code (Vyper appends the runtime after the deployer).
    assert bytes.fromhex(compiled["Token"]["bytecode"][2:]).find(bytes(code)) >= 0
    tx = w3.eth.get_transaction(receipt["transactionHash"])
    assert tx["to"] is None
    assert receipt["to"] is None
    # The contract address is keccak(rlp([sender, nonce]))[12:].
    expected = to_checksum_address(keccak(rlp.encode([bytes.fromhex(accounts[4].address[2:]), tx["nonce"]]))[12:])
    assert receipt["contractAddress"] == expected
    assert contract.functions.totalSupply().call() == 5
    assert contract.functions.balanceOf(accounts[4].address).call() == 5
    assert contract.functions.name().call() == "Deploy Check"
    assert contract.functions.symbol().call() == "DC"
    assert contract.functions.decimals().call() == 18


def test_erc20_constructor_mints_to_deployer(token, accounts):
    assert token.functions.totalSupply().call() == SUPPLY
    assert token.functions.balanceOf(accounts[1].address).call() == SUPPLY
    assert token.functions.balanceOf(accounts[2].address).call() == 0


def test_erc20_transfer_moves_exact_amounts_and_logs(w3, token, accounts):
    sender, receiver = accounts[1].address, accounts[5].address
    before_sender = token.functions.balanceOf(sender).call()
    before_receiver = token.functions.balanceOf(receiver).call()
    amount = 1234 * ETHER + 567

    receipt = transact(w3, accounts[1], token, "transfer", receiver, amount)
    assert receipt["status"] == 1
    block = receipt["blockNumber"]
    assert token.functions.balanceOf(sender).call(block_identifier=block) == before_sender - amount
    assert token.functions.balanceOf(receiver).call(block_identifier=block) == before_receiver + amount
    assert token.functions.balanceOf(sender).call(block_identifier=block - 1) == before_sender
    assert token.functions.totalSupply().call() == SUPPLY

    (log,) = receipt["logs"]
    assert log["address"] == token.address
    transfer = token.events.Transfer().process_log(log)
    assert transfer["args"] == {"sender": sender, "receiver": receiver, "value": amount}
    assert log["transactionHash"] == receipt["transactionHash"]
    assert log["blockHash"] == receipt["blockHash"]
    assert log["blockNumber"] == block
    assert log["logIndex"] == 0
    assert log["removed"] is False


def test_erc20_approve_and_transfer_from(w3, token, accounts):
    owner, spender, receiver = accounts[1], accounts[6], accounts[7]
    receipt = transact(w3, owner, token, "approve", spender.address, 100)
    approval = token.events.Approval().process_receipt(receipt)[0]
    assert approval["args"] == {"owner": owner.address, "spender": spender.address, "value": 100}
    assert token.functions.allowance(owner.address, spender.address).call() == 100

    before = token.functions.balanceOf(owner.address).call()
    receipt = transact(w3, spender, token, "transferFrom", owner.address, receiver.address, 60)
    assert receipt["status"] == 1
    assert token.functions.allowance(owner.address, spender.address).call() == 40
    assert token.functions.balanceOf(owner.address).call() == before - 60
    assert token.functions.balanceOf(receiver.address).call() == 60

    # Over the allowance: eth_call reports the reason, and a mined attempt fails with status 0.
    with pytest.raises(ContractLogicError, match="insufficient allowance"):
        token.functions.transferFrom(owner.address, receiver.address, 41).call({"from": spender.address})
    receipt = transact(w3, spender, token, "transferFrom", owner.address, receiver.address, 41, gas=100_000)
    assert receipt["status"] == 0
    assert receipt["logs"] == []
    assert receipt["gasUsed"] < 100_000
    assert token.functions.allowance(owner.address, spender.address).call() == 40


def test_erc20_many_transfers_conserve_supply(w3, token, accounts):
    holders = [a.address for a in accounts[2:10]]
    for i, holder in enumerate(holders):
        transact(w3, accounts[1], token, "transfer", holder, 1000 + i)
    total = sum(token.functions.balanceOf(a.address).call() for a in accounts)
    assert total == SUPPLY


def test_revert_reason_on_eth_call(token, accounts):
    nobody = accounts[8].address
    balance = token.functions.balanceOf(nobody).call()
    with pytest.raises(ContractLogicError) as raised:
        token.functions.transfer(accounts[1].address, balance + 1).call({"from": nobody})
    assert raised.value.message == "execution reverted: insufficient balance"
    assert raised.value.data == revert_data("insufficient balance")


def test_revert_reason_on_estimate_gas(token, accounts):
    nobody = accounts[8].address
    balance = token.functions.balanceOf(nobody).call()
    with pytest.raises(ContractLogicError) as raised:
        token.functions.transfer(accounts[1].address, balance + 1).estimate_gas({"from": nobody})
    assert raised.value.message == "execution reverted: insufficient balance"
    assert raised.value.data == revert_data("insufficient balance")


def test_revert_with_caller_reason_and_raw_error_object(node, events, accounts):
    data = events.encode_abi("fail", args=["boom: the reason, with unicode \u2713"])
    call = {"from": accounts[3].address, "to": events.address, "data": data}
    for method, params in (("eth_call", [call, "latest"]), ("eth_estimateGas", [call])):
        error = node.rpc_error(method, params)
        assert error["code"] == EXECUTION_REVERTED, error
        assert error["message"] == "execution reverted: boom: the reason, with unicode \u2713", error
        assert error["data"] == revert_data("boom: the reason, with unicode \u2713"), error
        (reason,) = decode(["string"], bytes.fromhex(error["data"][10:]))
        assert reason.startswith("boom")


def test_assert_without_reason_reverts_with_empty_data(node, events, accounts):
    data = events.encode_abi("check", args=[0])
    error = node.rpc_error("eth_call", [{"from": accounts[3].address, "to": events.address, "data": data}, "latest"])
    assert error["code"] == EXECUTION_REVERTED, error
    assert error["message"] == "execution reverted", error
    assert error.get("data", "0x") == "0x", error
    # The same call with a positive argument succeeds and returns nothing.
    ok = events.encode_abi("check", args=[3])
    assert node.rpc_result("eth_call", [{"from": accounts[3].address, "to": events.address, "data": ok}, "latest"]) == "0x"


def test_view_revert_and_result(events):
    assert events.functions.limited(4).call() == 8
    with pytest.raises(ContractLogicError, match="x must be below 10"):
        events.functions.limited(10).call()


def test_estimate_gas_is_enough_and_exact_for_transfer(w3, token, accounts):
    estimate = token.functions.transfer(accounts[9].address, 1).estimate_gas({"from": accounts[2].address})
    receipt = transact(w3, accounts[2], token, "transfer", accounts[9].address, 1, gas=estimate)
    assert receipt["status"] == 1
    assert receipt["gasUsed"] <= estimate
    # No refunds here, so the estimate is the gas used (go-ethereum's binary search lands on it).
    assert estimate - receipt["gasUsed"] < 5000


def test_out_of_gas_contract_call_fails_on_chain(w3, events, accounts):
    count = events.functions.count().call()
    receipt = sign_and_send(
        w3, accounts[3], {"to": events.address, "data": events.encode_abi("store", args=[1, 2]), "gas": 22_000}
    )
    assert receipt["status"] == 0
    assert receipt["gasUsed"] == 22_000
    assert events.functions.count().call() == count
