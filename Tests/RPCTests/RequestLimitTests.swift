import Testing
import Foundation
import Primitives
import ChainTypes
import Chain
import RPC
import TestSupport

/// Every request's work is bounded, and numbers from a request never trap.
@Suite struct RequestLimitTests {
    static func code(_ r: JSON) -> String? { if case .number(let n)? = r["error"]?["code"] { return n } else { return nil } }

    @Test func theWidestLogRangeIsRefusedNotACrash() async throws {
        let f = try RPCFixture()
        let range = #"{"fromBlock":"0x0","toBlock":"0xffffffffffffffff"}"#
        let logs = try await f.call(#"{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[\#(range)]}"#)
        #expect(Self.code(logs) == "-32005")
        #expect(logs["error"]?["message"]?.stringValue?.contains("18446744073709551615") == true)
        let filter = try await f.result("eth_newFilter", "[\(range)]")
        let id = try #require(filter.stringValue)
        let filterLogs = try await f.call(#"{"jsonrpc":"2.0","id":2,"method":"eth_getFilterLogs","params":["\#(id)"]}"#)
        #expect(Self.code(filterLogs) == "-32005")
        // The node still answers.
        #expect(try await f.result("eth_blockNumber") == .string("0x0"))
    }

    @Test func batchesAreBoundedInRequestsAndResponseBytes() async throws {
        var limits = RPCLimits()
        limits.batchRequestLimit = 3
        limits.batchResponseMaxBytes = 60
        let f = try RPCFixture(limits: limits)
        let one = #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#
        let tooMany = try await f.call("[\(one),\(one),\(one),\(one)]")
        #expect(Self.code(tooMany) == "-32600")
        let answers = try #require(try await f.call("[\(one),\(one),\(one)]").arrayValue)
        #expect(answers.count == 3)
        #expect(answers[0]["result"] == .string("0x539"))
        // Each answer is ~40 bytes: the third would start past 60 bytes and is refused.
        #expect(answers.contains { Self.code($0) == "-32003" })
        #expect(answers.last?["error"]?["message"] == .string("response too large"))
    }

    @Test func filtersAndSubscriptionsAreCapped() async throws {
        var limits = RPCLimits()
        limits.maxFilters = 2
        limits.maxSubscriptionsPerConnection = 2
        limits.maxSubscriptions = 3
        let f = try RPCFixture(limits: limits)
        _ = try await f.result("eth_newBlockFilter")
        _ = try await f.result("eth_newPendingTransactionFilter")
        let third = try await f.call(#"{"jsonrpc":"2.0","id":1,"method":"eth_newBlockFilter","params":[]}"#)
        #expect(Self.code(third) == "-32005")
        let subscribe = #"{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}"#
        let a = CallContext(notify: { _ in }, connection: 1), b = CallContext(notify: { _ in }, connection: 2)
        #expect(try await f.call(subscribe, context: a)["result"] != nil)
        #expect(try await f.call(subscribe, context: a)["result"] != nil)
        #expect(Self.code(try await f.call(subscribe, context: a)) == "-32005")
        #expect(try await f.call(subscribe, context: b)["result"] != nil)
        #expect(Self.code(try await f.call(subscribe, context: b)) == "-32005")  // 3 in total
        f.backend.connectionClosed(1)
        #expect(try await f.call(subscribe, context: b)["result"] != nil)
    }

    @Test func feeHistoryPercentilesAndProofKeysAreCapped() async throws {
        var limits = RPCLimits()
        limits.feeHistoryPercentiles = 3
        limits.proofKeys = 2
        let f = try RPCFixture(limits: limits)
        await #expect(throws: RPCFailure.self) { try await f.result("eth_feeHistory", #"["0x1", "latest", [1, 2, 3, 4]]"#) }
        #expect(try await f.result("eth_feeHistory", #"["0xffffffffffffffff", "latest", [1, 2, 3]]"#)["oldestBlock"] == .string("0x0"))
        let x = TestKeys.address("X")
        await #expect(throws: RPCFailure.self) { try await f.result("eth_getProof", #"["\#(x)", ["0x0", "0x1", "0x2"], "latest"]"#) }
        #expect(try await f.result("eth_getProof", #"["\#(x)", ["0x0", "0x1"], "latest"]"#)["storageProof"]?.arrayValue?.count == 2)
    }

    /// Initcode `JUMPDEST PUSH1 0 JUMP`: a loop that only gas or time can end.
    static let loop = "0x5b600056"

    @Test func callsAndEstimatesStopAtTheTimeLimit() async throws {
        var limits = RPCLimits()
        limits.gasCap = 1 << 40                    // gas alone would run for many minutes
        limits.evmTimeout = .milliseconds(300)
        let f = try RPCFixture(limits: limits)
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await f.result("eth_call", #"[{"data":"\#(Self.loop)","gas":"0x10000000000"}]"#)
            Issue.record("an endless loop returned")
        } catch let e as RPCFailure {
            #expect(e.code == -32000)
            #expect(e.message.hasPrefix("execution aborted (timeout"))
        }
        #expect(clock.now - started < .seconds(5))
        let estimateStarted = clock.now
        await #expect(throws: RPCFailure.self) {
            try await f.result("eth_estimateGas", #"[{"from":"\#(TestKeys.address("X"))","data":"\#(Self.loop)"}]"#)
        }
        #expect(clock.now - estimateStarted < .seconds(5))
    }

    @Test func gasCapBoundsCallsWithoutATimeLimit() async throws {
        var limits = RPCLimits()
        limits.gasCap = 100_000
        let f = try RPCFixture(limits: limits)
        do {
            _ = try await f.result("eth_call", #"[{"data":"\#(Self.loop)","gas":"0xffffffffffffffff"}]"#)
            Issue.record("an endless loop returned")
        } catch let e as RPCFailure {
            #expect(e.message == "out of gas")
        }
    }

    @Test func namespacesChooseTheMethods() async throws {
        let node = try RPCFixture(unlocked: [TestKeys.key("X")], namespaces: RPCNamespace.nodeDefault)
        #expect(try await node.result("eth_chainId") == .string("0x539"))
        #expect(try await node.result("net_version") == .string("1337"))
        for method in ["clique_getSigners", "txpool_status", "eth_sendTransaction"] {
            let r = try await node.call(#"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":[]}"#)
            #expect(Self.code(r) == "-32601", "\(method) is served without its namespace")
        }
        #expect(try await node.result("eth_accounts") == .array([]))
        let dev = try RPCFixture(unlocked: [TestKeys.key("X")], namespaces: RPCNamespace.devDefault)
        #expect(try await dev.result("eth_accounts") == .array([.string(TestKeys.address("X").description)]))
        #expect(try await dev.result("txpool_status")["pending"] == .string("0x0"))
        #expect(throws: RPCError.self) { try RPCNamespace.parseList("eth,personal") }
        #expect(try RPCNamespace.parseList(" eth, net ,web3") == RPCNamespace.nodeDefault)
    }

    @Test func nodeFactsComeFromTheNode() async throws {
        let quiet = try RPCFixture()
        #expect(try await quiet.result("net_listening") == .bool(false))
        #expect(try await quiet.result("net_peerCount") == .string("0x0"))
        #expect(try await quiet.result("eth_mining") == .bool(false))
        #expect(try await quiet.result("eth_syncing") == .bool(false))
        var status = NodeStatus()
        status.listening = { true }
        status.peerCount = { 3 }
        status.sealing = { true }
        status.syncing = { SyncProgress(startingBlock: 0, currentBlock: 5, highestBlock: 9) }
        let busy = try RPCFixture(status: status)
        #expect(try await busy.result("net_listening") == .bool(true))
        #expect(try await busy.result("net_peerCount") == .string("0x3"))
        #expect(try await busy.result("eth_mining") == .bool(true))
        #expect(try await busy.result("eth_syncing")["highestBlock"] == .string("0x9"))
    }

    @Test func newPendingTransactionsHonoursFull() async throws {
        let f = try RPCFixture()
        let hashes = Inbox(), full = Inbox()
        let a = CallContext(notify: { hashes.add($0) }, connection: 1), b = CallContext(notify: { full.add($0) }, connection: 2)
        _ = try await f.call(#"{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newPendingTransactions"]}"#, context: a)
        _ = try await f.call(#"{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newPendingTransactions", true]}"#, context: b)
        let hash = try await f.result("eth_sendRawTransaction", "[\"\(EthMethodsTests.transfer(0))\"]")
        #expect(hashes.all.first?["params"]?["result"] == hash)
        let tx = full.all.first?["params"]?["result"]
        #expect(tx?["hash"] == hash)
        #expect(tx?["from"] == .string(TestKeys.address("X").description))
        #expect(tx?["nonce"] == .string("0x0"))
    }
}
