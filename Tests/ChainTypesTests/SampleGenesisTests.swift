import Foundation
import Testing
import Primitives
import ChainTypes

/// The shipped genesis files parse, name the documented authorities in their
/// Clique extraData, and fund the documented test accounts.
@Suite struct SampleGenesisTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Test-only keys documented in genesis/README.md (anvil's default accounts 0–3).
    static let authorityKeys = [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    ]

    static func signers(in extraData: [UInt8]) -> [Address] {
        let list = extraData.dropFirst(32).dropLast(65)
        return stride(from: list.startIndex, to: list.endIndex, by: 20).compactMap { Address(list[$0..<($0 + 20)]) }
    }

    @Test(arguments: [("dev.json", 1, UInt64(1337)), ("consortium.json", 4, UInt64(4242))])
    func sampleGenesis(file: String, authorities: Int, chainID: UInt64) throws {
        let g = try Genesis(contentsOf: Self.root.appendingPathComponent("genesis/" + file))
        #expect(g.config.chainID == chainID)
        #expect(g.config.clique != nil)
        let expected = try Self.authorityKeys.prefix(authorities).map {
            try Secp256k1.PrivateKey(rawRepresentation: try Hex.decode($0)).address
        }.sorted()
        #expect(Self.signers(in: g.extraData) == expected, "sorted authority list in extraData")
        #expect(g.alloc.count == 10)
        for address in expected { #expect(g.alloc[address]?.balance == (try UInt256(decimal: "10000000000000000000000"))) }
        #expect(g.header.baseFeePerGas == Genesis.initialBaseFee)
    }
}
