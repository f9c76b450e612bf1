public import Primitives
public import ChainTypes
public import EVM

/// A **test-only** in-memory ``Host``: accounts, storage, warm sets and logs in
/// dictionaries; nested calls run the given code on the same interpreter without
/// value transfer or reverts. For opcode and gas tests of the interpreter alone
/// (the real host is `Execution.StateHost`).
public final class MockHost: Host {
    public var balances: [Address: UInt256] = [:]
    public var codes: [Address: [UInt8]] = [:]
    public var storageSlots: [Address: [UInt256: UInt256]] = [:]
    public var originals: [Address: [UInt256: UInt256]] = [:]
    public var transient: [Address: [UInt256: UInt256]] = [:]
    public var warmAccounts: Set<Address> = []
    public var warmSlots: Set<[UInt8]> = []
    public var logs: [Log] = []
    public var calls: [Message] = []
    public var context = ExecutionContext()
    public var interpreter: Interpreter?

    public init() {}

    public func accountExists(_ a: Address) -> Bool { balances[a] != nil || codes[a] != nil }
    public func accountIsEmpty(_ a: Address) -> Bool { (balances[a] ?? .zero).isZero && (codes[a] ?? []).isEmpty }
    public func balance(_ a: Address) -> UInt256 { balances[a] ?? .zero }
    public func code(_ a: Address) -> [UInt8] { codes[a] ?? [] }
    public func codeSize(_ a: Address) -> Int { code(a).count }
    public func codeHash(_ a: Address) -> Hash32 { accountIsEmpty(a) ? .zero : Keccak256.hash(code(a)) }
    public func storage(_ a: Address, _ k: UInt256) -> UInt256 { storageSlots[a]?[k] ?? .zero }
    public func originalStorage(_ a: Address, _ k: UInt256) -> UInt256 { originals[a]?[k] ?? storage(a, k) }
    public func setStorage(_ a: Address, _ k: UInt256, _ v: UInt256) {
        if originals[a]?[k] == nil { originals[a, default: [:]][k] = storage(a, k) }
        storageSlots[a, default: [:]][k] = v
    }
    public func transientStorage(_ a: Address, _ k: UInt256) -> UInt256 { transient[a]?[k] ?? .zero }
    public func setTransientStorage(_ a: Address, _ k: UInt256, _ v: UInt256) { transient[a, default: [:]][k] = v }
    public func accessAccount(_ a: Address) -> AccessStatus { warmAccounts.insert(a).inserted ? .cold : .warm }
    public func accessStorage(_ a: Address, _ k: UInt256) -> AccessStatus {
        warmSlots.insert(a.bytes + k.bigEndianBytes).inserted ? .cold : .warm
    }
    public func selfDestruct(_ a: Address, beneficiary: Address) -> Bool {
        balances[beneficiary, default: .zero] = balances[beneficiary, default: .zero] &+ balance(a)
        balances[a] = .zero
        return true
    }
    public func emitLog(_ log: Log) { logs.append(log) }
    public func call(_ m: Message) -> ExecutionResult {
        calls.append(m)
        guard let interpreter, let code = codes[m.codeAddress], !m.kind.isCreate else {
            return ExecutionResult(status: .success, gasLeft: m.gas)
        }
        return interpreter.execute(m, code: AnalyzedCode(code), host: self)
    }
    public func blockHash(_ n: UInt64) -> Hash32 { Keccak256.hash(Array(String(n).utf8)) }
}
