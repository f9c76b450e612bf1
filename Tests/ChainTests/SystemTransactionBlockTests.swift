import Testing
import Trie
import Foundation
import Primitives
import ChainTypes
import State
import Storage
import Chain
import Attestation
import ConfidentialState
import TestSupport

/// System transactions (CONFIDENTIAL.md section 7) inside blocks: through the pool and the
/// builder, in receipts and the state root, on import, and refused where section 7 says.
@Suite struct SystemTransactionBlockTests {
    /// A one-signer ("A") confidential chain with a simulated platform that quotes for it.
    struct ConfidentialChain {
        let fixture: ChainFixture
        let joins: SimulatedJoins

        init(signers: [String] = ["A"], epoch: UInt64 = 30_000) throws {
            joins = try SimulatedJoins()
            var genesis = ChainFixture.genesis(signers: signers, funded: ["X"], epoch: epoch)
            genesis.config.confidential = joins.policy
            fixture = try ChainFixture(genesis: genesis)
        }

        var chain: Blockchain { fixture.chain }
        var genesisHash: Hash32 { fixture.chain.genesis?.hash ?? .zero }

        /// A join for a fresh enclave key by `authority`, its quote bound to `chainID`.
        func join(by authority: String, nonce: UInt64, chainID: UInt64 = ChainFixture.chainID, freshness: Hash32? = nil) -> SignedTransaction {
            joins.join(by: TestKeys.key(authority), nonce: nonce, chainID: ChainFixture.chainID, genesisHash: genesisHash,
                       freshness: freshness ?? chain.head.hash, boundChainID: chainID)
        }

        func vote(by authority: String, nonce: UInt64, _ vote: PolicyVote) -> SignedTransaction {
            SystemTransaction(chainID: ChainFixture.chainID, nonce: nonce, payload: .vote(vote)).signed(with: TestKeys.key(authority)).signedTransaction
        }

        func registry() throws -> Registry<RegistryReaderSlots> { Registry(slots: RegistryReaderSlots(reader: try chain.state.latest())) }
    }

    @Test func joinIsSealedReceiptedAndImportedElsewhere() throws {
        let c = try ConfidentialChain()
        let join = c.join(by: "A", nonce: 0)
        try c.fixture.pool.add(join)
        let block = try c.fixture.seal()
        #expect(block.transactions.map(\.hash) == [join.hash])
        let receipts = try #require(c.chain.receipts(hash: block.header.hash))
        #expect(receipts.count == 1)
        #expect(receipts[0].type == .enclaveJoin)
        #expect(receipts[0].outcome == .status(succeeded: true))
        #expect(receipts[0].cumulativeGasUsed == 0 && receipts[0].logs.isEmpty)
        #expect(block.header.gasUsed == 0)

        let enclaves = try c.registry().enclaves()
        #expect(enclaves.count == 1)
        #expect(enclaves.first?.authority == TestKeys.address("A"))
        #expect(enclaves.first?.standing == .pending)
        #expect(enclaves.first?.joinedAt == 1)
        let state = try c.chain.state.latest()
        #expect(try state.account(TestKeys.address("A"))?.nonce == 1)
        #expect(try state.account(RegistryLayout.address)?.nonce == 1)

        // Another node with the same genesis imports the block to the same state root.
        let other = try ChainFixture(genesis: c.fixture.genesis)
        let result = try other.chain.insert(block)
        #expect(result.kind == .extended)
        #expect(other.chain.head.header.stateRoot == block.header.stateRoot)
    }

    @Test func aJoinBoundToAnotherChainIsIncludedFailedWithCheckNine() throws {
        let c = try ConfidentialChain()
        let join = c.join(by: "A", nonce: 0, chainID: 999)
        try c.fixture.pool.add(join)
        let block = try c.fixture.seal()
        #expect(block.transactions.count == 1)
        let receipts = try #require(c.chain.receipts(hash: block.header.hash))
        #expect(receipts[0].outcome == .status(succeeded: false))
        let registry = try c.registry()
        #expect(try registry.enclaves().isEmpty)
        let failure = try #require(try registry.joinFailure(join.hash))
        #expect(failure.check == 9)
        // The nonce advanced all the same.
        #expect(try c.chain.state.latest().account(TestKeys.address("A"))?.nonce == 1)
    }

    @Test func aJoinNamingABlockOutsideTheFreshnessWindowFailsCheckTen() throws {
        let c = try ConfidentialChain()
        let join = c.join(by: "A", nonce: 0, freshness: Keccak256.hash([0xF0]))
        try c.fixture.pool.add(join)
        let block = try c.fixture.seal()
        #expect(c.chain.receipts(hash: block.header.hash)?.first?.outcome == .status(succeeded: false))
        #expect(try c.registry().joinFailure(join.hash)?.check == 10)
    }

    @Test func votesApplyOnAMajorityAndTalliesResetAtCheckpoints() throws {
        // Two signers, checkpoints every 4 blocks: one vote is not a majority of two.
        let c = try ConfidentialChain(signers: ["A", "B"], epoch: 4)
        try c.fixture.pool.add(c.join(by: "A", nonce: 0))
        try c.fixture.seal(by: "A")                                                     // 1: A's enclave joins (isvSvn 1)
        try c.fixture.pool.add(c.vote(by: "A", nonce: 1, .set(.minIsvSvn, to: 2)))
        try c.fixture.seal(by: "B")                                                     // 2: A's vote, counted
        #expect(try c.registry().tally().votes.count == 1)
        try c.fixture.seal(by: "A")                                                     // 3
        try c.fixture.seal(by: "B")                                                     // 4: a checkpoint, tallies reset
        #expect(try c.registry().tally().votes.isEmpty)
        try c.fixture.pool.add(c.vote(by: "B", nonce: 0, .set(.minIsvSvn, to: 2)))
        try c.fixture.seal(by: "A")                                                     // 5: B's vote alone: counted, not applied
        #expect(try c.registry().policy(genesis: c.joins.policy).rules.minIsvSvn == 1)
        #expect(try c.registry().enclaves().first?.standing == .pending)
        try c.fixture.pool.add(c.vote(by: "A", nonce: 2, .set(.minIsvSvn, to: 2)))
        try c.fixture.seal(by: "B")                                                     // 6: A agrees: applied
        #expect(try c.registry().policy(genesis: c.joins.policy).rules.minIsvSvn == 2)
        #expect(try c.registry().tally().votes.isEmpty)
        // The raised minimum no longer admits A's enclave (isvSvn 1): revoked.
        #expect(try c.registry().enclaves().first?.standing == .revoked)
    }

    @Test func systemTransactionsFromNonSignersAreRefusedByThePoolAndInBlocks() throws {
        let c = try ConfidentialChain()
        let id = Keccak256.hash([0x1D])
        let grant = KeyGrant(targetEnclaveID: id, generation: 1, wrapped: Array(repeating: 6, count: 80), keyCheck: Array(repeating: 7, count: 32),
                             grantorEnclaveID: id, grantorSignature: Array(repeating: 1, count: 65))
        let fromStranger: [SignedTransaction] = [
            c.join(by: "X", nonce: 0),
            SystemTransaction(chainID: ChainFixture.chainID, nonce: 0, payload: .grant(grant)).signed(with: TestKeys.key("X")).signedTransaction,
            c.vote(by: "X", nonce: 0, .set(.minIsvSvn, to: 2)),
        ]
        let executor = BlockExecutor(config: c.fixture.genesis.config)
        let parent = c.chain.head
        let header = Header(parentHash: parent.hash, number: 1, gasLimit: parent.header.gasLimit, timestamp: parent.header.timestamp + 1)
        let inputs = SystemBlockInputs(signers: [TestKeys.address("A")], isCheckpoint: false, genesisHash: c.genesisHash)
        for tx in fromStranger {
            #expect(throws: PoolError.systemTransactionRefused("\(TestKeys.address("X")) is not a Clique signer")) { try c.fixture.pool.add(tx) }
            let recovered = try tx.recovered(for: .cancun, chainID: ChainFixture.chainID)
            #expect(throws: BlockImportError.self) {
                try executor.execute(header: header, transactions: [recovered], author: TestKeys.address("A"),
                                     state: StateDB(base: try c.chain.state.latest()), blockHashes: { _ in parent.hash }, system: inputs)
            }
        }
    }

    @Test func thePoolRefusesSystemTransactionsOnAChainWithoutTheModule() throws {
        let plain = try ChainFixture()
        let vote = SystemTransaction(chainID: ChainFixture.chainID, nonce: 0, payload: .vote(.set(.minIsvSvn, to: 2)))
            .signed(with: TestKeys.key("A")).signedTransaction
        #expect(throws: PoolError.systemTransactionRefused("this chain has no confidential module")) { try plain.pool.add(vote) }
    }

    @Test func executionRefusesASystemTransactionFromANonSigner() throws {
        let c = try ConfidentialChain()
        let join = try c.join(by: "X", nonce: 0).recovered(for: .cancun, chainID: ChainFixture.chainID)
        let executor = BlockExecutor(config: c.fixture.genesis.config)
        let parent = c.chain.head
        let header = Header(parentHash: parent.hash, number: 1, gasLimit: parent.header.gasLimit, timestamp: parent.header.timestamp + 1)
        let inputs = SystemBlockInputs(signers: [TestKeys.address("A")], isCheckpoint: false, genesisHash: c.genesisHash)
        let state = StateDB(base: try c.chain.state.latest())
        #expect {
            try executor.execute(header: header, transactions: [join], author: TestKeys.address("A"), state: state,
                                 blockHashes: { _ in parent.hash }, system: inputs,
                                 confidential: ConfidentialBlockContext(section: nil, parentHash: parent.hash,
                                                                        parentEncStateRoot: .emptyTrieRoot, nodes: EmptyNodeSource()))
        } throws: { error in
            guard case BlockImportError.invalidSystemTransaction(let index, _, let reason) = error else { return false }
            return index == 0 && reason.contains("not a Clique signer")
        }
        // Without the module, the same transaction is refused as well.
        let plain = BlockExecutor(config: ChainFixture.genesis(signers: ["A"], funded: []).config)
        #expect(throws: BlockImportError.self) {
            try plain.execute(header: header, transactions: [join], author: TestKeys.address("A"), state: state,
                              blockHashes: { _ in parent.hash })
        }
    }

    @Test func aZeroValueCallCannotDeleteTheRegistry() throws {
        let c = try ConfidentialChain()
        try c.fixture.pool.add(c.join(by: "A", nonce: 0))
        try c.fixture.seal()
        try c.fixture.pool.add(ChainFixture.transfer(from: "X", to: RegistryLayout.address, value: .zero, nonce: 0))
        let block = try c.fixture.seal()
        #expect(block.transactions.count == 1)
        #expect(try c.registry().enclaves().count == 1)
    }

    @Test func systemTransactionsRoundTripAsChainTransactions() throws {
        let c = try ConfidentialChain()
        let join = c.join(by: "A", nonce: 7)
        let decoded = try SignedTransaction(networkEncoding: join.networkEncoding)
        #expect(decoded == join)
        #expect(decoded.hash == Keccak256.hash(join.networkEncoding))
        #expect(try SignedTransaction(rlp: { var e = RLPEncoder(capacity: 0); join.encode(to: &e); return e.bytes }()) == join)
        #expect(decoded.type == .enclaveJoin)
        #expect(decoded.transaction.to == RegistryLayout.address)
        #expect(try decoded.recoverSender() == TestKeys.address("A"))
    }
}
