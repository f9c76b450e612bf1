"""Confidential transactions on a devnet of four authorities and one observer
(CONFIDENTIAL.md sections 6, 8 and 10): blocks with sections are sealed by every
authority's enclave in turn, all five nodes agree on the head, ``stateRoot`` and
``encStateRoot``, and an observer restarted from an empty data directory re-syncs to the
same roots without any key. Needs CLOISTER_BIN (``cloister`` with ``cloister-enclave``
beside it); skipped, saying so, without it."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from argparse import Namespace
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import rlp
from eth_account import Account
from web3 import Web3

from cloister_client import PinnedPolicy, result_of, send_confidential

BINARY = os.environ.get("CLOISTER_BIN", "")
ROOT = Path(__file__).resolve().parents[3]
CLIENT_KEY = "0x" + "5c" * 32
#: Runtime: sstore(1, calldata[0]); log1(0, 0, calldata[0]); return sload(0).
RUNTIME = bytes.fromhex("6000358060015560006000a1600054600052602060" + "00f3")
MARKER = b"cloister-devnet-marker-0123456789"[:32]
INIT = bytes([0x7F]) + MARKER + bytes([0x60, 0x00, 0x55, 0x60, len(RUNTIME), 0x80, 0x60, 47, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3]) + RUNTIME


def _devnet() -> ModuleType:
    spec = importlib.util.spec_from_file_location("devnet", ROOT / "tools" / "devnet" / "devnet.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _call(port: int, method: str, params: list[Any]) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        answer: dict[str, Any] = json.load(reply)
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def _answer(port: int, method: str, params: list[Any]) -> Any:
    try:
        return _call(port, method, params)
    except (OSError, RuntimeError):
        return None


def _wait(what: str, condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting until {what}")


class Devnet:
    def __init__(self, base: Path, nodes: list[dict[str, Any]], module: ModuleType) -> None:
        self.base, self.nodes, self.module = base, nodes, module
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, node: dict[str, Any]) -> None:
        self.procs[node["name"]] = self.module.start(BINARY, node)

    def stop(self, node: dict[str, Any]) -> None:
        proc = self.procs.pop(node["name"])
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def ports(self) -> list[int]:
        return [int(n["rpc"]) for n in self.nodes]


@pytest.fixture(scope="module")
def devnet() -> Iterator[Devnet]:
    if not BINARY or not os.access(BINARY, os.X_OK):
        pytest.skip("CLOISTER_BIN is not set to a cloister executable: the devnet test needs `cloister node`")
    module = _devnet()
    base = Path(tempfile.mkdtemp(prefix="cloister-conf-devnet-"))
    offset = os.getpid() % 400 * 10
    args = Namespace(authorities=4, observers=1, dir=base, period=1, chain_id=7341, p2p_port=26000 + offset,
                     rpc_port=21000 + offset, metrics_port=0, bin=BINARY, prepare_only=True, confidential=True,
                     funded=[Account.from_key(CLIENT_KEY).address])
    _, nodes = module.prepare(args)
    net = Devnet(base, nodes, module)
    try:
        for n in nodes:
            net.start(n)
        yield net
    finally:
        for name in list(net.procs):
            net.stop(next(n for n in nodes if n["name"] == name))


def _roots(port: int, number: int, contract: str) -> tuple[str, str, str] | None:
    block = _answer(port, "eth_getBlockByNumber", [hex(number), False])
    key = "0x" + contract[2:].lower() + "00" * 32
    proof = _answer(port, "conf_getEntryProof", [contract, key, hex(number)])
    if block is None or proof is None:
        return None
    return block["hash"], block["stateRoot"], proof["encStateRoot"]


def test_every_authority_seals_confidential_blocks_and_all_nodes_agree(devnet: Devnet) -> None:
    authorities = [n for n in devnet.nodes if n["role"] == "authority"]
    observer = next(n for n in devnet.nodes if n["role"] == "observer")
    a0 = int(authorities[0]["rpc"])

    def trusted() -> dict[str, str]:
        reply = _answer(a0, "conf_getEnclaves", ["latest"]) or {"enclaves": []}
        return {e["enclaveId"]: e["authority"].lower() for e in reply["enclaves"]
                if e["status"] == "trusted" and int(e["generation"], 16) >= 1}

    _wait("all four enclaves are trusted with generation 1", lambda: len(trusted()) == 4, 150)
    enclave_owner = trusted()

    def one_key() -> bool:
        keys = [_answer(int(a["rpc"]), "conf_getTxKey", ["latest"]) for a in authorities]
        return all(k is not None for k in keys) and len({(k["epoch"], k["publicKey"]) for k in keys}) == 1

    _wait("every authority's enclave holds generation 1 (the same epoch key everywhere)", one_key, 90)
    genesis_hash = _call(a0, "eth_getBlockByNumber", ["0x0", False])["hash"]
    pinned = PinnedPolicy.from_genesis_file(devnet.base / "genesis.json", genesis_hash=genesis_hash)
    account = Account.from_key(CLIENT_KEY)

    def send(port: int, to: str | None, data: bytes) -> tuple[bytes, dict[str, Any]]:
        w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}"))
        tx_hash, response_key = send_confidential(w3, account, to, data, pinned, gas=600_000)
        found: dict[str, Any] = {}

        def done() -> bool:
            result = result_of(w3, tx_hash, response_key, pinned=pinned)
            if result is None:
                return False
            found["result"] = result
            return True

        _wait(f"the result of {tx_hash.hex()}", done, 60)
        return tx_hash, found

    nonce = _call(a0, "eth_getTransactionCount", [account.address, "latest"])
    contract = Web3.to_checksum_address(Web3.keccak(rlp.encode([bytes.fromhex(account.address[2:]), int(nonce, 16)]))[12:])
    _, deployed = send(a0, None, INIT)
    assert deployed["result"].status

    signers_seen: set[str] = set()
    section_blocks: list[int] = []
    for i in range(16):
        port = int(authorities[i % 4]["rpc"])
        word = bytes(31) + bytes([i + 1])
        tx_hash, called = send(port, contract, word)
        assert called["result"].status and called["result"].return_data == MARKER
        receipt = _call(port, "eth_getTransactionReceipt", ["0x" + tx_hash.hex()])
        number = int(receipt["blockNumber"], 16)
        section = _call(port, "conf_getSection", [hex(number)])
        assert section is not None and section["simulated"] is True and int(section["flags"], 16) & 1 == 1
        assert len(section["statements"]) == 1
        signers_seen.add(enclave_owner[section["statements"][0]["enclaveId"]])
        section_blocks.append(number)
        if len(signers_seen) == 4 and i >= 7:
            break
    assert signers_seen == {a["address"].lower() for a in authorities}, f"only {signers_seen} sealed confidential blocks"

    last = max(section_blocks)

    def agreed() -> bool:
        roots = [_roots(port, last, contract) for port in devnet.ports()]
        return all(r is not None for r in roots) and len(set(roots)) == 1

    try:
        _wait(f"all five nodes agree on block {last}'s hash, stateRoot and encStateRoot", agreed, 60)
    except AssertionError as e:
        details = {port: (_roots(port, last, contract), _answer(port, "eth_blockNumber", []),
                          _answer(port, "conf_getEntryProof", [contract, "0x" + contract[2:].lower() + "00" * 32, hex(last)]))
                   for port in devnet.ports()}
        raise AssertionError(f"{e}: {details}") from None
    reference = _roots(a0, last, contract)
    assert reference is not None
    observer_section = _call(int(observer["rpc"]), "conf_getSection", [hex(last)])
    assert observer_section == _call(a0, "conf_getSection", [hex(last)])

    # Section 10 on every node: the marker the contract stores is in no byte of any node's
    # data directory or log (while the client read it from its decrypted results above).
    needles = [MARKER, MARKER.hex().encode()]
    for path in devnet.base.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(n in content for n in needles), f"the confidential marker is in {path}"

    # The observer, restarted from an empty data directory, re-syncs to the same roots with no key.
    devnet.stop(observer)
    shutil.rmtree(observer["dir"] / "chaindata", ignore_errors=True)
    for child in observer["dir"].iterdir():
        if child.name not in ("nodekey", "static-nodes.json"):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    subprocess.run([BINARY, "init", "--datadir", str(observer["dir"]), str(devnet.base / "genesis.json")], check=True,
                   capture_output=True)
    devnet.start(observer)
    _wait("the re-synced observer reaches the same roots", lambda: _roots(int(observer["rpc"]), last, contract) == reference, 90)
    assert not any(observer["dir"].rglob("*.sealed")), "the observer holds no enclave state"
