public import Primitives

/// A block named in a request: a tag, a number, or (EIP-1898) a hash.
public enum BlockSelector: Sendable, Equatable {
    case latest, earliest, pending, safe, finalized
    case number(UInt64)
    case hash(Hash32, requireCanonical: Bool)
}

/// Positional parameters of one call, read with the field's name in every error
/// (`invalid argument 0: hex string without 0x prefix`, as go-ethereum words them).
struct Params {
    let values: [JSON]

    init(_ params: JSON?) throws(RPCError) {
        switch params {
        case nil, .null?: values = []
        case .array(let a)?: values = a
        default: throw RPCError.invalidParams("params: must be an array")
        }
    }

    var count: Int { values.count }

    func at(_ i: Int) -> JSON? { i < values.count && !values[i].isNull ? values[i] : nil }

    func require(_ i: Int) throws(RPCError) -> JSON {
        guard let v = at(i) else { throw RPCError(code: -32602, message: "missing value for required argument \(i)") }
        return v
    }

    /// Refuses extra parameters beyond `n` (go-ethereum: "too many arguments, want at most N").
    func atMost(_ n: Int) throws(RPCError) {
        guard values.count <= n else { throw RPCError(code: -32602, message: "too many arguments, want at most \(n)") }
    }

    func string(_ i: Int) throws(RPCError) -> String {
        guard case .string(let s) = try require(i) else { throw RPCError.invalidParams("\(i): expected a string") }
        return s
    }

    func address(_ i: Int) throws(RPCError) -> Address { try Self.address(try require(i), field: "\(i)") }
    func hash(_ i: Int) throws(RPCError) -> Hash32 { try Self.hash(try require(i), field: "\(i)") }
    func data(_ i: Int) throws(RPCError) -> [UInt8] { try Self.data(try require(i), field: "\(i)") }
    func quantity(_ i: Int) throws(RPCError) -> UInt256 { try Self.quantity(try require(i), field: "\(i)") }
    func quantity64(_ i: Int) throws(RPCError) -> UInt64 { try Self.quantity64(try require(i), field: "\(i)") }

    func bool(_ i: Int, default d: Bool = false) throws(RPCError) -> Bool {
        guard let v = at(i) else { return d }
        guard case .bool(let b) = v else { throw RPCError.invalidParams("\(i): expected a boolean") }
        return b
    }

    /// A block selector at `i`, `latest` when absent.
    func block(_ i: Int, default d: BlockSelector = .latest) throws(RPCError) -> BlockSelector {
        guard let v = at(i) else { return d }
        return try Self.block(v, field: "\(i)")
    }

    // MARK: Field decoders

    static func address(_ v: JSON, field: String) throws(RPCError) -> Address {
        let bytes = try data(v, field: field)
        guard let a = Address(bytes) else { throw RPCError.invalidParams("\(field): hex string has length \(bytes.count * 2), want 40 for common.Address") }
        return a
    }

    static func hash(_ v: JSON, field: String) throws(RPCError) -> Hash32 {
        let bytes = try data(v, field: field)
        guard let h = Hash32(bytes) else { throw RPCError.invalidParams("\(field): hex string has length \(bytes.count * 2), want 64 for common.Hash") }
        return h
    }

    static func data(_ v: JSON, field: String) throws(RPCError) -> [UInt8] {
        guard case .string(let s) = v else { throw RPCError.invalidParams("\(field): expected a hex string") }
        guard s.hasPrefix("0x") || s.hasPrefix("0X") else { throw RPCError.invalidParams("\(field): hex string without 0x prefix") }
        do { return try Hex.decode(s) } catch {
            switch error {
            case .oddLength: throw RPCError.invalidParams("\(field): hex string of odd length")
            default: throw RPCError.invalidParams("\(field): invalid hex string")
            }
        }
    }

    static func quantity(_ v: JSON, field: String) throws(RPCError) -> UInt256 {
        switch v {
        case .string(let s): return try Quantity.parse(s, field: field)
        // web3 libraries sometimes send small integers as JSON numbers; go-ethereum refuses
        // them for QUANTITY, and so do we (a clear error beats a silent guess).
        default: throw RPCError.invalidParams("\(field): expected a 0x-prefixed hex quantity")
        }
    }

    static func quantity64(_ v: JSON, field: String) throws(RPCError) -> UInt64 {
        guard case .string(let s) = v else { throw RPCError.invalidParams("\(field): expected a 0x-prefixed hex quantity") }
        return try Quantity.parse64(s, field: field)
    }

    static func block(_ v: JSON, field: String) throws(RPCError) -> BlockSelector {
        switch v {
        case .string(let s):
            switch s {
            case "latest": return .latest
            case "earliest": return .earliest
            case "pending": return .pending
            case "safe": return .safe
            case "finalized": return .finalized
            default:
                // A 32-byte hash is accepted where a block number or tag is (geth does the same).
                if s.count == 66, let h = try? hash(v, field: field) { return .hash(h, requireCanonical: false) }
                return .number(try Quantity.parse64(s, field: field))
            }
        case .object:
            if let h = v["blockHash"] {
                if v["blockNumber"] != nil { throw RPCError.invalidParams("\(field): cannot specify both BlockHash and BlockNumber, choose one or the other") }
                let canonical = v["requireCanonical"]?.boolValue ?? false
                return .hash(try hash(h, field: field), requireCanonical: canonical)
            }
            if let n = v["blockNumber"] { return try block(n, field: field) }
            throw RPCError.invalidParams("\(field): block object needs blockHash or blockNumber")
        default:
            throw RPCError.invalidParams("\(field): expected a block number, tag or hash")
        }
    }
}
