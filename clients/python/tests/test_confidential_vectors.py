"""Known-answer vectors (shared/vectors/confidential/cloister-conf-v1.json) for the
confidential byte formats: the transaction of section 5.2 (plaintext with padding, HPKE
enc and ciphertext, signing hash, raw bytes, hash, intrinsic gas), the view envelope's
signing digest (section 5.4) and the result of section 5.3. Skipped when the vectors
are absent."""

from __future__ import annotations

import dataclasses
from typing import Any

import rlp

from cloister_client import (
    CONFIDENTIAL_TX_TYPE,
    ConfidentialResult,
    ConfidentialTransaction,
    EnvelopeSignature,
    Log,
    ViewEnvelope,
    check_plaintext,
    decode_result,
    decrypt_result,
    encode_plaintext,
    encode_result,
    encrypt_result,
    hpke_open,
    tx_aad,
    tx_info,
)
from cloister_client.encoding import keccak256


def h(text: str) -> bytes:
    assert text.startswith("0x")
    return bytes.fromhex(text[2:])


def sealed(
    vectors: dict[str, Any], kind: type[ConfidentialTransaction] | type[ViewEnvelope] = ConfidentialTransaction
) -> Any:
    """The vector's transaction (or, with ``kind=ViewEnvelope``, a view with the same
    fields), sealed with the vector's ephemeral-key IKM, unsigned."""
    inputs, keys, tx = vectors["inputs"], vectors["keys"], vectors["transaction"]
    return kind.seal(
        public_key=h(keys["txKeyPublic"]),
        plaintext=h(tx["plaintext"]),
        sender=h(inputs["sender"]),
        chain_id=inputs["chainId"],
        nonce=tx["nonce"],
        max_priority_fee_per_gas=tx["maxPriorityFeePerGas"],
        max_fee_per_gas=tx["maxFeePerGas"],
        gas_limit=tx["gasLimit"],
        epoch=keys["epoch"],
        generation=keys["generation"],
        ikm=h(tx["hpkeEphemeralIkm"]),
    )


# ------------------------------------------------------------------ plaintext (5.2)


def test_plaintext_with_the_smallest_padding(vectors: dict[str, Any]) -> None:
    tx = vectors["transaction"]
    plaintext = encode_plaintext(h(tx["to"]), h(tx["data"]), h(tx["responseKey"]))
    assert plaintext == h(tx["plaintext"])
    assert len(plaintext) % 256 == 0


def test_plaintext_with_the_vectors_padding_length(vectors: dict[str, Any]) -> None:
    tx = vectors["transaction"]
    plaintext = encode_plaintext(
        h(tx["to"]), h(tx["data"]), h(tx["responseKey"]), padding_length=tx["paddingBytes"]
    )
    assert plaintext == h(tx["plaintext"])


def test_plaintext_is_well_formed_and_parses_back(vectors: dict[str, Any]) -> None:
    tx = vectors["transaction"]
    parsed = check_plaintext(h(tx["plaintext"]))
    assert parsed.to == h(tx["to"])
    assert parsed.data == h(tx["data"])
    assert parsed.response_key == h(tx["responseKey"])
    assert parsed.padding_length == tx["paddingBytes"]
    assert parsed.encode() == h(tx["plaintext"])


# ------------------------------------------------------------------ HPKE (5.2)


def test_enc_and_ciphertext_are_reproduced_from_the_ikm(vectors: dict[str, Any]) -> None:
    tx = vectors["transaction"]
    envelope = sealed(vectors)
    assert envelope.enc == h(tx["enc"])
    assert envelope.ciphertext == h(tx["ciphertext"])
    assert envelope.suite == 1
    assert len(envelope.ciphertext) == len(h(tx["plaintext"])) + 16


def test_recipient_side_decryption_with_the_tx_private_key(vectors: dict[str, Any]) -> None:
    inputs, keys, tx = vectors["inputs"], vectors["keys"], vectors["transaction"]
    private = h(keys["txKeyPrivate_clamped_by_X25519"])
    info = tx_info(inputs["chainId"], keys["epoch"], keys["generation"])
    aad = tx_aad(h(inputs["sender"]), tx["nonce"])
    assert info == b"cloister-tx-v1" + (4242).to_bytes(32, "big") + (3).to_bytes(8, "big") + (1).to_bytes(4, "big")
    assert hpke_open(private, h(tx["enc"]), h(tx["ciphertext"]), info, aad) == h(tx["plaintext"])
    # As the enclave does it: sender recovered from the signature of the raw transaction.
    decoded = ConfidentialTransaction.decode(h(tx["raw"]))
    assert decoded.open(private) == h(tx["plaintext"])


# ------------------------------------------------------------------ envelope (5.2)


def test_signing_hash(vectors: dict[str, Any]) -> None:
    assert sealed(vectors).signing_hash() == h(vectors["transaction"]["sigHash"])


def test_signing_reproduces_the_raw_bytes_and_hash(vectors: dict[str, Any]) -> None:
    inputs, tx = vectors["inputs"], vectors["transaction"]
    signed = sealed(vectors).sign(h(inputs["senderPrivateKey"]))  # RFC 6979, low s
    assert signed.raw() == h(tx["raw"])
    assert signed.raw()[0] == CONFIDENTIAL_TX_TYPE
    assert signed.hash() == h(tx["txHash"]) == keccak256(h(tx["raw"]))
    assert signed.sender() == h(inputs["sender"])


def test_decode_gives_back_every_field(vectors: dict[str, Any]) -> None:
    inputs, keys, tx = vectors["inputs"], vectors["keys"], vectors["transaction"]
    decoded = ConfidentialTransaction.decode(h(tx["raw"]))
    assert (decoded.chain_id, decoded.nonce, decoded.max_priority_fee_per_gas, decoded.max_fee_per_gas) == (
        inputs["chainId"],
        tx["nonce"],
        tx["maxPriorityFeePerGas"],
        tx["maxFeePerGas"],
    )
    assert (decoded.gas_limit, decoded.epoch, decoded.generation, decoded.suite) == (
        tx["gasLimit"],
        keys["epoch"],
        keys["generation"],
        1,
    )
    assert decoded.enc == h(tx["enc"]) and decoded.ciphertext == h(tx["ciphertext"])
    assert isinstance(decoded.signature, EnvelopeSignature)
    assert decoded.raw() == h(tx["raw"])
    assert decoded.hash() == h(tx["txHash"])
    assert decoded.sender() == h(inputs["sender"])
    assert decoded == sealed(vectors).sign(h(inputs["senderPrivateKey"]))


def test_intrinsic_gas(vectors: dict[str, Any]) -> None:
    tx = vectors["transaction"]
    assert sealed(vectors).intrinsic_gas() == tx["intrinsicGas"]
    assert ConfidentialTransaction.decode(h(tx["raw"])).intrinsic_gas() == tx["intrinsicGas"]
    assert tx["intrinsicGas"] == 21_000 + 16 * (len(h(tx["enc"])) + len(h(tx["ciphertext"])))


# ------------------------------------------------------------------ view envelope (5.4)


def test_view_envelope_signing_digest(vectors: dict[str, Any]) -> None:
    tx = vectors["transaction"]
    # "same ten fields as the transaction": take them from the raw transaction.
    decoded = ConfidentialTransaction.decode(h(tx["raw"]))
    fields = {f.name: getattr(decoded, f.name) for f in dataclasses.fields(decoded) if f.name != "signature"}
    view = ViewEnvelope(**fields)
    assert view.signing_hash() == h(vectors["viewEnvelope"]["signingDigest"])
    assert view.signing_hash() != h(tx["sigHash"])
    # The preimage, built independently with pyrlp's own integer encoding.
    unsigned = rlp.encode(
        [
            vectors["inputs"]["chainId"],
            tx["nonce"],
            tx["maxPriorityFeePerGas"],
            tx["maxFeePerGas"],
            tx["gasLimit"],
            vectors["keys"]["epoch"],
            vectors["keys"]["generation"],
            1,
            h(tx["enc"]),
            h(tx["ciphertext"]),
        ]
    )
    assert keccak256(b"\x40" + b"cloister-view-v1" + unsigned) == h(vectors["viewEnvelope"]["signingDigest"])
    assert keccak256(b"\x40" + unsigned) == h(tx["sigHash"])


def test_view_signature_recovers_the_sender(vectors: dict[str, Any]) -> None:
    inputs = vectors["inputs"]
    view = sealed(vectors, ViewEnvelope).sign(h(inputs["senderPrivateKey"]))
    assert view.sender() == h(inputs["sender"])
    assert ViewEnvelope.decode(view.raw()) == view
    assert view.view_hash() == keccak256(view.raw())


# ------------------------------------------------------------------ result (5.3)


def test_result_plaintext(vectors: dict[str, Any]) -> None:
    plaintext = h(vectors["result"]["plaintext"])
    result = decode_result(plaintext)
    assert result == ConfidentialResult(
        status=True,
        return_data=(1).to_bytes(32, "big"),
        logs=(
            Log(
                address=h(vectors["keys"]["contract"]),
                topics=(keccak256(b"Transfer(address,address,uint256)"),),
                data=(5).to_bytes(32, "big"),
            ),
        ),
    )
    assert encode_result(result) == plaintext


def test_result_encryption(vectors: dict[str, Any]) -> None:
    tx, r = vectors["transaction"], vectors["result"]
    result = decode_result(h(r["plaintext"]))
    encrypted = encrypt_result(result, h(tx["responseKey"]), h(tx["txHash"]))
    assert encrypted == h(r["encryptedResult"])
    assert encrypt_result(h(r["plaintext"]), h(tx["responseKey"]), h(tx["txHash"])) == encrypted
    assert len(encrypted) == len(h(r["plaintext"])) + 16


def test_result_decryption(vectors: dict[str, Any]) -> None:
    tx, r = vectors["transaction"], vectors["result"]
    result = decrypt_result(h(r["encryptedResult"]), h(tx["responseKey"]), h(tx["txHash"]))
    assert result == decode_result(h(r["plaintext"]))
    assert result.status is True

