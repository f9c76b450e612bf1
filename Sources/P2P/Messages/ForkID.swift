public import Primitives

/// An EIP-2124 fork identifier: `RLP([FORK_HASH, FORK_NEXT])`, with `FORK_HASH` a 4-byte
/// string (the IEEE CRC32 of the genesis hash and the passed fork blocks/times) and
/// `FORK_NEXT` the next fork's block number or timestamp (0 when none is known).
///
/// A plain `Sendable` value; ``ForkSchedule`` computes and validates them.
public struct ForkID: Hashable, Sendable, RLPEncodable, CustomStringConvertible {
    /// The CRC32 checksum, big-endian on the wire.
    public var hash: UInt32
    /// The next fork block or time, 0 for none.
    public var next: UInt64

    public init(hash: UInt32, next: UInt64) { self.hash = hash; self.next = next }

    /// The 4 bytes of ``hash`` as they go on the wire.
    public var hashBytes: [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: hash >> (24 - 8 * $0)) } }

    public func encode(to e: inout RLPEncoder) {
        e.appendList { e in
            e.appendBytes(hashBytes)
            e.append(next)
        }
    }

    /// Decodes exactly one fork id spanning all of `bytes`.
    public init(rlp bytes: [UInt8]) throws(MessageError) {
        var r = try MessageReader.open(bytes, message: "ForkID", limit: 64)
        try self.init(fields: &r)
    }

    /// Reads a fork id item from a message.
    init(from reader: inout MessageReader) throws(MessageError) {
        var r = try reader.list()
        try self.init(fields: &r)
    }

    private init(fields r: inout MessageReader) throws(MessageError) {
        let bytes = try r.bytes()
        guard bytes.count == 4 else {
            throw .invalidField(message: r.message, field: "forkHash", reason: "\(bytes.count) bytes, expected 4")
        }
        hash = bytes.reduce(0) { $0 << 8 | UInt32($1) }
        next = try r.uint64()
        try r.finish()
    }

    public var description: String {
        let hex = String(hash, radix: 16)
        return "ForkID(hash: 0x\(String(repeating: "0", count: 8 - hex.count))\(hex), next: \(next))"
    }
}

/// IEEE 802.3 CRC32 (the polynomial of Ethernet, gzip and Go's `crc32.ChecksumIEEE`),
/// incrementally: ``update(_:_:)`` continues a checksum as if the bytes were appended.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 { update(0, bytes) }

    static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var c = ~crc
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        return ~c
    }

    /// Continues `crc` with a fork number as 8 big-endian bytes (EIP-2124).
    static func update(_ crc: UInt32, fork: UInt64) -> UInt32 {
        update(crc, (0..<8).map { UInt8(truncatingIfNeeded: fork >> (56 - 8 * $0)) })
    }
}
