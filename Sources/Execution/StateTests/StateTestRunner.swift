public import Foundation
public import Primitives
public import ChainTypes
import Storage
import State
public import EVM

/// Runs GeneralStateTests-format files (ethereum/tests, `../shared/vectors/README.md`):
/// for each post entry of the chosen fork, load `pre`, apply the signed
/// transaction, touch the coinbase, and compare the state root and the logs hash.
/// A transaction marked `expectException` must be rejected with the state unchanged.
///
/// Used by `cloister evm statetest` and by the conformance suite. A malformed
/// file gives one failed result naming the problem; the other files still run.
public struct StateTestRunner {
    /// The precompiles active in a fork (injected so the runner works with any set).
    public let precompiles: @Sendable (Fork) -> [Address: PrecompiledContract]

    public init(precompiles: @escaping @Sendable (Fork) -> [Address: PrecompiledContract]) {
        self.precompiles = precompiles
    }

    /// One post entry's outcome, printed like go-ethereum's `evm statetest`.
    public struct Result: Sendable, Encodable {
        public var name: String
        public var pass: Bool
        public var fork: String
        public var stateRoot: String
        public var error: String?

        public var jsonLine: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(self) else { return "{}" }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// The fork names this runner accepts, as the vectors spell them.
    public static func fork(named name: String) -> Fork? {
        switch name.lowercased() {
        case "berlin": .berlin
        case "london": .london
        case "paris", "merge": .paris
        case "shanghai": .shanghai
        case "cancun": .cancun
        default: nil
        }
    }

    /// Runs every test of one file for `fork`.
    public func run(file url: URL, fork: Fork) -> [Result] {
        let forkName = fork.description
        let json: [String: Any]
        do {
            let data = try Data(contentsOf: url)
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                return [Result(name: url.lastPathComponent, pass: false, fork: forkName, stateRoot: "", error: "file is not a JSON object")]
            }
            json = object
        } catch {
            return [Result(name: url.lastPathComponent, pass: false, fork: forkName, stateRoot: "", error: "cannot read: \(error.localizedDescription)")]
        }
        var results: [Result] = []
        for (name, body) in json.sorted(by: { $0.key < $1.key }) {
            guard let test = body as? [String: Any] else {
                results.append(Result(name: name, pass: false, fork: forkName, stateRoot: "", error: "test is not an object"))
                continue
            }
            do {
                results.append(contentsOf: try run(test: test, name: name, fork: fork))
            } catch {
                results.append(Result(name: name, pass: false, fork: forkName, stateRoot: "", error: "\(error)"))
            }
        }
        return results
    }

    /// Why a test file could not be run.
    public struct MalformedTest: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }

    func run(test: [String: Any], name: String, fork: Fork) throws -> [Result] {
        guard let post = test["post"] as? [String: Any] else { throw MalformedTest("no post section") }
        guard let entries = post[fork.description] as? [[String: Any]] else { return [] }
        guard let rules = ForkRules(fork: fork) else { throw MalformedTest("fork \(fork) is not supported") }
        guard let env = test["env"] as? [String: Any] else { throw MalformedTest("no env") }
        guard let pre = test["pre"] as? [String: Any] else { throw MalformedTest("no pre") }
        let alloc = try Self.parseAlloc(pre)
        let environment = try Self.parseEnvironment(env, fork: fork)
        let processor = TransactionProcessor(rules: rules, precompiles: precompiles(fork))
        var results: [Result] = []
        for (index, entry) in entries.enumerated() {
            let label = "\(name)[\(index)]"
            guard let txHex = entry["txbytes"] as? String, let hashHex = entry["hash"] as? String,
                  let logsHex = entry["logs"] as? String else {
                results.append(Result(name: label, pass: false, fork: fork.description, stateRoot: "", error: "post entry without txbytes/hash/logs"))
                continue
            }
            let expectException = entry["expectException"] as? String
            let expectedRoot = try Hash32(hex: hashHex)
            let expectedLogs = try Hash32(hex: logsHex)

            let store = InMemoryStore()
            let states = StateStore(store: store)
            let preRoot = try states.commit(StateChanges(genesis: Genesis(config: ChainConfig(chainID: 1), alloc: alloc)), block: 0)
            let state = StateDB(base: try states.latest())
            var root = preRoot
            var logsHash = Hash32.emptyListHash
            var error: String?
            do {
                let signed = try SignedTransaction(networkEncoding: try Hex.decode(txHex))
                let recovered = try signed.recovered(for: fork, chainID: 1)
                let outcome = try processor.apply(recovered, to: state, in: environment, gasAvailable: environment.gasLimit)
                try state.addBalance(environment.coinbase, .zero)
                state.touch(environment.coinbase)
                try state.finalizeTransaction(deleteEmptyTouched: true)
                root = try states.computeRoot(state.changes())
                logsHash = Log.hash(of: outcome.logs)
            } catch let e as ExecutionError {
                error = "\(e)"
            } catch let e as TransactionError {
                error = "\(e)"
            } catch let e as HexError {
                error = "txbytes: \(e)"
            }
            var pass = root == expectedRoot && (error != nil || logsHash == expectedLogs)
            var reason = error
            if expectException != nil && error == nil {
                pass = false
                reason = "expected exception \(expectException!) but the transaction was applied"
            } else if expectException == nil, let e = error {
                pass = false
                reason = "unexpected rejection: \(e)"
            } else if !pass {
                reason = root != expectedRoot ? "state root \(root), expected \(expectedRoot)" : "logs hash \(logsHash), expected \(expectedLogs)"
            } else {
                reason = nil
            }
            results.append(Result(name: label, pass: pass, fork: fork.description, stateRoot: root.description, error: reason))
        }
        return results
    }

    // MARK: Parsing

    static func number(_ any: Any?, _ field: String) throws -> UInt256 {
        guard let text = any as? String else { throw MalformedTest("\(field): not a string") }
        do { return try UInt256(parsing: text) } catch { throw MalformedTest("\(field): \(error)") }
    }

    static func parseAlloc(_ pre: [String: Any]) throws -> [Address: GenesisAccount] {
        var alloc: [Address: GenesisAccount] = [:]
        for (key, value) in pre {
            guard let fields = value as? [String: Any] else { throw MalformedTest("pre.\(key): not an object") }
            let address: Address
            do { address = try Address(hex: key) } catch { throw MalformedTest("pre.\(key): \(error)") }
            var storage: [UInt256: UInt256] = [:]
            for (slot, v) in fields["storage"] as? [String: Any] ?? [:] {
                storage[try number(slot, "pre.\(key).storage")] = try number(v, "pre.\(key).storage.\(slot)")
            }
            let code: [UInt8]
            do { code = try Hex.decode(fields["code"] as? String ?? "0x") } catch { throw MalformedTest("pre.\(key).code: \(error)") }
            let nonce = try number(fields["nonce"] ?? "0x0", "pre.\(key).nonce")
            guard let n = nonce.uint64 else { throw MalformedTest("pre.\(key).nonce: too large") }
            alloc[address] = GenesisAccount(balance: try number(fields["balance"] ?? "0x0", "pre.\(key).balance"),
                                            nonce: n, code: code, storage: storage)
        }
        return alloc
    }

    static func parseEnvironment(_ env: [String: Any], fork: Fork) throws -> BlockEnvironment {
        func u64(_ field: String) throws -> UInt64 {
            guard let v = try number(env[field] ?? "0x0", "env.\(field)").uint64 else { throw MalformedTest("env.\(field): too large") }
            return v
        }
        let coinbase: Address
        do { coinbase = try Address(hex: env["currentCoinbase"] as? String ?? "") } catch { throw MalformedTest("env.currentCoinbase: \(error)") }
        let prevRandao = fork >= .paris
            ? try number(env["currentRandom"] ?? env["currentDifficulty"] ?? "0x0", "env.currentRandom")
            : try number(env["currentDifficulty"] ?? "0x0", "env.currentDifficulty")
        let excessBlobGas = try number(env["currentExcessBlobGas"] ?? "0x0", "env.currentExcessBlobGas")
        return BlockEnvironment(coinbase: coinbase, number: try u64("currentNumber"), timestamp: try u64("currentTimestamp"),
                                gasLimit: try u64("currentGasLimit"), prevRandao: prevRandao,
                                baseFee: try number(env["currentBaseFee"] ?? "0x0", "env.currentBaseFee"), chainID: 1,
                                blobBaseFee: blobBaseFee(excessBlobGas: excessBlobGas),
                                blockHashes: { Keccak256.hash(Array(String($0).utf8)) })
    }

    /// EIP-4844's `fake_exponential(MIN_BLOB_BASE_FEE = 1, excess, BLOB_BASE_FEE_UPDATE_FRACTION = 3338477)`.
    static func blobBaseFee(excessBlobGas: UInt256) -> UInt256 {
        let denominator = UInt256(3_338_477)
        var i = UInt256.one
        var output = UInt256.zero
        var accumulator = denominator  // factor (1) × denominator
        while !accumulator.isZero {
            output = output &+ accumulator
            accumulator = (accumulator &* excessBlobGas).dividedOrZero(by: denominator &* i)
            i = i &+ .one
        }
        return output.dividedOrZero(by: denominator)
    }
}
