/// The hash that `Set` and `Dictionary` use for ``UInt256``, ``Address`` and
/// ``Hash32`` keys (through `Hashable`'s `_rawHashValue(seed:)`): a few
/// multiplications over whole 64-bit words instead of a `Hasher` round trip
/// per word. Storage slots, warm sets and account caches look these keys up
/// several times per SLOAD/SSTORE; `Hasher` made that a fifth of an ERC-20
/// transfer's time.
///
/// Slots and addresses are chosen by whoever sends a transaction, so the hash
/// must not let anyone build keys that collide on every node (that would make
/// each lookup linear in the table). Each word is therefore masked with a
/// per-process random key before the "folded multiply" (the 128-bit product's
/// halves xored together, the core of widely used seeded table hashes): which
/// keys collide depends on a secret drawn from the system's random source at
/// start-up, as with `Hasher`'s own per-process seed. The table's seed is
/// mixed in too, so every table (and every resize) probes in its own order.
///
/// `hash(into:)` is unchanged (the types' synthesized conformance): values equal
/// under `==` get equal hashes either way, which is all `Hashable` asks.
@usableFromInline
package enum WordHash {
    /// Five random words, drawn once per process.
    @usableFromInline
    struct Key: Sendable {
        @usableFromInline let k0, k1, k2, k3, k4: UInt64
        init() {
            var g = SystemRandomNumberGenerator()
            (k0, k1, k2, k3, k4) = (g.next(), g.next(), g.next(), g.next(), g.next())
        }
    }

    @usableFromInline
    static let key = Key()

    /// The 128-bit product of `x` and `y` with its halves xored together.
    @inlinable @inline(__always)
    static func fold(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let p = x.multipliedFullWidth(by: y)
        return p.high ^ p.low
    }

    /// The hash of up to four words under a table's `seed`.
    @inlinable @inline(__always)
    package static func hash(seed: Int, _ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) -> Int {
        let k = key, s = UInt64(bitPattern: Int64(seed))
        let h = fold(w0 ^ k.k0, w1 ^ k.k1 ^ s) &+ fold(w2 ^ k.k2, w3 ^ k.k3)
        // A last multiplication spreads every bit into the low ones, which pick the bucket.
        return Int(bitPattern: UInt(fold(h ^ k.k4, 0x9e37_79b9_7f4a_7c15)))
    }
}

extension UInt256 {
    /// See ``WordHash``.
    @inlinable
    public func _rawHashValue(seed: Int) -> Int { WordHash.hash(seed: seed, w0, w1, w2, w3) }
}

extension Hash32 {
    /// See ``WordHash``.
    @inlinable
    public func _rawHashValue(seed: Int) -> Int { WordHash.hash(seed: seed, w0, w1, w2, w3) }
}

extension Address {
    /// See ``WordHash``.
    @inlinable
    public func _rawHashValue(seed: Int) -> Int { WordHash.hash(seed: seed, w0, w1, UInt64(w2), 0) }
}
