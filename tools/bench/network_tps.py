#!/usr/bin/env python3
"""Transactions per second mined by a 4-authority consortium on this machine.

    tools/bench/network_tps.py --bin CLOISTER [--count 30000] [--senders 500] [--gas-limit 30000000]

A devnet (tools/devnet: 4 authorities + 1 observer, period 1, every node a separate
`cloister node` process on loopback) whose genesis funds SENDERS accounts. COUNT
transfers are pre-signed, then submitted in JSON-RPC batches of 500 through authority
0's `eth_sendRawTransaction` only, keeping at most BACKLOG submitted and not yet mined: the other authorities see them by gossip and seal them
in their turns. Mined tx/s runs from the first submission to the block that holds the
last transaction (watched on authority 0); at the end every node must be on one head.
Prints one JSON line. Run with the e2e venv's python (eth_utils, txsign's ctypes signer).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from argparse import Namespace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "devnet"))
sys.path.insert(0, str(ROOT / "tools" / "load"))
import devnet  # noqa: E402
from rpc_load import BlockWatcher, Rpc, address_of, hexs, make_senders, submit_batch  # noqa: E402
from txsign import Signer  # noqa: E402

MAX_FEE = 100 * 10**9
TIP = 10**9


def _round_robin(lanes):
    """The lanes' transactions interleaved (sender i's nonces stay in order)."""
    longest = max((len(lane) for lane in lanes), default=0)
    for k in range(longest):
        for lane in lanes:
            if k < len(lane):
                yield lane[k]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", required=True)
    p.add_argument("--count", type=int, default=30_000)
    p.add_argument("--senders", type=int, default=500)
    p.add_argument("--connections", type=int, default=4, help="lanes the transactions are dealt into (nonce order kept per sender)")
    p.add_argument("--backlog", type=int, default=6000, help="most transactions submitted and not yet mined")
    p.add_argument("--gas-limit", type=int, default=30_000_000)
    p.add_argument("--timeout", type=float, default=180)
    a = p.parse_args()

    signer = Signer()
    senders = make_senders(a.senders, f"network-tps/{os.getpid()}")
    addresses = [address_of(k) for k in senders]
    base = Path(tempfile.mkdtemp(prefix="cloister-tps-"))
    args = Namespace(authorities=4, observers=1, dir=base, period=1, chain_id=7331, bin=a.bin, prepare_only=True,
                     p2p_port=34000 + os.getpid() % 500 * 10, rpc_port=21000 + os.getpid() % 500 * 10,
                     funded=[hexs(x) for x in addresses], gas_limit=a.gas_limit)
    _, nodes = devnet.prepare(args)
    procs = []
    try:
        procs = [devnet.start(a.bin, n) for n in nodes]
        urls = [f"http://127.0.0.1:{n['rpc']}" for n in nodes]
        entry = Rpc(urls[0])
        deadline = time.monotonic() + 60
        while True:  # every node up and on block ≥ 2, so the network is formed
            try:
                if all(int(Rpc(u).call("eth_blockNumber"), 16) >= 2 for u in urls):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the devnet did not start; logs in {base}")
            time.sleep(0.5)

        lanes: list[list[tuple[bytes, bytes]]] = [[] for _ in range(a.connections)]
        nonces = [0] * a.senders
        for k in range(a.count):
            i = k % a.senders
            raw, tx_hash = signer.sign_1559(senders[i], chain_id=7331, nonce=nonces[i], to=addresses[(i + 1) % a.senders],
                                            value=1, gas=21_000, max_fee=MAX_FEE, tip=TIP)
            nonces[i] += 1
            lanes[i % a.connections].append((raw, tx_hash))
        watched = {h for lane in lanes for _, h in lane}

        start_block = int(entry.call("eth_blockNumber"), 16)
        watcher = BlockWatcher(urls[0], watched, start_block)
        watcher.start()
        sent_at: dict[bytes, float] = {}
        errors: list[str] = []
        ordered = list(_round_robin(lanes))
        first = time.monotonic()
        # Fixed backlog (as Hyperledger Caliper's rate controller does): at most BACKLOG
        # transactions submitted and not yet mined, so the load follows what the network
        # mines rather than overflowing every pool (a pool-capacity test, not a throughput one).
        nxt = 0
        while nxt < len(ordered) and time.monotonic() - first < a.timeout:
            if len(sent_at) - len(watcher.seen) >= a.backlog:
                time.sleep(0.02)
                continue
            chunk = ordered[nxt:nxt + 500]
            retry_from = submit_batch(entry, chunk, sent_at, errors)
            if retry_from is not None:
                nxt += retry_from
                time.sleep(0.05)
            else:
                nxt += len(chunk)
        submitted_at = time.monotonic()
        watcher.join(max(1.0, first + a.timeout - time.monotonic()))
        watcher.stop.set()
        if watcher.error:
            raise watcher.error
        # The watcher reads each height once, so a transaction a reorg moved to another block
        # may escape it: count what is mined from receipts at the end, and time the run to when
        # the watcher first saw the height of the last one.
        receipts = {}
        hashes_sent = list(sent_at)
        for i in range(0, len(hashes_sent), 500):
            answers = entry.batch([("eth_getTransactionReceipt", [hexs(h)]) for h in hashes_sent[i:i + 500]])
            for h, ans in zip(hashes_sent[i:i + 500], answers):
                if ans.get("result"):
                    receipts[h] = int(ans["result"]["blockNumber"], 16)
        seen_at = {}
        for number, _, at in watcher.blocks:
            seen_at.setdefault(number, at)
        mined = {h: seen_at.get(n, watcher.seen.get(h, time.monotonic())) for h, n in receipts.items()}
        last = max(mined.values()) if mined else float("nan")
        per_block = [txs for _, txs, _ in watcher.blocks if txs]

        if len(mined) < a.count:  # say where the rest are
            for u, n in zip(urls, nodes):
                try:
                    print(f"{n['name']}: txpool {Rpc(u).call('txpool_status')}", file=sys.stderr)
                except Exception as error:  # noqa: BLE001 — diagnostics only
                    print(f"{n['name']}: txpool_status failed: {error}", file=sys.stderr)
            behind = {}
            for i in range(0, a.senders, 100):
                answers = entry.batch([("eth_getTransactionCount", [hexs(x), "latest"]) for x in addresses[i:i + 100]])
                for x, ans in zip(addresses[i:i + 100], answers):
                    if int(ans["result"], 16) < nonces[addresses.index(x)]:
                        behind[hexs(x)] = int(ans["result"], 16)
            print(f"{len(behind)} senders short of their last nonce; e.g. {list(behind.items())[:5]}", file=sys.stderr)
            if os.environ.get("TPS_KEEP"):
                print(f"kept running for inspection: {urls}", file=sys.stderr)
                time.sleep(float(os.environ["TPS_KEEP"]))
        # One head everywhere: the block at authority 0's head number, on every node.
        time.sleep(3)
        height = min(int(Rpc(u).call("eth_blockNumber"), 16) for u in urls)
        hashes = {Rpc(u).call("eth_getBlockByNumber", [hex(height), False])["hash"] for u in urls}
        print(json.dumps({
            "mode": "network-tps", "authorities": 4, "observers": 1, "period": 1, "gas_limit": a.gas_limit,
            "count": a.count, "senders": a.senders, "submitted": len(sent_at), "rejected": len(errors),
            "rejections": sorted(set(errors))[:3], "mined": len(mined),
            "seconds": last - first, "mined_per_s": len(mined) / (last - first) if mined else 0,
            "submit_per_s": len(sent_at) / (submitted_at - first),
            "blocks": len(per_block), "max_block_txs": max(per_block, default=0),
            "same_head": len(hashes) == 1, "height": height, "backlog": a.backlog, "complete": len(mined) == a.count,
        }), flush=True)
        return 0  # a benchmark reports (complete, same_head); it does not judge
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except Exception:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
