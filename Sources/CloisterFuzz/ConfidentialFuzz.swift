import Primitives
import ChainTypes
import P2P

/// What peers send about confidential execution: sections (CONFIDENTIAL.md section 6, as
/// `clo/1` carries them), the `clo/1` messages themselves, and `0x40` transactions.
///
/// Promises checked: any bytes decode or throw a typed error, never trap; a decoded
/// section, message or transaction re-encodes to exactly its input (one encoding each, so
/// one hash: a section's hash is the vanity every node compares).
enum ConfidentialFuzz {
    /// `mode ‖ bytes`: mode % 3 picks a section, a `clo/1` message (id from the mode's next
    /// bit) or a network transaction.
    static func run(_ input: [UInt8]) {
        let parsed = FuzzInput(input)
        switch parsed.mode % 3 {
        case 0:
            guard let section = try? ConfidentialSection(rlp: parsed.body) else { return }
            precondition(section.rlp == parsed.body, "conf-section: a decoded section re-encodes differently")
        case 1:
            let id = UInt64(parsed.mode / 3 % 2)
            guard let message = try? Clo.Message.decode(id: id, payload: parsed.body) else { return }
            precondition(message.payload == parsed.body, "conf-section: a decoded clo/1 message re-encodes differently")
        default:
            guard let tx = try? SignedTransaction(networkEncoding: parsed.body) else { return }
            precondition(tx.networkEncoding == parsed.body, "conf-section: a decoded transaction re-encodes differently")
            if case .confidential(let c) = tx.transaction {
                precondition(c.intrinsicGas >= 21_000, "conf-section: intrinsic gas below the base")
                _ = try? tx.recoverSender()
            }
        }
    }

    /// A section, both messages and a `0x40` transaction.
    static var seeds: [[UInt8]] {
        let section = ConfidentialSection(flags: 1, generation: 1, epoch: 0, parentEncStateRoot: .emptyTrieRoot,
                                          encStateRoot: Keccak256.hash([1]),
                                          diff: [ConfidentialEntry(key: [UInt8](repeating: 4, count: 52), value: [UInt8](repeating: 5, count: 40))],
                                          results: [ConfidentialResult(txHash: Keccak256.hash([2]), status: 1, gasUsed: 30_000, encryptedResult: [9, 9])],
                                          statements: [ExecStatementSignature(enclaveID: Keccak256.hash([3]), signature: [UInt8](repeating: 1, count: 65))])
        let get = Clo.Message.getSections(Clo.GetSections(requestID: 7, hashes: [Keccak256.hash([4])]))
        let got = Clo.Message.sections(Clo.Sections(requestID: 7, sections: [section.rlp, []]))
        let tx = Transaction.confidential(ConfidentialTransaction(chainID: 1, nonce: 0, maxPriorityFeePerGas: 1, maxFeePerGas: 2, gasLimit: 50_000,
                                                                  epoch: 0, generation: 1, enc: [UInt8](repeating: 9, count: 32),
                                                                  ciphertext: [UInt8](repeating: 1, count: 272)))
            .signed(with: FuzzKeys.key(0x11))
        return [[0] + section.rlp, [1] + get.payload, [4] + got.payload, [2] + tx.networkEncoding]
    }
}
