"""Sending confidential transactions, reading their results, and signed view calls
(CONFIDENTIAL.md sections 5.2, 5.3 and 5.4), over a node that is not trusted.

Every function first gets the transaction key with :func:`fetch_tx_key`, so nothing is
encrypted to a key the client has not verified against its pinned policy (a refusal is
a :class:`TxKeyRefused`). Every plaintext is well-formed and padded to a multiple of 256
bytes, carries a fresh random 32-byte ``responseKey``, and is sealed with HPKE suite 1
to that key; the envelope is signed with the account's key (RFC 6979, low s). A node's
reply that the client will not use raises :class:`ConfidentialRefused`; a result that
does not open raises :class:`DecryptionFailed`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from eth_utils.address import is_checksum_address

from . import rpc
from .encoding import hex_bytes, to_hex
from .envelope import INTRINSIC_BASE_GAS, INTRINSIC_GAS_PER_BYTE, ConfidentialTransaction, Envelope, ViewEnvelope
from .errors import ConfidentialRefused
from .hpke import HPKE_ENC_LENGTH, HPKE_TAG_LENGTH
from .plaintext import RESPONSE_KEY_LENGTH, encode_plaintext
from .policy import PinnedPolicy
from .result import ConfidentialResult, decrypt_result, decrypt_view_result
from .rpc import HasProvider
from .txkey import TxKey, fetch_tx_key

__all__ = [
    "PreparedView",
    "SigningAccount",
    "build_confidential_transaction",
    "build_view_envelope",
    "call_confidential",
    "result_of",
    "send_confidential",
]

_E = TypeVar("_E", bound=Envelope)

#: The type of a ``0x40`` transaction in a JSON receipt.
_TX_TYPE_HEX = "0x40"


class SigningAccount(Protocol):
    """What is needed of an account: an ``eth_account`` ``LocalAccount`` (its checksum
    ``address`` and its 32-byte private ``key``)."""

    @property
    def address(self) -> str: ...

    @property
    def key(self) -> bytes: ...


@dataclass(frozen=True)
class PreparedView:
    """A signed view envelope, the ``responseKey`` that opens its result, and the block
    (number and hash) it asks about."""

    envelope: ViewEnvelope
    response_key: bytes
    block_number: int
    block_hash: bytes


def build_confidential_transaction(
    w3: HasProvider,
    account: SigningAccount,
    to: str | bytes | None,
    data: bytes,
    pinned: PinnedPolicy,
    *,
    gas: int,
    max_fee_per_gas: int | None = None,
    max_priority_fee_per_gas: int | None = None,
    nonce: int | None = None,
) -> tuple[ConfidentialTransaction, bytes]:
    """A signed confidential transaction calling ``to`` (an address, or None to deploy
    ``data`` as init code) with ``data``, and the 32-byte ``responseKey`` that opens its
    result.

    The key is :func:`fetch_tx_key` at ``latest`` (verified, or :class:`TxKeyRefused`);
    the transaction names its chain id, epoch and generation. ``nonce`` defaults to
    ``eth_getTransactionCount(sender, "pending")``; ``max_priority_fee_per_gas`` to
    ``eth_maxPriorityFeePerGas``; ``max_fee_per_gas`` to twice the base fee of the block
    the key was fetched at plus the priority fee. ValueError, before any request, when
    ``gas`` is below the intrinsic gas (21,000 + 16 per byte of ``enc ‖ ciphertext``) or
    ``to`` is not an address; ValueError also for a ``max_fee_per_gas`` below
    ``max_priority_fee_per_gas`` and an account whose address is not its key's.
    """
    callee = _callee(to)
    response_key = os.urandom(RESPONSE_KEY_LENGTH)
    plaintext = encode_plaintext(callee, bytes(data), response_key)
    _check_gas(gas, len(plaintext))
    sender = _sender(account)

    key = fetch_tx_key(w3, pinned)
    if nonce is None:
        nonce = _quantity(_call(w3, "eth_getTransactionCount", [to_hex(sender), "pending"]), "eth_getTransactionCount")
    if max_priority_fee_per_gas is None:
        max_priority_fee_per_gas = _quantity(
            _call(w3, "eth_maxPriorityFeePerGas", []), "eth_maxPriorityFeePerGas", bits=256
        )
    if max_fee_per_gas is None:
        block = rpc.get_block(w3, hex(key.block_number), f"block {key.block_number}", refuse=ConfidentialRefused)
        if block.base_fee is None:
            raise ConfidentialRefused(f"block {block.number} has no baseFeePerGas", code="reply")
        max_fee_per_gas = 2 * block.base_fee + max_priority_fee_per_gas
    if max_fee_per_gas < max_priority_fee_per_gas:
        raise ValueError(
            f"max_fee_per_gas {max_fee_per_gas} is below max_priority_fee_per_gas {max_priority_fee_per_gas}"
        )
    tx = _seal(
        ConfidentialTransaction, key, plaintext, sender, account, nonce, max_priority_fee_per_gas, max_fee_per_gas, gas
    )
    return tx, response_key


def send_confidential(
    w3: HasProvider,
    account: SigningAccount,
    to: str | bytes | None,
    data: bytes,
    pinned: PinnedPolicy,
    *,
    gas: int,
    max_fee_per_gas: int | None = None,
    max_priority_fee_per_gas: int | None = None,
    nonce: int | None = None,
) -> tuple[bytes, bytes]:
    """Builds a transaction as :func:`build_confidential_transaction` does and sends it
    with ``eth_sendRawTransaction``. Returns ``(txHash, responseKey)``; keep the
    response key: it is the only way to read the result (:func:`result_of`).

    :class:`ConfidentialRefused` ``"tx-hash"`` when the node names another hash than
    ``keccak(raw)``, ``"rpc"`` when it refuses the transaction.
    """
    tx, response_key = build_confidential_transaction(
        w3,
        account,
        to,
        data,
        pinned,
        gas=gas,
        max_fee_per_gas=max_fee_per_gas,
        max_priority_fee_per_gas=max_priority_fee_per_gas,
        nonce=nonce,
    )
    tx_hash = tx.hash()
    named = _data(_call(w3, "eth_sendRawTransaction", [to_hex(tx.raw())]), "eth_sendRawTransaction", length=32)
    if named != tx_hash:
        raise ConfidentialRefused(
            f"the node names transaction {to_hex(named)}, the one sent is {to_hex(tx_hash)}",
            code="tx-hash",
            got=named,
            expected=tx_hash,
        )
    return tx_hash, response_key


def result_of(
    w3: HasProvider, tx_hash: bytes, response_key: bytes, *, pinned: PinnedPolicy | None = None
) -> ConfidentialResult | None:
    """The decrypted result of the confidential transaction ``tx_hash``, or None while
    it has no receipt.

    It reads ``encryptedResult`` from ``eth_getTransactionReceipt``, or, when the
    receipt lacks that field, from ``conf_getResult(txHash)`` (whose ``simulated`` must
    equal the pinned ``insecureSimulation`` when ``pinned`` is given). Raises
    :class:`DecryptionFailed` when the result does not open under ``response_key`` for
    ``tx_hash``, and :class:`ConfidentialRefused` for a receipt of another transaction
    or type (``"reply"``), a public receipt ``status`` that differs from the decrypted
    one (``"status"``), and an included transaction without a result (``"not-executed"``:
    the enclave could not decrypt it or its plaintext was not well-formed).
    """
    if len(tx_hash) != 32:
        raise ValueError(f"a transaction hash has 32 bytes, not {len(tx_hash)}")
    what = "eth_getTransactionReceipt"
    raw_receipt = _call(w3, what, [to_hex(tx_hash)])
    if raw_receipt is None:
        return None
    receipt = _obj(raw_receipt, what)
    named = _data(_field(receipt, "transactionHash", what), f"{what}.transactionHash", length=32)
    if named != tx_hash:
        raise ConfidentialRefused(f"asked for the receipt of {to_hex(tx_hash)}, got {to_hex(named)}", code="reply")
    if receipt.get("type", _TX_TYPE_HEX) != _TX_TYPE_HEX:
        raise ConfidentialRefused(f"the receipt's type is {receipt['type']!r}, not {_TX_TYPE_HEX}", code="reply")
    public_status = None if receipt.get("status") is None else _quantity(receipt["status"], f"{what}.status")

    if "encryptedResult" in receipt:
        encrypted = _data(receipt["encryptedResult"], f"{what}.encryptedResult")
    else:
        what = "conf_getResult"
        raw_reply = _call(w3, what, [to_hex(tx_hash)])
        if raw_reply is None:
            return None
        reply = _obj(raw_reply, what)
        if pinned is not None:
            _check_simulated(reply, pinned, what)
        _data(_field(reply, "blockHash", what), f"{what}.blockHash", length=32)
        encrypted = _data(_field(reply, "encryptedResult", what), f"{what}.encryptedResult")
    if not encrypted:
        raise ConfidentialRefused(
            "the transaction was included without a result: the enclave could not decrypt it or its plaintext "
            "was not well-formed",
            code="not-executed",
        )
    result = decrypt_result(encrypted, response_key, tx_hash)
    if public_status is not None and public_status != int(result.status):
        raise ConfidentialRefused(
            f"the receipt's public status {public_status} is not the decrypted status {int(result.status)}",
            code="status",
            got=public_status,
            expected=int(result.status),
        )
    return result


def build_view_envelope(
    w3: HasProvider,
    account: SigningAccount,
    to: str | bytes | None,
    data: bytes,
    pinned: PinnedPolicy,
    block: str | int = "latest",
    *,
    gas: int | None = None,
    max_fee_per_gas: int = 0,
    max_priority_fee_per_gas: int = 0,
) -> PreparedView:
    """A signed view envelope for a call of ``to`` with ``data`` against the state at
    ``block``, with its ``responseKey`` and the block it is for.

    ``block`` is resolved to one block N first (``eth_getBlockByNumber``); the key is
    :func:`fetch_tx_key` at N, so its epoch and generation are those of the block after
    N (section 5.4), and it must have been fetched at the same block hash
    (:class:`ConfidentialRefused` ``"block-hash"``); the nonce is the sender's at N.
    ``gas`` defaults to N's gas limit; the fee fields default to 0 (a view pays
    nothing).
    """
    callee = _callee(to)
    response_key = os.urandom(RESPONSE_KEY_LENGTH)
    plaintext = encode_plaintext(callee, bytes(data), response_key)
    sender = _sender(account)
    if not isinstance(block, str) and (isinstance(block, bool) or block < 0):
        raise ValueError("block must be a block tag or a non-negative block number")

    asked = rpc.get_block(w3, block if isinstance(block, str) else hex(block), "requested block", refuse=ConfidentialRefused)
    key = fetch_tx_key(w3, pinned, block=asked.number)
    if key.block_hash != asked.hash:
        raise ConfidentialRefused(
            f"block {asked.number} changed from {to_hex(asked.hash)} to {to_hex(key.block_hash)} while the key was "
            "fetched",
            code="block-hash",
            got=key.block_hash,
            expected=asked.hash,
        )
    nonce = _quantity(
        _call(w3, "eth_getTransactionCount", [to_hex(sender), hex(asked.number)]), "eth_getTransactionCount"
    )
    gas_limit = asked.gas_limit if gas is None else gas
    view = _seal(
        ViewEnvelope, key, plaintext, sender, account, nonce, max_priority_fee_per_gas, max_fee_per_gas, gas_limit
    )
    return PreparedView(envelope=view, response_key=response_key, block_number=asked.number, block_hash=asked.hash)


def call_confidential(
    w3: HasProvider,
    account: SigningAccount,
    to: str | bytes | None,
    data: bytes,
    pinned: PinnedPolicy,
    block: str | int = "latest",
    *,
    gas: int | None = None,
    max_fee_per_gas: int = 0,
    max_priority_fee_per_gas: int = 0,
) -> ConfidentialResult:
    """A signed view call of ``to`` with ``data`` against the confidential state at
    ``block`` (``conf_call(viewEnvelope, N)``), decrypted.

    The envelope is :func:`build_view_envelope`'s, for block N. The reply is used only
    when its ``simulated`` equals the pinned ``insecureSimulation`` (``"simulated"``),
    its ``blockHash`` is the hash of N (``"block-hash"``: the node chooses the state it
    answers from, so the client checks it), and it carries a result
    (``"not-executed"``); each refusal is a :class:`ConfidentialRefused`. The result
    must open with ``aad = viewHash ‖ blockHash`` (else :class:`DecryptionFailed`).
    """
    prepared = build_view_envelope(
        w3,
        account,
        to,
        data,
        pinned,
        block,
        gas=gas,
        max_fee_per_gas=max_fee_per_gas,
        max_priority_fee_per_gas=max_priority_fee_per_gas,
    )
    what = "conf_call"
    reply = _obj(_call(w3, what, [to_hex(prepared.envelope.raw()), hex(prepared.block_number)]), what)
    _check_simulated(reply, pinned, what)
    answered = _data(_field(reply, "blockHash", what), f"{what}.blockHash", length=32)
    if answered != prepared.block_hash:
        raise ConfidentialRefused(
            f"the node answered from block {to_hex(answered)}, the client asked for block {prepared.block_number} "
            f"({to_hex(prepared.block_hash)})",
            code="block-hash",
            got=answered,
            expected=prepared.block_hash,
        )
    encrypted = _data(_field(reply, "encryptedResult", what), f"{what}.encryptedResult")
    if not encrypted:
        raise ConfidentialRefused("conf_call answered without a result", code="not-executed")
    return decrypt_view_result(encrypted, prepared.response_key, prepared.envelope.view_hash(), prepared.block_hash)


# --------------------------------------------------------------------- helpers


def _data(value: Any, what: str, *, length: int | None = None) -> bytes:
    return rpc.data(value, what, length=length, refuse=ConfidentialRefused)


def _field(o: Mapping[str, Any], key: str, what: str) -> Any:
    return rpc.field(o, key, what, refuse=ConfidentialRefused)


def _quantity(value: Any, what: str, *, bits: int = 64) -> int:
    return rpc.quantity(value, what, bits=bits, refuse=ConfidentialRefused)


def _call(w3: HasProvider, method: str, params: list[Any]) -> Any:
    return rpc.call(w3, method, params, refuse=ConfidentialRefused)


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    return rpc.obj(value, what, refuse=ConfidentialRefused)


def _callee(to: str | bytes | None) -> bytes | None:
    """``to`` as 20 bytes, or None for a deploy. A string is ``0x`` hex; a mixed-case one
    must carry a valid EIP-55 checksum."""
    if to is None:
        return None
    if isinstance(to, str):
        address = hex_bytes(to, length=20, what="to")
        digits = to[2:]
        if digits != digits.lower() and digits != digits.upper() and not is_checksum_address(to):
            raise ValueError(f"to: {to} has a wrong EIP-55 checksum")
        return address
    if isinstance(to, (bytes, bytearray)):
        if len(to) != 20:
            raise ValueError(f"to is a 20-byte address (or None for a deploy), not {len(to)} bytes")
        return bytes(to)
    raise TypeError("to is an address (str or bytes) or None")


def _sender(account: SigningAccount) -> bytes:
    return hex_bytes(account.address, length=20, what="account.address")


def _check_gas(gas: int, plaintext_length: int) -> None:
    if isinstance(gas, bool) or not isinstance(gas, int):
        raise TypeError("gas must be an int")
    intrinsic = INTRINSIC_BASE_GAS + INTRINSIC_GAS_PER_BYTE * (HPKE_ENC_LENGTH + plaintext_length + HPKE_TAG_LENGTH)
    if gas < intrinsic:
        raise ValueError(f"gas {gas} is below the intrinsic gas {intrinsic} of this transaction")


def _check_simulated(reply: Mapping[str, Any], pinned: PinnedPolicy, method: str) -> None:
    simulated = rpc.flag(_field(reply, "simulated", method), f"{method}.simulated", refuse=ConfidentialRefused)
    if simulated != pinned.insecure_simulation:
        raise ConfidentialRefused(
            f"{method} says simulated={str(simulated).lower()}, the pinned policy says "
            f"insecureSimulation={str(pinned.insecure_simulation).lower()}",
            code="simulated",
            got=simulated,
            expected=pinned.insecure_simulation,
        )


def _seal(
    kind: type[_E],
    key: TxKey,
    plaintext: bytes,
    sender: bytes,
    account: SigningAccount,
    nonce: int,
    max_priority_fee_per_gas: int,
    max_fee_per_gas: int,
    gas_limit: int,
) -> _E:
    envelope = kind.seal(
        public_key=key.public_key,
        plaintext=plaintext,
        sender=sender,
        chain_id=key.chain_id,
        nonce=nonce,
        max_priority_fee_per_gas=max_priority_fee_per_gas,
        max_fee_per_gas=max_fee_per_gas,
        gas_limit=gas_limit,
        epoch=key.epoch,
        generation=key.generation,
    ).sign(bytes(account.key))
    if envelope.sender() != sender:
        raise ValueError("the account's address is not the address of its key")
    return envelope
