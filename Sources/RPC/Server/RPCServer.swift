public import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
public import Logging
import NIOCore
import HTTPTypes
import Primitives
import Synchronization

/// Where and how the JSON-RPC server listens, and who may use it.
public struct RPCServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8545
    /// Host names, origins and CORS (go-ethereum's `--http.vhosts`, `--ws.origins`,
    /// `--http.corsdomain`): by default `localhost` and IP literals, WebSocket pages from
    /// this machine only, and no CORS.
    public var access = AccessPolicy()
    /// Namespaces served over HTTP (`--http-api`) and over WebSocket (`--ws-api`).
    public var httpNamespaces: Set<RPCNamespace> = RPCNamespace.nodeDefault
    public var webSocketNamespaces: Set<RPCNamespace> = RPCNamespace.nodeDefault
    /// Largest request body or WebSocket message, in bytes (go-ethereum: 5 MiB).
    public var maxBodySize: Int = 5 * 1024 * 1024
    /// Open connections at most, HTTP and WebSocket together; more wait in the accept queue.
    public var maxConnections = 1_000
    /// An HTTP connection idle this long is closed (go-ethereum: 120 s).
    public var idleTimeout: Duration = .seconds(120)
    /// Whether `GET /status` (the status page) and `/status.json` are served.
    /// `GET /health` and `/ready` always are.
    public var statusPage = true

    public init() {}
}

/// JSON-RPC over HTTP (POST, keep-alive) and WebSocket on the same port.
///
/// Guarantees: a request reaches a method only if its `Host` is allowed (403
/// otherwise), an HTTP POST only with a JSON content type (415 otherwise, so a
/// cross-site form posting `text/plain` executes nothing), and a WebSocket only if its
/// `Origin` is allowed (400 and closed otherwise). Every accepted request gets a JSON-RPC answer
/// or, for bodies over the limit, HTTP 413 with a JSON-RPC error saying so; WebSocket
/// connections carry requests and `eth_subscription` notifications, and their
/// subscriptions end with them. At most ``RPCServerConfiguration/maxConnections``
/// connections are open at once.
public enum RPCServer {
    /// Content types a POST may carry (go-ethereum accepts the same three).
    static let acceptedContentTypes: Set<String> = ["application/json", "application/json-rpc", "application/jsonrequest"]

    /// An application to run (`try await app.runService()` or inside a service group).
    /// `onListening` receives the bound port once the server accepts connections (the
    /// configured one, or the system's choice for port 0).
    public static func application(backend: RPCBackend, configuration: RPCServerConfiguration, logger: Logger,
                                   onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let httpHandler = backend.handler(namespaces: configuration.httpNamespaces)
        let wsHandler = backend.handler(namespaces: configuration.webSocketNamespaces)
        let router = Router()
        let limit = configuration.maxBodySize
        let access = configuration.access
        router.middlewares.add(AccessControl(policy: access))
        router.middlewares.add(CORSHeaders(policy: access))
        router.post("/") { request, _ -> Response in
            guard isJSON(request.headers[.contentType]) else {
                return jsonResponse(RPCHandler.response(id: .null, error: RPCError(code: -32600,
                    message: "invalid content type, only application/json is supported")).serialized,
                    status: .unsupportedMediaType)
            }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: limit) } catch {
                return jsonResponse(RPCHandler.response(id: .null,
                    error: RPCError(code: -32600, message: "request body too large: limit is \(limit) bytes")).serialized,
                    status: .contentTooLarge)
            }
            let bytes = Array(buffer: body)
            guard let answer = await httpHandler.handle(bytes) else { return Response(status: .ok) }
            return jsonResponse(answer, status: .ok)
        }
        router.on("/", method: .options) { _, _ -> Response in Response(status: .noContent) }
        router.get("/health") { _, _ -> Response in
            jsonResponse(backend.healthBody(ready: nil).serialized, status: .ok)
        }
        router.get("/ready") { _, _ -> Response in
            let ready = backend.readiness()
            return jsonResponse(backend.healthBody(ready: ready).serialized, status: ready.ready ? .ok : .serviceUnavailable)
        }
        if configuration.statusPage {
            router.get("/status") { _, _ -> Response in StatusPageRoute.page() }
            router.get("/status.json") { _, _ -> Response in
                var response = jsonResponse(backend.statusReport().serialized, status: .ok)
                response.headers[.cacheControl] = "no-store"
                return response
            }
        }
        router.get("/") { _, _ -> Response in
            jsonResponse(Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"send JSON-RPC requests with POST"}}"#.utf8),
                         status: .methodNotAllowed)
        }
        let connections = Atomic<UInt64>(1)
        let wsConfig = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(idleTimeout: .nanoseconds(configuration.idleTimeout.saturatingNanoseconds)), ws: .init(maxFrameSize: limit))
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: wsConfig) { head, _, _ in
                // Hummingbird answers a refused upgrade with 400 and closes the connection.
                guard access.allowsWebSocket(origin: head.headerFields[.origin], host: head.authority)
                else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    let connection = connections.add(1, ordering: .relaxed).newValue
                    let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
                    let context = CallContext(notify: { note in continuation.yield(note.serialized) }, connection: connection)
                    // One writer per connection: answers and notifications never interleave mid-frame.
                    let writer = Task {
                        for await text in stream {
                            try? await outbound.write(.text(String(decoding: text, as: UTF8.self)))
                        }
                    }
                    defer {
                        backend.connectionClosed(connection)
                        continuation.finish()
                        writer.cancel()
                    }
                    for try await message in inbound.messages(maxSize: limit) {
                        let bytes: [UInt8]
                        switch message {
                        case .text(let s): bytes = Array(s.utf8)
                        case .binary(let b): bytes = Array(buffer: b)
                        }
                        if let answer = await wsHandler.handle(bytes, context: context) { continuation.yield(answer) }
                    }
                }
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                                 availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: logger)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }

    /// Whether a `Content-Type` value names JSON (parameters such as `charset` are ignored).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return acceptedContentTypes.contains(media.trimmingSpaces.lowercased())
    }

    static func jsonResponse(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Refuses (403) requests whose `Host` is not an allowed virtual host. (WebSocket
/// upgrades never reach the router: the upgrade handler answers them, refusing a
/// disallowed `Origin` with 400 before any frame is exchanged.)
struct AccessControl<Context: RequestContext>: RouterMiddleware {
    let policy: AccessPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard policy.allowsHost(request.head.authority) else { return Self.forbidden("invalid host specified") }
        return try await next(request, context)
    }

    static func forbidden(_ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .forbidden, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}

/// Adds `Access-Control-Allow-Origin` for allowed origins and answers preflight requests.
struct CORSHeaders<Context: RequestContext>: RouterMiddleware {
    let policy: AccessPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard let allowed = policy.corsAllowOrigin(for: request.headers[.origin]) else { return response }
        response.headers[.accessControlAllowOrigin] = allowed
        response.headers[.accessControlAllowMethods] = "POST, GET, OPTIONS"
        response.headers[.accessControlAllowHeaders] = "Content-Type"
        response.headers[.accessControlMaxAge] = "600"
        if allowed != "*" { response.headers[.vary] = "Origin" }
        return response
    }
}
