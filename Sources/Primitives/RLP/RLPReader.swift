/// A strict, zero-copy RLP cursor over a byte array.
///
/// Reads items one after another, handing out slices of the input (no copies).
/// Every non-canonical form is rejected with an ``RLPError`` naming the absolute
/// offset: single bytes below 0x80 wrapped as strings, long-form lengths for short
/// payloads, leading zeros in lengths or integers, lengths past the end of the
/// enclosing item, trailing bytes, and nesting deeper than ``maximumDepth``.
/// Never traps on any input.
public struct RLPReader: Sendable {
    /// Lists may nest at most this deep below the outermost reader.
    public static let maximumDepth = 64

    @usableFromInline let input: [UInt8]
    /// Absolute offset of the next unread byte.
    public private(set) var position: Int
    /// Absolute end of this reader's region (the outer input, or one list's payload).
    public let end: Int
    /// Nesting depth of this reader (0 for the outermost input).
    public let depth: Int

    /// A reader over all of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.init(input: bytes, position: 0, end: bytes.count, depth: 0)
    }

    init(input: [UInt8], position: Int, end: Int, depth: Int) {
        self.input = input; self.position = position; self.end = end; self.depth = depth
    }

    /// Whether every item of this region has been read.
    public var isAtEnd: Bool { position >= end }

    /// The kind and extent of one item, found by ``peekHeader()``.
    public struct Header: Sendable, Equatable {
        /// Whether the item is a list.
        public var isList: Bool
        /// Absolute offset of the item's first byte.
        public var offset: Int
        /// Absolute offset of the payload.
        public var payloadStart: Int
        /// Payload length in bytes.
        public var payloadLength: Int
        /// Offset just past the item.
        public var itemEnd: Int { payloadStart + payloadLength }
    }

    /// Parses the header of the next item without consuming it.
    public func peekHeader() throws(RLPError) -> Header {
        let o = position
        guard o < end else { throw .unexpectedEnd(offset: o) }
        let b = input[o]
        let header: Header
        switch b {
        case 0x00...0x7f:
            return Header(isList: false, offset: o, payloadStart: o, payloadLength: 1)
        case 0x80...0xb7:
            let length = Int(b - 0x80)
            header = Header(isList: false, offset: o, payloadStart: o + 1, payloadLength: length)
            if length == 1, o + 1 < end, input[o + 1] < 0x80 { throw .nonCanonicalSingleByte(offset: o) }
        case 0xb8...0xbf:
            let length = try longLength(at: o, lengthOfLength: Int(b - 0xb7))
            header = Header(isList: false, offset: o, payloadStart: o + 1 + Int(b - 0xb7), payloadLength: length)
        case 0xc0...0xf7:
            header = Header(isList: true, offset: o, payloadStart: o + 1, payloadLength: Int(b - 0xc0))
        default:
            let length = try longLength(at: o, lengthOfLength: Int(b - 0xf7))
            header = Header(isList: true, offset: o, payloadStart: o + 1 + Int(b - 0xf7), payloadLength: length)
        }
        let available = end - header.payloadStart
        guard header.payloadLength <= available else {
            throw .lengthPastEnd(offset: o, length: header.payloadLength, available: max(available, 0))
        }
        return header
    }

    /// Reads a long-form length of `n` bytes after the prefix byte at `o`.
    private func longLength(at o: Int, lengthOfLength n: Int) throws(RLPError) -> Int {
        guard n <= end - o - 1 else { throw .unexpectedEnd(offset: end) }
        guard input[o + 1] != 0 else { throw .leadingZeroInLength(offset: o + 1) }
        guard n <= 8 else { throw .lengthOverflow(offset: o + 1) }
        var length: UInt64 = 0
        for i in 0..<n { length = length << 8 | UInt64(input[o + 1 + i]) }
        guard length <= UInt64(Int.max / 2) else { throw .lengthOverflow(offset: o + 1) }
        guard length >= 56 else { throw .nonCanonicalLength(offset: o) }
        return Int(length)
    }

    /// Whether the next item is a list.
    public func nextIsList() throws(RLPError) -> Bool { try peekHeader().isList }

    /// Reads the next item, which must be a string, and returns its payload.
    public mutating func readBytes() throws(RLPError) -> ArraySlice<UInt8> {
        let h = try peekHeader()
        guard !h.isList else { throw .expectedBytes(offset: h.offset) }
        position = h.itemEnd
        return input[h.payloadStart..<h.itemEnd]
    }

    /// Reads the next item, which must be a list, and returns a reader over its items.
    public mutating func readList() throws(RLPError) -> RLPReader {
        let h = try peekHeader()
        guard h.isList else { throw .expectedList(offset: h.offset) }
        guard depth < RLPReader.maximumDepth else { throw .tooDeep(offset: h.offset, limit: RLPReader.maximumDepth) }
        position = h.itemEnd
        return RLPReader(input: input, position: h.payloadStart, end: h.itemEnd, depth: depth + 1)
    }

    /// Reads the next item, string or list, and returns its whole encoding (header included).
    public mutating func readEncodedItem() throws(RLPError) -> ArraySlice<UInt8> {
        let h = try peekHeader()
        position = h.itemEnd
        return input[h.offset..<h.itemEnd]
    }

    /// Reads a minimal big-endian unsigned integer of at most 8 bytes.
    public mutating func readUInt64() throws(RLPError) -> UInt64 {
        let offset = position
        let payload = try readBytes()
        guard payload.count <= 8 else { throw .integerTooLarge(offset: offset, maximumBytes: 8) }
        guard payload.first != 0 else { throw .leadingZeroInInteger(offset: offset) }
        return payload.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Reads a minimal big-endian unsigned integer of at most 32 bytes.
    public mutating func readUInt256() throws(RLPError) -> UInt256 {
        let offset = position
        let payload = try readBytes()
        guard payload.count <= 32 else { throw .integerTooLarge(offset: offset, maximumBytes: 32) }
        guard payload.first != 0 else { throw .leadingZeroInInteger(offset: offset) }
        return UInt256(bigEndianBytes: payload) ?? .zero
    }

    /// Reads a string of exactly `T.byteCount` bytes (a hash or an address).
    /// Inlinable so it is specialised for `T` at the call site (no generic dispatch per byte).
    @inlinable
    public mutating func readFixed<T: FixedBytes>(_ type: T.Type = T.self) throws(RLPError) -> T {
        let offset = position
        let payload = try readBytes()
        guard let value = T(payload) else {
            throw .wrongLength(offset: offset, got: payload.count, expected: T.byteCount)
        }
        return value
    }

    /// Throws unless every item of this region has been read.
    public func finish() throws(RLPError) {
        guard position == end else { throw .trailingBytes(offset: position) }
    }
}
