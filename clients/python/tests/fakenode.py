"""A fake ``w3`` for fetch_tx_key and confidential-transaction tests: a chain of block
headers, an enclave registry holding a simulated quote, the transaction key's private
half (so a test can open what the client sent, as an enclave would), and canned
JSON-RPC replies shaped as a Cloister node's (CONFIDENTIAL.md section 5.5; quantities
and bytes as 0x hex). Tests alter the canned state to make a node lie in exactly one
way."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from eth_keys.datatypes import PrivateKey

from cloister_client import (
    ConfidentialResult,
    ConfidentialTransaction,
    PinnedPolicy,
    TxPlaintext,
    ViewEnvelope,
    check_plaintext,
    encrypt_result,
    encrypt_view_result,
    tx_key_digest,
)
from cloister_client.encoding import keccak256
from web3.types import RPCEndpoint

from simquote import BLOCK_TIME, QuoteParts, World, sign_recoverable

GAS_LIMIT = 30_000_000
BASE_FEE = 7
PRIORITY_FEE = 1_000_000_000


def hx(b: bytes) -> str:
    return "0x" + b.hex()


@dataclass
class FakeProvider:
    node: FakeNode

    def make_request(self, method: RPCEndpoint, params: Any) -> Any:
        self.node.calls.append((str(method), list(params)))
        if str(method) in self.node.errors:
            return {"jsonrpc": "2.0", "id": 1, "error": {"code": -32000, "message": self.node.errors[str(method)]}}
        return {"jsonrpc": "2.0", "id": 1, "result": copy.deepcopy(self.node.answer(str(method), list(params)))}


@dataclass
class FakeW3:
    provider: FakeProvider


@dataclass
class FakeNode:
    """One authority's enclave, registered at ``joined_at``, trusted, generation 1."""

    world: World
    head: int = 1500
    joined_at: int = 70
    blocks: dict[int, dict[str, Any]] = field(default_factory=dict)
    enclave: dict[str, Any] = field(default_factory=dict)
    generations: list[dict[str, Any]] = field(default_factory=list)
    tx_key: dict[str, Any] = field(default_factory=dict)
    policy_reply: dict[str, Any] = field(default_factory=dict)
    simulated: dict[str, bool] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    calls: list[tuple[str, list[Any]]] = field(default_factory=list)
    tx_public_key: bytes = b""
    tx_private_key: bytes = b""
    # Confidential transactions and views (an enclave's side, done here in the clear).
    nonces: dict[bytes, int] = field(default_factory=dict)
    pending_nonces: dict[bytes, int] = field(default_factory=dict)
    sent: list[bytes] = field(default_factory=list)
    sent_hash_override: str | None = None
    receipts: dict[bytes, dict[str, Any]] = field(default_factory=dict)
    results: dict[bytes, dict[str, Any]] = field(default_factory=dict)
    view_result: ConfidentialResult = field(default_factory=lambda: ConfidentialResult(True, b"\x2a" * 32))
    views: list[tuple[ViewEnvelope, TxPlaintext, str]] = field(default_factory=list)
    view_answer_block: int | None = None
    view_encrypt_block: int | None = None

    @classmethod
    def create(cls, world: World | None = None, *, head: int = 1500, joined_at: int = 70) -> FakeNode:
        w = world or World.create()
        node = cls(world=w, head=head, joined_at=joined_at)
        parent = bytes(32)
        for n in range(head + 1):
            h = keccak256(b"cloister test block %d" % n)
            node.blocks[n] = {
                "number": hex(n),
                "hash": hx(h),
                "parentHash": hx(parent),
                "timestamp": hex(BLOCK_TIME + (n - joined_at) * 5),
                "miner": "0x" + "00" * 20,
                "gasLimit": hex(GAS_LIMIT),
                "baseFeePerGas": hex(BASE_FEE),
            }
            parent = h
        w.genesis_hash = node.block_hash(0)
        w.block_time = BLOCK_TIME
        w.ancestors = [node.block_hash(n) for n in range(joined_at - 1, -1, -1)]
        node.register(w.parts(report=w.report_data(freshness=node.block_hash(max(joined_at - 2, 0)))))
        node.generations = [
            {"generation": "0x1", "startBlock": hex(joined_at), "keyCheck": hx(keccak256(b"kc1")), "enclaveId": node.enclave["enclaveId"]}
        ]
        node.policy_reply = node.make_policy_reply(w.policy(), current_generation=1)
        secret = X25519PrivateKey.generate()
        node.tx_private_key = secret.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        node.tx_public_key = secret.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        node.make_tx_key()
        return node

    # ---------------------------------------------------------------- state

    def block_hash(self, n: int) -> bytes:
        return bytes.fromhex(self.blocks[n]["hash"][2:])

    def register(self, parts: QuoteParts, *, status: str = "trusted", generation: int = 1) -> None:
        w = self.world
        self.enclave = {
            "enclaveId": hx(keccak256(w.claimed.signing_key)),
            "authority": hx(w.claimed.authority),
            "status": status,
            "mrEnclave": hx(bytes(parts.body[64:96])),
            "isvSvn": hex(int.from_bytes(parts.body[258:260], "little")),
            "signingKey": hx(w.claimed.signing_key),
            "encryptionKey": hx(w.claimed.encryption_key),
            "quote": hx(parts.to_bytes()),
            "joinedAt": hex(self.joined_at),
            "joinedAtHash": self.blocks[self.joined_at]["hash"],
            "generation": hex(generation),
        }

    @staticmethod
    def make_policy_reply(policy: PinnedPolicy, current_generation: int) -> dict[str, Any]:
        return {
            "platforms": list(policy.platforms),
            "insecureSimulation": policy.insecure_simulation,
            "trustAnchors": {name: hx(a) for name, a in policy.trust_anchors},
            "measurements": [hx(m) for m in policy.measurements],
            "minIsvSvn": policy.min_isv_svn,
            "minCpuSvn": hx(policy.min_cpu_svn),
            "minPceSvn": policy.min_pce_svn,
            "minQeSvn": policy.min_qe_svn,
            "allowDebug": policy.allow_debug,
            "freshnessBlocks": policy.freshness_blocks,
            "epochLength": policy.epoch_length,
            "enclaveQuorum": policy.enclave_quorum,
            "revokedPlatforms": [],
            "policyHash": hx(policy.policy_hash()),
            "currentGeneration": hex(current_generation),
        }

    def make_tx_key(
        self,
        *,
        chain_id: int | None = None,
        epoch: int | None = None,
        generation: int = 1,
        suite: int = 1,
        public_key: bytes | None = None,
        signer: PrivateKey | None = None,
        enclave_id: bytes | None = None,
        high_s: bool = False,
        epoch_length: int = 1000,
    ) -> None:
        """The conf_getTxKey reply, signed by ``signer`` (the enclave's key by default)."""
        cid = self.world.chain_id if chain_id is None else chain_id
        e = (self.head + 1) // epoch_length if epoch is None else epoch
        pk = self.tx_public_key if public_key is None else public_key
        key = signer or self.world.signing_key
        digest = tx_key_digest(cid, e, generation, suite, pk)
        eid = enclave_id or keccak256(bytes(key.public_key.to_compressed_bytes()))
        self.tx_key = {
            "chainId": hex(cid),
            "epoch": hex(e),
            "generation": hex(generation),
            "suite": hex(suite),
            "publicKey": hx(pk),
            "enclaveId": hx(eid),
            "signature": hx(sign_recoverable(key, digest, high_s=high_s)),
            "fromBlock": hex(e * epoch_length),
            "toBlock": hex((e + 2) * epoch_length - 1),
        }

    # ---------------------------------------------------------------- JSON-RPC

    def w3(self) -> FakeW3:
        return FakeW3(FakeProvider(self))

    def _with_simulated(self, method: str, reply: dict[str, Any]) -> dict[str, Any]:
        out = dict(reply)
        out["simulated"] = self.simulated.get(method, True)
        return out

    def answer(self, method: str, params: list[Any]) -> Any:
        if method == "eth_getBlockByNumber":
            tag = params[0]
            if tag == "latest":
                return self.blocks[self.head]
            n = int(tag, 16)
            return self.blocks.get(n)
        if method == "conf_getTxKey":
            return self._with_simulated(method, self.tx_key)
        if method == "conf_getEnclaves":
            return self._with_simulated(method, {"enclaves": [self.enclave] if self.enclave else []})
        if method == "conf_getGenerations":
            return self._with_simulated(method, {"generations": self.generations})
        if method == "conf_getAttestationPolicy":
            return self._with_simulated(method, self.policy_reply)
        if method == "eth_getTransactionCount":
            sender = bytes.fromhex(params[0][2:])
            table = self.pending_nonces if params[1] == "pending" else self.nonces
            return hex(table.get(sender, 0))
        if method == "eth_maxPriorityFeePerGas":
            return hex(PRIORITY_FEE)
        if method == "eth_sendRawTransaction":
            raw = bytes.fromhex(params[0][2:])
            self.sent.append(raw)
            return self.sent_hash_override or hx(keccak256(raw))
        if method == "eth_getTransactionReceipt":
            return self.receipts.get(bytes.fromhex(params[0][2:]))
        if method == "conf_getResult":
            reply = self.results.get(bytes.fromhex(params[0][2:]))
            return None if reply is None else self._with_simulated(method, reply)
        if method == "conf_call":
            return self._with_simulated(method, self.answer_view(params[0], params[1]))
        raise AssertionError(f"unexpected method {method}")

    # ---------------------------------------------------------------- the enclave's side

    def open_sent(self, raw: bytes) -> tuple[ConfidentialTransaction, TxPlaintext]:
        """A sent transaction decoded and opened with the transaction key, as an enclave
        opens it (sender recovered from the signature)."""
        tx = ConfidentialTransaction.decode(raw)
        return tx, check_plaintext(tx.open(self.tx_private_key))

    def include(self, raw: bytes, result: ConfidentialResult, *, block: int | None = None) -> bytes:
        """Executes a sent transaction "in" block ``block`` (the head by default): its
        receipt carries the result encrypted to the response key in its plaintext.
        Returns the transaction hash."""
        tx, plaintext = self.open_sent(raw)
        tx_hash = keccak256(raw)
        n = self.head if block is None else block
        self.receipts[tx_hash] = {
            "type": "0x40",
            "transactionHash": hx(tx_hash),
            "blockHash": self.blocks[n]["hash"],
            "blockNumber": hex(n),
            "status": "0x1" if result.status else "0x0",
            "gasUsed": hex(tx.intrinsic_gas()),
            "logs": [],
            "encryptedResult": hx(encrypt_result(result, plaintext.response_key, tx_hash)),
        }
        return tx_hash

    def answer_view(self, envelope_hex: str, tag: str) -> dict[str, Any]:
        """``conf_call``: opens the view as an enclave would (view info, sender from the
        view signature) and encrypts ``view_result`` for the asked block, unless the
        test makes it answer from (``view_answer_block``) or encrypt for
        (``view_encrypt_block``) another one."""
        raw = bytes.fromhex(envelope_hex[2:])
        view = ViewEnvelope.decode(raw)
        plaintext = check_plaintext(view.open(self.tx_private_key))
        self.views.append((view, plaintext, tag))
        asked = self.head if tag == "latest" else int(tag, 16)
        answered = asked if self.view_answer_block is None else self.view_answer_block
        encrypted_for = answered if self.view_encrypt_block is None else self.view_encrypt_block
        encrypted = encrypt_view_result(
            self.view_result, plaintext.response_key, keccak256(raw), self.block_hash(encrypted_for)
        )
        return {"blockHash": self.blocks[answered]["hash"], "encryptedResult": hx(encrypted)}
