public import Primitives
public import ChainTypes
public import State
public import EVM

/// The block a transaction runs in.
public struct BlockEnvironment: Sendable {
    public var coinbase: Address
    public var number: UInt64
    public var timestamp: UInt64
    public var gasLimit: UInt64
    public var prevRandao: UInt256
    /// EIP-1559's base fee from London; ignored before (pass zero for a header without one):
    /// the whole gas price then goes to the coinbase.
    public var baseFee: UInt256
    public var chainID: UInt64
    public var blobBaseFee: UInt256
    /// BLOCKHASH for the 256 blocks before this one.
    public var blockHashes: @Sendable (UInt64) -> Hash32

    public init(coinbase: Address, number: UInt64, timestamp: UInt64, gasLimit: UInt64, prevRandao: UInt256,
                baseFee: UInt256, chainID: UInt64, blobBaseFee: UInt256 = .one,
                blockHashes: @escaping @Sendable (UInt64) -> Hash32) {
        self.coinbase = coinbase; self.number = number; self.timestamp = timestamp; self.gasLimit = gasLimit
        self.prevRandao = prevRandao; self.baseFee = baseFee; self.chainID = chainID; self.blobBaseFee = blobBaseFee
        self.blockHashes = blockHashes
    }
}

/// What applying one transaction did.
public struct TransactionOutcome: Sendable {
    public var succeeded: Bool
    public var status: StatusCode
    public var gasUsed: UInt64
    public var logs: [Log]
    public var output: [UInt8]
    public var createdAddress: Address?
}

/// Applies transactions to state (Yellow Paper §6): validate against the
/// sender's account, buy gas, run the message, refund (capped at gasUsed/2, and
/// gasUsed/5 from London by EIP-3529), pay the priority fee to the coinbase and
/// burn the base fee (EIP-1559; before London the whole gas price goes to the
/// coinbase), and clear touched empty accounts (EIP-161). Senders with code are
/// rejected at every fork (EIP-3607, applied retroactively as all clients do).
public struct TransactionProcessor {
    public let rules: ForkRules
    public let interpreter: Interpreter
    public let precompiles: [Address: PrecompiledContract]

    public init(rules: ForkRules, precompiles: [Address: PrecompiledContract]) {
        self.rules = rules
        self.interpreter = Interpreter(rules: rules)
        self.precompiles = precompiles
    }

    /// Applies `tx` (already signature-checked and sender-recovered for this fork
    /// and chain). On a thrown error nothing was changed; a transaction that runs
    /// and fails (revert, out of gas) returns an outcome with `succeeded == false`.
    public func apply(_ tx: RecoveredTransaction, to state: StateDB, in env: BlockEnvironment,
                      gasAvailable: UInt64) throws(ExecutionError) -> TransactionOutcome {
        let t = tx.transaction
        let sender = tx.sender
        let fork = rules.fork
        func st<T>(_ body: () throws(StateError) -> T) throws(ExecutionError) -> T {
            do { return try body() } catch { throw .state(error) }
        }
        // A system transaction never reaches the EVM: the chain applies it to the registry.
        // A confidential one runs only inside an enclave; the chain applies its public effects.
        if t.type.isSystem || t.type == .confidential { throw .invalidTransaction(.unsupportedType(t.type.rawValue)) }
        // Validation against state and block.
        let intrinsic = t.intrinsicGas(for: fork)
        guard t.gasLimit >= intrinsic else {
            throw .invalidTransaction(.intrinsicGasTooLow(gasLimit: t.gasLimit, intrinsicGas: intrinsic))
        }
        guard t.gasLimit <= gasAvailable else { throw .gasLimitReached(needed: t.gasLimit, available: gasAvailable) }
        let nonce = try st { () throws(StateError) in try state.nonce(sender) }
        guard t.nonce >= nonce else { throw .nonceTooLow(address: sender, got: t.nonce, expected: nonce) }
        guard t.nonce <= nonce else { throw .nonceTooHigh(address: sender, got: t.nonce, expected: nonce) }
        guard nonce < UInt64.max else { throw .nonceMax(address: sender) }
        let codeHash = try st { () throws(StateError) in try state.codeHash(sender) }
        if let codeHash, codeHash != .emptyKeccak { throw .senderNotEOA(sender) }
        let feeCap = t.maxFeePerGas
        if fork >= .london && feeCap < env.baseFee { throw .feeCapTooLow(feeCap: feeCap, baseFee: env.baseFee) }
        let effectivePrice: UInt256 = fork >= .london
            ? min(feeCap, env.baseFee &+ t.maxPriorityFeePerGas)
            : feeCap
        let gasLimit = UInt256(t.gasLimit)
        let (maxCost, o1) = gasLimit.multipliedReportingOverflow(by: feeCap)
        let (want, o2) = maxCost.addingReportingOverflow(t.value)
        let balance = try st { () throws(StateError) in try state.balance(sender) }
        guard !o1, !o2, balance >= want else {
            throw .insufficientFunds(address: sender, have: balance, want: (o1 || o2) ? .max : want)
        }

        // Buy gas and run.
        let upfront = gasLimit &* effectivePrice
        try st { () throws(StateError) in try state.subtractBalance(sender, upfront) }
        let context = ExecutionContext(origin: sender, gasPrice: effectivePrice, coinbase: env.coinbase, number: env.number,
                                       timestamp: env.timestamp, gasLimit: env.gasLimit, prevRandao: env.prevRandao,
                                       chainID: UInt256(env.chainID), baseFee: env.baseFee, blobBaseFee: env.blobBaseFee)
        let host = StateHost(state: state, context: context, interpreter: interpreter, precompiles: precompiles,
                             blockHashes: env.blockHashes)
        // EIP-2929 / EIP-2930 / EIP-3651 warm set (nothing is cold before Berlin, and
        // access lists are invalid there: `validate(for:chainID:)` rejects type 1 and 2).
        if rules.chargesColdAccess {
            host.prewarm(sender)
            if let to = t.to { host.prewarm(to) }
            for address in precompiles.keys { host.prewarm(address) }
            if rules.warmCoinbase { host.prewarm(env.coinbase) }
            for entry in t.accessList.entries {
                host.prewarm(entry.address)
                for key in entry.storageKeys { host.prewarm(entry.address, slot: key.uint256) }
            }
        }
        let gas = Int64(t.gasLimit - intrinsic)
        let result: ExecutionResult
        if let to = t.to {
            try st { () throws(StateError) in try state.setNonce(sender, nonce + 1) }
            result = host.call(Message(kind: .call, gas: gas, recipient: to, sender: sender, input: t.data, value: t.value,
                                       codeAddress: to))
        } else {
            result = host.call(Message(kind: .create, gas: gas, sender: sender, input: t.data, value: t.value))
        }
        if let failure = host.failure { throw .state(failure) }
        if result.status == .interrupted { throw .interrupted }

        // Refund and fees.
        var gasLeft = UInt64(max(result.gasLeft, 0))
        let used = t.gasLimit - gasLeft
        if result.status == .success {
            let refund = UInt64(max(result.gasRefund, 0))
            gasLeft += min(refund, used / UInt64(rules.maxRefundQuotient))
        }
        let gasUsed = t.gasLimit - gasLeft
        try st { () throws(StateError) in
            try state.addBalance(sender, UInt256(gasLeft) &* effectivePrice)
            let tip = fork >= .london ? effectivePrice &- env.baseFee : effectivePrice
            try state.addBalance(env.coinbase, UInt256(gasUsed) &* tip)
            state.touch(env.coinbase)
        }
        do { try host.finalizeTransaction() } catch { throw .state(error) }
        return TransactionOutcome(succeeded: result.status == .success, status: result.status, gasUsed: gasUsed,
                                  logs: result.status == .success ? host.logs : [], output: result.output,
                                  createdAddress: result.createdAddress)
    }
}
