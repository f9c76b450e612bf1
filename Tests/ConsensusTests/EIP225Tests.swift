import Testing
import Foundation
import Primitives
import ChainTypes
import Consensus
import TestSupport

private let eip225CasesFile = "clique/eip225-cases.json"

/// The EIP-225 voting scenarios (`clique/eip225-cases.json`), table-driven.
@Suite(.enabled(if: Vectors.has(eip225CasesFile), Comment(rawValue: Vectors.skipReason(eip225CasesFile))))
struct EIP225Tests {
    static let casesFile = eip225CasesFile

    struct Case {
        var name: String
        var epoch: UInt64
        var signers: [String]
        var votes: [[String: Any]]
        var results: [String]?
        var failure: String?
    }

    static func cases() throws -> [Case] {
        guard let list = try Vectors.json(casesFile) as? [[String: Any]] else {
            throw VectorError.malformed("\(casesFile): not a list of cases")
        }
        return list.map { c in
            Case(name: c["name"] as? String ?? "?", epoch: (c["epoch"] as? NSNumber)?.uint64Value ?? 30_000,
                 signers: c["signers"] as? [String] ?? [], votes: c["votes"] as? [[String: Any]] ?? [],
                 results: c["results"] as? [String], failure: c["failure"] as? String)
        }
    }

    /// Runs one case; returns the signers after the last batch or the first error.
    static func run(_ c: Case) -> Result<[Address], ConsensusError> {
        var chain = CliqueTestChain(signers: c.signers, epoch: c.epoch)
        var batches: [[SealedHeader]] = [[]]
        for vote in c.votes {
            let signer = vote["signer"] as? String ?? "?"
            let voted = (vote["voted"] as? String).map(TestKeys.address) ?? .zero
            let authorize = vote["auth"] as? Bool ?? false
            let checkpoint = (vote["checkpoint"] as? [String])?.map(TestKeys.address).sorted()
            if vote["newbatch"] as? Bool == true { batches.append([]) }
            let header = chain.append(signer: signer, beneficiary: voted, authorize: authorize, checkpoint: checkpoint)
            batches[batches.count - 1].append(header)
        }
        // Each batch is imported by a fresh engine (as after a restart), sharing one
        // snapshot store; the voting state must not depend on where batches split.
        let store = MemorySnapshotStore()
        var signers: [Address] = []
        for batch in batches where !batch.isEmpty {
            let clique = Clique(config: CliqueConfig(period: 1, epoch: c.epoch), snapshotStore: store)
            let last = batch[batch.count - 1]
            do {
                signers = try clique.snapshot(number: last.header.number, hash: last.hash, reader: chain.reader).signers
            } catch {
                return .failure(error)
            }
        }
        return .success(signers)
    }

    @Test func votingScenarios() throws {
        let cases = try Self.cases()
        #expect(cases.count == 24)
        var suite = ConformanceSuite("EIP-225 voting cases")
        for c in cases {
            suite.check(c.name) {
                switch Self.run(c) {
                case .success(let signers):
                    if let failure = c.failure { throw UnexpectedSuccess("expected \"\(failure)\"") }
                    let expected = (c.results ?? []).map(TestKeys.address).sorted()
                    guard signers == expected else { throw Mismatch("signers", got: signers, expected: expected) }
                case .failure(let error):
                    guard let failure = c.failure else { throw error }
                    let matches: Bool = switch (failure, error) {
                    case ("unauthorized signer", .unauthorizedSigner): true
                    case ("recently signed", .recentlySigned): true
                    default: false
                    }
                    guard matches else { throw Mismatch("error", got: "\(error)", expected: failure) }
                }
            }
        }
        suite.finish()
        #expect(suite.failed == 0)
        #expect(suite.passed == cases.count)
    }
}

/// A snapshot store in memory.
final class MemorySnapshotStore: CliqueSnapshotStore, @unchecked Sendable {
    private var saved: [Hash32: CliqueSnapshot] = [:]
    private let lock = NSLock()
    func load(hash: Hash32) -> CliqueSnapshot? { lock.withLock { saved[hash] } }
    func save(_ snapshot: CliqueSnapshot) { lock.withLock { saved[snapshot.hash] = snapshot } }
    var count: Int { lock.withLock { saved.count } }
}
