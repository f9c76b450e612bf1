/// URL-safe base64 without padding (RFC 4648 section 5), the alphabet of ENR text forms.
/// Decoding is strict: only `A–Z a–z 0–9 - _`, no `=`, no length of 1 mod 4, and the
/// unused low bits of the last character must be zero (so each byte string has one text).
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let n = b0 << 16 | b1 << 8 | b2
            let chars = min(bytes.count - i, 3) + 1
            for k in 0..<chars { out.append(alphabet[Int((n >> (18 - 6 * UInt32(k))) & 0x3f)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        var values: [UInt32] = []
        values.reserveCapacity(text.utf8.count)
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(UInt32(c - UInt8(ascii: "A")))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(UInt32(c - UInt8(ascii: "a")) + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(UInt32(c - UInt8(ascii: "0")) + 52)
            case UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "_"): values.append(63)
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var n: UInt32 = 0
            for (k, v) in chunk.enumerated() { n |= v << (18 - 6 * UInt32(k)) }
            let produced = chunk.count - 1
            for k in 0..<produced { out.append(UInt8(truncatingIfNeeded: n >> (16 - 8 * UInt32(k)))) }
            // Bits below the last produced byte must be zero (canonical encoding).
            let usedBits = 8 * UInt32(produced)
            if usedBits < 24, n & ((1 << (24 - usedBits)) - 1) != 0 { return nil }
            i += 4
        }
        return out
    }
}
