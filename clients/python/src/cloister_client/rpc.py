"""JSON-RPC access and strict parsing of node replies.

The client talks to a node only through ``w3.provider.make_request(method, params)``:
raw JSON-RPC, no middleware that could reshape a reply. Every value of a reply is parsed
strictly (``0x`` quantities without leading zeros, ``0x`` data of the expected length,
JSON booleans); anything else is refused with ``code="reply"``, a JSON-RPC error with
``code="rpc"``. The refusal is a :class:`TxKeyRefused` unless the caller passes another
``refuse`` (the confidential-transaction layer passes :class:`ConfidentialRefused`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from web3.types import RPCEndpoint

from .encoding import hex_bytes
from .errors import CloisterClientError, TxKeyRefused

__all__ = ["Block", "HasProvider", "JsonRpcProvider", "Refuse", "call", "data", "field", "flag", "get_block", "obj", "quantity"]

#: Makes the error a refusal raises from ``(reason, code)``.
Refuse = Callable[[str, str], CloisterClientError]


class JsonRpcProvider(Protocol):
    """What the client needs of a provider: web3's ``BaseProvider.make_request``."""

    def make_request(self, method: RPCEndpoint, params: Any) -> Any: ...


class HasProvider(Protocol):
    """A ``web3.Web3`` (or anything with a ``provider`` that makes JSON-RPC requests)."""

    @property
    def provider(self) -> JsonRpcProvider: ...


def call(w3: HasProvider, method: str, params: list[Any], *, refuse: Refuse = TxKeyRefused) -> Any:
    """The ``result`` of one JSON-RPC request; ``refuse(reason, "rpc")`` when the node
    answers with an error or without a result."""
    response = w3.provider.make_request(RPCEndpoint(method), params)
    if not isinstance(response, Mapping):
        raise refuse(f"{method}: the node's reply is not a JSON-RPC response object", "rpc")
    if response.get("error") is not None:
        raise refuse(f"{method}: the node answered with an error: {response['error']}", "rpc")
    if "result" not in response:
        raise refuse(f"{method}: the node's reply has no result", "rpc")
    return response["result"]


def _bad(what: str, reason: str, refuse: Refuse) -> CloisterClientError:
    return refuse(f"{what}: {reason}", "reply")


_QUANTITY = re.compile(r"0x(0|[1-9a-fA-F][0-9a-fA-F]*)")


def obj(value: Any, what: str, *, refuse: Refuse = TxKeyRefused) -> Mapping[str, Any]:
    """``value`` as a JSON object."""
    if not isinstance(value, Mapping):
        raise _bad(what, "not a JSON object", refuse)
    return value


def field(o: Mapping[str, Any], key: str, what: str, *, refuse: Refuse = TxKeyRefused) -> Any:
    """``o[key]``; refused when absent."""
    if key not in o:
        raise _bad(f"{what}.{key}", "missing", refuse)
    return o[key]


def quantity(value: Any, what: str, *, bits: int = 64, refuse: Refuse = TxKeyRefused) -> int:
    """A JSON-RPC QUANTITY (``0x`` and hex digits without leading zeros) of at most
    ``bits`` bits."""
    if not isinstance(value, str) or _QUANTITY.fullmatch(value) is None:
        raise _bad(what, f"not a 0x-hex quantity: {value!r}", refuse)
    n = int(value[2:], 16)
    if n >= 1 << bits:
        raise _bad(what, f"{n} does not fit {bits} bits", refuse)
    return n


def data(value: Any, what: str, *, length: int | None = None, refuse: Refuse = TxKeyRefused) -> bytes:
    """JSON-RPC DATA (``0x`` and an even number of hex digits), of ``length`` bytes
    when given."""
    try:
        return hex_bytes(value, length=length, what=what)
    except ValueError as e:
        raise _bad(what, str(e).removeprefix(f"{what}: "), refuse) from None


def flag(value: Any, what: str, *, refuse: Refuse = TxKeyRefused) -> bool:
    """A JSON boolean."""
    if not isinstance(value, bool):
        raise _bad(what, "not true or false", refuse)
    return value


@dataclass(frozen=True)
class Block:
    """The header fields of an ``eth_getBlockByNumber`` reply the client uses, strictly parsed."""

    number: int
    hash: bytes
    parent_hash: bytes
    timestamp: int
    gas_limit: int
    base_fee: int | None


def get_block(
    w3: HasProvider, tag: str, what: str, *, refuse: Refuse = TxKeyRefused, cache: dict[int, Block] | None = None
) -> Block:
    """Block ``tag`` (a number as ``0x`` hex, or ``latest``…) without its transactions;
    ``refuse(reason, "reply")`` when the node lacks it or answers a pending block. With
    ``cache``, numbered blocks are asked once."""
    if cache is not None and tag.startswith("0x"):
        cached = cache.get(int(tag, 16))
        if cached is not None:
            return cached
    raw = call(w3, "eth_getBlockByNumber", [tag, False], refuse=refuse)
    if raw is None:
        raise refuse(f"the node does not have the {what} ({tag})", "reply")
    o = obj(raw, what, refuse=refuse)
    number = field(o, "number", what, refuse=refuse)
    if number is None:
        raise refuse(f"the {what} ({tag}) has no number (pending?)", "reply")
    base_fee = o.get("baseFeePerGas")
    block = Block(
        number=quantity(number, f"{what}.number", refuse=refuse),
        hash=data(field(o, "hash", what, refuse=refuse), f"{what}.hash", length=32, refuse=refuse),
        parent_hash=data(field(o, "parentHash", what, refuse=refuse), f"{what}.parentHash", length=32, refuse=refuse),
        timestamp=quantity(field(o, "timestamp", what, refuse=refuse), f"{what}.timestamp", refuse=refuse),
        gas_limit=quantity(field(o, "gasLimit", what, refuse=refuse), f"{what}.gasLimit", refuse=refuse),
        base_fee=None if base_fee is None else quantity(base_fee, f"{what}.baseFeePerGas", bits=256, refuse=refuse),
    )
    if cache is not None:
        cache[block.number] = block
    return block
