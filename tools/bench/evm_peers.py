#!/usr/bin/env python3
"""Runs GeneralStateTests-format workloads (the ipsilon evm-benchmarks and
Benchmarks/contracts/*.json) in two peer EVMs from PyPI and prints one JSON line
per workload, in the shape the Swift runner prints for Cloister, so that a report
can join the three engines on (file, index):

    {"engine": "pyrevm", "file": "main/sha1_divs.json", "index": 0, "label": "empty",
     "gasUsed": N, "seconds": S, "mgasPerSecond": M, ...}

usage: evm_peers.py [--engine pyrevm|pyevm|all] [--min-seconds 1.0] [--max-runs 20]
                    [--timeout 120] [--fork London] FILE_OR_DIR...

Run it with the bench venv (tools/bench/.venv/bin/python: pyrevm 0.3.7, py-evm 0.12.1b1).

Workloads. For each state-test file, each test in it, and each post entry of the
London fork (or, if the file has no London post, of the newest fork it has; --fork
picks another), the workload is that entry's transaction (transaction.data[d],
gasLimit[g], value[v] of its `indexes`) applied to the `pre` state under `env`.
"file" is the last two path components ("main/sha1_divs.json",
"contracts/erc20.json"), "index" the position of the entry in the fork's post list,
"label" is _info.labels[<data index>] when present.

What is timed (the best of the runs is reported; setup and state reset are not timed;
runs repeat until their timed total reaches --min-seconds or --max-runs runs, the rule
Benchmarks/EVMBenchmarks follows):
  * pyrevm, fresh per run like Cloister's EVMBenchmarks: each run gets a new
    pyrevm.EVM holding the `pre` state (built before the clock starts): no analysed
    code, loaded account or slot survives from one run to the next (revm analyses
    jump destinations when a frame starts, inside the timed call). The clock covers
    one EVM.message_call(caller=sender, to, data, value, gas=tx gasLimit,
    gas_price=effective gas price) (EVM.deploy(...) for a contract-creation
    transaction), Python->Rust argument conversion and result object included. That is
    revm's transaction path minus the fee handling: tx-env validation, intrinsic gas
    (21000 + calldata + access list), warming of sender/to/precompiles/access list, the
    call frame and everything it calls, and the final gas/refund accounting (EIP-3529
    cap). pyrevm's message_call skips buying gas, the nonce bump, the refund to the
    sender and the coinbase fee, and runs with block.basefee = 0 (the BASEFEE opcode
    reads 0); the signature is not checked (the sender is given). gasUsed =
    ExecutionResult.gas_used, i.e. the transaction's gas used including intrinsic gas,
    after refunds -- the receipt value. A new EVM per run rather than a
    snapshot()/revert() reset: a snapshot would run the call one journal level deep,
    which moves the 1024 call-depth limit. pre storage is inserted so that accounts and
    slots start cold with the right original values (see fresh_evm()).
    Baseline, to take the Python->Rust call overhead out: the same message_call (same
    sender, calldata, value, gas, gas price, access list) to a recipient whose code is a
    single STOP, timed the same way, best of BASELINE_RUNS (200) runs: "baselineSeconds",
    "baselineGasUsed". "netSeconds" = seconds - baselineSeconds, "netGas" = gasUsed -
    baselineGasUsed, "netMgasPerSecond" = netGas / netSeconds. The baseline holds the
    call overhead (argument conversion, building revm's env and handler, the result
    object) and revm's fixed per-transaction work; EVMBenchmarks subtracts its own
    baseline (the same transaction to a STOP recipient, which holds Cloister's fee
    handling too), so the net figures of both engines time the same thing: the
    workload's code, from analysis to the frame's return, beyond an empty call.
    Contract creations get no baseline.
  * py-evm: one state.apply_transaction(tx) on a fresh LondonState (or the
    fork's state class): validation against the state, buying gas, nonce bump,
    intrinsic gas, the message and everything it calls, refunds and the coinbase
    fee. Not timed: decoding `txbytes`, checking the signature and recovering the
    sender (done once before, then cached on the transaction object -- py-evm would
    otherwise redo the pure-Python ecrecover several times per transaction),
    building the pre state and computing the state root. gasUsed =
    VM.finalize_gas_used(tx, computation), the value py-evm puts into the receipt.
    The state is rebuilt from `pre` before every run. py-evm is pure Python (hundreds of
    times slower than revm): when one run takes more than 2 s no further run is made, and
    a workload is abandoned after --timeout seconds (SIGALRM) with "timedOut": true.
    After the first run the post state root is compared with the file's post
    `hash` ("rootMatches"); for generated files whose roots are 0x00.. placeholders,
    py-evm's root is printed as "stateRoot" instead.

Extra fields: "runs", "timing" ("fresh"), "status" (success / revert / halt:<reason>), "fork", and
"caveat" when pyrevm's basefee-0 limitation can change the result (code with BASEFEE).
A workload an engine cannot run gives a line with "error" and the script goes on.
"""
import argparse
import json
import os
import signal
import sys
import time
import traceback

# Fork order, oldest first: to pick the newest post when London is absent.
FORK_ORDER = [
    "Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople",
    "ConstantinopleFix", "Petersburg", "Istanbul", "Berlin", "London", "Paris", "Merge",
    "Shanghai", "Cancun", "Prague",
]
POST_MERGE = {"Paris", "Merge", "Shanghai", "Cancun", "Prague"}
PYEVM_SLOW_RUN_SECONDS = 2.0
BASELINE_RUNS = 200  # runs of the STOP-recipient baseline (microseconds each), as EVMBenchmarks


def to_int(x):
    if isinstance(x, int):
        return x
    return int(x, 16) if x.lower().startswith("0x") else int(x)


def to_bytes(x):
    x = x[2:] if x.startswith(("0x", "0X")) else x
    return bytes.fromhex(x)


def is_placeholder(h):
    return h is None or set(h.lower().removeprefix("0x")) <= {"0"}


class Workload:
    """One post entry of one state test, normalised."""

    def __init__(self, path, test_name, test, fork, index, entry, n_tests):
        self.path = path
        self.file = "/".join(os.path.abspath(path).split(os.sep)[-2:])
        self.test_name = test_name
        self.n_tests = n_tests
        self.fork = fork
        self.index = index
        tx = test["transaction"]
        idx = entry.get("indexes", {})
        self.data_index = idx.get("data", 0)
        self.gas_index = idx.get("gas", 0)
        self.value_index = idx.get("value", 0)
        labels = test.get("_info", {}).get("labels", {}) or {}
        self.label = labels.get(str(self.data_index))
        self.pre = test["pre"]
        self.env = test["env"]
        self.sender = tx.get("sender")
        self.secret_key = tx.get("secretKey")
        self.to = tx.get("to") or None
        self.data = to_bytes(tx["data"][self.data_index])
        self.gas = to_int(tx["gasLimit"][self.gas_index])
        self.value = to_int(tx["value"][self.value_index])
        self.nonce = to_int(tx.get("nonce", "0x0"))
        access_lists = tx.get("accessLists")
        self.access_list = None
        if access_lists and self.data_index < len(access_lists):
            self.access_list = access_lists[self.data_index]
        base_fee = to_int(self.env.get("currentBaseFee", "0x0"))
        if "gasPrice" in tx:
            self.gas_price = to_int(tx["gasPrice"])
        else:
            self.gas_price = min(to_int(tx["maxFeePerGas"]),
                                 base_fee + to_int(tx["maxPriorityFeePerGas"]))
        self.txbytes = entry.get("txbytes")
        self.expected_root = entry.get("hash")
        self.expected_logs = entry.get("logs")
        self.expect_exception = entry.get("expectException")

    def head(self, engine):
        out = {"engine": engine, "file": self.file, "index": self.index, "label": self.label}
        if self.n_tests > 1:
            out["test"] = self.test_name
        return out


def pick_fork(post, wanted):
    if wanted:
        return wanted if wanted in post else None
    if "London" in post:
        return "London"
    known = [f for f in FORK_ORDER if f in post]
    if known:
        return known[-1]
    return sorted(post)[-1] if post else None


def load_workloads(paths, wanted_fork):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, n) for n in names if n.endswith(".json")]
        else:
            files.append(p)
    workloads, problems = [], []
    for path in sorted(files):
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            tests = {k: v for k, v in doc.items() if isinstance(v, dict) and "post" in v}
            if not tests:
                problems.append((path, "not a state test (no test with a post section)"))
            for name, test in tests.items():
                fork = pick_fork(test["post"], wanted_fork)
                if fork is None:
                    problems.append((path, f"no post entry for fork {wanted_fork}"))
                    continue
                for i, entry in enumerate(test["post"][fork]):
                    workloads.append(Workload(path, name, test, fork, i, entry, len(tests)))
        except Exception as e:  # noqa: BLE001 - keep going on a broken file
            problems.append((path, f"{type(e).__name__}: {e}"))
    return workloads, problems


# ---------------------------------------------------------------------------
# pyrevm

PYREVM_SPECS = {
    "Frontier": "Frontier", "Homestead": "Homestead", "EIP150": "Tangerine",
    "EIP158": "Spurious", "Byzantium": "Byzantium", "Constantinople": "Constantinople",
    "ConstantinopleFix": "Petersburg", "Petersburg": "Petersburg", "Istanbul": "Istanbul",
    "Berlin": "Berlin", "London": "London", "Paris": "Merge", "Merge": "Merge",
    "Shanghai": "Shanghai", "Cancun": "Cancun", "Prague": "Prague",
}
# revm's SpecId::from(&str) silently maps an unknown name to LATEST: probe that the
# spec really took effect with an opcode whose activation we know.
#   (code, fork -> whether the opcode must run)
_PUSH0_PROBE = bytes.fromhex("5f00")        # PUSH0 STOP: Shanghai+
_TLOAD_PROBE = bytes.fromhex("5f5c00")      # PUSH0 TLOAD STOP: Cancun+


class PyrevmEngine:
    name = "pyrevm"

    def __init__(self):
        import pyrevm  # noqa: F401
        self.pyrevm = pyrevm
        self._probed = {}

    def _new_evm(self, w):
        p = self.pyrevm
        spec = PYREVM_SPECS.get(w.fork)
        env = w.env
        block_kwargs = dict(
            number=to_int(env["currentNumber"]),
            coinbase=env["currentCoinbase"],
            timestamp=to_int(env["currentTimestamp"]),
            difficulty=to_int(env.get("currentDifficulty", "0x0")),
            basefee=to_int(env.get("currentBaseFee", "0x0")),
            gas_limit=to_int(env["currentGasLimit"]),
        )
        if w.fork in POST_MERGE and env.get("currentRandom"):
            block_kwargs["prevrandao"] = to_bytes(env["currentRandom"])
            block_kwargs["difficulty"] = 0
        if "currentExcessBlobGas" in env:
            block_kwargs["excess_blob_gas"] = to_int(env["currentExcessBlobGas"])
        evm = p.EVM(
            env=p.Env(cfg=p.CfgEnv(chain_id=1), block=p.BlockEnv(**block_kwargs)),
            # message_call uses this as the block gas limit (and default tx gas)
            gas_limit=to_int(env["currentGasLimit"]),
            spec_id=spec,
        )
        return evm, spec

    def _probe_spec(self, w, spec):
        if spec is None:
            raise RuntimeError(f"pyrevm: no spec id for fork {w.fork}")
        if spec in self._probed:
            return
        p = self.pyrevm
        checks = []
        if spec in ("Berlin", "London", "Merge", "Shanghai", "Cancun"):
            checks.append((_PUSH0_PROBE, spec in ("Shanghai", "Cancun")))
        if spec in ("Shanghai", "Cancun"):
            checks.append((_TLOAD_PROBE, spec == "Cancun"))
        for code, should_run in checks:
            evm = p.EVM(env=p.Env(block=p.BlockEnv(number=1, timestamp=1, gas_limit=10**7,
                                                  prevrandao=bytes(32))),
                        gas_limit=10**7, spec_id=spec)
            probe = "0x" + "00" * 19 + "77"
            evm.insert_account_info(probe, p.AccountInfo(code=code))
            try:
                evm.message_call("0x" + "00" * 19 + "01", probe, b"", gas=100000)
                ran = True
            except RuntimeError:
                ran = False
            if ran != should_run:
                raise RuntimeError(f"pyrevm spec {spec!r} did not take effect "
                                   f"(opcode probe {code.hex()} ran={ran})")
        self._probed[spec] = True

    def prepare(self, w):
        """Returns run_once() -> (seconds, gasUsed, status)."""
        p = self.pyrevm
        if w.expect_exception:
            raise RuntimeError(f"post entry expects an invalid transaction ({w.expect_exception})")
        spec = PYREVM_SPECS.get(w.fork)
        self._probe_spec(w, spec)
        sender = w.sender or derive_sender(w)
        def account(acc, code=None):
            return p.AccountInfo(balance=to_int(acc.get("balance", "0x0")),
                                 nonce=to_int(acc.get("nonce", "0x0")),
                                 code=code if code is not None else (to_bytes(acc.get("code", "0x")) or None))

        pre = [(addr, account(acc), [(to_int(k), to_int(v)) for k, v in acc.get("storage", {}).items()])
               for addr, acc in w.pre.items()]
        # The baseline's pre state: the recipient's code is a single STOP (balance, nonce
        # and storage kept; the account is created if absent), as EVMBenchmarks does.
        stop_pre = None
        if w.to is not None:
            recipient = w.to.lower().removeprefix("0x")
            stop_pre = [(addr, account(acc, code=b"\x00") if addr.lower().removeprefix("0x") == recipient else info, storage)
                        for (addr, info, storage), acc in zip(pre, w.pre.values())]
            if not any(addr.lower().removeprefix("0x") == recipient for addr, _, _ in pre):
                stop_pre.append((w.to, p.AccountInfo(code=b"\x00"), []))
        access_list = None
        if w.access_list:
            access_list = [(a["address"], [to_int(k) for k in a["storageKeys"]])
                           for a in w.access_list]

        def fresh_evm(pre=pre):
            # A new EVM per run instead of snapshot()/revert() around the call: a
            # snapshot raises revm's journal depth by one, so the call-depth limit
            # (1024) would hit one frame early (seen on stRevertTest/
            # LoopCallsDepthThenRevert2). Building it costs microseconds and is not timed.
            evm, _ = self._new_evm(w)
            for addr, info, storage in pre:
                evm.insert_account_info(addr, info)
                for slot, value in storage:
                    # pyrevm 0.3.7's insert_account_storage writes the slot to its
                    # CacheDB only while the account is not in revm's journal, and then
                    # loads the account into the journal (warm). A second insert for
                    # that account becomes a journaled SSTORE (warm slot, original value
                    # 0): wrong gas for SLOAD/SSTORE/refunds and for the first access to
                    # the account. Reverting a checkpoint after each insert undoes the
                    # AccountLoaded entry, so every slot lands in the DB and the account
                    # starts cold, as in a real transaction.
                    checkpoint = evm.snapshot()
                    evm.insert_account_storage(addr, slot, value)
                    evm.revert(checkpoint)
            if access_list:
                # message_call copies the remaining tx fields (the access list) from env.tx
                evm.set_tx_env(p.TxEnv(access_list=access_list))
            if evm.journal_depth != 0:
                raise RuntimeError(f"pyrevm journal depth {evm.journal_depth} after setup")
            return evm

        fresh_evm()  # fail in setup, not in the first run, if the pre state is unusable
        if w.env.get("currentBaseFee") and to_int(w.env["currentBaseFee"]) and any(
                uses_opcode(to_bytes(acc.get("code", "0x")), 0x48) for acc in w.pre.values()):
            run_caveat = ("code has BASEFEE: pyrevm's message_call runs with basefee 0, "
                          "so gasUsed may differ from the other engines")
        else:
            run_caveat = None

        def run_once(pre=pre):
            evm = fresh_evm(pre)
            t0 = time.perf_counter()
            try:
                if w.to is None:  # contract creation: initcode = data
                    evm.deploy(sender, w.data, value=w.value, gas=w.gas, gas_price=w.gas_price)
                else:
                    evm.message_call(sender, w.to, w.data, value=w.value, gas=w.gas,
                                     gas_price=w.gas_price)
                failure = None
            except RuntimeError as e:  # reverts and halts are raised; evm.result has them
                failure = str(e)
            t1 = time.perf_counter()
            result = evm.result
            if failure is not None:
                kind = failure.split(" ", 1)[0].split("{", 1)[0]
                if kind not in ("Revert", "Halt") or result is None:
                    raise RuntimeError(f"pyrevm: {failure[:300]}")
                status = "revert" if kind == "Revert" else f"halt:{result.reason}"
            else:
                status = "success"
            return t1 - t0, result.gas_used, status

        run_once.caveat = run_caveat
        if stop_pre is not None:
            run_once.baseline = lambda: run_once(stop_pre)
        return run_once


def uses_opcode(code, opcode):
    """True if `opcode` occurs as an instruction (not inside PUSH data) in `code`."""
    i, n = 0, len(code)
    while i < n:
        op = code[i]
        if op == opcode:
            return True
        i += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
    return False


def derive_sender(w):
    if not w.secret_key:
        raise RuntimeError("transaction has neither sender nor secretKey")
    from eth_keys import keys
    return keys.PrivateKey(to_bytes(w.secret_key)).public_key.to_checksum_address()


# ---------------------------------------------------------------------------
# py-evm

class PyevmEngine:
    name = "pyevm"

    def __init__(self):
        from eth.vm import forks
        from eth.vm.execution_context import ExecutionContext
        from eth.db.atomic import AtomicDB
        from eth.constants import BLANK_ROOT_HASH
        self.ExecutionContext = ExecutionContext
        self.AtomicDB = AtomicDB
        self.BLANK_ROOT_HASH = BLANK_ROOT_HASH
        self.setup_state = setup_state  # eth.tools.fixtures.helpers' version imports pytest
        self.vms = {
            "Frontier": forks.FrontierVM, "Homestead": forks.HomesteadVM,
            "EIP150": forks.TangerineWhistleVM, "EIP158": forks.SpuriousDragonVM,
            "Byzantium": forks.ByzantiumVM, "Constantinople": forks.ConstantinopleVM,
            "ConstantinopleFix": forks.PetersburgVM, "Petersburg": forks.PetersburgVM,
            "Istanbul": forks.IstanbulVM, "Berlin": forks.BerlinVM, "London": forks.LondonVM,
            "Paris": forks.ParisVM, "Merge": forks.ParisVM, "Shanghai": forks.ShanghaiVM,
            "Cancun": forks.CancunVM, "Prague": forks.PragueVM,
        }

    def prepare(self, w):
        vm = self.vms.get(w.fork)
        if vm is None:
            raise RuntimeError(f"py-evm: no VM for fork {w.fork}")
        if not w.txbytes:
            raise RuntimeError("post entry has no txbytes")
        if w.expect_exception:
            raise RuntimeError(f"post entry expects an invalid transaction ({w.expect_exception})")
        tx = vm.get_transaction_builder().decode(to_bytes(w.txbytes))
        # Signature work is pure-Python ecrecover in py-evm (~10 ms each, several per
        # transaction): do it once here, outside the timing, and cache the results.
        tx.check_signature_validity()
        sender = tx.sender
        cls = type(tx)
        tx.__class__ = type("SenderCached" + cls.__name__, (cls,), {
            "get_sender": lambda self, _s=sender: _s,
            "check_signature_validity": lambda self: None,
        })
        if w.sender and sender.hex() != w.sender.lower().removeprefix("0x"):
            raise RuntimeError(f"txbytes sender 0x{sender.hex()} != transaction.sender {w.sender}")
        pre = normalize_pre(w.pre)
        env = w.env
        post_merge = w.fork in POST_MERGE
        kwargs = dict(
            coinbase=to_bytes(env["currentCoinbase"]),
            timestamp=to_int(env["currentTimestamp"]),
            block_number=to_int(env["currentNumber"]),
            difficulty=0 if post_merge else to_int(env.get("currentDifficulty", "0x0")),
            mix_hash=to_bytes(env["currentRandom"]) if post_merge and env.get("currentRandom")
            else bytes(32),
            gas_limit=to_int(env["currentGasLimit"]),
            prev_hashes=[to_bytes(env["previousHash"])] if env.get("previousHash") else [],
            chain_id=1,
        )
        if to_int(env.get("currentBaseFee", "0x0")) or w.fork not in (
                "Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople",
                "ConstantinopleFix", "Petersburg", "Istanbul", "Berlin"):
            kwargs["base_fee_per_gas"] = to_int(env.get("currentBaseFee", "0x0"))
        if "currentExcessBlobGas" in env:
            kwargs["excess_blob_gas"] = to_int(env["currentExcessBlobGas"])
        engine = self
        last = {}

        def run_once():
            state = vm.get_state_class()(engine.AtomicDB(),
                                         engine.ExecutionContext(**kwargs),
                                         engine.BLANK_ROOT_HASH)
            engine.setup_state(pre, state)
            t0 = time.perf_counter()
            computation = state.apply_transaction(tx)
            t1 = time.perf_counter()
            gas_used = vm.finalize_gas_used(tx, computation)
            if computation.is_success:
                status = "success"
            else:
                err = computation.error
                status = "revert" if type(err).__name__ == "Revert" else \
                    f"halt:{type(err).__name__}"
            last["state"], last["computation"] = state, computation
            return t1 - t0, gas_used, status

        def post_check():
            """Untimed: post-state root (and logs hash) against the file."""
            import rlp
            from eth_hash.auto import keccak
            state, computation = last["state"], last["computation"]
            state.persist()
            root = "0x" + state.state_root.hex()
            logs = [[a, [t.to_bytes(32, "big") for t in topics], d]
                    for a, topics, d in computation.get_log_entries()]
            logs_hash = "0x" + keccak(rlp.encode(logs)).hex()
            out = {}
            if is_placeholder(w.expected_root):
                out["stateRoot"] = root
                out["logsHash"] = logs_hash
            else:
                out["rootMatches"] = root == w.expected_root.lower()
                if w.expected_logs and not is_placeholder(w.expected_logs):
                    out["logsMatch"] = logs_hash == w.expected_logs.lower()
                if not out["rootMatches"]:
                    out["stateRoot"] = root
            return out

        run_once.post_check = post_check
        return run_once


def setup_state(pre, state):
    """Same as py-evm's eth.tools.fixtures.helpers.setup_state (which needs pytest)."""
    for account, data in pre.items():
        for slot, value in data["storage"].items():
            state.set_storage(account, slot, value)
        state.set_nonce(account, data["nonce"])
        state.set_code(account, data["code"])
        state.set_balance(account, data["balance"])
    state.persist()


def normalize_pre(pre):
    out = {}
    for addr, acc in pre.items():
        out[to_bytes(addr)] = {
            "balance": to_int(acc.get("balance", "0x0")),
            "nonce": to_int(acc.get("nonce", "0x0")),
            "code": to_bytes(acc.get("code", "0x")),
            "storage": {to_int(k): to_int(v) for k, v in acc.get("storage", {}).items()},
        }
    return out


# ---------------------------------------------------------------------------

class Timeout(BaseException):  # not an Exception: py-evm must not swallow it
    pass


def _alarm(signum, frame):
    raise Timeout()


def measure(engine, w, args):
    """Runs one workload; returns the JSON object to print."""
    out = w.head(engine.name)
    slow_cut = engine.name == "pyevm"
    timeout = args.timeout
    use_alarm = engine.name == "pyevm" and timeout > 0 and hasattr(signal, "setitimer")
    try:
        run_once = engine.prepare(w)
    except Exception as e:  # noqa: BLE001
        out["error"] = f"setup: {type(e).__name__}: {e}"[:500]
        return out
    times, gas_values, statuses = [], set(), set()
    total = 0.0
    wall0 = time.perf_counter()
    try:
        while len(times) < args.max_runs:
            if use_alarm:
                remaining = timeout - (time.perf_counter() - wall0)
                if remaining <= 0:
                    raise Timeout()
                signal.signal(signal.SIGALRM, _alarm)
                signal.setitimer(signal.ITIMER_REAL, remaining)
            try:
                seconds, gas_used, status = run_once()
            finally:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            times.append(seconds)
            gas_values.add(gas_used)
            statuses.add(status)
            total += seconds
            if total >= args.min_seconds:
                break
            if slow_cut and seconds > PYEVM_SLOW_RUN_SECONDS:
                break
            if timeout > 0 and time.perf_counter() - wall0 > timeout:
                break
    except Timeout:
        if not times:
            out["timedOut"] = True
            out["seconds"] = round(time.perf_counter() - wall0, 3)
            return out
        out["note"] = "a later run timed out; best of the completed runs"
    except Exception as e:  # noqa: BLE001
        if not times:
            out["error"] = f"{type(e).__name__}: {e}"[:500]
            if args.verbose:
                traceback.print_exc(file=sys.stderr)
            return out
        out["note"] = f"run {len(times) + 1} failed: {type(e).__name__}: {e}"[:300]
    best = min(times)
    gas_used = next(iter(gas_values))
    out["gasUsed"] = gas_used
    out["seconds"] = best
    out["mgasPerSecond"] = round(gas_used / best / 1e6, 3) if best > 0 else None
    out["runs"] = len(times)
    out["timing"] = "fresh"
    baseline = getattr(run_once, "baseline", None)
    if baseline is not None:
        try:
            base_times, base_gas = [], set()
            for _ in range(BASELINE_RUNS):
                seconds, g, status = baseline()
                if status != "success":
                    raise RuntimeError(f"baseline call ended with {status}")
                base_times.append(seconds)
                base_gas.add(g)
            base_best, base_gas_used = min(base_times), next(iter(base_gas))
            out["baselineSeconds"] = base_best
            out["baselineGasUsed"] = base_gas_used
            out["baselineRuns"] = len(base_times)
            out["netSeconds"] = best - base_best
            out["netGas"] = gas_used - base_gas_used
            if out["netSeconds"] > 0 and out["netGas"] > 0:
                out["netMgasPerSecond"] = round(out["netGas"] / out["netSeconds"] / 1e6, 3)
        except Exception as e:  # noqa: BLE001
            out["baselineError"] = f"{type(e).__name__}: {e}"[:300]
    out["status"] = statuses.pop() if len(statuses) == 1 else sorted(statuses)
    out["fork"] = w.fork
    if len(gas_values) > 1:
        out["error"] = f"gasUsed differs between runs: {sorted(gas_values)}"
    if getattr(run_once, "caveat", None):
        out["caveat"] = run_once.caveat
    post_check = getattr(run_once, "post_check", None)
    if post_check is not None and not args.no_root_check:
        try:
            out.update(post_check())
        except Exception as e:  # noqa: BLE001
            out["postCheckError"] = f"{type(e).__name__}: {e}"[:300]
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", metavar="FILE", help="state-test JSON files or folders")
    ap.add_argument("--engine", choices=["pyrevm", "pyevm", "all"], default="all")
    ap.add_argument("--min-seconds", type=float, default=1.0,
                    help="repeat a workload until its timed runs add up to this (default 1.0)")
    ap.add_argument("--max-runs", type=int, default=20, help="at most this many runs (default 20)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="py-evm: abandon a workload after this many seconds (default 120; 0 = none)")
    ap.add_argument("--fork", default=None, help="post fork to run (default London, else newest)")
    ap.add_argument("--no-root-check", action="store_true",
                    help="py-evm: skip the (untimed) post-state root check")
    ap.add_argument("-v", "--verbose", action="store_true", help="tracebacks on stderr")
    args = ap.parse_args(argv)
    if args.max_runs < 1:
        ap.error("--max-runs must be at least 1")

    workloads, problems = load_workloads(args.paths, args.fork)
    names = ["pyrevm", "pyevm"] if args.engine == "all" else [args.engine]
    engines = []
    for name in names:
        try:
            engines.append(PyrevmEngine() if name == "pyrevm" else PyevmEngine())
        except Exception as e:  # noqa: BLE001 - report it per workload, go on
            engines.append(BrokenEngine(name, f"{type(e).__name__}: {e}"))

    for path, why in problems:
        for e in engines:
            print(json.dumps({"engine": e.name, "file": "/".join(
                os.path.abspath(path).split(os.sep)[-2:]), "index": None, "error": why}),
                flush=True)
    for e in engines:
        for w in workloads:
            print(json.dumps(measure(e, w, args)), flush=True)
    return 0


class BrokenEngine:
    def __init__(self, name, why):
        self.name, self.why = name, why

    def prepare(self, w):
        raise RuntimeError(f"engine unavailable: {self.why}")


if __name__ == "__main__":
    sys.exit(main())
