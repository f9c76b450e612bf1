"""Fixtures for Cloister's end-to-end tests.

One `cloister dev` node serves the whole session: the binary comes from
`CLOISTER_BIN` or `.build/debug/cloister` under the repository root; it runs on
a free port with a temporary data directory and is stopped with SIGINT at the
end, which must make it exit 0 within 20 s.

Tests run one after another against that node. A test that checks balances to
the wei reads them at the block numbers of its own receipts, so earlier and
later tests cannot disturb it. Account 0 seals every block and so receives
every priority fee; exact checks use accounts 1-9.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
import vyper
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.middleware import ExtraDataToPOAMiddleware

from helpers import CHAIN_ID, ETHER, MNEMONIC, Node, deploy

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = Path(__file__).resolve().parent / "contracts"
STARTUP_TIMEOUT = 60.0
SHUTDOWN_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cloister_binary() -> Path:
    configured = os.environ.get("CLOISTER_BIN")
    path = Path(configured) if configured else REPO_ROOT / ".build" / "debug" / "cloister"
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"cloister binary not found at {path}: build it (swift build --product cloister) "
            "or set CLOISTER_BIN",
            pytrace=False,
        )
    return path.resolve()


_current_node: Node | None = None


@pytest.fixture(scope="session")
def node():
    """A `cloister dev` node on a free port; stopped with SIGINT, which must exit 0."""
    global _current_node
    binary = cloister_binary()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="cloister-e2e-") as tmp:
        datadir = Path(tmp) / "datadir"
        log_path = Path(tmp) / "node.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [str(binary), "dev", "--datadir", str(datadir), "--http-port", str(port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=tmp,
            )
        running = Node(process=process, port=port, datadir=datadir, log_path=log_path)
        try:
            _wait_until_serving(running)
        except BaseException:
            process.kill()
            process.wait()
            raise
        _current_node = running
        try:
            yield running
        finally:
            _current_node = None
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            try:
                code = process.wait(timeout=SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                pytest.fail(
                    f"cloister dev did not stop within {SHUTDOWN_TIMEOUT:.0f} s of SIGINT; "
                    f"log tail:\n{running.stderr_tail()}",
                    pytrace=False,
                )
            assert code == 0, f"cloister dev exited {code} after SIGINT; log tail:\n{running.stderr_tail()}"


def _wait_until_serving(node: Node) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error: object = None
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            pytest.fail(
                f"cloister dev exited {node.process.returncode} during start-up; log tail:\n{node.stderr_tail()}",
                pytrace=False,
            )
        try:
            answer = requests.post(
                node.url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}, timeout=2
            ).json()
            if answer.get("result") is not None:
                assert int(answer["result"], 16) == CHAIN_ID, answer
                return
            last_error = answer
        except (requests.RequestException, ValueError) as error:
            last_error = error
        time.sleep(0.2)
    pytest.fail(
        f"cloister dev did not answer eth_chainId within {STARTUP_TIMEOUT:.0f} s ({last_error}); "
        f"log tail:\n{node.stderr_tail()}",
        pytrace=False,
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches the node's log tail to every failing test's report."""
    report = yield
    if report.failed and _current_node is not None:
        report.sections.append(("cloister dev log (tail)", _current_node.stderr_tail()))
    return report


@pytest.fixture(scope="session")
def w3(node) -> Web3:
    web3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 30}))
    # Clique's extraData (vanity + signers + seal) is longer than the 32 bytes web3 allows.
    web3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    assert web3.is_connected()
    return web3


@pytest.fixture(scope="session")
def accounts() -> list[LocalAccount]:
    """The ten dev accounts; account 0 is the sealing authority."""
    Account.enable_unaudited_hdwallet_features()
    return [Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}") for i in range(10)]


@pytest.fixture(scope="session")
def compiled() -> dict[str, dict]:
    """ABI, bytecode and storage slots of every contract in contracts/, by file stem."""
    out = {}
    for source in sorted(CONTRACTS.glob("*.vy")):
        result = vyper.compile_code(source.read_text(), output_formats=["bytecode", "abi", "layout"])
        slots = {name: entry["slot"] for name, entry in result["layout"]["storage_layout"].items()}
        out[source.stem] = {"abi": result["abi"], "bytecode": result["bytecode"], "slots": slots}
    return out


@pytest.fixture(scope="session")
def token(w3, accounts, compiled):
    """The ERC-20, deployed by account 1 with a supply of 1,000,000 tokens."""
    contract, _ = deploy(w3, accounts[1], compiled["Token"], "Cloister Test Token", "CTT", 1_000_000 * ETHER)
    return contract


@pytest.fixture(scope="session")
def events(w3, accounts, compiled):
    """The events-and-reverts contract, deployed by account 3."""
    contract, _ = deploy(w3, accounts[3], compiled["Events"])
    return contract
