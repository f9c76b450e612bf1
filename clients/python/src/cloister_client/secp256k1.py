"""secp256k1 signatures as CONFIDENTIAL.md section 0 fixes them: 65 bytes ``r ‖ s ‖ v``,
``v ∈ {0, 1}``, ``0 < r < n``, ``0 < s ≤ n/2``."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from eth_keys.datatypes import Signature
from eth_keys.exceptions import BadSignature
from eth_utils.exceptions import ValidationError

__all__ = ["SECP256K1_N", "compressed_point", "parse_signature", "recover_compressed", "verify_signature"]

#: The order of the secp256k1 group.
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def compressed_point(key: bytes) -> ec.EllipticCurvePublicKey:
    """The public key of a 33-byte compressed secp256k1 point.

    Raises ValueError unless ``key`` is 33 bytes, starts with 2 or 3 and names a point
    of the curve.
    """
    if len(key) != 33 or key[0] not in (2, 3):
        raise ValueError("not a 33-byte compressed secp256k1 point")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), key)
    except ValueError:
        raise ValueError("not a point of secp256k1") from None


def parse_signature(signature: bytes) -> tuple[int, int, int]:
    """``(r, s, v)`` of a 65-byte signature; ValueError with a reason unless ``v`` is 0 or
    1, ``0 < r < n`` and ``0 < s ≤ n/2`` (low s)."""
    if len(signature) != 65:
        raise ValueError(f"a signature has 65 bytes (r ‖ s ‖ v), not {len(signature)}")
    r = int.from_bytes(signature[0:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    v = signature[64]
    if v not in (0, 1):
        raise ValueError(f"v is {v}, not 0 or 1")
    if not 0 < r < SECP256K1_N:
        raise ValueError("r is not in 1..n-1")
    if not 0 < s <= SECP256K1_N // 2:
        raise ValueError("s is not in 1..n/2 (a high-s or zero signature)")
    return r, s, v


def recover_compressed(digest: bytes, signature: bytes) -> bytes:
    """The 33-byte compressed key that made ``signature`` over the 32-byte ``digest``.

    Refuses (ValueError) every signature :func:`parse_signature` refuses, and one from
    which no key can be recovered.
    """
    if len(digest) != 32:
        raise ValueError("the digest has 32 bytes")
    r, s, v = parse_signature(signature)
    try:
        key = Signature(vrs=(v, r, s)).recover_public_key_from_msg_hash(digest)
    except (BadSignature, ValidationError, ValueError) as e:
        raise ValueError(f"no key recovers from this signature: {e}") from None
    return bytes(key.to_compressed_bytes())


def verify_signature(digest: bytes, signature: bytes, signing_key: bytes) -> None:
    """Checks that ``signature`` (65 bytes, low s) over ``digest`` is by ``signing_key``
    (33 bytes compressed): ECDSA verification under that key, and ``v`` recovering that
    very key. Raises ValueError with a reason otherwise."""
    r, s, _ = parse_signature(signature)
    public = compressed_point(signing_key)
    try:
        public.verify(encode_dss_signature(r, s), digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    except InvalidSignature:
        raise ValueError("the signature does not verify under the enclave's signing key") from None
    if recover_compressed(digest, signature) != signing_key:
        raise ValueError("v does not recover the enclave's signing key")


def compress(public: ec.EllipticCurvePublicKey) -> bytes:
    """The 33-byte compressed form of a secp256k1 public key."""
    return public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
