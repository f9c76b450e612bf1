public import Primitives

/// The digests enclaves sign and everyone else checks (CONFIDENTIAL.md sections 5.1 and 7).
/// Each starts with its own domain label, so no signature over one is valid for another.
public enum ConfidentialDigest {
    /// Section 5.1: `keccak("cloister-txkey-v1" ‖ be32(chainId) ‖ u64be(epoch) ‖ u32be(generation) ‖ u8(suite) ‖ publicKey)`.
    public static func txKey(chainID: UInt64, epoch: UInt64, generation: UInt32, suite: UInt8, publicKey: [UInt8]) -> Hash32 {
        var b = Array("cloister-txkey-v1".utf8)
        b += ConfidentialBytes.be32(chainID) + ConfidentialBytes.u64be(epoch) + ConfidentialBytes.u32be(generation) + [suite] + publicKey
        return Keccak256.hash(b)
    }

    /// Section 7 (`0x42`): `keccak("cloister-grant-v1" ‖ be32(chainId) ‖ u32be(g) ‖ targetEnclaveId ‖ keccak(wrapped) ‖ keyCheck_g)`.
    public static func grant(chainID: UInt64, generation: UInt32, targetEnclaveID: Hash32, wrapped: [UInt8], keyCheck: [UInt8]) -> Hash32 {
        var b = Array("cloister-grant-v1".utf8)
        b += ConfidentialBytes.be32(chainID) + ConfidentialBytes.u32be(generation) + targetEnclaveID.bytes + Keccak256.hash(wrapped).bytes + keyCheck
        return Keccak256.hash(b)
    }

    /// Section 7 (`0x43`): `keccak("cloister-keygen-v1" ‖ be32(chainId) ‖ u32be(g) ‖ keyCheck ‖ keccak(chainedPrevious) ‖ keccak(rlp(wraps)))`,
    /// `wraps` being `[[enclaveId, wrapped]…]`.
    public static func keyGeneration(chainID: UInt64, generation: UInt32, keyCheck: [UInt8], chainedPrevious: [UInt8],
                                     wraps: [(enclaveID: Hash32, wrapped: [UInt8])]) -> Hash32 {
        var e = RLPEncoder()
        e.appendList { e in
            for w in wraps { e.appendList { e in e.appendBytes(w.enclaveID.bytes); e.appendBytes(w.wrapped) } }
        }
        var b = Array("cloister-keygen-v1".utf8)
        b += ConfidentialBytes.be32(chainID) + ConfidentialBytes.u32be(generation) + keyCheck
        b += Keccak256.hash(chainedPrevious).bytes + Keccak256.hash(e.bytes).bytes
        return Keccak256.hash(b)
    }
}

/// Fixed-width big-endian encodings of CONFIDENTIAL.md section 0.
public enum ConfidentialBytes {
    /// A 32-byte big-endian word.
    public static func be32(_ v: UInt64) -> [UInt8] { [UInt8](repeating: 0, count: 24) + u64be(v) }
    public static func u64be(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * (7 - $0))) } }
    public static func u32be(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * (3 - $0))) } }
}
