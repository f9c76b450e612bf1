/// Why bytes are not canonical RLP, or not the RLP shape a decoder expected.
///
/// Every case names the byte offset (from the start of the outermost input) where
/// the problem was found, so a caller can point at the bad byte.
public enum RLPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input ended where an item or a length byte should start.
    case unexpectedEnd(offset: Int)
    /// A single byte below 0x80 written as a one-byte string (`0x81 0x00`…`0x81 0x7f`).
    case nonCanonicalSingleByte(offset: Int)
    /// A long-form length (0xb8…0xbf, 0xf8…0xff) used for a payload under 56 bytes.
    case nonCanonicalLength(offset: Int)
    /// A long-form length whose first byte is zero.
    case leadingZeroInLength(offset: Int)
    /// A length that does not fit in memory (more than 8 length bytes or past `Int.max`).
    case lengthOverflow(offset: Int)
    /// The item claims more bytes than remain in its enclosing input or list.
    case lengthPastEnd(offset: Int, length: Int, available: Int)
    /// Bytes left over after the last item of the input or of a list.
    case trailingBytes(offset: Int)
    /// Lists nested deeper than the decoder's bound.
    case tooDeep(offset: Int, limit: Int)
    /// A string where a list was expected.
    case expectedList(offset: Int)
    /// A list where a string was expected.
    case expectedBytes(offset: Int)
    /// An integer with a leading zero byte (integers are minimal big-endian).
    case leadingZeroInInteger(offset: Int)
    /// An integer wider than the target type.
    case integerTooLarge(offset: Int, maximumBytes: Int)
    /// A fixed-size string (hash, address) of the wrong length.
    case wrongLength(offset: Int, got: Int, expected: Int)

    /// Where in the input the problem was found.
    public var offset: Int {
        switch self {
        case .unexpectedEnd(let o), .nonCanonicalSingleByte(let o), .nonCanonicalLength(let o),
             .leadingZeroInLength(let o), .lengthOverflow(let o), .trailingBytes(let o),
             .expectedList(let o), .expectedBytes(let o), .leadingZeroInInteger(let o):
            return o
        case .lengthPastEnd(let o, _, _), .tooDeep(let o, _), .integerTooLarge(let o, _), .wrongLength(let o, _, _):
            return o
        }
    }

    public var description: String {
        switch self {
        case .unexpectedEnd(let o): "rlp: unexpected end of input at offset \(o)"
        case .nonCanonicalSingleByte(let o): "rlp: non-canonical single byte at offset \(o) (must be written as itself)"
        case .nonCanonicalLength(let o): "rlp: non-canonical size at offset \(o) (long form for a payload under 56 bytes)"
        case .leadingZeroInLength(let o): "rlp: leading zero in length at offset \(o)"
        case .lengthOverflow(let o): "rlp: length at offset \(o) is too large"
        case .lengthPastEnd(let o, let n, let a): "rlp: item at offset \(o) has length \(n) but only \(a) bytes remain"
        case .trailingBytes(let o): "rlp: trailing bytes at offset \(o)"
        case .tooDeep(let o, let l): "rlp: lists nested deeper than \(l) at offset \(o)"
        case .expectedList(let o): "rlp: expected a list at offset \(o)"
        case .expectedBytes(let o): "rlp: expected a string at offset \(o)"
        case .leadingZeroInInteger(let o): "rlp: integer with leading zero bytes at offset \(o)"
        case .integerTooLarge(let o, let m): "rlp: integer at offset \(o) is wider than \(m) bytes"
        case .wrongLength(let o, let g, let e): "rlp: string at offset \(o) has \(g) bytes, expected \(e)"
        }
    }
}
