import Testing
import Foundation
import Primitives
import ChainTypes
import Storage
import State
import Consensus
import Chain
import TestSupport

private let goerliGenesisFile = "networks/goerli-genesis.json"
private let goerliBlocksFile = "networks/goerli-blocks.json"

/// A real public Clique network: Görli's genesis and first block(s).
@Suite(.enabled(if: Vectors.has(goerliGenesisFile, goerliBlocksFile),
                Comment(rawValue: Vectors.skipReason(goerliGenesisFile, goerliBlocksFile))))
struct GoerliImportTests {
    static let genesisFile = goerliGenesisFile
    static let blocksFile = goerliBlocksFile

    static func load() throws -> (genesis: [UInt8], blocks: [(block: Block, hash: Hash32)]) {
        guard let genesisURL = Vectors.url(genesisFile) else { throw VectorError.missing(genesisFile) }
        guard let file = try Vectors.json(blocksFile) as? [String: Any],
              let list = file["blocks"] as? [[String: Any]], !list.isEmpty else {
            throw VectorError.malformed("\(blocksFile): no \"blocks\" list")
        }
        let blocks = try list.map { b in
            (try Block(rlp: try Hex.decode(b["blockRlp"] as? String ?? "")), try Hash32(hex: b["hash"] as? String ?? ""))
        }
        return (Array(try Data(contentsOf: genesisURL)), blocks)
    }

    static func freshChain(_ genesisBytes: [UInt8],
                           clock: @escaping @Sendable () -> UInt64 = Blockchain.systemClock) throws -> Blockchain {
        let store = InMemoryStore()
        let genesis = try Genesis(json: Data(genesisBytes))
        _ = try GenesisInitializer.initialize(store: store, genesis: genesis, file: genesisBytes)
        return try Blockchain.open(store: store, clock: clock)
    }

    /// Görli's genesis file with its signer list (extra data between the vanity and
    /// the seal) replaced by the test keys `labels`, byte for byte the same otherwise:
    /// same config, alloc and state root, so Görli's block 1 fits on it once its parent
    /// hash is updated and it is sealed by one of those keys.
    static func genesis(_ goerli: [UInt8], signers labels: [String]) throws -> [UInt8] {
        guard let json = try JSONSerialization.jsonObject(with: Data(goerli)) as? [String: Any],
              let extra = json["extraData"] as? String else { throw VectorError.malformed("\(genesisFile): no extraData") }
        let vanity = Array(try Hex.decode(extra).prefix(CliqueSeal.vanityLength))
        let signers = labels.map(TestKeys.address).sorted()
        let replacement = Hex.encode(CliqueSeal.prepareExtraData(vanity: vanity, signers: signers))
        let text = String(decoding: goerli, as: UTF8.self)
        guard text.components(separatedBy: "\"\(extra)\"").count == 2 else {
            throw VectorError.malformed("\(genesisFile): extraData is not a single string in the file")
        }
        return Array(text.replacingOccurrences(of: "\"\(extra)\"", with: "\"\(replacement)\"").utf8)
    }

    @Test func importsWithThePublishedHashes() throws {
        let (genesis, blocks) = try Self.load()
        let chain = try Self.freshChain(genesis)
        #expect(chain.genesis?.hash == (try Hash32(hex: "0xbf7e331f7f7c1dd2e05159666b3bf8bc7a8a3a9eb1d518969eab529dd9b88c1a")))
        for (block, hash) in blocks {
            #expect(try chain.insert(block).kind == .extended)
            #expect(chain.head.hash == hash)
        }
        print("Görli: \(blocks.count) block(s) imported, head \(chain.head.header.number) \(chain.head.hash)")
    }

    /// A Görli block 1 whose seal no longer matches is refused by the seal check.
    @Test func alteredSealIsRefused() throws {
        let (genesis, blocks) = try Self.load()
        var bad = blocks[0].block
        bad.header.extraData[bad.header.extraData.count - 10] ^= 0x01
        let chain = try Self.freshChain(genesis)
        do {
            _ = try chain.insert(bad)
            Issue.record("a block with an altered seal was accepted")
        } catch {
            // A flipped bit of `s` recovers some other key (or none).
            switch error {
            case .consensus(.unauthorizedSigner), .consensus(.invalidSignature): break
            default: Issue.record("refused for another reason: \(error)")
            }
        }
        #expect(chain.head.header.number == 0)
    }

    /// Görli's block 1, moved onto a copy of Görli's genesis whose signers are the test
    /// keys A and B and resealed by one of them after each alteration: the seal is
    /// valid every time, so each refusal comes from the rule the alteration breaks
    /// (the in-turn difficulty both ways, the period since the parent, the clock).
    @Test func resealedAlterationsAreRefusedByTheRuleTheyBreak() throws {
        let (goerli, blocks) = try Self.load()
        let genesisBytes = try Self.genesis(goerli, signers: ["A", "B"])
        let config = try Genesis(json: Data(genesisBytes)).config
        let period = try #require(config.clique?.period)
        let sorted = ["A", "B"].sorted { TestKeys.address($0) < TestKeys.address($1) }
        let inTurn = sorted[1], outOfTurn = sorted[0]          // block 1: index 1 % 2 of the sorted signers
        let original = blocks[0].block
        let now = original.header.timestamp + 3_600          // a fixed clock an hour after Görli's block 1
        let clock: @Sendable () -> UInt64 = { now }
        let genesisHeader = try #require(try Self.freshChain(genesisBytes, clock: clock).genesis)

        func block(sealedBy signer: String, _ alter: (inout Header) -> Void = { _ in }) throws -> Block {
            var b = original
            b.header.parentHash = genesisHeader.hash
            alter(&b.header)
            b.header = try CliqueSeal.sealed(b.header, with: TestKeys.key(signer))
            return b
        }

        // The unaltered block, resealed in turn, imports: the scenario itself is valid.
        let control = try Self.freshChain(genesisBytes, clock: clock)
        #expect(try control.insert(block(sealedBy: inTurn)).kind == .extended)
        #expect(control.head.header.number == 1)
        // So does an out-of-turn seal that says so (difficulty 1).
        let outControl = try Self.freshChain(genesisBytes, clock: clock)
        #expect(try outControl.insert(block(sealedBy: outOfTurn) { $0.difficulty = CliqueSeal.outOfTurnDifficulty }).kind == .extended)

        let earliest = genesisHeader.header.timestamp + period
        let alterations: [(what: String, signer: String, alter: (inout Header) -> Void, expected: ConsensusError)] = [
            ("in-turn signer claims out-of-turn difficulty 1", inTurn, { $0.difficulty = CliqueSeal.outOfTurnDifficulty },
             .wrongDifficulty(got: CliqueSeal.outOfTurnDifficulty, expected: CliqueSeal.inTurnDifficulty)),
            ("out-of-turn signer claims in-turn difficulty 2", outOfTurn, { $0.difficulty = CliqueSeal.inTurnDifficulty },
             .wrongDifficulty(got: CliqueSeal.inTurnDifficulty, expected: CliqueSeal.outOfTurnDifficulty)),
            ("timestamp one second before parent + period", inTurn, { $0.timestamp = earliest - 1 },
             .invalidTimestamp(timestamp: earliest - 1, earliest: earliest)),
            ("timestamp one second in the future", inTurn, { $0.timestamp = now + 1 },
             .futureBlock(timestamp: now + 1, now: now)),
        ]
        for a in alterations {
            let bad = try block(sealedBy: a.signer, a.alter)
            #expect(try CliqueSeal.recoverSigner(of: bad.header) == TestKeys.address(a.signer), "\(a.what): seal")
            let chain = try Self.freshChain(genesisBytes, clock: clock)
            do {
                _ = try chain.insert(bad)
                Issue.record("\(a.what): accepted")
            } catch {
                guard case .consensus(let reason) = error else {
                    Issue.record("\(a.what): refused by another rule: \(error)"); continue
                }
                #expect(reason == a.expected, "\(a.what)")
            }
            #expect(chain.head.header.number == 0, "\(a.what)")
        }
    }
}
