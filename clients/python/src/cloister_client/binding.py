"""What an enclave binds into its quote's ``reportData`` (CONFIDENTIAL.md section 3)
and the statement it signs over a transaction key (section 5.1)."""

from __future__ import annotations

from .encoding import be32, keccak256, sha256, u8, u32be, u64be

__all__ = ["REPORT_DATA_LABEL", "TX_KEY_LABEL", "enclave_binding_hash", "enclave_id", "report_data", "tx_key_digest"]

REPORT_DATA_LABEL = b"cloister-enclave-v1"
TX_KEY_LABEL = b"cloister-txkey-v1"


def enclave_binding_hash(
    chain_id: int,
    genesis_hash: bytes,
    policy_hash: bytes,
    authority: bytes,
    signing_key: bytes,
    encryption_key: bytes,
) -> bytes:
    """``sha256("cloister-enclave-v1" ‖ be32(chainId) ‖ genesisHash ‖ policyHash ‖
    authority (20) ‖ signingKey (33) ‖ encryptionKey (32))``: the first 32 bytes of
    ``reportData``. Raises ValueError when a value has the wrong length, so no other
    split of the same bytes can bind."""
    for name, value, size in (
        ("genesis hash", genesis_hash, 32),
        ("policy hash", policy_hash, 32),
        ("authority", authority, 20),
        ("signing key", signing_key, 33),
        ("encryption key", encryption_key, 32),
    ):
        if len(value) != size:
            raise ValueError(f"the {name} has {len(value)} bytes, not {size}")
    return sha256(
        REPORT_DATA_LABEL + be32(chain_id) + genesis_hash + policy_hash + authority + signing_key + encryption_key
    )


def report_data(
    chain_id: int,
    genesis_hash: bytes,
    policy_hash: bytes,
    authority: bytes,
    signing_key: bytes,
    encryption_key: bytes,
    freshness: bytes,
) -> bytes:
    """The 64 bytes of ``reportData``: :func:`enclave_binding_hash` ‖ ``freshness`` (the
    hash of a recent block)."""
    if len(freshness) != 32:
        raise ValueError(f"the freshness hash has {len(freshness)} bytes, not 32")
    return enclave_binding_hash(chain_id, genesis_hash, policy_hash, authority, signing_key, encryption_key) + freshness


def enclave_id(signing_key: bytes) -> bytes:
    """``enclaveId = keccak(signingKey)`` of a 33-byte compressed key (section 4)."""
    if len(signing_key) != 33:
        raise ValueError(f"a signing key has 33 bytes (compressed), not {len(signing_key)}")
    return keccak256(signing_key)


def tx_key_digest(chain_id: int, epoch: int, generation: int, suite: int, public_key: bytes) -> bytes:
    """``keccak("cloister-txkey-v1" ‖ be32(chainId) ‖ u64be(epoch) ‖ u32be(generation) ‖
    u8(suite) ‖ publicKey)``: what the enclave signing key signs over a transaction key."""
    return keccak256(TX_KEY_LABEL + be32(chain_id) + u64be(epoch) + u32be(generation) + u8(suite) + public_key)
