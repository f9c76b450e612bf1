"""The confidential byte formats refuse what they must: plaintexts that break one rule of
section 5.2 each, envelopes that section 0 tells a decoder to refuse (a high-s twin
first), a view passed off as a transaction, results opened under the wrong key or for
the wrong transaction or block, and a low-order HPKE ``enc``. Built from fixed inputs
(the vector values are repeated here so these run without the vector file)."""

from __future__ import annotations

import dataclasses

import pytest
import rlp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from eth_keys.datatypes import PrivateKey, Signature

from cloister_client import (
    ConfidentialResult,
    ConfidentialTransaction,
    DecryptionFailed,
    Log,
    PlaintextMalformed,
    ResultMalformed,
    TransactionMalformed,
    TxPlaintext,
    ViewEnvelope,
    check_plaintext,
    decrypt_result,
    decrypt_view_result,
    encode_plaintext,
    encrypt_result,
    encrypt_view_result,
    hpke_open,
    hpke_seal,
    tx_aad,
    tx_info,
    view_info,
)
from cloister_client.encoding import keccak256
from cloister_client.rlpcodec import scalar
from cloister_client.secp256k1 import SECP256K1_N

SENDER_KEY = PrivateKey(bytes.fromhex("f9c658a454b471d454e805553675be59c127b904868b5d9cddb0dcc097a373c0"))
SENDER = bytes(SENDER_KEY.public_key.to_canonical_address())
OTHER_KEY = PrivateKey(bytes(31) + b"\x07")
TX_SECRET = X25519PrivateKey.from_private_bytes(bytes.fromhex("94c76a89a47d4dfc302e76afc9ccbb97fc6e8e07205bdbe21bb21f7f3cc6fbb2"))
TX_PRIVATE = TX_SECRET.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
TX_PUBLIC = TX_SECRET.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
TO = b"\x11" * 20
DATA = bytes.fromhex("a9059cbb") + (0x1234).to_bytes(32, "big") + (5).to_bytes(32, "big")
RESPONSE_KEY = bytes(range(32))
CHAIN_ID, EPOCH, GENERATION, NONCE = 4242, 3, 1, 9


def seal(
    kind: type[ConfidentialTransaction] | type[ViewEnvelope] = ConfidentialTransaction, **kw: int
) -> ConfidentialTransaction | ViewEnvelope:
    """An envelope of ``kind`` for the fixed inputs (``kw`` overrides integer fields),
    sealed to TX_PUBLIC with a random ephemeral key and signed by SENDER_KEY."""
    fields = dict(
        chain_id=CHAIN_ID,
        nonce=NONCE,
        max_priority_fee_per_gas=10**9,
        max_fee_per_gas=2 * 10**9,
        gas_limit=200_000,
        epoch=EPOCH,
        generation=GENERATION,
    )
    fields.update(kw)
    return kind.seal(
        public_key=TX_PUBLIC, plaintext=encode_plaintext(TO, DATA, RESPONSE_KEY), sender=SENDER, ikm=None, **fields
    ).sign(SENDER_KEY)


def raw_with(tx: ConfidentialTransaction | ViewEnvelope, **replace: bytes | list[bytes]) -> bytes:
    """The raw envelope with some of its 13 RLP items replaced (by wire name)."""
    names = [
        "chainId", "nonce", "maxPriorityFeePerGas", "maxFeePerGas", "gasLimit", "epoch", "generation", "suite",
        "enc", "ciphertext", "yParity", "r", "s",
    ]
    items = rlp.decode(tx.raw()[1:])
    for name, value in replace.items():
        items[names.index(name)] = value
    return b"\x40" + bytes(rlp.encode(items))


def padded(items: list[bytes | list[bytes]]) -> bytes:
    """``rlp(items + [padding])`` with the fewest zero bytes of padding that make its
    length a multiple of 256: so a test breaks exactly one other rule."""
    for k in range(600):
        out: bytes = rlp.encode(items + [bytes(k)])
        if len(out) % 256 == 0:
            return out
    raise AssertionError("no padding fits")


# ------------------------------------------------------------------ plaintext well-formedness


def test_a_well_formed_plaintext_is_accepted() -> None:
    plaintext = padded([TO, DATA, RESPONSE_KEY])
    assert check_plaintext(plaintext) == TxPlaintext(TO, DATA, RESPONSE_KEY, len(rlp.decode(plaintext)[3]))


def test_more_padding_than_needed_is_well_formed() -> None:
    smallest = encode_plaintext(TO, DATA, RESPONSE_KEY)
    k = check_plaintext(smallest).padding_length
    more = next(n for n in range(k + 1, k + 600) if len(rlp.encode([TO, DATA, RESPONSE_KEY, bytes(n)])) % 256 == 0)
    bigger = encode_plaintext(TO, DATA, RESPONSE_KEY, padding_length=more)
    assert len(bigger) > len(smallest)
    assert check_plaintext(bigger).padding_length == more


def test_a_deploy_has_an_empty_to() -> None:
    plaintext = encode_plaintext(None, b"\x60\x00", RESPONSE_KEY)
    assert rlp.decode(plaintext)[0] == b""
    assert check_plaintext(plaintext).to is None


@pytest.mark.parametrize(
    "plaintext, reason",
    [
        (rlp.encode([TO, DATA, RESPONSE_KEY, bytes(127)]), "multiple of 256"),
        (padded([TO, DATA, RESPONSE_KEY])[:-1] + b"\x01", "non-zero"),
        (padded([b"\x11" * 19, DATA, RESPONSE_KEY]), "to has 19 bytes"),
        (padded([b"\x11" * 21, DATA, RESPONSE_KEY]), "to has 21 bytes"),
        (padded([TO, DATA, RESPONSE_KEY[:31]]), "responseKey has 31 bytes"),
        (padded([TO, DATA, RESPONSE_KEY + b"\x00"]), "responseKey has 33 bytes"),
        (padded([TO, DATA, RESPONSE_KEY, b"extra"]), "5 items"),
        (rlp.encode([TO, DATA, RESPONSE_KEY]) + bytes(256 - len(rlp.encode([TO, DATA, RESPONSE_KEY]))), "trailing"),
        (padded([TO, DATA]), "has 3 items"),
        (padded([[TO], DATA, RESPONSE_KEY]), "to: expected a byte string"),
        (padded([TO, [DATA], RESPONSE_KEY]), "data: expected a byte string"),
        (rlp.encode(b"\x00" * 253), "expected an RLP list"),
        (b"", "RLP"),
    ],
    ids=[
        "length-not-multiple-of-256",
        "non-zero-padding",
        "19-byte-to",
        "21-byte-to",
        "31-byte-response-key",
        "33-byte-response-key",
        "5-items",
        "trailing-bytes",
        "3-items",
        "to-is-a-list",
        "data-is-a-list",
        "not-a-list",
        "empty",
    ],
)
def test_a_malformed_plaintext_is_refused(plaintext: bytes, reason: str) -> None:
    with pytest.raises(PlaintextMalformed) as info:
        check_plaintext(plaintext)
    assert reason in str(info.value)


def test_a_plaintext_with_a_non_canonical_length_prefix_is_refused() -> None:
    good = encode_plaintext(TO, b"", RESPONSE_KEY)
    # Re-encode the 20-byte `to` with a long-form prefix (0xb8 0x14): not canonical.
    body = rlp.decode(good)
    items = b"\xb8\x14" + TO + b"".join(rlp.encode(x) for x in body[1:])
    bad = b"\xf8" + bytes([len(items)]) + items
    with pytest.raises(PlaintextMalformed):
        check_plaintext(bad)


@pytest.mark.parametrize("data_length", [0, 1, 2, 30, 55, 56, 57, 100, 124, 125, 126, 127, 128, 200, 255, 256, 600, 1000, 65_530, 65_600])
@pytest.mark.parametrize("to", [TO, None])
def test_encode_plaintext_pads_to_the_smallest_multiple_of_256(data_length: int, to: bytes | None) -> None:
    data = bytes((i * 7 + 3) % 256 for i in range(data_length))
    plaintext = encode_plaintext(to, data, RESPONSE_KEY)
    parsed = check_plaintext(plaintext)
    assert (parsed.to, parsed.data, parsed.response_key) == (to, data, RESPONSE_KEY)
    for k in range(parsed.padding_length):  # no smaller padding would do
        assert len(rlp.encode([to or b"", data, RESPONSE_KEY, bytes(k)])) % 256 != 0


def test_encode_plaintext_refuses_what_would_be_malformed() -> None:
    with pytest.raises(ValueError):
        encode_plaintext(b"\x11" * 19, DATA, RESPONSE_KEY)
    with pytest.raises(ValueError):
        encode_plaintext(b"", DATA, RESPONSE_KEY)  # a deploy is None
    with pytest.raises(ValueError):
        encode_plaintext(TO, DATA, RESPONSE_KEY[:31])
    with pytest.raises(ValueError):
        encode_plaintext(TO, DATA, RESPONSE_KEY, padding_length=127)


# ------------------------------------------------------------------ envelope decoding


def test_the_good_envelope_round_trips() -> None:
    tx = seal()
    assert ConfidentialTransaction.decode(tx.raw()) == tx


def test_a_high_s_twin_is_refused() -> None:
    tx = seal()
    assert tx.signature is not None
    twin_s = SECP256K1_N - tx.signature.s
    twin_v = tx.signature.y_parity ^ 1
    # The twin is a valid ECDSA signature by the same key over the same hash...
    twin = Signature(vrs=(twin_v, tx.signature.r, twin_s))
    assert twin.recover_public_key_from_msg_hash(tx.signing_hash()).to_canonical_address() == SENDER
    # ... and is refused all the same: section 0 allows low s only.
    with pytest.raises(TransactionMalformed) as info:
        ConfidentialTransaction.decode(raw_with(tx, yParity=scalar(twin_v), s=scalar(twin_s)))
    assert "high-s" in str(info.value)


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"yParity": b"\x02"}, "yParity"),
        ({"yParity": b"\x1b"}, "yParity"),
        ({"r": b""}, "r is not"),
        ({"r": SECP256K1_N.to_bytes(32, "big")}, "r is not"),
        ({"s": b""}, "s is not"),
        ({"nonce": b"\x00\x09"}, "leading zero"),
        ({"chainId": b"\x00" + (4242).to_bytes(2, "big")}, "leading zero"),
        ({"suite": b"\x00"}, "leading zero"),
        ({"generation": (1 << 32).to_bytes(5, "big")}, "does not fit 32 bits"),
        ({"epoch": (1 << 64).to_bytes(9, "big")}, "does not fit 64 bits"),
        ({"nonce": (1 << 64).to_bytes(9, "big")}, "does not fit 64 bits"),
        ({"enc": [b"\x01"]}, "enc: expected a byte string"),
        ({"chainId": [b""]}, "chainId: expected a byte string"),
    ],
)
def test_a_malformed_envelope_is_refused(change: dict[str, bytes | list[bytes]], reason: str) -> None:
    with pytest.raises(TransactionMalformed) as info:
        ConfidentialTransaction.decode(raw_with(seal(), **change))
    assert reason in str(info.value)


def test_wrong_shapes_are_refused() -> None:
    raw = seal().raw()
    items = rlp.decode(raw[1:])
    for bad, reason in [
        (raw + b"\x00", "trailing"),
        (raw[:-1], "truncated"),
        (b"\x02" + raw[1:], "type byte is 0x02"),
        (b"", "type byte"),
        (b"\x40" + rlp.encode(items[:12]), "expected 13 items, got 12"),
        (b"\x40" + rlp.encode(items + [b""]), "expected 13 items, got 14"),
        (b"\x40" + rlp.encode(b"not a list"), "expected an RLP list"),
    ]:
        with pytest.raises(TransactionMalformed) as info:
            ConfidentialTransaction.decode(bad)
        assert reason in str(info.value), (bad[:4].hex(), str(info.value))


def test_field_ranges_are_checked_on_construction() -> None:
    tx = seal()
    with pytest.raises(ValueError):
        dataclasses.replace(tx, nonce=1 << 64)
    with pytest.raises(ValueError):
        dataclasses.replace(tx, generation=1 << 32)
    with pytest.raises(ValueError):
        dataclasses.replace(tx, gas_limit=-1)
    with pytest.raises(TypeError):
        dataclasses.replace(tx, epoch=True)
    with pytest.raises(ValueError):
        dataclasses.replace(tx, signature=None).raw()


def test_signatures_are_deterministic_and_low_s() -> None:
    for nonce in range(3):
        tx = seal(nonce=nonce)
        assert tx.signature is not None and tx.signature.s <= SECP256K1_N // 2
        again = dataclasses.replace(tx, signature=None).sign(SENDER_KEY)
        assert again == tx  # RFC 6979
        assert tx.sender() == SENDER


# ------------------------------------------------------------------ a view is not a transaction


def test_a_view_envelope_is_not_a_valid_transaction() -> None:
    view = seal(ViewEnvelope)
    assert view.sender() == SENDER
    as_tx = ConfidentialTransaction.decode(view.raw())  # the layout is the same...
    assert as_tx.signing_hash() != view.signing_hash()
    assert as_tx.sender() != SENDER  # ...but the signature names another sender
    # and the enclave, opening it as a transaction (tx info, that other sender), fails.
    with pytest.raises(DecryptionFailed):
        as_tx.open(TX_PRIVATE)
    assert check_plaintext(ViewEnvelope.decode(view.raw()).open(TX_PRIVATE)).response_key == RESPONSE_KEY


def test_a_transaction_is_not_a_valid_view() -> None:
    tx = seal()
    as_view = ViewEnvelope.decode(tx.raw())
    assert as_view.sender() != SENDER
    with pytest.raises(DecryptionFailed):
        as_view.open(TX_PRIVATE)


def test_a_view_ciphertext_does_not_open_under_the_tx_info() -> None:
    view = seal(ViewEnvelope)
    aad = tx_aad(SENDER, NONCE)
    with pytest.raises(DecryptionFailed):
        hpke_open(TX_PRIVATE, view.enc, view.ciphertext, tx_info(CHAIN_ID, EPOCH, GENERATION), aad)
    assert hpke_open(TX_PRIVATE, view.enc, view.ciphertext, view_info(CHAIN_ID, EPOCH, GENERATION), aad)


# ------------------------------------------------------------------ HPKE binding


@pytest.mark.parametrize(
    "info, aad",
    [
        (tx_info(CHAIN_ID + 1, EPOCH, GENERATION), tx_aad(SENDER, NONCE)),
        (tx_info(CHAIN_ID, EPOCH + 1, GENERATION), tx_aad(SENDER, NONCE)),
        (tx_info(CHAIN_ID, EPOCH, GENERATION + 1), tx_aad(SENDER, NONCE)),
        (tx_info(CHAIN_ID, EPOCH, GENERATION), tx_aad(b"\x22" * 20, NONCE)),
        (tx_info(CHAIN_ID, EPOCH, GENERATION), tx_aad(SENDER, NONCE + 1)),
    ],
    ids=["chain", "epoch", "generation", "sender", "nonce"],
)
def test_the_ciphertext_is_bound_to_chain_epoch_generation_sender_and_nonce(info: bytes, aad: bytes) -> None:
    tx = seal()
    with pytest.raises(DecryptionFailed):
        hpke_open(TX_PRIVATE, tx.enc, tx.ciphertext, info, aad)


def test_a_ciphertext_copied_into_another_senders_envelope_fails() -> None:
    tx = seal()
    stolen = dataclasses.replace(tx, signature=None).sign(OTHER_KEY)
    assert stolen.sender() != SENDER
    with pytest.raises(DecryptionFailed):
        stolen.open(TX_PRIVATE)


def test_a_tampered_ciphertext_fails() -> None:
    tx = seal()
    flipped = bytearray(tx.ciphertext)
    flipped[10] ^= 1
    with pytest.raises(DecryptionFailed):
        hpke_open(TX_PRIVATE, tx.enc, bytes(flipped), tx.hpke_info(), tx_aad(SENDER, NONCE))


def test_random_ephemeral_keys_differ() -> None:
    a, b = seal(), seal()
    assert a.enc != b.enc and a.ciphertext != b.ciphertext
    assert a.open(TX_PRIVATE) == b.open(TX_PRIVATE)


LOW_ORDER_POINTS = [
    bytes(32),
    (1).to_bytes(32, "little"),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    (2**255 - 19 - 1).to_bytes(32, "little"),
    (2**255 - 19).to_bytes(32, "little"),
    (2**255 - 19 + 1).to_bytes(32, "little"),
]


@pytest.mark.parametrize("enc", LOW_ORDER_POINTS, ids=[p.hex()[:8] for p in LOW_ORDER_POINTS])
def test_a_low_order_enc_fails_the_all_zero_check(enc: bytes) -> None:
    tx = seal()
    with pytest.raises(DecryptionFailed) as info:
        hpke_open(TX_PRIVATE, enc, tx.ciphertext, tx.hpke_info(), tx_aad(SENDER, NONCE))
    assert "all zero" in str(info.value)
    with pytest.raises(DecryptionFailed):
        dataclasses.replace(tx, enc=enc).open(TX_PRIVATE)


@pytest.mark.parametrize("public", LOW_ORDER_POINTS[:3], ids=["zero", "one", "order-8"])
def test_sealing_to_a_low_order_key_is_refused(public: bytes) -> None:
    with pytest.raises(ValueError):
        hpke_seal(public, b"x" * 256, b"info", b"aad")


def test_an_enc_of_the_wrong_length_fails() -> None:
    tx = seal()
    with pytest.raises(DecryptionFailed):
        hpke_open(TX_PRIVATE, tx.enc[:31], tx.ciphertext, tx.hpke_info(), tx_aad(SENDER, NONCE))


def test_a_short_ikm_is_refused() -> None:
    with pytest.raises(ValueError):
        hpke_seal(TX_PUBLIC, b"x", b"", b"", ikm=b"short")


# ------------------------------------------------------------------ results


RESULT = ConfidentialResult(
    status=False,
    return_data=b"\x08\xc3\x79\xa0" + b"revert reason",
    logs=(Log(address=b"\x33" * 20, topics=(b"\x44" * 32, b"\x55" * 32), data=b"payload"), Log(b"\x66" * 20, (), b"")),
)
TX_HASH = keccak256(b"a transaction")
VIEW_HASH = keccak256(b"a view")
BLOCK_HASH = keccak256(b"a block")


def test_a_result_round_trips() -> None:
    encrypted = encrypt_result(RESULT, RESPONSE_KEY, TX_HASH)
    assert decrypt_result(encrypted, RESPONSE_KEY, TX_HASH) == RESULT
    assert encrypted == encrypt_result(RESULT, RESPONSE_KEY, TX_HASH)  # GCM-SIV, derived nonce: deterministic


def test_a_result_under_the_wrong_tx_hash_fails() -> None:
    encrypted = encrypt_result(RESULT, RESPONSE_KEY, TX_HASH)
    with pytest.raises(DecryptionFailed):
        decrypt_result(encrypted, RESPONSE_KEY, keccak256(b"another transaction"))


def test_a_result_under_the_wrong_key_fails() -> None:
    encrypted = encrypt_result(RESULT, RESPONSE_KEY, TX_HASH)
    with pytest.raises(DecryptionFailed):
        decrypt_result(encrypted, bytes(32), TX_HASH)


@pytest.mark.parametrize("position", [0, 5, -17, -1])
def test_a_tampered_result_fails(position: int) -> None:
    encrypted = bytearray(encrypt_result(RESULT, RESPONSE_KEY, TX_HASH))
    encrypted[position] ^= 0x80
    with pytest.raises(DecryptionFailed):
        decrypt_result(bytes(encrypted), RESPONSE_KEY, TX_HASH)


def test_a_truncated_result_fails() -> None:
    encrypted = encrypt_result(RESULT, RESPONSE_KEY, TX_HASH)
    for cut in (encrypted[:-1], encrypted[:15], b""):
        with pytest.raises(DecryptionFailed):
            decrypt_result(cut, RESPONSE_KEY, TX_HASH)


def test_a_view_result_is_bound_to_the_view_and_the_block() -> None:
    encrypted = encrypt_view_result(RESULT, RESPONSE_KEY, VIEW_HASH, BLOCK_HASH)
    assert decrypt_view_result(encrypted, RESPONSE_KEY, VIEW_HASH, BLOCK_HASH) == RESULT
    with pytest.raises(DecryptionFailed):
        decrypt_view_result(encrypted, RESPONSE_KEY, VIEW_HASH, keccak256(b"another block"))
    with pytest.raises(DecryptionFailed):
        decrypt_view_result(encrypted, RESPONSE_KEY, keccak256(b"another view"), BLOCK_HASH)
    with pytest.raises(DecryptionFailed):
        decrypt_result(encrypted, RESPONSE_KEY, VIEW_HASH)  # aad viewHash alone is not viewHash ‖ blockHash


@pytest.mark.parametrize(
    "plaintext, reason",
    [
        (rlp.encode([b"\x02", b"", []]), "status is 2"),
        (rlp.encode([b"\x00", b"", []]), "leading zero"),
        (rlp.encode([b"\x01", b""]), "expected 3 items"),
        (rlp.encode([b"\x01", b"", [], b""]), "expected 3 items"),
        (rlp.encode([b"\x01", [b""], []]), "returnData"),
        (rlp.encode([b"\x01", b"", b""]), "logs: expected an RLP list"),
        (rlp.encode([b"\x01", b"", [[b"\x33" * 19, [], b""]]]), "address: expected 20 bytes"),
        (rlp.encode([b"\x01", b"", [[b"\x33" * 20, [b"\x44" * 31], b""]]]), "topics[0]: expected 32 bytes"),
        (rlp.encode([b"\x01", b"", [[b"\x33" * 20, [b"\x44" * 32] * 5, b""]]]), "5 topics"),
        (rlp.encode([b"\x01", b"", [[b"\x33" * 20, [], b"", b""]]]), "logs[0]: expected 3 items"),
        (rlp.encode([b"\x01", b"", []]) + b"\x00", "trailing"),
    ],
)
def test_a_malformed_result_that_opens_is_refused(plaintext: bytes, reason: str) -> None:
    encrypted = encrypt_result(plaintext, RESPONSE_KEY, TX_HASH)
    with pytest.raises(ResultMalformed) as info:
        decrypt_result(encrypted, RESPONSE_KEY, TX_HASH)
    assert reason in str(info.value)


def test_status_zero_is_the_empty_string() -> None:
    plaintext = rlp.encode([b"", b"", []])
    assert decrypt_result(encrypt_result(plaintext, RESPONSE_KEY, TX_HASH), RESPONSE_KEY, TX_HASH) == ConfidentialResult(
        False, b"", ()
    )
