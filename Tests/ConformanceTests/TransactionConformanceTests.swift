import Foundation
import Testing
import Primitives
import ChainTypes
import TestSupport

/// ethereum/tests `TransactionTests`: every file under the folder, for London, Shanghai
/// and Cancun (and, as a check of the fork-gated rules, every earlier fork key). A valid case must decode, pass ``SignedTransaction/validate(for:chainID:)``
/// and give the expected hash, sender and intrinsic gas; an invalid case must be rejected
/// (only the rejection matters, not the retesteth exception name: vectors README).
///
/// A file without a `Cancun` result uses its `Shanghai` one (vectors README). A file
/// without any result for a fork is skipped for that fork with the reason printed.
/// Cases listed in `KnownFailures/TransactionTests.txt` (`Fork | file/case | reason`)
/// are skipped with their reason; there are none today.
@Suite(.enabled(if: Vectors.has("ethereum-tests/TransactionTests"), Comment(rawValue: Vectors.skipReason("ethereum-tests/TransactionTests"))))
struct TransactionConformanceTests {
    static let folder = "ethereum-tests/TransactionTests"
    /// The chain id of every vector (vectors README).
    static let chainID: UInt64 = 1

    /// The retesteth fork keys, mapped onto ``Fork``.
    static let forkKeys: [String: Fork] = [
        "Frontier": .frontier, "Homestead": .homestead, "EIP150": .tangerineWhistle,
        "EIP158": .spuriousDragon, "Byzantium": .byzantium, "Constantinople": .constantinople,
        "ConstantinopleFix": .petersburg, "Istanbul": .istanbul, "Berlin": .berlin,
        "London": .london, "Paris": .paris, "Shanghai": .shanghai, "Cancun": .cancun,
    ]

    /// `Fork | file/case | reason` lines from `KnownFailures/TransactionTests.txt`, if the file exists.
    static let knownFailures: [String: String] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("KnownFailures/TransactionTests.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "|", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3 else { continue }
            result["\(parts[0]) \(parts[1])"] = parts[2]
        }
        return result
    }()

    /// The forks this chain runs.
    @Test(arguments: ["London", "Shanghai", "Cancun"])
    func transactionTests(forkKey: String) throws {
        try runSuite(forkKey: forkKey)
    }

    /// The earlier forks, which exercise the fork-gated rules (EIP-2 low s and creation
    /// cost, EIP-155, EIP-2028 calldata cost, type 1 from Berlin, type 2 from London).
    @Test(arguments: ["Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople",
                      "ConstantinopleFix", "Istanbul", "Berlin", "Paris"])
    func earlierForks(forkKey: String) throws {
        try runSuite(forkKey: forkKey)
    }

    func runSuite(forkKey: String) throws {
        let fork = try #require(Self.forkKeys[forkKey])
        let files = Vectors.jsonFiles(under: Self.folder)
        #expect(!files.isEmpty)
        var suite = ConformanceSuite("TransactionTests (\(forkKey))")
        for file in files {
            let relative = file.path.components(separatedBy: Self.folder + "/").last ?? file.lastPathComponent
            guard let tests = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: [String: Any]] else {
                throw VectorError.malformed(relative)
            }
            for (name, test) in tests.sorted(by: { $0.key < $1.key }) {
                let caseName = "\(relative.replacingOccurrences(of: ".json", with: ""))/\(name)"
                if let reason = Self.knownFailures["\(forkKey) \(caseName)"] {
                    suite.skip(caseName, reason: "known failure: \(reason)")
                    continue
                }
                guard let results = test["result"] as? [String: [String: Any]] else {
                    suite.check(caseName) { throw VectorError.malformed("\(caseName): no result") }
                    continue
                }
                guard let expected = results[forkKey] ?? (forkKey == "Cancun" ? results["Shanghai"] : nil) else {
                    suite.skip(caseName, reason: "the vector has no \(forkKey) result (filled only up to \(Self.latestFork(in: results)))")
                    continue
                }
                suite.check(caseName) {
                    guard let txHex = test["txbytes"] as? String else { throw VectorError.malformed("\(caseName): no txbytes") }
                    try Self.run(txbytes: try Hex.decode(txHex), expected: expected, fork: fork)
                }
            }
        }
        suite.finish(maxListed: 50)
        for skip in suite.skips { print("  SKIP \(skip.name): \(skip.reason)") }
        #expect(suite.failed == 0)
        #expect(suite.passed > 0)
    }

    /// One case under one fork.
    static func run(txbytes: [UInt8], expected: [String: Any], fork: Fork) throws {
        let outcome: Result<RecoveredTransaction, TransactionError>
        do {
            let signed = try SignedTransaction(networkEncoding: txbytes)
            outcome = .success(try signed.recovered(for: fork, chainID: chainID))
        } catch {
            outcome = .failure(error)
        }
        if let exception = expected["exception"] as? String {
            if case .success(let tx) = outcome {
                throw UnexpectedSuccess("expected \(exception), but accepted with hash \(tx.hash), sender \(tx.sender)")
            }
            return
        }
        guard let hashHex = expected["hash"] as? String, let senderHex = expected["sender"] as? String,
              let gasHex = expected["intrinsicGas"] as? String else {
            throw VectorError.malformed("valid result without hash, sender or intrinsicGas")
        }
        let recovered = try outcome.get()
        let hash = try Hash32(hex: hashHex)
        guard recovered.hash == hash else { throw Mismatch("hash", got: recovered.hash, expected: hash) }
        let sender = try Address(hex: senderHex)
        guard recovered.sender == sender else { throw Mismatch("sender", got: recovered.sender, expected: sender) }
        let gas = try UInt256(hex: gasHex)
        let intrinsic = UInt256(recovered.transaction.intrinsicGas(for: fork))
        guard intrinsic == gas else { throw Mismatch("intrinsicGas", got: intrinsic, expected: gas) }
        // The decoded transaction re-encodes to the same bytes (strict decoding ⇒ canonical input).
        let reencoded = recovered.signed.networkEncoding
        guard reencoded == txbytes else { throw Mismatch("re-encoding", got: reencoded.hexString, expected: txbytes.hexString) }
    }

    /// The latest fork key a result object has, for the skip reason.
    static func latestFork(in results: [String: [String: Any]]) -> String {
        results.keys.compactMap { key in forkKeys[key].map { (key, $0) } }.max { $0.1 < $1.1 }?.0 ?? "none"
    }
}
