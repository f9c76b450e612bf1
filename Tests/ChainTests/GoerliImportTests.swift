import Testing
import Foundation
import Primitives
import ChainTypes
import Storage
import State
import Chain
import TestSupport

/// A real public Clique network: Görli's genesis and first block(s).
@Suite struct GoerliImportTests {
    static func load() throws -> (genesis: [UInt8], blocks: [(block: Block, hash: Hash32)])? {
        guard let genesisURL = Vectors.url("networks/goerli-genesis.json"),
              let file = try Vectors.json("networks/goerli-blocks.json") as? [String: Any],
              let list = file["blocks"] as? [[String: Any]] else { return nil }
        let blocks = try list.map { b in
            (try Block(rlp: try Hex.decode(b["blockRlp"] as? String ?? "")), try Hash32(hex: b["hash"] as? String ?? ""))
        }
        return (Array(try Data(contentsOf: genesisURL)), blocks)
    }

    static func freshChain(_ genesisBytes: [UInt8]) throws -> Blockchain {
        let store = InMemoryStore()
        let genesis = try Genesis(json: Data(genesisBytes))
        _ = try GenesisInitializer.initialize(store: store, genesis: genesis, file: genesisBytes)
        return try Blockchain.open(store: store)
    }

    @Test func importsWithThePublishedHashes() throws {
        guard let (genesis, blocks) = try Self.load() else { print("Görli: \(Vectors.missingMessage)"); return }
        let chain = try Self.freshChain(genesis)
        #expect(chain.genesis?.hash == (try Hash32(hex: "0xbf7e331f7f7c1dd2e05159666b3bf8bc7a8a3a9eb1d518969eab529dd9b88c1a")))
        for (block, hash) in blocks {
            #expect(try chain.insert(block).kind == .extended)
            #expect(chain.head.hash == hash)
        }
        print("Görli: \(blocks.count) block(s) imported, head \(chain.head.header.number) \(chain.head.hash)")
    }

    @Test func alteredSealDifficultyOrTimestampIsRefused() throws {
        guard let (genesis, blocks) = try Self.load(), let first = blocks.first?.block else {
            print("Görli: \(Vectors.missingMessage)"); return
        }
        let alterations: [(String, (inout Header) -> Void)] = [
            ("seal", { $0.extraData[$0.extraData.count - 10] ^= 0x01 }),
            ("difficulty", { $0.difficulty = UInt256(1) }),
            ("timestamp", { $0.timestamp += 1 }),
        ]
        for (what, alter) in alterations {
            let chain = try Self.freshChain(genesis)
            var bad = first
            alter(&bad.header)
            #expect(throws: BlockImportError.self, "altered \(what) accepted") { try chain.insert(bad) }
            #expect(chain.head.header.number == 0)
        }
    }
}
