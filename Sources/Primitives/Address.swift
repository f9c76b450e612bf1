/// A 20-byte account address.
///
/// A plain value with no heap storage. `description` gives lowercase hex;
/// ``checksummed`` gives the EIP-55 mixed-case form, and `init(hex:)` accepts either
/// (the checksum is not enforced on input, as go-ethereum does not).
@frozen
public struct Address: FixedBytes {
    @usableFromInline var w0: UInt64, w1: UInt64, w2: UInt32

    public static var byteCount: Int { 20 }
    public static var zero: Address { Address(w0: 0, w1: 0, w2: 0) }

    @inlinable
    init(w0: UInt64, w1: UInt64, w2: UInt32) { self.w0 = w0; self.w1 = w1; self.w2 = w2 }

    /// The address of an uncompressed secp256k1 public key: the last 20 bytes of
    /// Keccak-256 over its 64-byte `x ‖ y` form (Yellow Paper, eq. 284).
    public init(publicKey: Secp256k1.PublicKey) {
        let digest = publicKey.withUncompressedXY { Keccak256.hash($0) }
        self = digest.withUnsafeBytes { Address($0[12..<32])! }
    }

    /// The last 20 bytes of a 256-bit word (how the EVM turns a stack item into an address).
    @inlinable
    public init(truncating word: UInt256) {
        // Big-endian bytes 0…7, 8…15 and 16…19 of the address are bits 159…96, 95…32 and 31…0 of the word.
        let high = word.w2 << 32 | word.w1 >> 32
        let middle = word.w1 << 32 | word.w0 >> 32
        self.init(w0: high.bigEndian, w1: middle.bigEndian, w2: UInt32(truncatingIfNeeded: word.w0).bigEndian)
    }

    /// The address as a 256-bit word, zero-extended on the left.
    @inlinable
    public var uint256: UInt256 {
        let high = UInt64(bigEndian: w0), middle = UInt64(bigEndian: w1), low = UInt64(UInt32(bigEndian: w2))
        return UInt256(w0: middle << 32 | low, w1: high << 32 | middle >> 32, w2: high >> 32, w3: 0)
    }

    /// The EIP-55 mixed-case checksum encoding, `0x`-prefixed.
    public var checksummed: String {
        let lower = Hex.encode(bytes, prefix: false)
        let digest = Keccak256.hash(Array(lower.utf8)).bytes
        var out = "0x"
        for (i, c) in lower.enumerated() {
            let nibble = (i % 2 == 0) ? digest[i / 2] >> 4 : digest[i / 2] & 0x0f
            out.append(c.isLetter && nibble >= 8 ? Character(c.uppercased()) : c)
        }
        return out
    }
}
