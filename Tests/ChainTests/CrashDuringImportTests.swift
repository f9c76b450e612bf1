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
///
/// The test must be able to fail: every round says whether its kill landed mid-import
/// (the head moved but the chain is not complete), before the first block, or not at
/// all (and why), and at least one kill must land mid-import. The kill time adapts
/// (doubled after a kill that found no block imported yet), so a slow start-up or a
/// slow machine still gets killed mid-import. A few kills only; the 100-kill run
/// belongs to the import-speed work.
@Suite struct CrashDuringImportTests {
    /// Test-only keys of `genesis/dev.json` (anvil's accounts 0 and 1, listed in genesis/README.md).
    static let signer = try! Secp256k1.PrivateKey(rawRepresentation: try! Hex.decode("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"))
    static let sender = try! Secp256k1.PrivateKey(rawRepresentation: try! Hex.decode("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"))

    static let blocks = 120, transfersPerBlock = 40
    /// Stop after this many kills that landed mid-import, or after `maxRounds` rounds.
    static let wantedMidImportKills = 3, maxRounds = 8

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

    /// Opens the data directory as a restarted node would and checks that its head is a
    /// whole block of the exported chain: the producer's block at that height (header,
    /// all its transactions), canonical, with its receipts and its post-state, and
    /// nothing of the block after it. Returns the head's number.
    static func checkWholeBlock(_ data: String, producerHashes: [Hash32], round: Int,
                                sourceLocation: SourceLocation = #_sourceLocation) throws -> UInt64 {
        let store = try LMDBStore(path: data)
        let chain = try Blockchain.open(store: store)
        let head = chain.head
        let n = head.header.number
        let context = Comment(rawValue: "round \(round), head \(n)")
        let produced = Int(exactly: n).flatMap { producerHashes.indices.contains($0) ? producerHashes[$0] : nil }
        #expect(produced == head.hash, context, sourceLocation: sourceLocation)
        #expect(chain.canonicalHeader(n)?.hash == head.hash, context, sourceLocation: sourceLocation)
        #expect(chain.canonicalHeader(n + 1) == nil, context, sourceLocation: sourceLocation)
        #expect(chain.block(hash: head.hash)?.transactions.count == (n == 0 ? 0 : transfersPerBlock), context, sourceLocation: sourceLocation)
        #expect(chain.receipts(hash: head.hash)?.count == (n == 0 ? 0 : transfersPerBlock), context, sourceLocation: sourceLocation)
        #expect(try chain.state.head()?.block == n, context, sourceLocation: sourceLocation)
        #expect(try chain.state.head()?.root == head.header.stateRoot, context, sourceLocation: sourceLocation)
        return n
    }

    @Test func killDuringImportKeepsTheLastWholeBlock() throws {
        guard let cloister = Self.cloister else { Issue.record("cloister binary not found beside the tests"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cloister-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let genesisFile = Self.packageRoot.appendingPathComponent("genesis/dev.json")
        let genesisBytes = Array(try Data(contentsOf: genesisFile))

        // A producer chain of 120 blocks of 40 transfers each, exported as concatenated RLP.
        var file: [UInt8] = []
        var producerHashes: [Hash32] = []
        do {
            let store = try LMDBStore(path: dir.appendingPathComponent("producer").path)
            _ = try GenesisInitializer.initialize(store: store, genesis: try Genesis(json: Data(genesisBytes)), file: genesisBytes)
            let chain = try Blockchain.open(store: store)
            producerHashes.append(chain.head.hash)
            var pool = PoolConfig(); pool.globalSlots = 100_000
            let builder = BlockBuilder(chain: chain, pool: TransactionPool(chain: chain, config: pool), key: Self.signer)
            var nonce: UInt64 = 0
            for _ in 0..<Self.blocks {
                for _ in 0..<Self.transfersPerBlock {
                    let tx = Transaction.dynamicFee(DynamicFeeTransaction(
                        chainID: chain.config.chainID, nonce: nonce, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(10_000_000_000),
                        gasLimit: 21_000, to: Address(Array(repeating: UInt8(nonce % 200), count: 20)), value: UInt256(nonce + 1)))
                    try builder.pool.add(tx.signed(with: Self.sender))
                    nonce += 1
                }
                let header = try builder.prepare(on: chain.head, now: UInt64(Date().timeIntervalSince1970))
                let block = try builder.build(header).block
                file += block.rlpEncoded
                producerHashes.append(block.hash)
            }
            #expect(chain.head.hash == producerHashes.last)
        }
        let last = UInt64(Self.blocks)
        let chainFile = dir.appendingPathComponent("chain.rlp")
        try Data(file).write(to: chainFile)
        let data = dir.appendingPathComponent("node").path
        #expect(try Self.run(cloister, ["init", "--datadir", data, genesisFile.path]) == 0)

        var delay: UInt32 = 150_000                    // µs after launch; doubled after a kill that found no block
        var midImportKills = 0
        var rounds: [String] = []
        var head: UInt64 = 0
        for round in 0..<Self.maxRounds where midImportKills < Self.wantedMidImportKills && head < last {
            let p = Process()
            p.executableURL = cloister
            p.arguments = ["import", "--datadir", data, chainFile.path]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let wait = delay + UInt32(round) * 37_000    // a different phase of the block each round
            usleep(wait)
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
            let killed = p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL
            let before = head
            head = try Self.checkWholeBlock(data, producerHashes: producerHashes, round: round)
            #expect(head >= before, "round \(round): the head went back from \(before) to \(head)")
            let outcome: String
            switch (killed, head) {
            case (true, last):
                outcome = "killed after the last block was written (head \(head))"
            case (true, before):
                outcome = "killed before its first block was written (head \(head)); kill time doubled"
                delay *= 2
            case (true, _):
                outcome = "killed mid-import: head \(before) → \(head) of \(last)"
                midImportKills += 1
            case (false, _):
                outcome = "not killed: the import \(p.terminationStatus == 0 ? "finished" : "exited with status \(p.terminationStatus)") "
                    + "within \(wait / 1000) ms (head \(before) → \(head))"
                #expect(p.terminationStatus == 0, "round \(round): the import itself failed")
            }
            rounds.append("round \(round), kill at \(wait / 1000) ms: \(outcome)")
        }
        print("crash during import:\n  " + rounds.joined(separator: "\n  "))
        #expect(midImportKills > 0, "no kill landed mid-import:\n\(rounds.joined(separator: "\n"))")

        #expect(try Self.run(cloister, ["import", "--datadir", data, chainFile.path]) == 0)
        #expect(try Self.checkWholeBlock(data, producerHashes: producerHashes, round: rounds.count) == last)
    }
}
