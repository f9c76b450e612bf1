"""The attestation policy a client pins (CONFIDENTIAL.md section 2).

A :class:`PinnedPolicy` is the client's own copy of the genesis ``config.confidential``
object, plus the chain id and, optionally, the genesis hash. It is the policy the client
re-verifies enclave quotes against, whatever an RPC node says, and its
:meth:`PinnedPolicy.policy_hash` is the genesis ``policyHash`` every quote binds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rlp

from .encoding import hex_bytes, keccak256
from .errors import PolicyError

__all__ = ["KNOWN_PLATFORMS", "SIMULATED_SGX", "PinnedPolicy"]

#: The simulated SGX platform of CONFIDENTIAL.md section 3.
SIMULATED_SGX = "simulated-sgx"
#: Platforms a v1 client can verify evidence of.
KNOWN_PLATFORMS: frozenset[str] = frozenset({SIMULATED_SGX})

_FIELDS = (
    "platforms",
    "insecureSimulation",
    "trustAnchors",
    "measurements",
    "minIsvSvn",
    "minCpuSvn",
    "minPceSvn",
    "minQeSvn",
    "allowDebug",
    "freshnessBlocks",
    "epochLength",
    "enclaveQuorum",
)
_PREFIX = "config.confidential."
_U64 = 1 << 64
_U16 = 1 << 16


@dataclass(frozen=True)
class PinnedPolicy:
    """A validated genesis attestation policy, pinned by the client.

    Fields mirror ``config.confidential`` (section 2). ``trust_anchors`` is a tuple of
    ``(platform, sha256 of the root's SubjectPublicKeyInfo)`` pairs sorted by platform;
    ``measurements`` keeps the genesis order. ``revoked_platforms`` holds
    ``sha256(issuer SPKI) ‖ serial`` values the client refuses on top of the genesis
    policy (governance revocations it learnt of; empty at genesis). Construct it with
    :meth:`from_genesis_config`, which enforces every rule of section 2.
    """

    chain_id: int
    platforms: tuple[str, ...]
    insecure_simulation: bool
    trust_anchors: tuple[tuple[str, bytes], ...]
    measurements: tuple[bytes, ...]
    min_isv_svn: int
    min_cpu_svn: bytes
    min_pce_svn: int
    min_qe_svn: int
    allow_debug: bool
    freshness_blocks: int
    epoch_length: int
    enclave_quorum: int
    genesis_hash: bytes | None = None
    revoked_platforms: frozenset[bytes] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        self._validate()

    # ----------------------------------------------------------------- loading

    @classmethod
    def from_genesis_config(
        cls,
        confidential: Mapping[str, Any],
        chain_id: int,
        genesis_hash: bytes | str | None = None,
        revoked_platforms: Iterable[bytes] = (),
    ) -> PinnedPolicy:
        """The policy of a genesis ``config.confidential`` object.

        Every field of section 2 is required and no other is accepted; integers are JSON
        integers (or decimal / ``0x`` strings, as the node's genesis reader takes them),
        booleans are JSON booleans, byte values are hex. Raises :class:`PolicyError`
        naming the field on anything else, and on any rule of section 2 (known
        platforms, one anchor each, simulation only with ``insecureSimulation``,
        ``allowDebug`` only with it, distinct 32-byte measurements, a 16-byte
        ``minCpuSvn``, 16-bit security versions, ``enclaveQuorum = 1``).
        """
        if not isinstance(confidential, Mapping):
            raise PolicyError(_PREFIX.rstrip("."), "not a JSON object")
        for key in sorted(confidential):
            if key not in _FIELDS:
                raise PolicyError(_PREFIX + str(key), "unknown field")
        for key in _FIELDS:
            if key not in confidential or confidential[key] is None:
                raise PolicyError(_PREFIX + key, "missing")
        c = confidential

        platforms_raw = c["platforms"]
        if not isinstance(platforms_raw, list):
            raise PolicyError(_PREFIX + "platforms", "not a list")
        platforms: list[str] = []
        for i, item in enumerate(platforms_raw):
            if not isinstance(item, str):
                raise PolicyError(f"{_PREFIX}platforms[{i}]", "not a string")
            platforms.append(item)

        anchors_raw = c["trustAnchors"]
        if not isinstance(anchors_raw, Mapping):
            raise PolicyError(_PREFIX + "trustAnchors", "not an object")
        anchors: list[tuple[str, bytes]] = []
        for name, value in anchors_raw.items():
            anchors.append((str(name), _hex(value, 32, f"{_PREFIX}trustAnchors.{name}")))

        measurements_raw = c["measurements"]
        if not isinstance(measurements_raw, list):
            raise PolicyError(_PREFIX + "measurements", "not a list")
        measurements = tuple(_hex(m, 32, f"{_PREFIX}measurements[{i}]") for i, m in enumerate(measurements_raw))

        if isinstance(genesis_hash, str):
            try:
                genesis_hash = hex_bytes(genesis_hash, length=32, what="genesis hash")
            except ValueError as e:
                raise PolicyError("genesisHash", str(e)) from None

        return cls(
            chain_id=chain_id,
            platforms=tuple(platforms),
            insecure_simulation=_bool(c["insecureSimulation"], "insecureSimulation"),
            trust_anchors=tuple(sorted(anchors, key=lambda a: a[0].encode())),
            measurements=measurements,
            min_isv_svn=_number(c["minIsvSvn"], "minIsvSvn", _U16),
            min_cpu_svn=_hex(c["minCpuSvn"], 16, _PREFIX + "minCpuSvn"),
            min_pce_svn=_number(c["minPceSvn"], "minPceSvn", _U16),
            min_qe_svn=_number(c["minQeSvn"], "minQeSvn", _U16),
            allow_debug=_bool(c["allowDebug"], "allowDebug"),
            freshness_blocks=_number(c["freshnessBlocks"], "freshnessBlocks", _U64),
            epoch_length=_number(c["epochLength"], "epochLength", _U64),
            enclave_quorum=_number(c["enclaveQuorum"], "enclaveQuorum", _U64),
            genesis_hash=genesis_hash,
            revoked_platforms=frozenset(bytes(r) for r in revoked_platforms),
        )

    @classmethod
    def from_json(
        cls,
        text: str | bytes,
        chain_id: int,
        genesis_hash: bytes | str | None = None,
        revoked_platforms: Iterable[bytes] = (),
    ) -> PinnedPolicy:
        """:meth:`from_genesis_config` of the JSON text of a ``config.confidential``
        object; a key given twice in any object is refused."""
        return cls.from_genesis_config(_strict_json(text), chain_id, genesis_hash, revoked_platforms)

    @classmethod
    def from_genesis_file(
        cls, path: str | Path, genesis_hash: bytes | str | None = None, revoked_platforms: Iterable[bytes] = ()
    ) -> PinnedPolicy:
        """The policy of a geth-format genesis file: ``config.chainId`` and
        ``config.confidential``. Pass ``genesis_hash`` to pin the genesis block too."""
        genesis = _strict_json(Path(path).read_bytes())
        config = genesis.get("config") if isinstance(genesis, dict) else None
        if not isinstance(config, dict):
            raise PolicyError("config", "missing or not an object")
        if "confidential" not in config:
            raise PolicyError("config.confidential", "missing: this genesis has no confidential module")
        chain_id = _number(config.get("chainId"), "chainId", _U64, prefix="config.")
        return cls.from_genesis_config(config["confidential"], chain_id, genesis_hash, revoked_platforms)

    # ----------------------------------------------------------------- views

    def trust_anchor(self, platform: str) -> bytes | None:
        """The pinned SPKI hash of ``platform``'s root, or None when it has none."""
        for name, anchor in self.trust_anchors:
            if name == platform:
                return anchor
        return None

    def policy_rlp(self) -> bytes:
        """The canonical RLP that :meth:`policy_hash` is taken over (section 2):
        ``[platforms (sorted), insecureSimulation, [[platform, anchor]…] (sorted by
        platform), measurements (sorted), minIsvSvn, minCpuSvn, minPceSvn, minQeSvn,
        allowDebug, freshnessBlocks, epochLength, enclaveQuorum]`` with strings as their
        UTF-8 bytes, booleans as 0/1 scalars and integers as canonical scalars."""
        item: list[Any] = [
            sorted(p.encode() for p in self.platforms),
            int(self.insecure_simulation),
            [[name.encode(), anchor] for name, anchor in sorted(self.trust_anchors, key=lambda a: a[0].encode())],
            sorted(self.measurements),
            self.min_isv_svn,
            self.min_cpu_svn,
            self.min_pce_svn,
            self.min_qe_svn,
            int(self.allow_debug),
            self.freshness_blocks,
            self.epoch_length,
            self.enclave_quorum,
        ]
        return bytes(rlp.encode(item))

    def policy_hash(self) -> bytes:
        """``keccak(policy_rlp())``: the genesis ``policyHash`` every quote binds (32 bytes)."""
        return keccak256(self.policy_rlp())

    # ----------------------------------------------------------------- rules

    def _validate(self) -> None:
        p = _PREFIX
        if isinstance(self.chain_id, bool) or not isinstance(self.chain_id, int) or not 0 <= self.chain_id < _U64:
            raise PolicyError("chainId", "must be an integer of 64 bits")
        if self.genesis_hash is not None and (not isinstance(self.genesis_hash, bytes) or len(self.genesis_hash) != 32):
            raise PolicyError("genesisHash", "must be 32 bytes")
        if not self.platforms:
            raise PolicyError(p + "platforms", "empty: name at least one platform")
        if len(set(self.platforms)) != len(self.platforms):
            raise PolicyError(p + "platforms", "a platform is listed twice")
        for name in self.platforms:
            if name not in KNOWN_PLATFORMS:
                raise PolicyError(p + "platforms", f'unknown platform "{name}" (known: {", ".join(sorted(KNOWN_PLATFORMS))})')
        if SIMULATED_SGX in self.platforms and not self.insecure_simulation:
            raise PolicyError(
                p + "insecureSimulation",
                f'must be true to list "{SIMULATED_SGX}": simulated evidence proves the protocol, not confidentiality',
            )
        if self.allow_debug and not self.insecure_simulation:
            raise PolicyError(p + "allowDebug", "true is refused unless insecureSimulation is true")
        anchor_names = [name for name, _ in self.trust_anchors]
        if len(set(anchor_names)) != len(anchor_names):
            raise PolicyError(p + "trustAnchors", "a platform has two anchors")
        for name, anchor in self.trust_anchors:
            if name not in self.platforms:
                raise PolicyError(f"{p}trustAnchors.{name}", "not a platform of this chain")
            if not isinstance(anchor, bytes) or len(anchor) != 32:
                raise PolicyError(f"{p}trustAnchors.{name}", "expected 32 bytes")
        for name in self.platforms:
            if name not in anchor_names:
                raise PolicyError(p + "trustAnchors", f'no anchor for platform "{name}"')
        for i, m in enumerate(self.measurements):
            if not isinstance(m, bytes) or len(m) != 32:
                raise PolicyError(f"{p}measurements[{i}]", "expected 32 bytes")
        if len(set(self.measurements)) != len(self.measurements):
            raise PolicyError(p + "measurements", "a measurement is listed twice")
        if not isinstance(self.min_cpu_svn, bytes) or len(self.min_cpu_svn) != 16:
            raise PolicyError(p + "minCpuSvn", "expected 16 bytes")
        for key, value, bound in (
            ("minIsvSvn", self.min_isv_svn, _U16),
            ("minPceSvn", self.min_pce_svn, _U16),
            ("minQeSvn", self.min_qe_svn, _U16),
            ("freshnessBlocks", self.freshness_blocks, _U64),
            ("epochLength", self.epoch_length, _U64),
            ("enclaveQuorum", self.enclave_quorum, _U64),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < bound:
                raise PolicyError(p + key, f"must be an integer below {bound}")
        if self.freshness_blocks < 1:
            raise PolicyError(p + "freshnessBlocks", "must be at least 1")
        if self.epoch_length < 1:
            raise PolicyError(p + "epochLength", "must be at least 1")
        if self.enclave_quorum != 1:
            raise PolicyError(p + "enclaveQuorum", f"a v1 chain requires 1, got {self.enclave_quorum}")
        for r in self.revoked_platforms:
            if not isinstance(r, bytes) or len(r) < 32:
                raise PolicyError("revokedPlatforms", "each entry is sha256(issuer SPKI) ‖ serial: at least 32 bytes")


def _hex(value: Any, length: int, field_name: str) -> bytes:
    try:
        return hex_bytes(value, length=length, require_prefix=False, what="value")
    except ValueError as e:
        raise PolicyError(field_name, str(e).removeprefix("value: ")) from None


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(_PREFIX + key, "expected true or false")
    return value


def _number(value: Any, key: str, bound: int, prefix: str = _PREFIX) -> int:
    name = prefix + key
    if isinstance(value, bool):
        raise PolicyError(name, "expected a number, found a boolean")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            if text[:2] in ("0x", "0X"):
                digits = text[2:]
                if not digits or any(ch not in "0123456789abcdefABCDEF" for ch in digits):
                    raise ValueError
                n = int(digits, 16)
            else:
                if not text.isdigit() or not text.isascii():
                    raise ValueError
                n = int(text, 10)
        except ValueError:
            raise PolicyError(name, f'"{value}" is not a non-negative integer') from None
    else:
        raise PolicyError(name, "expected a number")
    if not 0 <= n < bound:
        raise PolicyError(name, f"{n} does not fit {bound.bit_length() - 1} bits")
    return n


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise PolicyError(key, "given twice in one JSON object")
        out[key] = value
    return out


def _strict_json(text: str | bytes) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        raise PolicyError("json", f"not JSON: {e}") from None
