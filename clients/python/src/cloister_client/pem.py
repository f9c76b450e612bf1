"""Strict PEM certificate lists (RFC 7468 as CONFIDENTIAL.md section 3 fixes them).

For each certificate: ``-----BEGIN CERTIFICATE-----`` LF, base64 lines of 64 characters
(the last one shorter or equal) each ending in LF, ``-----END CERTIFICATE-----`` LF;
blocks back to back with nothing between; one trailing NUL byte tolerated. Exactly one
text is accepted for every list of DER certificates: the one :func:`encode_pem_chain`
writes.
"""

from __future__ import annotations

import base64
import binascii

__all__ = ["decode_pem_chain", "encode_pem_chain"]

_BEGIN = b"-----BEGIN CERTIFICATE-----\n"
_END = b"-----END CERTIFICATE-----\n"


def encode_pem_chain(certificates: list[bytes]) -> bytes:
    """The strict PEM text of DER certificates, in order."""
    out = bytearray()
    for der in certificates:
        out += _BEGIN
        text = base64.b64encode(der)
        for i in range(0, len(text), 64):
            out += text[i : i + 64] + b"\n"
        out += _END
    return bytes(out)


def decode_pem_chain(data: bytes) -> list[bytes]:
    """The DER certificates of a strict PEM list.

    Raises ValueError with a reason on anything :func:`encode_pem_chain` would not have
    written (CRLF, other line lengths, text between blocks, non-canonical base64, an
    empty block), apart from one trailing NUL byte.
    """
    text = data[:-1] if data.endswith(b"\x00") else data
    certificates: list[bytes] = []
    pos = 0
    while pos < len(text):
        n = len(certificates) + 1
        if not text.startswith(_BEGIN, pos):
            raise ValueError(f'certificate {n}: expected "-----BEGIN CERTIFICATE-----" and LF')
        pos += len(_BEGIN)
        end_at = text.find(_END, pos)
        if end_at < 0:
            raise ValueError(f'certificate {n}: no "-----END CERTIFICATE-----" line ending in LF')
        body = text[pos:end_at]
        pos = end_at + len(_END)
        try:
            der = base64.b64decode(body.replace(b"\n", b""), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"certificate {n}: not base64") from None
        if not der:
            raise ValueError(f"certificate {n}: empty")
        if encode_pem_chain([der]) != _BEGIN + body + _END:
            raise ValueError(
                f"certificate {n}: not strict PEM (lines of 64 base64 characters, each ending in LF, canonical padding)"
            )
        certificates.append(der)
    return certificates
