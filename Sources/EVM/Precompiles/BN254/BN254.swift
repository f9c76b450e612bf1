package import Primitives

/// The BN254 (alt_bn128) pairing-friendly curve behind precompiles 0x06–0x08
/// (EIP-196, EIP-197).
///
/// ## Overview
/// - ``Fp``: the base field, p = 21888242871839275222246405745257275088696311157297823662689037894645226208583,
///   kept in Montgomery form.
/// - ``Fp2`` = Fp[i]/(i² + 1), ``Fp6`` = Fp2[v]/(v³ − ξ) with ξ = 9 + i,
///   ``Fp12`` = Fp6[w]/(w² − v). So w⁶ = ξ.
/// - G1: y² = x³ + 3 over Fp. Its group of points has prime order ``groupOrder`` (r), so every
///   curve point is in G1.
/// - G2: the sextic D-type twist y² = x³ + 3/ξ over Fp2, restricted to its subgroup of order r.
///   The untwisting map is (x, y) ↦ (x·w², y·w³).
/// - ``pairingCheck(_:)``: Π e(Pᵢ, Qᵢ) == 1 with the optimal ate pairing (Miller loop over
///   6u + 2, two Frobenius line steps, final exponentiation to (p¹² − 1)/r).
///
/// ## Naming
/// `G1Curve` / `G2Curve` name the curves; ``AffinePoint`` and ``JacobianPoint`` are generic over
/// them. "canonical" is the ordinary integer value of a field element, "montgomery" its a·2²⁵⁶ mod p form.
///
/// ## Errors
/// Nothing here throws or traps on input: decoders return nil for values ≥ p or points off the
/// curve (or, in G2, outside the order-r subgroup), and the inverse of zero is zero.
///
/// ## Performance
/// Every element is a value type with inline limbs; field and curve arithmetic allocate nothing
/// (scalar multiplication keeps its table on the stack). A pairing check allocates only its
/// per-call arrays of pairs and Miller-loop points. Two pairs take about 1 ms in a release build.
///
/// All values here are immutable values: `Sendable`, safe to use from any thread.
package enum BN254 {
    /// The curve parameter u (x in some papers): p = 36u⁴ + 36u³ + 24u² + 6u + 1.
    package static let u: UInt64 = 4_965_661_367_192_848_881

    /// The prime order r of G1, G2 and GT (EIP-197's q):
    /// 21888242871839275222246405745257275088548364400416034343698204186575808495617.
    package static let groupOrder = UInt256(w0: 0x43e1_f593_f000_0001, w1: 0x2833_e848_79b9_7091,
                                             w2: 0xb850_45b6_8181_585d, w3: 0x3064_4e72_e131_a029)

    /// t − 1 = 6u², where t = p + 1 − r is the trace of Frobenius. On G2 the twisted Frobenius
    /// ψ acts as multiplication by p ≡ t − 1 (mod r); see ``AffinePoint/isInG2``.
    package static let traceMinusOne: UInt256 = {
        let u256 = UInt256(u)
        return UInt256(6) &* u256 &* u256
    }()

    /// 6u² in non-adjacent form (40 non-zero digits instead of 70 bits set), for the G2 test.
    package static let traceMinusOneNAF: [Int8] = nonAdjacentForm(traceMinusOne)

    /// The non-adjacent form of n > 0, least significant digit first: digits in {−1, 0, 1}, no
    /// two adjacent digits non-zero, the top digit 1.
    package static func nonAdjacentForm(_ value: UInt256) -> [Int8] {
        var digits: [Int8] = []
        var n = value
        while !n.isZero {
            if n.bit(0) {
                // digit ∈ {1, −1} chosen so that n − digit ≡ 0 (mod 4)
                let digit: Int8 = (n.w0 & 3) == 1 ? 1 : -1
                digits.append(digit)
                n = digit == 1 ? n &- UInt256.one : n &+ UInt256.one
            } else {
                digits.append(0)
            }
            n = n >> 1
        }
        return digits
    }
}

/// The arithmetic shared by ``BN254/Fp`` and ``BN254/Fp2``, so the curve formulas are written once.
package protocol BN254Field: Equatable, Sendable, BitwiseCopyable {
    static var zero: Self { get }
    static var one: Self { get }
    var isZero: Bool { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    /// self².
    var squared: Self { get }
    /// 2·self.
    var doubled: Self { get }
    /// self⁻¹, or zero for zero.
    var inverse: Self { get }
}
