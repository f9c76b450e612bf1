import ChainTypes
import Primitives
internal import CGMP

extension PrecompiledContract {
    /// 0x05 MODEXP (EIP-198, from Byzantium): `base^exponent mod modulus` on big-endian
    /// integers of any length.
    ///
    /// Input: three 32-byte big-endian lengths `Bsize ‖ Esize ‖ Msize`, then `base`
    /// (Bsize bytes), `exponent` (Esize bytes) and `modulus` (Msize bytes). The input is
    /// read as if followed by endless zero bytes; extra bytes are ignored. Output: exactly
    /// Msize bytes, big-endian, left-padded; all zeros when the modulus is zero, and
    /// empty when Msize is zero.
    ///
    /// Gas: EIP-198 (Byzantium to Istanbul) or EIP-2565 (Berlin on), both from the
    /// "adjusted exponent length" of the exponent's first 32 bytes; computed without
    /// allocating, in saturating arithmetic, and `UInt64.max` when the true price does
    /// not fit. Charge it before calling ``execute``.
    ///
    /// ``execute`` is safe on any input by itself: it allocates at most the input's size
    /// plus the output, and refuses (nil) only a modulus longer than
    /// ``ModExp/maximumModulusLength`` — an input that costs over 3.4 billion gas under
    /// every fork's pricing, so a caller that charges gas first never gets there.
    /// Arithmetic by GMP (`mpz_powm`), which measured 40–90× faster than attaswift/BigInt
    /// here. Pure and thread-safe: every call uses its own `mpz` values, and the GMP
    /// manual (§3.7, Reentrancy) says "GMP is reentrant and thread-safe", its exceptions
    /// (custom allocators, the old random functions, `mpf` default precision) unused here.
    public static let modexp = PrecompiledContract(
        address: 0x05, name: "modexp",
        gasCost: { input, fork in ModExp.gas(input, fork: fork) },
        execute: { ModExp.run($0) })
}

/// EIP-198's input layout and the two gas schedules, and the GMP computation.
enum ModExp {
    /// The longest modulus (and so output) ``run`` accepts: 1 MiB. One byte more costs
    /// ≈ 3.46·10⁹ gas under EIP-198 and ≈ 5.7·10⁹ under EIP-2565 (see the tests), over
    /// a hundred blocks at our genesis gas limit of 30M.
    ///
    /// Nothing else needs a limit. The modulus comes last, so whenever the base or the
    /// exponent runs past the end of the input, the modulus lies wholly in the implied
    /// zero padding, is zero, and the answer is zeros without reading either; otherwise
    /// both lie inside the input and copying them costs no more than the input did.
    static let maximumModulusLength = 1 << 20

    /// EIP-198's `GQUADDIVISOR`.
    static let eip198Divisor = UInt256(20)
    /// EIP-2565's divisor and floor.
    static let eip2565Divisor = UInt256(3)
    static let eip2565MinimumGas: UInt64 = 200

    /// The three length words at the head of the input (zero-padded).
    struct Lengths: Equatable {
        var base: UInt256
        var exponent: UInt256
        var modulus: UInt256

        init(_ input: [UInt8]) {
            base = ModExp.word(input, at: 0)
            exponent = ModExp.word(input, at: 32)
            modulus = ModExp.word(input, at: 64)
        }
    }

    // MARK: Gas

    static func gas(_ input: [UInt8], fork: Fork) -> UInt64 {
        fork >= .berlin ? eip2565Gas(input) : eip198Gas(input)
    }

    /// EIP-198: `⌊mult_complexity(max(Bsize, Msize)) · max(adjusted, 1) / 20⌋`.
    static func eip198Gas(_ input: [UInt8]) -> UInt64 {
        let lengths = Lengths(input)
        let x = max(lengths.base, lengths.modulus)
        let complexity: UInt256
        if x <= UInt256(64) {
            complexity = x &* x
        } else if x <= UInt256(1024) {
            complexity = (x &* x).dividedOrZero(by: 4) &+ UInt256(96) &* x &- UInt256(3072)
        } else {
            // x > 1024, so x²/16 + 480x > 199,680 and the subtraction cannot wrap.
            complexity = saturatingAdd(saturatingMultiply(x, x).dividedOrZero(by: 16),
                                       saturatingMultiply(UInt256(480), x)) &- UInt256(199_680)
        }
        let iterations = max(adjustedExponentLength(input, lengths), .one)
        return clampToUInt64(saturatingMultiply(complexity, iterations).dividedOrZero(by: eip198Divisor))
    }

    /// EIP-2565: `max(200, ⌊⌈max(Bsize, Msize) / 8⌉² · max(adjusted, 1) / 3⌋)`.
    static func eip2565Gas(_ input: [UInt8]) -> UInt64 {
        let lengths = Lengths(input)
        let x = max(lengths.base, lengths.modulus)
        let (q, r) = x.quotientAndRemainder(dividingBy: UInt256(8))
        let words = r.isZero ? q : q &+ .one
        let complexity = saturatingMultiply(words, words)
        let iterations = max(adjustedExponentLength(input, lengths), .one)
        let gas = clampToUInt64(saturatingMultiply(complexity, iterations).dividedOrZero(by: eip2565Divisor))
        return max(eip2565MinimumGas, gas)
    }

    /// EIP-198's `ADJUSTED_EXPONENT_LENGTH` (EIP-2565's iteration count before its
    /// `max(…, 1)`), from the first `min(Esize, 32)` bytes of the exponent, `head`:
    /// `Esize ≤ 32`: ⌊log₂ head⌋, or 0 when head is 0;
    /// `Esize > 32`: 8·(Esize − 32) + ⌊log₂ head⌋, or 8·(Esize − 32) when head is 0.
    static func adjustedExponentLength(_ input: [UInt8], _ lengths: Lengths) -> UInt256 {
        let headLength = lengths.exponent <= UInt256(32) ? lengths.exponent.int ?? 32 : 32
        // The exponent starts at 96 + Bsize; an offset that overflows is past the input.
        let (start, overflow) = UInt256(96).addingReportingOverflow(lengths.base)
        let head = overflow ? UInt256.zero : (UInt256(bigEndianBytes: bytes(input, at: start, count: headLength)) ?? .zero)
        let highestBit = head.isZero ? UInt256.zero : UInt256(head.bitWidth - 1)
        guard lengths.exponent > UInt256(32) else { return highestBit }
        return saturatingAdd(saturatingMultiply(UInt256(8), lengths.exponent &- UInt256(32)), highestBit)
    }

    // MARK: Execution

    static func run(_ input: [UInt8]) -> [UInt8]? {
        let lengths = Lengths(input)
        if lengths.modulus.isZero { return [] }
        guard let modulusLength = lengths.modulus.int, modulusLength <= maximumModulusLength else { return nil }
        let zeros = [UInt8](repeating: 0, count: modulusLength)

        // The modulus starts at 96 + Bsize + Esize. At or past the end of the input (or
        // beyond any Int) it is all padding, hence zero: the output is zeros.
        let (afterBase, overflow1) = UInt256(96).addingReportingOverflow(lengths.base)
        let (modulusStart256, overflow2) = afterBase.addingReportingOverflow(lengths.exponent)
        guard !overflow1, !overflow2, let modulusStart = modulusStart256.int, modulusStart < input.count,
              let baseLength = lengths.base.int
        else { return zeros }
        // Here 96 + Bsize + Esize < input.count, so base and exponent lie inside the input.
        let exponentStart = 96 + baseLength
        let modulus = bytes(input, at: modulusStart, count: modulusLength)
        if modulus.allSatisfy({ $0 == 0 }) { return zeros }
        return power(base: input[96..<exponentStart], exponent: input[exponentStart..<modulusStart],
                     modulus: modulus)
    }

    /// `base^exponent mod modulus`, big-endian, as many bytes as `modulus` has (which
    /// must not be zero).
    static func power(base: ArraySlice<UInt8>, exponent: ArraySlice<UInt8>, modulus: [UInt8]) -> [UInt8] {
        // Four mpz values in one Swift array so their addresses stay fixed while GMP
        // reads and writes them; each is initialised and cleared inside this scope.
        var slots = [__mpz_struct](repeating: __mpz_struct(), count: 4)
        return slots.withUnsafeMutableBufferPointer { slots -> [UInt8] in
            var out = [UInt8](repeating: 0, count: modulus.count)
            guard let b = slots.baseAddress else { return out }
            let e = b + 1, m = b + 2, r = b + 3
            for p in [b, e, m, r] { __gmpz_init(p) }
            defer { for p in [b, e, m, r] { __gmpz_clear(p) } }

            load(b, base)
            load(e, exponent)
            load(m, modulus[...])
            __gmpz_powm(r, b, e, m)

            guard r.pointee._mp_size != 0 else { return out }
            let size = (__gmpz_sizeinbase(r, 2) + 7) / 8
            // r < modulus, so it fits; the check only guards the pointer arithmetic.
            guard size <= out.count else { return out }
            out.withUnsafeMutableBytes { raw in
                var written = 0
                _ = __gmpz_export(raw.baseAddress.map { $0 + (raw.count - size) }, &written, 1, 1, 1, 0, r)
            }
            return out
        }
    }

    /// Sets `z` to the big-endian number `bytes`.
    private static func load(_ z: UnsafeMutablePointer<__mpz_struct>, _ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { __gmpz_import(z, $0.count, 1, 1, 1, 0, $0.baseAddress) }
    }

    // MARK: Reading the input

    /// `count` bytes from `offset`, the input read as if followed by endless zeros.
    static func bytes(_ input: [UInt8], at offset: Int, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if offset < input.count {
            let n = min(count, input.count - offset)
            out.replaceSubrange(0..<n, with: input[offset..<(offset + n)])
        }
        return out
    }

    /// The same with a 256-bit offset; anything past `Int` is past the input.
    static func bytes(_ input: [UInt8], at offset: UInt256, count: Int) -> [UInt8] {
        guard let offset = offset.int else { return [UInt8](repeating: 0, count: count) }
        return bytes(input, at: offset, count: count)
    }

    /// The 32-byte big-endian word at `offset` (zero-padded).
    static func word(_ input: [UInt8], at offset: Int) -> UInt256 {
        UInt256(bigEndianBytes: bytes(input, at: offset, count: 32)) ?? .zero
    }

    // MARK: Saturating arithmetic

    static func saturatingMultiply(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : p
    }

    static func saturatingAdd(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : s
    }

    static func clampToUInt64(_ x: UInt256) -> UInt64 { x.uint64 ?? .max }
}
