public import Primitives
public import ChainTypes
public import State
import ConfidentialState

/// What the registry says at a block's parent that the keyless checks of a confidential
/// section need (CONFIDENTIAL.md section 8, step 4): the current generation and when each
/// started, and the signing keys of the `trusted` enclaves.
public struct ConfidentialFacts: Sendable {
    /// The current generation (0 before bootstrap).
    public var currentGeneration: UInt32
    /// Generation → its start block.
    public var generationStarts: [UInt32: UInt64]
    /// The `trusted` enclaves' compressed signing keys by enclave id.
    public var trustedSigningKeys: [Hash32: [UInt8]]

    public init(currentGeneration: UInt32, generationStarts: [UInt32: UInt64], trustedSigningKeys: [Hash32: [UInt8]]) {
        self.currentGeneration = currentGeneration; self.generationStarts = generationStarts
        self.trustedSigningKeys = trustedSigningKeys
    }

    /// Reads the facts from a parent's state.
    static func read<S: RegistrySlots>(_ registry: Registry<S>) throws -> ConfidentialFacts {
        let generations = try registry.generations()
        var trusted: [Hash32: [UInt8]] = [:]
        for e in try registry.enclaves() where e.standing == .trusted { trusted[e.enclaveID] = e.signingKey }
        return ConfidentialFacts(currentGeneration: generations.last?.generation ?? 0,
                                 generationStarts: Dictionary(generations.map { ($0.generation, $0.startBlock) }, uniquingKeysWith: { a, _ in a }),
                                 trustedSigningKeys: trusted)
    }

    /// Reads the facts from a committed state (the pool and RPC, against the head).
    public static func read(from reader: any StateReader) throws -> ConfidentialFacts {
        try read(Registry(slots: RegistryReaderSlots(reader: reader)))
    }

    /// Section 5.2's validity of a `0x40` transaction's epoch, generation and suite in block
    /// `number`; nil when valid, else the reason.
    public func refusal(of tx: ConfidentialTransaction, number: UInt64, epochLength: UInt64) -> String? {
        guard tx.suite == ConfidentialTransaction.suiteHPKEX25519AES256GCM else { return "suite \(tx.suite) is not defined (v1 has suite 1)" }
        let epoch = number / max(epochLength, 1)
        guard tx.epoch == epoch || (epoch > 0 && tx.epoch == epoch - 1) else {
            return "epoch \(tx.epoch) is neither the block's epoch \(epoch) nor the one before"
        }
        let g = currentGeneration
        guard g >= 1 else { return "the chain has no consortium key yet (no generation)" }
        if tx.generation == g { return nil }
        if g > 1, tx.generation == g - 1, let start = generationStarts[g], number >= start, number - start < epochLength { return nil }
        return "generation \(tx.generation) is not the current generation \(g)" + (g > 1 ? " (nor \(g - 1) within \(epochLength) blocks of the rekey)" : "")
    }
}
