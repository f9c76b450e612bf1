/// An unsigned 256-bit integer: the EVM word.
///
/// Four 64-bit limbs, least significant first, stored inline: a plain value with
/// no heap storage, safe to share across threads. Every arithmetic operation here
/// is allocation-free (temporary limbs live on the stack). The operators `&+`,
/// `&-`, `&*` wrap modulo 2²⁵⁶, which is what the EVM does; the EVM's other
/// semantics (division by zero giving zero, signed forms, `ADDMOD`/`MULMOD`
/// through a 512-bit intermediate) are methods in `UInt256+EVM.swift`.
@frozen
public struct UInt256: Hashable, Sendable, BitwiseCopyable {
    /// Limbs, least significant first: value = w0 + w1·2⁶⁴ + w2·2¹²⁸ + w3·2¹⁹².
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    @inlinable @inline(__always)
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    @inlinable @inline(__always)
    public init(_ value: UInt64) { self.init(w0: value, w1: 0, w2: 0, w3: 0) }

    @inlinable @inline(__always)
    public init(_ value: Int) {
        precondition(value >= 0, "UInt256 from a negative Int")
        self.init(UInt64(value))
    }

    // Computed, not stored: a stored `static let` is reached through an accessor
    // call from other modules, on every use in the interpreter loop.
    @inlinable public static var zero: UInt256 { UInt256(w0: 0, w1: 0, w2: 0, w3: 0) }
    @inlinable public static var one: UInt256 { UInt256(w0: 1, w1: 0, w2: 0, w3: 0) }
    @inlinable public static var max: UInt256 { UInt256(w0: .max, w1: .max, w2: .max, w3: .max) }

    /// Limb `i` (0 = least significant).
    @inlinable @inline(__always)
    public subscript(limb i: Int) -> UInt64 {
        get {
            switch i {
            case 0: return w0
            case 1: return w1
            case 2: return w2
            default: return w3
            }
        }
        set {
            switch i {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            default: w3 = newValue
            }
        }
    }

    @inlinable public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// The value if it fits in 64 bits, else nil.
    @inlinable public var uint64: UInt64? { (w1 | w2 | w3) == 0 ? w0 : nil }

    /// The value if it fits in a non-negative `Int`, else nil (memory offsets, sizes).
    @inlinable public var int: Int? {
        guard (w1 | w2 | w3) == 0, w0 <= UInt64(Int.max) else { return nil }
        return Int(w0)
    }

    /// Number of significant bits (0 for zero).
    @inlinable public var bitWidth: Int { 256 - leadingZeroBitCount }

    /// Number of significant bytes (0 for zero): the EXP gas rule counts these.
    @inlinable public var byteWidth: Int { (bitWidth + 7) / 8 }

    @inlinable public var leadingZeroBitCount: Int {
        if w3 != 0 { return w3.leadingZeroBitCount }
        if w2 != 0 { return 64 + w2.leadingZeroBitCount }
        if w1 != 0 { return 128 + w1.leadingZeroBitCount }
        return 192 + w0.leadingZeroBitCount
    }

    /// The top bit, i.e. whether the word is negative read as two's complement.
    @inlinable public var isNegative: Bool { w3 >> 63 == 1 }

    /// Whether bit `i` (0 = least significant) is set; false for `i ≥ 256`.
    @inlinable public func bit(_ i: Int) -> Bool {
        guard i >= 0, i < 256 else { return false }
        return (self[limb: i >> 6] >> UInt64(i & 63)) & 1 == 1
    }
}

// MARK: - Comparison

extension UInt256: Comparable {
    @inlinable @inline(__always)
    public static func < (a: UInt256, b: UInt256) -> Bool {
        if a.w3 != b.w3 { return a.w3 < b.w3 }
        if a.w2 != b.w2 { return a.w2 < b.w2 }
        if a.w1 != b.w1 { return a.w1 < b.w1 }
        return a.w0 < b.w0
    }
}

// MARK: - Wrapping arithmetic

extension UInt256 {
    @inlinable @inline(__always)
    public func addingReportingOverflow(_ b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = w0.addingReportingOverflow(b.w0)
        var (r1, c1) = w1.addingReportingOverflow(b.w1)
        var c: Bool
        (r1, c) = r1.addingReportingOverflow(c0 ? 1 : 0); c1 = c1 || c
        var (r2, c2) = w2.addingReportingOverflow(b.w2)
        (r2, c) = r2.addingReportingOverflow(c1 ? 1 : 0); c2 = c2 || c
        var (r3, c3) = w3.addingReportingOverflow(b.w3)
        (r3, c) = r3.addingReportingOverflow(c2 ? 1 : 0); c3 = c3 || c
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3)
    }

    @inlinable @inline(__always)
    public func subtractingReportingOverflow(_ b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = w0.subtractingReportingOverflow(b.w0)
        var (r1, b1) = w1.subtractingReportingOverflow(b.w1)
        var x: Bool
        (r1, x) = r1.subtractingReportingOverflow(b0 ? 1 : 0); b1 = b1 || x
        var (r2, b2) = w2.subtractingReportingOverflow(b.w2)
        (r2, x) = r2.subtractingReportingOverflow(b1 ? 1 : 0); b2 = b2 || x
        var (r3, b3) = w3.subtractingReportingOverflow(b.w3)
        (r3, x) = r3.subtractingReportingOverflow(b2 ? 1 : 0); b3 = b3 || x
        return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), b3)
    }

    /// The low 256 bits of the product, and whether any higher bit was set.
    @inlinable
    public func multipliedReportingOverflow(by b: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let wide = multipliedFullWidth(by: b)
        return (wide.low, !wide.high.isZero)
    }

    @inlinable @inline(__always)
    public static func &+ (a: UInt256, b: UInt256) -> UInt256 { a.addingReportingOverflow(b).partialValue }
    @inlinable @inline(__always)
    public static func &- (a: UInt256, b: UInt256) -> UInt256 { a.subtractingReportingOverflow(b).partialValue }

    @inlinable @inline(__always)
    public static func &+= (a: inout UInt256, b: UInt256) { a = a &+ b }
    @inlinable @inline(__always)
    public static func &-= (a: inout UInt256, b: UInt256) { a = a &- b }

    /// Product modulo 2²⁵⁶ (only the ten partial products that reach the low 256 bits).
    @inlinable
    public static func &* (a: UInt256, b: UInt256) -> UInt256 {
        // Row 0: a.w0 × b
        var (h, l) = a.w0.multipliedFullWidth(by: b.w0)
        let r0 = l
        var carry = h
        (h, l) = a.w0.multipliedFullWidth(by: b.w1)
        var (r1, c) = l.addingReportingOverflow(carry); carry = h &+ (c ? 1 : 0)
        (h, l) = a.w0.multipliedFullWidth(by: b.w2)
        var r2: UInt64
        (r2, c) = l.addingReportingOverflow(carry); carry = h &+ (c ? 1 : 0)
        var r3 = a.w0 &* b.w3 &+ carry
        // Row 1: a.w1 × b, shifted one limb
        (h, l) = a.w1.multipliedFullWidth(by: b.w0)
        (r1, c) = r1.addingReportingOverflow(l); carry = h &+ (c ? 1 : 0)
        (h, l) = a.w1.multipliedFullWidth(by: b.w1)
        var c2: Bool
        (l, c) = l.addingReportingOverflow(carry)
        (r2, c2) = r2.addingReportingOverflow(l); carry = h &+ (c ? 1 : 0) &+ (c2 ? 1 : 0)
        r3 = r3 &+ a.w1 &* b.w2 &+ carry
        // Row 2
        (h, l) = a.w2.multipliedFullWidth(by: b.w0)
        (r2, c) = r2.addingReportingOverflow(l); carry = h &+ (c ? 1 : 0)
        r3 = r3 &+ a.w2 &* b.w1 &+ carry
        // Row 3
        r3 = r3 &+ a.w3 &* b.w0
        return UInt256(w0: r0, w1: r1, w2: r2, w3: r3)
    }

    @inlinable @inline(__always)
    public static func &*= (a: inout UInt256, b: UInt256) { a = a &* b }

    /// The full 512-bit product as (high, low) halves: the sixteen partial products,
    /// row by row, with the carries in registers.
    @inlinable
    public func multipliedFullWidth(by b: UInt256) -> (high: UInt256, low: UInt256) {
        let p = UInt256.productLimbs(self, b)
        return (UInt256(w0: p.4, w1: p.5, w2: p.6, w3: p.7), UInt256(w0: p.0, w1: p.1, w2: p.2, w3: p.3))
    }

    /// The eight limbs of the full product, least significant first.
    @inlinable @inline(__always)
    static func productLimbs(_ a: UInt256, _ b: UInt256)
        -> (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    {
        let (w0, w1, w2, w3) = (a.w0, a.w1, a.w2, a.w3)
        var c: UInt64 = 0
        // Row 0: a.w0 × b
        let r0 = UInt256.multiplyAdd(w0, b.w0, 0, &c)
        var r1 = UInt256.multiplyAdd(w0, b.w1, 0, &c)
        var r2 = UInt256.multiplyAdd(w0, b.w2, 0, &c)
        var r3 = UInt256.multiplyAdd(w0, b.w3, 0, &c)
        var r4 = c
        // Row 1: a.w1 × b, one limb up
        c = 0
        r1 = UInt256.multiplyAdd(w1, b.w0, r1, &c)
        r2 = UInt256.multiplyAdd(w1, b.w1, r2, &c)
        r3 = UInt256.multiplyAdd(w1, b.w2, r3, &c)
        r4 = UInt256.multiplyAdd(w1, b.w3, r4, &c)
        var r5 = c
        // Row 2
        c = 0
        r2 = UInt256.multiplyAdd(w2, b.w0, r2, &c)
        r3 = UInt256.multiplyAdd(w2, b.w1, r3, &c)
        r4 = UInt256.multiplyAdd(w2, b.w2, r4, &c)
        r5 = UInt256.multiplyAdd(w2, b.w3, r5, &c)
        var r6 = c
        // Row 3
        c = 0
        r3 = UInt256.multiplyAdd(w3, b.w0, r3, &c)
        r4 = UInt256.multiplyAdd(w3, b.w1, r4, &c)
        r5 = UInt256.multiplyAdd(w3, b.w2, r5, &c)
        r6 = UInt256.multiplyAdd(w3, b.w3, r6, &c)
        return (r0, r1, r2, r3, r4, r5, r6, c)
    }

    /// `a·b + addend + carry` as one limb, the high limb going to `carry`
    /// (it cannot overflow: (2⁶⁴ − 1)² + 2·(2⁶⁴ − 1) = 2¹²⁸ − 1).
    @inlinable @inline(__always)
    static func multiplyAdd(_ a: UInt64, _ b: UInt64, _ addend: UInt64, _ carry: inout UInt64) -> UInt64 {
        let (h, l) = a.multipliedFullWidth(by: b)
        let (s1, c1) = l.addingReportingOverflow(addend)
        let (s2, c2) = s1.addingReportingOverflow(carry)
        carry = h &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
        return s2
    }

    /// Two's-complement negation (wrapping): `0 - self`.
    @inlinable public var negated: UInt256 { UInt256.zero &- self }

    /// Absolute value when read as two's complement (2²⁵⁵ stays 2²⁵⁵).
    @inlinable public var magnitude: UInt256 { isNegative ? negated : self }
}

// MARK: - Bitwise

extension UInt256 {
    @inlinable @inline(__always)
    public static func & (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(w0: a.w0 & b.w0, w1: a.w1 & b.w1, w2: a.w2 & b.w2, w3: a.w3 & b.w3)
    }
    @inlinable @inline(__always)
    public static func | (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(w0: a.w0 | b.w0, w1: a.w1 | b.w1, w2: a.w2 | b.w2, w3: a.w3 | b.w3)
    }
    @inlinable @inline(__always)
    public static func ^ (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(w0: a.w0 ^ b.w0, w1: a.w1 ^ b.w1, w2: a.w2 ^ b.w2, w3: a.w3 ^ b.w3)
    }
    @inlinable @inline(__always)
    public static prefix func ~ (a: UInt256) -> UInt256 {
        UInt256(w0: ~a.w0, w1: ~a.w1, w2: ~a.w2, w3: ~a.w3)
    }

    /// Logical left shift; shifts of 256 or more give zero.
    @inlinable
    public static func << (a: UInt256, shift: Int) -> UInt256 {
        guard shift > 0 else { return shift == 0 ? a : a >> -shift }
        guard shift < 256 else { return .zero }
        let limbs = shift >> 6, bits = UInt64(shift & 63)
        var r = UInt256.zero
        for i in stride(from: 3, through: limbs, by: -1) {
            let src = i - limbs
            var v = a[limb: src] << bits
            if bits != 0 && src > 0 { v |= a[limb: src - 1] >> (64 - bits) }
            r[limb: i] = v
        }
        return r
    }

    /// Logical right shift; shifts of 256 or more give zero.
    @inlinable
    public static func >> (a: UInt256, shift: Int) -> UInt256 {
        guard shift > 0 else { return shift == 0 ? a : a << -shift }
        guard shift < 256 else { return .zero }
        let limbs = shift >> 6, bits = UInt64(shift & 63)
        var r = UInt256.zero
        for i in 0..<(4 - limbs) {
            let src = i + limbs
            var v = a[limb: src] >> bits
            if bits != 0 && src < 3 { v |= a[limb: src + 1] << (64 - bits) }
            r[limb: i] = v
        }
        return r
    }
}
