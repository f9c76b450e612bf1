/// A 32-byte hash (Keccak-256 digests, block and transaction hashes, state roots).
///
/// A plain value: four words in memory order, no heap storage, `Sendable`.
@frozen
public struct Hash32: FixedBytes {
    @usableFromInline var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public static var byteCount: Int { 32 }
    public static var zero: Hash32 { Hash32(w0: 0, w1: 0, w2: 0, w3: 0) }

    @inlinable
    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Keccak-256 of the empty string, `0xc5d2…a470` (the code hash of an account without code).
    public static let emptyKeccak = Keccak256.hash([])
    /// Keccak-256 of RLP `0x80`, `0x56e8…b421` (the root of an empty trie).
    public static let emptyTrieRoot = Keccak256.hash([0x80])
    /// Keccak-256 of RLP `0xc0`, `0x1dcc…9347` (the hash of an empty list: no uncles, no logs).
    public static let emptyListHash = Keccak256.hash([0xc0])
}

extension Hash32 {
    /// The hash read as a big-endian 256-bit number (BLOCKHASH, storage keys).
    @inlinable
    public var uint256: UInt256 {
        UInt256(w0: UInt64(bigEndian: w3), w1: UInt64(bigEndian: w2), w2: UInt64(bigEndian: w1), w3: UInt64(bigEndian: w0))
    }

    /// The big-endian 32-byte form of a 256-bit number.
    @inlinable
    public init(_ value: UInt256) {
        self.init(w0: value.w3.bigEndian, w1: value.w2.bigEndian, w2: value.w1.bigEndian, w3: value.w0.bigEndian)
    }
}
