import Testing
import Foundation
import Primitives
import ChainTypes
import Trie
import TestSupport

/// The client-facing formats of CONFIDENTIAL.md sections 5.2, 5.4 and 6 against the
/// known-answer vectors of ../shared/vectors/confidential (made by an independent
/// implementation), and the strictness of their decoders.
private let vectorFile = "confidential/cloister-conf-v1.json"

@Suite(.enabled(if: Vectors.has(vectorFile), Comment(rawValue: Vectors.skipReason(vectorFile))))
struct ConfidentialFormatVectorTests {
    struct V {
        let root: [String: Any]
        init() throws { root = try #require(try Vectors.json(vectorFile) as? [String: Any]) }
        func object(_ name: String) throws -> [String: Any] { try #require(root[name] as? [String: Any]) }
        func hex(_ section: String, _ key: String) throws -> [UInt8] { try Hex.decode(try #require(try object(section)[key] as? String)) }
        func hash(_ section: String, _ key: String) throws -> Hash32 { try #require(Hash32(try hex(section, key))) }
        func number(_ section: String, _ key: String) throws -> UInt64 {
            try #require((try object(section)[key] as? NSNumber)?.uint64Value)
        }
    }

    @Test func theTransactionDecodesReencodesAndHashesAsTheVectorSays() throws {
        let v = try V()
        let raw = try v.hex("transaction", "raw")
        let signed = try SignedTransaction(networkEncoding: raw)
        guard case .confidential(let tx) = signed.transaction else { Issue.record("not a 0x40 transaction"); return }
        #expect(signed.type == .confidential)
        #expect(tx.chainID == (try v.number("inputs", "chainId")))
        #expect(tx.nonce == (try v.number("transaction", "nonce")))
        #expect(tx.maxPriorityFeePerGas == UInt256(try v.number("transaction", "maxPriorityFeePerGas")))
        #expect(tx.maxFeePerGas == UInt256(try v.number("transaction", "maxFeePerGas")))
        #expect(tx.gasLimit == (try v.number("transaction", "gasLimit")))
        #expect(tx.suite == 1)
        #expect(tx.enc == (try v.hex("transaction", "enc")))
        #expect(tx.ciphertext == (try v.hex("transaction", "ciphertext")))
        #expect(signed.networkEncoding == raw)
        #expect(tx.signingHash == (try v.hash("transaction", "sigHash")))
        #expect(signed.hash == (try v.hash("transaction", "txHash")))
        #expect(tx.intrinsicGas == (try v.number("transaction", "intrinsicGas")))
        #expect(signed.transaction.intrinsicGas(for: .cancun) == tx.intrinsicGas)
        #expect(try signed.recoverSender() == Address(try v.hex("inputs", "sender")))
        #expect(signed.transaction.to == nil && !signed.transaction.isCreation)
        #expect(signed.transaction.value == .zero && signed.transaction.data.isEmpty)
        // The block-body form wraps the network encoding in an RLP string.
        #expect(try SignedTransaction(rlp: signed.rlpEncoded) == signed)
        // Re-signing with the vector's key gives the same bytes (RFC 6979, low s).
        let key = try Secp256k1.PrivateKey(rawRepresentation: try v.hex("inputs", "senderPrivateKey"))
        #expect(signed.transaction.signed(with: key).networkEncoding == raw)
    }

    @Test func theViewDigestDiffersFromTheTransactionDigest() throws {
        let v = try V()
        let signed = try SignedTransaction(networkEncoding: try v.hex("transaction", "raw"))
        guard case .confidential(let tx) = signed.transaction else { Issue.record("not a 0x40 transaction"); return }
        #expect(tx.viewSigningHash == (try v.hash("viewEnvelope", "signingDigest")))
        #expect(tx.viewSigningHash != tx.signingHash)
        // A view's signature recovers to someone else as a transaction: never the sender.
        let key = try Secp256k1.PrivateKey(rawRepresentation: try v.hex("inputs", "senderPrivateKey"))
        let viewSigned = try SignedTransaction(transaction: .confidential(tx), signature: key.sign(hash: tx.viewSigningHash))
        #expect((try? viewSigned.recoverSender()) != key.address)
    }

    @Test func theSectionMatchesTheVector() throws {
        let v = try V()
        let bytes = try v.hex("section", "sectionRlp")
        let section = try ConfidentialSection(rlp: bytes)
        #expect(section.rlp == bytes)
        #expect(section.hash.bytes == (try v.hex("section", "vanity")))
        #expect(section.version == 1 && section.flags == 1 && section.generation == 1 && section.epoch == 0)
        #expect(section.parentEncStateRoot == (try v.hash("section", "parentEncStateRoot")))
        #expect(section.encStateRoot == (try v.hash("section", "encStateRoot")))
        let diff = try #require(try v.object("section")["diff"] as? [[String]])
        #expect(section.diff.map { [Hex.encode($0.key), Hex.encode($0.value)] } == diff.map { $0.map { $0.lowercased() } })
        #expect(section.diff[0].isRecord && !section.diff[1].isRecord)
        #expect(section.diff[0].key == ConfidentialEntry.recordKey(try #require(section.diff[0].address)))

        let ctx = try #require(try v.object("section")["context"] as? [String: Any])
        func n(_ k: String) throws -> UInt64 { try #require((ctx[k] as? NSNumber)?.uint64Value) }
        let authorHex = try #require(ctx["author"] as? String)
        let mixHex = try #require(ctx["mixDigest"] as? String)
        let author = try #require(Address(try Hex.decode(authorHex)))
        let mix = try #require(Hash32(try Hex.decode(mixHex)))
        let context = ExecContext(author: author, number: try n("number"), gasLimit: try n("gasLimit"),
                                  timestamp: try n("timestamp"), difficulty: UInt256(try n("difficulty")),
                                  mixDigest: mix, baseFeePerGas: UInt256(try n("baseFeePerGas")))
        #expect(context.hash == (try v.hash("section", "contextHash")))
        let parentHash = try v.hash("section", "parentHash")
        let txHashes = section.results.map(\.txHash)
        #expect(txHashes == [try v.hash("transaction", "txHash")])
        #expect(context.entryNonce(parentHash: parentHash, transactionHashes: txHashes, entryKey: try v.hex("section", "entryKey"))
                == (try v.hex("section", "entryNonce")))
        let digest = section.statementDigest(chainID: try v.number("inputs", "chainId"), context: context,
                                             parentHash: parentHash, transactionHashes: txHashes)
        #expect(digest == (try v.hash("section", "statementDigest")))
        #expect(section.statements.map(\.signature) == [try v.hex("section", "statementSignature")])
        let signer = try Secp256k1.recover(hash: digest, signature: try Secp256k1.RecoverableSignature(compact: section.statements[0].signature))
        #expect(Keccak256.hash(signer.compressed) == section.statements[0].enclaveID)
        #expect(section.statements[0].enclaveID == (try v.hash("inputs", "enclaveId")))
        #expect(section.results[0].encryptedResult == (try v.hex("result", "encryptedResult")))

        // Any node rebuilds encStateRoot by applying the diff to the parent's trie.
        let trie = SecureTrie()
        #expect(trie.rootHash() == section.parentEncStateRoot)
        for entry in section.diff { try trie.update(entry.key, entry.value) }
        #expect(trie.rootHash() == section.encStateRoot)
    }
}

/// Decoder strictness, with no vectors needed.
struct ConfidentialFormatStrictnessTests {
    static let key = try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))

    static func sample(generation: UInt32 = 1) -> ConfidentialTransaction {
        ConfidentialTransaction(chainID: 5, nonce: 3, maxPriorityFeePerGas: 1, maxFeePerGas: 10, gasLimit: 100_000,
                                epoch: 2, generation: generation, enc: [UInt8](repeating: 9, count: 32),
                                ciphertext: [UInt8](repeating: 1, count: 272))
    }

    @Test func roundTripsAndRefusesAHighSTwin() throws {
        let signed = Transaction.confidential(Self.sample()).signed(with: Self.key)
        let decoded = try SignedTransaction(networkEncoding: signed.networkEncoding)
        #expect(decoded == signed)
        try signed.validate(for: .cancun, chainID: 5)
        #expect(try signed.recoverSender() == Self.key.address)
        var twin = signed.signature
        twin.s = Secp256k1.order &- twin.s
        twin.recoveryID ^= 1
        let high = try SignedTransaction(transaction: signed.transaction, signature: twin)
        #expect(high.hash != signed.hash)
        #expect(throws: TransactionError.signature(.highS)) { try high.validate(for: .cancun, chainID: 5) }
        #expect(throws: TransactionError.self) { try signed.validate(for: .cancun, chainID: 6) }
    }

    @Test func refusesMalformedEncodings() throws {
        let good = Transaction.confidential(Self.sample()).signed(with: Self.key).networkEncoding
        // Generation wider than 32 bits.
        var e = RLPEncoder()
        e.appendList { e in
            for v: UInt64 in [5, 3, 1, 10, 100_000, 2, 1 << 32, 1] { e.append(v) }
            e.appendBytes([UInt8](repeating: 9, count: 32)); e.appendBytes([1]); e.append(UInt64(0)); e.append(UInt64(1)); e.append(UInt64(1))
        }
        #expect(throws: TransactionError.self) { try SignedTransaction(networkEncoding: [0x40] + e.bytes) }
        // Trailing byte, truncation, a missing field.
        #expect(throws: TransactionError.self) { try SignedTransaction(networkEncoding: good + [0]) }
        #expect(throws: TransactionError.self) { try SignedTransaction(networkEncoding: Array(good.dropLast())) }
        var short = RLPEncoder()
        short.appendList { e in for v: UInt64 in [5, 3, 1, 10, 100_000, 2, 1, 1] { e.append(v) } }
        #expect(throws: TransactionError.wrongFieldCount(got: 8, expected: 13)) { try SignedTransaction(networkEncoding: [0x40] + short.bytes) }
    }

    @Test func intrinsicGasCountsTheEnvelope() {
        let tx = Self.sample()
        #expect(tx.intrinsicGas == 21_000 + 16 * (32 + 272))
        var low = tx
        low.gasLimit = tx.intrinsicGas - 1
        #expect(throws: TransactionError.intrinsicGasTooLow(gasLimit: low.gasLimit, intrinsicGas: tx.intrinsicGas)) {
            try Transaction.confidential(low).signed(with: Self.key).validate(for: .cancun, chainID: 5)
        }
    }

    @Test func aSectionRoundTripsAndRefusesBadFields() throws {
        let section = ConfidentialSection(flags: 1, generation: 2, epoch: 7, parentEncStateRoot: .emptyTrieRoot,
                                          encStateRoot: Keccak256.hash([1]),
                                          diff: [ConfidentialEntry(key: [UInt8](repeating: 4, count: 52), value: [9, 9])],
                                          results: [ConfidentialResult(txHash: Keccak256.hash([2]), status: 0, gasUsed: 21_000, encryptedResult: [])],
                                          statements: [ExecStatementSignature(enclaveID: Keccak256.hash([3]), signature: [UInt8](repeating: 1, count: 65))])
        #expect(try ConfidentialSection(rlp: section.rlp) == section)
        #expect(throws: ConfidentialSectionError.self) { try ConfidentialSection(rlp: section.rlp + [0]) }
        var badKey = section
        badKey.diff[0].key = [UInt8](repeating: 4, count: 51)
        #expect(throws: ConfidentialSectionError.self) { try ConfidentialSection(rlp: badKey.rlp) }
        var badStatus = section
        badStatus.results[0].status = 2
        #expect(throws: ConfidentialSectionError.self) { try ConfidentialSection(rlp: badStatus.rlp) }
        var badSignature = section
        badSignature.statements[0].signature = [1]
        #expect(throws: ConfidentialSectionError.self) { try ConfidentialSection(rlp: badSignature.rlp) }
        #expect(section.withoutStatements.statements.isEmpty && section.withoutStatements.hash != section.hash)
    }
}
