"""The platform certificate chain of a quote: parsing (part of check 1), the walk to the
pinned root (check 2) and validity at block time with revocation (check 3) of
CONFIDENTIAL.md section 3.1.

The walk is done directly over the ordered list the quote carries: no path building,
no system trust store, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID, SignatureAlgorithmOID

from .encoding import sha256
from .errors import QuoteCheckFailed
from .pem import decode_pem_chain

__all__ = [
    "KNOWN_CRITICAL_EXTENSIONS",
    "MAX_CHAIN_LENGTH",
    "ChainCertificate",
    "check_chain",
    "check_validity",
    "parse_chain",
    "revocation_id",
    "spki_hash",
]

#: Certificates a chain may hold (DCAP's is platform, intermediate, root): bounds the work
#: one quote can cost.
MAX_CHAIN_LENGTH = 5
#: Critical extensions the verifier understands; any other critical one is refused.
KNOWN_CRITICAL_EXTENSIONS = frozenset({ExtensionOID.BASIC_CONSTRAINTS, ExtensionOID.KEY_USAGE})


@dataclass(frozen=True)
class ChainCertificate:
    """One certificate of the chain, parsed, with its P-256 key."""

    der: bytes
    certificate: x509.Certificate
    key: ec.EllipticCurvePublicKey


def spki_hash(key: ec.EllipticCurvePublicKey) -> bytes:
    """``sha256`` of the key's SubjectPublicKeyInfo re-encoded as DER with the namedCurve
    OID and the uncompressed point, whatever form a certificate carried it in: the
    ``trustAnchors`` value of section 2."""
    return sha256(key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def _serial_bytes(serial: int) -> bytes:
    """Minimal unsigned big-endian bytes of a serial (zero: empty). A negative serial
    (not valid X.509, tolerated by some parsers) keeps its two's-complement bytes."""
    if serial >= 0:
        return serial.to_bytes((serial.bit_length() + 7) // 8, "big")
    return serial.to_bytes((serial.bit_length() + 8) // 8, "big", signed=True)


def revocation_id(platform: x509.Certificate, issuer_key: ec.EllipticCurvePublicKey) -> bytes:
    """``sha256(issuer SPKI, re-encoded as in check 2) ‖ serial`` (minimal unsigned
    big-endian) of a platform certificate: what a policy revocation names."""
    return spki_hash(issuer_key) + _serial_bytes(platform.serial_number)


def parse_chain(cert_data: bytes) -> list[ChainCertificate]:
    """The certificates of a quote's certification data, for check 1.

    Raises :class:`QuoteCheckFailed` (check 1) unless the data is strict PEM of 2 to
    ``MAX_CHAIN_LENGTH`` DER X.509 certificates, each holding an ECDSA P-256 key and
    signed with ecdsa-with-SHA256, with no unknown critical extension, and each one's
    issuer name equal to the next one's subject.
    """

    def fail(reason: str) -> QuoteCheckFailed:
        return QuoteCheckFailed.of(1, reason)

    try:
        ders = decode_pem_chain(cert_data)
    except ValueError as e:
        raise fail(f"certification data: {e}") from None
    if len(ders) < 2:
        raise fail(f"certification data holds {len(ders)} certificate(s); at least 2 (platform … root)")
    if len(ders) > MAX_CHAIN_LENGTH:
        raise fail(f"certification data holds {len(ders)} certificates; at most {MAX_CHAIN_LENGTH}")
    chain: list[ChainCertificate] = []
    for i, der in enumerate(ders, start=1):
        try:
            cert = x509.load_der_x509_certificate(der)
        except ValueError as e:
            raise fail(f"certificate {i} is not DER X.509: {e}") from None
        if cert.signature_algorithm_oid != SignatureAlgorithmOID.ECDSA_WITH_SHA256:
            raise fail(f"certificate {i} is signed with {cert.signature_algorithm_oid.dotted_string}, expected ecdsa-with-SHA256")
        try:
            key = cert.public_key()
        except ValueError as e:
            raise fail(f"certificate {i}'s key cannot be read: {e}") from None
        if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
            raise fail(f"certificate {i} does not hold an ECDSA P-256 key")
        try:
            extensions = list(cert.extensions)
        except ValueError as e:
            raise fail(f"certificate {i}'s extensions cannot be read: {e}") from None
        for ext in extensions:
            if ext.critical and ext.oid not in KNOWN_CRITICAL_EXTENSIONS:
                raise fail(f"certificate {i} has an unknown critical extension {ext.oid.dotted_string}")
        chain.append(ChainCertificate(der=der, certificate=cert, key=key))
    for i in range(len(chain) - 1):
        # Byte-exact comparison of the DER names (string types included).
        if chain[i].certificate.issuer.public_bytes() != chain[i + 1].certificate.subject.public_bytes():
            raise fail(f"certificate {i + 1}'s issuer is not certificate {i + 2}'s subject")
    return chain


def check_chain(chain: list[ChainCertificate], anchor: bytes | None, platform: str) -> None:
    """Check 2: the root's re-encoded SPKI hash equals the pinned ``anchor``; every
    certificate but the first is a CA (basicConstraints CA:true); each certificate's
    signature verifies under the next one's key and the root's under its own.
    Raises :class:`QuoteCheckFailed` (check 2)."""

    def fail(reason: str) -> QuoteCheckFailed:
        return QuoteCheckFailed.of(2, reason)

    if anchor is None:
        raise fail(f'no trust anchor for platform "{platform}"')
    root = chain[-1]
    root_hash = spki_hash(root.key)
    if root_hash != anchor:
        raise fail(f"the root's key hash 0x{root_hash.hex()} is not the pinned trust anchor 0x{anchor.hex()}")
    for i in range(1, len(chain)):
        try:
            basic = chain[i].certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            raise fail(f"certificate {i + 1} has no basicConstraints (CA:true required)") from None
        if not basic.ca:
            raise fail(f"certificate {i + 1} is not a CA (basicConstraints CA:true)")
    # From the root down: a forged chain fails at its first made-up link.
    for i in range(len(chain) - 1, -1, -1):
        issuer = chain[i + 1] if i + 1 < len(chain) else root
        cert = chain[i].certificate
        try:
            issuer.key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise fail(
                f"certificate {i + 1}'s signature does not verify under certificate {i + 2}'s key"
                if i + 1 < len(chain)
                else "the root's self-signature does not verify"
            ) from None


def check_validity(chain: list[ChainCertificate], block_time: int, revoked: frozenset[bytes]) -> bytes:
    """Check 3: every certificate's notBefore ≤ ``block_time`` ≤ notAfter, and the
    platform certificate's :func:`revocation_id` is not in ``revoked``. Returns that id;
    raises :class:`QuoteCheckFailed` (check 3)."""
    for i, c in enumerate(chain, start=1):
        not_before = int(c.certificate.not_valid_before_utc.timestamp())
        not_after = int(c.certificate.not_valid_after_utc.timestamp())
        if block_time < not_before:
            raise QuoteCheckFailed.of(3, f"certificate {i} is not valid before {not_before} (block time {block_time})")
        if block_time > not_after:
            raise QuoteCheckFailed.of(3, f"certificate {i} expired at {not_after} (block time {block_time})")
    rid = revocation_id(chain[0].certificate, chain[1].key)
    if rid in revoked:
        raise QuoteCheckFailed.of(3, f"the platform certificate 0x{rid.hex()} is revoked")
    return rid
