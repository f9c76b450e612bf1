/// Hexadecimal text ⇄ bytes, as Ethereum writes them (`0x`-prefixed, either case).
///
/// Decoding never traps: malformed text yields a ``HexError`` naming the offending offset.
public enum Hex {
    /// Decodes an even number of hex digits, with or without a `0x`/`0X` prefix.
    public static func decode(_ text: some StringProtocol) throws(HexError) -> [UInt8] {
        var utf8 = Substring(text).utf8[...]
        var offset = 0
        if utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
           let x = utf8.dropFirst().first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            utf8 = utf8.dropFirst(2)
            offset = 2
        }
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8 = 0
        var isHigh = true
        for c in utf8 {
            guard let nibble = nibbleValue(c) else { throw .invalidCharacter(offset: offset) }
            if isHigh { high = nibble } else { out.append(high << 4 | nibble) }
            isHigh.toggle()
            offset += 1
        }
        return out
    }

    /// Encodes bytes as lowercase hex, with a `0x` prefix unless `prefix` is false.
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        var chars = [UInt8]()
        chars.reserveCapacity(bytes.underestimatedCount * 2 + 2)
        if prefix { chars.append(UInt8(ascii: "0")); chars.append(UInt8(ascii: "x")) }
        for b in bytes {
            chars.append(digits[Int(b >> 4)])
            chars.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// The value of one ASCII hex digit, or nil.
    @inline(__always)
    static func nibbleValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// Why hex text could not be decoded.
public enum HexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The digit count (after any `0x`) is odd where whole bytes were expected.
    case oddLength(Int)
    /// A character that is not a hex digit, at this offset in the text.
    case invalidCharacter(offset: Int)
    /// The value needs more bytes than the target type holds.
    case tooLong(bytes: Int, maximum: Int)
    /// The text has the wrong number of bytes for a fixed-size type.
    case wrongLength(got: Int, expected: Int)

    public var description: String {
        switch self {
        case .oddLength(let n): "hex string has an odd number of digits (\(n))"
        case .invalidCharacter(let o): "invalid hex character at offset \(o)"
        case .tooLong(let n, let max): "hex value of \(n) bytes exceeds \(max) bytes"
        case .wrongLength(let got, let expected): "hex value has \(got) bytes, expected \(expected)"
        }
    }
}

extension Array where Element == UInt8 {
    /// Decodes `0x`-prefixed or bare hex text; see ``Hex/decode(_:)``.
    public init(hex: some StringProtocol) throws(HexError) {
        self = try Hex.decode(hex)
    }

    /// Lowercase `0x`-prefixed hex of these bytes.
    public var hexString: String { Hex.encode(self) }
}

extension ArraySlice where Element == UInt8 {
    /// Lowercase `0x`-prefixed hex of these bytes.
    public var hexString: String { Hex.encode(self) }
}
