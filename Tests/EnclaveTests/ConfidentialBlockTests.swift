import Testing
import Foundation
import Crypto
import Primitives
import ChainTypes
import Storage
import State
import Execution
import Consensus
import Chain
import EnclaveProtocol
@testable import Enclave
import Trie
import TestSupport

/// The builder's lane to an in-process enclave (the test plays the host): links the chain
/// into the enclave, then asks it to execute, answering trie-node requests from the chain.
struct InProcessLane: ConfidentialExecutionLane {
    let chain: Blockchain
    let enclave: EnclaveService

    func isReady(generation: UInt32) -> Bool { enclave.custody?.generations.contains(generation) ?? false }

    func execute(_ request: ConfidentialExecutionRequest) throws -> ConfidentialSection {
        let headers = (1...max(chain.head.header.number, 1)).compactMap { chain.canonicalHeader($0)?.header }
        guard case .linked = enclave.handle(.linkHeaders(headers)) else { throw KeyCustodyError("link refused") }
        let ancestor = chain.nearestSection(atOrBelow: request.parent.hash)
        let execution = ExecuteBlockRequest(context: request.context, parentHash: request.parent.hash, generation: request.generation,
                                            parentEncStateRoot: request.parentEncStateRoot, ancestorSection: ancestor?.section.rlp ?? [],
                                            transactions: request.transactions.map(\.networkEncoding))
        let source = chain
        let reply = enclave.handle(.executeBlock(execution), nodes: { source.encryptedTrieNode($0) })
        guard case .section(let bytes) = reply else { throw KeyCustodyError("execution refused: \(reply)") }
        return try ConfidentialSection(rlp: bytes)
    }
}

/// Blocks with confidential sections on a two-authority chain with in-process enclaves
/// (CONFIDENTIAL.md sections 6 and 8): built through the lane, imported by another node,
/// and refused there when a section is forged in any field the keyless checks cover —
/// even when its (malicious) authority re-seals the header over the forged section.
@Suite struct ConfidentialBlockTests {
    /// A consortium past bootstrap, a deploy and a call sealed in blocks with sections.
    final class Scenario {
        let c: KeyCustodyTests.Consortium
        let client: TestConfidentialClient
        let contract: Address
        let responseKey = [UInt8](repeating: 0x2b, count: 32)

        init() throws {
            c = try KeyCustodyTests.Consortium()
            try KeyCustodyTests.onboard(c)
            client = TestConfidentialClient(key: KeyCustodyTests.client, chainID: c.genesis.config.chainID)
            let nonce = try c.chain.state.latest().account(client.key.address)?.nonce ?? 0
            contract = StateHost.createAddress(sender: client.key.address, nonce: nonce)
            try submit(to: nil, data: ConfidentialExecutionTests.initCode)
            try c.seal(lane: true)
            try submit(to: contract, data: [UInt8](repeating: 0, count: 31) + [9])
            try c.seal(lane: true)
        }

        func txKey() throws -> Curve25519.KeyAgreement.PublicKey {
            guard case .txKeyStatement(let key, _) = c.enclaves[0].handle(.txKey(epoch: 0, generation: 1)) else { throw KeyCustodyError("no key") }
            return try Curve25519.KeyAgreement.PublicKey(rawRepresentation: key)
        }

        func submit(to: Address?, data: [UInt8]) throws {
            let nonce = c.pool.nextNonce(client.key.address)
            var tx = try client.transaction(to: to, data: data, responseKey: responseKey, nonce: nonce, epoch: 0, generation: 1,
                                            txKey: try txKey())
            if case .confidential(var inner) = tx.transaction {
                inner.maxFeePerGas = 10_000_000_000
                inner.maxPriorityFeePerGas = 1_000_000_000
                // Re-seal under the new fee fields (the ciphertext does not depend on them).
                tx = Transaction.confidential(inner).signed(with: client.key)
            }
            try c.pool.add(tx)
        }

        /// A second node's chain from the same genesis.
        func freshChain() throws -> Blockchain {
            let store = InMemoryStore()
            let json = ConfidentialGenesis.json(signers: c.authorities.map(\.address), policy: c.fixture.rules,
                                                funded: [KeyCustodyTests.client.address])
            _ = try GenesisInitializer.initialize(store: store, genesis: c.genesis, file: Array(json))
            return try Blockchain(store: store, config: c.genesis.config, engine: Clique(config: c.genesis.config.clique ?? CliqueConfig(period: 1, epoch: 30_000)),
                                  clock: { UInt64.max / 2 })
        }

        /// Imports blocks 1…`through` of the consortium's chain into `other`, with their sections.
        func copy(into other: Blockchain, through: UInt64) throws {
            for n in 1...through {
                guard let h = c.chain.canonicalHeader(n), let block = c.chain.block(hash: h.hash) else { throw KeyCustodyError("no block \(n)") }
                try other.insert(block, section: c.chain.section(of: h.hash))
            }
        }
    }

    @Test func sectionsAreBuiltCheckedAndReplayedByAnotherNode() throws {
        let s = try Scenario()
        let head = s.c.chain.head
        let section = try #require(s.c.chain.section(of: head.hash))
        #expect(Array(head.header.extraData.prefix(32)) == section.hash.bytes)
        #expect(section.results.count == 1 && section.results[0].status == 1)
        let deploy = try #require(s.c.chain.section(of: head.header.parentHash))
        #expect(section.parentEncStateRoot == deploy.encStateRoot)
        // The call returned the marker, sealed to the client.
        let opened = try ConfidentialExecutionTests.openResult(section.results[0], responseKey: s.responseKey)
        #expect(opened.status == 1 && opened.output == ConfidentialExecutionTests.marker && opened.logs == 1)
        // Receipts: type 0x40, no public logs.
        let receipts = try #require(s.c.chain.receipts(hash: head.hash))
        #expect(receipts.map(\.type) == [.confidential] && receipts[0].logs.isEmpty)
        #expect(s.c.chain.isConfidentialContract(s.contract))
        // Another node replays everything to the same roots without any key.
        let other = try s.freshChain()
        try s.copy(into: other, through: head.header.number)
        #expect(other.head.hash == head.hash)
        #expect(other.encStateRoot(after: head.hash) == s.c.chain.encStateRoot(after: head.hash))
        #expect(other.encStateRoot(after: head.hash) == section.encStateRoot)
        #expect(other.isConfidentialContract(s.contract))
        // Without its section the block cannot be imported.
        let fresh = try s.freshChain()
        try s.copy(into: fresh, through: head.header.number - 1)
        let block = try #require(s.c.chain.block(hash: head.hash))
        var refused: BlockImportError?
        do { try fresh.insert(block) } catch { refused = error }
        guard case .invalidSection? = refused else { Issue.record("imported without its section: \(String(describing: refused))"); return }
    }

    @Test func aForgedSectionIsRefusedEvenWhenItsAuthorityResealsTheHeader() throws {
        let s = try Scenario()
        let head = s.c.chain.head
        let block = try #require(s.c.chain.block(hash: head.hash))
        let section = try #require(s.c.chain.section(of: head.hash))
        let signerIndex = try s.c.authorities.firstIndex { $0.address == (try Clique(config: s.c.genesis.config.clique!).author(of: head.header)) }
        let key = s.c.authorities[try #require(signerIndex)]
        let clique = Clique(config: s.c.genesis.config.clique ?? CliqueConfig(period: 1, epoch: 30_000))

        /// The block re-sealed by its own authority over `forged`, and its import's error.
        func importForged(_ forged: ConfidentialSection, vanity: [UInt8]? = nil) throws -> BlockImportError? {
            let other = try s.freshChain()
            try s.copy(into: other, through: head.header.number - 1)
            var header = block.header
            header.extraData.replaceSubrange(0..<32, with: vanity ?? forged.hash.bytes)
            header = try clique.seal(header, with: key)
            do {
                try other.insert(Block(header: header, transactions: block.transactions), section: forged)
                return nil
            } catch { return error }
        }

        var diff = section
        diff.diff[0].value[diff.diff[0].value.count - 1] ^= 1
        var result = section
        result.results[0].gasUsed += 1
        var statement = section
        statement.statements[0].signature[5] ^= 1
        var root = section
        root.encStateRoot = Keccak256.hash([7])
        var flags = section
        flags.flags = 0
        var generation = section
        generation.generation = 2
        var unsigned = section
        unsigned.statements = []
        for (name, forged) in [("diff entry", diff), ("result", result), ("statement", statement), ("root", root), ("flags", flags),
                               ("generation", generation), ("no statement", unsigned)] {
            let error = try importForged(forged)
            guard case .invalidSection? = error else { Issue.record("a forged \(name) was not refused as a bad section: \(String(describing: error))"); continue }
        }
        // A section that is not the one the vanity names.
        guard case .invalidSection? = try importForged(section, vanity: Keccak256.hash([1]).bytes) else {
            Issue.record("a section not matching the vanity was accepted"); return
        }
        // The honest section under the re-sealed header still imports.
        #expect(try importForged(section) == nil)
    }

    /// The re-execution request another authority's host makes for `header` (section 8, step 3).
    static func reexecution(of header: SealedHeader, section: ConfidentialSection, chain: Blockchain, author: Address) throws -> ExecuteBlockRequest {
        let block = try #require(chain.block(hash: header.hash))
        let h = header.header
        return ExecuteBlockRequest(context: ExecContext(author: author, number: h.number, gasLimit: h.gasLimit, timestamp: h.timestamp,
                                                        difficulty: h.difficulty, mixDigest: h.mixHash, baseFeePerGas: h.baseFeePerGas ?? .zero),
                                   parentHash: h.parentHash, generation: section.generation, parentEncStateRoot: section.parentEncStateRoot,
                                   ancestorSection: chain.nearestSection(atOrBelow: h.parentHash)?.section.rlp ?? [],
                                   transactions: block.transactions.filter { $0.type == .confidential }.map(\.networkEncoding),
                                   reexecution: true)
    }

    @Test func anotherEnclaveReexecutesToTheSameSectionAndCatchesASignedButWrongOne() throws {
        let s = try Scenario()
        let head = s.c.chain.head
        let section = try #require(s.c.chain.section(of: head.hash))
        let clique = Clique(config: s.c.genesis.config.clique ?? CliqueConfig(period: 1, epoch: 30_000))
        let author = try clique.author(of: head.header)
        let sealer = try #require(s.c.authorities.firstIndex { $0.address == author })
        let other = s.c.enclaves[1 - sealer]
        try s.c.link(1 - sealer)
        let request = try Self.reexecution(of: head, section: section, chain: s.c.chain, author: author)
        let source = s.c.chain
        guard case .section(let bytes) = other.handle(.executeBlock(request), nodes: { source.encryptedTrieNode($0) }) else {
            Issue.record("the other enclave refused to re-execute"); return
        }
        let ours = try ConfidentialSection(rlp: bytes)
        #expect(ours.statements.isEmpty)
        #expect(ours == section.withoutStatements)

        // A broken enclave: a wrong diff value, a root that follows it and a valid statement by
        // the sealing enclave. Every keyless check passes; only re-execution can tell.
        var wrong = section
        wrong.diff[0].value[wrong.diff[0].value.count - 1] ^= 1
        let trie = SecureTrie(rootHash: wrong.parentEncStateRoot, source: ChainNodes(chain: s.c.chain))
        for e in wrong.diff { if e.value.isEmpty { try trie.delete(e.key) } else { try trie.update(e.key, e.value) } }
        wrong.encStateRoot = trie.rootHash()
        let digest = wrong.statementDigest(chainID: s.c.genesis.config.chainID, context: request.context, parentHash: head.header.parentHash,
                                           transactionHashes: try #require(s.c.chain.block(hash: head.hash)).transactions.map(\.hash))
        let sealingEnclave = s.c.enclaves[sealer]
        wrong.statements = [ExecStatementSignature(enclaveID: sealingEnclave.keys.enclaveID, signature: sealingEnclave.keys.sign(digest))]
        let fresh = try s.freshChain()
        try s.copy(into: fresh, through: head.header.number - 1)
        var header = head.header
        header.extraData.replaceSubrange(0..<32, with: wrong.hash.bytes)
        header = try clique.seal(header, with: s.c.authorities[sealer])
        let block = try #require(s.c.chain.block(hash: head.hash))
        try fresh.insert(Block(header: header, transactions: block.transactions), section: wrong)  // the keyless checks pass
        let reexecuted = try Self.reexecution(of: SealedHeader(header), section: wrong, chain: fresh, author: author)
        let freshSource = fresh
        let headers = (1...header.number).compactMap { fresh.canonicalHeader($0)?.header }
        guard case .linked = other.handle(.linkHeaders(headers)) else { Issue.record("link refused"); return }
        guard case .section(let again) = other.handle(.executeBlock(reexecuted), nodes: { freshSource.encryptedTrieNode($0) }) else {
            Issue.record("the other enclave refused to re-execute the forged block"); return
        }
        #expect(try ConfidentialSection(rlp: again) != wrong.withoutStatements)
        #expect(try ConfidentialSection(rlp: again) == section.withoutStatements)
    }
}

/// The encrypted trie's nodes of a chain, as a trie node source.
struct ChainNodes: TrieNodeSource {
    let chain: Blockchain
    func trieNode(_ hash: Hash32) throws(TrieError) -> [UInt8]? { chain.encryptedTrieNode(hash) }
}
