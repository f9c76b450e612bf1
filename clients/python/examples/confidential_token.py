"""Confidential chain-code end to end on a `cloister dev` chain: deploy the Vyper token
`ConfidentialToken.vy` with a confidential (0x40) transaction, transfer tokens, read a
balance through a signed view call, and show what everybody else sees.

    make dev DEV_ARGS="--datadir ./devchain"          # terminal 1 (keeps the chain in ./devchain)
    pip install -e clients/python                     # terminal 2
    python clients/python/examples/confidential_token.py --genesis devchain/enclave/genesis.json

`--compile` compiles the Vyper source (needs `pip install vyper==0.4.3`); by default the
script uses `ConfidentialToken.json` beside it, the same source compiled by
`compile_token.py`. The keys are the dev chain's public test keys (anvil's accounts 0
and 1): never use them anywhere else.

Exit status: 0 when every step worked; 3 when the node does not serve `conf_call` yet
(everything before the view call worked); 1 on any other failure.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import rlp  # type: ignore[import-untyped, unused-ignore]
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_utils.crypto import keccak
from web3 import Web3
from web3.types import RPCEndpoint

from cloister_client import (
    ConfidentialRefused,
    ConfidentialResult,
    PinnedPolicy,
    call_confidential,
    fetch_tx_key,
    result_of,
    send_confidential,
)

HERE = Path(__file__).resolve().parent

# anvil's / Hardhat's accounts 0 and 1 (public test keys, prefunded by `cloister dev`).
OWNER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
FRIEND_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"

TRANSFER_TOPIC = keccak(text="Transfer(address,address,uint256)")
ERROR_SELECTOR = keccak(text="Error(string)")[:4]
EXIT_NO_CONF_CALL = 3


def load_token(compile_source: bool) -> tuple[list[dict[str, Any]], bytes]:
    """The token's ABI and init code: compiled now with Vyper, or from the JSON beside
    this script."""
    if compile_source:
        import vyper  # type: ignore[import-not-found, unused-ignore]

        out = vyper.compile_code((HERE / "ConfidentialToken.vy").read_text(), output_formats=["bytecode", "abi"])
        print(f"compiled ConfidentialToken.vy with vyper {vyper.__version__}")
        return list(out["abi"]), bytes.fromhex(out["bytecode"][2:])
    artifact = json.loads((HERE / "ConfidentialToken.json").read_text())
    print(f"ConfidentialToken.vy, compiled by {artifact['compiler']} (ConfidentialToken.json)")
    return list(artifact["abi"]), bytes.fromhex(artifact["bytecode"][2:])


def wait_for_result(w3: Web3, tx_hash: bytes, response_key: bytes, pinned: PinnedPolicy) -> ConfidentialResult:
    """Polls until the transaction is mined, then decrypts its result with the response
    key only the sender holds."""
    deadline = time.time() + 60
    while time.time() < deadline:
        result = result_of(w3, tx_hash, response_key, pinned=pinned)
        if result is not None:
            return result
        time.sleep(0.25)
    raise SystemExit(f"transaction 0x{tx_hash.hex()} was not mined within 60 s")


def rpc(w3: Web3, method: str, params: list[Any]) -> Any:
    """The raw JSON-RPC reply (``result`` or ``error``), without web3's formatting."""
    return w3.provider.make_request(RPCEndpoint(method), params)


def short(value: Any, keep: int = 18) -> str:
    """A 0x hex string cut to its first bytes, for printing."""
    text = str(value)
    return text if len(text) <= keep + 3 else f"{text[:keep]}…"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rpc", default="http://127.0.0.1:8545", help="the node's JSON-RPC URL")
    parser.add_argument(
        "--genesis",
        default="devchain/enclave/genesis.json",
        help="your own copy of the chain's genesis (the dev chain writes it to DATADIR/enclave/genesis.json)",
    )
    parser.add_argument("--compile", action="store_true", help="compile the Vyper source instead of reading the JSON")
    parser.add_argument("--supply", type=int, default=1_000_000)
    parser.add_argument("--amount", type=int, default=250)
    args = parser.parse_args()

    w3 = Web3(Web3.HTTPProvider(args.rpc))
    owner = Account.from_key(OWNER_KEY)
    friend = Account.from_key(FRIEND_KEY)

    # 1. Pin the policy from a genesis file you trust, then get a transaction key the
    #    client has verified (the enclave's quote, its registry status, the signature).
    genesis_hash = w3.eth.get_block(0)["hash"]
    pinned = PinnedPolicy.from_genesis_file(args.genesis, genesis_hash="0x" + bytes(genesis_hash).hex())
    key = fetch_tx_key(w3, pinned)
    print(f"transaction key: epoch {key.epoch}, generation {key.generation}, enclave 0x{key.enclave_id.hex()[:16]}…")
    if key.simulated:
        print("WARNING: simulated TEE: this proves the protocol, not confidentiality")

    # 2. Deploy. The init code and its arguments travel encrypted to the enclave; the
    #    contract lives at the usual CREATE address of (sender, nonce).
    abi, bytecode = load_token(args.compile)
    token = w3.eth.contract(abi=abi)
    init_code = bytecode + abi_encode(
        ["uint256", "bytes32", "string"], [args.supply, b"example-marker".ljust(32, b"\0"), "hello, confidential world"]
    )
    nonce = w3.eth.get_transaction_count(owner.address, "pending")
    tx_hash, response_key = send_confidential(w3, owner, None, init_code, pinned, gas=3_000_000, nonce=nonce)
    deployed = wait_for_result(w3, tx_hash, response_key, pinned)
    address = Web3.to_checksum_address(keccak(rlp.encode([bytes.fromhex(owner.address[2:]), nonce]))[12:])
    print(f"deployed ConfidentialToken at {address}: status {int(deployed.status)}, {len(deployed.logs)} log(s)")
    if not deployed.status:
        return 1

    # 3. Transfer. Only the sender can open the result: status, return data and events.
    transfer = bytes.fromhex(token.encode_abi("transfer", [friend.address, args.amount])[2:])
    tx_hash, response_key = send_confidential(w3, owner, address, transfer, pinned, gas=200_000)
    moved = wait_for_result(w3, tx_hash, response_key, pinned)
    print(f"transfer: status {int(moved.status)}, returned {abi_decode(['bool'], moved.return_data)[0]}")
    for log in moved.logs:
        if log.topics and log.topics[0] == TRANSFER_TOPIC:
            sender = Web3.to_checksum_address(log.topics[1][12:])
            receiver = Web3.to_checksum_address(log.topics[2][12:])
            print(f"  event Transfer({sender} -> {receiver}, {abi_decode(['uint256'], log.data)[0]})")
    if not moved.status:
        return 1

    # 4. What everybody else sees: the public receipt and transaction, and the block's
    #    confidential section: ciphertext only.
    receipt = rpc(w3, "eth_getTransactionReceipt", ["0x" + tx_hash.hex()])["result"]
    public_tx = rpc(w3, "eth_getTransactionByHash", ["0x" + tx_hash.hex()])["result"]
    print(
        f"observer: receipt type {receipt['type']}, status {receipt['status']}, gasUsed {receipt['gasUsed']}, "
        f"logs {receipt['logs']}, encryptedResult {short(receipt['encryptedResult'])}"
    )
    print(f"observer: transaction to {json.dumps(public_tx['to'])}, input {public_tx['input']}, ciphertext {short(public_tx['ciphertext'])}")
    section = rpc(w3, "conf_getSection", [receipt["blockNumber"]])["result"]
    print(f"observer: conf_getSection({int(receipt['blockNumber'], 16)}) =")
    print(f"  encStateRoot {short(section['encStateRoot'])}, generation {section['generation']}, epoch {section['epoch']}")
    for entry_key, entry_value in section["diff"]:
        print(f"  diff {short(entry_key, 44)} = {short(entry_value, 30)} ({(len(entry_value) - 2) // 2} bytes)")
    for result in section["results"]:
        print(f"  result {short(result['txHash'])}: status {result['status']}, encryptedResult {short(result['encryptedResult'])}")
    refused = rpc(w3, "eth_call", [{"to": address, "data": "0x" + transfer.hex()}, "latest"])
    print(f"observer: eth_call to the token is refused: {refused['error']['message']}")

    # 5. A private read: balanceOf answers only to the owner of the balance, through a
    #    view envelope signed by that owner (conf_call). Nothing changes on chain.
    try:
        mine = call_confidential(w3, friend, address, bytes.fromhex(token.encode_abi("balanceOf", [friend.address])[2:]), pinned)
        peek = call_confidential(w3, friend, address, bytes.fromhex(token.encode_abi("balanceOf", [owner.address])[2:]), pinned)
    except ConfidentialRefused as refusal:
        if refusal.code == "rpc" and "-32601" in str(refusal):
            print(f"this node does not serve conf_call yet: {refusal}")
            return EXIT_NO_CONF_CALL
        raise
    print(f"balanceOf(friend) read by friend: {abi_decode(['uint256'], mine.return_data)[0]}")
    reason = abi_decode(["string"], peek.return_data[4:])[0] if peek.return_data[:4] == ERROR_SELECTOR else ""
    print(f"balanceOf(owner) read by friend: status {int(peek.status)}, reverted: {reason!r}")
    return 0 if mine.status and not peek.status else 1


if __name__ == "__main__":
    sys.exit(main())
