"""Canonical RLP as CONFIDENTIAL.md section 0 fixes it.

Every integer is a canonical scalar: minimal big-endian bytes, zero = the empty string
(``0x80``). :func:`decode` refuses what section 0 tells decoders to refuse: leading
zeros in a length, a long form for a short item, a one-byte string that should have
been the byte itself, a truncated item and trailing bytes; :func:`scalar_of` refuses a
scalar with a leading zero byte. Items are ``bytes`` or (nested) lists of them.
"""

from __future__ import annotations

from typing import Union

import rlp

__all__ = ["RlpError", "RlpItem", "bytes_of", "decode", "encode", "list_of", "scalar", "scalar_of"]

#: An RLP item: a byte string or a list of items.
RlpItem = Union[bytes, list["RlpItem"]]

#: Deepest list nesting :func:`decode` accepts (the formats here nest three deep).
MAX_DEPTH = 16


class RlpError(ValueError):
    """Bytes that are not canonical RLP, or an item of the wrong shape."""


def encode(item: RlpItem) -> bytes:
    """The RLP encoding of ``item`` (byte strings and lists only: integers go through
    :func:`scalar` first, so their encoding is always the canonical one)."""
    _check_item(item)
    return bytes(rlp.encode(item))


def scalar(value: int) -> bytes:
    """The canonical scalar bytes of a non-negative int: minimal big-endian, 0 → ``b""``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("a scalar is an int")
    if value < 0:
        raise ValueError(f"a scalar is non-negative, not {value}")
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def decode(raw: bytes) -> RlpItem:
    """The one item ``raw`` encodes; :class:`RlpError` unless ``raw`` is exactly one
    canonically encoded item (nothing before or after it), nested at most
    ``MAX_DEPTH`` lists deep."""
    if not isinstance(raw, (bytes, bytearray)):
        raise RlpError("RLP input must be bytes")
    data = bytes(raw)
    item, end = _item_at(data, 0, len(data), 0)
    if end != len(data):
        raise RlpError(f"not canonical RLP: {len(data) - end} trailing bytes after the item")
    return item


def list_of(item: RlpItem, what: str, *, length: int | None = None) -> list[RlpItem]:
    """``item`` as a list (of exactly ``length`` items when given)."""
    if not isinstance(item, list):
        raise RlpError(f"{what}: expected an RLP list, got a byte string")
    if length is not None and len(item) != length:
        raise RlpError(f"{what}: expected {length} items, got {len(item)}")
    return item


def bytes_of(item: RlpItem, what: str, *, length: int | None = None) -> bytes:
    """``item`` as a byte string (of exactly ``length`` bytes when given)."""
    if not isinstance(item, bytes):
        raise RlpError(f"{what}: expected a byte string, got an RLP list")
    if length is not None and len(item) != length:
        raise RlpError(f"{what}: expected {length} bytes, got {len(item)}")
    return item


def scalar_of(item: RlpItem, what: str, *, bits: int = 256) -> int:
    """``item`` as a canonical scalar of at most ``bits`` bits: a byte string without a
    leading zero byte (zero is the empty string)."""
    b = bytes_of(item, what)
    if b[:1] == b"\x00":
        raise RlpError(f"{what}: not a canonical scalar (leading zero byte)")
    value = int.from_bytes(b, "big")
    if value >= 1 << bits:
        raise RlpError(f"{what}: {value} does not fit {bits} bits")
    return value


def _check_item(item: object) -> None:
    if isinstance(item, bytes):
        return
    if isinstance(item, list):
        for sub in item:
            _check_item(sub)
        return
    raise TypeError(f"an RLP item is bytes or a list, not {type(item).__name__}")


def _item_at(data: bytes, pos: int, limit: int, depth: int) -> tuple[RlpItem, int]:
    """The item starting at ``pos`` that must end by ``limit``, and where it ends."""
    if pos >= limit:
        raise RlpError("not canonical RLP: truncated (an item is missing)")
    first = data[pos]
    if first < 0x80:
        return data[pos : pos + 1], pos + 1
    is_list = first >= 0xC0
    short = first - (0xC0 if is_list else 0x80)
    if short <= 55:
        start, length = pos + 1, short
    else:
        width = short - 55
        start = pos + 1 + width
        if start > limit:
            raise RlpError("not canonical RLP: truncated length")
        if data[pos + 1] == 0:
            raise RlpError("not canonical RLP: a length with a leading zero byte")
        length = int.from_bytes(data[pos + 1 : start], "big")
        if length <= 55:
            raise RlpError("not canonical RLP: a long-form length for a short item")
    end = start + length
    if end > limit:
        raise RlpError("not canonical RLP: truncated (an item runs past its end)")
    if not is_list:
        if length == 1 and data[start] < 0x80:
            raise RlpError("not canonical RLP: a single byte below 0x80 encoded as a string")
        return data[start:end], end
    if depth >= MAX_DEPTH:
        raise RlpError(f"RLP lists nested deeper than {MAX_DEPTH}")
    items: list[RlpItem] = []
    at = start
    while at < end:
        item, at = _item_at(data, at, end, depth + 1)
        items.append(item)
    return items, end
