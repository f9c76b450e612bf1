"""fetch_tx_key end to end against a real `cloister dev` (its enclave bootstraps the
consortium key by itself). Needs CLOISTER_BIN (the `cloister` executable, with
`cloister-enclave` beside it); skipped, saying so, without it."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest
from web3 import Web3

from cloister_client import PinnedPolicy, TxKeyRefused, fetch_tx_key

from devnode import rpc_call, running_dev_node


@pytest.fixture(scope="module")
def dev_node() -> Iterator[tuple[str, Path]]:
    with running_dev_node() as node:
        yield node.url, node.data


def _pinned(data: Path, url: str) -> PinnedPolicy:
    # The client's own copy of the genesis: the one the dev node wrote for its enclave.
    genesis_hash = rpc_call(url, "eth_getBlockByNumber", ["0x0", False])["result"]["hash"]
    return PinnedPolicy.from_genesis_file(data / "enclave" / "genesis.json", genesis_hash=genesis_hash)


def test_the_client_verifies_the_dev_nodes_transaction_key(dev_node: tuple[str, Path]) -> None:
    url, data = dev_node
    pinned = _pinned(data, url)
    key = fetch_tx_key(Web3(Web3.HTTPProvider(url)), pinned)
    assert key.generation == 1
    assert key.suite == 1
    assert key.simulated is True
    assert len(key.public_key) == 32
    assert key.enclave.mr_enclave in pinned.measurements
    assert key.enclave.debug is False
    assert key.enclave_id == key.enclave.enclave_id


def test_a_pinned_policy_the_enclave_does_not_meet_refuses_the_key(dev_node: tuple[str, Path]) -> None:
    url, data = dev_node
    pinned = _pinned(data, url)
    other = replace(pinned, measurements=(b"\x42" * 32,))
    with pytest.raises(TxKeyRefused) as refused:
        fetch_tx_key(Web3(Web3.HTTPProvider(url)), other)
    assert refused.value.code in ("quote", "policy-hash")


def test_another_chain_id_refuses_the_key(dev_node: tuple[str, Path]) -> None:
    url, data = dev_node
    pinned = _pinned(data, url)
    with pytest.raises(TxKeyRefused) as refused:
        fetch_tx_key(Web3(Web3.HTTPProvider(url)), replace(pinned, chain_id=pinned.chain_id + 1))
    assert refused.value.code == "chain-id"
