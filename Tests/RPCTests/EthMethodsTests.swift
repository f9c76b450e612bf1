import Testing
import Foundation
import Primitives
import ChainTypes
import Chain
import Consensus
import RPC
import TestSupport

/// Methods answered from the chain and the pool.
@Suite struct EthMethodsTests {
    static let x = TestKeys.address("X"), y = TestKeys.address("Y")

    static func transfer(_ nonce: UInt64, value: UInt64 = 1000, chainID: UInt64 = RPCFixture.chainID) -> String {
        RPCFixture.sign(.dynamicFee(DynamicFeeTransaction(chainID: chainID, nonce: nonce, maxPriorityFeePerGas: UInt256(1_000_000_000),
                                                          maxFeePerGas: UInt256(5_000_000_000), gasLimit: 21_000, to: y,
                                                          value: UInt256(value))), "X")
    }

    @Test func sendTransactionThenReadReceiptBlockAndBalances() async throws {
        let f = try RPCFixture()
        let hash = try await f.result("eth_sendRawTransaction", "[\"\(Self.transfer(0))\"]")
        #expect(try await f.result("eth_getTransactionCount", "[\"\(Self.x)\", \"pending\"]") == .string("0x1"))
        #expect(try await f.result("eth_getTransactionCount", "[\"\(Self.x)\", \"latest\"]") == .string("0x0"))
        let pendingTx = try await f.result("eth_getTransactionByHash", "[\(String(decoding: hash.serialized, as: UTF8.self))]")
        #expect(pendingTx["blockHash"] == .null)
        #expect(try await f.result("txpool_status")["pending"] == .string("0x1"))
        try f.seal()
        #expect(try await f.result("eth_blockNumber") == .string("0x1"))
        let receipt = try await f.result("eth_getTransactionReceipt", "[\(String(decoding: hash.serialized, as: UTF8.self))]")
        #expect(receipt["status"] == .string("0x1"))
        #expect(receipt["gasUsed"] == .string("0x5208"))
        #expect(receipt["from"] == .string(Self.x.description))
        #expect(receipt["effectiveGasPrice"] == .string(Quantity(875_000_000 + 1_000_000_000)))
        let block = try await f.result("eth_getBlockByNumber", #"["latest", true]"#)
        #expect(block["transactions"]?.arrayValue?.first?["hash"] == hash)
        #expect(block["miner"] == .string(Address.zero.description))
        #expect(try await f.result("eth_getBalance", "[\"\(Self.y)\", \"latest\"]")
                == .string(Quantity((UInt256(1) << 80) &+ UInt256(1000))))
        #expect(try await f.result("eth_getBalance", "[\"\(Self.y)\", \"0x0\"]") == .string(Quantity(UInt256(1) << 80)))
        // Replays and foreign chains are refused with go-ethereum's words.
        await #expect(throws: RPCFailure.self) { try await f.result("eth_sendRawTransaction", "[\"\(Self.transfer(0))\"]") }
        do { _ = try await f.result("eth_sendRawTransaction", "[\"\(Self.transfer(0))\"]") } catch let e as RPCFailure {
            #expect(e.code == -32000 && e.message.hasPrefix("nonce too low"))
        }
        do { _ = try await f.result("eth_sendRawTransaction", "[\"\(Self.transfer(1, chainID: 5))\"]") } catch let e as RPCFailure {
            #expect(e.message.hasPrefix("invalid chain id"))
        }
        do { _ = try await f.result("eth_sendRawTransaction", #"["0xdeadbeef"]"#) } catch let e as RPCFailure {
            #expect(e.code == -32000 && e.message.hasPrefix("rlp:"))
        }
    }

    /// Runtime code that stores calldata word 0 in slot 0, emits LOG1(topic = word 0), and
    /// reverts with Error("too big") when the word is above 100.
    static let contractRuntime: [UInt8] = {
        var c: [UInt8] = []
        c += [0x60, 0x00, 0x35]                 // CALLDATALOAD(0)
        c += [0x80, 0x60, 0x64, 0x10]           // DUP1 PUSH1 100 LT  -> 100 < x
        c += [0x60, 0x14, 0x57]                 // PUSH1 revertAt JUMPI
        c += [0x80, 0x60, 0x00, 0x55]           // DUP1 PUSH1 0 SSTORE
        c += [0x60, 0x00, 0x60, 0x00, 0xa1]     // PUSH1 0 PUSH1 0 LOG1(topic x)
        c += [0x00]                             // STOP
        c += [0x5b]                             // 0x14: JUMPDEST
        // mstore Error(string) "too big"
        let data: [UInt8] = [0x08, 0xc3, 0x79, 0xa0] + UInt256(32).bigEndianBytes + UInt256(7).bigEndianBytes
            + Array("too big".utf8) + [UInt8](repeating: 0, count: 25)
        for (i, chunk) in stride(from: 0, to: data.count, by: 32).enumerated() {
            let word = Array(data[chunk..<min(chunk + 32, data.count)]) + [UInt8](repeating: 0, count: max(0, chunk + 32 - data.count))
            c += [0x7f] + word + [0x60, UInt8(i * 32), 0x52]
        }
        c += [0x60, UInt8(data.count), 0x60, 0x00, 0xfd]
        return c
    }()

    static func deploy(_ f: RPCFixture) async throws -> Address {
        let runtime = contractRuntime
        // initcode: CODECOPY the runtime after the 12-byte prefix and RETURN it.
        let initcode: [UInt8] = [0x61, UInt8(runtime.count >> 8), UInt8(runtime.count & 0xff), 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39,
                                 0x60, 0x00, 0xf3] + runtime
        let tx = RPCFixture.sign(.dynamicFee(DynamicFeeTransaction(chainID: RPCFixture.chainID, nonce: 0,
            maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(5_000_000_000), gasLimit: 200_000, to: nil,
            value: .zero, data: initcode)), "X")
        let hash = try await f.result("eth_sendRawTransaction", "[\"\(tx)\"]")
        try f.seal()
        let receipt = try await f.result("eth_getTransactionReceipt", "[\(String(decoding: hash.serialized, as: UTF8.self))]")
        #expect(receipt["status"] == .string("0x1"))
        return try Address(hex: try #require(receipt["contractAddress"]?.stringValue))
    }

    @Test func callEstimateRevertReasonsAndLogs() async throws {
        let f = try RPCFixture()
        let contract = try await Self.deploy(f)
        let code = try await f.result("eth_getCode", "[\"\(contract)\", \"latest\"]")
        #expect(code == JSON.string(Hex.encode(Self.contractRuntime)))
        let small = Hex.encode(UInt256(7).bigEndianBytes), big = Hex.encode(UInt256(500).bigEndianBytes)
        // A revert answers code 3 with the data, and the decoded reason in the message.
        do {
            _ = try await f.result("eth_call", #"[{"from":"\#(Self.x)","to":"\#(contract)","input":"\#(big)"}, "latest"]"#)
            Issue.record("a revert was not reported")
        } catch let e as RPCFailure {
            #expect(e.code == 3)
            #expect(e.message == "execution reverted: too big")
            #expect(e.data?.stringValue?.hasPrefix("0x08c379a0") == true)
        }
        do {
            _ = try await f.result("eth_estimateGas", #"[{"from":"\#(Self.x)","to":"\#(contract)","data":"\#(big)"}]"#)
            Issue.record("a reverting estimate was not reported")
        } catch let e as RPCFailure {
            #expect(e.code == 3 && e.message == "execution reverted: too big")
        }
        let estimate = try await f.result("eth_estimateGas", #"[{"from":"\#(Self.x)","to":"\#(contract)","data":"\#(small)"}]"#)
        let gas = try #require(estimate.stringValue.flatMap { UInt64($0.dropFirst(2), radix: 16) })
        #expect(gas > 21_000 + 20_000 && gas < 70_000)
        // The estimate is enough, and one less is not (exact binary search).
        let send = { (limit: UInt64, nonce: UInt64) in
            RPCFixture.sign(.dynamicFee(DynamicFeeTransaction(chainID: RPCFixture.chainID, nonce: nonce, maxPriorityFeePerGas: .one,
                maxFeePerGas: UInt256(5_000_000_000), gasLimit: limit, to: contract, value: .zero, data: UInt256(7).bigEndianBytes)), "X")
        }
        let ok = try await f.result("eth_sendRawTransaction", "[\"\(send(gas, 1))\"]")
        try f.seal()
        let receipt = try await f.result("eth_getTransactionReceipt", "[\(String(decoding: ok.serialized, as: UTF8.self))]")
        #expect(receipt["status"] == .string("0x1"))
        #expect(try await f.result("eth_getStorageAt", "[\"\(contract)\", \"0x0\", \"latest\"]")
                == .string(Hex.encode(UInt256(7).bigEndianBytes)))
        // Logs by address and topic (OR-list), by block hash, and through a filter.
        let topic7 = Hex.encode(UInt256(7).bigEndianBytes), topic8 = Hex.encode(UInt256(8).bigEndianBytes)
        let logs = try await f.result("eth_getLogs", #"[{"fromBlock":"0x0","address":"\#(contract)","topics":[["\#(topic8)","\#(topic7)"]]}]"#)
        #expect(logs.arrayValue?.count == 1)
        #expect(logs.arrayValue?.first?["logIndex"] == .string("0x0"))
        let none = try await f.result("eth_getLogs", #"[{"fromBlock":"0x0","topics":["\#(topic8)"]}]"#)
        #expect(none.arrayValue?.isEmpty == true)
        let blockHash = try #require(receipt["blockHash"]?.stringValue)
        #expect(try await f.result("eth_getLogs", #"[{"blockHash":"\#(blockHash)"}]"#).arrayValue?.count == 1)
        await #expect(throws: RPCFailure.self) {
            try await f.result("eth_getLogs", #"[{"fromBlock":"0x0","toBlock":"0x5000"}]"#)
        }
    }

    @Test func filtersCollectBlocksAndLogs() async throws {
        let f = try RPCFixture()
        let blocks = try await f.result("eth_newBlockFilter")
        let pending = try await f.result("eth_newPendingTransactionFilter")
        let id = String(decoding: blocks.serialized, as: UTF8.self)
        _ = try await f.result("eth_sendRawTransaction", "[\"\(Self.transfer(0))\"]")
        let sealed = try f.seal()
        await f.backend.drainHeadEvents()
        let changes = try await f.result("eth_getFilterChanges", "[\(id)]")
        #expect(changes == .array([.string(sealed.hash.description)]))
        #expect(try await f.result("eth_getFilterChanges", "[\(id)]") == .array([]))
        let pendingChanges = try await f.result("eth_getFilterChanges", "[\(String(decoding: pending.serialized, as: UTF8.self))]")
        #expect(pendingChanges.arrayValue?.count == 1)
        #expect(try await f.result("eth_uninstallFilter", "[\(id)]") == .bool(true))
        await #expect(throws: RPCFailure.self) { try await f.result("eth_getFilterChanges", "[\(id)]") }
    }

    @Test func subscriptionsNotifyOverTheirConnection() async throws {
        let f = try RPCFixture()
        let inbox = Inbox()
        let context = CallContext(notify: { inbox.add($0) }, connection: 7)
        let sub = try await f.call(#"{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}"#, context: context)
        let id = try #require(sub["result"]?.stringValue)
        let overHTTP = try await f.call(#"{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}"#)
        #expect(overHTTP["error"]?["code"] == .number("-32601"))
        _ = try await f.result("eth_sendRawTransaction", "[\"\(Self.transfer(0))\"]")
        try f.seal()
        await f.backend.drainHeadEvents()
        let notes = inbox.all
        #expect(notes.count == 1)
        #expect(notes.first?["params"]?["subscription"] == .string(id))
        #expect(notes.first?["params"]?["result"]?["number"] == .string("0x1"))
        f.backend.connectionClosed(7)
        _ = try await f.result("eth_sendRawTransaction", "[\"\(Self.transfer(1))\"]")
        try f.seal()
        await f.backend.drainHeadEvents()
        #expect(inbox.all.count == 1)
    }

    @Test func cliqueAndFeeMethods() async throws {
        let f = try RPCFixture()
        #expect(try await f.result("clique_getSigners") == .array([.string(TestKeys.address("A").description)]))
        _ = try await f.result("clique_propose", "[\"\(Self.y)\", true]")
        #expect(try await f.result("clique_proposals")[Self.y.description] == .bool(true))
        _ = try await f.result("clique_discard", "[\"\(Self.y)\"]")
        #expect(try await f.result("clique_proposals") == .object([]))
        #expect(try await f.result("eth_maxPriorityFeePerGas") == .string("0x3b9aca00"))
        let history = try await f.result("eth_feeHistory", #"["0x1", "latest", [50]]"#)
        #expect(history["baseFeePerGas"]?.arrayValue?.count == 2)
        #expect(history["oldestBlock"] == .string("0x0"))
        #expect(try await f.result("web3_sha3", #"["0x"]"#) == .string(Hash32.emptyKeccak.description))
        let proof = try await f.result("eth_getProof", "[\"\(Self.x)\", [\"0x0\"], \"latest\"]")
        #expect(proof["balance"] == .string(Quantity(UInt256(1) << 80)))
        #expect((proof["accountProof"]?.arrayValue?.count ?? 0) >= 1)
    }
}

@Suite struct DevAccountAndExtraDataTests {
    @Test func blocksShowTheVanityUnlessFullExtraDataIsAsked() async throws {
        let f = try RPCFixture()
        let short = try await f.result("eth_getBlockByNumber", #"["0x0", false]"#)
        let shortLength: Int? = short["extraData"]?.stringValue?.count
        #expect(shortLength == 66)
        var limits = RPCLimits()
        limits.fullExtraData = true
        let full = try await RPCFixture(limits: limits).result("eth_getBlockByNumber", #"["0x0", false]"#)
        let fullLength: Int? = full["extraData"]?.stringValue?.count
        #expect(fullLength == 236)   // 0x + hex of vanity 32 + one signer 20 + seal 65
        #expect(short["hash"] == full["hash"])
    }

    /// What an observer does with `cloister node`'s default (whole `extraData`): rebuild the
    /// header from the RPC fields, get the block hash back, and recover the sealer.
    @Test func fullExtraDataLetsObserversRecomputeHashAndSeal() async throws {
        var limits = RPCLimits()
        limits.fullExtraData = true
        let f = try RPCFixture(limits: limits)
        _ = try await f.result("eth_sendRawTransaction", "[\"\(EthMethodsTests.transfer(0))\"]")
        try f.seal()
        let b = try await f.result("eth_getBlockByNumber", #"["latest", false]"#)
        func h(_ k: String) throws -> Hash32 { try Hash32(hex: try #require(b[k]?.stringValue)) }
        func q(_ k: String) throws -> UInt256 { try UInt256(hex: try #require(b[k]?.stringValue)) }
        func n(_ k: String) throws -> UInt64 { try #require(try q(k).uint64) }
        let nonceBytes = try Hex.decode(try #require(b["nonce"]?.stringValue))
        let bloomText = try #require(b["logsBloom"]?.stringValue)
        let bloom = try #require(Bloom(try Hex.decode(bloomText)))
        let header = Header(parentHash: try h("parentHash"), ommersHash: try h("sha3Uncles"),
                            beneficiary: try Address(hex: try #require(b["miner"]?.stringValue)),
                            stateRoot: try h("stateRoot"), transactionsRoot: try h("transactionsRoot"),
                            receiptsRoot: try h("receiptsRoot"),
                            logsBloom: bloom,
                            difficulty: try q("difficulty"), number: try n("number"), gasLimit: try n("gasLimit"),
                            gasUsed: try n("gasUsed"), timestamp: try n("timestamp"),
                            extraData: try Hex.decode(try #require(b["extraData"]?.stringValue)), mixHash: try h("mixHash"),
                            nonce: nonceBytes.reduce(0) { $0 << 8 | UInt64($1) }, baseFeePerGas: try q("baseFeePerGas"))
        #expect(header.hash == (try h("hash")))
        #expect(try CliqueSeal.recoverSigner(of: header) == TestKeys.address("A"))
    }

    @Test func unlockedAccountsSignSendTransaction() async throws {
        let f = try RPCFixture(unlocked: [TestKeys.key("X")])
        #expect(try await f.result("eth_accounts") == .array([.string(TestKeys.address("X").description)]))
        let hash = try await f.result("eth_sendTransaction",
                                      #"[{"from":"\#(TestKeys.address("X"))","to":"\#(TestKeys.address("Y"))","value":"0x7"}]"#)
        try f.seal()
        let receipt = try await f.result("eth_getTransactionReceipt", "[\(String(decoding: hash.serialized, as: UTF8.self))]")
        #expect(receipt["status"] == .string("0x1"))
        #expect(receipt["type"] == .string("0x2"))
        do {
            _ = try await f.result("eth_sendTransaction", #"[{"from":"\#(TestKeys.address("Y"))","to":"\#(TestKeys.address("X"))"}]"#)
            Issue.record("a locked account sent")
        } catch let e as RPCFailure { #expect(e.message == "unknown account") }
    }
}

/// Hex quantity text for expectations.
func Quantity(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
func Quantity(_ v: UInt256) -> String {
    var hex = String(Hex.encode(v.minimalBigEndianBytes).dropFirst(2))
    while hex.hasPrefix("0") && hex.count > 1 { hex.removeFirst() }
    return "0x" + (hex.isEmpty ? "0" : hex)
}

final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [JSON] = []
    func add(_ j: JSON) { lock.withLock { items.append(j) } }
    var all: [JSON] { lock.withLock { items } }
}
