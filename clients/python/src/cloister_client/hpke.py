"""HPKE suite 1 of CONFIDENTIAL.md section 5.2, as transaction keys are used.

Suite 1 is RFC 9180 base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
AES-256-GCM (KEM 0x0020, KDF 0x0001, AEAD 0x0002). This module names the suite, builds
its ``info`` strings (transaction and view) and ``aad``, and seals and opens single
messages. :func:`hpke_seal` is what a client does; :func:`hpke_open` is the recipient
side (an enclave's job), here for tests and auditors that hold a transaction key. It
refuses an ``enc`` whose X25519 shared secret is all zero, as RFC 9180 requires.
"""

from __future__ import annotations

import hmac

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from pyhpke import AEADId, CipherSuite, KDFId, KEMId, PyHPKEError

from .encoding import be32, u32be, u64be
from .errors import DecryptionFailed

__all__ = [
    "HPKE_ENC_LENGTH",
    "HPKE_TAG_LENGTH",
    "SUITE_HPKE_X25519_AES256GCM",
    "TX_INFO_LABEL",
    "VIEW_INFO_LABEL",
    "check_x25519_public_key",
    "hpke_open",
    "hpke_seal",
    "hpke_suite",
    "tx_aad",
    "tx_info",
    "view_info",
]

#: The only suite a v1 chain accepts (section 5.2).
SUITE_HPKE_X25519_AES256GCM = 1

#: Length of suite 1's encapsulated key ``enc`` (an X25519 public key).
HPKE_ENC_LENGTH = 32

#: Length of suite 1's AES-256-GCM tag, which ends every ciphertext.
HPKE_TAG_LENGTH = 16

TX_INFO_LABEL = b"cloister-tx-v1"
VIEW_INFO_LABEL = b"cloister-view-v1"


def hpke_suite() -> CipherSuite:
    """The pyhpke cipher suite of suite 1."""
    return CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES256_GCM)


def tx_info(chain_id: int, epoch: int, generation: int) -> bytes:
    """HPKE ``info`` of a transaction: ``"cloister-tx-v1" ‖ be32(chainId) ‖ u64be(epoch)
    ‖ u32be(generation)``."""
    return TX_INFO_LABEL + be32(chain_id) + u64be(epoch) + u32be(generation)


def view_info(chain_id: int, epoch: int, generation: int) -> bytes:
    """HPKE ``info`` of a view envelope (section 5.4): ``"cloister-view-v1" ‖
    be32(chainId) ‖ u64be(epoch) ‖ u32be(generation)``."""
    return VIEW_INFO_LABEL + be32(chain_id) + u64be(epoch) + u32be(generation)


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


def hpke_seal(
    public_key: bytes, plaintext: bytes, info: bytes, aad: bytes, *, ikm: bytes | None = None
) -> tuple[bytes, bytes]:
    """``(enc, ciphertext)``: ``plaintext`` sealed to the X25519 ``public_key`` with suite
    1 in base mode (one message, sequence number 0; ``ciphertext`` ends with the 16-byte
    tag).

    The sender's ephemeral key is fresh and random unless ``ikm`` is given; then it is
    RFC 9180 ``DeriveKeyPair(ikm)``, which makes the output reproducible (known-answer
    tests). Never reuse an ``ikm`` for two messages: pass one only to reproduce a
    vector. Raises ValueError for a public key that is not 32 bytes or is a low-order
    point, and for an ``ikm`` shorter than 32 bytes.
    """
    check_x25519_public_key(public_key)
    suite = hpke_suite()
    recipient = suite.kem.deserialize_public_key(public_key)
    ephemeral = None
    if ikm is not None:
        if len(ikm) < 32:
            raise ValueError(f"the ephemeral-key IKM has {len(ikm)} bytes; RFC 9180 wants at least 32")
        ephemeral = suite.kem.derive_key_pair(ikm)
    enc, context = suite.create_sender_context(recipient, info=info, eks=ephemeral)
    return bytes(enc), bytes(context.seal(plaintext, aad=aad))


def hpke_open(private_key: bytes, enc: bytes, ciphertext: bytes, info: bytes, aad: bytes) -> bytes:
    """The plaintext of ``(enc, ciphertext)`` sealed with suite 1 to the X25519 key whose
    32-byte private half is ``private_key``.

    Raises :class:`DecryptionFailed` when ``enc`` is not 32 bytes, when ``X25519(sk,
    enc)`` is all zero (a low-order ``enc``: the check RFC 9180 section 7.1.4 requires,
    made here before opening), and when the AEAD refuses (wrong key, ``info``, ``aad`` or
    tampered bytes).
    """
    if len(private_key) != 32:
        raise ValueError(f"an X25519 private key has 32 bytes, not {len(private_key)}")
    if len(enc) != HPKE_ENC_LENGTH:
        raise DecryptionFailed(f"enc has {len(enc)} bytes, not {HPKE_ENC_LENGTH}")
    secret = X25519PrivateKey.from_private_bytes(private_key)
    try:
        shared = secret.exchange(X25519PublicKey.from_public_bytes(enc))
    except ValueError:
        # OpenSSL refuses to return an all-zero X25519 output; that is this very case.
        raise DecryptionFailed("enc is a low-order point: the X25519 shared secret is all zero") from None
    if hmac.compare_digest(shared, bytes(32)):
        raise DecryptionFailed("enc is a low-order point: the X25519 shared secret is all zero")
    suite = hpke_suite()
    try:
        context = suite.create_recipient_context(enc, suite.kem.deserialize_private_key(private_key), info=info)
        return bytes(context.open(ciphertext, aad=aad))
    except (PyHPKEError, ValueError) as e:
        raise DecryptionFailed(f"the HPKE ciphertext does not open: {type(e).__name__}") from None
