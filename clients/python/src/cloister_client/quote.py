"""The SGX DCAP ECDSA quote v3 layout (Intel's ``sgx_quote_3.h``), CONFIDENTIAL.md section 3.

``header (48) ‖ report body (384) ‖ u32le(sigDataLen) ‖ sigData`` with sigData =
``quoteSignature (64) ‖ attestationPublicKey (64) ‖ qeReportBody (384) ‖
qeReportSignature (64) ‖ u16le(qeAuthDataLen) ‖ qeAuthData ‖ u16le(certDataType) ‖
u32le(certDataLen) ‖ certData``. The quote's own integers are little-endian.

:func:`parse_quote` accepts exactly that layout and nothing else; it judges no value
beyond version, key type and lengths (the verifier does).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import QuoteCheckFailed

__all__ = [
    "ATTESTATION_KEY_TYPE_ECDSA_P256",
    "CERT_DATA_TYPE_PEM_CHAIN",
    "FLAG_DEBUG",
    "FLAG_INIT",
    "HEADER_SIZE",
    "INTEL_VENDOR_ID",
    "MAX_QUOTE_SIZE",
    "QUOTE_VERSION",
    "REPORT_BODY_SIZE",
    "SIMULATED_VENDOR_ID",
    "Quote",
    "ReportBody",
    "parse_quote",
]

QUOTE_VERSION = 3
ATTESTATION_KEY_TYPE_ECDSA_P256 = 2
CERT_DATA_TYPE_PEM_CHAIN = 5
HEADER_SIZE = 48
REPORT_BODY_SIZE = 384
#: Larger inputs are refused before parsing (real quotes are a few KiB).
MAX_QUOTE_SIZE = 1 << 20
#: The simulated platform's QE vendor id: the 16 ASCII bytes ``CLOISTER-SIM-QE1``.
SIMULATED_VENDOR_ID = b"CLOISTER-SIM-QE1"
#: Intel's QE vendor id, reserved for a hardware backend.
INTEL_VENDOR_ID = bytes.fromhex("939A7233F79C4CA9940A0DB3957F0607")
#: ``attributes.flags`` bit 0: the enclave was initialised.
FLAG_INIT = 1
#: ``attributes.flags`` bit 1: a debug enclave, whose memory a debugger can read.
FLAG_DEBUG = 2


def _le(data: bytes) -> int:
    return int.from_bytes(data, "little")


@dataclass(frozen=True)
class ReportBody:
    """An SGX report body (384 bytes, ``sgx_report_body_t``) with views of the fields
    section 3 names. ``raw`` is the exact bytes."""

    raw: bytes

    CPU_SVN = range(0, 16)
    MISC_SELECT = range(16, 20)
    ATTRIBUTES_FLAGS = range(48, 56)
    ATTRIBUTES_XFRM = range(56, 64)
    MR_ENCLAVE = range(64, 96)
    MR_SIGNER = range(128, 160)
    ISV_PROD_ID = range(256, 258)
    ISV_SVN = range(258, 260)
    REPORT_DATA = range(320, 384)

    def __post_init__(self) -> None:
        if len(self.raw) != REPORT_BODY_SIZE:
            raise ValueError(f"a report body has {REPORT_BODY_SIZE} bytes, not {len(self.raw)}")

    def _slice(self, r: range) -> bytes:
        return self.raw[r.start : r.stop]

    @property
    def cpu_svn(self) -> bytes:
        return self._slice(self.CPU_SVN)

    @property
    def misc_select(self) -> int:
        return _le(self._slice(self.MISC_SELECT))

    @property
    def attributes_flags(self) -> int:
        return _le(self._slice(self.ATTRIBUTES_FLAGS))

    @property
    def attributes_xfrm(self) -> int:
        return _le(self._slice(self.ATTRIBUTES_XFRM))

    @property
    def mr_enclave(self) -> bytes:
        return self._slice(self.MR_ENCLAVE)

    @property
    def mr_signer(self) -> bytes:
        return self._slice(self.MR_SIGNER)

    @property
    def isv_prod_id(self) -> int:
        return _le(self._slice(self.ISV_PROD_ID))

    @property
    def isv_svn(self) -> int:
        return _le(self._slice(self.ISV_SVN))

    @property
    def report_data(self) -> bytes:
        return self._slice(self.REPORT_DATA)

    @property
    def is_debug(self) -> bool:
        """Whether ``attributes.flags`` has the DEBUG bit."""
        return bool(self.attributes_flags & FLAG_DEBUG)

    def nonzero_offsets_outside(self, allowed: list[range]) -> list[int]:
        """Offsets of non-zero bytes outside the ``allowed`` ranges."""
        return [i for i, b in enumerate(self.raw) if b != 0 and not any(i in r for r in allowed)]


@dataclass(frozen=True)
class Quote:
    """A parsed quote, field by field; ``raw`` is the whole input."""

    raw: bytes
    version: int
    attestation_key_type: int
    header_reserved: bytes
    qe_svn: int
    pce_svn: int
    qe_vendor_id: bytes
    user_data: bytes
    body: ReportBody
    signature: bytes
    attestation_key: bytes
    qe_report: ReportBody
    qe_report_signature: bytes
    qe_auth_data: bytes
    cert_data_type: int
    cert_data: bytes

    @property
    def signed_bytes(self) -> bytes:
        """``header ‖ body``: what the attestation key signs."""
        return self.raw[: HEADER_SIZE + REPORT_BODY_SIZE]


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def read(self, n: int) -> bytes | None:
        if n < 0 or n > self.remaining:
            return None
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def le(self, n: int) -> int | None:
        b = self.read(n)
        return None if b is None else _le(b)


def parse_quote(data: bytes) -> Quote:
    """Parses the exact v3 layout.

    Raises :class:`QuoteCheckFailed` (check 1, format) on a version other than 3, a key
    type other than 2, any truncation, a ``sigDataLen`` that is not the number of bytes
    that follow, and any byte after the certification data.
    """

    def fail(reason: str) -> QuoteCheckFailed:
        return QuoteCheckFailed.of(1, reason)

    if not isinstance(data, (bytes, bytearray)):
        raise fail("a quote is bytes")
    data = bytes(data)
    if len(data) > MAX_QUOTE_SIZE:
        raise fail(f"{len(data)} bytes, more than the {MAX_QUOTE_SIZE} a quote may have")
    c = _Cursor(data)
    version = c.le(2)
    key_type = c.le(2)
    reserved = c.read(4)
    qe_svn = c.le(2)
    pce_svn = c.le(2)
    vendor = c.read(16)
    user_data = c.read(20)
    if (
        version is None
        or key_type is None
        or reserved is None
        or qe_svn is None
        or pce_svn is None
        or vendor is None
        or user_data is None
    ):
        raise fail(f"{len(data)} bytes: shorter than the 48-byte header")
    if version != QUOTE_VERSION:
        raise fail(f"version {version}, expected 3")
    if key_type != ATTESTATION_KEY_TYPE_ECDSA_P256:
        raise fail(f"attestation key type {key_type}, expected 2 (ECDSA-P256)")
    body = c.read(REPORT_BODY_SIZE)
    if body is None:
        raise fail("truncated in the report body")
    sig_len = c.le(4)
    if sig_len is None:
        raise fail("truncated before the signature data length")
    if sig_len != c.remaining:
        raise fail(f"signature data length says {sig_len} bytes, {c.remaining} follow")
    signature = c.read(64)
    attestation_key = c.read(64)
    qe_report = c.read(REPORT_BODY_SIZE)
    qe_report_signature = c.read(64)
    if signature is None or attestation_key is None or qe_report is None or qe_report_signature is None:
        raise fail("signature data truncated before the QE report signature's end")
    auth_len = c.le(2)
    auth = None if auth_len is None else c.read(auth_len)
    if auth is None:
        raise fail("QE authentication data truncated")
    cert_type = c.le(2)
    cert_len = c.le(4)
    cert = None if cert_len is None else c.read(cert_len)
    if cert_type is None or cert is None:
        raise fail("certification data truncated")
    if c.remaining != 0:
        raise fail(f"{c.remaining} bytes after the certification data")
    return Quote(
        raw=data,
        version=version,
        attestation_key_type=key_type,
        header_reserved=reserved,
        qe_svn=qe_svn,
        pce_svn=pce_svn,
        qe_vendor_id=vendor,
        user_data=user_data,
        body=ReportBody(body),
        signature=signature,
        attestation_key=attestation_key,
        qe_report=ReportBody(qe_report),
        qe_report_signature=qe_report_signature,
        qe_auth_data=auth,
        cert_data_type=cert_type,
        cert_data=cert,
    )
