public import Primitives
import ChainTypes
import State
public import EVM

/// Runs bytecode as a call to a fresh contract in an empty world (`cloister evm run`).
public enum CodeRunner {
    /// The contract address the code runs at, and the caller.
    public static let contract = Address(Array(repeating: 0xcc, count: 20))!
    public static let caller = Address(Array(repeating: 0xca, count: 20))!

    public static func run(code: [UInt8], input: [UInt8], gas: Int64, rules: ForkRules,
                           precompiles: [Address: PrecompiledContract],
                           tracer: ((TraceStep) -> Void)? = nil) -> ExecutionResult {
        let state = StateDB(base: EmptyStateReader())
        do { try state.setCode(contract, code) } catch { return ExecutionResult(status: .internalError, gasLeft: 0) }
        let interpreter = Interpreter(rules: rules)
        interpreter.tracer = tracer
        let host = StateHost(state: state, context: ExecutionContext(origin: caller, gasLimit: UInt64(gas)),
                             interpreter: interpreter, precompiles: precompiles, blockHashes: { _ in .zero })
        host.prewarm(caller)
        host.prewarm(contract)
        for address in precompiles.keys { host.prewarm(address) }
        return host.call(Message(kind: .call, gas: gas, recipient: contract, sender: caller, input: input, codeAddress: contract))
    }
}
