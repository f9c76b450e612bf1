#!/usr/bin/env python3
"""Confidential (0x40) ERC-20 transfers against plain ones through one `cloister dev` (issue 14).

    clients/python/.venv/bin/python tools/load/confidential_load.py [--rounds 3] [--count 10000] > OUT.jsonl
    clients/python/.venv/bin/python tools/load/confidential_load.py report OUT.jsonl     # markdown tables

Starts its own release `cloister dev` (binary from --cloister, $CLOISTER_BIN, else
.build/release/cloister; `cloister-enclave` must sit beside it) with Prometheus metrics on,
in a temporary data directory, waits until its enclave serves a transaction key, and pins
the policy from the dev genesis the node wrote (DATADIR/enclave/genesis.json) as a client
would. Then, on that one node:

  setup     funds --senders fresh accounts with ether (type 2 from the ten dev accounts);
            deploys the token of clients/python/examples/ConfidentialToken.json twice:
            publicly (type 2) and confidentially (0x40), and, when a Python with vyper is
            at hand (--vyper-python, default Tests/e2e/.venv/bin/python), also the plain
            ERC-20 of Tests/e2e/contracts/Token.vy that rpc_load.py measures; gives every
            sender tokens of each; one probe transfer of each kind fixes the gas limits.
  rounds    --rounds times, alternating: `plain` (transfer(next sender, 1) on the public
            copy of ConfidentialToken: the same bytecode in the public EVM), `confidential`
            (the same call as a 0x40 transaction to the confidential copy) and, when
            deployed, `plain-token-vy`. Every transaction of a round is built, encrypted
            (HPKE, once per transaction, to the key fetched and verified once per round)
            and signed before the clock starts; the clock then covers only submission
            (JSON-RPC batches of eth_sendRawTransaction over --connections keep-alive
            connections, each sender on one connection in nonce order) and mining, until
            the block holding the last transaction is seen (blocks polled every 5 ms).
            Afterwards every receipt's status is checked, and every confidential result
            is decrypted with its response key (status 1 and one Transfer log expected).
  metrics   the node's /metrics is read before and after each round: the execute_block
            round trips to the enclave (count, seconds), link_headers, tx_key, and the
            eth_sendRawTransaction handling time, so the round's wall time can be split.
  import    after the node stops, its chain is exported and imported into a fresh data
            directory with `cloister import`, one file per round (the blocks between rounds
            in files of their own), so every round's blocks are re-verified by the public
            path of the same binary: full EVM execution for plain blocks; for confidential
            blocks the keyless checks only (statement signature, diff -> encStateRoot,
            public effects), which is what an observer pays.

Prints one JSON line per round, then one summary line (`"summary": true`) with the means,
the ratios confidential / plain, and the Mgas/s figures (see BENCHMARKS.md, "Confidential
transactions (issue 14)"). Diagnostics go to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO_ROOT / "clients" / "python" / "src"))

import rlp  # noqa: E402
from eth_abi import encode as abi_encode  # noqa: E402
from eth_utils import keccak  # noqa: E402
from web3 import Web3  # noqa: E402

from cloister_client import (  # noqa: E402
    ConfidentialTransaction,
    PinnedPolicy,
    decrypt_result,
    encode_plaintext,
    fetch_tx_key,
)
from cloister_client.envelope import EnvelopeSignature  # noqa: E402

import rpc_load  # noqa: E402
from rpc_load import (  # noqa: E402
    ETHER, MAX_FEE, TIP, BlockWatcher, Rpc, address_of, dev_keys, encode_call, fund_senders, hexs, make_senders,
    nonces_of, percentile, submit_all, submit_lane, wait_for_nonces,
)
from txsign import Signer  # noqa: E402

TOKEN_JSON = REPO_ROOT / "clients" / "python" / "examples" / "ConfidentialToken.json"
TRANSFER_TOPIC = keccak(text="Transfer(address,address,uint256)")


def note(message: str) -> None:
    print(f"confidential_load: {message}", file=sys.stderr, flush=True)


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------
# The node


class DevNode:
    """`cloister dev` with its enclave and Prometheus metrics, in a temporary directory that
    outlives the process (the chain is exported after it stops)."""

    def __init__(self, binary: Path, extra: list[str]):
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix="cloister-conf-load-")
        self.data = Path(self.tmp) / "data"
        self.port, self.metrics_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._enclave: int | None = None
        self.log_path = Path(self.tmp) / "node.log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(binary), "dev", "--datadir", str(self.data), "--http-port", str(self.port),
             "--metrics", "--metrics-port", str(self.metrics_port), *extra],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        rpc = Rpc(self.url, timeout=10)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"cloister dev exited {self.process.returncode}; see {self.log_path}")
            try:
                rpc.call("conf_getTxKey", ["latest"])
                return
            except (OSError, RuntimeError):
                time.sleep(0.3)
        raise SystemExit(f"no transaction key from cloister dev within 120 s; see {self.log_path}")

    def enclave_pid(self) -> int | None:
        """The cloister-enclave child of the node, for profiling."""
        try:
            out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
            return int(out[0]) if out else None
        except (OSError, ValueError):
            return None

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) used so far by the node, its enclave and this process."""
        tick = os.sysconf("SC_CLK_TCK")

        def of(pid: int | None) -> float:
            if pid is None:
                return 0.0
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                return 0.0
        if self._enclave is None:
            self._enclave = self.enclave_pid()
        me = os.times()
        return {"node": of(self.process.pid), "enclave": of(self._enclave), "client": me.user + me.system}

    def metrics(self) -> dict[str, float]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as reply:
            text = reply.read().decode()
        out: dict[str, float] = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            name, _, value = line.rpartition(" ")
            try:
                out[name] = float(value)
            except ValueError:
                pass
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def find_binary(option: str | None) -> Path:
    for candidate in (option, os.environ.get("CLOISTER_BIN"), REPO_ROOT / ".build" / "release" / "cloister"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            binary = Path(candidate).resolve()
            if not (binary.parent / "cloister-enclave").is_file():
                raise SystemExit(f"no cloister-enclave beside {binary}: swift build -c release --product cloister-enclave")
            return binary
    raise SystemExit("no cloister binary: pass --cloister, set CLOISTER_BIN, or swift build -c release --product cloister")


def metric_delta(before: dict, after: dict, name: str) -> float:
    return after.get(name, 0.0) - before.get(name, 0.0)


# ---------------------------------------------------------------------------
# Contracts


def token_artifact() -> tuple[list, bytes]:
    artifact = json.loads(TOKEN_JSON.read_text())
    return artifact["abi"], bytes.fromhex(artifact["bytecode"][2:])


def token_init_code(supply: int) -> bytes:
    _, bytecode = token_artifact()
    return bytecode + abi_encode(["uint256", "bytes32", "string"], [supply, b"issue-14 load".ljust(32, b"\0"), "load"])


def compile_token_vy(python: str | None) -> bytes | None:
    """Token.vy's init code (without constructor arguments), compiled by a Python that has
    vyper (the clients venv does not); None when there is none."""
    if not python or not Path(python).is_file():
        return None
    script = ("import sys, vyper; out = vyper.compile_code(open(sys.argv[1]).read(), output_formats=['bytecode']); "
              "print(out['bytecode'])")
    try:
        out = subprocess.run([python, "-c", script, str(rpc_load.TOKEN_SOURCE)], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        note(f"Token.vy not compiled ({python}): {out.stderr.strip()[-200:]}")
        return None
    return bytes.fromhex(out.stdout.strip()[2:])


def wait_receipt(rpc: Rpc, tx_hash: bytes, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while (receipt := rpc.call("eth_getTransactionReceipt", [hexs(tx_hash)])) is None:
        if time.monotonic() > deadline:
            raise SystemExit(f"transaction {hexs(tx_hash)} not mined in {timeout:.0f} s")
        time.sleep(0.05)
    return receipt


def create_address(sender: bytes, nonce: int) -> bytes:
    return keccak(rlp.encode([sender, nonce]))[12:]


# ---------------------------------------------------------------------------
# Confidential envelopes


class Confidential:
    """Builds signed 0x40 transactions to a key fetched (and verified) once."""

    def __init__(self, w3: Web3, pinned: PinnedPolicy, signer: Signer):
        self.w3, self.pinned, self.signer = w3, pinned, signer
        self.key = None
        self.checked = False
        self.addresses: dict[bytes, bytes] = {}

    def refresh_key(self) -> None:
        self.key = fetch_tx_key(self.w3, self.pinned)

    def build(self, key: bytes, to: bytes | None, data: bytes, nonce: int, gas: int) -> tuple[bytes, bytes, bytes]:
        """(raw, txHash, responseKey) of a signed confidential transaction."""
        sender = self.addresses.get(key) or self.addresses.setdefault(key, address_of(key))
        response_key = os.urandom(32)
        tx = ConfidentialTransaction.seal(
            public_key=self.key.public_key, plaintext=encode_plaintext(to, data, response_key), sender=sender,
            chain_id=self.key.chain_id, nonce=nonce, max_priority_fee_per_gas=TIP, max_fee_per_gas=MAX_FEE, gas_limit=gas,
            epoch=self.key.epoch, generation=self.key.generation)
        if self.signer.backend == "libsecp256k1":
            # The same RFC 6979 signature eth-keys makes, in microseconds (checked once below).
            v, r, s = self.signer._sign_hash(tx.signing_hash(), key)
            signed = dataclasses.replace(tx, signature=EnvelopeSignature(y_parity=v, r=r, s=s))
            if not self.checked:
                if signed.raw() != tx.sign(key).raw() or signed.sender() != sender:
                    raise SystemExit("libsecp256k1 and eth-keys sign the envelope differently")
                self.checked = True
        else:
            signed = tx.sign(key)
        raw = signed.raw()
        return raw, keccak(raw), response_key


# ---------------------------------------------------------------------------
# One round


def run_round(rpc: Rpc, url: str, node: DevNode, workload: str, prepared: list[list[tuple[bytes, bytes]]],
              batch: int, timeout: float) -> dict:
    watched = {h for lane in prepared for _, h in lane}
    start_block = int(rpc.call("eth_blockNumber"), 16)
    before = node.metrics()
    cpu_before = node.cpu_seconds()
    watcher = BlockWatcher(url, watched, start_block)
    watcher.start()
    sent_at: dict[bytes, float] = {}
    errors: list[str] = []
    lock = threading.Lock()
    first_submit = time.monotonic()
    threads = [threading.Thread(target=submit_lane, args=(url, lane, batch, sent_at, errors, lock)) for lane in prepared]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    last_ack = time.monotonic()
    watcher.join(timeout)
    watcher.stop.set()
    if watcher.error:
        raise watcher.error
    cpu_after = node.cpu_seconds()
    after = node.metrics()
    mined = {h: t for h, t in watcher.seen.items() if h in sent_at}
    last_mined = max(mined.values()) if mined else float("nan")
    latencies = sorted((mined[h] - sent_at[h]) * 1000 for h in mined)
    blocks = [(n, txs) for n, txs, _ in watcher.blocks if txs]
    wall = last_mined - first_submit
    return {
        "workload": workload, "count": len(watched), "submitted": len(sent_at), "rejected": len(errors),
        "rejections": sorted(set(errors))[:3], "mined": len(mined),
        "mined_tx_per_s": round(len(mined) / wall, 1) if mined else 0.0,
        "submit_tx_per_s": round(len(sent_at) / (last_ack - first_submit), 1),
        "seconds": round(wall, 3),
        "latency_p50_ms": round(percentile(latencies, 50), 1), "latency_p99_ms": round(percentile(latencies, 99), 1),
        "blocks": len(blocks), "max_txs_per_block": max((t for _, t in blocks), default=0),
        "first_block": min((n for n, _ in blocks), default=None), "last_block": max((n for n, _ in blocks), default=None),
        "cpu_s": {k: round(cpu_after[k] - cpu_before[k], 2) for k in cpu_after},
        "_block_numbers": [n for n, _ in blocks], "_metrics": (before, after), "_watched": watched,
    }


def check_round(rpc: Rpc, record: dict, response_keys: dict[bytes, bytes] | None) -> None:
    """Every receipt of the round's transactions: status, gas; confidential results decrypted."""
    watched = record.pop("_watched")
    failed = opened = bad_results = 0
    gas_of_round = 0
    block_gas: dict[int, int] = {}
    numbers = record["_block_numbers"]
    for i in range(0, len(numbers), 20):
        chunk = numbers[i:i + 20]
        answers = rpc.batch([("eth_getBlockReceipts", [hex(n)]) for n in chunk])
        for number, answer in zip(chunk, answers):
            for receipt in answer.get("result") or []:
                tx_hash = bytes.fromhex(receipt["transactionHash"][2:])
                if tx_hash not in watched:
                    continue
                gas = int(receipt["gasUsed"], 16)
                gas_of_round += gas
                block_gas[number] = block_gas.get(number, 0) + gas
                if receipt["status"] != "0x1":
                    failed += 1
                if response_keys is not None:
                    encrypted = bytes.fromhex(receipt.get("encryptedResult", "0x")[2:])
                    try:
                        result = decrypt_result(encrypted, response_keys[tx_hash], tx_hash)
                        ok = (int(result.status) == 1 and len(result.logs) == 1 and result.logs[0].topics
                              and result.logs[0].topics[0] == TRANSFER_TOPIC)
                    except Exception:  # noqa: BLE001 - any failure to open counts
                        ok = False
                    opened += 1
                    bad_results += 0 if ok else 1
    # Blocks' own gasUsed (all transactions in them, e.g. a system transaction too).
    headers = rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers]) if numbers else []
    record["block_gas_used"] = sum(int(h["result"]["gasUsed"], 16) for h in headers)
    record["failed"] = failed
    record["gas_used"] = gas_of_round
    record["gas_per_tx"] = round(gas_of_round / max(record["mined"], 1))
    if response_keys is not None:
        record["results_opened"] = opened
        record["results_bad"] = bad_results


def breakdown(record: dict) -> None:
    """The round's share of enclave round trips and RPC handling, from the metrics."""
    before, after = record.pop("_metrics")

    def timer(label: str) -> tuple[int, float]:
        count = metric_delta(before, after, f"cloister_enclave_round_trip_seconds_count{{message=\"{label}\"}}")
        total = metric_delta(before, after, f"cloister_enclave_round_trip_seconds_sum{{message=\"{label}\"}}")
        return int(count), total

    n, s = timer("execute_block")
    record["execute_block"] = {"calls": n, "seconds": round(s, 4),
                               "ms_per_call": round(s / n * 1000, 2) if n else None,
                               "us_per_tx": round(s / record["mined"] * 1e6, 1) if n and record["mined"] else None,
                               "share_of_wall": round(s / record["seconds"], 3) if record["seconds"] else None}
    if n and s > 0:
        record["enclave_mgas_per_s"] = round(record["gas_used"] / s / 1e6, 1)
    for label in ("link_headers", "tx_key"):
        c, t = timer(label)
        if c:
            record[label] = {"calls": c, "seconds": round(t, 4)}
    sends = "eth_sendRawTransaction"
    c = metric_delta(before, after, f"cloister_rpc_request_duration_seconds_count{{method=\"{sends}\"}}")
    t = metric_delta(before, after, f"cloister_rpc_request_duration_seconds_sum{{method=\"{sends}\"}}")
    if c:
        record["send_raw"] = {"calls": int(c), "seconds": round(t, 4), "us_per_call": round(t / c * 1e6, 1),
                              "share_of_wall": round(t / record["seconds"], 3) if record["seconds"] else None}
    refused = {k: v - before.get(k, 0.0) for k, v in after.items()
               if k.startswith("cloister_txpool_rejected_total") and v - before.get(k, 0.0) > 0}
    if refused:
        record["pool_rejected"] = refused


# ---------------------------------------------------------------------------
# Import of the chain, round by round


def import_rounds(binary: Path, node: DevNode, rounds: list[dict], head: int) -> None:
    """Exports the stopped node's chain in segments (the blocks of each round, and the blocks
    between them) and imports them in order into a fresh data directory, timing each round's
    import. Adds `import_seconds` and `import_mgas_per_s` to each round record."""
    work = Path(node.tmp) / "import"
    work.mkdir()
    genesis = node.data / "enclave" / "genesis.json"
    target = work / "data"
    subprocess.run([str(binary), "init", "--datadir", str(target), str(genesis)], check=True, capture_output=True)
    segments: list[tuple[int, int, dict | None]] = []
    cursor = 1
    for record in sorted((r for r in rounds if r.get("first_block")), key=lambda r: r["first_block"]):
        first, last = record["first_block"], record["last_block"]
        if cursor < first:
            segments.append((cursor, first - 1, None))
        segments.append((first, last, record))
        cursor = last + 1
    if cursor <= head:
        segments.append((cursor, head, None))
    pattern = re.compile(r"Imported (\d+) blocks \((\d+) transactions, (\d+) gas\) in ([0-9.]+) s")
    for k, (first, last, record) in enumerate(segments):
        file = work / f"segment-{k}.rlp"
        subprocess.run([str(binary), "export", "--datadir", str(node.data), str(file), str(first), str(last)],
                       check=True, capture_output=True)
        out = subprocess.run([str(binary), "import", "--datadir", str(target), str(file)], capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"import of blocks {first}-{last} failed: {out.stderr.strip() or out.stdout.strip()}")
        match = pattern.search(out.stdout)
        if record is not None and match:
            blocks, _, gas, seconds = int(match[1]), int(match[2]), int(match[3]), float(match[4])
            record["import_seconds"] = seconds
            record["import_blocks"] = blocks
            record["import_mgas_per_s"] = round(gas / seconds / 1e6, 1) if seconds > 0 else None


# ---------------------------------------------------------------------------


def report(path: str) -> int:
    """The markdown tables BENCHMARKS.md quotes, from this script's JSON lines."""
    lines = [json.loads(line) for line in Path(path).read_text().splitlines() if line.startswith("{")]
    summary = next((line for line in lines if line.get("summary")), None)
    rounds = [line for line in lines if not line.get("summary")]
    if summary is None:
        print(f"{path}: no summary line")
        return 1

    def fmt(x, digits=0):
        return "—" if x is None else f"{x:,.{digits}f}"

    names = {"plain": "plain ERC-20: ConfidentialToken's bytecode as a public contract (type 2)",
             "confidential": "confidential ERC-20: the same bytecode as a confidential contract (0x40)",
             "plain-token-vy": "plain ERC-20: Tests/e2e/contracts/Token.vy (rpc_load.py's token, type 2)"}
    n = summary["rounds"]
    print(f"{summary['count']:,} pre-built, pre-signed `transfer(next sender, 1)` per round from {summary['senders']} "
          f"senders; rounds alternate; mined tx/s = transactions / (first batch sent → block holding the last one seen).\n")
    print("| workload | " + " | ".join(f"round {i + 1}" for i in range(n)) + " | mean | confidential / this |")
    print("|---|" + "---:|" * (n + 2))
    conf = summary["confidential"]["mined_tx_per_s"]
    for workload in ("plain", "confidential", "plain-token-vy"):
        if workload not in summary:
            continue
        w = summary[workload]
        ratio = "—" if workload == "confidential" or not w["mined_tx_per_s"] else f"**{conf / w['mined_tx_per_s']:.2f}×**"
        print(f"| {names[workload]} | " + " | ".join(fmt(x) for x in w["rounds"]) + f" | **{fmt(w['mined_tx_per_s'])}** | {ratio} |")
    c, p = summary["confidential"], summary["plain"]
    print("\n| per transfer (means over the rounds) | plain (same bytecode) | confidential |")
    print("|---|---:|---:|")
    print(f"| gas used (of which the EVM's own) | {summary['gas_per_transfer']['plain']:,} ({summary['evm_gas_per_transfer']['plain']:,}) "
          f"| {summary['gas_per_transfer']['confidential']:,} ({summary['evm_gas_per_transfer']['confidential']:,}) |")
    print(f"| gas limit signed (probe's gas + 10 %) | {summary['gas_limit']['plain']:,} | {summary['gas_limit']['confidential']:,} |")
    print(f"| blocks per round | {fmt(p['blocks_per_round'])} | {fmt(c['blocks_per_round'])} |")
    print(f"| submission → block, p50 | {fmt(p['latency_p50_ms'])} ms | {fmt(c['latency_p50_ms'])} ms |")
    print(f"| CPU of the node process during the round | {fmt(p['cpu_us_per_tx']['node'])} µs | {fmt(c['cpu_us_per_tx']['node'])} µs |")
    print(f"| CPU of the enclave process | — | {fmt(c['cpu_us_per_tx']['enclave'])} µs |")
    print(f"| CPU of the load generator (submission, block polling) | {fmt(p['cpu_us_per_tx']['client'])} µs "
          f"| {fmt(c['cpu_us_per_tx']['client'])} µs |")
    print(f"| `eth_sendRawTransaction` handling (metrics) | {fmt(p['send_raw_us_per_call'])} µs | {fmt(c['send_raw_us_per_call'])} µs |")
    print(f"| `execute_block` round trip to the enclave (metrics) | — | {fmt(c['execute_block_us_per_tx'])} µs "
          f"({fmt(c['execute_block_ms_per_block'])} ms a block; {c['execute_block_share_of_wall'] * 100:.0f} % of the round's wall time) |")
    print(f"| client-side build before the clock (encode, HPKE seal, sign) | {fmt(p['build_us_per_tx'])} µs | {fmt(c['build_us_per_tx'])} µs |")
    print(f"| `cloister import` of the round's blocks (public path; keyless checks only for 0x40) | {fmt(p['import_us_per_tx'])} µs "
          f"| {fmt(c['import_us_per_tx'])} µs |")
    print("\n| execution speed | Mgas/s, the EVM's own gas | Mgas/s, gas used (incl. intrinsic) |")
    print("|---|---:|---:|")
    print(f"| confidential: gas / `execute_block` round-trip time (enclave: open, recover, EVM, re-encrypt, trie, sign, "
          f"trie-node round trips) | {fmt(c['enclave_evm_mgas_per_s'], 1)} | {fmt(c['enclave_mgas_per_s'], 1)} |")
    print(f"| plain: gas / `cloister import` time of the same rounds' blocks (recover, EVM, roots, LMDB commit) "
          f"| {fmt(p['import_evm_mgas_per_s'], 1)} | {fmt(p['import_mgas_per_s'], 1)} |")
    if summary.get("ratio_enclave_to_public_import_evm_mgas"):
        print(f"| confidential / plain | **{summary['ratio_enclave_to_public_import_evm_mgas']:.2f}×** | "
              f"{c['enclave_mgas_per_s'] / p['import_mgas_per_s']:.2f}× |")
    return 0


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["report"]:
        return report(argv[1])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cloister", help="the cloister binary (default: $CLOISTER_BIN, .build/release/cloister)")
    parser.add_argument("--node-args", default="", help="more flags for cloister dev")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each workload, alternated")
    parser.add_argument("--count", type=int, default=10000, help="transfers per round")
    parser.add_argument("--senders", type=int, default=200)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--batch", type=int, default=200, help="eth_sendRawTransaction calls per JSON-RPC batch")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for a round to be mined")
    parser.add_argument("--vyper-python", default=str(REPO_ROOT / "Tests" / "e2e" / ".venv" / "bin" / "python"),
                        help="a Python with vyper, to compile Token.vy for the plain-token-vy rounds ('' to skip them)")
    parser.add_argument("--no-import", action="store_true", help="skip the export/import timing after the run")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds of rest between rounds")
    parser.add_argument("--profile-hook", help="a command run during each round with WORKLOAD ROUND ENCLAVE_PID NODE_PID "
                                                "appended (e.g. a perf record), stopped with SIGINT when the round ends")
    args = parser.parse_args(argv)

    binary = find_binary(args.cloister)
    signer = Signer()
    note(f"signing with {signer.backend}; starting {binary} dev")
    node = DevNode(binary, args.node_args.split())
    keep = False
    try:
        rpc = Rpc(node.url)
        w3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 60}))
        chain_id = int(rpc.call("eth_chainId"), 16)
        genesis_hash = rpc.call("eth_getBlockByNumber", ["0x0", False])["hash"]
        pinned = PinnedPolicy.from_genesis_file(node.data / "enclave" / "genesis.json", genesis_hash=genesis_hash)
        conf = Confidential(w3, pinned, signer)
        conf.refresh_key()
        note(f"transaction key: epoch {conf.key.epoch}, generation {conf.key.generation}, simulated {conf.key.simulated}")

        # --- setup ---------------------------------------------------------------
        setup_started = time.monotonic()
        funders = dev_keys()
        funder_addresses = [address_of(k) for k in funders]
        senders = make_senders(args.senders, f"confidential/{int(time.time())}")
        sender_addresses = [address_of(k) for k in senders]
        per_sender = -(-args.count * args.rounds // args.senders) * 10 + 10
        supply = 10**30

        # Public copy of the token, from dev account 1 (fund_senders gives its tokens away).
        init = token_init_code(supply)
        nonce = nonces_of(rpc, [funder_addresses[1]])[funder_addresses[1]]
        raw, h = signer.sign_1559(funders[1], chain_id=chain_id, nonce=nonce, to=b"", value=0, gas=3_000_000,
                                  max_fee=MAX_FEE, tip=TIP, data=init)
        rpc.call("eth_sendRawTransaction", [hexs(raw)])
        receipt = wait_receipt(rpc, h)
        if receipt["status"] != "0x1":
            raise SystemExit(f"public token deployment failed: {receipt}")
        plain_token = bytes.fromhex(receipt["contractAddress"][2:])
        fund_senders(rpc, signer, chain_id, funders, senders, ETHER, token=plain_token, tokens=per_sender)

        # Token.vy, the ERC-20 rpc_load.py measures, from dev account 3.
        vy_token = None
        vy_code = compile_token_vy(args.vyper_python) if args.vyper_python else None
        if vy_code:
            holder = funders[3]
            n3 = nonces_of(rpc, [funder_addresses[3]])[funder_addresses[3]]
            data = vy_code + abi_encode(["string", "string", "uint256"], ["Load Token", "LOAD", supply])
            raw, h = signer.sign_1559(holder, chain_id=chain_id, nonce=n3, to=b"", value=0, gas=3_000_000,
                                      max_fee=MAX_FEE, tip=TIP, data=data)
            rpc.call("eth_sendRawTransaction", [hexs(raw)])
            receipt = wait_receipt(rpc, h)
            if receipt["status"] != "0x1":
                raise SystemExit(f"Token.vy deployment failed: {receipt}")
            vy_token = bytes.fromhex(receipt["contractAddress"][2:])
            raws = []
            for i, a in enumerate(sender_addresses):
                raw, _ = signer.sign_1559(holder, chain_id=chain_id, nonce=n3 + 1 + i, to=vy_token, value=0, gas=100_000,
                                          max_fee=MAX_FEE, tip=TIP,
                                          data=encode_call("transfer(address,uint256)", ["address", "uint256"], [a, per_sender]))
                raws.append(raw)
            submit_all(rpc, raws)
            wait_for_nonces(rpc, {funder_addresses[3]: n3 + 1 + len(raws)})

        # Confidential copy, from dev account 2: deploy, then tokens to every sender (0x40 too).
        owner = funders[2]
        owner_address = funder_addresses[2]
        n2 = nonces_of(rpc, [owner_address])[owner_address]
        raw, h, rk = conf.build(owner, None, init, n2, 3_000_000)
        rpc.call("eth_sendRawTransaction", [hexs(raw)])
        receipt = wait_receipt(rpc, h)
        deployed = decrypt_result(bytes.fromhex(receipt["encryptedResult"][2:]), rk, h)
        if receipt["status"] != "0x1" or int(deployed.status) != 1:
            raise SystemExit(f"confidential token deployment failed: {receipt}")
        conf_token = create_address(owner_address, n2)
        distribution = []
        for i, a in enumerate(sender_addresses):
            data = encode_call("transfer(address,uint256)", ["address", "uint256"], [a, per_sender])
            distribution.append(conf.build(owner, conf_token, data, n2 + 1 + i, 200_000))
        submit_all(rpc, [r for r, _, _ in distribution])
        wait_for_nonces(rpc, {owner_address: n2 + 1 + len(distribution)})
        for raw, h, rk in distribution:
            result = decrypt_result(bytes.fromhex(wait_receipt(rpc, h)["encryptedResult"][2:]), rk, h)
            if int(result.status) != 1:
                raise SystemExit(f"confidential token distribution failed for {hexs(h)}")

        # Probe: one transfer of each kind between two senders fixes the gas limits (+10 %;
        # the block builder reserves a 0x40 transaction's whole limit, so it matters there).
        nonces = nonces_of(rpc, sender_addresses, "latest")
        probe = encode_call("transfer(address,uint256)", ["address", "uint256"], [sender_addresses[1], 1])
        raw, hp, _ = conf.build(senders[0], conf_token, probe, nonces[sender_addresses[0]], 200_000)
        rpc.call("eth_sendRawTransaction", [hexs(raw)])
        conf_probe_gas = int(wait_receipt(rpc, hp)["gasUsed"], 16)
        conf_intrinsic = ConfidentialTransaction.decode(raw).intrinsic_gas()
        raw, hp = signer.sign_1559(senders[0], chain_id=chain_id, nonce=nonces[sender_addresses[0]] + 1, to=plain_token,
                                   value=0, gas=200_000, max_fee=MAX_FEE, tip=TIP, data=probe)
        rpc.call("eth_sendRawTransaction", [hexs(raw)])
        plain_probe_gas = int(wait_receipt(rpc, hp)["gasUsed"], 16)
        plain_intrinsic = 21_000 + sum(16 if b else 4 for b in probe)
        # The EVM's own gas of one transfer, beyond the intrinsic gas each kind pays publicly
        # (21,000 + calldata for plain, 21,000 + 16 per byte of enc ‖ ciphertext for 0x40).
        evm_gas = {"plain": plain_probe_gas - plain_intrinsic, "confidential": conf_probe_gas - conf_intrinsic}
        conf_gas = conf_probe_gas * 11 // 10
        plain_gas = plain_probe_gas * 11 // 10
        setup_seconds = time.monotonic() - setup_started
        note(f"setup {setup_seconds:.1f} s: probe gas plain {plain_probe_gas}, confidential {conf_probe_gas}; "
             f"limits {plain_gas} / {conf_gas}; EVM gas {evm_gas}")

        # --- rounds --------------------------------------------------------------
        workloads = ["plain", "confidential"] + (["plain-token-vy"] if vy_token else [])
        records: list[dict] = []
        for r in range(args.rounds):
            for workload in workloads:
                time.sleep(args.pause)
                nonces = nonces_of(rpc, sender_addresses, "latest")
                lanes: list[list[tuple[bytes, bytes]]] = [[] for _ in range(args.connections)]
                response_keys: dict[bytes, bytes] | None = {} if workload == "confidential" else None
                build_started = time.monotonic()
                if workload == "confidential":
                    conf.refresh_key()
                for k in range(args.count):
                    i = k % args.senders
                    sender = sender_addresses[i]
                    data = encode_call("transfer(address,uint256)", ["address", "uint256"],
                                       [sender_addresses[(i + 1) % args.senders], 1])
                    if workload == "confidential":
                        raw, h, rk = conf.build(senders[i], conf_token, data, nonces[sender], conf_gas)
                        response_keys[h] = rk
                    else:
                        token = plain_token if workload == "plain" else vy_token
                        raw, h = signer.sign_1559(senders[i], chain_id=chain_id, nonce=nonces[sender], to=token, value=0,
                                                  gas=plain_gas if workload == "plain" else 60_000,
                                                  max_fee=MAX_FEE, tip=TIP, data=data)
                    nonces[sender] += 1
                    lanes[i % args.connections].append((raw, h))
                build_seconds = time.monotonic() - build_started
                hook = None
                if args.profile_hook:
                    hook = subprocess.Popen(args.profile_hook.split() + [workload, str(r + 1), str(node.enclave_pid()),
                                                                         str(node.process.pid)],
                                            stdout=sys.stderr, start_new_session=True)
                    time.sleep(1.0)
                try:
                    record = run_round(rpc, node.url, node, workload, lanes, args.batch, args.timeout)
                finally:
                    if hook is not None:
                        os.killpg(hook.pid, signal.SIGINT)
                        hook.wait(60)
                record["round"] = r + 1
                record["build_s"] = round(build_seconds, 2)
                record["build_us_per_tx"] = round(build_seconds / args.count * 1e6, 1)
                check_round(rpc, record, response_keys)
                breakdown(record)
                records.append(record)
                note(f"round {r + 1} {workload}: {record['mined_tx_per_s']} tx/s ({record['mined']} in {record['seconds']} s, "
                     f"{record['blocks']} blocks), failed {record['failed']}")
        head = int(rpc.call("eth_blockNumber"), 16)
        client = rpc.call("web3_clientVersion")
    except BaseException:
        keep = True
        note(f"node log and data kept in {node.tmp}")
        raise
    finally:
        node.stop()

    try:
        if not args.no_import:
            note("exporting the chain and importing it round by round (cloister import)")
            import_rounds(binary, node, records, head)
    finally:
        if not keep:
            node.cleanup()

    # Per transaction and per unit of the EVM's own gas: what the enclave's execute_block
    # round trips took (confidential) and what `cloister import` took (every kind).
    for record in records:
        kind = "confidential" if record["workload"] == "confidential" else "plain"
        mined = max(record["mined"], 1)
        evm = evm_gas[kind] if record["workload"] != "plain-token-vy" else None
        if record.get("import_seconds"):
            record["import_us_per_tx"] = round(record["import_seconds"] / mined * 1e6, 1)
            if evm and kind == "plain":  # a confidential block's import runs no EVM (keyless checks)
                record["import_evm_mgas_per_s"] = round(evm * mined / record["import_seconds"] / 1e6, 1)
        if kind == "confidential" and record["execute_block"]["seconds"]:
            record["enclave_evm_mgas_per_s"] = round(evm * mined / record["execute_block"]["seconds"] / 1e6, 1)
        record["cpu_us_per_tx"] = {k: round(v / mined * 1e6, 1) for k, v in record["cpu_s"].items()}

    for record in records:
        record.pop("_block_numbers", None)
        emit(record)

    def mean(workload: str, field: str, sub: str | None = None) -> float | None:
        values = [r[field][sub] if sub else r[field] for r in records
                  if r["workload"] == workload and r.get(field) is not None and (sub is None or r[field].get(sub) is not None)]
        return round(statistics.mean(values), 1) if values else None

    summary = {
        "summary": True, "client": client, "binary": str(binary), "cpus": os.cpu_count(), "rounds": args.rounds,
        "count": args.count, "senders": args.senders, "connections": args.connections, "batch": args.batch,
        "signer": signer.backend, "setup_s": round(setup_seconds, 1),
        "gas_limit": {"plain": plain_gas, "confidential": conf_gas},
        "gas_per_transfer": {"plain": plain_probe_gas, "confidential": conf_probe_gas},
        "evm_gas_per_transfer": evm_gas,
    }
    for workload in workloads:
        summary[workload] = {
            "mined_tx_per_s": mean(workload, "mined_tx_per_s"),
            "rounds": [r["mined_tx_per_s"] for r in records if r["workload"] == workload],
            "latency_p50_ms": mean(workload, "latency_p50_ms"),
            "blocks_per_round": mean(workload, "blocks"),
            "cpu_us_per_tx": {k: mean(workload, "cpu_us_per_tx", k) for k in ("node", "enclave", "client")},
            "send_raw_us_per_call": mean(workload, "send_raw", "us_per_call"),
            "import_mgas_per_s": mean(workload, "import_mgas_per_s"),
            "import_us_per_tx": mean(workload, "import_us_per_tx"),
            "import_evm_mgas_per_s": mean(workload, "import_evm_mgas_per_s"),
            "build_us_per_tx": mean(workload, "build_us_per_tx"),
        }
    c = summary["confidential"]
    c["execute_block_us_per_tx"] = mean("confidential", "execute_block", "us_per_tx")
    c["execute_block_ms_per_block"] = mean("confidential", "execute_block", "ms_per_call")
    shares = [r["execute_block"]["share_of_wall"] for r in records if r["workload"] == "confidential"]
    c["execute_block_share_of_wall"] = round(statistics.mean(shares), 3) if shares else None
    c["enclave_mgas_per_s"] = mean("confidential", "enclave_mgas_per_s")
    c["enclave_evm_mgas_per_s"] = mean("confidential", "enclave_evm_mgas_per_s")
    plain, confidential = summary["plain"]["mined_tx_per_s"], c["mined_tx_per_s"]
    if plain and confidential:
        summary["ratio_confidential_to_plain"] = round(confidential / plain, 3)
    if vy_token and summary["plain-token-vy"]["mined_tx_per_s"] and confidential:
        summary["ratio_confidential_to_token_vy"] = round(confidential / summary["plain-token-vy"]["mined_tx_per_s"], 3)
    if c["enclave_evm_mgas_per_s"] and summary["plain"]["import_evm_mgas_per_s"]:
        summary["ratio_enclave_to_public_import_evm_mgas"] = round(
            c["enclave_evm_mgas_per_s"] / summary["plain"]["import_evm_mgas_per_s"], 3)
    emit(summary)
    failures = sum(r["failed"] + r.get("results_bad", 0) + (r["count"] - r["mined"]) for r in records)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
