extension PrecompiledContract {
    /// 0x09 BLAKE2F (EIP-152, from Istanbul): the BLAKE2b compression function `F`
    /// (RFC 7693 §3.2) with a caller-chosen number of rounds.
    ///
    /// Input, exactly 213 bytes: `rounds` (4 bytes, big-endian) ‖ `h` (8 × 8 bytes,
    /// little-endian) ‖ `m` (16 × 8 bytes, little-endian) ‖ `t₀`, `t₁` (8 bytes each,
    /// little-endian) ‖ `f` (1 byte: 0 or 1). Any other length or flag value is invalid
    /// (nil). Output: the new state `h`, 64 bytes little-endian.
    ///
    /// Gas: one per round (`GFROUND = 1`); 0 for an input of the wrong length, which then
    /// fails in ``execute`` and so consumes all the call's gas anyway. Pure and thread-safe.
    public static let blake2f = PrecompiledContract(
        address: 0x09, name: "blake2f",
        gasCost: { input, _ in Blake2F.gas(input) },
        execute: { Blake2F.run($0) })
}

/// EIP-152's `F`, written from RFC 7693.
enum Blake2F {
    /// The exact input length, EIP-152.
    static let inputLength = 213

    /// BLAKE2b's initialisation vector (RFC 7693 §2.6): the first 64 bits of the
    /// fractional parts of the square roots of the first eight primes.
    static let iv: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179)

    /// The message schedule σ (RFC 7693 §2.7); round `i` uses row `i mod 10`.
    static let sigma: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
        [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
        [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
        [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
        [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ]

    /// The rounds field read as big-endian; 0 when the input is not 213 bytes.
    static func gas(_ input: [UInt8]) -> UInt64 {
        guard input.count == inputLength else { return 0 }
        return rounds(input)
    }

    /// The first four bytes as a big-endian number (the caller checked the length).
    static func rounds(_ input: [UInt8]) -> UInt64 {
        UInt64(input[0]) << 24 | UInt64(input[1]) << 16 | UInt64(input[2]) << 8 | UInt64(input[3])
    }

    static func run(_ input: [UInt8]) -> [UInt8]? {
        guard input.count == inputLength, input[212] <= 1 else { return nil }
        let roundCount = UInt32(truncatingIfNeeded: rounds(input))
        var h = [UInt64](repeating: 0, count: 8)
        var m = [UInt64](repeating: 0, count: 16)
        for i in 0..<8 { h[i] = littleEndianWord(input, at: 4 + 8 * i) }
        for i in 0..<16 { m[i] = littleEndianWord(input, at: 68 + 8 * i) }
        let t0 = littleEndianWord(input, at: 196)
        let t1 = littleEndianWord(input, at: 204)
        compress(h: &h, m: m, t0: t0, t1: t1, final: input[212] == 1, rounds: roundCount)
        var out = [UInt8](repeating: 0, count: 64)
        for i in 0..<8 {
            for b in 0..<8 { out[8 * i + b] = UInt8(truncatingIfNeeded: h[i] >> UInt64(8 * b)) }
        }
        return out
    }

    @inline(__always)
    static func littleEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var w: UInt64 = 0
        for b in 0..<8 { w |= UInt64(bytes[offset + b]) << UInt64(8 * b) }
        return w
    }

    /// RFC 7693 §3.2 `F(h, m, t, f)` with `rounds` rounds in place of 12.
    /// `h` must hold 8 words and `m` 16 (the caller builds both).
    static func compress(h: inout [UInt64], m: [UInt64], t0: UInt64, t1: UInt64, final: Bool, rounds: UInt32) {
        // The 16-word work vector lives in locals so the round loop touches no array.
        var v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7]
        var v8 = iv.0, v9 = iv.1, v10 = iv.2, v11 = iv.3
        var v12 = iv.4 ^ t0, v13 = iv.5 ^ t1
        var v14 = final ? ~iv.6 : iv.6
        var v15 = iv.7

        // G (RFC 7693 §3.1) with rotation constants R1..R4 = 32, 24, 16, 63.
        @inline(__always)
        func mix(_ a: inout UInt64, _ b: inout UInt64, _ c: inout UInt64, _ d: inout UInt64, _ x: UInt64, _ y: UInt64) {
            a = a &+ b &+ x; d = (d ^ a).rotatedRight(32)
            c = c &+ d;      b = (b ^ c).rotatedRight(24)
            a = a &+ b &+ y; d = (d ^ a).rotatedRight(16)
            c = c &+ d;      b = (b ^ c).rotatedRight(63)
        }

        sigma.withUnsafeBufferPointer { schedule in
            m.withUnsafeBufferPointer { m in
                var row = 0
                for _ in 0..<rounds {
                    schedule[row].withUnsafeBufferPointer { s in
                        mix(&v0, &v4, &v8, &v12, m[s[0]], m[s[1]])
                        mix(&v1, &v5, &v9, &v13, m[s[2]], m[s[3]])
                        mix(&v2, &v6, &v10, &v14, m[s[4]], m[s[5]])
                        mix(&v3, &v7, &v11, &v15, m[s[6]], m[s[7]])
                        mix(&v0, &v5, &v10, &v15, m[s[8]], m[s[9]])
                        mix(&v1, &v6, &v11, &v12, m[s[10]], m[s[11]])
                        mix(&v2, &v7, &v8, &v13, m[s[12]], m[s[13]])
                        mix(&v3, &v4, &v9, &v14, m[s[14]], m[s[15]])
                    }
                    row = row == 9 ? 0 : row + 1
                }
            }
        }
        h[0] ^= v0 ^ v8; h[1] ^= v1 ^ v9; h[2] ^= v2 ^ v10; h[3] ^= v3 ^ v11
        h[4] ^= v4 ^ v12; h[5] ^= v5 ^ v13; h[6] ^= v6 ^ v14; h[7] ^= v7 ^ v15
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedRight(_ n: UInt64) -> UInt64 { (self >> n) | (self << (64 - n)) }
}
