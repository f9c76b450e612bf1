import Foundation
public import Primitives
public import ChainTypes
import Storage
public import State
import EVM

/// One post entry of a state test for one fork: the `pre` allocation, the block
/// environment, the signed transaction and the expected results.
public struct StateTestCase: Sendable {
    /// `test[index]`.
    public let name: String
    public let index: Int
    /// The `_info.labels` entry for this entry's data index, if any.
    public let label: String?
    public let alloc: [Address: GenesisAccount]
    public let environment: BlockEnvironment
    public let transactionBytes: [UInt8]
    public let expectedRoot: Hash32
    public let expectedLogsHash: Hash32
    public let expectException: String?
    public let fork: Fork

    /// The cases of one test object (`{env, pre, transaction, post}`) for `fork`.
    public static func cases(in test: [String: Any], name: String, fork: Fork) throws -> [StateTestCase] {
        typealias Malformed = StateTestRunner.MalformedTest
        guard let post = test["post"] as? [String: Any] else { throw Malformed("no post section") }
        guard let entries = post[StateTestRunner.vectorName(of: fork)] as? [[String: Any]] else { return [] }
        guard let env = test["env"] as? [String: Any] else { throw Malformed("no env") }
        guard let pre = test["pre"] as? [String: Any] else { throw Malformed("no pre") }
        let alloc = try StateTestRunner.parseAlloc(pre)
        let environment = try StateTestRunner.parseEnvironment(env, fork: fork)
        let labels = (test["_info"] as? [String: Any])?["labels"] as? [String: Any]
        var out: [StateTestCase] = []
        for (index, entry) in entries.enumerated() {
            guard let txHex = entry["txbytes"] as? String, let hashHex = entry["hash"] as? String,
                  let logsHex = entry["logs"] as? String else { throw Malformed("\(name)[\(index)]: post entry without txbytes/hash/logs") }
            let dataIndex = (entry["indexes"] as? [String: Any])?["data"] as? Int
            let label = dataIndex.flatMap { labels?[String($0)] as? String }
            do {
                out.append(StateTestCase(name: "\(name)[\(index)]", index: index, label: label, alloc: alloc,
                                         environment: environment, transactionBytes: try Hex.decode(txHex),
                                         expectedRoot: try Hash32(hex: hashHex), expectedLogsHash: try Hash32(hex: logsHex),
                                         expectException: entry["expectException"] as? String, fork: fork))
            } catch {
                throw Malformed("\(name)[\(index)]: \(error)")
            }
        }
        return out
    }

    /// This case with `code` at `address` in the `pre` state (its balance, nonce and
    /// storage kept; the account is created if absent). The EVM benchmarks run the same
    /// transaction against a recipient whose code is a single STOP to measure the fixed
    /// cost of a transaction.
    public func replacingCode(at address: Address, with code: [UInt8]) -> StateTestCase {
        var alloc = self.alloc
        alloc[address, default: GenesisAccount()].code = code
        return StateTestCase(name: name, index: index, label: label, alloc: alloc, environment: environment,
                             transactionBytes: transactionBytes, expectedRoot: expectedRoot,
                             expectedLogsHash: expectedLogsHash, expectException: expectException, fork: fork)
    }

    /// A fresh in-memory store holding the `pre` state as block 0.
    public func preparedState() throws -> StateStore {
        let states = StateStore(store: InMemoryStore())
        try states.commit(StateChanges(genesis: Genesis(config: ChainConfig(chainID: 1), alloc: alloc)), block: 0)
        return states
    }

    /// Decodes, validates and applies the transaction, then touches the coinbase
    /// and clears empty touched accounts, as go-ethereum's state-test runner does.
    public func apply(_ processor: TransactionProcessor, to state: StateDB) throws -> TransactionOutcome {
        try apply(try recoveredTransaction(), processor, to: state)
    }

    /// The transaction decoded, validated for the fork and with its sender recovered.
    public func recoveredTransaction() throws -> RecoveredTransaction {
        try SignedTransaction(networkEncoding: transactionBytes).recovered(for: fork, chainID: 1)
    }

    /// Applies an already recovered transaction (benchmarks recover once, outside the timing).
    public func apply(_ recovered: RecoveredTransaction, _ processor: TransactionProcessor, to state: StateDB) throws -> TransactionOutcome {
        let outcome = try processor.apply(recovered, to: state, in: environment, gasAvailable: environment.gasLimit)
        try state.addBalance(environment.coinbase, .zero)
        state.touch(environment.coinbase)
        try state.finalizeTransaction(deleteEmptyTouched: true)
        return outcome
    }
}
