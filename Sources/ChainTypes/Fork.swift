/// An Ethereum protocol upgrade, in activation order.
///
/// A plain value: the chain configuration maps a block number or timestamp to the
/// fork in force, and rules ask the fork what they need (`fork >= .london`, or one
/// of the named properties below, each naming its EIP). Forks that changed nothing
/// but the difficulty bomb (Muir Glacier, Arrow Glacier, Gray Glacier) are omitted:
/// this chain has no proof of work. `Sendable`; ordering follows activation.
public enum Fork: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    case frontier
    /// EIP-2 (low `s`, creation cost), EIP-7, EIP-8.
    case homestead
    /// EIP-150 gas repricing.
    case tangerineWhistle
    /// EIP-155 replay protection, EIP-158/161 state clearing, EIP-170 code size.
    case spuriousDragon
    case byzantium
    case constantinople
    /// Constantinople without EIP-1283 ("ConstantinopleFix" in the test vectors).
    case petersburg
    /// EIP-2028 cheaper calldata, EIP-1884, EIP-2200.
    case istanbul
    /// EIP-2929 access costs, EIP-2930 access-list transactions.
    case berlin
    /// EIP-1559 fee market and dynamic-fee transactions, EIP-3529.
    case london
    /// The merge (PREVRANDAO); no transaction changes.
    case paris
    /// EIP-3651, EIP-3855 PUSH0, EIP-3860 initcode limit and metering.
    case shanghai
    /// EIP-1153, EIP-5656, EIP-6780 (and EIP-4844 blobs, which this chain does not carry).
    case cancun

    public static func < (lhs: Fork, rhs: Fork) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .frontier: "Frontier"
        case .homestead: "Homestead"
        case .tangerineWhistle: "TangerineWhistle"
        case .spuriousDragon: "SpuriousDragon"
        case .byzantium: "Byzantium"
        case .constantinople: "Constantinople"
        case .petersburg: "Petersburg"
        case .istanbul: "Istanbul"
        case .berlin: "Berlin"
        case .london: "London"
        case .paris: "Paris"
        case .shanghai: "Shanghai"
        case .cancun: "Cancun"
        }
    }

    /// EIP-2: signatures must have `s ≤ n/2`, and contract creation by transaction costs 32,000 more gas.
    public var isEIP2: Bool { self >= .homestead }

    /// EIP-155: legacy transactions may carry a chain id in `v` (35 + 2·chainId + parity).
    public var isEIP155: Bool { self >= .spuriousDragon }

    /// EIP-2028: a non-zero calldata byte costs 16 gas instead of 68.
    public var isEIP2028: Bool { self >= .istanbul }

    /// EIP-2930: access-list transactions (type 1) are accepted.
    public var isEIP2930: Bool { self >= .berlin }

    /// EIP-1559: dynamic-fee transactions (type 2) are accepted and blocks carry a base fee.
    public var isEIP1559: Bool { self >= .london }

    /// EIP-3860: creation transactions pay 2 gas per 32-byte initcode word, and initcode
    /// longer than ``maximumInitcodeSize`` is rejected.
    public var isEIP3860: Bool { self >= .shanghai }

    /// The longest initcode a creation may carry: 49,152 bytes (2 × the EIP-170 code-size
    /// limit, EIP-3860) from Shanghai; nil (unlimited) before.
    public var maximumInitcodeSize: Int? { isEIP3860 ? 2 * 24_576 : nil }
}
