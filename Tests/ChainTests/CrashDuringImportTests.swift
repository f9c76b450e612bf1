import Testing
import Foundation
import Primitives
import ChainTypes
import Storage
import State
import Consensus
import Chain

/// `kill -9` of a `cloister import` process leaves the last fully imported block as
/// head, with its state, receipts and canonical entry, and nothing of the next block;
/// importing again resumes.
@Suite struct CrashDuringImportTests {
    /// Test-only keys of `genesis/dev.json` (anvil's accounts 0 and 1, listed in genesis/README.md).
    static let signer = try! Secp256k1.PrivateKey(rawRepresentation: try! Hex.decode("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"))
    static let sender = try! Secp256k1.PrivateKey(rawRepresentation: try! Hex.decode("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"))

    static var packageRoot: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    /// The `cloister` binary beside the test bundle, if built.
    static var cloister: URL? {
        // The test runner (…/debug/CloisterPackageTests.xctest) sits beside the products.
        let runner = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                         ?? CommandLine.arguments[0])
        let candidates = [runner.deletingLastPathComponent().appendingPathComponent("cloister"),
                          Bundle.main.bundleURL.appendingPathComponent("cloister")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.standardizedFileURL
    }

    static func run(_ exe: URL, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func killDuringImportKeepsTheLastWholeBlock() throws {
        guard let cloister = Self.cloister else { Issue.record("cloister binary not found beside the tests"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cloister-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let genesisFile = Self.packageRoot.appendingPathComponent("genesis/dev.json")
        let genesisBytes = Array(try Data(contentsOf: genesisFile))

        // A producer chain of 120 blocks of 40 transfers each, exported as concatenated RLP.
        var file: [UInt8] = []
        var producerHead = SealedHeader(Header())
        do {
            let store = try LMDBStore(path: dir.appendingPathComponent("producer").path)
            _ = try GenesisInitializer.initialize(store: store, genesis: try Genesis(json: Data(genesisBytes)), file: genesisBytes)
            let chain = try Blockchain.open(store: store)
            var pool = PoolConfig(); pool.globalSlots = 100_000
            let builder = BlockBuilder(chain: chain, pool: TransactionPool(chain: chain, config: pool), key: Self.signer)
            var nonce: UInt64 = 0
            for _ in 0..<120 {
                for _ in 0..<40 {
                    let tx = Transaction.dynamicFee(DynamicFeeTransaction(
                        chainID: chain.config.chainID, nonce: nonce, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(10_000_000_000),
                        gasLimit: 21_000, to: Address(Array(repeating: UInt8(nonce % 200), count: 20)), value: UInt256(nonce + 1)))
                    try builder.pool.add(tx.signed(with: Self.sender))
                    nonce += 1
                }
                let header = try builder.prepare(on: chain.head, now: UInt64(Date().timeIntervalSince1970))
                file += try builder.build(header).block.rlpEncoded
            }
            producerHead = chain.head
        }
        let chainFile = dir.appendingPathComponent("chain.rlp")
        try Data(file).write(to: chainFile)
        let data = dir.appendingPathComponent("node").path
        #expect(try Self.run(cloister, ["init", "--datadir", data, genesisFile.path]) == 0)

        var kills = 0
        for round in 0..<4 {
            let p = Process()
            p.executableURL = cloister
            p.arguments = ["import", "--datadir", data, chainFile.path]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            usleep(UInt32(150_000 + 120_000 * round))
            if p.isRunning { kill(p.processIdentifier, SIGKILL); kills += 1 }
            p.waitUntilExit()
            // The data dir is consistent at whatever block the kill left.
            let store = try LMDBStore(path: data)
            let chain = try Blockchain.open(store: store)
            let head = chain.head
            #expect(chain.canonicalHeader(head.header.number)?.hash == head.hash)
            #expect(chain.canonicalHeader(head.header.number + 1) == nil)
            #expect(try chain.state.head()?.block == head.header.number)
            #expect(try chain.state.head()?.root == head.header.stateRoot)
            #expect(chain.receipts(hash: head.hash)?.count == (head.header.number == 0 ? 0 : 40))
        }
        print("crash during import: \(kills) kill(s) landed mid-import")
        #expect(try Self.run(cloister, ["import", "--datadir", data, chainFile.path]) == 0)
        let store = try LMDBStore(path: data)
        #expect(try Blockchain.open(store: store).head.hash == producerHead.hash)
    }
}
