"""Encrypted results of confidential transactions and views (CONFIDENTIAL.md sections
5.3 and 5.4).

``encryptedResult = AES-256-GCM-SIV(key = responseKey, nonce = keccak(h)[0..12],
plaintext = rlp([status, returnData, logs]), aad)`` as ciphertext ‖ tag, where for a
transaction ``h = txHash`` and ``aad = txHash``, and for a view ``h = viewHash`` and
``aad = viewHash ‖ blockHash``. The nonce is not transmitted. Decryption succeeds only
under the right ``responseKey`` for the right transaction (or view and block) and
untampered bytes, else :class:`DecryptionFailed`; a result that opens but is not
well-formed raises :class:`ResultMalformed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV

from .encoding import keccak256
from .errors import DecryptionFailed, ResultMalformed
from .plaintext import RESPONSE_KEY_LENGTH
from .rlpcodec import RlpError, RlpItem, bytes_of, decode, encode, list_of, scalar_of

__all__ = [
    "GCM_SIV_TAG_LENGTH",
    "ConfidentialResult",
    "Log",
    "decode_result",
    "decrypt_result",
    "decrypt_view_result",
    "encode_result",
    "encrypt_result",
    "encrypt_view_result",
    "result_nonce",
]

#: Length of the AES-256-GCM-SIV tag that ends every ``encryptedResult``.
GCM_SIV_TAG_LENGTH = 16

#: The EVM emits at most four topics (LOG0..LOG4).
MAX_TOPICS = 4


@dataclass(frozen=True)
class Log:
    """One log of a confidential execution: the emitting contract, its topics (32 bytes
    each, at most four) and its data."""

    address: bytes
    topics: tuple[bytes, ...]
    data: bytes

    def __post_init__(self) -> None:
        if len(self.address) != 20:
            raise ValueError(f"a log's address has 20 bytes, not {len(self.address)}")
        if len(self.topics) > MAX_TOPICS:
            raise ValueError(f"a log has at most {MAX_TOPICS} topics, not {len(self.topics)}")
        for topic in self.topics:
            if len(topic) != 32:
                raise ValueError(f"a topic has 32 bytes, not {len(topic)}")


@dataclass(frozen=True)
class ConfidentialResult:
    """A decrypted result: ``status`` (True = success), ``return_data`` (the output, the
    revert data on REVERT, empty on a deploy's success and any other failure) and the
    ``logs``, which only the holder of the response key sees."""

    status: bool
    return_data: bytes
    logs: tuple[Log, ...] = ()


def result_nonce(subject_hash: bytes) -> bytes:
    """The 12-byte GCM-SIV nonce ``keccak(h)[0..12]`` of a result bound to ``h`` (the
    transaction hash, or the view hash)."""
    if len(subject_hash) != 32:
        raise ValueError(f"a transaction or view hash has 32 bytes, not {len(subject_hash)}")
    return keccak256(subject_hash)[:12]


def encode_result(result: ConfidentialResult) -> bytes:
    """``rlp([status, returnData, logs])``, status a canonical scalar (``0x01``/``0x80``)
    and each log ``[address, [topics…], data]``."""
    logs: list[RlpItem] = [[log.address, list(log.topics), log.data] for log in result.logs]
    return encode([b"\x01" if result.status else b"", result.return_data, logs])


def decode_result(plaintext: bytes) -> ConfidentialResult:
    """The result ``plaintext`` encodes, strictly: canonical RLP, exactly three items,
    ``status`` the scalar 1 or 0, ``returnData`` a byte string, ``logs`` a list of
    ``[address (20), [topics (32 each, at most 4)], data]``. Anything else raises
    :class:`ResultMalformed`."""
    try:
        items = list_of(decode(plaintext), "result", length=3)
        status = scalar_of(items[0], "status", bits=8)
        if status not in (0, 1):
            raise ResultMalformed(f"status is {status}, not 0 or 1")
        return_data = bytes_of(items[1], "returnData")
        logs: list[Log] = []
        for i, item in enumerate(list_of(items[2], "logs")):
            entry = list_of(item, f"logs[{i}]", length=3)
            topics = list_of(entry[1], f"logs[{i}].topics")
            if len(topics) > MAX_TOPICS:
                raise ResultMalformed(f"logs[{i}] has {len(topics)} topics, more than {MAX_TOPICS}")
            logs.append(
                Log(
                    address=bytes_of(entry[0], f"logs[{i}].address", length=20),
                    topics=tuple(bytes_of(t, f"logs[{i}].topics[{j}]", length=32) for j, t in enumerate(topics)),
                    data=bytes_of(entry[2], f"logs[{i}].data"),
                )
            )
    except RlpError as e:
        raise ResultMalformed(str(e)) from None
    return ConfidentialResult(status=status == 1, return_data=return_data, logs=tuple(logs))


def encrypt_result(result: ConfidentialResult | bytes, response_key: bytes, tx_hash: bytes) -> bytes:
    """The ``encryptedResult`` of a transaction (an enclave's job; here for tests): the
    result (or result plaintext bytes) sealed under ``response_key``, nonce
    ``keccak(txHash)[0..12]``, ``aad = txHash``."""
    return _seal(result, response_key, tx_hash, tx_hash)


def encrypt_view_result(
    result: ConfidentialResult | bytes, response_key: bytes, view_hash: bytes, block_hash: bytes
) -> bytes:
    """The ``encryptedResult`` of a view answered at ``block_hash`` (for tests): nonce
    ``keccak(viewHash)[0..12]``, ``aad = viewHash ‖ blockHash``."""
    return _seal(result, response_key, view_hash, view_hash + _block_hash(block_hash))


def decrypt_result(encrypted: bytes, response_key: bytes, tx_hash: bytes) -> ConfidentialResult:
    """The result of transaction ``tx_hash`` from its ``encryptedResult``.

    :class:`DecryptionFailed` unless it opens under ``response_key`` with nonce
    ``keccak(txHash)[0..12]`` and ``aad = txHash`` (so a wrong key, another
    transaction's result or a flipped bit fails); :class:`ResultMalformed` when it opens
    but is not a well-formed result.
    """
    return decode_result(_open(encrypted, response_key, tx_hash, tx_hash))


def decrypt_view_result(
    encrypted: bytes, response_key: bytes, view_hash: bytes, block_hash: bytes
) -> ConfidentialResult:
    """The result of the view ``view_hash`` answered at block ``block_hash``: as
    :func:`decrypt_result`, with nonce ``keccak(viewHash)[0..12]`` and ``aad = viewHash ‖
    blockHash``, so an answer from another block fails."""
    return decode_result(_open(encrypted, response_key, view_hash, view_hash + _block_hash(block_hash)))


def _block_hash(block_hash: bytes) -> bytes:
    if len(block_hash) != 32:
        raise ValueError(f"a block hash has 32 bytes, not {len(block_hash)}")
    return block_hash


def _cipher(response_key: bytes) -> AESGCMSIV:
    if len(response_key) != RESPONSE_KEY_LENGTH:
        raise ValueError(f"a response key has {RESPONSE_KEY_LENGTH} bytes, not {len(response_key)}")
    return AESGCMSIV(bytes(response_key))


def _seal(result: ConfidentialResult | bytes, response_key: bytes, subject_hash: bytes, aad: bytes) -> bytes:
    plaintext = encode_result(result) if isinstance(result, ConfidentialResult) else bytes(result)
    return _cipher(response_key).encrypt(result_nonce(subject_hash), plaintext, aad)


def _open(encrypted: bytes, response_key: bytes, subject_hash: bytes, aad: bytes) -> bytes:
    cipher = _cipher(response_key)
    nonce = result_nonce(subject_hash)
    if len(encrypted) < GCM_SIV_TAG_LENGTH:
        raise DecryptionFailed(f"the encrypted result has {len(encrypted)} bytes, less than a tag")
    try:
        return cipher.decrypt(nonce, bytes(encrypted), aad)
    except InvalidTag:
        raise DecryptionFailed("the result does not open under this response key for this transaction") from None
