"""Known-answer vectors (shared/vectors/confidential/cloister-conf-v1.json) for the
formats this package computes: policyHash (section 2), reportData (section 3), the
tx-key statement (section 5.1), and suite 1's HPKE strings (section 5.2)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from cloister_client import (
    SUITE_HPKE_X25519_AES256GCM,
    PinnedPolicy,
    enclave_id,
    hpke_suite,
    recover_compressed,
    report_data,
    tx_aad,
    tx_info,
    tx_key_digest,
)
from cloister_client.secp256k1 import parse_signature, verify_signature


def h(text: str) -> bytes:
    assert text.startswith("0x")
    return bytes.fromhex(text[2:])


def policy_of(vectors: dict[str, Any]) -> PinnedPolicy:
    return PinnedPolicy.from_genesis_config(
        vectors["policyHash"]["policy"], vectors["inputs"]["chainId"], vectors["inputs"]["genesisHash"]
    )


def test_policy_hash(vectors: dict[str, Any]) -> None:
    assert policy_of(vectors).policy_hash() == h(vectors["policyHash"]["policyHash"])


def test_policy_hash_ignores_list_order(vectors: dict[str, Any]) -> None:
    config = dict(vectors["policyHash"]["policy"])
    config["measurements"] = list(reversed(config["measurements"]))
    reordered = PinnedPolicy.from_genesis_config(config, vectors["inputs"]["chainId"])
    assert reordered.policy_hash() == h(vectors["policyHash"]["policyHash"])


def test_policy_hash_changes_with_every_field(vectors: dict[str, Any]) -> None:
    base = vectors["policyHash"]["policy"]
    expected = h(vectors["policyHash"]["policyHash"])
    changes: dict[str, Any] = {
        "minIsvSvn": 2,
        "minPceSvn": 2,
        "minQeSvn": 2,
        "minCpuSvn": "0x" + "00" * 15 + "01",
        "allowDebug": True,
        "freshnessBlocks": 65,
        "epochLength": 999,
        "measurements": base["measurements"][:1],
        "trustAnchors": {"simulated-sgx": "0x" + "11" * 32},
    }
    for key, value in changes.items():
        config = dict(base)
        config[key] = value
        changed = PinnedPolicy.from_genesis_config(config, vectors["inputs"]["chainId"])
        assert changed.policy_hash() != expected, key


def test_report_data(vectors: dict[str, Any]) -> None:
    v = vectors["reportData"]
    inputs = vectors["inputs"]
    got = report_data(
        inputs["chainId"],
        h(inputs["genesisHash"]),
        h(vectors["policyHash"]["policyHash"]),
        h(v["authority"]),
        h(v["signingKey"]),
        h(v["encryptionKey"]),
        h(v["freshness"]),
    )
    assert got == h(v["reportData"])
    assert len(got) == 64


def test_report_data_refuses_wrong_lengths(vectors: dict[str, Any]) -> None:
    v = vectors["reportData"]
    inputs = vectors["inputs"]
    with pytest.raises(ValueError):
        report_data(
            inputs["chainId"],
            h(inputs["genesisHash"]),
            h(vectors["policyHash"]["policyHash"]),
            h(v["authority"]) + b"\x00",
            h(v["signingKey"])[:-1],
            h(v["encryptionKey"]),
            h(v["freshness"]),
        )


def test_enclave_id(vectors: dict[str, Any]) -> None:
    inputs = vectors["inputs"]
    assert enclave_id(h(inputs["enclaveSigningKey"])) == h(inputs["enclaveId"])


def test_tx_key_statement_digest(vectors: dict[str, Any]) -> None:
    inputs, keys = vectors["inputs"], vectors["keys"]
    digest = tx_key_digest(
        inputs["chainId"], keys["epoch"], keys["generation"], SUITE_HPKE_X25519_AES256GCM, h(keys["txKeyPublic"])
    )
    assert digest == h(vectors["txKeyStatement"]["digest"])


def test_tx_key_statement_signature_recovers_enclave_key(vectors: dict[str, Any]) -> None:
    inputs = vectors["inputs"]
    statement = vectors["txKeyStatement"]
    signature = h(statement["signature"])
    parse_signature(signature)  # low s, v in {0, 1}
    recovered = recover_compressed(h(statement["digest"]), signature)
    assert recovered == h(inputs["enclaveSigningKey"])
    assert enclave_id(recovered) == h(inputs["enclaveId"])
    verify_signature(h(statement["digest"]), signature, h(inputs["enclaveSigningKey"]))


def test_tx_key_statement_signature_fails_for_another_digest(vectors: dict[str, Any]) -> None:
    inputs = vectors["inputs"]
    statement = vectors["txKeyStatement"]
    other = bytearray(h(statement["digest"]))
    other[0] ^= 1
    assert recover_compressed(bytes(other), h(statement["signature"])) != h(inputs["enclaveSigningKey"])
    with pytest.raises(ValueError):
        verify_signature(bytes(other), h(statement["signature"]), h(inputs["enclaveSigningKey"]))


def test_tx_key_public_matches_private(vectors: dict[str, Any]) -> None:
    keys = vectors["keys"]
    private = X25519PrivateKey.from_private_bytes(h(keys["txKeyPrivate_clamped_by_X25519"]))
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert public == h(keys["txKeyPublic"])


def test_transaction_opens_with_suite_1(vectors: dict[str, Any]) -> None:
    inputs, keys, tx = vectors["inputs"], vectors["keys"], vectors["transaction"]
    suite = hpke_suite()
    recipient = suite.kem.deserialize_private_key(h(keys["txKeyPrivate_clamped_by_X25519"]))
    context = suite.create_recipient_context(
        h(tx["enc"]), recipient, info=tx_info(inputs["chainId"], keys["epoch"], keys["generation"])
    )
    plaintext = context.open(h(tx["ciphertext"]), aad=tx_aad(h(inputs["sender"]), tx["nonce"]))
    assert plaintext == h(tx["plaintext"])
