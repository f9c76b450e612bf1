public import Primitives
public import ChainTypes

/// Where the confidential registry lives in public state (CONFIDENTIAL.md section 7): the
/// storage of the reserved system address `0x…c1057`, so `stateRoot` and `eth_getProof`
/// cover every fact.
///
/// Each record is a **blob** (its canonical RLP) stored from a base slot: the base slot holds
/// the byte length, the slots after it the bytes in 32-byte words (the last one zero-padded).
/// Base slots are `keccak(tag ‖ key)`, tags being ASCII words, so records never overlap:
///
/// | tag | key | record |
/// |---|---|---|
/// | `"cloister-registry-enclaves"` | — | the enclave ids, in join order (`rlp([id…])`) |
/// | `"cloister-registry-enclave"` | enclaveId | ``EnclaveRecord`` |
/// | `"cloister-registry-generations"` | — | the generations (`rlp([GenerationRecord…])`) |
/// | `"cloister-registry-policy"` | — | the policy in force (``PolicyRecord``) |
/// | `"cloister-registry-tally"` | — | the open policy-vote tallies |
/// | `"cloister-registry-joinfailure"` | txHash | the failing check of a `0x41` included with status 0 |
public enum RegistryLayout {
    /// The reserved system address.
    public static let address = SystemTransaction.registryAddress

    /// The base slot of a record.
    public static func baseSlot(tag: String, key: [UInt8] = []) -> UInt256 {
        Keccak256.hash(Array(tag.utf8) + key).uint256
    }

    /// The slots and words that store `blob` from `base`: the length, then the words.
    public static func words(of blob: [UInt8], at base: UInt256) -> [(slot: UInt256, value: UInt256)] {
        var out: [(UInt256, UInt256)] = [(base, UInt256(UInt64(blob.count)))]
        var offset = 0
        var index: UInt64 = 1
        while offset < blob.count {
            var word = [UInt8](repeating: 0, count: 32)
            let end = min(offset + 32, blob.count)
            for i in offset..<end { word[i - offset] = blob[i] }
            out.append((base &+ UInt256(index), UInt256(bigEndianBytes: word) ?? .zero))
            offset = end
            index += 1
        }
        return out
    }

    /// Reads a blob from `base` through `read`; nil when the length is zero (no record).
    /// Refuses a stored length above `limit` (a corrupt state, never a valid one).
    public static func blob(at base: UInt256, limit: Int = 1 << 20, read: (UInt256) throws -> UInt256) throws -> [UInt8]? {
        let lengthWord = try read(base)
        guard let length64 = lengthWord.uint64, length64 > 0 else {
            if lengthWord.isZero { return nil }
            throw RegistryError.corrupt("a record length does not fit 64 bits")
        }
        guard length64 <= UInt64(limit) else { throw RegistryError.corrupt("a record of \(length64) bytes, more than \(limit)") }
        let length = Int(length64)
        var out: [UInt8] = []
        out.reserveCapacity(length)
        var index: UInt64 = 1
        while out.count < length {
            let word = try read(base &+ UInt256(index)).bigEndianBytes
            out.append(contentsOf: word.prefix(length - out.count))
            index += 1
        }
        return out
    }
}

/// Why the registry could not be read or changed.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// State that no valid chain writes (a bad length, an undecodable record).
    case corrupt(String)
    /// A write through read-only slots (a committed state).
    case readOnly

    public var description: String {
        switch self {
        case .corrupt(let reason): "confidential registry state is corrupt: \(reason)"
        case .readOnly: "the registry of a committed state is read-only"
        }
    }
}
