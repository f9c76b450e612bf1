#!/usr/bin/env python3
"""A local Cloister consortium: N authorities and M observers on loopback.

    tools/devnet/devnet.py [--authorities 4] [--observers 1] [--dir DIR] [--period 1]
                           [--p2p-port 30303] [--rpc-port 8545] [--bin PATH]

Generates everything under DIR (default: a fresh temporary folder): each authority's
sealing key (an encrypted keystore, password in a file), every node's node key, and one
genesis naming the authorities as Clique signers and every node on the allowlist
(config.network.allowedNodes). Starts each node with the others as static peers,
prints its JSON-RPC URL and enode, and stops them all on Ctrl-C (or SIGTERM).

The keys are generated here for a throwaway local network: never reuse them.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNDED = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # anvil account 0 (public test key)


def run(cmd: list[str]) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def key_info(binary: str, key_file: Path) -> tuple[str, str]:
    """(address, node id) of a hex key file, from `cloister key inspect`."""
    out = run([binary, "key", "inspect", "--key-file", str(key_file)])
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    address = fields["address"].strip()
    public = fields["public key"].strip().removeprefix("0x")
    if len(public) == 130 and public.startswith("04"):
        public = public[2:]
    if len(public) != 128:
        raise SystemExit(f"unexpected public key form from cloister key inspect: {public}")
    return address, public


def genesis(authorities: list[str], allowed: list[str], period: int, chain_id: int) -> dict:
    signers = "".join(a.lower().removeprefix("0x") for a in sorted(authorities, key=lambda a: int(a, 16)))
    return {
        "config": {
            "chainId": chain_id, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
            "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0,
            "berlinBlock": 0, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 0,
            "clique": {"period": period, "epoch": 30000},
            "network": {"allowedNodes": allowed},
        },
        "nonce": "0x0", "timestamp": hex(int(time.time())),
        "extraData": "0x" + "00" * 32 + signers + "00" * 65,
        "gasLimit": "0x1c9c380", "difficulty": "0x1", "baseFeePerGas": "0x3b9aca00",
        "alloc": {FUNDED: {"balance": hex(10**24)}} | {a: {"balance": hex(10**22)} for a in authorities},
    }


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--authorities", type=int, default=4)
    p.add_argument("--observers", type=int, default=1)
    p.add_argument("--dir", type=Path)
    p.add_argument("--period", type=int, default=1)
    p.add_argument("--chain-id", type=int, default=7331)
    p.add_argument("--p2p-port", type=int, default=30303)
    p.add_argument("--rpc-port", type=int, default=8545)
    p.add_argument("--bin", default=os.environ.get("CLOISTER_BIN", str(ROOT / ".build/debug/cloister")))
    p.add_argument("--prepare-only", action="store_true", help="write keys, genesis and data dirs, start nothing")
    return p


def prepare(args) -> tuple[Path, list[dict]]:
    """Writes keys, node keys, the genesis and initialised data dirs; returns (folder, nodes)."""
    if args.authorities < 1:
        raise SystemExit("at least one authority")
    base = args.dir or Path(tempfile.mkdtemp(prefix="cloister-devnet-"))
    base.mkdir(parents=True, exist_ok=True)
    total = args.authorities + args.observers
    nodes = []
    for i in range(total):
        role = "authority" if i < args.authorities else "observer"
        d = base / f"{role}{i}"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir()
        nodekey = d / "nodekey"
        nodekey.write_text(secrets.token_hex(32))
        os.chmod(nodekey, 0o600)
        _, node_id = key_info(args.bin, nodekey)
        node = {"name": d.name, "dir": d, "role": role, "id": node_id,
                "p2p": args.p2p_port + i, "rpc": args.rpc_port + i}
        if role == "authority":
            raw = d / "sealing.key"
            raw.write_text(secrets.token_hex(32))
            os.chmod(raw, 0o600)
            password = d / "password.txt"
            password.write_text(secrets.token_hex(16) + "\n")
            os.chmod(password, 0o600)
            out = run([args.bin, "account", "import", "--keystore", str(d / "keystore"), "--password", str(password), str(raw)])
            raw.unlink()
            node["address"] = next(l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("address:"))
            node["password"] = password
        node["enode"] = f"enode://{node_id}@127.0.0.1:{node['p2p']}"
        nodes.append(node)
    # Authorities past `signers` are candidates: keyed and allowed, but voted in later.
    sealers = [n["address"] for n in nodes if n["role"] == "authority"][:getattr(args, "signers", None) or args.authorities]
    g = genesis(sealers, [n["enode"] for n in nodes], args.period, args.chain_id)
    (base / "genesis.json").write_text(json.dumps(g, indent=2))
    for n in nodes:
        run([args.bin, "init", "--datadir", str(n["dir"]), str(base / "genesis.json")])
        (n["dir"] / "static-nodes.json").write_text(json.dumps([m["enode"] for m in nodes if m is not n]))
    return base, nodes


def command(binary: str, n: dict) -> list[str]:
    """The `cloister node` command line of one prepared node."""
    cmd = [binary, "node", "--datadir", str(n["dir"]), "--port", str(n["p2p"]), "--http-port", str(n["rpc"]),
           "--http-api", "eth,net,web3,txpool,clique,admin"]
    if n["role"] == "authority":
        cmd += ["--unlock", n["address"], "--password", str(n["password"]), "--keystore", str(n["dir"] / "keystore")]
    else:
        cmd += ["--role", "observer"]
    return cmd


def start(binary: str, n: dict) -> subprocess.Popen:
    log = open(n["dir"] / "node.log", "a")
    return subprocess.Popen(command(binary, n), stdout=log, stderr=subprocess.STDOUT)


def main() -> int:
    args = parser().parse_args()
    base, nodes = prepare(args)
    print(f"devnet in {base}: {args.authorities} authorities, {args.observers} observers, chain id {args.chain_id}")
    for n in nodes:
        print(f"  {n['name']:<12} rpc http://127.0.0.1:{n['rpc']}  {n['enode']}" + (f"  signer {n['address']}" if "address" in n else ""))
    if args.prepare_only:
        return 0
    procs = [start(args.bin, n) for n in nodes]
    print("logs: <node dir>/node.log — Ctrl-C stops every node")

    def stop(*_):
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        for n, proc in zip(nodes, procs):
            if proc.poll() is not None:
                print(f"{n['name']} exited with {proc.returncode}; see {n['dir'] / 'node.log'}", file=sys.stderr)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
