"""Read-only methods: blocks, filters, proofs, fee history, Clique and pool status."""

import platform
import rlp
from eth_utils import keccak, to_checksum_address, to_hex
from trie import HexaryTrie

from helpers import CHAIN_ID, ETHER, GAS_LIMIT, GWEI, METHOD_NOT_FOUND, SERVER_ERROR, sign_and_send, transact

EMPTY_CODE_HASH = keccak(b"")
EMPTY_TRIE_ROOT = keccak(rlp.encode(b""))
#: Clique's extraData: 32 bytes of vanity, the signers (at epoch blocks), a 65-byte seal.
EXTRA_VANITY, EXTRA_SEAL = 32, 65


def next_base_fee(parent) -> int:
    """EIP-1559's base fee for the child of `parent` (elasticity 2, change denominator 8)."""
    target = parent["gasLimit"] // 2
    used, base = parent["gasUsed"], parent["baseFeePerGas"]
    if used == target:
        return base
    if used > target:
        return base + max(base * (used - target) // target // 8, 1)
    return base - base * (target - used) // target // 8


def test_identity_methods(node, w3):
    assert node.rpc_result("eth_chainId") == hex(CHAIN_ID)
    assert node.rpc_result("net_version") == str(CHAIN_ID)
    # Real state: a dev node has no peer-to-peer listener and no peers, is not syncing,
    # and seals (its account 0 is the authority).
    assert node.rpc_result("net_listening") is False
    assert node.rpc_result("net_peerCount") == "0x0"
    assert node.rpc_result("eth_syncing") is False
    assert node.rpc_result("eth_mining") is True
    version = node.rpc_result("web3_clientVersion")
    assert version.startswith("Cloister/v"), version
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    assert f"/{platform.system().lower()}-{arch}/" in version, version
    # The dev chain runs a simulated enclave, and says so.
    assert "SIMULATED TEE" in version, version
    assert node.rpc_result("web3_sha3", ["0x68656c6c6f"]) == to_hex(keccak(b"hello"))
    assert node.rpc_result("web3_sha3", ["0x"]) == to_hex(keccak(b""))
    assert int(node.rpc_result("eth_gasPrice"), 16) > 0
    assert int(node.rpc_result("eth_maxPriorityFeePerGas"), 16) >= 0
    error = node.rpc_error("eth_noSuchMethod")
    assert error["code"] == METHOD_NOT_FOUND, error


def test_genesis_block(w3, accounts):
    genesis = w3.eth.get_block(0)
    assert genesis["parentHash"] == b"\x00" * 32
    assert genesis["gasLimit"] == GAS_LIMIT
    assert genesis["baseFeePerGas"] == GWEI
    assert genesis["difficulty"] == 1
    # By default the node shows only the 32-byte vanity (what web3.py accepts without
    # middleware); with --rpc-full-extradata, the signer list and the seal follow.
    extra = bytes(genesis["proofOfAuthorityData"])
    assert len(extra) in (EXTRA_VANITY, EXTRA_VANITY + 20 + EXTRA_SEAL)
    if len(extra) > EXTRA_VANITY:
        assert to_checksum_address(extra[EXTRA_VANITY:EXTRA_VANITY + 20]) == accounts[0].address
    assert w3.eth.get_block(genesis["hash"])["number"] == 0


def test_blocks_are_chained_sealed_and_priced(w3, accounts):
    sign_and_send(w3, accounts[7], {"to": accounts[8].address, "value": 1})
    head = w3.eth.block_number
    assert head >= 1
    parent = w3.eth.get_block(0, full_transactions=True)
    for number in range(1, head + 1):
        block = w3.eth.get_block(number, full_transactions=True)
        assert block["parentHash"] == parent["hash"]
        assert block["number"] == number
        assert block["timestamp"] >= parent["timestamp"]
        assert block["difficulty"] in (1, 2)  # out of turn / in turn (one signer: always in turn)
        assert block["miner"] == "0x0000000000000000000000000000000000000000"  # Clique: the signer is in the seal
        assert len(bytes(block["proofOfAuthorityData"])) in (EXTRA_VANITY, EXTRA_VANITY + EXTRA_SEAL)
        assert block["baseFeePerGas"] == next_base_fee(parent), number
        assert block["gasUsed"] <= block["gasLimit"]
        # Period 0: blocks only for transactions, and for the one empty block that buries a
        # registry change of the enclave's on-boarding (a block with a system transaction
        # 0x41-0x44), so that its enclave may act on it.
        if not block["transactions"]:
            kinds = [int(t["type"], 16) if isinstance(t["type"], str) else int(t["type"]) for t in parent["transactions"]]
            assert any(0x41 <= k <= 0x44 for k in kinds), f"block {number} is empty and does not bury a system transaction"
        assert block["sha3Uncles"] == keccak(rlp.encode([]))
        parent = block


def test_block_by_number_tags_and_full_transactions(node, w3, accounts):
    receipt = sign_and_send(w3, accounts[7], {"to": accounts[8].address, "value": 2})
    number = hex(receipt["blockNumber"])
    by_number = node.rpc_result("eth_getBlockByNumber", [number, True])
    by_hash = node.rpc_result("eth_getBlockByHash", [by_number["hash"], True])
    assert by_number == by_hash
    tx = by_number["transactions"][int(receipt["transactionIndex"])]
    assert tx["hash"] == to_hex(receipt["transactionHash"])
    assert tx["blockHash"] == by_number["hash"]
    hashes_only = node.rpc_result("eth_getBlockByNumber", [number, False])
    assert hashes_only["transactions"][receipt["transactionIndex"]] == tx["hash"]
    for tag in ("latest", "pending", "safe", "finalized", "earliest"):
        assert node.rpc_result("eth_getBlockByNumber", [tag, False]) is not None, tag
    assert node.rpc_result("eth_getBlockByNumber", ["earliest", False])["number"] == "0x0"
    assert node.rpc_result("eth_getBlockByNumber", [hex(10**9), False]) is None
    assert node.rpc_result("eth_getBlockByHash", ["0x" + "11" * 32, False]) is None
    count = len(by_number["transactions"])
    assert node.rpc_result("eth_getBlockTransactionCountByNumber", [number]) == hex(count)
    assert node.rpc_result("eth_getBlockTransactionCountByHash", [by_number["hash"]]) == hex(count)
    index = hex(receipt["transactionIndex"])
    assert node.rpc_result("eth_getTransactionByBlockNumberAndIndex", [number, index]) == tx
    assert node.rpc_result("eth_getTransactionByBlockHashAndIndex", [by_number["hash"], index]) == tx
    assert node.rpc_result("eth_getTransactionByBlockNumberAndIndex", [number, hex(count)]) is None
    assert node.rpc_result("eth_getTransactionByHash", ["0x" + "22" * 32]) is None
    assert node.rpc_result("eth_getTransactionReceipt", ["0x" + "22" * 32]) is None


def receipt_trie_value(receipt: dict) -> bytes:
    """A receipt's consensus encoding (EIP-2718: type byte, then RLP) from its JSON."""
    logs = [[bytes.fromhex(l["address"][2:]), [bytes.fromhex(t[2:]) for t in l["topics"]], bytes.fromhex(l["data"][2:])]
            for l in receipt["logs"]]
    body = rlp.encode([int(receipt["status"], 16), int(receipt["cumulativeGasUsed"], 16),
                       bytes.fromhex(receipt["logsBloom"][2:]), logs])
    kind = int(receipt["type"], 16)
    return body if kind == 0 else bytes([kind]) + body


def test_block_receipts_and_roots(node, w3, accounts, events):
    """Two transactions of different types, one with a log: the blocks' transaction and
    receipt roots are the tries of what the client signed and what the receipts say."""
    sender = accounts[7]
    nonce = w3.eth.get_transaction_count(sender.address, "pending")
    raws = {}
    for i, tx in enumerate([
        {"to": accounts[8].address, "value": 3, "gas": 21_000, "gasPrice": 2 * GWEI},
        {"to": events.address, "data": events.encode_abi("store", args=[5, 55]), "gas": 100_000,
         "maxFeePerGas": 10 * GWEI, "maxPriorityFeePerGas": GWEI},
    ]):
        signed = sender.sign_transaction({**tx, "nonce": nonce + i, "chainId": CHAIN_ID})
        raws[to_hex(signed.hash)] = bytes(signed.raw_transaction)
        w3.eth.send_raw_transaction(signed.raw_transaction)
    receipts = [w3.eth.wait_for_transaction_receipt(h, timeout=30, poll_latency=0.05) for h in raws]
    for number in sorted({r["blockNumber"] for r in receipts}):
        block = node.rpc_result("eth_getBlockByNumber", [hex(number), False])
        block_receipts = node.rpc_result("eth_getBlockReceipts", [hex(number)])
        assert node.rpc_result("eth_getBlockReceipts", [block["hash"]]) == block_receipts
        assert [r["transactionHash"] for r in block_receipts] == block["transactions"]
        tx_trie, receipt_trie = HexaryTrie({}), HexaryTrie({})
        for index, (tx_hash, receipt) in enumerate(zip(block["transactions"], block_receipts)):
            assert tx_hash in raws, "a transaction from elsewhere in this block"
            assert receipt == node.rpc_result("eth_getTransactionReceipt", [tx_hash])
            assert int(receipt["transactionIndex"], 16) == index
            tx_trie[rlp.encode(index)] = raws[tx_hash]
            receipt_trie[rlp.encode(index)] = receipt_trie_value(receipt)
        assert to_hex(tx_trie.root_hash) == block["transactionsRoot"]
        assert to_hex(receipt_trie.root_hash) == block["receiptsRoot"]
    assert [r["type"] for r in receipts] == [0, 2]
    assert len(receipts[1]["logs"]) == 1


def test_eth_call_and_state_queries(node, w3, token, compiled, accounts):
    holder = accounts[1].address
    balance = token.functions.balanceOf(holder).call()
    data = token.encode_abi("balanceOf", args=[holder])
    result = node.rpc_result("eth_call", [{"to": token.address, "data": data}, "latest"])
    assert int(result, 16) == balance
    # Historic state: the token did not exist at genesis.
    assert node.rpc_result("eth_call", [{"to": token.address, "data": data}, "0x0"]) == "0x"
    assert node.rpc_result("eth_getCode", [token.address, "0x0"]) == "0x"
    assert len(node.rpc_result("eth_getCode", [token.address, "latest"])) > 2
    # Storage, at the slot the compiler's layout gives.
    total = node.rpc_result("eth_getStorageAt", [token.address, hex(compiled["Token"]["slots"]["totalSupply"]), "latest"])
    assert int(total, 16) == token.functions.totalSupply().call()
    assert len(total) == 66
    assert node.rpc_result("eth_getStorageAt", [token.address, "0x" + "ff" * 32, "latest"]) == "0x" + "00" * 32
    # Unknown block.
    error = node.rpc_error("eth_getBalance", [holder, hex(10**9)])
    assert error["code"] == SERVER_ERROR, error
    # eth_call with state overrides is not needed; with a value and no gas it still works.
    assert node.rpc_result("eth_call", [{"from": holder, "to": accounts[9].address, "value": "0x1"}, "latest"]) == "0x"


def test_estimate_gas_plain_transfer(node, accounts):
    estimate = node.rpc_result("eth_estimateGas", [{"from": accounts[1].address, "to": accounts[2].address, "value": "0x1"}])
    assert int(estimate, 16) == 21_000
    error = node.rpc_error(
        "eth_estimateGas", [{"from": "0x" + "00" * 19 + "77", "to": accounts[2].address, "value": hex(ETHER)}]
    )
    assert error["code"] == SERVER_ERROR and "insufficient funds" in error["message"], error


def test_block_filter(node, w3, accounts):
    filter_id = node.rpc_result("eth_newBlockFilter")
    assert node.rpc_result("eth_getFilterChanges", [filter_id]) == []
    receipts = [sign_and_send(w3, accounts[8], {"to": accounts[9].address, "value": i + 1}) for i in range(2)]
    changes = node.rpc_result("eth_getFilterChanges", [filter_id])
    for receipt in receipts:
        assert to_hex(receipt["blockHash"]) in changes
    assert len(changes) == len(set(changes))
    assert node.rpc_result("eth_getFilterChanges", [filter_id]) == []
    assert node.rpc_result("eth_uninstallFilter", [filter_id]) is True
    assert node.rpc_result("eth_uninstallFilter", [filter_id]) is False
    error = node.rpc_error("eth_getFilterChanges", [filter_id])
    assert error["code"] == SERVER_ERROR and "filter not found" in error["message"], error


def test_log_filter_and_pending_filter(node, w3, events, accounts):
    log_filter = node.rpc_result("eth_newFilter", [{"address": events.address, "fromBlock": "latest"}])
    pending_filter = node.rpc_result("eth_newPendingTransactionFilter")
    receipt = transact(w3, accounts[9], events, "store", 9, 99)
    logs = node.rpc_result("eth_getFilterChanges", [log_filter])
    assert [l["transactionHash"] for l in logs] == [to_hex(receipt["transactionHash"])]
    assert node.rpc_result("eth_getFilterChanges", [log_filter]) == []
    # getFilterLogs returns the whole range again.
    assert node.rpc_result("eth_getFilterLogs", [log_filter])[-1]["transactionHash"] == to_hex(receipt["transactionHash"])
    assert to_hex(receipt["transactionHash"]) in node.rpc_result("eth_getFilterChanges", [pending_filter])
    for f in (log_filter, pending_filter):
        assert node.rpc_result("eth_uninstallFilter", [f]) is True


def test_web3_filter_api(w3, events, accounts):
    block_filter = w3.eth.filter("latest")
    receipt = transact(w3, accounts[9], events, "ping")
    assert receipt["blockHash"] in block_filter.get_new_entries()
    w3.eth.uninstall_filter(block_filter.filter_id)


def test_get_proof_verifies_against_state_root(node, w3, token, compiled, accounts):
    block = w3.eth.get_block("latest")
    holder = accounts[1].address
    # Vyper keys a HashMap entry at keccak(pad(slot of balanceOf) ++ pad(holder)).
    base = compiled["Token"]["slots"]["balanceOf"]
    slot = keccak(base.to_bytes(32, "big") + bytes(12) + bytes.fromhex(holder[2:]))
    proof = node.rpc_result("eth_getProof", [token.address, [to_hex(slot)], hex(block["number"])])
    assert set(proof) >= {"address", "accountProof", "balance", "codeHash", "nonce", "storageHash", "storageProof"}
    assert proof["address"].lower() == token.address.lower()
    account_rlp = HexaryTrie.get_from_proof(
        bytes(block["stateRoot"]),
        keccak(bytes.fromhex(token.address[2:])),
        [rlp.decode(bytes.fromhex(n[2:])) for n in proof["accountProof"]],
    )
    nonce, balance, storage_root, code_hash = rlp.decode(account_rlp)
    assert int.from_bytes(nonce, "big") == int(proof["nonce"], 16) == 1  # EIP-161: contracts start at nonce 1
    assert int.from_bytes(balance, "big") == int(proof["balance"], 16) == 0
    assert to_hex(storage_root) == proof["storageHash"]
    assert to_hex(code_hash) == proof["codeHash"] == to_hex(keccak(bytes(w3.eth.get_code(token.address))))

    (entry,) = proof["storageProof"]
    value = token.functions.balanceOf(holder).call(block_identifier=block["number"])
    assert int(entry["key"], 16) == int.from_bytes(slot, "big")
    assert int(entry["value"], 16) == value
    stored = HexaryTrie.get_from_proof(storage_root, keccak(slot), [rlp.decode(bytes.fromhex(n[2:])) for n in entry["proof"]])
    assert int.from_bytes(rlp.decode(stored), "big") == value


def test_get_proof_of_missing_account(node, w3):
    block = w3.eth.get_block("latest")
    absent = "0x" + "5a" * 20
    proof = node.rpc_result("eth_getProof", [absent, ["0x0"], "latest"])
    assert int(proof["balance"], 16) == 0 and int(proof["nonce"], 16) == 0
    assert proof["codeHash"] in (to_hex(EMPTY_CODE_HASH), "0x" + "00" * 32)
    assert proof["storageHash"] in (to_hex(EMPTY_TRIE_ROOT), "0x" + "00" * 32)
    assert proof["storageProof"][0]["value"] == "0x0"
    # The proof shows absence: walking it ends without a value.
    assert HexaryTrie.get_from_proof(
        bytes(block["stateRoot"]), keccak(bytes.fromhex(absent[2:])),
        [rlp.decode(bytes.fromhex(n[2:])) for n in proof["accountProof"]],
    ) == b""


def test_fee_history(node, w3, accounts):
    for i in range(3):
        sign_and_send(w3, accounts[8], {"to": accounts[9].address, "value": i + 1,
                                        "maxFeePerGas": 10 * GWEI, "maxPriorityFeePerGas": (i + 1) * GWEI})
    head = w3.eth.block_number
    history = w3.eth.fee_history(4, "latest", [25, 75])
    assert history["oldestBlock"] == head - 3
    assert len(history["baseFeePerGas"]) == 5  # one more: the next block's
    assert len(history["gasUsedRatio"]) == 4
    assert len(history["reward"]) == 4 and all(len(r) == 2 for r in history["reward"])
    for offset in range(4):
        block = w3.eth.get_block(head - 3 + offset)
        assert history["baseFeePerGas"][offset] == block["baseFeePerGas"]
        assert abs(history["gasUsedRatio"][offset] - block["gasUsed"] / block["gasLimit"]) < 1e-9
    assert history["baseFeePerGas"][4] == next_base_fee(w3.eth.get_block(head))
    # The last three blocks each hold one transaction with tip 1, 2, 3 gwei.
    assert [r[0] for r in history["reward"][1:]] == [GWEI, 2 * GWEI, 3 * GWEI]
    raw = node.rpc_result("eth_feeHistory", ["0x2", "latest", []])
    assert raw["oldestBlock"] == hex(head - 1)
    assert "reward" not in raw or raw["reward"] in ([], None)


def test_clique_methods(node, w3, accounts):
    signer = accounts[0].address.lower()
    assert [s.lower() for s in node.rpc_result("clique_getSigners")] == [signer]
    assert [s.lower() for s in node.rpc_result("clique_getSigners", ["0x0"])] == [signer]
    genesis = w3.eth.get_block(0)
    assert [s.lower() for s in node.rpc_result("clique_getSignersAtHash", [to_hex(genesis["hash"])])] == [signer]
    snapshot = node.rpc_result("clique_getSnapshot")
    assert snapshot["number"] == w3.eth.block_number
    assert [s.lower() for s in snapshot["signers"]] == [signer]
    assert node.rpc_result("clique_proposals") == {}
    # A proposal is recorded and discarded (a one-signer chain would enact it at once if sealed).
    candidate = "0x" + "c1" * 20
    assert node.rpc_result("clique_propose", [candidate, True]) is None
    assert {k.lower(): v for k, v in node.rpc_result("clique_proposals").items()} == {candidate: True}
    assert node.rpc_result("clique_discard", [candidate]) is None
    assert node.rpc_result("clique_proposals") == {}


def test_txpool_idle(node):
    assert node.rpc_result("txpool_status") == {"pending": "0x0", "queued": "0x0"}
    assert node.rpc_result("txpool_content") == {"pending": {}, "queued": {}}
