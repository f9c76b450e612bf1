/// Writes canonical RLP (Yellow Paper appendix B) into a growing byte array.
///
/// Strings are written with the shortest header, single bytes below 0x80 as
/// themselves, integers as minimal big-endian strings. Lists are written with
/// ``appendList(_:)``: the body writes the items, then the header is put in front.
public struct RLPEncoder: Sendable {
    /// The encoding so far.
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends a byte string.
    public mutating func appendBytes(_ payload: UnsafeRawBufferPointer) {
        if payload.count == 1, payload[0] < 0x80 {
            bytes.append(payload[0])
            return
        }
        appendHeader(length: payload.count, shortBase: 0x80)
        bytes.append(contentsOf: payload)
    }

    /// Appends a byte string.
    public mutating func appendBytes(_ payload: [UInt8]) { payload.withUnsafeBytes { appendBytes($0) } }

    /// Appends a byte string.
    public mutating func appendBytes(_ payload: ArraySlice<UInt8>) { payload.withUnsafeBytes { appendBytes($0) } }

    /// Appends an unsigned integer as its minimal big-endian string (zero is the empty string).
    public mutating func append(_ value: UInt64) {
        if value == 0 { bytes.append(0x80); return }
        if value < 0x80 { bytes.append(UInt8(value)); return }
        let width = (64 - value.leadingZeroBitCount + 7) / 8
        bytes.append(0x80 + UInt8(width))
        for i in stride(from: width - 1, through: 0, by: -1) { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    /// Appends a 256-bit unsigned integer as its minimal big-endian string.
    public mutating func append(_ value: UInt256) {
        if let small = value.uint64 { append(small); return }
        let width = value.byteWidth
        bytes.append(0x80 + UInt8(width))
        var buf = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &buf) { raw in
            value.writeBigEndian(to: raw)
            bytes.append(contentsOf: raw[(32 - width)...])
        }
    }

    /// Appends a list whose items `body` writes.
    public mutating func appendList(_ body: (inout RLPEncoder) -> Void) {
        let start = bytes.count
        body(&self)
        let length = bytes.count - start
        var header = RLPEncoder(capacity: 9)
        header.appendHeader(length: length, shortBase: 0xc0)
        bytes.insert(contentsOf: header.bytes, at: start)
    }

    /// Appends bytes that are already RLP (one complete item).
    public mutating func appendEncoded(_ item: [UInt8]) { bytes.append(contentsOf: item) }

    /// Appends any encodable value.
    public mutating func append(_ value: some RLPEncodable) { value.encode(to: &self) }

    private mutating func appendHeader(length: Int, shortBase: UInt8) {
        if length < 56 {
            bytes.append(shortBase + UInt8(length))
            return
        }
        let width = (Int.bitWidth - length.leadingZeroBitCount + 7) / 8
        bytes.append(shortBase + 55 + UInt8(width))
        for i in stride(from: width - 1, through: 0, by: -1) { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
    }
}

/// A value with an RLP encoding.
public protocol RLPEncodable {
    /// Appends this value's RLP item to `encoder`.
    func encode(to encoder: inout RLPEncoder)
}

extension RLPEncodable {
    /// This value's RLP encoding.
    public var rlpEncoded: [UInt8] {
        var e = RLPEncoder()
        encode(to: &e)
        return e.bytes
    }
}

extension UInt64: RLPEncodable {
    public func encode(to encoder: inout RLPEncoder) { encoder.append(self) }
}

extension UInt256: RLPEncodable {
    public func encode(to encoder: inout RLPEncoder) { encoder.append(self) }
}

extension Hash32: RLPEncodable {
    public func encode(to encoder: inout RLPEncoder) { withUnsafeBytes { encoder.appendBytes($0) } }
}

extension Address: RLPEncodable {
    public func encode(to encoder: inout RLPEncoder) { withUnsafeBytes { encoder.appendBytes($0) } }
}
