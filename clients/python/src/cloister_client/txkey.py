"""Fetching a transaction key a client can trust (CONFIDENTIAL.md section 5.1).

A key is never trusted because RPC returned it. :func:`fetch_tx_key` asks the node for
the key, for the registry and for chain data, then checks everything it can against
what the client pinned itself: the chain id, the suite, the epoch, a low-s signature by
the signing key of the named enclave, that enclave's ``trusted`` status and current
generation, and — with all ten checks of section 3.1 against the PINNED policy — the
enclave's stored quote, judged at the block that registered it. A node that lies about
any of it gets :class:`TxKeyRefused`, never a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .binding import enclave_id as enclave_id_of
from .binding import tx_key_digest
from .encoding import to_hex
from .errors import QuoteCheckFailed, TxKeyRefused
from .hpke import SUITE_HPKE_X25519_AES256GCM, check_x25519_public_key
from .policy import PinnedPolicy
from .rpc import Block, HasProvider, call, data, field, flag, get_block, obj, quantity
from .secp256k1 import parse_signature, recover_compressed, verify_signature
from .verifier import Claimed, VerifiedEnclave, verify_quote

__all__ = ["EnclaveEntry", "TxKey", "fetch_tx_key"]

_STATUSES = frozenset({"pending", "trusted", "revoked"})


@dataclass(frozen=True)
class TxKey:
    """A transaction key that passed every check of :func:`fetch_tx_key`.

    ``public_key`` is the X25519 key ``tk_{epoch,generation}`` to encrypt to with HPKE
    suite ``suite``; the key is usable for blocks ``from_block``..``to_block``.
    ``block_number``/``block_hash`` name the block the key was fetched at, and
    ``enclave`` what the signer's quote attests.
    """

    chain_id: int
    epoch: int
    generation: int
    suite: int
    public_key: bytes
    enclave_id: bytes
    signature: bytes
    from_block: int
    to_block: int
    simulated: bool
    signing_key: bytes
    authority: bytes
    block_number: int
    block_hash: bytes
    enclave: VerifiedEnclave


@dataclass(frozen=True)
class EnclaveEntry:
    """One entry of ``conf_getEnclaves``, parsed."""

    enclave_id: bytes
    authority: bytes
    status: str
    mr_enclave: bytes
    isv_svn: int
    signing_key: bytes
    encryption_key: bytes
    quote: bytes
    joined_at: int
    joined_at_hash: bytes
    generation: int


def fetch_tx_key(
    w3: HasProvider,
    pinned: PinnedPolicy,
    block: str | int = "latest",
    expected_epoch: int | None = None,
) -> TxKey:
    """The transaction key for the block after ``block``, verified.

    ``block`` is first resolved to one block number N (``eth_getBlockByNumber``) and every
    ``conf_*`` question is asked at N, so all answers describe the same state. The key
    is returned only when all of these hold, else :class:`TxKeyRefused` (its ``code``
    says which):

    - every reply's ``simulated`` equals the pinned ``insecureSimulation`` (``simulated``);
    - ``chainId`` is the pinned chain id (``chain-id``); ``suite`` is 1 (``suite``);
    - ``epoch`` is ``⌊(N+1)/L⌋`` and equals ``expected_epoch`` when given, and
      ``fromBlock``/``toBlock`` are ``e·L`` and ``(e+2)·L − 1`` (``epoch``);
    - ``publicKey`` is a usable X25519 key (``public-key``);
    - ``signature`` is 65 bytes, ``v ∈ {0,1}``, ``0 < r < n``, ``0 < s ≤ n/2``, over the
      section 5.1 digest, and recovers a key whose keccak is ``enclaveId`` (``signature``);
    - the node's ``policyHash`` is the pinned policy's (``policy-hash``);
    - ``generation`` is the registry's current one, per ``conf_getGenerations`` and
      ``conf_getAttestationPolicy`` (``generation``);
    - ``conf_getEnclaves`` lists ``enclaveId`` (``enclave-not-listed``) with that signing
      key, status ``trusted`` and holding the current generation (``enclave-status``);
    - the genesis block's hash equals the pinned one when pinned (``genesis-hash``);
    - the block at ``joinedAt`` has hash ``joinedAtHash`` (``joined-at-hash``), and its
      ``freshnessBlocks`` ancestors link by parent hash (``ancestry``);
    - the enclave's stored quote passes all ten checks of section 3.1 against the
      PINNED policy, for claimed = the entry's authority and keys, the pinned chain id,
      the genesis hash, the time of block ``joinedAt`` and its ancestors (``quote``;
      ``quote_failure`` holds the failed check).

    A malformed reply is refused with ``reply``, a JSON-RPC error with ``rpc``.
    """
    if expected_epoch is not None and (isinstance(expected_epoch, bool) or expected_epoch < 0):
        raise ValueError("expected_epoch must be a non-negative int")
    if not isinstance(block, str) and (isinstance(block, bool) or block < 0):
        raise ValueError("block must be a block tag or a non-negative block number")
    blocks: dict[int, Block] = {}

    head = get_block(w3, block if isinstance(block, str) else hex(block), "requested block")
    n_hex = hex(head.number)
    simulated = pinned.insecure_simulation

    # --- the key --------------------------------------------------------------
    reply = obj(call(w3, "conf_getTxKey", [n_hex]), "conf_getTxKey")
    _check_simulated(reply, simulated, "conf_getTxKey")
    chain_id = quantity(field(reply, "chainId", "conf_getTxKey"), "conf_getTxKey.chainId")
    epoch = quantity(field(reply, "epoch", "conf_getTxKey"), "conf_getTxKey.epoch")
    generation = quantity(field(reply, "generation", "conf_getTxKey"), "conf_getTxKey.generation", bits=32)
    suite = quantity(field(reply, "suite", "conf_getTxKey"), "conf_getTxKey.suite", bits=8)
    public_key = data(field(reply, "publicKey", "conf_getTxKey"), "conf_getTxKey.publicKey", length=32)
    enclave_id = data(field(reply, "enclaveId", "conf_getTxKey"), "conf_getTxKey.enclaveId", length=32)
    signature = data(field(reply, "signature", "conf_getTxKey"), "conf_getTxKey.signature", length=65)
    from_block = quantity(field(reply, "fromBlock", "conf_getTxKey"), "conf_getTxKey.fromBlock")
    to_block = quantity(field(reply, "toBlock", "conf_getTxKey"), "conf_getTxKey.toBlock")

    if chain_id != pinned.chain_id:
        raise TxKeyRefused(f"the key is for chain {chain_id}, the pinned chain is {pinned.chain_id}", code="chain-id")
    if suite != SUITE_HPKE_X25519_AES256GCM:
        raise TxKeyRefused(f"suite {suite}; this client knows suite {SUITE_HPKE_X25519_AES256GCM} only", code="suite")
    length = pinned.epoch_length
    want_epoch = (head.number + 1) // length
    if epoch != want_epoch:
        raise TxKeyRefused(f"epoch {epoch}; the block after {head.number} is in epoch {want_epoch}", code="epoch")
    if expected_epoch is not None and epoch != expected_epoch:
        raise TxKeyRefused(f"epoch {epoch}, expected {expected_epoch}", code="epoch")
    if from_block != epoch * length or to_block != (epoch + 2) * length - 1:
        raise TxKeyRefused(
            f"usable blocks {from_block}..{to_block}, expected {epoch * length}..{(epoch + 2) * length - 1}", code="epoch"
        )
    try:
        check_x25519_public_key(public_key)
    except ValueError as e:
        raise TxKeyRefused(f"publicKey: {e}", code="public-key") from None

    digest = tx_key_digest(chain_id, epoch, generation, suite, public_key)
    try:
        parse_signature(signature)
        recovered = recover_compressed(digest, signature)
    except ValueError as e:
        raise TxKeyRefused(f"signature: {e}", code="signature") from None
    if enclave_id_of(recovered) != enclave_id:
        raise TxKeyRefused(
            f"the signature recovers key {to_hex(recovered)}, which is not enclave {to_hex(enclave_id)}", code="signature"
        )

    # --- the registry ---------------------------------------------------------
    policy_reply = obj(call(w3, "conf_getAttestationPolicy", [n_hex]), "conf_getAttestationPolicy")
    _check_simulated(policy_reply, simulated, "conf_getAttestationPolicy")
    node_policy_hash = data(
        field(policy_reply, "policyHash", "conf_getAttestationPolicy"), "conf_getAttestationPolicy.policyHash", length=32
    )
    if node_policy_hash != pinned.policy_hash():
        raise TxKeyRefused(
            f"the node's genesis policyHash {to_hex(node_policy_hash)} is not the pinned policy's "
            f"{to_hex(pinned.policy_hash())}",
            code="policy-hash",
        )
    policy_current = quantity(
        field(policy_reply, "currentGeneration", "conf_getAttestationPolicy"),
        "conf_getAttestationPolicy.currentGeneration",
        bits=32,
    )

    generations_reply = obj(call(w3, "conf_getGenerations", [n_hex]), "conf_getGenerations")
    _check_simulated(generations_reply, simulated, "conf_getGenerations")
    current = _current_generation(generations_reply)
    if current != policy_current:
        raise TxKeyRefused(
            f"conf_getGenerations ends at generation {current}, conf_getAttestationPolicy says {policy_current}",
            code="reply",
        )
    if generation != current:
        raise TxKeyRefused(
            f"the key is of generation {generation}; the registry's current generation is {current}", code="generation"
        )

    enclaves_reply = obj(call(w3, "conf_getEnclaves", [n_hex]), "conf_getEnclaves")
    _check_simulated(enclaves_reply, simulated, "conf_getEnclaves")
    entries = _enclave_entries(enclaves_reply)
    matches = [e for e in entries if e.enclave_id == enclave_id]
    if not matches:
        raise TxKeyRefused(f"conf_getEnclaves does not list enclave {to_hex(enclave_id)}", code="enclave-not-listed")
    if len(matches) > 1:
        raise TxKeyRefused(f"conf_getEnclaves lists enclave {to_hex(enclave_id)} twice", code="reply")
    entry = matches[0]
    if entry.signing_key != recovered:
        raise TxKeyRefused("the registry's signing key of the enclave is not the key that signed", code="signature")
    try:
        verify_signature(digest, signature, entry.signing_key)
    except ValueError as e:
        raise TxKeyRefused(str(e), code="signature") from None
    if entry.status != "trusted":
        raise TxKeyRefused(f"enclave {to_hex(enclave_id)} is {entry.status}, not trusted", code="enclave-status")
    if entry.generation != current:
        raise TxKeyRefused(
            f"enclave {to_hex(enclave_id)} holds generation {entry.generation}, not the current {current}",
            code="enclave-status",
        )
    if entry.joined_at > head.number:
        raise TxKeyRefused(f"the enclave joined at block {entry.joined_at}, after block {head.number}", code="reply")

    # --- chain data the quote is judged on --------------------------------------
    genesis = get_block(w3, "0x0", "genesis block", cache=blocks)
    if genesis.number != 0:
        raise TxKeyRefused("eth_getBlockByNumber(0x0) answered another block", code="reply")
    if pinned.genesis_hash is not None and genesis.hash != pinned.genesis_hash:
        raise TxKeyRefused(
            f"the node's genesis hash {to_hex(genesis.hash)} is not the pinned {to_hex(pinned.genesis_hash)}",
            code="genesis-hash",
        )
    genesis_hash = pinned.genesis_hash if pinned.genesis_hash is not None else genesis.hash

    joined = get_block(w3, hex(entry.joined_at), f"block {entry.joined_at}", cache=blocks)
    if joined.number != entry.joined_at:
        raise TxKeyRefused(f"asked for block {entry.joined_at}, got block {joined.number}", code="reply")
    if joined.hash != entry.joined_at_hash:
        raise TxKeyRefused(
            f"block {entry.joined_at} has hash {to_hex(joined.hash)}, the registry says the enclave joined in "
            f"{to_hex(entry.joined_at_hash)}",
            code="joined-at-hash",
        )
    ancestors: list[bytes] = []
    child = joined
    for number in range(entry.joined_at - 1, max(entry.joined_at - pinned.freshness_blocks, 0) - 1, -1):
        b = get_block(w3, hex(number), f"block {number}", cache=blocks)
        if b.number != number or b.hash != child.parent_hash:
            raise TxKeyRefused(
                f"block {number} (hash {to_hex(b.hash)}) is not the parent of block {child.number}", code="ancestry"
            )
        ancestors.append(b.hash)
        child = b

    claimed = Claimed(authority=entry.authority, signing_key=entry.signing_key, encryption_key=entry.encryption_key)
    try:
        verified = verify_quote(entry.quote, claimed, pinned.chain_id, genesis_hash, pinned, joined.timestamp, ancestors)
    except QuoteCheckFailed as failure:
        raise TxKeyRefused(
            f"enclave {to_hex(enclave_id)}'s stored quote fails the pinned policy: {failure}",
            code="quote",
            quote_failure=failure,
        ) from None
    if verified.mr_enclave != entry.mr_enclave or verified.isv_svn != entry.isv_svn:
        raise TxKeyRefused("the registry's mrEnclave or isvSvn is not what the enclave's quote says", code="reply")

    return TxKey(
        chain_id=chain_id,
        epoch=epoch,
        generation=generation,
        suite=suite,
        public_key=public_key,
        enclave_id=enclave_id,
        signature=signature,
        from_block=from_block,
        to_block=to_block,
        simulated=simulated,
        signing_key=entry.signing_key,
        authority=entry.authority,
        block_number=head.number,
        block_hash=head.hash,
        enclave=verified,
    )


def _check_simulated(reply: Mapping[str, Any], pinned_simulated: bool, method: str) -> None:
    simulated = flag(field(reply, "simulated", method), f"{method}.simulated")
    if simulated != pinned_simulated:
        raise TxKeyRefused(
            f"{method} says simulated={str(simulated).lower()}, the pinned policy says "
            f"insecureSimulation={str(pinned_simulated).lower()}",
            code="simulated",
        )


def _current_generation(reply: Mapping[str, Any]) -> int:
    items = field(reply, "generations", "conf_getGenerations")
    if not isinstance(items, list):
        raise TxKeyRefused("conf_getGenerations.generations: not a list", code="reply")
    if not items:
        raise TxKeyRefused("the registry has no key generation yet", code="generation")
    last = 0
    for i, item in enumerate(items):
        what = f"conf_getGenerations.generations[{i}]"
        g = quantity(field(obj(item, what), "generation", what), f"{what}.generation", bits=32)
        if g <= last:
            raise TxKeyRefused(f"{what}: generations are not increasing", code="reply")
        last = g
    return last


def _enclave_entries(reply: Mapping[str, Any]) -> list[EnclaveEntry]:
    items = field(reply, "enclaves", "conf_getEnclaves")
    if not isinstance(items, list):
        raise TxKeyRefused("conf_getEnclaves.enclaves: not a list", code="reply")
    out: list[EnclaveEntry] = []
    for i, item in enumerate(items):
        w = f"conf_getEnclaves.enclaves[{i}]"
        o = obj(item, w)
        status = field(o, "status", w)
        if status not in _STATUSES:
            raise TxKeyRefused(f"{w}.status: unknown status {status!r}", code="reply")
        entry = EnclaveEntry(
            enclave_id=data(field(o, "enclaveId", w), f"{w}.enclaveId", length=32),
            authority=data(field(o, "authority", w), f"{w}.authority", length=20),
            status=str(status),
            mr_enclave=data(field(o, "mrEnclave", w), f"{w}.mrEnclave", length=32),
            isv_svn=quantity(field(o, "isvSvn", w), f"{w}.isvSvn", bits=16),
            signing_key=data(field(o, "signingKey", w), f"{w}.signingKey", length=33),
            encryption_key=data(field(o, "encryptionKey", w), f"{w}.encryptionKey", length=32),
            quote=data(field(o, "quote", w), f"{w}.quote"),
            joined_at=quantity(field(o, "joinedAt", w), f"{w}.joinedAt"),
            joined_at_hash=data(field(o, "joinedAtHash", w), f"{w}.joinedAtHash", length=32),
            generation=quantity(field(o, "generation", w), f"{w}.generation", bits=32),
        )
        if enclave_id_of(entry.signing_key) != entry.enclave_id:
            raise TxKeyRefused(f"{w}: enclaveId is not keccak(signingKey)", code="reply")
        out.append(entry)
    return out
