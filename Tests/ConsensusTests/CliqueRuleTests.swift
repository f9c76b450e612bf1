import Testing
import Foundation
import Primitives
import ChainTypes
import Consensus
import TestSupport

/// One test per Clique header rule: a valid header passes, and each single change
/// that breaks a rule is refused with that rule's error.
@Suite struct CliqueRuleTests {
    /// Signers A, B, C; blocks 1–2 sealed in turn. Returns the chain and an unsealed
    /// header for block 3 whose in-turn signer is found by the caller.
    static func setup(epoch: UInt64 = 30_000) -> (CliqueTestChain, Clique) {
        var chain = CliqueTestChain(signers: ["A", "B", "C"], epoch: epoch, period: 5)
        let sorted = ["A", "B", "C"].sorted { TestKeys.address($0) < TestKeys.address($1) }
        chain.append(signer: sorted[1])            // block 1: index 1 in turn
        chain.append(signer: sorted[2])            // block 2: index 2 in turn
        return (chain, Clique(config: CliqueConfig(period: 5, epoch: epoch)))
    }

    /// The label sealing block `n` in turn among A, B, C.
    static func inTurn(_ n: UInt64) -> String {
        ["A", "B", "C"].sorted { TestKeys.address($0) < TestKeys.address($1) }[Int(n % 3)]
    }

    static func verify(_ header: Header, signer: String, chain: CliqueTestChain, clique: Clique,
                       now: UInt64 = 1_000_000) throws(ConsensusError) {
        let sealed = SealedHeader(try CliqueSeal.sealed(header, with: TestKeys.key(signer)))
        try clique.verifyHeader(sealed, parent: chain.head, reader: chain.reader, now: now)
    }

    static func expectError(_ expected: ConsensusError, _ mutate: (inout Header) -> Void, signer: String? = nil,
                            now: UInt64 = 1_000_000, sourceLocation: SourceLocation = #_sourceLocation) {
        let (chain, clique) = setup()
        var h = chain.unsealed(on: chain.head)
        mutate(&h)
        do {
            try verify(h, signer: signer ?? inTurn(3), chain: chain, clique: clique, now: now)
            Issue.record("accepted a header that breaks: \(expected)", sourceLocation: sourceLocation)
        } catch {
            #expect(error == expected, sourceLocation: sourceLocation)
        }
    }

    @Test func validInTurnAndOutOfTurnHeadersPass() throws {
        let (chain, clique) = Self.setup()
        try Self.verify(chain.unsealed(on: chain.head), signer: Self.inTurn(3), chain: chain, clique: clique)
        // Out of turn: the signer of block 1 may seal block 3 (it is outside the window of floor(3/2) = 1).
        try Self.verify(chain.unsealed(on: chain.head, difficulty: CliqueSeal.outOfTurnDifficulty),
                        signer: Self.inTurn(1), chain: chain, clique: clique)
    }

    @Test func futureBlock() {
        Self.expectError(.futureBlock(timestamp: 15, now: 14), { _ in }, now: 14)
    }

    @Test func timestampBeforeParentPlusPeriod() {
        Self.expectError(.invalidTimestamp(timestamp: 14, earliest: 15), { $0.timestamp = 14 })
    }

    @Test func nonZeroBeneficiaryOnCheckpoint() {
        let (chain, clique) = Self.setup(epoch: 3)
        let signers = ["A", "B", "C"].map(TestKeys.address).sorted()
        var h = chain.unsealed(on: chain.head, checkpoint: signers)
        h.beneficiary = TestKeys.address("D")
        #expect(throws: ConsensusError.invalidCheckpointBeneficiary) {
            try Self.verify(h, signer: Self.inTurn(3), chain: chain, clique: clique)
        }
    }

    @Test func voteOnCheckpoint() {
        let (chain, clique) = Self.setup(epoch: 3)
        let signers = ["A", "B", "C"].map(TestKeys.address).sorted()
        var h = chain.unsealed(on: chain.head, checkpoint: signers)
        h.nonce = CliqueSeal.authorizeVote
        #expect(throws: ConsensusError.invalidCheckpointVote) {
            try Self.verify(h, signer: Self.inTurn(3), chain: chain, clique: clique)
        }
    }

    @Test func checkpointSignerListMustMatch() throws {
        let (chain, clique) = Self.setup(epoch: 3)
        let signers = ["A", "B", "C"].map(TestKeys.address).sorted()
        try Self.verify(chain.unsealed(on: chain.head, checkpoint: signers), signer: Self.inTurn(3), chain: chain, clique: clique)
        #expect(throws: ConsensusError.mismatchingCheckpointSigners) {
            try Self.verify(chain.unsealed(on: chain.head, checkpoint: Array(signers.prefix(2))),
                            signer: Self.inTurn(3), chain: chain, clique: clique)
        }
        #expect(throws: ConsensusError.invalidCheckpointSigners) {
            var h = chain.unsealed(on: chain.head, checkpoint: signers)
            h.extraData.insert(0, at: 40)
            try Self.verify(h, signer: Self.inTurn(3), chain: chain, clique: clique)
        }
    }

    @Test func malformedVoteNonce() { Self.expectError(.invalidVote, { $0.nonce = 1 }) }

    @Test func missingVanity() {
        let (chain, clique) = Self.setup()
        var h = chain.unsealed(on: chain.head)
        h.extraData = [UInt8](repeating: 0, count: 31)
        #expect(throws: ConsensusError.missingVanity) {
            try clique.verifyHeader(SealedHeader(h), parent: chain.head, reader: chain.reader, now: 1_000_000)
        }
    }

    @Test func missingSeal() {
        let (chain, clique) = Self.setup()
        var h = chain.unsealed(on: chain.head)
        h.extraData = [UInt8](repeating: 0, count: 96)
        #expect(throws: ConsensusError.missingSignature) {
            try clique.verifyHeader(SealedHeader(h), parent: chain.head, reader: chain.reader, now: 1_000_000)
        }
    }

    @Test func signerListOutsideCheckpoint() {
        let (chain, clique) = Self.setup()
        let h = chain.unsealed(on: chain.head, checkpoint: [TestKeys.address("A")])
        #expect(throws: ConsensusError.extraSigners) {
            try Self.verify(h, signer: Self.inTurn(3), chain: chain, clique: clique)
        }
    }

    @Test func nonZeroMixDigest() { Self.expectError(.invalidMixDigest, { $0.mixHash = Hash32([UInt8](repeating: 1, count: 32))! }) }

    @Test func uncles() { Self.expectError(.invalidUncleHash, { $0.ommersHash = .emptyTrieRoot }) }

    @Test func difficultyOutsideOneAndTwo() { Self.expectError(.invalidDifficulty(UInt256(3)), { $0.difficulty = UInt256(3) }) }

    @Test func inTurnSignerClaimingOutOfTurn() {
        Self.expectError(.wrongDifficulty(got: .one, expected: UInt256(2)), { $0.difficulty = .one })
    }

    @Test func outOfTurnSignerClaimingInTurn() {
        Self.expectError(.wrongDifficulty(got: UInt256(2), expected: .one), { _ in }, signer: Self.inTurn(1))
    }

    @Test func gasLimitAboveInt64() {
        Self.expectError(.invalidGasLimit(UInt64(Int64.max) + 1), { $0.gasLimit = UInt64(Int64.max) + 1 })
    }

    @Test func withdrawalsAndBlobFieldsRefused() {
        Self.expectError(.unsupportedFork("shanghai fork (withdrawals)"), { $0.withdrawalsRoot = .emptyTrieRoot })
    }

    @Test func unauthorizedSigner() {
        Self.expectError(.unauthorizedSigner(TestKeys.address("D")), { $0.difficulty = .one }, signer: "D")
    }

    @Test func recentSigner() {
        // The signer of block 2 may not seal block 3 (window floor(3/2)+1 = 2).
        Self.expectError(.recentlySigned(TestKeys.address(Self.inTurn(2))), { $0.difficulty = .one }, signer: Self.inTurn(2))
    }

    @Test func corruptSeal() {
        let (chain, clique) = Self.setup()
        var h = try! CliqueSeal.sealed(chain.unsealed(on: chain.head), with: TestKeys.key(Self.inTurn(3)))
        h.extraData[h.extraData.count - 1] = 7   // v must be 0 or 1
        #expect(throws: ConsensusError.invalidSignature) {
            try clique.verifyHeader(SealedHeader(h), parent: chain.head, reader: chain.reader, now: 1_000_000)
        }
    }

    @Test func unknownParent() {
        let (chain, clique) = Self.setup()
        var h = chain.unsealed(on: chain.head)
        h.parentHash = Hash32([UInt8](repeating: 9, count: 32))!
        #expect(throws: ConsensusError.unknownAncestor) {
            try Self.verify(h, signer: Self.inTurn(3), chain: chain, clique: clique)
        }
    }

    @Test func sealDecisionFollowsTurnAndRecents() throws {
        let (chain, clique) = Self.setup()
        var h = chain.unsealed(on: chain.head)
        try clique.prepare(&h, parent: chain.head, signer: TestKeys.address(Self.inTurn(3)), reader: chain.reader)
        #expect(h.difficulty == CliqueSeal.inTurnDifficulty)
        #expect(try clique.sealDecision(for: h, signer: TestKeys.address(Self.inTurn(3)), reader: chain.reader)
                == .seal(afterMilliseconds: 0))
        #expect(try clique.sealDecision(for: h, signer: TestKeys.address(Self.inTurn(2)), reader: chain.reader) == .mustWait)
        #expect(try clique.sealDecision(for: h, signer: TestKeys.address("D"), reader: chain.reader) == .notAuthorized)
        var out = chain.unsealed(on: chain.head)
        try clique.prepare(&out, parent: chain.head, signer: TestKeys.address(Self.inTurn(1)), reader: chain.reader)
        #expect(out.difficulty == CliqueSeal.outOfTurnDifficulty)
        guard case .seal(let wiggle) = try clique.sealDecision(for: out, signer: TestKeys.address(Self.inTurn(1)),
                                                               reader: chain.reader) else {
            Issue.record("out-of-turn signer may seal"); return
        }
        #expect(wiggle <= 1_000)
        // A prepared and sealed header verifies.
        let sealed = SealedHeader(try clique.seal(h, with: TestKeys.key(Self.inTurn(3))))
        try clique.verifyHeader(sealed, parent: chain.head, reader: chain.reader, now: 1_000_000)
        #expect(try clique.author(of: sealed.header) == TestKeys.address(Self.inTurn(3)))
    }

    @Test func proposalsBecomeVotes() throws {
        let (chain, clique) = Self.setup()
        let d = TestKeys.address("D")
        clique.propose(d, authorize: true)
        clique.propose(TestKeys.address("A"), authorize: true)   // already a signer: not a valid vote
        var h = chain.unsealed(on: chain.head)
        try clique.prepare(&h, parent: chain.head, signer: TestKeys.address(Self.inTurn(3)), reader: chain.reader)
        #expect(h.beneficiary == d)
        #expect(h.nonce == CliqueSeal.authorizeVote)
        clique.discard(d)
        #expect(clique.proposals[d] == nil)
    }

    @Test func snapshotsPersistAtCheckpointIntervalAndRoundTrip() throws {
        var chain = CliqueTestChain(signers: ["A"], epoch: 30_000, period: 0)
        for _ in 0..<Clique.checkpointInterval + 3 { chain.append(signer: "A") }
        let store = MemorySnapshotStore()
        let first = Clique(config: CliqueConfig(period: 0, epoch: 30_000), snapshotStore: store)
        let snap = try first.snapshot(number: chain.head.header.number, hash: chain.head.hash, reader: chain.reader)
        #expect(snap.signers == [TestKeys.address("A")])
        let checkpoint = chain.headers[Int(Clique.checkpointInterval)]
        let saved = try #require(store.load(hash: checkpoint.hash))
        #expect(saved.number == Clique.checkpointInterval)
        #expect(try CliqueSnapshot(rlp: saved.rlpEncoded) == saved)
        // A restarted engine needs only the headers after the saved checkpoint.
        let tail = Array(chain.headers.suffix(3))
        let restarted = Clique(config: CliqueConfig(period: 0, epoch: 30_000), snapshotStore: store)
        let again = try restarted.snapshot(number: chain.head.header.number, hash: chain.head.hash,
                                           reader: BatchHeaderReader(config: chain.config, headers: tail))
        #expect(again == snap)
    }
}

private let goerliBlocksFile = "networks/goerli-blocks.json"

/// The seal of a real network's block: Görli block 1 recovers to its published signer.
@Suite(.enabled(if: Vectors.has(goerliBlocksFile), Comment(rawValue: Vectors.skipReason(goerliBlocksFile))))
struct GoerliSealTests {
    static let blocksFile = goerliBlocksFile

    @Test func goerliBlockOneSigner() throws {
        guard let file = try Vectors.json(Self.blocksFile) as? [String: Any],
              let blocks = file["blocks"] as? [[String: Any]], !blocks.isEmpty else {
            throw VectorError.malformed("\(Self.blocksFile): no \"blocks\" list")
        }
        for b in blocks {
            let rlp = try Hex.decode(b["blockRlp"] as? String ?? "")
            let block = try Block(rlp: rlp)
            #expect(block.hash == (try Hash32(hex: b["hash"] as? String ?? "")))
            #expect(try CliqueSeal.recoverSigner(of: block.header) == (try Address(hex: b["signer"] as? String ?? "")))
        }
        print("Görli seals: \(blocks.count) checked")
    }
}
