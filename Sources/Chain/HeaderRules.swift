public import Primitives
public import ChainTypes

/// The engine-independent header rules: number, format for the fork, gas limit
/// bound and the EIP-1559 base fee.
public enum HeaderRules {
    /// The gas limit may move by less than parent/1024 per block.
    public static let gasLimitBoundDivisor: UInt64 = 1024
    /// The lowest gas limit a block may have.
    public static let minimumGasLimit: UInt64 = 5000
    /// EIP-1559: the gas target is limit / 2.
    public static let elasticityMultiplier: UInt64 = 2
    /// EIP-1559: the base fee moves by at most 1/8 per block.
    public static let baseFeeChangeDenominator: UInt64 = 8

    /// Checks `header` against its parent: number, fork format, gas used, gas limit, base fee.
    public static func verify(_ header: Header, parent: Header, config: ChainConfig) throws(BlockImportError) {
        guard header.number == parent.number + 1 else {
            throw .invalidNumber(got: header.number, expected: parent.number + 1)
        }
        do { try config.checkFormat(of: header) } catch { throw .format(error) }
        guard header.gasUsed <= header.gasLimit else { throw .gasUsedAboveLimit(used: header.gasUsed, limit: header.gasLimit) }
        // At the London block the parent's limit counts twice (the target stays where the limit was).
        let parentLimit = config.isLondon(header.number) && !config.isLondon(parent.number)
            ? parent.gasLimit * elasticityMultiplier : parent.gasLimit
        try verifyGasLimit(header.gasLimit, parent: parentLimit)
        if config.isLondon(header.number) {
            let want = expectedBaseFee(parent: parent, config: config)
            guard header.baseFeePerGas == want else { throw .invalidBaseFee(have: header.baseFeePerGas ?? .zero, want: want) }
        }
    }

    static func verifyGasLimit(_ limit: UInt64, parent: UInt64) throws(BlockImportError) {
        let diff = limit > parent ? limit - parent : parent - limit
        guard diff < parent / gasLimitBoundDivisor, limit >= minimumGasLimit else {
            throw .invalidGasLimit(have: limit, parent: parent)
        }
    }

    /// The base fee of the block after `parent` (EIP-1559): the initial 1 gwei at the
    /// London block, then up or down by at most 1/8 as the parent used more or less
    /// than half its gas limit.
    public static func expectedBaseFee(parent: Header, config: ChainConfig) -> UInt256 {
        guard config.isLondon(parent.number), let parentFee = parent.baseFeePerGas else { return Genesis.initialBaseFee }
        let target = parent.gasLimit / elasticityMultiplier
        guard target > 0 else { return parentFee }
        if parent.gasUsed == target { return parentFee }
        if parent.gasUsed > target {
            let delta = (parentFee &* UInt256(parent.gasUsed - target)).dividedOrZero(by: UInt256(target))
                .dividedOrZero(by: UInt256(baseFeeChangeDenominator))
            return parentFee &+ max(delta, .one)
        }
        let delta = (parentFee &* UInt256(target - parent.gasUsed)).dividedOrZero(by: UInt256(target))
            .dividedOrZero(by: UInt256(baseFeeChangeDenominator))
        return delta >= parentFee ? .zero : parentFee &- delta
    }

    /// A gas limit moving from the parent's toward `desired` by the most one block allows.
    public static func nextGasLimit(parent: UInt64, desired: UInt64) -> UInt64 {
        let step = parent / gasLimitBoundDivisor - 1
        if parent < desired { return min(parent + step, desired) }
        if parent > desired { return max(parent - step, max(desired, minimumGasLimit)) }
        return parent
    }
}
