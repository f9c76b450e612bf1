"""Test-only simulated platform: makes SGX DCAP v3 quotes exactly as CONFIDENTIAL.md
section 3 lays them out (a self-signed P-256 root, a platform certificate it signs, an
attestation key certified by a QE report, the quote signature), and lets a test alter
any one field and re-sign what must stay valid.

Not part of the package: nothing here is a verifier.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.x509.oid import NameOID
from eth_keys.datatypes import PrivateKey

from cloister_client import Claimed, PinnedPolicy, VerifiedEnclave, report_data, verify_quote
from cloister_client.certchain import spki_hash
from cloister_client.encoding import keccak256, sha256
from cloister_client.pem import encode_pem_chain
from cloister_client.secp256k1 import SECP256K1_N

SIM_VENDOR = b"CLOISTER-SIM-QE1"
UTC = dt.timezone.utc
NOT_BEFORE = dt.datetime(2020, 1, 1, tzinfo=UTC)
NOT_AFTER = dt.datetime(2040, 1, 1, tzinfo=UTC)
#: 2027-01-15, inside every default validity window.
BLOCK_TIME = 1_800_000_000

# Report body offsets (section 3).
CPU_SVN = 0
MISC_SELECT = 16
ATTR_FLAGS = 48
ATTR_XFRM = 56
MR_ENCLAVE = 64
MR_SIGNER = 128
ISV_PROD_ID = 256
ISV_SVN = 258
REPORT_DATA = 320


def p256_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Cloister tests (simulated platform)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_cert(
    *,
    public_key: Any,
    subject: x509.Name,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    ca: bool | None,
    serial: int | None = None,
    not_before: dt.datetime = NOT_BEFORE,
    not_after: dt.datetime = NOT_AFTER,
    extra_extensions: list[tuple[x509.ExtensionType, bool]] | None = None,
    hash_algorithm: hashes.SHA256 | hashes.SHA384 | None = None,
) -> x509.Certificate:
    """A certificate; ``ca`` None leaves basicConstraints out."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    for ext, critical in extra_extensions or []:
        builder = builder.add_extension(ext, critical=critical)
    return builder.sign(issuer_key, hash_algorithm or hashes.SHA256())


@dataclass
class Authority:
    """A key and its certificate (a root, an intermediate or a platform)."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def make_root(common_name: str = "Cloister test root", **kw: Any) -> Authority:
    key = p256_key()
    n = name(common_name)
    return Authority(key, make_cert(public_key=key.public_key(), subject=n, issuer=n, issuer_key=key, ca=True, **kw))


def issue(parent: Authority, common_name: str, *, ca: bool | None, key: Any = None, **kw: Any) -> Authority:
    """A certificate signed by ``parent`` (``key``: the subject's private key; P-256 made when None)."""
    subject_key = key if key is not None else p256_key()
    cert = make_cert(
        public_key=subject_key.public_key(),
        subject=name(common_name),
        issuer=parent.cert.subject,
        issuer_key=parent.key,
        ca=ca,
        **kw,
    )
    return Authority(subject_key, cert)


@dataclass
class SimPlatform:
    """A root, optional intermediates (nearest the platform first) and a platform certificate."""

    root: Authority
    platform: Authority
    intermediates: list[Authority] = field(default_factory=list)

    @classmethod
    def create(cls, intermediates: int = 0) -> SimPlatform:
        root = make_root()
        chain: list[Authority] = []
        parent = root
        for i in range(intermediates):
            parent = issue(parent, f"Cloister test intermediate {i}", ca=True)
            chain.insert(0, parent)
        platform = issue(parent, "Cloister test platform", ca=False)
        return cls(root=root, platform=platform, intermediates=chain)

    def certificates(self) -> list[x509.Certificate]:
        return [self.platform.cert] + [a.cert for a in self.intermediates] + [self.root.cert]

    def cert_data(self) -> bytes:
        return pem(self.certificates())

    def anchor(self) -> bytes:
        return spki_hash(self.root.key.public_key())


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def pem(certs: list[x509.Certificate]) -> bytes:
    return encode_pem_chain([der(c) for c in certs])


def sign_p256(key: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    """Raw ``r ‖ s`` (32 bytes each) over SHA-256 of ``message``."""
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def raw_point(key: ec.EllipticCurvePrivateKey) -> bytes:
    """``x ‖ y`` of a P-256 key's public point."""
    return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)[1:]


@dataclass
class QuoteParts:
    """Every field of a quote, mutable; :meth:`to_bytes` lays them out (section 3)."""

    version: int = 3
    key_type: int = 2
    reserved: bytes = bytes(4)
    qe_svn: int = 1
    pce_svn: int = 1
    vendor: bytes = SIM_VENDOR
    user_data: bytes = bytes(20)
    body: bytearray = field(default_factory=lambda: bytearray(384))
    signature: bytes = bytes(64)
    attestation_key: bytes = bytes(64)
    qe_report: bytearray = field(default_factory=lambda: bytearray(384))
    qe_report_signature: bytes = bytes(64)
    qe_auth_data: bytes = b""
    cert_data_type: int = 5
    cert_data: bytes = b""
    sig_data_len: int | None = None
    trailing: bytes = b""

    def header(self) -> bytes:
        return (
            self.version.to_bytes(2, "little")
            + self.key_type.to_bytes(2, "little")
            + self.reserved
            + self.qe_svn.to_bytes(2, "little")
            + self.pce_svn.to_bytes(2, "little")
            + self.vendor
            + self.user_data
        )

    def signed_bytes(self) -> bytes:
        return self.header() + bytes(self.body)

    def sig_data(self) -> bytes:
        return (
            self.signature
            + self.attestation_key
            + bytes(self.qe_report)
            + self.qe_report_signature
            + len(self.qe_auth_data).to_bytes(2, "little")
            + self.qe_auth_data
            + self.cert_data_type.to_bytes(2, "little")
            + len(self.cert_data).to_bytes(4, "little")
            + self.cert_data
        )

    def to_bytes(self) -> bytes:
        sig = self.sig_data()
        n = len(sig) if self.sig_data_len is None else self.sig_data_len
        return self.signed_bytes() + n.to_bytes(4, "little") + sig + self.trailing

    def copy(self) -> QuoteParts:
        return replace(self, body=bytearray(self.body), qe_report=bytearray(self.qe_report))


def put_le(buf: bytearray, offset: int, width: int, value: int) -> None:
    buf[offset : offset + width] = value.to_bytes(width, "little")


def put(buf: bytearray, offset: int, value: bytes) -> None:
    buf[offset : offset + len(value)] = value


def enclave_body(
    *, mr_enclave: bytes, isv_svn: int, report: bytes, cpu_svn: bytes, debug: bool = False, isv_prod_id: int = 1
) -> bytearray:
    """The report body the simulated CPU gives an enclave."""
    body = bytearray(384)
    put(body, CPU_SVN, cpu_svn)
    put_le(body, ATTR_FLAGS, 8, 1 | (2 if debug else 0))
    put(body, MR_ENCLAVE, mr_enclave)
    put_le(body, ISV_PROD_ID, 2, isv_prod_id)
    put_le(body, ISV_SVN, 2, isv_svn)
    put(body, REPORT_DATA, report)
    return body


def certify(parts: QuoteParts, platform_key: ec.EllipticCurvePrivateKey, attestation_key: ec.EllipticCurvePrivateKey) -> None:
    """Writes the attestation key and a QE report binding it (cpuSvn from the body,
    isvSvn = the header's qeSvn) signed by the platform key."""
    parts.attestation_key = raw_point(attestation_key)
    qe = bytearray(384)
    put(qe, CPU_SVN, bytes(parts.body[CPU_SVN : CPU_SVN + 16]))
    put_le(qe, ISV_SVN, 2, parts.qe_svn)
    put(qe, REPORT_DATA, sha256(parts.attestation_key + parts.qe_auth_data) + bytes(32))
    parts.qe_report = qe
    sign_qe_report(parts, platform_key)


def sign_qe_report(parts: QuoteParts, platform_key: ec.EllipticCurvePrivateKey) -> None:
    parts.qe_report_signature = sign_p256(platform_key, bytes(parts.qe_report))


def sign_quote(parts: QuoteParts, attestation_key: ec.EllipticCurvePrivateKey) -> None:
    parts.signature = sign_p256(attestation_key, parts.signed_bytes())


# ----------------------------------------------------------------- DER surgery


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def _read(buf: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, content start, end) of the TLV at ``pos``."""
    tag = buf[pos]
    first = buf[pos + 1]
    if first < 0x80:
        return tag, pos + 2, pos + 2 + first
    k = first & 0x7F
    n = int.from_bytes(buf[pos + 2 : pos + 2 + k], "big")
    return tag, pos + 2 + k, pos + 2 + k + n


def children(content: bytes) -> list[bytes]:
    out: list[bytes] = []
    pos = 0
    while pos < len(content):
        _, _, end = _read(content, pos)
        out.append(content[pos:end])
        pos = end
    return out


def content_of(element: bytes) -> bytes:
    _, start, end = _read(element, 0)
    return element[start:end]


def with_compressed_spki(cert: x509.Certificate, signing_key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    """``cert`` with its SubjectPublicKeyInfo holding the COMPRESSED point, re-signed by
    ``signing_key`` (everything else unchanged)."""
    tbs, alg, _ = children(content_of(der(cert)))
    fields = children(content_of(tbs))
    public = cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    uncompressed = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    index = fields.index(uncompressed)
    algorithm_identifier = children(content_of(uncompressed))[0]
    point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    fields[index] = tlv(0x30, algorithm_identifier + tlv(0x03, b"\x00" + point))
    new_tbs = tlv(0x30, b"".join(fields))
    signature = signing_key.sign(new_tbs, ec.ECDSA(hashes.SHA256()))
    return x509.load_der_x509_certificate(tlv(0x30, new_tbs + alg + tlv(0x03, b"\x00" + signature)))


# ----------------------------------------------------------------- secp256k1


def secp256k1_key() -> PrivateKey:
    while True:
        secret = os.urandom(32)
        if 0 < int.from_bytes(secret, "big") < SECP256K1_N:
            return PrivateKey(secret)


def sign_recoverable(key: PrivateKey, digest: bytes, *, high_s: bool = False) -> bytes:
    """65-byte ``r ‖ s ‖ v`` over ``digest``, low s unless ``high_s``."""
    sig = key.sign_msg_hash(digest)
    r, s, v = int(sig.r), int(sig.s), int(sig.v)
    if s > SECP256K1_N // 2:
        s, v = SECP256K1_N - s, v ^ 1
    if high_s:
        s, v = SECP256K1_N - s, v ^ 1
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])


def x25519_public() -> bytes:
    return (
        X25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


# ----------------------------------------------------------------- a whole world


def policy_config(
    anchor: bytes, measurements: list[bytes], **overrides: Any
) -> dict[str, Any]:
    """A genesis ``config.confidential`` object for the simulated platform."""
    config: dict[str, Any] = {
        "platforms": ["simulated-sgx"],
        "insecureSimulation": True,
        "trustAnchors": {"simulated-sgx": "0x" + anchor.hex()},
        "measurements": ["0x" + m.hex() for m in measurements],
        "minIsvSvn": 1,
        "minCpuSvn": "0x" + "00" * 16,
        "minPceSvn": 1,
        "minQeSvn": 1,
        "allowDebug": False,
        "freshnessBlocks": 64,
        "epochLength": 1000,
        "enclaveQuorum": 1,
    }
    config.update(overrides)
    return config


@dataclass
class World:
    """A chain, a policy, a platform and an enclave whose quote passes all ten checks."""

    platform: SimPlatform
    attestation_key: ec.EllipticCurvePrivateKey
    chain_id: int
    genesis_hash: bytes
    mr_enclave: bytes
    signing_key: PrivateKey
    claimed: Claimed
    ancestors: list[bytes]
    block_time: int = BLOCK_TIME
    isv_svn: int = 1
    cpu_svn: bytes = bytes([1] * 16)
    config_overrides: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, intermediates: int = 0, chain_id: int = 4242, ancestors: int = 100) -> World:
        signing_key = secp256k1_key()
        return cls(
            platform=SimPlatform.create(intermediates),
            attestation_key=p256_key(),
            chain_id=chain_id,
            genesis_hash=keccak256(b"genesis"),
            mr_enclave=sha256(b"cloister-enclave binary"),
            signing_key=signing_key,
            claimed=Claimed(
                authority=keccak256(b"authority")[:20],
                signing_key=bytes(signing_key.public_key.to_compressed_bytes()),
                encryption_key=x25519_public(),
            ),
            ancestors=[keccak256(b"block %d" % i) for i in range(ancestors)],
        )

    def config(self, **overrides: Any) -> dict[str, Any]:
        merged = dict(self.config_overrides)
        merged.update(overrides)
        return policy_config(self.platform.anchor(), [self.mr_enclave, sha256(b"another build")], **merged)

    def policy(self, revoked: frozenset[bytes] = frozenset(), **overrides: Any) -> PinnedPolicy:
        return PinnedPolicy.from_genesis_config(
            self.config(**overrides), self.chain_id, self.genesis_hash, revoked_platforms=revoked
        )

    def report_data(
        self,
        *,
        chain_id: int | None = None,
        genesis_hash: bytes | None = None,
        policy_hash: bytes | None = None,
        claimed: Claimed | None = None,
        freshness: bytes | None = None,
    ) -> bytes:
        c = claimed or self.claimed
        return report_data(
            self.chain_id if chain_id is None else chain_id,
            genesis_hash or self.genesis_hash,
            policy_hash or self.policy().policy_hash(),
            c.authority,
            c.signing_key,
            c.encryption_key,
            self.ancestors[3] if freshness is None else freshness,
        )

    def parts(
        self,
        *,
        report: bytes | None = None,
        debug: bool = False,
        mr_enclave: bytes | None = None,
        isv_svn: int | None = None,
        cpu_svn: bytes | None = None,
        qe_svn: int = 1,
        pce_svn: int = 1,
        qe_auth_data: bytes = b"",
        isv_prod_id: int = 1,
        platform: SimPlatform | None = None,
    ) -> QuoteParts:
        """A complete, signed quote (the good one unless told otherwise)."""
        plat = platform or self.platform
        parts = QuoteParts(qe_svn=qe_svn, pce_svn=pce_svn, qe_auth_data=qe_auth_data, cert_data=plat.cert_data())
        parts.body = enclave_body(
            mr_enclave=mr_enclave or self.mr_enclave,
            isv_svn=self.isv_svn if isv_svn is None else isv_svn,
            report=report or self.report_data(),
            cpu_svn=cpu_svn or self.cpu_svn,
            debug=debug,
            isv_prod_id=isv_prod_id,
        )
        certify(parts, plat.platform.key, self.attestation_key)
        sign_quote(parts, self.attestation_key)
        return parts

    def resign(self, parts: QuoteParts, platform: SimPlatform | None = None) -> QuoteParts:
        """Re-certifies the attestation key and re-signs the quote as the parts stand."""
        certify(parts, (platform or self.platform).platform.key, self.attestation_key)
        sign_quote(parts, self.attestation_key)
        return parts

    def verify(
        self,
        quote: bytes | QuoteParts,
        *,
        policy: PinnedPolicy | None = None,
        chain_id: int | None = None,
        genesis_hash: bytes | None = None,
        claimed: Claimed | None = None,
        block_time: int | None = None,
        ancestors: list[bytes] | None = None,
    ) -> VerifiedEnclave:
        raw = quote.to_bytes() if isinstance(quote, QuoteParts) else quote
        return verify_quote(
            raw,
            claimed or self.claimed,
            self.chain_id if chain_id is None else chain_id,
            genesis_hash or self.genesis_hash,
            policy or self.policy(),
            self.block_time if block_time is None else block_time,
            self.ancestors if ancestors is None else ancestors,
        )
