"""The strict RLP decoder: it agrees with pyrlp on canonical input and refuses every
non-canonical form section 0 names (and truncation, trailing bytes, deep nesting)."""

from __future__ import annotations

import random

import pytest
import rlp

from cloister_client.rlpcodec import RlpError, RlpItem, decode, encode, scalar, scalar_of


def random_item(rng: random.Random, depth: int = 0) -> RlpItem:
    if depth < 3 and rng.random() < 0.3:
        return [random_item(rng, depth + 1) for _ in range(rng.randrange(0, 6))]
    n = rng.choice([0, 1, 1, 2, 20, 55, 56, 57, 200, 256, 1100])
    return bytes(rng.randrange(256) for _ in range(n))


def nested(depth: int) -> RlpItem:
    """``depth`` lists, each holding the next; the innermost is empty."""
    item: RlpItem = []
    for _ in range(depth - 1):
        item = [item]
    return item


def test_agrees_with_pyrlp_on_canonical_input() -> None:
    rng = random.Random(4242)
    for _ in range(300):
        item = random_item(rng)
        raw = bytes(rlp.encode(item))
        assert encode(item) == raw
        assert decode(raw) == item


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("8100", "single byte below 0x80"),
        ("817f", "single byte below 0x80"),
        ("b800", "leading zero"),
        ("b90001" + "00", "leading zero"),
        ("b837" + "61" * 55, "long-form length for a short item"),
        ("f837" + "01" * 55, "long-form length for a short item"),
        ("c10000", "1 trailing bytes"),
        ("0000", "1 trailing bytes"),
        ("", "truncated"),
        ("83616263"[:-2], "truncated"),
        ("b9", "truncated length"),
        ("c28261", "runs past its end"),
        ("c2826162", "runs past its end"),
        (bytes(rlp.encode(nested(17))).hex(), "nested deeper"),
    ],
)
def test_non_canonical_input_is_refused(raw: str, reason: str) -> None:
    with pytest.raises(RlpError) as info:
        decode(bytes.fromhex(raw))
    assert reason in str(info.value)


def test_nesting_up_to_the_limit_is_fine() -> None:
    assert decode(bytes(rlp.encode(nested(16)))) == nested(16)


def test_scalars() -> None:
    assert scalar(0) == b"" and scalar(1) == b"\x01" and scalar(256) == b"\x01\x00"
    assert scalar_of(b"", "x") == 0 and scalar_of(b"\x01\x00", "x") == 256
    with pytest.raises(RlpError):
        scalar_of(b"\x00", "x")
    with pytest.raises(RlpError):
        scalar_of(b"\x00\x01", "x")
    with pytest.raises(RlpError):
        scalar_of(b"\x01\x00", "x", bits=8)
    with pytest.raises(RlpError):
        scalar_of([b"\x01"], "x")
    with pytest.raises(ValueError):
        scalar(-1)
    with pytest.raises(TypeError):
        scalar(True)
    with pytest.raises(TypeError):
        encode([1])  # type: ignore[list-item]
