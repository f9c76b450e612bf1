"""HPKE suite 1 of CONFIDENTIAL.md section 5.2, as transaction keys are used.

Suite 1 is RFC 9180 base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
AES-256-GCM (KEM 0x0020, KDF 0x0001, AEAD 0x0002). This module names the suite and
builds its ``info`` and ``aad`` strings; encrypting transactions is the next layer's job.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from pyhpke import AEADId, CipherSuite, KDFId, KEMId

from .encoding import be32, u32be, u64be

__all__ = ["SUITE_HPKE_X25519_AES256GCM", "check_x25519_public_key", "hpke_suite", "tx_aad", "tx_info"]

#: The only suite a v1 chain accepts (section 5.2).
SUITE_HPKE_X25519_AES256GCM = 1


def hpke_suite() -> CipherSuite:
    """The pyhpke cipher suite of suite 1."""
    return CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES256_GCM)


def tx_info(chain_id: int, epoch: int, generation: int) -> bytes:
    """HPKE ``info`` of a transaction: ``"cloister-tx-v1" ‖ be32(chainId) ‖ u64be(epoch)
    ‖ u32be(generation)``."""
    return b"cloister-tx-v1" + be32(chain_id) + u64be(epoch) + u32be(generation)


def tx_aad(sender: bytes, nonce: int) -> bytes:
    """HPKE ``aad`` of a transaction or view: ``sender (20) ‖ u64be(nonce)``."""
    if len(sender) != 20:
        raise ValueError("the sender is a 20-byte address")
    return sender + u64be(nonce)


def check_x25519_public_key(public_key: bytes) -> None:
    """Raises ValueError unless ``public_key`` is 32 bytes and not a low-order point
    (one whose shared secret with any key is all zero, which makes HPKE fail)."""
    if len(public_key) != 32:
        raise ValueError(f"an X25519 public key has 32 bytes, not {len(public_key)}")
    peer = X25519PublicKey.from_public_bytes(public_key)
    try:
        X25519PrivateKey.generate().exchange(peer)
    except ValueError:
        raise ValueError("a low-order X25519 point (all-zero shared secret)") from None
