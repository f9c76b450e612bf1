import Testing
import Foundation
import Primitives
import ChainTypes
import RPC
import ConfidentialState
import Attestation
import TestSupport

/// The `conf_` methods that read the registry in public state (CONFIDENTIAL.md section 5.5),
/// and `conf_proposePolicy` through the node's hook.
@Suite struct ConfidentialMethodsTests {
    struct Fixture {
        let rpc: RPCFixture
        let joins: SimulatedJoins

        init(status: NodeStatus = NodeStatus()) throws {
            joins = try SimulatedJoins()
            rpc = try RPCFixture(status: status, confidential: joins.policy)
        }

        func join(nonce: UInt64, boundChainID: UInt64? = nil) -> SignedTransaction {
            joins.join(by: TestKeys.key("A"), nonce: nonce, chainID: RPCFixture.chainID, genesisHash: rpc.chain.genesis?.hash ?? .zero,
                       freshness: rpc.chain.head.hash, boundChainID: boundChainID)
        }
    }

    @Test func aJoinedEnclaveIsListedWithItsRecord() async throws {
        let f = try Fixture()
        let join = f.join(nonce: 0)
        try f.rpc.pool.add(join)
        try f.rpc.seal()
        let reply = try await f.rpc.result("conf_getEnclaves", #"["latest"]"#)
        #expect(reply["simulated"] == .bool(true))
        guard case .array(let enclaves)? = reply["enclaves"] else { Issue.record("no enclaves array: \(reply)"); return }
        #expect(enclaves.count == 1)
        let e = enclaves[0]
        #expect(e["authority"]?.stringValue == TestKeys.address("A").description)
        #expect(e["status"]?.stringValue == "pending")
        #expect(e["mrEnclave"]?.stringValue == f.joins.measurement.description)
        #expect(e["joinedAt"]?.stringValue == "0x1")
        #expect(e["joinedAtHash"]?.stringValue == f.rpc.chain.head.hash.description)
        #expect(e["generation"]?.stringValue == "0x0")
        guard case .system(let system) = join.transaction, case .join(let payload) = system.payload else { return }
        #expect(e["quote"]?.stringValue == Hex.encode(payload.quote))
        #expect(e["enclaveId"]?.stringValue == Keccak256.hash(payload.signingKey).description)

        // Before the join's block, the registry was empty.
        let before = try await f.rpc.result("conf_getEnclaves", #"["0x0"]"#)
        #expect(before["enclaves"] == .array([]))

        // The transaction shows its type and signed encoding.
        let tx = try await f.rpc.result("eth_getTransactionByHash", "[\"\(join.hash)\"]")
        #expect(tx["type"]?.stringValue == "0x41")
        #expect(tx["to"]?.stringValue == RegistryLayout.address.description)
        #expect(tx["raw"]?.stringValue == Hex.encode(join.networkEncoding))
        let receipt = try await f.rpc.result("eth_getTransactionReceipt", "[\"\(join.hash)\"]")
        #expect(receipt["status"]?.stringValue == "0x1")
        #expect(receipt["gasUsed"]?.stringValue == "0x0")
    }

    @Test func thePolicyAndGenerationsAnswerWithSimulated() async throws {
        let f = try Fixture()
        let policy = try await f.rpc.result("conf_getAttestationPolicy", #"["latest"]"#)
        #expect(policy["policyHash"]?.stringValue == f.joins.policy.policyHash.description)
        #expect(policy["currentGeneration"]?.stringValue == "0x0")
        #expect(policy["simulated"] == .bool(true))
        #expect(policy["measurements"] == .array([.string(f.joins.measurement.description)]))
        #expect(policy["revokedPlatforms"] == .array([]))
        let generations = try await f.rpc.result("conf_getGenerations", #"["latest"]"#)
        #expect(generations["generations"] == .array([]))
        #expect(generations["simulated"] == .bool(true))
    }

    @Test func aFailedJoinReportsItsCheck() async throws {
        let f = try Fixture()
        let join = f.join(nonce: 0, boundChainID: 999)
        try f.rpc.pool.add(join)
        try f.rpc.seal()
        let failure = try await f.rpc.result("conf_getJoinFailure", "[\"\(join.hash)\"]")
        #expect(failure["check"]?.stringValue == AttestationCheck.keyBinding.name)
        #expect(failure["checkNumber"] == .int(9))
        #expect(failure["simulated"] == .bool(true))
        let receipt = try await f.rpc.result("eth_getTransactionReceipt", "[\"\(join.hash)\"]")
        #expect(receipt["status"]?.stringValue == "0x0")
        // A transaction that is not a failed join has no failure.
        #expect(try await f.rpc.result("conf_getJoinFailure", "[\"\(Hash32.zero)\"]") == .null)
    }

    @Test func proposePolicyGoesThroughTheNodesHook() async throws {
        let proposed = ProposedVotes()
        var status = NodeStatus()
        status.confidential = ConfidentialHooks(proposePolicy: { vote in proposed.add(vote); return Keccak256.hash([1]) })
        let f = try Fixture(status: status)
        let hash = try await f.rpc.result("conf_proposePolicy", #"["minIsvSvn", "0x2", true]"#)
        #expect(hash.stringValue == Keccak256.hash([1]).description)
        #expect(proposed.votes == [PolicyVote.set(.minIsvSvn, to: 2)])
        let measurement = Hash32(Array(repeating: 7, count: 32)) ?? .zero
        _ = try await f.rpc.result("conf_proposePolicy", "[1, \"\(measurement)\", false]")
        #expect(proposed.votes.last == PolicyVote(kind: .measurement, value: measurement.bytes, add: false))
        // Malformed votes are refused before the hook sees them.
        await #expect(throws: RPCFailure.self) { try await f.rpc.result("conf_proposePolicy", #"["measurement", "0x01", true]"#) }
        await #expect(throws: RPCFailure.self) { try await f.rpc.result("conf_proposePolicy", #"["minIsvSvn", "0x2", false]"#) }
        await #expect(throws: RPCFailure.self) { try await f.rpc.result("conf_proposePolicy", #"["nonsense", "0x2", true]"#) }
        #expect(proposed.votes.count == 2)
    }

    @Test func aChainWithoutTheModuleHasNoConfMethods() async throws {
        let plain = try RPCFixture()
        await #expect(throws: RPCFailure.self) { try await plain.result("conf_getEnclaves", #"["latest"]"#) }
    }
}

/// Votes a test hook received.
final class ProposedVotes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [PolicyVote] = []
    func add(_ vote: PolicyVote) { lock.withLock { stored.append(vote) } }
    var votes: [PolicyVote] { lock.withLock { stored } }
}
