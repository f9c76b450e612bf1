/// A decoded RLP tree: the generic form, for tools and tests.
///
/// Typed decoders read with ``RLPReader`` directly and never build this tree.
public enum RLPItem: Sendable, Hashable, RLPEncodable {
    case bytes([UInt8])
    indirect case list([RLPItem])

    /// Decodes exactly one item spanning all of `input` (trailing bytes are an error).
    public init(decoding input: [UInt8]) throws(RLPError) {
        var reader = RLPReader(input)
        self = try RLPItem.read(from: &reader)
        try reader.finish()
    }

    /// Reads one item (recursively, bounded by ``RLPReader/maximumDepth``).
    public static func read(from reader: inout RLPReader) throws(RLPError) -> RLPItem {
        if try reader.nextIsList() {
            var sub = try reader.readList()
            var items: [RLPItem] = []
            while !sub.isAtEnd { items.append(try read(from: &sub)) }
            return .list(items)
        }
        return .bytes(Array(try reader.readBytes()))
    }

    public func encode(to encoder: inout RLPEncoder) {
        switch self {
        case .bytes(let b): encoder.appendBytes(b)
        case .list(let items): encoder.appendList { e in for item in items { item.encode(to: &e) } }
        }
    }
}
