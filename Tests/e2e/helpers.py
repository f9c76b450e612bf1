"""Constants and helpers shared by the end-to-end tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import requests
from eth_account.signers.local import LocalAccount
from web3 import Web3

#: The mnemonic anvil and Hardhat derive their accounts from. Test-only keys.
MNEMONIC = "test test test test test test test test test test test junk"
CHAIN_ID = 1337
GWEI = 10**9
ETHER = 10**18
#: Every dev account's starting balance (genesis/README.md).
DEV_BALANCE = 10_000 * ETHER
#: The dev chain's block gas limit.
GAS_LIMIT = 30_000_000
RECEIPT_TIMEOUT = 30.0

# JSON-RPC error codes (go-ethereum).
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
SERVER_ERROR = -32000
EXECUTION_REVERTED = 3


@dataclass
class Node:
    """A running `cloister dev` process and where it answers."""

    process: subprocess.Popen
    port: int
    datadir: Path
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def stderr_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as error:
            return f"(no node log: {error})"
        return "\n".join(text.splitlines()[-lines:])

    def rpc(self, method: str, params: list | None = None, timeout: float = 10) -> dict:
        """One JSON-RPC call over HTTP; returns the whole response object (result or error)."""
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": [] if params is None else params}
        response = requests.post(self.url, json=body, timeout=timeout)
        assert response.status_code == 200, (response.status_code, response.text[:500])
        answer = response.json()
        assert answer.get("jsonrpc") == "2.0" and answer.get("id") == 1, answer
        return answer

    def rpc_result(self, method: str, params: list | None = None):
        answer = self.rpc(method, params)
        assert "error" not in answer, f"{method}{params!r} failed: {answer['error']}"
        return answer["result"]

    def rpc_error(self, method: str, params: list | None = None) -> dict:
        answer = self.rpc(method, params)
        assert "error" in answer, f"{method} should have failed, got result {answer.get('result')!r}"
        assert "result" not in answer, answer
        return answer["error"]


def fill(w3: Web3, account: LocalAccount, tx: dict) -> dict:
    """Fills nonce, chain id, EIP-1559 fees and gas where missing (gas by eth_estimateGas)."""
    tx = dict(tx)
    tx.setdefault("chainId", CHAIN_ID)
    tx.setdefault("nonce", w3.eth.get_transaction_count(account.address, "pending"))
    if "gasPrice" not in tx and "maxFeePerGas" not in tx:
        tx["maxFeePerGas"] = 10 * GWEI
        tx["maxPriorityFeePerGas"] = 1 * GWEI
    if "gas" not in tx:
        estimate = {k: v for k, v in tx.items() if k not in ("nonce", "chainId")}
        estimate["from"] = account.address
        tx["gas"] = w3.eth.estimate_gas(estimate)
    return tx


def sign_and_send(w3: Web3, account: LocalAccount, tx: dict, wait: bool = True):
    """Fills the missing fields, signs locally, sends with eth_sendRawTransaction and
    returns the receipt (or the hash when `wait` is false)."""
    signed = account.sign_transaction(fill(w3, account, tx))
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    assert tx_hash == signed.hash
    if not wait:
        return tx_hash
    return w3.eth.wait_for_transaction_receipt(tx_hash, timeout=RECEIPT_TIMEOUT, poll_latency=0.05)


def deploy(w3: Web3, account: LocalAccount, artifact: dict, *args):
    """Deploys a compiled contract; returns (contract, receipt)."""
    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    data = factory.constructor(*args).data_in_transaction
    receipt = sign_and_send(w3, account, {"data": data})
    assert receipt["status"] == 1, receipt
    assert receipt["contractAddress"] is not None
    return w3.eth.contract(address=receipt["contractAddress"], abi=artifact["abi"]), receipt


def transact(w3: Web3, account: LocalAccount, contract, function: str, *args, **extra):
    """Sends `contract.function(*args)` from `account`; returns the receipt."""
    data = contract.encode_abi(function, args=list(args))
    return sign_and_send(w3, account, {"to": contract.address, "data": data, **extra})
