"""fetch_tx_key against a fake node: a good key is accepted, and a node lying in any one
respect gets the key refused with the matching code."""

from __future__ import annotations

import dataclasses

import pytest

from cloister_client import PinnedPolicy, TxKey, TxKeyRefused, fetch_tx_key, revocation_id
from cloister_client.encoding import keccak256, sha256

from fakenode import FakeNode, hx
from simquote import World, secp256k1_key


@pytest.fixture
def node() -> FakeNode:
    return FakeNode.create()


def pinned(node: FakeNode, **kw: object) -> PinnedPolicy:
    policy = node.world.policy()
    return dataclasses.replace(policy, **kw) if kw else policy  # type: ignore[arg-type]


def refused(node: FakeNode, code: str, policy: PinnedPolicy | None = None, **kw: object) -> TxKeyRefused:
    with pytest.raises(TxKeyRefused) as info:
        fetch_tx_key(node.w3(), policy or pinned(node), **kw)  # type: ignore[arg-type]
    assert info.value.code == code, str(info.value)
    return info.value


# ------------------------------------------------------------------ accepted


def test_good_key_is_accepted(node: FakeNode) -> None:
    key = fetch_tx_key(node.w3(), pinned(node))
    assert isinstance(key, TxKey)
    w = node.world
    assert key.chain_id == w.chain_id
    assert key.epoch == 1 and key.generation == 1 and key.suite == 1
    assert key.public_key == node.tx_public_key and len(key.public_key) == 32
    assert key.enclave_id == keccak256(w.claimed.signing_key)
    assert key.signing_key == w.claimed.signing_key
    assert key.authority == w.claimed.authority
    assert (key.from_block, key.to_block) == (1000, 2999)
    assert key.simulated is True
    assert key.block_number == node.head and key.block_hash == node.block_hash(node.head)
    assert key.enclave.mr_enclave == w.mr_enclave
    assert key.enclave.freshness == node.block_hash(node.joined_at - 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        key.epoch = 2  # type: ignore[misc]


def test_every_question_is_asked_at_one_resolved_block(node: FakeNode) -> None:
    fetch_tx_key(node.w3(), pinned(node))
    conf_calls = [(m, p) for m, p in node.calls if m.startswith("conf_")]
    assert {m for m, _ in conf_calls} == {
        "conf_getTxKey",
        "conf_getEnclaves",
        "conf_getGenerations",
        "conf_getAttestationPolicy",
    }
    assert all(p == [hex(node.head)] for _, p in conf_calls)
    asked = {int(p[0], 16) for m, p in node.calls if m == "eth_getBlockByNumber" and p[0] != "latest"}
    assert asked == set(range(node.joined_at - 64, node.joined_at + 1)) | {0}


def test_accepted_without_a_pinned_genesis_hash(node: FakeNode) -> None:
    key = fetch_tx_key(node.w3(), pinned(node, genesis_hash=None))
    assert key.generation == 1


def test_accepted_with_the_expected_epoch_and_a_block_number(node: FakeNode) -> None:
    node.head = 1200
    node.make_tx_key()
    key = fetch_tx_key(node.w3(), pinned(node), block=1200, expected_epoch=1)
    assert key.block_number == 1200


def test_accepted_for_an_enclave_that_joined_near_genesis() -> None:
    node = FakeNode.create(joined_at=3)
    key = fetch_tx_key(node.w3(), pinned(node))
    assert key.enclave.freshness == node.block_hash(1)


# ------------------------------------------------------------------ the key itself


def test_refused_wrong_chain_id(node: FakeNode) -> None:
    node.make_tx_key(chain_id=node.world.chain_id + 1)
    refused(node, "chain-id")


def test_refused_wrong_suite(node: FakeNode) -> None:
    node.make_tx_key(suite=2)
    refused(node, "suite")


def test_refused_unexpected_epoch(node: FakeNode) -> None:
    refused(node, "epoch", expected_epoch=2)


def test_refused_epoch_not_of_the_next_block(node: FakeNode) -> None:
    node.make_tx_key(epoch=0)
    refused(node, "epoch")


def test_refused_wrong_usable_range(node: FakeNode) -> None:
    node.tx_key["toBlock"] = hex(3999)
    refused(node, "epoch")


def test_refused_low_order_public_key(node: FakeNode) -> None:
    node.make_tx_key(public_key=bytes(32))
    refused(node, "public-key")


def test_refused_high_s_signature(node: FakeNode) -> None:
    node.make_tx_key(high_s=True)
    failure = refused(node, "signature")
    assert "high-s" in failure.reason


def test_refused_v_not_0_or_1(node: FakeNode) -> None:
    sig = bytearray.fromhex(node.tx_key["signature"][2:])
    sig[64] += 27
    node.tx_key["signature"] = hx(bytes(sig))
    refused(node, "signature")


def test_refused_signature_by_another_key(node: FakeNode) -> None:
    node.make_tx_key(signer=secp256k1_key(), enclave_id=keccak256(node.world.claimed.signing_key))
    refused(node, "signature")


def test_refused_signature_over_other_fields(node: FakeNode) -> None:
    node.tx_key["publicKey"] = hx(bytes.fromhex(node.tx_key["publicKey"][2:])[::-1])
    refused(node, "signature")


# ------------------------------------------------------------------ the registry


def test_refused_enclave_not_listed(node: FakeNode) -> None:
    node.make_tx_key(signer=secp256k1_key())  # a key of the node's own, its own enclaveId
    refused(node, "enclave-not-listed")


def test_refused_empty_registry(node: FakeNode) -> None:
    node.enclave = {}
    refused(node, "enclave-not-listed")


@pytest.mark.parametrize("status", ["pending", "revoked"])
def test_refused_enclave_not_trusted(node: FakeNode, status: str) -> None:
    node.enclave["status"] = status
    failure = refused(node, "enclave-status")
    assert status in failure.reason


def test_refused_trusted_enclave_without_the_current_generation(node: FakeNode) -> None:
    node.enclave["generation"] = "0x0"
    refused(node, "enclave-status")


def test_refused_generation_older_than_current(node: FakeNode) -> None:
    node.generations.append(
        {"generation": "0x2", "startBlock": hex(1200), "keyCheck": hx(keccak256(b"kc2")), "enclaveId": node.enclave["enclaveId"]}
    )
    node.policy_reply["currentGeneration"] = "0x2"
    node.enclave["generation"] = "0x2"
    node.make_tx_key(generation=1)  # correctly signed, but of generation 1
    failure = refused(node, "generation")
    assert "current generation is 2" in failure.reason
    node.make_tx_key(generation=2)
    assert fetch_tx_key(node.w3(), pinned(node)).generation == 2


def test_refused_when_the_two_registry_replies_disagree(node: FakeNode) -> None:
    node.policy_reply["currentGeneration"] = "0x2"
    refused(node, "reply")


def test_refused_no_generation_yet(node: FakeNode) -> None:
    node.generations = []
    refused(node, "generation")


def test_refused_node_policy_hash_differs(node: FakeNode) -> None:
    node.policy_reply["policyHash"] = hx(keccak256(b"another policy"))
    refused(node, "policy-hash")


# ------------------------------------------------------------------ the stored quote


def test_refused_quote_with_measurement_not_in_pinned_allowlist(node: FakeNode) -> None:
    w = node.world
    node.register(
        w.parts(mr_enclave=sha256(b"patched"), report=w.report_data(freshness=node.block_hash(node.joined_at - 2)))
    )
    failure = refused(node, "quote")
    assert failure.quote_failure is not None and failure.quote_failure.check == 8


def test_refused_quote_bound_to_another_chain(node: FakeNode) -> None:
    w = node.world
    report = w.report_data(chain_id=w.chain_id + 1, freshness=node.block_hash(node.joined_at - 2))
    node.register(w.parts(report=report))
    failure = refused(node, "quote")
    assert failure.quote_failure is not None
    assert (failure.quote_failure.check, failure.quote_failure.name) == (9, "key binding")


def test_refused_quote_of_another_platform_root(node: FakeNode) -> None:
    other = World.create()
    other.claimed = node.world.claimed
    other.genesis_hash = node.world.genesis_hash
    other.mr_enclave = node.world.mr_enclave
    report = node.world.report_data(freshness=node.block_hash(node.joined_at - 2))
    node.register(other.parts(report=report))
    failure = refused(node, "quote")
    assert failure.quote_failure is not None and failure.quote_failure.check == 2


def test_refused_quote_whose_platform_the_client_knows_revoked(node: FakeNode) -> None:
    w = node.world
    rid = revocation_id(w.platform.platform.cert, w.platform.root.key.public_key())
    failure = refused(node, "quote", policy=pinned(node, revoked_platforms=frozenset({rid})))
    assert failure.quote_failure is not None and failure.quote_failure.check == 3


def test_refused_quote_judged_at_the_joining_block_not_later(node: FakeNode) -> None:
    """The quote names block joinedAt-2; registered as if it joined 100 blocks later,
    the freshness hash falls outside the window."""
    node.joined_at += 100
    node.enclave["joinedAt"] = hex(node.joined_at)
    node.enclave["joinedAtHash"] = node.blocks[node.joined_at]["hash"]
    failure = refused(node, "quote")
    assert failure.quote_failure is not None and failure.quote_failure.check == 10


def test_refused_registry_mr_enclave_not_the_quotes(node: FakeNode) -> None:
    node.enclave["mrEnclave"] = hx(sha256(b"another build"))
    refused(node, "reply")


# ------------------------------------------------------------------ chain data


def test_refused_joined_at_hash_mismatch(node: FakeNode) -> None:
    node.enclave["joinedAtHash"] = hx(keccak256(b"a block of another fork"))
    refused(node, "joined-at-hash")


def test_refused_ancestry_that_does_not_link(node: FakeNode) -> None:
    node.blocks[node.joined_at - 5]["hash"] = hx(keccak256(b"spliced"))
    refused(node, "ancestry")


def test_refused_pinned_genesis_differs(node: FakeNode) -> None:
    refused(node, "genesis-hash", policy=pinned(node, genesis_hash=keccak256(b"our genesis")))


def test_refused_unknown_joining_block(node: FakeNode) -> None:
    node.enclave["joinedAt"] = hex(node.head + 1)
    refused(node, "reply")


# ------------------------------------------------------------------ simulated flag


@pytest.mark.parametrize(
    "method", ["conf_getTxKey", "conf_getEnclaves", "conf_getGenerations", "conf_getAttestationPolicy"]
)
def test_refused_simulated_flag_mismatch(node: FakeNode, method: str) -> None:
    node.simulated[method] = False
    failure = refused(node, "simulated")
    assert method in failure.reason


def test_refused_simulated_flag_missing(node: FakeNode) -> None:
    original = node.answer

    def answer(method: str, params: list[object]) -> object:
        reply = original(method, params)
        if method == "conf_getTxKey":
            assert isinstance(reply, dict)
            reply.pop("simulated")
        return reply

    node.answer = answer  # type: ignore[method-assign]
    refused(node, "reply")


# ------------------------------------------------------------------ malformed replies


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("epoch", "0x01"),  # leading zero
        ("epoch", 1),  # not a hex string
        ("generation", "1"),  # no 0x
        ("publicKey", "0x" + "11" * 31),  # 31 bytes
        ("signature", "0x" + "11" * 64),  # 64 bytes
        ("enclaveId", "0xzz" + "00" * 31),
    ],
)
def test_refused_malformed_tx_key_reply(node: FakeNode, key: str, value: object) -> None:
    node.tx_key[key] = value
    refused(node, "reply")


def test_refused_missing_field(node: FakeNode) -> None:
    del node.tx_key["suite"]
    refused(node, "reply")


def test_refused_node_error(node: FakeNode) -> None:
    node.errors["conf_getTxKey"] = "no trusted enclave"
    refused(node, "rpc")


def test_refused_registry_entry_whose_id_is_not_its_key(node: FakeNode) -> None:
    node.enclave["signingKey"] = hx(bytes(secp256k1_key().public_key.to_compressed_bytes()))
    refused(node, "reply")


# ------------------------------------------------------------------ a real Web3


def test_works_through_a_real_web3_object(node: FakeNode) -> None:
    from typing import Any

    from web3 import Web3
    from web3.providers.base import BaseProvider
    from web3.types import RPCEndpoint, RPCResponse

    from fakenode import FakeProvider

    class NodeProvider(BaseProvider):
        def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
            reply: RPCResponse = FakeProvider(node).make_request(method, params)
            return reply

    w3 = Web3(NodeProvider())
    key = fetch_tx_key(w3, pinned(node))
    assert key.enclave_id == keccak256(node.world.claimed.signing_key)
