import Primitives

/// One call's context: the connection's subscription sink when it came over WebSocket.
public struct CallContext: Sendable {
    /// Sends a notification to the caller (WebSocket only); nil over HTTP.
    public var notify: (@Sendable (JSON) -> Void)?
    /// Identifies the connection (subscriptions end with it).
    public var connection: UInt64

    public init(notify: (@Sendable (JSON) -> Void)? = nil, connection: UInt64 = 0) {
        self.notify = notify; self.connection = connection
    }
}

/// A method: positional parameters in, a result or an ``RPCError`` out.
typealias MethodHandler = @Sendable (Params, CallContext) async throws -> JSON

/// Parses JSON-RPC 2.0 requests (single or batch), dispatches them to the registered
/// methods, and writes responses, following go-ethereum's error codes. Never throws
/// for bad input: every malformed request gets its error response. Thread-safe.
public final class RPCHandler: Sendable {
    /// Each registered method: its handler and its metrics.
    private let methods: [String: Entry]
    /// The metrics of calls to names not registered (one `unknown` label for them all).
    private let unknown = RPCMethodMeter(method: "unknown")
    /// Requests in one batch at most.
    let batchRequestLimit: Int
    /// Bytes of answers one batch may produce; the rest get ``RPCError/responseTooLarge``.
    let batchResponseMaxBytes: Int

    private struct Entry: Sendable {
        let handler: MethodHandler
        /// Made at the method's first call (so `/metrics` lists only methods in use).
        let meter: RPCMethodMeter
    }

    init(methods: [String: MethodHandler], batchRequestLimit: Int = 1_000, batchResponseMaxBytes: Int = 25_000_000) {
        self.methods = methods.reduce(into: [:]) { table, entry in
            table[entry.key] = Entry(handler: entry.value, meter: RPCMethodMeter(method: entry.key))
        }
        self.batchRequestLimit = batchRequestLimit
        self.batchResponseMaxBytes = batchResponseMaxBytes
    }

    /// The names of the registered methods.
    public var methodNames: [String] { methods.keys.sorted() }

    /// Handles one HTTP body or WebSocket message; nil when nothing is to be sent
    /// (a batch of notifications only).
    public func handle(_ body: [UInt8], context: CallContext = CallContext()) async -> [UInt8]? {
        let request: JSON
        do { request = try JSONParser.parse(body) } catch {
            return Self.response(id: .null, error: .parse("\(error)")).serialized
        }
        switch request {
        case .array(let calls):
            guard !calls.isEmpty else { return Self.response(id: .null, error: .invalidRequest("empty batch")).serialized }
            guard calls.count <= batchRequestLimit else {
                return Self.response(id: .null, error: RPCError(code: -32600,
                    message: "batch too large: \(calls.count) requests, limit is \(batchRequestLimit)")).serialized
            }
            var out: [UInt8] = [0x5b]
            var first = true
            for call in calls {
                let r: JSON?
                if out.count > batchResponseMaxBytes {
                    // Past the byte limit: nothing more runs; requests with an id say why.
                    guard case .object = call, let id = call["id"] else { continue }
                    r = Self.response(id: id, error: .responseTooLarge)
                } else {
                    r = await handleOne(call, context: context)
                }
                guard let r else { continue }
                if !first { out.append(0x2c) }
                first = false
                r.write(to: &out)
            }
            out.append(0x5d)
            return first ? nil : out
        default:
            return await handleOne(request, context: context)?.serialized
        }
    }

    private func handleOne(_ call: JSON, context: CallContext) async -> JSON? {
        guard case .object = call else { return Self.response(id: .null, error: .invalidRequest("not an object")) }
        let id = call["id"]
        if let id {
            switch id {
            case .null, .string, .number: break
            default: return Self.response(id: .null, error: .invalidRequest("invalid id"))
            }
        }
        guard call["jsonrpc"]?.stringValue == "2.0" else {
            return Self.response(id: id ?? .null, error: .invalidRequest("jsonrpc must be \"2.0\""))
        }
        guard let method = call["method"]?.stringValue else {
            return Self.response(id: id ?? .null, error: .invalidRequest("method must be a string"))
        }
        let result: JSON
        let registered = methods[method]
        let meter = (registered?.meter ?? unknown).metrics
        let started = ContinuousClock.now
        do {
            defer { meter.duration.record(ContinuousClock.now - started) }
            meter.requests.increment()
            guard let registered else { throw RPCError.methodNotFound(method) }
            result = try await registered.handler(try Params(call["params"]), context)
        } catch {
            let rpcError = error as? RPCError ?? .internalError("\(error)")
            meter.failed(code: rpcError.code)
            // A notification (no id) gets no response, even for errors.
            guard let id else { return nil }
            return Self.response(id: id, error: rpcError)
        }
        guard let id else { return nil }
        return .object([("jsonrpc", .string("2.0")), ("id", id), ("result", result)])
    }

    static func response(id: JSON, error: RPCError) -> JSON {
        .object([("jsonrpc", .string("2.0")), ("id", id), ("error", error.json)])
    }
}
