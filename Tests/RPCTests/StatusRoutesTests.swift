import Testing
import Foundation
import Primitives
import ChainTypes
import RPC
import TestSupport

extension ServerAccessTests {
/// The operator-facing routes of the JSON-RPC port: `/health`, `/ready`, `/status` and
/// `/status.json`, over a real loopback connection; and the report they serve. Nested in
/// ``ServerAccessTests`` so its live servers never run alongside that suite's (two suites
/// of loopback servers at once stalled each other's first exchange).
@Suite struct StatusRoutesTests {
    static func get(_ port: Int, _ path: String, host: String = "localhost:8545") throws -> RawResponse {
        try RawHTTP.exchange(port: port, request: "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
    }

    @Test func healthAndReadyAnswerJSON() async throws {
        let fixture = try RPCFixture()
        try fixture.seal()
        try await ServerAccessTests.withServer(fixture, RPCServerConfiguration()) { (port: Int) async throws in
            let health = try Self.get(port, "/health")
            #expect(health.status == 200)
            #expect(health.body.contains(#""status":"ok""#))
            #expect(health.body.contains(#""head":1"#))
            let ready = try Self.get(port, "/ready")
            #expect(ready.status == 200)
            #expect(ready.body.contains(#""status":"ready""#))
            // The Host rule holds for these routes too.
            #expect(try Self.get(port, "/health", host: "evil.example").status == 403)
        }
    }

    @Test func readyFailsWhileBehindOrWithAnUntrustedEnclave() async throws {
        var behind = NodeStatus()
        behind.syncing = { SyncProgress(startingBlock: 0, currentBlock: 10, highestBlock: 20) }
        let lagging = try RPCFixture(status: behind)
        #expect(!lagging.backend.readiness().ready)
        #expect(lagging.backend.readiness().reasons.first?.contains("block 10 of 20") == true)

        var close = NodeStatus()
        close.syncing = { SyncProgress(startingBlock: 0, currentBlock: 19, highestBlock: 20) }
        #expect(try RPCFixture(status: close).backend.readiness().ready)

        var untrusted = NodeStatus()
        untrusted.enclave = {
            EnclaveSummary(trusted: false, reason: "not registered yet", enclaveID: Hash32(UInt256(1)),
                           measurement: Hash32(UInt256(2)), simulated: true, generations: [])
        }
        let fixture = try RPCFixture(status: untrusted)
        #expect(fixture.backend.readiness().reasons == ["enclave not trusted: not registered yet"])
        try await ServerAccessTests.withServer(fixture, RPCServerConfiguration()) { (port: Int) async throws in
            let ready = try Self.get(port, "/ready")
            #expect(ready.status == 503)
            #expect(ready.body.contains("enclave not trusted"))
        }
    }

    @Test func statusPageAndReportAreServedWithTheirHeaders() async throws {
        let fixture = try RPCFixture()
        for _ in 0..<3 { try fixture.seal() }
        try await ServerAccessTests.withServer(fixture, RPCServerConfiguration()) { (port: Int) async throws in
            let page = try Self.get(port, "/status")
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers["x-frame-options"] == "DENY")
            #expect(page.body.contains("<!doctype html>"))
            let report = try Self.get(port, "/status.json")
            #expect(report.status == 200)
            let json = try JSONParser.parse(Array(report.body.utf8))
            #expect(json["head"]?["number"] == .number("3"))
            #expect(json["authorities"]?.arrayValue?.count == 1)
            #expect(json["blocks"]?.arrayValue?.count == 3)
        }
        var off = RPCServerConfiguration()
        off.statusPage = false
        try await ServerAccessTests.withServer(fixture, off) { (port: Int) async throws in
            #expect(try Self.get(port, "/status").status == 404)
            #expect(try Self.get(port, "/status.json").status == 404)
            #expect(try Self.get(port, "/health").status == 200)
        }
    }

    @Test func reportCountsTurnsAndNamesTheNextSigner() throws {
        var status = NodeStatus()
        status.role = "authority"
        status.sealer = TestKeys.address("A")
        let fixture = try RPCFixture(status: status)
        for _ in 0..<5 { try fixture.seal() }
        let report = fixture.backend.statusReport()
        let me = TestKeys.address("A").description
        #expect(report["role"]?.stringValue == "authority")
        #expect(report["self"]?.stringValue == me)
        guard let authority = report["authorities"]?.arrayValue?.first else { Issue.record("no authority"); return }
        #expect(authority["address"]?.stringValue == me)
        #expect(authority["sealed"] == .number("5"))
        #expect(authority["inTurn"] == .number("5"))
        #expect(authority["missedTurns"] == .number("0"))
        #expect(authority["nextInTurn"] == .bool(true))
        let blocks = report["blocks"]?.arrayValue ?? []
        #expect(blocks.map { $0["number"] } == (1...5).map { JSON.number(String($0)) })
        #expect(blocks.allSatisfy { $0["signer"]?.stringValue == me && $0["inTurn"] == .bool(true) })
        #expect(report["nextBlock"]?["number"] == .number("6"))
        #expect(report["registry"] == .null)
        #expect(report["enclave"] == .null)
        #expect(report["pool"]?["pending"] == .number("0"))
    }

    @Test func peerRolesComeFromTheIdentitySlot() {
        #expect(RPCBackend.peerRole(clientName: "Cloister/authority/v0.1.0-dev/linux-amd64/swift6.3") == "authority")
        #expect(RPCBackend.peerRole(clientName: "Cloister/observer/v0.1.0-dev/linux-amd64/swift6.3") == "observer")
        #expect(RPCBackend.peerRole(clientName: "Cloister/v0.1.0-dev/linux-amd64/swift6.3") == "unknown")
        #expect(RPCBackend.peerRole(clientName: "Geth/authority/v1.14.0") == "unknown")
        #expect(RPCBackend.peerRole(clientName: "") == "unknown")
    }

    @Test func theNodesOwnPageMayOpenItsWebSocket() async throws {
        // A page served by this node (Origin = the Host it was asked as) may subscribe, even
        // from an address that is not in the local-origin default; another origin may not.
        let policy = AccessPolicy(virtualHosts: ["*"], webSocketOrigins: OriginRule.local, corsOrigins: [])
        #expect(policy.allowsWebSocket(origin: "http://10.0.0.5:8545", host: "10.0.0.5:8545"))
        #expect(!policy.allowsWebSocket(origin: "http://10.0.0.5:8545", host: "10.0.0.6:8545"))
        #expect(!policy.allowsWebSocket(origin: "http://evil.example", host: "10.0.0.5:8545"))
        let strict = AccessPolicy(virtualHosts: ["localhost"], webSocketOrigins: [], corsOrigins: [])
        #expect(!strict.allowsWebSocket(origin: "http://node.example:8545", host: "node.example:8545"))
    }
}
}
