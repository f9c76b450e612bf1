"""send_confidential, result_of and call_confidential against a fake node that holds the
transaction key's private half: what the client sends opens, as an enclave opens it, to
the plaintext it meant; a node that lies about the result, the transaction hash or the
block a view was answered from is refused."""

from __future__ import annotations

import dataclasses

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from cloister_client import (
    ConfidentialRefused,
    ConfidentialResult,
    ConfidentialTransaction,
    DecryptionFailed,
    Log,
    PinnedPolicy,
    TxKeyRefused,
    TxPlaintext,
    build_confidential_transaction,
    build_view_envelope,
    call_confidential,
    check_plaintext,
    encrypt_result,
    result_of,
    send_confidential,
)
from cloister_client.encoding import keccak256

from fakenode import BASE_FEE, GAS_LIMIT, PRIORITY_FEE, FakeNode, hx
from simquote import secp256k1_key

TO = "0x" + "11" * 20
DATA = bytes.fromhex("a9059cbb") + (0x1234).to_bytes(32, "big") + (5).to_bytes(32, "big")


@pytest.fixture(scope="module")
def base_node() -> FakeNode:
    return FakeNode.create()


@pytest.fixture
def node(base_node: FakeNode) -> FakeNode:
    # A fresh copy of the module's node (making quotes and blocks is the slow part).
    return dataclasses.replace(
        base_node,
        blocks=dict(base_node.blocks),
        tx_key=dict(base_node.tx_key),
        simulated=dict(base_node.simulated),
        errors=dict(base_node.errors),
        calls=[],
        nonces={},
        pending_nonces={},
        sent=[],
        receipts={},
        results={},
        views=[],
    )


@pytest.fixture
def account() -> LocalAccount:
    made: LocalAccount = Account.from_key(secp256k1_key().to_bytes())
    return made


def pinned(node: FakeNode) -> PinnedPolicy:
    return node.world.policy()


def sender_of(account: LocalAccount) -> bytes:
    return bytes.fromhex(account.address[2:])


# ------------------------------------------------------------------ send_confidential


def test_send_puts_a_0x40_transaction_that_opens_to_the_plaintext(node: FakeNode, account: LocalAccount) -> None:
    node.pending_nonces[sender_of(account)] = 4
    tx_hash, response_key = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)

    assert len(node.sent) == 1
    raw = node.sent[0]
    assert raw[0] == 0x40
    assert keccak256(raw) == tx_hash
    tx, plaintext = node.open_sent(raw)
    assert plaintext == TxPlaintext(
        to=bytes.fromhex(TO[2:]), data=DATA, response_key=response_key, padding_length=plaintext.padding_length
    )
    assert len(tx.open(node.tx_private_key)) % 256 == 0
    assert len(response_key) == 32
    assert tx.sender() == sender_of(account)
    assert tx.chain_id == node.world.chain_id
    assert (tx.epoch, tx.generation, tx.suite) == ((node.head + 1) // 1000, 1, 1)
    assert tx.nonce == 4
    assert tx.max_priority_fee_per_gas == PRIORITY_FEE
    assert tx.max_fee_per_gas == 2 * BASE_FEE + PRIORITY_FEE
    assert tx.gas_limit == 100_000
    # The key was verified before anything was encrypted to it.
    methods = [m for m, _ in node.calls]
    assert {"conf_getTxKey", "conf_getEnclaves", "conf_getGenerations", "conf_getAttestationPolicy"} <= set(methods)
    assert methods.index("conf_getEnclaves") < methods.index("eth_sendRawTransaction")
    assert ("eth_getTransactionCount", [hx(sender_of(account)), "pending"]) in node.calls


def test_send_with_explicit_fields_and_a_deploy(node: FakeNode, account: LocalAccount) -> None:
    init_code = bytes.fromhex("6080604052") * 100
    tx_hash, response_key = send_confidential(
        node.w3(),
        account,
        None,
        init_code,
        pinned(node),
        gas=500_000,
        max_fee_per_gas=50,
        max_priority_fee_per_gas=3,
        nonce=77,
    )
    tx, plaintext = node.open_sent(node.sent[0])
    assert plaintext.to is None and plaintext.data == init_code and plaintext.response_key == response_key
    assert (tx.nonce, tx.max_fee_per_gas, tx.max_priority_fee_per_gas, tx.gas_limit) == (77, 50, 3, 500_000)
    methods = {m for m, _ in node.calls}
    assert "eth_getTransactionCount" not in methods and "eth_maxPriorityFeePerGas" not in methods


def test_each_send_has_a_fresh_response_key_and_ephemeral_key(node: FakeNode, account: LocalAccount) -> None:
    _, key_a = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    _, key_b = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    assert key_a != key_b
    a = ConfidentialTransaction.decode(node.sent[0])
    b = ConfidentialTransaction.decode(node.sent[1])
    assert a.enc != b.enc


def test_gas_below_the_intrinsic_gas_is_refused_before_any_request(node: FakeNode, account: LocalAccount) -> None:
    with pytest.raises(ValueError) as info:
        send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=21_000)
    assert "intrinsic" in str(info.value)
    assert node.calls == []


def test_the_gas_floor_is_exactly_the_intrinsic_gas(node: FakeNode, account: LocalAccount) -> None:
    tx, _ = build_confidential_transaction(node.w3(), account, TO, DATA, pinned(node), gas=10**6)
    floor = tx.intrinsic_gas()
    assert floor == 21_000 + 16 * (32 + 256 + 16)
    exact, _ = build_confidential_transaction(node.w3(), account, TO, DATA, pinned(node), gas=floor)
    assert exact.gas_limit == floor
    with pytest.raises(ValueError):
        build_confidential_transaction(node.w3(), account, TO, DATA, pinned(node), gas=floor - 1)


@pytest.mark.parametrize("to", ["0x" + "11" * 19, "1111111111111111111111111111111111111111", b"\x11" * 21, b""])
def test_a_bad_to_is_refused(node: FakeNode, account: LocalAccount, to: str | bytes) -> None:
    with pytest.raises(ValueError):
        send_confidential(node.w3(), account, to, DATA, pinned(node), gas=100_000)
    assert node.sent == []


def test_a_bad_checksum_is_refused(node: FakeNode, account: LocalAccount) -> None:
    good = "0x43E4FD93713b4b18d31b5D1f5bfCD189BC5774Db"  # EIP-55
    bad = "0x43e4FD93713b4b18d31b5D1f5bfCD189BC5774Db"
    with pytest.raises(ValueError) as info:
        send_confidential(node.w3(), account, bad, DATA, pinned(node), gas=100_000)
    assert "checksum" in str(info.value)
    for fine in (good, good.lower(), "0x" + good[2:].upper()):
        send_confidential(node.w3(), account, fine, DATA, pinned(node), gas=100_000)
    assert len(node.sent) == 3


def test_a_lying_tx_key_is_refused_and_nothing_is_sent(node: FakeNode, account: LocalAccount) -> None:
    node.make_tx_key(signer=secp256k1_key())
    with pytest.raises(TxKeyRefused):
        send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    assert node.sent == []


def test_a_node_naming_another_tx_hash_is_refused(node: FakeNode, account: LocalAccount) -> None:
    node.sent_hash_override = hx(keccak256(b"something else"))
    with pytest.raises(ConfidentialRefused) as info:
        send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    assert info.value.code == "tx-hash"


def test_a_node_refusing_the_transaction(node: FakeNode, account: LocalAccount) -> None:
    node.errors["eth_sendRawTransaction"] = "nonce too low"
    with pytest.raises(ConfidentialRefused) as info:
        send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    assert info.value.code == "rpc" and "nonce too low" in info.value.reason


# ------------------------------------------------------------------ result_of


RESULT = ConfidentialResult(
    status=True,
    return_data=(1).to_bytes(32, "big"),
    logs=(Log(b"\x4e" * 20, (keccak256(b"Transfer(address,address,uint256)"),), (5).to_bytes(32, "big")),),
)


def test_result_of_decrypts_the_receipts_encrypted_result(node: FakeNode, account: LocalAccount) -> None:
    tx_hash, response_key = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    assert result_of(node.w3(), tx_hash, response_key) is None  # not included yet
    node.include(node.sent[0], RESULT)
    assert result_of(node.w3(), tx_hash, response_key) == RESULT


def test_result_of_falls_back_to_conf_get_result(node: FakeNode, account: LocalAccount) -> None:
    tx_hash, response_key = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    node.include(node.sent[0], RESULT)
    receipt = node.receipts[tx_hash]
    node.results[tx_hash] = {"blockHash": receipt["blockHash"], "encryptedResult": receipt.pop("encryptedResult")}
    assert result_of(node.w3(), tx_hash, response_key, pinned=pinned(node)) == RESULT
    assert any(m == "conf_getResult" for m, _ in node.calls)
    node.simulated["conf_getResult"] = False
    with pytest.raises(ConfidentialRefused) as info:
        result_of(node.w3(), tx_hash, response_key, pinned=pinned(node))
    assert info.value.code == "simulated"


def test_result_of_with_the_wrong_response_key_fails(node: FakeNode, account: LocalAccount) -> None:
    tx_hash, response_key = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    node.include(node.sent[0], RESULT)
    with pytest.raises(DecryptionFailed):
        result_of(node.w3(), tx_hash, bytes(32))


def test_a_tampered_result_fails(node: FakeNode, account: LocalAccount) -> None:
    tx_hash, response_key = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    node.include(node.sent[0], RESULT)
    encrypted = bytearray.fromhex(node.receipts[tx_hash]["encryptedResult"][2:])
    encrypted[3] ^= 1
    node.receipts[tx_hash]["encryptedResult"] = hx(bytes(encrypted))
    with pytest.raises(DecryptionFailed):
        result_of(node.w3(), tx_hash, response_key)


def test_another_transactions_result_fails(node: FakeNode, account: LocalAccount) -> None:
    tx_hash, response_key = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    node.include(node.sent[0], RESULT)
    # The node serves a result made for another transaction under the same response key.
    other = encrypt_result(ConfidentialResult(False, b"lie"), response_key, keccak256(b"other"))
    node.receipts[tx_hash]["encryptedResult"] = hx(other)
    with pytest.raises(DecryptionFailed):
        result_of(node.w3(), tx_hash, response_key)


def test_a_public_status_that_contradicts_the_result_is_refused(node: FakeNode, account: LocalAccount) -> None:
    tx_hash, response_key = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    node.include(node.sent[0], RESULT)
    node.receipts[tx_hash]["status"] = "0x0"
    with pytest.raises(ConfidentialRefused) as info:
        result_of(node.w3(), tx_hash, response_key)
    assert info.value.code == "status"


def test_an_included_transaction_without_a_result(node: FakeNode, account: LocalAccount) -> None:
    tx_hash, response_key = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    node.include(node.sent[0], RESULT)
    node.receipts[tx_hash].update(status="0x0", encryptedResult="0x")
    with pytest.raises(ConfidentialRefused) as info:
        result_of(node.w3(), tx_hash, response_key)
    assert info.value.code == "not-executed"


def test_a_receipt_of_another_transaction_is_refused(node: FakeNode, account: LocalAccount) -> None:
    tx_hash, response_key = send_confidential(node.w3(), account, TO, DATA, pinned(node), gas=100_000)
    node.include(node.sent[0], RESULT)
    node.receipts[tx_hash]["transactionHash"] = hx(keccak256(b"x"))
    with pytest.raises(ConfidentialRefused) as info:
        result_of(node.w3(), tx_hash, response_key)
    assert info.value.code == "reply"


# ------------------------------------------------------------------ call_confidential


def test_call_confidential_returns_the_decrypted_view_result(node: FakeNode, account: LocalAccount) -> None:
    node.nonces[sender_of(account)] = 12
    node.view_result = RESULT
    result = call_confidential(node.w3(), account, TO, DATA, pinned(node))
    assert result == RESULT

    assert len(node.views) == 1
    view, plaintext, tag = node.views[0]
    assert tag == hex(node.head)  # the tag was resolved to a number first
    assert view.sender() == sender_of(account)
    assert view.nonce == 12  # the sender's current nonce at that block
    assert ("eth_getTransactionCount", [hx(sender_of(account)), hex(node.head)]) in node.calls
    assert (view.epoch, view.generation) == ((node.head + 1) // 1000, 1)
    assert view.gas_limit == GAS_LIMIT and view.max_fee_per_gas == 0
    assert plaintext.to == bytes.fromhex(TO[2:]) and plaintext.data == DATA
    # A view is never a transaction: as one, it recovers another sender and does not open.
    as_tx = ConfidentialTransaction.decode(view.raw())
    assert as_tx.sender() != sender_of(account)
    with pytest.raises(DecryptionFailed):
        as_tx.open(node.tx_private_key)


def test_call_confidential_at_a_block_number(node: FakeNode, account: LocalAccount) -> None:
    node.head = 1200
    node.make_tx_key()
    result = call_confidential(node.w3(), account, TO, DATA, pinned(node), block=1100, gas=50_000)
    assert result == node.view_result
    view, _, tag = node.views[0]
    assert tag == hex(1100) and view.gas_limit == 50_000
    assert ("conf_getTxKey", [hex(1100)]) in node.calls


def test_call_confidential_refuses_a_reply_from_another_block(node: FakeNode, account: LocalAccount) -> None:
    node.view_answer_block = node.head - 1
    with pytest.raises(ConfidentialRefused) as info:
        call_confidential(node.w3(), account, TO, DATA, pinned(node))
    assert info.value.code == "block-hash"
    assert info.value.got == node.block_hash(node.head - 1)
    assert info.value.expected == node.block_hash(node.head)


def test_call_confidential_refuses_a_result_made_for_another_block(node: FakeNode, account: LocalAccount) -> None:
    # The node names the asked block but the enclave's answer is bound to another one.
    node.view_encrypt_block = node.head - 1
    with pytest.raises(DecryptionFailed):
        call_confidential(node.w3(), account, TO, DATA, pinned(node))


def test_call_confidential_refuses_a_simulated_flag_unlike_the_pinned_one(node: FakeNode, account: LocalAccount) -> None:
    node.simulated["conf_call"] = False
    with pytest.raises(ConfidentialRefused) as info:
        call_confidential(node.w3(), account, TO, DATA, pinned(node))
    assert info.value.code == "simulated"


def test_call_confidential_refuses_a_lying_tx_key(node: FakeNode, account: LocalAccount) -> None:
    node.make_tx_key(generation=2)
    with pytest.raises(TxKeyRefused):
        call_confidential(node.w3(), account, TO, DATA, pinned(node))
    assert node.views == []


def test_a_prepared_view_names_its_block(node: FakeNode, account: LocalAccount) -> None:
    prepared = build_view_envelope(node.w3(), account, TO, DATA, pinned(node))
    assert prepared.block_number == node.head and prepared.block_hash == node.block_hash(node.head)
    assert check_plaintext(prepared.envelope.open(node.tx_private_key)).response_key == prepared.response_key
