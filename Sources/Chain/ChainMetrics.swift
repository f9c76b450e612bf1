package import CoreMetrics
import Attestation
import ConfidentialState
import Primitives

/// The chain's metrics (swift-metrics; the node exports them in Prometheus' text format).
/// Names follow Prometheus' conventions: `cloister_` prefix, base units, `_total` on
/// counters. Labels take values from closed sets only (case names, never input), so a
/// hostile peer or client cannot grow the number of series.
enum ChainMetrics {
    /// Blocks imported, by outcome: `extended`, `reorganized`, `side_chain`.
    static func imported(_ kind: ImportResult.Kind) -> Counter {
        switch kind {
        case .extended: importedExtended
        case .reorganized: importedReorganized
        case .sideChain: importedSideChain
        case .alreadyKnown: importedAlreadyKnown
        }
    }

    // One counter per outcome, made at first use (after the node has bootstrapped swift-metrics).
    private static let importedExtended = importedCounter("extended")
    private static let importedReorganized = importedCounter("reorganized")
    private static let importedSideChain = importedCounter("side_chain")
    private static let importedAlreadyKnown = importedCounter("already_known")
    private static func importedCounter(_ outcome: String) -> Counter {
        Counter(label: "cloister_chain_blocks_imported_total", dimensions: [("outcome", outcome)])
    }

    /// Blocks refused, by the rule that failed.
    static func refused(_ error: BlockImportError) -> Counter {
        Counter(label: "cloister_chain_blocks_refused_total", dimensions: [("reason", error.metricReason)])
    }

    /// Time to verify, execute and store one block.
    static let importDuration = CoreMetrics.Timer(label: "cloister_chain_block_import_seconds")
    /// Gas of the blocks imported; `rate()` of it / 1e6 is Mgas/s.
    static let importedGas = Counter(label: "cloister_chain_imported_gas_total")
    /// Mgas/s of the last imported block that used gas (its gas over its import time).
    static let lastImportRate = Gauge(label: "cloister_chain_last_import_mgas_per_second")
    /// Reorganisations of the canonical chain, and how many blocks each one removed.
    static let reorgs = Counter(label: "cloister_chain_reorgs_total")
    static let reorgDepth = Recorder(label: "cloister_chain_reorg_depth_blocks", aggregate: true)

    /// The quote verifier's verdicts on enclave joins (`0x41`) this node executed, by the
    /// check that failed (`passed` when all ten held).
    static func attestationVerdict(_ outcome: RegistryOutcome) {
        let check = switch outcome {
        case .applied: "passed"
        case .joinFailed(let e): e.check.metricLabel
        }
        Counter(label: "cloister_attestation_verdicts_total", dimensions: [("check", check)]).increment()
    }

    /// Transactions the pool admitted.
    static let poolAdmitted = Counter(label: "cloister_txpool_admitted_total")
    /// Transactions the pool refused, by reason.
    static func poolRejected(_ error: PoolError) -> Counter {
        Counter(label: "cloister_txpool_rejected_total", dimensions: [("reason", error.metricReason)])
    }
}

package extension CoreMetrics.Timer {
    /// Records a measured `Duration` (saturating at Int64.max nanoseconds).
    func record(_ duration: Duration) {
        recordNanoseconds(duration.saturatingNanoseconds)
    }
}

extension BlockImportError {
    /// The rule that failed, as a metric label (one value per case).
    var metricReason: String {
        switch self {
        case .unknownParent: "unknown_parent"
        case .invalidNumber: "invalid_number"
        case .format: "header_format"
        case .invalidGasLimit: "invalid_gas_limit"
        case .gasUsedAboveLimit: "gas_used_above_limit"
        case .invalidBaseFee: "invalid_base_fee"
        case .consensus: "consensus"
        case .transactionsRootMismatch: "transactions_root"
        case .unclesNotAllowed: "uncles"
        case .invalidTransaction: "invalid_transaction"
        case .transactionFailed: "transaction_failed"
        case .invalidSystemTransaction: "invalid_system_transaction"
        case .invalidConfidentialTransaction: "invalid_confidential_transaction"
        case .invalidSection: "invalid_section"
        case .faultyParent: "faulty_parent"
        case .unsupportedFork: "unsupported_fork"
        case .gasUsedMismatch: "gas_used"
        case .receiptsRootMismatch: "receipts_root"
        case .bloomMismatch: "bloom"
        case .stateRootMismatch: "state_root"
        case .staleParent: "stale_parent"
        case .storage: "storage"
        case .state: "state"
        case .corrupt: "corrupt"
        }
    }
}

extension PoolError {
    /// Why, as a metric label (one value per case).
    var metricReason: String {
        switch self {
        case .alreadyKnown: "already_known"
        case .nonceTooLow: "nonce_too_low"
        case .insufficientFunds: "insufficient_funds"
        case .replacementUnderpriced: "replacement_underpriced"
        case .underpriced: "underpriced"
        case .intrinsicGasTooLow: "intrinsic_gas_too_low"
        case .invalidChainID: "invalid_chain_id"
        case .oversized: "oversized"
        case .gasLimitExceeded: "gas_limit_exceeded"
        case .tipAboveFeeCap: "tip_above_fee_cap"
        case .typeNotSupported: "type_not_supported"
        case .initcodeTooLarge: "initcode_too_large"
        case .invalidSender: "invalid_sender"
        case .senderHasCode: "sender_has_code"
        case .poolFull: "pool_full"
        case .futureReplacingPending: "future_replacing_pending"
        case .invalid: "invalid"
        case .systemTransactionRefused: "system_transaction_refused"
        case .confidentialRefused: "confidential_refused"
        }
    }
}

extension AttestationCheck {
    /// The check as a metric label (`identity`, `tcb_level`, …).
    var metricLabel: String {
        switch self {
        case .format: "format"
        case .chainToRoot: "chain_to_root"
        case .validity: "validity"
        case .signatures: "signatures"
        case .qeIdentity: "qe_identity"
        case .tcbLevel: "tcb_level"
        case .debugOff: "debug_off"
        case .identity: "identity"
        case .keyBinding: "key_binding"
        case .freshness: "freshness"
        }
    }
}
