/// Shared behaviour of the fixed-size byte values (``Hash32``, ``Address``).
///
/// Conformers store their bytes in memory order inside trivially-copyable words,
/// so `withUnsafeBytes(of:)` exposes exactly `byteCount` bytes with no heap storage.
public protocol FixedBytes: Hashable, Sendable, Comparable, CustomStringConvertible, BitwiseCopyable {
    /// The number of bytes in a value.
    static var byteCount: Int { get }
    /// The all-zero value.
    static var zero: Self { get }
}

extension FixedBytes {
    /// Creates a value from exactly `byteCount` bytes; nil for any other length.
    @inlinable
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        var value = Self.zero
        withUnsafeMutableBytes(of: &value) { raw in
            let copied: Void? = bytes.withContiguousStorageIfAvailable { raw.copyMemory(from: UnsafeRawBufferPointer($0)) }
            if copied == nil {
                for (i, b) in bytes.enumerated() { raw[i] = b }
            }
        }
        self = value
    }

    /// Creates a value from `0x`-prefixed hex of exactly `byteCount` bytes.
    public init(hex: some StringProtocol) throws(HexError) {
        let bytes = try Hex.decode(hex)
        guard let value = Self(bytes) else {
            throw .wrongLength(got: bytes.count, expected: Self.byteCount)
        }
        self = value
    }

    /// The bytes, in order.
    @inlinable
    public var bytes: [UInt8] {
        Swift.withUnsafeBytes(of: self) { Array($0.prefix(Self.byteCount)) }
    }

    /// Calls `body` with the bytes, in order, without copying them to the heap.
    @inlinable
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { (raw) throws(E) -> R in
            try body(UnsafeRawBufferPointer(rebasing: raw.prefix(Self.byteCount)))
        }
    }

    /// Lowercase `0x`-prefixed hex.
    public var description: String { withUnsafeBytes { Hex.encode($0) } }

    /// Byte-wise lexicographic order (the order of sorted signer lists).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in a.lexicographicallyPrecedes(b) } }
    }
}
