import Primitives
import ChainTypes

/// A strict RLP cursor over one message payload, reporting every failure as a
/// ``MessageError`` that names the message. Internal: the message decoders' only tool.
///
/// Never traps: lengths come from ``RLPReader`` (which checks each against its enclosing
/// item), and ``sequence(_:limit:_:)`` stops at its limit before appending past it.
struct MessageReader {
    var rlp: RLPReader
    let message: String

    /// Opens `payload` as one RLP list spanning all of it, after checking its size.
    static func open(_ payload: [UInt8], message: String, limit: Int) throws(MessageError) -> MessageReader {
        guard payload.count <= limit else { throw .messageTooLarge(message: message, size: payload.count, limit: limit) }
        var outer = RLPReader(payload)
        let list = try step(message) { () throws(RLPError) in try outer.readList() }
        try step(message) { () throws(RLPError) in try outer.finish() }
        return MessageReader(rlp: list, message: message)
    }

    /// Runs one RLP step, wrapping its error with the message name.
    @inline(__always)
    static func step<T>(_ message: String, _ body: () throws(RLPError) -> T) throws(MessageError) -> T {
        do { return try body() } catch { throw .rlp(message: message, error) }
    }

    var isAtEnd: Bool { rlp.isAtEnd }

    func nextIsList() throws(MessageError) -> Bool {
        try Self.step(message) { () throws(RLPError) in try rlp.nextIsList() }
    }

    mutating func list() throws(MessageError) -> MessageReader {
        let sub = try Self.step(message) { () throws(RLPError) in try rlp.readList() }
        return MessageReader(rlp: sub, message: message)
    }

    mutating func bytes() throws(MessageError) -> ArraySlice<UInt8> {
        try Self.step(message) { () throws(RLPError) in try rlp.readBytes() }
    }

    mutating func encodedItem() throws(MessageError) -> ArraySlice<UInt8> {
        try Self.step(message) { () throws(RLPError) in try rlp.readEncodedItem() }
    }

    mutating func uint64() throws(MessageError) -> UInt64 {
        try Self.step(message) { () throws(RLPError) in try rlp.readUInt64() }
    }

    mutating func uint256() throws(MessageError) -> UInt256 {
        try Self.step(message) { () throws(RLPError) in try rlp.readUInt256() }
    }

    mutating func hash() throws(MessageError) -> Hash32 {
        try Self.step(message) { () throws(RLPError) in try rlp.readFixed(Hash32.self) }
    }

    /// Reads an integer field that must fit in `T` (a port, a size, a reason code).
    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, field: String) throws(MessageError) -> T {
        let value = try uint64()
        guard let narrow = T(exactly: value) else {
            throw .invalidField(message: message, field: field, reason: "\(value) exceeds \(T.max)")
        }
        return narrow
    }

    mutating func header() throws(MessageError) -> Header {
        try Self.step(message) { () throws(RLPError) in try Header(from: &rlp) }
    }

    /// Reads one transaction as it appears in a block body or a transactions list
    /// (legacy as a list, typed as a string holding `type ‖ payload`, EIP-2718).
    mutating func transaction(index: Int) throws(MessageError) -> SignedTransaction {
        do { return try SignedTransaction.read(from: &rlp) } catch {
            throw .transaction(message: message, index: index, error)
        }
    }

    /// Throws unless every item of this list has been read.
    func finish() throws(MessageError) {
        try Self.step(message) { () throws(RLPError) in try rlp.finish() }
    }

    /// Reads a list item whose elements `element` reads, refusing more than `limit` of them.
    /// `element` gets the element's index within this list.
    mutating func sequence<T>(_ field: String, limit: Int,
                              _ element: (inout MessageReader, Int) throws(MessageError) -> T) throws(MessageError) -> [T] {
        var sub = try list()
        var items: [T] = []
        while !sub.isAtEnd {
            guard items.count < limit else { throw .tooManyItems(message: message, field: field, limit: limit) }
            items.append(try element(&sub, items.count))
        }
        return items
    }

    /// A list of 32-byte hashes, at most `limit` of them.
    mutating func hashes(_ field: String, limit: Int) throws(MessageError) -> [Hash32] {
        try sequence(field, limit: limit) { r, _ throws(MessageError) in try r.hash() }
    }
}

extension RLPEncoder {
    /// Appends a list of RLP-encodable values.
    mutating func appendList<S: Sequence>(of items: S) where S.Element: RLPEncodable {
        appendList { e in for item in items { e.append(item) } }
    }
}
