"""PinnedPolicy loading: exactly the section 2 shape, every rule enforced."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cloister_client import PinnedPolicy, PolicyError

ANCHOR = "0x" + "17" * 32
M1 = "0x" + "4c" * 32
M2 = "0x" + "83" * 32
FIELDS = [
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
]


def config(**overrides: Any) -> dict[str, Any]:
    c: dict[str, Any] = {
        "platforms": ["simulated-sgx"],
        "insecureSimulation": True,
        "trustAnchors": {"simulated-sgx": ANCHOR},
        "measurements": [M1, M2],
        "minIsvSvn": 1,
        "minCpuSvn": "0x" + "00" * 16,
        "minPceSvn": 1,
        "minQeSvn": 1,
        "allowDebug": False,
        "freshnessBlocks": 64,
        "epochLength": 1000,
        "enclaveQuorum": 1,
    }
    c.update(overrides)
    return c


def refused(c: dict[str, Any], field: str) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        PinnedPolicy.from_genesis_config(c, 4242)
    got = info.value.field
    assert got == field or got.startswith(field + "["), str(info.value)
    return info.value


def test_loads_the_section_2_shape() -> None:
    p = PinnedPolicy.from_genesis_config(config(), 4242, "0x" + "ab" * 32)
    assert p.chain_id == 4242 and p.platforms == ("simulated-sgx",) and p.insecure_simulation
    assert p.trust_anchor("simulated-sgx") == bytes.fromhex("17" * 32)
    assert p.trust_anchor("sgx-dcap") is None
    assert p.measurements == (bytes.fromhex("4c" * 32), bytes.fromhex("83" * 32))
    assert p.min_cpu_svn == bytes(16) and p.freshness_blocks == 64 and p.epoch_length == 1000
    assert p.genesis_hash == bytes.fromhex("ab" * 32)
    assert p.revoked_platforms == frozenset()
    assert len(p.policy_hash()) == 32


def test_numbers_as_strings_give_the_same_policy() -> None:
    a = PinnedPolicy.from_genesis_config(config(), 1)
    b = PinnedPolicy.from_genesis_config(config(freshnessBlocks="0x40", epochLength="1000"), 1)
    assert a.policy_hash() == b.policy_hash()


def test_unknown_field_refused() -> None:
    refused(config(minIsvSVN=1), "config.confidential.minIsvSVN")


@pytest.mark.parametrize("field", FIELDS)
def test_missing_field_refused(field: str) -> None:
    c = config()
    del c[field]
    assert refused(c, "config.confidential." + field).reason == "missing"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minIsvSvn", True),
        ("minIsvSvn", 1.5),
        ("minIsvSvn", -1),
        ("minIsvSvn", 65536),
        ("minQeSvn", "one"),
        ("insecureSimulation", 1),
        ("allowDebug", "false"),
        ("minCpuSvn", "0x" + "00" * 15),
        ("minCpuSvn", "0xzz" + "00" * 15),
        ("platforms", "simulated-sgx"),
        ("platforms", []),
        ("platforms", ["simulated-sgx", "simulated-sgx"]),
        ("platforms", ["sgx-dcap"]),
        ("measurements", [M1, M1]),
        ("measurements", ["0x1234"]),
        ("measurements", M1),
        ("freshnessBlocks", 0),
        ("epochLength", 0),
        ("enclaveQuorum", 2),
    ],
)
def test_bad_value_refused(field: str, value: Any) -> None:
    refused(config(**{field: value}), "config.confidential." + field)


def test_simulation_requires_insecure_simulation() -> None:
    refused(config(insecureSimulation=False), "config.confidential.insecureSimulation")


def test_trust_anchor_rules() -> None:
    refused(config(trustAnchors={}), "config.confidential.trustAnchors")
    refused(
        config(trustAnchors={"simulated-sgx": ANCHOR, "sgx-dcap": ANCHOR}), "config.confidential.trustAnchors.sgx-dcap"
    )
    refused(config(trustAnchors={"simulated-sgx": "0x1234"}), "config.confidential.trustAnchors.simulated-sgx")


def test_chain_id_and_genesis_hash_checked() -> None:
    with pytest.raises(PolicyError):
        PinnedPolicy.from_genesis_config(config(), -1)
    with pytest.raises(PolicyError):
        PinnedPolicy.from_genesis_config(config(), 1, "0x1234")


def test_json_with_a_duplicate_key_refused() -> None:
    text = json.dumps(config())[:-1] + ', "minIsvSvn": 0}'
    with pytest.raises(PolicyError):
        PinnedPolicy.from_json(text, 4242)
    assert PinnedPolicy.from_json(json.dumps(config()), 4242).min_isv_svn == 1


def test_from_genesis_file(tmp_path: Path) -> None:
    genesis = {"config": {"chainId": 4242, "clique": {"period": 1, "epoch": 30000}, "confidential": config()}, "alloc": {}}
    path = tmp_path / "genesis.json"
    path.write_text(json.dumps(genesis))
    p = PinnedPolicy.from_genesis_file(path, genesis_hash="0x" + "01" * 32)
    assert p.chain_id == 4242 and p.genesis_hash == bytes.fromhex("01" * 32)
    assert p.policy_hash() == PinnedPolicy.from_genesis_config(config(), 4242).policy_hash()
    del genesis["config"]["confidential"]
    path.write_text(json.dumps(genesis))
    with pytest.raises(PolicyError):
        PinnedPolicy.from_genesis_file(path)
