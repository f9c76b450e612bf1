public import Primitives
public import ChainTypes

/// The precompiled contracts in force at each fork, and lookup by address.
///
/// | address | contract | from |
/// |---|---|---|
/// | 0x01–0x04 | ecrecover, sha256, ripemd160, identity | Frontier |
/// | 0x05–0x08 | modexp, bn256Add, bn256ScalarMul, bn256Pairing | Byzantium |
/// | 0x09 | blake2f | Istanbul |
///
/// 0x0a (EIP-4844's KZG point evaluation, Cancun on Ethereum) is **absent** at every
/// fork: this chain carries no blobs, so that address is an ordinary empty account.
///
/// Warm-address rules (EIP-2929 treats every active precompile as warm from Berlin)
/// belong to the caller: ``addresses(in:)`` gives the list to pre-warm. Gas pricing
/// that changed between forks (EIP-2565 for modexp, EIP-1108 for the BN254 contracts)
/// is inside each contract's ``PrecompiledContract/gasCost``.
///
/// Lookups read immutable tables built once; everything here is thread-safe.
public enum Precompiles {
    /// The contracts active in `fork`, in address order.
    public static func active(in fork: Fork) -> [PrecompiledContract] {
        if fork >= .istanbul { return istanbulSet }
        if fork >= .byzantium { return byzantiumSet }
        return frontierSet
    }

    /// The contract at `address` if it is a precompile active in `fork`, else nil.
    public static func contract(at address: Address, fork: Fork) -> PrecompiledContract? {
        // Precompiles sit at 0x00…0001 through 0x00…0009: 19 zero bytes, then the index.
        let index: Int? = address.withUnsafeBytes { raw in
            for i in 0..<19 where raw[i] != 0 { return nil }
            return Int(raw[19])
        }
        guard let index, index >= 1 else { return nil }
        let contracts = active(in: fork)
        return index <= contracts.count ? contracts[index - 1] : nil
    }

    /// The addresses of the contracts active in `fork`, in order (the EIP-2929 warm set).
    public static func addresses(in fork: Fork) -> [Address] {
        if fork >= .istanbul { return istanbulAddresses }
        if fork >= .byzantium { return byzantiumAddresses }
        return frontierAddresses
    }

    /// The contracts active in `fork`, keyed by address: the form a call host looks
    /// up on every CALL (same contents as ``active(in:)``).
    public static func table(for fork: Fork) -> [Address: PrecompiledContract] {
        if fork >= .istanbul { return istanbulTable }
        if fork >= .byzantium { return byzantiumTable }
        return frontierTable
    }

    // MARK: Tables (each list is dense from 0x01, which `contract(at:fork:)` relies on)

    private static let frontierSet: [PrecompiledContract] = [.ecrecover, .sha256, .ripemd160, .identity]
    private static let byzantiumSet: [PrecompiledContract] = frontierSet + [.modexp] + bn254Set
    private static let istanbulSet: [PrecompiledContract] = byzantiumSet + [.blake2f]

    private static let frontierAddresses = frontierSet.map(\.address)
    private static let byzantiumAddresses = byzantiumSet.map(\.address)
    private static let istanbulAddresses = istanbulSet.map(\.address)

    private static let frontierTable = keyed(frontierSet)
    private static let byzantiumTable = keyed(byzantiumSet)
    private static let istanbulTable = keyed(istanbulSet)

    private static func keyed(_ contracts: [PrecompiledContract]) -> [Address: PrecompiledContract] {
        Dictionary(contracts.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

// MARK: - BN254 (alt_bn128), 0x06–0x08, EIP-196 and EIP-197

// Written in `BN254*.swift` by its own owner; listed apart so wiring them up touches
// nothing above. Their fork-dependent pricing (EIP-1108 from Istanbul) is their own.
extension Precompiles {
    fileprivate static let bn254Set: [PrecompiledContract] = [.bn256Add, .bn256ScalarMul, .bn256Pairing]
}
