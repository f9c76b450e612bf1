#!/usr/bin/env python3
"""Observer full sync over the network, next to `cloister import` of the same blocks.

    tools/bench/sync.py --bin CLOISTER --chainbench CHAINBENCHMARKS [--blocks 10000] [--txs 20]

1. ChainBenchmarks seals BLOCKS blocks by 4 authorities in turn, TXS transfers each;
2. `cloister export`, then `cloister init` + `cloister import` into a fresh data dir (timed);
3. a node serves the sealed data dir over RLPx; a fresh observer with it as its only
   static peer syncs from genesis; timed from the observer's start to its head reaching
   the last block (polled over JSON-RPC every 0.2 s).

Both runs read the same blocks and execute every transaction; prints one JSON line each.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "devnet"))
import devnet  # noqa: E402


def rpc(port: int, method: str, params: list | None = None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)["result"]


def block_number(port: int) -> int:
    try:
        return int(rpc(port, "eth_blockNumber"), 16)
    except OSError:
        return -1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", required=True)
    p.add_argument("--chainbench", required=True)
    p.add_argument("--blocks", type=int, default=10_000)
    p.add_argument("--txs", type=int, default=20)
    p.add_argument("--timeout", type=float, default=1800)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cloister-sync-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        gen = subprocess.run([args.chainbench, "generate", "transfer", str(args.blocks), str(work), "4", str(args.txs)],
                             check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        generated = json.loads(gen)
        print(json.dumps({"mode": "sync-generate"} | generated), flush=True)

        subprocess.run([args.bin, "export", "--datadir", str(work / "data"), str(work / "chain.rlp")], check=True, capture_output=True)
        subprocess.run([args.bin, "init", "--datadir", str(work / "import"), str(work / "genesis.json")], check=True, capture_output=True)
        t0 = time.monotonic()
        out = subprocess.run([args.bin, "import", "--datadir", str(work / "import"), str(work / "chain.rlp")],
                             check=True, capture_output=True, text=True).stdout
        import_seconds = time.monotonic() - t0
        summary = next((l for l in reversed(out.splitlines()) if l.startswith("Imported ") and " in " in l), "")
        print(json.dumps({"mode": "sync-import", "blocks": args.blocks, "seconds": import_seconds,
                          "blocks_per_s": args.blocks / import_seconds, "mgas_per_s": generated["gas"] / import_seconds / 1e6,
                          "summary": summary}), flush=True)

        base_p2p = 33000 + os.getpid() % 1000
        base_rpc = 20000 + os.getpid() % 1000
        server_key = work / "server.key"
        server_key.write_text(secrets.token_hex(32))
        _, server_id = devnet.key_info(args.bin, server_key)
        server = subprocess.Popen([args.bin, "node", "--datadir", str(work / "data"), "--role", "observer", "--nodekey", str(server_key),
                                   "--port", str(base_p2p), "--http-port", str(base_rpc)],
                                  stdout=open(work / "server.log", "w"), stderr=subprocess.STDOUT)
        procs.append(server)
        deadline = time.monotonic() + 60
        while block_number(base_rpc) < args.blocks:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the serving node did not come up; see {work / 'server.log'}")
            time.sleep(0.2)

        subprocess.run([args.bin, "init", "--datadir", str(work / "sync"), str(work / "genesis.json")], check=True, capture_output=True)
        t0 = time.monotonic()
        observer = subprocess.Popen([args.bin, "node", "--datadir", str(work / "sync"), "--role", "observer",
                                     "--port", str(base_p2p + 1), "--http-port", str(base_rpc + 1),
                                     "--peers", f"enode://{server_id}@127.0.0.1:{base_p2p}"],
                                    stdout=open(work / "observer.log", "w"), stderr=subprocess.STDOUT)
        procs.append(observer)
        while block_number(base_rpc + 1) < args.blocks:
            if time.monotonic() - t0 > args.timeout or observer.poll() is not None:
                raise SystemExit(f"the observer did not sync within {args.timeout:.0f} s; see {work / 'observer.log'}")
            time.sleep(0.2)
        sync_seconds = time.monotonic() - t0
        same = rpc(base_rpc + 1, "eth_getBlockByNumber", [hex(args.blocks), False])["hash"] == \
            rpc(base_rpc, "eth_getBlockByNumber", [hex(args.blocks), False])["hash"]
        if not same:
            raise SystemExit("the observer synced a different chain")
        rss = 0
        status = Path(f"/proc/{observer.pid}/status")
        if status.exists():
            m = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            rss = int(m.group(1)) * 1024 if m else 0
        print(json.dumps({"mode": "sync-network", "blocks": args.blocks, "transactions": generated["transactions"],
                          "seconds": sync_seconds, "blocks_per_s": args.blocks / sync_seconds,
                          "mgas_per_s": generated["gas"] / sync_seconds / 1e6, "vs_import": sync_seconds / import_seconds,
                          "observer_peak_rss": rss}), flush=True)
        return 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if os.environ.get("KEEP_BENCH_DIR") is None:
            subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    sys.exit(main())
