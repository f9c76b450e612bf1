public import Hummingbird
import HummingbirdWebSocket
public import Logging
import NIOCore
import HTTPTypes
import Synchronization

/// Where and how the JSON-RPC server listens.
public struct RPCServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8545
    /// Origins allowed by CORS (`*` for any); empty: no CORS headers.
    public var corsOrigins: [String] = []
    /// Largest request body or WebSocket message, in bytes (go-ethereum: 5 MiB).
    public var maxBodySize: Int = 5 * 1024 * 1024

    public init() {}
}

/// JSON-RPC over HTTP (POST, keep-alive) and WebSocket on the same port.
///
/// Guarantees: every request gets a JSON-RPC answer or, for bodies over the limit,
/// HTTP 413 with a JSON-RPC error saying so; WebSocket connections carry requests and
/// `eth_subscription` notifications, and their subscriptions end with them.
public enum RPCServer {
    /// An application to run (`try await app.runService()` or inside a service group).
    public static func application(handler: RPCHandler, backend: RPCBackend, configuration: RPCServerConfiguration,
                                   logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        let limit = configuration.maxBodySize
        let cors = configuration.corsOrigins
        router.middlewares.add(CORSHeaders(origins: cors))
        router.post("/") { request, _ -> Response in
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: limit) } catch {
                return jsonResponse(RPCHandler.response(id: .null,
                    error: RPCError(code: -32600, message: "request body too large: limit is \(limit) bytes")).serialized,
                    status: .contentTooLarge)
            }
            let bytes = Array(buffer: body)
            guard let answer = await handler.handle(bytes) else { return Response(status: .ok) }
            return jsonResponse(answer, status: .ok)
        }
        router.on("/", method: .options) { _, _ -> Response in Response(status: .noContent) }
        router.get("/") { _, _ -> Response in
            jsonResponse(Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"send JSON-RPC requests with POST"}}"#.utf8),
                         status: .methodNotAllowed)
        }
        let connections = Atomic<UInt64>(1)
        let wsConfig = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(), ws: .init(maxFrameSize: limit))
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: wsConfig) { _, _, _ in
                .upgrade([:]) { inbound, outbound, _ in
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
                        if let answer = await handler.handle(bytes, context: context) { continuation.yield(answer) }
                    }
                }
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            logger: logger
        )
    }

    static func jsonResponse(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Adds `Access-Control-Allow-Origin` for allowed origins and answers preflight requests.
struct CORSHeaders<Context: RequestContext>: RouterMiddleware {
    let origins: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard !origins.isEmpty, let origin = request.headers[.origin] else { return response }
        let allowed = origins.contains("*") ? "*" : (origins.contains(origin) ? origin : nil)
        guard let allowed else { return response }
        response.headers[.accessControlAllowOrigin] = allowed
        response.headers[.accessControlAllowMethods] = "POST, GET, OPTIONS"
        response.headers[.accessControlAllowHeaders] = "Content-Type"
        return response
    }
}
