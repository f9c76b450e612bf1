public import Primitives
public import ChainTypes

/// Why bytes from a peer are not a valid `p2p`, `eth/68` or Snappy message.
///
/// Every decoder in `Messages/` throws this type and nothing else. `Sendable` and
/// `Equatable`, so a session can map each case to a Disconnect reason and tests can match
/// the exact case. `message` is the name of the message being decoded (`"Hello"`,
/// `"BlockHeaders"`, …); RLP offsets count from the first byte of the payload.
public enum MessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The payload is longer than the limit for this message (checked before any decoding).
    case messageTooLarge(message: String, size: Int, limit: Int)
    /// The payload is not canonical RLP, or not the RLP shape of the message (wrong
    /// item kinds, missing or extra list elements, bytes after the message's list).
    case rlp(message: String, RLPError)
    /// A list in the message holds more items than the protocol limit for it.
    case tooManyItems(message: String, field: String, limit: Int)
    /// A field decodes as RLP but its value is outside what the protocol allows
    /// (a 65-byte node id, a `reverse` flag of 2, a port above 65535, …).
    case invalidField(message: String, field: String, reason: String)
    /// Transaction `index` of the message's list (counted across the whole message) does not decode.
    case transaction(message: String, index: Int, TransactionError)
    /// Receipt `index` of the message's list (counted across the whole message) does not decode.
    case receipt(message: String, index: Int, ReceiptError)
    /// A NewPooledTransactionHashes whose types, sizes and hashes lists differ in length.
    case announcementLengthMismatch(types: Int, sizes: Int, hashes: Int)
    /// The message id is not one this protocol (or this protocol version) defines.
    case unknownMessageID(protocol: String, id: UInt64)

    // MARK: Snappy

    /// The Snappy stream does not start with a valid length varint (empty input, more than
    /// five bytes, or a value above 2³² − 1).
    case snappyMalformedLength
    /// The Snappy stream declares an uncompressed length above the limit (refused before allocating).
    case snappyLengthExceedsLimit(declared: Int, limit: Int)
    /// The Snappy stream is corrupt: libsnappy's validation or decompression failed, or the
    /// output length differs from the declared one.
    case snappyCorrupt

    public var description: String {
        switch self {
        case .messageTooLarge(let m, let s, let l): "\(m): \(s) bytes exceeds the limit of \(l)"
        case .rlp(let m, let e): "\(m): \(e)"
        case .tooManyItems(let m, let f, let l): "\(m): more than \(l) \(f)"
        case .invalidField(let m, let f, let r): "\(m): invalid \(f): \(r)"
        case .transaction(let m, let i, let e): "\(m): transaction \(i): \(e)"
        case .receipt(let m, let i, let e): "\(m): receipt \(i): \(e)"
        case .announcementLengthMismatch(let t, let s, let h):
            "NewPooledTransactionHashes: \(t) types, \(s) sizes and \(h) hashes (must be equal)"
        case .unknownMessageID(let p, let id): "\(p): unknown message id 0x\(String(id, radix: 16))"
        case .snappyMalformedLength: "snappy: malformed length header"
        case .snappyLengthExceedsLimit(let d, let l): "snappy: declared length \(d) exceeds the limit of \(l)"
        case .snappyCorrupt: "snappy: corrupt input"
        }
    }
}
