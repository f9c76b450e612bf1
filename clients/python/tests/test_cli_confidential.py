"""`cloister conf deploy|send|call` against a real `cloister dev`: the CLI checks the
transaction key against the genesis it is given, encrypts, sends, and prints only what the
sender can read. Needs CLOISTER_BIN; skipped, saying so, without it."""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devnode import DevNode, running_dev_node

DEV_KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
DEV_ADDRESS = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
MARKER = b"cloister-cli-marker-0123456789ab"[:32].ljust(32, b"!")
#: sstore(1, calldata[0]); log1(0, 0, calldata[0]); return sload(0)
RUNTIME = bytes.fromhex("6000358060015560006000a1600054600052602060" + "00f3")
INIT = bytes([0x7F]) + MARKER + bytes([0x60, 0x00, 0x55, 0x60, len(RUNTIME), 0x80, 0x60, 47, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3]) + RUNTIME


@pytest.fixture(scope="module")
def node() -> Iterator[DevNode]:
    with running_dev_node(prefix="cloister-cli-conf-") as n:
        yield n


def _cli(node: DevNode, *args: str, genesis: Path | None = None) -> subprocess.CompletedProcess[str]:
    binary = os.environ["CLOISTER_BIN"]
    keys = node.directory / "ks"
    if not keys.exists():
        (node.directory / "key.hex").write_text(DEV_KEY + "\n")
        (node.directory / "pw.txt").write_text("pw\n")
        subprocess.run([binary, "account", "import", "--keystore", str(keys), "--password", str(node.directory / "pw.txt"),
                        "--light-kdf", str(node.directory / "key.hex")], check=True, capture_output=True)
        (node.directory / "key.hex").unlink()
    common = ["--rpc", node.url, "--genesis", str(genesis or node.data / "enclave" / "genesis.json"), "--keystore", str(keys),
              "--from", DEV_ADDRESS, "--password", str(node.directory / "pw.txt")]
    return subprocess.run([binary, "conf", args[0], *common, *args[1:]], capture_output=True, text=True, timeout=120)


def _field(out: str, name: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith(name + ":"))


def test_deploy_send_and_a_signed_view_from_the_cli(node: DevNode) -> None:
    deployed = _cli(node, "deploy", "--code", "0x" + INIT.hex())
    assert deployed.returncode == 0, deployed.stderr
    assert "SIMULATED TEE" in deployed.stdout
    assert _field(deployed.stdout, "status") == "1"
    contract = _field(deployed.stdout, "contract")
    sent = _cli(node, "send", "--to", contract, "--data", "0x" + "00" * 31 + "aa")
    assert sent.returncode == 0, sent.stderr
    assert _field(sent.stdout, "status") == "1"
    assert _field(sent.stdout, "return data") == "0x" + MARKER.hex()
    assert "log: " in sent.stdout and "0x" + "00" * 31 + "aa" in sent.stdout
    viewed = _cli(node, "call", "--to", contract, "--data", "0x" + "00" * 31 + "bb")
    assert viewed.returncode == 0, viewed.stderr
    assert _field(viewed.stdout, "return data") == "0x" + MARKER.hex()


def test_a_key_checked_against_another_policy_is_refused(node: DevNode, tmp_path: Path) -> None:
    import json

    genesis = json.loads((node.data / "enclave" / "genesis.json").read_text())
    genesis["config"]["confidential"]["measurements"] = ["0x" + "11" * 32]  # an enclave this client does not trust
    other = tmp_path / "genesis.json"
    other.write_text(json.dumps(genesis))
    refused = _cli(node, "send", "--to", "0x" + "22" * 20, "--data", "0x", genesis=other)
    assert refused.returncode != 0
    assert "refused" in refused.stderr
