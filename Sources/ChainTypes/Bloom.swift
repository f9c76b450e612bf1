import Primitives

/// The 2048-bit log bloom of a receipt or a block (Yellow Paper, eq. 27–29).
///
/// Each address and topic sets three bits: for the first three byte pairs of its
/// Keccak-256, the low 11 bits pick a bit, counted from the end of the 256 bytes.
/// A plain value (256 inline bytes kept in a fixed array).
public struct Bloom: Sendable, Hashable, CustomStringConvertible {
    /// The 256 bytes, most significant first.
    public private(set) var bytes: [UInt8]

    public static let byteCount = 256

    public init() { bytes = [UInt8](repeating: 0, count: Bloom.byteCount) }

    /// Exactly 256 bytes; nil otherwise.
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == Bloom.byteCount else { return nil }
        self.bytes = Array(bytes)
    }

    /// Adds one entry (an address's or a topic's bytes).
    public mutating func insert(_ entry: some Collection<UInt8>) {
        let h = Keccak256.hash(Array(entry)).bytes
        for i in stride(from: 0, to: 6, by: 2) {
            let bit = (Int(h[i]) << 8 | Int(h[i + 1])) & 2047
            bytes[Bloom.byteCount - 1 - bit / 8] |= UInt8(1) << UInt8(bit % 8)
        }
    }

    /// Whether the entry may be present (false means certainly absent).
    public func mayContain(_ entry: some Collection<UInt8>) -> Bool {
        var probe = Bloom()
        probe.insert(entry)
        return zip(probe.bytes, bytes).allSatisfy { $0 & $1 == $0 }
    }

    /// The union of two blooms.
    public mutating func formUnion(_ other: Bloom) {
        for i in 0..<Bloom.byteCount { bytes[i] |= other.bytes[i] }
    }

    /// The bloom of a list of logs.
    public init(logs: [Log]) {
        self.init()
        for log in logs {
            insert(log.address.bytes)
            for topic in log.topics { insert(topic.bytes) }
        }
    }

    public var description: String { Hex.encode(bytes) }
}
