/// Keccak-256 as Ethereum uses it: the Keccak sponge with rate 1088 bits and the
/// original `0x01 … 0x80` padding (not FIPS 202 SHA3-256's `0x06`).
///
/// Use ``hash(_:)`` for one-shot hashing, or create a value and call ``update(_:)``
/// any number of times followed by ``finalize()`` for incremental hashing. A value
/// is a plain struct with inline state (no heap); copying it forks the hash.
/// `finalize()` consumes nothing: it hashes a copy, so further updates continue
/// the original stream.
public struct Keccak256: Sendable {
    /// Bytes absorbed per permutation (1088-bit rate).
    public static let rate = 136

    @usableFromInline var state = KeccakLanes()
    @usableFromInline var buffer = KeccakBlock()
    @usableFromInline var buffered = 0

    public init() {}

    /// The Keccak-256 digest of `bytes`.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Hash32 {
        var h = Keccak256()
        h.update(bytes)
        return h.finalize()
    }

    /// The Keccak-256 digest of `bytes`.
    @inlinable
    public static func hash(_ bytes: [UInt8]) -> Hash32 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The Keccak-256 digest of `bytes`.
    @inlinable
    public static func hash(_ bytes: ArraySlice<UInt8>) -> Hash32 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Absorbs more input.
    @inlinable
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// Absorbs more input.
    @inlinable
    public mutating func update(_ bytes: ArraySlice<UInt8>) { bytes.withUnsafeBytes { update($0) } }

    /// Absorbs more input.
    @inlinable
    public mutating func update(_ input: UnsafeRawBufferPointer) {
        guard var p = input.baseAddress, input.count > 0 else { return }
        var remaining = input.count
        withUnsafeMutablePointer(to: &state) { sp in
            sp.withMemoryRebound(to: UInt64.self, capacity: 25) { lanes in
                withUnsafeMutableBytes(of: &buffer) { buf in
                    // Top up a partial block first.
                    if buffered > 0 {
                        let take = min(remaining, Keccak256.rate - buffered)
                        (buf.baseAddress! + buffered).copyMemory(from: p, byteCount: take)
                        buffered += take; p += take; remaining -= take
                        guard buffered == Keccak256.rate else { return }
                        Keccak256.absorb(UnsafeRawPointer(buf.baseAddress!), into: lanes)
                        buffered = 0
                    }
                    // Whole blocks straight from the input.
                    while remaining >= Keccak256.rate {
                        Keccak256.absorb(p, into: lanes)
                        p += Keccak256.rate; remaining -= Keccak256.rate
                    }
                    if remaining > 0 {
                        buf.baseAddress!.copyMemory(from: p, byteCount: remaining)
                        buffered = remaining
                    }
                }
            }
        }
    }

    /// The digest of everything absorbed so far.
    @inlinable
    public func finalize() -> Hash32 {
        var lanesCopy = state
        var block = buffer
        let n = buffered
        return withUnsafeMutablePointer(to: &lanesCopy) { sp in
            sp.withMemoryRebound(to: UInt64.self, capacity: 25) { lanes in
                withUnsafeMutableBytes(of: &block) { buf in
                    // Keccak pad10*1 with domain bits 01: first pad byte 0x01, last 0x80.
                    for i in n..<Keccak256.rate { buf[i] = 0 }
                    buf[n] = 0x01
                    buf[Keccak256.rate - 1] |= 0x80
                    Keccak256.absorb(UnsafeRawPointer(buf.baseAddress!), into: lanes)
                    var out = Hash32.zero
                    withUnsafeMutableBytes(of: &out) { o in
                        for i in 0..<4 { o.storeBytes(of: lanes[i].littleEndian, toByteOffset: i * 8, as: UInt64.self) }
                    }
                    return out
                }
            }
        }
    }

    /// XORs one 136-byte block into the first 17 lanes and permutes.
    @inlinable @inline(__always)
    static func absorb(_ block: UnsafeRawPointer, into lanes: UnsafeMutablePointer<UInt64>) {
        for i in 0..<17 {
            lanes[i] ^= UInt64(littleEndian: block.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        }
        keccakF1600(lanes)
    }
}

/// The 25 lanes of Keccak-f[1600] state, inline.
@usableFromInline
struct KeccakLanes: Sendable, BitwiseCopyable {
    @usableFromInline
    var lanes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline init() {}
}

/// One 136-byte rate block, inline (17 words).
@usableFromInline
struct KeccakBlock: Sendable, BitwiseCopyable {
    @usableFromInline
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline init() {}
}
