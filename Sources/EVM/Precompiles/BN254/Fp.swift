package import Primitives

extension BN254 {
    /// An element of the base field Fp, stored in Montgomery form a·R mod p with R = 2²⁵⁶.
    ///
    /// Guarantees: ``montgomery`` is always fully reduced (< p), so `==` compares values.
    /// Multiplication is the CIOS Montgomery product (four 64-bit limbs, one conditional
    /// subtraction); nothing allocates. A plain value, `Sendable`.
    package struct Fp: BN254Field, CustomStringConvertible {
        /// a·R mod p, in [0, p).
        package var montgomery: UInt256

        @inline(__always)
        package init(montgomery: UInt256) { self.montgomery = montgomery }

        /// The field modulus p.
        package static let modulus = UInt256(w0: 0x3c20_8c16_d87c_fd47, w1: 0x9781_6a91_6871_ca8d,
                                              w2: 0xb850_45b6_8181_585d, w3: 0x3064_4e72_e131_a029)
        /// −p⁻¹ mod 2⁶⁴, the Montgomery reduction constant.
        static let montgomeryInverse: UInt64 = 0x87d2_0782_e486_6389
        /// R mod p: the Montgomery form of 1.
        static let rModP = UInt256(w0: 0xd35d_438d_c58f_0d9d, w1: 0x0a78_eb28_f5c7_0b3d,
                                   w2: 0x666e_a36f_7879_462c, w3: 0x0e0a_77c1_9a07_df2f)
        /// R² mod p: multiplying by it converts into Montgomery form.
        static let r2ModP = UInt256(w0: 0xf32c_fc5b_538a_fa89, w1: 0xb5e7_1911_d445_01fb,
                                    w2: 0x47ab_1eff_0a41_7ff6, w3: 0x06d8_9f71_cab8_351f)

        package static let zero = Fp(montgomery: .zero)
        package static let one = Fp(montgomery: rModP)

        /// The element with this canonical value, or nil when `value ≥ p` (EIP-196: "equal or
        /// larger than the field modulus p" is invalid).
        @inline(__always)
        package init?(canonical value: UInt256) {
            guard value < Fp.modulus else { return nil }
            self.montgomery = Fp.montgomeryProduct(value, Fp.r2ModP)
        }

        /// A small constant.
        package init(_ small: UInt64) {
            // small < 2⁶⁴ < p, so it is canonical.
            self.montgomery = Fp.montgomeryProduct(UInt256(small), Fp.r2ModP)
        }

        /// The ordinary value in [0, p).
        @inline(__always)
        package var canonical: UInt256 { Fp.montgomeryProduct(montgomery, UInt256.one) }

        package var description: String { canonical.description }

        @inline(__always)
        package var isZero: Bool { montgomery.isZero }

        // MARK: Arithmetic

        @inline(__always)
        package static func + (a: Fp, b: Fp) -> Fp {
            // a, b < p < 2²⁵⁴, so the sum fits in 256 bits; then subtract p unless that borrows.
            let x = a.montgomery, y = b.montgomery
            var carry: UInt64 = 0
            let s0 = addWithCarry(x.w0, y.w0, &carry)
            let s1 = addWithCarry(x.w1, y.w1, &carry)
            let s2 = addWithCarry(x.w2, y.w2, &carry)
            let s3 = addWithCarry(x.w3, y.w3, &carry)
            return Fp(montgomery: reducedOnce(s0, s1, s2, s3))
        }

        @inline(__always)
        package static func - (a: Fp, b: Fp) -> Fp {
            let x = a.montgomery, y = b.montgomery
            var borrow: UInt64 = 0
            let d0 = subtractWithBorrow(x.w0, y.w0, &borrow)
            let d1 = subtractWithBorrow(x.w1, y.w1, &borrow)
            let d2 = subtractWithBorrow(x.w2, y.w2, &borrow)
            let d3 = subtractWithBorrow(x.w3, y.w3, &borrow)
            // On borrow add p back (mask is all ones then, else zero): branch-free.
            let mask = 0 &- borrow
            var carry: UInt64 = 0
            let r0 = addWithCarry(d0, modulus.w0 & mask, &carry)
            let r1 = addWithCarry(d1, modulus.w1 & mask, &carry)
            let r2 = addWithCarry(d2, modulus.w2 & mask, &carry)
            let r3 = addWithCarry(d3, modulus.w3 & mask, &carry)
            return Fp(montgomery: UInt256(w0: r0, w1: r1, w2: r2, w3: r3))
        }

        @inline(__always)
        package static prefix func - (a: Fp) -> Fp { Fp.zero - a }

        @inline(__always)
        package static func * (a: Fp, b: Fp) -> Fp {
            Fp(montgomery: montgomeryProduct(a.montgomery, b.montgomery))
        }

        @inline(__always)
        package static func += (a: inout Fp, b: Fp) { a = a + b }
        @inline(__always)
        package static func -= (a: inout Fp, b: Fp) { a = a - b }
        @inline(__always)
        package static func *= (a: inout Fp, b: Fp) { a = a * b }

        @inline(__always)
        package var squared: Fp { self * self }

        @inline(__always)
        package var doubled: Fp { self + self }

        /// self^e by square-and-multiply over the bits of e (not constant time: the precompiles
        /// handle only public data).
        package func power(_ e: UInt256) -> Fp {
            var result = Fp.one
            var i = e.bitWidth - 1
            while i >= 0 {
                result = result.squared
                if e.bit(i) { result = result * self }
                i -= 1
            }
            return result
        }

        /// self⁻¹ = self^(p−2) (Fermat), and zero for zero.
        package var inverse: Fp {
            power(Fp.modulus &- UInt256(2))
        }

        // MARK: Montgomery product

        /// a·b·R⁻¹ mod p for a, b < p, fully reduced.
        ///
        /// Coarsely integrated operand scanning: for each limb bᵢ, t ← (t + a·bᵢ + m·p) / 2⁶⁴ with
        /// m chosen so the low limb vanishes. With a, b < p < R the running t stays below 2p
        /// (< 2²⁵⁵), so four limbs plus one carry limb suffice and one subtraction of p ends it.
        @inline(__always)
        package static func montgomeryProduct(_ a: UInt256, _ b: UInt256) -> UInt256 {
            var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0
            montgomeryRound(&t0, &t1, &t2, &t3, a, b.w0)
            montgomeryRound(&t0, &t1, &t2, &t3, a, b.w1)
            montgomeryRound(&t0, &t1, &t2, &t3, a, b.w2)
            montgomeryRound(&t0, &t1, &t2, &t3, a, b.w3)
            return reducedOnce(t0, t1, t2, t3)
        }

        /// t − p if t ≥ p, else t, for t < 2p; branch-free.
        @inline(__always)
        private static func reducedOnce(_ t0: UInt64, _ t1: UInt64, _ t2: UInt64, _ t3: UInt64) -> UInt256 {
            var borrow: UInt64 = 0
            let d0 = subtractWithBorrow(t0, modulus.w0, &borrow)
            let d1 = subtractWithBorrow(t1, modulus.w1, &borrow)
            let d2 = subtractWithBorrow(t2, modulus.w2, &borrow)
            let d3 = subtractWithBorrow(t3, modulus.w3, &borrow)
            let keep = 0 &- borrow          // all ones when t < p
            return UInt256(w0: (t0 & keep) | (d0 & ~keep), w1: (t1 & keep) | (d1 & ~keep),
                           w2: (t2 & keep) | (d2 & ~keep), w3: (t3 & keep) | (d3 & ~keep))
        }

        /// One CIOS round, t ← (t + a·bᵢ + m·p) / 2⁶⁴, with the product chain (carry `hi`) and the
        /// reduction chain (carry `lo`) interleaved limb by limb. The fifth limb is never stored:
        /// the result is < 2p < 2²⁵⁶, so the top limb hi + lo cannot overflow.
        @inline(__always)
        private static func montgomeryRound(_ t0: inout UInt64, _ t1: inout UInt64,
                                            _ t2: inout UInt64, _ t3: inout UInt64,
                                            _ a: UInt256, _ bi: UInt64) {
            var hi: UInt64 = 0, lo: UInt64 = 0
            let u0 = multiplyAdd(a.w0, bi, t0, &hi)
            let m = u0 &* montgomeryInverse
            _ = multiplyAdd(m, modulus.w0, u0, &lo)      // low limb is zero by the choice of m
            let u1 = multiplyAdd(a.w1, bi, t1, &hi)
            t0 = multiplyAdd(m, modulus.w1, u1, &lo)
            let u2 = multiplyAdd(a.w2, bi, t2, &hi)
            t1 = multiplyAdd(m, modulus.w2, u2, &lo)
            let u3 = multiplyAdd(a.w3, bi, t3, &hi)
            t2 = multiplyAdd(m, modulus.w3, u3, &lo)
            t3 = hi &+ lo
        }

        @inline(__always)
        private static func addWithCarry(_ x: UInt64, _ y: UInt64, _ carry: inout UInt64) -> UInt64 {
            let s1 = x &+ y
            let s2 = s1 &+ carry
            carry = (s1 < x ? 1 : 0) &+ (s2 < s1 ? 1 : 0)
            return s2
        }

        /// x − y − borrow; `borrow` (0 or 1) becomes 1 when the result wrapped.
        @inline(__always)
        private static func subtractWithBorrow(_ x: UInt64, _ y: UInt64, _ borrow: inout UInt64) -> UInt64 {
            let d1 = x &- y
            let d2 = d1 &- borrow
            borrow = (x < y ? 1 : 0) &+ (d1 < borrow ? 1 : 0)
            return d2
        }

        /// Low limb of x·y + z + carry; the high limb goes back into `carry`. Never overflows:
        /// (2⁶⁴−1)² + 2·(2⁶⁴−1) = 2¹²⁸ − 1.
        @inline(__always)
        private static func multiplyAdd(_ x: UInt64, _ y: UInt64, _ z: UInt64, _ carry: inout UInt64) -> UInt64 {
            let (high, low) = x.multipliedFullWidth(by: y)
            let (s1, o1) = low.addingReportingOverflow(z)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            return s2
        }
    }
}
