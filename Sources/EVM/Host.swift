public import Primitives
public import ChainTypes

/// Everything the interpreter needs from the world, and nothing else (evmone's
/// `Host`): accounts and storage, access lists (EIP-2929), transient storage
/// (EIP-1153), logs, nested calls and creations, and the block and transaction
/// context.
///
/// The host owns call semantics — value transfer, snapshots and reverts, address
/// derivation, code deposit, precompiles — and runs nested frames by calling back
/// into an ``Interpreter``. Methods do not throw: a host whose storage fails
/// records the failure, answers with defaults, and its caller aborts the block.
public protocol Host: AnyObject {
    /// Whether the account exists (for CALL's new-account charge: EIP-161 "empty" from Spurious Dragon).
    func accountExists(_ address: Address) -> Bool
    /// Whether the account is absent or empty (no code, zero nonce and balance).
    func accountIsEmpty(_ address: Address) -> Bool
    func balance(_ address: Address) -> UInt256
    func code(_ address: Address) -> [UInt8]
    func codeSize(_ address: Address) -> Int
    /// EXTCODEHASH: zero for an absent or empty account (EIP-1052, EIP-161).
    func codeHash(_ address: Address) -> Hash32

    func storage(_ address: Address, _ key: UInt256) -> UInt256
    /// The slot's value at the start of the transaction (EIP-2200 "original").
    func originalStorage(_ address: Address, _ key: UInt256) -> UInt256
    func setStorage(_ address: Address, _ key: UInt256, _ value: UInt256)

    func transientStorage(_ address: Address, _ key: UInt256) -> UInt256
    func setTransientStorage(_ address: Address, _ key: UInt256, _ value: UInt256)

    /// Marks the account warm and says whether it was cold (EIP-2929).
    func accessAccount(_ address: Address) -> AccessStatus
    /// Marks the slot warm and says whether it was cold (EIP-2929).
    func accessStorage(_ address: Address, _ key: UInt256) -> AccessStatus

    /// SELFDESTRUCT: moves the balance to `beneficiary` and, under the fork's rules,
    /// schedules deletion. Returns whether this is the first selfdestruct of `address`
    /// in the transaction (for the pre-London refund).
    func selfDestruct(_ address: Address, beneficiary: Address) -> Bool

    func emitLog(_ log: Log)

    /// Runs a nested call or creation (the interpreter has charged gas and checked depth).
    func call(_ message: Message) -> ExecutionResult

    /// BLOCKHASH for one of the 256 most recent blocks (the interpreter checks the range).
    func blockHash(_ number: UInt64) -> Hash32

    /// The block and transaction the code runs in.
    var context: ExecutionContext { get }
}

/// Whether an account or slot had been accessed before in the transaction.
public enum AccessStatus: Sendable { case cold, warm }

/// The block and transaction a frame runs in (the environment opcodes read it).
public struct ExecutionContext: Sendable {
    public var origin: Address
    public var gasPrice: UInt256
    public var coinbase: Address
    public var number: UInt64
    public var timestamp: UInt64
    public var gasLimit: UInt64
    /// DIFFICULTY before the merge, PREVRANDAO after.
    public var prevRandao: UInt256
    public var chainID: UInt256
    public var baseFee: UInt256
    public var blobBaseFee: UInt256
    public var blobHashes: [Hash32]

    public init(origin: Address = .zero, gasPrice: UInt256 = .zero, coinbase: Address = .zero, number: UInt64 = 0,
                timestamp: UInt64 = 0, gasLimit: UInt64 = 0, prevRandao: UInt256 = .zero, chainID: UInt256 = .zero,
                baseFee: UInt256 = .zero, blobBaseFee: UInt256 = .zero, blobHashes: [Hash32] = []) {
        self.origin = origin; self.gasPrice = gasPrice; self.coinbase = coinbase; self.number = number
        self.timestamp = timestamp; self.gasLimit = gasLimit; self.prevRandao = prevRandao; self.chainID = chainID
        self.baseFee = baseFee; self.blobBaseFee = blobBaseFee; self.blobHashes = blobHashes
    }
}

/// The kind of a frame.
public enum CallKind: Sendable, Equatable {
    case call, delegateCall, callCode, staticCall, create, create2
    public var isCreate: Bool { self == .create || self == .create2 }
}

/// A call or creation: what a frame runs, for whom, with what.
public struct Message: Sendable {
    public var kind: CallKind
    /// No state changes allowed (STATICCALL and everything below it).
    public var isStatic: Bool
    /// 0 for the transaction's own frame.
    public var depth: Int
    public var gas: Int64
    /// The account whose storage and balance the code acts on (for CREATE: the new address, set by the host).
    public var recipient: Address
    /// CALLER.
    public var sender: Address
    public var input: [UInt8]
    /// CALLVALUE (for DELEGATECALL, the parent's value; no transfer).
    public var value: UInt256
    /// Whose code runs (differs from `recipient` for DELEGATECALL and CALLCODE).
    public var codeAddress: Address
    /// CREATE2's salt.
    public var salt: UInt256

    public init(kind: CallKind, isStatic: Bool = false, depth: Int = 0, gas: Int64, recipient: Address = .zero,
                sender: Address = .zero, input: [UInt8] = [], value: UInt256 = .zero, codeAddress: Address = .zero,
                salt: UInt256 = .zero) {
        self.kind = kind; self.isStatic = isStatic; self.depth = depth; self.gas = gas; self.recipient = recipient
        self.sender = sender; self.input = input; self.value = value; self.codeAddress = codeAddress; self.salt = salt
    }
}

/// How a frame ended.
public enum StatusCode: Sendable, Equatable {
    case success
    /// REVERT: state changes undone, remaining gas returned, output is the revert data.
    case revert
    case outOfGas
    case invalidInstruction         // 0xFE INVALID
    case undefinedInstruction
    case stackOverflow
    case stackUnderflow
    case badJumpDestination
    /// RETURNDATACOPY past the end of the return data.
    case invalidMemoryAccess
    case staticModeViolation
    /// Code deposit of a creation failed: 0xEF prefix (EIP-3541) or over EIP-170's size limit.
    case contractValidationFailure
    /// The new address already has code or a nonce.
    case createCollision
    case precompileFailure
    /// The host could not read or write state (the block must be abandoned).
    case internalError
    /// Execution passed the interpreter's ``Interpreter/deadline`` (simulations only):
    /// the whole message is abandoned, as with ``internalError``.
    case interrupted

    /// Everything but success and revert consumes all the frame's gas.
    public var consumesAllGas: Bool { self != .success && self != .revert }

    /// Whether the status ends the whole message at once rather than just its frame
    /// (a state failure or a passed deadline): callers propagate it unchanged.
    public var abortsMessage: Bool { self == .internalError || self == .interrupted }
}

/// The result of a frame.
public struct ExecutionResult: Sendable {
    public var status: StatusCode
    public var gasLeft: Int64
    /// Net refund counter change made by this frame and its successful children.
    public var gasRefund: Int64
    public var output: [UInt8]
    /// The created contract's address (CREATE/CREATE2 success).
    public var createdAddress: Address?

    public init(status: StatusCode, gasLeft: Int64, gasRefund: Int64 = 0, output: [UInt8] = [], createdAddress: Address? = nil) {
        self.status = status; self.gasLeft = gasLeft; self.gasRefund = gasRefund; self.output = output
        self.createdAddress = createdAddress
    }
}
