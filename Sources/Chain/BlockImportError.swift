public import Primitives
public import ChainTypes
public import Consensus
public import State
public import Execution
public import Storage

/// Why a block was refused. Each case names the rule that failed; a refused block
/// changes nothing (no header, body, receipt or state of it is written).
public enum BlockImportError: Error, Sendable, CustomStringConvertible {
    /// The parent block is not known.
    case unknownParent(Hash32)
    /// The number is not the parent's plus one.
    case invalidNumber(got: UInt64, expected: UInt64)
    /// The header has the wrong optional fields for its fork (base fee before/after London, …).
    case format(HeaderFormatError)
    /// The gas limit moved by parent/1024 or more, or fell below 5000.
    case invalidGasLimit(have: UInt64, parent: UInt64)
    /// The header uses more gas than its limit.
    case gasUsedAboveLimit(used: UInt64, limit: UInt64)
    /// The base fee is not the EIP-1559 value computed from the parent.
    case invalidBaseFee(have: UInt256, want: UInt256)
    /// The consensus engine refused the header (seal, signer, difficulty, timestamp, …).
    case consensus(ConsensusError)
    /// The transactions do not hash to the header's transactions root.
    case transactionsRootMismatch(have: Hash32, computed: Hash32)
    /// The block carries uncles (a proof-of-authority chain has none).
    case unclesNotAllowed
    /// A transaction is not valid under the block's fork and chain (type, chain id, signature).
    case invalidTransaction(index: Int, TransactionError)
    /// A transaction could not be applied (nonce, balance, fee cap, block gas).
    case transactionFailed(index: Int, hash: Hash32, ExecutionError)
    /// A system transaction (`0x41`–`0x44`) breaks a rule of CONFIDENTIAL.md section 7
    /// (not a signer at the parent, wrong nonce, no confidential module, a registry rule).
    case invalidSystemTransaction(index: Int, hash: Hash32, reason: String)
    /// A confidential transaction (`0x40`) breaks a rule of CONFIDENTIAL.md section 5.2
    /// (epoch, generation, suite, nonce, fees, block gas).
    case invalidConfidentialTransaction(index: Int, hash: Hash32, reason: String)
    /// The block's confidential section is missing, or fails a keyless check of section 8, step 4.
    case invalidSection(String)
    /// The fork in force at this block is not one the EVM implements.
    case unsupportedFork(Fork)
    /// Execution used a different amount of gas than the header says.
    case gasUsedMismatch(header: UInt64, computed: UInt64)
    /// Execution's receipts do not hash to the header's receipts root.
    case receiptsRootMismatch(have: Hash32, computed: Hash32)
    /// Execution's logs do not give the header's bloom.
    case bloomMismatch
    /// Execution gives a different state root than the header's.
    case stateRootMismatch(have: Hash32, computed: Hash32)
    /// This node refuses to seal on the head: it or an ancestor is a confidential block its
    /// enclave re-executed differently (CONFIDENTIAL.md section 8, step 3).
    case faultyParent(String)
    /// A block built locally no longer sits on the head (another block arrived first).
    case staleParent(Hash32)
    /// Reading or writing the data directory failed.
    case storage(StorageError)
    /// The state could not be read or written.
    case state(StateError)
    /// A stored record could not be decoded.
    case corrupt(String)

    public var description: String {
        switch self {
        case .unknownParent(let h): "unknown parent \(h)"
        case .invalidNumber(let got, let expected): "invalid block number \(got) (expected \(expected))"
        case .format(let e): "invalid header: \(e)"
        case .invalidGasLimit(let have, let parent): "invalid gas limit: have \(have), parent \(parent) (may move by less than parent/1024, minimum 5000)"
        case .gasUsedAboveLimit(let used, let limit): "invalid gas used (remote: \(used) limit: \(limit))"
        case .invalidBaseFee(let have, let want): "invalid baseFee: have \(have), want \(want)"
        case .consensus(let e): "\(e)"
        case .transactionsRootMismatch(let have, let computed): "transaction root hash mismatch (header value \(have), calculated \(computed))"
        case .unclesNotAllowed: "uncles not allowed"
        case .invalidTransaction(let i, let e): "invalid transaction \(i): \(e)"
        case .transactionFailed(let i, let hash, let e): "could not apply tx \(i) [\(hash)]: \(e)"
        case .invalidSystemTransaction(let i, let hash, let reason): "invalid system transaction \(i) [\(hash)]: \(reason)"
        case .invalidConfidentialTransaction(let i, let hash, let reason): "invalid confidential transaction \(i) [\(hash)]: \(reason)"
        case .invalidSection(let reason): "invalid confidential section: \(reason)"
        case .unsupportedFork(let f): "fork \(f) is not supported by this EVM"
        case .gasUsedMismatch(let h, let c): "invalid gas used (remote: \(h) local: \(c))"
        case .receiptsRootMismatch(let have, let c): "invalid receipt root hash (remote: \(have) local: \(c))"
        case .bloomMismatch: "invalid bloom (remote and local differ)"
        case .stateRootMismatch(let have, let c): "invalid merkle root (remote: \(have) local: \(c))"
        case .faultyParent(let why): "not sealing: \(why)"
        case .staleParent(let h): "parent \(h) is no longer the head"
        case .storage(let e): "\(e)"
        case .state(let e): "\(e)"
        case .corrupt(let why): "corrupt chain data: \(why)"
        }
    }
}
