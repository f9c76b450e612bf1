"""Operating a node: Prometheus metrics scraped by a real Prometheus, JSON logs at trace
level that carry no secret, one line per sealed block, /health, /ready and /status.json.

These tests run their own `cloister dev` (confidential module on, period 1) with
`--metrics --log-format json --verbosity trace`, apart from the session's node, so the
log they read is complete from the first line.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from eth_account import Account

from conftest import cloister_binary, free_port
from helpers import CHAIN_ID, MNEMONIC

REPO_ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_SAMPLE = REPO_ROOT / "docs" / "prometheus.yml"

Account.enable_unaudited_hdwallet_features()
DEV_KEYS = [Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").key.hex().removeprefix("0x")
            for i in range(10)]


class OpsNode:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.datadir = tmp / "datadir"
        self.rpc_port = free_port()
        self.metrics_port = free_port()
        self.log_path = tmp / "node.log"
        self.out_path = tmp / "node.out"
        with open(self.log_path, "wb") as log, open(self.out_path, "wb") as out:
            self.process = subprocess.Popen(
                [str(cloister_binary()), "dev", "--datadir", str(self.datadir), "--http-port", str(self.rpc_port),
                 "--period", "1", "--metrics", "--metrics-port", str(self.metrics_port),
                 "--log-format", "json", "--verbosity", "trace"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=log, cwd=tmp)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rpc_port}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    def rpc(self, method: str, params: list | None = None) -> dict:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}
        return requests.post(self.url, json=body, timeout=10).json()

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(errors="replace").splitlines()

    def wait_for_block(self, number: int, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"node exited; log tail:\n{self.tail()}"
            try:
                head = self.rpc("eth_blockNumber").get("result")
                if head is not None and int(head, 16) >= number:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        pytest.fail(f"no block {number} within {seconds} s; log tail:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_lines()[-lines:])

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture(scope="module")
def ops():
    with tempfile.TemporaryDirectory(prefix="cloister-ops-") as tmp:
        node = OpsNode(Path(tmp))
        try:
            node.wait_for_block(3)
            # Some traffic: a transfer, a refused transaction, an unknown method.
            sender = Account.from_key(DEV_KEYS[1])
            tx = sender.sign_transaction({"to": sender.address, "value": 1, "gas": 21000, "maxFeePerGas": 10**10,
                                          "maxPriorityFeePerGas": 10**9, "nonce": 0, "chainId": CHAIN_ID, "type": 2})
            assert "result" in node.rpc("eth_sendRawTransaction", ["0x" + tx.raw_transaction.hex().removeprefix("0x")])
            low = sender.sign_transaction({"to": sender.address, "value": 1, "gas": 20000, "maxFeePerGas": 10**10,
                                           "maxPriorityFeePerGas": 10**9, "nonce": 1, "chainId": CHAIN_ID, "type": 2})
            assert "error" in node.rpc("eth_sendRawTransaction", ["0x" + low.raw_transaction.hex().removeprefix("0x")])
            assert node.rpc("no_such_method")["error"]["code"] == -32601
            node.wait_for_block(int(node.rpc("eth_blockNumber")["result"], 16) + 2)
            yield node
        finally:
            code = node.stop()
            assert code == 0, f"cloister dev exited {code} after SIGINT; log tail:\n{node.tail()}"


def scrape(node: OpsNode) -> tuple[str, dict[str, float]]:
    response = requests.get(node.metrics_url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, float] = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return response.text, samples


def test_metrics_cover_chain_pool_rpc_enclave_and_storage(ops):
    text, samples = scrape(ops)
    head = int(ops.rpc("eth_blockNumber")["result"], 16)
    assert samples["cloister_chain_head_block"] >= head - 1
    assert 0 <= samples["cloister_chain_head_age_seconds"] < 30
    assert samples['cloister_chain_blocks_sealed_total{turn="in"}'] >= 3
    assert samples["cloister_txpool_admitted_total"] >= 1
    assert samples['cloister_txpool_rejected_total{reason="intrinsic_gas_too_low"}'] >= 1
    assert samples['cloister_rpc_requests_total{method="eth_sendRawTransaction"}'] >= 2
    assert samples['cloister_rpc_requests_total{method="unknown"}'] >= 1
    assert samples['cloister_rpc_errors_total{method="unknown",code="-32601"}'] >= 1
    assert samples['cloister_rpc_request_duration_seconds_count{method="eth_blockNumber"}'] >= 1
    assert samples['cloister_enclave_requests_total{message="link_headers",outcome="ok"}'] >= 1
    assert samples['cloister_attestation_verdicts_total{check="passed"}'] >= 1
    assert samples["cloister_enclave_trusted"] == 1
    assert 0 < samples["cloister_storage_map_used_bytes"] <= samples["cloister_storage_map_size_bytes"]
    assert samples['cloister_p2p_peers{direction="inbound"}'] == 0
    assert samples["cloister_node_ready"] == 1
    # Prometheus conventions: the prefix, counters in _total, durations in _seconds.
    for match in re.finditer(r"^# TYPE (\S+) (\S+)$", text, re.M):
        name, kind = match.groups()
        assert name.startswith("cloister_"), name
        if kind == "counter":
            assert name.endswith("_total"), name
        if kind == "histogram" and ("duration" in name or "round_trip" in name or "import" in name):
            assert name.endswith("_seconds"), name


def test_metrics_pass_promtool(ops):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (Debian package prometheus; make test installs it)")
    text, _ = scrape(ops)
    checked = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=30)
    # Clean: it parses, and the linter finds nothing (HELP on every family, conventions kept).
    assert checked.returncode == 0, checked.stderr.decode() + checked.stdout.decode()


def test_a_real_prometheus_scrapes_the_sample_config(ops, tmp_path):
    prometheus = shutil.which("prometheus")
    if prometheus is None:
        pytest.skip("prometheus not installed (Debian package prometheus; make test installs it)")
    sample = PROMETHEUS_SAMPLE.read_text()
    assert "cloister" in sample and "/metrics" in sample or "metrics_path" not in sample
    config = tmp_path / "prometheus.yml"
    config.write_text(sample.replace("127.0.0.1:6060", f"127.0.0.1:{ops.metrics_port}")
                      .replace("scrape_interval: 15s", "scrape_interval: 1s"))
    web_port = free_port()
    proc = subprocess.Popen([prometheus, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{web_port}"],
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "prometheus.log", "wb"))
    try:
        deadline = time.monotonic() + 60
        last = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "prometheus.log").read_text()[-2000:]
            try:
                answer = requests.get(f"http://127.0.0.1:{web_port}/api/v1/query",
                                      params={"query": 'cloister_chain_head_block{job="cloister"}'}, timeout=5).json()
                last = answer
                result = answer.get("data", {}).get("result", [])
                if result and float(result[0]["value"][1]) >= 1:
                    up = requests.get(f"http://127.0.0.1:{web_port}/api/v1/query",
                                      params={"query": 'up{job="cloister"}'}, timeout=5).json()["data"]["result"]
                    assert up and up[0]["value"][1] == "1", up
                    return
            except requests.RequestException as error:
                last = error
            time.sleep(1)
        pytest.fail(f"Prometheus did not scrape cloister_chain_head_block within 60 s: {last}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_health_ready_and_status(ops):
    for base in (ops.url, f"http://127.0.0.1:{ops.metrics_port}"):
        health = requests.get(base + "/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        ready = requests.get(base + "/ready", timeout=5)
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ready", "head": ready.json()["head"], "reasons": []}
    status = requests.get(ops.url + "/status.json", timeout=10).json()
    assert status["role"] == "dev" and status["chainId"] == CHAIN_ID and status["simulatedTEE"] is True
    assert [a["address"] for a in status["authorities"]] == [Account.from_key(DEV_KEYS[0]).address.lower()]
    assert status["blocks"] and all(b["inTurn"] for b in status["blocks"])
    assert status["enclave"]["trusted"] is True
    assert status["registry"]["enclaves"][0]["status"] == "trusted"
    page = requests.get(ops.url + "/status", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    # A page from elsewhere may not read the status (no CORS) nor be served for another Host.
    assert requests.get(ops.url + "/status.json", headers={"Host": "evil.example"}, timeout=5).status_code == 403


def test_logs_are_json_lines_with_one_line_per_block(ops):
    lines = ops.log_lines()
    records = []
    for line in lines:
        record = json.loads(line)  # every line is one JSON object
        assert {"ts", "level", "logger", "msg"} <= record.keys(), record
        records.append(record)
    sealed = [r for r in records if r["msg"] == "Sealed block"]
    assert len(sealed) >= 3
    numbers = [int(r["number"]) for r in sealed]
    assert numbers == sorted(set(numbers)), "one line per sealed block, in order"
    for r in sealed:
        assert {"number", "hash", "txs", "gas", "signer", "inTurn"} <= r.keys(), r
        assert r["level"] == "info" and r["inTurn"] == "true"
    assert any(r["level"] == "trace" for r in records) or any(r["level"] == "debug" for r in records), \
        "--verbosity trace should show debug or trace lines"


def test_no_key_or_secret_in_any_log_line(ops):
    """The logs of a trace-level run hold no private key: no dev account key, and nothing
    of the simulated platform's or the enclave's secrets (their files' key material)."""
    text = ops.log_path.read_text(errors="replace").lower()
    for key in DEV_KEYS:
        assert key.lower() not in text
    raw = ops.log_path.read_text(errors="replace")
    platform = json.loads((ops.datadir / "attest" / "platform.json").read_text())
    pem = platform["privateKey"]
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    assert len(body) >= 64
    for start in range(0, len(body) - 24, 8):
        assert body[start:start + 24] not in raw, "the platform's private key (PEM) in the log"
    der = base64.b64decode(body).hex()
    for start in range(0, len(der) - 32, 16):
        assert der[start:start + 32] not in text, "the platform's private key (hex) in the log"
    sealed = (ops.datadir / "enclave" / "enclave.sealed").read_bytes()
    assert sealed.hex()[:64] not in text
