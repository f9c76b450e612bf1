
/// Which optional header fields the chain configuration requires at a block.
///
/// A London block must carry `baseFeePerGas`; an earlier block must not. Blocks
/// of this chain never carry the Shanghai/Cancun fields (no withdrawals, no
/// blobs), but a foreign header that has them for forks its own config
/// activates (as geth writes them) is accepted so real networks' blocks verify.
public enum HeaderFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// London is active at this block but the header has no base fee.
    case missingBaseFee(block: UInt64)
    /// London is not active at this block but the header has a base fee.
    case unexpectedBaseFee(block: UInt64)
    /// A Shanghai/Cancun field is present although that fork is not active at this block.
    case unexpectedField(String, block: UInt64)

    public var description: String {
        switch self {
        case .missingBaseFee(let n): "header \(n): London is active but baseFeePerGas is missing"
        case .unexpectedBaseFee(let n): "header \(n): baseFeePerGas present before London"
        case .unexpectedField(let f, let n): "header \(n): \(f) present before its fork"
        }
    }
}

extension ChainConfig {
    /// Checks that `header` has exactly the fields its fork requires.
    public func checkFormat(of header: Header) throws(HeaderFormatError) {
        let n = header.number
        if isLondon(n) {
            guard header.baseFeePerGas != nil else { throw .missingBaseFee(block: n) }
        } else if header.baseFeePerGas != nil {
            throw .unexpectedBaseFee(block: n)
        }
        // Clique chains never carry the Shanghai/Cancun header fields (their fork times select EVM rules only).
        if header.withdrawalsRoot != nil && (clique != nil || !isShanghai(block: n, timestamp: header.timestamp)) {
            throw .unexpectedField("withdrawalsRoot", block: n)
        }
        if (header.blobGasUsed != nil || header.parentBeaconBlockRoot != nil)
            && (clique != nil || !isCancun(block: n, timestamp: header.timestamp)) {
            throw .unexpectedField("blob gas / beacon root", block: n)
        }
    }
}
