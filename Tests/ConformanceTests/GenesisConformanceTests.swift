import Foundation
import Testing
import Primitives
import ChainTypes
import TestSupport

/// A real public Clique network: Görli's genesis must give its published hash
/// (go-ethereum `params.GoerliGenesisHash`, vectors README) and state root.
@Suite(.enabled(if: Vectors.has("networks/goerli-genesis.json", "networks/goerli-blocks.json"),
                Comment(rawValue: Vectors.skipReason("networks/goerli-genesis.json", "networks/goerli-blocks.json"))))
struct GenesisConformanceTests {
    static let publishedHash = "0xbf7e331f7f7c1dd2e05159666b3bf8bc7a8a3a9eb1d518969eab529dd9b88c1a"
    static let publishedStateRoot = "0x5d6cded585e73c4e322c30c2f782a336316f17dd85a4863b9d838d2d4b8b3008"

    @Test func goerliGenesisHash() throws {
        guard let url = Vectors.url("networks/goerli-genesis.json") else { throw VectorError.missing("networks/goerli-genesis.json") }
        var suite = ConformanceSuite("networks/goerli-genesis.json")
        suite.check("goerli") {
            let genesis = try Genesis(contentsOf: url)
            guard genesis.alloc.count == 260 else { throw Mismatch("alloc accounts", got: genesis.alloc.count, expected: 260) }
            guard genesis.config.clique == CliqueConfig(period: 15, epoch: 30000) else { throw VectorError.malformed("clique config") }
            let header = genesis.header
            guard header.stateRoot == (try Hash32(hex: Self.publishedStateRoot)) else {
                throw Mismatch("state root", got: header.stateRoot.description, expected: Self.publishedStateRoot)
            }
            guard header.baseFeePerGas == nil else { throw VectorError.malformed("pre-London genesis has a base fee") }
            guard header.hash == (try Hash32(hex: Self.publishedHash)) else {
                throw Mismatch("genesis hash", got: header.hash.description, expected: Self.publishedHash)
            }
            // The header RLP round-trips.
            guard try Header(rlp: header.rlpEncoded) == header else { throw VectorError.malformed("header round trip") }
        }
        suite.finish()
        #expect(suite.failed == 0 && suite.passed == 1)
    }

    /// Görli block 1 decodes (15-field pre-London header, empty body) and hashes to its published hash.
    @Test func goerliBlockOneHeaderHash() throws {
        guard let json = try Vectors.json("networks/goerli-blocks.json") as? [String: Any],
              let blocks = json["blocks"] as? [[String: Any]] else { throw VectorError.malformed("goerli-blocks.json") }
        var suite = ConformanceSuite("networks/goerli-blocks.json (headers)")
        for block in blocks {
            suite.check("block \(block["number"] ?? "?")") {
                guard let rlpHex = block["blockRlp"] as? String, let hashHex = block["hash"] as? String else {
                    throw VectorError.malformed("block entry")
                }
                let block = try Block(rlp: try Hex.decode(rlpHex))
                let header = block.header
                guard block.transactions.isEmpty, block.ommers.isEmpty,
                      block.computedTransactionsRoot == header.transactionsRoot,
                      block.computedOmmersHash == header.ommersHash else { throw VectorError.malformed("body does not match header") }
                guard header.hash == (try Hash32(hex: hashHex)) else { throw Mismatch("hash", got: header.hash.description, expected: hashHex) }
                guard header.parentHash == (try Hash32(hex: Self.publishedHash)) else { throw VectorError.malformed("parent is not genesis") }
            }
        }
        suite.finish()
        #expect(suite.failed == 0 && suite.passed > 0)
    }
}
