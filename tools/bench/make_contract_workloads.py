#!/usr/bin/env python3
"""Compiles the Vyper benchmark contracts in Benchmarks/contracts/ and writes, for
each NAME.vy:

  Benchmarks/contracts/NAME.hex   the runtime bytecode (0x-hex, one line), as
                                  `vyper --evm-version london -f bytecode_runtime`
                                  prints it
  Benchmarks/contracts/NAME.json  a state test (GeneralStateTests format, see
                                  shared/vectors/README.md) that calls the
                                  contract's benchmark function once

The state test puts the runtime code at CONTRACT (no constructor runs; the ERC-20's
initial balances are written straight into `pre` storage), funds SENDER, and has a
signed legacy transaction (EIP-155, chain id 1) in `txbytes`. Its `post` has a
"London" and a "Cancun" entry whose `hash` and `logs` are 0x00.. placeholders: the
Swift runner computes and checks its own roots (tools/bench/evm_peers.py prints
py-evm's roots for these files as a cross-check).

SECRET_KEY is the well-known, test-only sender key of ethereum/tests
(0x45a915e4...ff2d8 -> 0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b). It is public and
must never hold anything of value.

Run with the bench venv (vyper 0.4.3, py-evm, eth-keys):
    tools/bench/.venv/bin/python tools/bench/make_contract_workloads.py [--n NAME=N ...]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

from eth_hash.auto import keccak
from eth_keys import keys
import rlp
from eth.vm.forks import LondonVM

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_DIR = os.path.join(ROOT, "Benchmarks", "contracts")

# Test-only key from ethereum/tests (the standard GeneralStateTests sender). Public.
SECRET_KEY = "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8"
SENDER = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
CONTRACT = "0xcccccccccccccccccccccccccccccccccccccccc"
CHAIN_ID = 1
EVM_VERSION = "london"  # no PUSH0/MCOPY/TSTORE: the same code runs in the London and Cancun posts

ENV = {
    "currentBaseFee": "0x0a",
    "currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
    "currentDifficulty": "0x020000",
    "currentExcessBlobGas": "0x00",
    "currentGasLimit": "0x7fffffffffffffff",
    "currentNumber": "0x01",
    "currentRandom": "0x0000000000000000000000000000000000000000000000000000000000020000",
    "currentTimestamp": "0x03e8",
}
GAS_PRICE = 0x0A
TX_GAS = 1_000_000_000  # far above what any workload uses, far below currentGasLimit
SENDER_BALANCE = 10**21  # 1000 ether: covers TX_GAS * GAS_PRICE
ZERO32 = "0x" + "00" * 32

# name -> (function signature, default n). n is chosen for roughly 10-100 M gas
# (see Benchmarks/contracts/README.md for the measured values).
WORKLOADS = {
    "keccak_chain": ("chain(uint256)", 200_000),
    "fib_mulmod": ("fib(uint256)", 150_000),
    "erc20": ("bench(uint256)", 500),
}

ERC20_SUPPLY = 10**30


def vyper_exe():
    here = os.path.join(os.path.dirname(sys.executable), "vyper")
    return here if os.path.exists(here) else shutil.which("vyper")


def compile_vyper(path):
    exe = vyper_exe()
    if exe is None:
        sys.exit("vyper not found: run with tools/bench/.venv/bin/python")
    out = subprocess.run(
        [exe, "--evm-version", EVM_VERSION, "-f", "bytecode_runtime,layout", path],
        check=True, capture_output=True, text=True).stdout.splitlines()
    runtime, layout = out[0].strip(), json.loads(out[1])
    if not runtime.startswith("0x"):
        runtime = "0x" + runtime
    version = subprocess.run([exe, "--version"], check=True, capture_output=True,
                             text=True).stdout.strip()
    return runtime, layout.get("storage_layout", layout), version


def selector(signature):
    return keccak(signature.encode())[:4]


def u256(x):
    return x.to_bytes(32, "big")


def qty(x):
    """0x-hex with an even number of digits, as ethereum/tests writes numbers ("0x0a")."""
    h = format(x, "x")
    return "0x" + ("0" + h if len(h) % 2 else h)


def hashmap_slot(slot, key_bytes32):
    """Vyper's HashMap element slot: keccak256(slot ++ key) (slot first, unlike Solidity)."""
    return int.from_bytes(keccak(u256(slot) + key_bytes32), "big")


def vyper_string_storage(slot, text):
    """String[N] in storage: the length at `slot`, the bytes from slot + 1 on (left-aligned)."""
    data = text.encode()
    assert len(data) <= 32
    return {slot: len(data), slot + 1: int.from_bytes(data.ljust(32, b"\0"), "big")}


def erc20_storage(layout):
    def slot_of(name):
        return layout[name]["slot"]

    s = {}
    s.update(vyper_string_storage(slot_of("name"), "Cloister Bench Token"))
    s.update(vyper_string_storage(slot_of("symbol"), "CBT"))
    s[slot_of("decimals")] = 18
    s[slot_of("totalSupply")] = ERC20_SUPPLY
    sender_key = bytes(12) + bytes.fromhex(SENDER[2:])
    s[hashmap_slot(slot_of("balanceOf"), sender_key)] = ERC20_SUPPLY
    return s


def sign_legacy(nonce, gas_price, gas, to, value, data):
    builder = LondonVM.get_transaction_builder()
    unsigned = builder.create_unsigned_transaction(
        nonce=nonce, gas_price=gas_price, gas=gas, to=bytes.fromhex(to[2:]), value=value,
        data=data)
    signed = unsigned.as_signed_transaction(keys.PrivateKey(bytes.fromhex(SECRET_KEY[2:])),
                                            chain_id=CHAIN_ID)
    assert "0x" + signed.sender.hex() == SENDER, "secret key does not match SENDER"
    return "0x" + rlp.encode(signed).hex()


def state_test(name, runtime, layout, signature, n, vyper_version):
    storage = erc20_storage(layout) if name == "erc20" else {}
    data = selector(signature) + u256(n)
    txbytes = sign_legacy(0, GAS_PRICE, TX_GAS, CONTRACT, 0, data)
    entry = {
        "hash": ZERO32,
        "indexes": {"data": 0, "gas": 0, "value": 0},
        "logs": ZERO32,
        "txbytes": txbytes,
    }
    fn = signature.split("(")[0]
    return {
        name: {
            "_info": {
                "comment": "generated by tools/bench/make_contract_workloads.py; "
                           "post roots are filled by the Swift runner",
                "labels": {"0": f"{fn}({n})"},
                "source": f"Benchmarks/contracts/{name}.vy",
                "compiler": f"vyper {vyper_version} --evm-version {EVM_VERSION} "
                            f"-f bytecode_runtime",
                "secretKey": "test-only: the standard ethereum/tests sender key; public, "
                             "never use it for anything of value",
            },
            "env": dict(ENV),
            "pre": {
                CONTRACT: {
                    "balance": "0x00",
                    "code": runtime,
                    "nonce": "0x01",
                    "storage": {qty(k): qty(v) for k, v in sorted(storage.items())},
                },
                SENDER: {
                    "balance": qty(SENDER_BALANCE),
                    "code": "0x",
                    "nonce": "0x00",
                    "storage": {},
                },
            },
            "transaction": {
                "data": ["0x" + data.hex()],
                "gasLimit": [qty(TX_GAS)],
                "gasPrice": qty(GAS_PRICE),
                "nonce": "0x00",
                "secretKey": SECRET_KEY,
                "sender": SENDER,
                "to": CONTRACT,
                "value": ["0x00"],
            },
            "post": {"London": [dict(entry)], "Cancun": [dict(entry)]},
        }
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", action="append", default=[], metavar="NAME=N",
                    help="override a workload's n, e.g. --n erc20=1000")
    ap.add_argument("--only", action="append", default=[], help="only these contracts")
    args = ap.parse_args()
    ns = {k: v[1] for k, v in WORKLOADS.items()}
    for item in args.n:
        k, v = item.split("=", 1)
        if k not in ns:
            sys.exit(f"unknown workload {k}")
        ns[k] = int(v.replace("_", ""))
    for name, (signature, _) in WORKLOADS.items():
        if args.only and name not in args.only:
            continue
        src = os.path.join(OUT_DIR, name + ".vy")
        runtime, layout, version = compile_vyper(src)
        with open(os.path.join(OUT_DIR, name + ".hex"), "w") as f:
            f.write(runtime + "\n")
        test = state_test(name, runtime, layout, signature, ns[name], version)
        with open(os.path.join(OUT_DIR, name + ".json"), "w") as f:
            json.dump(test, f, indent=2)
            f.write("\n")
        print(f"{name}: {len(runtime) // 2 - 1} bytes of runtime code, n = {ns[name]} -> "
              f"{os.path.relpath(os.path.join(OUT_DIR, name + '.json'), ROOT)}")


if __name__ == "__main__":
    main()
