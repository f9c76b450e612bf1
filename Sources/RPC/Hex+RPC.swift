import Primitives

extension Hex {
    /// `0x`-prefixed lowercase hex of bytes (JSON-RPC DATA).
    static func encodeData(_ bytes: some Collection<UInt8>) -> String { Hex.encode(Array(bytes)) }
}

/// JSON-RPC QUANTITY and DATA values (the Ethereum JSON-RPC hex encoding).
enum Quantity {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func json(_ v: UInt64) -> JSON { .string(string(v)) }
    static func json(_ v: Int) -> JSON { .string(string(UInt64(max(v, 0)))) }
    static func json(_ v: UInt256) -> JSON { .string(string(v)) }

    /// `0x0`, `0x1a`: no leading zeros (``UInt256/hexQuantity`` without building a `UInt256`,
    /// for the hot small quantities: block numbers, gas, nonces).
    static func string(_ v: UInt64) -> String {
        if v == 0 { return "0x0" }
        var out: [UInt8] = [0x30, 0x78]
        var started = false
        for shift in stride(from: 60, through: 0, by: -4) {
            let d = Int((v >> UInt64(shift)) & 0xf)
            if d != 0 { started = true }
            if started { out.append(digits[d]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func string(_ v: UInt256) -> String { v.hexQuantity }

    /// Parses a QUANTITY: `0x` then 1–64 hex digits without leading zeros (go-ethereum is as strict).
    static func parse(_ s: String, field: String) throws(RPCError) -> UInt256 {
        guard s.hasPrefix("0x") || s.hasPrefix("0X") else { throw RPCError.invalidParams("\(field): hex string without 0x prefix") }
        let digits = s.dropFirst(2)
        guard !digits.isEmpty else { throw RPCError.invalidParams("\(field): hex string \"0x\"") }
        guard digits.count == 1 || digits.first != "0" else { throw RPCError.invalidParams("\(field): hex number with leading zero digits") }
        guard digits.count <= 64 else { throw RPCError.invalidParams("\(field): hex number > 256 bits") }
        guard let v = try? UInt256(hex: String(digits)) else { throw RPCError.invalidParams("\(field): invalid hex string") }
        return v
    }

    static func parse64(_ s: String, field: String) throws(RPCError) -> UInt64 {
        let v = try parse(s, field: field)
        guard v <= UInt256(UInt64.max) else { throw RPCError.invalidParams("\(field): hex number > 64 bits") }
        return v.w0
    }
}
