"""The attestation CLI contract, driven as operators and auditors drive it.

`cloister attest root`, `attest platform`, `enclave measure`, `enclave evidence` (a real
`cloister-enclave` process), `attest verify` and `attest inspect`: a quote from the running
enclave passes; a copy of the enclave with one byte more has another measurement and fails
check 8; a debug enclave fails check 7; a quote naming an old block fails check 10.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import cloister_binary

AUTHORITY = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
RECENT = "0x" + "ab" * 32
OLDER = "0x" + "11" * 32


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(cloister_binary()), *args], capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, f"cloister {' '.join(args)} exited {result.returncode}: {result.stderr}"
    return result


def genesis(path: Path, anchor: str, measurements: list[str]) -> None:
    signer = AUTHORITY[2:]
    path.write_text(json.dumps({
        "config": {
            "chainId": 4242, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
            "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0,
            "berlinBlock": 0, "londonBlock": 0, "clique": {"period": 1, "epoch": 30000},
            "confidential": {
                "platforms": ["simulated-sgx"], "insecureSimulation": True,
                "trustAnchors": {"simulated-sgx": anchor}, "measurements": measurements,
                "minIsvSvn": 1, "minCpuSvn": "0x" + "00" * 16, "minPceSvn": 1, "minQeSvn": 1,
                "allowDebug": False, "freshnessBlocks": 64, "epochLength": 1000, "enclaveQuorum": 1,
            },
        },
        "difficulty": "0x1", "gasLimit": "0x1c9c380", "baseFeePerGas": "0x3b9aca00",
        "extraData": "0x" + "00" * 32 + signer + "00" * 65, "alloc": {},
    }))


@pytest.fixture(scope="module")
def platform_setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("attest")
    out = run("attest", "root", "--out", str(d / "root")).stdout.strip().splitlines()
    anchor = out[-1]
    assert anchor.startswith("0x") and len(anchor) == 66, out
    assert (d / "root" / "root-key.pem").stat().st_mode & 0o777 == 0o600
    # A root is never overwritten.
    again = run("attest", "root", "--out", str(d / "root"), check=False)
    assert again.returncode != 0 and "never overwritten" in again.stderr
    run("attest", "platform", "--root", str(d / "root"), "--out", str(d / "platform.json"))
    assert (d / "platform.json").stat().st_mode & 0o777 == 0o600
    measurement = run("enclave", "measure").stdout.strip()
    assert measurement.startswith("0x") and len(measurement) == 66
    genesis(d / "genesis.json", anchor, [measurement])
    return d, anchor, measurement


def evidence(d: Path, *extra: str) -> dict:
    out = d / f"evidence-{time.monotonic_ns()}.json"
    run("enclave", "evidence", "--platform", str(d / "platform.json"), "--genesis", str(d / "genesis.json"),
        "--authority", AUTHORITY, "--fresh", RECENT, "--out", str(out), *extra)
    return json.loads(out.read_text())


def verify(d: Path, ev: dict, recent: str = f"{OLDER},{RECENT}", authority: str = AUTHORITY) -> subprocess.CompletedProcess:
    quote = d / f"quote-{time.monotonic_ns()}.hex"
    quote.write_text(ev["quote"])
    return run("attest", "verify", "--genesis", str(d / "genesis.json"), "--time", str(int(time.time())),
               "--recent", recent, "--authority", authority, "--signing-key", ev["signingKey"],
               "--encryption-key", ev["encryptionKey"], str(quote), check=False)


def test_a_quote_from_a_running_enclave_verifies(platform_setup):
    d, _, measurement = platform_setup
    ev = evidence(d)
    assert ev["mrEnclave"] == measurement
    assert len(bytes.fromhex(ev["signingKey"][2:])) == 33 and len(bytes.fromhex(ev["encryptionKey"][2:])) == 32
    result = verify(d, ev)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok"
    # The quote is also accepted as raw bytes.
    raw = d / "quote.bin"
    raw.write_bytes(bytes.fromhex(ev["quote"][2:]))
    again = run("attest", "verify", "--genesis", str(d / "genesis.json"), "--time", str(int(time.time())),
                "--recent", RECENT, "--authority", AUTHORITY, "--signing-key", ev["signingKey"],
                "--encryption-key", ev["encryptionKey"], str(raw), check=False)
    assert again.returncode == 0 and again.stdout.strip() == "ok", again.stdout + again.stderr
    fields = run("attest", "inspect", str(raw)).stdout
    assert "header.version: 3" in fields and f"body.mrEnclave: {measurement}" in fields
    assert "DEBUG clear" in fields and "certificate 2.subject" in fields


def test_claims_the_quote_does_not_bind_fail_check_9(platform_setup):
    d, _, _ = platform_setup
    ev = evidence(d)
    result = verify(d, ev, authority="0x" + "22" * 20)
    assert result.returncode == 1
    assert result.stdout.startswith("check 9 (key binding)"), result.stdout


def test_a_quote_naming_a_block_outside_the_window_fails_check_10(platform_setup):
    d, _, _ = platform_setup
    result = verify(d, evidence(d), recent=OLDER)
    assert result.returncode == 1
    assert result.stdout.startswith("check 10 (freshness)"), result.stdout


def test_a_debug_enclave_fails_check_7(platform_setup):
    d, _, _ = platform_setup
    ev = evidence(d, "--debug")
    result = verify(d, ev)
    assert result.returncode == 1
    assert result.stdout.startswith("check 7 (debug off)"), result.stdout


def test_a_build_with_one_changed_byte_fails_check_8(platform_setup):
    d, _, measurement = platform_setup
    original = Path(str(cloister_binary())).parent / "cloister-enclave"
    other = d / "cloister-enclave-changed"
    shutil.copyfile(original, other)
    with open(other, "ab") as f:
        f.write(b"\x00")
    os.chmod(other, 0o755)
    changed = run("enclave", "measure", str(other)).stdout.strip()
    assert changed != measurement
    ev = evidence(d, "--enclave-bin", str(other))
    assert ev["mrEnclave"] == changed
    result = verify(d, ev)
    assert result.returncode == 1
    assert result.stdout.startswith("check 8 (identity)"), result.stdout


def test_bad_input_gets_a_clear_error(platform_setup):
    d, _, _ = platform_setup
    garbage = d / "garbage.bin"
    garbage.write_bytes(b"\x03\x00\x02\x00" + b"\x00" * 10)
    result = run("attest", "verify", "--genesis", str(d / "genesis.json"), "--time", "1", "--recent", RECENT,
                 "--authority", AUTHORITY, "--signing-key", "0x02" + "11" * 32, "--encryption-key", "0x" + "11" * 32,
                 str(garbage), check=False)
    assert result.returncode == 1 and result.stdout.startswith("check 1 (format)"), result.stdout
    missing = run("enclave", "evidence", "--platform", str(d / "nope.json"), "--genesis", str(d / "genesis.json"),
                  "--authority", AUTHORITY, "--fresh", RECENT, check=False)
    assert missing.returncode != 0 and "nope.json" in (missing.stderr + missing.stdout)


def test_the_dev_chain_runs_an_attested_simulated_enclave(node):
    """`cloister dev` (the session's node) started its enclave, attested it, and said SIMULATED."""
    measurement = run("enclave", "measure").stdout.strip()
    attest = node.datadir / "attest"
    assert (attest / "root-cert.pem").is_file()
    assert (attest / "platform.json").stat().st_mode & 0o777 == 0o600
    # The root key signs the dev platform in memory and is never written into the data directory.
    assert not (attest / "root-key.pem").exists()
    log = node.log_path.read_text(errors="replace")
    assert "SIMULATED TEE" in log
    assert "Enclave attested" in log, log[-2000:]
    assert measurement in log
