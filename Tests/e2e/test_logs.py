"""Logs through eth_getLogs and through WebSocket subscriptions (logs, newHeads, pending txs)."""

import asyncio

import pytest
from eth_bloom import BloomFilter
from eth_utils import event_abi_to_log_topic, to_hex
from web3 import AsyncWeb3, WebSocketProvider
from web3.middleware import ExtraDataToPOAMiddleware

from helpers import CHAIN_ID, GWEI, transact

NOTIFICATION_TIMEOUT = 15.0


def topic_of(contract, event: str) -> str:
    abi = next(e for e in contract.abi if e.get("type") == "event" and e["name"] == event)
    return to_hex(event_abi_to_log_topic(abi))


def word(value) -> str:
    """A 32-byte topic for an address or an integer."""
    if isinstance(value, str):
        return "0x" + "00" * 12 + value[2:].lower()
    return "0x" + value.to_bytes(32, "big").hex()


@pytest.fixture(scope="module")
def stored_logs(w3, events, accounts):
    """Six Stored logs from accounts 3, 4, 5 in slots 1 and 2, plus one Pinged; returns the receipts."""
    receipts = []
    for sender in (accounts[3], accounts[4], accounts[5]):
        for slot in (1, 2):
            receipts.append(transact(w3, sender, events, "store", slot, 100 * slot + int(sender.address[-2:], 16)))
    receipts.append(transact(w3, accounts[3], events, "ping"))
    return receipts


def test_receipt_logs_and_bloom(w3, events, stored_logs):
    receipt = stored_logs[0]
    (log,) = receipt["logs"]
    assert log["topics"][0] == bytes.fromhex(topic_of(events, "Stored")[2:])
    decoded = events.events.Stored().process_log(log)
    assert decoded["args"]["slot"] == 1
    # The bloom has the three bits of the address and of each topic.
    bloom = BloomFilter(int.from_bytes(bytes(receipt["logsBloom"]), "big"))
    assert bytes.fromhex(events.address[2:]) in bloom
    for topic in log["topics"]:
        assert bytes(topic) in bloom
    block = w3.eth.get_block(receipt["blockNumber"])
    block_bloom = BloomFilter(int.from_bytes(bytes(block["logsBloom"]), "big"))
    assert bytes.fromhex(events.address[2:]) in block_bloom


def test_get_logs_by_address_and_topics(node, events, accounts, stored_logs):
    first = stored_logs[0]["blockNumber"]
    last = stored_logs[-1]["blockNumber"]
    span = {"fromBlock": hex(first), "toBlock": hex(last), "address": events.address}
    stored, pinged = topic_of(events, "Stored"), topic_of(events, "Pinged")

    everything = node.rpc_result("eth_getLogs", [span])
    assert len(everything) == 7
    assert [int(l["blockNumber"], 16) for l in everything] == sorted(int(l["blockNumber"], 16) for l in everything)
    assert {l["transactionHash"] for l in everything} == {to_hex(r["transactionHash"]) for r in stored_logs}

    only_stored = node.rpc_result("eth_getLogs", [{**span, "topics": [stored]}])
    assert len(only_stored) == 6
    # OR-list in the first position.
    both = node.rpc_result("eth_getLogs", [{**span, "topics": [[stored, pinged]]}])
    assert len(both) == 7
    # Second position (indexed `who`): accounts 3 or 5.
    who = [word(accounts[3].address), word(accounts[5].address)]
    by_who = node.rpc_result("eth_getLogs", [{**span, "topics": [stored, who]}])
    assert len(by_who) == 4
    assert {l["topics"][1] for l in by_who} == set(who)
    # Wildcard (null) in the second position, slot 2 in the third.
    slot2 = node.rpc_result("eth_getLogs", [{**span, "topics": [None, None, word(2)]}])
    assert len(slot2) == 3 and all(l["topics"][2] == word(2) for l in slot2)
    # Address as an OR-list, with one address that never logged.
    other = "0x" + "ab" * 20
    assert len(node.rpc_result("eth_getLogs", [{**span, "address": [other, events.address]}])) == 7
    assert node.rpc_result("eth_getLogs", [{**span, "address": other}]) == []
    # By block hash.
    receipt = stored_logs[2]
    by_hash = node.rpc_result("eth_getLogs", [{"blockHash": to_hex(receipt["blockHash"]), "address": events.address}])
    assert [l["transactionHash"] for l in by_hash] == [to_hex(receipt["transactionHash"])]
    # Log fields are complete and consistent with the receipt.
    log = by_hash[0]
    assert set(log) >= {"address", "topics", "data", "blockNumber", "blockHash", "transactionHash",
                        "transactionIndex", "logIndex", "removed"}
    assert log["address"].lower() == events.address.lower()
    assert log["removed"] is False


def test_get_logs_topic_list_longer_than_the_log_matches_nothing(node, events, stored_logs):
    """go-ethereum's filterLogs: "If the to filtered topics is greater than the amount of
    topics in logs, skip" — even when the extra positions are wildcards."""
    span = {"fromBlock": hex(stored_logs[0]["blockNumber"]), "toBlock": hex(stored_logs[-1]["blockNumber"]),
            "address": events.address}
    pinged = topic_of(events, "Pinged")  # Pinged has two topics: the signature and `who`
    assert len(node.rpc_result("eth_getLogs", [{**span, "topics": [pinged, None]}])) == 1
    assert node.rpc_result("eth_getLogs", [{**span, "topics": [pinged, None, None]}]) == []


def test_get_logs_rejects_blockhash_with_range(node, events, stored_logs):
    receipt = stored_logs[0]
    error = node.rpc_error(
        "eth_getLogs", [{"blockHash": to_hex(receipt["blockHash"]), "fromBlock": "0x1", "address": events.address}]
    )
    assert error["code"] in (-32602, -32000), error


def test_web3_contract_event_get_logs(events, accounts, stored_logs):
    first = stored_logs[0]["blockNumber"]
    logs = events.events.Stored().get_logs(from_block=first, argument_filters={"who": accounts[4].address})
    assert [l["args"]["slot"] for l in logs] == [1, 2]


# ---------------------------------------------------------------------------
# WebSocket subscriptions (web3.py's persistent-connection API)


async def next_message(w3, timeout=NOTIFICATION_TIMEOUT):
    """The next subscription message: {"subscription": id, "result": ...}."""
    stream = w3.socket.process_subscriptions()
    return await asyncio.wait_for(stream.__anext__(), timeout)


async def send_signed(w3, account, tx):
    nonce = await w3.eth.get_transaction_count(account.address, "pending")
    signed = account.sign_transaction({"chainId": CHAIN_ID, "nonce": nonce, "maxFeePerGas": 10 * GWEI,
                                       "maxPriorityFeePerGas": GWEI, **tx})
    return await w3.eth.send_raw_transaction(signed.raw_transaction)


def test_websocket_plain_requests(node):
    async def main():
        async with AsyncWeb3(WebSocketProvider(node.ws_url)) as w3:
            assert await w3.eth.chain_id == CHAIN_ID
            assert await w3.eth.block_number >= 0
            assert await w3.is_connected()

    asyncio.run(main())


def test_websocket_subscriptions(node, events, accounts):
    async def main():
        async with AsyncWeb3(WebSocketProvider(node.ws_url)) as w3:
            w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
            heads = await w3.eth.subscribe("newHeads")
            matching = await w3.eth.subscribe(
                "logs", {"address": events.address, "topics": [topic_of(events, "Stored"), word(accounts[4].address)]}
            )
            not_matching = await w3.eth.subscribe(
                "logs", {"address": events.address, "topics": [topic_of(events, "Pinged")]}
            )
            pending = await w3.eth.subscribe("newPendingTransactions")
            assert len({heads, matching, not_matching, pending}) == 4

            tx_hash = await send_signed(
                w3, accounts[4], {"to": events.address, "data": events.encode_abi("store", args=[7, 77]), "gas": 100_000}
            )
            receipt = await w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.05)
            block = await w3.eth.get_block(receipt["blockNumber"])

            got = {}
            while not all(key in got for key in (heads, matching, pending)):
                message = await next_message(w3)
                got.setdefault(message["subscription"], message["result"])
            assert not_matching not in got

            head = got[heads]
            assert head["number"] == receipt["blockNumber"]
            assert head["hash"] == receipt["blockHash"]
            assert head["parentHash"] == block["parentHash"]
            assert head["stateRoot"] == block["stateRoot"]
            assert head["baseFeePerGas"] == block["baseFeePerGas"]

            log = got[matching]
            (expected,) = receipt["logs"]
            assert log["transactionHash"] == receipt["transactionHash"]
            assert log["blockHash"] == receipt["blockHash"]
            assert log["logIndex"] == expected["logIndex"]
            assert log["data"] == expected["data"]
            assert log["topics"] == expected["topics"]
            assert log["removed"] is False

            assert got[pending] == tx_hash

            for sub in (heads, matching, not_matching, pending):
                assert await w3.eth.unsubscribe(sub) is True
            # Unknown subscription ids are refused by the node.
            answer = await w3.provider.make_request("eth_unsubscribe", ["0x1234"])
            assert answer.get("result") is False or "error" in answer, answer

    asyncio.run(main())


def test_subscribe_over_http_is_refused(node):
    error = node.rpc_error("eth_subscribe", ["newHeads"])
    assert error["code"] in (-32601, -32600, -32000), error


def test_websocket_heads_follow_each_block(node, events, accounts):
    """Three transactions in a row: three consecutive heads, each the child of the one before."""

    async def main():
        async with AsyncWeb3(WebSocketProvider(node.ws_url)) as w3:
            w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
            heads = await w3.eth.subscribe("newHeads")
            seen = []
            for i in range(3):
                tx_hash = await send_signed(w3, accounts[5], {"to": accounts[6].address, "value": i + 1, "gas": 21_000})
                await w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.05)
            latest = await w3.eth.block_number
            while not seen or seen[-1]["number"] < latest:
                message = await next_message(w3)
                assert message["subscription"] == heads
                seen.append(message["result"])
            numbers = [h["number"] for h in seen]
            assert numbers == list(range(numbers[0], latest + 1))
            for parent, child in zip(seen, seen[1:]):
                assert child["parentHash"] == parent["hash"]
            await w3.eth.unsubscribe(heads)

    asyncio.run(main())
