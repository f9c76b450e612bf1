"""Confidential transactions end to end against a real `cloister dev` (CONFIDENTIAL.md
sections 5, 6 and 10): the Vyper token of ``examples/ConfidentialToken.vy`` deployed and
used with ``0x40`` transactions, its balance read through signed view calls, the
transactions the node must refuse or execute with status 0, a transaction built and a
result opened with pyhpke and ``cryptography`` directly, the plaintext invariant of
section 10, and the README's example script.

Needs CLOISTER_BIN (the `cloister` executable, with `cloister-enclave` beside it);
without it every test that needs the node is skipped, saying so. The tests that need
``conf_call`` skip themselves only when the node answers it with "method not found".
The tests share one node and one token and run in file order; the invariant test comes
last, stops the node and searches everything it wrote and answered.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import rlp
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_keys.datatypes import PrivateKey, Signature
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from pyhpke import AEADId, CipherSuite, KDFId, KEMId
from web3.types import RPCEndpoint

from cloister_client import (
    ConfidentialRefused,
    ConfidentialResult,
    ConfidentialTransaction,
    PinnedPolicy,
    TransactionMalformed,
    build_confidential_transaction,
    build_view_envelope,
    call_confidential,
    fetch_tx_key,
    result_of,
    send_confidential,
)
from cloister_client.rlpcodec import encode as strict_rlp_encode
from cloister_client.rlpcodec import scalar
from cloister_client.secp256k1 import SECP256K1_N

from devnode import DevNode, running_dev_node

CLIENT_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = CLIENT_ROOT / "examples"
REPO_ROOT = CLIENT_ROOT.parents[1]

# anvil's / Hardhat's accounts 0 (the dev chain's sealing authority) and 1: public test keys.
OWNER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
FRIEND_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"

# Section 10's distinctive values, fresh for every run: printable, so that a leak shows
# up in a text log as well as in binary files, and random, so that no earlier run or
# committed file can match. The memo fits one storage slot.
MARKER = b"cloister-mk-" + os.urandom(10).hex().encode()
MEMO = "secret memo " + os.urandom(8).hex()
assert len(MARKER) == 32 and len(MEMO.encode()) <= 31

SUPPLY = 1_000_000
TRANSFER_TOPIC = keccak(text="Transfer(address,address,uint256)")
DEPLOY_GAS = 3_000_000
CALL_GAS = 200_000
MINED_TIMEOUT = 60.0


# --------------------------------------------------------------------------- plumbing


class RecordingProvider:
    """A JSON-RPC provider (``make_request``, all the client library needs) that keeps
    the text of every reply the node sent, for the invariant test."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.replies: list[str] = []
        self.methods: set[str] = set()
        self._ids = itertools.count(1)

    def make_request(self, method: RPCEndpoint, params: Any) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            text = reply.read().decode()
        self.replies.append(text)
        self.methods.add(str(method))
        return json.loads(text)


class Client:
    """What the client library calls ``w3`` (anything with a ``provider``), plus raw
    JSON-RPC for the tests."""

    def __init__(self, url: str) -> None:
        self.provider = RecordingProvider(url)

    def rpc(self, method: str, params: list[Any]) -> dict[str, Any]:
        """The whole reply object: ``result`` or ``error``."""
        reply: dict[str, Any] = self.provider.make_request(RPCEndpoint(method), params)
        return reply

    def result(self, method: str, params: list[Any]) -> Any:
        reply = self.rpc(method, params)
        assert "error" not in reply, f"{method} failed: {reply['error']}"
        return reply["result"]

    def nonce(self, address: str, block: str = "pending") -> int:
        return int(self.result("eth_getTransactionCount", [address, block]), 16)

    def base_fee(self) -> int:
        return int(self.result("eth_getBlockByNumber", ["latest", False])["baseFeePerGas"], 16)

    def tip(self) -> int:
        return int(self.result("eth_maxPriorityFeePerGas", []), 16)

    def head(self) -> int:
        return int(self.result("eth_blockNumber", []), 16)

    def send_raw(self, raw: bytes) -> dict[str, Any]:
        return self.rpc("eth_sendRawTransaction", ["0x" + raw.hex()])

    def receipt(self, tx_hash: bytes) -> dict[str, Any]:
        """The receipt, once mined (AssertionError after a minute)."""
        deadline = time.time() + MINED_TIMEOUT
        while time.time() < deadline:
            found = self.result("eth_getTransactionReceipt", ["0x" + tx_hash.hex()])
            if found is not None:
                receipt: dict[str, Any] = found
                return receipt
            time.sleep(0.2)
        raise AssertionError(f"transaction 0x{tx_hash.hex()} was not mined within {MINED_TIMEOUT:.0f} s")


@dataclass
class Chain:
    node: DevNode
    client: Client
    pinned: PinnedPolicy
    owner: LocalAccount
    friend: LocalAccount
    #: Every confidential transaction sent in the tests, for the invariant test's sweep.
    confidential_hashes: list[bytes] = field(default_factory=list)

    def wait_result(self, tx_hash: bytes, response_key: bytes) -> ConfidentialResult:
        self.client.receipt(tx_hash)
        result = result_of(self.client, tx_hash, response_key, pinned=self.pinned)
        assert result is not None
        return result

    def send(self, account: LocalAccount, to: str | None, data: bytes, **kwargs: Any) -> tuple[bytes, ConfidentialResult]:
        """A confidential transaction through the client library, mined and decrypted."""
        tx_hash, response_key = send_confidential(
            self.client, account, to, data, self.pinned, gas=kwargs.pop("gas", CALL_GAS), **kwargs
        )
        self.confidential_hashes.append(tx_hash)
        return tx_hash, self.wait_result(tx_hash, response_key)

    def send_plain(self, account: LocalAccount, to: str, value: int, data: bytes = b"", gas: int = 21_000) -> dict[str, Any]:
        """A plain type-2 transaction signed with eth_account; the node's whole reply."""
        tip = self.client.tip()
        signed = Account.sign_transaction(
            {
                "type": 2,
                "chainId": self.pinned.chain_id,
                "nonce": self.client.nonce(account.address),
                "to": to_checksum_address(to),
                "value": value,
                "data": data,
                "gas": gas,
                "maxPriorityFeePerGas": tip,
                "maxFeePerGas": 2 * self.client.base_fee() + tip,
            },
            account.key,
        )
        return self.client.send_raw(bytes(signed.raw_transaction))

    def fund(self, *addresses: str) -> None:
        """Sends each address 1 ether from the owner with a plain transfer, mined."""
        hashes = []
        for address in addresses:
            reply = self.send_plain(self.owner, address, 10**18)
            assert "error" not in reply, reply
            hashes.append(bytes.fromhex(reply["result"][2:]))
        for tx_hash in hashes:
            assert self.client.receipt(tx_hash)["status"] == "0x1"

    def view(self, account: LocalAccount, to: str, data: bytes, block: str | int = "latest") -> ConfidentialResult:
        """A signed view call (conf_call). Skips the test when the node answers "method
        not found" (conf_call not implemented yet); any other refusal is a failure."""
        result = self.view_if_served(account, to, data, block)
        if result is None:
            pytest.skip("conf_call is not served by this node yet (method not found)")
        return result

    def view_if_served(
        self, account: LocalAccount, to: str, data: bytes, block: str | int = "latest"
    ) -> ConfidentialResult | None:
        """As :meth:`view`, but None instead of a skip, for checks that are extras."""
        try:
            return call_confidential(self.client, account, to, data, self.pinned, block)
        except ConfidentialRefused as refusal:
            if refusal.code == "rpc" and "-32601" in str(refusal):
                return None
            raise


@dataclass
class Token:
    address: str
    deploy_hash: bytes
    deploy_result: ConfidentialResult
    deploy_block: int
    #: The balances the tests expect, updated by every successful transfer.
    balances: dict[str, int]


def create_address(sender: str, nonce: int) -> str:
    """The CREATE address keccak(rlp([sender, nonce]))[12:], EIP-55 checksummed."""
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(sender[2:]), nonce]))[12:])


def word(address: str) -> bytes:
    """An address as a 32-byte topic."""
    return bytes(12) + bytes.fromhex(address[2:])


def transfer_call(receiver: str, amount: int) -> bytes:
    return keccak(text="transfer(address,uint256)")[:4] + abi_encode(["address", "uint256"], [receiver, amount])


def balance_of_call(owner: str) -> bytes:
    return keccak(text="balanceOf(address)")[:4] + abi_encode(["address"], [owner])


def getter_call(name: str) -> bytes:
    return keccak(text=f"{name}()")[:4]


def revert_reason(data: bytes) -> str:
    """The string of an ``Error(string)`` revert."""
    assert data[:4] == keccak(text="Error(string)")[:4], f"not an Error(string) revert: 0x{data.hex()}"
    reason: str = abi_decode(["string"], data[4:])[0]
    return reason


def error_message(reply: dict[str, Any]) -> str:
    assert "error" in reply, f"expected a refusal, the node answered {reply}"
    message: str = reply["error"]["message"]
    return message


def token_entries(section: dict[str, Any], token: str) -> list[list[str]]:
    """The section's diff entries of the token's contract (entry keys start with its
    address)."""
    return [entry for entry in section["diff"] if entry[0].lower().startswith(token.lower())]


def artifact() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EXAMPLES / "ConfidentialToken.json").read_text())
    return loaded


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def chain() -> Iterator[Chain]:
    # Trace verbosity, so that the invariant test searches everything the node can log.
    with running_dev_node("cloister-client-conf-", ["--verbosity", "trace"]) as node:
        client = Client(node.url)
        genesis_hash = client.result("eth_getBlockByNumber", ["0x0", False])["hash"]
        pinned = PinnedPolicy.from_genesis_file(node.data / "enclave" / "genesis.json", genesis_hash=genesis_hash)
        yield Chain(node, client, pinned, Account.from_key(OWNER_KEY), Account.from_key(FRIEND_KEY))


@pytest.fixture(scope="module")
def token(chain: Chain) -> Token:
    init_code = bytes.fromhex(artifact()["bytecode"][2:]) + abi_encode(
        ["uint256", "bytes32", "string"], [SUPPLY, MARKER, MEMO]
    )
    # Read the nonce first: system transactions also use the authority's nonce, and the
    # contract's address is the CREATE address of (sender, the nonce the 0x40 carries).
    nonce = chain.client.nonce(chain.owner.address)
    tx_hash, result = chain.send(chain.owner, None, init_code, gas=DEPLOY_GAS, nonce=nonce)
    receipt = chain.client.receipt(tx_hash)
    return Token(
        address=create_address(chain.owner.address, nonce),
        deploy_hash=tx_hash,
        deploy_result=result,
        deploy_block=int(receipt["blockNumber"], 16),
        balances={chain.owner.address: SUPPLY},
    )


# --------------------------------------------------------------------------- the compiled token


def test_the_committed_artifact_is_of_the_committed_source() -> None:
    source = (EXAMPLES / "ConfidentialToken.vy").read_bytes()
    assert artifact()["sourceSha256"] == hashlib.sha256(source).hexdigest(), (
        "ConfidentialToken.json is stale: run examples/compile_token.py with vyper 0.4.3"
    )


def test_the_committed_artifact_is_what_vyper_compiles() -> None:
    """Recompiles with Vyper 0.4.3: in this interpreter when it has vyper, else with
    Tests/e2e/.venv's (which `make test` builds before this suite)."""
    script = EXAMPLES / "compile_token.py"
    if importlib.util.find_spec("vyper") is not None:
        python = sys.executable
    else:
        python = str(REPO_ROOT / "Tests" / "e2e" / ".venv" / "bin" / "python")
        if not os.access(python, os.X_OK):
            pytest.skip("vyper is not installed here and Tests/e2e/.venv does not exist (Tests/e2e/run.sh makes it)")
    done = subprocess.run([python, str(script), "--check"], capture_output=True, text=True, timeout=300)
    if "No module named 'vyper'" in done.stderr:
        pytest.skip(f"{python} has no vyper")
    assert done.returncode == 0, done.stdout + done.stderr


# --------------------------------------------------------------------------- deploy, transfer, views


def test_deploy_executes_and_the_public_sees_only_the_envelope(chain: Chain, token: Token) -> None:
    client = chain.client
    assert token.deploy_result.status is True
    assert token.deploy_result.return_data == b""
    (minted,) = token.deploy_result.logs
    assert minted.address == bytes.fromhex(token.address[2:])
    assert minted.topics == (TRANSFER_TOPIC, bytes(32), word(chain.owner.address))
    assert abi_decode(["uint256"], minted.data) == (SUPPLY,)

    receipt = client.result("eth_getTransactionReceipt", ["0x" + token.deploy_hash.hex()])
    assert receipt["type"] == "0x40"
    assert receipt["status"] == "0x1"
    assert int(receipt["gasUsed"], 16) > 53_000  # intrinsic + 32,000 for a create + execution
    assert receipt["logs"] == []
    assert int(receipt["logsBloom"], 16) == 0
    assert len(receipt["encryptedResult"]) > 2
    assert receipt["contractAddress"] is None  # the public does not know it was a deploy

    public = client.result("eth_getTransactionByHash", ["0x" + token.deploy_hash.hex()])
    assert public["type"] == "0x40"
    assert public["input"] == "0x"
    assert public["to"] is None
    assert public["from"].lower() == chain.owner.address.lower()
    assert len(public["ciphertext"]) > 2 and len(public["enc"]) == 66

    # The public EVM sees the confidential contract as an empty account.
    assert client.result("eth_getCode", [token.address, "latest"]) == "0x"
    section = client.result("conf_getSection", [receipt["blockNumber"]])
    assert [r["txHash"] for r in section["results"]] == ["0x" + token.deploy_hash.hex()]
    assert token_entries(section, token.address), "the deploy wrote no entry for the contract"


def test_transfer_result_carries_the_event_and_the_receipt_none(chain: Chain, token: Token) -> None:
    amount = 250
    tx_hash, result = chain.send(chain.owner, token.address, transfer_call(chain.friend.address, amount))
    assert result.status is True
    assert result.return_data == (1).to_bytes(32, "big")  # True
    (event,) = result.logs
    assert event.address == bytes.fromhex(token.address[2:])
    assert event.topics == (TRANSFER_TOPIC, word(chain.owner.address), word(chain.friend.address))
    assert abi_decode(["uint256"], event.data) == (amount,)
    token.balances[chain.owner.address] -= amount
    token.balances[chain.friend.address] = amount

    receipt = chain.client.result("eth_getTransactionReceipt", ["0x" + tx_hash.hex()])
    assert receipt["type"] == "0x40" and receipt["status"] == "0x1"
    assert receipt["logs"] == []
    assert int(receipt["logsBloom"], 16) == 0
    block = receipt["blockNumber"]
    assert chain.client.result("eth_getLogs", [{"fromBlock": block, "toBlock": block}]) == []
    section = chain.client.result("conf_getSection", [block])
    assert len(token_entries(section, token.address)) == 2  # two balances changed: ciphertext only
    assert section["encStateRoot"] != section["parentEncStateRoot"]


def test_balance_of_answers_only_its_owner_through_a_signed_view(chain: Chain, token: Token) -> None:
    head = chain.client.head()
    owner, friend = chain.owner, chain.friend
    mine = chain.view(owner, token.address, balance_of_call(owner.address))
    assert mine.status is True
    assert abi_decode(["uint256"], mine.return_data) == (token.balances[owner.address],)
    theirs = chain.view(friend, token.address, balance_of_call(friend.address))
    assert abi_decode(["uint256"], theirs.return_data) == (token.balances[friend.address],)

    peek = chain.view(friend, token.address, balance_of_call(owner.address))
    assert peek.status is False
    assert revert_reason(peek.return_data) == "only the owner reads its balance"

    # A view of an older block answers from that block's state.
    then = chain.view(owner, token.address, balance_of_call(owner.address), block=token.deploy_block)
    assert abi_decode(["uint256"], then.return_data) == (SUPPLY,)
    # Views change nothing: no block, no nonce.
    assert chain.client.head() == head


# --------------------------------------------------------------------------- refusals


def test_plain_eth_call_and_plain_transaction_to_the_contract_are_refused(chain: Chain, token: Token) -> None:
    call = chain.client.rpc("eth_call", [{"to": token.address, "data": "0x" + balance_of_call(chain.owner.address).hex()}, "latest"])
    assert "confidential" in error_message(call).lower()

    plain = chain.send_plain(chain.owner, token.address, 0, transfer_call(chain.friend.address, 1), gas=CALL_GAS)
    assert "confidential" in error_message(plain).lower()


def test_a_high_s_twin_is_refused_and_the_original_executes(chain: Chain, token: Token) -> None:
    tx, response_key = build_confidential_transaction(
        chain.client, chain.owner, token.address, transfer_call(chain.friend.address, 1), chain.pinned, gas=CALL_GAS
    )
    assert tx.signature is not None
    sig = tx.signature
    twin = bytes([0x40]) + strict_rlp_encode(
        tx.unsigned_fields() + [scalar(sig.y_parity ^ 1), scalar(sig.r), scalar(SECP256K1_N - sig.s)]
    )
    # A true twin: the same signed fields, recovering the same sender.
    recovered = Signature(vrs=(sig.y_parity ^ 1, sig.r, SECP256K1_N - sig.s)).recover_public_key_from_msg_hash(tx.signing_hash())
    assert recovered.to_checksum_address() == chain.owner.address
    with pytest.raises(TransactionMalformed):
        ConfidentialTransaction.decode(twin)

    refused = chain.client.send_raw(twin)
    error_message(refused)
    assert chain.client.result("eth_getTransactionByHash", ["0x" + keccak(twin).hex()]) is None

    accepted = chain.client.send_raw(tx.raw())
    assert accepted.get("result") == "0x" + tx.hash().hex(), accepted
    chain.confidential_hashes.append(tx.hash())
    assert chain.wait_result(tx.hash(), response_key).status is True
    token.balances[chain.owner.address] -= 1
    token.balances[chain.friend.address] += 1


def test_a_view_envelope_sent_as_a_transaction_is_refused(chain: Chain, token: Token) -> None:
    prepared = build_view_envelope(
        chain.client, chain.owner, token.address, transfer_call(chain.friend.address, 1), chain.pinned
    )
    reply = chain.client.send_raw(prepared.envelope.raw())
    error_message(reply)
    assert chain.client.result("eth_getTransactionByHash", ["0x" + prepared.envelope.hash().hex()]) is None


def test_a_view_envelope_from_a_funded_stranger_never_runs_for_its_signer(chain: Chain, token: Token) -> None:
    """The strongest form: the view's signer holds tokens and has nonce 0, and the
    address its signature recovers as a transaction is funded with nonce 0 too, so no
    fee or nonce rule refuses it. It must be refused, or run as that other address,
    fail to decrypt (status 0) and change nothing."""
    signer: LocalAccount = Account.create()
    chain.send(chain.owner, token.address, transfer_call(signer.address, 10))
    token.balances[chain.owner.address] -= 10
    tip = chain.client.tip()
    prepared = build_view_envelope(
        chain.client,
        signer,
        token.address,
        transfer_call(chain.friend.address, 7),
        chain.pinned,
        gas=CALL_GAS,
        max_fee_per_gas=2 * chain.client.base_fee() + tip,
        max_priority_fee_per_gas=tip,
    )
    as_tx = ConfidentialTransaction.decode(prepared.envelope.raw())
    stranger = "0x" + as_tx.sender().hex()
    assert stranger != signer.address.lower()
    chain.fund(stranger)

    reply = chain.client.send_raw(prepared.envelope.raw())
    if "error" in reply:
        return  # refused: what section 10 asks
    tx_hash = bytes.fromhex(reply["result"][2:])
    receipt = chain.client.receipt(tx_hash)
    assert receipt["from"].lower() == stranger
    assert receipt["status"] == "0x0"
    assert int(receipt["gasUsed"], 16) == as_tx.intrinsic_gas()
    assert receipt["encryptedResult"] == "0x"
    section = chain.client.result("conf_getSection", [receipt["blockNumber"]])
    assert token_entries(section, token.address) == []
    kept = chain.view_if_served(signer, token.address, balance_of_call(signer.address))
    assert kept is None or abi_decode(["uint256"], kept.return_data) == (10,)


def test_a_ciphertext_copied_into_another_senders_envelope_fails(chain: Chain, token: Token) -> None:
    """k1 and k2 each hold 10 tokens and have nonce 0, so the copy differs from the
    original only in its sender: run as k2 the transfer would succeed."""
    k1: LocalAccount = Account.create()
    k2: LocalAccount = Account.create()
    chain.fund(k1.address, k2.address)
    for holder in (k1, k2):
        _, moved = chain.send(chain.owner, token.address, transfer_call(holder.address, 10))
        assert moved.status is True
        token.balances[chain.owner.address] -= 10

    original, response_key = build_confidential_transaction(
        chain.client, k1, token.address, transfer_call(chain.friend.address, 5), chain.pinned, gas=CALL_GAS, nonce=0
    )
    copy = dataclasses.replace(original, signature=None).sign(k2.key)
    assert copy.sender().hex() == k2.address[2:].lower() and copy.nonce == 0
    assert (copy.enc, copy.ciphertext) == (original.enc, original.ciphertext)

    sent = chain.client.send_raw(copy.raw())
    assert sent.get("result") == "0x" + copy.hash().hex(), sent
    receipt = chain.client.receipt(copy.hash())
    assert receipt["status"] == "0x0"
    assert int(receipt["gasUsed"], 16) == copy.intrinsic_gas()
    assert receipt["encryptedResult"] == "0x"
    section = chain.client.result("conf_getSection", [receipt["blockNumber"]])
    (entry,) = [r for r in section["results"] if r["txHash"] == "0x" + copy.hash().hex()]
    assert entry["status"] == "0x0"
    assert token_entries(section, token.address) == []
    if len(section["results"]) == 1:
        assert section["encStateRoot"] == section["parentEncStateRoot"]

    # The same ciphertext under its real sender executes.
    sent = chain.client.send_raw(original.raw())
    assert sent.get("result") == "0x" + original.hash().hex(), sent
    chain.confidential_hashes.append(original.hash())
    result = chain.wait_result(original.hash(), response_key)
    assert result.status is True
    assert result.logs[0].topics == (TRANSFER_TOPIC, word(k1.address), word(chain.friend.address))
    token.balances[chain.friend.address] += 5
    for holder, expected in ((k1, 5), (k2, 10)):
        balance = chain.view_if_served(holder, token.address, balance_of_call(holder.address))
        assert balance is None or abi_decode(["uint256"], balance.return_data) == (expected,)


def test_an_all_zero_enc_is_included_with_status_0(chain: Chain, token: Token) -> None:
    tx, response_key = build_confidential_transaction(
        chain.client, chain.owner, token.address, transfer_call(chain.friend.address, 1), chain.pinned, gas=CALL_GAS
    )
    zero = dataclasses.replace(tx, enc=bytes(32), signature=None).sign(chain.owner.key)
    sent = chain.client.send_raw(zero.raw())
    assert sent.get("result") == "0x" + zero.hash().hex(), sent
    receipt = chain.client.receipt(zero.hash())
    assert receipt["status"] == "0x0"
    assert int(receipt["gasUsed"], 16) == zero.intrinsic_gas()
    assert receipt["encryptedResult"] == "0x"
    with pytest.raises(ConfidentialRefused) as refused:
        result_of(chain.client, zero.hash(), response_key, pinned=chain.pinned)
    assert refused.value.code == "not-executed"
    section = chain.client.result("conf_getSection", [receipt["blockNumber"]])
    assert token_entries(section, token.address) == []


# --------------------------------------------------------------------------- independent interop


def test_a_transaction_sealed_with_pyhpke_by_hand_executes_and_its_result_opens_with_aesgcmsiv(
    chain: Chain, token: Token
) -> None:
    """No client helper builds these bytes: pyrlp, pyhpke, eth-keys and cryptography
    follow CONFIDENTIAL.md 5.2 and 5.3 directly. Only the key comes from fetch_tx_key
    (verified against the pinned policy)."""
    key = fetch_tx_key(chain.client, chain.pinned)
    owner = chain.owner
    sender = bytes.fromhex(owner.address[2:])
    nonce = chain.client.nonce(owner.address)
    tip = chain.client.tip()
    max_fee = 2 * chain.client.base_fee() + tip
    response_key = os.urandom(32)

    to = bytes.fromhex(token.address[2:])
    data = transfer_call(chain.friend.address, 3)
    padding = 0
    while len(rlp.encode([to, data, response_key, bytes(padding)])) % 256:
        padding += 1
    plaintext = rlp.encode([to, data, response_key, bytes(padding)])

    # be32 is a 32-byte word (section 0); u64be and u32be are 8 and 4 bytes.
    info = b"cloister-tx-v1" + key.chain_id.to_bytes(32, "big") + key.epoch.to_bytes(8, "big") + key.generation.to_bytes(4, "big")
    aad = sender + nonce.to_bytes(8, "big")
    suite = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES256_GCM)
    enc, context = suite.create_sender_context(suite.kem.deserialize_public_key(key.public_key), info=info)
    ciphertext = context.seal(plaintext, aad=aad)

    unsigned = [key.chain_id, nonce, tip, max_fee, CALL_GAS, key.epoch, key.generation, 1, bytes(enc), bytes(ciphertext)]
    signing_hash = keccak(b"\x40" + rlp.encode(unsigned))
    made = PrivateKey(bytes(owner.key)).sign_msg_hash(signing_hash)
    v, r, s = made.v, made.r, made.s
    if s > SECP256K1_N // 2:
        v, s = v ^ 1, SECP256K1_N - s
    raw = b"\x40" + rlp.encode(unsigned + [v, r, s])
    tx_hash = keccak(raw)
    # The client library reads the hand-made bytes the same way (a cross-check only).
    assert ConfidentialTransaction.decode(raw).signing_hash() == signing_hash

    sent = chain.client.send_raw(raw)
    assert sent.get("result") == "0x" + tx_hash.hex(), sent
    chain.confidential_hashes.append(tx_hash)
    receipt = chain.client.receipt(tx_hash)
    assert receipt["status"] == "0x1", receipt

    encrypted = bytes.fromhex(receipt["encryptedResult"][2:])
    opened = AESGCMSIV(response_key).decrypt(keccak(tx_hash)[:12], encrypted, tx_hash)
    status, return_data, logs = rlp.decode(opened)
    assert status == b"\x01"
    assert return_data == (1).to_bytes(32, "big")
    ((address, topics, log_data),) = logs
    assert address == to
    assert topics == [TRANSFER_TOPIC, word(owner.address), word(chain.friend.address)]
    assert int.from_bytes(log_data, "big") == 3
    token.balances[owner.address] -= 3
    token.balances[chain.friend.address] += 3

    # And the client library agrees with the hand-opened result.
    via_client = result_of(chain.client, tx_hash, response_key, pinned=chain.pinned)
    assert via_client is not None and via_client.return_data == return_data


# --------------------------------------------------------------------------- the README example


def test_the_readme_example_script_runs_end_to_end(chain: Chain) -> None:
    script = EXAMPLES / "confidential_token.py"
    done = subprocess.run(
        [sys.executable, str(script), "--rpc", chain.node.url, "--genesis", str(chain.node.data / "enclave" / "genesis.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout
    assert done.returncode in (0, 3), out + done.stderr
    assert "WARNING: simulated TEE" in out
    assert "deployed ConfidentialToken at 0x" in out and ": status 1" in out
    assert "transfer: status 1, returned True" in out
    assert f"-> {chain.friend.address}, 250)" in out
    assert "observer: receipt type 0x40, status 0x1" in out and "logs []" in out
    assert "observer: transaction to null, input 0x" in out
    assert "is a confidential contract" in out
    if done.returncode == 3:
        pytest.skip("the example ran up to its view call: this node does not serve conf_call yet (method not found)")
    assert "balanceOf(friend) read by friend: 250" in out
    assert "balanceOf(owner) read by friend: status 0" in out


# --------------------------------------------------------------------------- section 10


def test_the_marker_and_the_string_never_leave_the_enclave(chain: Chain, token: Token) -> None:
    """Section 10: the values the token's constructor stored appear in the client's
    decrypted results, and in no byte of the node's data directory, its log (trace
    verbosity) or any JSON-RPC reply of this module. Runs last: it stops the node, so
    that what a clean shutdown writes is searched too."""
    client = chain.client
    # 1. The client reads them back, decrypted: through transactions ...
    _, marker = chain.send(chain.owner, token.address, getter_call("marker"))
    _, memo = chain.send(chain.owner, token.address, getter_call("memo"))
    assert marker.return_data == MARKER
    assert abi_decode(["string"], memo.return_data) == (MEMO,)
    decrypted = marker.return_data + memo.return_data
    # ... and through a view, where the node serves conf_call.
    viewed = chain.view_if_served(chain.friend, token.address, getter_call("marker"))
    assert viewed is None or viewed.return_data == MARKER
    assert MARKER in decrypted and MEMO.encode() in decrypted

    # 2. Ask the node everything it could say about the token and its blocks.
    head = client.head()
    for number in range(head + 1):
        client.result("eth_getBlockByNumber", [hex(number), True])
        client.result("conf_getSection", [hex(number)])
        client.rpc("eth_getBlockReceipts", [hex(number)])
    for tx_hash in chain.confidential_hashes:
        client.result("conf_getResult", ["0x" + tx_hash.hex()])
        client.result("eth_getTransactionReceipt", ["0x" + tx_hash.hex()])
        client.result("eth_getTransactionByHash", ["0x" + tx_hash.hex()])
    client.result("conf_getEntryProof", [token.address, token.address + "00" * 32, "latest"])
    client.result("eth_getLogs", [{"fromBlock": "0x0", "toBlock": "latest"}])
    client.result("eth_getCode", [token.address, "latest"])
    client.result("eth_getProof", [token.address, ["0x0", "0x1", "0x2", "0x3"], "latest"])
    for slot in range(8):
        client.result("eth_getStorageAt", [token.address, hex(slot), "latest"])
    for method in ("conf_getEnclaves", "conf_getGenerations", "conf_getAttestationPolicy", "conf_getTxKey"):
        client.result(method, ["latest"])
    client.rpc("txpool_content", [])
    client.rpc("eth_call", [{"to": token.address, "data": "0x" + getter_call("marker").hex()}, "latest"])
    client.rpc("eth_estimateGas", [{"to": token.address, "data": "0x" + getter_call("marker").hex()}])
    assert {"conf_getSection", "conf_getResult", "conf_getEntryProof", "eth_getTransactionByHash"} <= client.provider.methods

    # 3. Stop the node, then search.
    chain.node.stop()
    needles = {
        "marker": MARKER,
        "marker's random part": MARKER[12:],
        "memo": MEMO.encode(),
        "memo's random part": MEMO.encode()[12:],
    }
    haystacks: dict[str, bytes] = {
        str(path): path.read_bytes() for path in sorted(chain.node.data.rglob("*")) if path.is_file()
    }
    assert any(name.endswith("data.mdb") for name in haystacks)
    haystacks[str(chain.node.log)] = chain.node.log.read_bytes()
    haystacks[f"{len(client.provider.replies)} JSON-RPC replies"] = "\n".join(client.provider.replies).encode()
    # The search sees what is there: the token's address (public, in every entry key) is
    # in the store and in the replies.
    address = bytes.fromhex(token.address[2:])
    assert any(address in content for name, content in haystacks.items() if name.endswith("data.mdb"))
    assert address.hex().encode() in haystacks[f"{len(client.provider.replies)} JSON-RPC replies"]
    hits = []
    for where, content in haystacks.items():
        lowered = content.lower()
        for name, needle in needles.items():
            for form, pattern in (("raw", needle.lower()), ("hex", needle.hex().encode())):
                if pattern in lowered:
                    hits.append(f"{name} ({form}) in {where}")
    assert hits == [], hits
