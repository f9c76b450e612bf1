public import Primitives
import Crypto
import CryptoExtras
import ChainTypes

/// The encrypted domain's entries (CONFIDENTIAL.md section 6): keys that hide slot
/// numbers, and values sealed with AES-256-GCM-SIV under the contract's value key.
///
/// - Storage key: `address ‖ HMAC-SHA256(ik_c, be32(slot))`; record key: `address ‖ 32 zero bytes`.
/// - Entry value: `u32be(g) ‖ nonce (12) ‖ GCM-SIV(sk_c,g, nonce, plaintext, aad = entryKey ‖ u32be(g))`.
/// - Record value: `u32be(g0) ‖` an entry value over `rlp([contractNonce, code])`, `g0`
///   being the generation that created the contract (it fixes `ik_c`).
///
/// The nonce is deterministic (``ExecContext/entryNonce(parentHash:transactionHashes:entryKey:)``),
/// so every enclave writes the same bytes; GCM-SIV keeps nonce reuse from costing more than
/// equality of values.
enum EntryEncryption {
    /// The storage entry key of `slot` in `contract`.
    static func storageKey(contract: Address, slot: UInt256, indexKey: SymmetricKey) -> [UInt8] {
        contract.bytes + Array(HMAC<SHA256>.authenticationCode(for: slot.bigEndianBytes, using: indexKey))
    }

    /// Seals `plaintext` as an entry value of generation `generation`.
    static func seal(_ plaintext: [UInt8], entryKey: [UInt8], generation: UInt32, valueKey: SymmetricKey,
                     nonce: [UInt8]) throws(ConfidentialExecutionError) -> [UInt8] {
        let g = ConfidentialBytes.u32be(generation)
        do {
            let box = try AES.GCM._SIV.seal(plaintext, using: valueKey, nonce: try AES.GCM._SIV.Nonce(data: nonce),
                                            authenticating: entryKey + g)
            return g + nonce + Array(box.ciphertext) + Array(box.tag)
        } catch { throw .internal("entry encryption failed: \(error)") }
    }

    /// The generation an entry value names (its first four bytes).
    static func generation(of value: [UInt8]) throws(ConfidentialExecutionError) -> UInt32 {
        guard value.count >= 4 + 12 + 16 else { throw .corruptState("an entry value of \(value.count) bytes") }
        return value[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// Opens an entry value with the value key of the generation it names.
    static func open(_ value: [UInt8], entryKey: [UInt8], valueKey: SymmetricKey) throws(ConfidentialExecutionError) -> [UInt8] {
        guard value.count >= 4 + 12 + 16 else { throw .corruptState("an entry value of \(value.count) bytes") }
        do {
            let box = try AES.GCM._SIV.SealedBox(combined: value[4...])
            return Array(try AES.GCM._SIV.open(box, using: valueKey, authenticating: entryKey + value[0..<4]))
        } catch { throw .corruptState("an entry does not open under its contract's key") }
    }
}

/// Why the enclave could not execute a block's confidential transactions. A transaction
/// that fails (does not decrypt, reverts, runs out of gas) is not an error: it gets status 0.
public enum ConfidentialExecutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The enclave lacks the secret of a generation it needs.
    case missingGeneration(UInt32)
    /// The encrypted state is not what the parent's root commits to, or an entry is malformed.
    case corruptState(String)
    /// The host's input is inconsistent (wrong parent, a node that does not hash to its reference).
    case badInput(String)
    case `internal`(String)

    public var description: String {
        switch self {
        case .missingGeneration(let g): "the enclave does not hold generation \(g)"
        case .corruptState(let why): "confidential state: \(why)"
        case .badInput(let why): "confidential execution input: \(why)"
        case .internal(let why): "confidential execution: \(why)"
        }
    }
}
