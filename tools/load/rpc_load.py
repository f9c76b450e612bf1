#!/usr/bin/env python3
"""Load generator for Cloister's JSON-RPC server; prints one JSON line per result.

    rpc_load.py blocknumber --seconds 10 --connections 64 [--wrk]
    rpc_load.py balanceof   --seconds 10 --connections 64 [--wrk]
    rpc_load.py transfers   --count 20000 [--peer eth-tester]
    rpc_load.py erc20       --count 10000 [--peer eth-tester]

Without --url it starts its own `cloister dev` (binary from --cloister, $CLOISTER_BIN,
else .build/release/cloister, else .build/debug/cloister) on a free port with a
temporary data directory, and stops it with SIGINT at the end. Run it with the
end-to-end venv: Tests/e2e/.venv/bin/python tools/load/rpc_load.py … (see README.md).

Read-only workloads (blocknumber, balanceof) drive keep-alive HTTP/1.1 connections
from several processes with non-blocking sockets, each connection keeping
--pipeline requests in flight (1 = plain request/response). Latency is from a
request's write to its response's last byte.

Transaction workloads fund fresh sender accounts from the ten dev accounts, pre-sign
every transaction (type 2), submit them as JSON-RPC batches of eth_sendRawTransaction
over --connections keep-alive connections (each sender's transactions on one
connection, in nonce order), and watch new blocks until every one is mined; then
they check every receipt's status. Latency is from a transaction's batch being
sent to the first sight of the block that holds it (blocks are polled every 5 ms).
"""

from __future__ import annotations

import argparse
import array
import http.client
import json
import multiprocessing
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from eth_utils import keccak, to_checksum_address

sys.path.insert(0, str(Path(__file__).resolve().parent))
from txsign import Signer  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN_SOURCE = REPO_ROOT / "Tests" / "e2e" / "contracts" / "Token.vy"
MNEMONIC = "test test test test test test test test test test test junk"  # anvil/Hardhat test keys
GWEI = 10**9
ETHER = 10**18
MAX_FEE = 100 * GWEI  # leaves room for the base fee to rise under full blocks
TIP = 1 * GWEI


def emit(record: dict) -> None:
    print(json.dumps(record, sort_keys=False), flush=True)


def note(message: str) -> None:
    print(f"rpc_load: {message}", file=sys.stderr, flush=True)


def percentile(sorted_values, q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


# ---------------------------------------------------------------------------
# A node to talk to


class SpawnedNode:
    """`cloister dev` on a free port with a temporary data directory."""

    def __init__(self, binary: Path, extra: list[str] | None = None):
        self.binary = binary
        self.tmp = tempfile.TemporaryDirectory(prefix="cloister-load-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.log = open(Path(self.tmp.name) / "node.log", "wb")
        self.process = subprocess.Popen(
            [str(binary), "dev", "--datadir", str(Path(self.tmp.name) / "data"), "--http-port", str(self.port), *(extra or [])],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"cloister dev exited {self.process.returncode}; see {self.log.name}")
            try:
                if Rpc(self.url).call("eth_chainId"):
                    return
            except (OSError, http.client.HTTPException, RuntimeError):
                time.sleep(0.2)
        raise SystemExit("cloister dev did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.tmp.cleanup()


def find_binary(option: str | None) -> Path:
    candidates = [option, os.environ.get("CLOISTER_BIN"),
                  REPO_ROOT / ".build" / "release" / "cloister", REPO_ROOT / ".build" / "debug" / "cloister"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate).resolve()
    raise SystemExit("no cloister binary: pass --cloister, set CLOISTER_BIN, or build (swift build -c release --product cloister)")


class Rpc:
    """A JSON-RPC client over one keep-alive HTTP connection (not thread-safe)."""

    def __init__(self, url: str, timeout: float = 120):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.timeout = timeout
        self.connection = None
        self.next_id = 1

    def _post(self, payload: bytes) -> bytes:
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.connection.request("POST", "/", body=payload, headers={"Content-Type": "application/json"})
                response = self.connection.getresponse()
                body = response.read()
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
                return body
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def call(self, method: str, params: list | None = None):
        answer = json.loads(self._post(json.dumps(
            {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or []}).encode()))
        self.next_id += 1
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def batch(self, calls: list[tuple[str, list]]) -> list[dict]:
        """Sends calls as one batch; returns their answers (result or error objects) in order."""
        if not calls:
            return []
        first = self.next_id
        self.next_id += len(calls)
        payload = json.dumps([{"jsonrpc": "2.0", "id": first + i, "method": m, "params": p}
                              for i, (m, p) in enumerate(calls)]).encode()
        answers = json.loads(self._post(payload))
        if isinstance(answers, dict):
            raise RuntimeError(f"batch refused: {answers.get('error')}")
        by_id = {a.get("id"): a for a in answers}
        return [by_id.get(first + i, {"error": {"code": 0, "message": "no answer"}}) for i in range(len(calls))]


# ---------------------------------------------------------------------------
# Read-only workloads: raw keep-alive HTTP from several processes


def _hammer(host: str, port: int, request: bytes, connections: int, pipeline: int,
            start: float, warmup: float, seconds: float, out) -> None:
    """One process: `connections` non-blocking sockets; answers completed in the
    measured window are counted and their latencies (µs) kept."""
    selector = selectors.DefaultSelector()
    states = []
    for _ in range(connections):
        sock = socket.create_connection((host, port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        state = {"sock": sock, "buffer": bytearray(), "sent": [], "out": bytearray()}
        states.append(state)
        selector.register(sock, selectors.EVENT_READ, state)
    latencies = array.array("Q")
    ok = errors = 0
    measure_from = start + warmup
    stop_at = measure_from + seconds
    while time.monotonic() < start:
        time.sleep(0.001)

    def send(state, n):
        now = time.monotonic_ns()
        state["sent"].extend([now] * n)
        data = request * n
        try:
            written = state["sock"].send(data)
        except BlockingIOError:
            written = 0
        if written < len(data):
            state["out"] += data[written:]
            selector.modify(state["sock"], selectors.EVENT_READ | selectors.EVENT_WRITE, state)

    for state in states:
        send(state, pipeline)
    sending = True
    while True:
        now = time.monotonic()
        if sending and now >= stop_at:
            sending = False
        if not sending and (all(not s["sent"] for s in states) or now >= stop_at + 5):
            break
        for key, events in selector.select(timeout=0.05):
            state = key.data
            sock = state["sock"]
            if events & selectors.EVENT_WRITE and state["out"]:
                try:
                    written = sock.send(state["out"])
                    del state["out"][:written]
                except BlockingIOError:
                    pass
                if not state["out"]:
                    selector.modify(sock, selectors.EVENT_READ, state)
            if not events & selectors.EVENT_READ:
                continue
            try:
                chunk = sock.recv(262144)
            except BlockingIOError:
                continue
            if not chunk:
                raise SystemExit("the server closed a keep-alive connection")
            buffer = state["buffer"]
            buffer += chunk
            answered = 0
            while True:
                head_end = buffer.find(b"\r\n\r\n")
                if head_end < 0:
                    break
                head = bytes(buffer[:head_end]).lower()
                length_at = head.find(b"content-length:")
                if length_at < 0:
                    raise SystemExit(f"response without Content-Length: {bytes(buffer[:200])!r}")
                line_end = head.find(b"\r\n", length_at)
                length = int(head[length_at + 15:line_end if line_end >= 0 else None])
                total = head_end + 4 + length
                if len(buffer) < total:
                    break
                done = time.monotonic_ns()
                good = head.startswith(b"http/1.1 200") and b'"result"' in buffer[head_end + 4:total]
                del buffer[:total]
                sent = state["sent"].pop(0)
                answered += 1
                if measure_from * 1e9 <= done <= stop_at * 1e9:
                    if good:
                        ok += 1
                        latencies.append((done - sent) // 1000)
                    else:
                        errors += 1
            if answered and sending:
                send(state, answered)
    for state in states:
        state["sock"].close()
    out.put((ok, errors, latencies.tobytes()))


def run_read_load(url: str, name: str, body: bytes, seconds: float, connections: int, processes: int,
                  pipeline: int, warmup: float) -> dict:
    parsed = urlparse(url)
    host, port = parsed.hostname, parsed.port or 80
    request = (f"POST / HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    processes = max(1, min(processes, connections))
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start = time.monotonic() + 0.5
    workers = []
    for i in range(processes):
        share = connections // processes + (1 if i < connections % processes else 0)
        worker = context.Process(target=_hammer, args=(host, port, request, share, pipeline, start, warmup, seconds, queue))
        worker.start()
        workers.append(worker)
    ok = errors = 0
    latencies = array.array("Q")
    for _ in workers:
        o, e, raw = queue.get(timeout=seconds + warmup + 60)
        ok, errors = ok + o, errors + e
        latencies.frombytes(raw)
    for worker in workers:
        worker.join()
    ordered = sorted(latencies)
    return {
        "workload": name, "seconds": seconds, "connections": connections, "processes": processes,
        "pipeline": pipeline, "requests": ok, "errors": errors, "req_per_s": round(ok / seconds, 1),
        "p50_ms": round(percentile(ordered, 50) / 1000, 3), "p99_ms": round(percentile(ordered, 99) / 1000, 3),
        "p999_ms": round(percentile(ordered, 99.9) / 1000, 3), "max_ms": round((ordered[-1] if ordered else 0) / 1000, 3),
    }


def wrk_run(url: str, body: bytes, seconds: float, connections: int, run: bool) -> dict:
    """The equivalent wrk command (when wrk is installed), with a Lua script for the POST
    body; with `run`, also its figures against the same node."""
    wrk = shutil.which("wrk")
    if not wrk:
        return {"wrk": None, "note": "wrk not installed (Debian package wrk)"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="cloister-wrk-", delete=False) as script:
        script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                     f"wrk.body = {json.dumps(body.decode())}\n")
    threads = max(1, min(os.cpu_count() or 1, connections))
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "-s", script.name, url]
    record = {"wrk": " ".join(command)}
    if not run:
        return record  # the script stays, for running the command by hand
    try:
        output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
        record.update(_parse_wrk(output))
    finally:
        os.unlink(script.name)
    return record


def _parse_wrk(output: str) -> dict:
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    figures = {}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            figures["wrk_req_per_s"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "99%") and not line.startswith("Requests"):
            value = parts[1]
            unit = next(u for u in ("us", "ms", "s") if value.endswith(u))
            figures[f"wrk_p{parts[0][:-1]}_ms"] = round(float(value[: -len(unit)]) * units[unit], 3)
        elif "Non-2xx" in line or "Socket errors" in line:
            figures.setdefault("wrk_problems", []).append(line.strip())
    return figures


# ---------------------------------------------------------------------------
# Accounts, deployment and funding


def dev_keys() -> list[bytes]:
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    return [bytes(Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").key) for i in range(10)]


def address_of(key: bytes) -> bytes:
    from eth_keys import keys

    return keys.PrivateKey(key).public_key.to_canonical_address()


def hexs(b: bytes) -> str:
    return "0x" + b.hex()


def compile_token() -> dict:
    import vyper

    out = vyper.compile_code(TOKEN_SOURCE.read_text(), output_formats=["bytecode", "abi"])
    return {"abi": out["abi"], "bytecode": bytes.fromhex(out["bytecode"][2:])}


def encode_call(signature: str, types: list[str], args: list) -> bytes:
    from eth_abi import encode

    return keccak(text=signature)[:4] + encode(types, args)


def wait_for_nonces(rpc: Rpc, targets: dict[bytes, int], timeout: float = 300) -> None:
    """Waits until each address's mined nonce reaches its target."""
    deadline = time.monotonic() + timeout
    remaining = dict(targets)
    while remaining:
        if time.monotonic() > deadline:
            raise SystemExit(f"{len(remaining)} accounts did not reach their nonces in {timeout:.0f} s")
        addresses = list(remaining)
        answers = rpc.batch([("eth_getTransactionCount", [hexs(a), "latest"]) for a in addresses])
        for address, answer in zip(addresses, answers):
            if "result" in answer and int(answer["result"], 16) >= remaining[address]:
                del remaining[address]
        if remaining:
            time.sleep(0.05)


def submit_all(rpc: Rpc, raws: list[bytes], batch: int = 500) -> None:
    """Submits raw transactions in batches; fails on any refusal."""
    for i in range(0, len(raws), batch):
        answers = rpc.batch([("eth_sendRawTransaction", [hexs(r)]) for r in raws[i:i + batch]])
        refused = [a["error"] for a in answers if "error" in a]
        if refused:
            raise SystemExit(f"setup transaction refused: {refused[0]}")


def nonces_of(rpc: Rpc, addresses: list[bytes], tag: str = "pending") -> dict[bytes, int]:
    answers = []
    for i in range(0, len(addresses), 500):
        answers += rpc.batch([("eth_getTransactionCount", [hexs(a), tag]) for a in addresses[i:i + 500]])
    return {a: int(x["result"], 16) for a, x in zip(addresses, answers)}


def deploy_token(rpc: Rpc, signer: Signer, chain_id: int, key: bytes, supply: int) -> bytes:
    from eth_abi import encode

    token = compile_token()
    data = token["bytecode"] + encode(["string", "string", "uint256"], ["Load Token", "LOAD", supply])
    sender = address_of(key)
    nonce = nonces_of(rpc, [sender])[sender]
    raw, tx_hash = signer.sign_1559(key, chain_id=chain_id, nonce=nonce, to=b"", value=0, gas=3_000_000,
                                    max_fee=MAX_FEE, tip=TIP, data=data)
    rpc.call("eth_sendRawTransaction", [hexs(raw)])
    deadline = time.monotonic() + 60
    while (receipt := rpc.call("eth_getTransactionReceipt", [hexs(tx_hash)])) is None:
        if time.monotonic() > deadline:
            raise SystemExit("token deployment not mined in 60 s")
        time.sleep(0.05)
    if receipt["status"] != "0x1":
        raise SystemExit(f"token deployment failed: {receipt}")
    return bytes.fromhex(receipt["contractAddress"][2:])


def make_senders(count: int, seed: str) -> list[bytes]:
    return [keccak(text=f"cloister-load/{seed}/{i}") for i in range(count)]


def fund_senders(rpc: Rpc, signer: Signer, chain_id: int, funders: list[bytes], senders: list[bytes],
                 wei: int, token: bytes | None = None, tokens: int = 0) -> None:
    """Sends `wei` (and `tokens` of `token`, from funders[1], the token's deployer) to every sender."""
    funder_addresses = [address_of(k) for k in funders]
    nonces = nonces_of(rpc, funder_addresses)
    raws = []
    for i, sender_key in enumerate(senders):
        j = i % len(funders)
        raw, _ = signer.sign_1559(funders[j], chain_id=chain_id, nonce=nonces[funder_addresses[j]],
                                  to=address_of(sender_key), value=wei, gas=21_000, max_fee=MAX_FEE, tip=TIP)
        nonces[funder_addresses[j]] += 1
        raws.append(raw)
    if token is not None:
        deployer = funder_addresses[1]
        for sender_key in senders:
            data = encode_call("transfer(address,uint256)", ["address", "uint256"], [address_of(sender_key), tokens])
            raw, _ = signer.sign_1559(funders[1], chain_id=chain_id, nonce=nonces[deployer], to=token, value=0,
                                      gas=100_000, max_fee=MAX_FEE, tip=TIP, data=data)
            nonces[deployer] += 1
            raws.append(raw)
    submit_all(rpc, raws)
    wait_for_nonces(rpc, nonces)


# ---------------------------------------------------------------------------
# Transaction workloads


class BlockWatcher(threading.Thread):
    """Polls for new blocks and notes when each watched transaction is first seen mined."""

    def __init__(self, url: str, watched: set[bytes], start_block: int):
        super().__init__(daemon=True)
        self.rpc = Rpc(url)
        self.watched = watched
        self.seen: dict[bytes, float] = {}
        self.blocks: list[tuple[int, int, float]] = []  # (number, transactions, seen at)
        self.next_block = start_block + 1
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set() and len(self.seen) < len(self.watched):
                head = int(self.rpc.call("eth_blockNumber"), 16)
                if head < self.next_block:
                    time.sleep(0.005)
                    continue
                numbers = list(range(self.next_block, head + 1))
                answers = self.rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])
                now = time.monotonic()
                for number, answer in zip(numbers, answers):
                    hashes = answer["result"]["transactions"]
                    self.blocks.append((number, len(hashes), now))
                    for h in hashes:
                        b = bytes.fromhex(h[2:])
                        if b in self.watched and b not in self.seen:
                            self.seen[b] = now
                self.next_block = head + 1
        except BaseException as error:  # reported by the caller
            self.error = error


def submit_batch(rpc: Rpc, chunk: list[tuple[bytes, bytes]], sent_at: dict, errors: list, lock=None) -> int | None:
    """Submits one batch of (raw, hash) pairs: notes when each accepted (or already known)
    one was sent, records other refusals, and returns the index to retry from when the
    pool is full (None when the whole batch was dealt with)."""
    now = time.monotonic()
    answers = rpc.batch([("eth_sendRawTransaction", [hexs(raw)]) for raw, _ in chunk])
    for k, ((_, tx_hash), answer) in enumerate(zip(chunk, answers)):
        message = answer["error"].get("message", "") if "error" in answer else None
        if message is None or "already known" in message:
            sent_at.setdefault(tx_hash, now)
        elif "txpool is full" in message:
            return k
        elif lock is None:
            errors.append(message)
        else:
            with lock:
                errors.append(message)
    return None


def submit_lane(url: str, lane: list[tuple[bytes, bytes]], batch: int, sent_at: dict, errors: list, lock) -> None:
    """Submits one connection's share in batches, in order; retries while the pool is full."""
    rpc = Rpc(url)
    i = 0
    while i < len(lane):
        chunk = lane[i:i + batch]
        retry_from = submit_batch(rpc, chunk, sent_at, errors, lock)
        if retry_from is not None:
            i += retry_from
            time.sleep(0.02)
        else:
            i += len(chunk)


def run_tx_load(url: str, workload: str, count: int, senders_n: int, connections: int, batch: int,
                timeout: float, signer: Signer) -> dict:
    rpc = Rpc(url)
    chain_id = int(rpc.call("eth_chainId"), 16)
    funders = dev_keys()
    senders = make_senders(senders_n, f"{workload}/{int(time.time())}")
    per_sender = -(-count // senders_n)
    setup_started = time.monotonic()
    token = None
    if workload == "erc20":
        token = deploy_token(rpc, signer, chain_id, funders[1], 10**30)
        fund_senders(rpc, signer, chain_id, funders, senders, ETHER, token=token, tokens=per_sender * 10)
    else:
        fund_senders(rpc, signer, chain_id, funders, senders, ETHER)
    setup_seconds = time.monotonic() - setup_started

    sender_addresses = [address_of(k) for k in senders]
    # Pre-sign, round-robin over senders; sender i's transactions go out on connection i % connections.
    signing_started = time.monotonic()
    lanes: list[list[tuple[bytes, bytes]]] = [[] for _ in range(connections)]
    nonces = [0] * senders_n
    gas = 21_000 if workload == "transfers" else 60_000
    for k in range(count):
        i = k % senders_n
        recipient = sender_addresses[(i + 1) % senders_n]
        if workload == "transfers":
            raw, tx_hash = signer.sign_1559(senders[i], chain_id=chain_id, nonce=nonces[i], to=recipient, value=1,
                                            gas=gas, max_fee=MAX_FEE, tip=TIP)
        else:
            data = encode_call("transfer(address,uint256)", ["address", "uint256"], [recipient, 1])
            raw, tx_hash = signer.sign_1559(senders[i], chain_id=chain_id, nonce=nonces[i], to=token, value=0,
                                            gas=gas, max_fee=MAX_FEE, tip=TIP, data=data)
        nonces[i] += 1
        lanes[i % connections].append((raw, tx_hash))
    signing_seconds = time.monotonic() - signing_started
    watched = {h for lane in lanes for _, h in lane}

    start_block = int(rpc.call("eth_blockNumber"), 16)
    watcher = BlockWatcher(url, watched, start_block)
    watcher.start()
    sent_at: dict[bytes, float] = {}
    errors: list[str] = []
    lock = threading.Lock()
    first_submit = time.monotonic()
    threads = [threading.Thread(target=submit_lane, args=(url, lane, batch, sent_at, errors, lock)) for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    last_ack = time.monotonic()
    watcher.join(timeout)
    watcher.stop.set()
    if watcher.error:
        raise watcher.error
    mined = {h: t for h, t in watcher.seen.items() if h in sent_at}
    last_mined = max(mined.values()) if mined else float("nan")
    latencies = sorted((mined[h] - sent_at[h]) * 1000 for h in mined)

    # Every receipt, block by block.
    failed = 0
    numbers = [n for n, txs, _ in watcher.blocks if txs]
    for i in range(0, len(numbers), 50):
        answers = rpc.batch([("eth_getBlockReceipts", [hex(n)]) for n in numbers[i:i + 50]])
        for answer in answers:
            for receipt in answer.get("result") or []:
                if bytes.fromhex(receipt["transactionHash"][2:]) in watched and receipt["status"] != "0x1":
                    failed += 1
    per_block = [txs for _, txs, _ in watcher.blocks if txs]
    return {
        "workload": workload, "target": "cloister", "count": count, "senders": senders_n,
        "connections": connections, "batch": batch, "signer": signer.backend,
        "submitted": len(sent_at), "rejected": len(errors), "rejections": sorted(set(errors))[:3],
        "mined": len(mined), "failed": failed,
        "submit_tx_per_s": round(len(sent_at) / (last_ack - first_submit), 1),
        "mined_tx_per_s": round(len(mined) / (last_mined - first_submit), 1) if mined else 0,
        "latency_p50_ms": round(percentile(latencies, 50), 1), "latency_p99_ms": round(percentile(latencies, 99), 1),
        "blocks": len(per_block), "max_txs_per_block": max(per_block, default=0),
        "setup_s": round(setup_seconds, 1), "signing_s": round(signing_seconds, 1),
    }


def run_tx_load_eth_tester(workload: str, count: int, signer: Signer) -> dict:
    """The same workload against py-evm's eth-tester behind web3.py (it mines a block per transaction)."""
    from eth_tester import EthereumTester, PyEVMBackend
    from web3 import EthereumTesterProvider, Web3

    backend = PyEVMBackend()
    w3 = Web3(EthereumTesterProvider(EthereumTester(backend)))
    chain_id = w3.eth.chain_id
    keys = [k.to_bytes() for k in backend.account_keys]
    addresses = [address_of(k) for k in keys]
    token = None
    if workload == "erc20":
        from eth_abi import encode

        compiled = compile_token()
        data = compiled["bytecode"] + encode(["string", "string", "uint256"], ["Load Token", "LOAD", 10**30])
        raw, tx_hash = signer.sign_1559(keys[0], chain_id=chain_id, nonce=w3.eth.get_transaction_count(addresses[0]),
                                        to=b"", value=0, gas=3_000_000, max_fee=MAX_FEE, tip=TIP, data=data)
        w3.eth.send_raw_transaction(raw)
        token = bytes.fromhex(w3.eth.get_transaction_receipt(tx_hash)["contractAddress"][2:])
    nonces = {a: w3.eth.get_transaction_count(to_checksum_address(a)) for a in addresses}
    raws = []
    for k in range(count):
        # Token transfers all come from the holder; ether transfers round-robin over the accounts.
        i = 0 if workload == "erc20" else k % len(keys)
        recipient = addresses[1 + k % (len(keys) - 1)] if workload == "erc20" else addresses[(i + 1) % len(keys)]
        if workload == "transfers":
            raw, tx_hash = signer.sign_1559(keys[i], chain_id=chain_id, nonce=nonces[addresses[i]], to=recipient,
                                            value=1, gas=21_000, max_fee=MAX_FEE, tip=TIP)
        else:
            data = encode_call("transfer(address,uint256)", ["address", "uint256"], [recipient, 1])
            raw, tx_hash = signer.sign_1559(keys[i], chain_id=chain_id, nonce=nonces[addresses[i]], to=token,
                                            value=0, gas=60_000, max_fee=MAX_FEE, tip=TIP, data=data)
        nonces[addresses[i]] += 1
        raws.append((raw, tx_hash))
    started = time.monotonic()
    latencies = []
    for raw, _ in raws:
        t = time.monotonic()
        w3.eth.send_raw_transaction(raw)  # mined on the spot
        latencies.append((time.monotonic() - t) * 1000)
    elapsed = time.monotonic() - started
    failed = sum(1 for _, h in raws if w3.eth.get_transaction_receipt(h)["status"] != 1)
    latencies.sort()
    return {
        "workload": workload, "target": "eth-tester (py-evm, via web3.py)", "count": count,
        "mined": count - failed, "failed": failed, "mined_tx_per_s": round(count / elapsed, 1),
        "latency_p50_ms": round(percentile(latencies, 50), 1), "latency_p99_ms": round(percentile(latencies, 99), 1),
    }


# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running node's HTTP endpoint (default: start cloister dev)")
    parser.add_argument("--cloister", help="the cloister binary to start (default: $CLOISTER_BIN, .build/release, .build/debug)")
    parser.add_argument("--node-args", default="", help="more flags for the started node, e.g. \"--metrics --metrics-port 0\"")
    sub = parser.add_subparsers(dest="workload", required=True)
    for name in ("blocknumber", "balanceof"):
        p = sub.add_parser(name, help=f"eth_{'blockNumber' if name == 'blocknumber' else 'call of ERC-20 balanceOf'} for a while")
        p.add_argument("--seconds", type=float, default=10)
        p.add_argument("--connections", type=int, default=64)
        p.add_argument("--processes", type=int, default=os.cpu_count() or 1)
        p.add_argument("--pipeline", type=int, default=1, help="requests in flight per connection (HTTP pipelining)")
        p.add_argument("--warmup", type=float, default=1.0)
        p.add_argument("--wrk", action="store_true", help="also run wrk (when installed) with the same body and connections")
    for name, default in (("transfers", 20_000), ("erc20", 10_000)):
        p = sub.add_parser(name, help="pre-signed transactions from many accounts, submitted as fast as possible")
        p.add_argument("--count", type=int, default=default)
        p.add_argument("--senders", type=int, default=200)
        p.add_argument("--connections", type=int, default=4)
        p.add_argument("--batch", type=int, default=200, help="eth_sendRawTransaction calls per JSON-RPC batch")
        p.add_argument("--timeout", type=float, default=600, help="seconds to wait for every transaction to be mined")
        p.add_argument("--peer", choices=["eth-tester"], help="also run the workload against this peer")
        p.add_argument("--peer-count", type=int, default=500, help="transactions for the (slow) peer")
    args = parser.parse_args(argv)

    node = None
    url = args.url
    if url is None:
        binary = find_binary(args.cloister)
        note(f"starting {binary} dev")
        node = SpawnedNode(binary, args.node_args.split())
        url = node.url
    try:
        rpc = Rpc(url)
        context = {"client": rpc.call("web3_clientVersion"), "cpus": os.cpu_count()}
        if node:
            context["binary"] = str(node.binary)
            context["node_args"] = args.node_args
        if args.workload in ("blocknumber", "balanceof"):
            if args.workload == "blocknumber":
                body = b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}'
            else:
                signer = Signer()
                keys = dev_keys()
                token = deploy_token(rpc, signer, int(rpc.call("eth_chainId"), 16), keys[1], 10**24)
                holder = address_of(keys[1])
                data = encode_call("balanceOf(address)", ["address"], [holder])
                body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_call",
                                   "params": [{"to": hexs(token), "data": hexs(data)}, "latest"]}).encode()
                assert int(rpc.call("eth_call", [{"to": hexs(token), "data": hexs(data)}, "latest"]), 16) == 10**24
            result = run_read_load(url, args.workload, body, args.seconds, args.connections, args.processes,
                                   args.pipeline, args.warmup)
            emit({**result, **context})
            emit(wrk_run(url, body, args.seconds, args.connections, args.wrk))
        else:
            signer = Signer()
            note(f"signing with {signer.backend}")
            result = run_tx_load(url, args.workload, args.count, args.senders, args.connections, args.batch,
                                 args.timeout, signer)
            emit({**result, **context})
            if args.peer == "eth-tester":
                note(f"running {args.peer_count} transactions on eth-tester")
                emit(run_tx_load_eth_tester(args.workload, args.peer_count, signer))
    finally:
        if node:
            node.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
