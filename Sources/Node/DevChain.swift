import Foundation
public import Primitives
import ChainTypes
import Consensus
public import Keystore

/// The dev chain `cloister dev` runs: one authority and ten prefunded accounts, all
/// derived from the well-known test mnemonic anvil and Hardhat use, so existing scripts
/// and wallets work unchanged. **Every key here is public: test-only.**
public enum DevChain {
    /// The mnemonic anvil and Hardhat derive their default accounts from.
    public static let mnemonic = "test test test test test test test test test test test junk"
    public static let chainID: UInt64 = 1337
    /// Each account's starting balance: 10,000 ether.
    public static let balance = UInt256(10_000) &* UInt256(1_000_000_000_000_000_000)
    public static let gasLimit: UInt64 = 30_000_000

    /// The genesis JSON (geth format) for `accounts`, sealed by `accounts[0]`, with `period`,
    /// and, when given, the confidential module's policy (`config.confidential`).
    public static func genesis(accounts: [Address], period: UInt64, confidential: DevConfidential? = nil) -> [UInt8] {
        var alloc: [String: Any] = [:]
        for a in accounts { alloc[a.description] = ["balance": balance.hexQuantity] }
        let genesis: [String: Any] = [
            "config": [
                "chainId": chainID, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
                "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0,
                "berlinBlock": 0, "londonBlock": 0, "shanghaiTime": 0, "cancunTime": 0,
                "clique": ["period": period, "epoch": 30000],
            ].merging(confidential.map { ["confidential": $0.policyJSON] } ?? [:]) { a, _ in a } as [String: Any],
            "nonce": "0x0", "timestamp": "0x0",
            "extraData": Hex.encode(CliqueSeal.prepareExtraData(vanity: [], signers: accounts.isEmpty ? [] : [accounts[0]])),
            "gasLimit": "0x" + String(gasLimit, radix: 16), "difficulty": "0x1", "baseFeePerGas": "0x3b9aca00",
            "alloc": alloc,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: genesis, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return Array(data)
    }
}

extension DevChain {
    /// The ten accounts of ``mnemonic`` at m/44'/60'/0'/0/i (BIP-39 seed, BIP-32 derivation).
    public static func accounts(count: UInt32 = 10) throws(KeystoreError) -> [Secp256k1.PrivateKey] {
        let root = try ExtendedPrivateKey(seed: try Mnemonic(phrase: mnemonic).seed())
        var keys: [Secp256k1.PrivateKey] = []
        for i in 0..<count { keys.append(try root.derive(.ethereum(index: i)).privateKey) }
        return keys
    }
}
