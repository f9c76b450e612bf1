public import Primitives
public import ChainTypes
public import EVM
public import Execution
public import State

/// A message to simulate (`eth_call`, `eth_estimateGas`): a transaction without a
/// signature, every field optional as JSON-RPC allows.
public struct CallRequest: Sendable {
    public var from: Address?
    public var to: Address?
    public var gas: UInt64?
    public var gasPrice: UInt256?
    public var maxFeePerGas: UInt256?
    public var maxPriorityFeePerGas: UInt256?
    public var value: UInt256?
    public var data: [UInt8]
    public var accessList: AccessList
    public var nonce: UInt64?

    public init(from: Address? = nil, to: Address? = nil, gas: UInt64? = nil, gasPrice: UInt256? = nil,
                maxFeePerGas: UInt256? = nil, maxPriorityFeePerGas: UInt256? = nil, value: UInt256? = nil,
                data: [UInt8] = [], accessList: AccessList = .empty, nonce: UInt64? = nil) {
        self.from = from; self.to = to; self.gas = gas; self.gasPrice = gasPrice; self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas; self.value = value; self.data = data
        self.accessList = accessList; self.nonce = nonce
    }
}

/// What a simulated message did.
public struct CallOutcome: Sendable {
    public var status: StatusCode
    public var output: [UInt8]
    public var gasUsed: UInt64
    public var succeeded: Bool { status == .success }
}

/// Why a message could not be simulated.
public enum CallError: Error, Sendable, CustomStringConvertible {
    /// The block is not known.
    case unknownBlock
    /// The message is not valid as a transaction (funds, fee cap, intrinsic gas, …).
    case invalid(ExecutionError)
    /// The state could not be read.
    case state(StateError)
    /// The fork at that block is not implemented.
    case unsupportedFork(Fork)
    /// No gas limit up to the cap lets the message succeed; `last` is its outcome at the cap.
    case gasRequiredExceedsAllowance(UInt64, last: CallOutcome?)
    /// The time limit passed before the simulation finished.
    case timeout(Duration)
    /// An ancestor's hash (BLOCKHASH) could not be read.
    case ancestors(String)
    /// The call targets a confidential contract: its code and state exist only inside
    /// enclaves, so it is never simulated in the clear (CONFIDENTIAL.md section 5.2).
    case confidentialContract(Address)

    public var description: String {
        switch self {
        case .unknownBlock: "header not found"
        case .invalid(let e): "\(e)"
        case .state(let e): "\(e)"
        case .unsupportedFork(let f): "fork \(f) is not supported by this EVM"
        case .gasRequiredExceedsAllowance(let cap, _): "gas required exceeds allowance (\(cap))"
        case .timeout(let limit): "execution aborted (timeout = \(limit))"
        case .ancestors(let why): "\(why)"
        case .confidentialContract(let a): "\(a) is a confidential contract: its code and state exist only inside enclaves; call it with a 0x40 transaction or read it with conf_call (a signed view call)"
        }
    }
}

extension Blockchain {
    /// Runs `request` on the state after block `hash` in a block environment like the next
    /// block's, writing nothing. Without fee fields the message pays nothing (base fee
    /// treated as zero, as go-ethereum's `eth_call` does). `gasCap` bounds the gas and
    /// `timeout` the wall-clock time, both enforced inside the interpreter loop.
    public func call(_ request: CallRequest, atHash hash: Hash32, gasCap: UInt64,
                     timeout: Duration? = nil) throws(CallError) -> CallOutcome {
        guard let header = self.header(hash: hash)?.header else { throw .unknownBlock }
        let gas = min(request.gas ?? min(gasCap, header.gasLimit), gasCap)
        let limit = TimeLimit(timeout)
        return try simulate(request, on: header, blockHash: hash, gas: gas, limit: limit)
    }

    /// The least gas limit with which `request` succeeds (binary search; reverts and
    /// other failures at the highest allowed limit are reported with their outcome).
    /// `timeout` bounds the whole search, not each probe.
    public func estimateGas(_ request: CallRequest, atHash hash: Hash32, gasCap: UInt64,
                            timeout: Duration? = nil) throws(CallError) -> UInt64 {
        guard let header = self.header(hash: hash)?.header else { throw .unknownBlock }
        let limit = TimeLimit(timeout)
        var hi = min(request.gas ?? header.gasLimit, gasCap)
        let atCap = try simulate(request, on: header, blockHash: hash, gas: hi, limit: limit)
        guard atCap.succeeded else { throw .gasRequiredExceedsAllowance(hi, last: atCap) }
        // Optimistic first probe: what it used plus the 63/64 reserve calls may need.
        var lo = max(atCap.gasUsed, 21_000) - 1
        let (scaled, overflow) = (atCap.gasUsed / 63 + 37).multipliedReportingOverflow(by: 64)
        let guess = overflow ? hi : min(hi, scaled)
        do {
            if guess < hi, try simulate(request, on: header, blockHash: hash, gas: guess, limit: limit).succeeded { hi = guess }
        } catch {
            if case .timeout = error { throw error }
        }
        while lo + 1 < hi {
            let mid = lo + (hi - lo) / 2
            let ok: Bool
            do { ok = try simulate(request, on: header, blockHash: hash, gas: mid, limit: limit).succeeded } catch {
                // Too little gas to be valid (intrinsic gas): move up.
                guard case .invalid = error else { throw error }
                ok = false
            }
            if ok { hi = mid } else { lo = mid }
        }
        return hi
    }

    private func simulate(_ request: CallRequest, on parent: Header, blockHash: Hash32, gas: UInt64,
                          limit: TimeLimit) throws(CallError) -> CallOutcome {
        if let to = request.to, isConfidentialContract(to, at: blockHash) { throw .confidentialContract(to) }
        let reader: any StateReader
        do {
            guard let r = try stateReader(atHash: blockHash) else { throw CallError.unknownBlock }
            reader = r
        } catch let e as CallError { throw e } catch { throw .state(error as? StateError ?? .corruptRecord(table: "", reason: "\(error)")) }
        let state = StateDB(base: reader)
        let from = request.from ?? .zero
        let nonce: UInt64
        do { nonce = try state.nonce(from) } catch { throw .state(error) }
        let pricedByFields = request.gasPrice != nil || request.maxFeePerGas != nil || request.maxPriorityFeePerGas != nil
        // The environment of the block after `parent`, as a pending block would have it.
        var next = parent
        next.number = parent.number + 1
        next.timestamp = max(parent.timestamp + (config.clique?.period ?? 0), parent.timestamp)
        next.baseFeePerGas = config.isLondon(next.number) ? HeaderRules.expectedBaseFee(parent: parent, config: config) : nil
        let fork = config.fork(atBlock: next.number, timestamp: next.timestamp)
        guard let processor = executor.checkOut(fork) else { throw .unsupportedFork(fork) }
        processor.interpreter.deadline = limit.deadline
        defer {
            processor.interpreter.deadline = nil
            executor.checkIn(processor)
        }
        let author = (try? engine.author(of: parent)) ?? parent.beneficiary
        guard let parentSealed = self.header(hash: blockHash) else { throw .unknownBlock }
        let ancestors = AncestorHashes(parent: parentSealed, reader: headers)
        var env = executor.environment(for: next, author: author, blockHashes: { ancestors.hash($0) })
        if !pricedByFields { env.baseFee = .zero }
        let tx: Transaction
        let value = request.value ?? .zero
        if fork >= .london && (request.gasPrice == nil || request.maxFeePerGas != nil) {
            let cap = request.maxFeePerGas ?? (pricedByFields ? env.baseFee &+ (request.maxPriorityFeePerGas ?? .zero) : .zero)
            tx = .dynamicFee(DynamicFeeTransaction(chainID: config.chainID, nonce: nonce,
                                                   maxPriorityFeePerGas: min(request.maxPriorityFeePerGas ?? .zero, cap),
                                                   maxFeePerGas: cap, gasLimit: gas, to: request.to, value: value,
                                                   data: request.data, accessList: request.accessList))
        } else if !request.accessList.entries.isEmpty && fork >= .berlin {
            tx = .accessList(AccessListTransaction(chainID: config.chainID, nonce: nonce, gasPrice: request.gasPrice ?? .zero,
                                                   gasLimit: gas, to: request.to, value: value, data: request.data,
                                                   accessList: request.accessList))
        } else {
            tx = .legacy(LegacyTransaction(chainID: config.chainID, nonce: nonce, gasPrice: request.gasPrice ?? .zero,
                                           gasLimit: gas, to: request.to, value: value, data: request.data))
        }
        // An unsigned message: the signature is a placeholder never checked.
        let placeholder = Secp256k1.RecoverableSignature(r: .one, s: .one, recoveryID: 0)
        guard let signed = try? SignedTransaction(transaction: tx, signature: placeholder) else { throw .unknownBlock }
        let recovered = RecoveredTransaction(unchecked: signed, sender: from)
        let outcome: TransactionOutcome
        do { outcome = try processor.apply(recovered, to: state, in: env, gasAvailable: UInt64.max) } catch {
            switch error {
            case .interrupted: throw .timeout(limit.duration ?? .zero)
            case .state(let e): throw .state(e)
            default: throw .invalid(error)
            }
        }
        if let failure = ancestors.failure { throw .ancestors(failure) }
        return CallOutcome(status: outcome.status, output: outcome.output, gasUsed: outcome.gasUsed)
    }
}

/// A wall-clock budget for one simulation (or a whole gas estimate): the deadline
/// the interpreter checks, fixed when the request starts.
struct TimeLimit {
    let duration: Duration?
    let deadline: ContinuousClock.Instant?

    init(_ duration: Duration?) {
        self.duration = duration
        deadline = duration.map { ContinuousClock.now + $0 }
    }
}
