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

    /// When set, a failing case's changed accounts are written to standard error.
    public var dumpFailures = false

    public init(precompiles: @escaping @Sendable (Fork) -> [Address: PrecompiledContract], dumpFailures: Bool = false) {
        self.precompiles = precompiles
        self.dumpFailures = dumpFailures
    }

    static func dump(_ changes: StateChanges) -> String {
        changes.accounts.map { c in
            let account = c.account.map { "nonce \($0.nonce) balance \($0.balance) code \($0.codeHash)" } ?? "deleted"
            let slots = c.storage.sorted { $0.key < $1.key }.map { "\($0.key.hexQuantity)=\($0.value.hexQuantity)" }.joined(separator: " ")
            return "  \(c.address): \(account)\(c.storageWiped ? " (storage wiped)" : "") \(slots)"
        }.joined(separator: "\n")
    }

    /// One post entry's outcome, printed like go-ethereum's `evm statetest`.
    public struct Result: Sendable, Encodable {
        public var name: String
        public var pass: Bool
        public var fork: String
        public var stateRoot: String
        public var error: String?

        public init(name: String, pass: Bool, fork: String, stateRoot: String, error: String? = nil) {
            self.name = name; self.pass = pass; self.fork = fork; self.stateRoot = stateRoot; self.error = error
        }

        public var jsonLine: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(self) else { return "{}" }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// The fork names this runner accepts, as the vectors spell them (case-insensitive), plus
    /// the aliases "Petersburg" for ConstantinopleFix and "MuirGlacier" for Istanbul (it changed
    /// only the difficulty bomb, so its EVM rules are Istanbul's).
    public static func fork(named name: String) -> Fork? {
        switch name.lowercased() {
        case "constantinoplefix", "petersburg": .petersburg
        case "istanbul", "muirglacier": .istanbul
        case "berlin": .berlin
        case "london": .london
        case "paris", "merge": .paris
        case "shanghai": .shanghai
        case "cancun": .cancun
        default: nil
        }
    }

    /// The key of `fork`'s entries in a test's `post` section: the fork's name, except that
    /// Petersburg is "ConstantinopleFix" there (go-ethereum's name for it).
    public static func vectorName(of fork: Fork) -> String {
        fork == .petersburg ? "ConstantinopleFix" : fork.description
    }

    /// The files to run for command-line paths: a folder gives its `.json` files
    /// (recursively, sorted); a file or a missing path is kept as is, so the run
    /// reports it rather than silently skipping it.
    public static func files(_ paths: [String]) -> [URL] {
        var out: [URL] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            let url = URL(fileURLWithPath: path)
            if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
               let walker = fm.enumerator(at: url, includingPropertiesForKeys: nil) {
                out += walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
            } else {
                out.append(url)
            }
        }
        return out
    }

    /// Runs every test of one file for `fork`. `everyCase`, when given, receives the name
    /// (`test[index]`) of every case of the file under every fork it has posts for, run or
    /// not (``StateTestTally/noteCase(named:)`` uses them to judge known-failure entries).
    public func run(file url: URL, fork: Fork, everyCase: ((String) -> Void)? = nil) -> [Result] {
        let forkName = Self.vectorName(of: fork)
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
        if let everyCase {
            for (name, body) in json {
                guard let post = (body as? [String: Any])?["post"] as? [String: Any] else { continue }
                for case let entries as [Any] in post.values {
                    for index in entries.indices { everyCase("\(name)[\(index)]") }
                }
            }
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
        public init(_ d: String) { description = d }
    }

    func run(test: [String: Any], name: String, fork: Fork) throws -> [Result] {
        guard let rules = ForkRules(fork: fork) else { throw MalformedTest("fork \(fork) is not supported") }
        let processor = TransactionProcessor(rules: rules, precompiles: precompiles(fork))
        return try StateTestCase.cases(in: test, name: name, fork: fork).map { run($0, processor: processor) }
    }

    /// Runs one post entry: load `pre`, apply the transaction, compare root and logs.
    public func run(_ c: StateTestCase, processor: TransactionProcessor) -> Result {
        let fork = processor.rules.fork
        var root = Hash32.zero
        var logsHash = Hash32.emptyListHash
        var error: String?
        do {
            let states = try c.preparedState()
            root = try states.head()?.root ?? .emptyTrieRoot
            let state = StateDB(base: try states.latest())
            do {
                let outcome = try c.apply(processor, to: state)
                root = try states.computeRoot(state.changes())
                logsHash = Log.hash(of: outcome.logs)
                if dumpFailures && root != c.expectedRoot {
                    FileHandle.standardError.write(Data("\(c.name): \(outcome.status), gas used \(outcome.gasUsed)\n\(Self.dump(state.changes()))\n".utf8))
                }
            } catch let e as ExecutionError {
                error = "\(e)"
            } catch let e as TransactionError {
                error = "\(e)"
            }
        } catch {
            return Result(name: c.name, pass: false, fork: Self.vectorName(of: fork), stateRoot: "", error: "\(error)")
        }
        var pass = root == c.expectedRoot && (error != nil || logsHash == c.expectedLogsHash)
        var reason = error
        if let expected = c.expectException, error == nil {
            pass = false
            reason = "expected exception \(expected) but the transaction was applied"
        } else if c.expectException == nil, let e = error {
            pass = false
            reason = "unexpected rejection: \(e)"
        } else if !pass {
            reason = root != c.expectedRoot ? "state root \(root), expected \(c.expectedRoot)" : "logs hash \(logsHash), expected \(c.expectedLogsHash)"
        } else {
            reason = nil
        }
        return Result(name: c.name, pass: pass, fork: Self.vectorName(of: fork), stateRoot: root.description, error: reason)
    }

    // MARK: Parsing

    static func number(_ any: Any?, _ field: String) throws -> UInt256 {
        guard let text = any as? String else { throw MalformedTest("\(field): not a string") }
        do { return try UInt256(parsing: text) } catch { throw MalformedTest("\(field): \(error)") }
    }

    public static func parseAlloc(_ pre: [String: Any]) throws -> [Address: GenesisAccount] {
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

    public static func parseEnvironment(_ env: [String: Any], fork: Fork) throws -> BlockEnvironment {
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
