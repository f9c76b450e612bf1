"""A fake ``w3`` for fetch_tx_key tests: a chain of block headers, an enclave registry
holding a simulated quote, and canned JSON-RPC replies shaped as a Cloister node's
(CONFIDENTIAL.md section 5.5; quantities and bytes as 0x hex). Tests alter the canned
state to make a node lie in exactly one way."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from eth_keys.datatypes import PrivateKey

from cloister_client import PinnedPolicy, tx_key_digest
from cloister_client.encoding import keccak256
from web3.types import RPCEndpoint

from simquote import BLOCK_TIME, QuoteParts, World, sign_recoverable, x25519_public


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
        node.tx_public_key = x25519_public()
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
        raise AssertionError(f"unexpected method {method}")
