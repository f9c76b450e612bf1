public import Primitives

/// The `config` object of a geth-format genesis: chain id, the block numbers and
/// timestamps at which each fork activates, and the Clique parameters.
///
/// A fork field that is nil never activates. ``fork(atBlock:timestamp:)`` gives
/// the rules in force for a block; header format follows from it (London adds
/// `baseFeePerGas`).
public struct ChainConfig: Sendable, Hashable {
    public var chainID: UInt64
    public var homesteadBlock: UInt64?
    public var daoForkBlock: UInt64?
    public var daoForkSupport: Bool
    public var eip150Block: UInt64?
    public var eip155Block: UInt64?
    public var eip158Block: UInt64?
    public var byzantiumBlock: UInt64?
    public var constantinopleBlock: UInt64?
    public var petersburgBlock: UInt64?
    public var istanbulBlock: UInt64?
    public var muirGlacierBlock: UInt64?
    public var berlinBlock: UInt64?
    public var londonBlock: UInt64?
    public var arrowGlacierBlock: UInt64?
    public var grayGlacierBlock: UInt64?
    public var mergeNetsplitBlock: UInt64?
    public var shanghaiTime: UInt64?
    public var cancunTime: UInt64?
    public var terminalTotalDifficulty: UInt256?
    public var terminalTotalDifficultyPassed: Bool
    public var clique: CliqueConfig?
    /// The consortium's network settings (`config.network`); nil: an open network.
    public var network: NetworkConfig?
    /// The attestation policy at genesis (`config.confidential`); nil: no confidential module.
    public var confidential: ConfidentialConfig?

    public init(chainID: UInt64, homesteadBlock: UInt64? = nil, daoForkBlock: UInt64? = nil, daoForkSupport: Bool = false,
                eip150Block: UInt64? = nil, eip155Block: UInt64? = nil, eip158Block: UInt64? = nil,
                byzantiumBlock: UInt64? = nil, constantinopleBlock: UInt64? = nil, petersburgBlock: UInt64? = nil,
                istanbulBlock: UInt64? = nil, muirGlacierBlock: UInt64? = nil, berlinBlock: UInt64? = nil,
                londonBlock: UInt64? = nil, arrowGlacierBlock: UInt64? = nil, grayGlacierBlock: UInt64? = nil,
                mergeNetsplitBlock: UInt64? = nil, shanghaiTime: UInt64? = nil, cancunTime: UInt64? = nil,
                terminalTotalDifficulty: UInt256? = nil, terminalTotalDifficultyPassed: Bool = false,
                clique: CliqueConfig? = nil) {
        self.chainID = chainID; self.homesteadBlock = homesteadBlock; self.daoForkBlock = daoForkBlock
        self.daoForkSupport = daoForkSupport; self.eip150Block = eip150Block; self.eip155Block = eip155Block
        self.eip158Block = eip158Block; self.byzantiumBlock = byzantiumBlock; self.constantinopleBlock = constantinopleBlock
        self.petersburgBlock = petersburgBlock; self.istanbulBlock = istanbulBlock; self.muirGlacierBlock = muirGlacierBlock
        self.berlinBlock = berlinBlock; self.londonBlock = londonBlock; self.arrowGlacierBlock = arrowGlacierBlock
        self.grayGlacierBlock = grayGlacierBlock; self.mergeNetsplitBlock = mergeNetsplitBlock
        self.shanghaiTime = shanghaiTime; self.cancunTime = cancunTime
        self.terminalTotalDifficulty = terminalTotalDifficulty
        self.terminalTotalDifficultyPassed = terminalTotalDifficultyPassed; self.clique = clique
    }

    private static func reached(_ activation: UInt64?, _ value: UInt64) -> Bool {
        guard let activation else { return false }
        return value >= activation
    }

    public func isHomestead(_ block: UInt64) -> Bool { Self.reached(homesteadBlock, block) }
    public func isEIP150(_ block: UInt64) -> Bool { Self.reached(eip150Block, block) }
    public func isEIP155(_ block: UInt64) -> Bool { Self.reached(eip155Block, block) }
    public func isEIP158(_ block: UInt64) -> Bool { Self.reached(eip158Block, block) }
    public func isByzantium(_ block: UInt64) -> Bool { Self.reached(byzantiumBlock, block) }
    public func isConstantinople(_ block: UInt64) -> Bool { Self.reached(constantinopleBlock, block) }
    /// Petersburg is active at its own block, or with Constantinople when it names no block (geth's rule).
    public func isPetersburg(_ block: UInt64) -> Bool {
        Self.reached(petersburgBlock, block) || (petersburgBlock == nil && isConstantinople(block))
    }
    public func isIstanbul(_ block: UInt64) -> Bool { Self.reached(istanbulBlock, block) }
    public func isBerlin(_ block: UInt64) -> Bool { Self.reached(berlinBlock, block) }
    public func isLondon(_ block: UInt64) -> Bool { Self.reached(londonBlock, block) }
    /// The merge: a network that names a netsplit block, or whose terminal total difficulty is zero.
    public func isParis(_ block: UInt64) -> Bool {
        Self.reached(mergeNetsplitBlock, block) || (terminalTotalDifficulty?.isZero ?? false)
    }
    public func isShanghai(block: UInt64, timestamp: UInt64) -> Bool { isLondon(block) && Self.reached(shanghaiTime, timestamp) }
    public func isCancun(block: UInt64, timestamp: UInt64) -> Bool { isLondon(block) && Self.reached(cancunTime, timestamp) }

    /// The rules in force for a block with this number and timestamp.
    public func fork(atBlock block: UInt64, timestamp: UInt64) -> Fork {
        if isCancun(block: block, timestamp: timestamp) { return .cancun }
        if isShanghai(block: block, timestamp: timestamp) { return .shanghai }
        if isParis(block) && isLondon(block) { return .paris }
        if isLondon(block) { return .london }
        if isBerlin(block) { return .berlin }
        if isIstanbul(block) { return .istanbul }
        if isPetersburg(block) { return .petersburg }
        if isConstantinople(block) { return .constantinople }
        if isByzantium(block) { return .byzantium }
        if isEIP158(block) { return .spuriousDragon }
        if isEIP150(block) { return .tangerineWhistle }
        if isHomestead(block) { return .homestead }
        return .frontier
    }
}

/// Clique parameters (EIP-225): seconds between blocks, and blocks per epoch
/// (checkpoint interval at which votes reset).
public struct CliqueConfig: Sendable, Hashable {
    public var period: UInt64
    public var epoch: UInt64

    /// go-ethereum's default epoch when the config names none.
    public static let defaultEpoch: UInt64 = 30_000

    public init(period: UInt64, epoch: UInt64) { self.period = period; self.epoch = epoch }
}

/// `config.network` of a Cloister genesis: who may connect.
public struct NetworkConfig: Sendable, Hashable {
    /// Node identities allowed to connect, as enode URLs or 128-hex-character node ids
    /// (NETWORK.md section 2). Parsed and checked by the peer-to-peer layer; an empty
    /// list admits nobody, an absent `network` object admits everyone.
    public var allowedNodes: [String]

    public init(allowedNodes: [String]) { self.allowedNodes = allowedNodes }
}
