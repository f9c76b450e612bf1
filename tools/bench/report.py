#!/usr/bin/env python3
"""Turns package-benchmark's markdown output plus the peer figures into the
BENCHMARKS.md table: per-operation time (p50), throughput, mallocs, and the
ratio to the peer measured in the same run (the better of its before/after runs)."""
import argparse
import json
import platform
import re
import subprocess

UNITS = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def parse(path):
    """{benchmark name: {"p50_s": seconds per iteration, "mallocs": p50 mallocs}}"""
    results, current = {}, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^### (.+?)\s*$", line)
        if m:
            current = m.group(1)
            results[current] = {}
            continue
        if current is None or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4:
            continue
        label, p50 = cells[0], cells[3]
        value = parse_number(p50)
        if value is None:
            continue
        t = re.match(r"Time \(wall clock\) \((\w+)\)", label)
        if t:
            results[current]["p50_s"] = value * UNITS[t.group(1)]
        elif label.startswith("Malloc (total)"):
            results[current]["mallocs"] = value
    return results


def parse_number(text):
    m = re.match(r"^([0-9.]+)\s*([KMG]?)$", text)
    if not m:
        return None
    return float(m.group(1)) * {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}[m.group(2)]


def inner_count(name):
    m = re.search(r" x(\d+)$", name)
    return int(m.group(1)) if m else 1


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("swift_md")
    ap.add_argument("--openssl-1m", nargs=2, type=float)
    ap.add_argument("--openssl-32", nargs=2, type=float)
    ap.add_argument("--c-ecrecover", nargs=2, type=float)
    ap.add_argument("--state", help="JSON lines from StateBenchmarks and pytrie_state.py")
    ap.add_argument("--evm", help="JSON lines from EVMBenchmarks and evm_peers.py")
    ap.add_argument("--chain", help="JSON lines from tools/bench/chain.sh")
    ap.add_argument("--rpc", help="JSON lines from tools/load/rpc_load.py")
    ap.add_argument("--network", help="JSON lines from tools/bench/network_tps.py, sync.py and NetworkBenchmarks")
    ap.add_argument("--attest", help="JSON lines from tools/bench/attest.sh")
    a = ap.parse_args()
    r = parse(a.swift_md)

    def per_op(name):
        return r[name]["p50_s"] / inner_count(name)

    ossl_1m, ossl_32, c_rec = max(a.openssl_1m), max(a.openssl_32), max(a.c_ecrecover)
    k1m = (1 << 20) / per_op("keccak256 1MiB x1")
    k32 = 1 / per_op("keccak256 32B x1000")
    rec = 1 / per_op("ecrecover x100")

    print(f"Machine: {cpu_model()}, {platform.machine()}, Linux {platform.release()}; "
          f"one core per measurement (the harness is single-threaded).")
    print()
    print("| workload | Cloister (Swift) | peer, same run | ratio | target |")
    print("|---|---:|---:|---:|---|")
    print(f"| Keccak-256, 1 MiB input | {k1m / 1e6:.0f} MB/s | OpenSSL SHA3-256: {ossl_1m / 1e6:.0f} MB/s | "
          f"{k1m / ossl_1m:.2f}× | ≥ 0.8× |")
    print(f"| Keccak-256, 32-byte input | {k32 / 1e6:.2f} M hashes/s | OpenSSL SHA3-256 (EVP, 32 B): "
          f"{ossl_32 / 32 / 1e6:.2f} M hashes/s | {k32 / (ossl_32 / 32):.2f}× | ≥ 1.5 M/s |")
    print(f"| ecrecover (to address) | {rec:,.0f} /s | C loop over libsecp256k1: {c_rec:,.0f} /s | "
          f"{rec / c_rec:.2f}× | ≥ 0.9× |")
    print()
    print("| benchmark | time per op (p50) | mallocs per iteration (p50) |")
    print("|---|---:|---:|")
    for name in r:
        if "p50_s" not in r[name]:
            continue
        ns = per_op(name) * 1e9
        shown = f"{ns:,.1f} ns" if ns < 10_000 else f"{ns / 1000:,.1f} µs"
        print(f"| {name} | {shown} | {r[name].get('mallocs', float('nan')):.0f} |")
    if a.state:
        state_table(a.state)
    if a.evm:
        evm_table(a.evm)
    if a.chain:
        chain_section(a.chain)
    if a.rpc:
        rpc_section(a.rpc)
    if a.network:
        network_section(a.network)
    if a.attest:
        attest_section(a.attest)


def state_table(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.startswith("{")]
    by = {}
    for r in rows:
        by.setdefault((r["mode"], r.get("accounts") or r.get("updates") or r.get("reads")), r)
    trie, py = by.get(("fresh-trie", 100000)), by.get(("py-trie", 100000))
    builder = by.get(("fresh-builder", 100000))
    s100k, s1m = by.get(("fresh-state", 100000)), by.get(("fresh-state", 1000000))
    upd, reads = by.get(("updates", 1000)), by.get(("reads", 1000000))
    mib = lambda b: f"{b / (1 << 20):,.0f} MiB"
    print()
    print("| state workload | Cloister | peer, same run | ratio | target |")
    print("|---|---:|---:|---:|---|")
    if trie and py:
        same = "roots equal" if trie["root"] == py["root"] else "ROOTS DIFFER"
        print(f"| 100,000 funded accounts: build secure trie + root + nodes, in memory | {trie['seconds']:.3f} s, "
              f"peak {mib(trie['peakRSS'])} | py-trie: {py['seconds']:.1f} s, peak {mib(py['peakRSS'])} | "
              f"{py['seconds'] / trie['seconds']:.0f}× faster ({same}) | ≤ 0.5 s |")
    if builder and py:
        same = "roots equal" if builder["root"] == py["root"] else "ROOTS DIFFER"
        print(f"| the same 100,000 accounts, one-pass HashBuilder from sorted keys (the genesis path), nodes emitted | "
              f"{builder['seconds']:.3f} s, peak {mib(builder['peakRSS'])} | py-trie: {py['seconds']:.1f} s | "
              f"{py['seconds'] / builder['seconds']:.0f}× faster ({same}) | ≥ 80× |")
    if s100k:
        print(f"| 100,000 accounts committed as genesis into LMDB (tries, flat rows, nodes, change set) | "
              f"{s100k['seconds']:.3f} s, peak {mib(s100k['peakRSS'])} | — | — | ≤ 0.5 s |")
    if s1m:
        print(f"| 1,000,000 accounts committed as genesis into LMDB | {s1m['seconds']:.1f} s, peak {mib(s1m['peakRSS'])} "
              f"| — | — | peak ≤ 2 GiB |")
    if upd:
        print(f"| 1,000 random account updates on the 1M state, then the new root | {upd['seconds'] * 1000:.1f} ms warm, "
              f"{upd['coldSeconds'] * 1000:.1f} ms cold | — | — | ≤ 20 ms |")
    if reads:
        print(f"| random account reads, 1M-account LMDB flat table, one core | {reads['readsPerSecond'] / 1000:,.0f} k reads/s "
              f"| — | — | ≥ 500 k/s |")


BIG_WORKLOAD_GAS = 500_000


def geomean(xs):
    gm = 1.0
    for x in xs:
        gm *= x
    return gm ** (1 / len(xs))


def evm_table(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.startswith("{")]
    by = {}
    for r in rows:
        if "file" in r and "index" in r:
            by.setdefault((r["file"], r["index"]), {})[r["engine"]] = r
    print()
    print("What each column times (every figure is the best of its runs; runs repeat until their timed total is "
          "≥ 1 s or 50 runs; setup is not timed). **Cloister** and **revm** are timed alike, fresh per run: each run "
          "gets a new interpreter (no analysed code kept) and a new in-memory copy of the pre-state, built before the "
          "clock starts. *gas*: the receipt's gas used. *Cloister Mgas/s*: gas / time of Cloister's whole "
          "transaction (checks, buying gas, code analysis, execution, refund, fees). *net* columns: the same "
          "transaction sent to a recipient whose code is one STOP is timed the same way (best of 200 runs), and its "
          "gas and time are subtracted: (gas − STOP gas) / (time − STOP time), the cost of the workload's code "
          "beyond an empty call. For revm that removes pyrevm's Python→Rust call overhead (argument conversion, "
          "building revm's environment, the result object) together with revm's fixed per-transaction work, as it "
          "removes Cloister's; pyrevm's `message_call` skips fee handling, which the subtraction also cancels. "
          "*py-evm Mgas/s*: gas / time of one `apply_transaction` on a fresh state (whole transaction, pure Python, "
          "no baseline). *Cloister / revm*: ratio of the net figures. *Cloister / py-evm*: ratio of the "
          "whole-transaction figures. *root*: Cloister's post-state root against the file (or py-evm's).")
    print()
    print("| EVM workload | gas | Cloister Mgas/s | Cloister net Mgas/s | revm (pyrevm) net Mgas/s | py-evm Mgas/s "
          "| Cloister / revm (net) | Cloister / py-evm | root |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    big, small, ratios_py = [], [], []
    baselines = {"cloister": [], "pyrevm": []}
    for (file, index), e in sorted(by.items()):
        ours = e.get("cloister")
        if not ours or "mgasPerSecond" not in ours:
            continue
        label = ours.get("label") or f"[{index}]"
        name = f"{file.replace('.json', '')} {label}"
        revm, py = e.get("pyrevm", {}), e.get("pyevm", {})
        for engine, r in (("cloister", ours), ("pyrevm", revm)):
            if r.get("baselineSeconds") is not None:
                baselines[engine].append(r["baselineSeconds"])
        c_net = ours.get("netMgasPerSecond")
        r_net = revm.get("netMgasPerSecond")
        p_m = py.get("mgasPerSecond") if not py.get("timedOut") else None
        same_gas = all(x.get("gasUsed") in (None, ours["gasUsed"]) for x in (revm, py))
        rr = c_net / r_net if c_net and r_net else None
        rp = ours["mgasPerSecond"] / p_m if p_m else None
        if rr:
            (big if ours["gasUsed"] >= BIG_WORKLOAD_GAS else small).append(rr)
        if rp:
            ratios_py.append(rp)
        root = {True: "matches", False: "MISMATCH", None: "n/a"}[ours.get("rootMatches")]
        if ours.get("rootMatches") is None and py.get("stateRoot"):
            root = "equals py-evm's" if py["stateRoot"] == ours.get("stateRoot") else "DIFFERS from py-evm's"
        gas = f"{ours['gasUsed']:,}" + ("" if same_gas else " (peers differ)")
        fmt = lambda v, d=0: "—" if v is None else f"{v:,.{d}f}"
        print(f"| {name} | {gas} | {fmt(ours['mgasPerSecond'])} | {fmt(c_net)} | {fmt(r_net)} | {fmt(p_m, 1)} | "
              f"{fmt(rr, 2)}{'×' if rr else ''} | {fmt(rp)}{'×' if rp else ''} | {root} |")
    print()
    for what, xs in ((f"the {len(big)} workloads of ≥ {BIG_WORKLOAD_GAS:,} gas", big),
                     (f"the {len(small)} workloads under {BIG_WORKLOAD_GAS:,} gas", small)):
        if xs:
            print(f"Cloister / revm (net), geometric mean over {what}: **{geomean(xs):.2f}×** "
                  f"(min {min(xs):.2f}×, max {max(xs):.2f}×).")
            print()
    if ratios_py:
        print(f"Cloister / py-evm (whole transaction): ≥ {min(ratios_py):.0f}× on every workload py-evm ran.")
        print()
    if baselines["cloister"] and baselines["pyrevm"]:
        med = lambda xs: sorted(xs)[len(xs) // 2]
        print(f"STOP-recipient baselines subtracted (median over workloads): Cloister "
              f"{med(baselines['cloister']) * 1e6:.1f} µs, pyrevm {med(baselines['pyrevm']) * 1e6:.1f} µs "
              f"(range {min(baselines['pyrevm']) * 1e6:.1f}–{max(baselines['pyrevm']) * 1e6:.1f} µs; it grows with "
              f"the calldata pyrevm converts).")


def attest_section(path):
    rows = json_lines(path)
    ours_v = [r for r in rows if r.get("workload") == "quote-verify" and r.get("impl") == "cloister"]
    peer_v = [r for r in rows if r.get("workload") == "quote-verify" and r.get("impl") != "cloister"]
    ours_p = [r for r in rows if r.get("workload") == "enclave-ping" and r.get("impl") == "cloister"]
    peer_p = [r for r in rows if r.get("workload") == "enclave-ping" and r.get("impl") != "cloister"]
    print()
    print("| attestation workload | Cloister | peer, same run | ratio | target |")
    print("|---|---:|---:|---:|---|")
    if ours_v and peer_v:
        o = ours_v[0]["per_second"]
        p = max(r["per_second"] for r in peer_v)
        print(f"| quote verification, all ten checks (one core) | {o:,.0f} /s | OpenSSL, 4 × P-256 verify per quote: {p:,.0f} /s | "
              f"{o / p:.2f}× | ≥ 2,000 /s |")
    if ours_p and peer_p:
        o = ours_p[0]
        p = min(peer_p, key=lambda r: r["p50_us"])
        print(f"| host↔enclave ping (hello round trip), p50 / p99 | {o['p50_us']:.1f} µs / {o['p99_us']:.1f} µs | "
              f"C echo over a Unix socket: {p['p50_us']:.1f} µs / {p['p99_us']:.1f} µs | {o['p50_us'] / p['p50_us']:.2f}× | p50 ≤ 50 µs |")


def json_lines(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return out


def chain_section(path):
    rows = json_lines(path)
    print()
    print("| chain workload | result | target |")
    print("|---|---|---|")
    for r in rows:
        if r.get("mode") == "import":
            m = re.search(r"Imported (\d+) blocks \((\d+) transactions, (\d+) gas\) in ([\d.]+) s: ([\d.]+) blocks/s, ([\d.]+) Mgas/s",
                          r["summary"])
            if not m:
                continue
            target = "≥ 100 Mgas/s" if r["kind"] == "transfer" else "≥ 80 Mgas/s"
            print(f"| `cloister import`, 1,000 full 30M-gas blocks of {'plain transfers' if r['kind'] == 'transfer' else 'ERC-20 transfers'} "
                  f"({int(m.group(2)):,} txs) | **{float(m.group(6)):.0f} Mgas/s**, {float(m.group(5)):.1f} blocks/s, {m.group(4)} s | {target} |")
        elif r.get("mode") == "produce":
            print(f"| block production, one authority, period 1, 150M gas limit: {r['offered']:,} pre-signed transfers through the pool | "
                  f"**{r['mined_per_s']:,.0f} tx/s mined** ({r['blocks']} blocks, up to {r['max_block_txs']:,} txs); "
                  f"pool admission {r['pool_add_per_s']:,.0f} tx/s | ≥ 5,000 tx/s |")


def rpc_section(path):
    rows = json_lines(path)
    print()
    print("| JSON-RPC workload (release `cloister dev`, client on the same 2 cores) | result | target |")
    print("|---|---|---|")
    peers = {r["workload"]: r for r in rows if "target" in r and "eth-tester" in str(r.get("target"))}
    for r in rows:
        w = r.get("workload")
        if w is None or "eth-tester" in str(r.get("target", "")):
            continue
        extra = " (node with `--metrics`)" if "--metrics" in str(r.get("node_args", "")) else ""
        if w in ("blocknumber", "balanceof"):
            name = "`eth_blockNumber`" if w == "blocknumber" else "`eth_call` ERC-20 `balanceOf`"
            target = "≥ 20,000 req/s" if w == "blocknumber" else "≥ 5,000 req/s"
            print(f"| {name}, {r['connections']} keep-alive connections{extra} | **{r['req_per_s']:,.0f} req/s**, "
                  f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms | {target} |")
        elif w in ("transfers", "erc20"):
            peer = peers.get(w)
            ratio = f"; eth-tester (py-evm via web3.py) {peer['mined_tx_per_s']:.0f} tx/s → **{r['mined_tx_per_s'] / peer['mined_tx_per_s']:.0f}×**" if peer and not extra else ""
            target = "≥ 3,000 tx/s" if w == "transfers" else "≥ 1,500 tx/s"
            print(f"| {r['count']:,} pre-signed {'ETH transfers' if w == 'transfers' else 'ERC-20 transfers'} via `eth_sendRawTransaction`, mined{extra} | "
                  f"**{r['mined_tx_per_s']:,.0f} tx/s** (submitted {r['submit_tx_per_s']:,.0f}/s), submission→block p50 {r['latency_p50_ms']} ms, "
                  f"p99 {r['latency_p99_ms']} ms{ratio} | {target} |")


def mib(n):
    return f"{n / (1 << 20):,.1f} MiB"


def network_section(path):
    rows = json_lines(path)
    print()
    print("| network workload (release `cloister node` processes on loopback, same 2 cores) | result | target |")
    print("|---|---|---|")
    imported = next((r for r in rows if r.get("mode") == "sync-import"), None)
    for r in rows:
        mode = r.get("mode")
        if mode == "network-tps":
            print(f"| {r['authorities']} authorities + {r['observers']} observer, period {r['period']}, {r['gas_limit'] // 10**6}M gas limit: "
                  f"{r['submitted']:,} pre-signed transfers through one node's `eth_sendRawTransaction`, gossiped | "
                  f"**{r['mined_per_s']:,.0f} tx/s mined** ({r['mined']:,} in {r['seconds']:.1f} s, {r['blocks']} blocks, up to "
                  f"{r['max_block_txs']:,} txs; submitted {r['submit_per_s']:,.0f}/s); every node on one head: "
                  f"{'yes' if r['same_head'] else '**no**'} | ≥ 1,000 tx/s (goal 3,000) |")
        elif mode == "sync-network" and imported:
            print(f"| observer full sync over RLPx of {r['blocks']:,} blocks by 4 authorities ({r['transactions']:,} transfers) | "
                  f"**{r['blocks_per_s']:,.0f} blocks/s, {r['mgas_per_s']:.0f} Mgas/s**, {r['seconds']:.1f} s; `cloister import` of the "
                  f"same blocks {imported['blocks_per_s']:,.0f} blocks/s, {imported['mgas_per_s']:.0f} Mgas/s, {imported['seconds']:.1f} s → "
                  f"sync costs **{r['vs_import']:.2f}×** import; observer peak RSS {mib(r['observer_peak_rss'])} | < 1.5× import |")
        elif mode == "peer-memory" and "growth" in r:
            print(f"| one hostile peer: {r['step']} | resident memory {mib(r['rss_before'])} → {mib(r['rss'])} "
                  f"(**{'+' if r['growth'] >= 0 else ''}{mib(r['growth'])}**), process peak {mib(r['peak'])}; "
                  f"peer {'still connected' if r['peer_connected'] else 'disconnected'} | bounded |")


if __name__ == "__main__":
    main()
