/// Byte and text forms of ``UInt256``.
extension UInt256: ExpressibleByIntegerLiteral, CustomStringConvertible {
    public init(integerLiteral value: UInt64) { self.init(value) }

    /// Reads a big-endian number of at most 32 bytes (shorter input is zero-extended
    /// on the left, the way RLP and the EVM read them); nil for more than 32 bytes.
    @inlinable
    public init?(bigEndianBytes bytes: some Collection<UInt8>) {
        let n = bytes.count
        guard n <= 32 else { return nil }
        if let r = bytes.withContiguousStorageIfAvailable({ UInt256(bigEndianBytes: $0) }), let r {
            self = r
            return
        }
        var r = UInt256.zero
        var index = 0
        for b in bytes {
            let bitPos = (n - 1 - index) * 8
            r[limb: bitPos >> 6] |= UInt64(b) << UInt64(bitPos & 63)
            index += 1
        }
        self = r
    }

    /// Reads a big-endian number of at most 32 bytes from memory (a PUSH immediate),
    /// whole words at a time; nil for more than 32 bytes. Inlined, so the interpreter's
    /// PUSH keeps the word in registers.
    @inlinable @inline(__always)
    public init?(bigEndianBytes bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n <= 32 else { return nil }
        guard n > 0, let base = bytes.baseAddress else {
            self = .zero
            return
        }
        let p = UnsafeRawPointer(base)
        // The leading n mod 8 bytes make the top (partial) limb; whole limbs follow.
        let head = n & 7
        var top: UInt64 = 0
        for i in 0..<head { top = top << 8 | UInt64(base[i]) }
        @inline(__always) func limb(_ k: Int) -> UInt64 {
            UInt64(bigEndian: p.loadUnaligned(fromByteOffset: head + 8 * k, as: UInt64.self))
        }
        switch n >> 3 {
        case 0: self.init(w0: top, w1: 0, w2: 0, w3: 0)
        case 1: self.init(w0: limb(0), w1: top, w2: 0, w3: 0)
        case 2: self.init(w0: limb(1), w1: limb(0), w2: top, w3: 0)
        case 3: self.init(w0: limb(2), w1: limb(1), w2: limb(0), w3: top)
        default: self.init(w0: limb(3), w1: limb(2), w2: limb(1), w3: limb(0))
        }
    }

    /// Writes the 32-byte big-endian form into `buffer` (which must hold 32 bytes).
    @inlinable
    public func writeBigEndian(to buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 32)
        buffer.storeBytes(of: w3.bigEndian, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: w2.bigEndian, toByteOffset: 8, as: UInt64.self)
        buffer.storeBytes(of: w1.bigEndian, toByteOffset: 16, as: UInt64.self)
        buffer.storeBytes(of: w0.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// The 32-byte big-endian form.
    public var bigEndianBytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buf, count in
            writeBigEndian(to: UnsafeMutableRawBufferPointer(buf))
            count = 32
        }
    }

    /// The big-endian form without leading zero bytes (empty for zero): how RLP writes integers.
    public var minimalBigEndianBytes: [UInt8] { Array(bigEndianBytes.dropFirst(32 - byteWidth)) }

    /// Parses hex digits, with or without `0x`, odd counts and leading zeros allowed
    /// (`"0x0"`, `"0x00ff"`); rejects values of 2²⁵⁶ or more.
    public init(hex text: some StringProtocol) throws(UInt256ParseError) {
        var digits = Substring(text).utf8[...]
        if digits.count >= 2, digits.first == UInt8(ascii: "0"),
           let x = digits.dropFirst().first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty else { throw .empty }
        var r = UInt256.zero
        for (i, c) in digits.enumerated() {
            guard let nibble = Hex.nibbleValue(c) else { throw .invalidCharacter(offset: i) }
            guard r.w3 >> 60 == 0 else { throw .overflow }
            r = (r << 4) | UInt256(UInt64(nibble))
        }
        self = r
    }

    /// Parses decimal digits; rejects values of 2²⁵⁶ or more.
    public init(decimal text: some StringProtocol) throws(UInt256ParseError) {
        guard !text.isEmpty else { throw .empty }
        var r = UInt256.zero
        for (i, c) in text.utf8.enumerated() {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { throw .invalidCharacter(offset: i) }
            let (times10, o1) = r.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt256(UInt64(c - UInt8(ascii: "0"))))
            guard !o1, !o2 else { throw .overflow }
            r = sum
        }
        self = r
    }

    /// Parses `0x`-prefixed hex or plain decimal, as JSON fixtures and CLI flags write numbers.
    public init(parsing text: some StringProtocol) throws(UInt256ParseError) {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { try self.init(hex: text) } else { try self.init(decimal: text) }
    }

    /// Decimal digits.
    public var description: String {
        if let small = uint64 { return String(small) }
        var chunks: [UInt64] = []
        var v = self
        let tenTo19 = UInt256(10_000_000_000_000_000_000 as UInt64)
        while !v.isZero {
            let (q, r) = v.quotientAndRemainder(dividingBy: tenTo19)
            chunks.append(r.w0)
            v = q
        }
        var s = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let part = String(chunk)
            s += String(repeating: "0", count: 19 - part.count) + part
        }
        return s
    }

    /// Minimal `0x`-prefixed hex, as JSON-RPC writes quantities (`0x0` for zero).
    public var hexQuantity: String {
        if isZero { return "0x0" }
        let hex = Hex.encode(minimalBigEndianBytes, prefix: false)
        return "0x" + (hex.first == "0" ? String(hex.dropFirst()) : hex)
    }
}

/// Why text could not be read as a ``UInt256``.
public enum UInt256ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No digits.
    case empty
    /// A character that is not a digit of the base, at this offset among the digits.
    case invalidCharacter(offset: Int)
    /// The value is 2²⁵⁶ or more.
    case overflow

    public var description: String {
        switch self {
        case .empty: "empty number"
        case .invalidCharacter(let o): "invalid digit at offset \(o)"
        case .overflow: "number does not fit in 256 bits"
        }
    }
}
