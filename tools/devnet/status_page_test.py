#!/usr/bin/env python3
"""Real-browser test of the node's status page (GET /status) on a local devnet.

    CLOISTER_BIN=… Tests/e2e/.venv/bin/python tools/devnet/status_page_test.py [--bin PATH] [--out DIR]

Starts 4 authorities and 1 observer (period 1, loopback, RPC ports 18645-18649, P2P
ports 31403-31407), opens http://127.0.0.1:<observer's RPC port>/status in headless
Chromium (Selenium 4, /usr/bin/chromium and /usr/bin/chromedriver) and checks:

1. the page subscribes to newHeads over the node's WebSocket (#ws-state says `live`);
2. the authorities table lists exactly the devnet's 4 authorities (data-address);
3. the head (#head-number) advances by at least 3, the timeline holds >= 3 blocks;
4. with one authority stopped, a block after the stop whose expected signer is that
   authority is sealed by another, its row shows a missed turn (data-missed >= 1, class
   `missing`), and the timeline keeps advancing;
5. the browser console holds no error or warning (level SEVERE or WARNING), and the
   page shows no fetch or rendering error.

Saves status-page-before-stop.png and status-page.png under --out (default
Tests/e2e/out/). Prints `SKIPPED: …` and exits 0 only when Chromium or chromedriver is
missing or cannot start; any other failure exits non-zero. Bounded: every wait has a
deadline (60 s at most, 4 min in all), and every node is stopped, the browser closed
and the devnet's folder removed on exit.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from argparse import Namespace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devnet  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHAIN_ID = 7331
RPC_PORT = 18645   # apart from scenarios.py's (19000-23990, 24000-28990 and 8545/30303 in namespaces)
P2P_PORT = 31403   # below the ephemeral range (32768-60999 on Linux)
METRICS_PORT = 16645  # each node's --metrics-port (16645-16649)
BUDGET = 240.0     # seconds for the whole test
STEP = 60.0        # seconds for one wait at most
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy

STARTED = time.time()


class Failure(Exception):
    pass


def remaining() -> float:
    return BUDGET - (time.time() - STARTED)


def wait(what: str, condition, seconds: float = STEP):
    """Polls `condition` until it returns a true value (printed ok and returned) or the
    deadline passes (the lesser of `seconds` and what is left of the budget)."""
    limit = min(seconds, STEP, remaining())
    if limit <= 0:
        raise Failure(f"{what}: the test's {BUDGET:.0f} s budget is spent")
    start = time.time()
    last_error = None
    while True:
        try:
            value = condition()
        except Exception as e:  # noqa: BLE001 - a node still starting, a page still rendering: try again
            value, last_error = None, e
        if value:
            print(f"  ok: {what} ({time.time() - start:.1f} s)")
            return value
        if time.time() - start >= limit:
            raise Failure(f"{what} (not within {limit:.0f} s)" + (f"; last error: {last_error}" if last_error else ""))
        time.sleep(0.25)


def rpc(port: int, method: str, params: list | None = None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}", data=body, headers={"Content-Type": "application/json"})
    with OPENER.open(req, timeout=5) as r:
        answer = json.load(r)
    if "error" in answer:
        raise Failure(f"{method}: {answer['error']}")
    return answer["result"]


def get(port: int, path: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of GET http://127.0.0.1:port/path."""
    try:
        with OPENER.open(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def secrets_in_logs_of(nodes: list[dict]) -> list[str]:
    """What of each node's secrets (node key, keystore password) appears in any node's log."""
    logs = {n["name"]: (n["dir"] / "node.log").read_text(errors="replace").lower() for n in nodes}
    found = []
    for n in nodes:
        secrets = {"node key": (n["dir"] / "nodekey").read_text().strip().lower()}
        if n.get("password"):
            password = Path(n["password"]).read_text().strip()
            secrets["keystore password"] = password.lower()
            from eth_account import Account  # the e2e venv's; decrypts the Web3 Secret Storage file
            for keyfile in sorted((n["dir"] / "keystore").iterdir()):
                key = Account.decrypt(json.loads(keyfile.read_text()), password)
                secrets["sealing key"] = bytes(key).hex()
        for what, value in secrets.items():
            for name, text in logs.items():
                if value and value in text:
                    found.append(f"{n['name']}'s {what} in {name}'s log")
    return found


def metrics(port: int) -> dict[str, float]:
    """One scrape of a node's /metrics: sample name (with labels) to value."""
    with OPENER.open(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        text = r.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As the node binds (SO_REUSEADDR): a port in TIME_WAIT from a previous run is free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def skip(reason: str) -> None:
    print(f"SKIPPED: status page browser test: {reason}")
    sys.exit(0)


def start_browser():
    """Headless Chromium under chromedriver; skips the test (exit 0) when either is missing
    or does not start. Selenium itself missing is a failure: it is in Tests/e2e/requirements.txt."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        raise SystemExit(f"FAILED: selenium is not installed ({e}): run with Tests/e2e/.venv/bin/python "
                         f"(pip install -r Tests/e2e/requirements.txt)")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            skip(f"{path} is missing")
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except (WebDriverException, OSError) as e:
        skip(f"Chromium or chromedriver does not start: {str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}")
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(10)
    return driver


# What the page shows, read in one script each (the page re-renders its tables every
# refresh, so elements found earlier may be gone: nothing is kept between reads).
READ_PAGE = """
const text = id => { const e = document.getElementById(id); return e ? e.textContent.trim() : null; };
return {
  ws: text('ws-state'),
  head: text('head-number'),
  fetch: text('fetch-state'),
  fetchError: (document.getElementById('fetch-state') || {className: ''}).className.includes('error'),
  banner: (document.getElementById('simulated-banner') || {hidden: null}).hidden,
  authorities: Array.from(document.querySelectorAll('#authorities tbody tr')).map(r => ({
    address: r.getAttribute('data-address'), missed: r.getAttribute('data-missed'), missing: r.classList.contains('missing')})),
  blocks: Array.from(document.querySelectorAll('#timeline .block')).map(b => ({
    number: Number(b.getAttribute('data-number')), signer: b.getAttribute('data-signer'),
    expected: b.getAttribute('data-expected'), inTurn: b.getAttribute('data-in-turn'),
    missed: b.getAttribute('data-missed')})),
  peers: document.querySelectorAll('#peers tbody tr[data-id]').length,
};
"""


def page(driver) -> dict:
    return driver.execute_script(READ_PAGE)


def head_number(driver) -> int | None:
    text = page(driver)["head"]
    return int(text) if text and text.isdigit() else None


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--bin", default=os.environ.get("CLOISTER_BIN", str(devnet.ROOT / ".build/debug/cloister")))
    cli.add_argument("--out", type=Path, default=devnet.ROOT / "Tests/e2e/out", help="where the screenshots go")
    options = cli.parse_args()
    binary = options.bin
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # unwinds: the finally below cleans up
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise SystemExit(f"FAILED: no cloister binary at {binary} (build it, or set CLOISTER_BIN / --bin)")
    busy = [p for p in [*range(RPC_PORT, RPC_PORT + 5), *range(P2P_PORT, P2P_PORT + 5), *range(METRICS_PORT, METRICS_PORT + 5)]
            if not port_free(p)]
    if busy:
        raise SystemExit(f"FAILED: ports in use on 127.0.0.1: {busy} (another run of this test?)")
    out = options.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    print("status page browser test: 4 authorities + 1 observer, headless Chromium")
    driver = start_browser()
    base = Path(tempfile.mkdtemp(prefix="cloister-status-page-"))
    procs: dict[str, subprocess.Popen] = {}
    nodes: list[dict] = []
    failed = True
    try:
        args = Namespace(authorities=4, observers=1, dir=base, period=1, chain_id=CHAIN_ID, p2p_port=P2P_PORT,
                         rpc_port=RPC_PORT, metrics_port=METRICS_PORT, bin=binary, prepare_only=True)
        _, nodes = devnet.prepare(args)
        authorities = [n for n in nodes if n["role"] == "authority"]
        observer = next(n for n in nodes if n["role"] == "observer")
        for n in nodes:
            n["verbosity"] = "trace"  # every line a node can write, searched for keys at the end
            procs[n["name"]] = devnet.start(binary, n)
        print(f"  devnet in {base}; the observer's page: http://127.0.0.1:{observer['rpc']}/status")

        wait("the observer answers JSON-RPC and the chain has 2 blocks",
             lambda: int(rpc(observer["rpc"], "eth_blockNumber"), 16) >= 2)

        def served(path: str, kind: str):
            status, ctype, body = get(observer["rpc"], path)
            if status != 200 or kind not in ctype:
                raise Failure(f"GET {path} answered {status} ({ctype or 'no content type'}): {body[:200]!r}")
            return body
        status = json.loads(wait("GET /status.json answers JSON", lambda: served("/status.json", "json")))
        if status.get("role") != "observer":
            raise Failure(f"/status.json of the observer says role {status.get('role')!r}")
        wait("GET /status answers HTML", lambda: served("/status", "html"))

        url = f"http://127.0.0.1:{observer['rpc']}/status"
        driver.get(url)
        wait("#ws-state says live (subscribed to newHeads)", lambda: page(driver)["ws"] == "live")
        expected = sorted(n["address"].lower() for n in authorities)

        def four_rows():
            shown = sorted((r["address"] or "").lower() for r in page(driver)["authorities"])
            if len(shown) != 4 or shown != expected:
                raise Failure(f"the authorities table lists {shown}, not {expected}")
            return True
        wait("#authorities lists exactly the 4 authorities of the devnet", four_rows)
        first = wait("#head-number shows the head", lambda: head_number(driver))
        wait(f"#head-number advances by 3 (from {first})", lambda: (head_number(driver) or 0) >= first + 3)
        wait("the timeline holds at least 3 blocks", lambda: len(page(driver)["blocks"]) >= 3)
        if page(driver)["banner"] is not True:
            raise Failure("#simulated-banner is shown on a chain without a (simulated) confidential module")
        print(f"  (the page lists {page(driver)['peers']} peers)")

        def observer_metrics():
            m = metrics(observer["metrics"])
            peers = m.get('cloister_p2p_peers{direction="inbound"}', 0) + m.get('cloister_p2p_peers{direction="outbound"}', 0)
            if peers != 4:
                raise Failure(f"the observer's metrics count {peers} peers, not 4")
            if m.get('cloister_p2p_bytes_total{direction="in",protocol="eth"}', 0) <= 0:
                raise Failure("the observer's metrics count no eth bytes received")
            if m.get('cloister_chain_blocks_imported_total{outcome="extended"}', 0) < 3:
                raise Failure("the observer's metrics count fewer than 3 imported blocks")
            return True
        wait("the observer's /metrics counts 4 peers, eth bytes in and imported blocks", observer_metrics)
        sealed = sum(v for k, v in metrics(authorities[0]["metrics"]).items() if k.startswith("cloister_chain_blocks_sealed_total"))
        if sealed < 1:
            raise Failure(f"{authorities[0]['name']}'s metrics count no sealed block")
        imported = [l for l in (observer["dir"] / "node.log").read_text(errors="replace").splitlines() if "Imported block" in l]
        if not imported or not all(f in imported[-1] for f in ("number=", "hash=", "txs=", "gas=", "signer=", "inTurn=")):
            raise Failure(f"the observer's log has no complete 'Imported block' line: {imported[-1:]}")
        before = out / "status-page-before-stop.png"
        if not driver.save_screenshot(str(before)):
            raise Failure(f"could not save {before}")
        print(f"  screenshot: {before}")

        victim = authorities[1]
        address = victim["address"].lower()
        stopped_at = max(b["number"] for b in page(driver)["blocks"])
        procs[victim["name"]].terminate()
        try:
            procs[victim["name"]].wait(timeout=15)
        except subprocess.TimeoutExpired:
            procs[victim["name"]].kill()
            procs[victim["name"]].wait(timeout=10)
        print(f"  stopped {victim['name']} ({address}) with the timeline at block {stopped_at}")

        def missed_after_stop():
            shown = page(driver)
            row = next((r for r in shown["authorities"] if (r["address"] or "").lower() == address), None)
            if row is None:
                raise Failure(f"no row for {address} any more")
            missed = [b["number"] for b in shown["blocks"] if b["number"] > stopped_at + 1
                      and (b["expected"] or "").lower() == address and (b["signer"] or "").lower() != address
                      and b["missed"] == "true"]
            if missed and row["missing"] and int(row["missed"] or 0) >= 1:
                return missed[0]
            return None
        missed_block = wait(f"{victim['name']}'s turn after the stop is sealed by another and its row says so "
                            "(data-missed >= 1, class missing)", missed_after_stop)
        wait("the observer's metrics count out-of-turn blocks",
             lambda: metrics(observer["metrics"]).get('cloister_chain_canonical_blocks_total{turn="out"}', 0) >= 1)
        wait("the observer's metrics count the stopped peer's disconnect",
             lambda: sum(v for k, v in metrics(observer["metrics"]).items() if k.startswith("cloister_p2p_disconnects_total")) >= 1)
        mark = max(b["number"] for b in page(driver)["blocks"])
        wait(f"the timeline keeps advancing without {victim['name']} (past block {mark + 1})",
             lambda: max((b["number"] for b in page(driver)["blocks"]), default=0) >= mark + 2)
        final = head_number(driver)

        shot = out / "status-page.png"
        if not driver.save_screenshot(str(shot)):
            raise Failure(f"could not save {shot}")
        print(f"  screenshot: {shot}")

        shown = page(driver)
        if shown["fetchError"]:
            raise Failure(f"the page shows an error: {shown['fetch']}")
        problems = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "WARNING")]
        if problems:
            for e in problems:
                print(f"  console {e.get('level')}: {e.get('message')}", file=sys.stderr)
            raise Failure(f"{len(problems)} console error(s) or warning(s)")
        print("  ok: no console error or warning")
        leaked = secrets_in_logs_of(nodes)
        if leaked:
            raise Failure("secrets in the logs: " + "; ".join(leaked))
        print("  ok: no sealing key, node key or keystore password in any node's log (all ran at --verbosity trace)")
        failed = False
        print(f"status page browser test: passed ({time.time() - STARTED:.0f} s; head #{first} → #{final}, "
              f"{victim['name']} missed its turn at block {missed_block}; screenshots in {out})")
        return 0
    except Failure as e:
        print(f"FAILED: status page browser test: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - anything unexpected fails the test, saying what
        traceback.print_exc()
        print(f"FAILED: status page browser test: unexpected {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        if failed:
            diagnose(driver, out, nodes)
        try:
            driver.quit()
        except Exception:  # noqa: BLE001 - the browser may be gone already
            pass
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
        for p in procs.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
        shutil.rmtree(base, ignore_errors=True)


def diagnose(driver, out: Path, nodes: list[dict]) -> None:
    """What a failed run leaves to read: a screenshot, the console, the page's state and
    the end of the observer's log (the devnet's folder is removed afterwards)."""
    try:
        path = out / "status-page-failed.png"
        if driver.save_screenshot(str(path)):
            print(f"  screenshot of the failure: {path}", file=sys.stderr)
        for e in driver.get_log("browser"):
            print(f"  console {e.get('level')}: {e.get('message')}", file=sys.stderr)
        shown = page(driver)
        shown["blocks"] = shown["blocks"][-8:]
        print(f"  page: {json.dumps(shown)}", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - diagnostics only
        print(f"  (no browser state: {e})", file=sys.stderr)
    for n in nodes:
        if n["role"] == "observer":
            log = n["dir"] / "node.log"
            try:
                tail = log.read_text(errors="replace").splitlines()[-25:]
            except OSError:
                continue
            print(f"  last lines of {log}:", file=sys.stderr)
            for line in tail:
                print(f"    {line}", file=sys.stderr)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the finally has run: nodes stopped, browser closed, folder removed
        print("interrupted", file=sys.stderr)
        sys.exit(130)
