"""Byte encodings of CONFIDENTIAL.md section 0 and strict hex parsing.

Fixed-width big-endian integers (``be32``, ``u64be``, ``u32be``, ``u8``), Keccak-256 and
SHA-256, and hex parsing that refuses anything but what it is asked for.
"""

from __future__ import annotations

import hashlib

from eth_hash.auto import keccak as _keccak

__all__ = [
    "be32",
    "hex_bytes",
    "keccak256",
    "sha256",
    "to_hex",
    "u8",
    "u32be",
    "u64be",
]


def _fixed(value: int, width: int, what: str) -> bytes:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int")
    if value < 0 or value >= 1 << (8 * width):
        raise ValueError(f"{what} {value} does not fit {width} unsigned bytes")
    return value.to_bytes(width, "big")


def be32(value: int) -> bytes:
    """A 32-byte big-endian word; raises ValueError when ``value`` does not fit."""
    return _fixed(value, 32, "be32 value")


def u64be(value: int) -> bytes:
    """8 bytes big-endian; raises ValueError when ``value`` does not fit."""
    return _fixed(value, 8, "u64 value")


def u32be(value: int) -> bytes:
    """4 bytes big-endian; raises ValueError when ``value`` does not fit."""
    return _fixed(value, 4, "u32 value")


def u8(value: int) -> bytes:
    """One byte; raises ValueError when ``value`` does not fit."""
    return _fixed(value, 1, "u8 value")


def keccak256(data: bytes) -> bytes:
    """Keccak-256 (Ethereum's, not SHA3-256) of ``data``: 32 bytes."""
    return bytes(_keccak(data))


def sha256(data: bytes) -> bytes:
    """SHA-256 of ``data``: 32 bytes."""
    return hashlib.sha256(data).digest()


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def hex_bytes(text: str, *, length: int | None = None, require_prefix: bool = True, what: str = "value") -> bytes:
    """The bytes of a hex string.

    Refuses (ValueError) a non-string, a missing ``0x`` prefix when ``require_prefix``,
    an odd number of digits, a non-hex character, and a length other than ``length``
    bytes when ``length`` is given.
    """
    if not isinstance(text, str):
        raise ValueError(f"{what}: expected a hex string, got {type(text).__name__}")
    digits = text
    if text[:2] in ("0x", "0X"):
        digits = text[2:]
    elif require_prefix:
        raise ValueError(f"{what}: hex string without 0x prefix")
    if len(digits) % 2 != 0:
        raise ValueError(f"{what}: odd number of hex digits")
    if not _HEX_DIGITS.issuperset(digits):
        raise ValueError(f"{what}: not a hex string")
    out = bytes.fromhex(digits)
    if length is not None and len(out) != length:
        raise ValueError(f"{what}: expected {length} bytes, got {len(out)}")
    return out


def to_hex(data: bytes) -> str:
    """``0x``-prefixed lowercase hex of ``data``."""
    return "0x" + data.hex()
