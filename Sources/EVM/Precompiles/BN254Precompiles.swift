import ChainTypes
import Primitives

/// The alt_bn128 precompiles: ECADD (0x06), ECMUL (0x07), ECPAIRING (0x08).
///
/// Encodings follow EIP-196 and EIP-197: field elements are 32-byte big-endian numbers and a
/// value ≥ p is invalid; a point is (x, y) with (0, 0) for the point at infinity; an Fp2 element
/// a·i + b is written (a, b), imaginary part first. Invalid input gives nil (the call fails and
/// consumes all its gas). Prices: EIP-196/197 (Byzantium) before Istanbul, EIP-1108 from Istanbul.
extension PrecompiledContract {
    /// ECADD, 0x06 (EIP-196): 128 bytes (right-padded with zeros, surplus ignored) holding two
    /// G1 points; returns their sum, 64 bytes. 500 gas, 150 from Istanbul (EIP-1108).
    public static let bn256Add = PrecompiledContract(
        address: 0x06, name: "bn256Add",
        gasCost: { _, fork in fork >= .istanbul ? BN254Gas.addIstanbul : BN254Gas.addByzantium },
        execute: { input in BN254Precompile.add(input) })

    /// ECMUL, 0x07 (EIP-196): 96 bytes (right-padded with zeros, surplus ignored) holding a G1
    /// point and a 256-bit scalar; returns the product, 64 bytes. 40,000 gas, 6,000 from Istanbul.
    public static let bn256ScalarMul = PrecompiledContract(
        address: 0x07, name: "bn256ScalarMul",
        gasCost: { _, fork in fork >= .istanbul ? BN254Gas.mulIstanbul : BN254Gas.mulByzantium },
        execute: { input in BN254Precompile.scalarMul(input) })

    /// ECPAIRING, 0x08 (EIP-197): k pairs of (G1, G2) points, 192 bytes each (any other length is
    /// invalid); returns 32 bytes, 1 if Π e(Pᵢ, Qᵢ) = 1 else 0. Empty input returns 1.
    /// 100,000 + 80,000·k gas, 45,000 + 34,000·k from Istanbul.
    public static let bn256Pairing = PrecompiledContract(
        address: 0x08, name: "bn256Pairing",
        gasCost: { input, fork in
            let k = UInt64(input.count / BN254Precompile.pairSize)
            return fork >= .istanbul
                ? BN254Gas.pairingBaseIstanbul + BN254Gas.pairingPerPairIstanbul * k
                : BN254Gas.pairingBaseByzantium + BN254Gas.pairingPerPairByzantium * k
        },
        execute: { input in BN254Precompile.pairing(input) })
}

/// Gas constants of the alt_bn128 precompiles.
enum BN254Gas {
    /// EIP-196.
    static let addByzantium: UInt64 = 500
    /// EIP-196.
    static let mulByzantium: UInt64 = 40_000
    /// EIP-197.
    static let pairingBaseByzantium: UInt64 = 100_000
    /// EIP-197.
    static let pairingPerPairByzantium: UInt64 = 80_000
    /// EIP-1108.
    static let addIstanbul: UInt64 = 150
    /// EIP-1108.
    static let mulIstanbul: UInt64 = 6_000
    /// EIP-1108.
    static let pairingBaseIstanbul: UInt64 = 45_000
    /// EIP-1108.
    static let pairingPerPairIstanbul: UInt64 = 34_000
}

/// The byte-level semantics of 0x06–0x08, separate from the gas rules so tests can call them.
package enum BN254Precompile {
    /// Bytes per (G1, G2) pair of ECPAIRING input: 64 + 128 (EIP-197).
    package static let pairSize = 192

    /// ECADD: nil for invalid input, else 64 bytes.
    package static func add(_ input: [UInt8]) -> [UInt8]? {
        let data = padded(input, to: 128)
        guard let p = decodeG1(data, at: 0), let q = decodeG1(data, at: 64) else { return nil }
        return encodeG1(BN254.G1Jacobian(p).adding(q).affine)
    }

    /// ECMUL: nil for invalid input, else 64 bytes. Any 256-bit scalar is allowed.
    package static func scalarMul(_ input: [UInt8]) -> [UInt8]? {
        let data = padded(input, to: 96)
        guard let p = decodeG1(data, at: 0), let k = UInt256(bigEndianBytes: data[64..<96]) else { return nil }
        return encodeG1(BN254.G1Jacobian(p).multiplied(by: k).affine)
    }

    /// ECPAIRING: nil for invalid input, else 32 bytes holding 0 or 1.
    package static func pairing(_ input: [UInt8]) -> [UInt8]? {
        guard input.count % pairSize == 0 else { return nil }
        var pairs: [(BN254.G1Affine, BN254.G2Affine)] = []
        pairs.reserveCapacity(input.count / pairSize)
        var offset = 0
        while offset < input.count {
            guard let p = decodeG1(input, at: offset), let q = decodeG2(input, at: offset + 64) else { return nil }
            pairs.append((p, q))
            offset += pairSize
        }
        var out = [UInt8](repeating: 0, count: 32)
        if BN254.pairingCheck(pairs) { out[31] = 1 }
        return out
    }

    // MARK: Encoding

    /// `input` cut or right-padded with zeros to exactly `count` bytes (EIP-196: "virtually
    /// padded with zeros at the end … surplus bytes at the end are ignored").
    static func padded(_ input: [UInt8], to count: Int) -> [UInt8] {
        if input.count == count { return input }
        var out = Array(input.prefix(count))
        out.append(contentsOf: repeatElement(0, count: count - out.count))
        return out
    }

    /// The Fp element in bytes[offset ..< offset + 32], or nil if it is ≥ p. The caller
    /// guarantees the bytes exist.
    static func decodeFp(_ bytes: [UInt8], at offset: Int) -> BN254.Fp? {
        guard offset >= 0, offset + 32 <= bytes.count,
              let value = UInt256(bigEndianBytes: bytes[offset ..< offset + 32]) else { return nil }
        return BN254.Fp(canonical: value)
    }

    /// A G1 point from 64 bytes: nil if a coordinate is ≥ p or the point is off the curve;
    /// (0, 0) is the point at infinity.
    package static func decodeG1(_ bytes: [UInt8], at offset: Int) -> BN254.G1Affine? {
        guard let x = decodeFp(bytes, at: offset), let y = decodeFp(bytes, at: offset + 32) else { return nil }
        if x.isZero && y.isZero { return .infinity }
        let point = BN254.G1Affine(x: x, y: y)
        return point.isOnCurve ? point : nil
    }

    /// A G2 point from 128 bytes (x.imaginary, x.real, y.imaginary, y.real): nil if a coordinate
    /// is ≥ p, the point is off the twist, or it is outside the order-r subgroup; all zeros is
    /// the point at infinity.
    package static func decodeG2(_ bytes: [UInt8], at offset: Int) -> BN254.G2Affine? {
        guard let xi = decodeFp(bytes, at: offset), let xr = decodeFp(bytes, at: offset + 32),
              let yi = decodeFp(bytes, at: offset + 64), let yr = decodeFp(bytes, at: offset + 96)
        else { return nil }
        let x = BN254.Fp2(xr, xi)
        let y = BN254.Fp2(yr, yi)
        if x.isZero && y.isZero { return .infinity }
        let point = BN254.G2Affine(x: x, y: y)
        guard point.isOnCurve, point.isInG2 else { return nil }
        return point
    }

    /// 64 bytes x ‖ y, or 64 zeros for the point at infinity.
    package static func encodeG1(_ p: BN254.G1Affine) -> [UInt8] {
        if p.isInfinity { return [UInt8](repeating: 0, count: 64) }
        return p.x.canonical.bigEndianBytes + p.y.canonical.bigEndianBytes
    }

    /// 128 bytes in the EIP-197 order (x.imaginary, x.real, y.imaginary, y.real); zeros for infinity.
    package static func encodeG2(_ q: BN254.G2Affine) -> [UInt8] {
        if q.isInfinity { return [UInt8](repeating: 0, count: 128) }
        return q.x.c1.canonical.bigEndianBytes + q.x.c0.canonical.bigEndianBytes
            + q.y.c1.canonical.bigEndianBytes + q.y.c0.canonical.bigEndianBytes
    }
}
