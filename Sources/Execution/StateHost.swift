public import Primitives
public import ChainTypes
public import State
public import EVM

/// The EVM's ``Host`` over a ``StateDB`` for one transaction: call and creation
/// semantics (value transfer, snapshots and reverts, CREATE/CREATE2 addresses,
/// code deposit rules), precompiles, EIP-2929 access lists, EIP-1153 transient
/// storage, logs and SELFDESTRUCT (EIP-6780 from Cancun).
///
/// Everything transaction-scoped is journaled with the state, so a reverted frame
/// undoes its warm marks, transient writes, logs and self-destructs too. A state
/// read or write failure is recorded in ``failure`` (the EVM cannot throw); the
/// transaction processor checks it and abandons the block.
/// Not thread-safe: one transaction at a time.
public final class StateHost: Host {
    public let state: StateDB
    public let context: ExecutionContext
    let interpreter: Interpreter
    let rules: ForkRules
    let precompiles: [Address: PrecompiledContract]
    let blockHashes: @Sendable (UInt64) -> Hash32

    private var warmAccounts: Set<Address> = []
    private var warmSlots: Set<SlotKey> = []
    private var transient: [SlotKey: UInt256] = [:]
    public private(set) var logs: [Log] = []
    private var destructed: [Address] = []
    private var createdInTransaction: Set<Address> = []
    private var journal: [HostChange] = []
    /// Whether 0x03 has been touched in this transaction (see ``touch(_:)``); never journaled.
    private var ripemd160Touched = false

    /// The first state failure, if any; the transaction's results are void when set.
    public private(set) var failure: StateError?

    public init(state: StateDB, context: ExecutionContext, interpreter: Interpreter,
                precompiles: [Address: PrecompiledContract], blockHashes: @escaping @Sendable (UInt64) -> Hash32) {
        self.state = state; self.context = context; self.interpreter = interpreter; self.rules = interpreter.rules
        self.precompiles = precompiles; self.blockHashes = blockHashes
    }

    struct SlotKey: Hashable {
        let address: Address
        let key: UInt256

        /// The slot's word hash under the address's (see `WordHash`): two multiplications
        /// per part instead of a `Hasher` pass over seven words, on every SLOAD and SSTORE.
        func _rawHashValue(seed: Int) -> Int {
            WordHash.hash(seed: address._rawHashValue(seed: seed), key.w0, key.w1, key.w2, key.w3)
        }
    }

    enum HostChange {
        case warmedAccount(Address)
        case warmedSlot(SlotKey)
        case transient(SlotKey, previous: UInt256?)
        case log
        case destructed
        case created(Address)
    }

    // MARK: Snapshots

    struct Snapshot { let state: Int; let host: Int }

    func snapshot() -> Snapshot { Snapshot(state: state.snapshot(), host: journal.count) }

    func revert(to s: Snapshot) {
        state.revert(to: s.state)
        if ripemd160Touched { state.touch(Self.ripemd160) }
        while journal.count > s.host {
            switch journal.removeLast() {
            case .warmedAccount(let a): warmAccounts.remove(a)
            case .warmedSlot(let k): warmSlots.remove(k)
            case .transient(let k, let previous): transient[k] = previous
            case .log: logs.removeLast()
            case .destructed: destructed.removeLast()
            case .created(let a): createdInTransaction.remove(a)
            }
        }
    }

    /// Runs a state call, recording the first failure and returning `fallback` instead.
    @inline(__always)
    func guarded<T>(_ fallback: T, _ body: () throws(StateError) -> T) -> T {
        do { return try body() } catch {
            if failure == nil { failure = error }
            return fallback
        }
    }

    /// The RIPEMD-160 precompile's address, 0x03.
    static let ripemd160 = Address([UInt8](repeating: 0, count: 19) + [3])!

    /// Marks `address` touched (EIP-161). A touch of 0x03 outlives the revert of the frame
    /// that made it: on mainnet (block 2,675,119) the empty account 0x03 was deleted although
    /// the call that touched it ran out of gas, and every client keeps that behaviour
    /// (execution-specs' `incorporate_child_on_error`, go-ethereum's journal).
    private func touch(_ address: Address) {
        state.touch(address)
        if address == Self.ripemd160 { ripemd160Touched = true }
    }

    /// Warms an address without journaling (transaction set-up: EIP-2929/2930/3651).
    public func prewarm(_ address: Address) { warmAccounts.insert(address) }
    public func prewarm(_ address: Address, slot: UInt256) { warmSlots.insert(SlotKey(address: address, key: slot)) }

    // MARK: Host — reads

    public func accountExists(_ address: Address) -> Bool { guarded(false) { () throws(StateError) in try state.exists(address) } }
    public func accountIsEmpty(_ address: Address) -> Bool { guarded(true) { () throws(StateError) in try state.isEmpty(address) } }
    public func balance(_ address: Address) -> UInt256 { guarded(.zero) { () throws(StateError) in try state.balance(address) } }
    public func code(_ address: Address) -> [UInt8] { guarded([]) { () throws(StateError) in try state.code(address) } }
    public func codeSize(_ address: Address) -> Int { code(address).count }

    public func codeHash(_ address: Address) -> Hash32 {
        guarded(.zero) { () throws(StateError) in
            try state.isEmpty(address) ? .zero : (try state.codeHash(address) ?? .zero)
        }
    }

    public func storage(_ address: Address, _ key: UInt256) -> UInt256 {
        guarded(.zero) { () throws(StateError) in try state.storage(address, slot: key) }
    }

    public func originalStorage(_ address: Address, _ key: UInt256) -> UInt256 {
        guarded(.zero) { () throws(StateError) in try state.originalStorage(address, slot: key) }
    }

    public func setStorage(_ address: Address, _ key: UInt256, _ value: UInt256) {
        guarded(()) { () throws(StateError) in try state.setStorage(address, slot: key, value) }
    }

    public func transientStorage(_ address: Address, _ key: UInt256) -> UInt256 {
        transient[SlotKey(address: address, key: key)] ?? .zero
    }

    public func setTransientStorage(_ address: Address, _ key: UInt256, _ value: UInt256) {
        let k = SlotKey(address: address, key: key)
        journal.append(.transient(k, previous: transient[k]))
        transient[k] = value
    }

    public func accessAccount(_ address: Address) -> AccessStatus {
        if warmAccounts.insert(address).inserted {
            journal.append(.warmedAccount(address))
            return .cold
        }
        return .warm
    }

    public func accessStorage(_ address: Address, _ key: UInt256) -> AccessStatus {
        let k = SlotKey(address: address, key: key)
        if warmSlots.insert(k).inserted {
            journal.append(.warmedSlot(k))
            return .cold
        }
        return .warm
    }

    public func emitLog(_ log: Log) {
        logs.append(log)
        journal.append(.log)
    }

    public func blockHash(_ number: UInt64) -> Hash32 { blockHashes(number) }

    // MARK: Host — SELFDESTRUCT

    public func selfDestruct(_ address: Address, beneficiary: Address) -> Bool {
        guarded(false) { () throws(StateError) -> Bool in
            let balance = try state.balance(address)
            let first = !destructed.contains(address)
            if rules.selfDestructOnlyInCreatingTransaction && !createdInTransaction.contains(address) {
                // EIP-6780: only the balance moves (a transfer to itself changes nothing).
                if beneficiary != address {
                    try state.subtractBalance(address, balance)
                    try state.addBalance(beneficiary, balance)
                    touch(beneficiary)
                }
                return first
            }
            try state.addBalance(beneficiary, balance)
            touch(beneficiary)
            try state.setBalance(address, .zero)
            if first {
                destructed.append(address)
                journal.append(.destructed)
            }
            return first
        }
    }

    // MARK: Host — calls and creations

    public func call(_ message: Message) -> ExecutionResult {
        let result = message.kind.isCreate ? create(message) : callFrame(message)
        if failure != nil { return ExecutionResult(status: .internalError, gasLeft: 0) }
        return result
    }

    private func transfer(from: Address, to: Address, _ value: UInt256) throws(StateError) {
        try state.subtractBalance(from, value)
        try state.addBalance(to, value)
        touch(from)
        touch(to)
    }

    private func callFrame(_ m: Message) -> ExecutionResult {
        let precompile = precompiles[m.codeAddress]
        let snap = snapshot()
        do {
            if m.kind == .call {
                if try !state.exists(m.recipient) && precompile == nil && m.value.isZero {
                    // EIP-161: calling a missing account with no value creates nothing.
                    return ExecutionResult(status: .success, gasLeft: m.gas)
                }
                try transfer(from: m.sender, to: m.recipient, m.value)
            } else if m.kind == .callCode {
                try transfer(from: m.sender, to: m.sender, m.value)
            } else if m.kind == .staticCall {
                // A zero-value touch, as go-ethereum does: an empty target is deleted at the end (EIP-161).
                try state.addBalance(m.recipient, .zero)
                touch(m.recipient)
            }
        } catch {
            if failure == nil { failure = error }
            return ExecutionResult(status: .internalError, gasLeft: 0)
        }
        var result: ExecutionResult
        if let precompile {
            let cost = precompile.gasCost(m.input, rules.fork)
            if UInt64(m.gas) < cost {
                result = ExecutionResult(status: .outOfGas, gasLeft: 0)
            } else if let output = precompile.execute(m.input) {
                result = ExecutionResult(status: .success, gasLeft: m.gas - Int64(cost), output: output)
            } else {
                result = ExecutionResult(status: .precompileFailure, gasLeft: 0)
            }
        } else {
            let code = self.code(m.codeAddress)
            if code.isEmpty {
                result = ExecutionResult(status: .success, gasLeft: m.gas)
            } else {
                let hash = guarded(nil) { () throws(StateError) in try state.codeHash(m.codeAddress) }
                result = interpreter.execute(m, code: interpreter.analyze(code, hash: hash), host: self)
            }
        }
        if result.status != .success { revert(to: snap) }
        return result
    }

    /// The address of a CREATE: the last 20 bytes of keccak(rlp([sender, nonce])).
    public static func createAddress(sender: Address, nonce: UInt64) -> Address {
        var e = RLPEncoder()
        e.appendList { e in e.append(sender); e.append(nonce) }
        return Address(Keccak256.hash(e.bytes).bytes.suffix(20))!
    }

    /// The address of a CREATE2: the last 20 bytes of keccak(0xff ‖ sender ‖ salt ‖ keccak(initcode)).
    public static func create2Address(sender: Address, salt: UInt256, initcode: [UInt8]) -> Address {
        let preimage = [0xff] + sender.bytes + salt.bigEndianBytes + Keccak256.hash(initcode).bytes
        return Address(Keccak256.hash(preimage).bytes.suffix(20))!
    }

    private func create(_ m: Message) -> ExecutionResult {
        do {
            let nonce = try state.nonce(m.sender)
            guard nonce < UInt64.max else { return ExecutionResult(status: .success, gasLeft: m.gas) }  // EIP-2681: the create fails, gas returned
            try state.setNonce(m.sender, nonce + 1)
            let address = m.kind == .create2
                ? Self.create2Address(sender: m.sender, salt: m.salt, initcode: m.input)
                : Self.createAddress(sender: m.sender, nonce: nonce)
            _ = accessAccount(address)  // EIP-2929: stays warm even if the creation fails
            if let existing = try state.account(address), existing.nonce != 0 || existing.codeHash != .emptyKeccak || existing.storageRoot != .emptyTrieRoot {
                // EIP-684 (and EIP-7610: storage counts too).
                return ExecutionResult(status: .createCollision, gasLeft: 0)
            }
            let snap = snapshot()
            try state.createAccount(address)
            try state.setNonce(address, 1)  // EIP-161
            try transfer(from: m.sender, to: address, m.value)
            if createdInTransaction.insert(address).inserted { journal.append(.created(address)) }

            var frame = m
            frame.recipient = address
            frame.codeAddress = address
            frame.input = []  // initcode is the code, not call data
            var result = interpreter.execute(frame, code: interpreter.analyze(m.input, hash: nil), host: self)
            if failure != nil { return ExecutionResult(status: .internalError, gasLeft: 0) }
            if result.status == .success {
                let code = result.output
                let depositCost = Int64(200 * code.count)
                if code.count > ForkRules.maxCodeSize || (rules.rejectsEFCode && code.first == 0xef) {
                    result = ExecutionResult(status: .contractValidationFailure, gasLeft: 0)
                } else if result.gasLeft < depositCost {
                    result = ExecutionResult(status: .outOfGas, gasLeft: 0)
                } else {
                    result.gasLeft -= depositCost
                    try state.setCode(address, code)
                    result.output = []
                    result.createdAddress = address
                    return result
                }
            }
            revert(to: snap)
            return result
        } catch {
            if failure == nil { failure = error }
            return ExecutionResult(status: .internalError, gasLeft: 0)
        }
    }

    // MARK: End of transaction

    /// Deletes self-destructed accounts and (from Spurious Dragon) touched empty ones.
    public func finalizeTransaction() throws(StateError) {
        for address in destructed { try state.destroyAccount(address) }
        try state.finalizeTransaction(deleteEmptyTouched: true)
    }
}
