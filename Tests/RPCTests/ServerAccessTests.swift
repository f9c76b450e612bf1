import Testing
import Foundation
import Hummingbird
import Logging
import Primitives
import RPC
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The browser-facing rules of the HTTP/WebSocket server, each checked over a real
/// loopback connection with exactly the headers a browser (or an attacker's page)
/// would send.
@Suite(.serialized) struct ServerAccessTests {
    /// Runs a server for `fixture` with `configuration` (port chosen by the system) during `body`.
    static func withServer(_ fixture: RPCFixture, _ configuration: RPCServerConfiguration,
                           _ body: (Int) async throws -> Void) async throws {
        var configuration = configuration
        configuration.port = 0
        let port = PortBox()
        var logger = Logger(label: "rpc-test")
        logger.logLevel = .critical
        let app = RPCServer.application(backend: fixture.backend, configuration: configuration, logger: logger,
                                        onListening: { port.set($0) })
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        let bound = try await port.wait()
        try await body(bound)
    }

    static let chainID = #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#

    static func post(_ port: Int, host: String = "localhost:8545", contentType: String? = "application/json",
                     origin: String? = nil, body: String = chainID) throws -> RawResponse {
        var head = "POST / HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if let origin { head += "Origin: \(origin)\r\n" }
        return try RawHTTP.exchange(port: port, request: head + "\r\n" + body)
    }

    static func upgrade(_ port: Int, origin: String?) throws -> RawResponse {
        var head = "GET / HTTP/1.1\r\nHost: localhost:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let origin { head += "Origin: \(origin)\r\n" }
        return try RawHTTP.exchange(port: port, request: head + "\r\n", headOnly: true)
    }

    @Test func postsMustBeJSON() async throws {
        try await Self.withServer(try RPCFixture(), RPCServerConfiguration()) { (port: Int) async throws in
            #expect(try Self.post(port).status == 200)
            #expect(try Self.post(port).body.contains("\"result\":\"0x539\""))
            #expect(try Self.post(port, contentType: "application/json; charset=utf-8").status == 200)
            // What a cross-site <form> or no-cors fetch can send without a preflight:
            #expect(try Self.post(port, contentType: "text/plain").status == 415)
            #expect(try Self.post(port, contentType: "application/x-www-form-urlencoded").status == 415)
            #expect(try Self.post(port, contentType: "multipart/form-data; boundary=x").status == 415)
            #expect(try Self.post(port, contentType: nil).status == 415)
        }
    }

    @Test func hostHeaderMustBeAnAllowedVirtualHost() async throws {
        try await Self.withServer(try RPCFixture(), RPCServerConfiguration()) { (port: Int) async throws in
            #expect(try Self.post(port, host: "localhost").status == 200)
            #expect(try Self.post(port, host: "LOCALHOST:8545").status == 200)
            #expect(try Self.post(port, host: "127.0.0.1:\(port)").status == 200)
            #expect(try Self.post(port, host: "[::1]:\(port)").status == 200)
            // DNS rebinding: the attacker's name resolving to this machine.
            let rebound = try Self.post(port, host: "attacker.example:\(port)")
            #expect(rebound.status == 403)
            #expect(rebound.body.contains("invalid host specified"))
        }
        var open = RPCServerConfiguration()
        open.access.virtualHosts = ["*"]
        try await Self.withServer(try RPCFixture(), open) { (port: Int) async throws in
            #expect(try Self.post(port, host: "anything.example").status == 200)
        }
        var named = RPCServerConfiguration()
        named.access = AccessPolicy(virtualHosts: ["node1.consortium.example"])
        try await Self.withServer(try RPCFixture(), named) { (port: Int) async throws in
            #expect(try Self.post(port, host: "node1.consortium.example:8545").status == 200)
            #expect(try Self.post(port, host: "localhost").status == 403)
        }
    }

    @Test func webSocketUpgradesNeedAnAllowedOrigin() async throws {
        try await Self.withServer(try RPCFixture(), RPCServerConfiguration()) { (port: Int) async throws in
            #expect(try Self.upgrade(port, origin: nil).status == 101)              // not a browser
            #expect(try Self.upgrade(port, origin: "http://localhost:3000").status == 101)
            #expect(try Self.upgrade(port, origin: "http://127.0.0.1:5173").status == 101)
            // Refused before any frame: Hummingbird answers a declined upgrade with 400 and closes.
            #expect(try Self.upgrade(port, origin: "https://evil.example").status == 400)
            #expect(try Self.upgrade(port, origin: "http://localhost.evil.example").status == 400)
        }
        var listed = RPCServerConfiguration()
        listed.access.webSocketOrigins = [OriginRule(parsing: "https://dapp.example")]
        try await Self.withServer(try RPCFixture(), listed) { (port: Int) async throws in
            #expect(try Self.upgrade(port, origin: "https://dapp.example").status == 101)
            #expect(try Self.upgrade(port, origin: "http://dapp.example").status == 400)
            #expect(try Self.upgrade(port, origin: "http://localhost:3000").status == 400)
        }
    }

    @Test func corsLetsOnlyListedPagesReadAnswers() async throws {
        var dev = RPCServerConfiguration()
        dev.access.corsOrigins = OriginRule.local
        try await Self.withServer(try RPCFixture(), dev) { (port: Int) async throws in
            let local = try Self.post(port, origin: "http://localhost:3000")
            #expect(local.headers["access-control-allow-origin"] == "http://localhost:3000")
            let foreign = try Self.post(port, origin: "https://evil.example")
            #expect(foreign.headers["access-control-allow-origin"] == nil)
            let preflight = try RawHTTP.exchange(port: port, request:
                "OPTIONS / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nOrigin: http://127.0.0.1:8080\r\n"
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n")
            #expect(preflight.status == 204)
            #expect(preflight.headers["access-control-allow-origin"] == "http://127.0.0.1:8080")
        }
        // cloister node's default: no CORS at all.
        try await Self.withServer(try RPCFixture(), RPCServerConfiguration()) { (port: Int) async throws in
            #expect(try Self.post(port, origin: "http://localhost:3000").headers["access-control-allow-origin"] == nil)
        }
    }

    @Test func namespacesArePerTransport() async throws {
        var config = RPCServerConfiguration()
        config.httpNamespaces = [.eth]
        try await Self.withServer(try RPCFixture(), config) { (port: Int) async throws in
            #expect(try Self.post(port).body.contains("0x539"))
            let net = try Self.post(port, body: #"{"jsonrpc":"2.0","id":1,"method":"net_version","params":[]}"#)
            #expect(net.body.contains("-32601"))
        }
    }

    @Test func accessPolicyRules() {
        let p = AccessPolicy()
        #expect(p.allowsHost(nil))
        #expect(p.allowsHost("localhost:8545"))
        #expect(p.allowsHost("10.1.2.3"))
        #expect(p.allowsHost("[fe80::1]:8545"))
        #expect(!p.allowsHost("localhost.attacker.example"))
        #expect(!p.allowsHost("300.1.1.1"))
        #expect(OriginRule(parsing: "localhost").matches("http://localhost:1234"))
        #expect(OriginRule(parsing: "localhost").matches("https://localhost"))
        #expect(!OriginRule(parsing: "localhost").matches("http://localhostx"))
        #expect(OriginRule(parsing: "http://example.com:80").matches("http://example.com"))
        #expect(!OriginRule(parsing: "http://example.com:8080").matches("http://example.com"))
        #expect(OriginRule(parsing: "[::1]").matches("http://[::1]:3000"))
        #expect(OriginRule.any.matches("null"))
        #expect(AccessPolicy(corsOrigins: [.any]).corsAllowOrigin(for: "https://x.example") == "*")
    }
}

/// The port a test server bound, handed from its start callback to the test.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?

    func set(_ p: Int) { lock.withLock { port = p } }

    func wait() async throws -> Int {
        for _ in 0..<500 {
            if let p = lock.withLock({ port }) { return p }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RawHTTP.Failure("the server did not start within 5 s")
    }
}

struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: String
}

/// A minimal HTTP/1.1 exchange over a loopback socket, so a test controls every header
/// (`Host` included) as a browser or an attacker would send it.
enum RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func exchange(port: Int, request: String, headOnly: Bool = false) throws -> RawResponse {
        let socket = try LoopbackSocket(port: port)
        try socket.send(Array(request.utf8))
        let received = socket.receive { headOnly && String(decoding: $0, as: UTF8.self).contains("\r\n\r\n") }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure("no response head in \(text.debugDescription)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure("bad status line") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return RawResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
    }
}
