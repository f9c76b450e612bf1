#!/usr/bin/env python3
"""Process-level consortium scenarios over real `cloister node` processes.

    tools/devnet/scenarios.py [--bin PATH] [--only loopback|netns|confidential]

1. 4 authorities seal in turn (period 1) and every node agrees on one head;
2. an observer started late catches up and then follows the head;
3. an authority killed with SIGKILL mid-run and restarted on its data directory
   catches up with the others and seals again;
4. a transfer sent through the observer's JSON-RPC is gossiped and mined;
5. a Clique vote over JSON-RPC adds a fifth authority, which then seals; a second
   vote removes one of the first four, on every node.

Then, on a fresh devnet of 4 authorities and 1 observer with every node in its own
network namespace (devnet.py --netns; skipped, saying why, where `ip netns` is refused).
Each cut lands right after a block h sealed in turn, its sides chosen from the Clique
rotation (r(b): the authority in turn at block b) so that the outcome is known:

6. the five nodes start, connect and agree on one head;
7. a 2+2 partition, {r(h-1), r(h+1)} | {r(h), r(h+2), observer}: a transfer sent on
   each side stays on its side, the connections across the cut fail, each side of 2
   signers stalls (Clique: a signer seals at most once in any floor(4/2)+1 = 3
   consecutive blocks), the first side sealing h+1 in turn and h+2, the second only
   h+1 out of turn; healed, all five converge on one head and every transfer of the
   split is mined, on every node (the second side's block, and its transfer, leave the
   chain: the transfer must be mined again);
8. a 3+1 partition, {r(h-1), r(h), r(h+2)} | {r(h+1), observer}: the side of 3 keeps
   sealing, the lone authority seals h+1 in turn and stalls; healed, the same checks;
9. the chain reaches 100 blocks on one head, sealed by at least 3 distinct authorities.

And, on a fresh loopback devnet with the (SIMULATED) confidential module (devnet.py
--confidential: a simulated root, a platform file and an enclave per authority):

10. with nothing typed by an operator, every authority's enclave joins, generation 1 is
    made and granted, all four enclaves are trusted, and all four nodes answer
    conf_getTxKey with the same epoch key; a Clique vote removes one authority: its
    enclave becomes revoked, generation 2 starts wrapped to the remaining three only,
    which hold it and agree on its epoch key, and the removed enclave cannot derive it.

7' (run first): the 2+2 partition {r(h-1), r(h+2)} | {r(h), r(h+1), observer}, whose two
branches end with the same total difficulty (h+2 out of turn twice against h+1 in turn)
and every signer among the recent signers of its own branch. The chain goes on after the
heal only because a node also syncs from a peer of equal total difficulty whose head it
lacks, so the fork choice (equal weight: the lower block) sees both branches; without
that it stalls for good (as go-ethereum's does: its issue 24705).

Prints each step and exits non-zero on the first failure. Bounded: every wait has a
deadline, and every process is killed (every namespace removed) on exit.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import tempfile
import time
import urllib.request
from argparse import Namespace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devnet  # noqa: E402

ANVIL0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"  # public test key (funded in the devnet genesis)
CHAIN_ID = 7331
# Node-to-node and RPC traffic in a namespace never goes through a proxy.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def rpc(target: int | str, method: str, params: list | None = None):
    """One JSON-RPC call: `target` is a loopback port or a node's URL (http://host:port)."""
    url = f"http://127.0.0.1:{target}" if isinstance(target, int) else target
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with OPENER.open(req, timeout=5) as r:
        answer = json.load(r)
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def head(target: int | str) -> tuple[int, str] | None:
    try:
        b = rpc(target, "eth_getBlockByNumber", ["latest", False])
        return int(b["number"], 16), b["hash"]
    except Exception:
        return None


def wait(what: str, condition, seconds: float) -> float:
    """Polls `condition` until it holds (prints ok and returns the seconds it took) or
    `seconds` pass (exits with FAILED)."""
    start = time.time()
    deadline = start + seconds
    while time.time() < deadline:
        try:
            met = condition()
        except OSError:  # a node still starting (connection refused) is not there yet
            met = False
        if met:
            took = time.time() - start
            print(f"  ok: {what} ({took:.1f} s)")
            return took
        time.sleep(0.5)
    raise SystemExit(f"FAILED: {what} (within {seconds:.0f} s)")


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--bin", default=os.environ.get("CLOISTER_BIN", str(devnet.ROOT / ".build/debug/cloister")))
    cli.add_argument("--only", choices=["loopback", "netns", "confidential"],
                     help="run only the loopback (1-5), namespace (6-9) or confidential (10) scenarios")
    options = cli.parse_args()
    binary = options.bin
    started = time.time()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # unwinds: every finally kills and cleans up
    if options.only == "confidential":
        confidential_scenario(binary)
        print(f"confidential scenario passed ({time.time() - started:.0f} s)")
        return 0
    if options.only != "netns":
        if not loopback_scenarios(binary):
            return 0
        print(f"  (loopback scenarios: {time.time() - started:.0f} s)")
        mark = time.time()
        confidential_scenario(binary)
        print(f"  (confidential scenario: {time.time() - mark:.0f} s)")
    if options.only != "loopback":
        try:
            from eth_account import Account  # type: ignore
        except ImportError:
            print("6. network namespaces\n  skipped: eth_account is not installed here (the e2e venv has it)")
            return 0
        netns_scenarios(binary, Account)
    print(f"all scenarios passed ({time.time() - started:.0f} s)")
    return 0


def loopback_scenarios(binary: str) -> bool:
    """Scenarios 1-5; False when eth_account is missing (4 and 5 skipped)."""
    base = Path(tempfile.mkdtemp(prefix="cloister-scenarios-"))
    # Ports below the ephemeral range (32768-60999 on Linux): a listener started late (the
    # fifth authority) must not find its port taken by an outgoing connection.
    args = Namespace(authorities=5, signers=4, observers=1, dir=base, period=1, chain_id=CHAIN_ID,
                     p2p_port=24000 + os.getpid() % 500 * 10, rpc_port=19000 + os.getpid() % 500 * 10, bin=binary,
                     prepare_only=True)
    _, nodes = devnet.prepare(args)
    authorities = [n for n in nodes if n["role"] == "authority"][:4]
    candidate = [n for n in nodes if n["role"] == "authority"][4]
    observer = next(n for n in nodes if n["role"] == "observer")
    procs: dict[str, object] = {}

    def stop_all(*_):
        for p in procs.values():
            if p.poll() is None:
                p.kill()
        for p in procs.values():
            p.wait()
    try:
        print("1. four authorities seal in turn")
        for n in authorities:
            procs[n["name"]] = devnet.start(binary, n)
        ports = [n["rpc"] for n in authorities]
        wait("10 blocks, one head on all four", lambda: all(head(p) for p in ports)
             and min(head(p)[0] for p in ports) >= 10 and len({head(p)[1] for p in ports if head(p)}) == 1, 90)
        activity = rpc(ports[0], "clique_status")["sealerActivity"]
        sealers = [a for a, count in activity.items() if count > 0]
        if len(sealers) < 3:
            raise SystemExit(f"FAILED: blocks sealed by {len(sealers)} authorities only: {activity}")
        print(f"  ok: {len(sealers)} authorities sealed ({activity})")
        print("2. an observer started late catches up and follows")
        procs[observer["name"]] = devnet.start(binary, observer)
        target = head(ports[0])[0]
        wait(f"observer reaches block {target}", lambda: (head(observer["rpc"]) or (0, ""))[0] >= target, 60)
        later = head(ports[0])[0] + 3
        wait("observer follows the head", lambda: (head(observer["rpc"]) or (0, ""))[0] >= later
             and head(observer["rpc"])[1] == rpc(ports[0], "eth_getBlockByNumber", [hex(head(observer["rpc"])[0]), False])["hash"], 60)
        print("3. an authority killed with SIGKILL restarts and catches up")
        victim = authorities[2]
        procs[victim["name"]].send_signal(signal.SIGKILL)
        procs[victim["name"]].wait(timeout=10)
        time.sleep(4)
        procs[victim["name"]] = devnet.start(binary, victim)
        wait("the restarted authority is back on the common head", lambda: head(victim["rpc"]) is not None
             and head(victim["rpc"])[0] >= head(ports[0])[0] - 1, 60)
        mark = head(ports[0])[0]
        wait("all four on one head again, 8 blocks later", lambda: min((head(p) or (0, ""))[0] for p in ports) >= mark + 8
             and len({head(p)[1] for p in ports if head(p)}) == 1, 90)
        print("4. a transfer sent through the observer is gossiped and mined")
        # eth_sendTransaction is not served on nodes; sign with eth_account if present, else skip.
        try:
            from eth_account import Account  # type: ignore
        except ImportError:
            print("  skipped: eth_account is not installed here (the e2e venv has it)")
            return False
        transfer_through_observer(Account, observer, nodes)
        vote_scenario(binary, procs, authorities, candidate, nodes)
        return True
    finally:
        stop_all()


def answers(target, method: str, params: list | None = None):
    """`rpc`, or None while the node refuses (not started, no key yet)."""
    try:
        return rpc(target, method, params)
    except (OSError, RuntimeError):
        return None


def confidential_scenario(binary: str) -> None:
    print("10. confidential: four enclaves on-board themselves, then a removal rotates the key")
    base = Path(tempfile.mkdtemp(prefix="cloister-confidential-"))
    args = Namespace(authorities=4, observers=0, dir=base, period=1, chain_id=CHAIN_ID + 1,
                     p2p_port=25000 + os.getpid() % 500 * 10, rpc_port=20000 + os.getpid() % 500 * 10, bin=binary,
                     prepare_only=True, confidential=True)
    _, nodes = devnet.prepare(args)
    procs = {}
    try:
        for n in nodes:
            procs[n["name"]] = devnet.start(binary, n)
        ports = [n["rpc"] for n in nodes]
        print(f"  (data and logs in {base})")

        def enclaves(port):
            reply = answers(port, "conf_getEnclaves", ["latest"])
            return {} if reply is None else {e["authority"].lower(): e for e in reply["enclaves"]}

        def trusted_holding(port, generation):
            return [a for a, e in enclaves(port).items() if e["status"] == "trusted" and int(e["generation"], 16) >= generation]

        wait("all four enclaves joined and are trusted with generation 1",
             lambda: len(trusted_holding(ports[0], 1)) == 4, 120)

        def one_key(targets, generation):
            keys = []
            for port in targets:
                at = head(port)
                key = answers(port, "conf_getTxKey", [hex(at[0])]) if at else None
                if key is None or int(key["generation"], 16) != generation:
                    return False
                keys.append((key["epoch"], key["publicKey"]))
            return len(set(keys)) == 1

        wait("all four nodes answer conf_getTxKey with the same epoch key", lambda: one_key(ports, 1), 60)
        reply = rpc(ports[0], "conf_getTxKey", ["latest"])
        if reply.get("simulated") is not True:
            raise SystemExit(f"FAILED: conf_getTxKey does not say simulated: {reply}")
        victim = nodes[3]
        rest = nodes[:3]
        for n in rest:
            rpc(n["rpc"], "clique_propose", [victim["address"], False])
        gone = victim["address"].lower()
        wait("the removed authority's enclave is revoked", lambda: enclaves(ports[0]).get(gone, {}).get("status") == "revoked", 90)
        wait("generation 2 starts, held by the remaining three only",
             lambda: sorted(trusted_holding(ports[0], 2)) == sorted(n["address"].lower() for n in rest)
             and int(enclaves(ports[0])[gone]["generation"], 16) == 1, 90)
        generations = rpc(ports[0], "conf_getGenerations", ["latest"])["generations"]
        if [int(g["generation"], 16) for g in generations] != [1, 2]:
            raise SystemExit(f"FAILED: generations {generations}")
        wait("the remaining three agree on generation 2's epoch key", lambda: one_key([n["rpc"] for n in rest], 2), 60)
        refused = answers(victim["rpc"], "conf_getTxKey", ["latest"])
        if refused is not None and int(refused["generation"], 16) >= 2:
            raise SystemExit(f"FAILED: the removed authority's enclave derived generation 2's key: {refused}")
        print("  ok: the removed enclave cannot derive the current epoch key")
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
        for p in procs.values():
            p.wait()


def signers(port: int) -> set[str]:
    return {a.lower() for a in rpc(port, "clique_getSigners")}


def vote_scenario(binary, procs, authorities, candidate, nodes) -> None:
    print("5. a Clique vote over JSON-RPC adds a fifth authority, then removes one")
    procs[candidate["name"]] = devnet.start(binary, candidate)
    new = candidate["address"].lower()
    for n in authorities[:3]:  # 3 of 4: a majority
        rpc(n["rpc"], "clique_propose", [candidate["address"], True])
    running = [n for n in nodes if n["name"] in procs]
    wait("the fifth authority is a signer on every node", lambda: all(new in signers(n["rpc"]) for n in running), 90)
    wait("the fifth authority seals", lambda: rpc(authorities[0]["rpc"], "clique_status")["sealerActivity"].get(
        candidate["address"], rpc(authorities[0]["rpc"], "clique_status")["sealerActivity"].get(new, 0)) > 0, 90)
    for n in authorities[:3]:
        rpc(n["rpc"], "clique_discard", [candidate["address"]])
    gone = authorities[3]["address"].lower()
    for n in authorities[:3]:  # 3 of 5: a majority
        rpc(n["rpc"], "clique_propose", [authorities[3]["address"], False])
    wait("the fourth authority is voted out on every node", lambda: all(gone not in signers(n["rpc"]) for n in running), 120)


def transfer_through_observer(Account, observer, nodes) -> None:
        acct = Account.from_key(bytes.fromhex(ANVIL0))
        tx = acct.sign_transaction({"chainId": CHAIN_ID, "nonce": 0, "to": "0x" + "42" * 20, "value": 12345, "gas": 21000,
                                    "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9, "type": 2})
        raw = getattr(tx, "raw_transaction", None) or tx.rawTransaction
        tx_hash = rpc(observer["rpc"], "eth_sendRawTransaction", ["0x" + raw.hex().removeprefix("0x")])
        wait("mined and seen by every running node", lambda: all(
            (lambda r: r is not None and r.get("status") == "0x1")(rpc(n["rpc"], "eth_getTransactionReceipt", [tx_hash]))
            for n in nodes if n["role"] == "observer" or n is not nodes[4]), 60)


# --- Network namespaces: partitions and heals (6-9) ---------------------------------

def one_head(nodes: list[dict], at_least: int = 0) -> bool:
    heads = [head(n["url"]) for n in nodes]
    return all(heads) and min(h[0] for h in heads) >= at_least and len({h[1] for h in heads}) == 1


def peer_ids(n: dict) -> set[str]:
    return {p["id"].lower().removeprefix("0x") for p in rpc(n["url"], "admin_peers")}


def names(nodes: list[dict]) -> str:
    return "+".join(n["name"] for n in nodes)


def send_transfer(acct, nonce: int, via: dict) -> dict:
    """Signs a transfer of a random value to a fresh address, sends it to `via`; returns what to check."""
    from eth_utils import to_checksum_address  # type: ignore  # comes with eth_account
    to = to_checksum_address("0x" + secrets.token_hex(20))
    value = 10**15 + secrets.randbelow(10**15)
    tx = acct.sign_transaction({"chainId": CHAIN_ID, "nonce": nonce, "to": to, "value": value, "gas": 21000,
                                "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9, "type": 2})
    raw = getattr(tx, "raw_transaction", None) or tx.rawTransaction
    tx_hash = rpc(via["url"], "eth_sendRawTransaction", ["0x" + raw.hex().removeprefix("0x")])
    print(f"  sent {tx_hash[:18]}… (nonce {nonce} of {acct.address[:10]}…) to {via['name']}")
    return {"hash": tx_hash, "to": to, "value": value, "via": via["name"]}


def known(n: dict, tx: dict) -> bool:
    return rpc(n["url"], "eth_getTransactionByHash", [tx["hash"]]) is not None


def mined_everywhere(nodes: list[dict], txs: list[dict]) -> list[str]:
    """What is still missing: on each node, each transfer must have a receipt with status
    0x1 in the block its node holds canonical at that height, and its value at its recipient."""
    missing = []
    for n in nodes:
        for tx in txs:
            r = rpc(n["url"], "eth_getTransactionReceipt", [tx["hash"]])
            if r is None:
                missing.append(f"{n['name']}: no receipt for {tx['hash']} (sent to {tx['via']})")
                continue
            if r.get("status") != "0x1":
                missing.append(f"{n['name']}: {tx['hash']} has status {r.get('status')}")
                continue
            block = rpc(n["url"], "eth_getBlockByNumber", [r["blockNumber"], False])
            if block is None or block["hash"] != r["blockHash"]:
                missing.append(f"{n['name']}: the receipt of {tx['hash']} names block {r['blockHash']} at {int(r['blockNumber'], 16)}, "
                               f"not canonical ({block and block['hash']})")
                continue
            balance = int(rpc(n["url"], "eth_getBalance", [tx["to"], "latest"]), 16)
            if balance != tx["value"]:
                missing.append(f"{n['name']}: {tx['to']} holds {balance}, not {tx['value']}")
    return missing


def stalled(side: list[dict], quiet: float) -> bool:
    """True when no node of `side` moves its head for `quiet` seconds."""
    before = [head(n["url"]) for n in side]
    time.sleep(quiet)
    return all(before) and before == [head(n["url"]) for n in side]


def diagnose(nodes: list[dict], txs: list[dict]) -> None:
    for n in nodes:
        try:
            b = rpc(n["url"], "eth_getBlockByNumber", ["latest", False])
            status = rpc(n["url"], "txpool_status")
            print(f"  {n['name']}: head {int(b['number'], 16)} {b['hash']} (difficulty {int(b['difficulty'], 16)}, "
                  f"total {int(b.get('totalDifficulty') or '0x0', 16)}), peers {len(peer_ids(n))}, txpool {status}", file=sys.stderr)
            for tx in txs:
                t = rpc(n["url"], "eth_getTransactionByHash", [tx["hash"]])
                print(f"    {tx['hash'][:18]}…: {'unknown' if t is None else 'block ' + str(t.get('blockNumber'))}", file=sys.stderr)
        except Exception as e:  # noqa: BLE001 - diagnostics only
            print(f"  {n['name']}: {e}", file=sys.stderr)
        print(f"    log: {n['dir'] / 'node.log'}", file=sys.stderr)


def steady_rotation(authorities: list[dict], seconds: float = 60):
    """Waits for a new head h such that h and h-1 were both sealed in turn (difficulty 2:
    the rotation is steady) and returns (h, r), r(b) being the authority in turn at block b.
    Returns as soon as the head moves, so that the caller can act before block h+1."""
    url = authorities[0]["url"]
    order = sorted(a.lower() for a in rpc(url, "clique_getSigners"))  # Clique's turn: ascending addresses
    by_address = {n["address"].lower(): n for n in authorities}
    deadline = time.time() + seconds
    last = head(url)
    while time.time() < deadline:
        now = head(url)
        if now and last and now[0] > last[0]:
            h = now[0]
            if all(rpc(url, "eth_getBlockByNumber", [hex(b), False])["difficulty"] == "0x2" for b in (h, h - 1)):
                return h, lambda b: by_address[order[b % len(order)]]
        last = now
        time.sleep(0.02)
    raise SystemExit(f"FAILED: no two blocks in a row sealed in turn (within {seconds:.0f} s)")


def partition(title: str, plan, senders: tuple, nodes: list[dict], authorities: list[dict], observer: dict) -> None:
    """Cuts the network in two right after block h, as plan(r, h, observer) says (r(b):
    the authority in turn at block b), sends a transfer on each side at once and one more
    once the connections across the cut have failed, checks what each side may seal under
    Clique (4 signers: a signer seals at most once in any 3 consecutive blocks, so a side
    of fewer than 3 signers stalls), heals, then checks that the five nodes converge and
    that every transfer of the split is mined on every node."""
    print(title)
    limit = 4 // 2 + 1
    h, r = steady_rotation(authorities)
    side_a, side_b, via, why = plan(r, h, observer)
    t0 = time.time()
    devnet.cut(side_a, side_b)
    t_cut = time.time()
    print(f"  cut {names(side_a)} | {names(side_b)} {t_cut - t0:.2f} s after block {h} was seen ({why})")
    txs = [send_transfer(senders[0], 0, via[0]), send_transfer(senders[1], 0, via[1])]
    for side, other, tx in ((side_a, side_b, txs[0]), (side_b, side_a, txs[1])):
        wait(f"the transfer sent to {tx['via']} reaches every node of its side", lambda: all(known(n, tx) for n in side), 30)
        if any(known(n, tx) for n in other):
            raise SystemExit(f"FAILED: the transfer sent to {tx['via']} crossed the cut: {[n['name'] for n in other if known(n, tx)]}")
    print("  ok: neither transfer crossed the cut")
    ids = {id(side): {n["id"].lower() for n in side} for side in (side_a, side_b)}
    wait("the connections across the cut fail (no node keeps a peer on the other side)", lambda: all(
        not (peer_ids(n) & ids[id(side_b)]) for n in side_a) and all(not (peer_ids(n) & ids[id(side_a)]) for n in side_b), 90)
    for side, acct, first in ((side_a, senders[0], txs[0]), (side_b, senders[1], txs[1])):
        txs.append(send_transfer(acct, 1, next(n for n in side if n["name"] != first["via"])))
    grown = []
    fork = None
    for side in (side_a, side_b):
        signers = sum(n["role"] == "authority" for n in side)
        if signers >= limit:
            mark = max(head(n["url"])[0] for n in side)
            wait(f"{names(side)} ({signers} signers) keeps sealing: 5 more blocks on one head",
                 lambda: one_head(side, at_least=mark + 5), 40)
        else:
            wait(f"{names(side)} ({signers} of 4 signers, fewer than {limit}) stalls: no new block for 5 s",
                 lambda: stalled(side, 5), 40)
            fork = fork or last_common_block(side_a[0], side_b[0])
            top = max(head(n["url"])[0] for n in side)
            if top > fork + signers:
                raise SystemExit(f"FAILED: {names(side)} with {signers} signers sealed up to block {top} from block {fork}: "
                                 f"Clique allows at most {signers}")
        grown.append(max(head(n["url"])[0] for n in side))
    fork = fork or last_common_block(side_a[0], side_b[0])
    for side, top in zip((side_a, side_b), grown):
        print(f"  {names(side)}: head {top} ({top - fork:+d} past block {fork}, the last one both sides share)")
    if fork != h:
        print(f"  note: block {fork} was sealed before the cut took hold, not block {h}: the plan's rotation did not apply")
    # Where the transfers are mined on their own side before the heal: a losing side's
    # blocks leave the chain at the heal, and their transfers must be mined again.
    split_blocks = {}
    for tx, side in zip(txs, (side_a, side_b, side_a, side_b)):
        receipt = rpc(side[0]["url"], "eth_getTransactionReceipt", [tx["hash"]])
        if receipt:
            split_blocks[tx["hash"]] = (receipt["blockNumber"], receipt["blockHash"], side)
    devnet.heal()
    print(f"  healed after {time.time() - t_cut:.0f} s")
    above = max(grown)
    try:
        wait(f"all five nodes converge on one head above block {above}", lambda: one_head(nodes, at_least=above + 1), 120)
        wait("every transfer sent during the split has a receipt (status 0x1, canonical block, value received) on every node",
             lambda: not mined_everywhere(nodes, txs), 90)
        mark = head(nodes[0]["url"])[0]
        wait("the chain keeps growing on one head: 3 more blocks", lambda: one_head(nodes, at_least=mark + 3), 60)
    except SystemExit:
        for line in mined_everywhere(nodes, txs):
            print(f"  missing: {line}", file=sys.stderr)
        diagnose(nodes, txs)
        raise
    orphaned = 0
    for tx_hash, (number, block_hash, side) in split_blocks.items():
        if rpc(nodes[0]["url"], "eth_getBlockByNumber", [number, False])["hash"] != block_hash:
            orphaned += 1
            again = rpc(nodes[0]["url"], "eth_getTransactionReceipt", [tx_hash])
            print(f"  ok: {tx_hash[:18]}… was mined in block {int(number, 16)} on {names(side)}'s side, left the chain "
                  f"at the heal, and is mined again in block {int(again['blockNumber'], 16)} on every node")
    if not orphaned:
        print("  note: no transfer was mined on the losing side before the heal this time (re-injection not exercised)")


def last_common_block(a: dict, b: dict) -> int:
    """The highest block number at which nodes a and b hold the same block."""
    n = min(head(a["url"])[0], head(b["url"])[0])
    while n > 0 and rpc(a["url"], "eth_getBlockByNumber", [hex(n), False])["hash"] != \
            rpc(b["url"], "eth_getBlockByNumber", [hex(n), False])["hash"]:
        n -= 1
    return n


def plan_2_2(r, h, observer):
    """r(h+1) seals h+1 in turn and r(h-1) h+2 (weight +3); on the other side r(h) may not
    seal before h+3 and r(h+2) seals h+1 out of turn (+1): that side, with the observer, loses its block."""
    a, b = [r(h - 1), r(h + 1)], [r(h), r(h + 2), observer]
    return a, b, (r(h + 1), observer), "the side of 2 signers without the observer outweighs the other"


def plan_2_2_tie(r, h, observer):
    """r(h+2) seals h+1 and r(h-1) h+2, both out of turn (+2); on the other side r(h+1)
    seals h+1 in turn (+2), then r(h) may not seal: two branches of equal weight."""
    a, b = [r(h - 1), r(h + 2)], [r(h), r(h + 1), observer]
    return a, b, (r(h + 2), observer), "two branches of equal weight, the lighter one longer"


def plan_3_1(r, h, observer):
    """The lone authority is r(h+1): it seals h+1 in turn (+2) and nothing after; the side
    of 3 seals out of turn from h+1 on and soon outweighs it."""
    a, b = [r(h - 1), r(h), r(h + 2)], [r(h + 1), observer]
    return a, b, (r(h + 2), r(h + 1)), "the lone authority is the one in turn for the next block"



def sealers_of(n: dict, last: int) -> dict[str, int]:
    """Blocks 1..last counted by their sealer (from each block's Clique snapshot: recents)."""
    counts: dict[str, int] = {}
    for b in range(1, last + 1):
        signer = rpc(n["url"], "clique_getSnapshot", [hex(b)])["recents"][str(b)].lower()
        counts[signer] = counts.get(signer, 0) + 1
    return counts


def netns_scenarios(binary: str, Account) -> None:
    print("6. network namespaces: 4 authorities + 1 observer, each node in its own namespace")
    reason = devnet.netns_available()
    if reason:
        print(f"  skipped: network namespaces refused here: {reason}")
        return
    started = time.time()
    senders = [Account.create() for _ in range(6)]  # funded in the genesis: one per side of each partition
    base = Path(tempfile.mkdtemp(prefix="cloister-netns-"))
    args = Namespace(authorities=4, observers=1, dir=base, period=1, chain_id=CHAIN_ID, p2p_port=30303, rpc_port=8545,
                     bin=binary, prepare_only=True, netns=True, funded=[a.address for a in senders])
    _, nodes = devnet.prepare(args)
    authorities = [n for n in nodes if n["role"] == "authority"]
    observer = next(n for n in nodes if n["role"] == "observer")
    try:
        devnet.netns_setup(nodes)
        for n in nodes:
            devnet.start(binary, n)
        print(f"  {', '.join(n['name'] + ' ' + n['url'] for n in nodes)} (data and logs in {base})")
        wait("5 blocks, one head on all five", lambda: one_head(nodes, at_least=5), 90)
        wait("every node is connected to the four others", lambda: all(len(peer_ids(n)) >= 4 for n in nodes), 60)
        partition("7'. partition 2+2 into two branches of equal weight, then heal",
                  plan_2_2_tie, (senders[4], senders[5]), nodes, authorities, observer)
        partition("7. partition 2+2 (the observer with two authorities), then heal",
                  plan_2_2, (senders[0], senders[1]), nodes, authorities, observer)
        partition("8. partition 3+1 (the observer with the lone authority), then heal",
                  plan_3_1, (senders[2], senders[3]), nodes, authorities, observer)
        print("9. 4 authorities seal 100 blocks, every node on one head")
        remaining = max(0, 100 - head(nodes[0]["url"])[0])
        wait("100 blocks, one head on all five", lambda: one_head(nodes, at_least=100), 60 + 2 * remaining)
        last = min(head(n["url"])[0] for n in nodes)
        counts = sealers_of(authorities[0], last)
        expected = {n["address"].lower() for n in authorities}
        if not set(counts) <= expected:
            raise SystemExit(f"FAILED: blocks sealed by non-authorities: {set(counts) - expected}")
        if len(counts) < 3:
            raise SystemExit(f"FAILED: blocks 1..{last} sealed by {len(counts)} authorities only: {counts}")
        print(f"  ok: blocks 1..{last} sealed by {len(counts)} authorities ({counts})")
    finally:
        devnet.netns_teardown()
        print(f"  (namespace scenarios: {time.time() - started:.0f} s; namespaces removed)")

if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # every finally has run: nodes killed, namespaces removed
        print("interrupted", file=sys.stderr)
        sys.exit(130)
