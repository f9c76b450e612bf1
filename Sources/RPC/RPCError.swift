import Primitives

/// A JSON-RPC error object, with go-ethereum's codes and wording: clients (web3.py,
/// ethers, cast) branch on the code and sometimes on the message.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSON?

    public init(code: Int, message: String, data: JSON? = nil) {
        self.code = code; self.message = message; self.data = data
    }

    public var description: String { "\(code): \(message)" }

    public static func parse(_ reason: String) -> RPCError { RPCError(code: -32700, message: "parse error: \(reason)") }
    public static func invalidRequest(_ reason: String) -> RPCError { RPCError(code: -32600, message: "invalid request: \(reason)") }
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, message: "the method \(method) does not exist/is not available")
    }
    public static func invalidParams(_ reason: String) -> RPCError { RPCError(code: -32602, message: "invalid argument \(reason)") }
    public static func internalError(_ reason: String) -> RPCError { RPCError(code: -32603, message: reason) }
    /// go-ethereum's generic server error (pool rejections, unknown blocks, …).
    public static func server(_ message: String) -> RPCError { RPCError(code: -32000, message: message) }
    /// A batch whose answers passed the response size limit (go-ethereum's code and words).
    public static let responseTooLarge = RPCError(code: -32003, message: "response too large")
    /// A result too large to return (log ranges).
    public static func limitExceeded(_ message: String) -> RPCError { RPCError(code: -32005, message: message) }
    /// `execution reverted` with the revert data, so clients decode the reason.
    public static func reverted(_ output: [UInt8], reason: String?) -> RPCError {
        RPCError(code: 3, message: reason.map { "execution reverted: \($0)" } ?? "execution reverted",
                 data: .string(Hex.encodeData(output)))
    }

    var json: JSON {
        var members: [(String, JSON)] = [("code", .int(code)), ("message", .string(message))]
        if let data { members.append(("data", data)) }
        return .object(members)
    }
}
