"""fetch_tx_key end to end against a real `cloister dev` (its enclave bootstraps the
consortium key by itself). Needs CLOISTER_BIN (the `cloister` executable, with
`cloister-enclave` beside it); skipped, saying so, without it."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest
from web3 import Web3

from cloister_client import PinnedPolicy, TxKeyRefused, fetch_tx_key

BINARY = os.environ.get("CLOISTER_BIN", "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _call(url: str, method: str, params: list[Any]) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as reply:
        return json.load(reply)


@pytest.fixture(scope="module")
def dev_node() -> Iterator[tuple[str, Path]]:
    if not BINARY or not os.access(BINARY, os.X_OK):
        pytest.skip("CLOISTER_BIN is not set to a cloister executable: the end-to-end client test needs `cloister dev`")
    directory = Path(tempfile.mkdtemp(prefix="cloister-client-dev-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(directory / "dev.log", "w")
    process = subprocess.Popen([BINARY, "dev", "--datadir", str(directory / "data"), "--http-port", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if "result" in _call(url, "conf_getTxKey", ["latest"]):
                    break
            except OSError:
                pass
            if process.poll() is not None:
                raise AssertionError(f"cloister dev exited: see {directory / 'dev.log'}")
            time.sleep(0.5)
        else:
            raise AssertionError(f"no transaction key within 90 s: see {directory / 'dev.log'}")
        yield url, directory / "data"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _pinned(data: Path, url: str) -> PinnedPolicy:
    # The client's own copy of the genesis: the one the dev node wrote for its enclave.
    genesis_hash = _call(url, "eth_getBlockByNumber", ["0x0", False])["result"]["hash"]
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
