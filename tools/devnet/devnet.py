#!/usr/bin/env python3
"""A local Cloister consortium: N authorities and M observers on loopback.

    tools/devnet/devnet.py [--authorities 4] [--observers 1] [--dir DIR] [--period 1]
                           [--p2p-port 30303] [--rpc-port 8545] [--bin PATH] [--netns]
    tools/devnet/devnet.py --netns-cleanup

Generates everything under DIR (default: a fresh temporary folder): each authority's
sealing key (an encrypted keystore, password in a file), every node's node key, and one
genesis naming the authorities as Clique signers and every node on the allowlist
(config.network.allowedNodes). Starts each node with the others as static peers,
prints its JSON-RPC URL and enode, and stops them all on Ctrl-C (or SIGTERM).

With --netns (root, Linux) every node runs in its own network namespace instead, with
its own address in a private /24, and tests can cut links between groups of nodes
(cut(), heal()); see the "Network namespaces" section below. Everything the run
created is removed on exit, Ctrl-C or SIGTERM; --netns-cleanup removes what a run
killed with SIGKILL left behind.

The keys are generated here for a throwaway local network: never reuse them.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
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


def genesis(authorities: list[str], allowed: list[str], period: int, chain_id: int, funded: list[str] = (),
            gas_limit: int = 30_000_000, confidential: dict | None = None) -> dict:
    signers = "".join(a.lower().removeprefix("0x") for a in sorted(authorities, key=lambda a: int(a, 16)))
    config = {
        "chainId": chain_id, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
        "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0,
        "berlinBlock": 0, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 0,
        "clique": {"period": period, "epoch": 30000},
        "network": {"allowedNodes": allowed},
    }
    if confidential is not None:
        config["confidential"] = confidential
    return {
        "config": config,
        "nonce": "0x0", "timestamp": hex(int(time.time())),
        "extraData": "0x" + "00" * 32 + signers + "00" * 65,
        "gasLimit": hex(gas_limit), "difficulty": "0x1", "baseFeePerGas": "0x3b9aca00",
        "alloc": {FUNDED: {"balance": hex(10**24)}} | {a: {"balance": hex(10**22)} for a in authorities}
                 | {a: {"balance": hex(10**22)} for a in funded},
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
    p.add_argument("--metrics-port", type=int, default=6060,
                   help="first node's Prometheus metrics port (the next nodes count up); 0 for no metrics")
    p.add_argument("--bin", default=os.environ.get("CLOISTER_BIN", str(ROOT / ".build/debug/cloister")))
    p.add_argument("--prepare-only", action="store_true", help="write keys, genesis and data dirs, start nothing")
    p.add_argument("--confidential", action="store_true",
                   help="a chain with the (SIMULATED) confidential module: a simulated attestation root for the run, "
                        "a platform file per authority, and each authority started with its own enclave")
    p.add_argument("--netns", action="store_true",
                   help="run every node in its own network namespace (root, Linux): own address in a private /24, "
                        "RPC and peers on it, joined by veth pairs to a bridge in a hub namespace")
    p.add_argument("--netns-cleanup", action="store_true",
                   help="remove namespaces and interfaces left by --netns runs that no longer exist (killed with SIGKILL), then exit")
    return p


def prepare(args) -> tuple[Path, list[dict]]:
    """Writes keys, node keys, the genesis and initialised data dirs; returns (folder, nodes)."""
    if args.authorities < 1:
        raise SystemExit("at least one authority")
    base = args.dir or Path(tempfile.mkdtemp(prefix="cloister-devnet-"))
    base.mkdir(parents=True, exist_ok=True)
    total = args.authorities + args.observers
    netns = netns_plan(total) if getattr(args, "netns", False) else None
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
        node = {"name": d.name, "dir": d, "role": role, "id": node_id, "host": "127.0.0.1",
                "p2p": args.p2p_port + i, "rpc": args.rpc_port + i}
        if getattr(args, "metrics_port", 0):
            node["metrics"] = args.metrics_port + i
        if netns:  # own address, so every node can use the same ports
            node |= {"ns": netns[i][0], "host": netns[i][1], "p2p": args.p2p_port, "rpc": args.rpc_port}
            if getattr(args, "metrics_port", 0):
                node["metrics"] = args.metrics_port
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
        node["enode"] = f"enode://{node_id}@{node['host']}:{node['p2p']}"
        node["url"] = f"http://{node['host']}:{node['rpc']}"
        node["status"] = node["url"] + "/status"
        nodes.append(node)
    # Authorities past `signers` are candidates: keyed and allowed, but voted in later.
    sealers = [n["address"] for n in nodes if n["role"] == "authority"][:getattr(args, "signers", None) or args.authorities]
    confidential = simulated_attestation(args.bin, base, nodes) if getattr(args, "confidential", False) else None
    for n in nodes:
        n["confidential"] = confidential is not None
    # The allowlist holds enode URLs with each node's own address (the node compares only
    # the node ids, so the addresses are for the reader).
    g = genesis(sealers, [n["enode"] for n in nodes], args.period, args.chain_id, getattr(args, "funded", None) or [],
                getattr(args, "gas_limit", None) or 30_000_000, confidential)
    (base / "genesis.json").write_text(json.dumps(g, indent=2))
    for n in nodes:
        run([args.bin, "init", "--datadir", str(n["dir"]), str(base / "genesis.json")])
        (n["dir"] / "static-nodes.json").write_text(json.dumps([m["enode"] for m in nodes if m is not n]))
    if any("metrics" in n for n in nodes):
        (base / "prometheus.yml").write_text(prometheus_config(nodes))
    return base, nodes


def prometheus_config(nodes: list[dict]) -> str:
    """A Prometheus configuration scraping every node (docs/prometheus.yml's layout)."""
    lines = ["# Written by tools/devnet/devnet.py: prometheus --config.file=prometheus.yml",
             "global:", "  scrape_interval: 5s", "scrape_configs:", "  - job_name: cloister",
             "    metrics_path: /metrics", "    static_configs:"]
    for n in nodes:
        if "metrics" in n:
            lines += [f"      - targets: [\"{n['host']}:{n['metrics']}\"]",
                      f"        labels: {{node: {n['name']}, role: {n['role']}}}"]
    return "\n".join(lines) + "\n"


def simulated_attestation(binary: str, base: Path, nodes: list[dict]) -> dict:
    """A simulated root for the run (its key stays in BASE/attest-root, never in a data dir),
    one platform file per authority, and the simulated policy trusting them and the enclave
    built beside `binary`: the genesis `config.confidential`."""
    root = base / "attest-root"
    if root.exists():
        shutil.rmtree(root)
    anchor = run([binary, "attest", "root", "--out", str(root)]).strip().splitlines()[-1].split()[-1]
    for n in nodes:
        if n["role"] == "authority":
            n["platform"] = n["dir"] / "platform.json"
            run([binary, "attest", "platform", "--root", str(root), "--out", str(n["platform"])])
    measurement = run([binary, "enclave", "measure"]).strip().splitlines()[-1].split()[-1]
    return {
        "platforms": ["simulated-sgx"], "insecureSimulation": True, "trustAnchors": {"simulated-sgx": anchor},
        "measurements": [measurement], "minIsvSvn": 1, "minCpuSvn": "0x" + "00" * 16, "minPceSvn": 1, "minQeSvn": 1,
        "allowDebug": False, "freshnessBlocks": 64, "epochLength": 1000, "enclaveQuorum": 1,
    }


def command(binary: str, n: dict) -> list[str]:
    """The `cloister node` command line of one prepared node."""
    # Every node of a confidential chain serves conf_* (observers too: sections, results, proofs).
    apis = "eth,net,web3,txpool,clique,admin" + (",conf" if n.get("confidential") or n.get("platform") else "")
    cmd = [binary, "node", "--datadir", str(n["dir"]), "--port", str(n["p2p"]), "--http-port", str(n["rpc"]),
           "--http-api", apis]
    if n.get("ns"):  # peers, RPC and the enode on the namespace's own address
        cmd += ["--p2p-addr", n["host"], "--http-addr", n["host"], "--nat-host", n["host"]]
    if n["role"] == "authority":
        cmd += ["--unlock", n["address"], "--password", str(n["password"]), "--keystore", str(n["dir"] / "keystore")]
        if n.get("platform"):
            cmd += ["--enclave-platform", str(n["platform"])]
    else:
        cmd += ["--role", "observer"]
    if n.get("metrics"):
        cmd += ["--metrics", "--metrics-addr", n["host"], "--metrics-port", str(n["metrics"])]
    if n.get("verbosity"):
        cmd += ["--verbosity", n["verbosity"]]
    return cmd


def start(binary: str, n: dict) -> subprocess.Popen:
    if n.get("ns"):
        return netns_start(binary, n)
    log = open(n["dir"] / "node.log", "a")
    return subprocess.Popen(command(binary, n), stdout=log, stderr=subprocess.STDOUT)

# --- Network namespaces (--netns) ---------------------------------------------------
#
# Layout of a run whose process id is P (every name is unique to the run):
#
#   root namespace   cloPh   10.213.X.1/24      the host's end: reaches every node's RPC
#                      | veth
#   cloPhub          up0 --- bridge br0 --- v0 v1 ... v<N-1>
#                                           | veth (one pair a node)
#   cloPn<i>         eth0    10.213.X.(10+i)/24, lo up: node i listens (peers, RPC) there
#
# The bridge lives in its own hub namespace rather than in the root one, so the host's
# firewall (a FORWARD policy DROP, as Docker sets, with br_netfilter loaded) never sees
# the traffic between nodes, and all the run leaves in the root namespace is one veth
# end. X starts from P and skips any 10.213.X.0/24 already on the host.
#
# cut(A, B) adds `prohibit` routes in every namespace of group A to each address of
# group B, and back. From then on nothing passes between the groups: established TCP
# connections included (their segments can no longer be routed, so they hang until the
# nodes' own timeouts close them), and new dials fail at once. The host's address is
# never cut, so every node's RPC stays reachable. heal() deletes those routes.
#
# netns_teardown() kills the processes netns_start() started (and anything else still in
# the run's namespaces), deletes the host's veth end, then every namespace (which takes
# the bridge and the other veths with it). It runs at exit, on SIGTERM and SIGHUP (when
# no handler was set) and after Ctrl-C; `--netns-cleanup` removes the leftovers of runs
# killed with SIGKILL.

NETNS_SUBNET = "10.213"


class NetnsError(RuntimeError):
    pass


_netns: dict = {"tag": None, "prefix": None, "host_if": None, "namespaces": [], "procs": [], "routes": set(),
                "cleanup_installed": False}
_netns_lock = threading.RLock()


def _ip(*argv: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run(["ip", *argv], input=input, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise NetnsError(f"ip {' '.join(argv)}: {(r.stderr or r.stdout).strip() or f'exit status {r.returncode}'}")
    return r


def netns_available() -> str | None:
    """None when this process may create network namespaces, veth pairs and a bridge, and run
    a command in a namespace; otherwise why not (e.g. not root, no iproute2, a container
    without CAP_SYS_ADMIN). Creates and deletes one probe namespace."""
    if not sys.platform.startswith("linux"):
        return f"not Linux ({sys.platform})"
    if not shutil.which("ip"):
        return "the ip command (iproute2) is not installed"
    name = f"clo{os.getpid()}probe"
    try:
        r = _ip("netns", "add", name, check=False)
        if r.returncode != 0:
            return f"ip netns add: {(r.stderr or r.stdout).strip() or f'exit status {r.returncode}'}"
        try:
            for argv in (["-n", name, "link", "set", "lo", "up"], ["-n", name, "link", "add", "br0", "type", "bridge"],
                         ["-n", name, "link", "add", "v0", "type", "veth", "peer", "name", "v1"],
                         ["netns", "exec", name, "true"]):
                r = _ip(*argv, check=False)
                if r.returncode != 0:
                    return f"ip {' '.join(argv)}: {(r.stderr or r.stdout).strip() or f'exit status {r.returncode}'}"
        finally:
            _ip("netns", "del", name, check=False)
    except OSError as e:
        return f"running ip: {e}"
    return None


def _free_subnet() -> int:
    """A third octet X such that 10.213.X.0/24 is on no interface or route of the host."""
    seen = _ip("-4", "-o", "addr", "show", check=False).stdout + _ip("-4", "route", "show", "table", "all", check=False).stdout
    used = {int(m.group(1)) for m in re.finditer(r"\b" + re.escape(NETNS_SUBNET) + r"\.(\d+)\.", seen)}
    first = os.getpid() % 254
    for k in range(254):
        x = (first + k) % 254 + 1
        if x not in used:
            return x
    raise NetnsError(f"every {NETNS_SUBNET}.X.0/24 is in use on this host")


def netns_plan(count: int) -> list[tuple[str, str]]:
    """(namespace, address) of each of `count` nodes for this run; prepare() calls it with netns set."""
    if count > 240:
        raise SystemExit("--netns: at most 240 nodes")
    with _netns_lock:
        if _netns["namespaces"]:
            raise NetnsError("a --netns devnet is already set up in this process: netns_teardown() it first")
        _netns["tag"] = f"clo{os.getpid()}"
        _netns["prefix"] = f"{NETNS_SUBNET}.{_free_subnet()}"
        return [(f"{_netns['tag']}n{i}", f"{_netns['prefix']}.{10 + i}") for i in range(count)]


def netns_host_address() -> str | None:
    """The host's address on the devnet's subnet (None before netns_setup)."""
    return f"{_netns['prefix']}.1" if _netns["host_if"] else None


def _install_cleanup() -> None:
    if _netns["cleanup_installed"]:
        return
    _netns["cleanup_installed"] = True
    atexit.register(netns_teardown)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) in (signal.SIG_DFL, None):
                signal.signal(sig, lambda signum, _: sys.exit(128 + signum))  # unwinds: finally blocks, atexit


def netns_setup(nodes: list[dict]) -> None:
    """Creates the hub (bridge), the host's veth and one namespace a node, each with its
    address (nodes from prepare() with netns set). Undoes what it did on failure; Ctrl-C
    and SIGTERM wait until it is done (then teardown runs)."""
    with _netns_lock, _signals_held():
        tag, prefix = _netns["tag"], _netns["prefix"]
        if tag is None or any(not n.get("ns") for n in nodes):
            raise NetnsError("netns_setup: prepare the nodes with netns=True first")
        if _netns["namespaces"]:
            raise NetnsError("netns_setup: already set up")
        _install_cleanup()
        hub, host_if = f"{tag}hub", f"{tag}h"

        def namespace(name: str) -> None:
            _ip("netns", "add", name)
            _netns["namespaces"].append(name)
            _ip("-n", name, "link", "set", "lo", "up")
        try:
            namespace(hub)
            _ip("-n", hub, "link", "add", "br0", "type", "bridge")
            _ip("-n", hub, "link", "set", "br0", "up")
            _ip("link", "add", host_if, "type", "veth", "peer", "name", "up0", "netns", hub)
            _netns["host_if"] = host_if
            _ip("-n", hub, "link", "set", "up0", "master", "br0", "up")
            _ip("addr", "add", f"{prefix}.1/24", "dev", host_if)
            _ip("link", "set", host_if, "up")
            for i, n in enumerate(nodes):
                namespace(n["ns"])
                _ip("-n", hub, "link", "add", f"v{i}", "type", "veth", "peer", "name", "eth0", "netns", n["ns"])
                _ip("-n", hub, "link", "set", f"v{i}", "master", "br0", "up")
                _ip("-n", n["ns"], "addr", "add", f"{n['host']}/24", "dev", "eth0")
                _ip("-n", n["ns"], "link", "set", "eth0", "up")
        except BaseException:
            netns_teardown()
            raise


def netns_start(binary: str, n: dict) -> subprocess.Popen:
    """Starts node `n` inside its namespace (`ip netns exec NS cloister node ...`, which
    execs: the process is the node itself); netns_teardown() kills it."""
    with _netns_lock:
        if n.get("ns") not in _netns["namespaces"]:
            raise NetnsError(f"{n['name']}: its namespace is not set up (netns_setup first)")
        with open(n["dir"] / "node.log", "a") as log:
            proc = subprocess.Popen(["ip", "netns", "exec", n["ns"], *command(binary, n)], stdout=log, stderr=subprocess.STDOUT)
        _netns["procs"].append(proc)
        return proc


def _route_batches(verb: str, todo: dict[str, list[str]]) -> None:
    """`ip route VERB prohibit ADDRESS/32` for each namespace's addresses, one `ip -batch` a
    namespace, all at once (a cut lands within milliseconds on every node, even on a busy host)."""
    runs = [(ns, subprocess.Popen(["ip", "-force", "-n", ns, "-batch", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)) for ns in todo]
    failures = []
    for ns, proc in runs:
        out, _ = proc.communicate("".join(f"route {verb} prohibit {a}/32\n" for a in todo[ns]), timeout=30)
        errors = [line for line in out.splitlines() if line.strip() and not (verb == "del" and "No such process" in line)]
        if proc.returncode != 0 and (errors or verb != "del"):
            failures.append(f"ip -n {ns} route {verb} prohibit: {' '.join(errors) or out.strip()}")
    if failures:
        raise NetnsError("; ".join(failures))


def cut(a_nodes: list[dict], b_nodes: list[dict]) -> None:
    """Cuts every link between the nodes of group a and those of group b, both ways, the
    established connections included; the host keeps reaching every node."""
    with _netns_lock:
        if {n["ns"] for n in a_nodes} & {n["ns"] for n in b_nodes}:
            raise NetnsError("cut: a node is in both groups")
        todo: dict[str, list[str]] = {}
        for group, other in ((a_nodes, b_nodes), (b_nodes, a_nodes)):
            for n in group:
                for m in other:
                    if (n["ns"], m["host"]) not in _netns["routes"]:
                        todo.setdefault(n["ns"], []).append(m["host"])
        for ns, addresses in todo.items():  # recorded first: heal() skips a route that is not there
            _netns["routes"].update((ns, a) for a in addresses)
        _route_batches("add", todo)


def heal() -> None:
    """Restores every link cut() cut."""
    with _netns_lock:
        todo: dict[str, list[str]] = {}
        for ns, address in sorted(_netns["routes"]):
            todo.setdefault(ns, []).append(address)
        _netns["routes"] = set()
        _route_batches("del", todo)


def _namespace_pids(ns: str) -> list[int]:
    return [int(p) for p in _ip("netns", "pids", ns, check=False).stdout.split() if p.isdigit()]


@contextlib.contextmanager
def _signals_held():
    """Holds SIGINT, SIGTERM and SIGHUP back (in the main thread) until the block is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def netns_teardown() -> None:
    """Kills the nodes started in the run's namespaces, then removes every namespace and
    interface the run created. Idempotent; Ctrl-C and SIGTERM wait until it is done."""
    with _netns_lock, _signals_held():
        procs = [p for p in _netns["procs"] if p.poll() is None]
        for p in procs:
            p.terminate()
        deadline = time.time() + 5
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
        for ns in _netns["namespaces"]:  # anything else left in a namespace of ours
            for pid in _namespace_pids(ns):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if _netns["host_if"]:
            _ip("link", "del", _netns["host_if"], check=False)
        for ns in reversed(_netns["namespaces"]):
            _ip("netns", "del", ns, check=False)
        _netns.update(host_if=None, namespaces=[], procs=[], routes=set())


def netns_cleanup_stale() -> list[str]:
    """Removes the namespaces and host interfaces of --netns runs whose process is gone."""
    def gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    removed = []
    for line in _ip("-o", "link", "show", check=False).stdout.splitlines():
        m = re.match(r"\d+: (clo(\d+)h)[@:]", line)
        if m and gone(int(m.group(2))):
            _ip("link", "del", m.group(1), check=False)
            removed.append(m.group(1))
    for line in _ip("netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(r"clo(\d+)(hub|probe|n\d+)", name)
        if m and gone(int(m.group(1))):
            for pid in _namespace_pids(name):  # orphaned nodes of the dead run
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            _ip("netns", "del", name, check=False)
            removed.append(name)
    return removed


def main() -> int:
    args = parser().parse_args()
    if args.netns_cleanup:
        removed = netns_cleanup_stale()
        print("removed: " + (", ".join(removed) if removed else "nothing"))
        return 0
    if args.netns and not args.prepare_only:
        reason = netns_available()
        if reason:
            raise SystemExit(f"--netns: network namespaces refused here: {reason}")
    base, nodes = prepare(args)
    print(f"devnet in {base}: {args.authorities} authorities, {args.observers} observers, chain id {args.chain_id}")
    for n in nodes:
        print(f"  {n['name']:<12} rpc {n['url']}  {n['enode']}" + (f"  signer {n['address']}" if "address" in n else ""))
        print(f"  {'':<12} status page {n['status']}"
              + (f"  metrics http://{n['host']}:{n['metrics']}/metrics" if "metrics" in n else ""))
    if (base / "prometheus.yml").exists():
        print(f"Prometheus: prometheus --config.file={base / 'prometheus.yml'}")
    if args.prepare_only:
        return 0
    procs: list[subprocess.Popen] = []

    def stop(*_):
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        netns_teardown()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        if args.netns:
            netns_setup(nodes)
            tag = _netns["tag"]
            print(f"network namespaces {tag}n0..{tag}n{len(nodes) - 1}, bridge br0 in {tag}hub, "
                  f"host {netns_host_address()}/24 on {_netns['host_if']}")
        procs += [start(args.bin, n) for n in nodes]
        print("logs: <node dir>/node.log — Ctrl-C stops every node" + (" and removes the namespaces" if args.netns else ""))
        while True:
            for n, proc in zip(nodes, procs):
                if proc.poll() is not None:
                    print(f"{n['name']} exited with {proc.returncode}; see {n['dir'] / 'node.log'}", file=sys.stderr)
                    stop()
            time.sleep(1)
    finally:
        netns_teardown()

if __name__ == "__main__":
    sys.exit(main())
