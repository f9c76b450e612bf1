"""The plaintext a confidential transaction or view carries (CONFIDENTIAL.md section 5.2).

``plaintext = rlp([to, data, responseKey, padding])``, **well-formed** when it has
exactly four items, all byte strings; ``to`` is empty (a deploy: ``data`` is init code)
or 20 bytes; ``responseKey`` is 32 bytes; ``padding`` is all zero bytes; and the whole
plaintext's length is a multiple of 256. :func:`encode_plaintext` makes only
well-formed plaintexts; :func:`check_plaintext` accepts exactly those (and canonical RLP
only, as section 0 asks of every decoder).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PlaintextMalformed
from .rlpcodec import RlpError, bytes_of, decode, encode, list_of

__all__ = ["PLAINTEXT_BLOCK", "RESPONSE_KEY_LENGTH", "TxPlaintext", "check_plaintext", "encode_plaintext"]

#: A plaintext's length is a multiple of this many bytes (section 5.2).
PLAINTEXT_BLOCK = 256

#: Length of ``responseKey``, the AES-256-GCM-SIV key of the result (section 5.3).
RESPONSE_KEY_LENGTH = 32


@dataclass(frozen=True)
class TxPlaintext:
    """A well-formed plaintext, parsed. ``to`` is the 20-byte callee, or None for a
    deploy; ``padding_length`` is how many zero bytes of padding it carried."""

    to: bytes | None
    data: bytes
    response_key: bytes
    padding_length: int

    def encode(self) -> bytes:
        """The plaintext bytes (with this very amount of padding)."""
        return encode_plaintext(self.to, self.data, self.response_key, padding_length=self.padding_length)


def encode_plaintext(
    to: bytes | None, data: bytes, response_key: bytes, *, padding_length: int | None = None
) -> bytes:
    """``rlp([to, data, responseKey, padding])``, well-formed.

    ``to`` is 20 bytes, or None for a deploy (encoded as the empty string).
    ``padding`` is ``padding_length`` zero bytes when given (ValueError unless the
    result's length is then a multiple of 256), else the fewest zero bytes that make the
    length a multiple of 256. Raises ValueError for a ``to`` that is neither None nor 20
    bytes and a ``response_key`` that is not 32 bytes.
    """
    if to is not None and len(to) != 20:
        raise ValueError(f"to is a 20-byte address (or None for a deploy), not {len(to)} bytes")
    if len(response_key) != RESPONSE_KEY_LENGTH:
        raise ValueError(f"responseKey has {RESPONSE_KEY_LENGTH} bytes, not {len(response_key)}")
    to_bytes = b"" if to is None else bytes(to)
    if padding_length is None:
        padding_length = _smallest_padding(to_bytes, bytes(data), bytes(response_key))
    elif padding_length < 0:
        raise ValueError("padding_length must be non-negative")
    out = encode([to_bytes, bytes(data), bytes(response_key), bytes(padding_length)])
    if len(out) % PLAINTEXT_BLOCK != 0:
        raise ValueError(
            f"{padding_length} bytes of padding make a {len(out)}-byte plaintext, not a multiple of {PLAINTEXT_BLOCK}"
        )
    return out


def check_plaintext(plaintext: bytes) -> TxPlaintext:
    """The parsed plaintext if it is well-formed by exactly the rules of section 5.2,
    else :class:`PlaintextMalformed` naming the rule it breaks."""
    try:
        items = list_of(decode(plaintext), "plaintext")
        if len(items) != 4:
            raise PlaintextMalformed(f"the plaintext has {len(items)} items, not 4 (to, data, responseKey, padding)")
        to = bytes_of(items[0], "to")
        data = bytes_of(items[1], "data")
        response_key = bytes_of(items[2], "responseKey")
        padding = bytes_of(items[3], "padding")
    except RlpError as e:
        raise PlaintextMalformed(str(e)) from None
    if len(to) not in (0, 20):
        raise PlaintextMalformed(f"to has {len(to)} bytes, not 0 (deploy) or 20")
    if len(response_key) != RESPONSE_KEY_LENGTH:
        raise PlaintextMalformed(f"responseKey has {len(response_key)} bytes, not {RESPONSE_KEY_LENGTH}")
    if padding.count(0) != len(padding):
        raise PlaintextMalformed("the padding holds a non-zero byte")
    if len(plaintext) % PLAINTEXT_BLOCK != 0:
        raise PlaintextMalformed(f"the plaintext has {len(plaintext)} bytes, not a multiple of {PLAINTEXT_BLOCK}")
    return TxPlaintext(to=to or None, data=data, response_key=response_key, padding_length=len(padding))


def _length_of_length(n: int) -> int:
    return (n.bit_length() + 7) // 8


def _string_length(n: int, first: int = 0) -> int:
    """Length of the RLP encoding of an n-byte string whose first byte is ``first``."""
    if n == 1 and first < 0x80:
        return 1
    if n <= 55:
        return 1 + n
    return 1 + _length_of_length(n) + n


def _list_length(payload: int) -> int:
    if payload <= 55:
        return 1 + payload
    return 1 + _length_of_length(payload) + payload


def _smallest_padding(to: bytes, data: bytes, response_key: bytes) -> int:
    fixed = sum(_string_length(len(b), b[0] if b else 0) for b in (to, data, response_key))
    k = 0
    # Each extra padding byte adds 1 to the length, sometimes 2 (when a length prefix
    # grows), so a multiple of 256 is reached within a few hundred steps.
    while _list_length(fixed + _string_length(k)) % PLAINTEXT_BLOCK != 0:
        k += 1
    return k
